/**
 * The vendored LibreOffice check (scripts/lo-recalc-check.py) stays the shared one, and its output
 * is read right. No LibreOffice needed here.
 */
import { strict as assert } from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import { DEBIAN_PACKAGES, libreOfficeMissing, LO_CHECKER, parseLoOutput, SHARED_CHECKER, SKIP_ENV, skipLibreOffice } from "./libreoffice";

const MARKER = "# ---- end of provenance ----";

/** The vendored file without its provenance lines (the second line up to the marker). */
function withoutProvenance(text: string): string {
  const lines = text.split("\n");
  const end = lines.indexOf(MARKER);
  assert.ok(end > 1, `${LO_CHECKER} has no provenance block ending in "${MARKER}"`);
  return [lines[0], ...lines.slice(end + 1)].join("\n");
}

describe("the LibreOffice check kept in the repository (scripts/lo-recalc-check.py)", () => {
  const vendored = fs.readFileSync(LO_CHECKER, "utf8");

  it("says where it comes from, is executable and runs with Debian's python3", () => {
    const head = vendored.slice(0, vendored.indexOf(MARKER));
    assert.match(head, /^#!\/usr\/bin\/python3\n# Vendored copy of \.\.\/shared\/tools\/lo-recalc-check\.py/);
    assert.match(head, /sha256 [0-9a-f]{64}/);
    assert.ok((fs.statSync(LO_CHECKER).mode & 0o111) !== 0, "not executable");
  });

  it("is byte-identical to ../shared/tools/lo-recalc-check.py apart from the provenance lines", function () {
    if (!fs.existsSync(SHARED_CHECKER)) {
      // A clean clone (CI) has no ../shared; the copy is then all there is.
      this.skip();
    }
    const shared = fs.readFileSync(SHARED_CHECKER, "utf8");
    assert.ok(withoutProvenance(vendored) === shared, `${LO_CHECKER} differs from ${SHARED_CHECKER}: copy the shared file again (keeping the provenance lines, with its new sha256)`);
  });

  it("the provenance names the sha256 of the file it copied", function () {
    if (!fs.existsSync(SHARED_CHECKER)) this.skip();
    const sha = /sha256 ([0-9a-f]{64})/.exec(vendored)![1];
    const actual = createHash("sha256").update(fs.readFileSync(SHARED_CHECKER)).digest("hex");
    assert.equal(sha, actual);
  });

  it("its output is read per file: detail lines, counts, and files that did not open", () => {
    const out = [
      "/t/a.xlsx: 58 formulas recalculated by LibreOffice, 0 disagree with the cached value, 0 inexact; 76 add-in formulas kept",
      "  奖励汇总!C24 =C8-C22-C23: cached 8.4401108325e-08, LibreOffice 0.0",
      "  奖励汇总!C24 =C8-C22-C23: cached 8.4401108325e-08 is not exact",
      "/t/b c.xlsx: 58 formulas recalculated by LibreOffice, 1 disagree with the cached value, 1 inexact; 20000 add-in formulas kept",
      "/t/d.xlsx: openpyxl could not read it: File is not a zip file",
      "",
    ].join("\n");
    const r = parseLoOutput(out);
    assert.deepEqual([...r.keys()], ["/t/a.xlsx", "/t/b c.xlsx", "/t/d.xlsx"]);
    assert.deepEqual(r.get("/t/a.xlsx"), { file: "/t/a.xlsx", formulas: 58, disagree: 0, inexact: 0, addin: 76, details: [], opened: true });
    const b = r.get("/t/b c.xlsx")!;
    assert.deepEqual([b.disagree, b.inexact, b.addin, b.details.length], [1, 1, 20000, 2]);
    assert.equal(r.get("/t/d.xlsx")!.opened, false);
  });

  describe("when LibreOffice is missing or skipped", () => {
    const saved = { PATH: process.env.PATH, CI: process.env.CI, skip: process.env[SKIP_ENV] };
    const restore = (k: string, v: string | undefined) => (v === undefined ? delete process.env[k] : (process.env[k] = v));
    afterEach(() => {
      restore("PATH", saved.PATH);
      restore("CI", saved.CI);
      restore(SKIP_ENV, saved.skip);
    });

    it("names what is missing and the Debian packages to install", () => {
      process.env.PATH = "/nonexistent";
      const m = libreOfficeMissing();
      assert.ok(m);
      assert.match(m, /缺少 soffice/);
      assert.ok(m.includes(`apt-get install ${DEBIAN_PACKAGES.join(" ")}`), m);
      assert.ok(m.includes(`${SKIP_ENV}=1`), m);
    });

    it(`${SKIP_ENV}=1 skips the check on a developer's machine and is refused in CI`, () => {
      delete process.env.CI;
      delete process.env[SKIP_ENV];
      assert.equal(skipLibreOffice(), false);
      process.env[SKIP_ENV] = "1";
      assert.equal(skipLibreOffice(), true);
      process.env.CI = "true";
      assert.throws(() => skipLibreOffice(), /在 CI 中不允许/);
      process.env.CI = "false";
      assert.equal(skipLibreOffice(), true);
    });
  });
});

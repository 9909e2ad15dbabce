import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { generateSampleWorkbook } from "../../samples/generate";
import { dayFromParts, DayNumber } from "../../src/dates";
import { percentText } from "../../src/jobs/bulletin";
import { computeTargets } from "../../src/jobs/targets";
import { kjRunner, sha256File, writeSnapshotXlsx } from "../support/cli";
import { openDocx, tableRows } from "../support/docx";

const AS_OF = dayFromParts(2024, 12, 31) as DayNumber;
const kj = kjRunner(AS_OF);

function has(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

describe("kj report (Word 通报)", function () {
  this.timeout(240_000);
  let dir: string;
  let ledger: string;
  let docx: string;
  const wb = generateSampleWorkbook();
  const { report } = computeTargets(wb, { asOf: AS_OF });
  const units = report.allocation.units.filter((u) => u.year === 2024);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-report-"));
    ledger = await writeSnapshotXlsx(dir, "台账.xlsx", wb);
    docx = path.join(dir, "通报.docx");
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes the bulletin, --json names the rankings; the workbook is only read", async () => {
    const before = sha256File(ledger);
    const r = await kj("report", ledger, "--as-of", "2024-12-31", "--out", docx, "--json");
    assert.equal(r.code, 0, r.err);
    assert.equal(sha256File(ledger), before);
    const j = JSON.parse(r.out);
    assert.equal(j.out, path.resolve(docx));
    assert.equal(j.year, 2024);
    assert.deepEqual(
      j.units.find((u: { kind: string }) => u.kind === "town").ranking.map((x: { unit: string; completion: string }) => [x.unit, x.completion]),
      units.filter((u) => u.unitKind === "town").map((u) => [u.unit, percentText(u.completion)]),
    );
    const rows = tableRows(openDocx(fs.readFileSync(docx)).xml("word/document.xml"));
    for (const u of units) assert.ok(rows.some((row) => row[1] === u.unit && row[4] === percentText(u.completion)), u.unit);
    assert.ok(!fs.readdirSync(dir).some((f) => f.endsWith(".kj-tmp")), "no temporary file left");
  });

  it("prints the rankings without --json", async () => {
    const r = await kj("report", ledger, "--as-of", "2024-12-31", "--out", path.join(dir, "通报2.docx"));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /已生成通报：.*通报2\.docx/);
    assert.match(r.out, /镇街排名：1\. /);
  });

  it("refuses a missing --out, an --out that is not .docx, an unusable --font, and a workbook without ledgers", async () => {
    assert.match((await kj("report", ledger)).err, /--out/);
    const notDocx = await kj("report", ledger, "--out", path.join(dir, "x.xlsx"), "--json");
    assert.equal(notDocx.code, 2);
    assert.equal(JSON.parse(notDocx.out).error.code, "out_not_docx");
    const font = await kj("report", ledger, "--out", path.join(dir, "y.docx"), "--font", path.join(dir, "none.ttf"));
    assert.equal(font.code, 2);
    assert.match(font.err, /无法使用字体文件/);
    const empty = await writeSnapshotXlsx(dir, "空.xlsx", { sheets: [{ name: "Sheet1", firstRow: 1, firstCol: 1, values: [["无台账"]] }] });
    const none = await kj("report", empty, "--out", path.join(dir, "z.docx"));
    assert.equal(none.code, 2);
    assert.match(none.err, /没有找到/);
    assert.ok(!fs.existsSync(path.join(dir, "z.docx")));
  });

  it("opens in LibreOffice Writer: converted to PDF, its text shows every unit with its rank and numbers", function () {
    if (!has("soffice")) {
      if (process.env.CI) assert.fail("LibreOffice (soffice) is needed in CI: apt-get install libreoffice-writer-nogui");
      this.skip();
    }
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "kj-lo-"));
    const pdfDir = path.join(dir, "pdf");
    fs.mkdirSync(pdfDir);
    try {
      execFileSync("soffice", [`-env:UserInstallation=file://${profile}`, "--headless", "--convert-to", "pdf", "--outdir", pdfDir, docx], { stdio: "pipe", timeout: 180_000 });
    } finally {
      fs.rmSync(profile, { recursive: true, force: true });
    }
    const pdf = path.join(pdfDir, "通报.pdf");
    assert.ok(fs.existsSync(pdf), "LibreOffice could not open the .docx (is libreoffice-writer-nogui installed?)");
    if (!has("pdftotext")) {
      if (process.env.CI) assert.fail("pdftotext is needed in CI: apt-get install poppler-utils");
      this.skip();
    }
    const text = execFileSync("pdftotext", [pdf, "-"], { encoding: "utf8" }).replace(/\s+/g, "");
    assert.ok(text.includes("关于全区科技创新目标任务完成情况的通报"));
    for (const u of units) {
      const row = `${u.rank}${u.unit}${u.counted + u.unknown}${u.reached}${percentText(u.completion)}`;
      assert.ok(text.includes(row), `ranking row ${row}`);
    }
    for (const i of report.indicators) {
      assert.ok(text.includes(`${i.target}${i.unit}${i.actual}${i.unit}${percentText(i.completion)}${i.status}`), i.name);
      for (const a of i.allocations.filter((x) => x.year === 2024)) {
        assert.ok(text.includes(`${a.unit}${i.name}${a.target}${i.unit}${a.actual}${i.unit}${percentText(a.completion)}${a.status}${a.rank}/`), `${a.unit} ${i.name}`);
      }
    }
  });
});

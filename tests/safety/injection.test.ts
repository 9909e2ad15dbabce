/**
 * No formula injection: enterprise names, towns, departments, items, statuses and notes such as
 * =HYPERLINK("http://x","点击"), @SUM(1), +1, -1+2, "\t=1", "\r=1" flow through every job on every
 * host and through every kj command that writes a file, and stay text wherever KJ copies them.
 *
 * Hosts: the Excel and WPS fakes turn a string written into a cell that is not text-formatted
 * ("@") into a formula at the moment of the write, as Excel and WPS do; so a cell that ends up
 * holding the string, with format "@" and no formula, proves the format came before the value.
 * Files: the saved .xlsx is read from its XML; each such cell is a string (t="s" or inlineStr)
 * without an <f> element, and every formula in the file is the user's own or one KJ builds.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Io } from "../../src/cli/common";
import { main } from "../../src/cli/main";
import { MARK_REGISTRY_SHEET } from "../../src/host/marks";
import { Edit, readWorkbook } from "../../src/host/port";
import { OWN_SHEETS } from "../../src/ledger/catalogue";
import { AWARD_SUMMARY_SHEET, fillAwards } from "../../src/jobs/awards";
import { computeTargets, TARGETS_SHEET } from "../../src/jobs/targets";
import { ARCHIVE_SHEET, planUpkeep, removeFromPool, undoRemoval } from "../../src/jobs/upkeep";
import { validateWorkbook } from "../../src/jobs/validate";
import { AS_OF, ENTERPRISE, HOSTILE, safetyFixture, USER_SHEET } from "./fixture";
import { HostRun, SAFETY_HOSTS, safetyTempDir, writeSeedXlsx } from "./hosts";
import { xlsxCells } from "./xlsx-cells";

const fixture = safetyFixture();
const RISKY = /^[=+\-@\t\r]/;

/** The seed's own formulas ("sheet!row,col" -> formula). */
const userFormulas = new Set(fixture.seed.flatMap((s) => (s.formulas ?? []).map((f) => `${s.name}!${f.formula.replace(/^=/, "")}`)));

/** A formula KJ builds itself: KJ.AWARD on the row's cells, or the summary's SUMIFS/COUNTIFS arithmetic (amounts inside ROUND). */
const KJ_FORMULA = /^(?:_xludf\.)?KJ\.AWARD\([A-Z]+\d+,[A-Z]*\d*,?[A-Z]+\d+\)$|^(?:ROUND\()?(?:[A-Z]+\d+|SUMIFS\(|COUNTIFS\()/;

/** Runs every job in turn on one host, as a user would through the pane; returns the formula edits. */
async function runEveryJob(start: HostRun): Promise<{ run: HostRun; formulaEdits: string[] }> {
  let run = start;
  const formulaEdits: string[] = [];
  const step = async (edits: Edit[]) => {
    for (const e of edits) if (e.type === "setFormulas") e.formulas.flat().forEach((f) => f && formulaEdits.push(f));
    await run.host.apply(edits);
    run = await run.persist();
  };
  await step(validateWorkbook(await readWorkbook(run.host), { asOf: AS_OF, mark: true }).edits);
  const plan = planUpkeep(await readWorkbook(run.host), { asOf: AS_OF });
  await step(plan.edits);
  await step(computeTargets(await readWorkbook(run.host), { asOf: AS_OF }).edits);
  await step(fillAwards(await readWorkbook(run.host), { asOf: AS_OF }).edits);
  await step(removeFromPool(await readWorkbook(run.host), { asOf: AS_OF }, plan.report.suggestions).edits);
  return { run, formulaEdits };
}

describe("no formula injection", function () {
  this.timeout(60_000);

  for (const target of SAFETY_HOSTS) {
    it(`${target.name}: hostile text stays text through every job (archive, targets, awards, undo)`, async () => {
      const { run: done, formulaEdits } = await runEveryJob(await target.make(fixture.seed));
      const seen = new Map<string, number>();
      const check = (run: HostRun, what: string) => {
        const { probe } = run;
        for (const sheet of probe.sheetNames()) {
          const { rows, cols } = probe.extent(sheet);
          for (let r = 1; r <= rows; r++)
            for (let c = 1; c <= cols; c++) {
              const v = probe.value(sheet, r, c);
              const f = probe.formula(sheet, r, c);
              const at = `${what} ${sheet}!${r},${c}`;
              if (f !== null) {
                // Office.js cannot write an error constant: the Excel host copies one as "=#N/A".
                const errorConstant = /^=#[A-Z/0!?]+[!?A]?$/.test(f) && typeof v === "object" && v !== null && !(v instanceof Date) && `=${v.error}` === f;
                const known = errorConstant || userFormulas.has(`${sheet}!${f.replace(/^=/, "")}`) || formulaEdits.includes(f) || formulaEdits.includes("=" + f.replace(/^=/, ""));
                assert.ok(known, `${at} holds a formula nobody asked for: ${f}`);
              }
              if (typeof v !== "string" || !RISKY.test(v)) continue;
              assert.equal(f, null, `${at} ${JSON.stringify(v)} became a formula`);
              const written = (OWN_SHEETS as readonly string[]).includes(sheet) && sheet !== MARK_REGISTRY_SHEET;
              if (written) assert.ok(probe.isText(sheet, r, c), `${at} ${JSON.stringify(v)} is not stored as text`);
              if ((HOSTILE as readonly string[]).includes(v)) seen.set(sheet, (seen.get(sheet) ?? 0) + 1);
            }
        }
      };
      check(done, "after the jobs");
      assert.ok((seen.get(ARCHIVE_SHEET) ?? 0) >= HOSTILE.length, `every hostile name reached 调出记录: ${JSON.stringify([...seen])}`);
      assert.ok((seen.get(TARGETS_SHEET) ?? 0) >= 1, `a hostile town reached 目标完成情况: ${JSON.stringify([...seen])}`);

      // Undo writes the archived rows back into the ledger: they stay text there too.
      const undo = undoRemoval(await readWorkbook(done.host), { asOf: AS_OF });
      assert.ok(undo.report.restored.length >= HOSTILE.length);
      await done.host.apply(undo.edits);
      const back = await done.persist();
      seen.clear();
      check(back, "after undo");
      for (const row of fixture.removedRows) {
        const name = back.probe.value(ENTERPRISE, row, 1);
        assert.ok((HOSTILE as readonly string[]).includes(name as string), `row ${row} holds its hostile name again: ${JSON.stringify(name)}`);
        assert.ok(back.probe.isText(ENTERPRISE, row, 1), `restored ${ENTERPRISE}!${row},1 is stored as text`);
      }
    });
  }

  describe("kj commands that write a file", () => {
    let dir: string;
    let input: string;

    async function kj(...args: string[]): Promise<{ code: number; out: string; err: string }> {
      const out: string[] = [];
      const err: string[] = [];
      const io: Io = { out: (s) => out.push(s), err: (s) => err.push(s), today: () => AS_OF, isTTY: false };
      const code = await main(["node", "kj", ...args], io);
      return { code, out: out.join("\n"), err: err.join("\n") };
    }

    before(async () => {
      dir = fs.mkdtempSync(path.join(safetyTempDir(), "cli-"));
      input = path.join(dir, "台账.xlsx");
      await writeSeedXlsx(fixture.seed, input);
    });

    /** Every hostile-looking string in the file is a string cell without <f>; every <f> is the user's or KJ's. */
    async function assertNoInjection(file: string, mustContain: readonly string[]): Promise<void> {
      const cells = await xlsxCells(file);
      const found = new Map<string, number>();
      for (const c of cells) {
        const at = `${path.basename(file)} ${c.sheet}!${c.ref}`;
        if (c.formula) {
          const mine = userFormulas.has(`${c.sheet}!${c.formula}`) || KJ_FORMULA.test(c.formula);
          assert.ok(mine, `${at} holds a formula KJ did not build: ${c.formula}`);
          assert.ok(!/HYPERLINK|SUM\(1\)/.test(c.formula), `${at} formula ${c.formula}`);
        }
        if (c.text === null || !(HOSTILE as readonly string[]).includes(c.text)) continue;
        assert.equal(c.formula, null, `${at} ${JSON.stringify(c.text)} has a formula`);
        assert.ok(c.type === "s" || c.type === "inlineStr", `${at} ${JSON.stringify(c.text)} is stored with t=${c.type}, not as a string`);
        found.set(c.sheet, (found.get(c.sheet) ?? 0) + 1);
      }
      for (const sheet of mustContain) assert.ok((found.get(sheet) ?? 0) > 0, `${path.basename(file)}: no hostile string found on ${sheet} (${JSON.stringify([...found])})`);
    }

    it("the input file itself: hostile strings are plain strings (the baseline the commands must keep)", async () => {
      await assertNoInjection(input, [ENTERPRISE, USER_SHEET]);
    });

    it("kj check --out", async () => {
      const out = path.join(dir, "校验.xlsx");
      const r = await kj("check", input, "--as-of", "2025-01-01", "--out", out);
      assert.ok(r.code === 0 || r.code === 1, r.err);
      await assertNoInjection(out, [ENTERPRISE, USER_SHEET]);
    });

    it("kj upkeep --out --remove, then --undo", async () => {
      const removed = path.join(dir, "调出后.xlsx");
      const r = await kj("upkeep", input, "--as-of", "2025-01-01", "--out", removed, "--remove");
      assert.equal(r.code, 1, r.err);
      await assertNoInjection(removed, [ARCHIVE_SHEET, USER_SHEET]);
      const undone = path.join(dir, "撤销后.xlsx");
      const u = await kj("upkeep", removed, "--as-of", "2025-01-01", "--out", undone, "--undo");
      assert.ok(u.code === 0 || u.code === 1, u.err);
      await assertNoInjection(undone, [ENTERPRISE, ARCHIVE_SHEET]);
    });

    it("kj targets --out", async () => {
      const out = path.join(dir, "目标.xlsx");
      const r = await kj("targets", input, "--as-of", "2025-01-01", "--out", out);
      assert.ok(r.code === 0 || r.code === 1, r.err);
      await assertNoInjection(out, [TARGETS_SHEET, ENTERPRISE]);
    });

    it("kj awards --out, then kj recalc --out on its result", async () => {
      const out = path.join(dir, "奖励.xlsx");
      const r = await kj("awards", input, "--as-of", "2025-01-01", "--out", out);
      assert.ok(r.code === 0 || r.code === 1, r.err);
      await assertNoInjection(out, ["奖励", ENTERPRISE]);
      assert.ok((await xlsxCells(out)).some((c) => c.sheet === AWARD_SUMMARY_SHEET && /^(ROUND\()?SUMIFS\(/.test(c.formula ?? "")), "the summary holds KJ's own formulas");
      const recalculated = path.join(dir, "重算.xlsx");
      const rc = await kj("recalc", out, "--as-of", "2025-01-01", "--out", recalculated);
      assert.ok(rc.code === 0 || rc.code === 1, rc.err);
      await assertNoInjection(recalculated, ["奖励", ENTERPRISE, USER_SHEET]);
    });

    it("kj recalc --out on the user's workbook", async () => {
      const out = path.join(dir, "重算原表.xlsx");
      const r = await kj("recalc", input, "--as-of", "2025-01-01", "--out", out);
      assert.ok(r.code === 0 || r.code === 1, r.err);
      await assertNoInjection(out, [ENTERPRISE, USER_SHEET]);
    });
  });
});

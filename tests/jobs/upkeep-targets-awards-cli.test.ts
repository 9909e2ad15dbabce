import { strict as assert } from "assert";
import ExcelJS from "exceljs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { generateSampleWorkbook } from "../../samples/generate";
import { snapshotEdits } from "../../src/cli/commands/demo";
import { dayFromParts, DayNumber } from "../../src/dates";
import { recalcWorkbook } from "../../src/host/xlsx/recalc";
import { XlsxHost } from "../../src/host/xlsx/host";
import { CellValue } from "../../src/ledger/cells";
import { PLAN_PACKS } from "../../src/policy/plans";
import { kjRunner, sha256File as sha } from "../support/cli";

const TODAY = dayFromParts(2024, 12, 31) as DayNumber;
let dir: string;
let sample: string;

const kj = kjRunner(TODAY);

async function load(file: string): Promise<XlsxHost> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return new XlsxHost(wb);
}

/** The user's columns of a sheet, as values. */
function userValues(host: XlsxHost, sheet: string, cols: number): CellValue[][] {
  const s = host.snapshot(sheet);
  return s.values.map((r) => r.slice(0, cols - s.firstCol + 1));
}

describe("kj upkeep / kj targets / kj awards", function () {
  this.timeout(120_000);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-jobs-"));
    const book = new ExcelJS.Workbook();
    await new XlsxHost(book).apply(snapshotEdits(generateSampleWorkbook()));
    recalcWorkbook(book, { today: TODAY });
    sample = path.join(dir, "示例台账.xlsx");
    await book.xlsx.writeFile(sample);
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("kj upkeep --json lists suggestions with reasons; the input is never modified", async () => {
    const before = sha(sample);
    const r = await kj("upkeep", sample, "--as-of", "2025-01-01", "--json");
    assert.equal(r.code, 1, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.asOf, "2025-01-01");
    assert.ok(j.suggestions.length > 10);
    for (const s of j.suggestions) {
      assert.deepEqual(Object.keys(s).slice(0, 4), ["sheet", "row", "name", "uscc"]);
      assert.ok(s.reasons.length > 0);
      for (const x of s.reasons) assert.ok(x.code && x.text && x.cite);
    }
    assert.equal(sha(sample), before);
  });

  it("kj upkeep --out --remove, then --undo on the result, gives back the ledger exactly", async () => {
    const removed = path.join(dir, "调出后.xlsx");
    const r = await kj("upkeep", sample, "--as-of", "2025-01-01", "--out", removed, "--remove");
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /已调出 \d+ 家（批次 20250101-01/);
    const undone = path.join(dir, "撤销后.xlsx");
    const u = await kj("upkeep", removed, "--as-of", "2025-01-01", "--out", undone, "--undo");
    assert.match(u.out, /已撤销批次 20250101-01/);
    const original = await load(sample);
    const width = original.snapshot("企业培育库").values[1].length;
    const mid = await load(removed);
    assert.ok(mid.snapshot("企业培育库").values.length < original.snapshot("企业培育库").values.length);
    assert.equal(mid.snapshot("调出记录").values[0][0], "批次号");
    const back = await load(undone);
    assert.deepEqual(userValues(back, "企业培育库", width), userValues(original, "企业培育库", width));
  });

  it("kj upkeep refuses --remove without --out, and a workbook without an enterprise ledger (exit 2)", async () => {
    assert.equal((await kj("upkeep", sample, "--remove")).code, 2);
    const book = new ExcelJS.Workbook();
    book.addWorksheet("杂项").getCell("A1").value = "随便写的";
    const other = path.join(dir, "杂项.xlsx");
    await book.xlsx.writeFile(other);
    const r = await kj("upkeep", other, "--json");
    assert.equal(r.code, 2);
    assert.equal(JSON.parse(r.out).error.code, "no_ledger");
    assert.equal((await kj("upkeep", path.join(dir, "没有这个文件.xlsx"))).code, 2);
  });

  it("kj targets --json gives every indicator key of the plan with per-year actuals", async () => {
    const r = await kj("targets", sample, "--as-of", "2024-12-31", "--json");
    assert.ok(r.code === 0 || r.code === 1, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.asOf, "2024-12-31");
    assert.deepEqual(j.indicators.map((i: { key: string }) => i.key), PLAN_PACKS[0].pack.targets.map((t) => t.key));
    for (const i of j.indicators) {
      assert.deepEqual(Object.keys(i.byYear), ["2022", "2023", "2024"]);
      assert.equal(typeof i.actual, "number");
      assert.equal(i.completion, i.actual / i.target);
    }
    assert.equal(r.code, j.indicators.every((i: { status: string }) => i.status === "达成") ? 0 : 1);
  });

  it("kj targets --out writes 目标完成情况 into a copy", async () => {
    const out = path.join(dir, "目标.xlsx");
    const r = await kj("targets", sample, "--as-of", "2024-12-31", "--out", out);
    assert.match(r.out, /评价日期 2024-12-31/);
    const host = await load(out);
    const text = host.snapshot("目标完成情况").values.flat().filter((v) => typeof v === "string").join("\n");
    assert.match(text, /评价日期：2024-12-31/);
    assert.match(text, /高新技术企业/);
  });

  it("kj awards --out writes formulas with results and 奖励汇总; exit 0 when every row computes", async () => {
    const out = path.join(dir, "奖励.xlsx");
    const before = sha(sample);
    const r = await kj("awards", sample, "--out", out, "--json");
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.ok(j.totals.total.count > 10);
    assert.match(j.totals.total.amountText, /^\d+(\.\d+)?$/);
    assert.equal(sha(sample), before);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const summary = wb.getWorksheet("奖励汇总");
    assert.ok(summary);
    let totalRow = 0;
    summary.eachRow((row, n) => {
      if (row.getCell(1).value === "合计（全部行）") totalRow = n;
    });
    const cell = summary.getCell(totalRow, 3).value as { formula: string; result: number };
    assert.match(cell.formula, /^ROUND\(SUMIFS\(.*\),4\)$/);
    assert.equal(cell.result, j.totals.total.amount, "the cached total is the exact decimal total");
  });

  it("each command's help states its exit codes in Chinese", async () => {
    for (const cmd of ["upkeep", "targets", "awards"]) {
      const r = await kj(cmd, "--help");
      assert.equal(r.code, 0);
      assert.match(r.out, /退出码：0 .*1 .*2 /);
    }
  });

  it("targets and awards never change a user cell of the xlsx, and re-running on their output changes nothing", async () => {
    const original = await load(sample);
    const once = path.join(dir, "一次.xlsx");
    const twice = path.join(dir, "两次.xlsx");
    assert.ok([0, 1].includes((await kj("targets", sample, "--as-of", "2024-12-31", "--out", once)).code));
    assert.equal((await kj("awards", once, "--as-of", "2024-12-31", "--out", path.join(dir, "一次b.xlsx"))).code, 0);
    const first = await load(path.join(dir, "一次b.xlsx"));
    for (const name of ["企业培育库", "创新平台", "人才", "科技计划项目", "奖励"]) {
      assert.deepEqual(first.snapshot(name).values, original.snapshot(name).values, name);
    }
    await kj("targets", path.join(dir, "一次b.xlsx"), "--as-of", "2024-12-31", "--out", twice);
    const twiceB = path.join(dir, "两次b.xlsx");
    await kj("awards", twice, "--as-of", "2024-12-31", "--out", twiceB);
    const second = await load(twiceB);
    for (const name of ["企业培育库", "奖励", "目标完成情况", "奖励汇总"]) {
      assert.deepEqual(second.snapshot(name), first.snapshot(name), name);
    }
  });
});

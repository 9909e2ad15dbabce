/**
 * Every number `kj targets --out` writes on 目标完成情况 is the decimal result (issue 14.4), on a
 * large generated workbook (tests/lo/outputs.ts "targets-large.xlsx", 10,000 enterprises with
 * platforms, talents, projects and a 目标分解 sheet; LibreOffice opens the same file): the sheet
 * holds values, no formula; counts, targets and gaps are whole numbers; each 完成率 is
 * actual ÷ target computed in Decimal; each unit's 综合完成率 is the decimal mean of its capped
 * completions, recomputed here from the 分指标 table the sheet itself shows.
 */
import { strict as assert } from "assert";
import Decimal from "decimal.js";
import ExcelJS from "exceljs";
import * as path from "path";
import { TARGETS_SHEET } from "../../src/jobs/targets";
import { sharedCliOutputs } from "../lo/outputs";

type Row = (ExcelJS.CellValue | undefined)[];

/** The rows of a table whose header row holds `first` in column A and `has` somewhere, up to the next blank row. */
function table(rows: Row[], first: string, has: string): { header: string[]; body: Row[] } {
  const at = rows.findIndex((r) => r[1] === first && r.includes(has));
  assert.ok(at >= 0, `table with ${first} … ${has}`);
  const header = rows[at].map((v) => (typeof v === "string" ? v : ""));
  const body: Row[] = [];
  for (let i = at + 1; i < rows.length && rows[i].some((v) => v !== null && v !== undefined && v !== ""); i++) body.push(rows[i]);
  return { header, body };
}

const num = (v: ExcelJS.CellValue | undefined): number | null => (typeof v === "number" ? v : null);
const ratio = (actual: number, target: number) => new Decimal(actual).div(target).toNumber();

describe("目标完成情况 on a large workbook: every number is the decimal result", function () {
  this.timeout(300_000);
  let rows: Row[] = [];
  let formulas = 0;
  let numbers: { v: number; col: string }[] = [];

  before(async () => {
    const { dir } = await sharedCliOutputs(["targets-large.xlsx"]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path.join(dir, "targets-large.xlsx"));
    const ws = book.getWorksheet(TARGETS_SHEET);
    assert.ok(ws, "the sheet is written");
    ws.eachRow({ includeEmpty: true }, (row, r) => {
      const values = row.values as Row;
      rows[r] = values;
      values.forEach((v) => {
        if (v && typeof v === "object" && "formula" in v) formulas++;
      });
    });
    rows = Array.from(rows, (r) => r ?? []);
    numbers = [];
    let header: Row = [];
    for (const r of rows) {
      // Every table starts with its header row (指标 … / 年度 … / 行 …).
      if (r[1] === "指标" || r[1] === "年度" || r[1] === "行") header = r;
      r.forEach((v, c) => {
        if (typeof v === "number") numbers.push({ v, col: String(header[c] ?? "") });
      });
    }
  });

  it("holds values only, and every number outside a 完成率 column is a whole number", () => {
    assert.equal(formulas, 0);
    assert.ok(numbers.length > 100, `${numbers.length} numbers`);
    for (const n of numbers) if (!/完成率/.test(n.col)) assert.ok(Number.isInteger(n.v), `${n.col}: ${n.v}`);
  });

  it("each indicator's 完成率 is actual ÷ target in decimal, 差距 is what is missing", () => {
    const { header, body } = table(rows, "指标", "完成率");
    const [t, a, c, g] = ["目标", "实际", "完成率", "差距"].map((h) => header.indexOf(h));
    assert.equal(body.length, 16);
    let fractional = 0;
    for (const r of body) {
      const target = num(r[t]) as number;
      const actual = num(r[a]);
      assert.ok(Number.isInteger(target) && target > 0);
      if (actual === null) continue;
      assert.equal(r[c], ratio(actual, target), `${String(r[1])}`);
      assert.equal(r[g], Math.max(0, target - actual));
      if (!Number.isInteger((actual * 100) / target)) fractional++;
    }
    assert.ok(fractional > 0, "some completions are not whole percents (e.g. 109/110)");
  });

  it("目标分解: each 完成率 is actual ÷ target, each unit's 综合完成率 the decimal mean of its capped completions", () => {
    const per = table(rows, "年度", "指标");
    const [year, kind, unit, t, a, c, g, st] = ["年度", "类别", "单位", "目标", "实际", "完成率", "差距", "状态"].map((h) => per.header.indexOf(h));
    const sums = new Map<string, { sum: Decimal; n: number }>();
    for (const r of per.body) {
      const target = num(r[t]) as number;
      const actual = num(r[a]);
      if (actual === null) {
        assert.equal(r[c] ?? null, null);
        continue;
      }
      assert.equal(r[c], ratio(actual, target), `${String(r[unit])} ${String(r[4])}`);
      assert.equal(r[g], Math.max(0, target - actual));
      if (r[st] === "未开始") continue;
      const k = `${String(r[year])}|${String(r[kind])}|${String(r[unit])}`;
      const e = sums.get(k) ?? { sum: new Decimal(0), n: 0 };
      e.sum = e.sum.plus(Decimal.min(new Decimal(actual).div(target), 1));
      e.n++;
      sums.set(k, e);
    }
    const units = table(rows, "年度", "综合完成率");
    const [uy, uk, uu, uc] = ["年度", "类别", "单位", "综合完成率"].map((h) => units.header.indexOf(h));
    assert.ok(units.body.length >= 8);
    let checked = 0;
    for (const r of units.body) {
      const e = sums.get(`${String(r[uy])}|${String(r[uk])}|${String(r[uu])}`);
      if (!e) continue;
      assert.equal(r[uc], e.sum.div(e.n).toNumber(), `${String(r[uu])}`);
      checked++;
    }
    assert.equal(checked, units.body.length);
  });
});

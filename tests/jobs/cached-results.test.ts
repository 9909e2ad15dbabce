/**
 * Issue 17.1: kj awards / kj rdsubsidies --out write every formula with its exact cached result
 * and do not recalculate the workbook. The proof: on the sample ledger, on generated ledgers and
 * on ledgers full of edge cases, the cached values written equal, cell by cell over every formula
 * of the workbook, what a full HyperFormula recalculation of the same file gives
 * (tests/support/cached-vs-recalc.ts). Where the job cannot know a value (another formula reads
 * the ledger) the command recalculates and says why. Also: the package writer stores results as
 * <f> plus <v> of the right type, and the criteria of src/jobs/cached.ts match as engines do.
 */
import { strict as assert } from "assert";
import Decimal from "decimal.js";
import ExcelJS from "exceljs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import JSZip from "jszip";
import { writeAwardLedgerXlsx, writeRdLedgerXlsx, RESIDUE_AWARD_MIX } from "../../bench/jobs-xlsx";
import { dayFromParts, DayNumber } from "../../src/dates";
import { editXlsxPackage } from "../../src/host/xlsx/package-edits";
import { snapshotOfXlsxBytes } from "../../src/host/xlsx/file";
import { fillAwards } from "../../src/jobs/awards";
import { columnOf, countIfs, mayRead, notBlank, numberCompare, numberEquals, sumIfs, textEquals, Unknowable } from "../../src/jobs/cached";
import { fillRdSubsidies } from "../../src/jobs/rdsubsidies";
import { RD } from "../../src/ledger/catalogue";
import { generateRdRows } from "../../samples/generate";
import { CellValue } from "../../src/ledger/cells";
import { SheetSnapshot } from "../../src/host/port";
import { compareCachedWithRecalc } from "../support/cached-vs-recalc";
import { kjRunner } from "../support/cli";

const AS_OF = "2024-12-31";
const TODAY = dayFromParts(2024, 12, 31) as DayNumber;
const kj = kjRunner(TODAY);
/** The R&D summary's sums are not rounded: the engine's binary sum may differ from the exact cached value by this much (relative). */
const TOLERANCE = { 研发补助汇总: 1e-12 };

let dir: string;
before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-cached-"))));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => (process.exitCode = 0));

const utc = (y: number, m: number, d: number, h = 0) => new Date(Date.UTC(y, m - 1, d, h));

/** Runs kj and compares the output's cached values with a full recalculation of it. */
async function runAndCompare(args: string[], out: string): Promise<{ err: string; formulas: number }> {
  const r = await kj(...args, "--as-of", AS_OF, "--out", out);
  assert.ok(r.code === 0 || r.code === 1, `kj ${args.join(" ")} exited ${r.code}: ${r.err}`);
  const c = await compareCachedWithRecalc(fs.readFileSync(out), { today: TODAY, tolerance: TOLERANCE });
  assert.deepEqual(c.disagreements.slice(0, 10), [], `kj ${args[0]}: cached values that a recalculation changes`);
  assert.equal(c.missing, 0, `kj ${args[0]}: formulas without a cached value`);
  return { err: r.err, formulas: c.formulas };
}

/** An award ledger with every case the summary's formulas treat differently. */
async function writeEdgeAwardLedger(file: string, extra?: (wb: ExcelJS.Workbook) => void): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("奖励");
  ws.addRow(["名称", "统一社会信用代码", "奖励事项", "认定日期", "计算依据（万元）", "奖励金额（万元）", "拨付状态"]);
  const rows: CellValue[][] = [
    ["甲公司", null, "高新技术企业", utc(2023, 5, 1), null, null, "已拨付"],
    ["乙公司", null, "高企", utc(2022, 3, 15), null, null, "已拨"], // an alias, a status synonym
    ["丙公司", null, "获得省绩效奖励的科技创新平台", utc(2024, 2, 1), 45.5555, null, "待拨付"], // 4 decimals
    ["丁公司", null, "获得省级创新创业共同体认定", utc(2023, 7, 1), 463.777, null, "待拨"], // 3 decimals
    ["戊公司", null, "国家重点实验室", utc(2024, 6, 30), 250.5, null, null], // a member name, blank status
    ["己公司", null, "不存在的事项", utc(2023, 1, 1), null, null, "已拨付"], // unknown item: an error
    ["庚公司", null, "高新技术企业", utc(2019, 3, 1), null, null, "已拨付"], // outside every plan: #N/A
    ["辛公司", null, "院士工作站", null, null, null, "已拨付"], // blank date
    ["壬公司", null, "院士工作站", "2023-06-01", null, null, "已拨付"], // a date typed as text
    ["癸公司", null, "高新技术企业", utc(2024, 12, 31, 12), null, null, "已拨付"], // a date with a time of day
    ["子公司", null, "省级重点实验室", utc(2022, 8, 8), "80万元", null, "已拨付"], // the basis as text with its unit
    ["丑公司", null, "高新技术企业", utc(2023, 9, 9), null, 12.345, "已拨付"], // a typed amount
    ["寅公司", null, "高新技术企业", utc(2023, 9, 10), null, "20万元", "待拨付"], // a typed amount as text
    ["卯公司", null, "高新技术企业 ", utc(2023, 9, 11), null, null, "已拨付"], // a trailing space: the core knows it, SUMIFS does not
    ["辰公司", null, "院士工作站", { error: "#N/A" }, null, null, "已拨付"], // an error in an input
    ["巳公司", null, "省级重点实验室", utc(2024, 1, 1), 1234.5678, null, "其他状态"],
  ];
  for (const r of rows) ws.addRow(r.map((v) => (v !== null && typeof v === "object" && !(v instanceof Date) ? ({ error: v.error } as ExcelJS.CellErrorValue) : v)) as ExcelJS.CellValue[]);
  ws.addRow([null, null, null, null, null, 999, null]); // a total typed below the table
  ws.getColumn(4).numFmt = "yyyy-mm-dd";
  extra?.(wb);
  await wb.xlsx.writeFile(file);
}

describe("cached results of kj awards --out (issue 17.1)", function () {
  this.timeout(300_000);

  it("the sample ledger: every cached value is what a recalculation gives, and nothing is recalculated", async () => {
    const demo = path.join(dir, "demo");
    assert.equal((await kj("demo", "--out", demo, "--as-of", AS_OF)).code, 0);
    const r = await runAndCompare(["awards", path.join(demo, "示例台账.xlsx")], path.join(dir, "awards-sample.xlsx"));
    assert.ok(r.formulas >= 40, `${r.formulas} formulas`);
    assert.doesNotMatch(r.err, /重算/);
    // And the R&D job on its output (the award formulas are another sheet's: left as they are).
    const r2 = await runAndCompare(["rdsubsidies", path.join(dir, "awards-sample.xlsx"), "--year", "2024"], path.join(dir, "rd-sample.xlsx"));
    assert.doesNotMatch(r2.err, /重算/);
    // Again on its own output for another year: the 2024 formulas stay, valued as well.
    const r3 = await runAndCompare(["rdsubsidies", path.join(dir, "rd-sample.xlsx"), "--year", "2023"], path.join(dir, "rd-sample-2023.xlsx"));
    assert.doesNotMatch(r3.err, /重算/);
  });

  it("edge cases: decimals, aliases, unknown items, dates outside every plan, blank and text dates, typed amounts, errors", async () => {
    const input = path.join(dir, "edge.xlsx");
    await writeEdgeAwardLedger(input, (wb) => {
      // A formula elsewhere that does not read the ledger, with its cached value: kept, no recalculation.
      wb.addWorksheet("说明").getCell("A1").value = { formula: "1+1", result: 2 } as ExcelJS.CellFormulaValue;
    });
    const r = await runAndCompare(["awards", input], path.join(dir, "edge-out.xlsx"));
    assert.doesNotMatch(r.err, /重算/);
    const snap = await snapshotOfXlsxBytes("x.xlsx", fs.readFileSync(path.join(dir, "edge-out.xlsx")));
    const ledger = snap.sheets.find((s) => s.name === "奖励") as SheetSnapshot;
    // Spot checks of what the job cached: an error for the unknown item, #N/A outside the plans.
    const amount = (row: number) => ledger.values[row - ledger.firstRow][5];
    assert.deepEqual(amount(7), { error: "#VALUE!" });
    assert.deepEqual(amount(8), { error: "#N/A" });
    // Run again on its own output: nothing to write again on the ledger, and still exact.
    const again = await runAndCompare(["awards", path.join(dir, "edge-out.xlsx")], path.join(dir, "edge-out-2.xlsx"));
    assert.doesNotMatch(again.err, /重算/);
  });

  it("a generated ledger whose binary sums carry residue (2,000 rows): exact, without recalculation", async () => {
    const input = path.join(dir, "residue.xlsx");
    await writeAwardLedgerXlsx(input, 2000, RESIDUE_AWARD_MIX);
    const r = await runAndCompare(["awards", input], path.join(dir, "residue-out.xlsx"));
    assert.ok(r.formulas > 2000);
    assert.doesNotMatch(r.err, /重算/);
  });

  it("when another formula reads the ledger, the copy is recalculated and the clerk is told why", async () => {
    const input = path.join(dir, "reads.xlsx");
    await writeEdgeAwardLedger(input, (wb) => {
      wb.addWorksheet("统计").getCell("A1").value = { formula: "SUM(奖励!F2:F20)", result: 0 } as ExcelJS.CellFormulaValue;
    });
    const r = await runAndCompare(["awards", input], path.join(dir, "reads-out.xlsx"));
    assert.match(r.err, /注意：已重算整个工作簿：工作表“统计”有引用台账或汇总表的公式/);
  });

  it("when an input of KJ.AWARD is a formula, the copy is recalculated and the clerk is told why", async () => {
    const input = path.join(dir, "input-formula.xlsx");
    await writeEdgeAwardLedger(input, (wb) => {
      wb.getWorksheet("奖励")!.getCell("E3").value = { formula: "40+40" } as ExcelJS.CellFormulaValue; // no cached value
    });
    const r = await runAndCompare(["awards", input], path.join(dir, "input-formula-out.xlsx"));
    assert.match(r.err, /注意：已重算整个工作簿：“奖励”第 3 行有其他公式/);
  });

  it("the job's results are the values it reports (memory host): the amounts and the summary's totals", () => {
    const snapshot = {
      sheets: [
        {
          name: "奖励",
          firstRow: 1,
          firstCol: 1,
          values: [
            ["名称", "奖励事项", "认定日期", "计算依据（万元）", "拨付状态"],
            ["甲", "高企", utc(2023, 1, 2), null, "已拨付"],
            ["乙", "省级重点实验室", utc(2024, 1, 2), 80.125, "待拨付"],
          ] as CellValue[][],
        },
      ],
    };
    const { report, edits } = fillAwards(snapshot, { asOf: TODAY });
    assert.equal(report.recalcReason, null);
    const ledger = edits.find((e) => e.type === "setFormulas" && e.sheet === "奖励");
    assert.ok(ledger && ledger.type === "setFormulas" && ledger.results);
    assert.deepEqual(
      ledger.results.map((r) => r[0]),
      report.rows.map((r) => r.amount?.toNumber()),
    );
    const summary = edits.find((e) => e.type === "setFormulas" && e.sheet === "奖励汇总");
    assert.ok(summary && summary.type === "setFormulas" && summary.results);
    const totalAt = (edits.find((e) => e.type === "setValues" && e.sheet === "奖励汇总") as { values: CellValue[][] }).values.findIndex((v) => v[0] === "合计（全部行）");
    assert.deepEqual(summary.results[totalAt].slice(1, 5), [2, report.totals.total.amount.toNumber(), report.totals.byStatus["已拨付"].amount.toNumber(), report.totals.byStatus["待拨付"].amount.toNumber()]);
  });
});

describe("cached results of kj rdsubsidies --out (issue 15 speed, 17.1)", function () {
  this.timeout(300_000);

  it("a generated R&D ledger (2,000 rows, two years): exact, without recalculation", async () => {
    const input = path.join(dir, "rd.xlsx");
    await writeRdLedgerXlsx(input, 2000);
    const r = await runAndCompare(["rdsubsidies", input, "--year", "2024"], path.join(dir, "rd-out.xlsx"));
    assert.ok(r.formulas > 2000);
    assert.doesNotMatch(r.err, /重算/);
  });

  it("a year typed as text, a row of another year holding the job's formula, a total row: exact", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("研发费用台账");
    const header = RD.fields.map((f) => f.name);
    ws.addRow(header);
    const col = (name: string) => header.indexOf(name);
    const rows = generateRdRows(40, 3, 2024);
    rows[0][col("年度")] = "2024"; // text
    rows[1][col("年度")] = "2024年"; // text the engines do not read as the number
    rows[2][col("年度")] = null; // blank: marked, no formula
    for (const r of rows) ws.addRow(r as ExcelJS.CellValue[]);
    ws.addRow(header.map((h) => (h === "企业名称" ? "合计" : null)));
    const input = path.join(dir, "rd-edge.xlsx");
    await wb.xlsx.writeFile(input);
    const first = await runAndCompare(["rdsubsidies", input, "--year", "2024"], path.join(dir, "rd-edge-out.xlsx"));
    assert.doesNotMatch(first.err, /重算/);
    const second = await runAndCompare(["rdsubsidies", path.join(dir, "rd-edge-out.xlsx"), "--year", "2023"], path.join(dir, "rd-edge-out-2.xlsx"));
    assert.doesNotMatch(second.err, /重算/);
  });

  it("the job's results are the amounts it reports", () => {
    const header = ["企业名称", "年度", "研发费用", "上年研发费用", "主营业务收入", "规上工业企业", "高新技术企业", "享受研发费用加计扣除", "上年享受研发费用加计扣除"];
    const snapshot = { sheets: [{ name: "研发费用台账", firstRow: 1, firstCol: 1, values: [header, ["甲", 2024, 800, 500, 20000, "是", "是", "是", "是"], ["乙", 2024, 50, null, 1000, "否", "否", "是", "是"]] as CellValue[][] }] };
    const { report, edits } = fillRdSubsidies(snapshot, { asOf: TODAY, year: 2024 });
    assert.equal(report.recalcReason, null);
    for (const s of ["province", "city"] as const) {
      const col = header.length + (s === "province" ? 1 : 2);
      const e = edits.find((x) => x.type === "setFormulas" && x.sheet === "研发费用台账" && x.col === col);
      if (!report.policies[s]) continue;
      assert.ok(e && e.type === "setFormulas" && e.results, s);
      assert.deepEqual(
        e.results.map((r) => r[0]),
        report.rows.map((r) => (r[s].amount === null ? { error: "#N/A" } : r[s].amount!.toNumber())),
      );
    }
  });
});

describe("the package writer stores a formula's result as its cached value", () => {
  it("<f> then <v>: numbers exact, text t=\"str\", booleans t=\"b\", errors t=\"e\"", async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("表").getCell("A1").value = "x";
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const formulas = [["=ROUND(1,4)", "=A1&\"y\"", "=1=1", "=NA()", "=0.1+0.2", "=SUM(1)"]];
    const results: CellValue[][] = [[new Decimal("1234567.123456").toNumber(), "x<y>&", true, { error: "#N/A" }, new Decimal("0.3").toNumber(), null]];
    const written = await editXlsxPackage(bytes, [{ type: "setFormulas", sheet: "表", row: 2, col: 1, formulas, results }]);
    const xml = (await (written.zip as JSZip).file("xl/worksheets/sheet1.xml")!.async("string")).replace(/ s="\d+"/g, "");
    assert.match(xml, /<c r="A2"><f>ROUND\(1,4\)<\/f><v>1234567.123456<\/v><\/c>/);
    assert.match(xml, /<c r="B2" t="str"><f>A1&amp;"y"<\/f><v>x&lt;y&gt;&amp;<\/v><\/c>/);
    assert.match(xml, /<c r="C2" t="b"><f>1=1<\/f><v>1<\/v><\/c>/);
    assert.match(xml, /<c r="D2" t="e"><f>NA\(\)<\/f><v>#N\/A<\/v><\/c>/);
    assert.match(xml, /<c r="E2"><f>0.1\+0.2<\/f><v>0.3<\/v><\/c>/);
    assert.match(xml, /<c r="F2"><f>SUM\(1\)<\/f><\/c>/, "no result: no cached value (a recalculation fills it)");
  });
});

describe("COUNTIFS / SUMIFS as engines match (src/jobs/cached.ts)", () => {
  const sheet = (rows: CellValue[][]): SheetSnapshot => ({ name: "t", firstRow: 1, firstCol: 1, values: rows });
  it("text criteria ignore case, never match numbers; number criteria match numbers (and, for =, whole-number text)", () => {
    const s = sheet([["ABC"], ["abc"], [5], ["5"], [null], ["5.0x"], [{ error: "#N/A" }]]);
    const col = columnOf(s, 1, 1, 7);
    assert.equal(countIfs([textEquals(col, "abc")]), 2);
    assert.equal(countIfs([numberEquals(col, 5)]), 2);
    assert.equal(countIfs([numberCompare(col, ">=", 0)]), 1);
    assert.equal(countIfs([notBlank(col)]), 6);
    assert.equal(sumIfs(columnOf(s, 1, 1, 7), [numberCompare(col, ">=", 0)]).toString(), "5");
  });
  it("refuses what engines disagree on: booleans, numbers written oddly as text, criteria that are not plain text", () => {
    assert.throws(() => countIfs([notBlank(columnOf(sheet([[true]]), 1, 1, 1))]), Unknowable);
    assert.throws(() => numberEquals(columnOf(sheet([["2,024"]]), 1, 1, 1), 2024), Unknowable);
    assert.throws(() => textEquals(columnOf(sheet([["a"]]), 1, 1, 1), "123"), Unknowable);
    assert.throws(() => sumIfs(columnOf(sheet([[1.23456]]), 1, 1, 1), [], 4), Unknowable);
  });
  it("dates are serial numbers, with the time of day", () => {
    const col = columnOf(sheet([[new Date(Date.UTC(2024, 0, 1, 12))]]), 1, 1, 1);
    assert.equal(col[0], 45292.5);
  });
  it("a formula on another sheet may read the ledger when it names it, reads indirectly or uses a defined name", () => {
    assert.equal(mayRead("=SUM(奖励!F2:F9)", ["奖励"]), true);
    assert.equal(mayRead("='奖励 表'!A1", ["奖励 表"]), true);
    assert.equal(mayRead('=INDIRECT("A"&1)', ["奖励"]), true);
    assert.equal(mayRead("=SUM(金额合计)", ["奖励"]), true);
    assert.equal(mayRead("=1+1", ["奖励"]), false);
    assert.equal(mayRead('=KJ.AWARD(C5,"",$D5)', ["奖励"]), false);
    assert.equal(mayRead('=IF(A1="奖励!",TRUE,B2)', ["奖励"]), false);
  });
});

/**
 * The 研发补助 job (src/jobs/rdsubsidies.ts) on a small hand-made 研发费用台账 and on the sample
 * workbook: formulas for both schemes on the rows of the year only, never over what the user
 * typed, marks on what cannot be computed, a scheme without a pack left alone, and 研发补助汇总
 * whose COUNTIFS/SUMIFS, evaluated by HyperFormula, equal the Decimal totals of the report.
 */
import { strict as assert } from "node:assert";
import { generateSampleWorkbook, SAMPLE_SHEETS } from "../../samples/generate";
import { dayFromDate, dayFromParts, DayNumber, excelSerialFromDay } from "../../src/dates";
import { buildKjEngine } from "../../src/host/xlsx/hyperformula";
import { MemoryHost } from "../../src/host/memory";
import { readWorkbook, SheetSnapshot, WorkbookSnapshot } from "../../src/host/port";
import { CellValue } from "../../src/ledger/cells";
import { fillRdSubsidies, RD_SUMMARY_SHEET, rdFormula } from "../../src/jobs/rdsubsidies";

const AS_OF = dayFromParts(2025, 3, 1) as DayNumber;
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));
const HEADER = ["企业名称", "统一社会信用代码", "所属镇街", "年度", "研发费用（万元）", "上年研发费用", "主营业务收入", "规上工业企业", "高新技术企业", "高企认定日期", "享受研发费用加计扣除", "上年享受研发费用加计扣除", "首次认定高企", "集成电路企业", "备注"];

// prettier-ignore
const ROWS: CellValue[][] = [
  ["薛城区研发费用台账（2023—2024年度）"],
  HEADER,
  ["甲", "91370403MA00000010", "陶庄镇", 2024, 260, 200, 5000, "是", "否", null, "是", "是", null, null, null],          // 3: city 6, province 0 (not 高企)
  ["乙", "91370403MA00000020", "周营镇", 2024, 240, 200, 3000, "否", "是", null, "是", null, null, null, null],          // 4: province 12, city 0
  ["丙", "91370403MA00000030", "陶庄镇", 2024, 400, null, 5000, "是", "是", null, "是", "是", null, null, null],         // 5: 上年 blank: both unknown
  ["丁", "91370403MA00000040", null, 2024, "500万元", 300, "8,000", "是", null, utc(2022, 11, 20), "是", "是", null, "是", null], // 6: no town; city 20, province 10% x 500 = 50
  ["甲", "91370403MA00000010", "陶庄镇", 2023, 200, 150, 5000, "是", "否", null, "是", "是", null, null, null],          // 7: another year: left alone
  ["戊", "91370403MA00000050", "常庄街道", null, 300, 200, 3000, "是", "是", null, "是", "是", null, null, null],        // 8: 年度 blank
  ["己", "91370403MA00000060", "常庄街道", "2024年", 150, 100, 2000, "否", "是", null, "是", null, "是", null, null],    // 9: text year; floor 10
  ["庚", "91370403MA00000070", "周营镇", 2024, 240, 200, 3000, "否", "是", null, "是", null, null, null, null],          // 10: typed amounts
  ["甲", "91370403MA00000010", "陶庄镇", 2024, 260, 200, 5000, "是", "否", null, "是", "是", null, null, null],          // 11: 甲 again in 2024
];

function ledger(extra: (wb: WorkbookSnapshot) => void = () => undefined): WorkbookSnapshot {
  const width = Math.max(...ROWS.map((r) => r.length)) + 2;
  const values = ROWS.map((r) => [...r, ...new Array(width - r.length).fill(null)]);
  const formulas: (string | null)[][] = values.map(() => new Array(width).fill(null));
  // Row 10: the user typed the provincial amount and put a formula of their own in the municipal one.
  values[1][15] = "省级研发补助（万元）";
  values[1][16] = "市级研发补助（万元）";
  values[9][15] = 12;
  values[9][16] = 5;
  formulas[9][16] = "=2+3";
  const wb: WorkbookSnapshot = { sheets: [{ name: "研发", firstRow: 1, firstCol: 1, values, formulas }] };
  extra(wb);
  return wb;
}

/** Evaluates the host's workbook with HyperFormula (KJ functions included); a cell reader. */
function evaluate(host: MemoryHost): (sheet: string, row: number, col: number) => unknown {
  const sheets: Record<string, unknown[][]> = {};
  for (const name of host.sheetNames()) {
    const s: SheetSnapshot = host.snapshot(name);
    const rows: unknown[][] = [];
    for (let r = 1; r < s.firstRow + s.values.length; r++) {
      const row: unknown[] = [];
      for (let c = 1; c < s.firstCol + (s.values[0]?.length ?? 0); c++) {
        const f = host.formula(name, r, c);
        const v = host.value(name, r, c);
        row.push(f ?? (v instanceof Date ? excelSerialFromDay(dayFromDate(v) as number) : v !== null && typeof v === "object" ? v.error : v));
      }
      rows.push(row);
    }
    sheets[name] = rows;
  }
  const hf = buildKjEngine(sheets, AS_OF);
  return (sheet, row, col) => {
    const v = hf.getCellValue({ sheet: hf.getSheetId(sheet) as number, row: row - 1, col: col - 1 });
    return typeof v === "object" && v !== null && "value" in v ? (v as { value: string }).value : v;
  };
}

describe("研发补助 job: formulas, marks and totals", () => {
  it("writes both schemes' formulas on the rows of the year only, reading the ledger up to its own columns", () => {
    const { report, edits } = fillRdSubsidies(ledger(), { asOf: AS_OF, year: 2024 });
    assert.equal(rdFormula("province", 3, 2, 1, 15, 4, 2024), '=KJ.RDSUBSIDY("省",$D3,$A$2:$O$2,$A3:$O3)');
    const set = edits.filter((e) => e.type === "setFormulas" && e.sheet === "研发") as Extract<(typeof edits)[number], { type: "setFormulas" }>[];
    assert.deepEqual(set.map((e) => [e.col, e.row]), [[16, 3], [17, 3]]);
    const prov = set[0].formulas.map((r) => r[0]);
    const city = set[1].formulas.map((r) => r[0]);
    // Rows 3..11: row 7 (2023), 8 (年度 blank) and 10 (typed) get nothing.
    assert.deepEqual(prov.map((f) => f !== null), [true, true, true, true, false, false, true, false, true]);
    assert.equal(prov[0], '=KJ.RDSUBSIDY("省",$D3,$A$2:$O$2,$A3:$O3)');
    assert.equal(city[3], '=KJ.RDSUBSIDY("市",$D6,$A$2:$O$2,$A6:$O6)');
    assert.equal(report.formulasWritten, 12);
    assert.equal(report.typedAmounts, 2);
    assert.deepEqual(report.sheets, [{ sheet: "研发", headerRow: 2, rows: 7, otherYears: 1, columns: { province: "P", city: "Q" } }]);
  });

  it("computes each row with the same core and totals exactly, by scheme and by town", () => {
    const { report } = fillRdSubsidies(ledger(), { asOf: AS_OF, year: 2024 });
    const amounts = report.rows.map((r) => [r.row, r.province.amount?.toString() ?? null, r.city.amount?.toString() ?? null]);
    assert.deepEqual(amounts, [
      [3, "0", "6"],
      [4, "12", "0"],
      [5, null, null],
      [6, "50", "20"],
      [9, "10", "0"],
      [10, "12", "5"],
      [11, "0", "6"],
    ]);
    assert.deepEqual(
      [report.totals.province, report.totals.city].map((t) => [t.rows, t.granted, t.unknown, t.amount.toString()]),
      [
        [7, 4, 1, "84"],
        [7, 4, 1, "37"],
      ],
    );
    assert.deepEqual(report.byTown.map((t) => [t.town, t.rows, t.province.amount.toString(), t.city.amount.toString()]), [
      ["常庄街道", 1, "10", "0"],
      ["陶庄镇", 3, "0", "12"],
      ["周营镇", 2, "24", "5"],
      ["（未填写镇街）", 1, "50", "20"],
    ]);
    assert.match(report.rows[3].province.why, /集成电路企业 10%/);
    assert.equal(report.rows[4].province.why.includes("首次认定的中小高新技术企业不少于 10 万元"), true);
    assert.equal(report.rows[0].province.provisional, false, "not eligible: nothing provisional used");
    assert.equal(report.rows[1].province.provisional, true);
  });

  it("marks what cannot be computed, a year it cannot read, a text year and an enterprise listed twice", () => {
    const { report, edits } = fillRdSubsidies(ledger(), { asOf: AS_OF, year: 2024 });
    const want = [
      [5, "P", "error", "无法计算省级研发补助（2024 年度，鲁科字"],
      [5, "Q", "error", "无法计算市级研发补助（2024 年度，枣科字"],
      [5, "F", "error", "上年研发费用未填写：研发补助无法计算，请补充"],
      [8, "D", "error", "年度未填写，未计算研发补助"],
      [9, "D", "warning", "年度是文字（“2024年”），“研发补助汇总”按年"],
      [10, "P", "warning", "省级研发补助（万元）是手工填写的，与政策测算一致"],
      [10, "Q", "warning", "市级研发补助（万元）是另一个公式（5 万元），未改写；按"],
      [11, "B", "warning", "同一企业在 2024 年度已在第 3 行列出：补助会重复计算，请核对"],
    ];
    assert.deepEqual(report.issues.map((i) => [i.row, i.column, i.severity]), want.map((w) => w.slice(0, 3)));
    report.issues.forEach((i, k) => assert.ok(i.message.startsWith(want[k][3] as string), i.message));
    const marks = edits.find((e) => e.type === "mark");
    assert.ok(marks && marks.type === "mark");
    assert.equal(marks.marks.length, report.issues.length);
    assert.ok(edits.findIndex((e) => e.type === "clearMarks") < edits.findIndex((e) => e.type === "mark"), "the last run's marks go first");
  });

  it("writes 研发补助汇总 whose formulas give the report's totals (HyperFormula), and a re-run adds no formula", async () => {
    const host = MemoryHost.fromSnapshot(ledger());
    const first = fillRdSubsidies(await readWorkbook(host), { asOf: AS_OF, year: 2024 });
    await host.apply(first.edits);
    const at = evaluate(host);
    const label = (r: number) => host.value(RD_SUMMARY_SHEET, r, 1);
    const rowOf = (text: string) => {
      for (let r = 1; r < 40; r++) if (label(r) === text) return r;
      throw new Error(`no row ${text}`);
    };
    const S = RD_SUMMARY_SHEET;
    const p = rowOf("省级研发补助");
    const c = rowOf("市级研发补助");
    // 年度 "2024年" (text) is not counted by the summary, which the job says on that cell.
    assert.deepEqual([2, 3, 4, 5].map((k) => at(S, p, k)), [6, 3, 1, 74]);
    assert.deepEqual([2, 3, 4, 5].map((k) => at(S, c, k)), [6, 4, 1, 37]);
    assert.equal(at(S, rowOf("两项合计"), 5), 111);
    const town = rowOf("周营镇");
    assert.deepEqual([2, 3, 4, 5, 6, 7].map((k) => at(S, town, k)), [2, 2, 24, 1, 5, 29]);
    const rest = rowOf("（未填写镇街）");
    assert.deepEqual([2, 4, 6, 7].map((k) => at(S, rest, k)), [1, 50, 20, 70]);
    const total = rowOf("合计");
    assert.deepEqual([2, 4, 6, 7].map((k) => at(S, total, k)), [6, 74, 37, 111]);
    assert.match(String(host.value(S, 3, 1)), /省级研发补助：《山东省企业研究开发财政补助实施办法》（鲁科字〔2025〕25号，2024 年度起）（含暂定值，待核定）/);

    // The ledger's formulas give what the job computed.
    for (const r of first.report.rows) {
      if (r.province.source === "formula") assert.equal(at("研发", r.row, 16), r.province.amount === null ? "#N/A" : r.province.amount.toNumber(), `P${r.row}`);
      if (r.city.source === "formula") assert.equal(at("研发", r.row, 17), r.city.amount === null ? "#N/A" : r.city.amount.toNumber(), `Q${r.row}`);
    }
    // A user cell is never changed.
    assert.equal(host.value("研发", 10, 16), 12);
    assert.equal(host.formula("研发", 10, 17), "=2+3");

    const again = fillRdSubsidies(await readWorkbook(host), { asOf: AS_OF, year: 2024 });
    assert.equal(again.report.formulasWritten, 0);
    assert.equal(again.edits.filter((e) => e.type === "setFormulas" && e.sheet === "研发").length, 0);
    assert.deepEqual(again.report.issues, first.report.issues);
  });

  it("leaves a scheme without a pack for the year alone, and says how to add one", () => {
    const { report, edits } = fillRdSubsidies(ledger(), { asOf: AS_OF, year: 2023 });
    assert.equal(report.policies.city, null);
    assert.equal(report.policies.province?.docNo, "鲁科字〔2022〕45号");
    assert.match(report.notes[0], /^2023 年度没有市级研发补助政策包：不写入“市级研发补助（万元）”列。无适用政策/);
    const set = edits.filter((e) => e.type === "setFormulas" && e.sheet === "研发") as Extract<(typeof edits)[number], { type: "setFormulas" }>[];
    assert.deepEqual(set.map((e) => e.col), [16]);
    assert.equal(report.rows.length, 1);
    assert.equal(report.rows[0].city.source, "none");
  });

  it("without a 年度 column computes every row for the year, the year written in the formula", () => {
    const wb: WorkbookSnapshot = {
      sheets: [
        {
          name: "研发",
          firstRow: 1,
          firstCol: 1,
          values: [
            ["企业名称", "研发费用", "上年研发费用", "销售收入", "规上工业企业", "享受加计扣除", "上年享受加计扣除"],
            ["甲", 260, 200, 5000, "是", "是", "是"],
          ],
        },
      ],
    };
    const { report, edits } = fillRdSubsidies(wb, { asOf: AS_OF, year: 2024 });
    const city = edits.find((e) => e.type === "setFormulas" && e.col === 9);
    assert.ok(city && city.type === "setFormulas");
    assert.equal(city.formulas[0][0], '=KJ.RDSUBSIDY("市",2024,$A$1:$G$1,$A2:$G2)');
    assert.equal(report.rows[0].city.amount?.toString(), "6");
    assert.match(report.notes.join(""), /没有“年度”列：每一行都按 2024 年度的研发费用计算/);
  });

  it("on the sample workbook: its R&D ledger is recognised and its totals agree with the engine", async () => {
    const host = MemoryHost.fromSnapshot(generateSampleWorkbook());
    const { report, edits } = fillRdSubsidies(await readWorkbook(host), { asOf: AS_OF, year: 2024 });
    assert.equal(report.sheets[0].sheet, SAMPLE_SHEETS.rd);
    assert.ok(report.totals.province.granted > 10 && report.totals.city.granted > 10);
    assert.ok(report.totals.province.unknown >= 1 && report.totals.city.unknown >= 1, "the sample has rows to finish");
    await host.apply(edits);
    const at = evaluate(host);
    for (let r = 1; r < 12; r++) {
      if (host.value(RD_SUMMARY_SHEET, r, 1) === "省级研发补助") assert.equal(at(RD_SUMMARY_SHEET, r, 5), report.totals.province.amount.toNumber());
      if (host.value(RD_SUMMARY_SHEET, r, 1) === "市级研发补助") assert.equal(at(RD_SUMMARY_SHEET, r, 5), report.totals.city.amount.toNumber());
    }
  });
});

import { strict as assert } from "assert";
import Decimal from "decimal.js";
import { memoryHostFromSnapshot } from "../../samples/memory";
import { generateSampleWorkbook } from "../../samples/generate";
import { dayFromDate, dayFromParts, DayNumber, excelSerialFromDay } from "../../src/dates";
import { buildKjEngine } from "../../src/host/xlsx/hyperformula";
import { MemoryHost } from "../../src/host/memory";
import { readWorkbook, SheetSnapshot, WorkbookSnapshot } from "../../src/host/port";
import { CellValue } from "../../src/ledger/cells";
import { AWARD_SUMMARY_SHEET, fillAwards, MAX_SUMMARY_DIGITS, roundedFormula, roundedTotal, summaryDigits, totalsJson } from "../../src/jobs/awards";

const day = (y: number, m: number, d: number) => dayFromParts(y, m, d) as DayNumber;
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));
const AS_OF = day(2024, 12, 31);

// prettier-ignore
const ROWS: CellValue[][] = [
  ["薛城区奖励台账"],
  ["名称", "统一社会信用代码", "奖励事项", "认定日期", "计算依据（万元）", "奖励金额（万元）", "拨付状态", "备注"],
  ["甲", "91370403MA00000010", "高企", utc(2022, 12, 1), null, null, "已拨付", null],                     // 3: 20
  ["乙", "91370403MA00000020", "国家重点实验室", utc(2023, 5, 1), 250, null, "待拨付", null],            // 4: 200 (capped)
  ["丙", "91370403MA00000030", "省绩效奖励", utc(2024, 3, 1), 12.345, null, "待拨付", null],             // 5: 2.469
  ["甲", "91370403MA00000010", "新认定的国家级高新技术企业", utc(2023, 11, 1), null, null, null, null], // 6: 20, once-only twice
  ["丁", "91370403MA00000040", "院士站", utc(2024, 2, 2), null, 50, "已拨付", null],                     // 7: typed, same as policy
  ["戊", "91370403MA00000050", "省重点实验室", utc(2024, 4, 4), null, null, "待拨付", null],             // 8: basis missing
  ["己", "91370403MA00000060", "火箭发射奖", utc(2023, 1, 1), null, null, null, null],                   // 9: unknown item
  ["庚", "91370403MA00000070", "高企", utc(2021, 6, 1), null, null, null, null],                         // 10: before the plan
  ["辛", "91370403MA00000080", "高企", "2024/6/1", null, null, "待拨付", null],                          // 11: text date
  ["壬", "91370403MA00000090", "省级共同体", utc(2024, 1, 1), 620, 500, "待拨", null],                   // 12: our formula already
  ["癸", "91370403MA000000A0", "院士工作站", utc(2024, 5, 5), null, 50, "已拨付", null],                 // 13: another formula
  ["子", "91370403MA000000B0", "技术创新示范企业", utc(2023, 3, 3), null, 15, "已拨付", null],          // 14: typed, differs
];

function golden(): WorkbookSnapshot {
  const values = ROWS.map((r) => [...r, ...new Array(8 - r.length).fill(null)]);
  const formulas: (string | null)[][] = values.map(() => new Array(8).fill(null));
  formulas[11][5] = "=KJ.AWARD(C12,E12,D12)";
  formulas[12][5] = "=25+25";
  return { sheets: [{ name: "奖励", firstRow: 1, firstCol: 1, values, formulas }] };
}

/** Evaluates the host's workbook with HyperFormula (KJ functions included) and returns a cell reader. */
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
        const plain = v instanceof Date ? excelSerialFromDay(dayFromDate(v) as number) : v !== null && typeof v === "object" ? v.error : v;
        row.push(f ?? plain);
      }
      rows.push(row);
    }
    sheets[name] = rows;
  }
  const hf = buildKjEngine(sheets, AS_OF);
  return (sheet, row, col) => hf.getCellValue({ sheet: hf.getSheetId(sheet) as number, row: row - 1, col: col - 1 });
}

function num(v: unknown): number {
  assert.equal(typeof v, "number", `not a number: ${JSON.stringify(v)}`);
  return v as number;
}

describe("awards job (奖励测算)", () => {
  it("writes KJ.AWARD formulas on the row's own cells, only into empty cells or its own formulas", async () => {
    const host = memoryHostFromSnapshot(golden());
    const { report, edits } = fillAwards(await readWorkbook(host), { asOf: AS_OF });
    await host.apply(edits);
    assert.equal(host.formula("奖励", 3, 6), "=KJ.AWARD(C3,E3,D3)");
    assert.equal(host.formula("奖励", 8, 6), "=KJ.AWARD(C8,E8,D8)", "written even when the row cannot be computed yet");
    assert.equal(host.formula("奖励", 12, 6), "=KJ.AWARD(C12,E12,D12)");
    // Typed amounts and other formulas are left as they are.
    assert.equal(host.formula("奖励", 7, 6), null);
    assert.equal(host.value("奖励", 7, 6), 50);
    assert.equal(host.formula("奖励", 13, 6), "=25+25");
    assert.equal(host.formula("奖励", 14, 6), null);
    assert.equal(host.value("奖励", 14, 6), 15);
    // 8 new formulas: rows 3-6 and 8-11; row 12 already holds the right one.
    assert.equal(report.formulasWritten, 8);
    assert.equal(report.typedAmounts, 3);
  });

  it("flags rows that cannot be computed, typed amounts and a repeated once-only award, on their cells", () => {
    const { report, edits } = fillAwards(golden(), { asOf: AS_OF });
    const at = (row: number) => report.issues.filter((i) => i.row === row).map((i) => `${i.column}:${i.severity}:${i.message}`);
    assert.match(at(8).join("|"), /^E:error:.*请填写计算依据/);
    assert.match(at(9).join("|"), /^C:error:未知的奖励事项“火箭发射奖”/);
    assert.match(at(10).join("|"), /^D:error:无适用政策：2021-06-01/);
    assert.match(at(11).join("|"), /^D:warning:认定日期是文字/);
    assert.match(at(6).join("|"), /^C:warning:.*一次性奖励.*第 3 行/);
    assert.match(at(7).join("|"), /^F:warning:奖励金额是手工填写的，与政策测算一致（50 万元）/);
    assert.match(at(13).join("|"), /^F:warning:奖励金额是另一个公式，与政策测算一致/);
    assert.match(at(14).join("|"), /^F:warning:奖励金额是手工填写的（15 万元），未改写；按政策应为 20 万元/);
    assert.deepEqual(at(3), []);
    assert.deepEqual(at(12), []);
    const marks = edits.filter((e) => e.type === "mark").flatMap((e) => (e.type === "mark" ? e.marks : []));
    assert.deepEqual(marks.map((m) => `${m.row}:${m.col}:${m.level}`).sort(), ["10:4:error", "11:4:warning", "13:6:suggestion", "14:6:warning", "6:3:warning", "7:6:suggestion", "8:5:error", "9:3:error"]);
  });

  it("totals exactly in Decimal by year, item and status", () => {
    const { report } = fillAwards(golden(), { asOf: AS_OF });
    const t = report.totals;
    assert.equal(t.total.count, 12);
    assert.ok(t.total.amount.equals(new Decimal("877.469")), t.total.amount.toString());
    assert.deepEqual(Object.fromEntries(Object.entries(t.byYear).map(([k, v]) => [k, [v.count, v.amount.toString()]])), {
      "2021": [1, "0"], "2022": [1, "20"], "2023": [4, "235"], "2024": [6, "622.469"],
    });
    assert.equal(t.byItem.hitech_new.count, 4);
    assert.equal(t.byItem.hitech_new.amount.toString(), "60");
    assert.equal(t.byItem.provincial_platform.count, 1);
    assert.equal(t.byItem.provincial_platform.amount.toString(), "0");
    assert.equal(t.byItem["未识别事项"].count, 1);
    assert.equal(t.byStatus["已拨付"].amount.toString(), "135");
    assert.equal(t.byStatus["待拨付"].amount.toString(), "722.469");
    assert.equal(t.byStatus["未填写"].count, 3);
    const json = totalsJson(t) as { total: { amount: number; amountText: string } };
    assert.equal(json.total.amountText, "877.469");
    assert.equal(json.total.amount, 877.469);
  });

  it("writes 奖励汇总 from SUMIFS/COUNTIFS formulas whose values match the Decimal totals", async () => {
    const host = memoryHostFromSnapshot(golden());
    const { report, edits } = fillAwards(await readWorkbook(host), { asOf: AS_OF });
    await host.apply(edits);
    const s = host.snapshot(AWARD_SUMMARY_SHEET);
    const rowOf = (label: string) => s.values.findIndex((r) => r[0] === label) + 1;
    assert.match(host.formula(AWARD_SUMMARY_SHEET, rowOf("2023年"), 3) ?? "", /^=ROUND\(SUMIFS\('奖励'!\$F\$3:\$F\$\d+,'奖励'!\$D\$3:\$D\$\d+,">="&DATE\(2023,1,1\).*\),4\)$/);
    const cell = evaluate(host);
    // Exactly the decimal total: the amounts are =ROUND(…,4), so no binary residue is left.
    const close = (a: number, b: Decimal, what: string) => assert.equal(a, b.toNumber(), `${what}: ${a} vs ${b}`);
    for (const y of ["2022", "2023", "2024"]) {
      const r = rowOf(`${y}年`);
      assert.equal(num(cell(AWARD_SUMMARY_SHEET, r, 2)), report.totals.byYear[y].count - (y === "2024" ? 1 : 0), `count ${y} (the text date is not counted)`);
      close(num(cell(AWARD_SUMMARY_SHEET, r, 3)), report.totals.byYear[y].amount.minus(y === "2024" ? 20 : 0), `amount ${y}`);
    }
    const total = rowOf("合计（全部行）");
    assert.equal(num(cell(AWARD_SUMMARY_SHEET, total, 2)), 12);
    close(num(cell(AWARD_SUMMARY_SHEET, total, 3)), report.totals.total.amount, "total");
    close(num(cell(AWARD_SUMMARY_SHEET, total, 4)), report.totals.byStatus["已拨付"].amount, "paid");
    close(num(cell(AWARD_SUMMARY_SHEET, total, 5)), report.totals.byStatus["待拨付"].amount, "pending (待拨 is a synonym)");
    const hitech = rowOf("新认定的国家级高新技术企业");
    assert.equal(num(cell(AWARD_SUMMARY_SHEET, hitech, 2)), 4);
    close(num(cell(AWARD_SUMMARY_SHEET, hitech, 3)), report.totals.byItem.hitech_new.amount, "hitech");
    const other = s.values.findIndex((r) => typeof r[0] === "string" && (r[0] as string).startsWith("其他")) + 1;
    assert.equal(num(cell(AWARD_SUMMARY_SHEET, other, 2)), 1, "火箭发射奖");
    const paid = rowOf("已拨付");
    assert.equal(num(cell(AWARD_SUMMARY_SHEET, paid, 2)), 4);
    close(num(cell(AWARD_SUMMARY_SHEET, paid, 3)), report.totals.byStatus["已拨付"].amount, "by status");
    assert.equal(num(cell(AWARD_SUMMARY_SHEET, paid + 2, 2)), 3, "未填写");
  });

  it("never changes a user cell, and a re-run writes no new formula and the same summary", async () => {
    const host = memoryHostFromSnapshot(golden());
    const before = host.snapshot("奖励");
    const first = fillAwards(await readWorkbook(host), { asOf: AS_OF });
    await host.apply(first.edits);
    const after = host.snapshot("奖励");
    for (let r = 0; r < before.values.length; r++) {
      for (let c = 0; c < 8; c++) {
        if (c === 5 && before.formulas?.[r][c] === null && before.values[r][c] === null) continue; // empty amount cells got formulas
        assert.deepEqual(after.values[r][c], before.values[r][c], `cell ${r + 1},${c + 1}`);
      }
    }
    const summary = host.snapshot(AWARD_SUMMARY_SHEET);
    const second = fillAwards(await readWorkbook(host), { asOf: AS_OF });
    assert.equal(second.report.formulasWritten, 0);
    assert.ok(!second.edits.some((e) => e.type === "setFormulas" && e.sheet === "奖励"));
    await host.apply(second.edits);
    assert.deepEqual(host.snapshot("奖励"), after);
    assert.deepEqual(host.snapshot(AWARD_SUMMARY_SHEET), summary);
  });

  it("a re-run after the user fixed rows leaves no stale mark on them, and keeps the marks still due", async () => {
    const host = memoryHostFromSnapshot(golden());
    // A fill the user gave the item cell before any run comes back once its mark is gone.
    host.setFill("奖励", 9, 3, { kind: "solid", color: "#00B0F0" });
    await host.apply(fillAwards(await readWorkbook(host), { asOf: AS_OF }).edits);
    assert.match(host.getNote("奖励", 9, 3) ?? "", /未知的奖励事项/);
    assert.match(host.getNote("奖励", 8, 5) ?? "", /计算依据/);
    // The user fixes row 9's item and row 10's date (typing over their own cells).
    await host.apply([
      { type: "setValues", sheet: "奖励", row: 9, col: 3, values: [["高企"]] },
      { type: "setValues", sheet: "奖励", row: 10, col: 4, values: [[utc(2023, 6, 1)]] },
    ]);
    await host.apply(fillAwards(await readWorkbook(host), { asOf: AS_OF }).edits);
    assert.equal(host.getNote("奖励", 9, 3), null);
    assert.deepEqual(host.getFill("奖励", 9, 3), { kind: "solid", color: "#00B0F0" });
    assert.equal(host.getNote("奖励", 10, 4), null);
    assert.deepEqual(host.getFill("奖励", 10, 4), { kind: "none" });
    assert.match(host.getNote("奖励", 8, 5) ?? "", /计算依据/, "row 8 is still not computable");
    assert.notDeepEqual(host.getFill("奖励", 8, 5), { kind: "none" });
  });

  it("a second run with nothing changed leaves every fill, note and the mark registry as they were", async () => {
    const host = memoryHostFromSnapshot(golden());
    await host.apply(fillAwards(await readWorkbook(host), { asOf: AS_OF }).edits);
    const marksOf = () => {
      const cells: unknown[] = [];
      for (let r = 1; r <= ROWS.length; r++) for (let c = 1; c <= 8; c++) cells.push([r, c, host.getFill("奖励", r, c), host.getNote("奖励", r, c)]);
      return { cells, registry: host.readRegistry() };
    };
    const before = marksOf();
    assert.ok(before.registry.length > 0);
    await host.apply(fillAwards(await readWorkbook(host), { asOf: AS_OF }).edits);
    assert.deepEqual(marksOf(), before);
  });

  it("adds its own amount column when the ledger has none, and uses \"\" for a missing basis column", () => {
    const wb: WorkbookSnapshot = {
      sheets: [{ name: "奖", firstRow: 1, firstCol: 1, values: [["名称", "奖励事项", "认定日期", "备注"], ["甲", "高企", utc(2023, 1, 1), "x"]], formulas: [[null, null, null, null], [null, null, null, null]] }],
    };
    const { edits } = fillAwards(wb, { asOf: AS_OF });
    assert.deepEqual(edits[0], { type: "setValues", sheet: "奖", row: 1, col: 5, values: [["奖励金额（万元）"]] });
    const f = edits.find((e) => e.type === "setFormulas" && e.sheet === "奖");
    assert.deepEqual(f && f.type === "setFormulas" ? f.formulas : null, [['=KJ.AWARD(B2,"",C2)']]);
  });

  it("rounds the summary's amounts to the finest decimal place the ledger uses: 1 元 at least, 1 分 at most", () => {
    const d = (...xs: (string | null)[]) => summaryDigits(xs.map((x) => (x === null ? null : new Decimal(x))));
    assert.equal(d(), 4);
    assert.equal(d("20", "2.469", null), 4);
    assert.equal(d("20", "2.46912"), 5, "20% of 12.3456");
    assert.equal(d("0.000001"), 6);
    assert.equal(d(String(12.3 * 0.2)), MAX_SUMMARY_DIGITS, "a float artefact typed by a user formula (2.4600000000000004) stops at 1 分");
    assert.equal(roundedFormula("C8-C22-C23", 4), "=ROUND(C8-C22-C23,4)");
    // Like Excel's ROUND: half away from zero, and the identity on amounts already at that place.
    assert.equal(roundedTotal(new Decimal("2.46915"), 4).toString(), "2.4692");
    assert.equal(roundedTotal(new Decimal("-2.46915"), 4).toString(), "-2.4692");
    assert.equal(roundedTotal(new Decimal("877.469"), 4).toString(), "877.469");
  });

  it("a ledger with amounts of 5 decimals gets ROUND(…,5), so its totals and differences stay exact", async () => {
    const host = memoryHostFromSnapshot({
      sheets: [{
        name: "奖励", firstRow: 1, firstCol: 1,
        values: [
          ["名称", "奖励事项", "认定日期", "计算依据（万元）", "奖励金额（万元）", "拨付状态"],
          ["甲", "省绩效奖励", utc(2024, 3, 1), 12.3456, null, null],
          ["乙", "高企", utc(2024, 3, 1), null, null, "已拨付"],
          ["丙", "省绩效奖励", utc(2023, 3, 1), 0.1, null, "待拨付"],
        ],
      }],
    });
    const { report, edits } = fillAwards(await readWorkbook(host), { asOf: AS_OF });
    assert.equal(report.totals.total.amount.toString(), "22.48912");
    await host.apply(edits);
    const s = host.snapshot(AWARD_SUMMARY_SHEET);
    const rowOf = (label: string) => s.values.findIndex((r) => r[0] === label) + 1;
    const total = rowOf("合计（全部行）");
    assert.match(host.formula(AWARD_SUMMARY_SHEET, total, 3) ?? "", /^=ROUND\(SUMIFS\(.*\),5\)$/);
    assert.match(String(s.values[1][0]), /金额按 5 位小数四舍五入（到角）/);
    const cell = evaluate(host);
    assert.equal(num(cell(AWARD_SUMMARY_SHEET, total, 3)), 22.48912);
    assert.equal(num(cell(AWARD_SUMMARY_SHEET, rowOf("2024年"), 3)), 22.46912);
    const unfilled = rowOf("未填写或其他");
    assert.equal(host.formula(AWARD_SUMMARY_SHEET, unfilled, 3), `=ROUND(C${total}-C${unfilled - 2}-C${unfilled - 1},5)`);
    assert.equal(num(cell(AWARD_SUMMARY_SHEET, unfilled, 3)), 2.46912, "甲, status blank");
  });

  it("leaves the sample workbook's formulas as they are and its totals agree with the engine", async () => {
    const host = memoryHostFromSnapshot(generateSampleWorkbook());
    const { report, edits } = fillAwards(await readWorkbook(host), { asOf: AS_OF });
    assert.equal(report.formulasWritten, 0);
    assert.equal(report.issues.length, 0);
    await host.apply(edits);
    const cell = evaluate(host);
    const total = host.snapshot(AWARD_SUMMARY_SHEET).values.findIndex((r) => r[0] === "合计（全部行）") + 1;
    assert.equal(num(cell(AWARD_SUMMARY_SHEET, total, 3)), report.totals.total.amount.toNumber());
  });
});

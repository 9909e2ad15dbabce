import { strict as assert } from "assert";
import { memoryHostFromSnapshot } from "../../samples/memory";
import { generateSampleWorkbook } from "../../samples/generate";
import { dayFromParts, DayNumber } from "../../src/dates";
import ExcelJS from "exceljs";
import { MemoryHost } from "../../src/host/memory";
import { XlsxHost } from "../../src/host/xlsx/host";
import { readWorkbook, WorkbookSnapshot } from "../../src/host/port";
import { CellValue } from "../../src/ledger/cells";
import { hitechValidOn, POOL_RULES } from "../../src/jobs/pool-rules";
import { ARCHIVE_SHEET, MANUAL_REASON, planUpkeep, removeFromPool, undoRemoval } from "../../src/jobs/upkeep";

const day = (y: number, m: number, d: number) => dayFromParts(y, m, d) as DayNumber;
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));
const AS_OF = day(2025, 1, 1);

const HEADER = ["企业名称", "统一社会信用代码", "所属镇街", "注册日期", "培育类别", "入库年度", "企业分类", "经营状态", "高企认定日期", "科小入库年度", "小巨人认定日期", "重大安全事故", "严重失信行为", "经营异常名录", "联系人"];
// prettier-ignore
const ROWS: CellValue[][] = [
  // 3: certificate exactly 3 years old on the as-of date: expired that day.
  ["甲公司", "91370403MA0000001B", "临城街道", utc(2015, 3, 1), "高新技术企业", 2021, null, "存续", utc(2022, 1, 1), null, null, "否", "否", "否", "张三"],
  // 4: one day younger: still valid, so 已认定.
  ["乙公司", "91370403MA0000002X", "新城街道", utc(2016, 3, 1), "高企", 2021, null, "存续", utc(2022, 1, 2), null, null, null, null, null, "李四"],
  // 5: 科小 registered 2024, not renewed in 2025.
  ["丙公司", "91370403MA0000003Q", "常庄街道", utc(2010, 5, 5), "科技型中小企业", 2022, null, "存续", null, 2024, null, null, null, null, null],
  // 6: the plan's three and a closed business, all at once.
  ["丁公司", "91370403MA0000004J", "沙沟镇", utc(2012, 1, 9), "科技型中小企业、高新技术企业", 2022, null, "注销", null, 2025, null, "是", "Y", "√", null],
  // 7: registered half a year ago.
  ["戊公司", "91370403MA0000005E", "周营镇", utc(2024, 6, 1), "科技型中小企业", 2024, null, "存续", null, null, null, null, null, null, null],
  // 8: class given; business state in free text.
  ["己公司", "91370403MA00000068", "邹坞镇", "2019-04-01", "科技型中小企业", 2023, "新引进", "已于2024年迁出", null, null, null, null, null, null, null],
  // 9: a blank row is skipped.
  [null, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
  // 10: nothing wrong, derived 入库企业.
  ["庚公司", "91370403MA0000007Y", "陶庄镇", utc(2018, 8, 8), "科技小巨人企业", 2023, null, "存续", null, null, null, "否", "否", "否", null],
  // 11: an unreadable flag: no reason, an issue.
  ["辛公司", "91370403MA0000008P", "张范街道", utc(2017, 2, 2), "科技型中小企业", 2023, null, "存续", null, null, null, null, null, "不清楚", null],
  // 12: 小巨人 recognised: 已认定.
  ["壬公司", "91370403MA0000009G", "临城街道", utc(2011, 2, 2), "科技小巨人企业", 2022, null, "存续", null, null, utc(2023, 7, 1), null, null, null, null],
];

function golden(): WorkbookSnapshot {
  return { sheets: [{ name: "培育库", firstRow: 1, firstCol: 1, values: [["2025年企业培育库"], HEADER, ...ROWS].map((r) => [...r, ...new Array(HEADER.length - r.length).fill(null)]) }] };
}

async function snap(host: MemoryHost): Promise<WorkbookSnapshot> {
  return readWorkbook(host);
}

/** Every cell of the user's columns (A..O) of a sheet. */
function userCells(host: MemoryHost, sheet: string, cols = HEADER.length): CellValue[][] {
  const s = host.snapshot(sheet);
  const out: CellValue[][] = [];
  for (let r = 1; r <= s.firstRow - 1 + s.values.length; r++) {
    const row: CellValue[] = [];
    for (let c = 1; c <= cols; c++) row.push(host.value(sheet, r, c));
    out.push(row);
  }
  while (out.length > 0 && out[out.length - 1].every((v) => v === null)) out.pop();
  return out;
}

describe("upkeep job (动态管理)", () => {
  it("treats a 高企 certificate as expired on 认定日期 + 3 年 (valid the day before)", () => {
    assert.equal(POOL_RULES.hitechValidityYears.value, 3);
    assert.equal(hitechValidOn(day(2022, 1, 1), day(2024, 12, 31)), true);
    assert.equal(hitechValidOn(day(2022, 1, 1), day(2025, 1, 1)), false);
    assert.equal(hitechValidOn(day(2025, 1, 2), day(2025, 1, 1)), false);
  });

  it("keeps every pool rule number in the cited data pack", () => {
    for (const k of ["hitechValidityYears", "smeRegistrationValidYears", "newRegistrationYears", "closedBusinessStates"] as const) {
      assert.ok(POOL_RULES[k].cite.length > 4, k);
    }
    // Removals only for the plan's causes and a business that has ended; the rest are reminders.
    assert.deepEqual(POOL_RULES.reasons.map((r) => r.code), ["safety_accident", "dishonest", "abnormal_list", "business_closed"]);
    assert.deepEqual(POOL_RULES.reminders.map((r) => r.code), ["hitech_expired", "sme_not_renewed"]);
    for (const r of POOL_RULES.reasons) assert.equal(r.cite, "计划 二（一）3");
  });

  it("suggests removal with every reason that applies, reminds of the rest, and classifies each enterprise", () => {
    const { report } = planUpkeep(golden(), { asOf: AS_OF });
    const byRow = Object.fromEntries(report.suggestions.map((s) => [s.row, s.reasons.map((r) => r.code)]));
    assert.deepEqual(byRow, {
      6: ["safety_accident", "dishonest", "abnormal_list", "business_closed"],
      8: ["business_closed"],
    });
    const reminded = Object.fromEntries(report.reminders.map((s) => [s.row, s.reasons.map((r) => r.code)]));
    assert.deepEqual(reminded, { 3: ["hitech_expired"], 5: ["sme_not_renewed"] });
    const d = report.reminders.find((s) => s.row === 3)!;
    assert.equal(d.name, "甲公司");
    assert.equal(d.uscc, "91370403MA0000001B");
    assert.match(d.reasons[0].text, /2022-01-01 认定，有效期 3 年，2025-01-01 起过期），需重新认定/);
    assert.match(d.reasons[0].cite, /国科发火〔2016〕32号/);
    const closed = report.suggestions.find((s) => s.row === 8)!;
    assert.equal(closed.reasons[0].text, "经营状态为“迁出”");
    assert.equal(closed.class, "新引进企业");
    assert.equal(closed.classSource, "填写");
    for (const s of report.suggestions) for (const r of s.reasons) assert.ok(r.cite.length > 2 && r.text.length > 2);
    // 乙, 丁 (科小 2025), 壬: 已认定; 戊: 新注册; 己: 新引进 (given); 甲, 丙, 庚, 辛: 入库.
    assert.deepEqual(report.classes, { 新引进企业: 1, 新注册企业: 1, 入库企业: 4, 已认定企业: 3 });
    assert.equal(report.issues.length, 1);
    assert.equal(report.issues[0].row, 11);
    assert.equal(report.issues[0].field, "经营异常名录");
    assert.equal(report.sheets[0].suggestColumn, "P");
    assert.equal(report.sheets[0].reasonColumn, "Q");
    assert.equal(report.sheets[0].reminderColumn, "R");
  });

  it("writes 建议调出 / 调出原因 to its own columns right of the ledger, and a re-run changes nothing", async () => {
    const host = memoryHostFromSnapshot(golden());
    const before = userCells(host, "培育库");
    const first = planUpkeep(await snap(host), { asOf: AS_OF });
    await host.apply(first.edits);
    assert.equal(host.value("培育库", 2, 16), "建议调出");
    assert.equal(host.value("培育库", 2, 17), "调出原因");
    assert.equal(host.value("培育库", 2, 18), "提醒");
    assert.equal(host.isBold("培育库", 2, 16), true);
    assert.equal(host.isBold("培育库", 2, 18), true);
    // 甲: certificate expired -> a reminder, not a removal.
    assert.equal(host.value("培育库", 3, 16), null);
    assert.match(String(host.value("培育库", 3, 18)), /^高企证书已过有效期/);
    assert.equal(host.value("培育库", 6, 16), "是");
    assert.equal(host.value("培育库", 6, 18), null, "a row suggested for removal gets no reminder");
    assert.equal(host.value("培育库", 4, 16), null);
    assert.equal(host.value("培育库", 4, 18), null);
    assert.equal(host.value("培育库", 6, 17), "发生重大安全事故；有严重失信行为；被列入经营异常名录；经营状态为“注销”");
    assert.equal(host.isText("培育库", 6, 17), true);
    assert.deepEqual(userCells(host, "培育库"), before);

    const afterFirst = host.snapshot("培育库");
    const second = planUpkeep(await snap(host), { asOf: AS_OF });
    assert.deepEqual(second.edits, first.edits);
    await host.apply(second.edits);
    assert.deepEqual(host.snapshot("培育库"), afterFirst);
  });

  it("updates its own columns in place when the situation changes (a later as-of date)", async () => {
    const host = memoryHostFromSnapshot(golden());
    await host.apply(planUpkeep(await snap(host), { asOf: AS_OF }).edits);
    assert.notEqual(host.value("培育库", 3, 18), null);
    // One day earlier: 甲's certificate is still valid, so row 3 has no reminder any more.
    await host.apply(planUpkeep(await snap(host), { asOf: day(2024, 12, 31) }).edits);
    assert.equal(host.value("培育库", 3, 16), null);
    assert.equal(host.value("培育库", 3, 18), null);
    assert.equal(host.value("培育库", 2, 19), null, "no fourth column added");
  });

  it("archives before deleting, and removal + undo is an exact round trip", async () => {
    const host = memoryHostFromSnapshot(golden());
    await host.apply(planUpkeep(await snap(host), { asOf: AS_OF }).edits);
    const before = userCells(host, "培育库");
    const { report, edits } = removeFromPool(await snap(host), { asOf: AS_OF }, [6, { row: 3, uscc: "91370403MA0000001B" }]);
    assert.equal(report.batchId, "20250101-01");
    assert.deepEqual(report.removed.map((r) => r.row), [3, 6]);
    // Order matters: archive written before the ledger loses anything.
    const types = edits.map((e) => e.type);
    assert.equal(types[0], "ensureSheet");
    assert.equal(types[types.length - 1], "deleteRows");
    assert.ok(types.indexOf("setValues") < types.indexOf("deleteRows"));
    await host.apply(edits);

    assert.equal(host.value("培育库", 3, 1), "乙公司");
    assert.equal(host.value(ARCHIVE_SHEET, 1, 1), "批次号");
    assert.equal(host.value(ARCHIVE_SHEET, 1, 8), "企业名称");
    // 甲 has only a reminder: removed by the clerk's choice, said so.
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((c) => host.value(ARCHIVE_SHEET, 2, c)), ["20250101-01", "已调出", "培育库", 3, "2025-01-01", MANUAL_REASON]);
    assert.equal(host.value(ARCHIVE_SHEET, 3, 6), "发生重大安全事故；有严重失信行为；被列入经营异常名录；经营状态为“注销”");
    assert.equal(host.value(ARCHIVE_SHEET, 3, 8), "丁公司");
    assert.deepEqual(host.value(ARCHIVE_SHEET, 2, 11), utc(2015, 3, 1));

    // Removing the same firms again is a no-op (the row numbers now hold others).
    const again = removeFromPool(await snap(host), { asOf: AS_OF }, [{ row: 6, uscc: "91370403MA0000004J" }, { row: 3, uscc: "91370403MA0000001B" }]);
    assert.deepEqual(again.edits, []);
    assert.equal(again.report.skipped.length, 2);

    const undo = undoRemoval(await snap(host), { asOf: AS_OF });
    assert.equal(undo.report.batchId, "20250101-01");
    assert.deepEqual(undo.report.restored.map((r) => [r.row, r.name]), [[3, "甲公司"], [6, "丁公司"]]);
    await host.apply(undo.edits);
    assert.deepEqual(userCells(host, "培育库"), before);
    assert.equal(host.value(ARCHIVE_SHEET, 2, 2), "已撤销");
    assert.equal(host.value(ARCHIVE_SHEET, 3, 7), "2025-01-01");

    // Undo twice: nothing more happens.
    const undo2 = undoRemoval(await snap(host), { asOf: AS_OF });
    assert.deepEqual(undo2.report.restored, []);
    assert.ok(undo2.edits.every((e) => e.sheet === ARCHIVE_SHEET));
    await host.apply(undo2.edits);
    assert.deepEqual(userCells(host, "培育库"), before);
  });

  it("does not insert a row twice when an earlier undo put it back but failed before marking the archive", async () => {
    const host = memoryHostFromSnapshot(golden());
    const before = userCells(host, "培育库");
    await host.apply(removeFromPool(await snap(host), { asOf: AS_OF }, [4, 7]).edits);
    const undo = undoRemoval(await snap(host), { asOf: AS_OF });
    await host.apply(undo.edits.filter((e) => e.type === "insertRows"));
    const again = undoRemoval(await snap(host), { asOf: AS_OF });
    assert.deepEqual(again.report.restored, []);
    assert.equal(again.report.alreadyDone, 2);
    await host.apply(again.edits);
    assert.deepEqual(userCells(host, "培育库"), before);
    assert.equal(host.value(ARCHIVE_SHEET, 2, 2), "已撤销");
  });

  it("numbers batches per day and undoes the latest batch first", async () => {
    const host = memoryHostFromSnapshot(golden());
    const before = userCells(host, "培育库");
    const b1 = removeFromPool(await snap(host), { asOf: AS_OF }, [5]);
    await host.apply(b1.edits);
    const b2 = removeFromPool(await snap(host), { asOf: AS_OF }, [3, 4]);
    assert.equal(b2.report.batchId, "20250101-02");
    await host.apply(b2.edits);
    assert.equal(host.value(ARCHIVE_SHEET, 4, 4), 4);
    await host.apply(undoRemoval(await snap(host), { asOf: AS_OF }).edits);
    await host.apply(undoRemoval(await snap(host), { asOf: AS_OF }, "20250101-01").edits);
    assert.deepEqual(userCells(host, "培育库"), before);
  });

  it("keeps every user cell of the sample workbook through suggestions, removal and undo", async () => {
    const wb = generateSampleWorkbook();
    const host = memoryHostFromSnapshot(wb);
    const width = wb.sheets[0].values[1].length;
    const before = userCells(host, "企业培育库", width);
    const plan = planUpkeep(await snap(host), { asOf: day(2025, 1, 1) });
    assert.ok(plan.report.suggestions.length > 20);
    await host.apply(plan.edits);
    assert.deepEqual(userCells(host, "企业培育库", width), before);
    const rm = removeFromPool(await snap(host), { asOf: day(2025, 1, 1) }, plan.report.suggestions);
    assert.equal(rm.report.removed.length, plan.report.suggestions.length);
    await host.apply(rm.edits);
    assert.equal(userCells(host, "企业培育库", width).length, before.length - plan.report.suggestions.length);
    await host.apply(undoRemoval(await snap(host), { asOf: day(2025, 1, 1) }).edits);
    assert.deepEqual(userCells(host, "企业培育库", width), before);
  });

  it("round-trips suggestions, removal (including the last rows) and undo on the xlsx host too", async () => {
    const wb = generateSampleWorkbook();
    const host = new XlsxHost(new ExcelJS.Workbook());
    await host.apply(wb.sheets.flatMap((s) => [{ type: "ensureSheet" as const, sheet: s.name }, { type: "setValues" as const, sheet: s.name, row: 1, col: 1, values: s.values }]));
    const width = wb.sheets[0].values[1].length;
    const user = () => host.snapshot("企业培育库").values.map((r) => r.slice(0, width));
    const before = user();
    const asOf = day(2025, 1, 1);
    const plan = planUpkeep(await readWorkbook(host), { asOf });
    // The suggestions and, chosen by the clerk, the last row.
    const chosen = [...plan.report.suggestions, { row: before.length }];
    assert.ok(!plan.report.suggestions.some((s) => s.row === before.length));
    await host.apply(plan.edits);
    const rm = removeFromPool(await readWorkbook(host), { asOf }, chosen);
    await host.apply(rm.edits);
    assert.equal(host.snapshot("企业培育库").values.length, before.length - chosen.length);
    await host.apply(undoRemoval(await readWorkbook(host), { asOf }).edits);
    assert.deepEqual(user(), before);
  });
});

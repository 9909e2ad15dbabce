/**
 * Upkeep causes from the plan (DOMAIN §6, 计划 二（一）3): removal is suggested only for
 * 重大安全事故, 严重失信行为, 经营异常名录 and 经营状态 注销/吊销/迁出; an expired 高企 certificate and a
 * 科小 registration of an earlier year are reminders, on any as-of date (January, March, December).
 */
import { strict as assert } from "assert";
import ExcelJS from "exceljs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dayFromParts, DayNumber } from "../../src/dates";
import { XlsxHost } from "../../src/host/xlsx/host";
import { WorkbookSnapshot } from "../../src/host/port";
import { CellValue } from "../../src/ledger/cells";
import { POOL_RULES, poolRulesSchema } from "../../src/jobs/pool-rules";
import { planUpkeep, UpkeepReport } from "../../src/jobs/upkeep";
import rawPack from "../../src/policy/packs/pool-upkeep.json";
import { kjRunner } from "../support/cli";

const day = (y: number, m: number, d: number) => dayFromParts(y, m, d) as DayNumber;
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));

const HEADER = ["企业名称", "统一社会信用代码", "注册日期", "培育类别", "入库年度", "企业分类", "经营状态", "高企认定日期", "科小入库年度", "重大安全事故", "严重失信行为", "经营异常名录"];
// prettier-ignore
const ROWS: CellValue[][] = [
  // 3: 高企 recognised 2022-03-15: valid until 2025-03-14.
  ["甲公司", "91370403MA0000001B", utc(2015, 3, 1), "高新技术企业", 2021, null, "存续", utc(2022, 3, 15), null, "否", "否", "否"],
  // 4: 科小 registered for 2024 only.
  ["乙公司", "91370403MA0000002X", utc(2016, 3, 1), "科技型中小企业", 2021, null, "存续", null, 2024, null, null, null],
  // 5: 科小 registered for 2025.
  ["丙公司", "91370403MA0000003Q", utc(2010, 5, 5), "科技型中小企业", 2022, null, "存续", null, 2025, null, null, null],
  // 6: on the 经营异常名录: removal on every date.
  ["丁公司", "91370403MA0000004J", utc(2012, 1, 9), "科技型中小企业", 2022, null, "存续", null, 2024, null, null, "是"],
  // 7: 严重失信行为.
  ["戊公司", "91370403MA0000005E", utc(2013, 6, 1), "高新技术企业", 2022, null, "存续", utc(2023, 1, 1), null, null, "是", null],
  // 8: 重大安全事故, and a lapsed 科小: removal only, no reminder.
  ["己公司", "91370403MA00000068", utc(2014, 4, 1), "科技型中小企业", 2023, null, "存续", null, 2023, "是", null, null],
  // 9: 吊销.
  ["庚公司", "91370403MA0000007Y", utc(2018, 8, 8), "科技型中小企业", 2023, null, "吊销", null, 2025, null, null, null],
  // 10: given 已认定企业 for a 高企 whose certificate expires 2025-01-01.
  ["辛公司", "91370403MA0000008P", utc(2017, 2, 2), "高新技术企业", 2023, "已认定企业", "存续", utc(2022, 1, 1), null, null, null, null],
];

function ledger(): WorkbookSnapshot {
  return { sheets: [{ name: "培育库", firstRow: 1, firstCol: 1, values: [["企业培育库"], HEADER, ...ROWS] }] };
}

function codes(list: UpkeepReport["suggestions"] | UpkeepReport["reminders"]): Record<number, string[]> {
  return Object.fromEntries(list.map((s) => [s.row, s.reasons.map((r) => r.code)]));
}

const REMOVALS = {
  6: ["abnormal_list"],
  7: ["dishonest"],
  8: ["safety_accident"],
  9: ["business_closed"],
};

describe("upkeep: removals only for the plan's causes, reminders for the rest", () => {
  it("January (2025-01-10): the plan's causes are removals; 科小 of 2024 and 辛's expired certificate are reminders", () => {
    const { report } = planUpkeep(ledger(), { asOf: day(2025, 1, 10) });
    assert.deepEqual(codes(report.suggestions), REMOVALS);
    assert.deepEqual(codes(report.reminders), { 4: ["sme_not_renewed"], 10: ["hitech_expired"] });
    // 甲's certificate is still valid in January: nothing.
    assert.ok(!report.reminders.some((r) => r.row === 3));
    const sme = report.reminders.find((r) => r.row === 4)!;
    assert.equal(sme.reasons[0].text, "本年度尚未重新评价入库（科小入库年度为 2024 年，入库登记编号当年有效，2025 年须重新评价）");
    assert.match(sme.reasons[0].cite, /国科发政〔2017〕115号/);
    for (const s of report.suggestions) for (const r of s.reasons) assert.equal(r.cite, "计划 二（一）3");
  });

  it("March (2025-03-15, the day 甲's certificate lapses): 甲 gets the reminder 需重新认定, still no removal", () => {
    const { report } = planUpkeep(ledger(), { asOf: day(2025, 3, 15) });
    assert.deepEqual(codes(report.suggestions), REMOVALS);
    assert.deepEqual(codes(report.reminders), { 3: ["hitech_expired"], 4: ["sme_not_renewed"], 10: ["hitech_expired"] });
    assert.equal(report.reminders[0].reasons[0].text, "高企证书已过有效期（2022-03-15 认定，有效期 3 年，2025-03-15 起过期），需重新认定");
    // One day before, it is still valid.
    assert.ok(!planUpkeep(ledger(), { asOf: day(2025, 3, 14) }).report.reminders.some((r) => r.row === 3));
  });

  it("December (2024-12-31): the 2024 registrations are current; only the plan's causes", () => {
    const { report } = planUpkeep(ledger(), { asOf: day(2024, 12, 31) });
    assert.deepEqual(codes(report.suggestions), REMOVALS);
    assert.deepEqual(codes(report.reminders), {});
    // December 2025: the 2025 registration (丙) is current, 乙's 2024 one is not.
    const dec = planUpkeep(ledger(), { asOf: day(2025, 12, 31) }).report;
    assert.deepEqual(codes(dec.suggestions), REMOVALS);
    assert.deepEqual(codes(dec.reminders), { 3: ["hitech_expired"], 4: ["sme_not_renewed"], 10: ["hitech_expired"] });
  });

  it("the classification moves a lapsed recognition from 已认定 to 入库企业", () => {
    const before = planUpkeep(ledger(), { asOf: day(2024, 12, 31) }).report;
    const after = planUpkeep(ledger(), { asOf: day(2025, 1, 10) }).report;
    // 辛 is given as 已认定企业; its certificate expired on 2025-01-01.
    const cls = (r: UpkeepReport, row: number) => [...r.suggestions, ...r.reminders].find((s) => s.row === row);
    assert.equal(cls(after, 10)?.class, "入库企业");
    assert.equal(cls(after, 4)?.class, "入库企业");
    // December 2024: 甲, 戊 (高企), 乙, 丁 (科小 2024), 辛 (given). January 2025: 甲, 戊, 丙, 庚 (科小 2025).
    assert.equal(before.classes["已认定企业"], 5);
    assert.equal(after.classes["已认定企业"], 4);
    assert.equal(after.classes["入库企业"], 4);
  });

  it("an earlier copy of the pack that listed the two reminders among the reasons still loads, as reminders", () => {
    const old = JSON.parse(JSON.stringify(rawPack)) as { reasons: unknown[]; reminders?: unknown[] };
    old.reasons = [...old.reasons, ...(old.reminders ?? [])];
    delete old.reminders;
    const rules = poolRulesSchema.parse(old);
    assert.deepEqual(rules.reasons.map((r) => r.code), ["safety_accident", "dishonest", "abnormal_list", "business_closed"]);
    assert.deepEqual(rules.reminders.map((r) => r.code), ["hitech_expired", "sme_not_renewed"]);
    assert.deepEqual(codes(planUpkeep(ledger(), { asOf: day(2025, 3, 15) }, rules).report.suggestions), REMOVALS);
  });

  it("each removal cause is pack data with its citation; dropping one from the pack drops it from upkeep", () => {
    for (const r of POOL_RULES.reasons) assert.ok(r.cite.startsWith("计划 二（一）3") && r.quote && r.quote.length > 4, r.code);
    const rules = { ...POOL_RULES, reasons: POOL_RULES.reasons.filter((r) => r.code !== "abnormal_list") };
    const { report } = planUpkeep(ledger(), { asOf: day(2025, 1, 10) }, rules);
    assert.ok(!report.suggestions.some((s) => s.row === 6));
  });
});

describe("kj upkeep: reminders in --json and in a 提醒 column", function () {
  this.timeout(60_000);
  const kj = kjRunner(day(2025, 3, 1));
  let dir: string;
  let file: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-remind-"));
    const book = new ExcelJS.Workbook();
    const s = ledger().sheets[0];
    await new XlsxHost(book).apply([{ type: "ensureSheet", sheet: s.name }, { type: "setValues", sheet: s.name, row: 1, col: 1, values: s.values }]);
    file = path.join(dir, "培育库.xlsx");
    await book.xlsx.writeFile(file);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("--as-of 2025-03-01 --json: removals for the plan's causes only, reminders listed apart in the same shape", async () => {
    const r = await kj("upkeep", file, "--as-of", "2025-03-01", "--json");
    assert.equal(r.code, 1, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(
      j.suggestions.map((s: { row: number }) => s.row),
      [6, 7, 8, 9],
    );
    assert.deepEqual(
      j.reminders.map((s: { row: number; reasons: { code: string }[] }) => [s.row, s.reasons.map((x) => x.code)]),
      [
        [4, ["sme_not_renewed"]],
        [10, ["hitech_expired"]],
      ],
    );
    assert.deepEqual(Object.keys(j.reminders[0]), Object.keys(j.suggestions[0]));
    for (const s of j.reminders) for (const x of s.reasons) assert.ok(x.code && x.text && x.cite);
  });

  it("--out writes the reminders in a 提醒 column beside 建议调出 / 调出原因; the text output lists them apart", async () => {
    const out = path.join(dir, "结果.xlsx");
    const r = await kj("upkeep", file, "--as-of", "2025-03-01", "--out", out);
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /提醒 2 家（仍可申报，不是调出原因）/);
    assert.match(r.out, /第 4 行 乙公司.*本年度尚未重新评价入库/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    const ws = book.getWorksheet("培育库")!;
    const col = HEADER.length;
    assert.deepEqual([col + 1, col + 2, col + 3].map((c) => ws.getCell(2, c).value), ["建议调出", "调出原因", "提醒"]);
    assert.match(String(ws.getCell(4, col + 3).value), /^本年度尚未重新评价入库/);
    assert.equal(ws.getCell(4, col + 1).value, null);
    assert.equal(ws.getCell(6, col + 1).value, "是");
    assert.equal(ws.getCell(6, col + 3).value, null);
  });

  it("only reminders: exit 0", async () => {
    const only = path.join(dir, "只有提醒.xlsx");
    const book = new ExcelJS.Workbook();
    const values = [["企业培育库"], HEADER, ROWS[1]];
    await new XlsxHost(book).apply([{ type: "ensureSheet", sheet: "培育库" }, { type: "setValues", sheet: "培育库", row: 1, col: 1, values }]);
    await book.xlsx.writeFile(only);
    const r = await kj("upkeep", only, "--as-of", "2025-03-01", "--json");
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).reminders.length, 1);
  });
});

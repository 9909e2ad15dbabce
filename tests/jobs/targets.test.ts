import { strict as assert } from "assert";
import { memoryHostFromSnapshot } from "../../samples/memory";
import { generateSampleWorkbook } from "../../samples/generate";
import { dayFromParts, DayNumber } from "../../src/dates";
import { readWorkbook, SheetSnapshot, WorkbookSnapshot } from "../../src/host/port";
import { CellValue } from "../../src/ledger/cells";
import { PLAN_PACKS } from "../../src/policy/plans";
import { computeTargets, IndicatorResult, TARGETS_SHEET } from "../../src/jobs/targets";

const day = (y: number, m: number, d: number) => dayFromParts(y, m, d) as DayNumber;
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));
const AS_OF = day(2024, 12, 31);

function sheet(name: string, rows: CellValue[][]): SheetSnapshot {
  const w = Math.max(...rows.map((r) => r.length));
  return { name, firstRow: 1, firstCol: 1, values: rows.map((r) => [...r, ...new Array(w - r.length).fill(null)]) };
}

// prettier-ignore
const ENTERPRISES = sheet("企业", [
  ["企业名称", "统一社会信用代码", "所属镇街", "注册日期", "培育类别", "入库年度", "高企认定日期", "科小入库年度", "小巨人认定日期", "小巨人撤销"],
  ["E1", "91370403MA00000010", "临城街道", utc(2010, 1, 1), "高企", 2021, utc(2022, 1, 1), null, null, null],
  // Exactly 3 years old on the as-of date: expired, not counted on 2024-12-31.
  ["E2", "91370403MA00000020", "临城街道", utc(2010, 1, 1), "高企", 2021, utc(2021, 12, 31), null, null, null],
  ["E3", "91370403MA00000030", "新城街道", utc(2010, 1, 1), "高企", 2021, "2023-11-15", null, null, null],
  // The same firm twice: counted once.
  ["E3 重复行", "91370403MA00000030", "新城街道", utc(2010, 1, 1), "高企", 2021, "2023/11/15", null, null, null],
  ["E5", "91370403MA00000050", "常庄街道", utc(2010, 1, 1), "高企", 2021, "2024年13月", null, null, null],
  ["E6", "91370403MA00000060", "常庄街道", utc(2010, 1, 1), "科小、小巨人", 2021, null, 2023, utc(2023, 6, 1), "否"],
  ["E7", "91370403MA00000070", "沙沟镇", utc(2010, 1, 1), "科小、小巨人", 2021, null, 2024, utc(2022, 5, 1), "是"],
  ["E8", "91370403MA00000080", null, utc(2010, 1, 1), "科小", 2021, null, "2024年", null, null],
]);

// prettier-ignore
const PLATFORMS = sheet("平台", [
  ["平台名称", "依托单位", "级别", "平台类型", "主管部门", "获批日期", "状态", "所属镇街"],
  ["P1", "E1", "市级", "工程技术研究中心", "科技", utc(2019, 5, 1), "有效", "临城街道"],
  ["P2", "E3", "市级", "企业技术中心", "工信局", utc(2023, 3, 1), null, "新城街道"],
  ["P3", "E6", "市级", "重点实验室", "科技", utc(2020, 1, 1), "撤销", "常庄街道"],
  ["P4", "E6", "省级", "技术创新中心", "科技", utc(2024, 6, 1), "有效", "常庄街道"],
  ["P5", "E1", "国家级", "重点实验室", "科技", utc(2025, 3, 1), "有效", "临城街道"],
  ["P6", "E7", "市级", "创新创业共同体", "科技", utc(2022, 8, 1), "有效", "沙沟镇"],
  ["P7", "E7", "省部级", "重点实验室", "科技", utc(2022, 8, 1), "有效", "沙沟镇"],
]);

// prettier-ignore
const PROJECTS = sheet("项目", [
  ["项目名称", "承担单位", "级别", "年度", "状态"],
  ["J1", "E1", "市级", 2022, "立项"],
  ["J2", "E1", "市级", 2023, "申报"],
  ["J3", "E3", "市级", "2024年", "申报"],
  ["J4", "E3", "市级", 2021, "结题"],
  ["J5", "E6", "省级", 2023, "立项"],
  ["J6", "E6", "国家级", 2024, "立项"],
  ["J7", "E7", "市级", 2025, "申报"],
]);

function golden(): WorkbookSnapshot {
  return { sheets: [ENTERPRISES, PLATFORMS, PROJECTS] };
}

function ind(list: IndicatorResult[], key: string): IndicatorResult {
  const i = list.find((x) => x.key === key);
  assert.ok(i, key);
  return i;
}

describe("targets job (目标完成情况)", () => {
  it("reports every indicator of the plan pack, in pack order, with its target from the pack", () => {
    const { report } = computeTargets(golden(), { asOf: AS_OF });
    assert.deepEqual(report.indicators.map((i) => i.key), PLAN_PACKS[0].pack.targets.map((t) => t.key));
    assert.equal(report.indicators.length, 16);
    for (const i of report.indicators) assert.equal(i.target, PLAN_PACKS[0].pack.targets.find((t) => t.key === i.key)!.target);
    assert.deepEqual(report.years, [2022, 2023, 2024]);
    assert.equal(report.asOf, "2024-12-31");
  });

  it("counts stock indicators on the as-of date and on 31 Dec of each year", () => {
    const { report } = computeTargets(golden(), { asOf: AS_OF });
    const hitech = ind(report.indicators, "hitech");
    assert.equal(hitech.actual, 2, "E1 and E3 (once); E2 is exactly 3 years old");
    assert.deepEqual(hitech.byYear, { "2022": 2, "2023": 3, "2024": 2 });
    assert.equal(hitech.completion, 2 / 60);
    assert.equal(hitech.gap, 58);
    assert.equal(hitech.status, "未达成");
    assert.deepEqual(hitech.byTown, { 临城街道: 1, 新城街道: 1 });
    assert.equal(hitech.byDepartment, null);
    assert.equal(hitech.unreadable, 1);

    const giant = ind(report.indicators, "giant");
    assert.equal(giant.actual, 1);
    assert.deepEqual(giant.byYear, { "2022": 0, "2023": 1, "2024": 1 });

    const city = ind(report.indicators, "platform_city");
    assert.equal(city.actual, 3);
    assert.deepEqual(city.byYear, { "2022": 2, "2023": 3, "2024": 3 });
    assert.deepEqual(city.byDepartment, { 科技: 2, 工信: 1 });
    assert.deepEqual(ind(report.indicators, "platform_prov").byYear, { "2022": 0, "2023": 0, "2024": 1 });
    assert.equal(ind(report.indicators, "platform_nat").actual, 0, "approved after the as-of date");
    const community = ind(report.indicators, "community_city");
    assert.equal(community.actual, 1);
    assert.equal(community.completion, 1);
    assert.equal(community.status, "达成");
    assert.equal(ind(report.indicators, "community_prov").actual, 0);
  });

  it("counts flow indicators in the period and per year; a per-year indicator on the as-of year", () => {
    const { report } = computeTargets(golden(), { asOf: AS_OF });
    const sme = ind(report.indicators, "sme");
    assert.equal(sme.kind, "flow_per_year");
    assert.equal(sme.actual, 2);
    assert.deepEqual(sme.byYear, { "2022": 0, "2023": 1, "2024": 2 });
    assert.deepEqual(sme.byTown, { 沙沟镇: 1, 未填写: 1 });
    const city = ind(report.indicators, "project_city");
    assert.equal(city.actual, 3, "2021 and 2025 are outside");
    assert.deepEqual(city.byYear, { "2022": 1, "2023": 1, "2024": 1 });
    assert.deepEqual(ind(report.indicators, "project_prov").byYear, { "2022": 0, "2023": 1, "2024": 1 });
    // Mid-2023: 2024 is in the future, so it is blank, and the 2024 project does not count.
    const mid = computeTargets(golden(), { asOf: day(2023, 6, 30) }).report;
    assert.deepEqual(ind(mid.indicators, "project_prov").byYear, { "2022": 0, "2023": 1, "2024": null });
    assert.equal(ind(mid.indicators, "project_prov").actual, 1);
    assert.equal(ind(mid.indicators, "sme").actual, 1);
  });

  it("names missing ledgers instead of counting them as zero", () => {
    const { report } = computeTargets(golden(), { asOf: AS_OF });
    assert.deepEqual(report.missingLedgers, ["人才"]);
    for (const key of ["talent_prov", "talent_nat", "talent_taishan", "talent_zaozhuang", "talent_flexible", "talent_overseas"]) {
      const i = ind(report.indicators, key);
      assert.equal(i.actual, null);
      assert.equal(i.completion, null);
      assert.equal(i.status, "缺少台账");
      assert.deepEqual(i.byYear, { "2022": null, "2023": null, "2024": null });
      assert.match(i.note ?? "", /缺少人才台账/);
    }
  });

  it("says which column is missing when a ledger lacks what a rule needs", () => {
    const wb: WorkbookSnapshot = { sheets: [sheet("企业", [["企业名称", "统一社会信用代码", "注册日期", "培育类别", "入库年度"], ["甲", "x", utc(2020, 1, 1), "高企", 2021]])] };
    const i = ind(computeTargets(wb, { asOf: AS_OF }).report.indicators, "hitech");
    assert.equal(i.status, "缺少列");
    assert.equal(i.actual, null);
    assert.match(i.note ?? "", /缺少列：高企认定日期/);
  });

  it("reports unreadable cells as issues on their cells", () => {
    const { report } = computeTargets(golden(), { asOf: AS_OF });
    const where = report.issues.map((i) => `${i.sheet}!${i.column}${i.row}`).sort();
    assert.deepEqual(where, ["企业!G6", "平台!C8"]);
  });

  it("writes 目标完成情况 in place with the as-of date, rules, table, per-year columns, breakdowns, 0.0% and a data bar", async () => {
    const host = memoryHostFromSnapshot(golden());
    const userBefore = [ENTERPRISES, PLATFORMS, PROJECTS].map((s) => host.snapshot(s.name));
    const first = computeTargets(await readWorkbook(host), { asOf: AS_OF });
    await host.apply(first.edits);
    const s = host.snapshot(TARGETS_SHEET);
    const text = s.values.flat().filter((v) => typeof v === "string").join("\n");
    assert.match(text, /评价日期：2024-12-31/);
    assert.match(text, /存量指标：按评价日 2024-12-31 有效的数量计/);
    assert.match(text, /缺少台账：人才/);
    assert.match(text, /按所属镇街/);
    assert.match(text, /按主管部门/);
    const headerRow = s.values.findIndex((r) => r[0] === "指标" && r[1] === "键") + 1;
    assert.ok(headerRow > 0);
    assert.deepEqual(s.values[headerRow - 1].slice(0, 12), ["指标", "键", "口径", "目标", "单位", "实际", "完成率", "差距", "状态", "2022年", "2023年", "2024年"]);
    const hitechRow = s.values.findIndex((r) => r[1] === "hitech");
    assert.deepEqual(s.values[hitechRow].slice(3, 12), [60, "家", 2, 2 / 60, 58, "未达成", 2, 3, 2]);
    assert.equal(host.numberFormat(TARGETS_SHEET, hitechRow + 1, 7), "0.0%");
    assert.equal(host.dataBars(TARGETS_SHEET)[0].col, 7);
    assert.equal(host.dataBars(TARGETS_SHEET)[0].rows, 16);
    const talent = s.values.find((r) => r[1] === "talent_prov")!;
    assert.equal(talent[5], null);
    assert.equal(talent[8], "缺少台账");
    assert.ok(host.isText(TARGETS_SHEET, 1, 1));

    // The targets job never changes a user cell, and a re-run gives the same sheet.
    [ENTERPRISES, PLATFORMS, PROJECTS].forEach((u, i) => assert.deepEqual(host.snapshot(u.name), userBefore[i]));
    const second = computeTargets(await readWorkbook(host), { asOf: AS_OF });
    await host.apply(second.edits);
    assert.deepEqual(host.snapshot(TARGETS_SHEET), s);
  });

  it("clears what it wrote before, so a smaller table leaves nothing stale", async () => {
    const host = memoryHostFromSnapshot({ sheets: [...golden().sheets, sheet(TARGETS_SHEET, [["旧标题"], ...Array.from({ length: 80 }, (_, i) => [`旧行${i}`, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])])] });
    await host.apply(computeTargets(await readWorkbook(host), { asOf: AS_OF }).edits);
    const values = host.snapshot(TARGETS_SHEET).values.flat();
    assert.ok(!values.some((v) => typeof v === "string" && v.startsWith("旧")));
    assert.ok(host.snapshot(TARGETS_SHEET).values.length < 80);
  });

  it("counts the sample workbook with every ledger present", () => {
    const { report } = computeTargets(generateSampleWorkbook(), { asOf: AS_OF });
    assert.deepEqual(report.missingLedgers, []);
    for (const i of report.indicators) {
      assert.equal(typeof i.actual, "number", i.key);
      assert.ok(i.status === "达成" || i.status === "未达成");
    }
    assert.ok(ind(report.indicators, "hitech").actual! > 30);
    assert.ok(ind(report.indicators, "platform_city").actual! > 90);
  });
});

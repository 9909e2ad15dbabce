import { strict as assert } from "assert";
import { memoryHostFromSnapshot } from "../../samples/memory";
import { generateSampleWorkbook } from "../../samples/generate";
import { dayFromParts, DayNumber } from "../../src/dates";
import { readWorkbook, SheetSnapshot, WorkbookSnapshot } from "../../src/host/port";
import { CellValue } from "../../src/ledger/cells";
import { AllocationResult, computeTargets, IndicatorResult, TARGETS_SHEET } from "../../src/jobs/targets";

const day = (y: number, m: number, d: number) => dayFromParts(y, m, d) as DayNumber;
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));
const AS_OF = day(2024, 12, 31);

function sheet(name: string, rows: CellValue[][]): SheetSnapshot {
  const w = Math.max(...rows.map((r) => r.length));
  return { name, firstRow: 1, firstCol: 1, values: rows.map((r) => [...r, ...new Array(w - r.length).fill(null)]) };
}

// prettier-ignore
const ENTERPRISES = sheet("企业", [
  ["企业名称", "统一社会信用代码", "所属镇街", "注册日期", "培育类别", "入库年度", "高企认定日期", "科小入库年度"],
  ["E1", "91370403MA00000010", "陶庄镇", utc(2010, 1, 1), "高企", 2021, utc(2022, 1, 1), 2024],
  // Recognised 2021-06-01: valid on 2023-12-31, expired on 2024-12-31.
  ["E2", "91370403MA00000020", "陶庄镇", utc(2010, 1, 1), "高企", 2021, utc(2021, 6, 1), 2023],
  ["E3", "91370403MA00000030", "周营镇", utc(2010, 1, 1), "高企", 2021, utc(2023, 5, 1), 2024],
  // A town with enterprises but nothing counted.
  ["E4", "91370403MA00000040", "常庄街道", utc(2010, 1, 1), "科小", 2021, null, null],
]);

// prettier-ignore
const PROJECTS = sheet("项目", [
  ["项目名称", "承担单位", "级别", "年度", "所属镇街"],
  ["J1", "E1", "市级", 2024, "陶庄镇"],
  ["J2", "E1", "市级", 2023, "陶庄镇"],
  ["J3", "E3", "市级", 2024, "周营镇"],
  ["J4", "E3", "省级", 2024, "周营镇"],
]);

// prettier-ignore
const PLATFORMS = sheet("平台", [
  ["平台名称", "依托单位", "级别", "平台类型", "主管部门", "获批日期", "状态"],
  ["P1", "E1", "市级", "工程技术研究中心", "科技", utc(2020, 5, 1), "有效"],
  ["P2", "E3", "市级", "企业技术中心", "工信局", utc(2024, 3, 1), null],
  ["P3", "E3", "市级", "重点实验室", "科技", utc(2025, 3, 1), "有效"],
]);

// prettier-ignore
const ALLOCATION = sheet("任务分解", [
  ["2024年目标任务分解表"],
  ["年度", "指标", "镇街", "主管部门", "目标数"],
  [2024, "高新技术企业", "陶庄镇", null, 2],
  [2024, "高企", "周营镇", null, 1],
  [2024, "hitech", "常庄街道", null, 1],
  [2023, "高新技术企业", "陶庄镇", null, 2],
  [2024, "科技型中小企业", "陶庄镇", null, 1],
  [2024, "科小", "周营镇", null, 2],
  [2024, "申报市级科技计划项目", "陶庄镇", null, 1],
  ["2024年", "市级项目", "周营镇", null, 1],
  [2024, "市级创新平台", null, "科技", 2],
  [2024, "市级创新平台", null, "工信局", 1],
  [2025, "高新技术企业", "陶庄镇", null, 3],
  [2024, "省级以上人才及团队", "陶庄镇", null, 1],
  // Bad rows: each reported at its cell, none used.
  [2024, "专精特新企业", "陶庄镇", null, 1],
  [2024, "高新技术企业", "陶庄街道", null, 1],
  [2024, "科小", "常庄街道", null, "五家"],
  [2024, "高新技术企业", "周营镇", null, 5],
  [null, "高新技术企业", "周营镇", null, 1],
  [2024, "高新技术企业", "陶庄镇", "科技", 1],
  [2024, "高新技术企业", "常庄街道", null, 0],
]);

function workbook(): WorkbookSnapshot {
  return { sheets: [ENTERPRISES, PROJECTS, PLATFORMS, ALLOCATION] };
}

function ind(list: IndicatorResult[], key: string): IndicatorResult {
  const i = list.find((x) => x.key === key);
  assert.ok(i, key);
  return i;
}

const brief = (a: AllocationResult) => [a.year, a.unit, a.target, a.actual, a.completion, a.status, a.rank];

describe("目标分解 (allocations per town and department)", () => {
  const { report } = computeTargets(workbook(), { asOf: AS_OF });

  it("stock (高企): counted on 31 Dec of the year (the as-of day in the as-of year), by town; a town without rows has 0", () => {
    assert.deepEqual(ind(report.indicators, "hitech").allocations.map(brief), [
      [2024, "陶庄镇", 2, 1, 0.5, "未达成", 2],
      [2024, "周营镇", 1, 1, 1, "达成", 1],
      [2024, "常庄街道", 1, 0, 0, "未达成", 3],
      [2023, "陶庄镇", 2, 2, 1, "达成", 1],
      [2025, "陶庄镇", 3, null, null, "未开始", null],
    ]);
  });

  it("flow per year (科小) and flow (市级项目): what happened in that year, by town; equal completion, equal rank", () => {
    assert.deepEqual(ind(report.indicators, "sme").allocations.map(brief), [
      [2024, "陶庄镇", 1, 1, 1, "达成", 1],
      [2024, "周营镇", 2, 1, 0.5, "未达成", 2],
    ]);
    assert.deepEqual(ind(report.indicators, "project_city").allocations.map(brief), [
      [2024, "陶庄镇", 1, 1, 1, "达成", 1],
      [2024, "周营镇", 1, 1, 1, "达成", 1],
    ]);
  });

  it("departments by their standard name (工信局 = 工信); platforms approved after the as-of date are not counted", () => {
    const city = ind(report.indicators, "platform_city").allocations;
    assert.deepEqual(city.map((a) => [a.unitKind, a.unit, a.actual, a.completion, a.rank]), [
      ["department", "科技", 1, 0.5, 2],
      ["department", "工信", 1, 1, 1],
    ]);
  });

  it("an indicator whose ledger is missing: the allocation's actual is unknown, not 0", () => {
    const [a] = ind(report.indicators, "talent_prov").allocations;
    assert.deepEqual(brief(a), [2024, "陶庄镇", 1, null, null, "缺少台账", null]);
    assert.match(a.note ?? "", /缺少人才台账/);
  });

  it("each unit's 综合完成率 (mean of capped completions) and rank, per year and kind of unit", () => {
    const units = report.allocation.units.map((u) => [u.year, u.unitLabel, u.unit, u.counted, u.reached, u.unknown, u.completion, u.rank]);
    assert.deepEqual(units, [
      [2023, "镇街", "陶庄镇", 1, 1, 0, 1, 1],
      [2024, "镇街", "周营镇", 3, 2, 0, 2.5 / 3, 1],
      [2024, "镇街", "陶庄镇", 3, 2, 1, 2.5 / 3, 1],
      [2024, "镇街", "常庄街道", 1, 0, 0, 0, 3],
      [2024, "主管部门", "工信", 1, 1, 0, 1, 1],
      [2024, "主管部门", "科技", 1, 0, 0, 0.5, 2],
    ]);
    assert.deepEqual(report.allocation.years, [2023, 2024, 2025]);
    assert.equal(report.allocation.sheet, "任务分解");
  });

  it("reports every bad row at its cell and leaves it out", () => {
    const where = report.allocation.issues.map((i) => [i.row, i.column, i.message.replace(/；该行未采用$/, "")]);
    assert.deepEqual(where.map(([r, c]) => `${c}${r}`), ["B15", "C16", "E17", "E18", "A19", "D20", "E21"]);
    const msg = (row: number) => String(where.find((w) => w[0] === row)?.[2]);
    assert.match(msg(15), /未知的指标“专精特新企业”/);
    assert.match(msg(16), /镇街“陶庄街道”在各台账的“所属镇街”列中都没有出现.*陶庄镇/);
    assert.match(msg(17), /目标数“五家”不是数字/);
    assert.match(msg(18), /与第 4 行重复/);
    assert.match(msg(19), /年度未填写/);
    assert.match(msg(20), /一行只填一个单位/);
    assert.match(msg(21), /目标数应大于 0/);
    for (const i of report.allocation.issues) assert.equal(i.sheet, "任务分解");
  });

  it("a single 责任单位 column takes towns and departments; the sheet may be called 目标任务分解", () => {
    const wb: WorkbookSnapshot = {
      sheets: [ENTERPRISES, PLATFORMS, sheet("目标任务分解", [["年度", "指标", "责任单位", "目标数"], [2024, "高企", "周营镇", 1], [2024, "市级平台", "工信局", 2]])],
    };
    const r = computeTargets(wb, { asOf: AS_OF }).report;
    assert.deepEqual(r.allocation.issues, []);
    assert.deepEqual(ind(r.indicators, "hitech").allocations.map((a) => [a.unitKind, a.unit, a.actual]), [["town", "周营镇", 1]]);
    assert.deepEqual(ind(r.indicators, "platform_city").allocations.map((a) => [a.unitKind, a.unit, a.actual, a.completion]), [["department", "工信", 1, 0.5]]);
  });

  it("a ledger without the unit's column: 缺少列, named", () => {
    const noTown = sheet("企业", ENTERPRISES.values.map((r) => [r[0], r[1], r[3], r[4], r[5], r[6], r[7]]));
    const wb: WorkbookSnapshot = { sheets: [noTown, PROJECTS, sheet("目标分解", [["年度", "指标", "镇街", "目标数"], [2024, "高企", "周营镇", 1]])] };
    const [a] = ind(computeTargets(wb, { asOf: AS_OF }).report.indicators, "hitech").allocations;
    assert.equal(a.status, "缺少列");
    assert.equal(a.actual, null);
    assert.match(a.note ?? "", /台账“企业”缺少“所属镇街”列/);
  });

  it("without a 目标分解 sheet: no allocations and no per-unit table", async () => {
    const wb: WorkbookSnapshot = { sheets: [ENTERPRISES, PROJECTS] };
    const r = computeTargets(wb, { asOf: AS_OF });
    assert.equal(r.report.allocation.sheet, null);
    for (const i of r.report.indicators) assert.deepEqual(i.allocations, []);
    const host = memoryHostFromSnapshot(wb);
    await host.apply(r.edits);
    assert.ok(!host.snapshot(TARGETS_SHEET).values.flat().includes("各单位综合完成情况"));
  });

  it("writes the per-unit tables on 目标完成情况 with completion as 0.0% and rank", async () => {
    const host = memoryHostFromSnapshot(workbook());
    const r = computeTargets(await readWorkbook(host), { asOf: AS_OF });
    await host.apply(r.edits);
    const s = host.snapshot(TARGETS_SHEET);
    const at = (text: string) => s.values.findIndex((row) => row[0] === text);
    const summary = at("各单位综合完成情况");
    assert.ok(summary > 0);
    assert.deepEqual(s.values[summary + 1].slice(0, 9), ["年度", "类别", "单位", "分解指标数", "已达成", "未达成", "无法计数", "综合完成率", "排名"]);
    assert.deepEqual(s.values[summary + 3].slice(0, 9), [2024, "镇街", "周营镇", 3, 2, 1, 0, 2.5 / 3, 1]);
    assert.deepEqual(s.values[summary + 4].slice(0, 9), [2024, "镇街", "陶庄镇", 4, 2, 1, 1, 2.5 / 3, 1]);
    assert.equal(host.numberFormat(TARGETS_SHEET, summary + 4, 8), "0.0%");
    const detail = at("分指标完成情况");
    assert.deepEqual(s.values[detail + 1].slice(0, 11), ["年度", "类别", "单位", "指标", "键", "目标", "实际", "完成率", "差距", "状态", "排名"]);
    const rows = s.values.slice(detail + 2).filter((row) => row[4] === "hitech" && row[0] === 2024);
    assert.deepEqual(rows.map((row) => [row[2], row[5], row[6], row[7], row[8], row[9], row[10]]), [
      ["周营镇", 1, 1, 1, 0, "达成", 1],
      ["陶庄镇", 2, 1, 0.5, 1, "未达成", 2],
      ["常庄街道", 1, 0, 0, 1, "未达成", 3],
    ]);
    assert.equal(host.numberFormat(TARGETS_SHEET, detail + 3, 8), "0.0%");
    const issuesAt = s.values.findIndex((row) => String(row[0]).startsWith("“任务分解”中未采用的行"));
    assert.ok(issuesAt > detail);
    assert.deepEqual(s.values[issuesAt + 2].slice(0, 3), [15, "B", "指标"]);
  });

  it("the sample workbook's 目标分解 gives every town and department a rank, and names its one broken row", () => {
    const r = computeTargets(generateSampleWorkbook(), { asOf: AS_OF }).report;
    const towns = r.allocation.units.filter((u) => u.unitKind === "town");
    assert.equal(towns.length, 8);
    for (const u of r.allocation.units) assert.ok(u.rank !== null && u.completion !== null, u.unit);
    assert.equal(r.allocation.issues.length, 1);
    assert.match(r.allocation.issues[0].message, /陶庄街道/);
    assert.ok(ind(r.indicators, "sme").allocations.length === 8);
  });
});

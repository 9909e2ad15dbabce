import { strict as assert } from "assert";
import { dayFromParts, DayNumber } from "../../src/dates";
import { SheetSnapshot } from "../../src/host/port";
import { policyCoverage } from "../../src/jobs/policy-coverage";
import { BUILTIN_POLICIES, buildRegistry, loadPack } from "../../src/policy/registry";
import plan2022 from "../../src/policy/packs/plan-2022-2024.json";

const day = (y: number, m: number, d: number) => dayFromParts(y, m, d) as DayNumber;

const AWARDS: SheetSnapshot = {
  name: "奖励",
  firstRow: 1,
  firstCol: 1,
  values: [
    ["名称", "奖励事项", "认定日期", "计算依据（万元）"],
    ["甲", "高企", "2024-05-01", null],
    ["乙", "高企", "2026-03-01", null],
    ["丙", "院士工作站", "2026-07-01", null],
    ["丁", "院士工作站", "2025-02-01", null],
  ],
};

describe("policy coverage of a workbook's dates (the pane's 政策 page)", () => {
  it("names the award years and the as-of date no pack covers", () => {
    const c = policyCoverage({ sheets: [AWARDS] }, BUILTIN_POLICIES, day(2026, 12, 1));
    assert.deepEqual(c.awardYears, [{ year: 2024, rows: 1 }, { year: 2025, rows: 1 }, { year: 2026, rows: 2 }]);
    assert.deepEqual(c.uncovered, ["2025 年认定的 1 笔奖励没有适用的计划政策包", "2026 年认定的 2 笔奖励没有适用的计划政策包", "评价日 2026-12-01 不在任何计划政策包的政策期内（目标完成情况按最近一期计划统计）"]);
    assert.deepEqual(c.inUse.map((p) => p.id), ["hitech-2016", "sme-2017", "xuecheng-plan-2022-2024", "giant-provisional", "xuecheng-pool-upkeep"]);
    assert.deepEqual(c.others.map((p) => p.id), ["rd-province-2022", "rd-province-2025", "rd-city-2025"], "no R&D ledger: its packs are not needed");
  });

  it("with a successor pack everything is covered and both plans are in use", () => {
    const p = JSON.parse(JSON.stringify(plan2022));
    p.id = "plan-2025-2027";
    p.period = { from: "2025-01-01", to: "2027-12-31" };
    const reg = buildRegistry([loadPack(p, { type: "workbook", name: "台账.xlsx" })]);
    const c = policyCoverage({ sheets: [AWARDS] }, reg, day(2026, 12, 1));
    assert.deepEqual(c.uncovered, []);
    assert.ok(c.inUse.some((x) => x.id === "plan-2025-2027") && c.inUse.some((x) => x.id === "xuecheng-plan-2022-2024"));
    const none = policyCoverage({ sheets: [] }, reg, day(2026, 12, 1));
    assert.deepEqual(none.others.map((x) => x.id).filter((id) => !id.startsWith("rd-")), ["xuecheng-plan-2022-2024"], "a plan no date needs is listed apart");
  });

  it("chooses R&D packs by the ledger's 年度 and names the years a scheme has no pack for", () => {
    const rd: SheetSnapshot = {
      name: "研发",
      firstRow: 1,
      firstCol: 1,
      values: [
        ["企业名称", "年度", "研发费用", "上年研发费用", "享受研发费用加计扣除"],
        ["甲", 2023, 100, 80, "是"],
        ["甲", 2024, 130, 100, "是"],
        ["乙", 2024, 300, 200, "是"],
      ],
    };
    const c = policyCoverage({ sheets: [rd] }, BUILTIN_POLICIES, day(2025, 3, 1));
    assert.deepEqual(c.rdYears, [{ year: 2023, rows: 1 }, { year: 2024, rows: 2 }]);
    assert.deepEqual(c.inUse.filter((p) => p.rd).map((p) => p.id), ["rd-province-2022", "rd-province-2025", "rd-city-2025"]);
    assert.ok(c.uncovered.includes("2023 年度的 1 行研发费用没有市级研发补助政策包"), c.uncovered.join("|"));
  });
});

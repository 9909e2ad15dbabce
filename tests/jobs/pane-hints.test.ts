/** The task pane's hints state policy numbers from the packs, never a copy typed into the page. */
import { strict as assert } from "assert";
import { dayFromParts, DayNumber, yearOf } from "../../src/dates";
import { generateSampleWorkbook } from "../../samples/generate";
import { fxSpec, signatureZh } from "../../src/fx/spec";
import { WorkbookSnapshot } from "../../src/host/port";
import { awardFormula, fillAwards } from "../../src/jobs/awards";
import { POOL_RULES } from "../../src/jobs/pool-rules";
import { PLAN_PACKS } from "../../src/policy/plans";
import { awardsHint, awardsView, planUpkeepView, targetsCountingHint, targetsView, upkeepRulesHint } from "../../taskpane/jobs";

describe("task pane hints from the policy packs", () => {
  it("动态管理 names the 高企 certificate's validity from the pool rules pack, as a reminder, not a removal", () => {
    assert.match(upkeepRulesHint(), new RegExp(`高企证书满 ${POOL_RULES.hitechValidityYears.value} 年、科小当年未重新入库的企业仍可申报，只作提醒`));
  });

  it("目标完成情况 names the latest plan's period from its pack", () => {
    const plan = PLAN_PACKS[PLAN_PACKS.length - 1];
    assert.equal(plan.pack.period.from.slice(0, 4), String(yearOf(plan.from)));
    assert.match(targetsCountingHint(), new RegExp(`增量指标按 ${yearOf(plan.from)}—${yearOf(plan.to)} 年内`));
  });
});

describe("奖励测算's hint is generated from the function spec", () => {
  it("shows the real signature of KJ.AWARD, whose argument order is the order the awards job writes", () => {
    const sig = signatureZh(fxSpec("AWARD"));
    assert.equal(sig, "=KJ.AWARD(事项, [计算依据], [日期])");
    assert.ok(awardsHint().includes(sig));
    // The job writes =KJ.AWARD(item, basis, date): the spec lists its parameters in that order.
    assert.deepEqual(
      fxSpec("AWARD").params.map((p) => p.name),
      ["item", "basis", "date"],
    );
    assert.equal(awardFormula(5, 3, 5, 4), "=KJ.AWARD(C5,E5,D5)");
  });
});

describe("pane views: nothing to write when nothing was computed", () => {
  const AS_OF = dayFromParts(2024, 12, 31) as DayNumber;
  const empty: WorkbookSnapshot = { sheets: [{ name: "说明", firstRow: 1, firstCol: 1, values: [["说明"], ["本表为工作安排"]] }] };

  it("目标完成情况 without ledgers: every indicator uncounted, no write, each missing ledger named", () => {
    const v = targetsView(empty, AS_OF);
    assert.equal(v.write, null);
    assert.ok(v.indicators.every((i) => i.actual === null && i.achieved === null));
    assert.deepEqual(
      v.missing.map((m) => m.title),
      ["企业培育库", "创新平台", "人才", "科技计划项目"],
    );
  });

  it("奖励测算 without an award ledger: no write, and a partial award sheet is named with what it lacks", () => {
    const wb: WorkbookSnapshot = { sheets: [{ name: "奖励名单", firstRow: 1, firstCol: 1, values: [["名称", "统一社会信用代码"], ["某公司", null]] }] };
    const v = awardsView(wb, AS_OF);
    assert.equal(v.write, null);
    assert.equal(v.sheets.length, 0);
    assert.deepEqual(
      v.partials.map((p) => [p.sheet, p.partial.missing.map((f) => f.name)]),
      [["奖励名单", ["奖励事项", "认定日期"]]],
    );
  });

  it("动态管理 without a pool ledger: no write; with one, the write says which columns it fills", () => {
    assert.equal(planUpkeepView(empty, AS_OF).write, null);
    const v = planUpkeepView(generateSampleWorkbook(), AS_OF);
    assert.ok(v.write);
    const s = v.sheets[0];
    assert.match(v.write.text, new RegExp(`在“${s.sheet}”右侧 ${s.suggestColumn}、${s.reasonColumn}、${s.reminderColumn} 三列写入`));
    // Two lists: 建议调出 (removable) and 提醒 (not), each item with reason codes for the filter.
    assert.deepEqual(
      v.lists.map((l) => [l.id, l.removable]),
      [
        ["suggestions", true],
        ["reminders", false],
      ],
    );
    for (const l of v.lists) assert.ok(l.items.length > 0 && l.items.every((i) => i.reasons.length > 0 && i.reasons.every((r) => r.code && r.cite)), l.id);
    assert.ok(v.lists[0].items.every((i) => i.reasons.every((r) => ["safety_accident", "dishonest", "abnormal_list", "business_closed"].includes(r.code))));
    assert.ok(v.lists[1].items.every((i) => i.reasons.every((r) => ["hitech_expired", "sme_not_renewed"].includes(r.code))));
  });

  it("奖励测算 names the policy pack each row's date falls in, with the row count", () => {
    const v = awardsView(generateSampleWorkbook(), AS_OF);
    const plan = PLAN_PACKS[PLAN_PACKS.length - 1].pack;
    assert.deepEqual(
      v.policies.map((p) => [p.title, p.from, p.to]),
      [[plan.title, plan.period.from, plan.period.to]],
    );
    const dated = fillAwards(generateSampleWorkbook(), { asOf: AS_OF }).report.rows.filter((r) => r.date !== null).length;
    assert.equal(v.policies[0].rows + v.outsidePolicy, dated);
  });
});

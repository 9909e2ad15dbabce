/** The task pane's hints state policy numbers from the packs, never a copy typed into the page. */
import { strict as assert } from "assert";
import { yearOf } from "../../src/dates";
import { POOL_RULES } from "../../src/jobs/pool-rules";
import { PLAN_PACKS } from "../../src/policy/plans";
import { targetsCountingHint, upkeepRulesHint } from "../../taskpane/jobs";

describe("task pane hints from the policy packs", () => {
  it("动态管理 names the 高企 certificate's validity from the pool rules pack", () => {
    assert.match(upkeepRulesHint(), new RegExp(`高企证书满 ${POOL_RULES.hitechValidityYears.value} 年`));
  });

  it("目标完成情况 names the latest plan's period from its pack", () => {
    const plan = PLAN_PACKS[PLAN_PACKS.length - 1];
    assert.equal(plan.pack.period.from.slice(0, 4), String(yearOf(plan.from)));
    assert.match(targetsCountingHint(), new RegExp(`增量指标按 ${yearOf(plan.from)}—${yearOf(plan.to)} 年内`));
  });
});

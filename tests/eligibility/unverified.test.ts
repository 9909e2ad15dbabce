/**
 * What KJ cannot check is said in every verdict (未核验), and what rests on a stand-in is marked
 * provisional on the check itself: the 2022 科小 service guideline's 查账征收 and 加计扣除 industries,
 * the 小巨人 stand-in's "Ⅰ类知识产权 or 3 invention applications a year".
 */
import { strict as assert } from "node:assert";
import { dayFromParts, DayNumber } from "../../src/dates";
import { ENTERPRISE } from "../../src/ledger/catalogue";
import { mapHeader } from "../../src/ledger/mapping";
import { RULE_PACKS } from "../../src/policy/rules";
import { decideWithPending, eligibilityOf, rowFromObject } from "../../src/rules";

const AS_OF = dayFromParts(2024, 6, 30) as DayNumber;

describe("未核验: the clauses KJ cannot check, in every verdict", () => {
  it("科小 lists the 2022 service guideline's 查账征收 and the industries excluded from the super-deduction", () => {
    for (const row of [{ 职工总数: 100 }, { 职工总数: 900 }, {}]) {
      const v = eligibilityOf("科小", row, AS_OF);
      const texts = v.unverified.map((u) => `${u.cite} ${u.text} ${u.why}`);
      assert.ok(texts.some((t) => t.startsWith("服务指引") && t.includes("查账征收")), texts.join("\n"));
      assert.ok(texts.some((t) => t.startsWith("服务指引") && t.includes("加计扣除") && t.includes("财税〔2015〕119号")), texts.join("\n"));
      assert.ok(texts.some((t) => t.includes("居民企业")));
    }
  });

  it("every category's verdict carries its pack's unencoded clauses, the #N/A message's partial verdict too", () => {
    for (const [cat, pack] of [["高企", "hitech"], ["科小", "sme"], ["小巨人", "giant"]] as const) {
      const p = RULE_PACKS.find((x) => x.category === pack)!;
      const v = eligibilityOf(cat, {}, AS_OF);
      assert.deepEqual(v.unverified, p.raw.unencoded);
      const pending = decideWithPending(cat, rowFromObject({}), AS_OF).pending;
      if (pending) assert.deepEqual(pending.unverified, p.raw.unencoded);
    }
  });
});

describe("小巨人 stand-in: Ⅰ类知识产权 or at least 3 invention applications a year", () => {
  const base = {
    销售收入: 30000,
    研发费用: 1200,
    "销售收入（第一年）": 20000,
    "销售收入（第三年）": 26450,
    市级以上研发机构: "是",
  };

  it("3 applications and no Ⅰ类 IP qualify; 2 do not; each check is marked provisional", () => {
    const yes = eligibilityOf("小巨人", { ...base, Ⅰ类知识产权数: 0, 近一年发明专利申请数: 3 }, AS_OF);
    assert.equal(yes.eligible, true);
    const no = eligibilityOf("小巨人", { ...base, Ⅰ类知识产权数: 0, 近一年发明专利申请数: 2 }, AS_OF);
    assert.equal(no.eligible, false);
    const ip = no.checks.find((c) => c.id === "ip")!;
    assert.equal(ip.required, "Ⅰ类知识产权数 ≥ 1 或 近一年发明专利申请数 ≥ 3");
    assert.ok(ip.note?.includes("待核定"), ip.note);
    for (const c of no.checks) assert.equal(c.provisional, true, c.id);
    // The national rules are not provisional.
    for (const c of eligibilityOf("科小", {}, AS_OF).checks) assert.equal(c.provisional, undefined, c.id);
  });

  it("the new column is in the catalogue, read through its synonyms", () => {
    const def = ENTERPRISE.fields.find((f) => f.id === "inventionApps")!;
    assert.equal(def.name, "近一年发明专利申请数");
    for (const syn of ["发明专利申请数", "年发明专利申请数", "发明专利申请量"]) {
      assert.ok("inventionApps" in mapHeader(ENTERPRISE, ["企业名称", syn]).columns, syn);
      assert.equal(eligibilityOf("小巨人", { ...base, Ⅰ类知识产权数: 0, [syn]: 4 }, AS_OF).eligible, true, syn);
    }
  });
});

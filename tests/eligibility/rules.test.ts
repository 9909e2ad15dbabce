import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Decimal from "decimal.js";
import fc from "fast-check";
import { dayFromParts, DayNumber } from "../../src/dates";
import { isKjError, KjError } from "../../src/errors";
import { loadRulePack, parseCategory, RULE_PACK_SOURCES, RULE_PACKS, rulePackFor } from "../../src/policy/rules";
import { decide, explainRow, fastDay } from "../../src/rules/evaluate";
import { readDate } from "../../src/ledger/cells";
import { cmpMeanGrowth, cmpRatio } from "../../src/rules/exact";
import { eligibilityOf, planForHeader, rowFromObject, whyText } from "../../src/rules";
import giantJson from "../../src/policy/packs/giant-provisional.json";
import hitechJson from "../../src/policy/packs/hitech-2016.json";

const AS_OF = dayFromParts(2024, 6, 30) as DayNumber;

function kjError(code: string, kind?: "value" | "na") {
  return (e: unknown): boolean => isKjError(e) && e.code === code && (kind === undefined || e.kind === kind);
}

function threshold(text: string) {
  const dec = new Decimal(text);
  return { text, dec, f: dec.toNumber(), pct: "" };
}

describe("eligibility rule packs: every value cited", () => {
  /** Keys that hold a rule value (a number, a threshold, a list the rule depends on). */
  const VALUE_KEYS = ["min", "max", "minDays", "atLeast", "atMost", "above", "upTo", "points", "years", "values", "classIAtLeast", "classIIAtLeast"];

  for (const raw of RULE_PACK_SOURCES as Record<string, unknown>[]) {
    describe(String(raw.id), () => {
      const docs = (raw.documents as { short: string }[]).map((d) => d.short);

      it("has an effective date, documents and a source", () => {
        assert.match(String(raw.effectiveFrom), /^\d{4}-\d{2}-\d{2}$/);
        assert.ok(docs.length > 0);
        assert.ok(String(raw.source).length > 4);
      });

      it("every object holding a rule value carries a cite naming one of the pack's documents", () => {
        let valued = 0;
        const walk = (node: unknown, path: string): void => {
          if (Array.isArray(node)) return node.forEach((x, i) => walk(x, `${path}[${i}]`));
          if (node === null || typeof node !== "object") return;
          const o = node as Record<string, unknown>;
          if (VALUE_KEYS.some((k) => k in o) && path !== "") {
            valued++;
            assert.equal(typeof o.cite, "string", `${path} holds a rule value without a cite`);
            assert.ok(docs.some((d) => (o.cite as string).startsWith(d)), `${path}: cite “${o.cite}” names no document of the pack`);
          }
          for (const [k, v] of Object.entries(o)) walk(v, `${path}.${k}`);
        };
        walk(raw, "");
        assert.ok(valued >= 5, "the walk found the rule values");
      });
    });
  }

  it("the 小巨人 pack is provisional, says where its stand-in comes from, and every verdict says so", () => {
    const giant = RULE_PACKS.find((p) => p.category === "giant");
    assert.ok(giant?.provisional);
    assert.equal(giant.provisionalNotice, "（暂定标准，待核定）");
    assert.match(giant.raw.source, /合肥/);
    const v = eligibilityOf("小巨人", {}, AS_OF);
    assert.equal(v.provisional, true);
    assert.ok(whyText(v).endsWith("（暂定标准，待核定）"));
  });

  it("no threshold of the packs is written as a literal in the rule code", () => {
    const dir = join(__dirname, "..", "..", "src", "rules");
    const files = readdirSync(dir).map((f) => join(dir, f));
    files.push(join(__dirname, "..", "..", "src", "policy", "rules.ts"), join(__dirname, "..", "..", "src", "fx", "eligibility.ts"));
    const suspicious = /(?<![\w.])(365|364|500|5000|20000|10000_?0|0\.0[2-6]|0\.1[05]?|0\.2[05]?|0\.3[05]?|0\.6|60|70|71)(?![\w.])/;
    for (const f of files) {
      const code = readFileSync(f, "utf8")
        .split("\n")
        .filter((line) => !/^\s*(\*|\/\/|\/\*\*)/.test(line))
        .join("\n");
      const m = suspicious.exec(code);
      assert.equal(m, null, `${f} holds the literal ${m?.[0]}`);
    }
  });
});

describe("eligibility rule packs: loading", () => {
  it("rejects a value without a cite", () => {
    const bad = JSON.parse(JSON.stringify(giantJson));
    delete bad.conditions[0].cite;
    assert.throws(() => loadRulePack(bad));
  });

  it("rejects a cite that names none of the pack's documents", () => {
    const bad = JSON.parse(JSON.stringify(giantJson));
    bad.conditions[0].cite = "某某文件第一条";
    assert.throws(() => loadRulePack(bad), /conditions\[0\]\.cite：依据“某某文件第一条”没有以本政策包 documents 中的任何简称开头/);
  });

  it("rejects an unknown field", () => {
    const bad = JSON.parse(JSON.stringify(giantJson));
    bad.conditions[0].field = "turnover";
    assert.throws(() => loadRulePack(bad), /conditions\[0\]\.field：未知的字段编号“turnover”/);
  });

  it("replacing the 小巨人 stand-in is a data change only: a different pack is evaluated by the same code", () => {
    const official = JSON.parse(JSON.stringify(giantJson));
    official.id = "giant-zaozhuang";
    official.provisional = false;
    delete official.provisionalNotice;
    official.documents = [{ short: "枣庄办法", title: "《枣庄市科技小巨人企业认定管理办法》" }];
    official.conditions = [
      { kind: "amount", id: "revenueRange", label: "上年营业收入", field: "revenue", atLeast: "5000", unit: "万元", cite: "枣庄办法第五条（一）" },
      { kind: "ratio", id: "rdStaff", label: "科技人员占比", numerator: "rdStaff", denominator: "employees", bands: [{ min: "0.15", cite: "枣庄办法第五条（二）" }], cite: "枣庄办法第五条（二）" },
    ];
    const pack = loadRulePack(official);
    const row = rowFromObject({ 销售收入: 6000, 职工总数: 100, 科技人员数: 15 });
    const v = explainRow(pack, row, AS_OF);
    assert.equal(v.eligible, true);
    assert.equal(v.provisional, false);
    assert.ok(!whyText(v).includes("暂定"));
    assert.equal(decide(pack, rowFromObject({ 销售收入: 6000, 职工总数: 100, 科技人员数: 14 }), AS_OF), false);
  });

  it("an innovation interval whose minimum clears the bar passes without experts", () => {
    const lenient = JSON.parse(JSON.stringify(hitechJson));
    lenient.conditions.find((c: { id: string }) => c.id === "innovation").above = 40;
    const pack = loadRulePack(lenient);
    const row = rowFromObject({
      近三年科技成果转化数: 15,
      "Ⅰ类知识产权数": 0,
      "Ⅱ类知识产权数": 1,
      "净资产（第一年）": 100,
      "净资产（第二年）": 135,
      "净资产（第三年）": "182.25",
      "销售收入（第一年）": 100,
      "销售收入（第二年）": 135,
      "销售收入（第三年）": "182.25",
    });
    const v = explainRow(pack, row, AS_OF);
    assert.deepEqual(v.scoreRange, [44, 96]);
    assert.equal(v.checks.find((c) => c.id === "innovation")?.passed, true);
  });

  it("no rules before a pack takes effect: #N/A no_policy", () => {
    assert.throws(() => rulePackFor("hitech", dayFromParts(2015, 12, 31) as DayNumber), kjError("no_policy", "na"));
    assert.equal(rulePackFor("hitech", dayFromParts(2016, 1, 1) as DayNumber).id, "hitech-2016");
  });
});

describe("eligibility: 类别", () => {
  it("accepts the short, full and English names, NFKC and case-insensitive", () => {
    for (const s of ["高企", "高新技术企业", "hitech", "HiTech", "ＨＩＴＥＣＨ", " 高企 "]) assert.equal(parseCategory(s), "hitech");
    for (const s of ["科小", "科技型中小企业", "sme", "SME"]) assert.equal(parseCategory(s), "sme");
    for (const s of ["小巨人", "科技小巨人企业", "giant", "Giant"]) assert.equal(parseCategory(s), "giant");
  });

  it("an unknown 类别 is a #VALUE! error listing the choices", () => {
    assert.throws(() => parseCategory("专精特新"), (e: unknown) => e instanceof KjError && e.code === "unknown_category" && e.kind === "value" && e.message.includes("科小"));
    assert.throws(() => parseCategory(""), kjError("unknown_category", "value"));
    assert.throws(() => parseCategory(null), kjError("unknown_category", "value"));
  });
});

describe("eligibility: exact comparison at thresholds", () => {
  it("3% of 5000 is exactly at the band, a hair below is not", () => {
    assert.equal(cmpRatio(150, 5000, threshold("0.03")), 0);
    assert.equal(cmpRatio(149.99999, 5000, threshold("0.03")), -1);
    assert.equal(cmpRatio(0.3, 1, threshold("0.3")), 0);
    assert.equal(cmpRatio(90, 300, threshold("0.30")), 0);
    assert.equal(cmpRatio(1200.0003, 40000.01, threshold("0.03")), 0);
  });

  it("agrees with exact integer arithmetic on typed decimals (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 0, max: 100 }), (numCents, denCents, pct) => {
        const num = numCents / 100;
        const den = denCents / 100;
        const t = threshold((pct / 100).toString());
        // num/den vs pct/100  <=>  numCents*100 vs pct*denCents
        const lhs = BigInt(numCents) * 100n;
        const rhs = BigInt(pct) * BigInt(denCents);
        const expected = lhs === rhs ? 0 : lhs > rhs ? 1 : -1;
        return cmpRatio(num, den, t) === expected;
      }),
      { numRuns: 2000 },
    );
  });

  it("the 工作指引 growth at exactly 35%", () => {
    assert.equal(cmpMeanGrowth(100, 135, 182.25, threshold("0.35")), 0);
    assert.equal(cmpMeanGrowth(100, 135, 182.24, threshold("0.35")), -1);
  });
});

describe("eligibility: reading the row", () => {
  it("one field plan per distinct header, reused for fresh arrays of the same header", () => {
    const a = planForHeader([["企业名称", "从业人数", "科技人员"]]);
    const b = planForHeader([["企业名称", "从业人数", "科技人员"]]);
    assert.equal(a, b);
    assert.notEqual(planForHeader(["企业名称", "职工总数"]), a);
  });

  it("a header array changed in place is mapped again", () => {
    const header = ["企业名称", "职工总数"];
    const before = planForHeader(header);
    header[1] = "资产总额";
    const after = planForHeader(header);
    assert.notEqual(after, before);
    const row = ["甲", 30000];
    assert.equal(eligibilityOf("科小", { 企业名称: "甲", 资产总额: 30000 }, AS_OF).eligible, false);
    assert.equal(decide(RULE_PACKS.find((p) => p.category === "sme")!, { cells: row, plan: after }, AS_OF), false);
  });

  it("the fast date path reads exactly as readDate does", () => {
    const samples: unknown[] = [2100, 2100.5, 2101, 45108, 45108.75, 60, 61, 1900, 2024, 19000100, 19000101, 20230701, 2958465, 2958466, -1, new Date(Date.UTC(2023, 6, 1)), new Date(NaN)];
    for (const v of samples) {
      const fast = fastDay(v);
      const r = readDate(v);
      if (!Number.isNaN(fast)) assert.deepEqual({ status: "ok", value: fast }, { status: r.status, value: r.status === "ok" ? r.value : NaN }, `value ${String(v)}`);
    }
    // Text is memoised only after readDate read it cleanly.
    eligibilityOf("高企", { 注册日期: "2023年7月1日" }, AS_OF);
    assert.equal(fastDay("2023年7月1日"), (readDate("2023年7月1日") as { value: number }).value);
    assert.ok(Number.isNaN(fastDay("2023年7月")), "a month-only date (read with a warning) is not memoised");
  });

  it("an unreadable cell makes its input unknown and names the cell and why", () => {
    const v = eligibilityOf("科小", { 职工总数: "#N/A", 科技人员数: 3 }, AS_OF);
    const c = v.checks.find((x) => x.id === "employees");
    assert.equal(c?.passed, null);
    assert.match(c?.note ?? "", /职工总数.*#N\/A/);
    assert.ok(v.missing.includes("职工总数"));
  });

  it("a JSON row keyed by synonyms reads like one keyed by standard names", () => {
    const std = eligibilityOf("科小", { 职工总数: 100, 科技人员数: 30, 销售收入: 5000, 资产总额: 100, 研发费用: 300, 主导制定标准: "否" }, AS_OF);
    const syn = eligibilityOf("科小", { 从业人数: 100, 科技人员: 30, 营业收入: 5000, 总资产: 100, 研发投入: 300, 主导标准: "否" }, AS_OF);
    assert.deepEqual(syn, std);
  });

  it("a non-object row is a #VALUE! error", () => {
    assert.throws(() => eligibilityOf("科小", [] as unknown as Record<string, unknown>, AS_OF), kjError("bad_row", "value"));
  });
});

/**
 * R&D subsidy packs as an editable format (DOMAIN §10): the three built-in packs load with their
 * kinds and years; an edited copy (a new year's rate, a successor pack) is data, not code; each
 * kind of mistake is refused naming the field; two packs of one scheme must not overlap, a city
 * and a province pack for the same year coexist with each other and with the other kinds; and
 * every file of src/rules/rd-*.ts lists its document's clauses in step with its pack.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isKjError } from "../../src/errors";
import { PackError, PackProblem, problemText } from "../../src/policy/pack-errors";
import { describeRdPack, loadRdPack, parseRdScheme, RD_PACKS, rdPackFor } from "../../src/policy/rd";
import type { RdPackRaw } from "../../src/policy/rd-schema";
import { BUILTIN_PACKS, buildRegistry, loadPackText } from "../../src/policy/registry";
import { rulePackFor } from "../../src/policy/rules";
import { rdSubsidyOf } from "../../src/rules/rd-subsidy";
import { RD_CITY } from "../../src/rules/rd-city";
import { RD_PROVINCE } from "../../src/rules/rd-province";
import { dayFromParts, DayNumber } from "../../src/dates";
import city2025 from "../../src/policy/packs/rd-city-2025.json";
import province2025 from "../../src/policy/packs/rd-province-2025.json";

const PACK_DIR = join(__dirname, "..", "..", "src", "policy", "packs");
type Json = any;
const copy = (o: unknown): Json => JSON.parse(JSON.stringify(o));
const file = (name: string) => ({ type: "file" as const, name });

function refused(json: unknown): PackProblem[] {
  try {
    loadPackText(JSON.stringify(json, null, 2), file("研发补助.json"));
  } catch (e) {
    assert.ok(e instanceof PackError, `expected PackError, got ${String(e)}`);
    return [...e.problems];
  }
  assert.fail("the pack loaded");
}

function problemAt(problems: PackProblem[], at: string): PackProblem {
  const hits = problems.filter((p) => p.path === at);
  assert.equal(hits.length, 1, `one problem at ${at}: ${problems.map(problemText).join(" | ")}`);
  return hits[0];
}

const ROW = { 研发费用: 240, 上年研发费用: 200, 销售收入: 3000, 高新技术企业: "是", 享受研发费用加计扣除: "是" };

describe("R&D subsidy packs: the built-in packs", () => {
  it("load with their scheme, years and provisional marks", () => {
    assert.deepEqual(
      RD_PACKS.map((p) => [p.id, p.scheme, p.fromYear, p.toYear, p.docNo, p.provisional]),
      [
        ["rd-province-2022", "province", 2021, 2023, "鲁科字〔2022〕45号", true],
        ["rd-province-2025", "province", 2024, null, "鲁科字〔2025〕25号", true],
        ["rd-city-2025", "city", 2024, null, "枣科字〔2025〕18号", true],
      ],
    );
    const loaded = BUILTIN_PACKS.filter((p) => p.format === "rdSubsidy");
    assert.deepEqual(loaded.map((p) => p.kind), ["rd-province", "rd-province", "rd-city"]);
    assert.equal(loaded[2].title, "枣庄市企业研究开发财政补助实施办法（枣科字〔2025〕18号）");
  });

  it("choose the pack by the data year, the scheme by any accepted spelling", () => {
    assert.equal(rdPackFor("province", 2021).id, "rd-province-2022");
    assert.equal(rdPackFor("province", 2023).id, "rd-province-2022");
    assert.equal(rdPackFor("province", 2024).id, "rd-province-2025");
    assert.equal(rdPackFor("province", 2031).id, "rd-province-2025");
    assert.equal(rdPackFor("city", 2024).id, "rd-city-2025");
    for (const s of ["省", "省级", "山东", "ＰＲＯＶＩＮＣＥ", "鲁"]) assert.equal(parseRdScheme(s), "province", s);
    for (const s of ["市", "市级", "枣庄", "city", "枣庄市"]) assert.equal(parseRdScheme(s), "city", s);
    assert.throws(() => parseRdScheme(""), /未填写研发补助方案，可填：省（山东省企业研究开发财政补助）或 市（枣庄市企业研究开发财政补助）/);
  });

  it("keep every value with its cite; the provisional ones are the ones DOMAIN marks", () => {
    const [p22, p25, c25] = RD_PACKS;
    assert.deepEqual([c25.subsidy.rate.provisional, c25.subsidy.rounding.provisional, c25.subsidy.cap.provisional], [false, true, false]);
    assert.deepEqual([p25.subsidy.rate.provisional, p25.subsidy.rounding.provisional, p25.subsidy.cap.provisional, p25.subsidy.floor?.atMost?.provisional], [true, true, false, true]);
    assert.deepEqual([p22.subsidy.rate.provisional, p22.subsidy.cap.provisional], [true, true]);
    assert.deepEqual([c25.subsidy.rate.text, c25.subsidy.cap.text, p25.subsidy.cap.text, p25.subsidy.floor?.text, p25.subsidy.minimum?.text, p25.subsidy.higherRates[0].text], ["0.1", "200", "500", "10", "1", "0.1"]);
    for (const p of RD_PACKS) for (const c of p.conditions) assert.ok(c.cite.length > 4, `${p.id} ${c.id}`);
  });

  it("describe themselves in Chinese (kj policy show, the pane)", () => {
    const text = describeRdPack(RD_PACKS[1]).join("\n");
    assert.match(text, /适用年度：2024 年度起的研发费用/);
    assert.match(text, /研发费用\/销售收入 ≥ 6%（销售收入 2 亿元以下（含））；≥ 4%（销售收入 2 亿元以上）/);
    assert.match(text, /比例：5%（暂定）/);
    assert.match(text, /最低：首次认定的中小高新技术企业（中小企业：销售收入不超过 2 亿元（暂定））不少于 10 万元/);
    assert.match(text, /上限：每家企业每年 500 万元/);
  });
});

describe("R&D subsidy packs: a new year's values are data", () => {
  it("the province's rate confirmed for 2025 is a successor pack, not a code change", () => {
    const p = copy(province2025);
    p.id = "rd-province-2025-rate";
    p.years = { from: 2025 };
    p.subsidy.rate = { value: "0.04", cite: "鲁科字〔2025〕25号 补助标准（2025 年度比例 4%）" };
    p.subsidy.rounding.provisional = false;
    p.subsidy.floor.atMost.provisional = false;
    p.provisional = false;
    delete p.provisionalNotice;
    const reg = buildRegistry([loadPackText(JSON.stringify(p), file("省研发补助2025.json"))]);
    assert.equal(rdSubsidyOf("省", 2024, ROW, reg.rdPacks).amount?.toString(), "12", "2024 keeps the 2025 pack's 5%");
    const r = rdSubsidyOf("省", 2025, ROW, reg.rdPacks);
    assert.equal(r.amount?.toString(), "10", "4% x 240 = 9.6, rounded to 10");
    assert.equal(r.provisional, false, "nothing provisional is used any more");
    assert.equal(r.policy.id, "rd-province-2025-rate");
  });

  it("a city pack and a province pack for the same year coexist, and with the other kinds", () => {
    const c = copy(city2025);
    c.id = "rd-city-2027";
    c.years = { from: 2027 };
    const reg = buildRegistry([loadPackText(JSON.stringify(c), file("市研发补助2027.json"))]);
    assert.equal(rdPackFor("city", 2027, reg.rdPacks).id, "rd-city-2027");
    assert.equal(rdPackFor("city", 2026, reg.rdPacks).id, "rd-city-2025");
    assert.equal(rdPackFor("province", 2027, reg.rdPacks).id, "rd-province-2025");
    assert.equal(rulePackFor("hitech", dayFromParts(2027, 1, 1) as DayNumber, reg.rulePacks).id, "hitech-2016");
  });

  it("two packs of one scheme for the same year are refused, naming both", () => {
    const c = copy(city2025);
    c.id = "rd-city-copy";
    c.subsidy.cap.value = "300";
    const e = (() => {
      try {
        buildRegistry([loadPackText(JSON.stringify(c), file("市研发补助.json"))]);
      } catch (err) {
        return err;
      }
      return null;
    })();
    assert.ok(isKjError(e) && e.code === "policy_overlap", String(e));
    assert.match(e.message, /“rd-city-2025”（内置，2024-01-01 起）与“rd-city-copy”（文件“市研发补助\.json”，2024-01-01 起）同为枣庄市企业研究开发财政补助（市级），有效期重叠/);
    assert.match(e.message, /years（研发补助）/);
    // A closed run of years before the built-in one does not overlap it.
    const old = copy(city2025);
    old.id = "rd-city-2022";
    old.years = { from: 2022, to: 2023 };
    assert.equal(buildRegistry([loadPackText(JSON.stringify(old), file("市2022.json"))]).rdPacks.length, 4);
  });
});

describe("R&D subsidy packs: refusal, field by field, in Chinese", () => {
  it("a rate written as a number, a percentage or above 100%", () => {
    const p = copy(city2025);
    p.subsidy.rate.value = 0.1;
    assert.match(problemAt(refused(p), "subsidy.rate.value").message, /应为十进制数字文本/);
    p.subsidy.rate.value = "10%";
    assert.match(problemAt(refused(p), "subsidy.rate.value").message, /不带单位、逗号、百分号或负号/);
    p.subsidy.rate.value = "10";
    assert.match(problemAt(refused(p), "subsidy.rate").message, /补助比例 10 大于 1（100%），请写成小数，如 0\.1 即 10%/);
  });

  it("an unknown field id, a cite naming no document, bands out of order", () => {
    const p = copy(province2025);
    p.conditions[2].field = "研发费用";
    assert.match(problemAt(refused(p), "conditions[2].field").message, /未知的字段编号“研发费用”/);
    const q = copy(province2025);
    q.subsidy.cap.cite = "省里的文件";
    assert.match(problemAt(refused(q), "subsidy.cap.cite").message, /没有以本政策包 documents 中的任何简称开头（可用：鲁科字〔2025〕25号、认定办法、计划）/);
    const r = copy(province2025);
    delete r.subsidy.base.bands[0].upTo;
    assert.match(problemAt(refused(r), "subsidy.base.bands[0]").message, /只有最后一档不写 upTo/);
  });

  it("a claim on a number column, an unknown scheme, years reversed, a missing notice", () => {
    const p = copy(city2025);
    p.conditions[0].field = "rd";
    assert.match(problemAt(refused(p), "conditions[0].field").message, /“rd”（研发费用）不是“是\/否”字段/);
    const q = copy(city2025);
    q.scheme = "county";
    assert.match(problemAt(refused(q), "scheme").message, /scheme（方案）应为 city（市级，枣庄）或 province（省级，山东）/);
    const r = copy(city2025);
    r.years = { from: 2026, to: 2025 };
    assert.match(problemAt(refused(r), "years.to").message, /年度起止颠倒：2026 晚于 2025/);
    const s = copy(city2025);
    delete s.provisionalNotice;
    assert.match(problemAt(refused(s), "provisionalNotice").message, /须写明 provisionalNotice/);
    const t = copy(city2025);
    t.provisional = false;
    assert.match(problemAt(refused(t), "provisional").message, /有 1 项标了 provisional（暂定值），整个政策包的 provisional 应为 true/);
  });

  it("an increase with both or neither bound, a floor above the cap, a typo in a field name", () => {
    const p = copy(city2025);
    p.conditions[4].above = "0";
    assert.match(refused(p).map(problemText).join("\n"), /increase 条件 growth 须有且只有 atLeast 或 above/);
    const q = copy(province2025);
    q.subsidy.floor.value = "600";
    assert.match(problemAt(refused(q), "subsidy.floor.value").message, /最低补助 600 万元高于封顶 500 万元/);
    const r = copy(city2025);
    r.subsidy.capp = r.subsidy.cap;
    assert.match(problemAt(refused(r), "subsidy.capp").message, /未知的字段“capp”/);
  });
});

describe("one file per R&D scheme, beside its packs", () => {
  for (const scheme of [RD_CITY, RD_PROVINCE]) {
    for (const doc of scheme.documents) {
      describe(`${scheme.scheme}: ${doc.pack}`, () => {
        const json = JSON.parse(readFileSync(join(PACK_DIR, doc.pack), "utf8")) as RdPackRaw;
        const pack = loadRdPack(json);

        it("the pack is of this scheme", () => {
          assert.equal(pack.scheme, scheme.scheme);
        });

        it("every condition and every part of the amount rule is listed exactly once, under the clause it cites", () => {
          const listed: string[] = [];
          // The amount rule's parts (base, rate, …), each with every cite written inside it.
          const parts = Object.entries(json.subsidy).map(([k, v]) => ({ id: `subsidy.${k}`, cites: (JSON.stringify(v).match(/"cite":"[^"]*"/g) ?? []).map((c) => c.slice(8, -1)) }));
          for (const cl of doc.clauses) {
            if (!("conditions" in cl)) continue;
            for (const id of cl.conditions) {
              listed.push(id);
              if (id.startsWith("subsidy.")) {
                const part = parts.find((x) => x.id === id);
                assert.ok(part, `${cl.cite} lists “${id}”, which the pack does not have`);
                assert.ok(part.cites.length > 0, `${id} has no cite`);
                for (const c of part.cites) assert.ok(c.startsWith(cl.cite), `“${id}” cites ${c}, but is listed under ${cl.cite}`);
                continue;
              }
              const c = pack.conditions.find((x) => x.id === id);
              assert.ok(c, `${cl.cite} lists “${id}”, which the pack does not have`);
              assert.ok(c.cite.startsWith(cl.cite), `“${id}” cites ${c.cite}, but is listed under ${cl.cite}`);
            }
          }
          assert.deepEqual([...listed].sort(), [...pack.conditions.map((c) => c.id), ...parts.map((p) => p.id)].sort());
        });

        it("every clause the pack leaves unencoded is said so in the list", () => {
          const said = doc.clauses.filter((cl) => "unencoded" in cl).map((cl) => cl.cite);
          for (const u of json.unencoded) assert.ok(said.includes(u.cite), `the pack leaves ${u.cite} unencoded, the list does not say so`);
        });
      });
    }
  }
});

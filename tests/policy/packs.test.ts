/**
 * Policy packs as the editable format: every built-in pack loads (and an edited copy of it keeps
 * loading), each kind of mistake a clerk makes is refused with a Chinese message naming the field
 * path and line, packs of one kind must not overlap, and the shipped JSON Schemas are exactly what
 * the zod schemas generate and accept what KJ accepts.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { dayFromParts, DayNumber } from "../../src/dates";
import { KjError } from "../../src/errors";
import { PackError, PackProblem, problemText } from "../../src/policy/pack-errors";
import { computeAward, targetFor } from "../../src/policy/plans";
import { BUILTIN_PACKS, BUILTIN_POLICIES, buildRegistry, LoadedPack, loadPack, loadPackText, packsInForce } from "../../src/policy/registry";
import { rulePackFor } from "../../src/policy/rules";
import plan2022 from "../../src/policy/packs/plan-2022-2024.json";
import hitech2016 from "../../src/policy/packs/hitech-2016.json";
import giant from "../../src/policy/packs/giant-provisional.json";
import { policySchemaFiles, SCHEMA_DIRS } from "../../scripts/policy-schemas";
import { ENTERPRISE, RD } from "../../src/ledger/catalogue";
import { COUNTERS } from "../../src/jobs/targets";

const ROOT = path.resolve(__dirname, "..", "..");
const SAMPLE = path.join(ROOT, "samples/policy/plan-2025-2027.example.json");
const day = (y: number, m: number, d: number) => dayFromParts(y, m, d) as DayNumber;
const file = (name: string) => ({ type: "file" as const, name });

type Json = any;
const copy = (o: unknown): Json => JSON.parse(JSON.stringify(o));

/** The problems a pack text is refused with (fails when it loads). */
function refused(json: unknown | string): PackProblem[] {
  const text = typeof json === "string" ? json : JSON.stringify(json, null, 2);
  try {
    loadPackText(text, file("新政策.json"));
  } catch (e) {
    assert.ok(e instanceof PackError, `expected PackError, got ${String(e)}`);
    assert.equal(e.code, "bad_policy_pack");
    assert.match(e.message, /文件“新政策\.json”/);
    return [...e.problems];
  }
  assert.fail("the pack loaded");
}

/** The one problem at `at` (asserting there is exactly one there). */
function problemAt(problems: PackProblem[], at: string): PackProblem {
  const hits = problems.filter((p) => p.path === at);
  assert.equal(hits.length, 1, `one problem at ${at}: ${problems.map(problemText).join(" | ")}`);
  return hits[0];
}

/** The built-in plan pack as a clerk would start from it: a successor 2025–2027 with one amount changed. */
function successor(): Json {
  const p = copy(plan2022);
  p.period = { from: "2025-01-01", to: "2027-12-31" };
  p.awards[0].rule.amount = "25";
  return p;
}

describe("policy packs: the built-in packs and the format", () => {
  it("loads every built-in pack with its kind, period and origin", () => {
    assert.deepEqual(
      BUILTIN_PACKS.map((p) => [p.id, p.kind, p.origin.type]),
      [
        ["xuecheng-plan-2022-2024", "plan", "builtin"],
        ["hitech-2016", "hitech", "builtin"],
        ["sme-2017", "sme", "builtin"],
        ["giant-provisional", "giant", "builtin"],
        ["xuecheng-pool-upkeep", "upkeep", "builtin"],
        ["rd-province-2022", "rd-province", "builtin"],
        ["rd-province-2025", "rd-province", "builtin"],
        ["rd-city-2025", "rd-city", "builtin"],
      ],
    );
    assert.equal(BUILTIN_POLICIES.plans.length, 1);
    assert.equal(BUILTIN_POLICIES.rulePacks.length, 3);
    assert.equal(BUILTIN_POLICIES.upkeep.length, 1);
    assert.equal(BUILTIN_POLICIES.rdPacks.length, 3);
    assert.equal(BUILTIN_PACKS.find((p) => p.id === "giant-provisional")?.provisional, true);
  });

  it("keeps loading an edited copy of today's pack, with $schema, note and provisional added", () => {
    const p = successor();
    p.$schema = "./kj-plan.schema.json";
    p.note = "区政府决定延续原标准";
    p.provisional = true;
    const loaded = loadPackText(JSON.stringify(p, null, 2), file("新政策.json"));
    assert.equal(loaded.kind, "plan");
    assert.equal(loaded.provisional, true);
    assert.equal(loaded.note, "区政府决定延续原标准");
    const r = buildRegistry([loaded]);
    assert.equal(computeAward({ item: "高企", date: day(2026, 6, 1) }, r.plans).amount.toString(), "25");
    assert.equal(computeAward({ item: "高企", date: day(2024, 6, 1) }, r.plans).amount.toString(), "20", "the old period keeps its own amount");
    assert.equal(targetFor("高新技术企业", 2026, r.plans).value, 60);
  });

  it("loads the sample successor pack, clearly marked as an example", () => {
    const p = loadPackText(fs.readFileSync(SAMPLE, "utf8"), file("plan-2025-2027.example.json"));
    assert.match(p.id, /example/);
    assert.match(p.title, /示例/);
    assert.match(p.note ?? "", /示例，不是正式政策/);
    assert.equal(p.provisional, true);
    const r = buildRegistry([p]);
    assert.equal(computeAward({ item: "国家重点实验室", basis: 250, date: day(2026, 3, 1) }, r.plans).amount.toString(), "200");
  });

  it("accepts a rule pack with $schema, issuer and an end date, and a successor rule pack after an open-ended one", () => {
    const h = copy(hitech2016);
    h.$schema = "./kj-eligibility.schema.json";
    h.id = "hitech-2026";
    h.issuer = "科技部 财政部 国家税务总局";
    h.effectiveFrom = "2026-01-01";
    const loaded = loadPack(h, file("hitech-2026.json"));
    assert.equal(loaded.kind, "hitech");
    assert.equal(loaded.issuer, "科技部 财政部 国家税务总局");
    const r = buildRegistry([loaded]);
    assert.equal(rulePackFor("hitech", day(2025, 12, 31), r.rulePacks).id, "hitech-2016");
    assert.equal(rulePackFor("hitech", day(2026, 1, 1), r.rulePacks).id, "hitech-2026");
    assert.deepEqual(packsInForce(r, day(2026, 6, 1)).map((p) => p.id).sort(), ["giant-provisional", "hitech-2026", "rd-city-2025", "rd-province-2025", "sme-2017", "xuecheng-pool-upkeep"]);
  });
});

describe("policy packs: refusal, field by field, in Chinese", () => {
  it("a bad date names period.from and its line", () => {
    const p = successor();
    p.period.from = "2025-13-01";
    const hit = problemAt(refused(p), "period.from");
    assert.match(hit.message, /period\.from（政策期起始日）不是真实的日期/);
    assert.match(hit.message, /这里是“2025-13-01”|不是真实的日期/);
    assert.equal(hit.line, 6);
    const q = successor();
    q.period.to = "2027/12/31";
    assert.match(problemAt(refused(q), "period.to").message, /应写成 YYYY-MM-DD.*这里是“2027\/12\/31”/);
    const r = successor();
    r.period.to = "2027-02-30";
    assert.match(problemAt(refused(r), "period.to").message, /不是真实的日期/);
  });

  it("a reversed period names period and both dates", () => {
    const p = successor();
    p.period = { from: "2027-12-31", to: "2025-01-01" };
    assert.match(problemAt(refused(p), "period").message, /政策期起止颠倒：起始日 2027-12-31 晚于结束日 2025-01-01/);
    const h = copy(hitech2016);
    h.effectiveTo = "2015-12-31";
    assert.match(problemAt(refused(h), "effectiveTo").message, /有效期起止颠倒：生效日 2016-01-01 晚于失效日 2015-12-31/);
  });

  it("an unknown award rule type names awards[i].rule.type, the value and the types there are", () => {
    const p = successor();
    p.awards[3].rule = { type: "percent", rate: "0.2" };
    const hit = problemAt(refused(p), "awards[3].rule.type");
    assert.match(hit.message, /未知的奖励规则类型，可用：fixed（固定金额）、capped（按计算依据、封顶）、rate（按计算依据的比例）（这里是“percent”）/);
    assert.match(hit.message, /奖励事项 national_platform/);
  });

  it("a target without unit names targets[i].unit", () => {
    const p = successor();
    delete p.targets[2].unit;
    assert.match(problemAt(refused(p), "targets[2].unit").message, /缺少 unit（单位，如 家、个、项、人）.*指标 giant/);
    const q = successor();
    q.targets[2].unit = "";
    assert.match(problemAt(refused(q), "targets[2].unit").message, /unit（单位，如 家、个、项、人）不能为空/);
  });

  it("a duplicate key names the second one and the first", () => {
    const p = successor();
    p.awards[1].key = "hitech_new";
    assert.match(problemAt(refused(p), "awards[1].key").message, /键名“hitech_new”重复：awards\[0\] 已经用了这个键名/);
    const q = successor();
    q.targets[4].key = "hitech";
    assert.match(problemAt(refused(q), "targets[4].key").message, /键名“hitech”重复：targets\[0\]/);
    const r = successor();
    r.awards[2].aliases.push("高企");
    assert.match(problemAt(refused(r), `awards[2].aliases[${r.awards[2].aliases.length - 1}]`).message, /名称“高企”重复：awards\[0\]（hitech_new）已用它/);
    const c = copy(giant);
    c.conditions[1].id = c.conditions[0].id;
    assert.match(problemAt(refused(c), "conditions[1].id").message, /条件编号“revenueRange”重复：conditions\[0\]/);
  });

  it("the same field written twice in one object is refused with both lines (JSON would keep the last silently)", () => {
    const text = JSON.stringify(successor(), null, 2).replace('"amount": "25"', '"amount": "25",\n          "amount": "30"');
    const hit = problemAt(refused(text), "awards[0].rule.amount");
    assert.match(hit.message, /字段“amount”在同一处写了两次（另一处在第 \d+ 行）/);
    assert.ok(hit.line !== undefined && hit.line > 1);
  });

  it("a number that is not a decimal string names the field and what was found", () => {
    const p = successor();
    p.awards[0].rule.amount = 20;
    assert.match(problemAt(refused(p), "awards[0].rule.amount").message, /应为十进制数字文本，带英文双引号，如 "20".*这里是数字 20/);
    const q = successor();
    q.awards[3].rule.cap = "200万";
    assert.match(problemAt(refused(q), "awards[3].rule.cap").message, /cap（封顶金额，万元）应为十进制数字文本.*不带单位.*这里是“200万”/);
    const r = successor();
    r.awards[7].rule.rate = "20%";
    assert.match(problemAt(refused(r), "awards[7].rule.rate").message, /rate（比例，如 0\.2 表示 20%）应为十进制数字文本.*这里是“20%”/);
    const h = copy(hitech2016);
    h.conditions[3].bands[0].min = 0.1;
    assert.match(problemAt(refused(h), "conditions[3].bands[0].min").message, /应为十进制数字文本.*这里是数字 0\.1/);
  });

  it("names unknown fields, missing fields, wrong types and a capped rule without its basis", () => {
    const p = successor();
    p.awards[0].ammount = "20";
    p.targets[0].target = "60";
    delete p.issuer;
    delete p.awards[3].basis;
    const problems = refused(p);
    assert.match(problemAt(problems, "awards[0].ammount").message, /未知的字段“ammount”：请检查拼写/);
    assert.match(problemAt(problems, "targets[0].target").message, /target（目标值）应为正整数，不带引号.*这里是“60”/);
    assert.match(problemAt(problems, "issuer").message, /缺少 issuer（发文单位）/);
    const q = successor();
    delete q.awards[3].basis;
    assert.match(problemAt(refused(q), "awards[3].basis").message, /capped 规则按计算依据计算，须写明依据是什么/);
  });

  it("refuses JSON syntax errors with the line, and files that are no pack at all", () => {
    const text = '{\n  "id": "x",\n  "title": "新计划",\n}';
    const [p] = refused(text);
    assert.equal(p.path, "");
    assert.equal(p.line, 4);
    assert.match(problemText(p), /^第 4 行：.*最后一项后面不要加逗号/);
    assert.match(refused("")[0].message, /文件是空的/);
    assert.match(refused("[1, 2]")[0].message, /应是一个 JSON 对象/);
    assert.match(refused({ name: "x" })[0].message, /无法识别政策包的类型/);
    assert.match(refused("{“id”: 1}")[0].message, /无法识别的符号（中文标点/);
  });

  it("rule packs: an unknown field id and a category KJ does not know are named", () => {
    const c = copy(giant);
    c.conditions[0].field = "turnover";
    assert.match(problemAt(refused(c), "conditions[0].field").message, /未知的字段编号“turnover”/);
    const d = copy(giant);
    d.category = "rd";
    assert.match(problemAt(refused(d), "category").message, /category（类别）应为 hitech（高新技术企业）、sme（科技型中小企业）或 giant（科技小巨人企业）.*这里是“rd”/);
  });
});

describe("policy packs: the registry", () => {
  const load = (json: unknown, name = "新政策.json"): LoadedPack => loadPack(copy(json), file(name));

  it("refuses two packs of one kind whose periods overlap, naming both", () => {
    const p = successor();
    p.period = { from: "2024-07-01", to: "2026-12-31" };
    assert.throws(
      () => buildRegistry([load(p)]),
      (e: unknown) =>
        e instanceof KjError &&
        e.code === "policy_overlap" &&
        /“xuecheng-plan-2022-2024”（内置，2022-01-01 至 2024-12-31）与“xuecheng-plan-2022-2024”（文件“新政策\.json”，2024-07-01 至 2026-12-31）同为计划（奖励与目标），有效期重叠/.test(e.message),
    );
    const a = successor();
    const b = successor();
    b.id = "other";
    b.period = { from: "2027-01-01", to: "2029-12-31" };
    assert.throws(() => buildRegistry([load(a, "a.json"), load(b, "b.json")]), /文件“a\.json”.*文件“b\.json”|文件“b\.json”.*文件“a\.json”/);
  });

  it("refuses two rule packs of one category starting the same day, and an open-ended pack starting inside a dated one", () => {
    const h = copy(hitech2016);
    h.id = "hitech-copy";
    assert.throws(() => buildRegistry([load(h)]), /“hitech-2016”（内置，2016-01-01 起）与“hitech-copy”/);
    const dated = copy(hitech2016);
    dated.id = "hitech-2025";
    dated.effectiveFrom = "2025-01-01";
    dated.effectiveTo = "2026-12-31";
    const open = copy(hitech2016);
    open.id = "hitech-2026";
    open.effectiveFrom = "2026-01-01";
    assert.throws(() => buildRegistry([load(dated, "a.json"), load(open, "b.json")]), /policy|重叠/);
    // A dated pack inside an open-ended one is a temporary rule: the open-ended one resumes after it.
    const r = buildRegistry([load(dated, "a.json")]);
    assert.equal(rulePackFor("hitech", day(2026, 6, 1), r.rulePacks).id, "hitech-2025");
    assert.equal(rulePackFor("hitech", day(2027, 1, 1), r.rulePacks).id, "hitech-2016");
  });

  it("lets packs of different kinds overlap, and counts a pack given twice once", () => {
    const h = copy(hitech2016);
    h.id = "hitech-2025";
    h.effectiveFrom = "2025-01-01";
    const p = successor();
    const withSchema = { ...successor(), $schema: "./kj-plan.schema.json" };
    const r = buildRegistry([load(p, "a.json"), load(h, "h.json"), load(withSchema, "b.json")]);
    assert.equal(r.packs.length, BUILTIN_PACKS.length + 2);
    assert.equal(r.plans.length, 2);
  });

  it("no pack for a date: #N/A (no_policy) whose message says how to add one", () => {
    for (const run of [
      () => computeAward({ item: "高企", date: day(2026, 6, 1) }),
      () => targetFor("高新技术企业", 2026),
      () => rulePackFor("hitech", day(2015, 1, 1)),
    ]) {
      assert.throws(run, (e: unknown) => e instanceof KjError && e.code === "no_policy" && e.kind === "na" && /--policy 政策包\.json/.test(e.message) && /任务窗格“政策”页/.test(e.message));
    }
  });
});

describe("policy packs: the JSON Schemas editors use", () => {
  const files = policySchemaFiles();

  it("are exactly what scripts/policy-schemas.ts generates from the zod schemas (run npm run schemas after changing a schema)", () => {
    for (const dir of SCHEMA_DIRS) {
      for (const [name, text] of Object.entries(files)) {
        const at = path.join(ROOT, dir, name);
        if (dir === "samples/policy" && name !== "kj-plan.schema.json") continue;
        assert.ok(fs.existsSync(at), `${dir}/${name} is missing: run npm run schemas`);
        assert.equal(fs.readFileSync(at, "utf8"), text, `${dir}/${name} is out of date: run npm run schemas`);
      }
    }
  });

  it("describe every field in Chinese", () => {
    const plan = JSON.parse(files["kj-plan.schema.json"]);
    const award = plan.properties.awards.items;
    for (const [k, v] of Object.entries(plan.properties) as [string, { description?: string }][]) assert.match(v.description ?? "", /[\u4e00-\u9fff]/, `plan.${k}`);
    for (const [k, v] of Object.entries(award.properties) as [string, { description?: string }][]) assert.match(v.description ?? "", /[\u4e00-\u9fff]/, `award.${k}`);
    for (const [k, v] of Object.entries(plan.properties.targets.items.properties) as [string, { description?: string }][]) assert.match(v.description ?? "", /[\u4e00-\u9fff]/, `target.${k}`);
  });

  it("every field of every format, every condition kind and every field id is documented in the README's 政策包 section", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## 政策包"), readme.indexOf("## 任务窗格"));
    const plan = JSON.parse(files["kj-plan.schema.json"]);
    const rules = JSON.parse(files["kj-eligibility.schema.json"]);
    const names = [
      ...Object.keys(plan.properties),
      ...Object.keys(plan.properties.awards.items.properties),
      ...Object.keys(plan.properties.targets.items.properties),
      ...Object.keys(rules.properties),
      ...Object.keys(JSON.parse(files["kj-upkeep.schema.json"]).properties),
      ...Object.keys(JSON.parse(files["kj-upkeep.schema.json"]).properties.reasons.items.properties),
      "amount", "cap", "rate",
    ];
    for (const n of names) assert.ok(section.includes("`" + n), `README 政策包 documents ${n}`);
    const kinds = rules.properties.conditions.items.anyOf.map((c: { properties: { kind: { const: string } } }) => c.properties.kind.const);
    assert.ok(kinds.length >= 11);
    for (const k of kinds) assert.ok(section.includes("`" + k + "`"), `condition kind ${k}`);
    for (const f of ENTERPRISE.fields) assert.ok(section.includes("`" + f.id) || section.includes(f.id.replace(/\d$/, "") ), `field id ${f.id}`);
    for (const key of Object.keys(COUNTERS)) assert.ok(section.includes("`" + key + "`"), `target key ${key}`);
    // The R&D subsidy format: every top-level and subsidy field, every condition kind, every R&D ledger field id.
    const rd = JSON.parse(files["kj-rd-subsidy.schema.json"]);
    for (const n of [...Object.keys(rd.properties), ...Object.keys(rd.properties.subsidy.properties)]) assert.ok(section.includes("`" + n + "`") || section.includes("`" + n), `README 政策包 documents R&D field ${n}`);
    const rdKinds = rd.properties.conditions.items.anyOf.map((c: { properties: { kind: { const: string } } }) => c.properties.kind.const);
    assert.equal(rdKinds.length, 5);
    for (const k of rdKinds) assert.ok(section.includes("`" + k + "`"), `R&D condition kind ${k}`);
    for (const f of RD.fields) assert.ok(section.includes("`" + f.id + "`"), `R&D field id ${f.id}`);
  });

  it("accept every built-in pack and the sample, and refuse what KJ refuses", () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const plan = ajv.compile(JSON.parse(files["kj-plan.schema.json"]));
    const rules = ajv.compile(JSON.parse(files["kj-eligibility.schema.json"]));
    const upkeep = ajv.compile(JSON.parse(files["kj-upkeep.schema.json"]));
    const rd = ajv.compile(JSON.parse(files["kj-rd-subsidy.schema.json"]));
    for (const p of BUILTIN_PACKS) {
      const validate = p.format === "plan" ? plan : p.format === "upkeep" ? upkeep : p.format === "rdSubsidy" ? rd : rules;
      assert.ok(validate(p.json), `${p.id}: ${JSON.stringify(validate.errors)}`);
    }
    assert.ok(plan(JSON.parse(fs.readFileSync(SAMPLE, "utf8"))), JSON.stringify(plan.errors));
    const bad = successor();
    bad.awards[0].rule.amount = 20;
    assert.equal(plan(bad), false);
    const typo = successor();
    typo.awards[0].ammount = "1";
    assert.equal(plan(typo), false);
    const noUnit = successor();
    delete noUnit.targets[0].unit;
    assert.equal(plan(noUnit), false);
  });
});

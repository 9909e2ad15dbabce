/**
 * kj policy list / show / check / schema / store: what each prints, its --json, its exit codes,
 * and its help in Chinese.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildProgram } from "../../src/cli/main";
import { Io } from "../../src/cli/common";
import { dayFromParts, DayNumber } from "../../src/dates";
import plan2022 from "../../src/policy/packs/plan-2022-2024.json";
import { policySchemaFiles } from "../../scripts/policy-schemas";
import { kjRunner } from "../support/cli";

const kj = kjRunner(dayFromParts(2026, 12, 1) as DayNumber);
let dir: string;
before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-policy-cli-"))));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, json: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof json === "string" ? json : JSON.stringify(json, null, 2));
  return file;
}

function successor(patch: (p: any) => void = () => undefined): any {
  const p = JSON.parse(JSON.stringify(plan2022));
  p.id = "plan-2025-2027";
  p.period = { from: "2025-01-01", to: "2027-12-31" };
  patch(p);
  return p;
}

describe("kj policy list", () => {
  it("lists the built-in packs with id, title, issuer, period, provisional mark and source", async () => {
    const r = await kj("policy", "list");
    assert.equal(r.code, 0);
    assert.match(r.out, /^政策包 8 个：内置 8 个/);
    assert.match(r.out, /xuecheng-plan-2022-2024［计划（奖励与目标）］\n  名称：科技支持工业强区三年攻坚突破行动计划（2022—2024）\n  发文单位：薛城区\n  有效期：2022-01-01 至 2024-12-31\n  出处：source\/action-plan-2022-2024\.txt\n  来源：内置/);
    assert.match(r.out, /giant-provisional［科技小巨人企业认定条件］（暂定）/);
    assert.match(r.out, /xuecheng-pool-upkeep［培育库动态管理（调出原因与提醒）］\n  名称：企业培育库动态管理（分类与调出）规则\n  发文单位：—\n  有效期：2022-01-01 起/);
    assert.match(r.out, /rd-city-2025［枣庄市企业研究开发财政补助（市级）］（暂定）\n  名称：枣庄市企业研究开发财政补助实施办法（枣科字〔2025〕18号）/);
  });

  it("--json, --date and --policy", async () => {
    const file = write("succ.json", successor());
    const r = await kj("policy", "list", "--policy", file, "--date", "2026-06-01", "--json");
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.date, "2026-06-01");
    const plan = j.packs.find((p: { kind: string }) => p.kind === "plan");
    assert.deepEqual(plan, {
      id: "plan-2025-2027",
      kind: "plan",
      kindName: "计划（奖励与目标）",
      format: "plan",
      title: plan2022.title,
      issuer: "薛城区",
      from: "2025-01-01",
      to: "2027-12-31",
      provisional: false,
      source: plan2022.source,
      note: null,
      origin: "file",
      originName: "succ.json",
    });
    assert.equal(j.packs.length, 7, "plan, 高企, 科小, 小巨人, 动态管理, 省级和市级研发补助");
    const none = await kj("policy", "list", "--date", "2026-06-01");
    assert.doesNotMatch(none.out, /xuecheng-plan/);
  });
});

describe("kj policy show", () => {
  it("--json prints the pack in file format: the built-in file's content with $schema first", async () => {
    const r = await kj("policy", "show", "xuecheng-plan-2022-2024", "--json");
    assert.equal(r.code, 0);
    const j = JSON.parse(r.out);
    assert.equal(Object.keys(j)[0], "$schema");
    assert.equal(j.$schema, "./kj-plan.schema.json");
    delete j.$schema;
    assert.deepEqual(j, plan2022);
    const h = JSON.parse((await kj("policy", "show", "hitech-2016", "--json")).out);
    assert.equal(h.$schema, "./kj-eligibility.schema.json");
  });

  it("without --json: a readable summary of awards and targets", async () => {
    const r = await kj("policy", "show", "xuecheng-plan-2022-2024");
    assert.match(r.out, /奖励事项（8 项）：\n    hitech_new　新认定的国家级高新技术企业：20 万元（一次性）（计划 二（一）4）/);
    assert.match(r.out, /目标（16 项）：\n    hitech　高新技术企业：60家（计划 一）/);
  });

  it("an unknown id, and an id two packs share, exit 2 with what to do", async () => {
    let r = await kj("policy", "show", "nope");
    assert.equal(r.code, 2);
    assert.match(r.err, /没有编号为“nope”的政策包（现有：xuecheng-plan-2022-2024、hitech-2016/);
    const same = write("same-id.json", successor((p) => (p.id = "xuecheng-plan-2022-2024")));
    r = await kj("policy", "show", "xuecheng-plan-2022-2024", "--policy", same);
    assert.equal(r.code, 2);
    assert.match(r.err, /有 2 个政策包编号都是“xuecheng-plan-2022-2024”：2022-01-01 至 2024-12-31（内置）、2025-01-01 至 2027-12-31（文件 same-id\.json）。请加 --date/);
    r = await kj("policy", "show", "xuecheng-plan-2022-2024", "--policy", same, "--date", "2026-01-01", "--json");
    assert.equal(r.code, 0);
    assert.equal(JSON.parse(r.out).period.from, "2025-01-01");
  });
});

describe("kj policy check", () => {
  it("exit 0 for a valid pack, with hints for an id shared with a built-in pack and a target KJ cannot count", async () => {
    const ok = write("ok.json", successor());
    let r = await kj("policy", "check", ok);
    assert.equal(r.code, 0);
    assert.match(r.out, /✓ .*ok\.json：计划（奖励与目标）政策包“plan-2025-2027”（2025-01-01 至 2027-12-31），8 项奖励、16 项目标，格式正确。/);
    assert.doesNotMatch(r.out, /提示/);
    const hinted = write(
      "hinted.json",
      successor((p) => {
        p.id = "xuecheng-plan-2022-2024";
        p.targets.push({ key: "rd_centres", name: "研发中心", aliases: [], target: 5, unit: "个", kind: "stock", ledger: "platform", cite: "新计划 一", countedFrom: "创新平台" });
      }),
    );
    r = await kj("policy", "check", hinted);
    assert.equal(r.code, 0);
    assert.match(r.out, /提示：编号“xuecheng-plan-2022-2024”与内置政策包相同/);
    assert.match(r.out, /提示：指标键名“rd_centres”（研发中心）没有计数规则/);
  });

  it("exit 2 naming the field path and what is wrong; several files at once; --json", async () => {
    const bad = write("bad.json", successor((p) => (p.period.from = "2025-13-01")));
    const ok = write("ok2.json", successor());
    const r = await kj("policy", "check", ok, bad);
    assert.equal(r.code, 2);
    assert.match(r.out, /✗ .*bad\.json：有误，不能载入（共 1 处）：\n  period\.from（第 6 行）：period\.from（政策期起始日）不是真实的日期/);
    assert.match(r.err, /错误：1 个政策包有误/);
    const j = await kj("policy", "check", bad, "--json");
    assert.equal(j.code, 2);
    const doc = JSON.parse(j.out);
    assert.equal(doc.ok, false);
    assert.deepEqual(doc.files[0].problems[0].path, "period.from");
    assert.equal(doc.files[0].problems[0].line, 6);
  });

  it("exit 2 for overlapping packs, naming both; a missing file is named", async () => {
    const a = write("a.json", successor());
    const b = write("b.json", successor((p) => ((p.id = "other"), (p.period = { from: "2027-01-01", to: "2029-12-31" }))));
    let r = await kj("policy", "check", a, b);
    assert.equal(r.code, 2);
    assert.match(r.out, /✗ 政策包有效期重叠：“plan-2025-2027”（文件“a\.json”，2025-01-01 至 2027-12-31）与“other”（文件“b\.json”，2027-01-01 至 2029-12-31）/);
    r = await kj("policy", "check", path.join(dir, "missing.json"));
    assert.equal(r.code, 2);
    assert.match(r.out, /政策包文件“.*missing\.json”文件不存在/);
  });
});

describe("kj policy schema", () => {
  it("--out writes the JSON Schemas; a format name prints one; anything else exits 2", async () => {
    const out = path.join(dir, "schemas");
    let r = await kj("policy", "schema", "--out", out);
    assert.equal(r.code, 0);
    const files = policySchemaFiles();
    for (const [name, text] of Object.entries(files)) assert.equal(fs.readFileSync(path.join(out, name), "utf8"), text, name);
    r = await kj("policy", "schema", "plan");
    assert.deepEqual(JSON.parse(r.out), JSON.parse(files["kj-plan.schema.json"]));
    r = await kj("policy", "schema", "认定条件");
    assert.equal(JSON.parse(r.out).title, "KJ 认定条件政策包（高企、科小、小巨人）");
    r = await kj("policy", "schema");
    assert.equal(r.code, 2);
    assert.match(r.err, /请写明格式 plan、eligibility、upkeep 或 rdSubsidy/);
    r = await kj("policy", "schema", "动态管理");
    assert.equal(JSON.parse(r.out).title, "KJ 动态管理政策包（培育库调出原因与提醒）");
    r = await kj("policy", "schema", "研发补助");
    assert.equal(JSON.parse(r.out).title, "KJ 研发补助政策包（企业研究开发财政补助，省级、市级）");
    r = await kj("policy", "schema", "rd-subsidy");
    assert.equal(r.code, 2);
  });
});

describe("kj policy store: refusals", () => {
  it("needs a pack or --remove, and an .xlsx --out", async () => {
    let r = await kj("policy", "store", path.join(dir, "x.xlsx"), "--out", path.join(dir, "y.xlsx"));
    assert.equal(r.code, 2);
    assert.match(r.err, /请给出要保存的政策包文件，或用 --remove/);
    r = await kj("policy", "store", path.join(dir, "x.xlsx"), write("s.json", successor()), "--out", path.join(dir, "y.csv"));
    assert.equal(r.code, 2);
    assert.match(r.err, /--out 的文件名应以 \.xlsx 结尾/);
  });
});

describe("kj policy help in Chinese", () => {
  const silent: Io = { out: () => undefined, err: () => undefined, today: () => 0, isTTY: false };
  const policy = buildProgram(silent).commands.find((c) => c.name() === "policy")!;
  for (const sub of policy.commands.filter((c) => c.name() !== "help")) {
    it(`kj policy ${sub.name()} --help: Chinese description and options, exit codes and an example`, async () => {
      const r = await kj("policy", sub.name(), "--help");
      assert.equal(r.code, 0);
      assert.match(r.out, new RegExp(`^用法： kj policy ${sub.name()} `));
      assert.match(sub.description(), /[\u4e00-\u9fff]/);
      for (const o of sub.options) assert.match(o.description, /[\u4e00-\u9fff]/, o.flags);
      for (const a of sub.registeredArguments) assert.match(a.description, /[\u4e00-\u9fff]/, a.name());
      assert.match(r.out, /退出码/);
      assert.match(r.out, /示例/);
    });
  }

  it("--policy is on every command that uses policy", () => {
    const program = buildProgram(silent);
    for (const name of ["award", "eligible", "targets", "awards", "recalc"]) {
      const cmd = program.commands.find((c) => c.name() === name)!;
      assert.ok(cmd.options.some((o) => o.long === "--policy"), name);
    }
  });
});

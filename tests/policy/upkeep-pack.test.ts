/**
 * The upkeep pack (动态管理: removal causes, reminders, years) as one more policy pack format
 * (issue 14.3): the built-in pool-upkeep.json is in the registry; a successor pack with another
 * removal cause, given with --policy or stored in the workbook, changes the suggestions of
 * `kj upkeep` and of the pane's 动态管理 from its effectiveFrom on; a wrong pack is refused
 * naming the field path; two upkeep packs starting on the same day are refused naming both.
 */
import { strict as assert } from "assert";
import Ajv from "ajv";
import ExcelJS from "exceljs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dayFromParts, DayNumber } from "../../src/dates";
import { KjError } from "../../src/errors";
import { readWorkbook, WorkbookSnapshot } from "../../src/host/port";
import { XlsxHost } from "../../src/host/xlsx/host";
import { planUpkeep } from "../../src/jobs/upkeep";
import { PackError, PackProblem, problemText } from "../../src/policy/pack-errors";
import { BUILTIN_PACKS, BUILTIN_POLICIES, buildRegistry, loadPackText } from "../../src/policy/registry";
import { upkeepPackFor } from "../../src/policy/upkeep-schema";
import rawPack from "../../src/policy/packs/pool-upkeep.json";
import { policySchemaFiles } from "../../scripts/policy-schemas";
import { planUpkeepView } from "../../taskpane/jobs";
import { kjRunner } from "../support/cli";

const day = (y: number, m: number, d: number) => dayFromParts(y, m, d) as DayNumber;
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));
type Json = any;
const copy = (o: unknown): Json => JSON.parse(JSON.stringify(o));

/** A successor from 2026: 严重环境违法 becomes a removal cause too. */
function successor(): Json {
  const p = copy(rawPack);
  p.id = "xuecheng-pool-upkeep-2026";
  p.title = "企业培育库动态管理规则（2026 年起）";
  p.effectiveFrom = "2026-01-01";
  p.reasons.push({ code: "env_violation", field: "envViolation", text: "有严重环境违法行为", cite: "区科技局 2026 年培育库管理通知 三", quote: "对有严重环境违法行为的企业及时调出" });
  return p;
}

const HEADER = ["企业名称", "统一社会信用代码", "注册日期", "培育类别", "入库年度", "经营状态", "科小入库年度", "严重失信行为", "严重环境违法"];
const ROWS = [
  ["甲公司", "91370403MA0000001B", utc(2015, 3, 1), "科技型中小企业", 2022, "存续", 2026, null, "是"],
  ["乙公司", "91370403MA0000002X", utc(2016, 3, 1), "科技型中小企业", 2022, "存续", 2026, "是", null],
  ["丙公司", "91370403MA0000003Q", utc(2010, 5, 5), "科技型中小企业", 2022, "存续", 2026, null, null],
];

function ledger(): WorkbookSnapshot {
  return { sheets: [{ name: "培育库", firstRow: 1, firstCol: 1, values: [HEADER, ...ROWS] }] };
}

function refused(json: unknown): PackProblem[] {
  try {
    loadPackText(JSON.stringify(json, null, 2), { type: "file", name: "动态管理.json" });
  } catch (e) {
    assert.ok(e instanceof PackError, String(e));
    return [...e.problems];
  }
  assert.fail("the pack loaded");
}

function problemAt(problems: PackProblem[], at: string): PackProblem {
  const hits = problems.filter((p) => p.path === at);
  assert.equal(hits.length, 1, `one problem at ${at}: ${problems.map(problemText).join(" | ")}`);
  return hits[0];
}

describe("upkeep packs: one more format in the policy registry", () => {
  it("the built-in pool-upkeep.json is a pack of kind upkeep, in force from 2022-01-01 until replaced", () => {
    const p = BUILTIN_PACKS.find((x) => x.kind === "upkeep");
    assert.ok(p);
    assert.equal(p.id, "xuecheng-pool-upkeep");
    assert.equal(p.format, "upkeep");
    assert.equal(p.to, null);
    assert.equal(BUILTIN_POLICIES.upkeep.length, 1);
    assert.equal(upkeepPackFor(day(2026, 6, 1), BUILTIN_POLICIES.upkeep).id, "xuecheng-pool-upkeep");
    assert.throws(
      () => upkeepPackFor(day(2021, 6, 1), BUILTIN_POLICIES.upkeep),
      (e: unknown) => e instanceof KjError && e.code === "no_policy" && /2021-06-01 没有生效的培育库动态管理政策包/.test(e.message) && /--policy/.test(e.message),
    );
  });

  it("a successor with another removal cause changes the suggestions from its effectiveFrom on", () => {
    const reg = buildRegistry([loadPackText(JSON.stringify(successor()), { type: "file", name: "动态管理2026.json" })]);
    const rows = (asOf: DayNumber) => {
      const { report } = planUpkeep(ledger(), { asOf }, upkeepPackFor(asOf, reg.upkeep).rules);
      return report.suggestions.map((s) => [s.name, s.reasons.map((r) => r.code).join(",")]);
    };
    assert.deepEqual(rows(day(2025, 12, 31)), [["乙公司", "dishonest"]]);
    assert.deepEqual(rows(day(2026, 3, 1)), [
      ["甲公司", "env_violation"],
      ["乙公司", "dishonest"],
    ]);
    const { report } = planUpkeep(ledger(), { asOf: day(2026, 3, 1) }, upkeepPackFor(day(2026, 3, 1), reg.upkeep).rules);
    assert.equal(report.policy, "企业培育库动态管理规则（2026 年起）");
    assert.deepEqual(report.suggestions[0].reasons[0], { code: "env_violation", text: "有严重环境违法行为", cite: "区科技局 2026 年培育库管理通知 三" });
    // The built-in pack alone: 甲 stays.
    assert.deepEqual(
      planUpkeep(ledger(), { asOf: day(2026, 3, 1) }).report.suggestions.map((s) => s.name),
      ["乙公司"],
    );
  });

  it("refuses a wrong pack naming the field path", () => {
    const unknownField = successor();
    unknownField.reasons[4].field = "envViolations";
    assert.match(problemAt(refused(unknownField), "reasons[4].field").message, /“envViolations”不是企业培育库的否定性名单列.*envViolation/);

    const notFlag = successor();
    notFlag.reasons[4].field = "revenue";
    assert.match(problemAt(refused(notFlag), "reasons[4].field").message, /不是企业培育库的否定性名单列/);

    const closed = successor();
    closed.reasons[3].field = "dishonest";
    assert.match(problemAt(refused(closed), "reasons[3].field").message, /business_closed.*businessState/);

    const dup = successor();
    dup.reasons[4].code = "dishonest";
    assert.match(problemAt(refused(dup), "reasons[4].code").message, /编号“dishonest”重复：reasons\[1\]/);

    const badCode = successor();
    badCode.reasons[4].code = "环境违法";
    assert.match(problemAt(refused(badCode), "reasons[4].code").message, /小写英文字母/);

    const noCite = successor();
    delete noCite.reasons[4].cite;
    assert.match(problemAt(refused(noCite), "reasons[4].cite").message, /缺少 cite/);

    const reminder = successor();
    reminder.reminders[0].code = "hitech_lapsed";
    assert.match(problemAt(refused(reminder), "reminders[0].code").message, /hitech_expired/);

    const years = successor();
    years.hitechValidityYears.value = "3";
    assert.match(problemAt(refused(years), "hitechValidityYears.value").message, /正整数/);

    const reversed = successor();
    reversed.effectiveTo = "2025-12-31";
    assert.match(problemAt(refused(reversed), "effectiveTo").message, /起止颠倒：生效日 2026-01-01 晚于失效日 2025-12-31/);

    const badDate = successor();
    badDate.effectiveFrom = "2026-02-30";
    assert.match(problemAt(refused(badDate), "effectiveFrom").message, /不是真实的日期/);

    const typo = successor();
    typo.reason = [];
    assert.ok(refused(typo).some((p) => p.path === "" || p.path === "reason"), "an unknown member is refused");
  });

  it("a successor without its own effectiveFrom overlaps the built-in pack, and the message names both", () => {
    const p = successor();
    delete p.effectiveFrom;
    const pack = loadPackText(JSON.stringify(p), { type: "file", name: "动态管理2026.json" });
    assert.throws(
      () => buildRegistry([pack]),
      (e: unknown) => e instanceof KjError && e.code === "policy_overlap" && /xuecheng-pool-upkeep/.test(e.message) && /xuecheng-pool-upkeep-2026/.test(e.message) && /动态管理/.test(e.message),
    );
  });

  it("the JSON Schema accepts the built-in pack and the successor, and refuses a typo", () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(policySchemaFiles()["kj-upkeep.schema.json"]));
    assert.ok(validate(rawPack), JSON.stringify(validate.errors));
    assert.ok(validate(successor()), JSON.stringify(validate.errors));
    const typo = successor();
    typo.reasons[0].cites = "x";
    assert.equal(validate(typo), false);
  });
});

describe("kj upkeep --policy and stored upkeep packs (CLI and the pane's 动态管理)", function () {
  this.timeout(60_000);
  const kj = kjRunner(day(2026, 3, 1));
  let dir: string;
  let file: string;
  let packFile: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-upkeep-pack-"));
    const book = new ExcelJS.Workbook();
    const s = ledger().sheets[0];
    await new XlsxHost(book).apply([{ type: "ensureSheet", sheet: s.name }, { type: "setValues", sheet: s.name, row: 1, col: 1, values: s.values }]);
    file = path.join(dir, "培育库.xlsx");
    await book.xlsx.writeFile(file);
    // The clerk's way: kj policy show … --json, edit, save.
    const shown = await kj("policy", "show", "xuecheng-pool-upkeep", "--json");
    assert.equal(shown.code, 0, shown.err);
    const json = JSON.parse(shown.out);
    assert.equal(json.$schema, "./kj-upkeep.schema.json");
    const edited = { ...json, ...successor(), $schema: json.$schema };
    packFile = path.join(dir, "动态管理2026.json");
    fs.writeFileSync(packFile, JSON.stringify(edited, null, 2));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("kj policy check accepts the successor; a bad one exits 2 naming the field path", async () => {
    const ok = await kj("policy", "check", packFile);
    assert.equal(ok.code, 0, ok.out + ok.err);
    assert.match(ok.out, /培育库动态管理（调出原因与提醒）政策包“xuecheng-pool-upkeep-2026”（2026-01-01 起），5 项调出原因、2 项提醒，格式正确/);
    const bad = successor();
    bad.reasons[4].field = "envViolations";
    const badFile = path.join(dir, "有误.json");
    fs.writeFileSync(badFile, JSON.stringify(bad, null, 2));
    const r = await kj("policy", "check", badFile);
    assert.equal(r.code, 2);
    assert.match(r.out, /reasons\[4\]\.field/);
    const u = await kj("upkeep", file, "--as-of", "2026-03-01", "--policy", badFile);
    assert.equal(u.code, 2);
    assert.match(u.err, /reasons\[4\]\.field/);
  });

  it("--policy: the successor's cause is a removal in 2026, not in 2025", async () => {
    const before = await kj("upkeep", file, "--as-of", "2025-12-31", "--policy", packFile, "--json");
    assert.deepEqual(JSON.parse(before.out).suggestions.map((s: { name: string }) => s.name), ["乙公司"]);
    const r = await kj("upkeep", file, "--as-of", "2026-03-01", "--policy", packFile, "--json");
    assert.equal(r.code, 1, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(
      j.suggestions.map((s: { name: string; reasons: { code: string }[] }) => [s.name, s.reasons.map((x) => x.code)]),
      [
        ["甲公司", ["env_violation"]],
        ["乙公司", ["dishonest"]],
      ],
    );
    const text = await kj("upkeep", file, "--as-of", "2026-03-01", "--policy", packFile);
    assert.match(text.out, /企业培育库动态管理规则（2026 年起）/);
    assert.match(text.out, /甲公司.*有严重环境违法行为〔区科技局 2026 年培育库管理通知 三〕/);
  });

  it("stored in the workbook: kj upkeep and the pane's 动态管理 use it without --policy", async () => {
    const stored = path.join(dir, "含政策.xlsx");
    const s = await kj("policy", "store", file, packFile, "--out", stored);
    assert.equal(s.code, 0, s.out + s.err);
    const r = await kj("upkeep", stored, "--as-of", "2026-03-01", "--json");
    assert.deepEqual(JSON.parse(r.out).suggestions.map((x: { name: string }) => x.name), ["甲公司", "乙公司"]);

    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(stored);
    const wb = await readWorkbook(new XlsxHost(book));
    const view = planUpkeepView(wb, day(2026, 3, 1));
    assert.equal(view.policy.title, "企业培育库动态管理规则（2026 年起）");
    const removals = view.lists.find((l) => l.id === "suggestions")!;
    assert.deepEqual(
      removals.items.map((i) => [i.name, i.reasons.map((x) => x.code).join(",")]),
      [
        ["甲公司", "env_violation"],
        ["乙公司", "dishonest"],
      ],
    );
    assert.deepEqual(
      planUpkeepView(wb, day(2025, 6, 1)).lists.find((l) => l.id === "suggestions")!.items.map((i) => i.name),
      ["乙公司"],
    );
  });
});

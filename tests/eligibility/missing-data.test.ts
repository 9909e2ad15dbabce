/**
 * One missing-data rule (DOMAIN §8), declared once per column in the catalogue (blankMeaning) and
 * followed by every check of every pool: a quantity a condition needs, blank or missing, is
 * unknown; a negative-list flag is no record; a claim is not claimed, and the explanation names
 * the column to fill in or add. Each kind is tried both blank ("") and missing (column absent)
 * on every condition of every built-in pack, starting from each golden file's eligible base row.
 */
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { dayFromParts, DayNumber } from "../../src/dates";
import { isKjError } from "../../src/errors";
import { fxEligible, fxWhy } from "../../src/fx/eligibility";
import { blankMeaning, ENTERPRISE } from "../../src/ledger/catalogue";
import type { Condition, FieldRef } from "../../src/policy/rules";
import { decideFor, eligibilityOf, packFor, rowFromObject, Verdict, whyText } from "../../src/rules";

interface GoldenFile {
  category: string;
  asOf: string;
  base: Record<string, unknown>;
}

const DIR = join(__dirname, "..", "golden", "eligibility");
const GOLDEN: GoldenFile[] = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(join(DIR, f), "utf8")) as GoldenFile);

function isoDay(s: string): DayNumber {
  const [y, m, d] = s.split("-").map(Number);
  return dayFromParts(y, m, d) as DayNumber;
}

/** The fields a condition reads itself (score models read quantities only, covered by the golden cases). */
function fieldsOf(c: Condition): FieldRef[] {
  switch (c.kind) {
    case "daysSince":
    case "oneOf":
    case "amount":
    case "noRecord":
    case "certificateValid":
      return [c.field];
    case "countAtLeast":
    case "isTrue":
      return c.fields;
    case "anyAtLeast":
      return c.items.map((i) => i.field);
    case "ratio":
      return c.bandBy ? [c.numerator, c.denominator, c.bandBy] : [c.numerator, c.denominator];
    case "growth":
      return c.series.flatMap((s) => [s.fields[0], s.fields[2]]);
    case "score":
    case "partNonZero":
      return [];
  }
}

function variant(base: Record<string, unknown>, names: string[], how: "blank" | "missing"): Record<string, unknown> {
  const row: Record<string, unknown> = { ...base };
  for (const n of names) {
    if (how === "blank") row[n] = "";
    else delete row[n];
  }
  return row;
}

function checkOf(v: Verdict, id: string) {
  const k = v.checks.find((c) => c.id === id);
  assert.ok(k, `no check ${id}`);
  return k;
}

describe("one missing-data rule: declared once per column", () => {
  it("flags read as no record, claims as not claimed, everything else as unknown", () => {
    const byMeaning = (m: string) =>
      ENTERPRISE.fields
        .filter((f) => blankMeaning(f) === m)
        .map((f) => f.name)
        .sort();
    assert.deepEqual(byMeaning("noRecord"), ["严重失信行为", "严重环境违法", "科研严重失信", "经营异常名录", "重大安全事故", "重大质量事故"].sort());
    assert.deepEqual(byMeaning("notClaimed"), ["主导制定标准", "国家级科技奖励", "市级以上研发机构", "省级以上研发机构", "高企认定日期"].sort());
    for (const n of ["职工总数", "销售收入", "研发费用", "Ⅰ类知识产权数", "Ⅱ类知识产权数", "注册日期", "技术领域"]) {
      assert.equal(blankMeaning(ENTERPRISE.fields.find((f) => f.name === n)!), "unknown", n);
    }
  });
});

for (const g of GOLDEN) {
  const asOf = isoDay(g.asOf);
  const pack = packFor(g.category, asOf);

  describe(`one missing-data rule: every ${g.category} check, each kind blank and missing`, () => {
    it("the base row is eligible (so a change comes from the blank)", () => {
      assert.equal(eligibilityOf(g.category, g.base, asOf).eligible, true);
    });

    for (const c of pack.conditions) {
      const fields = fieldsOf(c);
      const kinds = new Set(fields.map((f) => blankMeaning(f.def)));
      for (const meaning of kinds) {
        const names = fields.filter((f) => blankMeaning(f.def) === meaning).map((f) => f.def.name);
        for (const how of ["blank", "missing"] as const) {
          it(`${c.id} (${c.kind}): ${meaning} ${names.join("、")} ${how}`, () => {
            // A claim is tried with every claim of the condition absent (any one claimed would do).
            const tried = meaning === "unknown" ? names.slice(0, 1) : names;
            const row = variant(g.base, tried, how);
            const v = eligibilityOf(g.category, row, asOf);
            const k = checkOf(v, c.id);
            assert.equal(decideFor(g.category, rowFromObject(row), asOf), v.eligible, "fast path agrees");
            const name = tried[0];
            const noColumn = `台账无“${name}”列`;
            if (meaning === "noRecord") {
              assert.equal(k.passed, true, `${c.id}: a blank flag is no record`);
              assert.ok(k.note?.includes("未填写，按无记录处理"), k.note);
              if (how === "missing") assert.ok(k.note?.includes(noColumn), k.note);
              assert.ok(!v.missing.includes(name));
            } else if (meaning === "notClaimed") {
              assert.equal(k.passed, false, `${c.id}: a blank claim is not claimed`);
              assert.ok(k.note?.includes("未填写，按不具备处理"), k.note);
              assert.ok(k.note?.includes(`“${name}”`), `the note names the column: ${k.note}`);
              if (how === "missing") assert.ok(k.note?.includes(noColumn) && k.note.includes("添加该列"), k.note);
              assert.deepEqual(
                k.absent?.map((a) => a.column),
                tried,
              );
              assert.ok(!v.missing.includes(name));
            } else {
              // A quantity: never read as 0. The check is unknown (naming the column) unless the
              // other inputs decide it (e.g. a ratio above the highest band).
              assert.notEqual(k.passed, false, `${c.id}: a blank quantity is not a failure`);
              if (k.passed === null) {
                assert.ok(v.missing.includes(name), `missing names ${name}: ${v.missing.join("、")}`);
                assert.ok(k.note?.includes(name), k.note);
                if (how === "missing") assert.ok(k.note?.includes(`表头中没有“${name}”列`), k.note);
              }
            }
          });
        }
      }
    }
  });
}

describe("one missing-data rule: the 科小 row failing on score", () => {
  const asOf = dayFromParts(2024, 6, 30) as DayNumber;
  /** Score 74 but 科技人员 5% scores 0: fails on the scoring route. */
  const row: Record<string, unknown> = {
    企业名称: "薛城甲科技有限公司",
    职工总数: 100,
    科技人员数: 5,
    销售收入: 5000,
    资产总额: 3000,
    研发费用: 300,
    成本费用支出总额: 4000,
    Ⅰ类知识产权数: 0,
    Ⅱ类知识产权数: 4,
  };
  const ROUTES = ["高企认定日期", "国家级科技奖励", "省级以上研发机构", "主导制定标准"];

  it("without the direct-route columns: 不符合 (false), not unknown, and KJ.WHY says which columns to add", () => {
    const v = eligibilityOf("科小", row, asOf);
    assert.equal(v.eligible, false);
    assert.deepEqual(v.missing, []);
    const why = whyText(v);
    assert.match(why, /^不符合：科技人员指标得分为 0 分/);
    assert.ok(why.includes("直接认定条件按不具备处理（台账无“高企认定日期”“国家级科技奖励”“省级以上研发机构”“主导制定标准”列"), why);
    const header = [Object.keys(row)];
    assert.equal(fxEligible("科小", header, [Object.values(row)], undefined, asOf), false);
    assert.equal(fxWhy("科小", header, [Object.values(row)], undefined, asOf), why);
  });

  it("with the direct-route columns blank: the same verdict; KJ.WHY has no column to add", () => {
    const blank = { ...row, ...Object.fromEntries(ROUTES.map((n) => [n, ""])) };
    const v = eligibilityOf("科小", blank, asOf);
    assert.equal(v.eligible, false);
    assert.ok(!whyText(v).includes("台账无"), whyText(v));
    for (const id of ["routeHitech", "routeNationalAward", "routeProvincialRd", "routeStandard"]) {
      const k = checkOf(v, id);
      assert.equal(k.passed, false);
      assert.ok(k.note?.includes("未填写，按不具备处理（如具备，请填写“"), k.note);
    }
  });

  it("one route claimed qualifies; an unreadable claim stays unknown and names its cell", () => {
    assert.equal(eligibilityOf("科小", { ...row, 国家级科技奖励: "是" }, asOf).eligible, true);
    const v = eligibilityOf("科小", { ...row, 国家级科技奖励: "不详" }, asOf);
    assert.equal(v.eligible, null);
    assert.deepEqual(v.missing, ["国家级科技奖励"]);
    assert.throws(
      () => fxEligible("科小", [Object.keys(row).concat("国家级科技奖励")], [Object.values(row).concat("不详")], undefined, asOf),
      (e: unknown) => isKjError(e) && e.kind === "na" && e.message.includes("国家级科技奖励"),
    );
  });

  it("a quantity blank is still unknown, never 0: 科技人员数 blank leaves the verdict open", () => {
    const v = eligibilityOf("科小", { ...row, 科技人员数: "" }, asOf);
    assert.equal(v.eligible, null);
    assert.deepEqual(v.missing, ["科技人员数"]);
  });
});

/**
 * `kj award` through the CLI's main() with a captured Io: the amount and its citation,
 * --json output with the amount as a JSON number, and exit code 2 with
 * {"error":{"code","message"}} on stdout (Chinese message on stderr) when no amount exists.
 */
import { strict as assert } from "assert";
import { dayFromParts } from "../src/dates";
import { KjRun, kjRunner } from "./support/cli";

const kj = kjRunner(dayFromParts(2024, 6, 1)!);

function json(run: KjRun): any {
  const lines = run.out.trim().split("\n");
  assert.equal(lines.length, 1, `--json should print one line, got:\n${run.out}`);
  return JSON.parse(lines[0]);
}

describe("kj award", () => {
  it("kj award 国家重点实验室 --basis 250 --json gives 200 with its citation", async () => {
    const r = await kj("award", "国家重点实验室", "--basis", "250", "--json");
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(json(r), {
      item: "national_platform",
      name: "新获批的国家实验室、国家重点实验室、国家新型研发机构、国家技术创新中心",
      amount: 200,
      unit: "万元",
      cap: 200,
      basis: 250,
      cite: "计划 二（二）4",
      policy: "xuecheng-plan-2022-2024",
    });
    assert.equal(r.err, "");
  });

  it("prints the amount, rule, citation and plan text without --json", async () => {
    const r = await kj("award", "省绩效奖励", "--basis", "12.345");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /2\.469 万元/);
    assert.match(r.out, /计划 二（四）3/);
    assert.match(r.out, /省绩效奖励资金20%的配套奖励/);
  });

  it("keeps decimal amounts exact in JSON", async () => {
    assert.equal(json(await kj("award", "省绩效奖励", "--basis", "0.1", "--json")).amount, 0.02);
    assert.equal(json(await kj("award", "省绩效奖励", "--basis", "0.3", "--json")).amount, 0.06);
  });

  it("gives fixed awards without a basis, with basis and cap null", async () => {
    const r = await kj("award", "高企", "--date", "2023-05-01", "--json");
    assert.equal(r.code, 0, r.err);
    const j = json(r);
    assert.equal(j.amount, 20);
    assert.equal(j.cap, null);
    assert.equal(j.basis, null);
    assert.equal(j.cite, "计划 二（一）4");
  });

  const failures: [string, string[], string, RegExp][] = [
    ["unknown item", ["award", "不存在的事项", "--json"], "unknown_item", /未知的奖励事项/],
    ["capped item without basis", ["award", "国家重点实验室", "--json"], "basis_required", /请填写计算依据/],
    ["negative basis", ["award", "国家重点实验室", "--basis=-5", "--json"], "basis_invalid", /不能为负数/],
    ["non-numeric basis", ["award", "国家重点实验室", "--basis", "很多", "--json"], "basis_invalid", /不是数字/],
    ["unreadable date", ["award", "高企", "--date", "明年", "--json"], "bad_date", /无法识别/],
    ["date after the plan", ["award", "高企", "--date", "2025-01-01", "--json"], "no_policy", /无适用政策/],
    ["date before the plan", ["award", "高企", "--date", "2021-12-31", "--json"], "no_policy", /无适用政策/],
  ];
  for (const [what, args, code, message] of failures) {
    it(`exits 2 with a JSON error for ${what} (${code})`, async () => {
      const r = await kj(...args);
      assert.equal(r.code, 2);
      const j = json(r);
      assert.deepEqual(Object.keys(j), ["error"]);
      assert.deepEqual(Object.keys(j.error).sort(), ["code", "message"]);
      assert.equal(j.error.code, code);
      assert.match(j.error.message, message);
      assert.match(r.err, message, "the Chinese message goes to stderr too");
    });
  }

  it("exits 2 with the message on stderr only, without --json", async () => {
    const r = await kj("award", "国家重点实验室");
    assert.equal(r.code, 2);
    assert.equal(r.out, "");
    assert.match(r.err, /^错误：.*请填写计算依据/);
  });

  it("exits 2 when the item is missing altogether", async () => {
    const r = await kj("award");
    assert.equal(r.code, 2);
  });
});

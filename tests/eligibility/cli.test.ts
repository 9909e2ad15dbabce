import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { Io } from "../../src/cli/common";
import { registerEligible } from "../../src/cli/commands/eligible";
import { main } from "../../src/cli/main";
import { dayFromParts, DayNumber } from "../../src/dates";

const TODAY = dayFromParts(2024, 6, 30) as DayNumber;

function capture(): { io: Io; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s) => out.push(s), err: (s) => err.push(s), today: () => TODAY, isTTY: false }, out, err };
}

const ROW = { 企业名称: "薛城甲公司", 职工总数: "120人", 科技人员数: 30, 销售收入: "1.2亿", 资产总额: 8000, 研发费用: "720万", "Ⅰ类知识产权数": 1, 国家级科技奖励: "否", 省级以上研发机构: "否", 主导制定标准: "否" };

describe("kj eligible", () => {
  let dir = "";
  let rowFile = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "kj-elig-cli-"));
    rowFile = join(dir, "row.json");
    writeFileSync(rowFile, JSON.stringify(ROW), "utf8");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("--json prints the verdict: eligible true/false/null, score a number or null; exit 0", async () => {
    const c = capture();
    const code = await main(["node", "kj", "eligible", "科小", "--row", rowFile, "--json", "--as-of", "2024-06-30"], c.io);
    assert.equal(code, 0);
    const v = JSON.parse(c.out.join(""));
    assert.equal(v.eligible, true);
    assert.equal(v.score, 96); // 科技人员 25% -> 16, 研发 6% -> 50, Ⅰ类 -> 30
    assert.equal(v.category, "sme");
    assert.equal(v.asOf, "2024-06-30");
    assert.ok(Array.isArray(v.checks) && v.checks.every((k: { cite: string }) => k.cite.length > 0));
    assert.equal(v.why, "符合");
  });

  it("exit 0 for a failing verdict too, and the readable output explains", async () => {
    const f = join(dir, "fail.json");
    writeFileSync(f, JSON.stringify({ ...ROW, 职工总数: 800 }), "utf8");
    const c = capture();
    const code = await main(["node", "kj", "eligible", "sme", "--row", f, "--as-of", "2024-06-30"], c.io);
    assert.equal(code, 0);
    const text = c.out.join("\n");
    assert.match(text, /结论：不符合/);
    assert.match(text, /职工总数 800 人 > 500 人（评价办法第六条（二））/);
  });

  it("the as-of date defaults to today, and says so", async () => {
    const c = capture();
    await main(["node", "kj", "eligible", "科小", "--row", rowFile], c.io);
    assert.match(c.out.join("\n"), /评价日期：2024-06-30（未指定 --as-of，按今天 2024-06-30 评价）/);
    const j = capture();
    await main(["node", "kj", "eligible", "科小", "--row", rowFile, "--json"], j.io);
    const v = JSON.parse(j.out.join(""));
    assert.equal(v.asOf, "2024-06-30");
    assert.equal(v.asOfDefaulted, true);
  });

  it("an unknown verdict prints eligible null and what is missing", async () => {
    const f = join(dir, "unknown.json");
    writeFileSync(f, JSON.stringify({ 科技人员数: 30 }), "utf8");
    const c = capture();
    assert.equal(await main(["node", "kj", "eligible", "科小", "--row", f, "--json", "--as-of", "2024-06-30"], c.io), 0);
    const v = JSON.parse(c.out.join(""));
    assert.equal(v.eligible, null);
    assert.equal(v.score, null);
    assert.ok(v.missing.includes("职工总数"));
  });

  it("小巨人 output carries the provisional notice", async () => {
    const c = capture();
    await main(["node", "kj", "eligible", "小巨人", "--row", rowFile, "--as-of", "2024-06-30"], c.io);
    assert.match(c.out.join("\n"), /（暂定标准，待核定）/);
  });

  for (const [what, args, pattern] of [
    ["an unknown 类别", ["大企业", "--row", "ROW"], /未知的类别“大企业”/],
    ["a bad date", ["科小", "--row", "ROW", "--as-of", "2024-13-01"], /评价日期“2024-13-01”无法识别/],
    ["a missing file", ["科小", "--row", "/nonexistent/row.json"], /文件不存在/],
    ["unreadable JSON", ["科小", "--row", "BADJSON"], /不是有效的 JSON/],
    ["JSON that is not an object", ["科小", "--row", "ARRAY"], /应为一个 JSON 对象/],
  ] as [string, string[], RegExp][]) {
    it(`exit 2 with a clear message for ${what}`, async () => {
      const bad = join(dir, "bad.json");
      writeFileSync(bad, "{ 职工总数: 1 ", "utf8");
      const arr = join(dir, "array.json");
      writeFileSync(arr, "[1, 2]", "utf8");
      const argv = args.map((a) => (a === "ROW" ? rowFile : a === "BADJSON" ? bad : a === "ARRAY" ? arr : a));
      const c = capture();
      assert.equal(await main(["node", "kj", "eligible", ...argv], c.io), 2);
      assert.match(c.err.join("\n"), pattern);
      const j = capture();
      assert.equal(await main(["node", "kj", "eligible", ...argv, "--json"], j.io), 2);
      assert.ok(JSON.parse(j.out.join("")).error.message.length > 0);
    });
  }

  it("--row - reads standard input", async () => {
    const c = capture();
    const program = new Command().exitOverride();
    registerEligible(program, c.io, () => JSON.stringify(ROW));
    process.exitCode = 0;
    await program.parseAsync(["node", "kj", "eligible", "科小", "--row", "-", "--json", "--as-of", "2024-06-30"]);
    assert.equal(process.exitCode, 0);
    assert.equal(JSON.parse(c.out.join("")).eligible, true);
  });
});

import { strict as assert } from "assert";
import { execFile } from "child_process";
import ExcelJS from "exceljs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { DEMO_INPUT_FILE, DEMO_RESULT_FILE } from "../../src/cli/commands/demo";
import { TARGETS_SHEET } from "../../src/jobs/targets";
import { PLAN_PACKS } from "../../src/policy/plans";
import { dayFromParts, DayNumber } from "../../src/dates";
import { readWorkbook } from "../../src/host/port";
import { XlsxHost } from "../../src/host/xlsx/host";
import { storedPacks } from "../../src/policy/stored";
import { kjRunner } from "../support/cli";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");

describe("npm run demo", function () {
  this.timeout(180_000);
  let dir: string;
  let stdout: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-demo-"));
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const r = await run(npm, ["run", "--silent", "demo", "--", "--out", dir, "--as-of", "2024-12-31"], { cwd: ROOT, maxBuffer: 16 << 20 });
    stdout = r.stdout;
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("exits 0 and prints the four parts of the summary in Chinese", () => {
    for (const heading of ["一、校验台账", "二、动态管理", "三、目标完成情况", "四、奖励测算", "五、公式重算"]) assert.ok(stdout.includes(heading), heading);
    assert.match(stdout, /错误 [1-9]\d* 个/); // the sample's broken rows are found
    assert.match(stdout, /校验位错误/);
    assert.match(stdout, /建议调出/);
    assert.match(stdout, /合计 \d{1,3}(,\d{3})*\.\d{2,4} 万元/, "the total is written as clerks write amounts: 2,337.64");
  });

  it("writes the sample and the result workbook, with every sheet", async () => {
    assert.ok(fs.existsSync(path.join(dir, DEMO_INPUT_FILE)));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, DEMO_RESULT_FILE));
    const names = wb.worksheets.map((w) => w.name);
    for (const s of ["企业培育库", "创新平台", "人才", "科技计划项目", "奖励", TARGETS_SHEET, "奖励汇总"]) assert.ok(names.includes(s), `sheet ${s} in ${names.join(",")}`);
  });

  it("every KJ.AWARD cell has a cached numeric result, and the sample shows them too", async () => {
    for (const file of [DEMO_RESULT_FILE, DEMO_INPUT_FILE]) {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(path.join(dir, file));
      let awards = 0;
      wb.getWorksheet("奖励")!.eachRow((row) =>
        row.eachCell((cell) => {
          if (!/KJ\.AWARD/i.test(cell.formula ?? "")) return;
          awards++;
          assert.equal(typeof cell.result, "number", `${file} ${cell.address} = ${JSON.stringify(cell.result)}`);
        }),
      );
      assert.ok(awards > 50, `${file}: ${awards} KJ.AWARD cells`);
    }
  });

  it("the summary sheet's SUMIFS totals have results", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, DEMO_RESULT_FILE));
    let formulas = 0;
    wb.getWorksheet("奖励汇总")!.eachRow((row) =>
      row.eachCell((cell) => {
        if (!cell.formula) return;
        formulas++;
        assert.ok(cell.result !== undefined && typeof cell.result !== "object", `${cell.address} ${JSON.stringify(cell.result)}`);
      }),
    );
    assert.ok(formulas > 0);
  });

  it("the sheet's SUMIFS grand total equals the exact total the awards job printed", async () => {
    const printed = Number(/合计 ([\d,.]+) 万元/.exec(stdout)?.[1]?.replace(/,/g, ""));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, DEMO_RESULT_FILE));
    const results: number[] = [];
    wb.getWorksheet("奖励汇总")!.eachRow((row) => row.eachCell((cell) => typeof cell.result === "number" && results.push(cell.result)));
    assert.ok(printed > 0);
    assert.ok(results.some((x) => Math.abs(x - printed) < 1e-9), `${printed} among ${results.slice(0, 12).join(",")}`);
  });

  it("目标完成情况 lists every indicator of the plan", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, DEMO_RESULT_FILE));
    const texts: string[] = [];
    wb.getWorksheet(TARGETS_SHEET)!.eachRow((row) => row.eachCell((cell) => texts.push(String(cell.text))));
    const plan = PLAN_PACKS[PLAN_PACKS.length - 1].pack;
    for (const t of plan.targets) assert.ok(texts.some((x) => x.startsWith(t.name)), `indicator ${t.name}`);
  });
});

describe("kj demo --policy: the packs are stored in the sample and every part computes with them", function () {
  this.timeout(180_000);
  const kj = kjRunner(dayFromParts(2026, 12, 1) as DayNumber);
  let dir: string;
  let pack: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-demo-policy-"));
    const p = JSON.parse(fs.readFileSync(path.join(ROOT, "src/policy/packs/plan-2022-2024.json"), "utf8"));
    p.id = "xuecheng-plan-2025-2027";
    p.title = "科技支持工业强区行动计划（2025—2027，延续原标准）";
    p.period = { from: "2025-01-01", to: "2027-12-31" };
    pack = path.join(dir, "行动计划2025-2027.json");
    fs.writeFileSync(pack, JSON.stringify(p, null, 2));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("defaults the date to today within the successor's period, stores the pack, and the targets follow it", async () => {
    const out = path.join(dir, "演示");
    const r = await kj("demo", "--out", out, "--policy", pack, "--json");
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.asOf, "2026-12-01", "without the successor the demo would stop at 2024-12-31");
    assert.deepEqual(j.storedPacks, ["xuecheng-plan-2025-2027"]);
    for (const file of [DEMO_INPUT_FILE, DEMO_RESULT_FILE]) {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(path.join(out, file));
      const stored = storedPacks(await readWorkbook(new XlsxHost(wb)), file);
      assert.deepEqual(stored.packs.map((p) => p.id), ["xuecheng-plan-2025-2027"], file);
      if (file === DEMO_RESULT_FILE) assert.match(String(wb.getWorksheet(TARGETS_SHEET)!.getCell(1, 1).value), /2025—2027，延续原标准/);
    }
    const text = await kj("demo", "--out", out, "--policy", pack, "--as-of", "2026-06-01");
    assert.match(text.out, /政策包：xuecheng-plan-2025-2027（已保存进示例台账/);
    assert.match(text.out, /三、目标完成情况（科技支持工业强区行动计划（2025—2027，延续原标准），2025-01-01 至 2027-12-31）/);
  });

  it("a wrong pack: exit 2 naming the field, nothing written", async () => {
    const bad = path.join(dir, "有误.json");
    fs.writeFileSync(bad, fs.readFileSync(pack, "utf8").replace('"from": "2025-01-01"', '"from": "2025-13-01"'));
    const out = path.join(dir, "不应写出");
    const r = await kj("demo", "--out", out, "--policy", bad);
    assert.equal(r.code, 2);
    assert.match(r.err, /period\.from/);
    assert.ok(!fs.existsSync(out));
  });
});

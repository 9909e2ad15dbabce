/**
 * The pane in demo mode, 镇街与通报, at task-pane width and at 1280 px (docs/pane.md): each
 * town's and department's rank against the sample's 目标分解 with the plan named as text and
 * ratios as 100.0%, its bad row clickable; merging workbooks picked with the file input into the
 * open one (a preview that writes nothing, then one write, the action bar saying where); a
 * picked file that is no .xlsx refused in Chinese; the Word bulletin downloaded and read back.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Page } from "playwright-core";
import { generateSampleWorkbook, SAMPLE_BROKEN_CELLS } from "../../samples/generate";
import { formatPercent } from "../../src/format";
import { computeTargets } from "../../src/jobs/targets";
import { ENTERPRISE } from "../../src/ledger/catalogue";
import { PLAN_PACKS } from "../../src/policy/plans";
import { withCheckChar } from "../../src/uscc";
import { DEMO_TODAY } from "../../taskpane/demo/fixtures";
import { writeSnapshotXlsx } from "../support/cli";
import { openDocx, tableRows } from "../support/docx";
import { useBrowser } from "./hooks";
import { gridRows, inView, maybeScreenshot, openPane } from "./support";

const WIDTHS = [350, 1280] as const;
const PERCENT = /^(\d{1,3}(,\d{3})*\.\d%|—)$/;

async function writes(page: Page): Promise<number> {
  return Number(await page.getAttribute("#app", "data-demo-writes"));
}

describe("e2e: task pane in the browser demo — 镇街与通报", function () {
  this.timeout(240_000);
  const env = useBrowser();
  const sample = generateSampleWorkbook();
  const { report } = computeTargets(sample, { asOf: DEMO_TODAY });
  const units2024 = report.allocation.units.filter((u) => u.year === 2024);
  let dir: string;
  let town: string;
  let code: string;
  let otherTown: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-e2e-towns-"));
    const ent = sample.sheets[0];
    const header = ent.values[1] as string[];
    const broken = new Set(SAMPLE_BROKEN_CELLS.map((b) => b.row));
    const row = [3, 4, 5, 6, 7].find((r) => !broken.has(r)) as number;
    const known = ent.values[row - 1];
    const col = (id: string) => header.indexOf(ENTERPRISE.fields.find((f) => f.id === id)!.name);
    code = String(known[col("uscc")]);
    otherTown = known[col("town")] === "陶庄镇" ? "周营镇" : "陶庄镇";
    town = await writeSnapshotXlsx(dir, "陶庄镇报送.xlsx", {
      sheets: [
        {
          name: "企业",
          firstRow: 1,
          firstCol: 1,
          values: [
            ["单位名称", "社会信用代码", "镇街", "成立日期", "培育类型", "入库年份"],
            [known[col("name")], code, otherTown, "2015-01-01", "科小", 2023],
            ["新来的公司", withCheckChar("91370403MA0TWN008"), "陶庄镇", "2020-03-01", "科小", 2024],
          ],
        },
      ],
    });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const width of WIDTHS) {
    describe(`at ${width}x900`, () => {
      it("opens on every town's and department's rank with the plan named and ratios as 100.0%; its bad row clickable; nothing written", async () => {
        const { page, log } = await openPane(env().browser, env().origin, "#towns", { viewport: { width, height: 900 } });
        await page.waitForSelector("#towns-units table.towns-ranking");
        const shown = await page.$$eval("#towns-units table.towns-ranking tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].slice(0, 3).map((td) => td.textContent ?? "")));
        assert.deepEqual(shown, units2024.map((u) => [String(u.rank), u.unit, formatPercent(u.completion)]));
        for (const [, , pct] of shown) assert.match(pct, PERCENT);
        const basis = (await page.textContent("#towns-basis")) ?? "";
        assert.ok(basis.includes(PLAN_PACKS[PLAN_PACKS.length - 1].pack.title), basis);
        const issues = await page.$$eval("#towns-issues li button", (bs) => bs.map((b) => b.textContent ?? ""));
        assert.equal(issues.length, 1);
        assert.match(issues[0], /陶庄街道/);
        assert.match((await page.textContent("#towns-status")) ?? "", /2024 年：镇街 8 个，主管部门 4 个.*1 行未采用/);
        assert.ok(await inView(page, "#towns-report"), "生成 Word 通报 in view");
        assert.ok(await inView(page, "#towns-merge"), "合并 in view");
        assert.ok(await page.isDisabled("#towns-merge"), "nothing to merge before a preview");
        await maybeScreenshot(page, `pane-towns-${width}`);
        await page.click("#towns-issues li button");
        assert.equal(await writes(page), 0, "the preview wrote nothing");
        assert.deepEqual(log.pageErrors, []);
        await page.context().close();
      });
    });
  }

  it("merges picked workbooks into the open one after a preview that writes nothing: new rows, conflicts on 合并冲突, 来源文件", async () => {
    const { page, log } = await openPane(env().browser, env().origin, "#towns", { viewport: { width: 350, height: 900 } });
    await page.waitForSelector("#towns-units table.towns-ranking");
    await page.setInputFiles("#towns-files", [town]);
    await page.click("#towns-merge-preview");
    await page.waitForSelector("#towns-merge-lines li");
    const lines = await page.$$eval("#towns-merge-lines li", (lis) => lis.map((li) => li.textContent ?? ""));
    assert.match(lines[0], /企业培育库（“企业培育库”）：原有 \d+ 行，新增 1 行/);
    const conflicts = await page.$$eval("#towns-merge-conflicts li", (lis) => lis.map((li) => li.textContent ?? ""));
    assert.ok(conflicts.some((c) => c.includes(code) && c.includes("所属镇街") && c.includes(otherTown)), conflicts.join("\n"));
    assert.equal(await writes(page), 0, "the merge preview wrote nothing");
    assert.match((await page.textContent("#towns-write-what")) ?? "", /“企业培育库”末尾加 1 行.*“合并冲突”工作表/);
    assert.ok(await inView(page, "#towns-merge"));
    assert.ok(!(await page.isDisabled("#towns-merge")));

    await page.click("#towns-merge");
    await page.waitForFunction(() => /已合并/.test(document.getElementById("towns-notice")?.textContent ?? ""));
    assert.match((await page.textContent("#towns-notice")) ?? "", /已合并：新增 1 行，冲突 \d+ 处/);
    assert.equal(await writes(page), 1, "one write");
    const conflictSheet = (await gridRows(page, "合并冲突")).map((r) => r.join("|")).join("\n");
    assert.ok(conflictSheet.includes(code) && conflictSheet.includes("陶庄镇报送.xlsx"));
    const ent = await gridRows(page, "企业培育库");
    const header = ent[1];
    const src = header.indexOf("来源文件");
    assert.ok(src > 0, header.join(","));
    assert.ok(ent.some((r) => r[0] === "新来的公司" && r[src] === "陶庄镇报送.xlsx"));
    assert.deepEqual(log.pageErrors, []);
    await page.context().close();
  });

  it("refuses a picked file that is not a usable .xlsx, in Chinese, and writes nothing", async () => {
    const csv = path.join(dir, "镇街.xlsx");
    fs.writeFileSync(csv, "企业名称,统一社会信用代码\n甲,1\n");
    const { page, log } = await openPane(env().browser, env().origin, "#towns");
    await page.waitForSelector("#towns-units table.towns-ranking");
    await page.setInputFiles("#towns-files", [csv]);
    await page.click("#towns-merge-preview");
    await page.waitForSelector("#towns-notice.notice-error");
    assert.match((await page.textContent("#towns-notice")) ?? "", /无法读取“镇街\.xlsx”：不是 Excel 工作簿/);
    assert.ok(await page.isDisabled("#towns-merge"));
    assert.equal(await writes(page), 0);
    assert.deepEqual(log.pageErrors, []);
    await page.context().close();
  });

  it("downloads the Word bulletin without writing; it reads back with every unit's rank and completion and a chart", async () => {
    const { page, log } = await openPane(env().browser, env().origin, "#towns");
    await page.waitForSelector("#towns-units table.towns-ranking");
    const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#towns-report")]);
    assert.equal(dl.suggestedFilename(), "科技创新目标任务完成情况通报-2024-12-31.docx");
    const file = path.join(dir, "pane.docx");
    await dl.saveAs(file);
    const docx = openDocx(fs.readFileSync(file));
    const rows = tableRows(docx.xml("word/document.xml"));
    for (const u of units2024) assert.ok(rows.some((r) => r.length === 6 && r[0] === String(u.rank) && r[1] === u.unit && r[4] === formatPercent(u.completion)), u.unit);
    assert.equal(Object.keys(docx.files).filter((f) => f.startsWith("word/media/")).length, 2, "a chart for towns and one for departments");
    await page.waitForFunction(() => /已生成/.test(document.getElementById("towns-notice")?.textContent ?? ""));
    assert.equal(await writes(page), 0, "the bulletin writes nothing into the workbook");
    assert.deepEqual(log.pageErrors, []);
    await page.context().close();
  });

  it("a workbook without ledgers: no 目标分解, an offer to create one, no bulletin possible, nothing written", async () => {
    const { page, log } = await openPane(env().browser, env().origin, "?fixture=empty#towns");
    await page.click("#tab-towns");
    await page.waitForSelector("#towns-no-allocation");
    assert.ok(await page.isVisible("#towns-template"));
    assert.ok(await page.isDisabled("#towns-report"));
    assert.match((await page.textContent("#towns-status")) ?? "", /没有“目标分解”工作表/);
    assert.equal(await writes(page), 0);
    await page.click("#towns-template");
    await page.waitForFunction(() => /已新建“目标分解”/.test(document.getElementById("towns-notice")?.textContent ?? ""));
    assert.equal(await writes(page), 1);
    assert.deepEqual((await gridRows(page, "目标分解"))[0].slice(0, 5), ["年度", "指标", "镇街", "主管部门", "目标数"]);
    assert.deepEqual(log.pageErrors, []);
    await page.context().close();
  });
});

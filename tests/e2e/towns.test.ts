/**
 * The pane in demo mode, 镇街与通报: each town's and department's rank against the sample's
 * 目标分解, merging workbooks picked with the file input into the open one (preview, then
 * write), and the Word bulletin downloaded from the pane and read back.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generateSampleWorkbook, SAMPLE_BROKEN_CELLS } from "../../samples/generate";
import { percentText } from "../../src/jobs/bulletin";
import { computeTargets } from "../../src/jobs/targets";
import { ENTERPRISE } from "../../src/ledger/catalogue";
import { withCheckChar } from "../../src/uscc";
import { DEMO_TODAY } from "../../taskpane/demo/fixtures";
import { writeSnapshotXlsx } from "../support/cli";
import { openDocx, tableRows } from "../support/docx";
import { useBrowser } from "./hooks";
import { maybeScreenshot, openPane } from "./support";

describe("e2e: task pane in the browser demo — 镇街与通报", function () {
  this.timeout(240_000);
  const env = useBrowser();
  const sample = generateSampleWorkbook();
  const { report } = computeTargets(sample, { asOf: DEMO_TODAY });
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-e2e-towns-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("ranks every town and department against the 目标分解 sheet and lists its bad row", async () => {
    const { page, log } = await openPane(env().browser, env().origin, "#towns");
    await page.waitForSelector("#towns-units table.towns-ranking");
    const shown = await page.$$eval("#towns-units table.towns-ranking tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].slice(0, 3).map((td) => td.textContent)));
    const expected = report.allocation.units.filter((u) => u.year === 2024).map((u) => [String(u.rank), u.unit, percentText(u.completion)]);
    assert.deepEqual(shown, expected);
    const issues = await page.$$eval("#towns-issues li", (lis) => lis.map((li) => li.textContent ?? ""));
    assert.equal(issues.length, 1);
    assert.match(issues[0], /陶庄街道/);
    await maybeScreenshot(page, "pane-towns");
    assert.deepEqual(log.pageErrors, []);
  });

  it("merges picked workbooks into the open one after a preview: new rows, conflicts on 合并冲突, 来源文件", async () => {
    const ent = sample.sheets[0];
    const header = ent.values[1] as string[];
    const broken = new Set(SAMPLE_BROKEN_CELLS.map((b) => b.row));
    const row = [3, 4, 5, 6, 7].find((r) => !broken.has(r)) as number;
    const known = ent.values[row - 1];
    const col = (id: string) => header.indexOf(ENTERPRISE.fields.find((f) => f.id === id)!.name);
    const code = String(known[col("uscc")]);
    const otherTown = known[col("town")] === "陶庄镇" ? "周营镇" : "陶庄镇";
    const newCode = withCheckChar("91370403MA0TWN008");
    const town = await writeSnapshotXlsx(dir, "陶庄镇报送.xlsx", {
      sheets: [
        {
          name: "企业",
          firstRow: 1,
          firstCol: 1,
          values: [
            ["单位名称", "社会信用代码", "镇街", "成立日期", "培育类型", "入库年份"],
            [known[col("name")], code, otherTown, "2015-01-01", "科小", 2023],
            ["新来的公司", newCode, "陶庄镇", "2020-03-01", "科小", 2024],
          ],
        },
      ],
    });
    const { page, log } = await openPane(env().browser, env().origin, "#towns");
    await page.setInputFiles("#towns-files", [town]);
    assert.ok(await page.isDisabled("#towns-merge"), "nothing to write before a preview");
    await page.click("#towns-merge-preview");
    await page.waitForSelector("#towns-merge-lines li");
    const lines = await page.$$eval("#towns-merge-lines li", (lis) => lis.map((li) => li.textContent ?? ""));
    assert.match(lines[0], /企业培育库（“企业培育库”）：原有 \d+ 行，新增 1 行/);
    const conflicts = await page.$$eval("#towns-merge-conflicts li", (lis) => lis.map((li) => li.textContent ?? ""));
    assert.ok(conflicts.some((c) => c.includes(code) && c.includes("所属镇街") && c.includes(otherTown)), conflicts.join("\n"));
    const sheetsBefore = await page.$$eval("#grid-tabs .grid-tab", (tabs) => tabs.map((t) => t.getAttribute("data-sheet")));
    assert.ok(!sheetsBefore.includes("合并冲突"), "preview writes nothing");

    await page.click("#towns-merge");
    await page.waitForSelector("#towns-merge-notice.notice-info, #towns-merge-notice.notice-success");
    assert.match((await page.textContent("#towns-merge-notice")) ?? "", /已合并：新增 1 行/);
    await page.click('#grid-tabs .grid-tab[data-sheet="合并冲突"]');
    await page.waitForSelector('#grid-scroller table[data-sheet="合并冲突"]');
    const conflictSheet = await page.$$eval("#grid-scroller tbody tr", (trs) => trs.map((tr) => tr.textContent ?? "").join("\n"));
    assert.ok(conflictSheet.includes(code) && conflictSheet.includes("陶庄镇报送.xlsx"));
    assert.deepEqual(log.pageErrors, []);
  });

  it("refuses a picked file that is not a usable .xlsx, in Chinese, and writes nothing", async () => {
    const csv = path.join(dir, "镇街.xlsx");
    fs.writeFileSync(csv, "企业名称,统一社会信用代码\n甲,1\n");
    const { page, log } = await openPane(env().browser, env().origin, "#towns");
    await page.setInputFiles("#towns-files", [csv]);
    await page.click("#towns-merge-preview");
    await page.waitForSelector("#towns-merge-notice.notice-error");
    assert.match((await page.textContent("#towns-merge-notice")) ?? "", /无法读取“镇街\.xlsx”：不是 Excel 工作簿/);
    assert.ok(await page.isDisabled("#towns-merge"));
    assert.deepEqual(log.pageErrors, []);
  });

  it("downloads the Word bulletin; it reads back with every unit's rank and completion and a chart", async () => {
    const { page, log } = await openPane(env().browser, env().origin, "#towns");
    const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#towns-report")]);
    assert.match(dl.suggestedFilename(), /^科技创新目标任务完成情况通报-2024-12-31\.docx$/);
    const file = path.join(dir, "pane.docx");
    await dl.saveAs(file);
    const docx = openDocx(fs.readFileSync(file));
    const rows = tableRows(docx.xml("word/document.xml"));
    for (const u of report.allocation.units.filter((x) => x.year === 2024)) {
      assert.ok(rows.some((r) => r.length === 6 && r[0] === String(u.rank) && r[1] === u.unit && r[4] === percentText(u.completion)), u.unit);
    }
    const media = Object.keys(docx.files).filter((f) => f.startsWith("word/media/"));
    assert.equal(media.length, 2, "a chart for towns and one for departments");
    assert.match((await page.textContent("#towns-report-notice")) ?? "", /已生成/);
    assert.deepEqual(log.pageErrors, []);
  });
});

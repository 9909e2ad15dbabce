/**
 * The pane in demo mode, 校验台账: the sample's broken cells are listed, clicking one selects
 * it in the grid, marks appear and clear, and 10,000 rows validate without freezing the page.
 */
import { strict as assert } from "node:assert";
import { generateSampleWorkbook, SAMPLE_BROKEN_CELLS, SAMPLE_SHEETS } from "../../samples/generate";
import { validateWorkbook } from "../../src/jobs/validate";
import { MARK_COLORS } from "../../src/host/port";
import { cellAddress } from "../../src/text";
import { formatDay } from "../../src/dates";
import { DEMO_TODAY } from "../../taskpane/demo/fixtures";
import { useBrowser } from "./hooks";
import { openPane } from "./support";

function rgb(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

describe("e2e: task pane in the browser demo — 校验台账", function () {
  this.timeout(120_000);
  const env = useBrowser();

  it("opens in demo mode with the banner, the sample ledger in the grid and the seven pages", async () => {
    const { page, log } = await openPane(env().browser, env().origin);
    assert.equal(await page.getAttribute("#app", "data-mode"), "demo");
    assert.equal(await page.textContent("#demo-banner-text"), "浏览器演示模式：数据为虚构示例，不会保存");
    // The demo's date is the date of its fictional data, stated in the banner and used by every page.
    assert.match((await page.textContent("#demo-banner")) ?? "", new RegExp(`演示日期：${formatDay(DEMO_TODAY)}`));
    assert.equal(await page.inputValue("#upkeep-asof"), formatDay(DEMO_TODAY));
    assert.equal(await page.inputValue("#targets-asof"), formatDay(DEMO_TODAY));
    assert.ok(await page.isVisible("#demo-banner"));
    const tabs = await page.$$eval("#tabs .tab", (ts) => ts.map((t) => t.textContent));
    assert.deepEqual(tabs, ["校验台账", "动态管理", "目标完成情况", "奖励测算", "研发补助", "政策", "镇街与通报"]);
    assert.equal(await page.inputValue("#towns-asof"), formatDay(DEMO_TODAY));
    const sheetTabs = await page.$$eval("#grid-tabs .grid-tab", (ts) => ts.map((t) => t.textContent));
    for (const s of ["企业培育库", "创新平台", "人才", "科技计划项目", "奖励"]) assert.ok(sheetTabs.includes(s), `grid tab ${s}`);
    assert.equal(await page.textContent("#demo-grid td[data-cell='A2']"), "企业名称");
    assert.match((await page.textContent("#validate-kind")) ?? "", /企业培育库.*第 2 行.*300 行/);
    assert.equal(await page.$$eval("#validate-mapping tr.missing", (rs) => rs.length), 0);
    assert.deepEqual(log.pageErrors, []);
    assert.deepEqual(log.dialogs, []);
    await page.context().close();
  });

  it("lists exactly the sample's broken cells, clicking one selects it, marks appear and clear", async () => {
    const { page, log } = await openPane(env().browser, env().origin);
    await page.click("#validate-run");
    await page.waitForSelector("#validate-summary .badge");
    const listed = await page.$$eval("#validate-issues button.issue", (bs) => bs.map((b) => `${b.getAttribute("data-severity")} ${b.getAttribute("data-cell")}`));
    // Every deliberately broken cell is listed as an error at its cell...
    const errors = new Set(listed.filter((l) => l.startsWith("error ")).map((l) => l.slice(6)));
    for (const b of SAMPLE_BROKEN_CELLS) assert.ok(errors.has(cellAddress(b.row, b.col)), `${b.problem} at ${cellAddress(b.row, b.col)} listed`);
    // ...and the list is exactly what the validate job finds on the same sheet and date.
    const report = validateWorkbook(generateSampleWorkbook(), { asOf: DEMO_TODAY, sheet: SAMPLE_SHEETS.enterprise }).report;
    const expected = report.sheets[0].issues.map((i) => `${i.severity} ${i.col > 0 ? i.column + i.row : ""}`);
    assert.deepEqual(listed, expected);
    assert.equal(await page.textContent("#validate-summary [data-count='error']"), `错误 ${report.sheets[0].counts.error}`);
    // Issues are grouped by row, in row order.
    const groups = await page.$$eval("#validate-issues .row-group", (gs) => gs.map((g) => Number(g.getAttribute("data-row"))));
    assert.deepEqual(groups, [...new Set(report.sheets[0].issues.map((i) => i.row))].sort((a, b) => a - b));

    // Click the last broken cell (on the grid's first page, far down): it is selected and scrolled into view.
    const target = SAMPLE_BROKEN_CELLS[SAMPLE_BROKEN_CELLS.length - 1];
    const address = cellAddress(target.row, target.col);
    await page.click(`#validate-issues button.issue[data-cell='${address}']`);
    await page.waitForSelector(`#demo-grid td[data-cell='${address}'].selected`);
    assert.equal(await page.textContent("#grid-name-box"), `${target.sheet}!${address}`);
    assert.equal(await page.$$eval("#demo-grid td.selected", (cs) => cs.length), 1);
    const visible = await page.$eval(`#demo-grid td[data-cell='${address}']`, (td) => {
      const s = document.getElementById("grid-scroller")!.getBoundingClientRect();
      const r = td.getBoundingClientRect();
      return r.top >= s.top && r.bottom <= s.bottom && r.left >= s.left && r.right <= s.right;
    });
    assert.ok(visible, "selected cell is scrolled into view");

    await page.click("#validate-mark");
    await page.waitForSelector("#validate-notice.notice-success");
    for (const b of SAMPLE_BROKEN_CELLS) {
      const a = cellAddress(b.row, b.col);
      const look = await page.$eval(`#demo-grid td[data-cell='${a}']`, (td) => ({ bg: (td as HTMLElement).style.backgroundColor, title: (td as HTMLElement).title }));
      assert.equal(look.bg, rgb(MARK_COLORS.error), `fill of ${a}`);
      assert.match(look.title, /^【KJ】/, `note of ${a}`);
    }

    await page.click("#validate-clear");
    await page.waitForFunction(() => document.querySelectorAll("#demo-grid td.has-note").length === 0);
    const leftover = await page.$$eval("#demo-grid td", (tds) => tds.filter((td) => (td as HTMLElement).style.backgroundColor !== "").length);
    assert.equal(leftover, 0);
    assert.deepEqual(log.pageErrors, []);
    await page.context().close();
  });

  it("shows the column mapping of a ledger with synonyms, an unknown column and a missing required column", async () => {
    const { page, log } = await openPane(env().browser, env().origin, "?fixture=columns");
    assert.match((await page.textContent("#validate-kind")) ?? "", /人才.*第 2 行.*2 行/);
    const missing = await page.$$eval("#validate-mapping tr.missing", (rs) => rs.map((r) => r.getAttribute("data-field")));
    assert.deepEqual(missing, ["入选年度"]);
    assert.match((await page.textContent("#validate-mapping summary")) ?? "", /缺少必填列 1 个/);
    const mapped = await page.$$eval("#validate-mapping tr:not(.missing)", (rs) => rs.map((r) => [...r.children].map((c) => c.textContent)));
    assert.deepEqual(mapped.find((r) => r[0]?.startsWith("姓名或团队")), ["姓名或团队 *", "A", "姓名"]);
    assert.match((await page.textContent("#validate-mapping .hint")) ?? "", /E 联系电话/);
    await page.click("#validate-run");
    await page.waitForSelector("#validate-summary .badge");
    assert.match((await page.textContent("#validate-issues")) ?? "", /入选年度/);
    assert.deepEqual(log.pageErrors, []);
    await page.context().close();
  });

  it("validates 10,000 rows in chunks with a busy line while the page stays responsive", async function () {
    this.timeout(300_000);
    const { page, log } = await openPane(env().browser, env().origin, "?fixture=large");
    assert.match((await page.textContent("#validate-kind")) ?? "", /数据 10,000 行/);
    // Watch, from inside the page, that the progress bar shows and that timers keep firing
    // between chunks (a frozen page would run no timer until validation ends).
    // (A string: tsx would wrap named functions in a helper the page does not have.)
    await page.evaluate(`(() => {
      window.__progressShown = 0;
      window.__ticksWhileBusy = 0;
      const box = document.getElementById("validate-busy");
      new MutationObserver(() => { if (!box.hidden) window.__progressShown++; })
        .observe(box, { attributes: true, attributeFilter: ["hidden"] });
      const tick = () => {
        if (!box.hidden) window.__ticksWhileBusy++;
        if (!document.querySelector("#validate-summary .badge")) setTimeout(tick, 0);
      };
      setTimeout(tick, 0);
    })()`);
    await page.click("#validate-run");
    await page.waitForSelector("#validate-summary .badge", { timeout: 240_000 });
    assert.ok(await page.isHidden("#validate-busy"), "the busy line goes once done");
    const seen = (await page.evaluate("({ shown: window.__progressShown, ticks: window.__ticksWhileBusy })")) as { shown: number; ticks: number };
    assert.ok(seen.shown >= 1, "progress bar was shown");
    assert.ok(seen.ticks >= 1, `timers ran between chunks (${seen.ticks})`);
    assert.match((await page.textContent("#validate-summary")) ?? "", /共 10,000 行/);
    assert.deepEqual(log.pageErrors, []);
    await page.context().close();
  });
});

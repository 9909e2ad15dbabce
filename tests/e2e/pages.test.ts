/**
 * The pane in demo mode, 动态管理 / 目标完成情况 / 奖励测算: each page works on the sample
 * workbook and shows what the core jobs compute for the same workbook and date.
 */
import { strict as assert } from "node:assert";
import { Page } from "playwright-core";
import { generateSampleWorkbook } from "../../samples/generate";
import { dayFromParts, DayNumber } from "../../src/dates";
import { fillAwards } from "../../src/jobs/awards";
import { computeTargets } from "../../src/jobs/targets";
import { ARCHIVE_SHEET, planUpkeep } from "../../src/jobs/upkeep";
import { DEMO_TODAY } from "../../taskpane/demo/fixtures";
import { useBrowser } from "./hooks";
import { maybeScreenshot, openPane } from "./support";

async function dateInput(page: Page, selector: string): Promise<DayNumber> {
  const text = await page.inputValue(selector);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  assert.ok(m, `date input holds a date: ${text}`);
  return dayFromParts(Number(m[1]), Number(m[2]), Number(m[3])) as DayNumber;
}

/** Every row of a sheet as the grid shows it (all pages), each row as its cell texts. */
async function gridRows(page: Page, sheet: string): Promise<string[][]> {
  await page.click(`#grid-tabs .grid-tab[data-sheet="${sheet}"]`);
  await page.waitForSelector(`#grid-scroller table[data-sheet="${sheet}"]`);
  while (!(await page.isDisabled("#grid-prev"))) await page.click("#grid-prev");
  const rows: string[][] = [];
  for (;;) {
    const first = await page.textContent("#grid-page-info");
    rows.push(...(await page.$$eval("#grid-scroller tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")))));
    if (await page.isDisabled("#grid-next")) break;
    await page.click("#grid-next");
    await page.waitForFunction((before) => document.getElementById("grid-page-info")?.textContent !== before, first);
  }
  // Trailing blank rows are not part of the sheet.
  while (rows.length && rows[rows.length - 1].every((c) => c === "")) rows.pop();
  return rows;
}

describe("e2e: task pane in the browser demo — 动态管理, 目标完成情况, 奖励测算", function () {
  this.timeout(180_000);
  const env = useBrowser();

  it("动态管理 lists the suggestions with reasons, writes them, removes chosen rows and undo restores the grid", async () => {
    const { page, log } = await openPane(env().browser, env().origin, "#upkeep");
    assert.ok(await page.isVisible("#page-upkeep"));
    const asOf = await dateInput(page, "#upkeep-asof");
    const expected = planUpkeep(generateSampleWorkbook(), { asOf }).report.suggestions;
    assert.ok(expected.length >= 2, "the sample has removal suggestions");

    await page.click("#upkeep-refresh");
    await page.waitForSelector("#upkeep-count");
    const listed = await page.$$eval("#upkeep-list li.suggestion", (lis) => lis.map((li) => Number(li.getAttribute("data-row"))));
    assert.deepEqual(listed, expected.map((s) => s.row));
    const reasons = await page.$eval("#upkeep-list li.suggestion ul.reasons", (ul) => [...ul.querySelectorAll("li")].map((li) => li.textContent));
    assert.deepEqual(reasons, expected[0].reasons.map((r) => r.text));

    const sheet = expected[0].sheet;
    const before = await gridRows(page, sheet);
    const width = Math.max(...before.map((r) => r.length));

    await page.click("#upkeep-write");
    await page.waitForSelector("#upkeep-notice.notice-success");
    const written = await gridRows(page, sheet);
    assert.ok(written.some((r) => r.includes("建议调出")) && written.some((r) => r.includes("调出原因")), "the add-in's two columns are written");

    // Remove the first two suggested enterprises, then undo.
    const chosen = expected.slice(0, 2);
    for (const s of chosen) await page.check(`#upkeep-list li.suggestion[data-row="${s.row}"] input[type=checkbox]`);
    assert.match((await page.textContent("#upkeep-remove")) ?? "", /2 家/);
    await page.click("#upkeep-remove");
    await page.waitForFunction(() => /已把 2 家企业/.test(document.getElementById("upkeep-notice")?.textContent ?? ""));
    const after = await gridRows(page, sheet);
    assert.equal(after.length, written.length - 2);
    const archive = await gridRows(page, ARCHIVE_SHEET);
    for (const s of chosen) assert.ok(archive.some((r) => r.includes(s.name)), `${s.name} is on ${ARCHIVE_SHEET}`);
    await maybeScreenshot(page, "pane-upkeep");

    // A second removal (one more enterprise), then undo both, newest first.
    const third = await page.$eval("#upkeep-list li.suggestion", (li) => li.getAttribute("data-row"));
    await page.check(`#upkeep-list li.suggestion[data-row="${third}"] input[type=checkbox]`);
    await page.click("#upkeep-remove");
    await page.waitForFunction(() => /已把 1 家企业/.test(document.getElementById("upkeep-notice")?.textContent ?? ""));
    assert.equal((await gridRows(page, sheet)).length, written.length - 3);
    await page.click("#upkeep-undo");
    await page.waitForFunction(() => /已撤销：1 家/.test(document.getElementById("upkeep-notice")?.textContent ?? ""));
    await page.click("#upkeep-undo");
    await page.waitForFunction(() => /已撤销：2 家/.test(document.getElementById("upkeep-notice")?.textContent ?? ""));
    const restored = await gridRows(page, sheet);
    assert.equal(restored.length, before.length);
    // Every user cell is back where it was (the add-in's own columns to the right may differ).
    assert.deepEqual(
      restored.map((r) => r.slice(0, width)),
      before.map((r) => r.slice(0, width)),
    );
    assert.ok(await page.isDisabled("#upkeep-undo"));
    assert.deepEqual(log.pageErrors, []);
    await page.context().close();
  });

  it("年初更新 sets January 1 of the pane's current year (the demo date, or ?today=)", async () => {
    const { page } = await openPane(env().browser, env().origin, "?today=2026-11-28#upkeep");
    assert.equal(await page.inputValue("#upkeep-asof"), "2026-11-28");
    await page.click("#upkeep-year-start");
    await page.waitForSelector("#upkeep-count");
    assert.equal(await page.inputValue("#upkeep-asof"), "2026-01-01");
    await page.context().close();
  });

  it("shows a clear Chinese message instead of failing when the date is missing", async () => {
    const { page, log } = await openPane(env().browser, env().origin, "#targets");
    await page.fill("#targets-asof", "");
    await page.click("#targets-run");
    await page.waitForSelector("#targets-notice.notice-error");
    assert.equal(await page.textContent("#targets-notice"), "请先填写基准日期（年-月-日）。");
    assert.ok(await page.isEnabled("#targets-run"), "the button works again");
    assert.ok(await page.isHidden("#unexpected"));
    assert.deepEqual(log.pageErrors, []);
    await page.context().close();
  });

  it("目标完成情况 writes the attainment sheet and shows every indicator with a completion bar", async () => {
    const { page, log } = await openPane(env().browser, env().origin, "#targets");
    const asOf = await dateInput(page, "#targets-asof");
    const expected = computeTargets(generateSampleWorkbook(), { asOf }).report.indicators;
    await page.click("#targets-run");
    await page.waitForSelector("#targets-table tr[data-key]");
    const shown = await page.$$eval("#targets-table tr[data-key]", (trs) =>
      trs.map((tr) => ({ key: tr.getAttribute("data-key"), actual: tr.children[2].textContent, bar: tr.querySelector(".bar-fill") !== null })),
    );
    assert.deepEqual(
      shown.map((s) => s.key),
      expected.map((i) => i.key),
    );
    shown.forEach((s, i) => {
      assert.equal(s.actual, expected[i].actual === null ? "—" : String(expected[i].actual), s.key ?? "");
      assert.ok(s.bar);
    });
    const tabs = await page.$$eval("#grid-tabs .grid-tab", (ts) => ts.map((t) => t.textContent));
    assert.ok(tabs.includes("目标完成情况"), "the attainment sheet appears in the workbook");
    const sheetRows = await gridRows(page, "目标完成情况");
    assert.ok(sheetRows.some((r) => r.some((c) => c.includes(expected[0].name))), "the sheet lists the indicators");
    assert.ok(sheetRows.some((r) => r.some((c) => /^\d+(\.\d)?%$/.test(c))), "completion shown as a percentage");
    await page.click("#targets-open");
    await page.waitForSelector("#demo-grid td[data-cell='A1'].selected");
    await maybeScreenshot(page, "pane-targets");
    assert.deepEqual(log.pageErrors, []);
    await page.context().close();
  });

  it("奖励测算 fills the formulas and shows the totals by year, item and 拨付状态", async () => {
    const { page, log } = await openPane(env().browser, env().origin, "#awards");
    await page.click("#awards-run");
    await page.waitForSelector("#awards-total");
    const expected = fillAwards(generateSampleWorkbook(), { asOf: DEMO_TODAY }).report.totals;
    assert.equal(await page.textContent("#awards-total"), `${expected.total.amount.toString()} 万元`);
    const years = await page.$$eval("#awards-by-year tr", (trs) => trs.map((tr) => tr.children[0].textContent));
    assert.deepEqual(years, Object.keys(expected.byYear).sort());
    const statuses = await page.$$eval("#awards-by-status tr", (trs) => trs.map((tr) => tr.children[0].textContent));
    assert.deepEqual([...statuses].sort(), Object.keys(expected.byStatus).sort());
    assert.equal(await page.$$eval("#awards-by-item tr", (trs) => trs.length), Object.keys(expected.byItem).length);
    const tabs = await page.$$eval("#grid-tabs .grid-tab", (ts) => ts.map((t) => t.textContent));
    assert.ok(tabs.includes("奖励汇总"), "the summary sheet appears in the workbook");
    await page.click("#awards-open");
    await page.waitForSelector("#grid-scroller table[data-sheet='奖励汇总']");
    await maybeScreenshot(page, "pane-awards");
    assert.deepEqual(log.pageErrors, []);
    await page.context().close();
  });
});

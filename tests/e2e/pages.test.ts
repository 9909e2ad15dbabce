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
import { formatCount, formatPercent, formatWan } from "../../src/format";
import { gridRows, openPane } from "./support";

async function dateInput(page: Page, selector: string): Promise<DayNumber> {
  const text = await page.inputValue(selector);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  assert.ok(m, `date input holds a date: ${text}`);
  return dayFromParts(Number(m[1]), Number(m[2]), Number(m[3])) as DayNumber;
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

    // The page opens on the suggestions: no click needed.
    await page.waitForSelector("#upkeep-count");
    const listed = await page.$$eval("#upkeep-list-suggestions li.suggestion", (lis) => lis.map((li) => Number(li.getAttribute("data-row"))));
    assert.deepEqual(listed, expected.map((s) => s.row));
    const reasons = await page.$eval("#upkeep-list-suggestions li.suggestion ul.reasons", (ul) => [...ul.querySelectorAll("li .reason-text")].map((li) => li.textContent));
    assert.deepEqual(reasons, expected[0].reasons.map((r) => r.text));
    // Reminders (高企 certificate expired, 科小 not re-registered) are listed apart, without a checkbox.
    const reminders = planUpkeep(generateSampleWorkbook(), { asOf }).report.reminders;
    assert.ok(reminders.length > 0, "the sample has reminders");
    const remindedRows = await page.$$eval("#upkeep-list-reminders li.suggestion", (lis) => lis.map((li) => Number(li.getAttribute("data-row"))));
    assert.deepEqual(remindedRows, reminders.map((s) => s.row));
    assert.equal(await page.$$eval("#upkeep-list-reminders input[type=checkbox]", (l) => l.length), 0, "reminders cannot be chosen for removal");
    assert.match((await page.textContent("#upkeep-reminders h3")) ?? "", /提醒/);

    const sheet = expected[0].sheet;
    const before = await gridRows(page, sheet);
    const width = Math.max(...before.map((r) => r.length));

    await page.click("#upkeep-write");
    await page.waitForSelector("#upkeep-notice.notice-success");
    const written = await gridRows(page, sheet);
    assert.ok(written.some((r) => r.includes("建议调出")) && written.some((r) => r.includes("调出原因")) && written.some((r) => r.includes("提醒")), "the add-in's three columns are written");

    // Remove the first two suggested enterprises, then undo.
    const chosen = expected.slice(0, 2);
    for (const s of chosen) await page.check(`#upkeep-list-suggestions li.suggestion[data-row="${s.row}"] input[type=checkbox]`);
    assert.match((await page.textContent("#upkeep-remove")) ?? "", /2 家/);
    await page.click("#upkeep-remove");
    await page.click("#upkeep-confirm-yes");
    await page.waitForFunction(() => /已把 2 家企业/.test(document.getElementById("upkeep-notice")?.textContent ?? ""));
    const after = await gridRows(page, sheet);
    assert.equal(after.length, written.length - 2);
    const archive = await gridRows(page, ARCHIVE_SHEET);
    for (const s of chosen) assert.ok(archive.some((r) => r.includes(s.name)), `${s.name} is on ${ARCHIVE_SHEET}`);

    // A second removal (one more enterprise), then undo both, newest first.
    const third = await page.$eval("#upkeep-list-suggestions li.suggestion", (li) => li.getAttribute("data-row"));
    await page.check(`#upkeep-list-suggestions li.suggestion[data-row="${third}"] input[type=checkbox]`);
    await page.click("#upkeep-remove");
    await page.click("#upkeep-confirm-yes");
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
    await page.click("#targets-write");
    await page.waitForSelector("#targets-notice.notice-error");
    assert.equal(await page.textContent("#targets-notice"), "请先填写基准日期（年-月-日）。");
    assert.ok(await page.isEnabled("#targets-write"), "the button works again");
    assert.ok(await page.isHidden("#unexpected"));
    assert.deepEqual(log.pageErrors, []);
    await page.context().close();
  });

  it("目标完成情况 writes the attainment sheet and shows every indicator with a completion bar", async () => {
    const { page, log } = await openPane(env().browser, env().origin, "#targets");
    const asOf = await dateInput(page, "#targets-asof");
    const expected = computeTargets(generateSampleWorkbook(), { asOf }).report.indicators;
    // The page opens on the counts (a preview); 写入工作簿 then writes the sheet.
    await page.waitForSelector("#targets-table tr[data-key]");
    const shown = await page.$$eval("#targets-table tr[data-key]", (trs) =>
      trs.map((tr) => ({ key: tr.getAttribute("data-key"), actual: tr.children[2].textContent, pct: tr.querySelector(".bar-text")?.textContent, bar: tr.querySelector(".bar-fill") !== null })),
    );
    assert.deepEqual(
      shown.map((s) => s.key),
      expected.map((i) => i.key),
    );
    shown.forEach((s, i) => {
      assert.equal(s.actual, formatCount(expected[i].actual), s.key ?? "");
      assert.equal(s.pct, formatPercent(expected[i].completion), s.key ?? "");
      assert.ok(s.bar);
    });
    await page.click("#targets-write");
    await page.waitForSelector("#targets-open:not([hidden])");
    const tabs = await page.$$eval("#grid-tabs .grid-tab", (ts) => ts.map((t) => t.textContent));
    assert.ok(tabs.includes("目标完成情况"), "the attainment sheet appears in the workbook");
    const sheetRows = await gridRows(page, "目标完成情况");
    assert.ok(sheetRows.some((r) => r.some((c) => c.includes(expected[0].name))), "the sheet lists the indicators");
    assert.ok(sheetRows.some((r) => r.some((c) => /^\d+(\.\d)?%$/.test(c))), "completion shown as a percentage");
    await page.click("#targets-open");
    await page.waitForSelector("#demo-grid td[data-cell='A1'].selected");
    assert.deepEqual(log.pageErrors, []);
    await page.context().close();
  });

  it("奖励测算 fills the formulas and shows the totals by year, item and 拨付状态", async () => {
    const { page, log } = await openPane(env().browser, env().origin, "#awards");
    // The page opens on the totals (a preview); 写入工作簿 then fills the formulas and the summary.
    await page.waitForSelector("#awards-total");
    const expected = fillAwards(generateSampleWorkbook(), { asOf: DEMO_TODAY }).report.totals;
    assert.equal(await page.textContent("#awards-total"), `${formatWan(expected.total.amount)}\u00a0万元`);
    const years = await page.$$eval("#awards-by-year tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-key")));
    assert.deepEqual(years, Object.keys(expected.byYear).sort());
    const statuses = await page.$$eval("#awards-by-status tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-key")));
    assert.deepEqual([...statuses].sort(), Object.keys(expected.byStatus).sort());
    assert.equal(await page.$$eval("#awards-by-item tbody tr", (trs) => trs.length), Object.keys(expected.byItem).length);
    await page.click("#awards-write");
    await page.waitForSelector("#awards-open:not([hidden])");
    const tabs = await page.$$eval("#grid-tabs .grid-tab", (ts) => ts.map((t) => t.textContent));
    assert.ok(tabs.includes("奖励汇总"), "the summary sheet appears in the workbook");
    await page.click("#awards-open");
    await page.waitForSelector("#grid-scroller table[data-sheet='奖励汇总']");
    assert.deepEqual(log.pageErrors, []);
    await page.context().close();
  });
});

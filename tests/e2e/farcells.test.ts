/**
 * A stray cell far below a ledger (issue 20: "one far cell crashes every job"): the hosts leave
 * it out of the table and the pane says so on every page, naming the sheet, the table and the
 * cell, with a button that goes to it. The jobs still run on the table; the plain sample shows
 * no such warning.
 */
import { strict as assert } from "node:assert";
import { cellAddress } from "../../src/text";
import { FAR_CELL_GAP, farCellWorkbook } from "../../taskpane/demo/fixtures";
import { detectLedger } from "../../src/ledger/mapping";
import { useBrowser } from "./hooks";
import { maybeScreenshot, openPane } from "./support";

describe("e2e: cells far from the table are named on every page (browser demo)", function () {
  this.timeout(120_000);
  const env = useBrowser();
  const wb = farCellWorkbook();
  const sheet = wb.sheets.find((s) => detectLedger(s.values, s.name, s.firstRow, s.firstCol)?.kind === "enterprise")!;
  const farRow = sheet.firstRow + sheet.values.length - 1;
  const address = cellAddress(farRow, 3);

  it("the warning names the sheet and the cell; 定位 selects it; the validation still runs on the table", async () => {
    const { browser, origin } = env();
    const { page, log } = await openPane(browser, origin, "?fixture=farcell#validate", { viewport: { width: 350, height: 900 } });
    await page.waitForSelector("#far-cells-box");
    const text = (await page.textContent("#far-cells-box")) ?? "";
    assert.ok(text.includes(`工作表“${sheet.name}”中有 1 个单元格远离表格`), text);
    assert.ok(text.includes(`${address}“旧数据备注”`), text);
    assert.ok(farRow - FAR_CELL_GAP > 1);
    await maybeScreenshot(page, "pane-farcells-350");
    // Other pages show it too (it sits above the pages).
    await page.click("#tab-targets");
    assert.ok(await page.isVisible("#far-cells-box"));
    await page.click("#tab-validate");
    await page.selectOption("#validate-sheet", sheet.name);
    await page.click("#validate-run");
    await page.waitForSelector("#validate-summary .badge");
    assert.ok((await page.locator("#validate-issues button.issue").count()) > 0, "the table is still checked");
    await page.click(`#far-cells-box button[data-sheet="${sheet.name}"]`);
    await page.waitForFunction((want) => document.getElementById("grid-name-box")?.textContent === want, `${sheet.name}!${address}`);
    assert.deepEqual(log.pageErrors, []);
    await page.context().close();
  });

  it("the plain sample shows no such warning", async () => {
    const { browser, origin } = env();
    const { page, log } = await openPane(browser, origin, "#validate", { viewport: { width: 350, height: 900 } });
    await page.click("#validate-run");
    await page.waitForSelector("#validate-summary .badge");
    assert.equal(await page.locator("#far-cells-box").count(), 0);
    assert.ok(await page.isHidden("#far-cells"));
    assert.deepEqual(log.pageErrors, []);
    await page.context().close();
  });
});

/**
 * The same built pane inside Excel and inside WPS, in headless Chromium: Office.js is replaced
 * by a fake answering "Excel" whose Excel.run drives the Excel fake (tests/support/excel-mock),
 * and WPS by the fake ET object model at window.Application (tests/wps/fake-et). The pane must
 * detect the host, read and write through the real adapters (src/host/excel.ts, wps.ts) and
 * give the same results as the jobs on the same workbook and date.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { Page } from "playwright-core";
import { generateSampleWorkbook, SAMPLE_BROKEN_CELLS, SAMPLE_SHEETS } from "../../samples/generate";
import { dayFromParts, DayNumber } from "../../src/dates";
import { MARK_COLORS } from "../../src/host/port";
import { fillAwards } from "../../src/jobs/awards";
import { planUpkeep } from "../../src/jobs/upkeep";
import { validateWorkbook } from "../../src/jobs/validate";
import { cellAddress } from "../../src/text";
import { formatWan } from "../../src/format";
import { useBrowser } from "./hooks";
import { browserScript, maybeScreenshot, openPane } from "./support";

const ENTERPRISE = SAMPLE_SHEETS.enterprise;

interface HostCase {
  name: string;
  mode: string;
  label: string;
  open: (page: { browser: import("playwright-core").Browser; origin: string }) => ReturnType<typeof openPane>;
  /** Fill colour ("#RRGGBB" or null) and note of a cell, read from the fake inside the page. */
  look: (page: Page, sheet: string, row: number, col: number) => Promise<{ fill: string | null; note: string | null }>;
  selection: (page: Page) => Promise<{ sheet: string; row: number; col: number } | null>;
  sheetNames: (page: Page) => Promise<string[]>;
  /** Every non-blank value of a sheet as "A1=value" lines. */
  values: (page: Page, sheet: string) => Promise<string[]>;
}

let officeJs = "";
let wpsScript = "";
const scripts = () => {
  if (!officeJs) officeJs = browserScript(path.join(__dirname, "browser", "fake-office.ts"));
  if (!wpsScript) wpsScript = browserScript(path.join(__dirname, "browser", "fake-wps.ts"));
};

const COL_SPAN = 16_385;
const PANE_SIZE = { width: 360, height: 760 };

const EXCEL: HostCase = {
  name: "Excel (Office.js fake)",
  mode: "excel",
  label: "Excel",
  // A task pane is narrow: about 350 px wide in Excel.
  open: ({ browser, origin }) => openPane(browser, origin, "", { officeJs, viewport: PANE_SIZE }),
  look: (page, sheet, row, col) =>
    page.evaluate(
      `(() => { const s = window.__fakeExcel.sheets.find((x) => x.name === ${JSON.stringify(sheet)}); const c = s.peek(${row}, ${col});
         return { fill: c && c.fill ? c.fill.color.toUpperCase() : null, note: s.notes.get(${row * COL_SPAN + col}) ?? null }; })()`,
    ) as Promise<{ fill: string | null; note: string | null }>,
  selection: (page) => page.evaluate("window.__fakeExcel.selection") as Promise<{ sheet: string; row: number; col: number } | null>,
  sheetNames: (page) => page.evaluate("window.__fakeExcel.sheets.map((s) => s.name)") as Promise<string[]>,
  values: (page, sheet) =>
    page.evaluate(
      `(() => { const s = window.__fakeExcel.sheets.find((x) => x.name === ${JSON.stringify(sheet)}); const out = [];
         for (const [k, c] of s.cells) { if (c.value === "" && !c.formula) continue; out.push([k, (c.formula || "") + "|" + String(c.value)]); }
         return out.sort((a, b) => a[0] - b[0]).map(([k, v]) => Math.floor(k / ${COL_SPAN}) + ":" + (k % ${COL_SPAN}) + "=" + v); })()`,
    ) as Promise<string[]>,
};

const WPS: HostCase = {
  name: "WPS 表格 (fake ET object model)",
  mode: "wps",
  label: "WPS 表格",
  open: ({ browser, origin }) => openPane(browser, origin, "", { initScript: wpsScript, viewport: PANE_SIZE }),
  look: (page, sheet, row, col) =>
    page.evaluate(
      `(() => { const c = window.__fakeEt.sheet(${JSON.stringify(sheet)}).peek(${row}, ${col});
         const bgr = c ? c.fill : null;
         const hex = bgr === null || bgr === undefined ? null : "#" + [bgr & 255, (bgr >> 8) & 255, (bgr >> 16) & 255].map((n) => n.toString(16).padStart(2, "0")).join("").toUpperCase();
         return { fill: hex, note: c ? c.comment : null }; })()`,
    ) as Promise<{ fill: string | null; note: string | null }>,
  selection: (page) =>
    page.evaluate(`(() => { const ws = window.__fakeEt.workbook.active; return ws && ws.selection ? { sheet: ws.name, row: ws.selection.row, col: ws.selection.col } : null; })()`) as Promise<{
      sheet: string;
      row: number;
      col: number;
    } | null>,
  sheetNames: (page) => page.evaluate("window.__fakeEt.workbook.list.map((w) => w.name)") as Promise<string[]>,
  values: (page, sheet) =>
    page.evaluate(
      `(() => { const ws = window.__fakeEt.sheet(${JSON.stringify(sheet)}); const out = [];
         for (const [k, c] of ws.cells) { if (c.value === null && c.formula === null) continue; out.push([k, (c.formula || "") + "|" + JSON.stringify(c.value)]); }
         return out.map(([k, v]) => k + "=" + v).sort(); })()`,
    ) as Promise<string[]>,
};

async function asOfOf(page: Page): Promise<DayNumber> {
  const [y, m, d] = (await page.inputValue("#upkeep-asof")).split("-").map(Number);
  return dayFromParts(y, m, d) as DayNumber;
}

for (const host of [EXCEL, WPS]) {
  describe(`e2e: the pane inside ${host.name}`, function () {
    this.timeout(180_000);
    const env = useBrowser();
    before(scripts);

    it("detects the host, shows no demo, validates, selects, marks and clears through the adapter", async () => {
      const { page, log } = await host.open(env());
      assert.equal(await page.getAttribute("#app", "data-mode"), host.mode);
      assert.equal(await page.textContent("#host-label"), host.label);
      assert.ok(await page.isHidden("#demo-banner"));
      assert.ok(await page.isHidden("#grid-host"));
      assert.equal(await page.inputValue("#validate-sheet"), ENTERPRISE, "the active sheet is preselected");

      const asOf = await asOfOf(page);
      await page.click("#validate-run");
      await page.waitForSelector("#validate-summary .badge");
      const listed = await page.$$eval("#validate-issues button.issue", (bs) => bs.map((b) => `${b.getAttribute("data-severity")} ${b.getAttribute("data-cell")}`));
      const expected = validateWorkbook(generateSampleWorkbook(), { asOf, sheet: ENTERPRISE }).report.sheets[0].issues;
      assert.deepEqual(
        listed,
        expected.map((i) => `${i.severity} ${i.column}${i.row}`),
      );

      const target = SAMPLE_BROKEN_CELLS[3];
      await page.click(`#validate-issues button.issue[data-cell='${cellAddress(target.row, target.col)}']`);
      const want = { sheet: ENTERPRISE, row: target.row, col: target.col };
      let got = await host.selection(page);
      for (let i = 0; i < 50 && JSON.stringify(got) !== JSON.stringify(want); i++) {
        await page.waitForTimeout(50);
        got = await host.selection(page);
      }
      assert.deepEqual(got, want);

      await page.click("#validate-mark");
      await page.waitForSelector("#validate-notice.notice-success");
      if (host.mode === "excel") await maybeScreenshot(page, "pane-excel");
      for (const b of SAMPLE_BROKEN_CELLS) {
        const look = await host.look(page, ENTERPRISE, b.row, b.col);
        assert.equal(look.fill, MARK_COLORS.error, `fill of ${cellAddress(b.row, b.col)}`);
        assert.match(look.note ?? "", /^【KJ】/);
      }
      await page.click("#validate-clear");
      await page.waitForFunction(() => /已清除/.test(document.getElementById("validate-notice")?.textContent ?? ""));
      for (const b of SAMPLE_BROKEN_CELLS) {
        const look = await host.look(page, ENTERPRISE, b.row, b.col);
        assert.equal(look.fill, null);
        assert.equal(look.note, null);
      }
      assert.deepEqual(log.pageErrors, []);
      assert.ok(await page.isHidden("#unexpected"));
      await page.context().close();
    });

    it("动态管理 removes and puts back a row exactly; targets and awards write their sheets", async () => {
      const { page, log } = await host.open(env());
      await page.click("#tab-upkeep");
      const asOf = await asOfOf(page);
      const before = await host.values(page, ENTERPRISE);
      const suggestions = planUpkeep(generateSampleWorkbook(), { asOf }).report.suggestions;
      await page.waitForSelector("#upkeep-count");
      assert.equal(await page.$$eval("#upkeep-list-suggestions li.suggestion", (l) => l.length), suggestions.length);
      await page.check(`#upkeep-list-suggestions li.suggestion[data-row="${suggestions[0].row}"] input[type=checkbox]`);
      await page.click("#upkeep-remove");
      assert.equal(await page.textContent("#upkeep-confirm-items li"), `${suggestions[0].name}（第 ${suggestions[0].row} 行：${suggestions[0].reasons.map((r) => r.text).join("；")}）`);
      await page.click("#upkeep-confirm-yes");
      await page.waitForFunction(() => /已把 1 家企业/.test(document.getElementById("upkeep-notice")?.textContent ?? ""));
      assert.ok((await host.sheetNames(page)).includes("调出记录"));
      assert.notDeepEqual(await host.values(page, ENTERPRISE), before);
      await page.click("#upkeep-undo");
      await page.waitForFunction(() => /已撤销：1 家/.test(document.getElementById("upkeep-notice")?.textContent ?? ""));
      assert.deepEqual(await host.values(page, ENTERPRISE), before, "every cell of the ledger is back");

      await page.click("#tab-targets");
      await page.waitForSelector("#targets-table tr[data-key]");
      assert.ok(!(await host.sheetNames(page)).includes("目标完成情况"), "the preview writes nothing");
      await page.click("#targets-write");
      await page.waitForSelector("#targets-open:not([hidden])");
      assert.ok((await host.sheetNames(page)).includes("目标完成情况"));

      await page.click("#tab-awards");
      await page.waitForSelector("#awards-total");
      const totals = fillAwards(generateSampleWorkbook(), { asOf }).report.totals;
      assert.equal(await page.textContent("#awards-total"), `${formatWan(totals.total.amount)}\u00a0万元`);
      assert.ok(!(await host.sheetNames(page)).includes("奖励汇总"), "the preview writes nothing");
      await page.click("#awards-write");
      await page.waitForSelector("#awards-open:not([hidden])");
      assert.ok((await host.sheetNames(page)).includes("奖励汇总"));
      assert.deepEqual(log.pageErrors, []);
      assert.ok(await page.isHidden("#unexpected"));
      await page.context().close();
    });
  });
}

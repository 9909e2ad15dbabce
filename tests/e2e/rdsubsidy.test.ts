/**
 * The pane in demo mode, 研发补助 (issue 15, docs/pane.md), at task-pane width and at 1280 px:
 * opens on a preview of last year's R&D (2023 for the demo's 2024-12-31) with the policies named
 * as text and the scheme without a pack for the year said in red; the year typed as a clerk types
 * it (2024年) previews again; totals in 万元 as 2,337.64 equal the core job's, by scheme and by
 * town; the cells to finish clickable; 写入工作簿 in view, the only thing that writes, and the
 * 研发补助汇总 sheet appears. A workbook without an R&D ledger says so in red and writes nothing;
 * a year that is no year is refused in Chinese; hostile names stay text.
 */
import { strict as assert } from "node:assert";
import { Page } from "playwright-core";
import { generateSampleWorkbook } from "../../samples/generate";
import { formatWan } from "../../src/format";
import { fxSpec, signatureZh } from "../../src/fx/spec";
import { fillRdSubsidies, RD_SUMMARY_SHEET } from "../../src/jobs/rdsubsidies";
import { DEMO_TODAY, HOSTILE_TEXTS } from "../../taskpane/demo/fixtures";
import { useBrowser } from "./hooks";
import { gridRows, inView, maybeScreenshot, openPane } from "./support";

const WIDTHS = [350, 1280] as const;
const AMOUNT = /^-?\d{1,3}(,\d{3})*\.\d{2,4}$/;

async function writes(page: Page): Promise<number> {
  return Number(await page.getAttribute("#app", "data-demo-writes"));
}

describe("e2e: task pane in the browser demo — 研发补助", function () {
  this.timeout(240_000);
  const env = useBrowser();
  const sample = generateSampleWorkbook();
  const r2023 = fillRdSubsidies(sample, { asOf: DEMO_TODAY, year: 2023 }).report;
  const r2024 = fillRdSubsidies(sample, { asOf: DEMO_TODAY, year: 2024 }).report;
  const both = (r: typeof r2024) => formatWan(r.totals.province.amount.plus(r.totals.city.amount));

  for (const width of WIDTHS) {
    describe(`at ${width}x900`, () => {
      it("opens on last year's preview with the policies as text; 2024年 previews again; totals by scheme and town in 万元; nothing written before 写入工作簿", async () => {
        const { page, log } = await openPane(env().browser, env().origin, "#rd", { viewport: { width, height: 900 } });
        await page.waitForSelector("#rd-total");
        assert.equal(await page.inputValue("#rd-year"), "2023", "last year's R&D by default");
        assert.ok((await page.textContent("#rd-hint"))?.includes(signatureZh(fxSpec("RDSUBSIDY"))), "the hint's signature comes from the spec");
        const basis2023 = (await page.textContent("#rd-basis")) ?? "";
        assert.match(basis2023, /省级研发补助：《山东省企业研究开发财政补助实施办法》（鲁科字〔2022〕45号，2021—2023 年度）含暂定值/);
        assert.match((await page.textContent("#rd-basis [data-scheme=city] .status-bad")) ?? "", /2023 年度无适用政策/);
        assert.equal(await page.textContent("#rd-total"), `${both(r2023)}\u00a0万元`);
        assert.equal(await page.locator("#rd-lines tr[data-source=none]").count(), await page.locator("#rd-lines li").count(), "every 2023 row: 市级 has no pack");

        await page.fill("#rd-year", "２０２４年");
        await page.press("#rd-year", "Tab");
        await page.waitForFunction(() => /枣科字〔2025〕18号/.test(document.getElementById("rd-basis")?.textContent ?? ""));
        assert.equal(await page.inputValue("#rd-year"), "2024");
        const basis = (await page.textContent("#rd-basis")) ?? "";
        assert.match(basis, /省级研发补助：《山东省企业研究开发财政补助实施办法》（鲁科字〔2025〕25号，2024 年度起）/);
        assert.match(basis, /市级研发补助：《枣庄市企业研究开发财政补助实施办法》（枣科字〔2025〕18号，2024 年度起）/);
        assert.equal(await page.textContent("#rd-total"), `${both(r2024)}\u00a0万元`);
        assert.equal(await page.textContent("#rd-bar-total"), `${both(r2024)}\u00a0万元`);
        const byScheme = await page.$$eval("#rd-by-scheme tbody tr", (trs) => trs.map((tr) => [tr.getAttribute("data-scheme"), tr.querySelector("td.amount")?.textContent ?? ""]));
        assert.deepEqual(byScheme, [
          ["province", formatWan(r2024.totals.province.amount)],
          ["city", formatWan(r2024.totals.city.amount)],
        ]);
        const towns = await page.$$eval("#rd-by-town tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-town")));
        assert.deepEqual(towns, r2024.byTown.map((t) => t.town));
        const amounts = await page.$$eval("#rd-totals td.amount, #rd-lines td.amount:not(.status-bad)", (tds) => tds.map((td) => (td.textContent ?? "").replace(/\u00a0万元$/, "")));
        assert.ok(amounts.length > 20);
        for (const a of amounts) assert.match(a, AMOUNT);
        const headers = await page.$$eval("#rd-totals th", (ths) => ths.map((th) => th.textContent));
        assert.ok(headers.includes("补助（万元）") && headers.includes("省级（万元）"), "the unit is in the column headers");
        assert.match((await page.textContent("#rd-status")) ?? "", /2024 年度 198 家，合计 .*，2 家无法计算/);
        await maybeScreenshot(page, `pane-rd-${width}`);

        // The rows that cannot be computed, and the cells to finish, each clickable.
        await page.click('#rd-filter button.chip[data-key="unknown"]');
        const unknown = await page.$$eval("#rd-lines li", (lis) => lis.map((li) => li.getAttribute("data-status")));
        assert.deepEqual(unknown, ["unknown", "unknown"]);
        assert.equal(await page.locator("#rd-lines td.status-bad").count(), 3, "省级 twice, 市级 once: 无法计算");
        const flagged = await page.$$eval("#rd-flagged li button", (bs) => bs.map((b) => b.textContent ?? ""));
        assert.equal(flagged.length, r2024.issues.length);
        assert.ok(flagged.some((f) => f.includes("上年研发费用")) && flagged.some((f) => f.includes("销售收入")), flagged.join(" | "));
        await page.click("#rd-flagged li button");
        // The reason of one scheme, with its clause, unfolds.
        await page.click('#rd-filter button.chip[data-key=""]');
        await page.click("#rd-lines li[data-status=granted] details.rd-why summary");
        assert.match((await page.textContent("#rd-lines li[data-status=granted] details[open] p")) ?? "", /（(鲁科字|枣科字)〔2025〕\d+号/);

        assert.ok(await inView(page, "#rd-write"), "写入工作簿 in view");
        assert.ok(!(await page.isDisabled("#rd-write")));
        assert.match((await page.textContent("#rd-write-what")) ?? "", /在“研发费用台账”的 R、S 列.*为 2024 年度的 198 行填入 396 个 KJ\.RDSUBSIDY 公式.*“研发补助汇总”/);
        assert.equal(await writes(page), 0, "the preview wrote nothing");

        await page.click("#rd-write");
        await page.waitForSelector("#rd-open:not([hidden])");
        assert.equal(await writes(page), 1, "one write");
        assert.match((await page.textContent("#rd-notice")) ?? "", /已在“研发费用台账”的 R、S 列/);
        assert.equal(await page.textContent("#rd-total"), `${both(r2024)}\u00a0万元`, "the same total read back from the formulas");
        const summary = (await gridRows(page, RD_SUMMARY_SHEET)).map((r) => r.join("|")).join("\n");
        assert.ok(summary.includes("枣科字〔2025〕18号") && summary.includes("鲁科字〔2025〕25号"), summary.slice(0, 400));
        const ledger = await gridRows(page, "研发费用台账");
        assert.deepEqual(ledger[1].slice(17, 19), ["省级研发补助（万元）", "市级研发补助（万元）"]);
        assert.deepEqual(log.pageErrors, []);
        assert.deepEqual(log.dialogs, []);
        await page.context().close();
      });

      it("a workbook without an R&D ledger: said in red with the headers it needs; nothing to write, nothing written", async () => {
        const { page, log } = await openPane(env().browser, env().origin, "?fixture=empty#rd", { viewport: { width, height: 900 } });
        await page.waitForSelector("#rd-empty");
        assert.match((await page.textContent("#rd-empty .state-title")) ?? "", /没有可识别的研发费用台账，无法计算研发补助，也不会写入任何公式/);
        const needed = await page.$$eval("#rd-empty .needed-headers li", (lis) => lis.map((li) => li.getAttribute("data-field")));
        assert.ok(needed.includes("研发费用") && needed.includes("年度"), needed.join(","));
        assert.ok(await page.isDisabled("#rd-write"));
        assert.equal(await page.locator("#rd-bar .status-done").count(), 0, "no green success beside the error");
        assert.match((await page.textContent("#rd-status")) ?? "", /没有研发费用台账/);
        assert.equal(await writes(page), 0);
        assert.deepEqual(log.pageErrors, []);
        await page.context().close();
      });
    });
  }

  it("a year that is no year: refused in Chinese naming what was typed, nothing written", async () => {
    const { page, log } = await openPane(env().browser, env().origin, "#rd", { viewport: { width: 350, height: 900 } });
    await page.waitForSelector("#rd-total");
    await page.fill("#rd-year", "二〇二四");
    await page.press("#rd-year", "Tab");
    assert.equal(await page.getAttribute("#rd-year", "aria-invalid"), "true");
    await page.click("#rd-refresh");
    await page.waitForSelector("#rd-notice.notice-error");
    assert.match((await page.textContent("#rd-notice")) ?? "", /研发费用年度“二〇二四”不是四位年份，请填写如 2024/);
    await page.click("#rd-write");
    assert.equal(await writes(page), 0);
    assert.deepEqual(log.pageErrors, []);
    await page.context().close();
  });

  it("hostile names: listed as the exact text of the cell", async () => {
    const { page, log } = await openPane(env().browser, env().origin, "?fixture=xss#rd", { viewport: { width: 350, height: 900 } });
    await page.waitForSelector("#rd-total");
    await page.fill("#rd-year", "2024");
    await page.press("#rd-year", "Tab");
    await page.waitForFunction(() => /枣科字/.test(document.getElementById("rd-basis")?.textContent ?? ""));
    const names = await page.$$eval("#rd-lines li .suggestion-head strong", (ns) => ns.map((n) => n.textContent ?? ""));
    assert.ok(names.some((n) => (HOSTILE_TEXTS as readonly string[]).includes(n)), "payloads among the names, unchanged");
    assert.equal(await page.evaluate("typeof window.__pwned"), "undefined");
    assert.equal(await page.evaluate("document.querySelectorAll('#app img, #app script, #app iframe, #app svg').length"), 0);
    assert.deepEqual(log.dialogs, []);
    assert.deepEqual(log.pageErrors, []);
    await page.context().close();
  });
});

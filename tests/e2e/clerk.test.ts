/**
 * The pane as a clerk's tool (issue 19), every page at task-pane width (350x900) and at
 * 1280x900: the primary action and the undo are in view after listing, removal asks first,
 * amounts are written 2,337.64 and ratios 100.0%, the policy is named as text, previews
 * write nothing, the empty and partial-ledger states say so in red with the headers needed,
 * and hostile names stay text, unchanged.
 */
import { strict as assert } from "node:assert";
import { Page } from "playwright-core";
import { generateSampleWorkbook } from "../../samples/generate";
import { formatCount, formatPercent, formatWan } from "../../src/format";
import { fxSpec, signatureZh } from "../../src/fx/spec";
import { fillAwards } from "../../src/jobs/awards";
import { computeTargets } from "../../src/jobs/targets";
import { ARCHIVE_SHEET, planUpkeep } from "../../src/jobs/upkeep";
import { PLAN_PACKS } from "../../src/policy/plans";
import { POOL_RULES } from "../../src/jobs/pool-rules";
import { DEMO_TODAY, EMPTY_SHEET, HOSTILE_TEXTS, PARTIAL_SHEETS } from "../../taskpane/demo/fixtures";
import { useBrowser } from "./hooks";
import { gridRows, inView, maybeScreenshot, openPane } from "./support";

const WIDTHS = [350, 1280] as const;
const AMOUNT = /^-?\d{1,3}(,\d{3})*\.\d{2,4}$/;
const PERCENT = /^(\d{1,3}(,\d{3})*\.\d%|—)$/;
const PLAN = PLAN_PACKS[PLAN_PACKS.length - 1].pack;

async function open(width: number, query: string) {
  const { browser, origin } = env();
  return openPane(browser, origin, query, { viewport: { width, height: 900 } });
}

let env: ReturnType<typeof useBrowser>;

/** How many times the demo was asked to write (every write goes through its host's apply). */
async function writes(page: Page): Promise<number> {
  return Number(await page.getAttribute("#app", "data-demo-writes"));
}

async function sheetTabs(page: Page): Promise<string[]> {
  return page.$$eval("#grid-tabs .grid-tab", (ts) => ts.map((t) => t.getAttribute("data-sheet") ?? ""));
}

/** The element has a visible keyboard focus ring once focused from the keyboard. */
async function focusRing(page: Page, selector: string): Promise<boolean> {
  await page.keyboard.press("Shift");
  await page.focus(selector);
  return page.$eval(selector, (e) => {
    const s = getComputedStyle(e);
    return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
  });
}

describe("e2e: the pane as a clerk's tool — every page at 350 and 1280 px", function () {
  this.timeout(240_000);
  env = useBrowser();

  for (const width of WIDTHS) {
    describe(`at ${width}x900`, () => {
      it("the pane comes first and is usable; the grid opens on demand at task-pane width", async () => {
        const { page, log } = await open(width, "");
        const pane = await page.locator(".pane").boundingBox();
        assert.ok(pane && pane.width >= Math.min(330, width - 20), `pane width ${pane?.width}`);
        if (width < 760) {
          assert.ok(await page.isHidden("#grid-host"), "the grid is folded away at pane width");
          await page.click("#demo-grid-toggle");
          assert.ok(await page.isVisible("#demo-grid"));
          const grid = await page.locator("#grid-host").boundingBox();
          assert.ok(pane && grid && grid.y >= pane.y + 100, "the grid sits below the pane");
          await page.click("#demo-grid-toggle");
          assert.ok(await page.isHidden("#grid-host"));
        } else {
          assert.ok(await page.isVisible("#demo-grid"));
        }
        // Dates are typed as 年-月-日 whatever the browser language.
        await page.click("#tab-targets");
        assert.equal(await page.getAttribute("#targets-asof", "type"), "text");
        assert.equal(await page.getAttribute("#targets-asof", "placeholder"), "年-月-日");
        await page.fill("#targets-asof", "2024/6/30");
        await page.press("#targets-asof", "Tab");
        await page.waitForFunction(() => (document.getElementById("targets-asof") as HTMLInputElement).value === "2024-06-30");
        await page.waitForFunction(() => /评价日期 2024-06-30/.test(document.getElementById("targets-basis")?.textContent ?? ""));
        await page.fill("#targets-asof", "2024-13-01");
        await page.click("#targets-write");
        await page.waitForSelector("#targets-notice.notice-error");
        assert.equal(await page.textContent("#targets-notice"), "基准日期“2024-13-01”不是有效日期，请按 年-月-日 填写，如 2024-12-31。");
        // Visible keyboard focus on a checkbox, a chip, a field, a tab.
        await page.click("#tab-upkeep");
        await page.waitForSelector("#upkeep-count");
        for (const sel of ["#upkeep-all-suggestions", "#upkeep-filter-suggestions button.chip", "#upkeep-asof", "#tab-upkeep"]) {
          assert.ok(await focusRing(page, sel), `focus ring on ${sel}`);
        }
        assert.deepEqual(log.pageErrors, []);
        await page.context().close();
      });

      it("校验台账: after listing, 写入工作簿 and 清除标记 are in view; the list filters by column; nothing is written before 写入工作簿", async () => {
        const { page, log } = await open(width, "");
        const tabs = await sheetTabs(page);
        await page.click("#validate-run");
        await page.waitForSelector("#validate-summary .badge");
        assert.ok((await page.locator("#validate-issues button.issue").count()) > 0);
        assert.ok(await inView(page, "#validate-mark"), "the write step is in view after listing");
        assert.ok(await inView(page, "#validate-clear"), "the undo is in view after listing");
        assert.match((await page.textContent("#validate-write-what")) ?? "", /写入工作簿：给“企业培育库”的 \d+ 个单元格加底色/);
        // Filter by column: only that column's issues remain.
        const chip = page.locator("#validate-filter button.chip").nth(1);
        const field = await chip.locator(".chip-label").textContent();
        const count = Number(await chip.locator(".chip-count").textContent());
        await chip.click();
        const fields = await page.$$eval("#validate-issues button.issue .issue-field", (fs) => fs.map((f) => f.textContent));
        assert.equal(fields.length, count);
        assert.ok(fields.every((f) => f === field), `${field}: ${fields.join(",")}`);
        assert.equal(await writes(page), 0, "checking wrote nothing");
        await maybeScreenshot(page, `pane-validate-${width}`);

        // 校验全部台账: every recognised ledger, each counted.
        await page.click("#validate-all");
        await page.waitForSelector("#validate-sheets");
        const sheets = await page.$$eval("#validate-sheets tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-sheet")));
        assert.deepEqual(sheets, ["企业培育库", "创新平台", "人才", "科技计划项目", "奖励", "研发费用台账"]);
        assert.equal(await writes(page), 0, "checking every ledger wrote nothing");
        // 导出问题清单 writes its own sheet (one write).
        await page.click("#validate-export");
        await page.waitForSelector("#validate-open-list");
        assert.equal(await writes(page), 1);
        assert.deepEqual(await sheetTabs(page), [...tabs, "问题清单"]);
        await page.click("#validate-open-list");
        const list = await gridRows(page, "问题清单");
        assert.ok(list.some((r) => r.includes("企业培育库") && r.includes("错误")));
        assert.deepEqual(log.pageErrors, []);
        await page.context().close();
      });

      it("动态管理: opens on the suggestions; 移出 and 撤销 in view; filter by reason; removal asks with the names; 刚移出 links to 调出记录", async () => {
        const { page, log } = await open(width, "#upkeep");
        await page.waitForSelector("#upkeep-count");
        const expected = planUpkeep(generateSampleWorkbook(), { asOf: DEMO_TODAY }).report.suggestions;
        assert.equal(await page.locator("#upkeep-list-suggestions li.suggestion").count(), expected.length, "listed without any click");
        assert.equal(await page.textContent("#upkeep-count"), `建议调出 ${formatCount(expected.length)} 家`);
        assert.match((await page.textContent("#upkeep-basis")) ?? "", new RegExp(POOL_RULES.title));
        // Each reason names its clause as text.
        const firstCites = await page.$$eval("#upkeep-list-suggestions li.suggestion:first-child .reasons .cite", (cs) => cs.map((c) => c.textContent));
        assert.deepEqual(firstCites, expected[0].reasons.map((r) => ` · ${r.cite}`));
        assert.equal(await writes(page), 0, "listing wrote nothing");

        // Filter by a reason: only enterprises with that reason remain.
        const code = expected[expected.length - 1].reasons[0].code;
        await page.click(`#upkeep-filter-suggestions button.chip[data-key="${code}"]`);
        const rows = await page.$$eval("#upkeep-list-suggestions li.suggestion", (lis) => lis.map((li) => Number(li.getAttribute("data-row"))));
        assert.deepEqual(rows, expected.filter((s) => s.reasons.some((r) => r.code === code)).map((s) => s.row));
        await page.click(`#upkeep-filter-suggestions button.chip[data-key=""]`);

        const chosen = expected.slice(-2);
        for (const s of chosen) await page.check(`#upkeep-list-suggestions li.suggestion[data-row="${s.row}"] input[type=checkbox]`);
        // After scrolling to the end of the list the primary action and the undo are still in reach.
        await page.locator(`#upkeep-list-suggestions li.suggestion[data-row="${chosen[1].row}"]`).scrollIntoViewIfNeeded();
        assert.ok(await inView(page, "#upkeep-remove"), "移出 in view at the end of the list");
        assert.ok(await inView(page, "#upkeep-undo"), "撤销 in view at the end of the list");
        assert.equal(await page.textContent("#upkeep-remove"), "移出培育库（2 家）");

        // Removal asks first, with the names; cancelling removes nothing.
        await page.click("#upkeep-remove");
        await page.waitForSelector("#upkeep-confirm:not([hidden])");
        const asked = await page.$$eval("#upkeep-confirm-items li", (lis) => lis.map((li) => li.textContent ?? ""));
        assert.deepEqual(asked, chosen.map((s) => `${s.name}（第 ${s.row} 行：${s.reasons.map((r) => r.text).join("；")}）`));
        assert.ok(await inView(page, "#upkeep-confirm-yes"), "the question is in view");
        await maybeScreenshot(page, `pane-upkeep-${width}`);
        await page.click("#upkeep-confirm-no");
        await page.waitForFunction(() => /已取消/.test(document.getElementById("upkeep-notice")?.textContent ?? ""));
        assert.equal(await writes(page), 0, "cancelled: nothing moved");
        const before = await gridRows(page, "企业培育库");

        await page.click("#upkeep-remove");
        await page.click("#upkeep-confirm-yes");
        await page.waitForFunction(() => /已把 2 家企业/.test(document.getElementById("upkeep-notice")?.textContent ?? ""));
        const removed = await page.$$eval("#upkeep-just-removed .removed-names li", (lis) => lis.map((li) => li.textContent));
        assert.deepEqual(removed, chosen.map((s) => s.name));
        assert.ok(await inView(page, "#upkeep-undo"));
        await page.click("#upkeep-open-archive");
        await page.waitForSelector(`#grid-scroller table[data-sheet="${ARCHIVE_SHEET}"] td.selected`);
        const archive = await gridRows(page, ARCHIVE_SHEET);
        for (const s of chosen) assert.ok(archive.some((r) => r.includes(s.name)), `${s.name} on ${ARCHIVE_SHEET}`);
        await page.click("#upkeep-undo");
        await page.waitForFunction(() => /已撤销：2 家/.test(document.getElementById("upkeep-notice")?.textContent ?? ""));
        assert.deepEqual(await gridRows(page, "企业培育库"), before, "undo put every row back");
        assert.deepEqual(log.pageErrors, []);
        await page.context().close();
      });

      it("目标完成情况: a preview with the plan named, ratios as 100.0%; 写入工作簿 in view and the only thing that writes", async () => {
        const { page, log } = await open(width, "");
        const tabs = await sheetTabs(page);
        await page.click("#tab-targets");
        await page.waitForSelector("#targets-table tr[data-key]");
        const basis = (await page.textContent("#targets-basis")) ?? "";
        assert.ok(basis.includes(PLAN.title) && basis.includes(`${PLAN.period.from} 至 ${PLAN.period.to}`), basis);
        const expected = computeTargets(generateSampleWorkbook(), { asOf: DEMO_TODAY }).report.indicators;
        const shown = await page.$$eval("#targets-table tr[data-key]", (trs) =>
          trs.map((tr) => ({ pct: tr.querySelector(".bar-text")?.textContent ?? "", cite: tr.querySelector(".cite")?.textContent ?? "", unit: tr.querySelector(".unit")?.textContent ?? "" })),
        );
        shown.forEach((s, i) => {
          assert.match(s.pct, PERCENT);
          assert.equal(s.pct, formatPercent(expected[i].completion));
          assert.ok(s.cite.includes(expected[i].cite), `clause of ${expected[i].key} as text`);
          assert.equal(s.unit, `（${expected[i].unit}）`);
        });
        assert.ok(await inView(page, "#targets-write"));
        assert.match((await page.textContent("#targets-write-what")) ?? "", /“目标完成情况”工作表/);
        assert.equal(await writes(page), 0, "the preview wrote nothing");
        await maybeScreenshot(page, `pane-targets-${width}`);
        await page.click("#targets-write");
        await page.waitForSelector("#targets-open:not([hidden])");
        assert.equal(await writes(page), 1);
        assert.deepEqual(await sheetTabs(page), [...tabs, "目标完成情况"]);
        await page.click("#targets-open");
        const sheet = await gridRows(page, "目标完成情况");
        assert.ok(sheet.some((r) => r.some((c) => /^\d+\.\d%$/.test(c))), "completion shown as 100.0% on the sheet too");
        assert.deepEqual(log.pageErrors, []);
        await page.context().close();
      });

      it("奖励测算: a preview in 万元 as 2,337.64 with the policy and clauses as text; the hint's signature comes from the spec", async () => {
        const { page, log } = await open(width, "");
        const tabs = await sheetTabs(page);
        await page.click("#tab-awards");
        await page.waitForSelector("#awards-total");
        assert.ok((await page.textContent("#awards-hint"))?.includes(signatureZh(fxSpec("AWARD"))), "the real signature");
        assert.ok((await page.textContent("#awards-hint"))?.includes("=KJ.AWARD(事项, [计算依据], [日期])"));
        const expected = fillAwards(generateSampleWorkbook(), { asOf: DEMO_TODAY }).report.totals;
        assert.equal(await page.textContent("#awards-total"), `${formatWan(expected.total.amount)}\u00a0万元`);
        assert.match(formatWan(expected.total.amount), /,/, "the sample total has thousands");
        const amounts = await page.$$eval("#awards-totals td.amount", (tds) => tds.map((td) => td.textContent ?? ""));
        assert.ok(amounts.length > 5);
        for (const a of amounts) assert.match(a, AMOUNT);
        const headers = await page.$$eval("#awards-totals th", (ths) => ths.map((th) => th.textContent));
        assert.ok(headers.includes("金额（万元）"), "the unit is in the column header");
        // An amount never wraps apart from its unit nor across lines.
        const total = await page.locator("#awards-total").boundingBox();
        assert.ok(total && total.height < 24, `one line: ${total?.height}`);
        const basis = (await page.textContent("#awards-basis")) ?? "";
        assert.ok(basis.includes(PLAN.title) && basis.includes(`${PLAN.period.from} 至 ${PLAN.period.to}`), basis);
        const cites = await page.$$eval("#awards-by-item tbody .cite", (cs) => cs.map((c) => c.textContent ?? ""));
        assert.ok(cites.length > 0 && cites.every((c) => /计划 /.test(c)), cites.join(" | "));
        assert.ok(await inView(page, "#awards-write"));
        assert.equal(await writes(page), 0, "the preview wrote nothing");
        await maybeScreenshot(page, `pane-awards-${width}`);
        await page.click("#awards-write");
        await page.waitForSelector("#awards-open:not([hidden])");
        assert.equal(await writes(page), 1);
        assert.deepEqual(await sheetTabs(page), [...tabs, "奖励汇总"]);
        assert.deepEqual(log.pageErrors, []);
        await page.context().close();
      });

      it("a workbook without ledgers: every page says so in red, lists the headers it needs, shows no success and writes nothing", async () => {
        const { page, log } = await open(width, "?fixture=empty");
        assert.match((await page.textContent("#validate-state")) ?? "", new RegExp(`“${EMPTY_SHEET}”不是台账`));
        assert.ok(await page.isDisabled("#validate-run"));

        await page.click("#tab-upkeep");
        await page.waitForSelector("#upkeep-empty");
        assert.match((await page.textContent("#upkeep-empty .state-title")) ?? "", /没有可识别的企业培育库台账/);
        const needed = await page.$$eval("#upkeep-empty .needed-headers li", (lis) => lis.map((li) => li.textContent ?? ""));
        assert.ok(needed.some((n) => n.startsWith("统一社会信用代码（也可写作：")), needed.join(" | "));
        assert.ok(await page.isDisabled("#upkeep-write"));
        assert.ok(await page.isDisabled("#upkeep-remove"));

        await page.click("#tab-targets");
        await page.waitForSelector("#targets-empty");
        assert.match((await page.textContent("#targets-empty")) ?? "", /无法统计任何指标，也不会写入/);
        assert.ok(await page.isDisabled("#targets-write"), "nothing computed, nothing to write");
        assert.equal(await page.locator("#targets-bar .status-done").count(), 0, "no green success beside the error");
        assert.match((await page.textContent("#targets-status")) ?? "", /都无法统计/);

        await page.click("#tab-awards");
        await page.waitForSelector("#awards-empty");
        assert.deepEqual(
          await page.$$eval("#awards-empty .needed-headers li", (lis) => lis.map((li) => li.getAttribute("data-field"))),
          ["名称", "奖励事项", "认定日期"],
        );
        assert.ok(await page.isDisabled("#awards-write"));
        assert.equal(await writes(page), 0, "nothing written anywhere");
        assert.deepEqual(log.pageErrors, []);
        await page.context().close();
      });

      it("partial ledgers: said in red with what was found and what is missing (with synonyms), names shown as typed", async () => {
        const { page, log } = await open(width, "?fixture=partial");
        await page.waitForSelector("#validate-state.state-error");
        const text = (await page.textContent("#validate-state")) ?? "";
        assert.match(text, new RegExp(`“${PARTIAL_SHEETS.enterprise}”未能识别为企业培育库台账`));
        assert.match(text, /A 列“企业名称”/);
        const missing = await page.$$eval("#validate-state .needed-headers li", (lis) => lis.map((li) => li.getAttribute("data-field")));
        assert.deepEqual(missing, ["注册日期", "培育类别", "入库年度"]);
        assert.match(text, /注册日期（也可写作：成立日期/);
        assert.ok(await page.isDisabled("#validate-run"));
        await page.click("#validate-all");
        await page.waitForSelector("#validate-notice.notice-error");
        assert.match((await page.textContent("#validate-notice")) ?? "", /没有可识别的台账/);

        await page.click("#tab-awards");
        await page.waitForSelector("#awards-empty");
        const award = (await page.textContent("#awards-empty")) ?? "";
        assert.match(award, new RegExp(`“${PARTIAL_SHEETS.award}”未能识别为奖励台账`));
        assert.match(award, /奖励事项（也可写作：事项/);

        await page.click("#tab-upkeep");
        await page.waitForSelector("#upkeep-empty");
        assert.match((await page.textContent("#upkeep-empty")) ?? "", new RegExp(`“${PARTIAL_SHEETS.enterprise}”未能识别`));
        // The grid still shows the hostile name in the partial sheet as it was typed.
        const rows = await gridRows(page, PARTIAL_SHEETS.enterprise);
        assert.ok(rows.some((r) => r.includes(HOSTILE_TEXTS[0])));
        assert.equal(await page.evaluate("document.querySelectorAll('#app img').length"), 0);
        assert.deepEqual(log.pageErrors, []);
        assert.deepEqual(log.dialogs, []);
        await page.context().close();
      });

      it("hostile names: listed, asked about and reported as the exact text of the cell", async () => {
        const { page, log } = await open(width, "?fixture=xss#upkeep");
        await page.waitForSelector("#upkeep-count");
        const names = await page.$$eval("#upkeep-list-suggestions .item-name", (ns) => ns.map((n) => n.textContent ?? ""));
        const hostile = names.filter((n) => (HOSTILE_TEXTS as readonly string[]).includes(n));
        assert.ok(hostile.length > 0, "payloads among the names, unchanged");
        await page.check("#upkeep-all-suggestions");
        await page.click("#upkeep-remove");
        const asked = await page.$$eval("#upkeep-confirm-items li", (lis) => lis.map((li) => li.textContent ?? ""));
        names.forEach((n, i) => assert.ok(asked[i].startsWith(`${n}（`), asked[i]));
        await page.click("#upkeep-confirm-no");
        assert.equal(await page.evaluate("typeof window.__pwned"), "undefined");
        assert.equal(await page.evaluate("document.querySelectorAll('#app img, #app script, #app iframe, #app svg').length"), 0);
        assert.deepEqual(log.dialogs, []);
        assert.deepEqual(log.pageErrors, []);
        await page.context().close();
      });
    });
  }
});

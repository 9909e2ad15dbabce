/**
 * No script injection through the pane (issue 9 part 4): a demo ledger whose names are HTML
 * and script payloads is run through every page; no dialog opens, no payload runs, the
 * payloads show as plain text, the CSP holds without violations from our own scripts, and
 * every request stays on the page's own origin.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { Page } from "playwright-core";
import { planUpkeep } from "../../src/jobs/upkeep";
import { DEMO_TODAY, HOSTILE_SHEET, HOSTILE_TEXTS, hostileWorkbook } from "../../taskpane/demo/fixtures";
import { useBrowser } from "./hooks";
import { DIST, openPane } from "./support";

/** Office's CDN is the one foreign origin a pane may load from (we serve office.js ourselves). */
const ALLOWED_FOREIGN = [/^https:\/\/appsforoffice\.microsoft\.com\//];

const RECORD_CSP = `document.addEventListener("securitypolicyviolation", (e) => {
  (window.__cspViolations = window.__cspViolations || []).push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile);
});`;

async function clickAll(page: Page, selector: string, limit: number): Promise<void> {
  const n = Math.min(limit, await page.locator(selector).count());
  for (let i = 0; i < n; i++) await page.locator(selector).nth(i).click();
}

describe("e2e: the pane renders hostile ledger text as text (XSS, CSP, no foreign requests)", function () {
  this.timeout(180_000);
  const env = useBrowser();

  it("the built page carries a CSP without 'unsafe-inline' or 'unsafe-eval' for scripts", () => {
    const html = fs.readFileSync(path.join(DIST, "taskpane.html"), "utf8");
    const m = /http-equiv="?Content-Security-Policy"?\s+content="([^"]+)"/i.exec(html);
    assert.ok(m, "CSP meta tag present");
    const directives = new Map(m[1].split(";").map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map((d) => [d[0], d.slice(1)] as const));
    const script = directives.get("script-src") ?? directives.get("default-src");
    assert.ok(script, "script-src set");
    assert.ok(!script.includes("'unsafe-inline'") && !script.includes("'unsafe-eval'"), script.join(" "));
    const style = directives.get("style-src") ?? directives.get("default-src");
    assert.ok(style && !style.includes("'unsafe-inline'"), "styles from files only");
    assert.ok(!/<script>[^<]/i.test(html), "no inline script in the page");
  });

  it("runs every page on a ledger of payloads: no dialog, nothing executed, text shown as text", async () => {
    const { browser, origin } = env();
    const { page, log } = await openPane(browser, origin, "?fixture=xss", { initScript: RECORD_CSP });

    // The grid shows the payloads as literal text.
    const texts = await page.$$eval("#demo-grid td", (tds) => tds.map((td) => td.textContent));
    assert.ok(texts.includes(HOSTILE_TEXTS[0]) && texts.includes(HOSTILE_TEXTS[1]), "payloads shown verbatim in the grid");
    const sheetTabs = await page.$$eval("#grid-tabs .grid-tab", (ts) => ts.map((t) => t.textContent));
    assert.ok(sheetTabs.includes(HOSTILE_SHEET));

    // 校验台账 on every sheet, clicking issues, marking and clearing.
    const sheets = await page.$$eval("#validate-sheet option", (os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.ok(sheets.includes(HOSTILE_SHEET));
    for (const s of sheets) {
      await page.selectOption("#validate-sheet", s);
      await page.waitForFunction(() => !(document.getElementById("validate-reload") as HTMLButtonElement).disabled);
      if (await page.isEnabled("#validate-run")) {
        await page.click("#validate-run");
        await page.waitForSelector("#validate-summary .badge");
        await clickAll(page, "#validate-issues button.issue:not([disabled])", 5);
        if (await page.isEnabled("#validate-mark")) await page.click("#validate-mark");
        await page.click("#validate-clear");
      }
    }

    // 校验全部台账 and 导出问题清单.
    await page.click("#validate-all");
    await page.waitForSelector("#validate-sheets");
    await page.click("#validate-export");
    await page.waitForSelector("#validate-notice.notice-success");

    // 动态管理: the names listed, and in the removal question, are the ledger's text unchanged.
    await page.click("#tab-upkeep");
    await page.waitForSelector("#upkeep-count");
    const expectedNames = planUpkeep(hostileWorkbook(), { asOf: DEMO_TODAY }).report.suggestions.map((s) => s.name || "（未填写名称）");
    assert.ok(expectedNames.some((n) => (HOSTILE_TEXTS as readonly string[]).includes(n)), "payloads among the suggestions");
    assert.deepEqual(await page.$$eval("#upkeep-list-suggestions .item-name", (ns) => ns.map((n) => n.textContent)), expectedNames);
    await page.click("#upkeep-write");
    await page.waitForSelector("#upkeep-notice.notice-success");
    if (await page.locator("#upkeep-all-suggestions").count()) {
      await page.check("#upkeep-all-suggestions");
      await page.click("#upkeep-remove");
      const asked = await page.$$eval("#upkeep-confirm-items li", (lis) => lis.map((li) => li.textContent ?? ""));
      assert.equal(asked.length, expectedNames.length);
      asked.forEach((a, i) => assert.ok(a.startsWith(`${expectedNames[i]}（第 `), a));
      await page.click("#upkeep-confirm-yes");
      await page.waitForFunction(() => /已把/.test(document.getElementById("upkeep-notice")?.textContent ?? ""));
      assert.deepEqual(await page.$$eval("#upkeep-just-removed .removed-names li", (lis) => lis.map((li) => li.textContent)), expectedNames);
      await page.click("#upkeep-undo");
      await page.waitForFunction(() => /已撤销/.test(document.getElementById("upkeep-notice")?.textContent ?? ""));
    }

    // 目标完成情况 and 奖励测算.
    await page.click("#tab-targets");
    await page.waitForSelector("#targets-table tr[data-key]");
    await page.click("#targets-write");
    await page.waitForSelector("#targets-open:not([hidden])");
    await page.click("#tab-awards");
    await page.waitForSelector("#awards-total");
    await page.click("#awards-write");
    await page.waitForSelector("#awards-open:not([hidden])");
    await clickAll(page, "#awards-flagged button.issue", 3);
    // Visit every grid sheet so every payload cell is rendered once.
    for (const s of await page.$$eval("#grid-tabs .grid-tab", (ts) => ts.map((t) => t.getAttribute("data-sheet") ?? ""))) {
      await page.click(`#grid-tabs .grid-tab[data-sheet="${s.replace(/"/g, '\\"')}"]`);
    }
    await page.click(`#grid-tabs .grid-tab[data-sheet="企业培育库"]`);
    await page.click("#tab-upkeep");

    assert.deepEqual(log.dialogs, [], "no dialog opened");
    assert.equal(await page.evaluate("typeof window.__pwned"), "undefined", "no payload script ran");
    // Everything the pane renders lives in #app; office.js adds its own hidden iframe to <head>.
    const injected = await page.evaluate(
      `(() => { const app = document.getElementById("app"); const n = (sel) => app.querySelectorAll(sel).length;
          return { img: n("img"), svg: n("svg"), iframe: n("iframe"), bold: n("b"), script: n("script"),
                   inlineScripts: [...document.querySelectorAll("script")].filter((s) => !s.src).length }; })()`,
    );
    assert.deepEqual(injected, { img: 0, svg: 0, iframe: 0, bold: 0, script: 0, inlineScripts: 0 }, "no payload became an element");
    const violations = (await page.evaluate("window.__cspViolations || []")) as string[];
    // office.js (served from /office-js/) styles its own telemetry iframe inline; the CSP blocks that, and it is not ours.
    const ours = violations.filter((v) => !v.includes("/office-js/"));
    assert.deepEqual(ours, [], "no CSP violation from the pane's own scripts");
    assert.deepEqual(log.pageErrors, []);
    assert.ok(await page.isHidden("#unexpected"), "no unexpected error on the way");
    const foreign = log.requests.filter((u) => !u.startsWith(origin + "/") && !ALLOWED_FOREIGN.some((re) => re.test(u)));
    assert.deepEqual(foreign, [], "every request goes to the page's own origin");
    assert.ok(log.requests.length > 0);

    // And the CSP is really enforced: an inline script injected now is blocked and reported.
    await page.evaluate(`(() => { const s = document.createElement("script"); s.textContent = "window.__inline = 1"; document.body.appendChild(s); })()`);
    // A function, not a string: playwright evals string predicates in the page, which this CSP forbids.
    await page.waitForFunction(() => ((window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []).some((v) => /^script-src/.test(v)));
    assert.equal(await page.evaluate("typeof window.__inline"), "undefined");
    await page.context().close();
  });
});

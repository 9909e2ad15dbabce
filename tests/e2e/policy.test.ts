/**
 * The pane's 政策 page in the browser demo, at 350 and 1280 px: it names the dates no pack covers;
 * choosing a pack file only checks it (a bad one lists its field paths and lines, nothing written);
 * 保存到工作簿 stores it (very hidden: not among the grid's tabs) and the other pages compute with it;
 * removing asks first and can be undone; hostile text in a pack stays text.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { Page } from "playwright-core";
import { useBrowser } from "./hooks";
import { inView, maybeScreenshot, openPane, ROOT } from "./support";

const SAMPLE = fs.readFileSync(path.join(ROOT, "samples/policy/plan-2025-2027.example.json"));

function pack(patch: (p: any) => void): Buffer {
  const p = JSON.parse(SAMPLE.toString("utf8"));
  patch(p);
  return Buffer.from(JSON.stringify(p, null, 2), "utf8");
}

async function writes(page: Page): Promise<number> {
  return Number(await page.getAttribute("#app", "data-demo-writes"));
}

async function choose(page: Page, name: string, buffer: Buffer): Promise<void> {
  const before = await page.evaluate(() => document.getElementById("policy-chosen")?.textContent ?? "");
  await page.setInputFiles("#policy-file", { name, mimeType: "application/json", buffer });
  await page.waitForFunction((b) => (document.getElementById("policy-chosen")?.textContent ?? "") !== b, before);
}


/** After a plan pack is stored, the one gap left in the demo workbook is the 2023 municipal R&D
 * pack (DOMAIN §10: the 2022—2024 municipal text was not found), never the plan itself. */
async function waitOnlyRdGap(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const box = document.getElementById("policy-uncovered");
    return !!box && !/计划政策包/.test(box.textContent ?? "");
  });
  const gaps = await page.$$eval("#policy-uncovered li", (lis) => lis.map((li) => li.textContent ?? ""));
  assert.equal(gaps.length, 1, gaps.join("；"));
  assert.match(gaps[0], /^2023 年度的 \d+ 行研发费用没有市级研发补助政策包$/);
}

describe("e2e: the 政策 page (browser demo)", function () {
  this.timeout(240_000);
  const env = useBrowser();

  for (const width of [350, 1280]) {
    it(`at ${width}x900: names uncovered dates, checks a chosen pack, stores it, removes it and undoes the removal`, async () => {
      const { browser, origin } = env();
      const { page, log } = await openPane(browser, origin, "?today=2026-12-01#policy", { viewport: { width, height: 900 } });
      await page.waitForSelector("#policy-uncovered");
      assert.match((await page.textContent("#policy-uncovered")) ?? "", /评价日 2026-12-01 不在任何计划政策包的政策期内/);
      assert.match((await page.textContent("#policy-in-use-table")) ?? "", /科技支持工业强区三年攻坚突破行动计划（2022—2024）/);
      const start = await writes(page);

      // A bad file: every problem with its field path and line; nothing can be written.
      await choose(page, "坏政策.json", pack((p) => ((p.period.from = "2025-13-01"), (p.awards[0].rule.amount = 25))));
      const problems = (await page.textContent("#policy-chosen-problems")) ?? "";
      assert.match(problems, /period\.from（第 7 行）：period\.from（政策期起始日）不是真实的日期/);
      assert.match(problems, /awards\[0\]\.rule\.amount（第 \d+ 行）：.*应为十进制数字文本/);
      assert.ok(await page.isDisabled("#policy-write"));
      assert.equal(await writes(page), start, "checking writes nothing");

      // The sample: checked, previewed, then stored.
      await choose(page, "plan-2025-2027.example.json", SAMPLE);
      assert.match((await page.textContent("#policy-chosen-ok")) ?? "", /政策包“example-plan-2025-2027”，格式正确，尚未保存/);
      assert.match((await page.textContent("#policy-write-what")) ?? "", /保存到本工作簿隐藏的“KJ政策”表/);
      assert.equal(await writes(page), start, "the preview writes nothing");
      assert.ok(await inView(page, "#policy-write"), "the save button is in view");
      await page.click("#policy-write");
      await page.waitForSelector("#policy-notice:has-text('已保存政策包')");
      await waitOnlyRdGap(page);
      assert.match((await page.textContent("#policy-notice")) ?? "", /已保存政策包“example-plan-2025-2027”/);
      const row = page.locator('#policy-in-use-table tr[data-id="example-plan-2025-2027"]');
      assert.match((await row.textContent()) ?? "", /2025-01-01 至 2027-12-31.*本工作簿（载入自 plan-2025-2027\.example\.json，2026-12-01）/);
      assert.match((await row.textContent()) ?? "", /暂定/);
      assert.ok((await writes(page)) > start);
      const tabs = await page.$$eval("#grid-tabs .grid-tab", (ts) => ts.map((t) => t.getAttribute("data-sheet")));
      assert.ok(!tabs.includes("KJ政策"), "the stored packs' sheet is not shown");
      await maybeScreenshot(page, `pane-policy-${width}`);

      // The other pages compute with it.
      await page.click("#tab-targets");
      await page.waitForFunction(() => /2025-01-01 至 2027-12-31/.test(document.getElementById("targets-basis")?.textContent ?? ""));
      await page.click("#tab-policy");
      await page.waitForSelector('#policy-in-use-table tr[data-id="example-plan-2025-2027"]');

      // Removing asks first, names the pack, and can be undone.
      await page.click('[data-remove="example-plan-2025-2027"]');
      await page.waitForSelector("#policy-confirm:not([hidden])");
      assert.match((await page.textContent("#policy-confirm-items")) ?? "", /example-plan-2025-2027，2025-01-01 至 2027-12-31/);
      await page.click("#policy-confirm-yes");
      await page.waitForSelector("#policy-uncovered");
      assert.ok(await page.isVisible("#policy-undo"));
      await page.click("#policy-undo");
      await waitOnlyRdGap(page);
      assert.match((await page.textContent("#policy-in-use-table")) ?? "", /example-plan-2025-2027/);

      assert.deepEqual(log.pageErrors, []);
      assert.deepEqual(log.dialogs, []);
      await page.context().close();
    });
  }

  it("shows hostile text in a pack as text, and refuses a pack that overlaps the built-in one", async () => {
    const { browser, origin } = env();
    const { page, log } = await openPane(browser, origin, "?today=2026-12-01#policy", { viewport: { width: 350, height: 900 } });
    await page.waitForSelector("#policy-uncovered");
    const hostile = '<img src=x onerror="window.__xss=1">';
    await choose(page, "x.json", pack((p) => ((p.title = hostile), (p.note = hostile))));
    assert.ok(((await page.textContent("#policy-chosen-ok")) ?? "").includes(hostile));
    await page.click("#policy-write");
    await waitOnlyRdGap(page);
    assert.ok(((await page.textContent("#policy-in-use-table")) ?? "").includes(hostile));
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    await choose(page, "重叠.json", pack((p) => ((p.id = "overlap"), (p.period = { from: "2024-07-01", to: "2025-06-30" }))));
    assert.match((await page.textContent("#policy-chosen-clash")) ?? "", /有效期重叠/);
    assert.ok(await page.isDisabled("#policy-write"));
    assert.deepEqual(log.pageErrors, []);
    await page.context().close();
  });
});

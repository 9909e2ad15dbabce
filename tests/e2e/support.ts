/**
 * End-to-end support: builds the pane once (when dist/ is missing or older than its
 * sources), serves dist/ from a tiny static server on 127.0.0.1, and drives Debian's
 * Chromium through playwright-core. Never downloads a browser.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import * as path from "node:path";
import { Browser, chromium, ConsoleMessage, Dialog, Page, Request } from "playwright-core";

export const ROOT = path.resolve(__dirname, "../..");
/** KJ_DIST points the tests at an already built copy (no build is run then). */
export const DIST = process.env.KJ_DIST ? path.resolve(process.env.KJ_DIST) : path.join(ROOT, "dist");
export const CHROMIUM = "/usr/bin/chromium";
export const SCREENSHOT_DIR = path.join(ROOT, "docs", "screenshots");

/** Sources whose change means the bundle must be rebuilt. */
const SOURCE_DIRS = ["taskpane", "src", "samples", "functions"];
const SOURCE_FILES = ["webpack.config.js", "package.json"];

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(p)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

let built = false;

/** Runs `webpack --mode production` unless dist/taskpane.html is newer than every source. */
export function ensureBuilt(): void {
  if (built) return;
  if (process.env.KJ_DIST) {
    if (!fs.existsSync(path.join(DIST, "taskpane.html"))) throw new Error(`KJ_DIST=${DIST} 中没有 taskpane.html`);
    built = true;
    return;
  }
  const html = path.join(DIST, "taskpane.html");
  const sources = Math.max(...SOURCE_DIRS.map((d) => newestMtime(path.join(ROOT, d))), ...SOURCE_FILES.map((f) => newestMtime(path.join(ROOT, f))));
  if (!fs.existsSync(html) || fs.statSync(html).mtimeMs < sources) {
    execFileSync(process.execPath, [path.join(ROOT, "node_modules", "webpack", "bin", "webpack.js"), "--mode", "production"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
      timeout: 600_000,
    });
    // webpack leaves an unchanged file untouched ("compared for emit"); mark the build as fresh.
    if (fs.existsSync(html)) fs.utimesSync(html, new Date(), new Date());
  }
  if (!fs.existsSync(html)) throw new Error("webpack 构建后没有 dist/taskpane.html");
  built = true;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".xml": "application/xml; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves `dir` on 127.0.0.1 at a random port; nothing outside `dir` is reachable. */
export function serveStatic(dir: string = DIST): Promise<StaticServer> {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const rel = decodeURIComponent(url.pathname).replace(/^\/+/, "") || "taskpane.html";
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        origin: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM);
}

export const SKIP_MESSAGE = `跳过浏览器端到端测试：未找到 ${CHROMIUM}（请安装 Debian 的 chromium 软件包）`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/** What a page did while a test drove it. */
export interface PageLog {
  dialogs: string[];
  console: { type: string; text: string }[];
  pageErrors: string[];
  requests: string[];
}

export interface OpenedPane {
  page: Page;
  log: PageLog;
}

/** Opens the pane (dist/taskpane.html) with a query string and waits until it is ready. */
export async function openPane(
  browser: Browser,
  origin: string,
  query = "",
  opts: {
    viewport?: { width: number; height: number };
    /** Runs in the page before any of its scripts. */
    initScript?: string;
    /** Serves this script instead of office-js/office.js (a fake Office for the Excel test). */
    officeJs?: string;
  } = {},
): Promise<OpenedPane> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 800 }, locale: "zh-CN" });
  if (opts.initScript) await context.addInitScript(opts.initScript);
  const page = await context.newPage();
  const officeJs = opts.officeJs;
  if (officeJs !== undefined) {
    await page.route("**/office-js/office.js", (route) => route.fulfill({ contentType: "text/javascript; charset=utf-8", body: officeJs }));
  }
  const log: PageLog = { dialogs: [], console: [], pageErrors: [], requests: [] };
  page.on("dialog", (d: Dialog) => {
    log.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  });
  page.on("console", (m: ConsoleMessage) => log.console.push({ type: m.type(), text: m.text() }));
  page.on("pageerror", (e: Error) => log.pageErrors.push(e.message));
  page.on("request", (r: Request) => log.requests.push(r.url()));
  await page.goto(`${origin}/taskpane.html${query}`);
  await page.waitForSelector("#app[aria-busy='false']", { timeout: 30_000 });
  return { page, log };
}

/**
 * Bundles a browser-side test script (TypeScript, with its imports) into one IIFE, with the
 * esbuild that tsx already brings along.
 */
export function browserScript(entry: string): string {
  const esbuild = require("esbuild") as typeof import("esbuild");
  const out = esbuild.buildSync({ entryPoints: [entry], bundle: true, write: false, format: "iife", platform: "browser", target: "es2020", logLevel: "silent" });
  return out.outputFiles[0].text;
}

/** Saves a screenshot to docs/screenshots/<name>.png when KJ_SCREENSHOTS=1. */
export async function maybeScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.KJ_SCREENSHOTS !== "1") return;
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.evaluate("document.querySelector('.pane')?.scrollTo(0, 0)");
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

/** Every row of a sheet as the grid shows it (all pages), each row as its cell texts. */
export async function gridRows(page: Page, sheet: string): Promise<string[][]> {
  await showGrid(page);
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

/** At task-pane width the demo folds the grid away: open it. */
export async function showGrid(page: Page): Promise<void> {
  if ((await page.isVisible("#demo-grid-toggle")) && !(await page.$eval("#app", (a) => a.classList.contains("grid-open")))) {
    await page.click("#demo-grid-toggle");
  }
}

/** True when the element is shown and lies wholly inside the viewport (no scrolling needed to reach it). */
export async function inView(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).boundingBox();
  const vp = page.viewportSize();
  if (!box || !vp || !(await page.isVisible(selector))) return false;
  return box.y >= 0 && box.x >= 0 && box.y + box.height <= vp.height && box.x + box.width <= vp.width;
}

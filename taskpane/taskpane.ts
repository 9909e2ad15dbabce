/**
 * The task pane's entry: finds its host (Excel, WPS or the browser demo), builds the seven
 * pages and the tab bar. Any failure is shown as a Chinese message on the page.
 */
import { dayFromLocalClock, DayNumber, formatDay } from "../src/dates";
import { SpreadsheetHost } from "../src/host/port";
import { ExcelHost } from "../src/host/excel";
import { WpsHost } from "../src/host/wps";
import { errorText, HostMode, Page, PaneContext, UserMessage } from "./context";
import { byId, el, replaceChildren } from "./dom";
import { detectEnvironment, Environment, fixtureFromSearch, modeOf } from "./detect";
import { createDemo } from "./demo/host";
import { DEMO_TODAY, demoWorkbook } from "./demo/fixtures";
import { parseDayText } from "./parts/date-field";
import { watchFarCells } from "./parts/far-cells";

/** The demo's date: ?today=YYYY-MM-DD, else the date of the demo data. */
function demoToday(search: string): DayNumber {
  return parseDayText(new URLSearchParams(search).get("today") ?? "") ?? DEMO_TODAY;
}

/** Below this width the demo shows the pane first and the grid only on demand (a task pane is about 350 px). */
const NARROW_DEMO = "(max-width: 760px)";
import { createValidatePage } from "./pages/validate";
import { createUpkeepPage } from "./pages/upkeep";
import { createTargetsPage } from "./pages/targets";
import { createAwardsPage } from "./pages/awards";
import { createRdSubsidyPage } from "./pages/rdsubsidy";
import { createPolicyPage } from "./pages/policy";
import { loadWorkbookPolicies } from "../functions/policies";
import { createTownsPage } from "./pages/towns";

const HOST_LABELS: Record<HostMode, string> = { excel: "Excel", wps: "WPS 表格", demo: "浏览器演示" };

interface Connected {
  host: SpreadsheetHost;
  /** Redraws the demo grid after edits; a no-op in Excel and WPS. */
  changed(): void;
  /** Today's day number: the browser clock in Excel and WPS, the demo data's date in the demo. */
  today(): DayNumber;
}

const browserToday = () => dayFromLocalClock(new Date());

async function connect(env: Environment): Promise<Connected> {
  switch (env.kind) {
    case "excel":
      return { host: new ExcelHost(), changed: () => undefined, today: browserToday };
    case "wps":
      return { host: new WpsHost(env.app), changed: () => undefined, today: browserToday };
    default: {
      const demo = createDemo(demoWorkbook(fixtureFromSearch(window.location.search)));
      const gridHost = byId("grid-host");
      gridHost.hidden = false;
      replaceChildren(gridHost, [demo.grid.root]);
      const today = demoToday(window.location.search);
      const banner = byId("demo-banner");
      const app = byId("app");
      // At task-pane width the pane comes first; the grid opens below it on demand.
      const toggle = el("button", { class: "btn btn-small grid-toggle", text: "显示表格", attrs: { type: "button", id: "demo-grid-toggle", "aria-controls": "grid-host", "aria-expanded": "false" } });
      const setGrid = (open: boolean) => {
        app.classList.toggle("grid-open", open);
        toggle.textContent = open ? "隐藏表格" : "显示表格";
        toggle.setAttribute("aria-expanded", String(open));
      };
      toggle.addEventListener("click", () => setGrid(!app.classList.contains("grid-open")));
      banner.appendChild(el("span", { class: "demo-date", text: `演示日期：${formatDay(today)}（?today=YYYY-MM-DD 可改）` }));
      banner.appendChild(toggle);
      banner.hidden = false;
      app.classList.add("demo");
      await demo.grid.refresh();
      let writes = 0;
      app.dataset.demoWrites = "0";
      const host: SpreadsheetHost = {
        ...demo.host,
        kind: demo.host.kind,
        // The demo counts the writes it is asked for (#app[data-demo-writes]), so anyone can see a preview wrote nothing.
        apply: async (edits, progress) => {
          if (edits.length > 0) app.dataset.demoWrites = String(++writes);
          await demo.host.apply(edits, progress);
        },
        // Going to a cell shows the grid, also when it is folded away at task-pane width.
        select: async (sheet, row, col) => {
          if (window.matchMedia(NARROW_DEMO).matches) setGrid(true);
          await demo.host.select(sheet, row, col);
        },
      };
      return { host, changed: () => void demo.grid.refresh().catch(reportUnexpected), today: () => today };
    }
  }
}

function buildTabs(pages: readonly Page[], initial: string): void {
  const tabBar = byId("tabs");
  const container = byId("pages");
  const tabs = pages.map((p) =>
    el("button", { class: "tab", text: p.title, attrs: { type: "button", role: "tab", id: `tab-${p.id}`, "aria-controls": `page-${p.id}`, "aria-selected": "false" } }),
  );
  replaceChildren(tabBar, tabs);
  replaceChildren(
    container,
    pages.map((p) => p.root),
  );
  for (const p of pages) {
    p.root.setAttribute("role", "tabpanel");
    p.root.setAttribute("aria-labelledby", `tab-${p.id}`);
  }
  const show = (id: string) => {
    pages.forEach((p, i) => {
      const on = p.id === id;
      p.root.hidden = !on;
      tabs[i].setAttribute("aria-selected", String(on));
      tabs[i].tabIndex = on ? 0 : -1;
    });
    const page = pages.find((p) => p.id === id);
    if (page) void Promise.resolve(page.shown()).catch(reportUnexpected);
  };
  tabs.forEach((t, i) => t.addEventListener("click", () => show(pages[i].id)));
  tabBar.addEventListener("keydown", (ev) => {
    const current = tabs.findIndex((t) => t.getAttribute("aria-selected") === "true");
    const delta = ev.key === "ArrowRight" ? 1 : ev.key === "ArrowLeft" ? -1 : 0;
    if (!delta || current < 0) return;
    const next = (current + delta + tabs.length) % tabs.length;
    show(pages[next].id);
    tabs[next].focus();
  });
  show(pages.some((p) => p.id === initial) ? initial : pages[0].id);
}

/** Last line of defence: anything not caught by a page's own handler is shown, in Chinese. */
function reportUnexpected(e: unknown): void {
  const box = document.getElementById("unexpected");
  if (!box) return;
  box.hidden = false;
  box.textContent = errorText(e);
}

async function main(): Promise<void> {
  window.addEventListener("unhandledrejection", (ev) => reportUnexpected(ev.reason));
  window.addEventListener("error", (ev) => reportUnexpected(ev.error ?? ev.message));
  const app = byId("app");
  try {
    const env = await detectEnvironment(window);
    const mode = modeOf(env);
    if (env.kind === "other-office") {
      throw new UserMessage(`本加载项用于 Excel 和 WPS 表格，当前宿主是 ${env.host}。`);
    }
    const connected = await connect(env);
    const ctx: PaneContext = {
      // Every page reads through it, so cells left out of a table are shown whichever page read them.
      host: watchFarCells(connected.host, byId("far-cells")),
      mode,
      today: connected.today,
      changed: connected.changed,
    };
    byId("host-label").textContent = HOST_LABELS[mode];
    app.dataset.mode = mode;
    // Excel runs the custom functions in this runtime: they compute with the packs stored in the workbook.
    if (mode === "excel") void loadWorkbookPolicies(ctx.host).catch(reportUnexpected);
    const pages = [createValidatePage(ctx), createUpkeepPage(ctx), createTargetsPage(ctx), createAwardsPage(ctx), createRdSubsidyPage(ctx), createPolicyPage(ctx), createTownsPage(ctx)];
    buildTabs(pages, window.location.hash.replace(/^#/, ""));
  } catch (e) {
    const fatal = byId("fatal");
    fatal.hidden = false;
    fatal.textContent = `任务窗格无法启动：${errorText(e)}`;
    byId("host-label").textContent = "未连接";
  } finally {
    app.setAttribute("aria-busy", "false");
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => void main());
else void main();

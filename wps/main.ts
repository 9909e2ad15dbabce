/**
 * The WPS 加载项 entry (index.html loads this bundle when WPS starts). It registers the KJ
 * functions and defines the ribbon callbacks that ribbon.xml names. WPS calls them as GLOBAL,
 * synchronous functions, so they are put on the global object by name.
 *
 * Each ribbon button opens the one KJ task pane at its page: taskpane.html#validate,
 * #upkeep, #targets, #awards or #rd. The pane is created once; later clicks navigate it.
 */
import { registerWpsFunctions, WpsFunctionRegistry } from "./functions";
import { wpsPolicySource } from "./policies";

/** Ribbon button id -> task pane page (the URL hash the pane reads). */
export const RIBBON_PAGES: Readonly<Record<string, string>> = {
  btnValidate: "validate",
  btnUpkeep: "upkeep",
  btnTargets: "targets",
  btnAwards: "awards",
  btnRdSubsidy: "rd",
};

const PANE_ID_KEY = "kj_taskpane_id";
const PANE_TITLE = "科技台账";
/** msoCTPDockPositionRight. */
const DOCK_RIGHT = 2;

const root: any = globalThis;

function wpsGlobal(): any {
  return root.wps;
}

/** The ET Application: `Application` in the add-in page, or wps.EtApplication() / wps.Application. */
function etApplication(): any {
  const w = wpsGlobal();
  if (w && typeof w.EtApplication === "function") {
    try {
      const app = w.EtApplication();
      if (app) return app;
    } catch {
      // Some builds expose a throwing accessor; the global Application follows.
    }
  }
  return root.Application ?? w?.Application;
}

let paneIdFallback: string | null = null;

function storage(): { getItem(k: string): any; setItem(k: string, v: any): void } {
  const s = wpsGlobal()?.PluginStorage ?? etApplication()?.PluginStorage;
  if (s && typeof s.getItem === "function") return s;
  return {
    getItem: () => paneIdFallback,
    setItem: (_k, v) => {
      paneIdFallback = v;
    },
  };
}

/** The task pane factory: WPS builds spell it CreateTaskPane or CreateTaskpane, on wps or Application. */
function createTaskPane(url: string): any {
  for (const owner of [wpsGlobal(), etApplication()]) {
    if (!owner) continue;
    for (const name of ["CreateTaskPane", "CreateTaskpane"]) {
      if (typeof owner[name] === "function") return owner[name](url, PANE_TITLE);
    }
  }
  throw new Error("此版本 WPS 不支持任务窗格（找不到 CreateTaskPane），请升级 WPS");
}

function getTaskPane(id: unknown): any {
  if (id === null || id === undefined || id === "") return null;
  for (const owner of [wpsGlobal(), etApplication()]) {
    for (const name of ["GetTaskPane", "GetTaskpane"]) {
      if (owner && typeof owner[name] === "function") {
        try {
          const pane = owner[name](id);
          if (pane) return pane;
        } catch {
          // A pane closed with its window is gone: a new one is created.
        }
      }
    }
  }
  return null;
}

/** The folder this page was loaded from, ending in "/". */
export function addinBaseUrl(href: string): string {
  const noHash = href.split("#")[0].split("?")[0];
  return noHash.slice(0, noHash.lastIndexOf("/") + 1);
}

/**
 * The pane URL of a page. The query makes each page a different URL, so navigating the open
 * pane reloads it at that page even where the pane reads its hash only at start.
 */
export function taskPaneUrl(base: string, page: string): string {
  return `${base}taskpane.html?page=${encodeURIComponent(page)}#${encodeURIComponent(page)}`;
}

/** Opens (or shows and navigates) the KJ task pane at a page. */
export function openTaskPane(page: string): void {
  const url = taskPaneUrl(addinBaseUrl(String(root.location?.href ?? "")), page);
  const store = storage();
  const existing = getTaskPane(store.getItem(PANE_ID_KEY));
  if (existing) {
    if (typeof existing.Navigate === "function") existing.Navigate(url);
    existing.Visible = true;
    return;
  }
  const pane = createTaskPane(url);
  store.setItem(PANE_ID_KEY, pane.ID);
  try {
    pane.DockPosition = DOCK_RIGHT;
  } catch {
    // Docking is cosmetic.
  }
  pane.Visible = true;
}

function tell(message: string): void {
  if (typeof root.alert === "function") root.alert(message);
}

// ---- ribbon callbacks (names used in ribbon.xml) --------------------------------------------

function OnAddinLoad(ribbonUI: unknown): boolean {
  const w = wpsGlobal();
  if (w && typeof w.ribbonUI !== "object") w.ribbonUI = ribbonUI;
  return true;
}

function OnAction(control: { Id?: string; id?: string }): boolean {
  const page = RIBBON_PAGES[String(control?.Id ?? control?.id ?? "")];
  if (!page) return true;
  try {
    openTaskPane(page);
  } catch (e) {
    // WPS's own failures come in English: say first, in Chinese, what did not work.
    tell(`无法打开科技台账任务窗格：${e instanceof Error ? e.message : String(e)}`);
  }
  return true;
}

function GetImage(control: { Id?: string; id?: string }): string {
  const page = RIBBON_PAGES[String(control?.Id ?? control?.id ?? "")];
  return `images/${page ?? "kj"}.svg`;
}

function OnGetEnabled(): boolean {
  return true;
}

Object.assign(root, { OnAddinLoad, OnAction, GetImage, OnGetEnabled });

/** The functions are registered as soon as WPS loads the add-in page. */
export const REGISTERED_FUNCTIONS: string[] = (() => {
  try {
    // The functions compute with the packs stored in the active workbook (KJ政策 sheet).
    return registerWpsFunctions(wpsGlobal() as WpsFunctionRegistry | undefined, undefined, wpsPolicySource(etApplication));
  } catch (e) {
    // The ribbon and the pane keep working without the functions.
    if (typeof console !== "undefined") console.error("KJ 函数注册失败", e);
    return [];
  }
})();

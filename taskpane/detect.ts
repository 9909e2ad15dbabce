/**
 * Which spreadsheet the pane runs in. WPS 表格 exposes its ET object model as window.Application
 * (or window.wps); Office exposes Office.js, whose onReady says the host; anything else (a plain
 * browser) gets the browser demo after a short wait.
 */
import { HostMode } from "./context";

/** How long to wait for Office.onReady before deciding this is a plain browser. */
export const OFFICE_WAIT_MS = 1500;

export type Environment =
  /** WPS: `app` is the ET Application object. */
  | { kind: "wps"; app: unknown }
  | { kind: "excel" }
  /** Office.js answered but the host is not Excel (Word, Outlook...). */
  | { kind: "other-office"; host: string }
  | { kind: "browser" };

interface OfficeLike {
  onReady(): Promise<{ host: unknown; platform?: unknown }>;
  HostType?: { Excel?: unknown };
}

/** Reads a property that some WPS builds expose as a method. */
function prop(obj: unknown, name: string): unknown {
  if (obj === null || (typeof obj !== "object" && typeof obj !== "function")) return undefined;
  try {
    const v = (obj as Record<string, unknown>)[name];
    return v;
  } catch {
    return undefined;
  }
}

/** The WPS ET Application object when the page runs inside WPS 表格, else null. */
export function wpsApplication(win: unknown): unknown {
  const wps = prop(win, "wps");
  const fromWps = prop(wps, "EtApplication");
  if (typeof fromWps === "function") {
    try {
      const app = (fromWps as () => unknown).call(wps);
      if (looksLikeEt(app)) return app;
    } catch {
      /* not ET */
    }
  }
  const app = prop(win, "Application");
  if (looksLikeEt(app)) return app;
  if (looksLikeEt(wps)) return wps;
  return null;
}

/** The ET object model has workbooks and worksheets (WPS 文字 has documents instead); Office.js has neither on window. */
function looksLikeEt(app: unknown): boolean {
  if (app === null || app === undefined) return false;
  const has = (name: string) => prop(app, name) !== undefined;
  return (has("Workbooks") || has("ActiveWorkbook")) && (has("ActiveSheet") || has("Worksheets"));
}

/**
 * Decides the environment: WPS first (its pane may also have Office.js loaded as a page
 * script), then Office.onReady with a timeout, else the browser.
 */
export async function detectEnvironment(win: unknown, waitMs = OFFICE_WAIT_MS): Promise<Environment> {
  const app = wpsApplication(win);
  if (app) return { kind: "wps", app };
  const office = prop(win, "Office") as OfficeLike | undefined;
  if (!office || typeof office.onReady !== "function") return { kind: "browser" };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), waitMs);
  });
  let info: { host: unknown } | null = null;
  try {
    info = await Promise.race([office.onReady(), timeout]);
  } catch {
    info = null;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
  if (!info || info.host === null || info.host === undefined) return { kind: "browser" };
  const excel = office.HostType?.Excel ?? "Excel";
  if (info.host === excel || info.host === "Excel") return { kind: "excel" };
  return { kind: "other-office", host: String(info.host) };
}

export function modeOf(env: Environment): HostMode {
  return env.kind === "wps" ? "wps" : env.kind === "excel" ? "excel" : "demo";
}

/** Demo fixtures a URL may ask for (?fixture=...). Anything else gives the sample ledger. */
export const FIXTURES = ["sample", "xss", "large", "columns", "empty", "partial", "farcell"] as const;
export type FixtureName = (typeof FIXTURES)[number];

export function fixtureFromSearch(search: string): FixtureName {
  const v = new URLSearchParams(search).get("fixture");
  return (FIXTURES as readonly string[]).includes(v ?? "") ? (v as FixtureName) : "sample";
}

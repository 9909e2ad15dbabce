/**
 * What every page of the pane shares: the host it runs on, today's date (from the browser
 * clock: the pane is a host, the core never reads the clock) and a hook to redraw the demo grid.
 */
import { DayNumber } from "../src/dates";
import { isKjError } from "../src/errors";
import { Edit, SpreadsheetHost } from "../src/host/port";
import { replaceChildren } from "./dom";
import { Busy } from "./parts/action-bar";

export type HostMode = "excel" | "wps" | "demo";

export interface PaneContext {
  host: SpreadsheetHost;
  mode: HostMode;
  /** Today's day number, read from the browser clock each time it is asked. */
  today(): DayNumber;
  /** Called after edits were applied, so the demo grid (if any) redraws. */
  changed(): void;
}

export interface Page {
  /** Tab label. */
  title: string;
  /** Short id used in element ids and tests: validate, upkeep, targets, awards. */
  id: string;
  root: HTMLElement;
  /** Called whenever the tab becomes visible (refresh sheet lists etc.). */
  shown(): void | Promise<void>;
}

/** An expected situation the user can fix, thrown with a message written for the clerk. */
export class UserMessage extends Error {}

/** Plain-Chinese text for any error: KjError and UserMessage texts are already written for the clerk. */
export function errorText(e: unknown): string {
  if (isKjError(e) || e instanceof UserMessage) return e.message;
  const msg = e instanceof Error ? e.message : String(e);
  return `操作未完成：${msg || "未知错误"}。请检查工作簿后重试。`;
}

export type NoticeKind = "info" | "success" | "error";

/** The outcome of a page's last action, in its action bar; errors are announced to screen readers. */
export function showNotice(target: HTMLElement, kind: NoticeKind, text: string, ...extra: Node[]): void {
  target.className = `notice notice-${kind}`;
  target.setAttribute("role", kind === "error" ? "alert" : "status");
  target.hidden = text === "";
  replaceChildren(target, [text, ...extra]);
}

/**
 * Runs one user action: disables the given buttons while it runs and turns any failure
 * into a Chinese message in `notice` (never an uncaught exception).
 */
export async function runAction(
  buttons: readonly HTMLButtonElement[],
  notice: HTMLElement,
  action: () => Promise<void>,
  /** Recomputes which buttons are enabled once the action is over. */
  settle?: () => void,
): Promise<void> {
  const wasDisabled = buttons.map((b) => b.disabled);
  for (const b of buttons) b.disabled = true;
  try {
    await action();
  } catch (e) {
    showNotice(notice, "error", errorText(e));
  } finally {
    buttons.forEach((b, i) => (b.disabled = wasDisabled[i]));
    settle?.();
  }
}

/** What runs one page's actions: each click handler it makes shows the busy line while its action runs. */
export interface Runner {
  /** A click handler: ignored while another action of the page runs. */
  (busyText: string, action: () => Promise<void>): () => void;
  /** Runs an action now (e.g. when the page opens); resolves when it is over. */
  now(busyText: string, action: () => Promise<void>): Promise<void>;
}

/**
 * One action at a time per page, each with the busy line saying what is going on: the page's
 * buttons are disabled meanwhile, a failure becomes a Chinese message in `notice`, and
 * `settle` recomputes which buttons are enabled once it is over.
 * Example: const run = actionRunner(buttons, notice, bar.busy, settle); button.onclick = run("正在校验…", validate);
 */
export function actionRunner(buttons: readonly HTMLButtonElement[], notice: HTMLElement, busy: Busy, settle?: () => void): Runner {
  let running: Promise<void> | null = null;
  const now = (busyText: string, action: () => Promise<void>): Promise<void> => {
    if (running) return running;
    busy.start(busyText);
    running = runAction(buttons, notice, action, () => {
      running = null;
      busy.stop();
      settle?.();
    });
    return running;
  };
  const runner = ((busyText: string, action: () => Promise<void>) => () => void now(busyText, action)) as Runner;
  runner.now = now;
  return runner;
}

/** Applies edits with the busy line counting the chunks written (Excel reports progress per chunk). */
export async function applyEdits(ctx: PaneContext, edits: readonly Edit[], busy: Busy): Promise<void> {
  busy.start("正在写入工作簿…");
  await ctx.host.apply(edits, (done, total) => {
    if (total > 1) busy.progress(done, total, "正在写入工作簿");
  });
  ctx.changed();
}

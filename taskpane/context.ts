/**
 * What every page of the pane shares: the host it runs on, today's date (from the browser
 * clock: the pane is a host, the core never reads the clock) and a hook to redraw the demo grid.
 */
import { DayNumber } from "../src/dates";
import { isKjError } from "../src/errors";
import { SpreadsheetHost } from "../src/host/port";
import { replaceChildren } from "./dom";

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

/** A message line under a page's buttons; errors are announced to screen readers. */
export function showNotice(target: HTMLElement, kind: NoticeKind, text: string): void {
  target.className = `notice notice-${kind}`;
  target.setAttribute("role", kind === "error" ? "alert" : "status");
  target.hidden = text === "";
  replaceChildren(target, [text]);
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

/**
 * One action at a time per page: wraps actions for click handlers so that a click while an
 * earlier action still runs is ignored; each action goes through runAction.
 * Example: const guarded = oneAtATime([runButton], notice); runButton.onclick = guarded(run);
 */
export function oneAtATime(
  buttons: readonly HTMLButtonElement[],
  notice: HTMLElement,
  /** Recomputes which buttons are enabled once an action is over. */
  settle?: () => void,
): (action: () => Promise<void>) => () => void {
  let busy = false;
  return (action) => () => {
    if (busy) return;
    busy = true;
    void runAction(buttons, notice, action, () => {
      busy = false;
      settle?.();
    });
  };
}

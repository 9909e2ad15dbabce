/**
 * The sticky action bar every page ends with: it stays at the bottom of the pane however long
 * the list above it, so the page's primary action and its undo are always in reach.
 *
 *   ┌───────────────────────────────────────────────┐
 *   │ notice: 已把 2 家企业移到“调出记录” …          │  outcome of the last action
 *   │ status: 建议调出 62 家 · 已选 2 家             │  what the page found / what is chosen
 *   │ 写入工作簿：在“企业培育库”BA、BB 列写入 …       │  what the write step will write where
 *   │ ▸ 正在写入 3 / 10 …  ▬▬▬▬▬▬                   │  busy line (only while an action runs)
 *   │ [主要操作] [次要操作] … [撤销]                 │  buttons
 *   └───────────────────────────────────────────────┘
 *
 * A destructive action first asks here, in the pane (Office add-ins may not open window.confirm):
 * the bar shows the question and the full list of what will change, with 确认 and 取消.
 */
import { el, replaceChildren } from "../dom";

type Child = Node | string | null | undefined | false;

export interface Busy {
  /** Shows the busy line with what is being done ("正在读取工作簿…"). */
  start(text: string): void;
  /** Updates the busy line with a count (done of total), e.g. while writing in chunks. */
  progress(done: number, total: number, text: string): void;
  stop(): void;
  readonly active: boolean;
}

export interface ConfirmOptions {
  /** The question, e.g. "把以下 2 家企业移到“调出记录”？". */
  question: string;
  /** Everything that will change, one line each (names as typed in the ledger). */
  items: readonly string[];
  /** What happens and how to take it back, e.g. "可点“撤销上次移出”放回原处。". */
  note?: string;
  confirmText: string;
  cancelText?: string;
}

export interface ActionBar {
  root: HTMLElement;
  /** The count line: what the page found, what is chosen. */
  setStatus(children: readonly Child[]): void;
  /** The write step's line: what "写入工作簿" will write where; null hides it. */
  setWrite(text: string | null): void;
  busy: Busy;
  /** Asks in the bar before a destructive action; resolves true when the clerk confirms. */
  confirm(opts: ConfirmOptions): Promise<boolean>;
}

/**
 * Builds a page's action bar around its buttons (primary first, undo last) and the page's
 * notice (the outcome of the last action), so both stay in view.
 * Example: const bar = actionBar("upkeep", [removeButton, writeButton, undoButton], notice);
 */
export function actionBar(id: string, buttons: readonly HTMLButtonElement[], notice: HTMLElement): ActionBar {
  const status = el("div", { class: "bar-status", attrs: { id: `${id}-status`, role: "status", "aria-live": "polite" } });
  const write = el("div", { class: "bar-write", attrs: { id: `${id}-write-what` } });
  write.hidden = true;
  const busyText = el("span", { class: "busy-text", attrs: { id: `${id}-busy-text` } });
  const busyBar = el("progress", { attrs: { id: `${id}-busy-progress`, max: "1" } });
  const busyLine = el("div", { class: "busy", attrs: { id: `${id}-busy`, role: "status", "aria-live": "polite" } }, [el("span", { class: "spinner", attrs: { "aria-hidden": "true" } }), busyText, busyBar]);
  busyLine.hidden = true;
  const buttonRow = el("div", { class: "bar-buttons" }, buttons);
  const confirmBox = el("div", { class: "confirm", attrs: { id: `${id}-confirm`, role: "alertdialog", "aria-modal": "false" } });
  confirmBox.hidden = true;
  const root = el("div", { class: "action-bar", attrs: { id: `${id}-bar`, role: "region", "aria-label": "操作" } }, [notice, status, write, busyLine, confirmBox, buttonRow]);

  let active = false;
  const busy: Busy = {
    start(text) {
      active = true;
      busyText.textContent = text;
      busyBar.removeAttribute("value");
      busyLine.hidden = false;
      root.setAttribute("aria-busy", "true");
    },
    progress(done, total, text) {
      busyText.textContent = `${text} ${done} / ${total}`;
      busyBar.max = Math.max(1, total);
      busyBar.value = Math.min(done, total);
    },
    stop() {
      active = false;
      busyLine.hidden = true;
      root.setAttribute("aria-busy", "false");
    },
    get active() {
      return active;
    },
  };

  let pending: ((ok: boolean) => void) | null = null;
  function confirm(opts: ConfirmOptions): Promise<boolean> {
    pending?.(false);
    const yes = el("button", { class: "btn btn-danger", text: opts.confirmText, attrs: { type: "button", id: `${id}-confirm-yes` } });
    const no = el("button", { class: "btn", text: opts.cancelText ?? "取消", attrs: { type: "button", id: `${id}-confirm-no` } });
    const questionId = `${id}-confirm-question`;
    confirmBox.setAttribute("aria-labelledby", questionId);
    replaceChildren(confirmBox, [
      el("p", { class: "confirm-question", text: opts.question, attrs: { id: questionId } }),
      el(
        "ol",
        { class: "confirm-items", attrs: { id: `${id}-confirm-items` } },
        opts.items.map((t) => el("li", { text: t })),
      ),
      opts.note ? el("p", { class: "hint", text: opts.note }) : null,
      el("div", { class: "bar-buttons" }, [yes, no]),
    ]);
    confirmBox.hidden = false;
    buttonRow.hidden = true;
    const writeShown = !write.hidden;
    write.hidden = true;
    // The safe choice has the focus: Enter alone never removes anything.
    no.focus();
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        pending = null;
        confirmBox.hidden = true;
        buttonRow.hidden = false;
        write.hidden = !writeShown;
        replaceChildren(confirmBox);
        resolve(ok);
      };
      pending = done;
      yes.addEventListener("click", () => done(true));
      no.addEventListener("click", () => done(false));
      confirmBox.addEventListener("keydown", (ev) => {
        if ((ev as KeyboardEvent).key === "Escape") done(false);
      });
    });
  }

  return {
    root,
    setStatus: (children) => replaceChildren(status, children),
    setWrite: (text) => {
      write.hidden = text === null;
      replaceChildren(write, text === null ? [] : [el("strong", { text: "写入工作簿：" }), text]);
    },
    busy,
    confirm,
  };
}

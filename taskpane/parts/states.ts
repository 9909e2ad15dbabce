/**
 * Honest states: what a page says when it has nothing to work on, or only part of it. An
 * unrecognised or partial ledger is said in red with the headers it needs (and the other
 * names each may be written as); nothing looks like success next to an error.
 */
import { kindDef, LedgerKind } from "../../src/ledger/catalogue";
import { headerHint, headersNeeded, PartialLedger } from "../../src/ledger/mapping";
import { columnLetter } from "../../src/text";
import { el } from "../dom";

type Child = Node | string | null | undefined | false;

export type StateKind = "error" | "warning" | "info";

/** A boxed message: a bold first line and what to do about it. */
export function stateBox(kind: StateKind, title: string, children: readonly Child[] = [], id?: string): HTMLElement {
  return el("div", { class: `state state-${kind}`, attrs: { role: kind === "error" ? "alert" : "status", ...(id ? { id } : {}) } }, [el("p", { class: "state-title", text: title }), ...children]);
}

/** The headers a ledger of this kind needs, one per line with its other names. */
export function neededHeaderList(kind: LedgerKind): HTMLElement {
  return el(
    "ul",
    { class: "needed-headers" },
    headersNeeded(kindDef(kind)).map((f) => el("li", { text: headerHint(f), attrs: { "data-field": f.name } })),
  );
}

/** A sheet whose header has some of a ledger's columns but not enough: what it has, what it lacks. */
export function partialLedgerBox(sheet: string, p: PartialLedger, id?: string): HTMLElement {
  const def = kindDef(p.kind);
  return stateBox(
    "error",
    `“${sheet}”未能识别为${def.title}台账：表头（第 ${p.headerRow} 行）不全。`,
    [
      el("p", { text: `已找到：${p.found.map((h) => `${columnLetter(h.col)} 列“${h.text}”`).join("、")}。还需要这些列（表头写法任选其一）：` }),
      el(
        "ul",
        { class: "needed-headers" },
        p.missing.map((f) => el("li", { text: headerHint(f), attrs: { "data-field": f.name } })),
      ),
      el("p", { class: "hint", text: "在表头中补上这些列后，点“刷新列表”。" }),
    ],
    id,
  );
}

/** The workbook has no ledger of this kind: say so, list the headers it needs, and any sheet that comes close. */
export function missingLedgerBox(kind: LedgerKind, partials: readonly { sheet: string; partial: PartialLedger }[], consequence: string, id?: string): HTMLElement {
  const def = kindDef(kind);
  return stateBox(
    "error",
    `工作簿中没有可识别的${def.title}台账，${consequence}`,
    [
      ...partials.map((p) => partialLedgerBox(p.sheet, p.partial)),
      partials.length === 0 ? el("p", { text: `${def.title}台账的表头（前 10 行内的一行）需含这些列（写法任选其一）：` }) : null,
      partials.length === 0 ? neededHeaderList(kind) : null,
    ],
    id,
  );
}

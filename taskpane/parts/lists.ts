/**
 * List pieces the pages share: a cell reference the clerk can click to go to the cell, the
 * "N 个单元格无法读取" line that opens onto those cells, and filter chips (by reason, by column).
 * Every text from the workbook goes in through textContent (see dom.ts).
 */
import { el, replaceChildren } from "../dom";

/** One cell a finding is about. */
export interface CellRef {
  sheet: string;
  /** 1-based sheet row; 0 for the whole sheet. */
  row: number;
  /** 1-based column; 0 when the finding is about a missing column (shown on the header row). */
  col: number;
  /** "B14", or "第 2 行" / "表头" when there is no one cell. */
  where: string;
  /** The column's standard name, or the row's name (企业名称). */
  label: string;
  /** The column's standard name, for filters (when label is the row's name). */
  field?: string;
  message: string;
  severity: "error" | "warning";
}

/** A finding as a button: where it is, which column, what is wrong. Clicking selects the cell. */
export function cellButton(ref: CellRef, select: (ref: CellRef) => void, showSheet = false): HTMLButtonElement {
  const b = el("button", {
    class: `issue issue-${ref.severity}`,
    attrs: { type: "button", "data-cell": ref.col > 0 ? ref.where : "", "data-row": String(ref.row), "data-sheet": ref.sheet, "data-severity": ref.severity },
  }, [
    el("span", { class: "issue-where", text: showSheet ? `${ref.sheet}!${ref.where}` : ref.where }),
    el("span", { class: "issue-field", text: ref.label }),
    el("span", { class: "issue-msg", text: ref.message }),
  ]);
  if (ref.row > 0) b.addEventListener("click", () => select(ref));
  else b.disabled = true;
  return b;
}

/**
 * "3 个单元格无法读取，相关行未计入" that opens onto the list of those cells, each clickable.
 * Nothing at all when there are none.
 */
export function unreadableCells(id: string, refs: readonly CellRef[], consequence: string, select: (ref: CellRef) => void): HTMLElement | null {
  if (refs.length === 0) return null;
  const sheets = new Set(refs.map((r) => r.sheet));
  return el("details", { class: "unreadable", attrs: { id } }, [
    el("summary", { text: `${refs.length} 个单元格无法读取，${consequence}（点开查看，点单元格可定位）` }),
    el(
      "ul",
      { class: "flag-list" },
      refs.map((r) => el("li", {}, [cellButton(r, select, sheets.size > 1)])),
    ),
  ]);
}

export interface FilterOption {
  key: string;
  label: string;
  count: number;
}

export interface Filter {
  root: HTMLElement;
  /** The key chosen; "" = all. */
  value(): string;
  /** Redraws the chips for new options, keeping the choice when it still exists. */
  update(options: readonly FilterOption[], total: number): void;
}

/**
 * Filter chips: 全部 N · reason A n · reason B m. One is chosen at a time; `changed` redraws the list.
 * Hidden when there is only one option (nothing to filter).
 */
export function filterChips(id: string, title: string, changed: () => void): Filter {
  const root = el("div", { class: "chips", attrs: { id, role: "group", "aria-label": title } });
  let chosen = "";
  function update(options: readonly FilterOption[], total: number): void {
    if (!options.some((o) => o.key === chosen)) chosen = "";
    root.hidden = options.length < 2;
    const all: FilterOption = { key: "", label: "全部", count: total };
    replaceChildren(
      root,
      [el("span", { class: "chips-title", text: title }), ...[all, ...options].map((o) => {
        const b = el("button", { class: "chip", attrs: { type: "button", "data-key": o.key, "aria-pressed": String(o.key === chosen) } }, [
          el("span", { class: "chip-label", text: o.label }),
          el("span", { class: "chip-count", text: String(o.count) }),
        ]);
        b.addEventListener("click", () => {
          chosen = o.key;
          for (const c of root.querySelectorAll("button.chip")) c.setAttribute("aria-pressed", String(c === b));
          changed();
        });
        return b;
      })],
    );
  }
  return { root, value: () => chosen, update };
}

/** Options counted from items, each item in one or more groups, largest group first. */
export function countBy<T>(items: readonly T[], keys: (item: T) => readonly { key: string; label: string }[]): FilterOption[] {
  const m = new Map<string, FilterOption>();
  for (const it of items) {
    const seen = new Set<string>();
    for (const k of keys(it)) {
      if (seen.has(k.key)) continue;
      seen.add(k.key);
      const o = m.get(k.key) ?? { key: k.key, label: k.label, count: 0 };
      o.count++;
      m.set(k.key, o);
    }
  }
  return [...m.values()].sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : 1));
}

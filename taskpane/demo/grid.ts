/**
 * The browser demo's spreadsheet view: sheet tabs, column letters, row numbers, cell text,
 * fill colours and notes (as tooltips). It renders one page of rows at a time so a
 * 10,000-row sheet stays fast, and it shows the host's selection (highlight + scroll).
 * Cell text is set with textContent only.
 */
import { formatDay, dayFromDate } from "../../src/dates";
import { CellValue } from "../../src/ledger/cells";
import { SheetSnapshot } from "../../src/host/port";
import { columnLetter } from "../../src/text";
import { el, replaceChildren } from "../dom";

/** Rows per page of the grid. */
export const GRID_PAGE_ROWS = 200;

/** What the grid needs from the demo workbook. */
export interface GridSource {
  listSheets(): Promise<string[]>;
  readSheet(name: string): Promise<SheetSnapshot>;
  /** How a cell looks beyond its value, when the workbook says so. */
  cellLook(sheet: string, row: number, col: number): CellLook | null;
}

export interface CellLook {
  /** Fill colour "#RRGGBB". */
  fill?: string | null;
  note?: string | null;
  /** Number format ("0.0%", "0.00"). */
  format?: string | null;
  /** Colour of a data bar over this cell (its value is a 0..1 ratio). */
  bar?: string | null;
}

export interface Selection {
  sheet: string;
  row: number;
  col: number;
}

export class DemoGrid {
  readonly root: HTMLElement;
  private readonly tabs: HTMLElement;
  private readonly nameBox: HTMLElement;
  private readonly pageInfo: HTMLElement;
  private readonly prevButton: HTMLButtonElement;
  private readonly nextButton: HTMLButtonElement;
  private readonly scroller: HTMLElement;
  private sheet = "";
  private firstRowShown = 1;
  private snapshot: SheetSnapshot | null = null;
  private selection: Selection | null = null;
  /** Serialises redraws: a later request waits for the one before it. */
  private drawing: Promise<void> = Promise.resolve();

  constructor(private readonly source: GridSource) {
    this.tabs = el("div", { class: "grid-tabs", attrs: { role: "tablist", id: "grid-tabs", "aria-label": "工作表" } });
    this.nameBox = el("span", { class: "name-box", attrs: { id: "grid-name-box", "aria-live": "polite" } });
    this.pageInfo = el("span", { class: "muted", attrs: { id: "grid-page-info" } });
    this.prevButton = el("button", { class: "btn", text: "上一页", attrs: { type: "button", id: "grid-prev" } });
    this.nextButton = el("button", { class: "btn", text: "下一页", attrs: { type: "button", id: "grid-next" } });
    this.scroller = el("div", { class: "grid-scroller", attrs: { id: "grid-scroller", tabindex: "0" } });
    this.prevButton.addEventListener("click", () => void this.showPage(this.firstRowShown - GRID_PAGE_ROWS));
    this.nextButton.addEventListener("click", () => void this.showPage(this.firstRowShown + GRID_PAGE_ROWS));
    this.root = el("div", { class: "demo-grid", attrs: { id: "demo-grid" } }, [
      el("div", { class: "grid-toolbar" }, [this.nameBox, el("span", { class: "spacer" }), this.pageInfo, this.prevButton, this.nextButton]),
      this.scroller,
      this.tabs,
    ]);
  }

  get activeSheet(): string {
    return this.sheet;
  }

  /** Re-reads the current sheet (after edits) and redraws tabs and the current page. */
  refresh(): Promise<void> {
    return this.queue(async () => {
      const names = await this.source.listSheets();
      if (!names.includes(this.sheet)) this.sheet = names[0] ?? "";
      this.renderTabs(names);
      await this.load();
    });
  }

  /** Shows a sheet from its first row. */
  showSheet(name: string): Promise<void> {
    return this.queue(async () => {
      this.sheet = name;
      this.firstRowShown = 1;
      this.renderTabs(await this.source.listSheets());
      await this.load();
    });
  }

  /** Selects one cell: switches sheet and page as needed, highlights it and scrolls to it. */
  select(sel: Selection): Promise<void> {
    return this.queue(async () => {
      this.selection = sel;
      const switched = sel.sheet !== this.sheet;
      const page = pageStart(sel.row);
      if (switched || page !== this.firstRowShown) {
        this.sheet = sel.sheet;
        this.firstRowShown = page;
        this.renderTabs(await this.source.listSheets());
        await this.load();
      } else {
        this.highlight();
      }
      this.scrollToSelection();
    });
  }

  private showPage(firstRow: number): Promise<void> {
    return this.queue(async () => {
      this.firstRowShown = Math.max(1, firstRow);
      this.renderTable();
    });
  }

  private queue(work: () => Promise<void>): Promise<void> {
    this.drawing = this.drawing.then(work, work);
    return this.drawing;
  }

  private renderTabs(names: readonly string[]): void {
    replaceChildren(
      this.tabs,
      names.map((n) => {
        const tab = el("button", { class: "grid-tab", text: n, attrs: { type: "button", role: "tab", "aria-selected": String(n === this.sheet), "data-sheet": n } });
        tab.addEventListener("click", () => void this.showSheet(n));
        return tab;
      }),
    );
  }

  private async load(): Promise<void> {
    this.snapshot = this.sheet ? await this.source.readSheet(this.sheet) : null;
    this.renderTable();
  }

  private renderTable(): void {
    const snap = this.snapshot;
    const lastRow = snap ? snap.firstRow + snap.values.length - 1 : 0;
    const width = snap ? snap.values.reduce((w, r) => Math.max(w, r.length), 0) : 0;
    const lastCol = snap && width > 0 ? snap.firstCol + width - 1 : 0;
    const totalRows = Math.max(lastRow, 1);
    if (this.firstRowShown > totalRows) this.firstRowShown = pageStart(totalRows);
    const from = this.firstRowShown;
    const to = Math.min(totalRows, from + GRID_PAGE_ROWS - 1);
    const cols = Math.max(lastCol, 8);

    const head = el("tr", {}, [el("th", { class: "corner" })]);
    for (let c = 1; c <= cols; c++) head.appendChild(el("th", { text: columnLetter(c), attrs: { scope: "col" } }));
    const body = el("tbody");
    for (let r = from; r <= to; r++) {
      const tr = el("tr", {}, [el("th", { text: String(r), attrs: { scope: "row" } })]);
      for (let c = 1; c <= cols; c++) tr.appendChild(this.cell(snap, r, c));
      body.appendChild(tr);
    }
    replaceChildren(this.scroller, [el("table", { class: "sheet-table", attrs: { "data-sheet": this.sheet } }, [el("thead", {}, [head]), body])]);
    this.pageInfo.textContent = `第 ${from}–${to} 行，共 ${lastRow} 行`;
    this.prevButton.disabled = from <= 1;
    this.nextButton.disabled = to >= totalRows;
    this.highlight();
  }

  private cell(snap: SheetSnapshot | null, row: number, col: number): HTMLTableCellElement {
    const td = el("td", { attrs: { "data-cell": `${columnLetter(col)}${row}` } });
    if (!snap) return td;
    const r = row - snap.firstRow;
    const c = col - snap.firstCol;
    const value = r >= 0 && c >= 0 ? snap.values[r]?.[c] : null;
    const formula = r >= 0 && c >= 0 ? snap.formulas?.[r]?.[c] ?? null : null;
    const look = this.source.cellLook(this.sheet, row, col);
    td.textContent = displayValue(value ?? null, look?.format) || (formula ?? "");
    if (typeof value === "number") {
      td.className = "num";
      if (look?.bar) {
        const pct = Math.max(0, Math.min(100, value * 100));
        td.style.backgroundImage = `linear-gradient(90deg, ${look.bar} ${pct}%, transparent ${pct}%)`;
      }
    }
    const tips: string[] = [];
    if (formula) tips.push(formula);
    if (look?.fill) td.style.backgroundColor = look.fill;
    if (look?.note) {
      tips.push(look.note);
      td.classList.add("has-note");
    }
    if (tips.length) td.title = tips.join("\n");
    return td;
  }

  private highlight(): void {
    for (const old of this.scroller.querySelectorAll(".selected")) {
      old.classList.remove("selected");
      old.removeAttribute("aria-selected");
    }
    const sel = this.selection;
    if (!sel || sel.sheet !== this.sheet) {
      this.nameBox.textContent = this.sheet;
      return;
    }
    const address = `${columnLetter(sel.col)}${sel.row}`;
    this.nameBox.textContent = `${sel.sheet}!${address}`;
    const td = this.scroller.querySelector(`td[data-cell="${address}"]`);
    if (td) {
      td.classList.add("selected");
      td.setAttribute("aria-selected", "true");
    }
  }

  private scrollToSelection(): void {
    const td = this.scroller.querySelector("td.selected");
    if (td) td.scrollIntoView({ block: "center", inline: "center" });
  }
}

function pageStart(row: number): number {
  return Math.floor((Math.max(1, row) - 1) / GRID_PAGE_ROWS) * GRID_PAGE_ROWS + 1;
}

/**
 * What a cell shows: dates as yyyy-mm-dd, errors as their code, booleans as TRUE/FALSE,
 * numbers through simple number formats ("0.0%", "0.00", "0") or with at most 10 digits.
 */
export function displayValue(v: CellValue, format?: string | null): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) {
    const d = dayFromDate(v);
    return d === null ? "" : formatDay(d);
  }
  if (typeof v === "object") return v.error;
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (typeof v === "number") return formatNumber(v, format);
  return v;
}

function formatNumber(v: number, format?: string | null): string {
  const m = format ? /^0(?:\.(0+))?(%?)$/.exec(format.trim()) : null;
  if (m) {
    const decimals = m[1]?.length ?? 0;
    return m[2] ? `${(v * 100).toFixed(decimals)}%` : v.toFixed(decimals);
  }
  const grouped = format ? /^#,##0(?:\.(0*)(#*))?$/.exec(format.trim()) : null;
  if (grouped) {
    const min = grouped[1]?.length ?? 0;
    return v.toLocaleString("en-US", { minimumFractionDigits: min, maximumFractionDigits: min + (grouped[2]?.length ?? 0) });
  }
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(10)));
}

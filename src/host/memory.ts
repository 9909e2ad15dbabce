/**
 * The memory host: a workbook held in plain arrays and maps. Used by tests, the browser demo
 * and benchmarks, so it is dependency-free (no Node APIs) and fast on 100,000-row sheets.
 * It keeps the mark registry as a hidden sheet like the file-based hosts, for uniformity.
 */
import { KjError } from "../errors";
import { CellValue } from "../ledger/cells";
import { FoundRow, snapshotFromRows } from "./snapshot";
import { runsBottomUp } from "./chunking";
import { applyMarkEditSync, MARK_REGISTRY_SHEET, moveMarksSync, normalizeColor, rowAfterDeleting, rowAfterInserting, SavedFill, SyncMarkStore } from "./marks";
import { Edit, FormatCopy, ProgressFn, SheetSnapshot, SpreadsheetHost, WorkbookSnapshot } from "./port";

/** Initial content of one sheet; rows and columns are 1-based in fills/notes/numberFormats. */
export interface MemorySheetInit {
  name: string;
  /** values[0][0] is A1; null is blank. Strings are stored as text. */
  values?: CellValue[][];
  formulas?: { row: number; col: number; formula: string }[];
  fills?: { row: number; col: number; color: string }[];
  notes?: { row: number; col: number; text: string }[];
  numberFormats?: { row: number; col: number; format: string }[];
  hidden?: boolean;
  /** Very hidden (not listed in the sheet tabs' unhide dialog); implies hidden. */
  veryHidden?: boolean;
}

/** Beyond Excel's last column, so row * COL_SPAN + col is a unique cell key. */
const COL_SPAN = 16_385;
const key = (row: number, col: number) => row * COL_SPAN + col;
const rowOfKey = (k: number) => Math.floor(k / COL_SPAN);

class MemorySheet {
  hidden = false;
  veryHidden = false;
  /** values[row-1][col-1]; rows may be ragged or missing. */
  values: CellValue[][] = [];
  formulas = new Map<number, string>();
  fills = new Map<number, SavedFill>();
  notes = new Map<number, string>();
  formats = new Map<number, string>();
  bold = new Set<number>();
  widths = new Map<number, number>();
  dataBars: { row: number; col: number; rows: number; cols: number; color: string }[] = [];
  constructor(public name: string) {}

  get(row: number, col: number): CellValue {
    const r = this.values[row - 1];
    const v = r ? r[col - 1] : undefined;
    return v === undefined ? null : v;
  }

  set(row: number, col: number, v: CellValue): void {
    while (this.values.length < row) this.values.push([]);
    const r = this.values[row - 1];
    while (r.length < col - 1) r.push(null);
    r[col - 1] = v === undefined || v === "" ? null : v;
  }

  /** Moves every per-cell attribute to the row `move` gives (null: the row is gone), in one pass. */
  remapRows(move: (row: number) => number | null): void {
    const remap = <T>(m: Map<number, T>): Map<number, T> => {
      const out = new Map<number, T>();
      for (const [k, v] of m) {
        const row = rowOfKey(k);
        const to = move(row);
        if (to !== null) out.set(k + (to - row) * COL_SPAN, v);
      }
      return out;
    };
    this.formulas = remap(this.formulas);
    this.fills = remap(this.fills);
    this.notes = remap(this.notes);
    this.formats = remap(this.formats);
    this.bold = new Set(remap(new Map([...this.bold].map((k) => [k, true] as const))).keys());
  }

  /** Bounding box of cells holding a value or a formula (Excel's used range, values only). */
  usedBounds(): { firstRow: number; firstCol: number; lastRow: number; lastCol: number } | null {
    let firstRow = 0;
    let lastRow = 0;
    let firstCol = Infinity;
    let lastCol = 0;
    for (let i = 0; i < this.values.length; i++) {
      const r = this.values[i];
      if (!r) continue;
      for (let j = 0; j < r.length; j++) {
        if (r[j] === null || r[j] === undefined) continue;
        if (!firstRow) firstRow = i + 1;
        lastRow = i + 1;
        if (j + 1 < firstCol) firstCol = j + 1;
        if (j + 1 > lastCol) lastCol = j + 1;
      }
    }
    for (const k of this.formulas.keys()) {
      const row = rowOfKey(k);
      const col = k - row * COL_SPAN;
      if (!firstRow || row < firstRow) firstRow = row;
      if (row > lastRow) lastRow = row;
      if (col < firstCol) firstCol = col;
      if (col > lastCol) lastCol = col;
    }
    return firstRow ? { firstRow, firstCol, lastRow, lastCol } : null;
  }
}

export class MemoryHost implements SpreadsheetHost, SyncMarkStore {
  readonly kind = "memory";
  private sheets: MemorySheet[] = [];
  private active: string | null;
  private selected: { sheet: string; row: number; col: number } | null = null;

  constructor(init: readonly MemorySheetInit[] = [], activeSheet?: string) {
    for (const s of init) {
      const sheet = this.addSheet(s.name);
      sheet.hidden = Boolean(s.hidden || s.veryHidden);
      sheet.veryHidden = Boolean(s.veryHidden);
      (s.values ?? []).forEach((row, i) =>
        row.forEach((v, j) => {
          if (v === null || v === undefined || v === "") return;
          sheet.set(i + 1, j + 1, v);
        }),
      );
      for (const f of s.formulas ?? []) sheet.formulas.set(key(f.row, f.col), f.formula);
      for (const f of s.fills ?? []) {
        const c = normalizeColor(f.color);
        if (c) sheet.fills.set(key(f.row, f.col), { kind: "solid", color: c });
      }
      for (const n of s.notes ?? []) sheet.notes.set(key(n.row, n.col), n.text);
      for (const n of s.numberFormats ?? []) sheet.formats.set(key(n.row, n.col), n.format);
    }
    this.active = activeSheet ?? this.sheets.find((s) => !s.hidden)?.name ?? null;
  }

  /**
   * A host holding a copy of a snapshot's values and formulas: the CLI applies a job's edits to it
   * and reads it again for the job that follows, without a file model.
   */
  static fromSnapshot(snapshot: WorkbookSnapshot): MemoryHost {
    const init = snapshot.sheets.map((s): MemorySheetInit => {
      const lead = new Array<CellValue>(Math.max(0, s.firstCol - 1)).fill(null);
      const formulas: { row: number; col: number; formula: string }[] = [];
      s.formulas?.forEach((r, i) => r.forEach((f, j) => f && formulas.push({ row: s.firstRow + i, col: s.firstCol + j, formula: f })));
      return {
        name: s.name,
        values: [...new Array<CellValue[]>(Math.max(0, s.firstRow - 1)).fill([]), ...s.values.map((r) => (lead.length ? [...lead, ...r] : r))],
        formulas,
      };
    });
    return new MemoryHost(init, snapshot.activeSheet);
  }

  // ---- the port -------------------------------------------------------------------------

  async listSheets(): Promise<string[]> {
    return this.sheetNames();
  }

  async activeSheet(): Promise<string | null> {
    return this.active;
  }

  async readSheet(name: string): Promise<SheetSnapshot> {
    return this.snapshot(name);
  }

  async apply(edits: readonly Edit[], progress?: ProgressFn): Promise<void> {
    edits.forEach((e, i) => {
      this.applyOne(e);
      progress?.(i + 1, edits.length, e.type);
    });
  }

  async select(sheet: string, row: number, col: number): Promise<void> {
    this.need(sheet);
    this.active = sheet;
    this.selected = { sheet, row, col };
  }

  // ---- synchronous access (snapshot, inspection for tests and the demo grid) ----------

  sheetNames(): string[] {
    return this.sheets.map((s) => s.name);
  }

  /** The sheet's table, the same shape every host returns (src/host/snapshot.ts: far stray cells left out and reported). */
  snapshot(name: string): SheetSnapshot {
    const s = this.need(name);
    const rows = new Map<number, FoundRow>();
    s.values.forEach((r, i) => {
      if (!r) return;
      const found: FoundRow = { row: i + 1, first: 1, values: [], formulas: null };
      r.forEach((v, j) => {
        if (v !== null && v !== undefined) found.values[j] = v;
      });
      if (found.values.length) rows.set(i + 1, found);
    });
    for (const [k, f] of s.formulas) {
      const row = rowOfKey(k);
      const col = k - row * COL_SPAN;
      let found = rows.get(row);
      if (!found) rows.set(row, (found = { row, first: 1, values: [], formulas: null }));
      (found.formulas ??= [])[col - 1] = f;
    }
    return snapshotFromRows(s.name, [...rows.values()]);
  }

  value(sheet: string, row: number, col: number): CellValue {
    return this.need(sheet).get(row, col);
  }
  formula(sheet: string, row: number, col: number): string | null {
    return this.need(sheet).formulas.get(key(row, col)) ?? null;
  }
  numberFormat(sheet: string, row: number, col: number): string | null {
    return this.need(sheet).formats.get(key(row, col)) ?? null;
  }
  /** True when the cell holds a string: the memory host stores every string as text, never evaluated. */
  isText(sheet: string, row: number, col: number): boolean {
    const s = this.need(sheet);
    return typeof s.get(row, col) === "string" && !s.formulas.has(key(row, col));
  }
  isBold(sheet: string, row: number, col: number): boolean {
    return this.need(sheet).bold.has(key(row, col));
  }
  isHidden(sheet: string): boolean {
    return this.need(sheet).hidden;
  }
  isVeryHidden(sheet: string): boolean {
    return this.need(sheet).veryHidden;
  }
  columnWidth(sheet: string, col: number): number | null {
    return this.need(sheet).widths.get(col) ?? null;
  }
  dataBars(sheet: string): readonly { row: number; col: number; rows: number; cols: number; color: string }[] {
    return this.need(sheet).dataBars;
  }
  selection(): { sheet: string; row: number; col: number } | null {
    return this.selected;
  }
  /** Rows and columns up to the last cell holding anything (value, formula, fill, note, format). */
  extent(sheet: string): { rows: number; cols: number } {
    const s = this.need(sheet);
    let rows = s.values.length;
    let cols = s.values.reduce((m, r) => Math.max(m, r ? r.length : 0), 0);
    for (const m of [s.formulas, s.fills, s.notes, s.formats]) {
      for (const k of m.keys()) {
        const row = rowOfKey(k);
        rows = Math.max(rows, row);
        cols = Math.max(cols, k - row * COL_SPAN);
      }
    }
    return { rows, cols };
  }

  // ---- SyncMarkStore --------------------------------------------------------------------

  getFill(sheet: string, row: number, col: number): SavedFill {
    return this.need(sheet).fills.get(key(row, col)) ?? { kind: "none" };
  }
  setFill(sheet: string, row: number, col: number, fill: SavedFill): void {
    const s = this.need(sheet);
    if (fill.kind === "none") s.fills.delete(key(row, col));
    else s.fills.set(key(row, col), fill);
  }
  getNote(sheet: string, row: number, col: number): string | null {
    return this.need(sheet).notes.get(key(row, col)) ?? null;
  }
  setNote(sheet: string, row: number, col: number, text: string | null): void {
    const s = this.need(sheet);
    if (text === null) s.notes.delete(key(row, col));
    else s.notes.set(key(row, col), text);
  }
  readRegistry(): CellValue[][] {
    const s = this.find(MARK_REGISTRY_SHEET);
    return s ? s.values.map((r) => (r ? [...r] : [])) : [];
  }
  writeRegistry(rows: string[][]): void {
    let s = this.find(MARK_REGISTRY_SHEET);
    if (!s) {
      s = this.addSheet(MARK_REGISTRY_SHEET);
      s.hidden = true;
    }
    s.values = [];
    rows.forEach((r, i) => r.forEach((v, j) => this.writeValue(s as MemorySheet, i + 1, j + 1, v)));
  }

  // ---- edits ----------------------------------------------------------------------------

  private applyOne(e: Edit): void {
    switch (e.type) {
      case "ensureSheet": {
        const s = this.find(e.sheet) ?? this.addSheet(e.sheet);
        if (e.hidden) {
          s.hidden = true;
          s.veryHidden = e.hidden === "veryHidden";
        }
        return;
      }
      case "setValues": {
        const s = this.need(e.sheet);
        e.values.forEach((r, i) => r.forEach((v, j) => this.writeValue(s, e.row + i, e.col + j, v)));
        return;
      }
      case "setFormulas": {
        const s = this.need(e.sheet);
        e.formulas.forEach((r, i) =>
          r.forEach((f, j) => {
            if (f === null || f === undefined) return;
            s.set(e.row + i, e.col + j, null);
            s.formulas.set(key(e.row + i, e.col + j), f.startsWith("=") ? f : "=" + f);
          }),
        );
        return;
      }
      case "clearRange": {
        const s = this.need(e.sheet);
        for (let i = 0; i < e.rows; i++)
          for (let j = 0; j < e.cols; j++) {
            if (s.get(e.row + i, e.col + j) !== null) s.set(e.row + i, e.col + j, null);
            s.formulas.delete(key(e.row + i, e.col + j));
          }
        return;
      }
      case "mark":
      case "clearMarks":
        this.need(e.sheet);
        applyMarkEditSync(this, e);
        return;
      case "copyFormats":
        for (const b of e.blocks) this.copyFormats(e.sheet, b);
        return;
      case "deleteRows": {
        const s = this.need(e.sheet);
        for (const run of runsBottomUp(e.rows)) {
          if (run.start <= s.values.length) s.values.splice(run.start - 1, run.count);
        }
        s.remapRows(rowAfterDeleting(e.rows));
        moveMarksSync(this, e.sheet, rowAfterDeleting(e.rows));
        return;
      }
      case "insertRows": {
        const s = this.need(e.sheet);
        const n = e.values.length;
        if (n === 0) return;
        if (e.row <= s.values.length) s.values.splice(e.row - 1, 0, ...Array.from({ length: n }, () => [] as CellValue[]));
        s.remapRows(rowAfterInserting(e.row, n));
        e.values.forEach((r, i) => r.forEach((v, j) => this.writeValue(s, e.row + i, e.col + j, v)));
        moveMarksSync(this, e.sheet, rowAfterInserting(e.row, n));
        return;
      }
      case "numberFormat": {
        const s = this.need(e.sheet);
        for (let i = 0; i < e.rows; i++) for (let j = 0; j < e.cols; j++) s.formats.set(key(e.row + i, e.col + j), e.format);
        return;
      }
      case "bold": {
        const s = this.need(e.sheet);
        for (let i = 0; i < e.rows; i++) for (let j = 0; j < e.cols; j++) s.bold.add(key(e.row + i, e.col + j));
        return;
      }
      case "columnWidths": {
        const s = this.need(e.sheet);
        e.widths.forEach((w, i) => s.widths.set(e.col + i, w));
        return;
      }
      case "dataBar": {
        const s = this.need(e.sheet);
        s.dataBars.push({ row: e.row, col: e.col, rows: e.rows, cols: e.cols, color: e.color });
        return;
      }
    }
  }

  /** Fill, note, number format and bold of each source cell replace the target cell's (read first: blocks may overlap). */
  private copyFormats(sheet: string, b: FormatCopy): void {
    const from = this.need(b.from.sheet);
    const to = this.need(sheet);
    const maps = (s: MemorySheet) => [s.fills, s.notes, s.formats] as Map<number, unknown>[];
    const picked: { at: number; parts: unknown[]; bold: boolean }[] = [];
    for (let i = 0; i < b.from.rows; i++)
      for (let j = 0; j < b.from.cols; j++) {
        const k = key(b.from.row + i, b.from.col + j);
        picked.push({ at: key(b.row + i, b.col + j), parts: maps(from).map((m) => m.get(k)), bold: from.bold.has(k) });
      }
    for (const p of picked) {
      maps(to).forEach((m, n) => (p.parts[n] === undefined ? m.delete(p.at) : m.set(p.at, p.parts[n])));
      if (p.bold) to.bold.add(p.at);
      else to.bold.delete(p.at);
    }
  }

  /** A value write: strings are stored as text, a formula in the cell is replaced. */
  private writeValue(s: MemorySheet, row: number, col: number, v: CellValue): void {
    s.set(row, col, v);
    if (s.formulas.size) s.formulas.delete(key(row, col));
  }

  private addSheet(name: string): MemorySheet {
    const s = new MemorySheet(name);
    this.sheets.push(s);
    return s;
  }

  private find(name: string): MemorySheet | undefined {
    return this.sheets.find((s) => s.name === name);
  }

  private need(name: string): MemorySheet {
    const s = this.find(name);
    if (!s) throw new KjError("sheet_not_found", `找不到工作表“${name}”`);
    return s;
  }
}

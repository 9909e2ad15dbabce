/**
 * The xlsx host: the SpreadsheetHost port over an exceljs Workbook (the CLI's host). Opening
 * and saving files safely is src/host/xlsx/file.ts; this file only reads and edits the
 * workbook in memory, leaving every other sheet, style, width, format and validation alone.
 *
 * Values: dates stay Date objects (as exceljs gives them, same as the memory host); formula
 * cells give their cached result in `values` and "=..." in `formulas`; rich text and
 * hyperlinks give their text; errors give { error }.
 */
import type ExcelJS from "exceljs";
import { KjError } from "../../errors";
import { CellValue } from "../../ledger/cells";
import { cellAddress } from "../../text";
import { applyMarkEditSync, MARK_REGISTRY_SHEET, moveMarksSync, normalizeColor, rangeAddress, rowAfterDeleting, rowAfterInserting, SavedFill, SyncMarkStore } from "../marks";
import { CellBlock, Edit, ProgressFn, SheetSnapshot, SpreadsheetHost } from "../port";
import { FoundRow, snapshotFromRows } from "../snapshot";

type Cell = ExcelJS.Cell;

/** exceljs cell.value -> a snapshot value (never an exceljs object). */
export function valueOfExcelCell(v: unknown): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v === "" ? null : v;
  if (typeof v === "number" || typeof v === "boolean") return v;
  if (v instanceof Date) return v;
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (typeof o.error === "string") return { error: o.error };
    if ("formula" in o || "sharedFormula" in o) return "result" in o ? valueOfExcelCell(o.result) : null;
    if (Array.isArray(o.richText)) return richText(o.richText);
    if ("hyperlink" in o || "text" in o) {
      const t = o.text;
      if (typeof t === "string") return t === "" ? null : t;
      if (t && typeof t === "object" && Array.isArray((t as { richText?: unknown }).richText)) return richText((t as { richText: unknown[] }).richText);
      return typeof o.hyperlink === "string" ? o.hyperlink : null;
    }
    if ("checkbox" in o && typeof o.checkbox === "boolean") return o.checkbox;
  }
  return null;
}

function richText(parts: unknown[]): string | null {
  const s = parts.map((p) => (p && typeof (p as { text?: unknown }).text === "string" ? (p as { text: string }).text : "")).join("");
  return s === "" ? null : s;
}

/** "=A1+1" for a formula cell (shared formulas translated to the cell), else null. */
export function formulaOfExcelCell(cell: Cell): string | null {
  const v = cell.value as unknown;
  if (!v || typeof v !== "object" || !("formula" in (v as object) || "sharedFormula" in (v as object))) return null;
  const f = cell.formula;
  return f ? "=" + f : null;
}

/** A snapshot value -> what exceljs stores. Strings stay strings: exceljs never parses them. */
function excelValueOf(v: CellValue): ExcelJS.CellValue {
  if (v === null || v === undefined || v === "") return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean" || v instanceof Date) return v;
  if (typeof v === "object" && typeof v.error === "string") return { error: v.error } as ExcelJS.CellErrorValue;
  return null;
}

/** Gives the cell its own style object (exceljs shares one object between cells of the same style). */
function restyle(cell: Cell, change: (style: Partial<ExcelJS.Style>) => void): void {
  const style: Partial<ExcelJS.Style> = { ...(cell.style ?? {}) };
  change(style);
  cell.style = style;
}

export class XlsxHost implements SpreadsheetHost, SyncMarkStore {
  readonly kind = "xlsx";
  constructor(readonly workbook: ExcelJS.Workbook) {}

  async listSheets(): Promise<string[]> {
    return this.workbook.worksheets.map((w) => w.name);
  }

  async activeSheet(): Promise<string | null> {
    const sheets = this.workbook.worksheets;
    const tab = this.workbook.views?.[0]?.activeTab;
    const byTab = typeof tab === "number" ? sheets[tab] : undefined;
    return (byTab ?? sheets.find((w) => w.state === "visible" || w.state === undefined))?.name ?? null;
  }

  async readSheet(name: string): Promise<SheetSnapshot> {
    return this.snapshot(name);
  }

  /** One pass over the stored cells; the snapshot is the sheet's table (src/host/snapshot.ts: far stray cells left out and reported). */
  snapshot(name: string): SheetSnapshot {
    const ws = this.need(name);
    const rows: FoundRow[] = [];
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const found: FoundRow = { row: rowNumber, first: 1, values: [], formulas: null };
      row.eachCell({ includeEmpty: false }, (cell, colNumber) => {
        const formula = formulaOfExcelCell(cell);
        const value = valueOfExcelCell(cell.value);
        if (value === null && formula === null) return;
        found.values[colNumber - 1] = value;
        if (formula) (found.formulas ??= [])[colNumber - 1] = formula;
      });
      if (found.values.length) rows.push(found);
    });
    return snapshotFromRows(ws.name, rows);
  }

  async apply(edits: readonly Edit[], progress?: ProgressFn): Promise<void> {
    edits.forEach((e, i) => {
      this.applyOne(e);
      progress?.(i + 1, edits.length, e.type);
    });
  }

  async select(sheet: string, row: number, col: number): Promise<void> {
    const ws = this.need(sheet);
    const address = cellAddress(row, col);
    const view = (ws.views?.[0] ?? {}) as Partial<ExcelJS.WorksheetView>;
    ws.views = [{ ...view, state: view.state ?? "normal", activeCell: address } as ExcelJS.WorksheetView];
    const index = this.workbook.worksheets.indexOf(ws);
    const wbView = this.workbook.views?.[0] ?? { x: 0, y: 0, width: 10000, height: 20000, firstSheet: 0, visibility: "visible" };
    this.workbook.views = [{ ...wbView, activeTab: index } as ExcelJS.WorkbookView];
  }

  // ---- SyncMarkStore --------------------------------------------------------------------

  getFill(sheet: string, row: number, col: number): SavedFill {
    const fill = this.need(sheet).getCell(row, col).fill as ExcelJS.Fill | undefined;
    if (!fill || (fill.type === "pattern" && fill.pattern === "none")) return { kind: "none" };
    return { kind: "raw", json: JSON.parse(JSON.stringify(fill)) as Record<string, unknown> };
  }

  setFill(sheet: string, row: number, col: number, fill: SavedFill): void {
    const cell = this.need(sheet).getCell(row, col);
    restyle(cell, (s) => {
      const next = exceljsFill(fill);
      if (next) s.fill = next;
      else delete s.fill;
    });
  }

  getNote(sheet: string, row: number, col: number): string | null {
    const note = this.need(sheet).getCell(row, col).note as unknown;
    if (typeof note === "string") return note;
    if (note && typeof note === "object" && Array.isArray((note as { texts?: unknown }).texts)) {
      return ((note as { texts: { text?: string }[] }).texts ?? []).map((t) => t.text ?? "").join("");
    }
    return null;
  }

  setNote(sheet: string, row: number, col: number, text: string | null): void {
    const cell = this.need(sheet).getCell(row, col);
    if (text === null) {
      dropNote(cell);
    } else cell.note = text;
  }

  readRegistry(): CellValue[][] {
    const ws = this.workbook.getWorksheet(MARK_REGISTRY_SHEET);
    return ws ? this.snapshot(MARK_REGISTRY_SHEET).values : [];
  }

  writeRegistry(rows: string[][]): void {
    let ws = this.workbook.getWorksheet(MARK_REGISTRY_SHEET);
    if (!ws) {
      ws = this.workbook.addWorksheet(MARK_REGISTRY_SHEET, { state: "hidden" });
    }
    const before = ws.rowCount;
    rows.forEach((r, i) => r.forEach((v, j) => ((ws as ExcelJS.Worksheet).getCell(i + 1, j + 1).value = v)));
    for (let i = rows.length + 1; i <= before; i++) for (let j = 1; j <= 3; j++) ws.getCell(i, j).value = null;
  }

  // ---- edits ----------------------------------------------------------------------------

  private applyOne(e: Edit): void {
    switch (e.type) {
      case "ensureSheet": {
        let ws = this.workbook.getWorksheet(e.sheet);
        if (!ws) {
          try {
            ws = this.workbook.addWorksheet(e.sheet);
          } catch (err) {
            throw new KjError("bad_sheet_name", `无法创建工作表“${e.sheet}”：${err instanceof Error ? err.message : String(err)}`);
          }
        }
        if (e.hidden) ws.state = e.hidden;
        return;
      }
      case "setValues": {
        const ws = this.need(e.sheet);
        e.values.forEach((r, i) => r.forEach((v, j) => (ws.getCell(e.row + i, e.col + j).value = excelValueOf(v))));
        return;
      }
      case "setFormulas": {
        const ws = this.need(e.sheet);
        e.formulas.forEach((r, i) =>
          r.forEach((f, j) => {
            if (f === null || f === undefined) return;
            ws.getCell(e.row + i, e.col + j).value = { formula: f.replace(/^=/, "") } as ExcelJS.CellFormulaValue;
          }),
        );
        return;
      }
      case "clearRange": {
        const ws = this.need(e.sheet);
        for (let i = 0; i < e.rows; i++) for (let j = 0; j < e.cols; j++) ws.getCell(e.row + i, e.col + j).value = null;
        return;
      }
      case "mark":
      case "clearMarks":
        this.need(e.sheet);
        applyMarkEditSync(this, e);
        return;
      case "copyFormats": {
        const ws = this.need(e.sheet);
        for (const b of e.blocks) copyStylesAndNotes(this.need(b.from.sheet), b.from, ws, b.row, b.col);
        return;
      }
      case "deleteRows": {
        const ws = this.need(e.sheet);
        // Not spliceRows: it leaves the last rows in place when they are deleted (exceljs 4.4).
        deleteScatteredRows(ws, e.rows);
        moveMarksSync(this, e.sheet, rowAfterDeleting(e.rows));
        return;
      }
      case "insertRows": {
        const ws = this.need(e.sheet);
        if (e.values.length === 0) return;
        spliceRowsWithNotes(ws, e.row, 0, e.values.length);
        e.values.forEach((r, i) => r.forEach((v, j) => (ws.getCell(e.row + i, e.col + j).value = excelValueOf(v))));
        moveMarksSync(this, e.sheet, rowAfterInserting(e.row, e.values.length));
        return;
      }
      case "numberFormat": {
        const ws = this.need(e.sheet);
        this.eachCell(ws, e, (cell) => restyle(cell, (s) => (s.numFmt = e.format)));
        return;
      }
      case "bold": {
        const ws = this.need(e.sheet);
        this.eachCell(ws, e, (cell) => restyle(cell, (s) => (s.font = { ...(s.font ?? {}), bold: true })));
        return;
      }
      case "columnWidths": {
        const ws = this.need(e.sheet);
        e.widths.forEach((w, i) => (ws.getColumn(e.col + i).width = w));
        return;
      }
      case "dataBar": {
        const ws = this.need(e.sheet);
        const argb = "FF" + (normalizeColor(e.color) ?? "#638EC6").slice(1);
        ws.addConditionalFormatting({
          ref: rangeAddress(e.row, e.col, e.rows, e.cols),
          rules: [
            {
              type: "dataBar",
              priority: 1,
              gradient: false,
              cfvo: [
                { type: "num", value: 0 },
                { type: "num", value: 1 },
              ],
              color: { argb },
            } as unknown as ExcelJS.DataBarRuleType,
          ],
        });
        return;
      }
    }
  }

  private eachCell(ws: ExcelJS.Worksheet, b: { row: number; col: number; rows: number; cols: number }, fn: (c: Cell) => void): void {
    for (let i = 0; i < b.rows; i++) for (let j = 0; j < b.cols; j++) fn(ws.getCell(b.row + i, b.col + j));
  }

  private need(name: string): ExcelJS.Worksheet {
    const ws = this.workbook.getWorksheet(name);
    if (!ws) throw new KjError("sheet_not_found", `找不到工作表“${name}”`);
    return ws;
  }
}

type NoteHolder = { _comment?: unknown; _value?: { model?: { comment?: unknown } } };

/** Removes a cell's note in exceljs (kept in _comment and, for a cell read from a file, in its value model). */
function dropNote(cell: Cell): void {
  const inner = cell as unknown as NoteHolder;
  inner._comment = undefined;
  if (inner._value?.model && "comment" in inner._value.model) delete inner._value.model.comment;
}

/**
 * Each cell of the target block takes the style (fill, number format, font, borders, alignment)
 * and the note of its source cell; a source cell without a note leaves its target without one.
 * Everything is read before anything is written, so overlapping blocks copy what was there.
 */
function copyStylesAndNotes(from: ExcelJS.Worksheet, block: CellBlock, to: ExcelJS.Worksheet, row: number, col: number): void {
  const picked: { style: Partial<ExcelJS.Style>; note: unknown }[] = [];
  for (let i = 0; i < block.rows; i++)
    for (let j = 0; j < block.cols; j++) {
      const cell = from.getCell(block.row + i, block.col + j);
      const note = cell.note as unknown;
      picked.push({ style: JSON.parse(JSON.stringify(cell.style ?? {})) as Partial<ExcelJS.Style>, note: note ? JSON.parse(JSON.stringify(note)) : null });
    }
  let n = 0;
  for (let i = 0; i < block.rows; i++)
    for (let j = 0; j < block.cols; j++) {
      const { style, note } = picked[n++];
      const cell = to.getCell(row + i, col + j);
      cell.style = style;
      if (note) cell.note = note as ExcelJS.Comment;
      else dropNote(cell);
    }
}

/**
 * Deletes `deleteCount` rows at `start` and inserts `insertCount` blank ones there. exceljs's
 * spliceRows moves values and styles but not notes (a note would stay behind on the wrong
 * row), so the notes below `start` are lifted off first and put back where their rows went.
 */
function spliceRowsWithNotes(ws: ExcelJS.Worksheet, start: number, deleteCount: number, insertCount: number): void {
  const lifted: { row: number; col: number; comment: unknown }[] = [];
  ws.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    if (rowNumber < start) return;
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      const comment = (cell as unknown as NoteHolder)._comment;
      if (comment) lifted.push({ row: rowNumber, col, comment });
      if (comment || (cell as unknown as NoteHolder)._value?.model?.comment) dropNote(cell);
    });
  });
  const rows = (ws as unknown as { _rows: unknown[] })._rows;
  const before = rows.length;
  ws.spliceRows(start, deleteCount, ...Array.from({ length: insertCount }, () => [] as ExcelJS.CellValue[]));
  if (deleteCount > 0 && insertCount === 0 && start <= before) {
    // exceljs moves the rows below the deleted block up but leaves stale rows at the bottom when
    // fewer rows follow the block than were deleted (and deletes nothing when the block reaches
    // the last row): cut the sheet to the length it must have.
    rows.length = Math.min(rows.length, before - Math.min(deleteCount, before - start + 1));
  }
  for (const n of lifted) {
    if (n.row < start + deleteCount) continue;
    (ws.getCell(n.row - deleteCount + insertCount, n.col) as unknown as NoteHolder)._comment = n.comment;
  }
}

/**
 * Deletes rows, however scattered, in one pass (a spliceRows per run would move every row
 * below once per run): each kept row is copied up to where it ends, then the freed rows at the
 * bottom are removed. Values, styles, heights and notes move like spliceRows moves them.
 */
function deleteScatteredRows(ws: ExcelJS.Worksheet, rows: readonly number[]): void {
  const gone = [...new Set(rows.filter((r) => Number.isInteger(r) && r >= 1))].sort((a, b) => a - b);
  const last = ws.rowCount;
  const inSheet = gone.filter((r) => r <= last);
  if (inSheet.length === 0) return;
  const move = rowAfterDeleting(inSheet);
  const lifted: { row: number; col: number; comment: unknown }[] = [];
  for (let r = inSheet[0]; r <= last; r++) {
    ws.getRow(r).eachCell({ includeEmpty: true }, (cell, col) => {
      const comment = (cell as unknown as NoteHolder)._comment;
      if (comment) lifted.push({ row: r, col, comment });
      if (comment || (cell as unknown as NoteHolder)._value?.model?.comment) dropNote(cell);
    });
  }
  for (let r = inSheet[0]; r <= last; r++) {
    const to = move(r);
    if (to === null || to === r) continue;
    const src = ws.getRow(r);
    const dst = ws.getRow(to);
    dst.eachCell({ includeEmpty: true }, (cell) => {
      cell.value = null;
      cell.style = {};
    });
    dst.values = src.values as ExcelJS.CellValue[];
    (dst as unknown as { style: unknown }).style = (src as unknown as { style: unknown }).style;
    dst.height = src.height;
    src.eachCell({ includeEmpty: true }, (cell, col) => (dst.getCell(col).style = cell.style));
  }
  // The freed rows at the bottom are emptied and dropped (spliceRows does not drop trailing rows).
  for (let r = last - inSheet.length + 1; r <= last; r++) {
    const row = ws.getRow(r);
    row.eachCell({ includeEmpty: true }, (cell) => {
      cell.value = null;
      cell.style = {};
    });
    row.height = undefined as unknown as number;
  }
  const store = (ws as unknown as { _rows?: unknown[] })._rows;
  if (Array.isArray(store) && store.length > last - inSheet.length) store.length = last - inSheet.length;
  for (const n of lifted) {
    const to = move(n.row);
    if (to !== null) (ws.getCell(to, n.col) as unknown as NoteHolder)._comment = n.comment;
  }
}

/** A saved fill -> an exceljs fill, or null for "no fill". Excel-style JSON ({ color }) becomes solid. */
function exceljsFill(fill: SavedFill): ExcelJS.Fill | null {
  if (fill.kind === "none") return null;
  if (fill.kind === "solid") return { type: "pattern", pattern: "solid", fgColor: { argb: "FF" + fill.color.slice(1) } };
  const json = fill.json;
  if (typeof json.type === "string") return JSON.parse(JSON.stringify(json)) as ExcelJS.Fill;
  const c = normalizeColor(typeof json.color === "string" ? json.color : null);
  return c ? { type: "pattern", pattern: "solid", fgColor: { argb: "FF" + c.slice(1) } } : null;
}

/**
 * WPS 表格 (ET) adapter of the SpreadsheetHost port. WPS gives a 加载项 a synchronous, VBA-like
 * object model (`Application`, or `wps.EtApplication()`): Worksheets.Item(i | name), 1-based;
 * Range.Value2 as a 2-D array (a scalar for one cell); Interior.Color as a BGR integer;
 * AddComment / ClearComments. Some members are properties in some WPS builds and zero-argument
 * methods in others: every such read goes through `prop`.
 *
 * Batching: one UsedRange.Value2 read per sheet (plus one Formula read of the same range), block
 * writes through Range(..).Resize(r, c) with a per-cell fallback, screen updating off while
 * applying and always restored.
 */
import { dayFromDate, excelSerialFromDay } from "../dates";
import { CellValue } from "../ledger/cells";
import { cellAddress } from "../text";
import { KjError } from "../errors";
import { clearMarksSync, MARK_REGISTRY_SHEET, markCellsSync, moveMarksSync, normalizeColor, rowAfterDeleting, rowAfterInserting, SavedFill, SyncMarkStore } from "./marks";
import { CellMark, Edit, FormatCopy, ProgressFn, SheetSnapshot, SpreadsheetHost } from "./port";
import { assertUsedRangeReadable, rowsOfBlock, snapshotFromRows } from "./snapshot";

/** An object of the ET object model (a COM dispatch proxy in WPS). */
type Com = any;

/** xlNone / xlColorIndexNone: an Interior without fill. */
export const XL_NONE = -4142;
/** XlSheetVisibility.xlSheetHidden. */
export const XL_SHEET_HIDDEN = 0;
/** xlSheetVeryHidden: not listed in the unhide dialog. */
export const XL_SHEET_VERY_HIDDEN = 2;

/** XlPasteType.xlPasteFormats / xlPasteComments, for Range.PasteSpecial. */
export const XL_PASTE_FORMATS = -4122;
export const XL_PASTE_COMMENTS = -4144;

/** Rows per block write: keeps each COM call's array moderate and lets progress move. */
const WRITE_CHUNK_ROWS = 2000;

/**
 * Reads a member that is a property in some WPS builds and a zero-argument method in others
 * (UsedRange, Value2, Name, Count, Interior, Comment ...). Writes stay plain assignments.
 */
export function prop(owner: Com, name: string): any {
  const member = owner[name];
  return typeof member === "function" ? member.call(owner) : member;
}

/** #RRGGBB (what MARK_COLORS holds) to the BGR integer that Interior.Color takes. */
export function bgrFromHex(hex: string): number {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) throw new Error(`颜色格式错误：${hex}（应为 #RRGGBB）`);
  const rgb = parseInt(m[1], 16);
  const r = (rgb >> 16) & 0xff;
  const g = (rgb >> 8) & 0xff;
  const b = rgb & 0xff;
  return r | (g << 8) | (b << 16);
}

/** BGR integer (Interior.Color) to #RRGGBB. */
export function hexFromBgr(bgr: number): string {
  const r = bgr & 0xff;
  const g = (bgr >> 8) & 0xff;
  const b = (bgr >> 16) & 0xff;
  return "#" + [r, g, b].map((x) => x.toString(16).padStart(2, "0").toUpperCase()).join("");
}

/**
 * Error cells come through COM as CVErr(xlErr...) codes: 0x800A0000 + the xlErr number, seen
 * by JavaScript as a negative 32-bit integer (e.g. #N/A = -2146826246).
 */
const CVERR_BASE = -2146828288;
const XL_ERRORS: Record<number, string> = {
  2000: "#NULL!",
  2007: "#DIV/0!",
  2015: "#VALUE!",
  2023: "#REF!",
  2029: "#NAME?",
  2036: "#NUM!",
  2042: "#N/A",
  2043: "#GETTING_DATA",
};

/** The error text of a CVErr code, or null when the number is an ordinary number. */
export function errorFromCode(v: number): string | null {
  if (!Number.isInteger(v)) return null;
  return XL_ERRORS[v - CVERR_BASE] ?? null;
}

/** The CVErr code WPS uses for an error text such as "#N/A". */
export function codeFromError(text: string): number | null {
  for (const [n, t] of Object.entries(XL_ERRORS)) if (t === text) return CVERR_BASE + Number(n);
  return null;
}

/** One Value2 cell as a snapshot cell: blank -> null, CVErr -> { error }. */
export function cellFromValue2(v: unknown): CellValue {
  if (v === undefined || v === null || v === "") return null;
  if (typeof v === "number") {
    const err = errorFromCode(v);
    return err ? { error: err } : v;
  }
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (v instanceof Date) return v;
  return String(v);
}

/**
 * Any Value2 result as a 2-D array: a scalar (one cell) -> [[v]]; a 1-D array -> one row, or
 * one column when the range is known to be a single column.
 */
export function matrixFromValue2(v: unknown, rows?: number, cols?: number): unknown[][] {
  if (!Array.isArray(v)) return [[v]];
  if (v.length === 0) return [];
  if (v.every((r) => Array.isArray(r))) return v as unknown[][];
  if (cols === 1 && rows !== undefined && rows > 1 && v.length === rows) return v.map((x) => [x]);
  return [v];
}

/** A snapshot or edit value as what Value2 accepts. Dates become serial numbers. */
function value2FromCell(v: CellValue): string | number | boolean {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) {
    const day = dayFromDate(v);
    return day === null ? "" : excelSerialFromDay(day);
  }
  if (typeof v === "object") return v.error;
  return v;
}

function count(collection: Com): number {
  const n = prop(collection, "Count");
  return typeof n === "number" ? n : Number(n) || 0;
}

export interface WpsHostOptions {
  /** Also read UsedRange.Formula (one more read per sheet) so snapshots carry formulas. Default true. */
  readFormulas?: boolean;
}

export class WpsHost implements SpreadsheetHost {
  readonly kind = "wps";
  private readonly readFormulas: boolean;
  /** Sheets by name while apply() runs (marks look their sheet up per cell); null outside. */
  private sheetCache: Map<string, Com> | null = null;

  /** `app` is the ET Application (window.Application or wps.EtApplication()). */
  constructor(
    private readonly app: Com,
    options: WpsHostOptions = {},
  ) {
    this.readFormulas = options.readFormulas ?? true;
  }

  /** A full recalculation (CalculateFull where the build has it), so KJ functions answer by the stored packs. */
  async recalculate(): Promise<void> {
    const app = this.app;
    if (typeof app.CalculateFull === "function") app.CalculateFull();
    else if (typeof app.Calculate === "function") app.Calculate();
  }

  async listSheets(): Promise<string[]> {
    const sheets = this.worksheets();
    const names: string[] = [];
    for (let i = 1; i <= count(sheets); i++) names.push(String(prop(sheets.Item(i), "Name")));
    return names;
  }

  async activeSheet(): Promise<string | null> {
    const ws = this.workbook() ? prop(this.app, "ActiveSheet") : null;
    return ws ? String(prop(ws, "Name")) : null;
  }

  async readSheet(name: string): Promise<SheetSnapshot> {
    const ws = this.sheet(name);
    const used = prop(ws, "UsedRange");
    const firstRow = Number(prop(used, "Row")) || 1;
    const firstCol = Number(prop(used, "Column")) || 1;
    const rows = count(prop(used, "Rows"));
    const cols = count(prop(used, "Columns"));
    assertUsedRangeReadable(name, firstRow, firstCol, rows, cols);
    const raw = matrixFromValue2(prop(used, "Value2"), rows, cols);
    const values = raw.map((r) => r.map(cellFromValue2));
    let formulas: (string | null)[][] | undefined;
    if (this.readFormulas) {
      const f = matrixFromValue2(prop(used, "Formula"), rows, cols);
      formulas = values.map((r, i) => r.map((_, j) => formulaText(f[i]?.[j], raw[i]?.[j])));
    }
    return snapshotFromRows(name, rowsOfBlock(firstRow, firstCol, values, formulas));
  }

  async apply(edits: readonly Edit[], progress?: ProgressFn): Promise<void> {
    if (edits.length === 0) return;
    const screen = this.screenUpdatingOff();
    this.sheetCache = new Map();
    try {
      edits.forEach((edit, i) => {
        this.applyOne(edit);
        progress?.(i + 1, edits.length, edit.type);
      });
    } finally {
      this.sheetCache = null;
      screen.restore();
    }
  }

  async select(sheet: string, row: number, col: number): Promise<void> {
    const ws = this.sheet(sheet);
    ws.Activate();
    ws.Range(cellAddress(row, col)).Select();
  }

  // ---- edits ------------------------------------------------------------------------------

  private applyOne(e: Edit): void {
    switch (e.type) {
      case "setValues":
        return this.writeValues(this.sheet(e.sheet), e.sheet, e.row, e.col, e.values);
      case "setFormulas":
        return this.writeFormulas(this.sheet(e.sheet), e.sheet, e.row, e.col, e.formulas);
      case "ensureSheet": {
        const ws = this.ensureSheet(e.sheet);
        if (e.hidden) ws.Visible = e.hidden === "veryHidden" ? XL_SHEET_VERY_HIDDEN : XL_SHEET_HIDDEN;
        return;
      }
      case "clearRange":
        if (e.rows > 0 && e.cols > 0) this.block(this.sheet(e.sheet), e.row, e.col, e.rows, e.cols).ClearContents();
        return;
      case "mark":
        return this.mark(e.sheet, e.marks);
      case "clearMarks":
        return this.clearMarks(e.sheet, e.rows);
      case "copyFormats":
        return this.copyFormats(e.sheet, e.blocks);
      case "deleteRows":
        return this.deleteRows(e.sheet, e.rows);
      case "insertRows":
        return this.insertRows(e.sheet, e.row, e.col, e.values);
      case "numberFormat":
        if (e.rows > 0 && e.cols > 0) this.block(this.sheet(e.sheet), e.row, e.col, e.rows, e.cols).NumberFormat = e.format;
        return;
      case "dataBar":
        return this.dataBar(e.sheet, e.row, e.col, e.rows, e.cols, e.color);
      case "columnWidths": {
        const ws = this.sheet(e.sheet);
        e.widths.forEach((w, i) => {
          prop(ws.Range(cellAddress(1, e.col + i)), "EntireColumn").ColumnWidth = w;
        });
        return;
      }
      case "bold":
        if (e.rows > 0 && e.cols > 0) prop(this.block(this.sheet(e.sheet), e.row, e.col, e.rows, e.cols), "Font").Bold = true;
        return;
    }
  }

  /**
   * Writes values as values: string cells get the text format "@" first (so "=1+2", "0012" or
   * "+86..." stay text), then the block goes in with one Value2 assignment per chunk; when a block
   * write fails, each cell is tried on its own and the cells that still fail are reported.
   */
  private writeValues(ws: Com, sheetName: string, row: number, col: number, values: readonly CellValue[][]): void {
    if (values.length === 0) return;
    const width = Math.max(0, ...values.map((r) => r.length));
    if (width === 0) return;
    if (values.some((r) => r.length !== width)) {
      // Ragged rows: write each row on its own so no cell outside the given values is touched.
      values.forEach((r, i) => this.writeValues(ws, sheetName, row + i, col, [r]));
      return;
    }
    const failed: string[] = [];
    for (let start = 0; start < values.length; start += WRITE_CHUNK_ROWS) {
      const chunk = values.slice(start, start + WRITE_CHUNK_ROWS);
      const top = row + start;
      this.formatTextCells(ws, top, col, chunk);
      const data = chunk.map((r) => r.map(value2FromCell));
      try {
        const target = this.block(ws, top, col, data.length, width);
        target.Value2 = data.length === 1 && width === 1 ? data[0][0] : data;
      } catch {
        data.forEach((r, i) =>
          r.forEach((v, j) => {
            try {
              ws.Range(cellAddress(top + i, col + j)).Value2 = v;
            } catch {
              failed.push(cellAddress(top + i, col + j));
            }
          }),
        );
      }
    }
    if (failed.length > 0) throw writeFailure(sheetName, failed);
  }

  /** NumberFormat "@" on each vertical run of string cells (one call per run, not per cell). */
  private formatTextCells(ws: Com, row: number, col: number, values: readonly CellValue[][]): void {
    const width = values[0]?.length ?? 0;
    for (let j = 0; j < width; j++) {
      let runStart = -1;
      for (let i = 0; i <= values.length; i++) {
        const isText = i < values.length && isTextCell(values[i][j]);
        if (isText && runStart < 0) runStart = i;
        if (!isText && runStart >= 0) {
          this.block(ws, row + runStart, col + j, i - runStart, 1).NumberFormat = "@";
          runStart = -1;
        }
      }
    }
  }

  /**
   * Formulas go in row by row, one Formula assignment per run of non-null cells (null leaves a
   * cell alone). A text-formatted cell would keep a formula as text, so "@" becomes "General".
   */
  private writeFormulas(ws: Com, sheetName: string, row: number, col: number, formulas: readonly (string | null)[][]): void {
    const failed: string[] = [];
    formulas.forEach((r, i) => {
      let j = 0;
      while (j < r.length) {
        if (r[j] === null || r[j] === undefined) {
          j++;
          continue;
        }
        let end = j;
        while (end < r.length && r[end] !== null && r[end] !== undefined) end++;
        const run = r.slice(j, end) as string[];
        const target = this.block(ws, row + i, col + j, 1, run.length);
        try {
          this.untextFormat(ws, target, row + i, col + j, run.length);
          target.Formula = run.length === 1 ? run[0] : [run];
        } catch {
          run.forEach((f, k) => {
            const address = cellAddress(row + i, col + j + k);
            try {
              const cell = ws.Range(address);
              if (prop(cell, "NumberFormat") === "@") cell.NumberFormat = "General";
              cell.Formula = f;
            } catch {
              failed.push(address);
            }
          });
        }
        j = end;
      }
    });
    if (failed.length > 0) throw writeFailure(sheetName, failed);
  }

  private untextFormat(ws: Com, target: Com, row: number, col: number, width: number): void {
    const nf = prop(target, "NumberFormat");
    if (nf === "@") {
      target.NumberFormat = "General";
    } else if (nf === null || nf === undefined) {
      // Mixed formats in the run: look at each cell.
      for (let k = 0; k < width; k++) {
        const cell = ws.Range(cellAddress(row, col + k));
        if (prop(cell, "NumberFormat") === "@") cell.NumberFormat = "General";
      }
    }
  }

  private ensureSheet(name: string): Com {
    const existing = this.findSheet(name);
    if (existing) return existing;
    const sheets = this.worksheets();
    const active = prop(this.app, "ActiveSheet");
    const added = sheets.Add(undefined, sheets.Item(count(sheets)));
    added.Name = name;
    // Sheets.Add activates the new sheet; give the user back the sheet they were on.
    if (active) active.Activate();
    return added;
  }

  private mark(sheetName: string, marks: readonly CellMark[]): void {
    this.sheet(sheetName);
    markCellsSync(this.markStore(), sheetName, marks);
  }

  private clearMarks(sheetName: string, rows?: readonly number[]): void {
    if (!this.findSheet(sheetName)) return;
    clearMarksSync(this.markStore(), sheetName, rows);
  }

  /**
   * Per block: Copy, then PasteSpecial of the formats (fill, number format, font, borders) and,
   * after clearing the target's own, of the comments; values stay. A handful of calls per block,
   * none per cell. It goes through the clipboard (ET's only formats-only copy), which is emptied after.
   */
  private copyFormats(sheetName: string, blocks: readonly FormatCopy[]): void {
    if (blocks.length === 0) return;
    const target = this.sheet(sheetName);
    try {
      for (const b of blocks) {
        if (b.from.rows < 1 || b.from.cols < 1) continue;
        const dest = this.block(target, b.row, b.col, b.from.rows, b.from.cols);
        this.block(this.sheet(b.from.sheet), b.from.row, b.from.col, b.from.rows, b.from.cols).Copy();
        dest.PasteSpecial(XL_PASTE_FORMATS);
        dest.ClearComments();
        dest.PasteSpecial(XL_PASTE_COMMENTS);
      }
    } finally {
      try {
        this.app.CutCopyMode = false;
      } catch {
        // Only the copy marquee stays; the workbook is as intended.
      }
    }
  }

  private deleteRows(sheetName: string, rows: readonly number[]): void {
    const ws = this.sheet(sheetName);
    const sorted = [...new Set(rows)].filter((r) => r >= 1).sort((a, b) => b - a);
    let i = 0;
    while (i < sorted.length) {
      // Bottom-up, contiguous rows merged into one Delete.
      let top = sorted[i];
      let j = i + 1;
      while (j < sorted.length && sorted[j] === top - 1) top = sorted[j++];
      const n = sorted[i] - top + 1;
      prop(this.block(ws, top, 1, n, 1), "EntireRow").Delete();
      i = j;
    }
    moveMarksSync(this.markStore(), sheetName, rowAfterDeleting(sorted));
  }

  private insertRows(sheetName: string, row: number, col: number, values: readonly CellValue[][]): void {
    if (values.length === 0) return;
    const ws = this.sheet(sheetName);
    prop(this.block(ws, row, 1, values.length, 1), "EntireRow").Insert();
    // Inserted rows take the fill of the row above (a user's colour or a KJ mark): restored rows
    // must not look marked, so the fill goes across the used width.
    const used = prop(ws, "UsedRange");
    const width = Number(prop(used, "Column")) + count(prop(used, "Columns")) - 1;
    if (width >= 1) prop(this.block(ws, row, 1, values.length, width), "Interior").ColorIndex = XL_NONE;
    moveMarksSync(this.markStore(), sheetName, rowAfterInserting(row, values.length));
    this.writeValues(ws, sheetName, row, col, values);
  }

  private dataBar(sheetName: string, row: number, col: number, rows: number, cols: number, color: string): void {
    if (rows <= 0 || cols <= 0) return;
    const target = this.block(this.sheet(sheetName), row, col, rows, cols);
    try {
      const bar = prop(target, "FormatConditions").AddDatabar();
      prop(bar, "BarColor").Color = bgrFromHex(color);
    } catch {
      // WPS builds without data bars: the ratios stay readable as numbers; nothing else depends on the bar.
    }
  }

  // ---- marks: the shared registry logic (marks.ts) over the ET object model -------------------

  /** The ET object model as the store the shared mark logic (marks.ts) works on. */
  private markStore(): SyncMarkStore {
    const cell = (sheet: string, row: number, col: number): Com => this.sheet(sheet).Range(cellAddress(row, col));
    return {
      getFill: (sheet, row, col) => readFill(prop(cell(sheet, row, col), "Interior")),
      setFill: (sheet, row, col, fill) => writeFill(prop(cell(sheet, row, col), "Interior"), fill),
      getNote: (sheet, row, col) => {
        const comment = prop(cell(sheet, row, col), "Comment");
        return comment ? commentText(comment) : null;
      },
      setNote: (sheet, row, col, text) => {
        // One comment per cell in ET: replace it as a whole (marks.ts composed the text).
        const target = cell(sheet, row, col);
        if (prop(target, "Comment")) target.ClearComments();
        if (text !== null) target.AddComment(text);
      },
      readRegistry: () => {
        const ws = this.findSheet(MARK_REGISTRY_SHEET);
        return ws ? this.valuesFromA1(ws) : [];
      },
      writeRegistry: (rows) => {
        let ws = this.findSheet(MARK_REGISTRY_SHEET);
        if (!ws) {
          ws = this.ensureSheet(MARK_REGISTRY_SHEET);
          ws.Visible = XL_SHEET_HIDDEN;
        }
        prop(ws, "UsedRange").ClearContents();
        this.writeValues(ws, MARK_REGISTRY_SHEET, 1, 1, rows);
      },
    };
  }

  /** A sheet's used values as a matrix anchored at A1 (one Value2 read). */
  private valuesFromA1(ws: Com): CellValue[][] {
    const used = prop(ws, "UsedRange");
    const top = Number(prop(used, "Row")) || 1;
    const left = Number(prop(used, "Column")) || 1;
    const raw = matrixFromValue2(prop(used, "Value2"), count(prop(used, "Rows")), count(prop(used, "Columns")));
    const pad: CellValue[] = Array.from({ length: left - 1 }, () => null);
    return [
      ...Array.from({ length: top - 1 }, () => [] as CellValue[]),
      ...raw.map((r) => [...pad, ...r.map(cellFromValue2)]),
    ];
  }

  // ---- object model access --------------------------------------------------------------------

  private workbook(): Com {
    return prop(this.app, "ActiveWorkbook");
  }

  private worksheets(): Com {
    const wb = this.workbook();
    if (!wb) throw new Error("WPS 中没有打开的工作簿，请先打开台账文件");
    return prop(wb, "Worksheets") ?? prop(wb, "Sheets");
  }

  private findSheet(name: string): Com | null {
    const cached = this.sheetCache?.get(name);
    if (cached) return cached;
    const sheets = this.worksheets();
    for (let i = 1; i <= count(sheets); i++) {
      const ws = sheets.Item(i);
      if (String(prop(ws, "Name")) === name) {
        this.sheetCache?.set(name, ws);
        return ws;
      }
    }
    return null;
  }

  private sheet(name: string): Com {
    const ws = this.findSheet(name);
    if (!ws) throw new KjError("sheet_not_found", `找不到工作表“${name}”`);
    return ws;
  }

  private block(ws: Com, row: number, col: number, rows: number, cols: number): Com {
    const corner = ws.Range(cellAddress(row, col));
    return rows === 1 && cols === 1 ? corner : corner.Resize(rows, cols);
  }

  private screenUpdatingOff(): { restore: () => void } {
    let previous: unknown;
    try {
      previous = prop(this.app, "ScreenUpdating");
      this.app.ScreenUpdating = false;
    } catch {
      return { restore: () => undefined };
    }
    return {
      restore: () => {
        try {
          this.app.ScreenUpdating = previous === undefined ? true : previous;
        } catch {
          // Nothing more to do: the host refused; WPS turns it back on when the macro context ends.
        }
      },
    };
  }
}

/**
 * Range.Formula gives a constant's text for a non-formula cell, so text stored as "=1+1" reads
 * "=1+1" there too; it is a formula only when its value is not that same text.
 */
function formulaText(f: unknown, value2: unknown): string | null {
  if (typeof f !== "string" || !f.startsWith("=")) return null;
  return value2 === f ? null : f;
}

function isTextCell(v: CellValue): boolean {
  return typeof v === "string" ? v !== "" : typeof v === "object" && v !== null && !(v instanceof Date);
}

function writeFailure(sheet: string, cells: string[]): Error {
  const shown = cells.slice(0, 5).join("、");
  const more = cells.length > 5 ? ` 等 ${cells.length} 个单元格` : "";
  return new Error(`无法写入工作表“${sheet}”的 ${shown}${more}：单元格可能受保护或处于编辑状态`);
}

function readFill(interior: Com): SavedFill {
  const index = prop(interior, "ColorIndex");
  const pattern = prop(interior, "Pattern");
  if (index === XL_NONE || pattern === XL_NONE) return { kind: "none" };
  const color = prop(interior, "Color");
  return typeof color === "number" ? { kind: "solid", color: hexFromBgr(color) } : { kind: "none" };
}

function writeFill(interior: Com, fill: SavedFill): void {
  const color = fill.kind === "solid" ? normalizeColor(fill.color) : fill.kind === "raw" ? colorOfRawFill(fill.json) : null;
  if (color) interior.Color = bgrFromHex(color);
  else interior.ColorIndex = XL_NONE;
}

/** A fill recorded by another host (exceljs or Excel pattern fill): its solid colour when it has one. */
function colorOfRawFill(json: Record<string, unknown>): string | null {
  const fg = json.fgColor as { argb?: unknown } | undefined;
  if (fg && typeof fg.argb === "string") return normalizeColor(fg.argb);
  return typeof json.color === "string" ? normalizeColor(json.color) : null;
}

function commentText(comment: Com): string {
  const t = prop(comment, "Text");
  return typeof t === "string" ? t : "";
}

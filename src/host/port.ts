/**
 * The SpreadsheetHost port. Data flows one way: a host reads a snapshot, a job (pure, in
 * src/jobs) computes a report and a list of edits, the host applies the edits.
 * Every adapter (memory, xlsx, excel, wps) implements this and passes tests/host-contract.
 */
import { CellValue } from "../ledger/cells";

/**
 * One sheet's table, read in one go: the used range of cells holding a value or a formula,
 * trailing empty rows and columns left out, and cells far from the table left out too (see
 * `ignored`), so its size follows the content. values[0][0] is sheet cell (firstRow, firstCol).
 */
export interface SheetSnapshot {
  name: string;
  /** 1-based. */
  firstRow: number;
  /** 1-based. */
  firstCol: number;
  /** Rectangular; blank cells are null. Error values are { error: "#N/A" }. Dates may be Date or serial numbers. */
  values: CellValue[][];
  /** Formulas where a cell holds one ("=KJ.AWARD(C2)"), same shape as values, null elsewhere. Optional: only hosts that read them. */
  formulas?: (string | null)[][];
  /**
   * Cells the host found but left out of `values` because they lie far from the sheet's table
   * (src/host/snapshot.ts): their number and the first few, so the user can be told where.
   */
  ignored?: { cells: number; sample: { row: number; col: number; value: CellValue; formula?: string }[] };
}

export interface WorkbookSnapshot {
  sheets: SheetSnapshot[];
  /** The sheet the user is looking at, if the host knows. */
  activeSheet?: string;
  /** What the host could not read and left out, in Chinese naming the sheet (e.g. a sheet whose part points outside the file). */
  warnings?: string[];
}

/** Mark colours (RGB hex). */
export const MARK_COLORS = { error: "#FFC7CE", warning: "#FFEB9C", suggestion: "#DDEBF7" } as const;
export type MarkLevel = keyof typeof MARK_COLORS;

/** Prefix of every note the add-in writes, so clearing marks never touches a user's note. */
export const NOTE_PREFIX = "【KJ】";

/** A block of cells on a sheet, 1-based. */
export interface CellBlock {
  sheet: string;
  row: number;
  col: number;
  rows: number;
  cols: number;
}

/** A source block whose formats and notes go to the same-sized block at (row, col) of the edit's sheet. */
export interface FormatCopy {
  from: CellBlock;
  row: number;
  col: number;
}

/**
 * What a job asks a host to do. Every string value is written as text (never a formula);
 * formulas come only through `setFormulas`, which jobs build from their own templates.
 */
export type Edit =
  /** Writes a block of values at (row, col), 1-based. Strings are always stored as text. */
  | { type: "setValues"; sheet: string; row: number; col: number; values: CellValue[][] }
  /** Writes formulas built by the add-in ("=KJ.AWARD(C2,E2,D2)"), same shape rules as values; null leaves a cell alone. */
  | { type: "setFormulas"; sheet: string; row: number; col: number; formulas: (string | null)[][] }
  /**
   * Creates a sheet if it does not exist (no-op otherwise). With `hidden`, the sheet (new or not)
   * is hidden: "veryHidden" sheets cannot be shown from the sheet tabs (the add-in's own data,
   * e.g. the policy packs stored in the workbook).
   */
  | { type: "ensureSheet"; sheet: string; hidden?: "hidden" | "veryHidden" }
  /** Clears the values of a block (only ever inside the add-in's own sheets or columns). */
  | { type: "clearRange"; sheet: string; row: number; col: number; rows: number; cols: number }
  /** Marks cells: fill colour + a note starting with NOTE_PREFIX. The host remembers the previous fill to restore it. */
  | { type: "mark"; sheet: string; marks: CellMark[] }
  /**
   * Removes every mark the add-in made on a sheet (or, with `rows`, on those rows only), restoring
   * previous fills; user notes are left alone.
   */
  | { type: "clearMarks"; sheet: string; rows?: number[] }
  /** Deletes whole sheet rows (1-based, any order). Only upkeep does this, after archiving them. */
  | { type: "deleteRows"; sheet: string; rows: number[] }
  /** Inserts whole rows before `row` (1-based) holding `values` (starting at column `col`). */
  | { type: "insertRows"; sheet: string; row: number; col: number; values: CellValue[][] }
  /**
   * Gives each target block of `sheet` the cell formats (fill, number format, font, borders: whatever the host
   * keeps per cell) and the notes of its source block, cell for cell, replacing what the target had:
   * a source cell without a fill or a note leaves its target without one. Values and formulas stay
   * as they are. The number format goes too, the text format "@" included: write strings after
   * copying, or copy from cells that hold them as text. Upkeep uses it so a removed row's fills
   * and notes go to 调出记录 and come back on undo.
   */
  | { type: "copyFormats"; sheet: string; blocks: FormatCopy[] }
  /** A number format for a block ("0.00", "0.0%"), e.g. for the attainment sheet. */
  | { type: "numberFormat"; sheet: string; row: number; col: number; rows: number; cols: number; format: string }
  /** Data bars over a block of 0..1 ratios (hosts without conditional formats may ignore it). */
  | { type: "dataBar"; sheet: string; row: number; col: number; rows: number; cols: number; color: string }
  /** Column widths in characters, from column `col`. */
  | { type: "columnWidths"; sheet: string; col: number; widths: number[] }
  /** Bold header row. */
  | { type: "bold"; sheet: string; row: number; col: number; rows: number; cols: number };

export interface CellMark {
  row: number;
  col: number;
  level: MarkLevel;
  /** Without NOTE_PREFIX; the host adds it. */
  note: string;
}

export type ProgressFn = (done: number, total: number, stage: string) => void;

export interface SpreadsheetHost {
  /** "memory" | "xlsx" | "excel" | "wps" */
  readonly kind: string;
  listSheets(): Promise<string[]>;
  activeSheet(): Promise<string | null>;
  /** One used-range read. A sheet with nothing in it gives values [] . */
  readSheet(name: string): Promise<SheetSnapshot>;
  /** Applies edits in order, batched; progress is reported in edits or chunks. */
  apply(edits: readonly Edit[], progress?: ProgressFn): Promise<void>;
  /** Selects (and shows) one cell. */
  select(sheet: string, row: number, col: number): Promise<void>;
  /**
   * Recalculates every formula of the workbook (Excel, WPS), e.g. after the policy packs stored in
   * it changed, so KJ functions answer by the new packs. Hosts without a calculation engine omit it.
   */
  recalculate?(): Promise<void>;
}

/** Reads every sheet, one used-range read each. */
export async function readWorkbook(host: SpreadsheetHost): Promise<WorkbookSnapshot> {
  const names = await host.listSheets();
  const sheets: SheetSnapshot[] = [];
  for (const n of names) sheets.push(await host.readSheet(n));
  const active = await host.activeSheet();
  return active ? { sheets, activeSheet: active } : { sheets };
}

/**
 * How every host turns the cells it found on a sheet into a SheetSnapshot, with memory
 * proportional to content: cells are collected as they are (rows that hold something, each
 * from its first cell), and the snapshot's rectangle is the sheet's table, not the bounding box
 * of everything. Stray cells far below or to the right of the table (a value typed at
 * XFD1048576, a note 5,000 rows down) would otherwise make the rectangle millions of rows x
 * thousands of columns; they are left out and reported (`SheetSnapshot.ignored`), so the jobs
 * work on the table and the user is told what was not read and where.
 *
 * The table: rows are split where more than `rowGap` empty rows follow each other, and the
 * block holding the most cells is kept; within it, columns are split where more than `colGap`
 * empty columns follow each other, and again the block holding the most cells is kept. A table
 * larger than `maxCells` (rows x columns of real data) is refused with a Chinese message.
 */
import { KjError } from "../errors";
import { CellValue } from "../ledger/cells";
import { cellAddress } from "../text";
import { SheetSnapshot } from "./port";

export interface SheetLimits {
  /** Rows x columns of the table, at most. */
  maxCells: number;
  /** More empty rows than this in a row end a block of rows. */
  rowGap: number;
  /** More empty columns than this in a row end a block of columns. */
  colGap: number;
  /** How many ignored cells a snapshot lists (their number is always given). */
  sample: number;
}

/**
 * 20 million cells is 400,000 rows x 50 columns (the largest package part, 500 MiB of sheet XML,
 * holds about 350,000 such rows): about 160 MB for the snapshot's arrays alone. Ledgers leave a
 * few blank rows or columns between sections, never a thousand rows or a hundred columns.
 */
export const SHEET_LIMITS: SheetLimits = Object.freeze({ maxCells: 20_000_000, rowGap: 1_000, colGap: 100, sample: 3 });

/** One row as a host found it: values[j] (and formulas[j]) are the cell at column first + j; holes and undefined are no cell. */
export interface FoundRow {
  row: number;
  first: number;
  values: (CellValue | undefined)[];
  formulas?: (string | null | undefined)[] | null;
}

const present = (r: FoundRow, j: number): boolean => r.values[j] !== undefined || (r.formulas?.[j] ?? null) !== null;

/** Calls fn for each cell of a row that holds something (holes are skipped, however far apart). */
function eachCell(r: FoundRow, fn: (col: number, j: number) => void): void {
  const seen = new Set<number>();
  r.values.forEach((_v, j) => {
    if (present(r, j)) {
      seen.add(j);
      fn(r.first + j, j);
    }
  });
  r.formulas?.forEach((_f, j) => {
    if (!seen.has(j) && present(r, j)) fn(r.first + j, j);
  });
}

/** Splits sorted positions into blocks where a gap exceeds `gap`; returns [start, end] indices into `sorted`. */
function blocks(sorted: readonly number[], gap: number): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 1; i <= sorted.length; i++) {
    if (i === sorted.length || sorted[i] - sorted[i - 1] - 1 > gap) {
      out.push([start, i - 1]);
      start = i;
    }
  }
  return out;
}

/**
 * The snapshot of a sheet from the rows a host found (any order; rows without cells allowed).
 * Throws KjError("sheet_too_large") when the table exceeds `limits.maxCells`.
 * Example: a ledger in A1:T101 plus "x" at XFD1048576 -> values 101 x 20 from A1, ignored
 * { cells: 1, sample: [{ row: 1048576, col: 16384, value: "x" }] }.
 */
export function snapshotFromRows(name: string, found: readonly FoundRow[], limits: SheetLimits = SHEET_LIMITS): SheetSnapshot {
  const rows = found.filter((r) => r.values.length > 0 || (r.formulas?.length ?? 0) > 0).sort((a, b) => a.row - b.row);
  const counts = rows.map((r) => {
    let n = 0;
    eachCell(r, () => n++);
    return n;
  });
  const kept = rows.map((_r, i) => i).filter((i) => counts[i] > 0);
  if (kept.length === 0) return { name, firstRow: 1, firstCol: 1, values: [] };

  // The block of rows holding the most cells.
  const rowBlocks = blocks(
    kept.map((i) => rows[i].row),
    limits.rowGap,
  );
  let best = rowBlocks[0];
  let bestCells = -1;
  for (const b of rowBlocks) {
    let n = 0;
    for (let k = b[0]; k <= b[1]; k++) n += counts[kept[k]];
    if (n > bestCells) [best, bestCells] = [b, n];
  }
  const inRows = kept.slice(best[0], best[1] + 1).map((i) => rows[i]);

  // Within it, the block of columns holding the most cells.
  const perCol = new Map<number, number>();
  for (const r of inRows) eachCell(r, (col) => perCol.set(col, (perCol.get(col) ?? 0) + 1));
  const cols = [...perCol.keys()].sort((a, b) => a - b);
  let firstCol = cols[0];
  let lastCol = cols[0];
  bestCells = -1;
  for (const b of blocks(cols, limits.colGap)) {
    let n = 0;
    for (let k = b[0]; k <= b[1]; k++) n += perCol.get(cols[k]) ?? 0;
    if (n > bestCells) [firstCol, lastCol, bestCells] = [cols[b[0]], cols[b[1]], n];
  }

  // Rows of the block with a cell in those columns.
  const inTable = (col: number) => col >= firstCol && col <= lastCol;
  const tableRows = inRows.filter((r) => {
    let any = false;
    eachCell(r, (col) => (any ||= inTable(col)));
    return any;
  });
  const firstRow = tableRows[0].row;
  const lastRow = tableRows[tableRows.length - 1].row;
  const height = lastRow - firstRow + 1;
  const width = lastCol - firstCol + 1;
  if (height * width > limits.maxCells) {
    const range = `${cellAddress(firstRow, firstCol)}:${cellAddress(lastRow, lastCol)}`;
    throw new KjError(
      "sheet_too_large",
      `工作表“${name}”的数据区域 ${range} 有 ${height.toLocaleString("en-US")} 行 × ${width.toLocaleString("en-US")} 列，超过可处理的上限 ${(limits.maxCells / 10_000).toLocaleString("en-US")} 万个单元格（约 40 万行 × 50 列）。请把工作表拆分成几个较小的表，或删除多余的单元格后再试`,
    );
  }

  const values: CellValue[][] = Array.from({ length: height }, () => new Array<CellValue>(width).fill(null));
  let formulas: (string | null)[][] | undefined;
  let ignoredCount = 0;
  const sample: { row: number; col: number; value: CellValue; formula?: string }[] = [];
  const rowSet = new Set(tableRows);
  for (const r of rows) {
    const mine = rowSet.has(r);
    eachCell(r, (col, j) => {
      const value = r.values[j] ?? null;
      const formula = r.formulas?.[j] ?? null;
      if (mine && inTable(col)) {
        values[r.row - firstRow][col - firstCol] = value;
        if (formula) (formulas ??= values.map(() => new Array<string | null>(width).fill(null)))[r.row - firstRow][col - firstCol] = formula;
        return;
      }
      ignoredCount++;
      if (sample.length < limits.sample) sample.push(formula ? { row: r.row, col, value, formula } : { row: r.row, col, value });
    });
  }
  const snapshot: SheetSnapshot = formulas ? { name, firstRow, firstCol, values, formulas } : { name, firstRow, firstCol, values };
  if (ignoredCount > 0) snapshot.ignored = { cells: ignoredCount, sample };
  return snapshot;
}

/** The rows of a dense block read from a host (values[i][j] is sheet cell firstRow + i, firstCol + j; null: blank). */
export function rowsOfBlock(firstRow: number, firstCol: number, values: readonly (readonly CellValue[])[], formulas?: readonly (readonly (string | null)[])[]): FoundRow[] {
  return values.map((r, i) => {
    const f = formulas?.[i];
    const out: FoundRow = { row: firstRow + i, first: firstCol, values: [], formulas: f ? [] : null };
    r.forEach((v, j) => {
      const formula = f?.[j] ?? null;
      if (v === null && formula === null) return;
      out.values[j] = v;
      if (formula) (out.formulas as (string | null)[])[j] = formula;
    });
    return out;
  });
}

/** A cell's content as a message shows it: at most 20 characters, quoted. */
function shown(c: { value: CellValue; formula?: string }): string {
  const v = c.formula ?? c.value;
  let s: string;
  if (v === null || v === undefined) s = "";
  else if (v instanceof Date) s = Number.isNaN(v.getTime()) ? "" : v.toISOString().slice(0, 10);
  else if (typeof v === "object") s = v.error;
  else s = String(v);
  s = s.replace(/[\u0000-\u001f\u007f]/g, " ");
  return `“${s.length > 20 ? s.slice(0, 19) + "…" : s}”`;
}

/**
 * What a snapshot left out, as one Chinese sentence naming the sheet, the table and the first
 * cells (null when nothing was left out).
 * Example: "工作表“企业培育库”中有 1 个单元格远离表格（表格在 A1:T101），没有读取：XFD1048576“x”。…"
 */
export function ignoredCellsWarning(s: SheetSnapshot): string | null {
  if (!s.ignored || s.ignored.cells === 0) return null;
  const height = s.values.length;
  const width = s.values.reduce((w, r) => Math.max(w, r.length), 0);
  const table = height && width ? `${cellAddress(s.firstRow, s.firstCol)}:${cellAddress(s.firstRow + height - 1, s.firstCol + width - 1)}` : "无";
  const cells = s.ignored.sample.map((c) => `${cellAddress(c.row, c.col)}${shown(c)}`).join("、");
  const more = s.ignored.cells > s.ignored.sample.length ? ` 等 ${s.ignored.cells} 个` : "";
  return `工作表“${s.name}”中有 ${s.ignored.cells} 个单元格远离表格（表格在 ${table}），没有读取：${cells}${more}。如果是误输入，可以在 Excel/WPS 中删除`;
}

/**
 * For hosts that can only read a used range as one block (Excel, WPS): refuses, before
 * reading, a used range larger than `maxCells`, naming it, since such a read would not finish
 * (a stray cell at XFD1048576 makes the used range the whole sheet).
 */
export function assertUsedRangeReadable(name: string, firstRow: number, firstCol: number, rows: number, cols: number, limits: SheetLimits = SHEET_LIMITS): void {
  if (rows * cols <= limits.maxCells) return;
  const range = `${cellAddress(firstRow, firstCol)}:${cellAddress(firstRow + rows - 1, firstCol + cols - 1)}`;
  throw new KjError(
    "sheet_too_large",
    `工作表“${name}”的已用区域 ${range} 有 ${rows.toLocaleString("en-US")} 行 × ${cols.toLocaleString("en-US")} 列，超过可处理的上限 ${(limits.maxCells / 10_000).toLocaleString("en-US")} 万个单元格。多半是表格下方或右侧远处有误输入的单元格：请选中表格下方和右侧多余的行、列并删除（或用命令行 kj 处理，它会跳过远处的单元格），再试`,
  );
}

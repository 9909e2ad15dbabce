/**
 * Rows deleted from or inserted into one sheet, and what that does to every reference to the
 * sheet's rows: formulas (as Excel adjusts them), ranges (merged cells, validation, conditional
 * formats, tables, filters), anchors (pictures, charts, notes). Pure: text in, text out.
 *
 * Ranges follow Excel, with one difference that makes "remove, then undo" give the ranges back:
 * when the inserted rows put back rows of a data block (the ledger's rows, given by the caller),
 * a range that starts at or above the block's first row takes back rows inserted at its first
 * row, and one that reaches the block's last row (or ends right above the formula that sums it)
 * takes back rows inserted right after it; Excel would move the first, and leave out the second.
 * A range over the ledger's data whose first or last row was removed then gets that row back on
 * undo. Other ranges, single cells and merged cells follow Excel.
 */
import { columnLetter } from "../../text";

/** The largest row number of a sheet. */
export const MAX_ROW = 1_048_576;

/** How rows move on one sheet. */
export interface RowMove {
  /** The sheet whose rows move (compared case-insensitively, as Excel compares sheet names). */
  readonly sheet: string;
  /** Rows before this one keep their numbers. */
  readonly first: number;
  /** The new number of a row; null when the row was deleted. */
  point(row: number): number | null;
  /** Where an object anchored at a row goes: a deleted row's objects go to the row that takes its place. */
  anchor(row: number): number;
  /**
   * The new rows of a range [top, bottom] (widened by inserts at its edges when it covers the data
   * block's edge, see the file comment; `formulaRow` is the row of the formula holding it, if any);
   * null when all of its rows were deleted.
   */
  area(top: number, bottom: number, formulaRow?: number): [number, number] | null;
  /** The same by Excel's rule at the edges (an insert at the first row moves the range; merged cells). */
  edges(top: number, bottom: number): [number, number] | null;
}

/** Index of the first element of sorted `xs` that is >= x. */
function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Rows deleted (1-based, any order, duplicates ignored). */
export function rowsDeleted(sheet: string, rows: readonly number[]): RowMove {
  const gone = [...new Set(rows.filter((r) => Number.isInteger(r) && r >= 1 && r <= MAX_ROW))].sort((a, b) => a - b);
  const isGone = (r: number) => {
    const i = lowerBound(gone, r);
    return i < gone.length && gone[i] === r;
  };
  const shifted = (r: number) => r - lowerBound(gone, r);
  /** The first row >= r that stays (MAX_ROW + 1 when none). */
  const nextKept = (r: number) => {
    let i = lowerBound(gone, r);
    let x = r;
    while (i < gone.length && gone[i] === x) {
      i++;
      x++;
    }
    return x;
  };
  /** The last row <= r that stays (0 when none). */
  const prevKept = (r: number) => {
    let i = lowerBound(gone, r);
    if (i === gone.length || gone[i] !== r) return r;
    let x = r;
    while (i >= 0 && gone[i] === x) {
      i--;
      x--;
    }
    return x;
  };
  return {
    sheet,
    first: gone.length > 0 ? gone[0] : MAX_ROW + 1,
    point: (r) => (isGone(r) ? null : shifted(r)),
    anchor: (r) => {
      const k = nextKept(r);
      return k > MAX_ROW ? Math.max(1, shifted(MAX_ROW + 1)) : shifted(k);
    },
    area: (top, bottom) => area(top, bottom),
    edges: (top, bottom) => area(top, bottom),
  };
  function area(top: number, bottom: number): [number, number] | null {
    const t = nextKept(top);
    const b = prevKept(bottom);
    if (t > b) return null;
    return [shifted(t), shifted(b)];
  }
}

/** Rows of a data block (sheet rows before the insert) that an insert puts rows back into. */
export interface DataBlock {
  first: number;
  last: number;
}

/**
 * Rows inserted, as runs applied one after the other: `count` rows before row `at`, where `at`
 * counts the rows the runs before it inserted (as upkeep's undo inserts them, in ascending order).
 * With `block`, the inserted rows are rows put back into that data block (see the file comment).
 */
export function rowsInserted(sheet: string, runs: readonly { at: number; count: number }[], block?: DataBlock): RowMove {
  // Each run's position in the sheet as it was before any insert.
  const at: number[] = [];
  const before: number[] = [0];
  let added = 0;
  for (const run of runs) {
    if (run.count <= 0) continue;
    const original = run.at - added;
    if (at.length > 0 && original < at[at.length - 1]) throw new RangeError("insert runs out of order");
    at.push(original);
    added += run.count;
    before.push(added);
  }
  /** Rows inserted at positions <= r (or < r when strict). */
  const upTo = (r: number, strict: boolean) => before[strict ? lowerBound(at, r) : lowerBound(at, r + 1)];
  const point = (r: number) => r + upTo(r, false);
  return {
    sheet,
    first: at.length > 0 ? at[0] : MAX_ROW + 1,
    point,
    anchor: point,
    area: (top, bottom, formulaRow) => {
      // Excel's rule without a block, and for a single row that is not the whole block.
      if (!block || (top === bottom && !(top <= block.first && bottom >= block.last))) return [point(top), Math.min(point(bottom), MAX_ROW)];
      const t = top + upTo(top, top <= block.first);
      const widens = bottom >= block.last || formulaRow === bottom + 1;
      const b = bottom >= MAX_ROW ? bottom : bottom + upTo(widens ? bottom + 1 : bottom, false);
      return [t, Math.min(b, MAX_ROW)];
    },
    edges: (top, bottom) => [point(top), Math.min(point(bottom), MAX_ROW)],
  };
}

// ---- references in formulas ---------------------------------------------------------------

/** What moving a formula's references did. */
export interface Moved {
  text: string;
  /** A range of the moved sheet changed size, or a reference became #REF!: the formula's value may change. */
  resized: boolean;
}

const WORD = /[A-Za-z0-9_.\\\u0080-\uffff$?]/;
const CELL = /^(\$?)([A-Z]{1,3})(\$?)(\d{1,7})(?![A-Za-z0-9_.([\u0080-\uffff])/;
const AREA = /^(\$?)([A-Z]{1,3})(\$?)(\d{1,7}):(\$?)([A-Z]{1,3})(\$?)(\d{1,7})(?![A-Za-z0-9_.([\u0080-\uffff])/;
const ROWS = /^(\$?)(\d{1,7}):(\$?)(\d{1,7})(?![A-Za-z0-9_.([\u0080-\uffff:])/;
const COLS = /^\$?[A-Z]{1,3}:\$?[A-Z]{1,3}(?![A-Za-z0-9_.([\u0080-\uffff:])/;
const ERROR_LITERAL = /^#(?:NULL!|DIV\/0!|VALUE!|REF!|NAME\?|NUM!|N\/A|GETTING_DATA|SPILL!|CALC!|FIELD!|BLOCKED!|CONNECT!|BUSY!|UNKNOWN!)/;

/** "A" -> 1 ... "XFD" -> 16384. */
function colNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/**
 * How a formula's own references are read: "cell" formulas name rows as they are (A1 is row 1
 * wherever the formula is); "relative" formulas (conditional formats, data validation) are
 * written for the first cell of their range, `origin`, and a reference without $ means "so many
 * rows from the cell": it moves with the origin, not with the row it names.
 */
export type FormulaFrame = { kind: "cell"; row?: number } | { kind: "relative"; origin: number; newOrigin: number };

/**
 * `formula` (without "=", as stored in the file), living on sheet `home`, with every reference to
 * the rows of `move.sheet` moved. Text in quotes, structured references ([...]), references to
 * other workbooks and whole columns stay as they are; a reference to deleted rows becomes #REF!.
 * Example: rowsDeleted("S", [3]) turns "SUM(B2:B9)+B5" on S into "SUM(B2:B8)+B4".
 */
export function moveFormulaRows(formula: string, home: string, move: RowMove, frame: FormulaFrame = { kind: "cell" }): Moved {
  const target = move.sheet.toLowerCase();
  const onHome = home.toLowerCase() === target;
  let out = "";
  let resized = false;
  let i = 0;
  const n = formula.length;
  /** The char before position p, ignoring nothing (refs must not follow a word char). */
  const wordBefore = (p: number) => p > 0 && WORD.test(formula[p - 1]);
  /** The reference being read names the formula's own sheet (for relative frames). */
  let onHomeRef = false;

  const rowOf = (abs: boolean, row: number): number | null => {
    if (frame.kind === "relative" && onHomeRef && !abs) {
      const r = row + (frame.newOrigin - frame.origin);
      return r >= 1 && r <= MAX_ROW ? r : row;
    }
    return move.point(row);
  };

  /** Rewrites the reference starting at p (after any sheet prefix); returns [text, end] or null when there is none. */
  const reference = (p: number, sheetMatches: boolean): [string, number] | null => {
    const rest = formula.slice(p, p + 40);
    let m = AREA.exec(rest);
    if (m) {
      const end = p + m[0].length;
      if (!sheetMatches) return [m[0], end];
      const [, c1, l1, r1, n1, c2, l2, r2, n2] = m;
      const top = Number(n1);
      const bottom = Number(n2);
      const rows = movedArea(top, bottom, r1 === "$", r2 === "$");
      if (rows === null) {
        resized = true;
        return ["#REF!", end];
      }
      if (rows[1] - rows[0] !== Math.abs(bottom - top)) resized = true;
      return [`${c1}${l1}${r1}${rows[0]}:${c2}${l2}${r2}${rows[1]}`, end];
    }
    m = ROWS.exec(rest);
    if (m) {
      const end = p + m[0].length;
      if (!sheetMatches) return [m[0], end];
      const [, r1, n1, r2, n2] = m;
      const rows = movedArea(Number(n1), Number(n2), r1 === "$", r2 === "$");
      if (rows === null) {
        resized = true;
        return ["#REF!", end];
      }
      if (rows[1] - rows[0] !== Math.abs(Number(n2) - Number(n1))) resized = true;
      return [`${r1}${rows[0]}:${r2}${rows[1]}`, end];
    }
    m = COLS.exec(rest);
    if (m) return [m[0], p + m[0].length];
    m = CELL.exec(rest);
    if (m && colNumber(m[2]) <= 16_384) {
      const end = p + m[0].length;
      if (!sheetMatches) return [m[0], end];
      const row = rowOf(m[3] === "$", Number(m[4]));
      if (row === null) {
        resized = true;
        return ["#REF!", end];
      }
      return [`${m[1]}${m[2]}${m[3]}${row}`, end];
    }
    return null;
  };

  const movedArea = (top: number, bottom: number, absTop: boolean, absBottom: boolean): [number, number] | null => {
    const lo = Math.min(top, bottom);
    const hi = Math.max(top, bottom);
    if (frame.kind === "relative" && onHomeRef && (!absTop || !absBottom)) {
      // Each end by itself: a relative one moves with the origin, an absolute one with its row.
      const end = (abs: boolean, row: number) => (abs ? (move.area(row, row)?.[0] ?? move.anchor(row)) : (rowOf(false, row) as number));
      return [end(absTop, lo), end(absBottom, hi)];
    }
    return move.area(lo, hi, frame.kind === "cell" && onHomeRef ? frame.row : undefined);
  };

  while (i < n) {
    const ch = formula[i];
    if (ch === "#") {
      const e = ERROR_LITERAL.exec(formula.slice(i, i + 14));
      const lit = e ? e[0] : "#";
      out += lit;
      i += lit.length;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      while (j < n) {
        if (formula[j] === '"') {
          if (formula[j + 1] === '"') j += 2;
          else break;
        } else j++;
      }
      out += formula.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === "[") {
      // Structured reference or another workbook's index: copied as is, and a sheet reference after
      // a workbook index ([1]Sheet1!A1) belongs to that workbook.
      let depth = 0;
      let j = i;
      for (; j < n; j++) {
        if (formula[j] === "[") depth++;
        else if (formula[j] === "]" && --depth === 0) break;
      }
      const external = /^\[\d+\]/.test(formula.slice(i, j + 1));
      out += formula.slice(i, j + 1);
      i = j + 1;
      if (external) {
        const tail = /^(?:'(?:[^']|'')*'|[^\s!'"(),;=<>&+\-*/^{}]+)!/.exec(formula.slice(i));
        if (tail) {
          out += tail[0];
          i += tail[0].length;
          const r = reference(i, false);
          if (r) {
            out += r[0];
            i = r[1];
          }
        }
      }
      continue;
    }
    if (ch === "'") {
      let j = i + 1;
      while (j < n) {
        if (formula[j] === "'") {
          if (formula[j + 1] === "'") j += 2;
          else break;
        } else j++;
      }
      const name = formula.slice(i + 1, j).replace(/''/g, "'");
      out += formula.slice(i, j + 1);
      i = j + 1;
      if (formula[i] === "!") {
        out += "!";
        i++;
        const matches = !name.includes(":") && name.toLowerCase() === target;
        onHomeRef = matches && onHome;
        const r = reference(i, matches);
        if (r) {
          out += r[0];
          i = r[1];
        }
      }
      continue;
    }
    if (!wordBefore(i) && WORD.test(ch)) {
      // A sheet name without quotes, a reference, a function, a name or a number.
      const word = /^[^\s!'"(),;=<>&+\-*/^{}[\]]+/.exec(formula.slice(i))?.[0] ?? ch;
      if (formula[i + word.length] === "!") {
        out += word + "!";
        i += word.length + 1;
        // Sheet1:Sheet3!A1 (several sheets) is left as it is.
        const matches = !word.includes(":") && word.toLowerCase() === target;
        onHomeRef = matches && onHome;
        const r = reference(i, matches);
        if (r) {
          out += r[0];
          i = r[1];
        }
        continue;
      }
      onHomeRef = onHome;
      const r = reference(i, onHome);
      if (r) {
        out += r[0];
        i = r[1];
        continue;
      }
      // Not a reference: copy the whole word (so "LOG10(" or "A1B" is not read from its middle).
      const plain = /^[A-Za-z0-9_.\\\u0080-\uffff$?]+/.exec(formula.slice(i))?.[0] ?? ch;
      out += plain;
      i += plain.length;
      continue;
    }
    out += ch;
    i++;
  }
  return { text: out, resized };
}

/**
 * A space-separated list of ranges (sqref: "A1 B3:C9") on the moved sheet, moved; ranges whose
 * rows were all deleted are dropped (null when none is left).
 */
export function moveSqref(sqref: string, move: RowMove, excelEdges = false): string | null {
  const out: string[] = [];
  for (const part of sqref.trim().split(/\s+/)) {
    if (part === "") continue;
    const moved = moveRange(part, move, excelEdges);
    if (moved !== null) out.push(moved);
  }
  return out.length > 0 ? out.join(" ") : null;
}

/**
 * One range ("B3:C9", "B3", "B:B", "3:5") moved; null when its rows were all deleted. With
 * `excelEdges` (merged cells), an insert at an edge row follows Excel's rule instead of widening it.
 */
export function moveRange(range: string, move: RowMove, excelEdges = false): string | null {
  const m = /^(\$?)([A-Z]{1,3})?(\$?)(\d+)?(?::(\$?)([A-Z]{1,3})?(\$?)(\d+)?)?$/.exec(range);
  if (!m || m[4] === undefined) return range; // whole columns, or not read: kept
  const [, c1, l1 = "", r1, n1, c2 = "", l2 = "", r2 = "", n2] = m;
  const top = Number(n1);
  if (n2 === undefined) {
    if (range.includes(":")) return range;
    const row = move.point(top);
    return row === null ? null : `${c1}${l1}${r1}${row}`;
  }
  const bottom = Number(n2);
  const lo = Math.min(top, bottom);
  const hi = Math.max(top, bottom);
  const rows = excelEdges ? move.edges(lo, hi) : move.area(lo, hi);
  if (rows === null) return null;
  return `${c1}${l1}${r1}${rows[0]}:${c2}${l2}${r2}${rows[1]}`;
}

/** "A1" or "A1:B2" -> its rows and columns; null for anything else. */
export function parseRange(range: string): { top: number; left: number; bottom: number; right: number } | null {
  const m = /^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$/.exec(range);
  if (!m) return null;
  const left = colNumber(m[1]);
  const top = Number(m[2]);
  const right = m[3] ? colNumber(m[3]) : left;
  const bottom = m[4] ? Number(m[4]) : top;
  return { top: Math.min(top, bottom), left: Math.min(left, right), bottom: Math.max(top, bottom), right: Math.max(left, right) };
}

/** "A1" or "A1:B2" for a block. */
export function rangeRef(top: number, left: number, bottom: number, right: number): string {
  const a = `${columnLetter(left)}${top}`;
  return top === bottom && left === right ? a : `${a}:${columnLetter(right)}${bottom}`;
}

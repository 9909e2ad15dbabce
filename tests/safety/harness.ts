/**
 * The "nothing lost" harness: a checksum of every cell a host holds (value, formula, fill,
 * note), the cells a list of edits declares as the job's own, and the comparison between two
 * checksums that allows changes only there.
 */
import { strict as assert } from "assert";
import { dayFromDate } from "../../src/dates";
import { MARK_REGISTRY_SHEET } from "../../src/host/marks";
import { Edit } from "../../src/host/port";
import { CellValue } from "../../src/ledger/cells";
import { CellProbe } from "./hosts";

export interface CellState {
  value: string;
  formula: string | null;
  fill: string | null;
  note: string | null;
}

/** sheet -> "row,col" -> state of every cell that holds anything. */
export type Checksum = Map<string, Map<string, CellState>>;

export function valueText(v: CellValue): string {
  if (v === null || v === undefined || v === "") return "";
  if (v instanceof Date) return `date:${dayFromDate(v)}`;
  if (typeof v === "object") return `error:${v.error}`;
  return `${typeof v}:${String(v)}`;
}

/** Every non-empty cell of every sheet but the hidden mark registry (the hosts' own bookkeeping). */
export function checksum(probe: CellProbe): Checksum {
  const out: Checksum = new Map();
  for (const sheet of probe.sheetNames()) {
    if (sheet === MARK_REGISTRY_SHEET) continue;
    const cells = new Map<string, CellState>();
    const { rows, cols } = probe.extent(sheet);
    for (let r = 1; r <= rows; r++)
      for (let c = 1; c <= cols; c++) {
        const s: CellState = { value: valueText(probe.value(sheet, r, c)), formula: probe.formula(sheet, r, c), fill: probe.fill(sheet, r, c), note: probe.note(sheet, r, c) };
        if (s.value !== "" || s.formula !== null || s.fill !== null || s.note !== null) cells.set(`${r},${c}`, s);
      }
    out.set(sheet, cells);
  }
  return out;
}

/** What a job's edits declare as its own output. */
export interface Declared {
  /** Sheets the edits create (did not exist before): entirely the job's. */
  newSheets: Set<string>;
  /** "sheet!row,col" whose value or formula the edits write or clear. */
  values: Set<string>;
  /** "sheet!row,col" the edits mark (fill and KJ note may change, the value may not). */
  marks: Set<string>;
  /** Sheets whose marks the edits clear (fills and notes go back to what they were). */
  clearedMarks: Set<string>;
}

export function declaredBy(edits: readonly Edit[], existingSheets: readonly string[]): Declared {
  const d: Declared = { newSheets: new Set(), values: new Set(), marks: new Set(), clearedMarks: new Set() };
  const block = (sheet: string, row: number, col: number, rows: number, cols: number, into: Set<string>) => {
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) into.add(`${sheet}!${row + i},${col + j}`);
  };
  for (const e of edits) {
    switch (e.type) {
      case "ensureSheet":
        if (!existingSheets.includes(e.sheet)) d.newSheets.add(e.sheet);
        break;
      case "setValues":
        e.values.forEach((r, i) => r.forEach((_, j) => d.values.add(`${e.sheet}!${e.row + i},${e.col + j}`)));
        break;
      case "setFormulas":
        e.formulas.forEach((r, i) => r.forEach((f, j) => f !== null && d.values.add(`${e.sheet}!${e.row + i},${e.col + j}`)));
        break;
      case "clearRange":
        block(e.sheet, e.row, e.col, e.rows, e.cols, d.values);
        break;
      case "mark":
        for (const m of e.marks) d.marks.add(`${e.sheet}!${m.row},${m.col}`);
        break;
      case "clearMarks":
        d.clearedMarks.add(e.sheet);
        break;
      case "copyFormats":
        // The targets' fills and notes may change, their values may not.
        for (const b of e.blocks) block(e.sheet, b.row, b.col, b.from.rows, b.from.cols, d.marks);
        break;
      case "deleteRows":
      case "insertRows":
        throw new Error("row moves are checked by the removal round trip, not by declared cells");
      default:
        break; // formats, widths, bold, data bars: presentation of the job's own cells
    }
  }
  return d;
}

const EMPTY: CellState = { value: "", formula: null, fill: null, note: null };

function show(s: CellState | undefined): string {
  return JSON.stringify(s ?? EMPTY);
}

/**
 * Asserts that `after` equals `before` in every cell except the declared ones. Marked cells may
 * change fill and note only; sheets the job created are skipped; no other sheet may appear.
 */
export function assertOnlyDeclaredChanged(before: Checksum, after: Checksum, declared: Declared, what: string): void {
  const problems: string[] = [];
  for (const sheet of new Set([...before.keys(), ...after.keys()])) {
    if (declared.newSheets.has(sheet)) continue;
    const b = before.get(sheet);
    const a = after.get(sheet);
    if (!b) {
      problems.push(`工作表“${sheet}”不在声明中却出现了`);
      continue;
    }
    if (!a) {
      problems.push(`工作表“${sheet}”不见了`);
      continue;
    }
    for (const key of new Set([...b.keys(), ...a.keys()])) {
      const id = `${sheet}!${key}`;
      if (declared.values.has(id)) continue;
      const x = b.get(key) ?? EMPTY;
      const y = a.get(key) ?? EMPTY;
      const sameContent = x.value === y.value && x.formula === y.formula;
      const sameLook = x.fill === y.fill && x.note === y.note;
      if (!sameContent || (!sameLook && !declared.marks.has(id))) problems.push(`${id}: ${show(x)} -> ${show(y)}`);
    }
  }
  assert.deepEqual(problems.slice(0, 20), [], `${what}: ${problems.length} cell(s) changed outside the job's declared output`);
}

/** Asserts two checksums are identical (optionally only some sheets). */
export function assertSame(before: Checksum, after: Checksum, what: string, sheets?: readonly string[]): void {
  const names = sheets ?? [...new Set([...before.keys(), ...after.keys()])];
  const problems: string[] = [];
  for (const sheet of names) {
    const b = before.get(sheet) ?? new Map<string, CellState>();
    const a = after.get(sheet) ?? new Map<string, CellState>();
    if (before.has(sheet) !== after.has(sheet)) problems.push(`工作表“${sheet}”${before.has(sheet) ? "不见了" : "多出来了"}`);
    for (const key of new Set([...b.keys(), ...a.keys()])) {
      if (show(b.get(key)) !== show(a.get(key))) problems.push(`${sheet}!${key}: ${show(b.get(key))} -> ${show(a.get(key))}`);
    }
  }
  assert.deepEqual(problems.slice(0, 20), [], `${what}: ${problems.length} cell(s) differ`);
}

/** The part of a checksum in columns 1..width of one sheet. */
export function columns(sum: Checksum, sheet: string, width: number): Checksum {
  const cells = new Map<string, CellState>();
  for (const [key, s] of sum.get(sheet) ?? []) if (Number(key.split(",")[1]) <= width) cells.set(key, s);
  return new Map([[sheet, cells]]);
}

/** A checksum without some sheets. */
export function without(sum: Checksum, sheets: readonly string[]): Checksum {
  return new Map([...sum].filter(([name]) => !sheets.includes(name)));
}

/**
 * A checksum for comparing a ledger across removal + undo: values, formulas, fills and notes
 * (removed rows' fills and notes go to 调出记录 with their values and come back on undo, so
 * they are compared like every other cell). An error constant written back comes as the host
 * can write one: Excel as the formula "=#N/A", WPS as the text "#N/A" (both read back as that
 * error, DOMAIN §8), so those compare as the error.
 */
export function forRoundTrip(sum: Checksum, sheet: string, width: number): Checksum {
  const cells = new Map<string, CellState>();
  for (const [key, s] of columns(sum, sheet, width).get(sheet) ?? []) {
    const m = /^(?:error|string):(#[A-Z/0!?]+[!?A]?)$/.exec(s.value);
    const error = m && (s.formula === null || s.formula === "=" + m[1]) ? `error:${m[1]}` : null;
    cells.set(key, { value: error ?? s.value, formula: error ? null : s.formula, fill: s.fill, note: s.note });
  }
  return new Map([[sheet, cells]]);
}

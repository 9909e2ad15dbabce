/**
 * Cached results for the formulas a job writes (issue 17.1). A job that writes =KJ.AWARD or
 * =SUMIFS(...) formulas into a file also knows what they give: the core computes every amount
 * exactly. Passing those values as `results` of its setFormulas edits lets the CLI store them
 * as the cells' cached values (<v>) instead of recalculating the whole workbook in HyperFormula
 * (src/host/xlsx/package-recalc.ts), which on 100,000 rows took minutes and gigabytes.
 *
 * The values must be exactly what a recalculation gives. So the helpers here do not read the
 * ledger the way the core does (readText, readDate …) but evaluate each formula on the cells as a
 * spreadsheet engine sees them: dates as serial numbers, COUNTIFS/SUMIFS criteria matched the way
 * HyperFormula (and Excel, LibreOffice) match them. Where a value cannot be known without the
 * engine (a user's formula among the cells read, cells the reader left out, an odd cell whose
 * matching differs between engines), `Unknowable` is thrown with the reason in Chinese and the
 * job leaves the recalculation to the host (its report names why; the CLI prints it).
 */
import Decimal from "decimal.js";
import { dayFromDate, dayFromParts, excelSerialFromDay } from "../dates";
import { isKjError } from "../errors";
import { SheetSnapshot, WorkbookSnapshot } from "../host/port";
import { CellValue } from "../ledger/cells";
import { cellAt } from "./ledgers";

/** A value the job cannot know without a spreadsheet engine; `reason` is Chinese, for the clerk. */
export class Unknowable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * A cell's value as a spreadsheet engine sees it: a date is its serial number (with the time of
 * day as a fraction), blank is null; everything else as it is.
 * Example: engineValue(new Date(Date.UTC(2024, 0, 1))) -> 45292.
 */
export function engineValue(v: CellValue): CellValue {
  if (v === undefined) return null;
  if (v instanceof Date) {
    const day = dayFromDate(v);
    if (day === null) throw new Unknowable("台账中有超出 Excel 日期范围的日期");
    const fraction = (((v.getTime() / 86_400_000) % 1) + 1) % 1;
    return excelSerialFromDay(day) + fraction;
  }
  return v;
}

/**
 * What a KJ custom function gives in a cell: its number, or the error it raises (#N/A for "na",
 * #VALUE! otherwise), exactly as the hosts' wrappers turn a core's result into a cell value.
 */
export function kjFunctionValue(compute: () => number): CellValue {
  try {
    const n = compute();
    return Number.isFinite(n) ? n : { error: "#NUM!" };
  } catch (e) {
    if (isKjError(e)) return { error: e.kind === "na" ? "#N/A" : "#VALUE!" };
    return { error: "#VALUE!" };
  }
}

/** The same cached value (numbers by value, errors by text): a formula need not be written again. */
export function sameCached(a: CellValue, b: CellValue): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null);
  if (typeof a === "object" && typeof b === "object" && !(a instanceof Date) && !(b instanceof Date)) return a.error === b.error;
  return a === b;
}

// ---------------------------------------------------------------- the workbook's other formulas

/** Function names after which an identifier is not a defined name. */
const NOT_A_NAME = /^(TRUE|FALSE)$/i;
const CELL_REF = /^\$?[A-Z]{1,3}\$?\d+$/i;

/**
 * True when a formula may read any of `sheets` (its text names one of them, or it reads cells
 * indirectly: INDIRECT, OFFSET, a defined name). Conservative: a false "true" only costs a
 * recalculation.
 */
export function mayRead(formula: string, sheets: readonly string[]): boolean {
  const code = formula.replace(/"(?:[^"]|"")*"/g, '""');
  if (/\b(INDIRECT|OFFSET)\s*\(/i.test(code)) return true;
  for (const s of sheets) {
    if (code.includes(`'${s.replace(/'/g, "''")}'!`) || code.includes(`${s}!`)) return true;
  }
  // Identifiers that are neither functions, cell references, nor sheet prefixes: defined names.
  const bare = code.replace(/'(?:[^']|'')*'!/g, "");
  for (const m of bare.matchAll(/[A-Za-z_\u4e00-\u9fff][\w.\u4e00-\u9fff]*/g)) {
    const after = bare.slice(m.index! + m[0].length);
    if (/^\s*\(/.test(after) || after.startsWith("!")) continue;
    if (CELL_REF.test(m[0]) || NOT_A_NAME.test(m[0]) || /^\$?[A-Z]{1,3}$/i.test(m[0])) continue;
    return true;
  }
  return false;
}

/**
 * Why the job's cached values could be wrong because of other formulas or unread cells, or null
 * when they cannot: every formula of the ledger sheet must be one the job writes and values itself
 * (`ours` says which); a formula on another sheet must not read the ledger or the job's own sheet
 * (it would change with the new values), must have a cached value, must not be volatile (TODAY(),
 * KJ.ELIGIBLE as of today …), and, with packs given on the command line (`policiesGiven`), must
 * not be a KJ function (the recalculation would use those packs). The reader must have left no
 * cell of the ledger out. Other formulas keep the values the user's spreadsheet cached.
 */
export function otherFormulasReason(
  snapshot: WorkbookSnapshot,
  ledger: SheetSnapshot,
  ownSheet: string,
  ours: (row: number, col: number, formula: string) => boolean,
  policiesGiven = false,
): string | null {
  // No `formulas`: the sheet has none (every adapter builds its snapshot in src/host/snapshot.ts,
  // which leaves the field out when no cell holds a formula).
  if (ledger.ignored && ledger.ignored.cells > 0) return `“${ledger.name}”有 ${ledger.ignored.cells} 个远离表格的单元格未读取`;
  for (let i = 0; i < (ledger.formulas?.length ?? 0); i++) {
    const r = ledger.formulas![i];
    if (!r) continue;
    for (let j = 0; j < r.length; j++) {
      const f = r[j];
      if (typeof f !== "string" || f === "") continue;
      const row = ledger.firstRow + i;
      const col = ledger.firstCol + j;
      if (!ours(row, col, f)) return `“${ledger.name}”第 ${row} 行有其他公式（${f.length > 40 ? f.slice(0, 40) + "…" : f}），其结果要由重算得出`;
    }
  }
  for (const s of snapshot.sheets) {
    if (s.name === ledger.name || s.name === ownSheet || !s.formulas) continue;
    for (let i = 0; i < s.formulas.length; i++) {
      const r = s.formulas[i];
      if (!r) continue;
      for (let j = 0; j < r.length; j++) {
        const f = r[j];
        if (typeof f !== "string" || f === "") continue;
        const shown = `（第 ${s.firstRow + i} 行：${f.length > 40 ? f.slice(0, 40) + "…" : f}）`;
        if (mayRead(f, [ledger.name, ownSheet])) return `工作表“${s.name}”有引用台账或汇总表的公式${shown}，要随之重算`;
        const cached = s.values[i]?.[j];
        if (cached === null || cached === undefined) return `工作表“${s.name}”有尚未算出结果的公式${shown}`;
        if (VOLATILE.test(f.replace(/"(?:[^"]|"")*"/g, '""'))) return `工作表“${s.name}”有随日期或每次重算而变的公式${shown}`;
        if (policiesGiven && /\bKJ\./i.test(f)) return `工作表“${s.name}”有 KJ 函数公式${shown}，要按 --policy 给出的政策包重算`;
      }
    }
  }
  return null;
}

/**
 * Functions whose value changes without any cell changing (the day, chance, the layout), and the
 * KJ functions that judge "as of today" when no date is given: a recalculation (with the job's
 * as-of day) may give another value than the one cached.
 */
const VOLATILE = /\b(TODAY|NOW|RAND|RANDBETWEEN|RANDARRAY|CELL|INFO|KJ\.ELIGIBLE|KJ\.WHY|KJ\.SCORE)\s*\(/i;

// ---------------------------------------------------------------- COUNTIFS / SUMIFS

/** One column of a summary's range, top to bottom, as an engine sees it. */
export type Column = readonly CellValue[];

/** The column `col` of `sheet`, rows from..to, as engine values (the formula-less snapshot values). */
export function columnOf(sheet: SheetSnapshot, col: number, from: number, to: number, valueAt?: (row: number) => CellValue | undefined): CellValue[] {
  const last = Math.min(to, sheet.firstRow + sheet.values.length - 1);
  const out: CellValue[] = [];
  for (let r = from; r <= last; r++) {
    const own = valueAt?.(r);
    out.push(engineValue(own !== undefined ? own : cellAt(sheet, r, col)));
  }
  return out;
}

/**
 * A criterion pair of COUNTIFS / SUMIFS, evaluated: mask[i] is 1 where row i of its column
 * matches. Masks are made once per column and criterion (a summary asks the same ones many times).
 */
export interface Criterion {
  mask: Uint8Array;
}

const masks = new WeakMap<Column, Map<string, Uint8Array>>();
const checked = new WeakSet<Column>();

/** The mask of `key` on `col`, made by `test` (given each cell and its index) the first time. */
function maskOf(col: Column, key: string, test: (v: CellValue, i: number) => boolean): Criterion {
  if (!checked.has(col)) {
    for (const v of col) checkCriterionCell(v);
    checked.add(col);
  }
  let byKey = masks.get(col);
  if (!byKey) masks.set(col, (byKey = new Map()));
  let mask = byKey.get(key);
  if (!mask) {
    mask = new Uint8Array(col.length);
    for (let i = 0; i < col.length; i++) if (test(col[i] ?? null, i)) mask[i] = 1;
    byKey.set(key, mask);
  }
  return { mask };
}

/** The text key a text criterion compares: case and accents ignored, as HyperFormula (and Excel) do. */
function textKey(s: string): string {
  return /^[\x00-\x40\x5b-\x60\x7b-\x7f\u3000-\u9fff\uff00-\uff20\uff3b-\uff40\uff5b-\uffef]*$/.test(s) ? s : s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
}

const textKeys = new WeakMap<Column, (string | null)[]>();

/**
 * textKey of each text cell of a column (null for other cells), made once per column: a summary
 * asks dozens of text criteria of the same column, whose cells repeat a few texts.
 */
function textKeysOf(col: Column): (string | null)[] {
  let keys = textKeys.get(col);
  if (keys) return keys;
  const known = new Map<string, string>();
  keys = new Array<string | null>(col.length);
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (typeof v !== "string") keys[i] = null;
    else {
      let k = known.get(v);
      if (k === undefined) known.set(v, (k = textKey(v)));
      keys[i] = k;
    }
  }
  textKeys.set(col, keys);
  return keys;
}

/** A criterion text that an engine would read as a number, date, boolean, comparison or pattern: not plain text. */
function notPlainText(s: string): boolean {
  return /^[\s\d.,:+\-/eE%$]*$/.test(s) || /^(true|false)$/i.test(s.trim()) || /^[<>=]/.test(s) || /[*?~]/.test(s) || s.trim() === "";
}

/**
 * The criterion "text" (a string literal without operator): a text cell equal to it, case and
 * accents ignored. A criterion an engine would not read as plain text is refused.
 */
export function textEquals(col: Column, text: string): Criterion {
  if (notPlainText(text)) throw new Unknowable(`汇总条件“${text}”不是普通文字，各软件匹配方式不同`);
  const key = textKey(text);
  // A text cell equal to `text` has its key; only text cells have one.
  const keys = textKeysOf(col);
  return maskOf(col, "t:" + key, (_v, i) => keys[i] === key);
}

/**
 * The criterion `n` (a number, without operator): a number cell equal to it, or a text cell
 * that is the same whole number written in digits (engines read such text as the number).
 * Text that an engine might read otherwise ("2,024", "2024.0", dates) is refused.
 */
export function numberEquals(col: Column, n: number): Criterion {
  for (const v of col) {
    if (typeof v === "string" && /\d/.test(v) && /^[\s\d.,:+\-/eE%$]*$/.test(v) && !/^\d+$/.test(v)) {
      throw new Unknowable(`台账中有写法特殊的数字文字（“${v}”），各软件是否按数字统计不同`);
    }
  }
  return maskOf(col, "=" + n, (v) => (typeof v === "number" ? v === n : typeof v === "string" && /^\d+$/.test(v) && Number(v) === n));
}

/** The criterion ">=x" / "<=x" / ">x": number cells only (text, blanks, errors never match). */
export function numberCompare(col: Column, op: ">=" | "<=" | ">", n: number): Criterion {
  const cmp = op === ">=" ? (v: number) => v >= n : op === "<=" ? (v: number) => v <= n : (v: number) => v > n;
  return maskOf(col, op + n, (v) => typeof v === "number" && cmp(v));
}

/** The criterion "<>": any cell that is not blank. */
export function notBlank(col: Column): Criterion {
  return maskOf(col, "<>", (v) => v !== null && v !== undefined);
}

/** Cells whose matching differs between engines (booleans): the values are left to the recalculation. */
function checkCriterionCell(v: CellValue): void {
  if (typeof v === "boolean") throw new Unknowable("汇总统计的列中有逻辑值（TRUE/FALSE），各软件统计方式不同");
}

/** Calls `each` with every row index where all criteria hold. */
function forMatching(crits: readonly Criterion[], length: number, each: (i: number) => void): void {
  const ms = crits.map((c) => c.mask);
  const m = ms.length === 1 ? ms[0] : ms.length > 1 ? allOf(ms, length) : null;
  if (m) {
    for (let i = 0; i < length; i++) if (m[i] === 1) each(i);
    return;
  }
  next: for (let i = 0; i < length; i++) {
    for (const m of ms) if (m[i] !== 1) continue next;
    each(i);
  }
}

/** allOf's result, reused (the rows are read right away, never while another allOf runs). */
let allOfScratch = new Uint8Array(0);

/**
 * The rows where every mask holds (1), as one mask: the masks ANDed four rows at a time (each row
 * is 0 or 1). A summary asks some 600 SUMIFS/COUNTIFS of 2–4 criteria over every ledger row.
 * Its first `length` bytes are the rows. Null when a mask is shorter than `length` or not
 * aligned (the caller checks row by row).
 */
function allOf(ms: readonly Uint8Array[], length: number): Uint8Array | null {
  if (ms.length < 2 || ms.some((m) => m.length < length || m.byteOffset % 4 !== 0)) return null;
  if (allOfScratch.length < length) allOfScratch = new Uint8Array(length);
  const out = allOfScratch;
  const words = length >> 2;
  const outWords = new Uint32Array(out.buffer, 0, words);
  const wordsOf = (m: Uint8Array) => new Uint32Array(m.buffer, m.byteOffset, words);
  const first = wordsOf(ms[0]);
  const second = wordsOf(ms[1]);
  for (let j = 0; j < words; j++) outWords[j] = first[j] & second[j];
  for (let k = 2; k < ms.length; k++) {
    const w = wordsOf(ms[k]);
    for (let j = 0; j < words; j++) outWords[j] &= w[j];
  }
  for (let i = words * 4; i < length; i++) {
    let v = ms[0][i];
    for (let k = 1; k < ms.length; k++) v &= ms[k][i];
    out[i] = v;
  }
  return out;
}

/** COUNTIFS(…): the rows where every criterion holds. Every column must be as long as the first. */
export function countIfs(crits: readonly Criterion[]): number {
  if (crits.length === 0) return 0;
  let n = 0;
  forMatching(crits, crits[0].mask.length, () => n++);
  return n;
}

/**
 * A column's numbers as whole multiples of 10^-scale (scale = the most decimals any of them has),
 * so that sums are exact in binary: every partial sum stays below 2^53. Null when that does not
 * hold (sums then go through Decimal).
 */
interface Scaled {
  scale: number;
  units: Float64Array;
  /** The most decimals of a number in the column. */
  decimals: number;
}

const scaledColumns = new WeakMap<Column, Scaled | null>();

function scaledOf(col: Column): { decimals: number; scaled: Scaled | null } {
  const known = scaledColumns.get(col);
  if (known !== undefined) return { decimals: known?.decimals ?? decimalsOf(col), scaled: known };
  const decimals = decimalsOf(col);
  let scaled: Scaled | null = null;
  if (decimals <= 9) {
    const units = new Float64Array(col.length);
    let total = 0;
    let exact = true;
    const factor = new Decimal(10).pow(decimals);
    // A ledger repeats a few amounts: each is scaled once (zero, whose sign a Map would not keep, every time).
    const scaledValues = new Map<number, { n: number; whole: boolean }>();
    for (let i = 0; i < col.length; i++) {
      const v = col[i];
      if (typeof v !== "number") continue;
      let s = v === 0 ? undefined : scaledValues.get(v);
      if (!s) {
        const u = new Decimal(v).times(factor);
        const n = u.toNumber();
        s = { n, whole: u.isInteger() && Number.isSafeInteger(n) };
        if (v !== 0) scaledValues.set(v, s);
      }
      units[i] = s.n;
      total += Math.abs(s.n);
      if (!s.whole) exact = false;
    }
    if (exact && total < Number.MAX_SAFE_INTEGER) scaled = { scale: decimals, units, decimals };
  }
  scaledColumns.set(col, scaled);
  return { decimals, scaled };
}

function decimalsOf(col: Column): number {
  let d = 0;
  for (const v of col) if (typeof v === "number" && Number.isFinite(v) && !Number.isInteger(v)) d = Math.max(d, new Decimal(v).decimalPlaces());
  return d;
}

/**
 * SUMIFS(sum, …) exactly in Decimal: the numbers of `sum` on the rows where every criterion holds
 * (text, errors and blanks add nothing). `maxDecimals`: a number with more decimals than this is
 * refused (a ROUND of the engine's binary sum could then differ from the decimal result).
 */
export function sumIfs(sum: Column, crits: readonly Criterion[], maxDecimals = Infinity): Decimal {
  const { decimals, scaled } = scaledOf(sum);
  if (decimals > maxDecimals) {
    const v = sum.find((x) => typeof x === "number" && new Decimal(x).decimalPlaces() > maxDecimals);
    throw new Unknowable(`金额 ${String(v)} 的小数位超过 ${maxDecimals} 位`);
  }
  if (scaled) {
    // Whole units: every partial sum is an exact integer below 2^53.
    const units = scaled.units;
    let total = 0;
    if (crits.length === 0) for (let i = 0; i < sum.length; i++) total += units[i];
    else forMatching(crits, sum.length, (i) => (total += units[i]));
    return new Decimal(total).div(new Decimal(10).pow(scaled.scale));
  }
  let total = new Decimal(0);
  const add = (i: number) => {
    const v = sum[i];
    if (typeof v === "number") total = total.plus(v);
  };
  if (crits.length === 0) for (let i = 0; i < sum.length; i++) add(i);
  else forMatching(crits, sum.length, add);
  return total;
}

/** The serial number of DATE(y, m, d). */
export function dateSerial(y: number, m: number, d: number): number {
  const day = dayFromParts(y, m, d);
  if (day === null) throw new Error(`no date ${y}-${m}-${d}`);
  return excelSerialFromDay(day);
}

/** A cached number for a Decimal: exact (its shortest binary double prints as the same decimal). */
export function cachedNumber(d: Decimal): number {
  const n = d.toNumber();
  if (!new Decimal(n).equals(d)) throw new Unknowable(`合计 ${d.toString()} 超出了数字的精确范围`);
  return n;
}

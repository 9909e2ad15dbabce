/**
 * Row and sheet checks of a ledger (DOMAIN §7–§9): required columns and cells, cell types,
 * 统一社会信用代码, date ranges, sums that cannot exceed their totals, enumerations, and the
 * sheet-wide checks (duplicate codes, one name with two codes).
 *
 * Built for speed (100,000 rows in well under a second): the header is mapped once, each
 * mapped column gets a prepared checker, common well-formed cells take an allocation-free
 * fast path, and every other cell goes through readField (memoised for columns whose
 * values repeat, such as enumerations and dates written as text). Nothing here throws.
 */
import { dayFromDate, dayFromParts, DayNumber, formatDay, yearOf } from "../dates";
import type { Issue, Severity } from "./issues";
import { columnLetter, lookupKey, normalizeText } from "../text";
import { USCC_ALPHABET, XUECHENG_DIVISION } from "../uscc";
import { isBlankCell, plainCell, Reading } from "./cells";
import { FieldDef, kindDef, LedgerKind } from "./catalogue";
import { FieldValue, readField } from "./fields";
import type { ColumnMapping } from "./mapping";

/** "Not before 1949" (issue 4): the earliest date or year a ledger cell may hold. */
export const EARLIEST_YEAR = 1949;
export const EARLIEST_DAY: DayNumber = dayFromParts(EARLIEST_YEAR, 1, 1) as DayNumber;

/** Which field names the holder of the code, per kind (for "one name, two codes"). */
const NAME_FIELD: Record<LedgerKind, string> = {
  enterprise: "name",
  platform: "host",
  project: "undertaker",
  award: "name",
  talent: "employer",
  rd: "name",
};

/** Pairs where the first field cannot be larger than the second (same row). */
const NOT_MORE_THAN: readonly { part: string; whole: string; unit: string }[] = [
  { part: "rdStaff", whole: "employees", unit: " 人" },
  { part: "hitechIncome", whole: "totalIncome", unit: " 万元" },
  { part: "rdDomestic3y", whole: "rd3y", unit: " 万元" },
];

// ---------------------------------------------------------------- fast paths

/**
 * True when a string surely has visible content after NFKC trimming and is not an error
 * text (#N/A): it starts with a printable ASCII character other than '#', or a CJK ideograph.
 */
function surelyVisibleText(s: string): boolean {
  if (s.length === 0) return false;
  const c = s.charCodeAt(0);
  return (c > 0x20 && c < 0x7f && c !== 0x23) || (c >= 0x4e00 && c <= 0x9fff);
}

/** A cell that is surely not blank, decided without allocating. */
function surelyFilled(v: unknown): boolean {
  return typeof v === "number" || typeof v === "boolean" || (typeof v === "string" && surelyVisibleText(v)) || v instanceof Date;
}

/** Blank per DOMAIN §8; exotic values that cannot even be inspected count as filled. */
export function isBlankValue(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (surelyFilled(v)) return false;
  try {
    return isBlankCell(v);
  } catch {
    return false;
  }
}

/** A row with nothing in it (any length, any content). */
export function isBlankRow(cells: unknown): boolean {
  if (!Array.isArray(cells)) return true;
  for (let i = 0; i < cells.length; i++) if (!isBlankValue(cells[i])) return false;
  return true;
}

const USCC_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < USCC_ALPHABET.length; i++) USCC_VALUE[USCC_ALPHABET.charCodeAt(i)] = i;
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** An already-normalised, valid code (the common case), checked without allocating. */
function fastValidUscc(s: string): boolean {
  if (s.length !== 18) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? USCC_VALUE[c] : -1;
    if (v < 0) return false;
    sum += v * USCC_WEIGHTS[i];
  }
  const last = s.charCodeAt(17);
  const expected = 31 - (sum % 31);
  return last < 128 && USCC_VALUE[last] === (expected === 31 ? 0 : expected);
}

/** Marker for "the fast path cannot decide": the slow path reads the cell. */
const SLOW = NaN;

/** Field types as small integers, so the per-cell dispatch is a jump table. */
const enum T {
  Text,
  Uscc,
  Date,
  Year,
  Money,
  Count,
  Score,
  Bool,
  Enum,
}

function typeCode(def: FieldDef): T {
  switch (def.type.t) {
    case "text":
      return T.Text;
    case "uscc":
      return T.Uscc;
    case "date":
      return T.Date;
    case "year":
      return T.Year;
    case "money":
      return T.Money;
    case "count":
      return T.Count;
    case "score":
      return T.Score;
    case "bool":
    case "flag":
      return T.Bool;
    case "enum":
      return T.Enum;
  }
}

function fastReadCode(t: T, v: unknown): number {
  switch (t) {
    case T.Text:
      if (typeof v === "string") return surelyVisibleText(v) ? 0 : SLOW;
      return typeof v === "number" || typeof v === "boolean" ? 0 : SLOW;
    case T.Uscc:
      return typeof v === "string" && fastValidUscc(v) ? 0 : SLOW;
    case T.Date:
      if (typeof v === "number") {
        // Plain Excel serials; 1900..2100 (bare years) and 19000101.. (yyyymmdd) take the slow path.
        return Number.isInteger(v) && v > 2100 && v <= 2_958_465 ? v - 25_569 : SLOW;
      }
      if (v instanceof Date) {
        const d = dayFromDate(v);
        return d === null ? SLOW : d;
      }
      return SLOW;
    case T.Year:
      return typeof v === "number" && Number.isInteger(v) && v >= 1900 && v <= 2100 ? v : SLOW;
    case T.Money:
      return typeof v === "number" && Number.isFinite(v) ? v : SLOW;
    case T.Count:
      return typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : SLOW;
    case T.Score:
      return typeof v === "number" && v >= 0 && v <= 100 ? v : SLOW;
    case T.Bool:
      return typeof v === "boolean" || v === 1 || v === 0 || v === "是" || v === "否" ? 0 : SLOW;
    case T.Enum:
      return SLOW;
  }
}

/**
 * The allocation-free reading of a well-formed cell: the cell's numeric value (dates as
 * day numbers, years, amounts) or 0 for non-numeric types, or NaN when readField must decide.
 * It must agree with readField wherever it answers (tests/property checks this).
 */
export function fastRead(def: FieldDef, v: unknown): number {
  return fastReadCode(typeCode(def), v);
}

/** Day number of Jan 1 of each year 1900..2101, so "year of a date" needs no Date object. */
const YEAR_START = new Float64Array(2102 - 1900);
for (let y = 1900; y < 2102; y++) YEAR_START[y - 1900] = dayFromParts(y, 1, 1) as number;

/** True when `day` falls in a year after `year` (year: an integer 1900..2100). */
function dayAfterYear(day: number, year: number): boolean {
  return day >= YEAR_START[year + 1 - 1900];
}

/**
 * lookupKey (NFKC, no spaces, upper case) of a name, without allocating when the name is
 * already its own key (CJK ideographs, ASCII without spaces or lower-case letters).
 */
function nameKey(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 0x4e00 && c <= 0x9fff) || (c > 0x20 && c < 0x7f && !(c >= 0x61 && c <= 0x7a)))) return lookupKey(s);
  }
  return s;
}

/** readField that never throws: a value that breaks the readers is reported as unreadable. */
export function safeReadField(def: FieldDef, v: unknown): Reading<FieldValue> {
  try {
    return readField(def, v);
  } catch {
    return { status: "invalid", message: "单元格内容无法识别" };
  }
}

// ---------------------------------------------------------------- prepared columns

type Check = "date" | "year" | "other";

interface PreparedField {
  def: FieldDef;
  /** Position in a row's values array. */
  index: number;
  col: number;
  letter: string;
  check: Check;
  type: T;
  numeric: boolean;
  /** Severity of an unreadable value: a non-strict enumeration only warns. */
  invalidSeverity: Severity;
  /** Readings of repeated strings (enumerations, dates as text); null for unique-valued columns. */
  memo: Map<string, Reading<FieldValue>> | null;
}

const MEMO_LIMIT = 4096;

function isNumericType(def: FieldDef): boolean {
  const t = def.type.t;
  return t === "date" || t === "year" || t === "money" || t === "count" || t === "score";
}

/** What every issue of one checker shares. */
export interface LedgerCheckerOptions {
  sheet: string;
  /** Day the ledger is judged on: dates after it are in the future. */
  asOf: DayNumber;
  /** 1-based sheet column of values[i][0]. */
  firstCol: number;
}

export interface LedgerChecker {
  /** Issues about the header: missing required columns, a field under two headers. */
  headerIssues(): Issue[];
  /**
   * Checks one data row (the sheet's values for that row, starting at firstCol) and appends
   * its issues to `out`, including the sheet-wide ones against the rows checked before.
   */
  checkRow(cells: readonly unknown[], sheetRow: number, out: Issue[]): void;
}

function shortText(s: string): string {
  return s.length > 30 ? s.slice(0, 30) + "…" : s;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(12)));
}

/** Prefixes a reader's message with the field name unless it already names it. */
function withFieldName(name: string, message: string): string {
  if (message.startsWith(name)) return message;
  return /^(校验位|第 \d+ 位)/.test(message) ? name + message : `${name}：${message}`;
}

/**
 * Prepares the checks for one mapped ledger sheet. Example:
 *   const c = createLedgerChecker(mapping, { sheet: "企业", asOf, firstCol: 1 });
 *   c.checkRow(values[2], 3, issues);
 */
export function createLedgerChecker(mapping: ColumnMapping, opts: LedgerCheckerOptions): LedgerChecker {
  const def = kindDef(mapping.kind);
  const { sheet, asOf, firstCol } = opts;
  const asOfYear = yearOf(asOf);
  const asOfText = formatDay(asOf);

  const prepared: PreparedField[] = [];
  const position = new Map<string, number>();
  for (const f of def.fields) {
    const col = mapping.columns[f.id];
    if (col === undefined) continue;
    const t = f.type;
    position.set(f.id, prepared.length);
    prepared.push({
      def: f,
      index: col - firstCol,
      col,
      letter: columnLetter(col),
      check: t.t === "date" ? "date" : t.t === "year" ? "year" : "other",
      type: typeCode(f),
      numeric: isNumericType(f),
      invalidSeverity: t.t === "enum" && !t.strict ? "warning" : "error",
      memo: t.t === "text" || t.t === "uscc" ? null : new Map(),
    });
  }
  prepared.sort((a, b) => a.col - b.col);
  position.clear();
  prepared.forEach((p, i) => position.set(p.def.id, i));

  const numbers = new Float64Array(prepared.length);
  const usccAt = position.get("uscc") ?? -1;
  const nameAt = position.get(NAME_FIELD[def.kind]) ?? -1;
  const pairs = NOT_MORE_THAN.map((p) => ({ part: position.get(p.part) ?? -1, whole: position.get(p.whole) ?? -1, unit: p.unit })).filter(
    (p) => p.part >= 0 && p.whole >= 0,
  );
  const registeredAt = position.get("registeredOn") ?? -1;
  const poolYearAt = position.get("poolYear") ?? -1;
  // Only the enterprise pool lists each enterprise once; other ledgers name one enterprise many times.
  const isPool = def.kind === "enterprise";
  const firstRowOfCode = new Map<string, number>();
  const codeOfName = new Map<string, { code: string; row: number; name: string }>();

  function issue(row: number, p: PreparedField, severity: Severity, message: string): Issue {
    return { sheet, row, column: p.letter, col: p.col, field: p.def.name, severity, message };
  }

  function read(p: PreparedField, v: unknown): Reading<FieldValue> {
    if (p.memo !== null && typeof v === "string") {
      let r = p.memo.get(v);
      if (r === undefined) {
        r = safeReadField(p.def, v);
        if (p.memo.size < MEMO_LIMIT) p.memo.set(v, r);
      }
      return r;
    }
    return safeReadField(p.def, v);
  }

  function readName(p: PreparedField, v: unknown): string | null {
    const r = read(p, v);
    return r.status === "ok" && typeof r.value === "string" ? r.value : null;
  }

  function headerIssues(): Issue[] {
    const out: Issue[] = [];
    for (const f of mapping.missingRequired) {
      const also = f.synonyms.length > 0 ? `（也可写作：${f.synonyms.slice(0, 3).join("、")}）` : "";
      out.push({
        sheet,
        row: mapping.headerRow,
        column: "",
        col: 0,
        field: f.name,
        severity: "error",
        message: `缺少必填列“${f.name}”${also}：请在表头中加上这一列`,
      });
    }
    for (const d of mapping.duplicates) {
      const f = def.fields.find((x) => x.id === d.field);
      if (!f) continue;
      const first = columnLetter(d.cols[0]);
      for (const col of d.cols.slice(1)) {
        out.push({
          sheet,
          row: mapping.headerRow,
          column: columnLetter(col),
          col,
          field: f.name,
          severity: "warning",
          message: `这一列和 ${first} 列都是“${f.name}”，只校验 ${first} 列`,
        });
      }
    }
    return out;
  }

  function checkRow(cells: readonly unknown[], row: number, out: Issue[]): void {
    let code: string | null = null;
    for (let i = 0; i < prepared.length; i++) {
      const p = prepared[i];
      const v = p.index < cells.length ? cells[p.index] : null;
      if (v === null || v === undefined) {
        // Blank for every reader; the common case in sparse ledgers.
        numbers[i] = NaN;
        if (p.def.required) out.push(issue(row, p, "error", `${p.def.name}未填写（必填项）`));
        continue;
      }
      let x = fastReadCode(p.type, v);
      if (x !== x) {
        const r = read(p, v);
        numbers[i] = NaN;
        if (r.status === "blank") {
          if (p.def.required) out.push(issue(row, p, "error", `${p.def.name}未填写（必填项）`));
          continue;
        }
        if (r.status === "invalid") {
          out.push(issue(row, p, p.invalidSeverity, withFieldName(p.def.name, r.message)));
          continue;
        }
        if (r.warning !== undefined) out.push(issue(row, p, "warning", withFieldName(p.def.name, r.warning)));
        x = p.numeric ? (r.value as number) : 0;
        if (i === usccAt) code = r.value as string;
      } else if (i === usccAt) {
        code = v as string;
      }
      numbers[i] = x;
      if (p.check === "date") {
        if (x > asOf) out.push(issue(row, p, "error", `${p.def.name} ${formatDay(x)} 晚于核对日期 ${asOfText}，不能是将来的日期`));
        else if (x < EARLIEST_DAY) out.push(issue(row, p, "error", `${p.def.name} ${formatDay(x)} 早于 ${EARLIEST_YEAR} 年，请核对`));
      } else if (p.check === "year") {
        if (x > asOfYear) out.push(issue(row, p, "error", `${p.def.name} ${x} 年晚于核对日期所在的 ${asOfYear} 年，不能是将来的年度`));
        else if (x < EARLIEST_YEAR) out.push(issue(row, p, "error", `${p.def.name} ${x} 年早于 ${EARLIEST_YEAR} 年，请核对`));
      }
    }

    for (const pair of pairs) {
      const part = numbers[pair.part];
      const whole = numbers[pair.whole];
      if (part > whole) {
        const pp = prepared[pair.part];
        const wp = prepared[pair.whole];
        out.push(
          issue(row, pp, "error", `${pp.def.name}（${formatNumber(part)}${pair.unit}）大于${wp.def.name}（${formatNumber(whole)}${pair.unit}），前者不能超过后者`),
        );
      }
    }
    if (registeredAt >= 0 && poolYearAt >= 0) {
      const registered = numbers[registeredAt];
      const poolYear = numbers[poolYearAt];
      if (registered === registered && poolYear === poolYear && dayAfterYear(registered, poolYear)) {
        out.push(
          issue(row, prepared[registeredAt], "error", `注册日期 ${formatDay(registered)} 晚于入库年度 ${poolYear} 年：企业注册之后才能入库，请核对两者`),
        );
      }
    }

    if (code === null) return;
    const cp = prepared[usccAt];
    if (isPool && !code.startsWith(XUECHENG_DIVISION, 2)) {
      out.push(
        issue(row, cp, "warning", `统一社会信用代码第 3–8 位（登记机关行政区划）是 ${code.slice(2, 8)}，不是薛城区的 ${XUECHENG_DIVISION}：请确认企业是否在本区`),
      );
    }
    if (isPool) {
      const first = firstRowOfCode.get(code);
      if (first === undefined) firstRowOfCode.set(code, row);
      else out.push(issue(row, cp, "error", `统一社会信用代码与第 ${first} 行重复：同一企业在库中只应登记一次`));
    }
    if (nameAt >= 0) {
      const np = prepared[nameAt];
      const nv = np.index < cells.length ? cells[np.index] : null;
      const name = typeof nv === "string" && fastReadCode(T.Text, nv) === 0 ? nv : readName(np, nv);
      if (name !== null) {
        const key = nameKey(name);
        const seen = codeOfName.get(key);
        if (seen === undefined) codeOfName.set(key, { code, row, name });
        else if (seen.code !== code) {
          out.push(
            issue(
              row,
              cp,
              "warning",
              `${np.def.name}“${shortText(normalizeText(seen.name))}”在第 ${seen.row} 行的统一社会信用代码是 ${seen.code}，这里是 ${code}：同一名称有两个代码，请核对`,
            ),
          );
        }
      }
    }
  }

  return { headerIssues, checkRow };
}

/** Index (in values) of the last row that is not blank, or -1. */
export function lastFilledRowIndex(values: readonly unknown[]): number {
  for (let r = values.length - 1; r >= 0; r--) if (!isBlankRow(values[r])) return r;
  return -1;
}

/** A header cell as plain text-like value, so header matching never meets an exotic object. */
export function safeHeaderCell(v: unknown): string | number | boolean | null {
  try {
    const p = plainCell(v);
    if (typeof p === "string" || typeof p === "number" || typeof p === "boolean") return p;
    return null;
  } catch {
    return null;
  }
}

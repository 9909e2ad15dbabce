/**
 * Argument normalisation shared by every host's custom functions (Excel, WPS, HyperFormula).
 * Hosts hand over arguments in different shapes: a missing optional argument is undefined,
 * null, "" or (WPS) a magic number; a single cell may arrive as a 1x1 matrix; a date may be
 * a serial number or typed text. These helpers turn all of that into one shape for the cores.
 */
import Decimal from "decimal.js";
import { DayNumber } from "../dates";
import { KjError } from "../errors";
import { readDate, readMoney, readYear } from "../ledger/cells";
import { normalizeText } from "../text";

/** WPS passes this (DISP_E_PARAMNOTFOUND) for an optional argument that was left out. */
export const WPS_MISSING_ARGUMENT = -2147352572;

/** True when an argument was not given: undefined, null, blank text or the WPS marker. */
export function isAbsent(v: unknown): boolean {
  if (v === undefined || v === null || v === WPS_MISSING_ARGUMENT) return true;
  return typeof v === "string" && normalizeText(v) === "";
}

/**
 * A scalar from a scalar-or-range argument: a 1x1 matrix (or a one-element list) becomes
 * its only value; a larger range is an error, since the function expects one cell.
 * Example: asScalar([[5]]) -> 5; asScalar(5) -> 5.
 */
export function asScalar(v: unknown, what = "参数"): unknown {
  if (!Array.isArray(v)) return v;
  if (v.length === 0) return undefined;
  if (v.length === 1 && !Array.isArray(v[0])) return v[0];
  if (v.length === 1 && Array.isArray(v[0]) && v[0].length <= 1) return v[0][0];
  const cols = Array.isArray(v[0]) ? v[0].length : 1;
  throw new KjError("not_scalar", `${what}应为单个单元格，这里是 ${v.length} 行 ${cols} 列的区域`);
}

/**
 * A 2-D array from a range-or-scalar argument: a scalar becomes [[v]], a flat list one
 * row, an absent argument an empty matrix. Example: asMatrix("a") -> [["a"]].
 */
export function asMatrix(v: unknown): unknown[][] {
  if (v === undefined || v === null || v === WPS_MISSING_ARGUMENT) return [];
  if (!Array.isArray(v)) return [[v]];
  if (v.length === 0) return [];
  if (v.every((row) => Array.isArray(row))) return v as unknown[][];
  return [v];
}

/** Text argument (an item or indicator name); absent gives "". Numbers become their digits. */
export function readTextArg(v: unknown, what = "参数"): string {
  const s = asScalar(v, what);
  if (isAbsent(s)) return "";
  if (typeof s === "string") return s;
  if (typeof s === "number" || typeof s === "boolean") return String(s);
  throw new KjError("bad_argument", `${what}应为文字`);
}

/**
 * An optional date: Excel serial number, 2023-05-01, 2023/5/1, 2023年5月1日, 20230501.
 * A month-only date counts as the 1st (its warning is not an error here).
 * Absent -> undefined; unreadable -> bad_date.
 */
export function readDateArg(v: unknown, what = "日期"): DayNumber | undefined {
  const s = asScalar(v, what);
  if (isAbsent(s)) return undefined;
  const r = readDate(s);
  if (r.status === "ok") return r.value;
  if (r.status === "blank") return undefined;
  throw new KjError("bad_date", `${what}无法识别：${r.message}`);
}

/** An optional year (2023, "2023年", or a date's year). Absent -> undefined; unreadable -> bad_year. */
export function readYearArg(v: unknown, what = "年度"): number | undefined {
  const s = asScalar(v, what);
  if (isAbsent(s)) return undefined;
  if (typeof s === "number" && !Number.isInteger(s)) {
    throw new KjError("bad_year", `${what}“${s}”无效，应为四位年份，如 2023`);
  }
  const r = readYear(s);
  if (r.status === "ok") return r.value;
  if (r.status === "blank") return undefined;
  throw new KjError("bad_year", `${what}无法识别：${r.message}`);
}

const PLAIN_DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const GROUPED_DECIMAL = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;

/**
 * An optional amount in 万元, kept exact: "12.345" stays 12.345, a number keeps the digits
 * it shows (Decimal of its shortest form). Also reads 12万, 120000元, 1,234.5 and
 * full-width digits. Absent -> undefined; unreadable -> basis_invalid. The sign is left to
 * the caller (a negative basis has its own message there).
 */
export function readMoneyArg(v: unknown, what = "计算依据"): Decimal | undefined {
  const s = asScalar(v, what);
  if (isAbsent(s)) return undefined;
  if (typeof s === "boolean") throw new KjError("basis_invalid", `${what}应为数字（以万元计），这里是逻辑值 ${s ? "TRUE" : "FALSE"}`);
  if (typeof s === "number") {
    if (!Number.isFinite(s)) throw new KjError("basis_invalid", `${what}不是有限的数字`);
    return new Decimal(s);
  }
  if (typeof s === "string") {
    let compact = s.normalize("NFKC").replace(/\s/g, "");
    if (GROUPED_DECIMAL.test(compact)) compact = compact.replace(/,/g, "");
    if (PLAIN_DECIMAL.test(compact)) return new Decimal(compact);
  }
  const r = readMoney(s);
  if (r.status === "ok") return r.value;
  if (r.status === "blank") return undefined;
  throw new KjError("basis_invalid", `${what}无法识别：${r.message}`);
}

/**
 * An #N/A result. It is an answer ("cannot tell, this is missing"), not a fault, so no stack
 * trace is captured: over a whole ledger that capture would cost more than the judging itself.
 */
export function naError(code: string, message: string): KjError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new KjError(code, message, "na");
  } finally {
    Error.stackTraceLimit = limit;
  }
}

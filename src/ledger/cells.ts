/**
 * Reading cells as people type them (DOMAIN §8). Every reader takes any value a host can
 * produce (or anything at all) and never throws: the result is ok, blank or invalid with a
 * plain-Chinese message. Blank is kept apart from invalid because blank means "unknown".
 */
import Decimal from "decimal.js";
import { dayFromDate, dayFromExcelSerial, dayFromParts, DayNumber, yearOf } from "../dates";
import { lookupKey, normalizeText } from "../text";

/** What hosts put in a snapshot. Error values are `{ error: "#N/A" }`. */
export type CellValue = string | number | boolean | null | undefined | Date | CellErrorValue;
export interface CellErrorValue {
  error: string;
}

export type Reading<T> =
  | { status: "ok"; value: T; warning?: string }
  | { status: "blank" }
  | { status: "invalid"; message: string };

export const BLANK: { status: "blank" } = Object.freeze({ status: "blank" as const });

function ok<T>(value: T, warning?: string): Reading<T> {
  return warning === undefined ? { status: "ok", value } : { status: "ok", value, warning };
}
function invalid(message: string): { status: "invalid"; message: string } {
  return { status: "invalid", message };
}

const ERROR_TEXT = /^#(N\/A|VALUE!|REF!|DIV\/0!|NUM!|NAME\?|NULL!|SPILL!|CALC!|GETTING_DATA|BUSY!|FIELD!|CONNECT!|BLOCKED!|UNKNOWN!|EXTERNAL!|PYTHON!|TIMEOUT!)$/;

/**
 * Unwraps host-specific cell shapes into a plain value: exceljs formula cells (their
 * result), rich text, hyperlinks; anything else unknown becomes an "unreadable" marker.
 */
export function plainCell(v: unknown): CellValue | { unreadable: string } {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case "string":
    case "number":
    case "boolean":
      return v;
    case "bigint":
      return Number(v);
    case "object": {
      if (v instanceof Date) return v;
      const o = v as Record<string, unknown>;
      if (typeof o.error === "string") return { error: o.error };
      if ("result" in o) return plainCell(o.result);
      if ("formula" in o || "sharedFormula" in o) return null;
      if (Array.isArray(o.richText)) {
        return (o.richText as unknown[]).map((r) => (r && typeof (r as { text?: unknown }).text === "string" ? (r as { text: string }).text : "")).join("");
      }
      if (typeof o.text === "string") return o.text;
      if (Array.isArray(v)) return v.length === 1 ? plainCell(v[0]) : { unreadable: "多个值" };
      return { unreadable: "无法识别的内容" };
    }
    default:
      return { unreadable: "无法识别的内容" };
  }
}

/** The Excel error code in a cell ("#N/A"), or null. */
export function cellError(v: unknown): string | null {
  const p = plainCell(v);
  if (p && typeof p === "object" && "error" in p) return p.error;
  if (typeof p === "string" && ERROR_TEXT.test(p.trim())) return p.trim();
  return null;
}

export function isBlankCell(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === "string") return v.trim() === "" || normalizeText(v) === "";
  if (typeof v === "object" && !(v instanceof Date)) {
    const p = plainCell(v);
    return p === null || (typeof p === "string" && normalizeText(p) === "");
  }
  return false;
}

/** Common preamble: blank, error value, unreadable. Returns the plain value or a final reading. */
function prelude(v: unknown): { value: string | number | boolean | Date } | { final: Reading<never> } {
  if (typeof v === "number" || typeof v === "boolean") return { value: v };
  if (isBlankCell(v)) return { final: BLANK };
  const p = plainCell(v);
  if (p === null || p === undefined) return { final: BLANK };
  if (typeof p === "object" && !(p instanceof Date)) {
    if ("error" in p) return { final: invalid(`单元格是错误值 ${p.error}，请先修正公式或内容`) };
    return { final: invalid(`单元格内容无法识别（${(p as { unreadable: string }).unreadable}）`) };
  }
  if (typeof p === "string" && ERROR_TEXT.test(p.trim())) {
    return { final: invalid(`单元格是错误值 ${p.trim()}，请先修正公式或内容`) };
  }
  return { value: p };
}

function shown(v: unknown): string {
  const s = typeof v === "string" ? v : String(v);
  return s.length > 30 ? s.slice(0, 30) + "…" : s;
}

// ---------------------------------------------------------------- numbers

/**
 * How a number column is meant: `wan` = 万元 (accepts 12万, 120000元, 1.2亿), `count` = whole
 * things (12人, 3家), `ratio` = a fraction (12% -> 0.12), `score` = points, `plain` = as is.
 */
export type NumberUnit = "wan" | "count" | "ratio" | "score" | "plain";

const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const GROUPED_TEXT = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;

function parseNumberText(raw: string): number | null {
  let s = raw.replace(/\s+/g, "");
  if (s.includes(",")) {
    if (!GROUPED_TEXT.test(s)) return null;
    s = s.replace(/,/g, "");
  }
  if (!NUMBER_TEXT.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** Reads a number. Example: readNumber("１２,３４５.６万元", "wan") -> ok 12345.6. */
export function readNumber(v: unknown, unit: NumberUnit = "plain"): Reading<number> {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return invalid("数字无效（无穷大或非数字）");
    if (unit === "count" && !Number.isInteger(v)) return invalid(`“${v}”应为整数`);
    return ok(v);
  }
  const pre = prelude(v);
  if ("final" in pre) return pre.final;
  const value = pre.value;
  if (typeof value === "boolean") return invalid(`应填数字，这里是逻辑值 ${value ? "TRUE" : "FALSE"}`);
  if (value instanceof Date) return invalid("应填数字，这里是日期");
  if (typeof value === "number") return readNumber(value, unit);
  const text = normalizeText(value);
  let body = text.replace(/\s+/g, "");
  let scale: Decimal | null = null;
  let percent = false;
  if (unit === "wan") {
    const m = /^(.*?)(亿元|亿|万元|万|元)$/.exec(body);
    if (m) {
      body = m[1];
      scale = m[2].startsWith("亿") ? new Decimal(10000) : m[2].startsWith("万") ? null : new Decimal("0.0001");
    }
  } else if (unit === "count") {
    body = body.replace(/(人|家|个|项|件|名|次|位)$/, "");
  } else if (unit === "score") {
    body = body.replace(/分$/, "");
  }
  if (body.endsWith("%")) {
    if (unit !== "ratio") return invalid(`“${shown(value)}”是百分数，这一列应填数值`);
    body = body.slice(0, -1);
    percent = true;
  }
  const n = parseNumberText(body);
  if (n === null) {
    const hint = unit === "wan" ? "（金额以万元计，可写 12.5、12.5万 或 125000元）" : "";
    return invalid(`“${shown(value)}”不是数字${hint}`);
  }
  let result = n;
  // The digits as typed, without grouping commas ("2,000,000元" is 200 万元).
  const digits = body.replace(/,/g, "");
  if (scale) result = new Decimal(digits).times(scale).toNumber();
  if (percent) result = new Decimal(digits).dividedBy(100).toNumber();
  if (unit === "count" && !Number.isInteger(result)) return invalid(`“${shown(value)}”应为整数`);
  return ok(result);
}

/** Money in 万元 as an exact decimal. Decimal(number) keeps the typed digits (shortest form). */
export function readMoney(v: unknown): Reading<Decimal> {
  const r = readNumber(v, "wan");
  return r.status === "ok" ? { status: "ok", value: new Decimal(r.value), ...(r.warning ? { warning: r.warning } : {}) } : r;
}

// ---------------------------------------------------------------- dates

const TIME_SUFFIX = /[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/**
 * Reads a date: Excel serial, Date, 2023-05-01, 2023/5/1, 2023.5.1, 2023年5月1日, 20230501.
 * A month-only date (2023年5月) is read as the 1st with a warning; a bare year in a date
 * column (2023) as Jan 1 with a warning.
 */
export function readDate(v: unknown): Reading<DayNumber> {
  const pre = prelude(v);
  if ("final" in pre) return pre.final;
  const value = pre.value;
  if (typeof value === "boolean") return invalid(`应填日期，这里是逻辑值 ${value ? "TRUE" : "FALSE"}`);
  if (value instanceof Date) {
    const d = dayFromDate(value);
    return d === null ? invalid("日期无效") : ok(d);
  }
  if (typeof value === "number") return readDateNumber(value);
  const s = normalizeText(value).replace(TIME_SUFFIX, "").replace(/\s+/g, "");
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(s) ?? /^(\d{4})年(\d{1,2})月(\d{1,2})日?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) {
    const d = dayFromParts(+m[1], +m[2], +m[3]);
    return d === null ? invalid(`“${shown(value)}”不是存在的日期`) : ok(d);
  }
  m = /^(\d{4})(?:[-/.](\d{1,2})|年(\d{1,2})月?)$/.exec(s);
  if (m) {
    const d = dayFromParts(+m[1], +(m[2] ?? m[3]), 1);
    return d === null ? invalid(`“${shown(value)}”不是存在的日期`) : ok(d, `“${shown(value)}”只有年月，按当月 1 日计算`);
  }
  m = /^(\d{4})年?$/.exec(s);
  if (m) {
    const d = dayFromParts(+m[1], 1, 1);
    return d === null ? invalid(`“${shown(value)}”不是日期`) : ok(d, `“${shown(value)}”只有年份，按 1 月 1 日计算`);
  }
  if (/^\d{1,5}(\.\d+)?$/.test(s)) return readDateNumber(Number(s));
  return invalid(`“${shown(value)}”不是可识别的日期（可写 2023-05-01、2023/5/1 或 2023年5月1日）`);
}

function readDateNumber(n: number): Reading<DayNumber> {
  if (!Number.isFinite(n)) return invalid("日期无效");
  if (Number.isInteger(n) && n >= 19000101 && n <= 21001231) {
    const d = dayFromParts(Math.floor(n / 10000), Math.floor(n / 100) % 100, n % 100);
    if (d !== null) return ok(d);
  }
  if (Number.isInteger(n) && n >= 1900 && n <= 2100) {
    return ok(dayFromParts(n, 1, 1) as DayNumber, `“${n}”只有年份，按 1 月 1 日计算`);
  }
  const d = dayFromExcelSerial(n);
  return d === null ? invalid(`“${n}”不是有效的日期序列号`) : ok(d);
}

/** Reads a year: 2023, "2023", "2023年", or any date (its year). */
export function readYear(v: unknown): Reading<number> {
  if (typeof v === "number" && Number.isInteger(v) && v >= 1900 && v <= 2100) return ok(v);
  const pre = prelude(v);
  if ("final" in pre) return pre.final;
  const value = pre.value;
  if (typeof value === "string") {
    const m = /^(\d{4})(?:年(?:度)?)?$/.exec(normalizeText(value).replace(/\s+/g, ""));
    if (m && +m[1] >= 1900 && +m[1] <= 2100) return ok(+m[1]);
  }
  const d = readDate(value);
  if (d.status === "ok") return ok(yearOf(d.value));
  if (d.status === "invalid") return invalid(`“${shown(value)}”不是年份（可写 2023 或 2023年）`);
  return d;
}

// ---------------------------------------------------------------- yes / no

const YES = new Set(["是", "Y", "YES", "√", "✓", "✔", "有", "TRUE", "1", "对", "T"]);
const NO = new Set(["否", "N", "NO", "×", "✗", "✘", "X", "无", "FALSE", "0", "错", "F", "没有"]);

/** Reads yes/no: 是/否, Y/N, √/×, 有/无, TRUE/FALSE, 1/0. Blank stays blank (unknown). */
export function readBool(v: unknown): Reading<boolean> {
  if (typeof v === "boolean") return ok(v);
  if (v === 1 || v === 0) return ok(v === 1);
  const pre = prelude(v);
  if ("final" in pre) return pre.final;
  const key = lookupKey(String(pre.value));
  if (YES.has(key)) return ok(true);
  if (NO.has(key)) return ok(false);
  return invalid(`“${shown(pre.value)}”不是“是/否”（可填 是/否、有/无、√/×、Y/N、1/0）`);
}

// ---------------------------------------------------------------- text and codes

/** Reads text, trimmed and NFKC-normalised; numbers become their shortest decimal form. */
export function readText(v: unknown): Reading<string> {
  if (typeof v === "string") {
    const t = normalizeText(v);
    if (t === "") return BLANK;
    if (ERROR_TEXT.test(t)) return invalid(`单元格是错误值 ${t}，请先修正公式或内容`);
    return ok(t);
  }
  const pre = prelude(v);
  if ("final" in pre) return pre.final;
  const value = pre.value;
  if (value instanceof Date) {
    const d = dayFromDate(value);
    return d === null ? invalid("日期无效") : ok(new Date(d * 86_400_000).toISOString().slice(0, 10));
  }
  if (typeof value === "boolean") return ok(value ? "是" : "否");
  return ok(normalizeText(String(value)));
}

/**
 * Reads a code cell (统一社会信用代码, certificate numbers): NFKC, no spaces, upper case.
 * A long number means the column was stored as numbers and the last digits are lost.
 */
export function readCode(v: unknown): Reading<string> {
  if (typeof v === "number") {
    if (Math.abs(v) >= 1e15) return invalid("代码被存成了数字，末几位已丢失：请把这一列设为“文本”后重新录入");
    return Number.isInteger(v) ? ok(String(v)) : invalid(`“${v}”不是代码`);
  }
  const t = readText(v);
  if (t.status !== "ok") return t;
  return ok(t.value.replace(/[\s]/g, "").toUpperCase());
}

// ---------------------------------------------------------------- enumerations

export interface EnumValue {
  value: string;
  synonyms?: readonly string[];
}

/** Builds a fast lookup for an enumeration: NFKC key of the value and each synonym. */
export function enumIndex(values: readonly EnumValue[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of values) {
    m.set(lookupKey(e.value), e.value);
    for (const s of e.synonyms ?? []) m.set(lookupKey(s), e.value);
  }
  return m;
}

/** Reads one value of an enumeration; the message lists the allowed values. */
export function readEnum(v: unknown, values: readonly EnumValue[], index: Map<string, string> = enumIndex(values)): Reading<string> {
  const t = readText(v);
  if (t.status !== "ok") return t;
  const hit = index.get(lookupKey(t.value));
  if (hit !== undefined) return ok(hit);
  return invalid(`“${shown(t.value)}”不是可选值，可选：${values.map((e) => e.value).join("、")}`);
}

/** Reads several values of an enumeration separated by 、 , ; / 和 or spaces. */
export function readEnumList(v: unknown, values: readonly EnumValue[], index: Map<string, string> = enumIndex(values)): Reading<string[]> {
  const t = readText(v);
  if (t.status !== "ok") return t;
  const parts = t.value.split(/[、,;/|\s]+|和|及/).filter((p) => p !== "");
  const out: string[] = [];
  const bad: string[] = [];
  for (const p of parts) {
    const hit = index.get(lookupKey(p));
    if (hit === undefined) bad.push(p);
    else if (!out.includes(hit)) out.push(hit);
  }
  if (bad.length > 0) {
    // Quote the cell as it was typed (its spaces and slashes kept), then name what is wrong in it.
    const typed = t.value.trim();
    const which = bad.length === 1 && bad[0] === typed ? "" : `中的${bad.map((x) => `“${shown(x)}”`).join("、")}`;
    return invalid(`“${shown(typed)}”${which}不是可选值，可选：${values.map((e) => e.value).join("、")}（可填多个，用顿号分隔）`);
  }
  return out.length === 0 ? BLANK : ok(out);
}

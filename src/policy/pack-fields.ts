/**
 * The building blocks every policy pack schema shares: dates, decimal text, citations and text
 * fields, each with the Chinese message a clerk sees when the value is wrong, and a Chinese
 * `description` that the generated JSON Schema carries, so an editor shows it while typing.
 *
 * Example: isoDate("起始日").safeParse("2025-02-30") fails with "不是真实的日期（…）".
 */
import { z } from "zod";
import { dayFromParts } from "../dates";

/** YYYY-MM-DD as written in every pack. */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A non-negative decimal written as text: "20", "0.2", "12.345". */
export const DECIMAL_TEXT = /^\d+(\.\d+)?$/;

/** "缺少 unit（单位）" but "缺少日期": a space before a field name written in Latin letters. */
export function missing(what: string): string {
  return /^[A-Za-z$]/.test(what) ? `缺少 ${what}` : `缺少${what}`;
}

/** A real calendar date (2025-02-30 is not). */
export function isRealIsoDate(s: string): boolean {
  if (!ISO_DATE.test(s)) return false;
  const [y, m, d] = s.split("-").map(Number);
  return dayFromParts(y, m, d) !== null;
}

/** A date field: "YYYY-MM-DD", a real date. */
export function isoDate(what: string) {
  return z
    .string({ required_error: `${missing(what)}（写成 YYYY-MM-DD，如 2025-01-01）`, invalid_type_error: `${what}应为带英文双引号的日期文字，如 "2025-01-01"` })
    .superRefine((s, ctx) => {
      if (!ISO_DATE.test(s)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${what}应写成 YYYY-MM-DD，如 2025-01-01`, params: { showValue: true } });
      else if (!isRealIsoDate(s)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${what}不是真实的日期（月份 01–12，日期不超过当月天数）`, params: { showValue: true } });
    })
    .describe(`${what}，写成 YYYY-MM-DD，如 2025-01-01`);
}

/** A decimal number written as text so that it is read exactly: "20", "0.2". */
export function decimalText(what: string) {
  return z
    .string({
      required_error: missing(what),
      invalid_type_error: `${what}应为十进制数字文本，带英文双引号，如 "20" 或 "0.2"（写成文本才能精确计算）`,
    })
    .regex(DECIMAL_TEXT, `${what}应为十进制数字文本，如 "20" 或 "0.2"（只用阿拉伯数字和小数点，不带单位、逗号、百分号或负号）`)
    .describe(`${what}：十进制数字文本，带英文双引号，如 "20"、"0.2"`);
}

/** Required text, at least `min` characters. */
export function text(what: string, min = 1) {
  return z
    .string({ required_error: missing(what), invalid_type_error: `${what}应为文字（带英文双引号）` })
    .min(min, min <= 1 ? `${what}不能为空` : `${what}太短（至少 ${min} 个字）`)
    .describe(what);
}

/** The clause a value comes from ("计划 二（一）4", "认定办法第十一条（四）"). */
export const cite = z
  .string({ required_error: "缺少 cite（依据条款，如“计划 二（一）4”）", invalid_type_error: "cite（依据条款）应为文字" })
  .min(2, "cite（依据条款）太短，请写明文件和条款，如“计划 二（一）4”")
  .describe("依据条款：这个数值出自哪份文件的哪一条，如“计划 二（一）4”");

/** A list of names (aliases, members). */
export function names(what: string) {
  return z.array(z.string({ invalid_type_error: `${what}中的每一项应为文字` }).min(1, `${what}中不能有空文字`), {
    required_error: `${missing(what)}（没有时写 []）`,
    invalid_type_error: `${what}应为文字列表，如 ["高企", "高新技术企业"]，没有时写 []`,
  });
}

/** "$schema": where an editor finds the JSON Schema of the pack (ignored by KJ). */
export const schemaRef = z
  .string({ invalid_type_error: "$schema 应为文字（JSON Schema 文件的路径或网址）" })
  .optional()
  .describe("编辑器用的 JSON Schema 位置，如 ./kj-plan.schema.json（KJ 本身不读它）");

/**
 * Eligibility for 高新技术企业, 科技型中小企业 and 科技小巨人企业: the entry points used by the
 * custom functions, the CLI and the jobs. The as-of date is always a parameter.
 *
 * Example:
 *   const v = eligibilityOf("科小", { 职工总数: 120, 科技人员数: 30, … }, asOf);
 *   v.eligible  // true | false | null
 *   whyText(v)  // "不符合：评价得分 48 分 < 60 分（评价办法第六条（五））"
 */
import { DayNumber } from "../dates";
import { KjError } from "../errors";
import { Category, parseCategory, RulePack, rulePackFor } from "../policy/rules";
import { decide, decideOrPending, explainRow, ScoreResult, scoreOf } from "./evaluate";
export type { ScoreResult } from "./evaluate";
import { RowView, rowFromObject, rowFromRanges } from "./row";
import type { Tri, Verdict } from "./verdict";

export { pendingText, unknownMessage, whyText } from "./explain";
export { planForHeader, rowFromObject, rowFromRanges, singleRow } from "./row";
export type { RowView } from "./row";
export type { Check, Tri, Verdict } from "./verdict";
export { parseCategory } from "../policy/rules";
export type { Category } from "../policy/rules";

/** The pack for a 类别 argument (any accepted spelling) on a date. */
export function packFor(category: unknown, asOf: DayNumber): RulePack {
  const c: Category = parseCategory(category);
  return rulePackFor(c, asOf);
}

/** The full verdict for one row. */
export function verdictFor(category: unknown, view: RowView, asOf: DayNumber): Verdict {
  return explainRow(packFor(category, asOf), view, asOf);
}

/** Only true / false / null, without building the checks (fast path). */
export function decideFor(category: unknown, view: RowView, asOf: DayNumber): Tri {
  return decide(packFor(category, asOf), view, asOf);
}

/**
 * The outcome, and when it is unknown a partial verdict (the unknown checks and those deciding
 * whether they matter) from which pendingText / unknownMessage name what is missing.
 */
export function decideWithPending(category: unknown, view: RowView, asOf: DayNumber): { outcome: Tri; pending: Verdict | null } {
  return decideOrPending(packFor(category, asOf), view, asOf);
}

/** The verdict for a plain object keyed by standard column names or synonyms (the CLI's JSON row). */
export function eligibilityOf(category: unknown, row: Readonly<Record<string, unknown>>, asOf: DayNumber): Verdict {
  if (row === null || typeof row !== "object" || Array.isArray(row)) {
    throw new KjError("bad_row", "企业资料应为一个以列名为键的对象，如 {\"企业名称\": \"…\", \"职工总数\": 120}", "value");
  }
  return verdictFor(category, rowFromObject(row), asOf);
}

/** The verdict for header + row ranges (any column order, synonym headers). */
export function eligibilityOfRange(category: unknown, header: unknown, row: unknown, asOf: DayNumber): Verdict {
  return verdictFor(category, rowFromRanges(header, row), asOf);
}

/**
 * The score interval of a row ([lo, hi]; given = taken from the ledger's score column); null for
 * a category without a score. With `explain`, also needsExpert and the missing inputs.
 */
export function scoreFor(category: unknown, view: RowView, asOf: DayNumber, explain = false): ScoreResult | null {
  return scoreOf(packFor(category, asOf), view, explain);
}

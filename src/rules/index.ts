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
import { Category, parseCategory, RULE_PACKS, RulePack, rulePackFor } from "../policy/rules";
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

/**
 * The pack for a 类别 argument (any accepted spelling) on a date, among `packs` (a registry's
 * rulePacks: the built-in ones unless the host passes the workbook's).
 */
export function packFor(category: unknown, asOf: DayNumber, packs: readonly RulePack[] = RULE_PACKS): RulePack {
  const c: Category = parseCategory(category);
  return rulePackFor(c, asOf, packs);
}

/** The full verdict for one row. */
export function verdictFor(category: unknown, view: RowView, asOf: DayNumber, packs: readonly RulePack[] = RULE_PACKS): Verdict {
  return explainRow(packFor(category, asOf, packs), view, asOf);
}

/** Only true / false / null, without building the checks (fast path). */
export function decideFor(category: unknown, view: RowView, asOf: DayNumber, packs: readonly RulePack[] = RULE_PACKS): Tri {
  return decide(packFor(category, asOf, packs), view, asOf);
}

/**
 * The outcome, and when it is unknown a partial verdict (the unknown checks and those deciding
 * whether they matter) from which pendingText / unknownMessage name what is missing.
 */
export function decideWithPending(category: unknown, view: RowView, asOf: DayNumber, packs: readonly RulePack[] = RULE_PACKS): { outcome: Tri; pending: Verdict | null } {
  return decideOrPending(packFor(category, asOf, packs), view, asOf);
}

/** The verdict for a plain object keyed by standard column names or synonyms (the CLI's JSON row). */
export function eligibilityOf(category: unknown, row: Readonly<Record<string, unknown>>, asOf: DayNumber, packs: readonly RulePack[] = RULE_PACKS): Verdict {
  if (row === null || typeof row !== "object" || Array.isArray(row)) {
    throw new KjError("bad_row", "企业资料应为一个以列名为键的对象，如 {\"企业名称\": \"…\", \"职工总数\": 120}", "value");
  }
  return verdictFor(category, rowFromObject(row), asOf, packs);
}

/** The verdict for header + row ranges (any column order, synonym headers). */
export function eligibilityOfRange(category: unknown, header: unknown, row: unknown, asOf: DayNumber, packs: readonly RulePack[] = RULE_PACKS): Verdict {
  return verdictFor(category, rowFromRanges(header, row), asOf, packs);
}

/**
 * The score interval of a row ([lo, hi]; given = taken from the ledger's score column); null for
 * a category without a score. With `explain`, also needsExpert and the missing inputs.
 */
export function scoreFor(category: unknown, view: RowView, asOf: DayNumber, explain = false, packs: readonly RulePack[] = RULE_PACKS): ScoreResult | null {
  return scoreOf(packFor(category, asOf, packs), view, explain);
}

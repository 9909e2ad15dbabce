/**
 * What an eligibility judgement returns: a verdict with one check per condition, each with the
 * observed value as text, what the rule requires and the clause it comes from
 * (json-rules-engine style: the "why" is built from the checks, not from code paths).
 */
import type { Category } from "../policy/rules";

/** true = met, false = not met, null = cannot tell from the ledger (unknown is not false). */
export type Tri = boolean | null;

export interface Check {
  id: string;
  label: string;
  passed: Tri;
  /** The observed value as display text, e.g. "3.2%", "未填写". */
  actual: string;
  /** What the rule requires, e.g. "≥ 5%". */
  required: string;
  /** The clause, e.g. "认定办法第十一条（五）". */
  cite: string;
  /** Why unknown, which band applied, which cell could not be read … */
  note?: string;
  /** One phrase for the explanation, e.g. "研发费用占比 3.2% < 5%". */
  summary: string;
  /** required: must hold; route: any one qualifies directly (科小); scored: the scoring route. */
  role: "required" | "route" | "scored";
  /**
   * Columns whose blank cell or missing column was read by its meaning (DOMAIN §8): a flag as
   * no record, a claim as not claimed. `noColumn`: the ledger has no such column.
   */
  absent?: { column: string; noColumn: boolean }[];
  /** The requirement rests on a provisional stand-in value (the clause text was not available). */
  provisional?: true;
}

export interface Verdict {
  category: Category;
  /** 高新技术企业 / 科技型中小企业 / 科技小巨人企业 */
  categoryName: string;
  eligible: Tri;
  /** The 科小 score, or 高企's innovation score when determined; null otherwise. */
  score: number | null;
  /** [min, max] of the score from what the ledger holds; null for a category without a score. */
  scoreRange: [number, number] | null;
  /** The rules are a documented stand-in (小巨人). */
  provisional: boolean;
  checks: Check[];
  /** Standard column names whose blank or unreadable value leaves a check unknown. */
  missing: string[];
  /** YYYY-MM-DD */
  asOf: string;
  /** The rule pack used. */
  policy: { id: string; title: string; effectiveFrom: string };
  /**
   * 未核验: the clauses of the pack KJ cannot check from a ledger (居民企业, 查账征收, 加计扣除
   * 行业 …), each with why; whatever the verdict, staff check these by hand.
   */
  unverified: { cite: string; text: string; why: string }[];
}

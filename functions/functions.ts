/**
 * Excel custom functions (namespace KJ), thin wrappers over the host-free cores in src/fx.
 * custom-functions-metadata builds functions.json from these JSDoc blocks and appends the
 * CustomFunctions.associate calls at build time. Ids, parameter names, types and optional
 * flags must match src/fx/spec.ts (checked by the build and by tests). They compute with the
 * workbook's policy packs (./policies.ts: built-in plus those stored in the workbook).
 */
import { dayFromLocalClock, DayNumber } from "../src/dates";
import { fxAward, fxTarget, fxUscc } from "../src/fx/award";
import { fxEligible, fxScore, fxWhy } from "../src/fx/eligibility";
import { excelCall } from "./errors";
import { workbookPolicies } from "./policies";

/**
 * Today by the computer's clock: the eligibility cores judge on it when no 评价日期 is
 * given (the host supplies "today"; the cores never read the clock).
 */
function today(): DayNumber {
  return dayFromLocalClock(new Date());
}

/**
 * District award in 10,000 yuan for a recognition under the science and technology action plan.
 * @customfunction AWARD
 * @param item Award item: key, Chinese name, platform name or short name, e.g. 高企, 国家重点实验室.
 * @param basis Basis in 10,000 yuan for capped or rate items (local tax retention, provincial performance award).
 * @param date Recognition date, which chooses the applicable policy; default the latest policy.
 * @returns Award in 10,000 yuan.
 */
export function award(item: any, basis?: any, date?: any): number {
  return excelCall(() => fxAward(item, basis, date, workbookPolicies()));
}

/**
 * Target of the action plan for an indicator.
 * @customfunction TARGET
 * @param indicator Indicator key or Chinese name, e.g. 高新技术企业, 科技型中小企业.
 * @param year Year, which chooses the plan covering it; default the latest plan.
 * @returns The target.
 */
export function target(indicator: any, year?: any): number {
  return excelCall(() => fxTarget(indicator, year, workbookPolicies()));
}

/**
 * TRUE for a well-formed unified social credit code with the right check character.
 * @customfunction USCC
 * @param code The 18-character unified social credit code.
 * @returns TRUE or FALSE.
 */
export function uscc(code: any): boolean {
  return excelCall(() => fxUscc(code));
}

/**
 * Whether an enterprise in the ledger meets the conditions of a category.
 * @customfunction ELIGIBLE
 * @param category Category: 高企 (high-tech enterprise), 科小 (tech SME) or 小巨人 (tech giant).
 * @param header The ledger's header row (one row of column names), e.g. $A$1:$AZ$1.
 * @param row The enterprise's row in the ledger, same columns as the header, e.g. A2:AZ2.
 * @param date Date the enterprise is judged on; default today.
 * @returns TRUE when eligible, FALSE when not.
 */
export function eligible(category: string, header: any[][], row: any[][], date?: any): boolean {
  return excelCall(() => fxEligible(category, header, row, date, today(), workbookPolicies()));
}

/**
 * Explanation of the eligibility verdict, condition by condition, with citations.
 * @customfunction WHY
 * @param category Category: 高企 (high-tech enterprise), 科小 (tech SME) or 小巨人 (tech giant).
 * @param header The ledger's header row (one row of column names), e.g. $A$1:$AZ$1.
 * @param row The enterprise's row in the ledger, same columns as the header, e.g. A2:AZ2.
 * @param date Date the enterprise is judged on; default today.
 * @returns The explanation.
 */
export function why(category: string, header: any[][], row: any[][], date?: any): string {
  return excelCall(() => fxWhy(category, header, row, date, today(), workbookPolicies()));
}

/**
 * Evaluation score of the category (tech SME score; high-tech innovation score).
 * @customfunction SCORE
 * @param category Category: 高企 (high-tech enterprise), 科小 (tech SME) or 小巨人 (tech giant).
 * @param header The ledger's header row (one row of column names), e.g. $A$1:$AZ$1.
 * @param row The enterprise's row in the ledger, same columns as the header, e.g. A2:AZ2.
 * @param date Date the enterprise is judged on; default today.
 * @returns The score.
 */
export function score(category: string, header: any[][], row: any[][], date?: any): number {
  return excelCall(() => fxScore(category, header, row, date, today(), workbookPolicies()));
}

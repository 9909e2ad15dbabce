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
import { fxRdSubsidy } from "../src/fx/rd";
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
 * Explanation of the eligibility verdict, condition by condition, with citations; with 省 or 市, of the R&D subsidy.
 * @customfunction WHY
 * @param category Category: 高企, 科小 or 小巨人; or the R&D subsidy scheme 省 (Shandong) or 市 (Zaozhuang).
 * @param header The ledger's header row (one row of column names), e.g. $A$1:$AZ$1.
 * @param row The enterprise's row in the ledger, same columns as the header, e.g. A2:AZ2.
 * @param date Date the enterprise is judged on (default today); for 省/市, the year whose R&D is subsidised (default the row's 年度).
 * @returns The explanation.
 */
export function why(category: string, header: any[][], row: any[][], date?: any): string {
  return excelCall(() => fxWhy(category, header, row, date, today(), workbookPolicies()));
}

/**
 * R&D subsidy in 10,000 yuan of one scheme (省: Shandong, 市: Zaozhuang) for a row of the R&D ledger and the year whose R&D is subsidised.
 * @customfunction RDSUBSIDY
 * @param scheme Scheme: 省 (Shandong provincial) or 市 (Zaozhuang municipal).
 * @param year The year whose R&D expense is subsidised, e.g. 2024; it chooses the policy.
 * @param header The R&D ledger's header row (one row of column names), e.g. $A$1:$P$1.
 * @param row The enterprise's row in the ledger, same columns as the header, e.g. A2:P2.
 * @returns Subsidy in 10,000 yuan.
 */
export function rdsubsidy(scheme: any, year: any, header: any[][], row: any[][]): number {
  return excelCall(() => fxRdSubsidy(scheme, year, header, row, workbookPolicies()));
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

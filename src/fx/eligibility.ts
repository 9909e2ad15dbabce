/**
 * KJ.ELIGIBLE / KJ.WHY / KJ.SCORE cores. The Excel and WPS wrappers normalise the arguments
 * (header and row as 1-D or single-row 2-D arrays, a missing optional argument as undefined)
 * and pass `today` — the host's date — because the core never reads the clock.
 *
 * =KJ.ELIGIBLE("科小", $A$1:$AZ$1, A2:AZ2)       -> TRUE / FALSE, #N/A naming what is missing
 * =KJ.WHY("高企", $A$1:$AZ$1, A2:AZ2)            -> "不符合：研发费用占比 3.2% < 5%（认定办法第十一条（五））"
 * =KJ.SCORE("科小", $A$1:$AZ$1, A2:AZ2)          -> 72
 */
import { DayNumber } from "../dates";
import { KjError } from "../errors";
import { isBlankCell, readDate } from "../ledger/cells";
import { BUILTIN_POLICIES, PolicyRegistry } from "../policy/registry";
import { decideWithPending, packFor, rowFromRanges, scoreFor, unknownMessage, Verdict, verdictFor, whyText } from "../rules";
import { rdSchemeOf } from "../policy/rd";
import { asScalar, naError } from "./args";
import { fxRdWhy } from "./rd";

/** The as-of date: the 评价日期 argument when given, else the host's today. */
export function fxAsOf(date: unknown, today?: DayNumber): DayNumber {
  if (date === undefined || date === null || isBlankCell(date)) {
    if (today === undefined || !Number.isInteger(today)) {
      throw new KjError("no_date", "缺少评价日期：请在第 4 个参数填写评价日期，如 2024-12-31", "value");
    }
    return today;
  }
  const r = readDate(Array.isArray(date) ? (Array.isArray(date[0]) ? date[0][0] : date[0]) : date);
  if (r.status !== "ok") {
    const why = r.status === "invalid" ? r.message : "未填写";
    throw new KjError("bad_date", `评价日期无法识别：${why}（可写 2024-12-31 或日期单元格）`, "value");
  }
  return r.value;
}

/** KJ.ELIGIBLE: TRUE / FALSE; unknown is #N/A whose message names what is missing. */
export function fxEligible(category: unknown, header: unknown, row: unknown, date?: unknown, today?: DayNumber, policies: PolicyRegistry = BUILTIN_POLICIES): boolean {
  const asOf = fxAsOf(date, today);
  const view = rowFromRanges(header, row);
  const { outcome, pending } = decideWithPending(category, view, asOf, policies.rulePacks);
  if (outcome !== null) return outcome;
  throw naError("eligibility_unknown", unknownMessage(pending as Verdict));
}


/**
 * KJ.WHY: "符合", or every failed check with its clause, and "待补充：…" for unknowns. With an R&D
 * subsidy scheme as 类别 (省/市), the subsidy and why (fx/rd.ts): the 4th argument is then the
 * year whose R&D is subsidised (default: the row's 年度).
 */
export function fxWhy(category: unknown, header: unknown, row: unknown, date?: unknown, today?: DayNumber, policies: PolicyRegistry = BUILTIN_POLICIES): string {
  if (rdSchemeOf(asScalar(category, "类别")) !== null) return fxRdWhy(category, header, row, date, policies);
  const asOf = fxAsOf(date, today);
  return whyText(verdictFor(category, rowFromRanges(header, row), asOf, policies.rulePacks));
}

/**
 * KJ.SCORE: the 科小 score, or 高企's innovation score when the ledger holds it (or it is
 * otherwise determined); else #N/A with the interval, e.g. "55–78，需专家评价".
 */
export function fxScore(category: unknown, header: unknown, row: unknown, date?: unknown, today?: DayNumber, policies: PolicyRegistry = BUILTIN_POLICIES): number {
  const asOf = fxAsOf(date, today);
  const view = rowFromRanges(header, row);
  const pack = packFor(category, asOf, policies.rulePacks);
  const s = scoreFor(category, view, asOf, false, policies.rulePacks);
  if (s === null) {
    throw new KjError("no_score", `${pack.name}的认定条件没有评分，请用 KJ.ELIGIBLE / KJ.WHY 查看逐项条件${pack.provisionalNotice}`, "na");
  }
  if (s.lo === s.hi) return s.lo;
  const detail = scoreFor(category, view, asOf, true, policies.rulePacks) as NonNullable<typeof s>;
  const reasons: string[] = [];
  if (detail.needsExpert) reasons.push("需专家评价");
  if (detail.missing.length > 0) reasons.push(`缺少 ${detail.missing.join("、")}`);
  throw naError("score_unknown", `${s.lo}–${s.hi}，${reasons.join("，") || "无法确定"}${pack.provisionalNotice}`);
}

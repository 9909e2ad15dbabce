/**
 * Cores of KJ.AWARD, KJ.TARGET and KJ.USCC, shared by every host. They take arguments as a
 * host hands them over (see args.ts), return a plain number or boolean and throw KjError
 * (kind "value" -> #VALUE!, "na" -> #N/A) with a Chinese message. The policy registry is the
 * host's to pass (the workbook's stored packs); the built-in packs are the default.
 */
import { computeAward, LoadedPlan, targetFor } from "../policy/plans";
import { BUILTIN_POLICIES, PolicyRegistry } from "../policy/registry";
import { isValidUscc } from "../uscc";
import { asScalar, isAbsent, readDateArg, readMoneyArg, readTextArg, readYearArg } from "./args";

/**
 * The district award in 万元 for a recognition, exact until the last step.
 * Example: fxAward("国家重点实验室", 250) -> 200; fxAward("高企") -> 20.
 * Errors: unknown_item, basis_required, basis_invalid, bad_date (#VALUE!); no_policy (#N/A).
 */
export function fxAward(item: unknown, basis?: unknown, date?: unknown, policies: PolicyRegistry = BUILTIN_POLICIES): number {
  return fxAwardOf(item, basis, date, policies.plans);
}

/** fxAward with the plan packs themselves (the awards job values its formulas with the packs it was given). */
export function fxAwardOf(item: unknown, basis: unknown, date: unknown, plans: readonly LoadedPlan[]): number {
  const name = readTextArg(item, "奖励事项");
  const amountBasis = readMoneyArg(basis, "计算依据");
  const day = readDateArg(date, "认定日期");
  const result = computeAward({ item: name, basis: amountBasis ?? null, date: day ?? null }, plans);
  return result.amount.toNumber();
}

/**
 * The plan's target for an indicator key or Chinese name; with a year, the plan covering it.
 * Example: fxTarget("高新技术企业") -> 60.
 * Errors: unknown_indicator, bad_year (#VALUE!); no_policy (#N/A).
 */
export function fxTarget(indicator: unknown, year?: unknown, policies: PolicyRegistry = BUILTIN_POLICIES): number {
  const name = readTextArg(indicator, "指标");
  const y = readYearArg(year, "年度");
  return targetFor(name, y ?? null, policies.plans).value;
}

/**
 * TRUE for a well-formed 统一社会信用代码 with the right check character; lower case and
 * full-width input are accepted. A blank cell is not a valid code (FALSE).
 * Example: fxUscc("91350100M000100Y43") -> true.
 */
export function fxUscc(code: unknown): boolean {
  const s = asScalar(code, "统一社会信用代码");
  if (isAbsent(s)) return false;
  if (typeof s !== "string" && typeof s !== "number") return false;
  return isValidUscc(String(s));
}

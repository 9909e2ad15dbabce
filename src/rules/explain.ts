/**
 * The one-cell explanation of a verdict (KJ.WHY) and the message of an unknown verdict.
 * Built only from the checks: each failed check as "observed vs required（clause）", each
 * unknown one as what is missing.
 */
import type { Check, Verdict } from "./verdict";

const PROVISIONAL_NOTICE = "（暂定标准，待核定）";

/**
 * The checks that decide the verdict: all required ones, and the scoring route unless a
 * direct route already qualifies. Route checks only matter while nothing else qualifies.
 */
export function relevantChecks(checks: readonly Check[]): { failed: Check[]; pending: Check[]; route: Check | undefined } {
  const route = checks.find((c) => c.role === "route" && c.passed === true);
  const scoredPassed = checks.filter((c) => c.role === "scored").every((c) => c.passed === true);
  const failed: Check[] = [];
  const pending: Check[] = [];
  for (const c of checks) {
    if (c.role === "scored" && route) continue;
    if (c.role === "route" && (route || scoredPassed)) continue;
    // A direct route that is plainly absent is not a reason: the failed score is.
    if (c.role === "route" && c.passed === false) continue;
    if (c.passed === false) failed.push(c);
    else if (c.passed === null) pending.push(c);
  }
  return { failed, pending, route };
}

function relevant(v: Verdict): ReturnType<typeof relevantChecks> {
  return relevantChecks(v.checks);
}

function withCite(c: Check): string {
  return `${c.summary}（${c.cite}）`;
}

/** "待补充：…" — what is missing for an unknown verdict (also the #N/A message of KJ.ELIGIBLE). */
export function pendingText(v: Verdict): string {
  const { pending } = relevant(v);
  const routes = pending.filter((c) => c.role === "route");
  const others = pending.filter((c) => c.role !== "route");
  const items = others.map((c) => c.summary);
  if (routes.length > 0) items.push(`直接认定条件（${routes.map((c) => c.summary).join("；")}；任一具备即可直接认定）`);
  return items.length > 0 ? `待补充：${items.join("；")}` : "";
}

/**
 * KJ.WHY: "符合", or "不符合：研发费用占比 3.2% < 5%（认定办法第十一条（五））；…", with
 * "待补充：…" for unknowns (both parts when both exist). A provisional pack's explanation ends
 * with （暂定标准，待核定）.
 */
export function whyText(v: Verdict): string {
  const suffix = v.provisional ? PROVISIONAL_NOTICE : "";
  const { failed, route } = relevant(v);
  if (v.eligible === true) {
    const how = route ? `（直接认定：${route.label}，${route.cite}）` : "";
    return `符合${how}${suffix}`;
  }
  const parts: string[] = [];
  if (failed.length > 0) parts.push(`不符合：${failed.map(withCite).join("；")}`);
  const pending = pendingText(v);
  if (pending) parts.push(pending);
  const noRoute = missingRouteColumns(v);
  if (noRoute.length > 0) parts.push(`直接认定条件按不具备处理（台账无${noRoute.map((n) => `“${n}”`).join("")}列，如具备请添加该列并填写）`);
  if (parts.length === 0) parts.push(v.eligible === false ? "不符合" : "无法判断");
  return parts.join("。") + suffix;
}

/**
 * The columns a direct route (科小 第八条) would be read from and the ledger does not have, when
 * only the scoring route failed: older ledgers lack them, and each is read as not claimed
 * (DOMAIN §8), so the explanation says which column to add.
 */
function missingRouteColumns(v: Verdict): string[] {
  if (v.eligible !== false) return [];
  if (v.checks.some((c) => c.role === "required" && c.passed === false)) return [];
  const names: string[] = [];
  for (const c of v.checks) if (c.role === "route" && c.passed === false) for (const a of c.absent ?? []) if (a.noColumn && !names.includes(a.column)) names.push(a.column);
  return names;
}

/** The #N/A message of KJ.ELIGIBLE for an unknown verdict: names what is missing. */
export function unknownMessage(v: Verdict): string {
  const suffix = v.provisional ? PROVISIONAL_NOTICE : "";
  const pending = pendingText(v);
  return `无法判断是否符合${v.categoryName}条件。${pending || "待补充资料"}${suffix}`;
}

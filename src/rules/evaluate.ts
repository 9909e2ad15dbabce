/**
 * The rule book: every recognition (hitech.ts, sme.ts, giant.ts) with its check kinds, on the
 * shared kernel (kernel.ts), with the kinds several of them use (checks.ts, score.ts).
 * A pack names its conditions' kinds; any kind listed here may be used by any pack, so an
 * edited or successor pack needs no code as long as it uses these kinds.
 *
 *   decide(pack, row, asOf)          true / false / null, no text (KJ.ELIGIBLE's hot path)
 *   explainRow(pack, row, asOf)      the verdict with one check per condition
 *   decideOrPending(pack, row, asOf) the outcome, and for an unknown one what is missing
 */
import type { DayNumber } from "../dates";
import type { Condition, RulePack } from "../policy/rules";
import { amount, countAtLeast, isTrue, noRecord, ratio } from "./checks";
import { GIANT } from "./giant";
import { HITECH } from "./hitech";
import { KindTable, Recognition, run, T3, tri, UNKNOWN, verdictOf } from "./kernel";
import { score, scoreSummary } from "./score";
import { SME } from "./sme";
import type { RowView } from "./row";
import type { Tri, Verdict } from "./verdict";

export { fastDay } from "./kernel";
export { scoreOf } from "./score";
export type { ScoreResult } from "./score";

/** The recognitions, each with its clauses and the kinds only it needs. */
export const RECOGNITIONS: readonly Recognition[] = [HITECH, SME, GIANT];

/** Every condition kind a pack may use. */
export const KINDS: KindTable = {
  amount,
  countAtLeast,
  isTrue,
  noRecord,
  ratio,
  score,
  ...HITECH.kinds,
  ...SME.kinds,
  ...GIANT.kinds,
};

/** The outcome only: the hot path of KJ.ELIGIBLE. */
export function decide(pack: RulePack, view: RowView, asOf: DayNumber): Tri {
  return tri(run(KINDS, pack, view, asOf, false).outcome);
}

/**
 * The outcome, and for an unknown one a verdict holding only the checks that explain it (the
 * unknown ones, plus the route and scoring checks that decide which of them matter): enough for
 * the #N/A message at a fraction of a full explanation's cost.
 */
export function decideOrPending(pack: RulePack, view: RowView, asOf: DayNumber): { outcome: Tri; pending: Verdict | null } {
  const d = run(KINDS, pack, view, asOf, false);
  if (d.outcome !== UNKNOWN) return { outcome: tri(d.outcome), pending: null };
  const subset = new Set<Condition>(d.unknown ?? []);
  for (const c of pack.conditions) if (c.role !== "required") subset.add(c);
  const { ctx } = run(KINDS, pack, view, asOf, true, subset);
  return { outcome: null, pending: verdictOf(pack, asOf, ctx, UNKNOWN, scoreSummary(pack, ctx)) };
}

/** The full verdict with every check. */
export function explainRow(pack: RulePack, view: RowView, asOf: DayNumber): Verdict {
  const { outcome, ctx } = run(KINDS, pack, view, asOf, true);
  return verdictOf(pack, asOf, ctx, outcome as T3, scoreSummary(pack, ctx));
}

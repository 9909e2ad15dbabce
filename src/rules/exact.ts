/**
 * Comparing ratios with thresholds exactly. Cell numbers are the decimals people typed
 * (Decimal(number) recovers the typed digits), so a float comparison is used only when it
 * is clearly on one side; near the boundary the comparison is redone in exact decimals.
 * Example: cmpRatio(150, 5000, 3%) === 0 — 3% of 5000 is exactly at the band.
 */
import Decimal from "decimal.js";
import type { Threshold } from "../policy/rules";

/** Enough digits that products of two typed numbers are exact. */
const Exact = Decimal.clone({ precision: 100 });
const REL_TOL = 1e-9;

function sign(d: Decimal): number {
  return d.isZero() ? 0 : d.isNegative() ? -1 : 1;
}

/** Sign of num/den − t, for den > 0. */
export function cmpRatio(num: number, den: number, t: Threshold): number {
  const rhs = t.f * den;
  const diff = num - rhs;
  const tol = REL_TOL * (Math.abs(num) + Math.abs(rhs));
  if (diff > tol) return 1;
  if (diff < -tol) return -1;
  return sign(new Exact(num).minus(new Exact(t.text).times(new Exact(den))));
}

/** num/den >= t (den > 0). */
export function ratioAtLeast(num: number, den: number, t: Threshold): boolean {
  return cmpRatio(num, den, t) >= 0;
}

/**
 * Sign of g − t for the 工作指引 growth g = ((Y2/Y1) + (Y3/Y2)) / 2 − 1, for Y1, Y2 > 0.
 * Exact form: Y2² + Y1·Y3 − 2·Y1·Y2·(1 + t) compared with 0.
 */
export function cmpMeanGrowth(y1: number, y2: number, y3: number, t: Threshold): number {
  const g = (y2 / y1 + y3 / y2) / 2 - 1;
  const diff = g - t.f;
  if (Math.abs(diff) > REL_TOL * (1 + Math.abs(g))) return diff > 0 ? 1 : -1;
  const a = new Exact(y1);
  const b = new Exact(y2);
  const c = new Exact(y3);
  const factor = new Exact(t.text).plus(1);
  return sign(b.times(b).plus(a.times(c)).minus(a.times(b).times(2).times(factor)));
}

/** The growth value itself, for display only. */
export function meanGrowth(y1: number, y2: number, y3: number): number {
  return (y2 / y1 + y3 / y2) / 2 - 1;
}

/**
 * KJ.ELIGIBLE / KJ.WHY / KJ.SCORE cores (owned by the eligibility work; placeholder signatures
 * so the function wrappers compile until it lands). Arguments arrive already normalised:
 * header and row are 2-D arrays, a missing optional argument is undefined.
 */
import { KjError } from "../errors";

export function fxEligible(_category: unknown, _header: unknown, _row: unknown, _date?: unknown): boolean {
  throw new KjError("not_ready", "资格判断尚未完成", "na");
}

export function fxWhy(_category: unknown, _header: unknown, _row: unknown, _date?: unknown): string {
  throw new KjError("not_ready", "资格判断尚未完成", "na");
}

export function fxScore(_category: unknown, _header: unknown, _row: unknown, _date?: unknown): number {
  throw new KjError("not_ready", "资格判断尚未完成", "na");
}

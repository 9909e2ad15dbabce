/**
 * One pass of KJ.ELIGIBLE over prepared rows, counting the outcomes. eligibility.bench.ts runs it
 * twice: bundled by esbuild as the shipped code is (dist-cli/kj.js; the add-in's webpack build of
 * TypeScript's CommonJS output is alike: plain property reads across modules), and through tsx,
 * the development loader, whose live ES-module bindings make every cross-module read a getter call.
 */
import type { DayNumber } from "../src/dates";
import { isKjError } from "../src/errors";
import { fxEligible } from "../src/fx/eligibility";

export interface PassCounts {
  eligible: number;
  notEligible: number;
  unknown: number;
}

/** Calls fxEligible on every row as a sheet formula would (header and row as single-row 2-D arrays). */
export function eligibilityPass(category: string, header: unknown[][], rows: unknown[][][], asOf: DayNumber): PassCounts {
  let eligible = 0;
  let notEligible = 0;
  let unknown = 0;
  for (let i = 0; i < rows.length; i++) {
    try {
      if (fxEligible(category, header, rows[i], undefined, asOf)) eligible++;
      else notEligible++;
    } catch (e) {
      // #N/A: an unknown verdict, its message built (part of the cost measured).
      if (isKjError(e) && e.kind === "na") unknown++;
      else throw e;
    }
  }
  return { eligible, notEligible, unknown };
}

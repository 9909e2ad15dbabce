/**
 * What every job shares. A job is a pure function:
 *   (workbook snapshot, options with an explicit as-of date) -> { report, edits }
 * It never talks to a host; the host applies `edits` afterwards.
 */
import { DayNumber } from "../dates";
import { Edit } from "../host/port";

export interface JobOptions {
  /** The day the job is judged on. Never "now" inside the core: callers pass it. */
  asOf: DayNumber;
  /** Restrict to one sheet (by name); default: every ledger sheet of the right kind. */
  sheet?: string;
}

export interface JobResult<R> {
  report: R;
  edits: Edit[];
}

/** Findings are a ledger notion (validation makes them); jobs pass them on. */
export type { Issue, Severity } from "../ledger/issues";

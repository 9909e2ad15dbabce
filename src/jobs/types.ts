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

export type Severity = "error" | "warning";

/** One finding at one cell: sheet row number, column letter and the standard field name. */
export interface Issue {
  sheet: string;
  /** 1-based sheet row. */
  row: number;
  /** Column letter, e.g. "C"; "" when the issue is about a missing column. */
  column: string;
  /** 1-based column number; 0 when the issue is about a missing column. */
  col: number;
  /** Standard field name, e.g. 统一社会信用代码. */
  field: string;
  severity: Severity;
  /** Plain Chinese. */
  message: string;
}

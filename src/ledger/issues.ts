/**
 * A finding at one cell of a ledger, the unit every check reports in: validation, the jobs
 * and the hosts (marks) all speak it.
 */
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

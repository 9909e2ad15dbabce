/**
 * The one place where the pane meets the core jobs: each function turns a job's report into
 * the plain view the pages render, so the pages do not depend on the jobs' report shapes.
 */
import { DayNumber } from "../src/dates";
import { Edit, SheetSnapshot, WorkbookSnapshot } from "../src/host/port";
import { Issue } from "../src/jobs/types";
import { clearMarkEdits, createSheetValidator, markEdits } from "../src/jobs/validate";

// ---------------------------------------------------------------- 校验

export interface ValidationRun {
  /** Data rows to check. */
  readonly total: number;
  done(): number;
  /** Checks up to maxRows more rows; true when finished. */
  step(maxRows: number): boolean;
  finish(): ValidationOutcome;
}

export interface ValidationOutcome {
  issues: Issue[];
  /** Non-blank data rows checked. */
  rows: number;
  /** Clears earlier marks on the sheet, then marks every issue cell. */
  markEdits: Edit[];
}

export function startValidation(sheet: SheetSnapshot, asOf: DayNumber): ValidationRun {
  const v = createSheetValidator(sheet, { asOf });
  return {
    total: v.progress.total,
    done: () => v.progress.done,
    step: (maxRows) => v.step(maxRows),
    finish: () => {
      const r = v.result();
      if (!r) return { issues: [], rows: 0, markEdits: [] };
      return { issues: r.issues, rows: r.rows, markEdits: markEdits({ sheets: [r], skipped: [] }) };
    },
  };
}

export function clearMarksEdits(sheet: string): Edit[] {
  return clearMarkEdits([sheet]);
}

// ---------------------------------------------------------------- 动态管理

export interface UpkeepSuggestion {
  /** Stable while the ledger is unchanged: sheet, row and code. */
  key: string;
  sheet: string;
  row: number;
  name: string;
  uscc: string;
  classification?: string;
  reasons: string[];
}

export interface UpkeepPlanView {
  suggestions: UpkeepSuggestion[];
  /** Enterprises in the pool(s) looked at. */
  enterprises: number;
  /** Writes 建议调出 / 调出原因 into the add-in's own columns. */
  writeEdits: Edit[];
}

/** Whatever the upkeep job needs to put removed rows back. */
export type UndoToken = unknown;

export function planUpkeepView(wb: WorkbookSnapshot, asOf: DayNumber): UpkeepPlanView {
  void wb;
  void asOf;
  throw new Error("动态管理功能尚未接入");
}

export function removalEdits(wb: WorkbookSnapshot, chosen: readonly UpkeepSuggestion[], asOf: DayNumber): { edits: Edit[]; undo: UndoToken; moved: number } {
  void wb;
  void chosen;
  void asOf;
  throw new Error("动态管理功能尚未接入");
}

export function undoRemovalEdits(wb: WorkbookSnapshot, token: UndoToken): { edits: Edit[]; restored: number } {
  void wb;
  void token;
  throw new Error("动态管理功能尚未接入");
}

// ---------------------------------------------------------------- 目标完成情况

export interface IndicatorView {
  key: string;
  name: string;
  target: number;
  unit: string;
  actual: number | null;
  /** actual / target, 0..; null when it cannot be counted. */
  completion: number | null;
  achieved: boolean | null;
  /** How it is counted (stock / flow), shown as a tooltip. */
  rule: string;
}

export interface TargetsView {
  sheet: string;
  indicators: IndicatorView[];
  missingLedgers: string[];
  edits: Edit[];
}

export function targetsView(wb: WorkbookSnapshot, asOf: DayNumber): TargetsView {
  void wb;
  void asOf;
  throw new Error("目标完成情况功能尚未接入");
}

// ---------------------------------------------------------------- 奖励测算

export interface TotalLine {
  label: string;
  /** 万元, exact decimal text. */
  amount: string;
  count: number;
}

export interface AwardsView {
  sheet: string;
  summarySheet: string;
  rows: number;
  total: string;
  byYear: TotalLine[];
  byItem: TotalLine[];
  byStatus: TotalLine[];
  flagged: { sheet: string; row: number; col: number; name: string; message: string }[];
  edits: Edit[];
}

export function awardsView(wb: WorkbookSnapshot): AwardsView {
  void wb;
  throw new Error("奖励测算功能尚未接入");
}

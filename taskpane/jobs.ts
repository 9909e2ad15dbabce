/**
 * The one place where the pane meets the core jobs: each function turns a job's report into
 * the plain view the pages render, so the pages do not depend on the jobs' report shapes.
 */
import { DayNumber, yearOf } from "../src/dates";
import { Edit, SheetSnapshot, WorkbookSnapshot } from "../src/host/port";
import { Issue } from "../src/jobs/types";
import { fillAwards, Total } from "../src/jobs/awards";
import { computeTargets, TARGETS_SHEET } from "../src/jobs/targets";
import { POOL_RULES } from "../src/jobs/pool-rules";
import { planUpkeep, removeFromPool, undoRemoval } from "../src/jobs/upkeep";
import { planFor } from "../src/policy/plans";
import { clearMarkEdits, createSheetValidator, markEdits } from "../src/jobs/validate";
import { UserMessage } from "./context";

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

/** The upkeep page's hint: what a suggestion looks at, the certificate's validity from the pool rules pack. */
export function upkeepRulesHint(): string {
  return `按基准日期判断：重大安全事故、严重失信、经营异常名录，注销/吊销/迁出，高企证书满 ${POOL_RULES.hitechValidityYears.value} 年，科小当年未入库。`;
}

export interface UpkeepSuggestion {
  /** Stable while the ledger is unchanged: sheet, row and code. */
  key: string;
  sheet: string;
  row: number;
  name: string;
  uscc: string;
  classification: string;
  reasons: { text: string; cite: string }[];
}

export interface UpkeepPlanView {
  suggestions: UpkeepSuggestion[];
  /** Enterprises in the pool sheet(s) looked at. */
  enterprises: number;
  /** Plain-Chinese notes from the job (no ledger found, unreadable cells...). */
  notes: string[];
  /** Writes 建议调出 / 调出原因 into the add-in's own columns. */
  writeEdits: Edit[];
}

/** The removal batch to put back. */
export interface UndoToken {
  batchId: string;
  sheet: string;
}

export function planUpkeepView(wb: WorkbookSnapshot, asOf: DayNumber): UpkeepPlanView {
  const { report, edits } = planUpkeep(wb, { asOf });
  const notes = [...report.notes];
  if (report.issues.length) notes.push(`${report.issues.length} 个单元格无法读取，相关条件未作判断（可先到“校验台账”查看）。`);
  return {
    suggestions: report.suggestions.map((s) => ({
      key: `${s.sheet}\u0001${s.row}\u0001${s.uscc ?? ""}\u0001${s.name}`,
      sheet: s.sheet,
      row: s.row,
      name: s.name,
      uscc: s.uscc ?? "",
      classification: s.class,
      reasons: s.reasons.map((r) => ({ text: r.text, cite: r.cite })),
    })),
    enterprises: report.sheets.reduce((n, s) => n + s.rows, 0),
    notes,
    writeEdits: edits,
  };
}

/** Moves the chosen rows (all from one pool sheet) to 调出记录; the archive is written before any row is deleted. */
export function removalEdits(wb: WorkbookSnapshot, chosen: readonly UpkeepSuggestion[], asOf: DayNumber): { edits: Edit[]; undo: UndoToken | null; moved: number; skipped: string[] } {
  const sheets = new Set(chosen.map((s) => s.sheet));
  if (sheets.size > 1) throw new UserMessage("请一次只移出同一张培育库工作表中的企业。");
  const sheet = chosen[0]?.sheet;
  if (sheet === undefined) return { edits: [], undo: null, moved: 0, skipped: [] };
  const { report, edits } = removeFromPool(
    wb,
    { asOf, sheet },
    chosen.map((s) => ({ row: s.row, uscc: s.uscc || null, name: s.name })),
  );
  return {
    edits,
    undo: report.batchId ? { batchId: report.batchId, sheet: report.sheet } : null,
    moved: report.removed.length,
    skipped: report.skipped.map((s) => s.reason),
  };
}

/** Puts a removal batch back; without a token, the latest batch recorded on 调出记录 (also one from an earlier session). */
export function undoRemovalEdits(wb: WorkbookSnapshot, token: UndoToken | null, asOf: DayNumber): { edits: Edit[]; restored: number; notes: string[] } {
  const { report, edits } = undoRemoval(wb, { asOf }, token?.batchId);
  return { edits, restored: report.restored.length, notes: report.notes };
}

// ---------------------------------------------------------------- 目标完成情况

/** The targets page's hint: stock vs flow indicators, with the latest plan's period from its pack. */
export function targetsCountingHint(): string {
  const plan = planFor();
  return `存量指标按基准日期有效的数量计，增量指标按 ${yearOf(plan.from)}—${yearOf(plan.to)} 年内（或当年）发生的数量计。`;
}

export interface IndicatorView {
  key: string;
  name: string;
  target: number;
  unit: string;
  actual: number | null;
  /** actual / target, 0..; null when it cannot be counted. */
  completion: number | null;
  achieved: boolean | null;
  /** 达成 / 未达成 / 缺少台账 / 缺少列 */
  status: string;
  /** How it is counted (stock / flow) and where the plan says so: a tooltip. */
  rule: string;
}

export interface TargetsView {
  sheet: string;
  indicators: IndicatorView[];
  missingLedgers: string[];
  edits: Edit[];
}

export function targetsView(wb: WorkbookSnapshot, asOf: DayNumber): TargetsView {
  const { report, edits } = computeTargets(wb, { asOf });
  return {
    sheet: TARGETS_SHEET,
    indicators: report.indicators.map((i) => ({
      key: i.key,
      name: i.qualifier ? `${i.name}（${i.qualifier}）` : i.name,
      target: i.target,
      unit: i.unit,
      actual: i.actual,
      completion: i.completion,
      achieved: i.status === "达成" ? true : i.status === "未达成" ? false : null,
      status: i.status,
      rule: [`${i.kindLabel}：${i.countedFrom}`, i.cite, i.note ?? ""].filter(Boolean).join("\n"),
    })),
    missingLedgers: report.missingLedgers,
    edits,
  };
}

// ---------------------------------------------------------------- 奖励测算

export interface TotalLine {
  label: string;
  /** 万元, exact decimal text. */
  amount: string;
  count: number;
}

export interface FlaggedRow {
  sheet: string;
  row: number;
  /** 0 when the problem is a missing column. */
  col: number;
  name: string;
  message: string;
}

export interface AwardsView {
  sheet: string;
  summarySheet: string;
  rows: number;
  formulasWritten: number;
  total: string;
  byYear: TotalLine[];
  byItem: TotalLine[];
  byStatus: TotalLine[];
  flagged: FlaggedRow[];
  edits: Edit[];
}

function line(label: string, t: Total): TotalLine {
  return { label, amount: t.amount.toString(), count: t.count };
}

export function awardsView(wb: WorkbookSnapshot, asOf: DayNumber): AwardsView {
  const { report, edits } = fillAwards(wb, { asOf });
  if (report.summarySheet === null || report.sheets.length === 0) {
    throw new UserMessage(report.notes.join("；") || "工作簿中没有奖励台账（表头应含 名称、奖励事项、认定日期）。");
  }
  const names = new Map(report.rows.map((r) => [`${r.sheet}\u0001${r.row}`, r.name]));
  const t = report.totals;
  return {
    sheet: report.sheets.map((s) => s.sheet).join("、"),
    summarySheet: report.summarySheet,
    rows: report.rows.length,
    formulasWritten: report.formulasWritten,
    total: t.total.amount.toString(),
    byYear: Object.keys(t.byYear)
      .sort()
      .map((y) => line(y, t.byYear[y])),
    byItem: Object.values(t.byItem).map((x) => line(x.name, x)),
    byStatus: Object.keys(t.byStatus).map((k) => line(k, t.byStatus[k])),
    flagged: report.issues.map((i) => ({
      sheet: i.sheet,
      row: i.row,
      col: i.col,
      name: names.get(`${i.sheet}\u0001${i.row}`) ?? i.field,
      message: i.message,
    })),
    edits,
  };
}

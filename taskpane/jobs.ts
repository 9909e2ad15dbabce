/**
 * The one place where the pane meets the core jobs: each function turns a job's report into
 * the plain view the pages render (a preview: nothing is written until a page applies the
 * view's edits), so the pages do not depend on the jobs' report shapes.
 */
import { dayFromParts, DayNumber, yearOf } from "../src/dates";
import { fxSpec, signatureZh } from "../src/fx/spec";
import { Edit, SheetSnapshot, WorkbookSnapshot } from "../src/host/port";
import { Issue } from "../src/jobs/types";
import { AMOUNT_HEADER, AWARD_SUMMARY_SHEET, fillAwards, Total } from "../src/jobs/awards";
import { ISSUES_SHEET, issueListEdits, issueWhere } from "../src/jobs/issue-list";
import { computeTargets, TARGETS_SHEET } from "../src/jobs/targets";
import { POOL_RULES, PoolRules } from "../src/jobs/pool-rules";
import { upkeepPackFor } from "../src/policy/upkeep-schema";
import { ARCHIVE_SHEET, planUpkeep, REASON_HEADER, REMINDER_HEADER, removeFromPool, SUGGEST_HEADER, undoRemoval, UpkeepReminder, UpkeepSuggestion as JobSuggestion } from "../src/jobs/upkeep";
import { describeAwardRule, LoadedPlan, planFor } from "../src/policy/plans";
import { POLICY_SHEET, readStoredTexts, removeStoredPackEdits, StoredPackText, storedPacks, storePacksEdits, workbookRegistry } from "../src/policy/stored";
import { BUILTIN_POLICIES, buildRegistry, LoadedPack, loadPackText, periodText, PolicyRegistry } from "../src/policy/registry";
import { PackError, problemText } from "../src/policy/pack-errors";
import { policyCoverage } from "../src/jobs/policy-coverage";
import { isKjError } from "../src/errors";
import { clearMarkEdits, createSheetValidator, markEdits } from "../src/jobs/validate";
import { kindDef, LedgerKind, OWN_SHEETS } from "../src/ledger/catalogue";
import { nearestLedger, PartialLedger } from "../src/ledger/mapping";
import { formatCount } from "../src/format";
import { fillRdSubsidies, RD_HEADERS, RD_SUMMARY_SHEET, RdCell, RdTotal, SCHEMES } from "../src/jobs/rdsubsidies";
import { RD_SCHEME_NAMES, RdScheme } from "../src/policy/rd";
import { UserMessage } from "./context";
import { CellRef } from "./parts/lists";

/** A write the pane can make: the edits, and in words what they write where. */
export interface WritePlan {
  edits: Edit[];
  /** "在“企业培育库”右侧 BA、BB 两列写入 …" */
  text: string;
}

/** A policy pack as the pages name it: title and period, as text. */
export interface PolicyView {
  title: string;
  from: string;
  to: string;
}

function policyOf(p: LoadedPlan): PolicyView {
  return { title: p.pack.title, from: p.pack.period.from, to: p.pack.period.to };
}

export function issueRef(i: Issue, label = i.field): CellRef {
  return { sheet: i.sheet, row: i.row, col: i.col, where: i.col > 0 ? `${i.column}${i.row}` : issueWhere(i), label, field: i.field, message: i.message, severity: i.severity };
}

/** Sheets of the workbook that come close to a ledger of `kind` without being recognised. */
export function partialLedgers(wb: WorkbookSnapshot, kind: LedgerKind): { sheet: string; partial: PartialLedger }[] {
  const out: { sheet: string; partial: PartialLedger }[] = [];
  for (const s of wb.sheets) {
    const p = nearestLedger(s.values.slice(0, 10), s.name, s.firstRow, s.firstCol);
    if (p && p.kind === kind) out.push({ sheet: s.name, partial: p });
  }
  return out;
}

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
  sheet: string;
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
      if (!r) return { sheet: sheet.name, issues: [], rows: 0, markEdits: [] };
      return { sheet: sheet.name, issues: r.issues, rows: r.rows, markEdits: markEdits({ sheets: [r], skipped: [] }) };
    },
  };
}

export function clearMarksEdits(sheets: readonly string[]): Edit[] {
  return clearMarkEdits(sheets);
}

/** The sheets that 校验全部台账 and the sheet list offer: everything but the add-in's own bookkeeping. */
export function isOwnSheet(name: string): boolean {
  return (OWN_SHEETS as readonly string[]).includes(name.trim());
}

/** What 写入工作簿 writes after a validation: marks on the issue cells. */
export function markPlan(outcomes: readonly ValidationOutcome[]): WritePlan {
  const cells = (o: ValidationOutcome) => new Set(o.issues.map((i) => `${i.row}:${i.col}`)).size;
  const where = outcomes
    .filter((o) => o.issues.length > 0)
    .map((o) => `“${o.sheet}”的 ${formatCount(cells(o))} 个单元格`)
    .join("、");
  return {
    edits: outcomes.flatMap((o) => o.markEdits),
    text: `给${where}加底色（红为错误、黄为警告）和以【KJ】开头的批注；原有底色和批注保留，可“清除标记”。`,
  };
}

/** What 导出问题清单 writes: the add-in's own sheet 问题清单, one line per issue. */
export function issueListPlan(wb: WorkbookSnapshot, outcomes: readonly ValidationOutcome[], asOf: DayNumber): WritePlan {
  const issues = outcomes.flatMap((o) => o.issues);
  return {
    edits: issueListEdits(wb, issues, { asOf, sheets: outcomes.map((o) => ({ sheet: o.sheet, rows: o.rows })) }),
    text: `新建（或更新）“${ISSUES_SHEET}”工作表，列出 ${formatCount(issues.length)} 个问题，便于打印。`,
  };
}

export const ISSUE_LIST_SHEET = ISSUES_SHEET;

// ---------------------------------------------------------------- 动态管理

/** The upkeep page's hint: what a suggestion looks at, the certificate's validity from the pool rules pack. */
export function upkeepRulesHint(): string {
  return `按基准日期判断。建议调出只限计划列明的情形：重大安全事故、严重失信、经营异常名录，注销/吊销/迁出。高企证书满 ${POOL_RULES.hitechValidityYears.value} 年、科小当年未重新入库的企业仍可申报，只作提醒。`;
}

export interface FindingReason {
  /** Stable code of the rule (safety_accident, ...): the reason filter groups by it. */
  code: string;
  text: string;
  cite: string;
}

export interface UpkeepItem {
  /** Stable while the ledger is unchanged: sheet, row, code and name. */
  key: string;
  sheet: string;
  row: number;
  name: string;
  uscc: string;
  classification: string;
  reasons: FindingReason[];
}

/** Kept as the old name for callers of the removal functions. */
export type UpkeepSuggestion = UpkeepItem;

/**
 * One list the 动态管理 page shows: 建议调出 (the clerk may remove these), and beside it other
 * lists of the same shape (提醒: the enterprise stays, something is due), each with its own
 * reason filter. A job that reports reminders adds a list here; the page needs no change.
 */
export interface FindingList {
  id: string;
  title: string;
  /** What the list means, one line. */
  description: string;
  /** Shown when the list is empty. */
  emptyText: string;
  /** Rows can be chosen and removed from the pool. */
  removable: boolean;
  items: UpkeepItem[];
}

export interface UpkeepPlanView {
  /** The pool sheets looked at. */
  sheets: { sheet: string; rows: number; suggestColumn: string; reasonColumn: string; reminderColumn: string }[];
  /** Enterprises in the pool sheet(s) looked at. */
  enterprises: number;
  policy: { title: string };
  lists: FindingList[];
  /** Cells that could not be read, so a rule was not decided for that row. */
  unreadable: CellRef[];
  /** Plain-Chinese notes from the job. */
  notes: string[];
  /** No enterprise ledger: sheets that come close, for the empty state. */
  partials: { sheet: string; partial: PartialLedger }[];
  /** Writes 建议调出 / 调出原因 / 提醒 into the add-in's own columns; null when there is no pool ledger. */
  write: WritePlan | null;
}

/** The removal batch to put back. */
export interface UndoToken {
  batchId: string;
  sheet: string;
}

function itemKey(sheet: string, row: number, uscc: string | null, name: string): string {
  return `${sheet}\u0001${row}\u0001${uscc ?? ""}\u0001${name}`;
}

/** The upkeep rules in force on `asOf` for this workbook: the built-in pack, or a successor stored in it. */
export function workbookUpkeepRules(wb: WorkbookSnapshot, asOf: DayNumber): PoolRules {
  return upkeepPackFor(asOf, workbookRegistry(wb).upkeep).rules;
}

/** `rules`: the upkeep pack in force for the workbook (built-in plus those stored in it) unless given. */
export function planUpkeepView(wb: WorkbookSnapshot, asOf: DayNumber, rules: PoolRules = workbookUpkeepRules(wb, asOf)): UpkeepPlanView {
  const { report, edits } = planUpkeep(wb, { asOf }, rules);
  const item = (s: JobSuggestion | UpkeepReminder): UpkeepItem => ({
    key: itemKey(s.sheet, s.row, s.uscc, s.name),
    sheet: s.sheet,
    row: s.row,
    name: s.name,
    uscc: s.uscc ?? "",
    classification: s.class,
    reasons: s.reasons.map((r) => ({ code: r.code, text: r.text, cite: r.cite })),
  });
  const suggestions = report.suggestions.map(item);
  const reminders = report.reminders.map(item);
  const names = new Map(report.suggestions.map((s) => [`${s.sheet}\u0001${s.row}`, s.name]));
  const sheets = report.sheets.map((s) => ({ sheet: s.sheet, rows: s.rows, suggestColumn: s.suggestColumn, reasonColumn: s.reasonColumn, reminderColumn: s.reminderColumn }));
  return {
    sheets,
    enterprises: report.sheets.reduce((n, s) => n + s.rows, 0),
    policy: { title: report.policy },
    lists: [
      {
        id: "suggestions",
        title: "建议调出",
        description: "短时间内不具备申报条件的企业：勾选后可移出培育库（移到“调出记录”，可撤销）。",
        emptyText: "按此基准日期没有需要调出的企业。",
        removable: true,
        items: suggestions,
      },
      {
        id: "reminders",
        title: "提醒",
        description: "仍可申报、正在培育的企业：高企证书到期需重新认定，科小本年度尚未重新评价入库。不是调出原因，不能移出。",
        emptyText: "按此基准日期没有需要提醒的企业。",
        removable: false,
        items: reminders,
      },
    ],
    unreadable: report.issues.map((i) => issueRef(i, names.get(`${i.sheet}\u0001${i.row}`) ? `${names.get(`${i.sheet}\u0001${i.row}`)} · ${i.field}` : i.field)),
    notes: report.notes,
    partials: sheets.length === 0 ? partialLedgers(wb, "enterprise") : [],
    write:
      sheets.length === 0
        ? null
        : {
            edits,
            text:
              sheets
                .map((s) => `在“${s.sheet}”右侧 ${s.suggestColumn}、${s.reasonColumn}、${s.reminderColumn} 三列写入“${SUGGEST_HEADER}”“${REASON_HEADER}”“${REMINDER_HEADER}”`)
                .join("；") + `（${formatCount(suggestions.length)} 家建议调出，${formatCount(reminders.length)} 家提醒；每次写入前清空这三列，台账原有内容不改动）。`,
          },
  };
}

/** Moves the chosen rows (all from one pool sheet) to 调出记录; the archive is written before any row is deleted. */
export function removalEdits(wb: WorkbookSnapshot, chosen: readonly UpkeepItem[], asOf: DayNumber): { edits: Edit[]; undo: UndoToken | null; moved: { row: number; name: string }[]; skipped: string[] } {
  const sheets = new Set(chosen.map((s) => s.sheet));
  if (sheets.size > 1) throw new UserMessage("请一次只移出同一张培育库工作表中的企业。");
  const sheet = chosen[0]?.sheet;
  if (sheet === undefined) return { edits: [], undo: null, moved: [], skipped: [] };
  const { report, edits } = removeFromPool(
    wb,
    { asOf, sheet },
    chosen.map((s) => ({ row: s.row, uscc: s.uscc || null, name: s.name })),
    workbookUpkeepRules(wb, asOf),
  );
  return {
    edits,
    undo: report.batchId ? { batchId: report.batchId, sheet: report.sheet } : null,
    moved: report.removed.map((r) => ({ row: r.row, name: r.name })),
    skipped: report.skipped.map((s) => s.reason),
  };
}

/** Puts a removal batch back; without a token, the latest batch recorded on 调出记录 (also one from an earlier session). */
export function undoRemovalEdits(wb: WorkbookSnapshot, token: UndoToken | null, asOf: DayNumber): { edits: Edit[]; restored: number; notes: string[] } {
  const { report, edits } = undoRemoval(wb, { asOf }, token?.batchId);
  return { edits, restored: report.restored.length, notes: report.notes };
}

/** The first row of 调出记录 holding a batch (its 批次号 in column A), to show the clerk where it went. */
export function archiveRowOf(archive: SheetSnapshot, batchId: string): number | null {
  const colA = 1 - archive.firstCol;
  if (colA < 0) return null;
  const i = archive.values.findIndex((r) => r[colA] === batchId);
  return i < 0 ? null : archive.firstRow + i;
}

export { ARCHIVE_SHEET };

// ---------------------------------------------------------------- 目标完成情况

/** The targets page's hint: stock vs flow indicators, with the latest plan's period from its pack. */
export function targetsCountingHint(plan: { from: DayNumber; to: DayNumber } = planFor()): string {
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
  /** 存量 / 流量 / 每年流量 */
  kindLabel: string;
  /** The plan's clause, as text. */
  cite: string;
  /** How it is counted. */
  countedFrom: string;
  /** Why there is no actual, or what was left out. */
  note: string | null;
}

export interface TargetsView {
  sheet: string;
  asOf: string;
  policy: PolicyView;
  indicators: IndicatorView[];
  /** Ledger kinds the workbook lacks, each with sheets that come close. */
  missing: { kind: LedgerKind; title: string; partials: { sheet: string; partial: PartialLedger }[] }[];
  unreadable: CellRef[];
  /** Null when nothing could be counted at all: then nothing is written. */
  write: WritePlan | null;
}

/** `packs`: the workbook's plan packs (built-in plus those stored in it) unless given. */
export function targetsView(wb: WorkbookSnapshot, asOf: DayNumber, packs: readonly LoadedPlan[] = workbookRegistry(wb).plans): TargetsView {
  const { report, edits } = computeTargets(wb, { asOf }, packs, workbookUpkeepRules(wb, asOf));
  const kinds = (["enterprise", "platform", "talent", "project"] as const).filter((k) => report.missingLedgers.includes(kindDef(k).title));
  const computed = report.indicators.some((i) => i.actual !== null);
  return {
    sheet: TARGETS_SHEET,
    asOf: report.asOf,
    policy: { title: report.policy.title, from: report.policy.from, to: report.policy.to },
    indicators: report.indicators.map((i) => ({
      key: i.key,
      name: i.qualifier ? `${i.name}（${i.qualifier}）` : i.name,
      target: i.target,
      unit: i.unit,
      actual: i.actual,
      completion: i.completion,
      achieved: i.status === "达成" ? true : i.status === "未达成" ? false : null,
      status: i.status,
      kindLabel: i.kindLabel,
      cite: i.cite,
      countedFrom: i.countedFrom,
      note: i.note ?? (i.unreadable > 0 ? `${i.unreadable} 处单元格无法读取，相应行未计入` : null),
    })),
    missing: kinds.map((k) => ({ kind: k, title: kindDef(k).title, partials: partialLedgers(wb, k) })),
    unreadable: report.issues.map((i) => issueRef(i)),
    write: computed
      ? {
          edits,
          text: `新建（或就地更新）“${TARGETS_SHEET}”工作表：${report.indicators.length} 项指标的目标、实际、完成率和分年数（评价日期 ${report.asOf}）；台账不改动。`,
        }
      : null,
  };
}

// ---------------------------------------------------------------- 奖励测算

/** The formula the awards job writes, as its signature from src/fx/spec.ts (never typed by hand here). */
export function awardSignature(): string {
  return signatureZh(fxSpec("AWARD"));
}

/** The award page's hint: the function that computes each amount, generated from its spec. */
export function awardsHint(): string {
  return `每行的奖励金额由公式 ${awardSignature()} 计算（事项、计算依据、认定日期取本行），认定日期决定适用哪一期政策；“${AWARD_SUMMARY_SHEET}”用 SUMIFS 公式汇总，台账改动后自动更新。`;
}

export interface TotalLine {
  key: string;
  label: string;
  /** 万元, exact decimal text. */
  amount: string;
  count: number;
  /** The policy clause and rule, for items. */
  cite?: string;
  rule?: string;
}

export interface AwardsView {
  /** The award ledger sheets; empty when there is none. */
  sheets: { sheet: string; rows: number; amountColumn: string }[];
  summarySheet: string;
  rows: number;
  total: string;
  byYear: TotalLine[];
  byItem: TotalLine[];
  byStatus: TotalLine[];
  /** The policy packs the rows' dates fall in, with how many rows each. */
  policies: (PolicyView & { rows: number })[];
  /** Rows whose date falls in no pack's period. */
  outsidePolicy: number;
  flagged: CellRef[];
  notes: string[];
  partials: { sheet: string; partial: PartialLedger }[];
  /** Null when there is no award ledger or no formula column could be found: nothing to write. */
  write: WritePlan | null;
}

function line(key: string, label: string, t: Total): TotalLine {
  return { key, label, amount: t.amount.toString(), count: t.count };
}

/** `packs`: the workbook's plan packs (built-in plus those stored in it) unless given. */
export function awardsView(wb: WorkbookSnapshot, asOf: DayNumber, packs: readonly LoadedPlan[] = workbookRegistry(wb).plans): AwardsView {
  const { report, edits } = fillAwards(wb, { asOf }, packs);
  const names = new Map(report.rows.map((r) => [`${r.sheet}\u0001${r.row}`, r.name]));
  const t = report.totals;
  const itemOf = (key: string) => {
    for (let i = packs.length - 1; i >= 0; i--) {
      const hit = packs[i].pack.awards.find((a) => a.key === key);
      if (hit) return hit;
    }
    return undefined;
  };
  const perPack = new Map<LoadedPlan, number>();
  let outsidePolicy = 0;
  for (const r of report.rows) {
    if (!r.date) continue;
    const [y, m, d] = r.date.split("-").map(Number);
    const day = dayFromParts(y, m, d);
    const hit = day === null ? undefined : packs.find((p) => day >= p.from && day <= p.to);
    if (hit) perPack.set(hit, (perPack.get(hit) ?? 0) + 1);
    else outsidePolicy++;
  }
  const sheets = report.sheets.map((s) => ({ sheet: s.sheet, rows: s.rows, amountColumn: s.amountColumn }));
  const first = report.sheets[0];
  const write: WritePlan | null =
    report.summarySheet === null || !first
      ? null
      : {
          edits,
          text:
            (report.formulasWritten > 0
              ? `在“${first.sheet}”的 ${first.amountColumn} 列（${AMOUNT_HEADER}）填入 ${formatCount(report.formulasWritten)} 个 KJ.AWARD 公式（已有的不重复填，手工填写的金额不改写）`
              : `“${first.sheet}”的 ${first.amountColumn} 列公式都已填好，不再改动`) +
            `；新建（或更新）“${report.summarySheet}”汇总表；无法测算的单元格加标记。`,
        };
  return {
    sheets,
    summarySheet: report.summarySheet ?? AWARD_SUMMARY_SHEET,
    rows: report.rows.length,
    total: t.total.amount.toString(),
    byYear: Object.keys(t.byYear)
      .sort()
      .map((y) => line(y, /^\d{4}$/.test(y) ? `${y} 年` : y, t.byYear[y])),
    byItem: Object.keys(t.byItem).map((k) => {
      const item = itemOf(k);
      return { ...line(k, t.byItem[k].name, t.byItem[k]), cite: item?.cite, rule: item ? describeAwardRule(item) : undefined };
    }),
    byStatus: Object.keys(t.byStatus).map((k) => line(k, k, t.byStatus[k])),
    policies: packs.filter((p) => perPack.has(p)).map((p) => ({ ...policyOf(p), rows: perPack.get(p) ?? 0 })),
    outsidePolicy,
    flagged: report.issues.map((i) => issueRef(i, names.get(`${i.sheet}\u0001${i.row}`) || i.field)),
    notes: report.notes,
    partials: sheets.length === 0 ? partialLedgers(wb, "award") : [],
    write,
  };
}

// ---------------------------------------------------------------- 研发补助

/** The R&D page's hint: the function each amount comes from, generated from its spec. */
export function rdHint(): string {
  return `每行的补助由公式 ${signatureZh(fxSpec("RDSUBSIDY"))} 计算（方案为 省 或 市，年度取本行），按研发费用的年度选择政策，省级、市级各占一列；“${RD_SUMMARY_SHEET}”用 SUMIFS 按方案、按镇街汇总，台账改动后自动更新。`;
}

export interface RdPolicyLine {
  scheme: RdScheme;
  /** 省级研发补助 / 市级研发补助 */
  name: string;
  /** Null when no pack covers the year: `missing` says so. */
  title: string | null;
  docNo: string;
  years: string;
  provisional: boolean;
  missing: string | null;
}

export interface RdSchemeResult {
  /** 万元 as exact decimal text; null when it cannot be computed (or no pack). */
  amount: string | null;
  eligible: boolean | null;
  why: string;
  provisional: boolean;
  /** formula / typed: computed or typed in the ledger; none: no pack for the year (nothing written). */
  source: RdCell["source"];
}

export interface RdLine {
  key: string;
  sheet: string;
  row: number;
  name: string;
  town: string;
  province: RdSchemeResult;
  city: RdSchemeResult;
  /** granted: some subsidy; unknown: a scheme cannot be computed; none: no subsidy. */
  status: "granted" | "unknown" | "none";
}

export interface RdTotalView {
  rows: number;
  granted: number;
  unknown: number;
  amount: string;
}

export interface RdView {
  year: number;
  sheets: { sheet: string; rows: number; otherYears: number; columns: Record<RdScheme, string> }[];
  summarySheet: string;
  policies: RdPolicyLine[];
  totals: Record<RdScheme, RdTotalView> & { both: string };
  byTown: { town: string; rows: number; province: RdTotalView; city: RdTotalView }[];
  lines: RdLine[];
  flagged: CellRef[];
  notes: string[];
  partials: { sheet: string; partial: PartialLedger }[];
  /** Null when there is no R&D ledger, or no scheme has a pack for the year: nothing to write. */
  write: WritePlan | null;
}

function rdTotalView(t: RdTotal): RdTotalView {
  return { rows: t.rows, granted: t.granted, unknown: t.unknown, amount: t.amount.toString() };
}

function rdResult(c: RdCell): RdSchemeResult {
  return { amount: c.amount === null ? null : c.amount.toString(), eligible: c.eligible, why: c.why, provisional: c.provisional, source: c.source };
}

/**
 * The 研发补助 page's preview for a data year: both schemes' totals, by town, every row of the
 * year with its two amounts and reasons, the cells to finish, and what 写入工作簿 writes. The
 * policy packs are the workbook's (built-in plus stored), as the formulas use them.
 */
export function rdView(wb: WorkbookSnapshot, asOf: DayNumber, year: number): RdView {
  const registry = workbookRegistry(wb);
  const { report, edits } = fillRdSubsidies(wb, { asOf, year }, registry.rdPacks);
  const names = new Map(report.rows.map((r) => [`${r.sheet}\u0001${r.row}`, r.name]));
  const sheets = report.sheets.map((s) => ({ sheet: s.sheet, rows: s.rows, otherYears: s.otherYears, columns: s.columns }));
  const first = report.sheets[0];
  const anyPolicy = report.policies.province !== null || report.policies.city !== null;
  const schemesWritten = SCHEMES.filter((s) => report.policies[s]).map((s) => RD_HEADERS[s]);
  const write: WritePlan | null =
    !first || !anyPolicy || report.summarySheet === null
      ? null
      : {
          edits,
          text:
            (report.formulasWritten > 0
              ? `在“${first.sheet}”的 ${SCHEMES.filter((s) => report.policies[s]).map((s) => first.columns[s]).join("、")} 列（${schemesWritten.join("、")}）为 ${year} 年度的 ${formatCount(first.rows)} 行填入 ${formatCount(report.formulasWritten)} 个 KJ.RDSUBSIDY 公式（已有的不重复填，手工填写的金额不改写，其他年度的行不动）`
              : `“${first.sheet}”的研发补助公式都已填好，不再改动`) + `；新建（或更新）“${report.summarySheet}”汇总表；无法计算的单元格加标记。`,
        };
  return {
    year,
    sheets,
    summarySheet: report.summarySheet ?? RD_SUMMARY_SHEET,
    policies: SCHEMES.map((s) => {
      const p = report.policies[s];
      return { scheme: s, name: RD_SCHEME_NAMES[s], title: p?.title ?? null, docNo: p?.docNo ?? "", years: p?.years ?? "", provisional: p?.provisional ?? false, missing: report.noPolicy[s] ?? null };
    }),
    totals: { province: rdTotalView(report.totals.province), city: rdTotalView(report.totals.city), both: report.totals.province.amount.plus(report.totals.city.amount).toString() },
    byTown: report.byTown.map((t) => ({ town: t.town, rows: t.rows, province: rdTotalView(t.province), city: rdTotalView(t.city) })),
    lines: report.rows.map((r) => {
      const unknown = (c: RdCell) => c.source !== "none" && c.amount === null;
      const granted = (c: RdCell) => c.amount !== null && c.amount.gt(0);
      return {
        key: `${r.sheet}\u0001${r.row}`,
        sheet: r.sheet,
        row: r.row,
        name: r.name,
        town: r.town,
        province: rdResult(r.province),
        city: rdResult(r.city),
        status: unknown(r.province) || unknown(r.city) ? "unknown" : granted(r.province) || granted(r.city) ? "granted" : "none",
      };
    }),
    flagged: report.issues.map((i) => issueRef(i, names.get(`${i.sheet}\u0001${i.row}`) ? `${names.get(`${i.sheet}\u0001${i.row}`)} · ${i.field}` : i.field)),
    notes: report.notes,
    partials: sheets.length === 0 ? partialLedgers(wb, "rd") : [],
    write,
  };
}

// ---------------------------------------------------------------- 政策

/** One pack as the 政策 page lists it. */
export interface PackLine {
  id: string;
  kindName: string;
  title: string;
  period: string;
  provisional: boolean;
  issuer: string;
  source: string;
  note: string | null;
  /** 内置, or 本工作簿（载入自 x.json，2026-12-01） */
  origin: string;
  /** Only packs stored in the workbook can be removed from it. */
  stored: boolean;
}

export interface PolicyPageView {
  asOf: string;
  /** Packs the workbook's dates use, then the others. */
  inUse: PackLine[];
  others: PackLine[];
  /** Dates of the workbook no pack covers. */
  uncovered: string[];
  /** Stored packs that cannot be used, and why. */
  problems: string[];
  /** The registry the workbook's functions compute with (built-in plus the usable stored packs). */
  registry: PolicyRegistry;
  counts: { builtin: number; stored: number };
}

function packLine(p: LoadedPack, stored: Map<string, StoredPackText>): PackLine {
  const entry = p.origin.type === "workbook" ? stored.get(p.id) : undefined;
  const origin = p.origin.type === "builtin" ? "内置" : entry ? `本工作簿（载入自 ${entry.loadedFrom || "文件"}，${entry.loadedOn || "日期不详"}）` : "本工作簿";
  return {
    id: p.id,
    kindName: p.kindName,
    title: p.title,
    period: periodText(p),
    provisional: p.provisional,
    issuer: p.issuer,
    source: p.source,
    note: p.note,
    origin,
    stored: p.origin.type === "workbook",
  };
}

/**
 * The 政策 page: the packs the workbook uses (built-in and stored in it) for its dates (the award
 * ledgers' 认定日期 and `asOf`), the dates no pack covers, and the stored packs that cannot be used.
 */
export function policyPageView(wb: WorkbookSnapshot, asOf: DayNumber): PolicyPageView {
  const { packs, problems } = storedPacks(wb, "", true);
  let registry: PolicyRegistry;
  try {
    registry = buildRegistry(packs);
  } catch (e) {
    if (!isKjError(e)) throw e;
    problems.push(e.message);
    registry = BUILTIN_POLICIES;
  }
  const entries = new Map(readStoredTexts(wb).entries.map((e) => [e.id, e]));
  const c = policyCoverage(wb, registry, asOf);
  return {
    asOf: c.asOf,
    inUse: c.inUse.map((p) => packLine(p, entries)),
    others: c.others.map((p) => packLine(p, entries)),
    uncovered: c.uncovered,
    problems,
    registry,
    counts: { builtin: registry.packs.filter((p) => p.origin.type === "builtin").length, stored: registry.packs.filter((p) => p.origin.type === "workbook").length },
  };
}

/** A pack file the clerk chose, checked: the pack, or every problem with its field path and line. */
export type ChosenPack = { ok: true; file: string; pack: LoadedPack; summary: string[] } | { ok: false; file: string; problems: string[] };

/** Checks a chosen file's text as `kj policy check` does (nothing is written). */
export function checkChosenPack(text: string, file: string): ChosenPack {
  try {
    const pack = loadPackText(text, { type: "file", name: file });
    const summary = [`${pack.kindName}：${pack.title}`, `有效期：${periodText(pack)}${pack.provisional ? "（暂定）" : ""}`, `发文单位：${pack.issuer || "—"}`, `出处：${pack.source}`];
    if (pack.plan) summary.push(`${pack.plan.pack.awards.length} 项奖励、${pack.plan.pack.targets.length} 项目标`);
    if (pack.rules) summary.push(`${pack.rules.conditions.length} 项条件`);
    if (pack.upkeep) summary.push(`${pack.upkeep.rules.reasons.length} 项调出原因、${pack.upkeep.rules.reminders.length} 项提醒`);
    if (pack.note) summary.push(`备注：${pack.note}`);
    return { ok: true, file, pack, summary };
  } catch (e) {
    if (e instanceof PackError) return { ok: false, file, problems: e.problems.map(problemText) };
    if (isKjError(e)) return { ok: false, file, problems: [e.message] };
    throw e;
  }
}

/** Storing a chosen pack: the edits, what they do in words, and the registry the workbook will have. */
export function storePackPlan(wb: WorkbookSnapshot, pack: LoadedPack, file: string, today: DayNumber): WritePlan & { registry: PolicyRegistry } {
  const r = storePacksEdits(wb, [pack], today, [file]);
  const replaced = r.replaced.length ? `，替换本工作簿中原来编号相同的政策包（载入自 ${r.replaced[0].loadedFrom || "文件"}）` : "";
  return {
    edits: r.edits,
    registry: r.registry,
    text: `把政策包“${pack.id}”（${pack.kindName}，${periodText(pack)}）保存到本工作簿隐藏的“${POLICY_SHEET}”表${replaced}；保存后公式按新的政策重算，台账不改动。`,
  };
}

/** Removing a stored pack: the edits, the removed pack (to put back on undo) and the registry afterwards. */
export function removePackPlan(wb: WorkbookSnapshot, id: string): { edits: Edit[]; removed: LoadedPack[]; loadedFrom: string[]; registry: PolicyRegistry } {
  const entries = readStoredTexts(wb).entries.filter((e) => e.id === id);
  const r = removeStoredPackEdits(wb, id);
  return { edits: r.edits, removed: r.removed, loadedFrom: entries.map((e) => e.loadedFrom), registry: r.registry };
}

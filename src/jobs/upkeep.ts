/**
 * Pool upkeep — 动态管理 (计划 二（一）3, DOMAIN §6). For an as-of date: classify each
 * enterprise of 企业培育库 (新引进/新注册/入库/已认定), suggest removal (建议调出) only for the
 * plan's causes (重大安全事故, 严重失信行为, 经营异常名录) and for 注销/吊销/迁出, with every cause
 * that applies, and list reminders (提醒: 高企 certificate expired, 科小 not re-registered this
 * year), which are never removals; move chosen rows to the 调出记录 sheet (archive first, then delete);
 * undo a removal by putting the archived rows back where they were.
 *
 * The 调出记录 sheet (the add-in's own): row 1 is the header
 *   批次号 | 状态 | 来源表 | 原行号 | 调出日期 | 调出原因 | 撤销日期 | <the ledger's columns from A>
 * and each removed row is one line below it, the ledger's column c at column 7 + c with the
 * cell's formats and note (the user's own: KJ's marks on the row are cleared first). Undo puts
 * values, formats and notes back and does not delete archive lines: it sets 状态 to 已撤销 and
 * fills 撤销日期, so the record of what happened stays.
 */
import { DayNumber, formatDay, yearOf, addYears } from "../dates";
import { KjError } from "../errors";
import { CellValue, isBlankCell, readText } from "../ledger/cells";
import { Edit, FormatCopy, SheetSnapshot, WorkbookSnapshot } from "../host/port";
import { columnLetter, lookupKey } from "../text";
import {
  cellAt,
  cellIssue,
  columnByHeader,
  dataRows,
  findLedgers,
  Ledger,
  lastUsedRow,
  ledgerOf,
  readAt,
  sheetNamed,
} from "./ledgers";
import { hitechExpiry, hitechValidOn, POOL_RULES, PoolRules, reasonText, ReminderCode, RemovalCode, smeRegistrationCurrent } from "./pool-rules";
import { Issue, JobOptions, JobResult } from "./types";

export const POOL_CLASSES = ["新引进企业", "新注册企业", "入库企业", "已认定企业"] as const;
export type EnterpriseClass = (typeof POOL_CLASSES)[number];

/** Headers of the add-in's own columns on the ledger. */
export const SUGGEST_HEADER = "建议调出";
export const REASON_HEADER = "调出原因";
export const REMINDER_HEADER = "提醒";
export const SUGGEST_YES = "是";

export const ARCHIVE_SHEET = "调出记录";
export const ARCHIVE_META = ["批次号", "状态", "来源表", "原行号", "调出日期", "调出原因", "撤销日期"] as const;
export const ARCHIVE_REMOVED = "已调出";
export const ARCHIVE_UNDONE = "已撤销";
/** Reason written for a row the clerk removed though no rule applies to it. */
export const MANUAL_REASON = "工作人员选择调出（未命中自动调出条件）";

export interface RemovalReason {
  code: RemovalCode;
  text: string;
  cite: string;
}

/** Not a removal: something to do so the enterprise stays recognised (需重新认定, 重新评价入库). */
export interface Reminder {
  code: ReminderCode;
  text: string;
  cite: string;
}

/** A row with reminders (same shape as a suggestion; reasons are the reminders). */
export interface UpkeepReminder {
  sheet: string;
  /** 1-based sheet row. */
  row: number;
  name: string;
  uscc: string | null;
  class: EnterpriseClass;
  classSource: "填写" | "推断";
  reasons: Reminder[];
}

export interface UpkeepSuggestion {
  sheet: string;
  /** 1-based sheet row. */
  row: number;
  name: string;
  uscc: string | null;
  class: EnterpriseClass;
  /** 填写: taken from 企业分类; 推断: derived from the row. */
  classSource: "填写" | "推断";
  reasons: RemovalReason[];
}

export interface UpkeepSheet {
  sheet: string;
  headerRow: number;
  /** Non-blank data rows looked at. */
  rows: number;
  /** Sheet columns of the add-in's 建议调出 / 调出原因 / 提醒 columns (existing or to be added). */
  suggestColumn: string;
  reasonColumn: string;
  reminderColumn: string;
}

export interface UpkeepReport {
  /** YYYY-MM-DD */
  asOf: string;
  policy: string;
  sheets: UpkeepSheet[];
  classes: Record<EnterpriseClass, number>;
  suggestions: UpkeepSuggestion[];
  /**
   * Rows with reminders and no removal cause: 高企 certificate past its years (需重新认定), 科小
   * registration of an earlier year (本年度尚未重新评价入库). Never removals (DOMAIN §6).
   */
  reminders: UpkeepReminder[];
  /** Cells that could not be read, so a rule could not be decided for that row. */
  issues: Issue[];
  /** Plain-Chinese notes, e.g. no enterprise ledger found. */
  notes: string[];
}

export interface RowAssessment {
  class: EnterpriseClass;
  classSource: "填写" | "推断";
  /** Removal causes (the plan's only). */
  reasons: RemovalReason[];
  reminders: Reminder[];
  issues: Issue[];
}

function reason(code: RemovalCode, vars: Record<string, string | number>, rules: PoolRules): RemovalReason | null {
  const t = reasonText(code, vars, rules);
  return t && { code, ...t };
}

function reminder(code: ReminderCode, vars: Record<string, string | number>, rules: PoolRules): Reminder | null {
  const t = reasonText(code, vars, rules);
  return t && { code, ...t };
}

/**
 * Classifies one enterprise row, lists every removal cause that applies on `asOf` (only the
 * plan's: the pack's `reasons`) and every reminder (the pack's `reminders`: a 高企 certificate
 * past its years, a 科小 registration of an earlier year — the enterprise can still apply).
 * A row given as 已认定企业 whose only recognition has lapsed is classified 入库企业.
 * Example: a row in the 高企 pool recognised 2021-12-01 gets the reminder hitech_expired on 2024-12-01.
 */
export function assessEnterprise(l: Ledger, row: number, asOf: DayNumber, rules: PoolRules = POOL_RULES): RowAssessment {
  const issues: Issue[] = [];
  const reasons: RemovalReason[] = [];
  const reminders: Reminder[] = [];
  const year = yearOf(asOf);
  const unreadable = (field: string, what: string, message: string) =>
    issues.push(cellIssue(l, row, field, "warning", `${message}；${what}未判断`));
  const add = <T>(list: T[], x: T | null) => {
    if (x) list.push(x);
  };

  for (const cause of rules.reasons) {
    if (cause.code === "business_closed") {
      const state = readAt(l, row, cause.field);
      const closed = rules.closedBusinessStates.value;
      if (state.status === "ok" && closed.includes(String(state.value))) {
        add(reasons, reason(cause.code, { state: String(state.value) }, rules));
      } else if (state.status === "invalid") {
        // Free text such as "已于2023年注销": look for the state word itself.
        const t = readText(cellAt(l.sheet, row, l.mapping.columns[cause.field]));
        const hit = t.status === "ok" ? closed.find((x) => t.value.includes(x)) : undefined;
        if (hit) add(reasons, reason(cause.code, { state: hit }, rules));
      }
      continue;
    }
    // The plan's three are negative-list flags: a blank cell or a missing column means no record (DOMAIN §8).
    const r = readAt(l, row, cause.field);
    if (r.status === "ok" && r.value === true) add(reasons, reason(cause.code, {}, rules));
    else if (r.status === "invalid") unreadable(cause.field, "此项调出条件", r.message);
  }

  const cats = readAt(l, row, "categories");
  const categories = cats.status === "ok" ? (cats.value as string[]) : [];
  if (cats.status === "invalid") unreadable("categories", "高企证书到期、科小重新入库两项提醒", cats.message);
  const reminds = new Set(rules.reminders.map((r) => r.code));

  const hitech = readAt(l, row, "hitechDate");
  if (hitech.status === "invalid") unreadable("hitechDate", "高企证书是否到期", hitech.message);
  const hitechDay = hitech.status === "ok" ? (hitech.value as number) : null;
  if (reminds.has("hitech_expired") && hitechDay !== null && categories.includes("高新技术企业") && hitechExpiry(hitechDay, rules) <= asOf) {
    const years = rules.hitechValidityYears.value;
    add(reminders, reminder("hitech_expired", { date: formatDay(hitechDay), years, end: formatDay(hitechExpiry(hitechDay, rules)) }, rules));
  }

  const sme = readAt(l, row, "smeYear");
  if (sme.status === "invalid") unreadable("smeYear", "科小是否已重新评价入库", sme.message);
  const smeYear = sme.status === "ok" ? (sme.value as number) : null;
  if (reminds.has("sme_not_renewed") && smeYear !== null && categories.includes("科技型中小企业") && smeYear < year && !smeRegistrationCurrent(smeYear, year, rules)) {
    add(reminders, reminder("sme_not_renewed", { year, last: smeYear }, rules));
  }

  const giant = readAt(l, row, "giantDate");
  const revoked = readAt(l, row, "giantRevoked");
  const giantValid = giant.status === "ok" && (giant.value as number) <= asOf && !(revoked.status === "ok" && revoked.value === true);
  const recognised =
    (hitechDay !== null && hitechValidOn(hitechDay, asOf, rules)) || giantValid || (smeYear !== null && smeRegistrationCurrent(smeYear, year, rules));

  const given = readAt(l, row, "classification");
  if (given.status === "ok") {
    // 已认定 whose recognition lapsed (a reminder says which): 入库企业 until recognised again.
    if (given.value === "已认定企业" && !recognised && reminders.length > 0) return { class: "入库企业", classSource: "推断", reasons, reminders, issues };
    return { class: given.value as EnterpriseClass, classSource: "填写", reasons, reminders, issues };
  }
  if (recognised) return { class: "已认定企业", classSource: "推断", reasons, reminders, issues };
  const reg = readAt(l, row, "registeredOn");
  if (reg.status === "ok") {
    const on = reg.value as number;
    if (on <= asOf && addYears(on, rules.newRegistrationYears.value) > asOf) return { class: "新注册企业", classSource: "推断", reasons, reminders, issues };
  }
  return { class: "入库企业", classSource: "推断", reasons, reminders, issues };
}

function textOf(l: Ledger, row: number, field: string): string {
  const r = readAt(l, row, field);
  if (r.status === "ok") return String(r.value);
  const col = l.mapping.columns[field];
  const t = col ? readText(cellAt(l.sheet, row, col)) : { status: "blank" as const };
  return t.status === "ok" ? t.value : "";
}

/** The code as typed (normalised), even when its check character is wrong; null when blank. */
function codeOf(l: Ledger, row: number): string | null {
  const s = textOf(l, row, "uscc");
  return s === "" ? null : lookupKey(s);
}

/** The last column holding anything, not counting the add-in's own columns. */
function lastUserCol(sheet: SheetSnapshot, own: readonly (number | undefined)[]): number {
  let last = 0;
  sheet.values.forEach((r) => {
    if (!r) return;
    for (let j = r.length - 1; j >= 0; j--) {
      const col = sheet.firstCol + j;
      if (own.includes(col)) continue;
      if (!isBlankCell(r[j])) {
        last = Math.max(last, col);
        break;
      }
    }
  });
  return last;
}

interface OwnColumns {
  suggest: number;
  reason: number;
  reminder: number;
  /** Last column of the user's own data. */
  userLast: number;
}

/** The add-in's three columns: found by their header text, else the next free columns to the right. */
function ownColumns(l: Ledger): OwnColumns {
  const h = l.mapping.headerRow;
  let suggest = columnByHeader(l.sheet, h, SUGGEST_HEADER);
  let reasonCol = columnByHeader(l.sheet, h, REASON_HEADER);
  let reminder = columnByHeader(l.sheet, h, REMINDER_HEADER);
  const userLast = lastUserCol(l.sheet, [suggest, reasonCol, reminder]);
  if (suggest === undefined) suggest = Math.max(userLast, reasonCol ?? 0, reminder ?? 0) + 1;
  if (reasonCol === undefined) reasonCol = Math.max(userLast, suggest, reminder ?? 0) + 1;
  if (reminder === undefined) reminder = Math.max(userLast, suggest, reasonCol) + 1;
  return { suggest, reason: reasonCol, reminder, userLast };
}

function emptyClasses(): Record<EnterpriseClass, number> {
  return { 新引进企业: 0, 新注册企业: 0, 入库企业: 0, 已认定企业: 0 };
}

function enterpriseLedgers(snapshot: WorkbookSnapshot, opts: JobOptions): Ledger[] {
  return findLedgers(snapshot, "enterprise", opts.sheet);
}

/**
 * Classifies every enterprise, suggests removals (the plan's causes only) and lists reminders;
 * the edits write 建议调出 / 调出原因 / 提醒 into the add-in's own three columns to the right of
 * the ledger (found again by header on a re-run, so running twice writes the same cells with the
 * same values).
 */
export function planUpkeep(snapshot: WorkbookSnapshot, opts: JobOptions, rules: PoolRules = POOL_RULES): JobResult<UpkeepReport> {
  const report: UpkeepReport = { asOf: formatDay(opts.asOf), policy: rules.title, sheets: [], classes: emptyClasses(), suggestions: [], reminders: [], issues: [], notes: [] };
  const edits: Edit[] = [];
  const ledgers = enterpriseLedgers(snapshot, opts);
  if (ledgers.length === 0) {
    report.notes.push(opts.sheet ? `工作表“${opts.sheet}”不是企业培育库台账` : "未找到企业培育库台账（表头应含 企业名称、统一社会信用代码、培育类别 等列）");
  }
  for (const l of ledgers) {
    const own = ownColumns(l);
    const rows = dataRows(l);
    const h = l.mapping.headerRow;
    const last = Math.max(h, lastUsedRow(l.sheet));
    const suggestCells: CellValue[][] = [[SUGGEST_HEADER]];
    const reasonCells: CellValue[][] = [[REASON_HEADER]];
    const reminderCells: CellValue[][] = [[REMINDER_HEADER]];
    const byRow = new Map<number, RowAssessment>();
    for (const { row } of rows) byRow.set(row, assessEnterprise(l, row, opts.asOf, rules));
    for (let row = h + 1; row <= last; row++) {
      const a = byRow.get(row);
      const suggested = a !== undefined && a.reasons.length > 0;
      // A row suggested for removal gets no reminder: the removal is what to decide on.
      const reminded = a !== undefined && !suggested && a.reminders.length > 0;
      suggestCells.push([suggested ? SUGGEST_YES : null]);
      reasonCells.push([suggested ? a.reasons.map((r) => r.text).join("；") : null]);
      reminderCells.push([reminded ? a.reminders.map((r) => r.text).join("；") : null]);
      if (!a) continue;
      report.classes[a.class]++;
      report.issues.push(...a.issues);
      if (suggested) {
        report.suggestions.push({ sheet: l.sheet.name, row, name: textOf(l, row, "name"), uscc: codeOf(l, row), class: a.class, classSource: a.classSource, reasons: a.reasons });
      }
      if (reminded) {
        report.reminders.push({ sheet: l.sheet.name, row, name: textOf(l, row, "name"), uscc: codeOf(l, row), class: a.class, classSource: a.classSource, reasons: a.reminders });
      }
    }
    report.sheets.push({
      sheet: l.sheet.name,
      headerRow: h,
      rows: rows.length,
      suggestColumn: columnLetter(own.suggest),
      reasonColumn: columnLetter(own.reason),
      reminderColumn: columnLetter(own.reminder),
    });
    const name = l.sheet.name;
    edits.push(
      { type: "clearRange", sheet: name, row: h, col: own.suggest, rows: last - h + 1, cols: 1 },
      { type: "clearRange", sheet: name, row: h, col: own.reason, rows: last - h + 1, cols: 1 },
      { type: "setValues", sheet: name, row: h, col: own.suggest, values: suggestCells },
      { type: "clearRange", sheet: name, row: h, col: own.reminder, rows: last - h + 1, cols: 1 },
      { type: "setValues", sheet: name, row: h, col: own.reason, values: reasonCells },
      { type: "setValues", sheet: name, row: h, col: own.reminder, values: reminderCells },
      { type: "bold", sheet: name, row: h, col: own.suggest, rows: 1, cols: 1 },
      { type: "bold", sheet: name, row: h, col: own.reason, rows: 1, cols: 1 },
      { type: "bold", sheet: name, row: h, col: own.reminder, rows: 1, cols: 1 },
    );
  }
  return { report, edits };
}

// ---------------------------------------------------------------- removal and undo

/** A row to remove: its sheet row, and (better) who is on it, so a stale row number is caught. */
export interface RowRef {
  row: number;
  uscc?: string | null;
  name?: string;
}

export interface RemovedRow {
  row: number;
  name: string;
  uscc: string | null;
  reasons: string;
}

export interface RemovalReport {
  /** Null when nothing was removed. */
  batchId: string | null;
  sheet: string;
  removed: RemovedRow[];
  skipped: { row: number; reason: string }[];
}

interface ArchiveRecord {
  /** 1-based row on 调出记录. */
  archiveRow: number;
  batchId: string;
  state: string;
  source: string;
  originalRow: number;
  cells: CellValue[];
}

interface Archive {
  sheet: SheetSnapshot | undefined;
  /** Width of the copied-columns part of the header. */
  copyWidth: number;
  records: ArchiveRecord[];
  lastRow: number;
}

function readArchive(snapshot: WorkbookSnapshot): Archive {
  const sheet = sheetNamed(snapshot, ARCHIVE_SHEET);
  if (!sheet || lastUsedRow(sheet) === 0) return { sheet, copyWidth: 0, records: [], lastRow: 0 };
  const header = ARCHIVE_META.map((_, j) => cellAt(sheet, 1, j + 1));
  if (!ARCHIVE_META.every((m, j) => typeof header[j] === "string" && (header[j] as string).trim() === m)) {
    throw new KjError(
      "archive_unrecognised",
      `工作表“${ARCHIVE_SHEET}”的第 1 行不是本工具写的表头（应为 ${ARCHIVE_META.join("、")} …），为免覆盖，请把该表改名后重试`,
    );
  }
  const lastCol = Math.max(ARCHIVE_META.length, sheet.firstCol + Math.max(0, ...sheet.values.map((r) => (r ? r.length : 0))) - 1);
  let copyWidth = 0;
  for (let c = ARCHIVE_META.length + 1; c <= lastCol; c++) if (!isBlankCell(cellAt(sheet, 1, c))) copyWidth = c - ARCHIVE_META.length;
  const last = lastUsedRow(sheet);
  const records: ArchiveRecord[] = [];
  for (let r = 2; r <= last; r++) {
    const batch = cellAt(sheet, r, 1);
    if (isBlankCell(batch)) continue;
    const originalRow = Number(cellAt(sheet, r, 4));
    if (!Number.isInteger(originalRow) || originalRow < 1) continue;
    const cells: CellValue[] = [];
    for (let c = ARCHIVE_META.length + 1; c <= lastCol; c++) cells.push(cellAt(sheet, r, c));
    while (cells.length > 0 && isBlankCell(cells[cells.length - 1])) cells.pop();
    records.push({
      archiveRow: r,
      batchId: String(batch).trim(),
      state: String(cellAt(sheet, r, 2) ?? "").trim(),
      source: String(cellAt(sheet, r, 3) ?? "").trim(),
      originalRow,
      cells,
    });
  }
  return { sheet, copyWidth, records, lastRow: last };
}

/** "20250101-01": the as-of date and a sequence number that is new in this archive. */
function nextBatchId(archive: Archive, asOf: DayNumber): string {
  const day = formatDay(asOf).replace(/-/g, "");
  let max = 0;
  for (const r of archive.records) {
    const m = /^(\d{8})-(\d+)$/.exec(r.batchId);
    if (m && m[1] === day) max = Math.max(max, Number(m[2]));
  }
  return `${day}-${String(max + 1).padStart(2, "0")}`;
}

function sameCode(a: string | null | undefined, b: string | null): boolean {
  return a !== undefined && a !== null && a !== "" && b !== null && lookupKey(a) === b;
}

/** Finds the ledger row a reference means now: the given row if it still holds that firm, else where that firm moved. */
function resolveRef(l: Ledger, ref: number | RowRef, rows: readonly number[]): number | null {
  const rowSet = new Set(rows);
  if (typeof ref === "number") return rowSet.has(ref) ? ref : null;
  const identified = (ref.uscc !== undefined && ref.uscc !== null && ref.uscc !== "") || (ref.name !== undefined && ref.name !== "");
  const matches = (row: number) =>
    ref.uscc !== undefined && ref.uscc !== null && ref.uscc !== "" ? sameCode(ref.uscc, codeOf(l, row)) : textOf(l, row, "name") === (ref.name ?? "").trim();
  if (!identified) return rowSet.has(ref.row) ? ref.row : null;
  if (rowSet.has(ref.row) && matches(ref.row)) return ref.row;
  return rows.find(matches) ?? null;
}

function pickLedger(snapshot: WorkbookSnapshot, opts: JobOptions): Ledger {
  const ledgers = enterpriseLedgers(snapshot, opts);
  if (ledgers.length === 0) {
    throw new KjError("no_ledger", opts.sheet ? `工作表“${opts.sheet}”不是企业培育库台账` : "未找到企业培育库台账");
  }
  return ledgers[0];
}

/** Where a ledger column sits on 调出记录: after the archive's own columns. */
export const ARCHIVE_COLUMN_OFFSET = ARCHIVE_META.length;

/**
 * Format copies for rows that move as a group: `pairs` (source row -> target row, in order) are
 * merged into one block wherever both sides continue on consecutive rows.
 */
function rowBlocks(fromSheet: string, fromCol: number, toCol: number, cols: number, pairs: readonly { from: number; to: number }[]): FormatCopy[] {
  const blocks: FormatCopy[] = [];
  for (const p of pairs) {
    const last = blocks[blocks.length - 1];
    if (last && last.from.row + last.from.rows === p.from && last.row + last.from.rows === p.to) last.from.rows++;
    else blocks.push({ from: { sheet: fromSheet, row: p.from, col: fromCol, rows: 1, cols }, row: p.to, col: toCol });
  }
  return cols > 0 ? blocks : [];
}

/**
 * Moves rows of 企业培育库 to 调出记录. The edits first write the archive (ensureSheet, header,
 * rows with 批次号, 状态 已调出, 来源表, 原行号, 调出日期, 调出原因 and every user column with its
 * formats and notes), and only then delete the rows from the ledger, so a host that fails on the
 * archive never deletes. KJ's validation marks on those rows are cleared before the copy, so the
 * archive keeps the user's own fill and note (and the mark registry keeps no row that moved).
 * Rows that are no longer in the ledger (already removed) are skipped: running twice is a no-op.
 */
export function removeFromPool(
  snapshot: WorkbookSnapshot,
  opts: JobOptions,
  rows: readonly (number | RowRef)[],
  rules: PoolRules = POOL_RULES,
): JobResult<RemovalReport> {
  const l = pickLedger(snapshot, opts);
  const sheetName = l.sheet.name;
  const all = dataRows(l).map((r) => r.row);
  const chosen = new Set<number>();
  const skipped: { row: number; reason: string }[] = [];
  for (const ref of rows) {
    const row = resolveRef(l, ref, all);
    const at = typeof ref === "number" ? ref : ref.row;
    if (row === null) skipped.push({ row: at, reason: `第 ${at} 行已不在“${sheetName}”中（可能已经调出），未作处理` });
    else chosen.add(row);
  }
  const report: RemovalReport = { batchId: null, sheet: sheetName, removed: [], skipped };
  if (chosen.size === 0) return { report, edits: [] };

  const archive = readArchive(snapshot);
  const batchId = nextBatchId(archive, opts.asOf);
  const own = ownColumns(l);
  const width = own.userLast;
  const edits: Edit[] = [{ type: "ensureSheet", sheet: ARCHIVE_SHEET }];
  const labels: string[] = [];
  for (let c = 1; c <= width; c++) {
    const t = readText(cellAt(l.sheet, l.mapping.headerRow, c));
    labels.push(t.status === "ok" ? t.value : `第${columnLetter(c)}列`);
  }
  if (archive.records.length === 0 && archive.lastRow === 0) {
    edits.push({ type: "setValues", sheet: ARCHIVE_SHEET, row: 1, col: 1, values: [[...ARCHIVE_META, ...labels]] });
    edits.push({ type: "bold", sheet: ARCHIVE_SHEET, row: 1, col: 1, rows: 1, cols: ARCHIVE_META.length + labels.length });
  } else if (labels.length > archive.copyWidth) {
    // Label the extra columns only; existing header cells stay as they are.
    edits.push({ type: "setValues", sheet: ARCHIVE_SHEET, row: 1, col: ARCHIVE_META.length + archive.copyWidth + 1, values: [labels.slice(archive.copyWidth)] });
  }
  const ordered = [...chosen].sort((a, b) => a - b);
  const lines: CellValue[][] = [];
  for (const row of ordered) {
    const a = assessEnterprise(l, row, opts.asOf, rules);
    const why = a.reasons.length > 0 ? a.reasons.map((r) => r.text).join("；") : MANUAL_REASON;
    const cells: CellValue[] = [];
    for (let c = 1; c <= width; c++) cells.push(cellAt(l.sheet, row, c));
    lines.push([batchId, ARCHIVE_REMOVED, sheetName, row, formatDay(opts.asOf), why, null, ...cells]);
    report.removed.push({ row, name: textOf(l, row, "name"), uscc: codeOf(l, row), reasons: why });
  }
  const firstLine = Math.max(2, archive.lastRow + 1);
  const copies = rowBlocks(sheetName, 1, ARCHIVE_COLUMN_OFFSET + 1, width, ordered.map((row, i) => ({ from: row, to: firstLine + i })));
  edits.push({ type: "clearMarks", sheet: sheetName, rows: ordered });
  // Formats before values: the values then give text cells the text format on every host.
  if (copies.length > 0) edits.push({ type: "copyFormats", sheet: ARCHIVE_SHEET, blocks: copies });
  edits.push({ type: "setValues", sheet: ARCHIVE_SHEET, row: firstLine, col: 1, values: lines });
  edits.push({ type: "deleteRows", sheet: sheetName, rows: ordered });
  report.batchId = batchId;
  return { report, edits };
}

export interface UndoReport {
  /** The batch looked at; null when the archive holds none. */
  batchId: string | null;
  restored: { sheet: string; row: number; name: string }[];
  /** Lines of the batch that were already undone or whose row is already back in the ledger. */
  alreadyDone: number;
  notes: string[];
}

function comparable(v: CellValue): string {
  if (isBlankCell(v)) return "";
  if (v instanceof Date) return "d" + v.getTime();
  if (typeof v === "object" && v !== null && "error" in v) return "e" + v.error;
  return typeof v + ":" + String(v);
}

/** True when the sheet row holds exactly the archived cells in the archived columns 1..width. */
function rowEquals(sheet: SheetSnapshot, row: number, cells: readonly CellValue[], width: number): boolean {
  for (let c = 1; c <= Math.max(width, cells.length); c++) if (comparable(cellAt(sheet, row, c)) !== comparable(cells[c - 1] ?? null)) return false;
  return true;
}

/**
 * Puts a removal batch back: the archived rows are inserted at their original row numbers in
 * ascending order (so the numbers line up again), take their archived formats and notes, then
 * their archive lines are marked 已撤销.
 * Without `batchId`, the latest batch in 调出记录; a batch already undone is left alone, so
 * running twice changes nothing. Undo batches newest first for rows to land exactly.
 */
export function undoRemoval(snapshot: WorkbookSnapshot, opts: JobOptions, batchId?: string): JobResult<UndoReport> {
  const archive = readArchive(snapshot);
  const report: UndoReport = { batchId: null, restored: [], alreadyDone: 0, notes: [] };
  if (archive.records.length === 0) {
    report.notes.push(`“${ARCHIVE_SHEET}”中没有调出记录`);
    return { report, edits: [] };
  }
  const id = batchId ?? archive.records[archive.records.length - 1].batchId;
  const batch = archive.records.filter((r) => r.batchId === id && (opts.sheet === undefined || r.source === opts.sheet));
  report.batchId = id;
  if (batch.length === 0) {
    report.notes.push(`“${ARCHIVE_SHEET}”中没有批次 ${id} 的记录`);
    return { report, edits: [] };
  }
  const edits: Edit[] = [];
  const marks: ArchiveRecord[] = [];
  const bySource = new Map<string, ArchiveRecord[]>();
  for (const r of batch) {
    if (r.state !== ARCHIVE_REMOVED) {
      report.alreadyDone++;
      continue;
    }
    bySource.set(r.source, [...(bySource.get(r.source) ?? []), r]);
  }
  for (const [source, records] of bySource) {
    const sheet = sheetNamed(snapshot, source);
    if (!sheet) {
      report.notes.push(`来源表“${source}”已不存在，批次 ${id} 中来自该表的 ${records.length} 行未恢复`);
      continue;
    }
    const last = lastUsedRow(sheet);
    const nameCol = ledgerOf(sheet)?.mapping.columns.name;
    const present = (cells: CellValue[]) => {
      for (let r = sheet.firstRow; r <= last; r++) if (rowEquals(sheet, r, cells, archive.copyWidth)) return true;
      return false;
    };
    records.sort((a, b) => a.originalRow - b.originalRow);
    let inserted = 0;
    const moved: { from: number; to: number }[] = [];
    let run: { row: number; values: CellValue[][] } | null = null;
    const flush = () => {
      if (run) edits.push({ type: "insertRows", sheet: source, row: run.row, col: 1, values: run.values });
      run = null;
    };
    for (const r of records) {
      marks.push(r);
      if (present(r.cells)) {
        report.alreadyDone++;
        continue;
      }
      // A sheet that shrank since: never insert past the row after its end.
      const at = Math.min(r.originalRow, last + inserted + 1);
      const current = run as { row: number; values: CellValue[][] } | null;
      if (current && current.row + current.values.length === at) current.values.push(r.cells);
      else {
        flush();
        run = { row: at, values: [r.cells] };
      }
      inserted++;
      moved.push({ from: r.archiveRow, to: at });
      const name = nameCol !== undefined ? readText(r.cells[nameCol - 1]) : null;
      report.restored.push({ sheet: source, row: at, name: name && name.status === "ok" ? name.value : "" });
    }
    flush();
    // After every insert into this sheet, when the restored rows stand where they stay.
    const blocks = rowBlocks(ARCHIVE_SHEET, ARCHIVE_COLUMN_OFFSET + 1, 1, archive.copyWidth, moved);
    if (blocks.length > 0) edits.push({ type: "copyFormats", sheet: source, blocks });
  }
  for (const r of marks) {
    edits.push({ type: "setValues", sheet: ARCHIVE_SHEET, row: r.archiveRow, col: 2, values: [[ARCHIVE_UNDONE]] });
    edits.push({ type: "setValues", sheet: ARCHIVE_SHEET, row: r.archiveRow, col: ARCHIVE_META.indexOf("撤销日期") + 1, values: [[formatDay(opts.asOf)]] });
  }
  return { report, edits };
}

/**
 * The validate job: a workbook snapshot in, a report of issues per ledger sheet and the
 * marking edits out. No host calls. The task pane drives `createSheetValidator` in chunks
 * (step(maxRows) between UI frames) so 10,000+ rows never freeze it; the CLI and tests
 * call validateWorkbook / validateSheet, which run the same validator in one go.
 */
import { CellMark, Edit, SheetSnapshot, WorkbookSnapshot } from "../host/port";
import { kindDef, LedgerKind, OWN_SHEETS } from "../ledger/catalogue";
import { ColumnMapping, detectLedger, HEADER_SEARCH_ROWS } from "../ledger/mapping";
import { createLedgerChecker, isBlankRow, lastFilledRowIndex, LedgerChecker, safeHeaderCell } from "../ledger/validate";
import { columnLetter } from "../text";
import { Issue, JobOptions, JobResult } from "./types";

export interface MappedColumn {
  /** Field id. */
  field: string;
  /** Standard column name. */
  name: string;
  /** Column letter. */
  column: string;
  /** The header as written in the sheet. */
  header: string;
}

export interface SheetValidation {
  sheet: string;
  kind: LedgerKind;
  /** Chinese title of the kind, e.g. 企业培育库. */
  title: string;
  /** 1-based sheet row of the header. */
  headerRow: number;
  /** Non-blank data rows checked. */
  rows: number;
  mapping: MappedColumn[];
  /** Standard names of required columns the header lacks. */
  missingRequired: string[];
  /** Headers that match no field (kept and ignored). */
  unknownColumns: string[];
  /** Sorted by row, then column. */
  issues: Issue[];
  counts: { error: number; warning: number };
}

export interface ValidationReport {
  sheets: SheetValidation[];
  skipped: { sheet: string; reason: string }[];
}

export type ValidateOptions = JobOptions & { mark?: boolean };

export interface SheetValidator {
  readonly sheet: string;
  /** Why the sheet is not validated (not a ledger, the add-in's own sheet); null for a ledger. */
  readonly skipped: string | null;
  /** The header mapping, known before any row is checked (null when skipped). */
  readonly mapping: ColumnMapping | null;
  /** Data rows (sheet rows between the header and the last non-blank row) done / total. */
  readonly progress: { done: number; total: number };
  /** Checks up to maxRows more rows; true when the sheet is done. */
  step(maxRows: number): boolean;
  /** The sheet's result once done (it finishes the remaining rows if needed); null when skipped. */
  result(): SheetValidation | null;
}

const REASON_OWN = "这是本工具生成的工作表，不作为台账校验";
const REASON_EMPTY = "工作表是空的";
const REASON_NOT_LEDGER = "未识别为台账：表头中没有台账的列名（如 企业名称、统一社会信用代码、平台名称、人才工程、项目名称、奖励事项）";

function detect(sheet: SheetSnapshot): ColumnMapping | null {
  const head = sheet.values.slice(0, HEADER_SEARCH_ROWS).map((row) => (Array.isArray(row) ? row.map(safeHeaderCell) : []));
  return detectLedger(head, sheet.name, sheet.firstRow, sheet.firstCol);
}

function skipReason(sheet: SheetSnapshot, mapping: ColumnMapping | null): string | null {
  if (mapping) return null;
  if ((OWN_SHEETS as readonly string[]).includes(sheet.name.trim())) return REASON_OWN;
  if (lastFilledRowIndex(sheet.values) < 0) return REASON_EMPTY;
  return REASON_NOT_LEDGER;
}

function byRowThenColumn(a: Issue, b: Issue): number {
  return a.row - b.row || a.col - b.col;
}

/**
 * A validator for one sheet that can run in steps. Example (task pane):
 *   const v = createSheetValidator(snapshot, { asOf });
 *   while (!v.step(2000)) { showProgress(v.progress); await nextFrame(); }
 *   render(v.result());
 */
export function createSheetValidator(sheet: SheetSnapshot, opts: JobOptions): SheetValidator {
  const values: readonly unknown[][] = Array.isArray(sheet.values) ? sheet.values : [];
  const mapping = detect({ ...sheet, values: values as SheetSnapshot["values"] });
  const skipped = skipReason({ ...sheet, values: values as SheetSnapshot["values"] }, mapping);
  const firstRow = sheet.firstRow;
  const start = mapping ? mapping.headerRow - firstRow + 1 : 0;
  const end = mapping ? lastFilledRowIndex(values) + 1 : 0;
  const progress = { done: 0, total: Math.max(0, end - start) };
  const issues: Issue[] = [];
  let checker: LedgerChecker | null = null;
  let next = start;
  let rows = 0;
  let finished: SheetValidation | null = null;

  if (mapping) {
    checker = createLedgerChecker(mapping, { sheet: sheet.name, asOf: opts.asOf, firstCol: sheet.firstCol });
    for (const i of checker.headerIssues()) issues.push(i);
  }

  function step(maxRows: number): boolean {
    if (!checker || next >= end) return true;
    const stop = Math.min(end, next + Math.max(1, Math.floor(maxRows) || 1));
    for (; next < stop; next++) {
      const cells = values[next];
      if (isBlankRow(cells)) continue;
      rows++;
      checker.checkRow(cells, firstRow + next, issues);
    }
    progress.done = next - start;
    return next >= end;
  }

  function result(): SheetValidation | null {
    if (!mapping) return null;
    if (finished) return finished;
    while (!step(Number.MAX_SAFE_INTEGER));
    const def = kindDef(mapping.kind);
    issues.sort(byRowThenColumn);
    let error = 0;
    for (const i of issues) if (i.severity === "error") error++;
    finished = {
      sheet: sheet.name,
      kind: mapping.kind,
      title: def.title,
      headerRow: mapping.headerRow,
      rows,
      mapping: mapping.headers
        .filter((h) => h.field !== undefined && mapping.columns[h.field] === h.col)
        .map((h) => ({ field: h.field as string, name: def.fields.find((f) => f.id === h.field)?.name ?? "", column: columnLetter(h.col), header: h.text })),
      missingRequired: mapping.missingRequired.map((f) => f.name),
      unknownColumns: mapping.headers.filter((h) => h.field === undefined).map((h) => h.text),
      issues,
      counts: { error, warning: issues.length - error },
    };
    return finished;
  }

  return { sheet: sheet.name, skipped, mapping, progress, step, result };
}

/** Validates one sheet in one go. */
export function validateSheet(sheet: SheetSnapshot, opts: ValidateOptions): JobResult<ValidationReport> {
  return validateWorkbook({ sheets: [sheet] }, { ...opts, sheet: undefined });
}

/**
 * Validates every ledger sheet of a workbook (or only opts.sheet). Sheets that are no ledger
 * are listed in `skipped`, never an error. With mark: true the edits mark every issue cell.
 */
export function validateWorkbook(snapshot: WorkbookSnapshot, opts: ValidateOptions): JobResult<ValidationReport> {
  const report: ValidationReport = { sheets: [], skipped: [] };
  const wanted = opts.sheet === undefined ? snapshot.sheets : snapshot.sheets.filter((s) => s.name === opts.sheet);
  if (opts.sheet !== undefined && wanted.length === 0) {
    report.skipped.push({ sheet: opts.sheet, reason: "工作簿中没有这个工作表" });
  }
  for (const sheet of wanted) {
    const v = createSheetValidator(sheet, opts);
    const r = v.result();
    if (r) report.sheets.push(r);
    else report.skipped.push({ sheet: sheet.name, reason: v.skipped ?? REASON_NOT_LEDGER });
  }
  return { report, edits: opts.mark ? markEdits(report) : [] };
}

/**
 * The marking edits of a report: per sheet a clearMarks (so re-running is idempotent) and
 * one mark edit with a CellMark per issue cell (several issues on a cell are joined; an
 * error outranks a warning). Missing columns are noted on the header row's first cell.
 */
export function markEdits(report: ValidationReport): Edit[] {
  const edits: Edit[] = [];
  for (const s of report.sheets) {
    edits.push({ type: "clearMarks", sheet: s.sheet });
    const byCell = new Map<string, CellMark>();
    for (const i of s.issues) {
      const col = i.col > 0 ? i.col : firstHeaderCol(s);
      const key = `${i.row}:${col}`;
      const m = byCell.get(key);
      if (!m) byCell.set(key, { row: i.row, col, level: i.severity, note: i.message });
      else {
        m.note += "\n" + i.message;
        if (i.severity === "error") m.level = "error";
      }
    }
    if (byCell.size > 0) edits.push({ type: "mark", sheet: s.sheet, marks: [...byCell.values()] });
  }
  return edits;
}

function firstHeaderCol(s: SheetValidation): number {
  let min = Infinity;
  for (const m of s.mapping) min = Math.min(min, columnNumber(m.column));
  return Number.isFinite(min) ? min : 1;
}

function columnNumber(letters: string): number {
  let n = 0;
  for (let i = 0; i < letters.length; i++) n = n * 26 + (letters.charCodeAt(i) - 64);
  return n;
}

/** 清除标记: the edits that remove the add-in's marks from the given sheets. */
export function clearMarkEdits(sheets: readonly string[]): Edit[] {
  return sheets.map((sheet) => ({ type: "clearMarks" as const, sheet }));
}

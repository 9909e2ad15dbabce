/**
 * What the yearly-job commands (kj upkeep, kj targets, kj awards) share: read the .xlsx (a
 * streamed snapshot, never exceljs' cell model), check --sheet and --out, collect the jobs'
 * edits, and write the result to a new workbook (the input is never modified). The result is
 * written at package level (src/host/xlsx/save.ts -> package-edits.ts: only the changed cells and
 * parts, removal and undo included); exceljs only for a reason that path declares, printed as
 * "按兼容方式保存：…" (printNotices). Any other failure is an error and nothing is written.
 */
import * as path from "path";
import { MemoryHost } from "../../host/memory";
import { Edit, readWorkbook, WorkbookSnapshot } from "../../host/port";
import { readXlsxBytes, snapshotOfXlsxBytes } from "../../host/xlsx/file";
import { saveEditedCopy } from "../../host/xlsx/save";
import { Io } from "../common";
import { OWN_SHEETS } from "../../ledger/catalogue";
import { dayFromParts, DayNumber } from "../../dates";
import { Issue } from "../../jobs/types";
import { CliError } from "../../errors";
import { LoadedPack } from "../../policy/registry";

export interface OpenedWorkbook {
  file: string;
  /** The file as read; the result is written from it. */
  bytes: Buffer;
  /** The workbook as the next job sees it (the edits so far applied). */
  snapshot: WorkbookSnapshot;
  /** Every edit so far, in order: written to the package once, by saveResult. */
  edits: Edit[];
  /** The snapshot with the edits applied, made when a job first needs to read it again. */
  memory: MemoryHost | null;
  /** What saving the result had to say (e.g. "按兼容方式保存：…"), in Chinese. */
  notices: string[];
}

/** Refuses an --out that is not .xlsx before any work is done. */
export function checkOutPath(out: string | undefined): void {
  if (out !== undefined && path.extname(out).toLowerCase() !== ".xlsx") {
    throw new CliError("out_not_xlsx", `--out 的文件名应以 .xlsx 结尾（现在是“${out}”）`);
  }
}

/**
 * Reads the workbook (only reading it) and checks that --sheet names one of its sheets. What
 * the reader left out or found (a sheet pointing outside the file, stray far cells) goes to
 * `warn` (the command's stderr) as "提示：…".
 */
export async function openForJob(file: string, sheet: string | undefined, warn?: (line: string) => void): Promise<OpenedWorkbook> {
  const bytes = await readXlsxBytes(file);
  const snapshot = await snapshotOfXlsxBytes(file, bytes);
  for (const w of snapshot.warnings ?? []) warn?.(`提示：${w}`);
  if (sheet !== undefined && !snapshot.sheets.some((s) => s.name === sheet)) {
    const visible = snapshot.sheets.map((s) => s.name).filter((n) => !(OWN_SHEETS as readonly string[]).includes(n));
    throw new CliError("sheet_not_found", `工作簿中没有名为“${sheet}”的工作表（现有：${visible.join("、") || "无"}）`);
  }
  return { file, bytes, snapshot, edits: [], memory: null, notices: [] };
}

/** Records edits for the result, without reading the workbook again (the last job's edits). */
export async function addEdits(opened: OpenedWorkbook, edits: readonly Edit[]): Promise<void> {
  opened.edits.push(...edits);
  if (opened.memory) await opened.memory.apply(edits);
}

/** Records edits and reads the workbook again with them applied (for a job that follows). */
export async function applyAndReread(opened: OpenedWorkbook, edits: readonly Edit[]): Promise<WorkbookSnapshot> {
  opened.memory ??= MemoryHost.fromSnapshot(opened.snapshot);
  opened.edits.push(...edits);
  await opened.memory.apply(edits);
  opened.snapshot = await readWorkbook(opened.memory);
  return opened.snapshot;
}

export interface SaveResultOptions {
  /** Recalculate the formulas (cached results, so the copy shows values anywhere) with this as today. */
  recalcToday?: DayNumber;
  /** Today, for formulas recalculated because rows moved under them (upkeep --remove / --undo). */
  today?: DayNumber;
  /** Packs given with --policy, used by the recalculation besides those stored in the workbook. */
  extraPolicies?: readonly LoadedPack[];
}

/**
 * Saves the workbook with every recorded edit as `out` (never over the input); returns the path
 * written. The snapshots are let go first (read the reports, not opened.snapshot, afterwards).
 * What the save had to say is in opened.notices (printNotices shows it).
 */
export async function saveResult(opened: OpenedWorkbook, out: string, opts: SaveResultOptions = {}): Promise<string> {
  // The snapshots are not needed any more (the jobs have run): let them go before the writer works.
  opened.memory = null;
  opened.snapshot = { sheets: [] };
  const saved = await saveEditedCopy(opened.file, opened.bytes, opened.edits, out, {
    recalcToday: opts.recalcToday,
    today: opts.today ?? opts.recalcToday ?? todayOfMachine(),
    extraPolicies: opts.extraPolicies,
    workbookName: path.basename(opened.file),
  });
  opened.notices.push(...saved.notices);
  return saved.path;
}

/** Prints what saving had to say (to stderr, so --json output stays one document). */
export function printNotices(io: Io, opened: OpenedWorkbook): void {
  for (const n of opened.notices) io.err(`注意：${n}`);
}

/** The machine's date as a day number (only for TODAY() in formulas recalculated after rows moved). */
function todayOfMachine(): DayNumber {
  const now = new Date();
  return dayFromParts(now.getFullYear(), now.getMonth() + 1, now.getDate()) as DayNumber;
}

/** "第 12 行 C 列 经营异常名录：…" */
export function issueText(i: Issue): string {
  const where = i.col > 0 ? `“${i.sheet}”第 ${i.row} 行 ${i.column} 列` : `“${i.sheet}”第 ${i.row} 行`;
  return `${where} ${i.field}：${i.message}`;
}

/** The file name shown in messages. */
export function shownName(file: string): string {
  return path.basename(file);
}

/**
 * What the yearly-job commands (kj upkeep, kj targets, kj awards) share: read the .xlsx (a
 * streamed snapshot, never exceljs' cell model), check --sheet and --out, collect the jobs'
 * edits, and write the result to a new workbook (the input is never modified). The result is
 * written at package level (src/host/xlsx/package-edits.ts: only the changed cells and parts,
 * memory about the size of the sheet XML); a package or an edit that path does not handle
 * (deleteRows, insertRows, copyFormats of upkeep --remove/--undo, threaded comments, ...) goes
 * through exceljs with the same edits, as before.
 */
import * as path from "path";
import { editXlsxPackage } from "../../host/xlsx/package-edits";
import { recalcXlsxZip } from "../../host/xlsx/package-recalc";
import { recalcWorkbook } from "../../host/xlsx/recalc";
import { MemoryHost } from "../../host/memory";
import { Edit, readWorkbook, WorkbookSnapshot } from "../../host/port";
import { XlsxHost } from "../../host/xlsx/host";
import { openXlsx, readXlsxBytes, saveStreamAtomic, saveXlsxAtomic, snapshotOfXlsxBytes, unreadable } from "../../host/xlsx/file";
import { isPackageRefused } from "../../host/xlsx/package";
import { OWN_SHEETS } from "../../ledger/catalogue";
import { DayNumber } from "../../dates";
import { Issue } from "../../jobs/types";
import { CliError, isKjError } from "../../errors";
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
  return { file, bytes, snapshot, edits: [], memory: null };
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
  /** Packs given with --policy, used by the recalculation besides those stored in the workbook. */
  extraPolicies?: readonly LoadedPack[];
}

/** Saves the workbook with every recorded edit as `out` (never over the input); returns the path written. */
export async function saveResult(opened: OpenedWorkbook, out: string, opts: SaveResultOptions = {}): Promise<string> {
  const recalcOptions = { today: opts.recalcToday as DayNumber, extraPolicies: opts.extraPolicies, workbookName: path.basename(opened.file) };
  let packaged: Awaited<ReturnType<typeof editXlsxPackage>> | null = null;
  try {
    packaged = await editXlsxPackage(opened.bytes, opened.edits);
    if (opts.recalcToday !== undefined) await recalcXlsxZip(packaged.zip, recalcOptions);
  } catch (e) {
    // A refused policy pack is the user's to fix, whichever path writes.
    if (isKjError(e)) throw e;
    // A package the policy refuses is refused here too; PackageNotHandled or anything else: the exceljs path decides.
    if (isPackageRefused(e)) throw unreadable(opened.file, e);
    packaged = null;
  }
  if (packaged) return (await saveStreamAtomic(packaged.writeTo, out, { inputPath: opened.file })).path;
  // The snapshots are not needed any more: let them go before exceljs builds its model.
  opened.memory = null;
  opened.snapshot = { sheets: [] };
  const workbook = await openXlsx(opened.file);
  await new XlsxHost(workbook).apply(opened.edits);
  if (opts.recalcToday !== undefined) recalcWorkbook(workbook, recalcOptions);
  return (await saveXlsxAtomic(workbook, out, { inputPath: opened.file })).path;
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

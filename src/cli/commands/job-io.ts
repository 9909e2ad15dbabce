/**
 * What the yearly-job commands (kj upkeep, kj targets, kj awards) share: open the .xlsx
 * read-only, check --sheet and --out, and write the result to a new workbook (the input is
 * never modified).
 */
import type ExcelJS from "exceljs";
import * as path from "path";
import { Edit, readWorkbook, WorkbookSnapshot } from "../../host/port";
import { XlsxHost } from "../../host/xlsx";
import { openXlsx, saveXlsxAtomic } from "../../host/xlsx-file";
import { OWN_SHEETS } from "../../ledger/catalogue";
import { Issue } from "../../jobs/types";
import { CliError } from "../common";

export interface OpenedWorkbook {
  file: string;
  workbook: ExcelJS.Workbook;
  host: XlsxHost;
  snapshot: WorkbookSnapshot;
}

/** Refuses an --out that is not .xlsx before any work is done. */
export function checkOutPath(out: string | undefined): void {
  if (out !== undefined && path.extname(out).toLowerCase() !== ".xlsx") {
    throw new CliError("out_not_xlsx", `--out 的文件名应以 .xlsx 结尾（现在是“${out}”）`);
  }
}

/** Opens the workbook (only reading it) and checks that --sheet names one of its sheets. */
export async function openForJob(file: string, sheet: string | undefined): Promise<OpenedWorkbook> {
  const workbook = await openXlsx(file);
  const host = new XlsxHost(workbook);
  const snapshot = await readWorkbook(host);
  if (sheet !== undefined && !snapshot.sheets.some((s) => s.name === sheet)) {
    const visible = snapshot.sheets.map((s) => s.name).filter((n) => !(OWN_SHEETS as readonly string[]).includes(n));
    throw new CliError("sheet_not_found", `工作簿中没有名为“${sheet}”的工作表（现有：${visible.join("、") || "无"}）`);
  }
  return { file, workbook, host, snapshot };
}

/** Applies edits to the loaded workbook, then reads it again (for a job that follows). */
export async function applyAndReread(opened: OpenedWorkbook, edits: readonly Edit[]): Promise<WorkbookSnapshot> {
  await opened.host.apply(edits);
  opened.snapshot = await readWorkbook(opened.host);
  return opened.snapshot;
}

/** Saves the changed workbook as `out` (never over the input); returns the path written. */
export async function saveResult(opened: OpenedWorkbook, out: string): Promise<string> {
  return (await saveXlsxAtomic(opened.workbook, out, { inputPath: opened.file })).path;
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

/**
 * Saving a copy of an .xlsx with a job's edits, for the CLI (kj check / upkeep / targets /
 * awards --out). The package-level writer (package-edits.ts) writes every edit; the copy is
 * recalculated where the edits leave cached values stale (rows moved under a SUM) or where the
 * caller asks (kj awards). exceljs takes over only for a reason the package path declares
 * (PackageNotHandled.fallback, see FALLBACK in ooxml.ts), and the result says so
 * ("按兼容方式保存：…"). Any other failure is an error: nothing is written, the input is untouched.
 */
import { CliError, isKjError } from "../../errors";
import { DayNumber } from "../../dates";
import { Edit } from "../port";
import { openXlsx, rowBeyondExcelError, saveStreamAtomic, saveXlsxAtomic, unreadable } from "./file";
import { isPackageRefused } from "./package";
import { XlsxHost } from "./host";
import { PackageNotHandled, RowBeyondExcel } from "./ooxml";
import { editXlsxPackage, PackageEdits } from "./package-edits";
import { recalcXlsxZip } from "./package-recalc";
import { recalcWorkbook } from "./recalc";
import { LoadedPack } from "../../policy/registry";

export interface SaveCopyOptions {
  /** Recalculate every formula before saving, with this as today (kj awards). */
  recalcToday?: DayNumber;
  /** Today, for recalculating when rows moved under formulas (TODAY() in the user's formulas). */
  today: DayNumber;
  /** Packs given with --policy, used by the recalculation besides those stored in the workbook. */
  extraPolicies?: readonly LoadedPack[];
  /** The workbook's file name, for messages about its stored packs. */
  workbookName?: string;
  /** Called before exceljs builds its model (a caller can let go of large snapshots). */
  beforeFallback?: () => void;
  /** The package writer (tests put a faulty one here). */
  writer?: (bytes: Buffer, edits: readonly Edit[]) => Promise<PackageEdits>;
}

export interface SavedCopy {
  path: string;
  /** Written through exceljs, and why (Chinese); null when written at package level. */
  fallback: string | null;
  /** What the clerk should know about the result, in Chinese (the fallback's reason first). */
  notices: string[];
}

/** Saves `bytes` (read from `file`) with `edits` as `out` (never over the input). */
export async function saveEditedCopy(file: string, bytes: Buffer, edits: readonly Edit[], out: string, opts: SaveCopyOptions): Promise<SavedCopy> {
  const writer = opts.writer ?? editXlsxPackage;
  let packaged: PackageEdits;
  try {
    packaged = await writer(bytes, edits);
    if (opts.recalcToday !== undefined || packaged.needsRecalc) await recalcXlsxZip(packaged.zip, recalcOptions(opts));
  } catch (e) {
    // A refused policy pack (stored in the workbook or given with --policy) is the user's to fix.
    if (isKjError(e)) throw e;
    // A package the policy refuses (src/host/xlsx/package.ts) is refused here too, with its own message.
    if (isPackageRefused(e)) throw unreadable(file, e);
    if (e instanceof RowBeyondExcel) throw rowBeyondExcelError(file, e.sheet, e.row);
    if (e instanceof PackageNotHandled && e.fallback) return viaExceljs(file, edits, out, opts, e.reason);
    throw notSaved(out, e);
  }
  const saved = await saveStreamAtomic(packaged.writeTo, out, { inputPath: file });
  return { path: saved.path, fallback: null, notices: packaged.notices };
}

/** The exceljs path, for a declared reason only. */
async function viaExceljs(file: string, edits: readonly Edit[], out: string, opts: SaveCopyOptions, reason: string): Promise<SavedCopy> {
  opts.beforeFallback?.();
  const workbook = await openXlsx(file);
  await new XlsxHost(workbook).apply(edits);
  if (opts.recalcToday !== undefined) recalcWorkbook(workbook, { ...recalcOptions(opts), today: opts.recalcToday });
  const saved = await saveXlsxAtomic(workbook, out, { inputPath: file });
  return { path: saved.path, fallback: reason, notices: [`按兼容方式保存：${reason}`] };
}

/** Options of the recalculation: today, the --policy packs, the file name for messages. */
function recalcOptions(opts: SaveCopyOptions): { today: DayNumber; extraPolicies?: readonly LoadedPack[]; workbookName?: string } {
  return { today: opts.recalcToday ?? opts.today, extraPolicies: opts.extraPolicies, workbookName: opts.workbookName };
}

/** The error for a copy that could not be written: what went wrong, and that nothing was written. */
export function notSaved(out: string, e: unknown): CliError {
  if (e instanceof CliError) return e;
  if (e instanceof PackageNotHandled) return new CliError("write_not_handled", `无法保存“${out}”：${e.reason}。原文件未改动，没有写入结果`);
  const detail = e instanceof Error ? e.message : String(e);
  return new CliError("write_internal", `保存“${out}”时出错（内部错误：${detail}）。原文件未改动，没有写入结果；请把这条信息和所用文件告知技术支持`);
}

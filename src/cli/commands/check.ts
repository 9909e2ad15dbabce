import { Command } from "commander";
import * as path from "path";
import { formatDay } from "../../dates";
import { markXlsxPackage, PackageMarks } from "../../host/xlsx/package-marks";
import { Edit } from "../../host/port";
import { XlsxHost } from "../../host/xlsx/host";
import { openXlsx, readXlsxBytes, readXlsxSnapshot, saveStreamAtomic, saveXlsxAtomic, snapshotOfXlsxBytes, unreadable } from "../../host/xlsx/file";
import { isPackageRefused } from "../../host/xlsx/package";
import { OWN_SHEETS } from "../../ledger/catalogue";
import { Issue, JobResult } from "../../jobs/types";
import { SheetValidation, validateWorkbook, ValidationReport } from "../../jobs/validate";
import { Io, parseDateOption } from "../common";
import { CliError, EXIT } from "../../errors";
import { run } from "../run";

/** Text output lists at most this many issues per sheet; --json and --out always have all. */
const TEXT_ISSUE_LIMIT = 500;

export interface CheckOptions {
  sheet?: string;
  json?: boolean;
  out?: string;
  asOf?: string;
}

export function registerCheck(program: Command, io: Io): void {
  program
    .command("check")
    .description("校验台账工作簿：识别每个台账工作表，逐行检查必填项、格式、统一社会信用代码、日期和数值关系")
    .argument("<台账.xlsx>", "要校验的工作簿（只读取，不会被修改）")
    .option("--sheet <名称>", "只校验这个工作表（默认校验所有台账工作表）")
    .option("--json", "以 JSON 输出")
    .option("--out <结果.xlsx>", "另存一份标记了问题单元格的副本（红色为错误、黄色为警告，批注写明原因）")
    .option("--as-of <YYYY-MM-DD>", "核对日期：晚于它的日期算作“将来的日期”；默认今天")
    .addHelpText(
      "after",
      "\n退出码：0 没有发现错误（可能有警告）；1 发现错误；2 无法校验（文件不存在、不是 .xlsx、没有台账工作表、找不到 --sheet 指定的工作表）。\n" +
        "示例：kj check 企业培育库.xlsx --out 校验结果.xlsx",
    )
    .action((file: string, opts: CheckOptions) => run(io, Boolean(opts.json), () => checkCommand(file, opts, io)));
}

/** The body of `kj check`; resolves to the exit code. */
export async function checkCommand(file: string, opts: CheckOptions, io: Io): Promise<number> {
  const asOf = parseDateOption(opts.asOf, "核对日期") ?? io.today();
  if (opts.out !== undefined && path.extname(opts.out).toLowerCase() !== ".xlsx") {
    throw new CliError("out_not_xlsx", `--out 的文件名应以 .xlsx 结尾（现在是“${opts.out}”）`);
  }
  // A streamed snapshot, never exceljs' cell model: large ledgers are read in a fraction of the memory.
  // With --out the bytes are kept to write the marked copy at package level.
  const bytes = opts.out !== undefined ? await readXlsxBytes(file) : null;
  const { report, edits } = await validateFile(file, bytes, opts, asOf, io);

  let written: string | undefined;
  if (opts.out !== undefined && bytes) written = await saveMarkedCopy(file, bytes, edits, opts.out);

  const errors = report.sheets.reduce((n, s) => n + s.counts.error, 0);
  if (opts.json) io.out(JSON.stringify(checkJson(file, asOf, report, written)));
  else printSummary(io, file, asOf, report, written);
  return errors > 0 ? EXIT.findings : EXIT.ok;
}

/** Reads the snapshot and validates it; the snapshot is not kept (the marked copy is written without it). */
async function validateFile(file: string, bytes: Buffer | null, opts: CheckOptions, asOf: number, io: Io): Promise<JobResult<ValidationReport>> {
  const snapshot = bytes ? await snapshotOfXlsxBytes(file, bytes) : await readXlsxSnapshot(file);
  for (const w of snapshot.warnings ?? []) io.err(`提示：${w}`);
  const names = snapshot.sheets.map((s) => s.name);
  if (opts.sheet !== undefined && !names.includes(opts.sheet)) {
    const visible = names.filter((n) => !(OWN_SHEETS as readonly string[]).includes(n));
    throw new CliError("sheet_not_found", `工作簿中没有名为“${opts.sheet}”的工作表（现有：${visible.join("、") || "无"}）`);
  }
  const result = validateWorkbook(snapshot, { asOf, sheet: opts.sheet, mark: opts.out !== undefined });
  if (result.report.sheets.length === 0) {
    if (opts.sheet !== undefined) {
      const reason = result.report.skipped.find((s) => s.sheet === opts.sheet)?.reason ?? "";
      throw new CliError("not_a_ledger", `工作表“${opts.sheet}”不是台账：${reason}`);
    }
    throw new CliError(
      "no_ledger",
      `“${path.basename(file)}”中没有找到台账工作表：表头需要有台账的列名，如 企业名称、统一社会信用代码、注册日期（企业培育库）或 平台名称、依托单位（创新平台）`,
    );
  }
  return result;
}

/**
 * Saves the copy with the marks. The package path changes only styles, the marked cells'
 * style numbers, the notes and the registry (everything else byte for byte, memory about
 * the size of the sheet XML); a package it does not handle (e.g. threaded comments, cells
 * without addresses) goes through exceljs, as before. Both save atomically and never over the input.
 */
async function saveMarkedCopy(file: string, bytes: Buffer, edits: readonly Edit[], out: string): Promise<string> {
  let packaged: PackageMarks | null = null;
  try {
    packaged = await markXlsxPackage(bytes, edits);
  } catch (e) {
    // A package the policy refuses is refused here too; PackageNotHandled or anything else: the exceljs path decides.
    if (isPackageRefused(e)) throw unreadable(file, e);
    packaged = null;
  }
  if (packaged) return (await saveStreamAtomic(packaged.writeTo, out, { inputPath: file })).path;
  const workbook = await openXlsx(file);
  await new XlsxHost(workbook).apply(edits);
  return (await saveXlsxAtomic(workbook, out, { inputPath: file })).path;
}

/** The --json document: { file, asOf, sheets: [{ sheet, kind, rows, mapping, issues, ... }], skipped, counts }. */
export function checkJson(file: string, asOf: number, report: ValidationReport, out?: string): object {
  const counts = { error: 0, warning: 0 };
  for (const s of report.sheets) {
    counts.error += s.counts.error;
    counts.warning += s.counts.warning;
  }
  return {
    file,
    asOf: formatDay(asOf),
    sheets: report.sheets.map((s) => ({
      sheet: s.sheet,
      kind: s.kind,
      title: s.title,
      headerRow: s.headerRow,
      rows: s.rows,
      mapping: s.mapping,
      missingRequired: s.missingRequired,
      unknownColumns: s.unknownColumns,
      counts: s.counts,
      issues: s.issues.map((i) => ({ row: i.row, column: i.column, col: i.col, field: i.field, severity: i.severity, message: i.message })),
    })),
    skipped: report.skipped.filter((s) => !(OWN_SHEETS as readonly string[]).includes(s.sheet)),
    counts,
    ...(out !== undefined ? { out } : {}),
  };
}

const SEVERITY = { error: "错误", warning: "警告" } as const;

/** One issue as a line: "第 12 行 C 列 统一社会信用代码校验位错误：…". */
export function issueLine(i: Issue): string {
  const where = i.col > 0 ? `第 ${i.row} 行 ${i.column} 列` : `第 ${i.row} 行（表头）`;
  const what = i.message.startsWith(i.field) || i.col === 0 ? i.message : `${i.field}：${i.message}`;
  return `${where} ${what}`;
}

function sheetHeading(s: SheetValidation): string {
  return `工作表“${s.sheet}”：${s.title}（第 ${s.headerRow} 行为表头），数据 ${s.rows} 行；错误 ${s.counts.error} 个，警告 ${s.counts.warning} 个`;
}

function printSummary(io: Io, file: string, asOf: number, report: ValidationReport, out?: string): void {
  io.out(`校验“${path.basename(file)}”，核对日期 ${formatDay(asOf)}`);
  for (const s of report.sheets) {
    io.out("");
    io.out(sheetHeading(s));
    if (s.missingRequired.length > 0) io.out(`  缺少必填列：${s.missingRequired.join("、")}`);
    if (s.unknownColumns.length > 0) io.out(`  未识别的列（保留，不校验）：${s.unknownColumns.join("、")}`);
    if (s.issues.length === 0) {
      io.out("  没有发现问题");
      continue;
    }
    // Issues come sorted by row, so one row's issues stand together.
    for (const i of s.issues.slice(0, TEXT_ISSUE_LIMIT)) io.out(`  [${SEVERITY[i.severity]}] ${issueLine(i)}`);
    if (s.issues.length > TEXT_ISSUE_LIMIT) {
      io.out(`  ……另有 ${s.issues.length - TEXT_ISSUE_LIMIT} 个问题未列出，可用 --json 查看全部，或用 --out 生成标记副本`);
    }
  }
  const skipped = report.skipped.filter((s) => !(OWN_SHEETS as readonly string[]).includes(s.sheet));
  if (skipped.length > 0) {
    io.out("");
    io.out(`未校验的工作表：${skipped.map((s) => `“${s.sheet}”（${s.reason}）`).join("；")}`);
  }
  const errors = report.sheets.reduce((n, s) => n + s.counts.error, 0);
  const warnings = report.sheets.reduce((n, s) => n + s.counts.warning, 0);
  io.out("");
  io.out(errors > 0 ? `共发现错误 ${errors} 个、警告 ${warnings} 个，请修正错误后再使用台账。` : `没有发现错误${warnings > 0 ? `（有警告 ${warnings} 个，请核对）` : ""}。`);
  if (out !== undefined) io.out(`已另存标记副本：${out}（原文件未改动）`);
}

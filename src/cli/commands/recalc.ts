import { Command } from "commander";
import * as path from "path";
import { formatDay } from "../../dates";
import { recalcXlsxPackage } from "../../host/xlsx/package-recalc";
import { recalcWorkbook, RecalcReport } from "../../host/xlsx/recalc";
import { ProgressFn } from "../../host/port";
import { openXlsx, readXlsxBytes, saveStreamAtomic, saveXlsxAtomic, unreadable } from "../../host/xlsx/file";
import { isPackageRefused, openXlsxPackage } from "../../host/xlsx/package";
import { Io, parseDateOption } from "../common";
import { CliError, EXIT, isKjError } from "../../errors";
import { LoadedPack } from "../../policy/registry";
import { progressBar } from "../progress-bar";
import { run } from "../run";
import { loadPolicyFiles, withPolicyOption } from "../policy-io";

export interface RecalcCommandOptions {
  out?: string;
  inPlace?: boolean;
  asOf?: string;
  json?: boolean;
  policy?: string[];
}

/** Text output lists at most this many error cells; --json lists the same first ones. */
const LISTED = 10;

export function registerRecalc(program: Command, io: Io): void {
  const cmd = program
    .command("recalc")
    .description("重算工作簿中的全部公式（包括 KJ.AWARD 等 KJ 函数），保留公式并写入计算结果，没装加载项的电脑也能看到数值")
    .argument("<工作簿.xlsx>", "要重算的工作簿（不加 --in-place 时只读取，不会被修改）")
    .option("--out <结果.xlsx>", "把重算后的工作簿另存为这个文件")
    .option("--in-place", "直接更新原文件（先保留一份 .bak 备份）")
    .option("--as-of <YYYY-MM-DD>", "评价日期：没有写评价日期的 KJ.ELIGIBLE / KJ.WHY / KJ.SCORE 按这一天判断；默认今天")
    .option("--json", "以 JSON 输出结果");
  withPolicyOption(cmd)
    .addHelpText(
      "after",
      "\n说明：其他工作表、格式、列宽、数字格式和数据验证都原样保留；结果为错误值的公式写成错误值（#VALUE!、#N/A），并列出原因。\n" +
        "      命令行算不了的公式（外部链接、不支持的函数）保留原来的结果。\n" +
        "      KJ 函数使用内置政策包、工作簿中保存的政策包和 --policy 给出的政策包。\n" +
        "退出码：0 全部公式已算出；1 已保存，但有公式的结果是错误值；2 无法处理（文件不存在、不是 .xlsx、已加密或损坏、输出位置不可写、缺少 --out）。\n" +
        "示例：kj recalc 奖励台账.xlsx --out 奖励台账-已计算.xlsx\n" +
        "      kj recalc 奖励台账.xlsx --in-place --as-of 2024-12-31",
    )
    .action((file: string, opts: RecalcCommandOptions) => run(io, Boolean(opts.json), () => recalcCommand(file, opts, io)));
}

/** The body of `kj recalc`; resolves to the exit code. */
export async function recalcCommand(file: string, opts: RecalcCommandOptions, io: Io): Promise<number> {
  const today = parseDateOption(opts.asOf, "评价日期") ?? io.today();
  if (opts.inPlace && opts.out !== undefined) {
    throw new CliError("out_and_in_place", "--out 和 --in-place 只能选一个：另存为新文件，或直接更新原文件");
  }
  if (!opts.inPlace && opts.out === undefined) {
    throw new CliError("out_missing", "请用 --out 指定保存结果的文件（如 --out 结果.xlsx），或加 --in-place 直接更新原文件（会先保留 .bak 备份）");
  }
  const outPath = opts.inPlace ? file : (opts.out as string);
  if (path.extname(outPath).toLowerCase() !== ".xlsx") {
    throw new CliError("out_not_xlsx", `--out 的文件名应以 .xlsx 结尾（现在是“${outPath}”）`);
  }

  const extraPolicies = loadPolicyFiles(opts.policy);
  const bar = progressBar(io.isTTY ? (s) => process.stderr.write(s) : null);
  let result: { report: RecalcReport; saved: { path: string; backup?: string } };
  try {
    result = await recalcFile(file, outPath, { today, inPlace: Boolean(opts.inPlace), progress: bar.update, extraPolicies, warn: io.err });
  } finally {
    bar.done();
  }
  const { report, saved } = result;

  if (opts.json) io.out(JSON.stringify(recalcJson(file, today, report, saved)));
  else printRecalcSummary(io, report, saved);
  return report.errors > 0 ? EXIT.findings : EXIT.ok;
}

/**
 * Recalculates a file and saves it atomically. The package path rewrites only the cached values
 * in the sheet XML (everything else byte for byte, little memory); a package it cannot read goes
 * through exceljs instead, which also gives the Chinese message for a damaged file.
 */
export async function recalcFile(
  file: string,
  outPath: string,
  opts: { today: number; inPlace: boolean; progress?: ProgressFn; extraPolicies?: readonly LoadedPack[]; warn?: (line: string) => void },
): Promise<{ report: RecalcReport; saved: { path: string; backup?: string } }> {
  const bytes = await readXlsxBytes(file, { progress: opts.progress });
  try {
    // Sheets left out (a relationship pointing outside the file, a missing part) are named.
    for (const s of openXlsxPackage(bytes).workbook().skipped) opts.warn?.(`提示：${s.reason}`);
  } catch (e) {
    throw unreadable(file, e);
  }
  let packaged: Awaited<ReturnType<typeof recalcXlsxPackage>> | null = null;
  const policyOpts = { extraPolicies: opts.extraPolicies, workbookName: path.basename(file) };
  try {
    packaged = await recalcXlsxPackage(bytes, { today: opts.today, progress: opts.progress, maxListed: LISTED, ...policyOpts });
  } catch (e) {
    // A refused policy pack is the user's to fix, whichever path reads the workbook.
    if (isKjError(e)) throw e;
    // A package the policy refuses is refused here too; anything else goes through exceljs.
    if (isPackageRefused(e)) throw unreadable(file, e);
    packaged = null;
  }
  if (packaged) {
    const saved = await saveStreamAtomic(packaged.writeTo, outPath, { inputPath: file, inPlace: opts.inPlace, progress: opts.progress });
    return { report: packaged.report, saved };
  }
  const workbook = await openXlsx(file, { progress: opts.progress });
  const report = recalcWorkbook(workbook, { today: opts.today, progress: opts.progress, maxListed: LISTED, ...policyOpts });
  const saved = await saveXlsxAtomic(workbook, outPath, { inputPath: file, inPlace: opts.inPlace, progress: opts.progress });
  return { report, saved };
}

/** The --json document. */
export function recalcJson(file: string, today: number, report: RecalcReport, saved: { path: string; backup?: string }): object {
  return {
    file,
    out: saved.path,
    ...(saved.backup ? { backup: saved.backup } : {}),
    asOf: formatDay(today),
    formulas: report.formulas,
    computed: report.computed,
    errors: report.errors,
    errorCells: report.errorCells,
    unsupported: report.unsupported,
    unsupportedCells: report.unsupportedCells,
    sheets: report.sheetsEvaluated,
  };
}

/** The Chinese summary; demo prints the same lines. */
export function recalcSummaryLines(report: RecalcReport): string[] {
  const lines: string[] = [];
  if (report.formulas === 0) {
    lines.push("工作簿中没有公式，无需重算。");
    return lines;
  }
  lines.push(`已重算 ${report.computed} 个公式（工作表：${report.sheetsEvaluated.join("、")}）。`);
  if (report.errors > 0) {
    lines.push(`其中 ${report.errors} 个公式的结果是错误值${report.errors > report.errorCells.length ? `，前 ${report.errorCells.length} 个` : ""}：`);
    for (const e of report.errorCells) lines.push(`  ${e.sheet}!${e.address} =${e.formula} → ${e.error}：${e.message}`);
  }
  if (report.unsupported > 0) {
    lines.push(`有 ${report.unsupported} 个公式在命令行中无法计算，保留了原来的结果：`);
    for (const u of report.unsupportedCells) lines.push(`  ${u.sheet}!${u.address} =${u.formula}：${u.reason}`);
  }
  return lines;
}

function printRecalcSummary(io: Io, report: RecalcReport, saved: { path: string; backup?: string }): void {
  for (const line of recalcSummaryLines(report)) io.out(line);
  io.out(`已保存：${saved.path}`);
  if (saved.backup) io.out(`原文件备份：${saved.backup}`);
}

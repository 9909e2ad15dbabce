import { Command } from "commander";
import ExcelJS from "exceljs";
import * as fs from "fs";
import * as path from "path";
import { generateSampleWorkbook } from "../../../samples/generate";
import { DayNumber, formatDay, yearOf } from "../../dates";
import { formatCount, formatPercent, formatWan } from "../../format";
import { recalcWorkbook, RecalcReport } from "../../host/xlsx/recalc";
import { Edit, readWorkbook, WorkbookSnapshot } from "../../host/port";
import { XlsxHost } from "../../host/xlsx/host";
import { openXlsx, saveXlsxAtomic } from "../../host/xlsx/file";
import { AwardsReport, fillAwards } from "../../jobs/awards";
import { computeTargets, TargetsReport } from "../../jobs/targets";
import { Issue } from "../../jobs/types";
import { planUpkeep, UpkeepReport } from "../../jobs/upkeep";
import { validateWorkbook, ValidationReport } from "../../jobs/validate";
import { PLAN_PACKS } from "../../policy/plans";
import { Io, parseDateOption } from "../common";
import { CliError, EXIT, fileErrorReason } from "../../errors";
import { displayWidth } from "../help-zh";
import { progressBar } from "../progress-bar";
import { run } from "../run";
import { issueLine } from "./check";
import { recalcSummaryLines } from "./recalc";

export const DEMO_INPUT_FILE = "示例台账.xlsx";
export const DEMO_RESULT_FILE = "示例台账-结果.xlsx";
export const DEMO_DEFAULT_DIR = "out";

/** How many items of each list the terminal summary shows. */
const SHOWN = 5;

export interface DemoOptions {
  out?: string;
  asOf?: string;
  json?: boolean;
}

export function registerDemo(program: Command, io: Io): void {
  program
    .command("demo")
    .description("演示：生成虚构的示例台账（五类台账、约 300 家企业），依次运行校验、动态管理、目标完成情况、奖励测算和公式重算，并打印摘要")
    .option("--out <目录>", `示例文件的保存目录（默认 ./${DEMO_DEFAULT_DIR}/）`)
    .option("--as-of <YYYY-MM-DD>", "核对日期；默认今天，晚于最新计划期末时取计划期最后一天")
    .option("--json", "以 JSON 输出摘要")
    .addHelpText(
      "after",
      `\n生成的文件：${DEMO_INPUT_FILE}（示例台账，含故意写错的几行）和 ${DEMO_RESULT_FILE}（标记了问题、写入了调出建议、目标完成情况、奖励汇总，公式已算出结果）。\n` +
        "数据全部为虚构，不涉及真实企业。只需 npm install，不需要 Excel 或 WPS。\n" +
        "退出码：0 演示完成；2 无法写入输出目录或日期无法识别。\n" +
        "示例：npm run demo\n" +
        "      kj demo --out 演示 --as-of 2024-12-31",
    )
    .action((opts: DemoOptions) => run(io, Boolean(opts.json), () => demoCommand(opts, io)));
}

/**
 * The demo's as-of date: today, but not after the end of the latest plan period, so the
 * attainment table is about a plan that exists.
 */
export function demoAsOf(today: DayNumber): DayNumber {
  const latest = PLAN_PACKS[PLAN_PACKS.length - 1];
  return Math.min(today, latest.to);
}

export interface DemoResult {
  dir: string;
  input: string;
  result: string;
  asOf: DayNumber;
  validation: ValidationReport;
  upkeep: UpkeepReport;
  targets: TargetsReport;
  awards: AwardsReport;
  recalc: RecalcReport;
}

/** The body of `kj demo`; resolves to the exit code. */
export async function demoCommand(opts: DemoOptions, io: Io): Promise<number> {
  const asOf = parseDateOption(opts.asOf, "核对日期") ?? demoAsOf(io.today());
  const dir = path.resolve(opts.out ?? DEMO_DEFAULT_DIR);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new CliError("output_dir_unwritable", `无法建立输出目录“${dir}”：${fileErrorReason(e)}`);
  }
  const bar = progressBar(io.isTTY ? (s) => process.stderr.write(s) : null);
  let result: DemoResult;
  try {
    result = await runDemo(dir, asOf, bar.update);
  } finally {
    bar.done();
  }
  if (opts.json) io.out(JSON.stringify(demoJson(result)));
  else for (const line of demoSummaryLines(result)) io.out(line);
  return EXIT.ok;
}

/** Generates the sample, writes it, runs every job through the xlsx host and writes the result workbook. */
export async function runDemo(dir: string, asOf: DayNumber, progress: (done: number, total: number, stage: string) => void = () => undefined): Promise<DemoResult> {
  const input = path.join(dir, DEMO_INPUT_FILE);
  const resultPath = path.join(dir, DEMO_RESULT_FILE);

  // 1. The sample ledger as an .xlsx, its KJ.AWARD formulas already showing values.
  progress(0, 6, "生成示例台账");
  const sample = generateSampleWorkbook({ asOfYear: yearOf(asOf) });
  const sampleBook = new ExcelJS.Workbook();
  await new XlsxHost(sampleBook).apply(snapshotEdits(sample));
  recalcWorkbook(sampleBook, { today: asOf });
  await saveXlsxAtomic(sampleBook, input);

  // 2. The jobs, each on a fresh read of the workbook as the commands do.
  const workbook = await openXlsx(input);
  const host = new XlsxHost(workbook);
  progress(1, 6, "校验");
  const validation = validateWorkbook(await readWorkbook(host), { asOf, mark: true });
  await host.apply(validation.edits);
  progress(2, 6, "动态管理");
  const upkeep = planUpkeep(await readWorkbook(host), { asOf });
  await host.apply(upkeep.edits);
  progress(3, 6, "目标完成情况");
  const targets = computeTargets(await readWorkbook(host), { asOf });
  await host.apply(targets.edits);
  progress(4, 6, "奖励测算");
  const awards = fillAwards(await readWorkbook(host), { asOf });
  await host.apply(awards.edits);

  // 3. Every formula computed, so the result shows values anywhere.
  progress(5, 6, "重算公式");
  const recalc = recalcWorkbook(workbook, { today: asOf });
  await saveXlsxAtomic(workbook, resultPath, { inputPath: input });
  progress(6, 6, "完成");

  return {
    dir,
    input,
    result: resultPath,
    asOf,
    validation: validation.report,
    upkeep: upkeep.report,
    targets: targets.report,
    awards: awards.report,
    recalc,
  };
}

/** Edits that write a snapshot into an empty workbook: every sheet, its values, then its formulas. */
export function snapshotEdits(snapshot: WorkbookSnapshot): Edit[] {
  const edits: Edit[] = [];
  for (const s of snapshot.sheets) {
    edits.push({ type: "ensureSheet", sheet: s.name });
    if (s.values.length === 0) continue;
    edits.push({ type: "setValues", sheet: s.name, row: s.firstRow, col: s.firstCol, values: s.values });
    if (s.formulas) edits.push({ type: "setFormulas", sheet: s.name, row: s.firstRow, col: s.firstCol, formulas: s.formulas });
    const width = Math.max(...s.values.map((r) => r.length));
    const widths = Array.from({ length: width }, (_, c) => columnWidth(s.values, c));
    edits.push({ type: "columnWidths", sheet: s.name, col: s.firstCol, widths });
  }
  return edits;
}

/** A readable width for a column: its longest text (CJK counting double), within 8..40. */
function columnWidth(values: readonly (readonly unknown[])[], col: number): number {
  let widest = 8;
  // The first rows are enough to judge (title rows are skipped: they span many columns).
  for (let r = 1; r < Math.min(values.length, 60); r++) {
    const v = values[r][col];
    const text = v instanceof Date ? "2024-01-01" : v === null || v === undefined ? "" : String(v);
    widest = Math.max(widest, displayWidth(text) + 2);
  }
  return Math.min(widest, 40);
}

function pad(s: string, width: number, right = false): string {
  const fill = " ".repeat(Math.max(0, width - displayWidth(s)));
  return right ? fill + s : s + fill;
}

/** A plain text table with CJK-aware alignment; `numeric` columns align right. */
export function textTable(header: string[], rows: string[][], numeric: boolean[] = []): string[] {
  const widths = header.map((h, c) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[c] ?? ""))));
  const line = (cells: string[]) => cells.map((cell, c) => pad(cell, widths[c], numeric[c])).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
}

const SEVERITY_LABEL = { error: "错误", warning: "警告" } as const;

/** The readable Chinese summary printed by `kj demo`. */
export function demoSummaryLines(r: DemoResult): string[] {
  const out: string[] = [];
  out.push(`科技台账（KJ）演示 — 核对日期 ${formatDay(r.asOf)}（数据为虚构示例）`);
  out.push(`示例台账：${r.input}`);
  out.push(`结果工作簿：${r.result}`);
  out.push("");

  // 校验
  const issues: Issue[] = r.validation.sheets.flatMap((s) => s.issues);
  const errors = issues.filter((i) => i.severity === "error");
  const warnings = issues.filter((i) => i.severity === "warning");
  out.push(`一、校验台账：${r.validation.sheets.length} 个台账工作表，错误 ${errors.length} 个，警告 ${warnings.length} 个`);
  for (const s of r.validation.sheets) {
    const what = s.title === s.sheet ? s.sheet : `${s.sheet}（${s.title}）`;
    out.push(`  ${what}：${s.rows} 行，错误 ${s.counts.error}，警告 ${s.counts.warning}`);
  }
  for (const [label, list] of [[SEVERITY_LABEL.error, errors], [SEVERITY_LABEL.warning, warnings]] as const) {
    if (list.length === 0) continue;
    out.push(`  ${label}（前 ${Math.min(SHOWN, list.length)} 个）：`);
    for (const i of list.slice(0, SHOWN)) out.push(`    ${i.sheet} ${issueLine(i)}`);
  }
  out.push("");

  // 动态管理
  const classes = Object.entries(r.upkeep.classes)
    .map(([k, n]) => `${k} ${n}`)
    .join("，");
  out.push(`二、动态管理（建议调出）：${r.upkeep.suggestions.length} 家企业建议调出（${classes}）`);
  for (const s of r.upkeep.suggestions.slice(0, SHOWN)) {
    out.push(`  第 ${s.row} 行 ${s.name}：${s.reasons.map((x) => x.text).join("；")}`);
  }
  if (r.upkeep.suggestions.length > SHOWN) out.push(`  ……其余 ${r.upkeep.suggestions.length - SHOWN} 家见结果工作簿“建议调出”“调出原因”两列`);
  if (r.upkeep.reminders.length > 0) out.push(`  另有 ${r.upkeep.reminders.length} 家提醒（高企证书到期需重新认定、科小本年度尚未重新评价入库；仍可申报，不调出），见“提醒”列`);
  out.push("");

  // 目标完成情况
  out.push(`三、目标完成情况（${r.targets.policy.title}，${r.targets.policy.from} 至 ${r.targets.policy.to}）：`);
  const rows = r.targets.indicators.map((i) => [
    i.qualifier ? `${i.name}（${i.qualifier}）` : i.name,
    `${i.target}${i.unit}`,
    i.actual === null ? "—" : String(i.actual),
    formatPercent(i.completion),
    i.status,
  ]);
  for (const line of textTable(["指标", "目标", "实际", "完成率", "状态"], rows, [false, true, true, true, false])) out.push(`  ${line}`);
  if (r.targets.missingLedgers.length > 0) out.push(`  缺少台账：${r.targets.missingLedgers.join("、")}`);
  out.push("");

  // 奖励
  const t = r.awards.totals;
  out.push(`四、奖励测算：${t.total.count} 笔，合计 ${formatWan(t.total.amount)} 万元（本次新写入 KJ.AWARD 公式 ${r.awards.formulasWritten} 个，汇总见“${r.awards.summarySheet ?? "奖励汇总"}”工作表）`);
  const byYear = Object.keys(t.byYear).sort().map((y) => `${y} 年 ${formatWan(t.byYear[y].amount)} 万元（${t.byYear[y].count} 笔）`);
  if (byYear.length) out.push(`  按年度：${byYear.join("；")}`);
  const byStatus = Object.keys(t.byStatus).sort().map((k) => `${k} ${formatWan(t.byStatus[k].amount)} 万元（${t.byStatus[k].count} 笔）`);
  if (byStatus.length) out.push(`  按拨付状态：${byStatus.join("；")}`);
  const items = Object.values(t.byItem).sort((a, b) => b.amount.comparedTo(a.amount));
  for (const line of textTable(["奖励事项", "笔数", "金额（万元）"], items.map((x) => [x.name, formatCount(x.count), formatWan(x.amount)]), [false, true, true])) {
    out.push(`  ${line}`);
  }
  const problems = r.awards.rows.filter((x) => x.problem !== null);
  if (problems.length) {
    out.push(`  无法计算的行（${problems.length} 行，前 ${Math.min(SHOWN, problems.length)} 行）：`);
    for (const p of problems.slice(0, SHOWN)) out.push(`    ${p.sheet} 第 ${p.row} 行 ${p.name}：${p.problem}`);
  }
  out.push("");

  // 重算
  out.push("五、公式重算：");
  for (const line of recalcSummaryLines(r.recalc)) out.push(`  ${line}`);
  out.push("");
  out.push(`完成。用 Excel 或 WPS 打开 ${r.result} 查看标记、调出建议、目标完成情况和奖励汇总。`);
  return out;
}

/** The --json summary. */
export function demoJson(r: DemoResult): object {
  const issues = r.validation.sheets.flatMap((s) => s.issues);
  return {
    asOf: formatDay(r.asOf),
    input: r.input,
    result: r.result,
    validation: {
      errors: issues.filter((i) => i.severity === "error").length,
      warnings: issues.filter((i) => i.severity === "warning").length,
      sheets: r.validation.sheets.map((s) => ({ sheet: s.sheet, kind: s.kind, rows: s.rows, counts: s.counts })),
    },
    upkeep: {
      classes: r.upkeep.classes,
      suggestions: r.upkeep.suggestions.map((s) => ({ sheet: s.sheet, row: s.row, name: s.name, reasons: s.reasons.map((x) => x.text) })),
      reminders: r.upkeep.reminders.map((s) => ({ sheet: s.sheet, row: s.row, name: s.name, reasons: s.reasons.map((x) => x.text) })),
    },
    targets: r.targets.indicators.map((i) => ({ key: i.key, name: i.name, target: i.target, actual: i.actual, completion: i.completion, status: i.status })),
    awards: { count: r.awards.totals.total.count, total: r.awards.totals.total.amount.toNumber(), formulasWritten: r.awards.formulasWritten },
    recalc: { formulas: r.recalc.formulas, errors: r.recalc.errors, unsupported: r.recalc.unsupported },
  };
}

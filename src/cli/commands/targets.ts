import { Command } from "commander";
import { formatPercent } from "../../format";
import { upkeepPackFor } from "../../policy/upkeep-schema";
import { computeTargets, IndicatorResult, TargetsReport } from "../../jobs/targets";
import { Io, parseDateOption } from "../common";
import { CliError, EXIT } from "../../errors";
import { run } from "../run";
import { addEdits, checkOutPath, issueText, openForJob, printNotices, saveResult, shownName } from "./job-io";
import { loadPolicyFiles, policiesForWorkbook, withPolicyOption } from "../policy-io";

export interface TargetsOptions {
  asOf?: string;
  out?: string;
  json?: boolean;
  policy?: string[];
}

export function registerTargets(program: Command, io: Io): void {
  const cmd = program
    .command("targets")
    .description("目标完成情况：按三年行动计划的各项指标，从台账统计实际数、完成率、差距和分年数，并按镇街、主管部门分解")
    .argument("<台账.xlsx>", "含企业培育库、创新平台、人才、科技计划项目台账的工作簿（只读取，不会被修改）")
    .option("--as-of <YYYY-MM-DD>", "评价日期：存量指标按这一天有效的数量计；默认今天")
    .option("--out <结果.xlsx>", "另存一份副本，写入（或更新）“目标完成情况”工作表")
    .option("--json", "以 JSON 输出");
  withPolicyOption(cmd)
    .addHelpText(
      "after",
      "\n政策：按评价日所在的计划政策包统计；工作簿中保存的政策包（任务窗格“政策”页或 kj policy store 保存）和 --policy 给出的政策包一并使用。\n" +
        "退出码：0 全部指标达成；1 有指标未达成或缺少台账（缺少的台账不按 0 计，会写明）；2 无法统计（文件不存在、不是 .xlsx、没有任何台账、日期无法识别、政策包有误）。\n" +
        "示例：kj targets 台账.xlsx --as-of 2024-12-31 --out 目标完成情况.xlsx",
    )
    .action((file: string, opts: TargetsOptions) => run(io, Boolean(opts.json), () => targetsCommand(file, opts, io)));
}

/** The body of `kj targets`; resolves to the exit code. */
export async function targetsCommand(file: string, opts: TargetsOptions, io: Io): Promise<number> {
  const asOf = parseDateOption(opts.asOf, "评价日期") ?? io.today();
  checkOutPath(opts.out);
  const extra = loadPolicyFiles(opts.policy);
  const opened = await openForJob(file, undefined, io.err);
  const policies = policiesForWorkbook(opened.snapshot, file, extra);
  const { report, edits } = computeTargets(opened.snapshot, { asOf }, policies.plans, upkeepPackFor(asOf, policies.upkeep).rules);
  if (report.indicators.every((i) => i.status === "缺少台账")) {
    throw new CliError("no_ledger", `“${shownName(file)}”中没有找到企业培育库、创新平台、人才或科技计划项目台账，无法统计目标完成情况`);
  }
  let written: string | undefined;
  if (opts.out !== undefined) {
    await addEdits(opened, edits);
    written = await saveResult(opened, opts.out);
    printNotices(io, opened);
  }
  if (opts.json) io.out(JSON.stringify(targetsJson(file, report, written)));
  else printTargets(io, file, report, written);
  return report.indicators.every((i) => i.status === "达成") ? EXIT.ok : EXIT.findings;
}

/** The --json document: { file, asOf, policy, indicators: [{ key, name, target, actual, completion, byYear, ... }], missingLedgers }. */
export function targetsJson(file: string, r: TargetsReport, out?: string): object {
  return {
    file,
    asOf: r.asOf,
    policy: r.policy,
    indicators: r.indicators.map((i) => ({
      key: i.key,
      name: i.name,
      target: i.target,
      unit: i.unit,
      kind: i.kind,
      actual: i.actual,
      completion: i.completion,
      gap: i.gap,
      status: i.status,
      byYear: i.byYear,
      byTown: i.byTown,
      byDepartment: i.byDepartment,
      note: i.note,
      allocations: i.allocations.map((a) => ({
        unit: a.unit,
        unitKind: a.unitKind,
        unitLabel: a.unitLabel,
        year: a.year,
        target: a.target,
        actual: a.actual,
        completion: a.completion,
        status: a.status,
        rank: a.rank,
        gap: a.gap,
        row: a.row,
        note: a.note,
      })),
    })),
    allocation: {
      sheet: r.allocation.sheet,
      years: r.allocation.years,
      units: r.allocation.units.map((u) => ({ year: u.year, unitKind: u.unitKind, unitLabel: u.unitLabel, unit: u.unit, allocations: u.counted + u.unknown, reached: u.reached, unknown: u.unknown, completion: u.completion, rank: u.rank })),
      rule: r.allocation.rule,
      issues: r.allocation.issues.map((i) => ({ sheet: i.sheet, row: i.row, column: i.column, field: i.field, severity: i.severity, message: i.message })),
    },
    missingLedgers: r.missingLedgers,
    rules: r.rules,
    issues: r.issues.map((i) => ({ sheet: i.sheet, row: i.row, column: i.column, field: i.field, severity: i.severity, message: i.message })),
    ...(out !== undefined ? { out } : {}),
  };
}

function line(i: IndicatorResult, years: number[]): string {
  const actual = i.actual === null ? "—" : String(i.actual);
  const perYear = years.map((y) => `${y}:${i.byYear[String(y)] ?? "—"}`).join(" ");
  const name = i.qualifier ? `${i.name}（${i.qualifier}）` : i.name;
  return `  ${name}：目标 ${i.target}${i.unit}，实际 ${actual}，完成率 ${formatPercent(i.completion)}，${i.status}${i.gap ? `，尚差 ${i.gap}` : ""}（${i.kindLabel}；${perYear}）${i.note ? ` ${i.note}` : ""}`;
}

function printTargets(io: Io, file: string, r: TargetsReport, out?: string): void {
  io.out(`目标完成情况“${shownName(file)}”，评价日期 ${r.asOf}（${r.policy.title}，${r.policy.from} 至 ${r.policy.to}）`);
  for (const rule of r.rules) io.out(`口径：${rule}`);
  if (r.missingLedgers.length > 0) io.out(`缺少台账：${r.missingLedgers.join("、")}（相关指标未计数，不按 0 计）`);
  io.out("");
  for (const i of r.indicators) io.out(line(i, r.years));
  const reached = r.indicators.filter((i) => i.status === "达成").length;
  io.out("");
  io.out(`共 ${r.indicators.length} 项指标，已达成 ${reached} 项。`);
  const a = r.allocation;
  if (a.sheet !== null) {
    io.out("");
    io.out(`目标分解（“${a.sheet}”）：`);
    if (a.units.length === 0) io.out("  没有可采用的目标分解行");
    for (const u of a.units) {
      io.out(`  ${u.year}年 ${u.unitLabel} 第 ${u.rank ?? "—"} 名 ${u.unit}：综合完成率 ${formatPercent(u.completion)}，分解指标 ${u.counted + u.unknown} 项，已达成 ${u.reached} 项${u.unknown > 0 ? `，${u.unknown} 项无法计数` : ""}`);
    }
    if (a.issues.length > 0) {
      io.out(`“${a.sheet}”中有 ${a.issues.length} 行未采用：`);
      for (const i of a.issues.slice(0, 50)) io.out(`  ${issueText(i)}`);
    }
  }
  if (r.issues.length > 0) {
    io.out(`无法读取的单元格 ${r.issues.length} 处（相应行未计入）：`);
    for (const i of r.issues.slice(0, 50)) io.out(`  ${issueText(i)}`);
    if (r.issues.length > 50) io.out(`  ……另有 ${r.issues.length - 50} 处，可用 --json 查看全部`);
  }
  if (out !== undefined) io.out(`已另存：${out}（写入“目标完成情况”工作表；原文件未改动）`);
}

import { Command } from "commander";
import { formatCount, formatWan } from "../../format";
import { AwardsReport, fillAwards, Total, totalsJson } from "../../jobs/awards";
import { Io, parseDateOption } from "../common";
import { CliError, EXIT } from "../../errors";
import { run } from "../run";
import { addEdits, checkOutPath, issueText, openForJob, printNotices, saveResult, shownName } from "./job-io";
import { loadPolicyFiles, policiesForWorkbook, withPolicyOption } from "../policy-io";

export interface AwardsOptions {
  out?: string;
  json?: boolean;
  sheet?: string;
  asOf?: string;
  policy?: string[];
}

export function registerAwards(program: Command, io: Io): void {
  const cmd = program
    .command("awards")
    .description("奖励测算：在奖励台账的“奖励金额（万元）”列填入 =KJ.AWARD(…) 公式，标出无法测算的行，并生成随台账更新的“奖励汇总”工作表")
    .argument("<台账.xlsx>", "含奖励台账的工作簿（只读取，不会被修改）")
    .option("--out <结果.xlsx>", "另存一份副本：写入公式（已算出结果）、标记和“奖励汇总”；不加则只打印测算结果")
    .option("--sheet <名称>", "只处理这个奖励台账工作表")
    .option("--as-of <YYYY-MM-DD>", "重算公式时用的今天日期；默认今天（奖励金额按各行的认定日期选择政策，与它无关）")
    .option("--json", "以 JSON 输出");
  withPolicyOption(cmd)
    .addHelpText(
      "after",
      "\n手工填写的奖励金额不会被改写，只作标记；只有空单元格和已有的 KJ.AWARD 公式会写入公式。\n" +
        "政策：各行按认定日期选择政策包；工作簿中保存的政策包和 --policy 给出的政策包一并使用（--policy 只用于本次测算和重算，不写进工作簿；要保存进工作簿用 kj policy store）。\n" +
        "退出码：0 每一行都能测算；1 有无法测算的行（事项、日期或计算依据有误）；2 无法处理（文件不存在、不是 .xlsx、没有奖励台账）。\n" +
        "示例：kj awards 奖励台账.xlsx --out 奖励测算.xlsx",
    )
    .action((file: string, opts: AwardsOptions) => run(io, Boolean(opts.json), () => awardsCommand(file, opts, io)));
}

/** The body of `kj awards`; resolves to the exit code. */
export async function awardsCommand(file: string, opts: AwardsOptions, io: Io): Promise<number> {
  const asOf = parseDateOption(opts.asOf, "日期") ?? io.today();
  checkOutPath(opts.out);
  const extra = loadPolicyFiles(opts.policy);
  const opened = await openForJob(file, opts.sheet, io.err);
  const policies = policiesForWorkbook(opened.snapshot, file, extra);
  const { report, edits } = fillAwards(opened.snapshot, { asOf, sheet: opts.sheet, policiesGiven: extra.length > 0 }, policies.plans);
  if (report.sheets.length === 0) throw new CliError("no_ledger", `“${shownName(file)}”中${report.notes.join("；")}`);
  let written: string | undefined;
  if (opts.out !== undefined) {
    await addEdits(opened, edits);
    // The job gives every formula its exact cached result (so the copy shows amounts in any
    // viewer) and the package is written as it is; only when it could not (a user's formula it
    // reads, see report.recalcReason) is the whole copy recalculated, and the clerk told why.
    if (report.recalcReason !== null) opened.notices.push(`已重算整个工作簿：${report.recalcReason}`);
    written = await saveResult(opened, opts.out, { recalcToday: report.recalcReason !== null ? asOf : undefined, today: asOf, extraPolicies: extra });
    printNotices(io, opened);
  }
  if (opts.json) io.out(JSON.stringify(awardsJson(file, report, written)));
  else printAwards(io, file, report, written);
  return report.issues.some((i) => i.severity === "error") ? EXIT.findings : EXIT.ok;
}

/** The --json document: { file, sheets, totals: { total, byYear, byItem, byStatus }, rows, issues, ... }. */
export function awardsJson(file: string, r: AwardsReport, out?: string): object {
  return {
    file,
    sheets: r.sheets,
    totals: totalsJson(r.totals),
    formulasWritten: r.formulasWritten,
    typedAmounts: r.typedAmounts,
    rows: r.rows.map((x) => ({ ...x, amount: x.amount === null ? null : x.amount.toNumber(), amountText: x.amount === null ? null : x.amount.toString() })),
    issues: r.issues.map((i) => ({ sheet: i.sheet, row: i.row, column: i.column, field: i.field, severity: i.severity, message: i.message })),
    summarySheet: r.summarySheet,
    notes: r.notes,
    // With --out: why the copy had to be recalculated (null: every formula carries the value the job computed).
    ...(out !== undefined ? { out, recalculated: r.recalcReason } : {}),
  };
}

function money(t: Total): string {
  return `${formatCount(t.count)} 笔，${formatWan(t.amount)} 万元`;
}

function printAwards(io: Io, file: string, r: AwardsReport, out?: string): void {
  io.out(`奖励测算“${shownName(file)}”`);
  for (const s of r.sheets) io.out(`工作表“${s.sheet}”：数据 ${s.rows} 行，奖励金额在 ${s.amountColumn} 列`);
  for (const n of r.notes) io.out(`注意：${n}`);
  const t = r.totals;
  io.out(`合计：${money(t.total)}（可测算的行按政策金额计，手工填写的按所填金额计，无法测算的行只计笔数）`);
  io.out("按年度：" + Object.keys(t.byYear).sort().map((y) => `${y} ${money(t.byYear[y])}`).join("；"));
  io.out("按事项：" + Object.keys(t.byItem).sort().map((k) => `${t.byItem[k].name} ${money(t.byItem[k])}`).join("；"));
  io.out("按拨付状态：" + Object.keys(t.byStatus).sort().map((k) => `${k} ${money(t.byStatus[k])}`).join("；"));
  if (r.issues.length > 0) {
    io.out(`需要处理的单元格 ${r.issues.length} 处：`);
    for (const i of r.issues.slice(0, 200)) io.out(`  [${i.severity === "error" ? "错误" : "提示"}] ${issueText(i)}`);
    if (r.issues.length > 200) io.out(`  ……另有 ${r.issues.length - 200} 处，可用 --json 查看全部`);
  }
  if (out !== undefined) {
    io.out(`已另存：${out}（新写入 KJ.AWARD 公式 ${r.formulasWritten} 个，汇总见“${r.summarySheet}”工作表；原文件未改动）`);
  } else {
    io.out("用 --out 另存一份写入公式和“奖励汇总”的副本。");
  }
}

/**
 * kj rdsubsidies <台账.xlsx> --year Y [--out 结果.xlsx]: the 研发补助 job on a workbook — both schemes'
 * =KJ.RDSUBSIDY formulas in two columns of the 研发费用台账, marks on what cannot be computed, and
 * the 研发补助汇总 sheet (src/jobs/rdsubsidies.ts). The input is only read; --out writes a copy.
 */
import { Command } from "commander";
import { formatCount, formatWan } from "../../format";
import { fillRdSubsidies, RD_HEADERS, RdSubsidiesReport, RdTotal, rdTotalsJson, SCHEMES } from "../../jobs/rdsubsidies";
import { RD_SCHEME_NAMES } from "../../policy/rd";
import { Io, jsonNumber, parseDateOption } from "../common";
import { CliError, EXIT } from "../../errors";
import { run } from "../run";
import { addEdits, checkOutPath, issueText, openForJob, printNotices, saveResult, shownName } from "./job-io";
import { loadPolicyFiles, policiesForWorkbook, withPolicyOption } from "../policy-io";
import { parseYearOption } from "./rdsubsidy";

export interface RdSubsidiesOptions {
  year?: string;
  out?: string;
  json?: boolean;
  sheet?: string;
  asOf?: string;
  policy?: string[];
}

export function registerRdSubsidies(program: Command, io: Io): void {
  const cmd = program
    .command("rdsubsidies")
    .description("研发补助：在研发费用台账中为某一年度的每一行写入省级、市级研发补助公式 =KJ.RDSUBSIDY(…)，标出无法计算的行，并生成随台账更新的“研发补助汇总”工作表")
    .argument("<台账.xlsx>", "含研发费用台账的工作簿（只读取，不会被修改）")
    .requiredOption("--year <年度>", "补助哪一年的研发费用，如 2024（只处理台账中这一年度的行）")
    .option("--out <结果.xlsx>", "另存一份副本：写入公式（已算出结果）、标记和“研发补助汇总”；不加则只打印结果")
    .option("--sheet <名称>", "只处理这个研发费用台账工作表")
    .option("--as-of <YYYY-MM-DD>", "重算公式时用的今天日期；默认今天（研发补助按年度选择政策，与它无关）")
    .option("--json", "以 JSON 输出（每一行两项补助的金额和说明）");
  withPolicyOption(cmd)
    .addHelpText(
      "after",
      "\n手工填写的补助金额不会被改写，只作标记；只有空单元格和已有的 KJ.RDSUBSIDY 公式会写入公式；其他年度的行不动。\n" +
        "政策：按年度选择政策包（省级：鲁科字〔2022〕45号 2021—2023 年度，鲁科字〔2025〕25号 2024 年度起；市级：枣科字〔2025〕18号 2024 年度起）；工作簿中保存的政策包和 --policy 给出的政策包一并使用。\n" +
        "退出码：0 每一行都能计算；1 有无法计算的行（资料不全或无法识别，已标记）；2 无法处理（文件不存在、不是 .xlsx、没有研发费用台账、该年度两项补助都没有政策包）。\n" +
        "示例：kj rdsubsidies 研发费用台账.xlsx --year 2024 --out 研发补助.xlsx",
    )
    .action((file: string, opts: RdSubsidiesOptions) => run(io, Boolean(opts.json), () => rdSubsidiesCommand(file, opts, io)));
}

/** The body of `kj rdsubsidies`; resolves to the exit code. */
export async function rdSubsidiesCommand(file: string, opts: RdSubsidiesOptions, io: Io): Promise<number> {
  const year = parseYearOption(opts.year);
  const asOf = parseDateOption(opts.asOf, "日期") ?? io.today();
  checkOutPath(opts.out);
  const extra = loadPolicyFiles(opts.policy);
  const opened = await openForJob(file, opts.sheet, io.err);
  const policies = policiesForWorkbook(opened.snapshot, file, extra);
  const { report, edits } = fillRdSubsidies(opened.snapshot, { asOf, sheet: opts.sheet, year, reasons: Boolean(opts.json), policiesGiven: extra.length > 0 }, policies.rdPacks);
  if (report.sheets.length === 0) throw new CliError("no_ledger", `“${shownName(file)}”中${report.notes.join("；")}`);
  if (!report.policies.province && !report.policies.city) throw new CliError("no_policy", SCHEMES.map((s) => report.noPolicy[s]).join("；"));
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
  if (opts.json) io.out(JSON.stringify(rdSubsidiesJson(file, report, written)));
  else printReport(io, file, report, written);
  return report.issues.some((i) => i.severity === "error") ? EXIT.findings : EXIT.ok;
}

/** The --json document. */
export function rdSubsidiesJson(file: string, r: RdSubsidiesReport, out?: string): object {
  const cell = (c: RdSubsidiesReport["rows"][number]["province"]) => ({ ...c, amount: jsonNumber(c.amount), amountText: c.amount === null ? null : c.amount.toString() });
  return {
    file,
    year: r.year,
    sheets: r.sheets,
    policies: r.policies,
    noPolicy: r.noPolicy,
    totals: rdTotalsJson(r),
    formulasWritten: r.formulasWritten,
    typedAmounts: r.typedAmounts,
    rows: r.rows.map((x) => ({ ...x, province: cell(x.province), city: cell(x.city) })),
    issues: r.issues.map((i) => ({ sheet: i.sheet, row: i.row, column: i.column, field: i.field, severity: i.severity, message: i.message })),
    summarySheet: r.summarySheet,
    notes: r.notes,
    // With --out: why the copy had to be recalculated (null: every formula carries the value the job computed).
    ...(out !== undefined ? { out, recalculated: r.recalcReason } : {}),
  };
}

function totalText(t: RdTotal): string {
  return `${formatCount(t.rows)} 家中 ${formatCount(t.granted)} 家获补助，合计 ${formatWan(t.amount)} 万元${t.unknown > 0 ? `；${formatCount(t.unknown)} 家无法计算（已标记）` : ""}`;
}

function printReport(io: Io, file: string, r: RdSubsidiesReport, out?: string): void {
  io.out(`研发补助“${shownName(file)}”：${r.year} 年度研发费用`);
  for (const s of r.sheets) {
    io.out(`工作表“${s.sheet}”：${r.year} 年度 ${formatCount(s.rows)} 行${s.otherYears > 0 ? `（其他年度 ${formatCount(s.otherYears)} 行不处理）` : ""}，${RD_HEADERS.province}在 ${s.columns.province} 列，${RD_HEADERS.city}在 ${s.columns.city} 列`);
  }
  for (const s of SCHEMES) {
    const p = r.policies[s];
    io.out(p ? `依据（${RD_SCHEME_NAMES[s]}）：《${p.title}》（${p.docNo}，${p.years}）${p.provisional ? "，含暂定值（待核定）" : ""}` : `依据（${RD_SCHEME_NAMES[s]}）：${r.year} 年度无适用政策`);
  }
  for (const n of r.notes) io.out(`注意：${n}`);
  for (const s of SCHEMES) if (r.policies[s]) io.out(`${RD_SCHEME_NAMES[s]}：${totalText(r.totals[s])}`);
  if (r.byTown.length > 0) {
    io.out(
      "按镇街：" +
        r.byTown
          .map((t) => `${t.town} ${SCHEMES.filter((s) => r.policies[s]).map((s) => `${s === "province" ? "省级" : "市级"} ${formatWan(t[s].amount)} 万元（${formatCount(t[s].granted)} 家）`).join("、")}`)
          .join("；"),
    );
  }
  if (r.issues.length > 0) {
    io.out(`需要处理的单元格 ${formatCount(r.issues.length)} 处：`);
    for (const i of r.issues.slice(0, 200)) io.out(`  [${i.severity === "error" ? "错误" : "提示"}] ${issueText(i)}`);
    if (r.issues.length > 200) io.out(`  ……另有 ${r.issues.length - 200} 处，可用 --json 查看全部`);
  }
  if (out !== undefined) {
    io.out(`已另存：${out}（新写入 KJ.RDSUBSIDY 公式 ${formatCount(r.formulasWritten)} 个，汇总见“${r.summarySheet}”工作表；原文件未改动）`);
  } else {
    io.out("用 --out 另存一份写入公式和“研发补助汇总”的副本。");
  }
}

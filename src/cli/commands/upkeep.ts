import { Command } from "commander";
import { planUpkeep, removeFromPool, RemovalReport, undoRemoval, UndoReport, UpkeepReport, POOL_CLASSES } from "../../jobs/upkeep";
import { Io, parseDateOption } from "../common";
import { CliError, EXIT } from "../../errors";
import { run } from "../run";
import { addEdits, applyAndReread, checkOutPath, issueText, openForJob, saveResult, shownName } from "./job-io";

/** Text output lists at most this many suggestions; --json and --out always have all. */
const TEXT_LIMIT = 200;
/** Names listed in the one-line undo summary. */
const NAMES_SHOWN = 10;

export interface UpkeepOptions {
  asOf?: string;
  out?: string;
  json?: boolean;
  sheet?: string;
  remove?: boolean;
  undo?: string | boolean;
}

export function registerUpkeep(program: Command, io: Io): void {
  program
    .command("upkeep")
    .description("企业培育库动态管理：按评价日期给每家企业分类（新引进/新注册/入库/已认定），列出建议调出的企业及全部原因（只限计划列明的情形），以及需重新认定、重新入库的提醒")
    .argument("<台账.xlsx>", "含企业培育库的工作簿（只读取，不会被修改）")
    .option("--as-of <YYYY-MM-DD>", "评价日期；默认今天。年初更新培育库时用当年 1 月 1 日")
    .option("--out <结果.xlsx>", "另存一份副本：在台账右侧写入“建议调出”“调出原因”“提醒”三列（不覆盖原有列）")
    .option("--remove", "（需 --out）把建议调出的企业移到“调出记录”工作表：先写入调出记录，再从培育库删除")
    .option("--undo [批次号]", "（需 --out）撤销一次调出：把该批次（默认最近一批）的企业放回原来的行")
    .option("--sheet <名称>", "只处理这个工作表（默认所有企业培育库工作表）")
    .option("--json", "以 JSON 输出")
    .addHelpText(
      "after",
      "\n建议调出只限计划 二（一）3 列明的情形：重大安全事故、严重失信行为、列入经营异常名录，以及经营状态为注销/吊销/迁出。\n" +
        "高企证书到期、科小本年度尚未重新评价入库的企业仍可申报，只列为提醒，不建议调出。\n" +
        "退出码：0 没有建议调出的企业（只有提醒也是 0）；1 有建议调出的企业（或已按 --remove 调出）；2 无法处理（文件不存在、不是 .xlsx、没有企业培育库、日期无法识别）。\n" +
        "示例：kj upkeep 企业培育库.xlsx --as-of 2025-01-01\n" +
        "      kj upkeep 企业培育库.xlsx --as-of 2025-01-01 --out 调出后.xlsx --remove\n" +
        "      kj upkeep 调出后.xlsx --out 撤销后.xlsx --undo",
    )
    .action((file: string, opts: UpkeepOptions) => run(io, Boolean(opts.json), () => upkeepCommand(file, opts, io)));
}

/** The body of `kj upkeep`; resolves to the exit code. */
export async function upkeepCommand(file: string, opts: UpkeepOptions, io: Io): Promise<number> {
  const asOf = parseDateOption(opts.asOf, "评价日期") ?? io.today();
  checkOutPath(opts.out);
  if ((opts.remove || opts.undo !== undefined) && opts.out === undefined) {
    throw new CliError("out_required", "--remove 和 --undo 会改动台账，须用 --out 指定另存的文件（原文件不会被修改）");
  }
  if (opts.remove && opts.undo !== undefined) throw new CliError("remove_and_undo", "--remove 和 --undo 不能同时使用");
  const opened = await openForJob(file, opts.sheet, io.err);
  const jobOpts = { asOf, sheet: opts.sheet };

  let undo: UndoReport | null = null;
  if (opts.undo !== undefined) {
    // Undo first, on the file as it is; then the suggestions reflect the restored rows.
    const u = undoRemoval(opened.snapshot, jobOpts, typeof opts.undo === "string" ? opts.undo : undefined);
    undo = u.report;
    await applyAndReread(opened, u.edits);
  }
  const plan = planUpkeep(opened.snapshot, jobOpts);
  if (plan.report.sheets.length === 0) throw new CliError("no_ledger", `“${shownName(file)}”中${plan.report.notes.join("；")}`);
  let removal: RemovalReport | null = null;
  if (opts.out !== undefined) {
    if (opts.remove) {
      await applyAndReread(opened, plan.edits);
      const r = removeFromPool(opened.snapshot, jobOpts, plan.report.suggestions);
      removal = r.report;
      await addEdits(opened, r.edits);
    } else await addEdits(opened, plan.edits);
  }
  const written = opts.out !== undefined ? await saveResult(opened, opts.out) : undefined;

  if (opts.json) io.out(JSON.stringify(upkeepJson(file, plan.report, removal, undo, written)));
  else printUpkeep(io, file, plan.report, removal, undo, written);
  return plan.report.suggestions.length > 0 ? EXIT.findings : EXIT.ok;
}

/**
 * The --json document: { file, asOf, suggestions: [{ sheet, row, name, uscc, class, reasons: [{ code, text, cite }] }],
 * reminders: [same shape, reasons being the reminders], classes, ... }.
 */
export function upkeepJson(file: string, r: UpkeepReport, removal: RemovalReport | null, undo: UndoReport | null, out?: string): object {
  return {
    file,
    asOf: r.asOf,
    suggestions: r.suggestions.map((s) => ({ sheet: s.sheet, row: s.row, name: s.name, uscc: s.uscc, class: s.class, reasons: s.reasons })),
    reminders: r.reminders.map((s) => ({ sheet: s.sheet, row: s.row, name: s.name, uscc: s.uscc, class: s.class, reasons: s.reasons })),
    classes: r.classes,
    sheets: r.sheets,
    issues: r.issues.map((i) => ({ sheet: i.sheet, row: i.row, column: i.column, field: i.field, severity: i.severity, message: i.message })),
    ...(removal ? { removal } : {}),
    ...(undo ? { undo } : {}),
    ...(out !== undefined ? { out } : {}),
  };
}

function printUpkeep(io: Io, file: string, r: UpkeepReport, removal: RemovalReport | null, undo: UndoReport | null, out?: string): void {
  io.out(`动态管理“${shownName(file)}”，评价日期 ${r.asOf}（${r.policy}）`);
  if (undo) {
    io.out(
      undo.restored.length > 0
        ? `已撤销批次 ${undo.batchId}：${undo.restored.length} 家企业放回原行（${undo.restored.slice(0, NAMES_SHOWN).map((x) => `第 ${x.row} 行 ${x.name}`).join("、")}${undo.restored.length > NAMES_SHOWN ? " 等" : ""}）`
        : `没有需要撤销的调出${undo.batchId ? `（批次 ${undo.batchId} 已撤销或已在台账中）` : ""}${undo.notes.length ? "：" + undo.notes.join("；") : ""}`,
    );
  }
  for (const s of r.sheets) io.out(`工作表“${s.sheet}”：数据 ${s.rows} 行（第 ${s.headerRow} 行为表头）`);
  io.out(`企业分类：${POOL_CLASSES.map((c) => `${c} ${r.classes[c]} 家`).join("、")}`);
  if (r.suggestions.length === 0) io.out("没有建议调出的企业。");
  else {
    io.out(`建议调出 ${r.suggestions.length} 家：`);
    for (const s of r.suggestions.slice(0, TEXT_LIMIT)) {
      io.out(`  “${s.sheet}”第 ${s.row} 行 ${s.name || "（未填企业名称）"}${s.uscc ? `（${s.uscc}）` : ""}：${s.reasons.map((x) => `${x.text}〔${x.cite}〕`).join("；")}`);
    }
    if (r.suggestions.length > TEXT_LIMIT) io.out(`  ……另有 ${r.suggestions.length - TEXT_LIMIT} 家未列出，可用 --json 查看全部`);
  }
  if (r.reminders.length > 0) {
    io.out(`提醒 ${r.reminders.length} 家（仍可申报，不是调出原因）：`);
    for (const s of r.reminders.slice(0, TEXT_LIMIT)) {
      io.out(`  “${s.sheet}”第 ${s.row} 行 ${s.name || "（未填企业名称）"}${s.uscc ? `（${s.uscc}）` : ""}：${s.reasons.map((x) => `${x.text}〔${x.cite}〕`).join("；")}`);
    }
    if (r.reminders.length > TEXT_LIMIT) io.out(`  ……另有 ${r.reminders.length - TEXT_LIMIT} 家未列出，可用 --json 查看全部`);
  }
  if (r.issues.length > 0) {
    io.out(`无法判断的单元格 ${r.issues.length} 处（按无法判断处理，未作为调出原因）：`);
    for (const i of r.issues.slice(0, TEXT_LIMIT)) io.out(`  ${issueText(i)}`);
  }
  if (removal) {
    io.out(
      removal.batchId
        ? `已调出 ${removal.removed.length} 家（批次 ${removal.batchId}，调出日期 ${r.asOf}），记录在“调出记录”工作表，可用 --undo ${removal.batchId} 撤销`
        : "没有可调出的企业。",
    );
  }
  if (out !== undefined) io.out(`已另存：${out}（原文件未改动）`);
  else if (r.suggestions.length > 0 || r.reminders.length > 0) io.out(`用 --out 另存一份写入“建议调出”“调出原因”“提醒”三列的副本${r.suggestions.length > 0 ? "；加 --remove 同时调出" : ""}。`);
}

/**
 * kj merge: the town and department copies of the ledgers merged into one workbook (计划 三（一）).
 * The files are only read; the result is a new workbook written atomically (the first file's
 * package with the merged rows, the 来源文件 column and the 合并冲突 sheet). The merging itself
 * is the core job src/jobs/merge.ts, the same one the task pane runs.
 */
import { Command } from "commander";
import * as fs from "fs";
import * as path from "path";
import { computeMerge, MergeReport } from "../../jobs/merge";
import { CliError, EXIT } from "../../errors";
import { Io } from "../common";
import { progressBar } from "../progress-bar";
import { run } from "../run";
import { addEdits, checkOutPath, OpenedWorkbook, openForJob, saveResult, shownName } from "./job-io";

export interface MergeOptions {
  out?: string;
  json?: boolean;
}

/** Text output lists at most this many conflicts (the 合并冲突 sheet and --json have all). */
const LISTED = 30;

export function registerMerge(program: Command, io: Io): void {
  program
    .command("merge")
    .description("合并台账：把各镇街、各部门报来的台账合并为一个工作簿，每家企业（统一社会信用代码）一行，列出重复和冲突")
    .argument("<台账.xlsx...>", "要合并的工作簿，至少两个；第一个是合并的底本（冲突时保留排在前面的文件的值）。这些文件只读取，不会被修改")
    .option("--out <合并结果.xlsx>", "保存合并结果的新文件（必填）")
    .option("--json", "以 JSON 输出")
    .addHelpText(
      "after",
      "\n说明：台账按表头识别，列的顺序和写法（同义词）可以不同。企业培育库按统一社会信用代码合并；创新平台按平台名称 + 级别 + 依托单位，\n" +
        "      人才按姓名或团队 + 人才工程 + 入选年度 + 依托单位，科技计划项目按项目名称 + 承担单位 + 年度 + 级别，奖励按名称 + 奖励事项 + 认定日期。\n" +
        "      同一企业各文件填写不同的是冲突：保留第一个文件的值，\n" +
        "      全部列在“合并冲突”工作表；保留的行空白而其他文件有值的，补填并列出。没有有效代码的行照样保留并列出。\n" +
        "      每一行写上“来源文件”。第一个工作簿原有的行一律保留（其中的重复行不删除，只列出）。\n" +
        "退出码：0 合并完成，没有冲突；1 合并完成，有冲突、无效代码或原有重复需要人工处理；2 无法合并（文件不存在、不是 .xlsx、没有台账、缺少 --out）。\n" +
        "示例：kj merge 区汇总.xlsx 陶庄镇.xlsx 周营镇.xlsx 常庄街道.xlsx --out 合并台账.xlsx",
    )
    .action((files: string[], opts: MergeOptions) => run(io, Boolean(opts.json), () => mergeCommand(files, opts, io)));
}

function sameFile(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true;
  try {
    const sa = fs.statSync(a);
    const sb = fs.statSync(b);
    return sa.ino === sb.ino && sa.dev === sb.dev;
  } catch {
    return false;
  }
}

/** The body of `kj merge`; resolves to the exit code. */
export async function mergeCommand(files: string[], opts: MergeOptions, io: Io): Promise<number> {
  if (opts.out === undefined) throw new CliError("out_missing", "请用 --out 指定保存合并结果的新文件，例如 --out 合并台账.xlsx（各输入文件不会被修改）");
  checkOutPath(opts.out);
  if (files.length < 2) throw new CliError("merge_one_file", "请至少给出两个要合并的工作簿（第一个是合并的底本）");
  for (let i = 0; i < files.length; i++) {
    for (let j = 0; j < i; j++) {
      if (sameFile(files[i], files[j])) throw new CliError("merge_same_file", `“${files[i]}”给出了两次，请每个文件只写一次`);
    }
    if (sameFile(files[i], opts.out)) {
      throw new CliError("output_is_input", `输出文件不能是要合并的文件之一（${opts.out}）：输入文件不会被修改，请为合并结果另起一个文件名`);
    }
  }
  const names = files.map(shownName);
  const bar = progressBar(io.isTTY ? (s) => process.stderr.write(s) : null);
  let opened: OpenedWorkbook[];
  let report: MergeReport;
  try {
    opened = [];
    for (let i = 0; i < files.length; i++) {
      bar.update(i, files.length + 1, `读取 ${names[i]}`);
      opened.push(await openForJob(files[i], undefined, (line) => io.err(`${names[i]}：${line}`)));
    }
    bar.update(files.length, files.length + 1, "合并");
    const result = computeMerge(
      { file: names[0], snapshot: opened[0].snapshot },
      opened.slice(1).map((o, i) => ({ file: names[i + 1], snapshot: o.snapshot })),
    );
    report = result.report;
    if (report.ledgers.length === 0) {
      throw new CliError("no_ledger", `所给的文件中都没有找到台账（企业培育库、创新平台、人才、科技计划项目、奖励），无法合并`);
    }
    // The other files' snapshots are not needed any more.
    for (const o of opened.slice(1)) o.snapshot = { sheets: [] };
    await addEdits(opened[0], result.edits);
    bar.update(files.length, files.length + 1, "保存");
  } finally {
    bar.done();
  }
  const written = await saveResult(opened[0], opts.out);
  if (opts.json) io.out(JSON.stringify(mergeJson(report, written)));
  else printMerge(io, report, written);
  const needsPerson = report.conflicts.length > 0 || report.unidentified.length > 0 || report.duplicates.some((d) => d.leftInPlace.length > 0);
  return needsPerson ? EXIT.findings : EXIT.ok;
}

/** The --json document: { files, ledgers, rows, duplicates, conflicts: [{ code, name, column, values: [{ file, value }] }], filled, unidentified, out }. */
export function mergeJson(r: MergeReport, out?: string): object {
  return {
    files: r.files,
    ledgers: r.ledgers,
    rows: r.rows,
    duplicates: r.duplicates,
    conflicts: r.conflicts,
    filled: r.filled,
    unidentified: r.unidentified,
    copies: r.copies,
    issues: r.issues.map((i) => ({ severity: i.severity, message: i.message })),
    ...(out !== undefined ? { out } : {}),
  };
}

function printMerge(io: Io, r: MergeReport, out: string): void {
  io.out(`合并 ${r.files.length} 个文件：${r.files.map((f) => f.file).join("、")}（冲突时保留排在前面的文件的值）`);
  for (const l of r.ledgers) {
    io.out(`  ${l.title}（“${l.sheet}”${l.created ? "，新建" : ""}）：原有 ${l.before} 行，新增 ${l.added} 行，合并后 ${l.rows} 行${l.addedColumns.length > 0 ? `；新增列 ${l.addedColumns.join("、")}` : ""}`);
  }
  for (const i of r.issues) io.out(`  注意：${i.message}`);
  io.out(`重复 ${r.duplicates.length} 处，冲突 ${r.conflicts.length} 处，补填空白 ${r.filled.length} 处，无有效代码的行 ${r.unidentified.length} 行。`);
  if (r.conflicts.length > 0) {
    io.out("冲突（保留第一个值）：");
    for (const c of r.conflicts.slice(0, LISTED)) {
      const who = [c.code, c.name].filter((x) => x).join(" ");
      io.out(`  ${c.ledger} ${who}：${c.column} ${c.values.map((v) => `${v.file} 第 ${v.row} 行“${v.value}”`).join(" / ")}`);
    }
    if (r.conflicts.length > LISTED) io.out(`  ……另有 ${r.conflicts.length - LISTED} 处，见“合并冲突”工作表或 --json`);
  }
  const left = r.duplicates.filter((d) => d.leftInPlace.length > 0);
  if (left.length > 0) {
    io.out(`第一个工作簿内原有的重复 ${left.length} 处（未删除，请人工处理）：`);
    for (const d of left.slice(0, LISTED)) io.out(`  ${d.ledger} ${d.identity}：“${d.kept.sheet}”第 ${d.kept.row} 行，与 ${d.leftInPlace.map((p) => `第 ${p.row} 行`).join("、")}`);
  }
  if (r.unidentified.length > 0) {
    io.out("已保留但无有效代码（或无法判断是否重复）的行：");
    for (const u of r.unidentified.slice(0, LISTED)) io.out(`  ${u.from.file}“${u.from.sheet}”第 ${u.from.row} 行 ${u.name ?? ""}：${u.reason}`);
    if (r.unidentified.length > LISTED) io.out(`  ……另有 ${r.unidentified.length - LISTED} 行，见“合并冲突”工作表`);
  }
  io.out(`已保存：${out}（含“合并冲突”工作表；各输入文件未改动）`);
}

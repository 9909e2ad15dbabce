import { readFileSync } from "node:fs";
import { Command } from "commander";
import { formatDay } from "../../dates";
import { eligibilityOf, parseCategory, Verdict, whyText } from "../../rules";
import { Io, jsonErrorReason, parseDateOption } from "../common";
import { CliError, EXIT, fileErrorReason } from "../../errors";
import { run } from "../run";
import { policiesFromFiles, withPolicyOption } from "../policy-io";

/** Reads the --row JSON: a file path, or "-" for standard input. */
export function readRowJson(source: string, readStdin: () => string): Record<string, unknown> {
  let text: string;
  try {
    text = source === "-" ? readStdin() : readFileSync(source, "utf8");
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "文件不存在" : `无法读取：${fileErrorReason(e)}`;
    throw new CliError("bad_row", `企业资料文件“${source}”${why}`);
  }
  const json = text.replace(/^\uFEFF/, "");
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw new CliError("bad_row", `企业资料“${source}”不是有效的 JSON：${jsonErrorReason(e, json)}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new CliError("bad_row", `企业资料“${source}”应为一个 JSON 对象，以列名为键，如 {"职工总数": 120, "科技人员数": 30}`);
  }
  return parsed as Record<string, unknown>;
}

const MARK = { true: "✓", false: "✗", null: "?" } as const;

function printVerdict(v: Verdict, asOfNote: string, io: Io): void {
  io.out(`类别：${v.categoryName}（${v.policy.title}）`);
  io.out(`评价日期：${v.asOf}${asOfNote}`);
  io.out(`结论：${v.eligible === true ? "符合" : v.eligible === false ? "不符合" : "无法判断（待补充）"}`);
  if (v.scoreRange) {
    io.out(`得分：${v.score !== null ? `${v.score} 分` : `${v.scoreRange[0]}–${v.scoreRange[1]} 分（未能确定）`}`);
  }
  io.out("逐项检查：");
  for (const c of v.checks) {
    const role = c.role === "route" ? "［直接认定］" : "";
    io.out(`  ${MARK[String(c.passed) as "true" | "false" | "null"]} ${role}${c.label}：${c.actual}（要求 ${c.required}；${c.cite}）${c.note ? `\n      ${c.note}` : ""}`);
  }
  if (v.missing.length > 0) io.out(`待补充的栏目：${v.missing.join("、")}`);
  if (v.unverified.length > 0) {
    io.out("未核验（台账无法体现，需人工核对）：");
    for (const u of v.unverified) io.out(`  · ${u.text}（${u.cite}）：${u.why}`);
  }
  io.out(`说明：${whyText(v)}`);
}

export function registerEligible(program: Command, io: Io, readStdin: () => string = () => readFileSync(0, "utf8")): void {
  const cmd = program
    .command("eligible")
    .description("判断一家企业是否符合高新技术企业、科技型中小企业或科技小巨人企业的条件，并逐项说明原因")
    .argument("<类别>", "高企（高新技术企业）、科小（科技型中小企业）或 小巨人（科技小巨人企业）")
    .requiredOption("--row <file.json|->", "企业资料：JSON 对象，以台账列名（或其同义列名）为键；- 表示从标准输入读取")
    .option("--as-of <YYYY-MM-DD>", "评价日期；不填则用今天")
    .option("--json", "以 JSON 输出判断结果（eligible 为 true/false/null）");
  withPolicyOption(cmd)
    .addHelpText(
      "after",
      "\n退出码：0 已给出判断（无论符合与否）；2 输入有误（未知类别、JSON 无法读取、日期无法识别）。\n" +
        '示例：kj eligible 科小 --row row.json --json\n      echo \'{"职工总数": 120, "科技人员数": 30}\' | kj eligible 科小 --row -',
    )
    .action((category: string, opts: { row: string; asOf?: string; json?: boolean; policy?: string[] }) =>
      run(io, Boolean(opts.json), () => {
        // Check the cheap arguments first so a typo fails before reading the file.
        parseCategory(category);
        const given = parseDateOption(opts.asOf, "评价日期");
        const asOf = given ?? io.today();
        const policies = policiesFromFiles(opts.policy);
        const row = readRowJson(opts.row, readStdin);
        const v = eligibilityOf(category, row, asOf, policies.rulePacks);
        if (opts.json) {
          io.out(JSON.stringify({ ...v, why: whyText(v), asOfDefaulted: given === undefined }));
        } else {
          printVerdict(v, given === undefined ? `（未指定 --as-of，按今天 ${formatDay(asOf)} 评价）` : "", io);
        }
        return EXIT.ok;
      }),
    );
}

/**
 * kj rdsubsidy <方案> --row <file.json|-> --year <年度> [--policy F] [--json]: one enterprise's R&D
 * subsidy (研究开发财政补助, 计划 二（四）1) under the provincial or municipal scheme, like
 * `kj eligible`: the row is a JSON object keyed by ledger column names or synonyms.
 */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { readYear } from "../../ledger/cells";
import { formatWan } from "../../format";
import { parseRdScheme, RD_SCHEME_TITLES, rdPackFor } from "../../policy/rd";
import { RdResult, rdSubsidyOf, rdWhyText } from "../../rules/rd-subsidy";
import { Io, jsonNumber } from "../common";
import { CliError, EXIT } from "../../errors";
import { run } from "../run";
import { policiesFromFiles, withPolicyOption } from "../policy-io";
import { readRowJson } from "./eligible";

/** --year: a four-digit year (2024, 2024年). */
export function parseYearOption(raw: string | undefined, what = "年度"): number {
  if (raw === undefined) throw new CliError("no_year", `缺少 --year：请写明补助哪一年的研发费用，如 --year 2024`);
  const r = readYear(raw.trim());
  if (r.status !== "ok" || !/^\s*\d{4}\s*(年度?)?\s*$/.test(raw)) throw new CliError("bad_year", `${what}“${raw}”无法识别，请写四位年份，如 2024`);
  return r.value;
}

const MARK = { true: "✓", false: "✗", null: "?" } as const;

/** The --json document: at least { eligible, amount, base, rate, cap, provisional, policy, cite, checks }. */
export function rdResultJson(r: RdResult): object {
  return {
    scheme: r.scheme,
    schemeName: r.schemeName,
    year: r.year,
    eligible: r.eligible,
    amount: jsonNumber(r.amount),
    amountText: r.amount === null ? null : r.amount.toString(),
    base: jsonNumber(r.base),
    baseLabel: r.baseLabel,
    rate: jsonNumber(r.rate),
    rateLabel: r.rateLabel,
    computed: jsonNumber(r.computed),
    cap: jsonNumber(r.cap),
    floor: jsonNumber(r.floor),
    minimum: jsonNumber(r.minimum),
    applied: r.applied,
    provisional: r.provisional,
    provisionalItems: r.provisionalItems,
    policy: r.policy,
    cite: r.cite,
    checks: r.checks,
    missing: r.missing,
    steps: r.steps,
    why: rdWhyText(r),
    unverified: r.unverified,
  };
}

function printResult(r: RdResult, io: Io): void {
  io.out(`方案：${RD_SCHEME_TITLES[r.scheme]}，《${r.policy.title}》${r.policy.docNo ? `（${r.policy.docNo}）` : ""}`);
  io.out(`年度：${r.year}（补助 ${r.year} 年度的研发费用）`);
  const verdict = r.eligible === true ? (r.amount === null ? "符合条件，金额无法计算（待补充）" : `符合，补助 ${formatWan(r.amount)} 万元`) : r.eligible === false ? "不符合，补助 0 万元" : "无法判断（待补充）";
  io.out(`结论：${verdict}${r.provisional ? r.provisionalNotice : ""}`);
  io.out("逐项检查：");
  for (const c of r.checks) io.out(`  ${MARK[String(c.passed) as "true" | "false" | "null"]} ${c.label}：${c.actual}（要求 ${c.required}；${c.cite}）${c.note ? `\n      ${c.note}` : ""}`);
  if (r.steps.length > 0) {
    io.out("补助金额：");
    for (const s of r.steps) io.out(`  ${s}`);
  }
  if (r.missing.length > 0) io.out(`待补充的栏目：${r.missing.join("、")}`);
  if (r.provisional) io.out(`暂定值（待核定）：${r.provisionalItems.join("、")}`);
  io.out(`说明：${rdWhyText(r)}`);
  if (r.unverified.length > 0) {
    io.out("未核验（请人工核对）：");
    for (const u of r.unverified) io.out(`  ${u.text}（${u.cite}）：${u.why}`);
  }
}

export function registerRdSubsidy(program: Command, io: Io, readStdin: () => string = () => readFileSync(0, "utf8")): void {
  const cmd = program
    .command("rdsubsidy")
    .description("计算一家企业某一年度研发费用可获得的省级或市级研发补助（企业研究开发财政补助，计划 二（四）1），并逐项说明")
    .argument("<方案>", "省（山东省企业研究开发财政补助）或 市（枣庄市企业研究开发财政补助）")
    .requiredOption("--row <file.json|->", "企业资料：JSON 对象，以研发费用台账的列名（或其同义列名）为键；- 表示从标准输入读取")
    .requiredOption("--year <年度>", "补助哪一年的研发费用，如 2024（按它选择适用的政策）")
    .option("--json", "以 JSON 输出（eligible 为 true/false/null，amount 为补助万元）");
  withPolicyOption(cmd)
    .addHelpText(
      "after",
      "\n退出码：0 已给出结果（无论是否符合、是否待补充）；2 输入有误（未知方案、年度无法识别、JSON 无法读取、该年度没有政策包）。\n" +
        "示例：kj rdsubsidy 省 --row 企业.json --year 2024 --json\n" +
        "      echo '{\"研发费用\": \"260万元\", \"上年研发费用\": 200, \"主营业务收入\": \"5,000\", \"规上工业企业\": \"是\", \"享受研发费用加计扣除\": \"是\", \"上年享受研发费用加计扣除\": \"是\"}' | kj rdsubsidy 市 --row - --year 2024",
    )
    .action((scheme: string, opts: { row: string; year?: string; json?: boolean; policy?: string[] }) =>
      run(io, Boolean(opts.json), () => {
        // The cheap arguments first, so a typo fails before the file is read.
        const s = parseRdScheme(scheme);
        const year = parseYearOption(opts.year);
        const policies = policiesFromFiles(opts.policy);
        rdPackFor(s, year, policies.rdPacks);
        const row = readRowJson(opts.row, readStdin);
        const r = rdSubsidyOf(s, year, row, policies.rdPacks);
        if (opts.json) io.out(JSON.stringify(rdResultJson(r)));
        else printResult(r, io);
        return EXIT.ok;
      }),
    );
}

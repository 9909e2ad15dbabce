import { Command } from "commander";
import { formatWan } from "../../format";
import { computeAward, describeAwardRule, findAwardItem, planFor } from "../../policy/plans";
import { Io, jsonNumber, parseDateOption } from "../common";
import { EXIT } from "../../errors";
import { run } from "../run";
import { policiesFromFiles, withPolicyOption } from "../policy-io";

export function registerAward(program: Command, io: Io): void {
  const cmd = program
    .command("award")
    .description("计算一项认定可获得的区级奖励（万元），并给出政策依据")
    .argument("<事项>", "奖励事项：键名、中文名称、平台名称或简称，如 高企、国家重点实验室、院士工作站")
    .option("--basis <万元>", "计算依据（万元）：封顶或按比例的事项必填，如税收地方留成、省绩效奖励资金")
    .option("--date <YYYY-MM-DD>", "认定（获批）日期，用于选择适用的政策；不填则用最新政策")
    .option("--json", "以 JSON 输出");
  withPolicyOption(cmd)
    .addHelpText(
      "after",
      "\n退出码：0 已算出金额；2 无法计算（未知事项、缺少或错误的计算依据、日期无法识别、无适用政策、政策包有误）。\n" +
        "示例：kj award 国家重点实验室 --basis 250 --json\n" +
        "      kj award 高企 --date 2026-06-01 --policy 行动计划2025-2027.json",
    )
    .action((item: string, opts: { basis?: string; date?: string; json?: boolean; policy?: string[] }) =>
      run(io, Boolean(opts.json), () => {
        const date = parseDateOption(opts.date, "日期");
        const policies = policiesFromFiles(opts.policy);
        const r = computeAward({ item, basis: opts.basis, date }, policies.plans);
        const plan = planFor(date, policies.plans);
        const rule = describeAwardRule(findAwardItem(item, plan));
        if (opts.json) {
          io.out(
            JSON.stringify({
              item: r.item,
              name: r.name,
              amount: jsonNumber(r.amount),
              unit: r.unit,
              cap: jsonNumber(r.cap),
              basis: jsonNumber(r.basis),
              cite: r.cite,
              policy: r.policy,
            }),
          );
        } else {
          io.out(`${r.name}：${formatWan(r.amount)} 万元`);
          io.out(`规则：${rule}${r.basis !== null ? `；计算依据 ${formatWan(r.basis)} 万元` : ""}`);
          io.out(`依据：${r.policyTitle} ${r.cite}`);
          io.out(`原文：${r.text}`);
        }
        return EXIT.ok;
      }),
    );
}

/**
 * The shape of a plan policy pack (targets and awards): the file format staff and IT edit.
 * Checked with zod when loaded, so a typo in the data is refused with a Chinese message naming
 * the field (awards[2].rule.amount), never turned into a wrong amount. Amounts are decimal text
 * so that decimal.js reads them exactly. The JSON Schema editors use (schemas/kj-plan.schema.json)
 * is generated from this file, descriptions included; changes to the format are additive only,
 * so an edited copy of an older pack keeps loading.
 */
import { z } from "zod";
import { lookupKey } from "../text";
import { cite, decimalText, isoDate, isRealIsoDate, names, schemaRef, text } from "./pack-fields";

/** The award rule types, with their names in Chinese (for messages and documentation). */
export const AWARD_RULE_TYPES = { fixed: "固定金额", capped: "按计算依据、封顶", rate: "按计算依据的比例" } as const;

const ruleTypeList = Object.entries(AWARD_RULE_TYPES)
  .map(([k, v]) => `${k}（${v}）`)
  .join("、");

export const awardRuleSchema = z
  .discriminatedUnion(
    "type",
    [
      z
        .object({
          type: z.literal("fixed").describe("fixed：固定金额"),
          amount: decimalText("amount（奖励金额，万元）"),
        })
        .strict()
        .describe("固定金额：奖励 amount 万元"),
      z
        .object({
          type: z.literal("capped").describe("capped：按计算依据，最高 cap 万元"),
          cap: decimalText("cap（封顶金额，万元）"),
        })
        .strict()
        .describe("按计算依据（basis）给予，最高不超过 cap 万元：金额 = min(计算依据, cap)"),
      z
        .object({
          type: z.literal("rate").describe("rate：计算依据 × rate"),
          rate: decimalText("rate（比例，如 0.2 表示 20%）"),
        })
        .strict()
        .describe("按计算依据的比例：金额 = 计算依据 × rate"),
    ],
    {
      errorMap: (issue, ctx) =>
        issue.code === "invalid_union_discriminator"
          ? { message: `未知的奖励规则类型，可用：${ruleTypeList}` }
          : { message: ctx.defaultError },
    },
  )
  .describe(`奖励规则：type 为 ${ruleTypeList}`);

const itemKey = z
  .string({ required_error: "缺少 key（键名，小写英文字母和下划线，如 hitech_new）", invalid_type_error: "key（键名）应为文字" })
  .regex(/^[a-z_]+$/, "key（键名）只能用小写英文字母和下划线，如 hitech_new");

export const awardItemSchema = z
  .object({
    key: itemKey.describe("键名：小写英文字母和下划线，同一政策包内不重复，如 hitech_new"),
    name: text("name（奖励事项的中文名称）", 2).describe("奖励事项的中文名称，如“新认定的国家级高新技术企业”；台账“奖励事项”列可直接写它"),
    aliases: names("aliases（简称）").describe("简称：台账里常见的其他写法，如 [\"高企\", \"高新技术企业\"]；没有时写 []"),
    members: names("members（所含平台名称）").describe("一组平台合用一项奖励时，组内各平台的名称（如 国家重点实验室）；没有时写 []"),
    rule: awardRuleSchema,
    basis: text("basis（计算依据的名称）", 2).optional().describe("计算依据是什么，如“科研成果产业化形成的税收地方留成”；capped 与 rate 规则必填"),
    once: z.boolean({ required_error: "缺少 once（是否一次性奖励：true 或 false）", invalid_type_error: "once 应为 true 或 false（不带引号）" }).describe("是否一次性奖励：true 表示同一单位只奖励一次"),
    cite,
    text: text("text（政策原文）", 4).describe("政策原文（整句摘录），显示在奖励说明中"),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.rule.type !== "fixed" && (a.basis === undefined || a.basis.trim() === "")) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["basis"], message: `缺少 basis（计算依据的名称）：${a.rule.type} 规则按计算依据计算，须写明依据是什么` });
    }
  })
  .describe("一项奖励");

export const TARGET_KINDS = { stock: "存量（按评价日有效的数量计）", flow: "流量（计划期内累计）", flow_per_year: "每年流量（每年都要达到）" } as const;
export const LEDGER_NAMES = { enterprise: "企业培育库", platform: "创新平台", talent: "人才", project: "科技计划项目" } as const;

const listOf = (o: Record<string, string>) =>
  Object.entries(o)
    .map(([k, v]) => `${k}（${v}）`)
    .join("、");

export const targetSchema = z
  .object({
    key: itemKey.describe("指标键名，如 hitech、sme；KJ 按键名选择计数规则（见 README“政策包”一节的键名表）"),
    name: text("name（指标名称）", 2).describe("指标名称，如“高新技术企业”"),
    aliases: names("aliases（简称）").describe("简称，如 [\"高企\"]；没有时写 []"),
    target: z
      .number({ required_error: "缺少 target（目标值）", invalid_type_error: "target（目标值）应为正整数，不带引号，如 60" })
      .int("target（目标值）应为整数")
      .positive("target（目标值）应大于 0")
      .describe("目标值：正整数，不带引号，如 60"),
    unit: text("unit（单位，如 家、个、项、人）").describe("单位，如 家、个、项、人"),
    kind: z
      .enum(["stock", "flow", "flow_per_year"], { errorMap: () => ({ message: `kind（口径）应为 ${listOf(TARGET_KINDS)} 之一` }) })
      .describe(`口径：${listOf(TARGET_KINDS)}`),
    ledger: z
      .enum(["enterprise", "platform", "talent", "project"], { errorMap: () => ({ message: `ledger（台账）应为 ${listOf(LEDGER_NAMES)} 之一` }) })
      .describe(`从哪个台账计数：${listOf(LEDGER_NAMES)}`),
    qualifier: text("qualifier（目标的措辞）").optional().describe("计划原文对软目标的措辞，如“争取”“力争”；硬目标不写"),
    cite,
    countedFrom: text("countedFrom（计数口径说明）").describe("计数口径的文字说明，写在目标完成情况表上，如“企业培育库：科小入库年度 = 当年”"),
  })
  .strict()
  .describe("一项目标");

export const planPackSchema = z
  .object({
    $schema: schemaRef,
    id: z
      .string({ required_error: "缺少 id（政策包编号，如 xuecheng-plan-2025-2027）", invalid_type_error: "id（政策包编号）应为文字" })
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "id（政策包编号）只能用英文字母、数字、点、横线和下划线，如 xuecheng-plan-2025-2027")
      .describe("政策包编号：英文字母、数字、横线，如 xuecheng-plan-2025-2027；建议每个政策包不同"),
    title: text("title（政策名称）", 2).describe("政策名称，如“科技支持工业强区三年攻坚突破行动计划（2022—2024）”"),
    issuer: text("issuer（发文单位）", 2).describe("发文单位，如“薛城区”"),
    period: z
      .object(
        {
          from: isoDate("period.from（政策期起始日）"),
          to: isoDate("period.to（政策期结束日）"),
        },
        { required_error: "缺少 period（政策期，如 {\"from\": \"2025-01-01\", \"to\": \"2027-12-31\"}）", invalid_type_error: "period（政策期）应为 {\"from\": \"YYYY-MM-DD\", \"to\": \"YYYY-MM-DD\"}" },
      )
      .strict()
      .superRefine((p, ctx) => {
        if (isRealIsoDate(p.from) && isRealIsoDate(p.to) && p.from > p.to) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `政策期起止颠倒：起始日 ${p.from} 晚于结束日 ${p.to}` });
      })
      .describe("政策期：认定日期（或年度）在 from 至 to 之间（含两端）的事项按本政策包计算"),
    provisional: z.boolean({ invalid_type_error: "provisional 应为 true 或 false（不带引号）" }).optional().describe("数值是否为暂定（待核定）：true 时在列表中标明“暂定”"),
    note: text("note（备注）").optional().describe("备注，如“经区政府常务会议研究，2025—2027 年延续原奖励标准”"),
    source: text("source（原文出处）", 2).describe("原文出处：文件名、文号或存放位置"),
    awards: z
      .array(awardItemSchema, { required_error: "缺少 awards（奖励事项列表）", invalid_type_error: "awards 应为奖励事项的列表 [ … ]" })
      .min(1, "awards 至少要有一项奖励")
      .describe("奖励事项（政策激励），每项一个对象"),
    targets: z
      .array(targetSchema, { required_error: "缺少 targets（目标列表；没有目标时写 []）", invalid_type_error: "targets 应为目标的列表 [ … ]" })
      .describe("目标任务，每项一个对象；没有时写 []"),
  })
  .strict()
  .superRefine((pack, ctx) => {
    const unique = (list: { key: string }[], where: "awards" | "targets") => {
      const first = new Map<string, number>();
      list.forEach((x, i) => {
        const prior = first.get(x.key);
        if (prior !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [where, i, "key"], message: `键名“${x.key}”重复：${where}[${prior}] 已经用了这个键名` });
        else first.set(x.key, i);
      });
    };
    unique(pack.awards, "awards");
    unique(pack.targets, "targets");
    // Every name an item is found by must name only that item.
    const named = (list: { key: string; name: string; aliases: string[]; members?: string[] }[], where: "awards" | "targets") => {
      const owner = new Map<string, number>();
      list.forEach((x, i) => {
        const all: [string, (string | number)[]][] = [
          [x.key, ["key"]],
          [x.name, ["name"]],
          ...(x.members ?? []).map((m, j): [string, (string | number)[]] => [m, ["members", j]]),
          ...x.aliases.map((a, j): [string, (string | number)[]] => [a, ["aliases", j]]),
        ];
        for (const [n, path] of all) {
          const k = lookupKey(n);
          if (k === "") continue;
          const prior = owner.get(k);
          // A repeated key is reported once, as a repeated key (above).
          if (prior !== undefined && prior !== i && !(path[0] === "key" && list[prior].key === x.key)) {
            ctx.addIssue({ code: z.ZodIssueCode.custom, path: [where, i, ...path], message: `名称“${n}”重复：${where}[${prior}]（${list[prior].key}）已用它，同一名称只能指一项` });
          } else owner.set(k, i);
        }
      });
    };
    named(pack.awards, "awards");
    named(pack.targets, "targets");
  })
  .describe("KJ 计划政策包：一个政策期内的奖励事项与目标任务");

export type AwardRule = z.infer<typeof awardRuleSchema>;
export type AwardItem = z.infer<typeof awardItemSchema>;
export type Target = z.infer<typeof targetSchema>;
export type PlanPack = z.infer<typeof planPackSchema>;

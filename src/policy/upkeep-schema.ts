/**
 * The upkeep pack format (企业培育库动态管理, DOMAIN §6): how long a 高企 certificate and a 科小
 * registration last, what counts as a new registration, which business states end a firm's place
 * in the pool, the removal causes (建议调出: only the plan's, 计划 二（一）3, each reading one
 * negative-list column of the enterprise ledger) and the reminders (提醒), each with its citation.
 * The built-in pack is src/policy/packs/pool-upkeep.json; a successor is one more file loaded with
 * --policy or stored in the workbook (registry.ts), in force from its effectiveFrom until the next
 * upkeep pack starts.
 *
 * Example: a successor that also removes firms with 严重环境违法 adds
 *   { "code": "env_violation", "field": "envViolation", "text": "有严重环境违法行为", "cite": "…" }
 * to `reasons`.
 */
import { z, ZodError } from "zod";
import { DayNumber, dayFromParts, formatDay } from "../dates";
import { KjError } from "../errors";
import { ENTERPRISE } from "../ledger/catalogue";
import { HOW_TO_ADD_POLICY, PackError, PackOrigin, problemsFromZod } from "./pack-errors";
import { cite, isoDate, isRealIsoDate, names, schemaRef, text } from "./pack-fields";

/** The reminders KJ knows how to compute (each reads its own column). */
export const REMINDER_CODES = ["hitech_expired", "sme_not_renewed"] as const;
/** The column each reminder reads. */
export const REMINDER_FIELDS: Record<(typeof REMINDER_CODES)[number], string> = { hitech_expired: "hitechDate", sme_not_renewed: "smeYear" };
/** The removal cause that reads 经营状态 (the others read a yes/no negative-list column). */
export const BUSINESS_CLOSED = "business_closed";
export const BUSINESS_STATE_FIELD = "businessState";
/** The built-in causes: the plan's three and a business that has ended. */
export const REMOVAL_CODES = ["safety_accident", "dishonest", "abnormal_list", BUSINESS_CLOSED] as const;

/** Negative-list columns of the enterprise ledger a removal cause can read (是 = the cause applies). */
export const FLAG_FIELDS: readonly string[] = ENTERPRISE.fields.filter((f) => f.type.t === "flag").map((f) => f.id);

/** When an upkeep pack does not say: the plan's first day (计划 二（一）3 applies from then). */
export const DEFAULT_UPKEEP_FROM = "2022-01-01";

function cited<T extends z.ZodTypeAny>(what: string, value: T) {
  return z
    .object(
      {
        value,
        unit: z.string({ invalid_type_error: `${what}.unit（单位）应为文字` }).optional().describe("单位，如“年”"),
        cite,
        note: z.string({ invalid_type_error: `${what}.note（说明）应为文字` }).optional().describe("取值说明"),
      },
      { required_error: `缺少 ${what}`, invalid_type_error: `${what} 应为 { "value": …, "cite": "…" }` },
    )
    .strict();
}

const years = (what: string) =>
  z
    .number({ required_error: `缺少 ${what}.value（年数）`, invalid_type_error: `${what}.value（年数）应为正整数，不带引号，如 3` })
    .int(`${what}.value（年数）应为正整数，如 3`)
    .positive(`${what}.value（年数）应为正整数，如 3`)
    .describe("年数（正整数）");

const causeBase = {
  /** The ledger field the cause reads. */
  field: text("field（读取的台账字段编号）").describe("读取的台账字段编号：调出原因为否定性名单列（是 = 适用，如 dishonest）或 businessState（经营状态）；提醒为 hitechDate 或 smeYear"),
  text: text("text（原因文字）", 2).describe("写入“调出原因”或“提醒”列的文字，可含 {state}、{date}、{years}、{end}、{year}、{last} 等占位符"),
  cite,
  quote: z.string({ invalid_type_error: "quote（原文）应为文字" }).optional().describe("所依据条款的原文"),
};

const reasonSchema = z
  .object({
    code: z
      .string({ required_error: "缺少 code（原因编号）", invalid_type_error: "code（原因编号）应为文字" })
      .regex(/^[a-z][a-z0-9_]*$/, "code（原因编号）只能用小写英文字母、数字和下划线，以字母开头，如 env_violation")
      .describe("调出原因编号：小写英文字母、数字、下划线，如 dishonest"),
    ...causeBase,
  })
  .strict();

const reminderSchema = z
  .object({
    code: z
      .enum(REMINDER_CODES, { errorMap: () => ({ message: `提醒的 code 只能是 ${REMINDER_CODES.join("（高企证书到期）或 ")}（科小未重新入库）` }) })
      .describe("提醒编号：hitech_expired（高企证书到期，需重新认定）或 sme_not_renewed（科小本年度尚未重新评价入库）"),
    ...causeBase,
  })
  .strict();

/**
 * An earlier copy of this pack listed the two reminders among the removal reasons: they are
 * read as reminders (they never were the plan's causes), so such a copy keeps loading.
 */
function movedReminders(input: unknown): unknown {
  if (input === null || typeof input !== "object" || Array.isArray(input)) return input;
  const o = input as Record<string, unknown>;
  if (!Array.isArray(o.reasons)) return input;
  const isReminder = (r: unknown) => typeof r === "object" && r !== null && (REMINDER_CODES as readonly string[]).includes(String((r as { code?: unknown }).code));
  const moved = o.reasons.filter(isReminder);
  if (moved.length === 0) return input;
  return { ...o, reasons: o.reasons.filter((r) => !isReminder(r)), reminders: Array.isArray(o.reminders) ? o.reminders : moved };
}

const upkeepObject = z
  .object({
    $schema: schemaRef,
    id: z
      .string({ required_error: "缺少 id（政策包编号，如 xuecheng-pool-upkeep-2025）", invalid_type_error: "id（政策包编号）应为文字" })
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "id（政策包编号）只能用英文字母、数字、点、横线和下划线，如 xuecheng-pool-upkeep-2025")
      .describe("政策包编号：英文字母、数字、横线，如 xuecheng-pool-upkeep"),
    title: text("title（政策名称）", 2).describe("政策名称，如“企业培育库动态管理（分类与调出）规则”"),
    issuer: text("issuer（发文单位）", 2).optional().describe("发文单位"),
    effectiveFrom: isoDate("effectiveFrom（生效日）")
      .optional()
      .describe(`生效日，YYYY-MM-DD；不写表示 ${DEFAULT_UPKEEP_FROM}（计划开始执行之日）。接续的政策包写新的生效日，旧的政策包到那天为止`),
    effectiveTo: isoDate("effectiveTo（失效日）").optional().describe("失效日（含当天），YYYY-MM-DD；不写表示一直有效，直到下一个动态管理政策包生效"),
    provisional: z.boolean({ invalid_type_error: "provisional 应为 true 或 false（不带引号）" }).optional().describe("是否暂定标准（待核定）；不写表示 false"),
    note: text("note（备注）").optional().describe("备注"),
    source: text("source（原文出处说明）", 4).describe("原文出处与取值说明"),
    hitechValidityYears: cited("hitechValidityYears", years("hitechValidityYears")).describe("高企证书有效年数：认定日期 + 年数当日起已过期（提醒需重新认定）"),
    smeRegistrationValidYears: cited("smeRegistrationValidYears", years("smeRegistrationValidYears")).describe("科小入库登记编号有效年数：入库年度 + 年数起须重新评价入库（提醒）"),
    newRegistrationYears: cited("newRegistrationYears", years("newRegistrationYears")).describe("注册日期在评价日前多少年内算新注册企业（分类）"),
    closedBusinessStates: cited("closedBusinessStates", names("closedBusinessStates.value（经营状态）").min(1, "closedBusinessStates.value 至少要有一个经营状态，如 [\"注销\"]")).describe(
      "哪些经营状态的企业建议调出（business_closed 原因），如 [\"注销\", \"吊销\", \"迁出\"]",
    ),
    removalNote: z.string({ invalid_type_error: "removalNote（调出说明）应为文字" }).optional().describe("为什么只对这些情形建议调出（说明文字）"),
    reasons: z
      .array(reasonSchema, { required_error: "缺少 reasons（调出原因）", invalid_type_error: "reasons（调出原因）应为列表 [ … ]" })
      .min(1, "reasons 至少要有一个调出原因")
      .describe("建议调出的原因，逐条检查；每条读台账的一列（否定性名单列填“是”即适用，businessState 按 closedBusinessStates）"),
    reminders: z
      .array(reminderSchema, { invalid_type_error: "reminders（提醒）应为列表 [ … ]" })
      .default([])
      .describe("提醒（不是调出原因）：高企证书到期需重新认定、科小本年度尚未重新评价入库"),
  })
  .strict()
  .superRefine((p, ctx) => {
    const from = p.effectiveFrom ?? DEFAULT_UPKEEP_FROM;
    if (p.effectiveTo !== undefined && isRealIsoDate(from) && isRealIsoDate(p.effectiveTo) && from > p.effectiveTo) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["effectiveTo"], message: `有效期起止颠倒：生效日 ${from} 晚于失效日 ${p.effectiveTo}` });
    }
    const seen = new Map<string, string>();
    const dup = (code: string, where: string, path: (string | number)[]) => {
      const prior = seen.get(code);
      if (prior !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path, message: `编号“${code}”重复：${prior} 已经用了它` });
      else seen.set(code, where);
    };
    p.reasons.forEach((r, i) => {
      dup(r.code, `reasons[${i}]`, ["reasons", i, "code"]);
      const closed = r.code === BUSINESS_CLOSED;
      if (closed && r.field !== BUSINESS_STATE_FIELD) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["reasons", i, "field"], message: `${BUSINESS_CLOSED}（经营状态）原因读取的字段应为 ${BUSINESS_STATE_FIELD}` });
      } else if (!closed && r.field === BUSINESS_STATE_FIELD) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["reasons", i, "code"], message: `读取 ${BUSINESS_STATE_FIELD}（经营状态）的原因编号应为 ${BUSINESS_CLOSED}` });
      } else if (!closed && !FLAG_FIELDS.includes(r.field)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["reasons", i, "field"],
          message: `“${r.field}”不是企业培育库的否定性名单列；调出原因只能读取 ${FLAG_FIELDS.join("、")} 或 ${BUSINESS_STATE_FIELD}（字段编号表见 README“政策包”一节）`,
        });
      }
    });
    p.reminders.forEach((r, i) => {
      dup(r.code, `reminders[${i}]`, ["reminders", i, "code"]);
      const want = REMINDER_FIELDS[r.code];
      if (r.field !== want) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["reminders", i, "field"], message: `提醒 ${r.code} 读取的字段应为 ${want}` });
    });
  })
  .describe("KJ 动态管理政策包：企业培育库的分类年限、建议调出的原因与提醒");

export const upkeepPackSchema = z.preprocess(movedReminders, upkeepObject);

/** The upkeep rules as checked (the shape src/jobs/upkeep.ts computes with). */
export type PoolRules = z.infer<typeof upkeepObject>;
/** A removal cause's code: the built-in ones, or one a successor pack adds. */
export type RemovalCode = string;
export type ReminderCode = (typeof REMINDER_CODES)[number];

/** One upkeep pack, checked, with its period. */
export interface UpkeepPack {
  id: string;
  title: string;
  from: DayNumber;
  /** Last day in force; null = until a later upkeep pack starts. */
  to: DayNumber | null;
  rules: PoolRules;
}

function isoDay(s: string): DayNumber {
  const [y, m, d] = s.split("-").map(Number);
  return dayFromParts(y, m, d) as DayNumber;
}

/** Checks one upkeep pack; throws PackError naming every wrong field (with its line when `text` is given). */
export function loadUpkeepPack(json: unknown, origin: PackOrigin = { type: "builtin" }, text?: string): UpkeepPack {
  const parsed = upkeepPackSchema.safeParse(json);
  if (!parsed.success) throw new PackError(origin, problemsFromZod(parsed.error as ZodError, json, text));
  const rules = parsed.data;
  return {
    id: rules.id,
    title: rules.title,
    from: isoDay(rules.effectiveFrom ?? DEFAULT_UPKEEP_FROM),
    to: rules.effectiveTo ? isoDay(rules.effectiveTo) : null,
    rules,
  };
}

/**
 * The upkeep pack in force on `asOf` (the latest one started by then); throws KjError no_policy
 * (with how to add one) when none is.
 */
export function upkeepPackFor(asOf: DayNumber, packs: readonly UpkeepPack[]): UpkeepPack {
  let hit: UpkeepPack | null = null;
  for (const p of [...packs].sort((a, b) => a.from - b.from)) {
    if (asOf >= p.from && (p.to === null || asOf <= p.to)) hit = p;
  }
  if (!hit) {
    const known = packs.map((p) => `${formatDay(p.from)} 起`);
    throw new KjError("no_policy", `无适用政策：${formatDay(asOf)} 没有生效的培育库动态管理政策包（现有：${known.join("、") || "无"}）。${HOW_TO_ADD_POLICY}`, "na");
  }
  return hit;
}

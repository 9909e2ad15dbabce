/**
 * The shape of an eligibility rule pack (高企, 科小, 小巨人), checked with zod when loaded.
 * Every condition, band and score part carries its own `cite`: a number without its clause
 * is a schema error. Ratios and amounts are decimal text so that they are read exactly.
 */
import { z } from "zod";
import { cite, DECIMAL_TEXT, isoDate, isRealIsoDate, schemaRef, text } from "./pack-fields";

/** A non-negative decimal written as text: "0.05", "20000". */
const decimalText = z
  .string({ invalid_type_error: '应为十进制数字文本，带英文双引号，如 "0.05" 或 "20000"（写成文本才能精确比较）' })
  .regex(DECIMAL_TEXT, '应为十进制数字文本，如 "0.05"（只用阿拉伯数字和小数点，不带单位、逗号、百分号或负号）')
  .describe('十进制数字文本，带英文双引号，如 "0.05"');
const fieldId = z.string().min(1);
const ident = z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/);

/** Points of a band: a fixed number, or a range [lo, hi] where experts pick within it. */
const points = z.union([z.number().int().min(0), z.tuple([z.number().int().min(0), z.number().int().min(0)])]);

export const scoreBandSchema = z
  .object({
    /** value >= atLeast */
    atLeast: decimalText.optional(),
    /** value > above */
    above: decimalText.optional(),
    /** Ⅰ类 count >= classIAtLeast (ipCounts measures). */
    classIAtLeast: z.number().int().min(0).optional(),
    /** Ⅱ类 count >= classIIAtLeast (ipCounts measures, checked when no Ⅰ类 band matched). */
    classIIAtLeast: z.number().int().min(0).optional(),
    points,
    cite,
  })
  .strict();

export const measureSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ratio"), numerator: fieldId, denominator: fieldId }).strict(),
  /** A count over several years, as a yearly average. */
  z.object({ type: z.literal("average"), field: fieldId, years: z.number().int().positive(), cite }).strict(),
  /** mean_of_ratios: ((Y2/Y1) + (Y3/Y2)) / 2 - 1 (工作指引 成长性). */
  z
    .object({
      type: z.literal("growth"),
      fields: z.tuple([fieldId, fieldId, fieldId]),
      method: z.literal("mean_of_ratios"),
      firstYearZero: z.literal("last_two_years"),
      secondYearZero: z.literal("zero_points"),
      cite,
    })
    .strict(),
  z.object({ type: z.literal("ipCounts"), classI: fieldId, classII: fieldId }).strict(),
]);

const bandedOptionSchema = z.object({ label: z.string().min(2), measure: measureSchema, bands: z.array(scoreBandSchema).min(1) }).strict();

const partBase = { id: ident, label: z.string().min(2), max: z.number().int().positive(), cite };

export type ScorePartRaw =
  | { kind: "bands"; id: string; label: string; max: number; cite: string; measure: z.infer<typeof measureSchema>; bands: z.infer<typeof scoreBandSchema>[] }
  | { kind: "bestOf"; id: string; label: string; max: number; cite: string; options: z.infer<typeof bandedOptionSchema>[] }
  | { kind: "expert"; id: string; label: string; max: number; cite: string }
  | { kind: "sum"; id: string; label: string; max: number; cite: string; parts: ScorePartRaw[] };

export const scorePartSchema: z.ZodType<ScorePartRaw> = z.lazy(() =>
  z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("bands"), ...partBase, measure: measureSchema, bands: z.array(scoreBandSchema).min(1) }).strict(),
    z.object({ kind: z.literal("bestOf"), ...partBase, options: z.array(bandedOptionSchema).min(1) }).strict(),
    /** Expert judgement: anywhere in 0..max. */
    z.object({ kind: z.literal("expert"), ...partBase }).strict(),
    /** Sum of sub-parts, capped at max. */
    z.object({ kind: z.literal("sum"), ...partBase, parts: z.array(scorePartSchema).min(1) }).strict(),
  ]),
);

export const scoreModelSchema = z
  .object({
    label: z.string().min(2),
    max: z.number().int().positive(),
    /** A column that, when filled, is the score itself (e.g. 创新能力评价得分). */
    givenField: fieldId.optional(),
    cite,
    parts: z.array(scorePartSchema).min(1),
  })
  .strict();

const role = z.enum(["required", "route", "scored"]).default("required");
const condBase = {
  id: ident,
  label: z.string().min(2),
  role,
  cite,
  note: z.string().optional(),
  /** This condition rests on a provisional stand-in value (defaults to the pack's `provisional`). */
  provisional: z.boolean().optional(),
};

export const ratioBandSchema = z
  .object({
    /** Applies while the band-by value is <= upTo; the last band has no upTo. */
    upTo: decimalText.optional(),
    min: decimalText,
    label: z.string().optional(),
    cite,
  })
  .strict();

export const conditionSchema = z.discriminatedUnion("kind", [
  /** As-of date minus a date >= minDays calendar days. */
  z.object({ kind: z.literal("daysSince"), ...condBase, field: fieldId, minDays: z.number().int().positive() }).strict(),
  /** Sum of counts >= min. */
  z.object({ kind: z.literal("countAtLeast"), ...condBase, fields: z.array(fieldId).min(1), min: z.number().int().positive() }).strict(),
  /** Text value is one of a list (matched through the catalogue's synonyms). */
  z.object({ kind: z.literal("oneOf"), ...condBase, field: fieldId, listName: z.string().min(2), values: z.array(z.string().min(1)).min(1) }).strict(),
  /** numerator / denominator >= min, the min chosen by bands of another field when bandBy is set. */
  z.object({ kind: z.literal("ratio"), ...condBase, numerator: fieldId, denominator: fieldId, bandBy: fieldId.optional(), bands: z.array(ratioBandSchema).min(1) }).strict(),
  /** A number within [atLeast, atMost], both inclusive. */
  z
    .object({ kind: z.literal("amount"), ...condBase, field: fieldId, atLeast: decimalText.optional(), atMost: decimalText.optional(), unit: z.string().min(1) })
    .strict(),
  /** Negative-list flag: blank or missing column = no record. */
  z.object({ kind: z.literal("noRecord"), ...condBase, field: fieldId }).strict(),
  /** Any of the counts reaches its own minimum (e.g. Ⅰ类知识产权 ≥ 1 or 发明专利申请 ≥ 3). */
  z
    .object({
      kind: z.literal("anyAtLeast"),
      ...condBase,
      items: z.array(z.object({ field: fieldId, min: z.number().int().positive(), cite }).strict()).min(1),
    })
    .strict(),
  /** Any of the yes/no fields is 是. */
  z.object({ kind: z.literal("isTrue"), ...condBase, fields: z.array(fieldId).min(1) }).strict(),
  /** A certificate dated in `field` is valid on the as-of date (for `years` years from that date). */
  z.object({ kind: z.literal("certificateValid"), ...condBase, field: fieldId, years: z.number().int().positive() }).strict(),
  /** Any series' yearly average growth >= min (compound: sqrt(Y3/Y1) - 1). */
  z
    .object({
      kind: z.literal("growth"),
      ...condBase,
      series: z.array(z.object({ label: z.string().min(2), fields: z.tuple([fieldId, fieldId, fieldId]) }).strict()).min(1),
      method: z.literal("compound"),
      min: decimalText,
    })
    .strict(),
  /** A score model's result >= atLeast or > above. */
  z
    .object({ kind: z.literal("score"), ...condBase, model: ident, atLeast: z.number().optional(), above: z.number().optional() })
    .strict(),
  /** One part of a score model is not 0. */
  z.object({ kind: z.literal("partNonZero"), ...condBase, model: ident, part: ident }).strict(),
]);

export const CATEGORY_LABELS = { hitech: "高新技术企业", sme: "科技型中小企业", giant: "科技小巨人企业" } as const;

export const rulePackSchema = z
  .object({
    $schema: schemaRef,
    id: z
      .string({ required_error: "缺少 id（政策包编号，如 hitech-2016）", invalid_type_error: "id（政策包编号）应为文字" })
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "id（政策包编号）只能用英文字母、数字、点、横线和下划线，如 hitech-2026")
      .describe("政策包编号：英文字母、数字、横线，如 hitech-2016"),
    category: z
      .enum(["hitech", "sme", "giant"], { errorMap: () => ({ message: "category（类别）应为 hitech（高新技术企业）、sme（科技型中小企业）或 giant（科技小巨人企业）" }) })
      .describe("类别：hitech（高新技术企业）、sme（科技型中小企业）、giant（科技小巨人企业）"),
    name: text("name（类别的中文名称）", 2).describe("类别的中文名称，如“高新技术企业”"),
    title: text("title（政策名称）", 2).describe("政策名称，如“高新技术企业认定条件（2016 年修订）”"),
    issuer: text("issuer（发文单位）", 2).optional().describe("发文单位，如“科技部 财政部 国家税务总局”"),
    effectiveFrom: isoDate("effectiveFrom（生效日）"),
    effectiveTo: isoDate("effectiveTo（失效日）").optional().describe("失效日（含当天），YYYY-MM-DD；不写表示一直有效，直到同类的下一个政策包生效"),
    provisional: z.boolean({ required_error: "缺少 provisional（是否暂定标准：true 或 false）", invalid_type_error: "provisional 应为 true 或 false（不带引号）" }).describe("是否暂定标准（待核定）"),
    /** Appended to every explanation of a provisional pack. */
    provisionalNotice: z.string().optional().describe("暂定标准的提示语，附在每条判断说明之后，如“（暂定标准，待核定）”"),
    note: text("note（备注）").optional().describe("备注"),
    documents: z
      .array(z.object({ short: text("documents[].short（简称）", 2).describe("文件简称，cite 以它开头，如“认定办法”"), title: text("documents[].title（文件全称）", 4).describe("文件全称与文号") }).strict())
      .min(1, "documents 至少要有一份文件")
      .describe("依据的文件：简称与全称；每个 cite 都要以某个简称开头"),
    source: text("source（原文出处说明）", 4).describe("原文出处与取值说明"),
    /** Clauses this pack does not encode, and why (said where they stand, Catala-style). */
    unencoded: z
      .array(z.object({ cite, text: text("text（条款内容）", 2), why: text("why（为何不能检查）", 2) }).strict())
      .describe("本政策包没有编码（KJ 不检查）的条款及原因"),
    conditions: z.array(conditionSchema).min(1, "conditions 至少要有一个条件").describe("认定条件，逐条检查"),
    scores: z.record(ident, scoreModelSchema).describe("评分模型，键为模型编号（score 条件的 model 引用它）"),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.provisional && !(p.provisionalNotice ?? "")) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["provisionalNotice"], message: "暂定标准须写明 provisionalNotice（提示语，如“（暂定标准，待核定）”）" });
    if (p.effectiveTo !== undefined && isRealIsoDate(p.effectiveFrom) && isRealIsoDate(p.effectiveTo) && p.effectiveFrom > p.effectiveTo) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["effectiveTo"], message: `有效期起止颠倒：生效日 ${p.effectiveFrom} 晚于失效日 ${p.effectiveTo}` });
    }
    const ids = new Map<string, number>();
    p.conditions.forEach((c, i) => {
      const prior = ids.get(c.id);
      if (prior !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["conditions", i, "id"], message: `条件编号“${c.id}”重复：conditions[${prior}] 已经用了它` });
      else ids.set(c.id, i);
      if (c.kind === "amount" && c.atLeast === undefined && c.atMost === undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["conditions", i], message: `amount 条件 ${c.id} 至少要有 atLeast 或 atMost` });
      }
      if (c.kind === "score" && (c.atLeast === undefined) === (c.above === undefined)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["conditions", i], message: `score 条件 ${c.id} 须有且只有 atLeast 或 above` });
      }
    });
  })
  .describe("KJ 认定条件政策包：高新技术企业、科技型中小企业或科技小巨人企业的认定条件与评分");

export type RulePackRaw = z.infer<typeof rulePackSchema>;
export type ConditionRaw = z.infer<typeof conditionSchema>;
export type ScoreModelRaw = z.infer<typeof scoreModelSchema>;
export type MeasureRaw = z.infer<typeof measureSchema>;
export type ScoreBandRaw = z.infer<typeof scoreBandSchema>;
export type RatioBandRaw = z.infer<typeof ratioBandSchema>;
export type Category = RulePackRaw["category"];

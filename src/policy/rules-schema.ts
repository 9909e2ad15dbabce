/**
 * The shape of an eligibility rule pack (高企, 科小, 小巨人), checked with zod when loaded.
 * Every condition, band and score part carries its own `cite`: a number without its clause
 * is a schema error. Ratios and amounts are decimal text so that they are read exactly.
 */
import { z } from "zod";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "日期应为 YYYY-MM-DD");
/** A non-negative decimal written as text: "0.05", "20000". */
const decimalText = z.string().regex(/^\d+(\.\d+)?$/, "应为十进制数字文本");
const cite = z.string().min(2);
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
const condBase = { id: ident, label: z.string().min(2), role, cite, note: z.string().optional() };

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

export const rulePackSchema = z
  .object({
    id: z.string().min(2),
    category: z.enum(["hitech", "sme", "giant"]),
    name: z.string().min(2),
    title: z.string().min(2),
    effectiveFrom: isoDate,
    effectiveTo: isoDate.optional(),
    provisional: z.boolean(),
    /** Appended to every explanation of a provisional pack. */
    provisionalNotice: z.string().optional(),
    documents: z.array(z.object({ short: z.string().min(2), title: z.string().min(4) }).strict()).min(1),
    source: z.string().min(4),
    /** Clauses this pack does not encode, and why (said where they stand, Catala-style). */
    unencoded: z.array(z.object({ cite, text: z.string().min(2), why: z.string().min(2) }).strict()),
    conditions: z.array(conditionSchema).min(1),
    scores: z.record(ident, scoreModelSchema),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.provisional && !(p.provisionalNotice ?? "")) ctx.addIssue({ code: z.ZodIssueCode.custom, message: "暂定标准须写明 provisionalNotice" });
    for (const c of p.conditions) {
      if (c.kind === "amount" && c.atLeast === undefined && c.atMost === undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `amount 条件 ${c.id} 至少要有 atLeast 或 atMost` });
      }
      if (c.kind === "score" && (c.atLeast === undefined) === (c.above === undefined)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `score 条件 ${c.id} 须有且只有 atLeast 或 above` });
      }
    }
  });

export type RulePackRaw = z.infer<typeof rulePackSchema>;
export type ConditionRaw = z.infer<typeof conditionSchema>;
export type ScoreModelRaw = z.infer<typeof scoreModelSchema>;
export type MeasureRaw = z.infer<typeof measureSchema>;
export type ScoreBandRaw = z.infer<typeof scoreBandSchema>;
export type RatioBandRaw = z.infer<typeof ratioBandSchema>;
export type Category = RulePackRaw["category"];

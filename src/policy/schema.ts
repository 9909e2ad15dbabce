/**
 * The shape of a plan policy pack (targets and awards), checked with zod when loaded so a
 * typo in the data is caught at start-up, not as a wrong amount. Amounts are strings so that
 * decimal.js reads them exactly.
 */
import { z } from "zod";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "日期应为 YYYY-MM-DD");
const decimalText = z.string().regex(/^\d+(\.\d+)?$/, "金额应为十进制数字文本");
const cite = z.string().min(2);

export const awardRuleSchema = z.discriminatedUnion("type", [
  /** A fixed amount in 万元. */
  z.object({ type: z.literal("fixed"), amount: decimalText }),
  /** min(basis, cap) in 万元. */
  z.object({ type: z.literal("capped"), cap: decimalText }),
  /** rate x basis. */
  z.object({ type: z.literal("rate"), rate: decimalText }),
]);

export const awardItemSchema = z.object({
  key: z.string().regex(/^[a-z_]+$/),
  name: z.string().min(2),
  aliases: z.array(z.string()),
  members: z.array(z.string()),
  rule: awardRuleSchema,
  basis: z.string().optional(),
  once: z.boolean(),
  cite,
  text: z.string().min(4),
});

export const targetSchema = z.object({
  key: z.string().regex(/^[a-z_]+$/),
  name: z.string().min(2),
  aliases: z.array(z.string()),
  target: z.number().int().positive(),
  unit: z.string(),
  /** stock: valid on the as-of date; flow: happened in the period; flow_per_year: that many each year. */
  kind: z.enum(["stock", "flow", "flow_per_year"]),
  ledger: z.enum(["enterprise", "platform", "talent", "project"]),
  /** 争取 / 力争: a soft target in the plan's own words. */
  qualifier: z.string().optional(),
  cite,
  countedFrom: z.string(),
});

export const planPackSchema = z.object({
  id: z.string(),
  title: z.string(),
  issuer: z.string(),
  period: z.object({ from: isoDate, to: isoDate }),
  source: z.string(),
  awards: z.array(awardItemSchema).min(1),
  targets: z.array(targetSchema),
});

export type AwardRule = z.infer<typeof awardRuleSchema>;
export type AwardItem = z.infer<typeof awardItemSchema>;
export type Target = z.infer<typeof targetSchema>;
export type PlanPack = z.infer<typeof planPackSchema>;

/**
 * The pool upkeep rules (DOMAIN §6) as data: how long a 高企 certificate and a 科小
 * registration last, what counts as a new registration, which business states end a firm's
 * place in the pool, the removal causes (only the plan's, 计划 二（一）3) and the reminders, each
 * with its citation. The numbers live in src/policy/packs/pool-upkeep.json, checked here with zod
 * when loaded.
 */
import { z } from "zod";
import { addYears, DayNumber } from "../dates";
import raw from "../policy/packs/pool-upkeep.json";

const cited = <T extends z.ZodTypeAny>(value: T) => z.object({ value, unit: z.string().optional(), cite: z.string().min(2), note: z.string().optional() });

/** Removal causes: the plan's three (计划 二（一）3) and a business that has ended (注销/吊销/迁出). */
export const REMOVAL_CODES = ["safety_accident", "dishonest", "abnormal_list", "business_closed"] as const;
/** Reminders: the enterprise can still apply, and the pool exists to cultivate it (DOMAIN §6). */
export const REMINDER_CODES = ["hitech_expired", "sme_not_renewed"] as const;

const causeBase = {
  /** The ledger field the cause reads: a negative-list flag (是 = cause), or 经营状态. */
  field: z.string(),
  text: z.string().min(2),
  cite: z.string().min(2),
  /** The words of the cited clause. */
  quote: z.string().optional(),
};
const reasonSchema = z.object({ code: z.enum(REMOVAL_CODES), ...causeBase });
const reminderSchema = z.object({ code: z.enum(REMINDER_CODES), ...causeBase });

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

export const poolRulesSchema = z.preprocess(
  movedReminders,
  z.object({
    id: z.string(),
    title: z.string(),
    source: z.string(),
    hitechValidityYears: cited(z.number().int().positive()),
    smeRegistrationValidYears: cited(z.number().int().positive()),
    newRegistrationYears: cited(z.number().int().positive()),
    closedBusinessStates: cited(z.array(z.string()).min(1)),
    /** Why removals are limited to the plan's causes (shown in the docs). */
    removalNote: z.string().optional(),
    /** Removal causes (建议调出), each with its citation. */
    reasons: z.array(reasonSchema).min(1),
    /** Reminders (提醒): not removals. */
    reminders: z.array(reminderSchema).default([]),
  }),
);

export type PoolRules = z.infer<typeof poolRulesSchema>;
export type RemovalCode = (typeof REMOVAL_CODES)[number];
export type ReminderCode = (typeof REMINDER_CODES)[number];

export const POOL_RULES: PoolRules = poolRulesSchema.parse(raw);

/** The first day a 高企 certificate recognised on `recognisedOn` is no longer valid. */
export function hitechExpiry(recognisedOn: DayNumber, rules: PoolRules = POOL_RULES): DayNumber {
  return addYears(recognisedOn, rules.hitechValidityYears.value);
}

/**
 * True when a 高企 certificate is valid on `asOf`: recognised on or before it and less than
 * the validity (3 years) ago. On 认定日期 + 3 年 itself the certificate has expired.
 */
export function hitechValidOn(recognisedOn: DayNumber, asOf: DayNumber, rules: PoolRules = POOL_RULES): boolean {
  return recognisedOn <= asOf && asOf < hitechExpiry(recognisedOn, rules);
}

/** True when a 科小 registration of `registeredYear` still counts in `year`. */
export function smeRegistrationCurrent(registeredYear: number, year: number, rules: PoolRules = POOL_RULES): boolean {
  return registeredYear <= year && year < registeredYear + rules.smeRegistrationValidYears.value;
}

/** A removal reason's or a reminder's Chinese text with its {placeholders} filled in; null when the pack does not list it. */
export function reasonText(code: RemovalCode | ReminderCode, vars: Record<string, string | number> = {}, rules: PoolRules = POOL_RULES): { text: string; cite: string } | null {
  const r = [...rules.reasons, ...rules.reminders].find((x) => x.code === code);
  if (!r) return null;
  const text = r.text.replace(/\{(\w+)\}/g, (_, k: string) => (k in vars ? String(vars[k]) : `{${k}}`));
  return { text, cite: r.cite };
}

/**
 * The pool upkeep rules (DOMAIN §6) as data: how long a 高企 certificate and a 科小
 * registration last, what counts as a new registration, which business states end a firm's
 * place in the pool, and the removal reasons with their citations. The numbers live in
 * src/policy/packs/pool-upkeep.json, checked here with zod when loaded.
 */
import { z } from "zod";
import { addYears, DayNumber } from "../dates";
import raw from "../policy/packs/pool-upkeep.json";

const cited = <T extends z.ZodTypeAny>(value: T) => z.object({ value, unit: z.string().optional(), cite: z.string().min(2), note: z.string().optional() });

const reasonSchema = z.object({
  code: z.enum(["safety_accident", "dishonest", "abnormal_list", "business_closed", "hitech_expired", "sme_not_renewed"]),
  field: z.string(),
  text: z.string().min(2),
  cite: z.string().min(2),
});

export const poolRulesSchema = z.object({
  id: z.string(),
  title: z.string(),
  source: z.string(),
  hitechValidityYears: cited(z.number().int().positive()),
  smeRegistrationValidYears: cited(z.number().int().positive()),
  newRegistrationYears: cited(z.number().int().positive()),
  closedBusinessStates: cited(z.array(z.string()).min(1)),
  reasons: z.array(reasonSchema).length(6),
});

export type PoolRules = z.infer<typeof poolRulesSchema>;
export type RemovalCode = z.infer<typeof reasonSchema>["code"];

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

/** A reason's Chinese text with its {placeholders} filled in. */
export function reasonText(code: RemovalCode, vars: Record<string, string | number> = {}, rules: PoolRules = POOL_RULES): { text: string; cite: string } {
  const r = rules.reasons.find((x) => x.code === code);
  if (!r) throw new Error(`no removal reason ${code}`);
  const text = r.text.replace(/\{(\w+)\}/g, (_, k: string) => (k in vars ? String(vars[k]) : `{${k}}`));
  return { text, cite: r.cite };
}

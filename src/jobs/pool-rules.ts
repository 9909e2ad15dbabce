/**
 * The pool upkeep rules (DOMAIN §6) as data: how long a 高企 certificate and a 科小
 * registration last, what counts as a new registration, which business states end a firm's
 * place in the pool, the removal causes (only the plan's, 计划 二（一）3) and the reminders, each
 * with its citation. The numbers live in src/policy/packs/pool-upkeep.json, an upkeep policy pack
 * (format: src/policy/upkeep-schema.ts); a successor pack comes through the policy registry.
 */
import { addYears, DayNumber } from "../dates";
import { loadUpkeepPack, PoolRules, ReminderCode, RemovalCode } from "../policy/upkeep-schema";
import raw from "../policy/packs/pool-upkeep.json";

export { REMINDER_CODES, REMOVAL_CODES, upkeepPackSchema as poolRulesSchema } from "../policy/upkeep-schema";
export type { PoolRules, ReminderCode, RemovalCode } from "../policy/upkeep-schema";

/** The built-in upkeep pack's rules (what every job uses unless a host passes the pack in force). */
export const POOL_RULES: PoolRules = loadUpkeepPack(raw).rules;

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

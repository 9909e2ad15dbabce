/**
 * The plan policy packs and the questions asked of them: which pack applies on a date,
 * which award item a name means, what an award amounts to, what a target is.
 * Successor plans are new JSON packs added to PLAN_PACKS, not code changes.
 */
import Decimal from "decimal.js";
import { dayFromParts, DayNumber, formatDay } from "../dates";
import { KjError } from "../errors";
import { lookupKey } from "../text";
import plan2022 from "./packs/plan-2022-2024.json";
import { HOW_TO_ADD_POLICY, PackError, PackOrigin, problemsFromZod } from "./pack-errors";
import { AwardItem, PlanPack, planPackSchema, Target } from "./schema";

export interface LoadedPlan {
  pack: PlanPack;
  from: DayNumber;
  to: DayNumber;
  awardIndex: Map<string, AwardItem>;
  targetIndex: Map<string, Target>;
}

function isoDay(iso: string): DayNumber {
  const [y, m, d] = iso.split("-").map(Number);
  return dayFromParts(y, m, d) as DayNumber;
}

/**
 * Loads and checks a plan pack; every name, member and alias becomes a lookup key. Throws
 * PackError naming each wrong field (`text`, the file's text, adds line numbers).
 */
export function loadPlan(raw: unknown, origin: PackOrigin = { type: "builtin" }, text?: string): LoadedPlan {
  const parsed = planPackSchema.safeParse(raw);
  if (!parsed.success) throw new PackError(origin, problemsFromZod(parsed.error, raw, text));
  const pack = parsed.data;
  // The schema refuses a name that names two items, so each key maps to one item.
  const awardIndex = new Map<string, AwardItem>();
  for (const a of pack.awards) for (const n of [a.key, a.name, ...a.members, ...a.aliases]) awardIndex.set(lookupKey(n), a);
  const targetIndex = new Map<string, Target>();
  for (const t of pack.targets) for (const n of [t.key, t.name, ...t.aliases]) targetIndex.set(lookupKey(n), t);
  return { pack, from: isoDay(pack.period.from), to: isoDay(pack.period.to), awardIndex, targetIndex };
}

/** All plan packs, oldest first. */
export const PLAN_PACKS: readonly LoadedPlan[] = [loadPlan(plan2022)].sort((a, b) => a.from - b.from);

/** The raw JSON of every shipped plan pack. */
export const PLAN_PACK_SOURCES: readonly unknown[] = [plan2022];

/**
 * The pack in force on a date; with no date, the latest pack.
 * Throws no_policy (#N/A) for a date outside every pack's period.
 */
export function planFor(day?: DayNumber | null, packs: readonly LoadedPlan[] = PLAN_PACKS): LoadedPlan {
  if (day === undefined || day === null) return packs[packs.length - 1];
  const hit = packs.find((p) => day >= p.from && day <= p.to);
  if (!hit) {
    const periods = packs.map((p) => `${p.pack.period.from} 至 ${p.pack.period.to}`).join("、");
    throw new KjError("no_policy", `无适用政策：${formatDay(day)} 不在任何政策期内（现有政策期：${periods || "无"}）。${HOW_TO_ADD_POLICY}`, "na");
  }
  return hit;
}

/** Finds an award item by key, Chinese name, group member name or short name. */
export function findAwardItem(query: string, plan: LoadedPlan): AwardItem {
  const key = lookupKey(query);
  const hit = key === "" ? undefined : plan.awardIndex.get(key);
  if (!hit) {
    const examples = plan.pack.awards.slice(0, 4).map((a) => a.aliases[0] ?? a.name).join("、");
    const what = key === "" ? "未填写奖励事项" : `未知的奖励事项“${query.trim()}”`;
    throw new KjError("unknown_item", `${what}。可用的事项如：${examples}、国家重点实验室、院士工作站（共 ${plan.pack.awards.length} 项，见函数说明）`);
  }
  return hit;
}

export interface AwardResult {
  item: string;
  name: string;
  /** 万元, exact. */
  amount: Decimal;
  unit: "万元";
  cap: Decimal | null;
  rate: Decimal | null;
  basis: Decimal | null;
  /** What the basis is, e.g. 科研成果产业化形成的税收地方留成. */
  basisLabel: string | null;
  cite: string;
  policy: string;
  policyTitle: string;
  text: string;
}

export interface AwardQuery {
  item: string;
  /** 万元; a string is read exactly. Absent = not given. */
  basis?: Decimal | number | string | null;
  date?: DayNumber | null;
}

function readBasis(raw: Decimal | number | string): Decimal {
  let d: Decimal;
  try {
    d = raw instanceof Decimal ? raw : new Decimal(typeof raw === "string" ? raw.normalize("NFKC").replace(/,/g, "").trim() : raw);
  } catch {
    throw new KjError("basis_invalid", `计算依据“${String(raw)}”不是数字（以万元计）`);
  }
  if (!d.isFinite()) throw new KjError("basis_invalid", "计算依据不是有限的数字");
  if (d.isNegative()) throw new KjError("basis_invalid", `计算依据不能为负数（填的是 ${d.toString()}）`);
  return d;
}

/**
 * The district award a recognition earns, in 万元.
 * Example: computeAward({ item: "国家重点实验室", basis: 250 }).amount -> 200 (capped).
 */
export function computeAward(q: AwardQuery, packs: readonly LoadedPlan[] = PLAN_PACKS): AwardResult {
  const plan = planFor(q.date, packs);
  const item = findAwardItem(q.item, plan);
  const given = q.basis !== undefined && q.basis !== null && !(typeof q.basis === "string" && q.basis.trim() === "");
  const basis = given ? readBasis(q.basis as Decimal | number | string) : null;
  const base = {
    item: item.key,
    name: item.name,
    unit: "万元" as const,
    basisLabel: item.basis ?? null,
    cite: item.cite,
    policy: plan.pack.id,
    policyTitle: plan.pack.title,
    text: item.text,
  };
  const rule = item.rule;
  if (rule.type === "fixed") {
    return { ...base, amount: new Decimal(rule.amount), cap: null, rate: null, basis };
  }
  if (basis === null) {
    throw new KjError("basis_required", `“${item.name}”按${item.basis ?? "计算依据"}计算，请填写计算依据（万元）`);
  }
  if (rule.type === "capped") {
    const cap = new Decimal(rule.cap);
    return { ...base, amount: Decimal.min(basis, cap), cap, rate: null, basis };
  }
  const rate = new Decimal(rule.rate);
  return { ...base, amount: basis.times(rate), cap: null, rate, basis };
}

/** The rule in words: "20 万元", "最高 200 万元", "省绩效奖励资金的 20%". */
export function describeAwardRule(item: AwardItem): string {
  const r = item.rule;
  if (r.type === "fixed") return `${r.amount} 万元${item.once ? "（一次性）" : ""}`;
  if (r.type === "capped") return `按${item.basis}，最高 ${r.cap} 万元`;
  return `${item.basis}的 ${new Decimal(r.rate).times(100).toString()}%`;
}

/** Finds a target by key or Chinese name. */
export function findTarget(query: string, plan: LoadedPlan): Target {
  const key = lookupKey(query);
  const hit = key === "" ? undefined : plan.targetIndex.get(key);
  if (!hit) {
    const examples = plan.pack.targets.slice(0, 5).map((t) => t.name).join("、");
    throw new KjError("unknown_indicator", `未知的指标“${query.trim()}”。可用的指标如：${examples}（共 ${plan.pack.targets.length} 项）`);
  }
  return hit;
}

export interface TargetResult {
  target: Target;
  value: number;
  policy: string;
  /** The year asked about, when one was given. */
  year: number | null;
}

/**
 * The plan's target for an indicator. With a year, the pack covering that year; a per-year
 * target is the same each year, a whole-period target is the figure to reach by the end.
 */
export function targetFor(indicator: string, year?: number | null, packs: readonly LoadedPlan[] = PLAN_PACKS): TargetResult {
  let plan: LoadedPlan;
  if (year === undefined || year === null) {
    plan = planFor(null, packs);
  } else {
    if (!Number.isInteger(year) || year < 1900 || year > 2200) throw new KjError("bad_year", `年度“${year}”无效，应为四位年份，如 2023`);
    const hit = packs.find((p) => year >= Number(p.pack.period.from.slice(0, 4)) && year <= Number(p.pack.period.to.slice(0, 4)));
    if (!hit) {
      const periods = packs.map((p) => `${p.pack.period.from} 至 ${p.pack.period.to}`).join("、");
      throw new KjError("no_policy", `无适用政策：${year} 年不在任何计划期内（现有政策期：${periods || "无"}）。${HOW_TO_ADD_POLICY}`, "na");
    }
    plan = hit;
  }
  const t = findTarget(indicator, plan);
  return { target: t, value: t.target, policy: plan.pack.id, year: year ?? null };
}

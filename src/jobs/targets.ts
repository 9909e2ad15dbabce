/**
 * Targets job — 目标完成情况 (计划 一, 二（三）, 三（一）; DOMAIN §1). Counts every indicator of
 * the plan pack from the workbook's ledgers on an as-of date, per year and by 所属镇街 /
 * 主管部门, and writes the add-in's own sheet 目标完成情况 in place.
 *
 * Stock indicators count what is valid on the day (高企: recognised less than 3 years before;
 * platforms: 状态 有效 — blank counts as 有效 — and approved on or before the day); flow
 * indicators count what happened in the plan period up to the as-of year, per year in that
 * year. Targets come from the plan pack, the 3-year validity from the pool rules pack.
 */
import Decimal from "decimal.js";
import { dayFromParts, DayNumber, formatDay, yearOf } from "../dates";
import { KjError } from "../errors";
import { PERCENT_NUMBER_FORMAT } from "../format";
import { Edit, WorkbookSnapshot } from "../host/port";
import { kindDef, LedgerKind } from "../ledger/catalogue";
import { HOW_TO_ADD_POLICY } from "../policy/pack-errors";
import { LoadedPlan, PLAN_PACKS } from "../policy/plans";
import { Target } from "../policy/schema";
import { Allocation, readAllocations, UNIT_KIND_LABEL, UnitKind } from "./allocations";
import { lookupKey } from "../text";
import { cellIssue, dataRows, enterpriseKey, fieldName, findLedgers, Ledger, readAt, rewriteOwnSheetEdits } from "./ledgers";
import { hitechExpiry, POOL_RULES, PoolRules } from "./pool-rules";
import { Issue, JobOptions, JobResult } from "./types";

export const TARGETS_SHEET = "目标完成情况";
export const UNFILLED = "未填写";
export const DATA_BAR_COLOR = "#5B9BD5";

export type TargetStatus = "达成" | "未达成" | "缺少台账" | "缺少列";
/** An allocation's status: as for the district, or 未开始 for a year after the as-of date. */
export type AllocationStatus = TargetStatus | "未开始";

/** One unit's attainment of one indicator against its allocation (目标分解). */
export interface AllocationResult {
  unit: string;
  unitKind: UnitKind;
  /** 镇街 / 主管部门 */
  unitLabel: string;
  year: number;
  target: number;
  /** Null when the year has not begun or the ledger cannot say (missing ledger or column). */
  actual: number | null;
  /** actual / target. */
  completion: number | null;
  gap: number | null;
  status: AllocationStatus;
  /** Among the units of the same kind with an allocation of this indicator in this year; 1 = best. */
  rank: number | null;
  /** The row of the 目标分解 sheet. */
  row: number;
  note: string | null;
}

/** One unit's attainment over all its allocations of a year. */
export interface UnitSummary {
  year: number;
  unitKind: UnitKind;
  unitLabel: string;
  unit: string;
  /** Allocations with a known actual. */
  counted: number;
  reached: number;
  /** Allocations whose actual cannot be known (missing ledger or column). */
  unknown: number;
  /** 综合完成率: mean of the allocations' completions, each capped at 100%; null when none is known. */
  completion: number | null;
  /** Among the units of the same kind in the year; 1 = best. */
  rank: number | null;
}

export interface AllocationsReport {
  /** The 目标分解 sheet read, or null when the workbook has none. */
  sheet: string | null;
  /** Years with allocations, ascending. */
  years: number[];
  units: UnitSummary[];
  /** Rows of the 目标分解 sheet left out, each at its cell. */
  issues: Issue[];
  /** How completion and rank are computed, as written on the sheet. */
  rule: string;
}

export interface IndicatorResult {
  key: string;
  name: string;
  unit: string;
  kind: Target["kind"];
  /** 存量 / 流量 / 每年流量 */
  kindLabel: string;
  qualifier: string | null;
  cite: string;
  countedFrom: string;
  target: number;
  /** Null when the ledger or a needed column is missing: unknown, not zero. */
  actual: number | null;
  /** actual / target. */
  completion: number | null;
  /** How many are still needed (0 when reached). */
  gap: number | null;
  status: TargetStatus;
  /** Per plan year: stock on 31 Dec (or the as-of day), flow in that year; null for years after the as-of date. */
  byYear: Record<string, number | null>;
  /** Actual by 所属镇街; null when the ledger has no such column. */
  byTown: Record<string, number> | null;
  /** Actual by 主管部门; null when the ledger has no such column. */
  byDepartment: Record<string, number> | null;
  /** Sheets counted from. */
  sheets: string[];
  /** Rows left out because a cell the rule needs could not be read. */
  unreadable: number;
  /** Why there is no actual, in plain Chinese. */
  note: string | null;
  /** Each unit's attainment against its allocation (目标分解), in the sheet's order. */
  allocations: AllocationResult[];
}

export interface TargetsReport {
  asOf: string;
  policy: { id: string; title: string; from: string; to: string };
  years: number[];
  indicators: IndicatorResult[];
  /** Chinese titles of the ledger kinds the workbook lacks. */
  missingLedgers: string[];
  /** The counting rules, as written on the sheet. */
  rules: string[];
  issues: Issue[];
  allocation: AllocationsReport;
}

// ---------------------------------------------------------------- counting rules

/** What a row contributes: a validity interval (stock) or a year (flow); null = not counted. */
type Event = { from: DayNumber; until: DayNumber } | { year: number };
type RowRule = (l: Ledger, row: number, ctx: RuleContext) => Event | null;

interface RuleContext {
  rules: PoolRules;
  /** Records a cell that could not be read; the row is then not counted. */
  unreadable: (l: Ledger, row: number, field: string, message: string) => void;
}

interface Counter {
  ledger: LedgerKind;
  /** Columns the rule cannot do without (besides the ledger's required ones). */
  needs: readonly string[];
  row: RowRule;
  /** Count each enterprise once (by code, else name) rather than each row. */
  distinct?: boolean;
}

const FOREVER = Number.MAX_SAFE_INTEGER;

function readOr<T>(l: Ledger, row: number, field: string, ctx: RuleContext): T | null | undefined {
  const r = readAt(l, row, field);
  if (r.status === "ok") return r.value as T;
  if (r.status === "invalid") {
    ctx.unreadable(l, row, field, r.message);
    return undefined;
  }
  return null;
}

/** Stock of enterprises: recognised on a date, valid until `until` (exclusive). */
const hitechRule: RowRule = (l, row, ctx) => {
  const d = readOr<number>(l, row, "hitechDate", ctx);
  return typeof d === "number" ? { from: d, until: hitechExpiry(d, ctx.rules) } : null;
};

const giantRule: RowRule = (l, row, ctx) => {
  const d = readOr<number>(l, row, "giantDate", ctx);
  if (typeof d !== "number") return null;
  const revoked = readOr<boolean>(l, row, "giantRevoked", ctx);
  if (revoked === undefined) return null;
  return revoked === true ? null : { from: d, until: FOREVER };
};

const smeRule: RowRule = (l, row, ctx) => {
  const y = readOr<number>(l, row, "smeYear", ctx);
  return typeof y === "number" ? { year: y } : null;
};

/** Platforms valid on a day: state 有效 (blank counts as 有效), approved on or before it, of a level and type. */
function platformRule(levels: readonly string[], type?: string): RowRule {
  return (l, row, ctx) => {
    const level = readOr<string>(l, row, "level", ctx);
    if (typeof level !== "string" || !levels.includes(level)) return null;
    if (type !== undefined) {
      const t = readOr<string>(l, row, "platformType", ctx);
      if (t !== type) return null;
    }
    const state = readOr<string>(l, row, "state", ctx);
    if (state === undefined || state === "撤销") return null;
    const d = readOr<number>(l, row, "approvedOn", ctx);
    return typeof d === "number" ? { from: d, until: FOREVER } : null;
  };
}

function yearWhere(field: string, values: readonly string[], yearField = "year"): RowRule {
  return (l, row, ctx) => {
    const v = readOr<string>(l, row, field, ctx);
    if (typeof v !== "string" || !values.includes(v)) return null;
    const y = readOr<number>(l, row, yearField, ctx);
    return typeof y === "number" ? { year: y } : null;
  };
}

/** How each indicator of DOMAIN §1 is counted, by its key in the plan pack. */
export const COUNTERS: Readonly<Record<string, Counter>> = {
  hitech: { ledger: "enterprise", needs: ["hitechDate"], row: hitechRule, distinct: true },
  sme: { ledger: "enterprise", needs: ["smeYear"], row: smeRule, distinct: true },
  giant: { ledger: "enterprise", needs: ["giantDate"], row: giantRule, distinct: true },
  platform_city: { ledger: "platform", needs: ["level", "approvedOn"], row: platformRule(["市级"]) },
  platform_prov: { ledger: "platform", needs: ["level", "approvedOn"], row: platformRule(["省级"]) },
  platform_nat: { ledger: "platform", needs: ["level", "approvedOn"], row: platformRule(["国家级"]) },
  community_city: { ledger: "platform", needs: ["level", "platformType", "approvedOn"], row: platformRule(["市级"], "创新创业共同体") },
  community_prov: { ledger: "platform", needs: ["level", "platformType", "approvedOn"], row: platformRule(["省级"], "创新创业共同体") },
  talent_prov: { ledger: "talent", needs: ["level", "year"], row: yearWhere("level", ["省级", "国家级"]) },
  project_city: { ledger: "project", needs: ["level", "year"], row: yearWhere("level", ["市级"]) },
  project_prov: { ledger: "project", needs: ["level", "year"], row: yearWhere("level", ["省级", "国家级"]) },
  talent_nat: { ledger: "talent", needs: ["program", "year"], row: yearWhere("program", ["国家级人才"]) },
  talent_taishan: { ledger: "talent", needs: ["program", "year"], row: yearWhere("program", ["泰山产业领军人才"]) },
  talent_zaozhuang: { ledger: "talent", needs: ["program", "year"], row: yearWhere("program", ["枣庄英才"]) },
  talent_flexible: { ledger: "talent", needs: ["program", "year"], row: yearWhere("program", ["柔性引进高端人才"]) },
  talent_overseas: { ledger: "talent", needs: ["program", "year"], row: yearWhere("program", ["海外专家"]) },
};

const KIND_LABEL: Record<Target["kind"], string> = { stock: "存量", flow: "流量（计划期累计）", flow_per_year: "流量（每年）" };

/** The plan in force on the as-of date; after the last plan's end, the latest plan that had started. */
export function planOn(asOf: DayNumber, packs: readonly LoadedPlan[] = PLAN_PACKS): LoadedPlan {
  const covering = packs.find((p) => asOf >= p.from && asOf <= p.to);
  if (covering) return covering;
  const started = packs.filter((p) => p.from <= asOf);
  if (started.length > 0) return started[started.length - 1];
  throw new KjError("no_policy", `无适用政策：评价日 ${formatDay(asOf)} 早于所有计划期（最早的计划自 ${packs[0]?.pack.period.from ?? "—"} 起）。${HOW_TO_ADD_POLICY}`, "na");
}

function endOfYear(y: number): DayNumber {
  return dayFromParts(y, 12, 31) as DayNumber;
}

function groupKey(l: Ledger, row: number, field: string): string {
  const r = readAt(l, row, field);
  return r.status === "ok" && String(r.value).trim() !== "" ? String(r.value) : UNFILLED;
}

function add(map: Record<string, number>, k: string): void {
  map[k] = (map[k] ?? 0) + 1;
}

interface Counted {
  l: Ledger;
  row: number;
  event: Event;
}

function counts(e: Event, day: DayNumber, years: { from: number; to: number }): boolean {
  if ("from" in e) return e.from <= day && day < e.until;
  return e.year >= years.from && e.year <= years.to;
}

/**
 * Counts every indicator of the plan pack in force on `opts.asOf`; the edits write the sheet
 * 目标完成情况 in place (its previous contents cleared first; it is the add-in's own sheet).
 */
export function computeTargets(
  snapshot: WorkbookSnapshot,
  opts: JobOptions,
  packs: readonly LoadedPlan[] = PLAN_PACKS,
  rules: PoolRules = POOL_RULES,
): JobResult<TargetsReport> {
  const asOf = opts.asOf;
  const plan = planOn(asOf, packs);
  const fromYear = yearOf(plan.from);
  const toYear = yearOf(plan.to);
  const asOfYear = yearOf(asOf);
  const years: number[] = [];
  for (let y = fromYear; y <= toYear; y++) years.push(y);
  const issues: Issue[] = [];
  const seenIssue = new Set<string>();
  const ctxFor = (counter: { n: number }): RuleContext => ({
    rules,
    unreadable: (l, row, field, message) => {
      counter.n++;
      const k = `${l.sheet.name}\u0001${row}\u0001${field}`;
      if (seenIssue.has(k)) return;
      seenIssue.add(k);
      issues.push(cellIssue(l, row, field, "warning", `${message}；该行未计入目标完成情况`));
    },
  });

  const ledgersByKind = new Map<LedgerKind, Ledger[]>();
  const ledgersOf = (kind: LedgerKind) => {
    let ls = ledgersByKind.get(kind);
    if (!ls) {
      ls = findLedgers(snapshot, kind, opts.sheet);
      ledgersByKind.set(kind, ls);
    }
    return ls;
  };

  const allocationSheet = readAllocations(snapshot, plan);
  const indicators: IndicatorResult[] = [];
  const missingKinds = new Set<LedgerKind>();
  for (const t of plan.pack.targets) {
    const counter = COUNTERS[t.key];
    const base = {
      key: t.key,
      name: t.name,
      unit: t.unit,
      kind: t.kind,
      kindLabel: KIND_LABEL[t.kind],
      qualifier: t.qualifier ?? null,
      cite: t.cite,
      countedFrom: t.countedFrom,
      target: t.target,
    };
    const nullYears = Object.fromEntries(years.map((y) => [String(y), null])) as Record<string, number | null>;
    const mine = allocationSheet.allocations.filter((a) => a.key === t.key);
    const unknown = (status: TargetStatus, note: string, sheets: string[]): IndicatorResult => ({
      ...base, actual: null, completion: null, gap: null, status, byYear: nullYears, byTown: null, byDepartment: null, sheets, unreadable: 0, note,
      allocations: mine.map((a) => allocationResult(a, null, a.year > asOfYear ? "未开始" : status, note)),
    });
    if (!counter) {
      indicators.push(unknown("缺少列", `本工具尚无“${t.name}”的计数规则`, []));
      continue;
    }
    const ledgers = ledgersOf(counter.ledger);
    const title = kindDef(counter.ledger).title;
    if (ledgers.length === 0) {
      missingKinds.add(counter.ledger);
      indicators.push(unknown("缺少台账", `缺少${title}台账，未计数（不按 0 计）`, []));
      continue;
    }
    const usable = ledgers.filter((l) => counter.needs.every((f) => l.mapping.columns[f] !== undefined));
    if (usable.length === 0) {
      const l = ledgers[0];
      const lacking = counter.needs.filter((f) => l.mapping.columns[f] === undefined).map((f) => fieldName(l, f));
      indicators.push(unknown("缺少列", `台账“${l.sheet.name}”缺少列：${lacking.join("、")}，未计数`, ledgers.map((x) => x.sheet.name)));
      continue;
    }

    const bad = { n: 0 };
    const ctx = ctxFor(bad);
    const events: Counted[] = [];
    for (const l of usable) for (const { row } of dataRows(l)) {
      const e = counter.row(l, row, ctx);
      if (e) events.push({ l, row, event: e });
    }
    // Flow stops at the as-of year; a per-year indicator is judged on the as-of year (within the plan).
    const flowYears = { from: fromYear, to: Math.min(toYear, asOfYear) };
    const judgedYear = Math.min(Math.max(asOfYear, fromYear), toYear);
    const countOn = (day: DayNumber, span: { from: number; to: number }): Counted[] => {
      const hits = events.filter((c) => counts(c.event, day, span));
      if (!counter.distinct) return hits;
      const seen = new Set<string>();
      return hits.filter((c) => {
        const k = enterpriseKey(c.l, c.row);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    };
    const actualSet = t.kind === "stock" ? countOn(asOf, flowYears) : t.kind === "flow" ? countOn(asOf, flowYears) : countOn(asOf, { from: judgedYear, to: judgedYear });
    const byYear: Record<string, number | null> = {};
    for (const y of years) {
      if (y > asOfYear) byYear[String(y)] = null;
      else if (t.kind === "stock") byYear[String(y)] = countOn(Math.min(endOfYear(y), asOf), flowYears).length;
      else byYear[String(y)] = countOn(asOf, { from: y, to: y }).length;
    }
    const hasTown = usable.every((l) => l.mapping.columns.town !== undefined);
    const hasDept = usable.every((l) => l.mapping.columns.department !== undefined);
    const byTown: Record<string, number> | null = hasTown ? {} : null;
    const byDepartment: Record<string, number> | null = hasDept ? {} : null;
    for (const c of actualSet) {
      if (byTown) add(byTown, groupKey(c.l, c.row, "town"));
      if (byDepartment) add(byDepartment, groupKey(c.l, c.row, "department"));
    }
    const actual = actualSet.length;
    const hasUnit: Record<UnitKind, boolean> = { town: hasTown, department: hasDept };
    const allocations = mine.map((a) => {
      if (a.year > asOfYear) return allocationResult(a, null, "未开始", `${a.year} 年尚未开始（评价日 ${formatDay(asOf)}）`);
      if (!hasUnit[a.unitKind]) {
        const l = usable.find((x) => x.mapping.columns[a.unitKind] === undefined) as Ledger;
        return allocationResult(a, null, "缺少列", `台账“${l.sheet.name}”缺少“${fieldName(l, a.unitKind)}”列，无法按${UNIT_KIND_LABEL[a.unitKind]}计数`);
      }
      const set = t.kind === "stock" ? countOn(Math.min(endOfYear(a.year), asOf), flowYears) : countOn(asOf, { from: a.year, to: a.year });
      const want = lookupKey(a.unit);
      const n = set.filter((c) => lookupKey(groupKey(c.l, c.row, a.unitKind)) === want).length;
      return allocationResult(a, n, n >= a.target ? "达成" : "未达成", null);
    });
    indicators.push({
      ...base,
      actual,
      completion: actual / t.target,
      gap: Math.max(0, t.target - actual),
      status: actual >= t.target ? "达成" : "未达成",
      byYear,
      byTown,
      byDepartment,
      sheets: usable.map((l) => l.sheet.name),
      unreadable: bad.n,
      note: null,
      allocations,
    });
  }
  rankAllocations(indicators);

  const missingLedgers = [...missingKinds].map((k) => kindDef(k).title);
  const validity = rules.hitechValidityYears.value;
  const ruleLines = [
    `存量指标：按评价日 ${formatDay(asOf)} 有效的数量计。高新技术企业：高企认定日期在评价日前 ${validity} 年内（认定满 ${validity} 年当日起不再计入）；科技小巨人：已填小巨人认定日期且未撤销；创新平台：状态有效（空白按有效）且获批日期不晚于评价日。同一企业多行只计一次。`,
    `流量指标：按计划期 ${plan.pack.period.from} 至 ${plan.pack.period.to} 内、且不晚于评价日所在年度发生的数量计；分年列按当年计；“每年”指标（科技型中小企业、海外专家）的实际值取 ${Math.min(Math.max(asOfYear, fromYear), toYear)} 年。`,
    "存量指标的分年列为当年 12 月 31 日（当年未结束时为评价日）有效的数量；评价日之后的年度留空。",
  ];
  if (asOf > plan.to) {
    ruleLines.push(`评价日 ${formatDay(asOf)} 已在计划期（${plan.pack.period.from} 至 ${plan.pack.period.to}）之后，按这一期计划统计。${HOW_TO_ADD_POLICY}`);
  }
  const report: TargetsReport = {
    asOf: formatDay(asOf),
    policy: { id: plan.pack.id, title: plan.pack.title, from: plan.pack.period.from, to: plan.pack.period.to },
    years,
    indicators,
    missingLedgers,
    rules: ruleLines,
    issues,
    allocation: {
      sheet: allocationSheet.sheet,
      years: [...new Set(allocationSheet.allocations.map((a) => a.year))].sort((a, b) => a - b),
      units: unitSummaries(indicators),
      issues: allocationSheet.issues,
      rule: ALLOCATION_RULE,
    },
  };
  return { report, edits: targetSheetEdits(snapshot, report) };
}

// ---------------------------------------------------------------- allocations (目标分解)

export const ALLOCATION_RULE =
  "目标分解：各镇街、部门的实际数按其所属镇街或主管部门计，口径同全区；存量指标按当年 12 月 31 日（当年为评价日）有效的数量，流量指标按当年发生的数量。排名按完成率从高到低，完成率相同的名次相同。综合完成率为该单位当年各项分解指标完成率的平均值（单项超过 100% 的按 100% 计）。";

function allocationResult(a: Allocation, actual: number | null, status: AllocationStatus, note: string | null): AllocationResult {
  return {
    unit: a.unit,
    unitKind: a.unitKind,
    unitLabel: UNIT_KIND_LABEL[a.unitKind],
    year: a.year,
    target: a.target,
    actual,
    completion: actual === null ? null : new Decimal(actual).div(a.target).toNumber(),
    gap: actual === null ? null : Math.max(0, new Decimal(a.target).minus(actual).toNumber()),
    status,
    rank: null,
    row: a.row,
    note,
  };
}

/** Competition ranking ("1224") of items by a Decimal, highest first; null values get no rank. */
function rankBy<T>(items: T[], value: (x: T) => Decimal | null, set: (x: T, rank: number) => void): void {
  const known = items.map((x) => ({ x, v: value(x) })).filter((e): e is { x: T; v: Decimal } => e.v !== null);
  known.sort((a, b) => b.v.cmp(a.v));
  const ranks = new Map<T, number>();
  known.forEach((e, i) => {
    const r = i > 0 && known[i - 1].v.eq(e.v) ? (ranks.get(known[i - 1].x) as number) : i + 1;
    ranks.set(e.x, r);
    set(e.x, r);
  });
}

function exactCompletion(a: { actual: number | null; target: number }): Decimal | null {
  return a.actual === null ? null : new Decimal(a.actual).div(a.target);
}

/** Ranks each indicator's allocations among the units of the same kind and year. */
function rankAllocations(indicators: IndicatorResult[]): void {
  for (const i of indicators) {
    const groups = new Map<string, AllocationResult[]>();
    for (const a of i.allocations) {
      const k = `${a.year}\u0001${a.unitKind}`;
      groups.set(k, [...(groups.get(k) ?? []), a]);
    }
    for (const g of groups.values()) rankBy(g, exactCompletion, (a, r) => (a.rank = r));
  }
}

/** Each unit's 综合完成率 per year and its rank among the units of its kind. */
function unitSummaries(indicators: IndicatorResult[]): UnitSummary[] {
  const byUnit = new Map<string, { s: UnitSummary; sum: Decimal }>();
  for (const i of indicators) {
    for (const a of i.allocations) {
      if (a.status === "未开始") continue;
      const k = `${a.year}\u0001${a.unitKind}\u0001${a.unit}`;
      let e = byUnit.get(k);
      if (!e) {
        e = { s: { year: a.year, unitKind: a.unitKind, unitLabel: a.unitLabel, unit: a.unit, counted: 0, reached: 0, unknown: 0, completion: null, rank: null }, sum: new Decimal(0) };
        byUnit.set(k, e);
      }
      const c = exactCompletion(a);
      if (c === null) {
        e.s.unknown++;
        continue;
      }
      e.s.counted++;
      if (a.status === "达成") e.s.reached++;
      e.sum = e.sum.plus(Decimal.min(c, 1));
    }
  }
  const entries = [...byUnit.values()];
  const exact = new Map<UnitSummary, Decimal | null>();
  for (const e of entries) {
    const v = e.s.counted > 0 ? e.sum.div(e.s.counted) : null;
    exact.set(e.s, v);
    e.s.completion = v === null ? null : v.toNumber();
  }
  const out = entries.map((e) => e.s);
  const groups = new Map<string, UnitSummary[]>();
  for (const s of out) groups.set(`${s.year}\u0001${s.unitKind}`, [...(groups.get(`${s.year}\u0001${s.unitKind}`) ?? []), s]);
  for (const g of groups.values()) rankBy(g, (s) => exact.get(s) ?? null, (s, r) => (s.rank = r));
  const kindOrder = (k: UnitKind) => (k === "town" ? 0 : 1);
  return out.sort((a, b) => a.year - b.year || kindOrder(a.unitKind) - kindOrder(b.unitKind) || (a.rank ?? Infinity) - (b.rank ?? Infinity) || (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0));
}

// ---------------------------------------------------------------- the sheet

type Cell = string | number | null;

/** Breakdown keys in a stable order: by total descending, then name; 未填写 last. */
function breakdownKeys(maps: readonly (Record<string, number> | null)[]): string[] {
  const totals = new Map<string, number>();
  for (const m of maps) if (m) for (const [k, v] of Object.entries(m)) totals.set(k, (totals.get(k) ?? 0) + v);
  return [...totals.keys()].sort((a, b) => {
    if (a === UNFILLED) return 1;
    if (b === UNFILLED) return -1;
    return (totals.get(b) ?? 0) - (totals.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0);
  });
}

function pad(rows: Cell[][]): Cell[][] {
  const w = Math.max(1, ...rows.map((r) => r.length));
  return rows.map((r) => [...r, ...new Array<Cell>(w - r.length).fill(null)]);
}

/** The edits that write 目标完成情况: clear what the add-in wrote last time, then the sheet anew. */
export function targetSheetEdits(snapshot: WorkbookSnapshot, report: TargetsReport): Edit[] {
  const S = TARGETS_SHEET;
  const edits = rewriteOwnSheetEdits(snapshot, S);
  const lines: Cell[][] = [];
  lines.push([`${report.policy.title} 目标完成情况`]);
  lines.push([`评价日期：${report.asOf}　　政策：${report.policy.title}（${report.policy.from} 至 ${report.policy.to}）`]);
  for (const r of report.rules) lines.push([`口径：${r}`]);
  lines.push([
    report.missingLedgers.length > 0
      ? `缺少台账：${report.missingLedgers.join("、")}（相关指标未计数，不按 0 计）`
      : "所用台账：" + [...new Set(report.indicators.flatMap((i) => i.sheets))].join("、"),
  ]);
  lines.push([]);
  const headerRow = lines.length + 1;
  const yearCols = report.years.map(String);
  const header = ["指标", "键", "口径", "目标", "单位", "实际", "完成率", "差距", "状态", ...yearCols.map((y) => `${y}年`), "依据", "计数规则", "说明"];
  lines.push(header);
  for (const i of report.indicators) {
    lines.push([
      i.qualifier ? `${i.name}（${i.qualifier}）` : i.name,
      i.key,
      i.kindLabel,
      i.target,
      i.unit,
      i.actual,
      i.completion,
      i.gap,
      i.status,
      ...yearCols.map((y) => i.byYear[y]),
      i.cite,
      i.countedFrom,
      i.note ?? (i.unreadable > 0 ? `${i.unreadable} 处单元格无法读取，相应行未计入` : null),
    ]);
  }
  const tableEnd = lines.length;
  const boldRows: { row: number; cols: number }[] = [{ row: 1, cols: 1 }, { row: headerRow, cols: header.length }];

  const breakdown = (title: string, pick: (i: IndicatorResult) => Record<string, number> | null) => {
    const withData = report.indicators.filter((i) => pick(i) !== null);
    if (withData.length === 0) return;
    const keys = breakdownKeys(withData.map(pick));
    lines.push([]);
    lines.push([title]);
    boldRows.push({ row: lines.length, cols: 1 });
    lines.push(["指标", ...keys, "合计"]);
    boldRows.push({ row: lines.length, cols: keys.length + 2 });
    for (const i of withData) {
      const m = pick(i) as Record<string, number>;
      lines.push([i.name, ...keys.map((k) => m[k] ?? 0), i.actual]);
    }
  };
  breakdown("按所属镇街（实际数）", (i) => i.byTown);
  breakdown("按主管部门（实际数）", (i) => i.byDepartment);

  // 目标分解: each unit's attainment against its allocation, with completion and rank.
  const percentBlocks: { row: number; col: number; rows: number }[] = [];
  const a = report.allocation;
  if (a.sheet !== null) {
    lines.push([]);
    lines.push([`目标分解完成情况（按“${a.sheet}”工作表）`]);
    boldRows.push({ row: lines.length, cols: 1 });
    lines.push([`口径：${a.rule}`]);
    if (a.units.length > 0) {
      lines.push([]);
      lines.push(["各单位综合完成情况"]);
      boldRows.push({ row: lines.length, cols: 1 });
      const h = ["年度", "类别", "单位", "分解指标数", "已达成", "未达成", "无法计数", "综合完成率", "排名"];
      lines.push(h);
      boldRows.push({ row: lines.length, cols: h.length });
      const first = lines.length + 1;
      for (const u of a.units) lines.push([u.year, u.unitLabel, u.unit, u.counted + u.unknown, u.reached, u.counted - u.reached, u.unknown, u.completion, u.rank]);
      percentBlocks.push({ row: first, col: h.indexOf("综合完成率") + 1, rows: a.units.length });
    }
    const rows = report.indicators.flatMap((i) => i.allocations.map((x) => ({ i, x })));
    if (rows.length > 0) {
      rows.sort((p, q) => p.x.year - q.x.year || (p.x.unitKind === q.x.unitKind ? 0 : p.x.unitKind === "town" ? -1 : 1) || report.indicators.indexOf(p.i) - report.indicators.indexOf(q.i) || (p.x.rank ?? Infinity) - (q.x.rank ?? Infinity) || p.x.row - q.x.row);
      lines.push([]);
      lines.push(["分指标完成情况"]);
      boldRows.push({ row: lines.length, cols: 1 });
      const h = ["年度", "类别", "单位", "指标", "键", "目标", "实际", "完成率", "差距", "状态", "排名", "说明"];
      lines.push(h);
      boldRows.push({ row: lines.length, cols: h.length });
      const first = lines.length + 1;
      for (const { i, x } of rows) lines.push([x.year, x.unitLabel, x.unit, i.name, i.key, x.target, x.actual, x.completion, x.gap, x.status, x.rank, x.note]);
      percentBlocks.push({ row: first, col: h.indexOf("完成率") + 1, rows: rows.length });
    }
    if (a.units.length === 0 && rows.length === 0) lines.push(["（没有可采用的目标分解行）"]);
    if (a.issues.length > 0) {
      lines.push([]);
      lines.push([`“${a.sheet}”中未采用的行（${a.issues.length} 行）`]);
      boldRows.push({ row: lines.length, cols: 1 });
      const h = ["行", "列", "栏目", "说明"];
      lines.push(h);
      boldRows.push({ row: lines.length, cols: h.length });
      for (const x of a.issues) lines.push([x.row, x.column || null, x.field, x.message]);
    }
  }

  edits.push({ type: "setValues", sheet: S, row: 1, col: 1, values: pad(lines) });
  for (const b of percentBlocks) {
    edits.push({ type: "numberFormat", sheet: S, row: b.row, col: b.col, rows: b.rows, cols: 1, format: PERCENT_NUMBER_FORMAT });
    edits.push({ type: "dataBar", sheet: S, row: b.row, col: b.col, rows: b.rows, cols: 1, color: DATA_BAR_COLOR });
  }
  const completionCol = header.indexOf("完成率") + 1;
  const n = tableEnd - headerRow;
  if (n > 0) {
    edits.push({ type: "numberFormat", sheet: S, row: headerRow + 1, col: completionCol, rows: n, cols: 1, format: PERCENT_NUMBER_FORMAT });
    edits.push({ type: "dataBar", sheet: S, row: headerRow + 1, col: completionCol, rows: n, cols: 1, color: DATA_BAR_COLOR });
  }
  for (const b of boldRows) edits.push({ type: "bold", sheet: S, row: b.row, col: 1, rows: 1, cols: b.cols });
  edits.push({ type: "columnWidths", sheet: S, col: 1, widths: [30, 16, 16, 8, 6, 8, 9, 8, 10, ...yearCols.map(() => 8), 14, 40, 36] });
  return edits;
}

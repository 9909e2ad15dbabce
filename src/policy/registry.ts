/**
 * The policy registry: every pack in force for one computation — the built-in packs, the packs
 * stored in the workbook, the files given with --policy — checked and compiled once. It is a
 * plain value: the core never keeps one of its own; each host builds the registry for its
 * workbook and passes it to the jobs and functions (the built-in one is the default).
 *
 * A pack has a *format* (how its file is written: plan, eligibility, …) and a *kind* (what it
 * rules: plan, hitech, sme, giant, …). Packs of one kind must not overlap in time:
 * - two packs of a kind that start on the same day overlap;
 * - a pack with an end date overlaps every pack of its kind that starts within its period;
 * - a pack without an end date (rule packs) is in force until a later pack of its kind starts,
 *   and again after that one ends: a successor never overlaps it.
 * A new format (e.g. R&D subsidy packs) is one more FormatDef here: see docs/policy-packs.md.
 *
 * Example:
 *   const reg = buildRegistry([loadPack(json, { type: "file", name: "新政策.json" })]);
 *   computeAward({ item: "高企", date }, reg.plans)
 */
import { DayNumber, formatDay } from "../dates";
import { KjError } from "../errors";
import { originText, PackError, PackOrigin, parsePackText } from "./pack-errors";
import { LoadedPlan, loadPlan, PLAN_PACK_SOURCES } from "./plans";
import { CATEGORY_NAMES, loadRulePack, RULE_PACK_SOURCES, RulePack } from "./rules";
import { loadUpkeepPack, UpkeepPack } from "./upkeep-schema";
import { loadRdPack, RD_PACK_SOURCES, RD_SCHEME_TITLES, RdPack } from "./rd";
import poolUpkeep from "./packs/pool-upkeep.json";

/** What a pack's file is: its schema and loader. */
export type PackFormat = "plan" | "eligibility" | "upkeep" | "rdSubsidy";

/** One pack, checked and compiled, with what `kj policy list` and the pane show of it. */
export interface LoadedPack {
  id: string;
  format: PackFormat;
  /** What it rules; packs of one kind must not overlap: "plan", "hitech", "sme", "giant", "upkeep", "rd-city", "rd-province". */
  kind: string;
  /** The kind in Chinese: "计划（奖励与目标）", "高新技术企业认定条件". */
  kindName: string;
  title: string;
  /** 发文单位; "" when the pack does not say. */
  issuer: string;
  from: DayNumber;
  /** Last day in force; null = until a later pack of the kind starts. */
  to: DayNumber | null;
  provisional: boolean;
  /** 原文出处. */
  source: string;
  note: string | null;
  origin: PackOrigin;
  /** The pack as written (its JSON value): `kj policy show --json` prints it, the workbook stores it. */
  json: Record<string, unknown>;
  plan?: LoadedPlan;
  rules?: RulePack;
  upkeep?: UpkeepPack;
  rd?: RdPack;
}

/** How one format is recognised and loaded. */
interface FormatDef {
  format: PackFormat;
  /** The format in Chinese, for messages. */
  name: string;
  /** Whether a parsed JSON object is written in this format (from its fields). */
  detect(o: Record<string, unknown>): boolean;
  load(json: Record<string, unknown>, origin: PackOrigin, text?: string): LoadedPack;
}

const KIND_NAMES: Record<string, string> = {
  plan: "计划（奖励与目标）",
  hitech: `${CATEGORY_NAMES.hitech}认定条件`,
  sme: `${CATEGORY_NAMES.sme}认定条件`,
  giant: `${CATEGORY_NAMES.giant}认定条件`,
  upkeep: "培育库动态管理（调出原因与提醒）",
  "rd-city": `${RD_SCHEME_TITLES.city}`,
  "rd-province": `${RD_SCHEME_TITLES.province}`,
};

const FORMATS: readonly FormatDef[] = [
  {
    format: "plan",
    name: "计划政策包（奖励与目标）",
    detect: (o) => "period" in o || "awards" in o || "targets" in o,
    load: (json, origin, text) => {
      const plan = loadPlan(json, origin, text);
      const p = plan.pack;
      return {
        id: p.id,
        format: "plan",
        kind: "plan",
        kindName: KIND_NAMES.plan,
        title: p.title,
        issuer: p.issuer,
        from: plan.from,
        to: plan.to,
        provisional: p.provisional ?? false,
        source: p.source,
        note: p.note ?? null,
        origin,
        json,
        plan,
      };
    },
  },
  {
    // Before "eligibility": an R&D pack also has "conditions".
    format: "rdSubsidy",
    name: "研发补助政策包",
    detect: (o) => "scheme" in o || "subsidy" in o,
    load: (json, origin, text) => {
      const rd = loadRdPack(json, origin, text);
      const r = rd.raw;
      const kind = `rd-${rd.scheme}`;
      return {
        id: rd.id,
        format: "rdSubsidy",
        kind,
        kindName: KIND_NAMES[kind],
        title: rd.docNo ? `${rd.title}（${rd.docNo}）` : rd.title,
        issuer: r.issuer ?? "",
        from: rd.from,
        to: rd.to,
        provisional: rd.provisional,
        source: r.source,
        note: r.note ?? null,
        origin,
        json,
        rd,
      };
    },
  },
  {
    format: "eligibility",
    name: "认定条件政策包",
    detect: (o) => "category" in o || "conditions" in o,
    load: (json, origin, text) => {
      const rules = loadRulePack(json, origin, text);
      const r = rules.raw;
      return {
        id: rules.id,
        format: "eligibility",
        kind: rules.category,
        kindName: KIND_NAMES[rules.category],
        title: rules.title,
        issuer: r.issuer ?? "",
        from: rules.from,
        to: rules.to,
        provisional: rules.provisional,
        source: r.source,
        note: r.note ?? null,
        origin,
        json,
        rules,
      };
    },
  },
  {
    format: "upkeep",
    name: "动态管理政策包",
    detect: (o) => "reasons" in o || "reminders" in o || "hitechValidityYears" in o,
    load: (json, origin, text) => {
      const upkeep = loadUpkeepPack(json, origin, text);
      const r = upkeep.rules;
      return {
        id: upkeep.id,
        format: "upkeep",
        kind: "upkeep",
        kindName: KIND_NAMES.upkeep,
        title: upkeep.title,
        issuer: r.issuer ?? "",
        from: upkeep.from,
        to: upkeep.to,
        provisional: r.provisional ?? false,
        source: r.source,
        note: r.note ?? null,
        origin,
        json,
        upkeep,
      };
    },
  },
];

/**
 * Checks and compiles one pack given as a parsed JSON value (`text`, the file's text, adds line
 * numbers to messages). Throws PackError naming every wrong field.
 */
export function loadPack(json: unknown, origin: PackOrigin, text?: string): LoadedPack {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new PackError(origin, [{ path: "", message: "政策包应是一个 JSON 对象 { … }" }]);
  }
  const o = json as Record<string, unknown>;
  const def = FORMATS.find((f) => f.detect(o));
  if (!def) {
    const known = "计划政策包含 period、awards、targets；认定条件政策包含 category、conditions；动态管理政策包含 reasons、reminders；研发补助政策包含 scheme、subsidy";
    throw new PackError(origin, [{ path: "", message: `无法识别政策包的类型（${known}）` }]);
  }
  return def.load(o, origin, text);
}

/** loadPack from a file's text (JSON; syntax errors and repeated fields refused with their lines). */
export function loadPackText(text: string, origin: PackOrigin): LoadedPack {
  const json = parsePackText(text, origin);
  return loadPack(json, origin, text.replace(/^\uFEFF/, ""));
}

/** Every pack for one computation, by kind, each list oldest first. */
export interface PolicyRegistry {
  /** All packs: built-in first, then the others in the order given. */
  readonly packs: readonly LoadedPack[];
  /** Plan packs (awards and targets), oldest first. */
  readonly plans: readonly LoadedPlan[];
  /** Eligibility rule packs, oldest first. */
  readonly rulePacks: readonly RulePack[];
  /** Upkeep packs (动态管理: removal causes and reminders), oldest first. */
  readonly upkeep: readonly UpkeepPack[];
  /** R&D subsidy packs (both schemes), oldest first. */
  readonly rdPacks: readonly RdPack[];
}

/** "2022-01-01 至 2024-12-31" or "2016-01-01 起". */
export function periodText(p: Pick<LoadedPack, "from" | "to">): string {
  return p.to === null ? `${formatDay(p.from)} 起` : `${formatDay(p.from)} 至 ${formatDay(p.to)}`;
}

/** The same JSON regardless of key order and of "$schema": two copies of one pack are one pack. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => k !== "$schema")
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

/** True when two packs (of one kind) cannot both be in force: see the rules at the top. */
function overlap(a: LoadedPack, b: LoadedPack): boolean {
  const [first, second] = a.from <= b.from ? [a, b] : [b, a];
  if (first.from === second.from) return true;
  return first.to !== null && first.to >= second.from;
}

function packLabel(p: LoadedPack): string {
  return `“${p.id}”（${originText(p.origin)}，${periodText(p)}）`;
}

/**
 * The registry of the built-in packs plus `extra` (stored in the workbook, given with --policy).
 * A pack given twice (same content) counts once. Two packs of one kind whose periods overlap are
 * an error naming both (KjError policy_overlap).
 */
export function buildRegistry(extra: readonly LoadedPack[] = [], base: readonly LoadedPack[] = BUILTIN_PACKS): PolicyRegistry {
  const packs: LoadedPack[] = [];
  const seen = new Set<string>();
  for (const p of [...base, ...extra]) {
    const key = `${p.kind}\u0000${canonical(p.json)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    packs.push(p);
  }
  const clashes: string[] = [];
  for (let i = 0; i < packs.length; i++) {
    for (let j = i + 1; j < packs.length; j++) {
      const a = packs[i];
      const b = packs[j];
      if (a.kind === b.kind && overlap(a, b)) clashes.push(`${packLabel(a)}与${packLabel(b)}同为${a.kindName}，有效期重叠`);
    }
  }
  if (clashes.length > 0) {
    throw new KjError(
      "policy_overlap",
      `政策包有效期重叠：${clashes.join("；")}。同一类政策在同一天只能有一个政策包：请修改新政策包的 period（计划）、effectiveFrom/effectiveTo（认定条件、动态管理）或 years（研发补助），或不要同时载入这两个政策包`,
    );
  }
  const byFrom = <T extends { from: DayNumber }>(xs: T[]) => xs.sort((x, y) => x.from - y.from);
  return {
    packs,
    plans: byFrom(packs.flatMap((p) => (p.plan ? [p.plan] : []))),
    rulePacks: byFrom(packs.flatMap((p) => (p.rules ? [p.rules] : []))),
    upkeep: byFrom(packs.flatMap((p) => (p.upkeep ? [p.upkeep] : []))),
    rdPacks: byFrom(packs.flatMap((p) => (p.rd ? [p.rd] : []))),
  };
}

/** The packs shipped with KJ. */
export const BUILTIN_PACKS: readonly LoadedPack[] = [...PLAN_PACK_SOURCES, ...RULE_PACK_SOURCES, poolUpkeep, ...RD_PACK_SOURCES].map((json) => loadPack(json, { type: "builtin" }));

/** The registry of the built-in packs alone: what every function uses unless a host passes another. */
export const BUILTIN_POLICIES: PolicyRegistry = buildRegistry([], BUILTIN_PACKS);

/** The packs of a registry in force on a day, one per kind (what the pane lists for the workbook's dates). */
export function packsInForce(reg: PolicyRegistry, day: DayNumber): LoadedPack[] {
  const out = new Map<string, LoadedPack>();
  for (const p of [...reg.packs].sort((a, b) => a.from - b.from)) {
    if (day >= p.from && (p.to === null || day <= p.to)) out.set(p.kind, p);
  }
  return [...out.values()];
}

/** The packs with an id (several when a successor kept its predecessor's id). */
export function packsById(reg: PolicyRegistry, id: string): LoadedPack[] {
  return reg.packs.filter((p) => p.id === id);
}

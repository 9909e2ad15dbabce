/**
 * Eligibility rule packs (高企, 科小, 小巨人): loaded from JSON, checked with zod, then compiled
 * once into a form the evaluator reads fast — field ids resolved to catalogue fields, decimal
 * thresholds parsed both exactly (Decimal) and as a float for the quick comparison.
 * A successor rule or the official 小巨人 criteria are a new or replaced JSON pack, not code.
 */
import Decimal from "decimal.js";
import { dayFromParts, DayNumber, formatDay } from "../dates";
import { KjError } from "../errors";
import { ENTERPRISE, FieldDef } from "../ledger/catalogue";
import { lookupKey } from "../text";
import hitech2016 from "./packs/hitech-2016.json";
import sme2017 from "./packs/sme-2017.json";
import giantProvisional from "./packs/giant-provisional.json";
import { ZodError } from "zod";
import { HOW_TO_ADD_POLICY, PackError, PackOrigin, problemsFromZod } from "./pack-errors";
import { Category, ConditionRaw, MeasureRaw, RulePackRaw, rulePackSchema, ScoreBandRaw, ScorePartRaw } from "./rules-schema";

export type { Category } from "./rules-schema";

/** A decimal threshold kept exact (for boundaries) and as a float (for the fast path). */
export interface Threshold {
  text: string;
  dec: Decimal;
  f: number;
  /** As a percentage for display: "0.05" -> "5%". */
  pct: string;
}

/** A catalogue field of the enterprise ledger, by its position in ENTERPRISE.fields. */
export interface FieldRef {
  ord: number;
  def: FieldDef;
}

export type Role = "required" | "route" | "scored";

interface CondBase {
  id: string;
  label: string;
  role: Role;
  cite: string;
  note?: string;
  /** Rests on a provisional stand-in (the condition's own flag, else the pack's). */
  provisional: boolean;
}

export interface RatioBand {
  upTo: Threshold | null;
  min: Threshold;
  label?: string;
  cite: string;
}

export type Condition =
  | (CondBase & { kind: "daysSince"; field: FieldRef; minDays: number })
  | (CondBase & { kind: "countAtLeast"; fields: FieldRef[]; min: number })
  | (CondBase & { kind: "anyAtLeast"; items: { field: FieldRef; min: number; cite: string }[] })
  | (CondBase & { kind: "oneOf"; field: FieldRef; listName: string; values: string[]; valueKeys: Map<string, string> })
  | (CondBase & { kind: "ratio"; numerator: FieldRef; denominator: FieldRef; bandBy: FieldRef | null; bands: RatioBand[] })
  | (CondBase & { kind: "amount"; field: FieldRef; atLeast: Threshold | null; atMost: Threshold | null; unit: string })
  | (CondBase & { kind: "noRecord"; field: FieldRef })
  | (CondBase & { kind: "isTrue"; fields: FieldRef[] })
  | (CondBase & { kind: "certificateValid"; field: FieldRef; years: number })
  | (CondBase & { kind: "growth"; series: { label: string; fields: [FieldRef, FieldRef, FieldRef] }[]; min: Threshold; growthFactorSquared: Threshold })
  | (CondBase & { kind: "score"; model: ScoreModel; atLeast: number | null; above: number | null })
  | (CondBase & { kind: "partNonZero"; model: ScoreModel; part: ScorePart });

export interface ScoreBand {
  atLeast: Threshold | null;
  above: Threshold | null;
  classIAtLeast: number | null;
  classIIAtLeast: number | null;
  lo: number;
  hi: number;
  cite: string;
}

export type Measure =
  | { type: "ratio"; numerator: FieldRef; denominator: FieldRef }
  | { type: "average"; field: FieldRef; years: number }
  | { type: "growth"; fields: [FieldRef, FieldRef, FieldRef]; cite: string }
  | { type: "ipCounts"; classI: FieldRef; classII: FieldRef };

export interface BandedScale {
  label: string;
  measure: Measure;
  bands: ScoreBand[];
  /** Lowest and highest points any band gives: the range when the measure is unknown. */
  lo: number;
  hi: number;
}

export type ScorePart =
  | { kind: "bands"; id: string; label: string; max: number; cite: string; scale: BandedScale }
  | { kind: "bestOf"; id: string; label: string; max: number; cite: string; options: BandedScale[] }
  | { kind: "expert"; id: string; label: string; max: number; cite: string }
  | { kind: "sum"; id: string; label: string; max: number; cite: string; parts: ScorePart[] };

export interface ScoreModel {
  id: string;
  label: string;
  max: number;
  givenField: FieldRef | null;
  cite: string;
  parts: ScorePart[];
}

export interface RulePack {
  raw: RulePackRaw;
  id: string;
  category: Category;
  name: string;
  title: string;
  from: DayNumber;
  to: DayNumber | null;
  provisional: boolean;
  /** "" unless provisional. */
  provisionalNotice: string;
  conditions: Condition[];
  /** Every catalogue field some condition or score reads (which columns a ledger needs for this category). */
  fields: FieldRef[];
}

const FIELD_BY_ID = new Map<string, FieldRef>(ENTERPRISE.fields.map((def, ord) => [def.id, { ord, def }]));

function isoDay(iso: string): DayNumber {
  const [y, m, d] = iso.split("-").map(Number);
  return dayFromParts(y, m, d) as DayNumber;
}

export function threshold(text: string): Threshold {
  const dec = new Decimal(text);
  return { text, dec, f: dec.toNumber(), pct: `${dec.times(100).toString()}%` };
}

type Path = (string | number)[];

/** A refusal found while compiling (after the schema): where, and why in Chinese. */
class CompileProblem extends Error {
  constructor(
    readonly path: Path,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Loads, checks and compiles one rule pack. Throws PackError, naming the field, on a schema error,
 * an unknown field id, a citation that names no document of the pack, or a band table out of order.
 * `text` (the file's text) adds line numbers to the messages.
 */
export function loadRulePack(json: unknown, origin: PackOrigin = { type: "builtin" }, text?: string): RulePack {
  const parsed = rulePackSchema.safeParse(json);
  if (!parsed.success) throw new PackError(origin, problemsFromZod(parsed.error, json, text));
  try {
    return compileRulePack(parsed.data);
  } catch (e) {
    if (!(e instanceof CompileProblem)) throw e;
    const problems = problemsFromZod(new ZodError([{ code: "custom", path: e.path, message: e.message }]), json, text);
    throw new PackError(origin, problems);
  }
}

function compileRulePack(raw: RulePackRaw): RulePack {
  const packId = raw.id;
  const docs = raw.documents.map((d) => d.short);
  const used = new Map<number, FieldRef>();
  const fail = (path: Path, message: string): never => {
    throw new CompileProblem(path, message);
  };

  const checkCite = (c: string, where: Path): string => {
    if (!docs.some((d) => c.startsWith(d))) fail([...where, "cite"], `依据“${c}”没有以本政策包 documents 中的任何简称开头（可用：${docs.join("、")}）`);
    return c;
  };
  const field = (id: string, where: Path): FieldRef => {
    const f = FIELD_BY_ID.get(id);
    if (!f) return fail(where, `未知的字段编号“${id}”（可用的编号见 README“政策包”一节的字段编号表）`);
    used.set(f.ord, f);
    return f;
  };

  const measure = (m: MeasureRaw, where: Path): Measure => {
    switch (m.type) {
      case "ratio":
        return { type: "ratio", numerator: field(m.numerator, [...where, "numerator"]), denominator: field(m.denominator, [...where, "denominator"]) };
      case "average":
        checkCite(m.cite, where);
        return { type: "average", field: field(m.field, [...where, "field"]), years: m.years };
      case "growth":
        return {
          type: "growth",
          fields: [field(m.fields[0], [...where, "fields", 0]), field(m.fields[1], [...where, "fields", 1]), field(m.fields[2], [...where, "fields", 2])],
          cite: checkCite(m.cite, where),
        };
      case "ipCounts":
        return { type: "ipCounts", classI: field(m.classI, [...where, "classI"]), classII: field(m.classII, [...where, "classII"]) };
    }
  };
  const band = (b: ScoreBandRaw, where: Path): ScoreBand => {
    const [lo, hi] = typeof b.points === "number" ? [b.points, b.points] : b.points;
    if (lo > hi) fail([...where, "points"], `分值区间 [${lo}, ${hi}] 颠倒`);
    return {
      atLeast: b.atLeast !== undefined ? threshold(b.atLeast) : null,
      above: b.above !== undefined ? threshold(b.above) : null,
      classIAtLeast: b.classIAtLeast ?? null,
      classIIAtLeast: b.classIIAtLeast ?? null,
      lo,
      hi,
      cite: checkCite(b.cite, where),
    };
  };
  const scale = (label: string, m: MeasureRaw, bands: ScoreBandRaw[], max: number, where: Path): BandedScale => {
    const compiled = bands.map((b, i) => band(b, [...where, "bands", i]));
    const last = compiled[compiled.length - 1];
    if (last.atLeast || last.above || last.classIAtLeast !== null || last.classIIAtLeast !== null) {
      fail([...where, "bands", compiled.length - 1], "最后一档应是不带条件的“其他情况”档（只写 points 和 cite）");
    }
    const hi = Math.max(...compiled.map((b) => b.hi));
    if (hi > max) fail([...where, "bands"], `有一档给 ${hi} 分，超过本项满分 ${max}`);
    return { label, measure: measure(m, [...where, "measure"]), bands: compiled, lo: Math.min(...compiled.map((b) => b.lo)), hi };
  };
  const part = (p: ScorePartRaw, where: Path): ScorePart => {
    const base = { id: p.id, label: p.label, max: p.max, cite: checkCite(p.cite, where) };
    switch (p.kind) {
      case "bands":
        return { kind: "bands", ...base, scale: scale(p.label, p.measure, p.bands, p.max, where) };
      case "bestOf":
        return { kind: "bestOf", ...base, options: p.options.map((o, i) => scale(o.label, o.measure, o.bands, p.max, [...where, "options", i])) };
      case "expert":
        return { kind: "expert", ...base };
      case "sum":
        return { kind: "sum", ...base, parts: p.parts.map((q, i) => part(q, [...where, "parts", i])) };
    }
  };

  const models = new Map<string, ScoreModel>();
  for (const [id, m] of Object.entries(raw.scores)) {
    const where: Path = ["scores", id];
    models.set(id, {
      id,
      label: m.label,
      max: m.max,
      givenField: m.givenField ? field(m.givenField, [...where, "givenField"]) : null,
      cite: checkCite(m.cite, where),
      parts: m.parts.map((p, i) => part(p, [...where, "parts", i])),
    });
  }
  const modelOf = (id: string, where: Path): ScoreModel => {
    const m = models.get(id);
    if (!m) return fail([...where, "model"], `未知的评分模型“${id}”（scores 中有：${[...models.keys()].join("、") || "无"}）`);
    return m;
  };

  const conditions = raw.conditions.map((c: ConditionRaw, i): Condition => {
    const where: Path = ["conditions", i];
    const base: CondBase = { id: c.id, label: c.label, role: c.role, cite: checkCite(c.cite, where), ...(c.note ? { note: c.note } : {}), provisional: c.provisional ?? raw.provisional };
    switch (c.kind) {
      case "daysSince":
        return { ...base, kind: c.kind, field: field(c.field, [...where, "field"]), minDays: c.minDays };
      case "countAtLeast":
        return { ...base, kind: c.kind, fields: c.fields.map((f, j) => field(f, [...where, "fields", j])), min: c.min };
      case "anyAtLeast":
        return {
          ...base,
          kind: c.kind,
          items: c.items.map((it, j) => ({ field: field(it.field, [...where, "items", j, "field"]), min: it.min, cite: checkCite(it.cite, [...where, "items", j]) })),
        };
      case "oneOf":
        return { ...base, kind: c.kind, field: field(c.field, [...where, "field"]), listName: c.listName, values: c.values, valueKeys: new Map(c.values.map((v) => [lookupKey(v), v])) };
      case "ratio": {
        const bands = c.bands.map((b, j): RatioBand => {
          const isLast = j === c.bands.length - 1;
          if (isLast !== (b.upTo === undefined)) fail([...where, "bands", j], "只有最后一档不写 upTo，其余各档都要写 upTo");
          return { upTo: b.upTo !== undefined ? threshold(b.upTo) : null, min: threshold(b.min), ...(b.label ? { label: b.label } : {}), cite: checkCite(b.cite, [...where, "bands", j]) };
        });
        if (bands.length > 1 && !c.bandBy) fail([...where, "bandBy"], "分档的比例条件须写 bandBy（按哪个字段分档）");
        return {
          ...base,
          kind: c.kind,
          numerator: field(c.numerator, [...where, "numerator"]),
          denominator: field(c.denominator, [...where, "denominator"]),
          bandBy: c.bandBy ? field(c.bandBy, [...where, "bandBy"]) : null,
          bands,
        };
      }
      case "amount":
        return { ...base, kind: c.kind, field: field(c.field, [...where, "field"]), atLeast: c.atLeast ? threshold(c.atLeast) : null, atMost: c.atMost ? threshold(c.atMost) : null, unit: c.unit };
      case "noRecord": {
        const f = field(c.field, [...where, "field"]);
        if (f.def.type.t !== "flag") fail([...where, "field"], `noRecord 条件只能用于“是/否”记录字段，“${c.field}”不是`);
        return { ...base, kind: c.kind, field: f };
      }
      case "isTrue":
        return { ...base, kind: c.kind, fields: c.fields.map((f, j) => field(f, [...where, "fields", j])) };
      case "certificateValid":
        return { ...base, kind: c.kind, field: field(c.field, [...where, "field"]), years: c.years };
      case "growth": {
        const min = threshold(c.min);
        const factor = min.dec.plus(1);
        const sq = factor.times(factor);
        return {
          ...base,
          kind: c.kind,
          series: c.series.map((s, j) => ({
            label: s.label,
            fields: [field(s.fields[0], [...where, "series", j, "fields", 0]), field(s.fields[1], [...where, "series", j, "fields", 1]), field(s.fields[2], [...where, "series", j, "fields", 2])] as [FieldRef, FieldRef, FieldRef],
          })),
          min,
          growthFactorSquared: { text: sq.toString(), dec: sq, f: sq.toNumber(), pct: `${sq.times(100).toString()}%` },
        };
      }
      case "score":
        return { ...base, kind: c.kind, model: modelOf(c.model, where), atLeast: c.atLeast ?? null, above: c.above ?? null };
      case "partNonZero": {
        const model = modelOf(c.model, where);
        const p = model.parts.find((q) => q.id === c.part);
        if (!p) return fail([...where, "part"], `评分模型 ${c.model} 中没有名为“${c.part}”的评分项`);
        return { ...base, kind: c.kind, model, part: p };
      }
    }
  });

  return {
    raw,
    id: packId,
    category: raw.category,
    name: raw.name,
    title: raw.title,
    from: isoDay(raw.effectiveFrom),
    to: raw.effectiveTo ? isoDay(raw.effectiveTo) : null,
    provisional: raw.provisional,
    provisionalNotice: raw.provisional ? (raw.provisionalNotice as string) : "",
    conditions,
    fields: [...used.values()].sort((a, b) => a.ord - b.ord),
  };
}

/** The raw JSON of every shipped rule pack (for the citation test and documentation). */
export const RULE_PACK_SOURCES: readonly unknown[] = [hitech2016, sme2017, giantProvisional];

/** All shipped rule packs, oldest first within each category. */
export const RULE_PACKS: readonly RulePack[] = RULE_PACK_SOURCES.map((json) => loadRulePack(json)).sort((a, b) => a.from - b.from);

export const CATEGORY_NAMES: Record<Category, string> = { hitech: "高新技术企业", sme: "科技型中小企业", giant: "科技小巨人企业" };

const CATEGORY_KEYS = new Map<string, Category>();
const CATEGORY_SEEN = new Map<string, Category>();
for (const [names, c] of [
  [["高企", "高新技术企业", "hitech", "高新", "国家高新技术企业"], "hitech"],
  [["科小", "科技型中小企业", "sme", "科技型中小"], "sme"],
  [["小巨人", "科技小巨人企业", "giant", "科技小巨人"], "giant"],
] as [string[], Category][]) {
  for (const n of names) CATEGORY_KEYS.set(lookupKey(n), c);
}

/**
 * Reads a 类别 argument: 高企/高新技术企业/hitech, 科小/科技型中小企业/sme, 小巨人/科技小巨人企业/giant
 * (NFKC, case-insensitive). Example: parseCategory("ＨｉＴｅｃｈ") -> "hitech".
 */
export function parseCategory(raw: unknown): Category {
  // Formulas pass the same 类别 text on every row: skip NFKC for a spelling seen before.
  if (typeof raw === "string") {
    const seen = CATEGORY_SEEN.get(raw);
    if (seen) return seen;
  }
  const text = raw === null || raw === undefined ? "" : typeof raw === "string" ? raw : typeof raw === "number" || typeof raw === "boolean" ? String(raw) : "";
  const hit = CATEGORY_KEYS.get(lookupKey(text));
  if (hit) {
    if (typeof raw === "string" && CATEGORY_SEEN.size < 64) CATEGORY_SEEN.set(raw, hit);
    return hit;
  }
  const what = text.trim() === "" ? "未填写类别" : `未知的类别“${text.trim()}”`;
  throw new KjError("unknown_category", `${what}，可填：高企（高新技术企业）、科小（科技型中小企业）、小巨人（科技小巨人企业）`, "value");
}

/** The pack of a category in force on a date; #N/A (no_policy) before the first one. */
export function rulePackFor(category: Category, asOf: DayNumber, packs: readonly RulePack[] = RULE_PACKS): RulePack {
  let hit: RulePack | null = null;
  for (const p of packs) {
    if (p.category === category && asOf >= p.from && (p.to === null || asOf <= p.to)) hit = p;
  }
  if (!hit) {
    const known = packs.filter((p) => p.category === category).map((p) => `${p.raw.effectiveFrom} 起`);
    throw new KjError("no_policy", `无适用政策：${formatDay(asOf)} 没有生效的${CATEGORY_NAMES[category]}认定条件（现有：${known.join("、") || "无"}）。${HOW_TO_ADD_POLICY}`, "na");
  }
  return hit;
}

/**
 * R&D subsidy packs (研究开发财政补助, 计划 二（四）1; DOMAIN §10): loaded from JSON, checked with
 * zod (rd-schema.ts), then compiled once — field ids resolved to columns of the 研发费用台账,
 * decimal values parsed exactly. The rules that read them are src/rules/rd-*.ts.
 *
 *   rdPackFor("province", 2024, packs)   the pack in force for the data year 2024
 *   parseRdScheme("省")                   "province"
 *
 * A pack's years are the years whose R&D is subsidised (data years), not the years of payment.
 */
import Decimal from "decimal.js";
import { ZodError } from "zod";
import { dayFromParts, DayNumber } from "../dates";
import { KjError } from "../errors";
import { RD } from "../ledger/catalogue";
import { lookupKey } from "../text";
import { HOW_TO_ADD_POLICY, PackError, PackOrigin, problemsFromZod } from "./pack-errors";
import { FieldRef, RatioBand, threshold, Threshold } from "./rules";
import { RdConditionRaw, RdPackRaw, rdPackSchema, RdScheme } from "./rd-schema";
import rdCity2025 from "./packs/rd-city-2025.json";
import rdProvince2022 from "./packs/rd-province-2022.json";
import rdProvince2025 from "./packs/rd-province-2025.json";

export type { RdScheme } from "./rd-schema";

/** A value of the subsidy rule, exact, with its clause and whether it is a provisional stand-in. */
export interface RdValue {
  text: string;
  dec: Decimal;
  cite: string;
  provisional: boolean;
}

/** Where a condition applies: field > above, or field ≤ atMost. */
export interface OnlyWhen {
  field: FieldRef;
  above: Threshold | null;
  atMost: Threshold | null;
  label: string;
  cite: string;
}

interface RdCondBase {
  id: string;
  label: string;
  /** Every R&D condition must hold (the kernel's role). */
  role: "required";
  cite: string;
  note?: string;
  provisional: boolean;
  onlyWhen: OnlyWhen | null;
}

export interface RecognitionOption {
  label: string;
  claim: FieldRef;
  date: FieldRef | null;
  validYears: number | null;
  year: FieldRef | null;
  cite: string;
}

/**
 * A compiled condition. `amount` and `ratio` have the shapes of the eligibility kernel's
 * conditions of those kinds (src/rules/checks.ts evaluates them for both).
 */
export type RdCondition =
  | (RdCondBase & { kind: "claim"; field: FieldRef })
  | (RdCondBase & { kind: "recognized"; options: RecognitionOption[] })
  | (RdCondBase & { kind: "amount"; field: FieldRef; atLeast: Threshold | null; atMost: Threshold | null; unit: string })
  | (RdCondBase & { kind: "increase"; field: FieldRef; previous: FieldRef; atLeast: Threshold | null; above: Threshold | null })
  | (RdCondBase & { kind: "ratio"; numerator: FieldRef; denominator: FieldRef; bandBy: FieldRef | null; bands: RatioBand[] });

export interface BaseBand {
  upTo: Threshold | null;
  of: "total" | "increase";
  label: string;
  cite: string;
  provisional: boolean;
}

export interface RdSubsidyRule {
  base: { bandBy: FieldRef | null; bands: BaseBand[] };
  rate: RdValue;
  higherRates: (RdValue & { claim: FieldRef; label: string })[];
  rounding: { mode: "halfUp" | "down"; places: number; cite: string; provisional: boolean };
  minimum: RdValue | null;
  floor: (RdValue & { label: string; claims: FieldRef[]; atMost: (RdValue & { field: FieldRef; label: string }) | null }) | null;
  cap: RdValue;
}

export interface RdPack {
  raw: RdPackRaw;
  id: string;
  scheme: RdScheme;
  name: string;
  title: string;
  /** 文号; "" when the pack does not say. */
  docNo: string;
  fromYear: number;
  /** Last data year; null = until a later pack of the scheme starts. */
  toYear: number | null;
  /** Jan 1 of the first year, Dec 31 of the last (for the registry's overlap rules). */
  from: DayNumber;
  to: DayNumber | null;
  provisional: boolean;
  /** "" unless provisional. */
  provisionalNotice: string;
  conditions: RdCondition[];
  subsidy: RdSubsidyRule;
  /** Every column a condition or the amount reads. */
  fields: FieldRef[];
}

export const RD_SCHEME_NAMES: Record<RdScheme, string> = { city: "市级研发补助", province: "省级研发补助" };
/** The scheme as the clerk knows it: whose money, which rules. */
export const RD_SCHEME_TITLES: Record<RdScheme, string> = { city: "枣庄市企业研究开发财政补助（市级）", province: "山东省企业研究开发财政补助（省级）" };

const FIELD_BY_ID = new Map<string, FieldRef>(RD.fields.map((def, ord) => [def.id, { ord, def }]));

type Path = (string | number)[];

class CompileProblem extends Error {
  constructor(
    readonly path: Path,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Loads, checks and compiles one R&D subsidy pack. Throws PackError, naming the field, on a
 * schema error, an unknown field id, a citation that names no document of the pack, or bands
 * out of order. `text` (the file's text) adds line numbers to the messages.
 */
export function loadRdPack(json: unknown, origin: PackOrigin = { type: "builtin" }, text?: string): RdPack {
  const parsed = rdPackSchema.safeParse(json);
  if (!parsed.success) throw new PackError(origin, problemsFromZod(parsed.error, json, text));
  try {
    return compileRdPack(parsed.data);
  } catch (e) {
    if (!(e instanceof CompileProblem)) throw e;
    throw new PackError(origin, problemsFromZod(new ZodError([{ code: "custom", path: e.path, message: e.message }]), json, text));
  }
}

function compileRdPack(raw: RdPackRaw): RdPack {
  const docs = raw.documents.map((d) => d.short);
  const used = new Map<number, FieldRef>();
  const fail = (path: Path, message: string): never => {
    throw new CompileProblem(path, message);
  };
  const checkCite = (c: string, where: Path): string => {
    if (!docs.some((d) => c.startsWith(d))) fail([...where, "cite"], `依据“${c}”没有以本政策包 documents 中的任何简称开头（可用：${docs.join("、")}）`);
    return c;
  };
  const field = (id: string, where: Path, type?: "money" | "bool"): FieldRef => {
    const f = FIELD_BY_ID.get(id);
    if (!f) return fail(where, `未知的字段编号“${id}”（研发费用台账的字段编号见 README“政策包”一节）`);
    if (type === "money" && f.def.type.t !== "money") fail(where, `“${id}”（${f.def.name}）不是金额字段`);
    if (type === "bool" && f.def.type.t !== "bool") fail(where, `“${id}”（${f.def.name}）不是“是/否”字段`);
    used.set(f.ord, f);
    return f;
  };
  const value = (v: { value: string; cite: string; provisional?: boolean }, where: Path): RdValue => ({
    text: v.value,
    dec: new Decimal(v.value),
    cite: checkCite(v.cite, where),
    provisional: v.provisional ?? false,
  });
  const banded = <T extends { upTo?: string }>(bands: T[], bandBy: string | undefined, where: Path): void => {
    bands.forEach((b, j) => {
      const isLast = j === bands.length - 1;
      if (isLast !== (b.upTo === undefined)) fail([...where, "bands", j], "只有最后一档不写 upTo，其余各档都要写 upTo");
      if (j > 0 && b.upTo !== undefined && bands[j - 1].upTo !== undefined && new Decimal(b.upTo).lte(new Decimal(bands[j - 1].upTo as string))) {
        fail([...where, "bands", j, "upTo"], "各档的 upTo 应从小到大");
      }
    });
    if (bands.length > 1 && !bandBy) fail([...where, "bandBy"], "分档时须写 bandBy（按哪个字段分档）");
  };

  const conditions = raw.conditions.map((c: RdConditionRaw, i): RdCondition => {
    const where: Path = ["conditions", i];
    const onlyWhen: OnlyWhen | null = c.onlyWhen
      ? {
          field: field(c.onlyWhen.field, [...where, "onlyWhen", "field"], "money"),
          above: c.onlyWhen.above !== undefined ? threshold(c.onlyWhen.above) : null,
          atMost: c.onlyWhen.atMost !== undefined ? threshold(c.onlyWhen.atMost) : null,
          label: c.onlyWhen.label,
          cite: checkCite(c.onlyWhen.cite, [...where, "onlyWhen"]),
        }
      : null;
    const base: RdCondBase = {
      id: c.id,
      label: c.label,
      role: "required",
      cite: checkCite(c.cite, where),
      ...(c.note ? { note: c.note } : {}),
      provisional: c.provisional ?? false,
      onlyWhen,
    };
    switch (c.kind) {
      case "claim":
        return { ...base, kind: "claim", field: field(c.field, [...where, "field"], "bool") };
      case "recognized":
        return {
          ...base,
          kind: "recognized",
          options: c.options.map((o, j) => {
            const w: Path = [...where, "options", j];
            const date = o.date !== undefined ? field(o.date, [...w, "date"]) : null;
            if (date && date.def.type.t !== "date") fail([...w, "date"], `“${o.date}”（${date.def.name}）不是日期字段`);
            const year = o.year !== undefined ? field(o.year, [...w, "year"]) : null;
            if (year && year.def.type.t !== "year") fail([...w, "year"], `“${o.year}”（${year.def.name}）不是年度字段`);
            return { label: o.label, claim: field(o.claim, [...w, "claim"], "bool"), date, validYears: o.validYears ?? null, year, cite: checkCite(o.cite, w) };
          }),
        };
      case "amount":
        return { ...base, kind: "amount", field: field(c.field, [...where, "field"], "money"), atLeast: c.atLeast !== undefined ? threshold(c.atLeast) : null, atMost: c.atMost !== undefined ? threshold(c.atMost) : null, unit: c.unit };
      case "increase":
        return {
          ...base,
          kind: "increase",
          field: field(c.field, [...where, "field"], "money"),
          previous: field(c.previous, [...where, "previous"], "money"),
          atLeast: c.atLeast !== undefined ? threshold(c.atLeast) : null,
          above: c.above !== undefined ? threshold(c.above) : null,
        };
      case "ratio": {
        banded(c.bands, c.bandBy, where);
        const bands = c.bands.map((b, j): RatioBand => ({
          upTo: b.upTo !== undefined ? threshold(b.upTo) : null,
          min: threshold(b.min),
          ...(b.label ? { label: b.label } : {}),
          cite: checkCite(b.cite, [...where, "bands", j]),
        }));
        return {
          ...base,
          kind: "ratio",
          numerator: field(c.numerator, [...where, "numerator"], "money"),
          denominator: field(c.denominator, [...where, "denominator"], "money"),
          bandBy: c.bandBy ? field(c.bandBy, [...where, "bandBy"], "money") : null,
          bands,
        };
      }
    }
  });

  const s = raw.subsidy;
  const w: Path = ["subsidy"];
  banded(s.base.bands, s.base.bandBy, [...w, "base"]);
  const base = {
    bandBy: s.base.bandBy ? field(s.base.bandBy, [...w, "base", "bandBy"], "money") : null,
    bands: s.base.bands.map((b, j): BaseBand => ({
      upTo: b.upTo !== undefined ? threshold(b.upTo) : null,
      of: b.of,
      label: b.label,
      cite: checkCite(b.cite, [...w, "base", "bands", j]),
      provisional: b.provisional ?? false,
    })),
  };
  // The base reads the year's R&D, and for an increase last year's.
  field("rd", [...w, "base"]);
  if (base.bands.some((b) => b.of === "increase")) field("prevRd", [...w, "base"]);
  const floor = s.floor
    ? {
        ...value(s.floor, [...w, "floor"]),
        label: s.floor.label,
        claims: s.floor.claims.map((id, j) => field(id, [...w, "floor", "claims", j], "bool")),
        atMost: s.floor.atMost ? { ...value(s.floor.atMost, [...w, "floor", "atMost"]), field: field(s.floor.atMost.field, [...w, "floor", "atMost", "field"], "money"), label: s.floor.atMost.label } : null,
      }
    : null;
  const cap = value(s.cap, [...w, "cap"]);
  if (floor && floor.dec.gt(cap.dec)) fail([...w, "floor", "value"], `最低补助 ${floor.text} 万元高于封顶 ${cap.text} 万元`);
  const subsidy: RdSubsidyRule = {
    base,
    rate: value(s.rate, [...w, "rate"]),
    higherRates: (s.higherRates ?? []).map((h, j) => ({ ...value(h, [...w, "higherRates", j]), claim: field(h.claim, [...w, "higherRates", j, "claim"], "bool"), label: h.label })),
    rounding: { mode: s.rounding.mode, places: s.rounding.places, cite: checkCite(s.rounding.cite, [...w, "rounding"]), provisional: s.rounding.provisional ?? false },
    minimum: s.minimum ? value(s.minimum, [...w, "minimum"]) : null,
    floor,
    cap,
  };
  for (const r of [subsidy.rate, ...subsidy.higherRates]) if (r.dec.gt(1)) fail([...w, "rate"], `补助比例 ${r.text} 大于 1（100%），请写成小数，如 0.1 即 10%`);

  return {
    raw,
    id: raw.id,
    scheme: raw.scheme,
    name: raw.name,
    title: raw.title,
    docNo: raw.docNo ?? "",
    fromYear: raw.years.from,
    toYear: raw.years.to ?? null,
    from: dayFromParts(raw.years.from, 1, 1) as DayNumber,
    to: raw.years.to !== undefined ? (dayFromParts(raw.years.to, 12, 31) as DayNumber) : null,
    provisional: raw.provisional,
    provisionalNotice: raw.provisional ? (raw.provisionalNotice as string) : "",
    conditions,
    subsidy,
    fields: [...used.values()].sort((a, b) => a.ord - b.ord),
  };
}

/** The raw JSON of every shipped R&D pack (for the citation test and documentation). */
export const RD_PACK_SOURCES: readonly unknown[] = [rdProvince2022, rdProvince2025, rdCity2025];

/** All shipped R&D packs, oldest first. */
export const RD_PACKS: readonly RdPack[] = RD_PACK_SOURCES.map((json) => loadRdPack(json)).sort((a, b) => a.from - b.from);

const SCHEME_KEYS = new Map<string, RdScheme>();
for (const [names, s] of [
  [["省", "省级", "山东", "山东省", "province", "鲁", "省级研发补助", "山东省企业研究开发财政补助"], "province"],
  [["市", "市级", "枣庄", "枣庄市", "city", "市级研发补助", "枣庄市企业研究开发财政补助"], "city"],
] as [string[], RdScheme][]) {
  for (const n of names) SCHEME_KEYS.set(lookupKey(n), s);
}

/** Reads a 方案 argument (NFKC, case-insensitive), or null when it names no scheme. */
export function rdSchemeOf(raw: unknown): RdScheme | null {
  const text = typeof raw === "string" ? raw : typeof raw === "number" ? String(raw) : "";
  return SCHEME_KEYS.get(lookupKey(text)) ?? null;
}

/** Reads a 方案 argument: 省/山东/province or 市/枣庄/city. Example: parseRdScheme("省级") -> "province". */
export function parseRdScheme(raw: unknown): RdScheme {
  const s = rdSchemeOf(raw);
  if (s) return s;
  const text = raw === null || raw === undefined ? "" : typeof raw === "string" || typeof raw === "number" || typeof raw === "boolean" ? String(raw).trim() : "";
  const what = text === "" ? "未填写研发补助方案" : `未知的研发补助方案“${text}”`;
  throw new KjError("unknown_scheme", `${what}，可填：省（山东省企业研究开发财政补助）或 市（枣庄市企业研究开发财政补助）`, "value");
}

/** "2024 年度起" / "2021—2023 年度". */
export function rdYearsText(p: Pick<RdPack, "fromYear" | "toYear">): string {
  if (p.toYear === null) return `${p.fromYear} 年度起`;
  return p.fromYear === p.toYear ? `${p.fromYear} 年度` : `${p.fromYear}—${p.toYear} 年度`;
}

/**
 * The pack of a scheme for a data year (the year whose R&D is subsidised); #N/A (no_policy)
 * naming the packs there are when none covers it.
 */
export function rdPackFor(scheme: RdScheme, year: number, packs: readonly RdPack[] = RD_PACKS): RdPack {
  let hit: RdPack | null = null;
  for (const p of packs) {
    if (p.scheme === scheme && year >= p.fromYear && (p.toYear === null || year <= p.toYear)) {
      if (!hit || p.from >= hit.from) hit = p;
    }
  }
  if (!hit) {
    const known = packs.filter((p) => p.scheme === scheme).map((p) => `${rdYearsText(p)}（${p.docNo || p.title}）`);
    throw new KjError(
      "no_policy",
      `无适用政策：${year} 年度的研发费用没有${RD_SCHEME_NAMES[scheme]}政策包（现有：${known.join("、") || "无"}）。${HOW_TO_ADD_POLICY}`,
      "na",
    );
  }
  return hit;
}

function pct(d: Decimal): string {
  return `${d.times(100).toString()}%`;
}

function provText(v: { provisional: boolean }): string {
  return v.provisional ? "（暂定）" : "";
}

/** A condition in words: "研发费用 ≥ 100 万元", "增长率 ≥ 30%", "研发费用/销售收入 ≥ 6%（销售收入 2 亿元以下（含））；≥ 4%（…）". */
export function describeRdCondition(c: RdCondition): string {
  let what: string;
  switch (c.kind) {
    case "claim":
      what = `“${c.field.def.name}”为是`;
      break;
    case "recognized":
      what = c.options.map((o) => `${o.label}（“${o.claim.def.name}”为是${o.date ? `，或${o.date.def.name}在该年度有效（${o.validYears} 年）` : ""}${o.year ? `，或${o.year.def.name}为该年度` : ""}）`).join("或");
      break;
    case "amount":
      what = c.atLeast && c.atMost ? `${c.field.def.name} ${c.atLeast.text}–${c.atMost.text} ${c.unit}` : c.atLeast ? `${c.field.def.name} ≥ ${c.atLeast.text} ${c.unit}` : `${c.field.def.name} ≤ ${(c.atMost as Threshold).text} ${c.unit}`;
      break;
    case "increase":
      what = c.atLeast ? `${c.field.def.name}较${c.previous.def.name}增长 ≥ ${c.atLeast.pct}` : (c.above as Threshold).dec.isZero() ? `${c.field.def.name} > ${c.previous.def.name}` : `${c.field.def.name}较${c.previous.def.name}增长 > ${(c.above as Threshold).pct}`;
      break;
    case "ratio":
      what = `${c.numerator.def.name}/${c.denominator.def.name} ${c.bands.map((b) => `≥ ${b.min.pct}${b.label ? `（${b.label}）` : ""}`).join("；")}`;
      break;
  }
  const when = c.onlyWhen ? `，仅${c.onlyWhen.label}适用` : "";
  return `${what}${when}${provText(c)}`;
}

/** The pack's rule in lines, for `kj policy show` and the pane: conditions, then the amount. */
export function describeRdPack(p: RdPack): string[] {
  const s = p.subsidy;
  const lines = [`适用年度：${rdYearsText(p)}的研发费用（${RD_SCHEME_TITLES[p.scheme]}）`, `条件（${p.conditions.length} 项，须全部满足）：`];
  for (const c of p.conditions) lines.push(`  ${c.id}　${c.label}：${describeRdCondition(c)}（${c.cite}）`);
  lines.push("补助标准：");
  for (const b of s.base.bands) lines.push(`  基数：${b.label}${provText(b)}（${b.cite}）`);
  lines.push(`  比例：${pct(s.rate.dec)}${provText(s.rate)}（${s.rate.cite}）`);
  for (const h of s.higherRates) lines.push(`  比例：${h.label} ${pct(h.dec)}${provText(h)}（${h.cite}）`);
  lines.push(`  取整：${s.rounding.mode === "halfUp" ? "四舍五入" : "舍去尾数"}，${s.rounding.places === 0 ? "取整到万元" : `保留 ${s.rounding.places} 位小数`}${provText(s.rounding)}（${s.rounding.cite}）`);
  if (s.minimum) lines.push(`  起付：计算所得不足 ${s.minimum.text} 万元的不予补助${provText(s.minimum)}（${s.minimum.cite}）`);
  if (s.floor) lines.push(`  最低：${s.floor.label}${s.floor.atMost ? `（${s.floor.atMost.label}${provText(s.floor.atMost)}）` : ""}不少于 ${s.floor.text} 万元${provText(s.floor)}（${s.floor.cite}）`);
  lines.push(`  上限：每家企业每年 ${s.cap.text} 万元${provText(s.cap)}（${s.cap.cite}）`);
  return lines;
}

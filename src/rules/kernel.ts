/**
 * The three-valued evaluation kernel shared by every recognition (高企, 科小, 小巨人, and later
 * the R&D subsidy schemes). It knows nothing of any one policy: a recognition's file
 * (hitech.ts, sme.ts, giant.ts) lists its clauses and the check kinds they need, the pack
 * (src/policy/packs/*.json) holds the numbers, and the kernel
 *   - reads the cells a check asks for (Reader: blank, missing column, unreadable are kept apart),
 *   - records one check per condition: clause citation, observed value, what is required,
 *     true / false / unknown, and whether the value rests on a provisional stand-in,
 *   - combines them (Kleene three-valued logic):
 *       eligible = AND(required) AND (OR(route) OR AND(scored)).
 *     A failing check makes the verdict false even when others are unknown; a qualifying direct
 *     route (科小) makes the scoring checks irrelevant.
 *
 * Two modes share one code path: `decide` computes only the outcome (the hot path of
 * KJ.ELIGIBLE: no text, few allocations), `explain` also builds every check.
 */
import { dayFromDate, dayFromExcelSerial, DayNumber, formatDay } from "../dates";
import { readText } from "../ledger/cells";
import { blankMeaning } from "../ledger/catalogue";
import { readField } from "../ledger/fields";
import type { Category, Condition, FieldRef, RulePack, Threshold } from "../policy/rules";
import { CATEGORY_NAMES } from "../policy/rules";
import { relevantChecks } from "./explain";
import type { RowView } from "./row";
import type { Check, Tri, Verdict } from "./verdict";

// ------------------------------------------------------------------ three values

/** 1 = met, 0 = not met, -1 = unknown. */
export type T3 = 1 | 0 | -1;
export const YES: T3 = 1;
export const NO: T3 = 0;
export const UNKNOWN: T3 = -1;

export function and3(a: T3, b: T3): T3 {
  return a === NO || b === NO ? NO : a === UNKNOWN || b === UNKNOWN ? UNKNOWN : YES;
}
export function or3(a: T3, b: T3): T3 {
  return a === YES || b === YES ? YES : a === UNKNOWN || b === UNKNOWN ? UNKNOWN : NO;
}
export function tri(t: T3): Tri {
  return t === YES ? true : t === NO ? false : null;
}

// ------------------------------------------------------------------ reading cells

/** How the last read went: ok, blank cell, no such column, unreadable. */
export const ST_OK = 0;
export const ST_BLANK = 1;
export const ST_MISSING = 2;
export const ST_INVALID = 3;
/**
 * Blank or no such column, for a column whose blank has a meaning (DOMAIN §8, declared in the
 * catalogue: blankMeaning): a negative-list flag reads as no record, a claim as not claimed.
 * bool() then returns NO; num/date/text return NaN/null and the check treats the claim as not held.
 */
export const ST_ABSENT = 4;

/**
 * Memos of how typed text reads (是/否, 2023-05-01 …): a ledger repeats the same few spellings
 * across thousands of rows, and NFKC on every cell is the hot path's main cost.
 * Only successful readings are kept; failures are read again to get their message.
 */
const MEMO_TEXT_MAX = 32;
const MEMO_LIMIT = 4096;
const boolMemo = new Map<string, T3>();
const dateMemo = new Map<string, number>();
const textMemo = new Map<string, string>();
export function remember<V>(memo: Map<string, V>, key: string, value: V): void {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
}
/** Numbers in this range are Excel serials for readDate (below: years and small serials; above: yyyymmdd). */
const SERIAL_FAST_MIN = 2100;
const SERIAL_FAST_MAX = 19000101;

/**
 * A date cell read without readDate's general path, for what hosts deliver most: Excel serials,
 * Date objects, text already seen. NaN when the general path must decide. Same result as readDate
 * (checked by tests).
 */
export function fastDay(v: unknown): number {
  if (typeof v === "number" && v > SERIAL_FAST_MIN && v < SERIAL_FAST_MAX) {
    const d = dayFromExcelSerial(v);
    if (d !== null) return d;
  } else if (v instanceof Date) {
    const d = dayFromDate(v);
    if (d !== null) return d;
  } else if (typeof v === "string" && v.length <= MEMO_TEXT_MAX) {
    const hit = dateMemo.get(v);
    if (hit !== undefined) return hit;
  }
  return NaN;
}

/** Reads the cells of one row by catalogue field; after each read, `status` says how it went. */
export class Reader {
  status = ST_OK;
  message = "";
  /** explain mode: what was wrong with each field that could not be read, by ordinal. */
  readonly problems: Map<number, string> | null;
  /** explain mode: how a blank flag or claim was read (“未填写，按无记录处理” …), by ordinal. */
  readonly absences: Map<number, string> | null;

  constructor(
    public view: RowView,
    explain: boolean,
  ) {
    this.problems = explain ? new Map() : null;
    this.absences = explain ? new Map() : null;
  }

  /**
   * A blank cell or a missing column (`status` ST_BLANK or ST_MISSING): unknown for a quantity
   * (fail), read as its meaning for a flag or a claim (ST_ABSENT). True when absent.
   */
  private blank(f: FieldRef, status: number): boolean {
    const meaning = blankMeaning(f.def);
    if (meaning === "unknown") {
      this.fail(f, status, "");
      return false;
    }
    this.status = ST_ABSENT;
    if (this.absences) this.absences.set(f.ord, absenceText(f, meaning === "noRecord", status === ST_MISSING));
    return true;
  }

  private cell(f: FieldRef): unknown {
    const i = this.view.plan.index[f.ord];
    if (i < 0) {
      this.status = ST_MISSING;
      return undefined;
    }
    this.status = ST_OK;
    return this.view.cells[i];
  }

  private fail(f: FieldRef, status: number, message: string): void {
    this.status = status;
    this.message = message;
    if (this.problems) this.problems.set(f.ord, this.problemText(f, status, message));
  }

  private problemText(f: FieldRef, status: number, message: string): string {
    const name = f.def.name;
    if (status === ST_MISSING) return `表头中没有“${name}”列`;
    if (status === ST_BLANK) return `“${name}”未填写`;
    const header = this.view.plan.headerText[f.ord];
    return `“${name}”${header ? `（列“${header}”）` : ""}无法识别：${message}`;
  }

  /** A number (money, count, score); NaN when blank, missing or unreadable. */
  num(f: FieldRef): number {
    const v = this.cell(f);
    if (this.status === ST_MISSING) {
      this.blank(f, ST_MISSING);
      return NaN;
    }
    if (typeof v === "number" && Number.isFinite(v)) {
      const t = f.def.type.t;
      if (t === "money" || (t === "count" && v >= 0 && Number.isInteger(v)) || (t === "score" && v >= 0 && v <= 100)) return v;
    }
    const r = readField(f.def, v);
    if (r.status === "ok") {
      if (typeof r.value === "number") return r.value;
      this.fail(f, ST_INVALID, "应填数字");
      return NaN;
    }
    if (r.status === "blank") this.blank(f, ST_BLANK);
    else this.fail(f, ST_INVALID, r.message);
    return NaN;
  }

  /** A date as a day number; NaN when blank, missing or unreadable. */
  date(f: FieldRef): number {
    const v = this.cell(f);
    if (this.status === ST_MISSING) {
      this.blank(f, ST_MISSING);
      return NaN;
    }
    const fast = fastDay(v);
    if (!Number.isNaN(fast)) return fast;
    const r = readField(f.def, v);
    if (r.status === "ok" && typeof v === "string" && typeof r.value === "number" && r.warning === undefined && v.length <= MEMO_TEXT_MAX) remember(dateMemo, v, r.value);
    if (r.status === "ok" && typeof r.value === "number") return r.value;
    if (r.status === "blank") this.blank(f, ST_BLANK);
    else this.fail(f, ST_INVALID, r.status === "invalid" ? r.message : "应填日期");
    return NaN;
  }

  /** Yes/no: 1, 0, or -1 when unreadable (or blank or missing, unless a flag or a claim: then 0). */
  bool(f: FieldRef): T3 {
    const v = this.cell(f);
    if (this.status === ST_MISSING) return this.blank(f, ST_MISSING) ? NO : UNKNOWN;
    if (v === true || v === false) return v ? YES : NO;
    if (v === null || v === undefined) return this.blank(f, ST_BLANK) ? NO : UNKNOWN;
    if (typeof v === "string" && v.length <= MEMO_TEXT_MAX) {
      const hit = boolMemo.get(v);
      if (hit !== undefined) return hit;
    }
    const r = readField(f.def, v);
    if (r.status === "ok" && typeof v === "string" && typeof r.value === "boolean" && v.length <= MEMO_TEXT_MAX) remember(boolMemo, v, r.value ? YES : NO);
    if (r.status === "ok" && typeof r.value === "boolean") return r.value ? YES : NO;
    if (r.status === "blank") return this.blank(f, ST_BLANK) ? NO : UNKNOWN;
    this.fail(f, ST_INVALID, r.status === "invalid" ? r.message : "应填“是/否”");
    return UNKNOWN;
  }

  /** Text (NFKC, trimmed); null when blank, missing or unreadable. */
  text(f: FieldRef): string | null {
    const v = this.cell(f);
    if (this.status === ST_MISSING) {
      this.blank(f, ST_MISSING);
      return null;
    }
    if (typeof v === "string" && v.length <= MEMO_TEXT_MAX) {
      const hit = textMemo.get(v);
      if (hit !== undefined) return hit;
    }
    const r = readText(v);
    if (r.status === "ok") {
      if (typeof v === "string" && v.length <= MEMO_TEXT_MAX) remember(textMemo, v, r.value);
      return r.value;
    }
    if (r.status === "blank") this.blank(f, ST_BLANK);
    else this.fail(f, ST_INVALID, r.message);
    return null;
  }
}

/**
 * How a blank flag or claim is read, naming the column to fill in or add:
 * “未填写，按无记录处理” / “未填写，按不具备处理（如具备，请填写“国家级科技奖励”）”.
 */
export function absenceText(f: FieldRef, noRecord: boolean, columnMissing: boolean): string {
  const name = f.def.name;
  if (noRecord) return columnMissing ? `未填写，按无记录处理（台账无“${name}”列）` : "未填写，按无记录处理";
  return columnMissing ? `未填写，按不具备处理（台账无“${name}”列，如具备请添加该列并填写）` : `未填写，按不具备处理（如具备，请填写“${name}”）`;
}

// ------------------------------------------------------------------ observed values as text

export function fmtNum(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Math.round(n * 10000) / 10000);
}

export function pctText(t: Threshold): string {
  return t.pct;
}

/** A ratio as a percentage; on a failed comparison, enough digits that it does not read as the threshold. */
export function fmtPct(value: number, failedAgainst?: Threshold): string {
  const p = value * 100;
  let digits = 2;
  let s = String(Math.round(p * 100) / 100);
  if (failedAgainst) {
    const limit = failedAgainst.dec.times(100).toNumber();
    while (Number(s) >= limit && digits < 8) {
      digits++;
      const k = 10 ** digits;
      s = String(Math.floor(p * k) / k);
    }
  }
  return `${s}%`;
}

export function money(n: number, unit: string): string {
  return `${fmtNum(n)} ${unit}`;
}

export function pointsText(lo: number, hi: number): string {
  return lo === hi ? `${lo} 分` : `${lo}–${hi} 分`;
}

// ------------------------------------------------------------------ checks

/** The evaluation of one row under one pack. */
export interface Ctx {
  r: Reader;
  asOf: DayNumber;
  explain: boolean;
  /**
   * One memo slot for a value several checks share (the score model's result: packs have one
   * score model, so one slot and no Map on the hot path). Keyed by object identity.
   */
  slotKey: object | null;
  slotValue: unknown;
  checks: Check[];
  /** Per check id: the standard names of the inputs that left it unknown. */
  missingOf: Map<string, string[]>;
}

/**
 * Evaluates one condition of a kind: returns the outcome and, in explain mode (ctx.explain),
 * records the check with `record`. A recognition's file supplies these for its kinds.
 */
export type CheckKind<K extends Condition["kind"]> = (c: Cond<K>, ctx: Ctx) => T3;

/** The condition of a kind, e.g. Cond<"ratio">. */
export type Cond<K extends Condition["kind"]> = Extract<Condition, { kind: K }>;

/** Every condition kind a pack may use, with its evaluator. */
export type KindTable = { [K in Condition["kind"]]: CheckKind<K> };

/** What a check records of its condition: an eligibility pack's, or an R&D subsidy pack's (rd-subsidy.ts). */
export type Recorded = Pick<Condition, "id" | "label" | "cite" | "role" | "note" | "provisional">;

/**
 * Records a check (explain mode only): observed value, requirement, the clause (c.cite), and
 * why it is unknown. `inputs` are the fields whose unreadable value made it unknown; `absent`
 * the flags and claims read as blank (no record / not claimed).
 */
export function record(ctx: Ctx, c: Recorded, passed: T3, actual: string, required: string, summary: string, note?: string, inputs: FieldRef[] = [], absent: FieldRef[] = []): void {
  const notes: string[] = [];
  if (passed === UNKNOWN && inputs.length > 0) {
    const problems = ctx.r.problems as Map<number, string>;
    const texts = inputs.map((f) => problems.get(f.ord) ?? `“${f.def.name}”未填写`);
    notes.push(texts.join("；"));
  }
  if (note) notes.push(note);
  if (c.note && passed !== YES) notes.push(c.note);
  const check: Check = { id: c.id, label: c.label, passed: tri(passed), actual, required, cite: c.cite, summary, role: c.role };
  if (notes.length > 0) check.note = notes.join("；");
  if (c.provisional) check.provisional = true;
  if (absent.length > 0) check.absent = absent.map((f) => ({ column: f.def.name, noColumn: ctx.r.view.plan.index[f.ord] < 0 }));
  ctx.checks.push(check);
  const names = ctx.missingOf.get(c.id) ?? [];
  if (passed === UNKNOWN) for (const f of inputs) names.push(f.def.name);
  ctx.missingOf.set(c.id, names);
}

/** The fields whose value (same position) is NaN. */
export function unknownInputs(fields: FieldRef[], values: number[]): FieldRef[] {
  const out: FieldRef[] = [];
  for (let i = 0; i < fields.length; i++) if (Number.isNaN(values[i])) out.push(fields[i]);
  return out;
}

/** The observed value of a field that could not be read, or was read as absent: 无此列 / 未填写 / 无法识别. */
export function actualOf(r: Reader, f: FieldRef): string {
  const p = r.problems?.get(f.ord);
  if (p === undefined) return r.absences?.has(f.ord) ? (r.view.plan.index[f.ord] < 0 ? "无此列" : "未填写") : "";
  return r.view.plan.index[f.ord] < 0 ? "无此列" : p.endsWith("未填写") ? "未填写" : "无法识别";
}

/**
 * Records a check whose claim is absent (blank or no such column: not claimed, DOMAIN §8) as
 * not met, naming the column to fill in or add. For every kind that reads a claim.
 */
export function recordAbsent(ctx: Ctx, c: Condition, f: FieldRef, required: string): void {
  record(ctx, c, NO, actualOf(ctx.r, f), required, `${c.label}：${f.def.name}未填写，按不具备处理`, ctx.r.absences?.get(f.ord), [], [f]);
}

// ------------------------------------------------------------------ combining

const DECIDE_CTX: Ctx = {
  r: new Reader({ cells: [], plan: { index: new Int32Array(0), headerText: [] } }, false),
  asOf: 0,
  explain: false,
  slotKey: null,
  slotValue: null,
  checks: [],
  missingOf: new Map(),
};

/** A fresh explain-mode context for a row (also used by partial evaluations such as a score alone). */
export function explainCtx(view: RowView, asOf: DayNumber): Ctx {
  return { r: new Reader(view, true), asOf, explain: true, slotKey: null, slotValue: null, checks: [], missingOf: new Map() };
}

/**
 * Runs a pack's conditions on a row with the given kinds and combines them by role.
 * `only`: evaluate just these conditions (for the #N/A message's partial verdict).
 */
export function run(kinds: KindTable, pack: RulePack, view: RowView, asOf: DayNumber, explain: boolean, only: ReadonlySet<Condition> | null = null): { outcome: T3; ctx: Ctx; unknown: Condition[] | null } {
  let ctx: Ctx;
  if (explain) ctx = explainCtx(view, asOf);
  else {
    // Decide mode writes no checks: one context reused for every row (the core is synchronous).
    ctx = DECIDE_CTX;
    ctx.r.view = view;
    ctx.asOf = asOf;
    ctx.slotKey = null;
    ctx.slotValue = null;
  }
  let required: T3 = YES;
  let route: T3 = NO;
  let scored: T3 = YES;
  let hasAlternatives = false;
  let unknown: Condition[] | null = null;
  for (const c of pack.conditions) {
    // In decide mode a definite "no" on a required condition settles it.
    if (!explain && required === NO) break;
    if (only !== null && !only.has(c)) continue;
    // A qualifying direct route makes the scoring conditions irrelevant.
    if (!explain && c.role === "scored" && route === YES) continue;
    const t = (kinds[c.kind] as CheckKind<Condition["kind"]>)(c, ctx);
    if (t === UNKNOWN && !explain) (unknown ??= []).push(c);
    if (c.role === "required") required = and3(required, t);
    else if (c.role === "route") {
      route = or3(route, t);
      hasAlternatives = true;
    } else {
      scored = and3(scored, t);
      hasAlternatives = true;
    }
  }
  const outcome = hasAlternatives ? and3(required, or3(route, scored)) : required;
  return { outcome, ctx, unknown };
}

/** The verdict of an explain-mode run; `score` is the pack's score summary (null when it has none). */
export function verdictOf(pack: RulePack, asOf: DayNumber, ctx: Ctx, outcome: T3, score: { score: number | null; scoreRange: [number, number] | null }): Verdict {
  const category: Category = pack.category;
  return {
    category,
    categoryName: CATEGORY_NAMES[category],
    eligible: tri(outcome),
    score: score.score,
    scoreRange: score.scoreRange,
    provisional: pack.provisional,
    checks: ctx.checks,
    missing: [...new Set(relevantChecks(ctx.checks).pending.flatMap((c) => ctx.missingOf.get(c.id) ?? []))],
    asOf: formatDay(asOf),
    policy: { id: pack.id, title: pack.title, effectiveFrom: pack.raw.effectiveFrom },
    unverified: pack.raw.unencoded.map((u) => ({ cite: u.cite, text: u.text, why: u.why })),
  };
}

// ------------------------------------------------------------------ clauses

/**
 * One clause of a recognition's document, as its file lists it (Catala style: the rule sits
 * under the clause it encodes). `conditions` are the ids of the pack conditions that encode it;
 * an unencoded clause says why where it stands (the pack's `unencoded` says the same to users).
 */
export type Clause = { cite: string; conditions: string[] } | { cite: string; unencoded: string };

/** Clause `cite` is encoded by these pack conditions. */
export function encodes(cite: string, ...conditions: string[]): Clause {
  return { cite, conditions };
}

/** Clause `cite` is not encoded, and why. */
export function unencoded(cite: string, why: string): Clause {
  return { cite, unencoded: why };
}

/**
 * A recognition: which built-in pack(s) it reads, its clauses in the order of its document,
 * and the check kinds that only it needs (shared kinds live in checks.ts and score.ts).
 */
export interface Recognition<K extends Condition["kind"] = never> {
  category: Category;
  /** File names under src/policy/packs/. */
  packs: string[];
  clauses: Clause[];
  kinds: Pick<KindTable, K>;
}

/**
 * Evaluating a rule pack on one row. Two modes share one code path: `decide` computes only the
 * three-valued outcome (the hot path of KJ.ELIGIBLE: no text, few allocations), `explain` also
 * builds every check with its observed value, requirement, clause and the cells it lacked.
 *
 * Combination (Kleene three-valued logic): eligible = AND(required) AND (OR(route) OR AND(scored)).
 * A failing check makes the verdict false even when others are unknown; a qualifying direct route
 * (科小) makes the scoring checks irrelevant.
 */
import { addYears, dayFromDate, dayFromExcelSerial, DayNumber, formatDay } from "../dates";
import { enumIndex, readText } from "../ledger/cells";
import { readField } from "../ledger/fields";
import type { BandedScale, Condition, FieldRef, RatioBand, RulePack, ScoreModel, ScorePart, Threshold } from "../policy/rules";
import { CATEGORY_NAMES } from "../policy/rules";
import { cmpMeanGrowth, cmpRatio, meanGrowth } from "./exact";
import { relevantChecks } from "./explain";
import type { RowView } from "./row";
import type { Check, Tri, Verdict } from "./verdict";

/** 1 = met, 0 = not met, -1 = unknown. */
type T3 = 1 | 0 | -1;
const YES: T3 = 1;
const NO: T3 = 0;
const UNKNOWN: T3 = -1;

const ST_OK = 0;
const ST_BLANK = 1;
const ST_MISSING = 2;
const ST_INVALID = 3;

// ------------------------------------------------------------------ reading cells

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
function remember<V>(memo: Map<string, V>, key: string, value: V): void {
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

class Reader {
  status = ST_OK;
  message = "";
  /** explain mode: what was wrong with each field that could not be read, by ordinal. */
  readonly problems: Map<number, string> | null;

  constructor(
    public view: RowView,
    explain: boolean,
  ) {
    this.problems = explain ? new Map() : null;
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
      this.fail(f, ST_MISSING, "");
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
    if (r.status === "blank") this.fail(f, ST_BLANK, "");
    else this.fail(f, ST_INVALID, r.message);
    return NaN;
  }

  /** A date as a day number; NaN when blank, missing or unreadable. */
  date(f: FieldRef): number {
    const v = this.cell(f);
    if (this.status === ST_MISSING) {
      this.fail(f, ST_MISSING, "");
      return NaN;
    }
    const fast = fastDay(v);
    if (!Number.isNaN(fast)) return fast;
    const r = readField(f.def, v);
    if (r.status === "ok" && typeof v === "string" && typeof r.value === "number" && r.warning === undefined && v.length <= MEMO_TEXT_MAX) remember(dateMemo, v, r.value);
    if (r.status === "ok" && typeof r.value === "number") return r.value;
    if (r.status === "blank") this.fail(f, ST_BLANK, "");
    else this.fail(f, ST_INVALID, r.status === "invalid" ? r.message : "应填日期");
    return NaN;
  }

  /** Yes/no: 1, 0, or -1 when blank, missing or unreadable. */
  bool(f: FieldRef): T3 {
    const v = this.cell(f);
    if (this.status === ST_MISSING) {
      this.fail(f, ST_MISSING, "");
      return UNKNOWN;
    }
    if (v === true || v === false) return v ? YES : NO;
    if (v === null || v === undefined) {
      this.fail(f, ST_BLANK, "");
      return UNKNOWN;
    }
    if (typeof v === "string" && v.length <= MEMO_TEXT_MAX) {
      const hit = boolMemo.get(v);
      if (hit !== undefined) return hit;
    }
    const r = readField(f.def, v);
    if (r.status === "ok" && typeof v === "string" && typeof r.value === "boolean" && v.length <= MEMO_TEXT_MAX) remember(boolMemo, v, r.value ? YES : NO);
    if (r.status === "ok" && typeof r.value === "boolean") return r.value ? YES : NO;
    if (r.status === "blank") this.fail(f, ST_BLANK, "");
    else this.fail(f, ST_INVALID, r.status === "invalid" ? r.message : "应填“是/否”");
    return UNKNOWN;
  }

  /** Text (NFKC, trimmed); null when blank, missing or unreadable. */
  text(f: FieldRef): string | null {
    const v = this.cell(f);
    if (this.status === ST_MISSING) {
      this.fail(f, ST_MISSING, "");
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
    if (r.status === "blank") this.fail(f, ST_BLANK, "");
    else this.fail(f, ST_INVALID, r.message);
    return null;
  }
}

// ------------------------------------------------------------------ display helpers

function fmtNum(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Math.round(n * 10000) / 10000);
}

function pctText(t: Threshold): string {
  return t.pct;
}

/** A ratio as a percentage; on a failed comparison, enough digits that it does not read as the threshold. */
function fmtPct(value: number, failedAgainst?: Threshold): string {
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

function money(n: number, unit: string): string {
  return `${fmtNum(n)} ${unit}`;
}

// ------------------------------------------------------------------ scores

interface Interval {
  lo: number;
  hi: number;
}

/** explain mode: how each part of a score was found. */
interface ScoreTrace {
  parts: string[];
  expert: string[];
  unknownInputs: FieldRef[];
  given: boolean;
  notes: string[];
}

interface ModelResult extends Interval {
  given: boolean;
  /** Interval of each top-level part, in the model's part order. */
  partLo: number[];
  partHi: number[];
  trace: ScoreTrace | null;
}

function bandMatch(cmp: number, b: { atLeast: Threshold | null; above: Threshold | null }): boolean {
  return b.atLeast ? cmp >= 0 : cmp > 0;
}

/** Walks the bands; a band whose test is unknown keeps the later bands possible too. */
function scaleInterval(scale: BandedScale, r: Reader, trace: ScoreTrace | null): Interval {
  const m = scale.measure;
  let lo = Infinity;
  let hi = -Infinity;
  switch (m.type) {
    case "ratio":
    case "average": {
      const num = m.type === "ratio" ? r.num(m.numerator) : r.num(m.field);
      const numField = m.type === "ratio" ? m.numerator : m.field;
      const den = m.type === "ratio" ? r.num(m.denominator) : m.years;
      if (Number.isNaN(num) || Number.isNaN(den) || den <= 0) {
        if (trace) {
          if (Number.isNaN(num)) trace.unknownInputs.push(numField);
          if (m.type === "ratio" && Number.isNaN(den)) trace.unknownInputs.push(m.denominator);
          if (m.type === "ratio" && !Number.isNaN(den) && den <= 0) trace.notes.push(`“${m.denominator.def.name}”为 ${fmtNum(den)}，无法计算${scale.label}`);
        }
        return { lo: scale.lo, hi: scale.hi };
      }
      for (const b of scale.bands) {
        if (!b.atLeast && !b.above) {
          lo = b.lo;
          hi = b.hi;
          break;
        }
        if (bandMatch(cmpRatio(num, den, (b.atLeast ?? b.above) as Threshold), b)) {
          lo = b.lo;
          hi = b.hi;
          break;
        }
      }
      if (trace) {
        const shown = m.type === "ratio" ? fmtPct(num / den) : `年均 ${fmtNum(num / den)} 项`;
        trace.parts.push(`${scale.label} ${shown}：${pointsText(lo, hi)}`);
      }
      return { lo, hi };
    }
    case "growth": {
      const [f1, f2, f3] = m.fields;
      const y1 = r.num(f1);
      const y2 = r.num(f2);
      const y3 = r.num(f3);
      if (Number.isNaN(y1) || Number.isNaN(y2) || Number.isNaN(y3)) {
        if (trace) for (const [f, y] of [[f1, y1], [f2, y2], [f3, y3]] as [FieldRef, number][]) if (Number.isNaN(y)) trace.unknownInputs.push(f);
        return { lo: scale.lo, hi: scale.hi };
      }
      if (y2 === 0) {
        // 工作指引: 第二年为 0 按 0 分.
        if (trace) trace.parts.push(`${scale.label}：第二年为 0，按 0 分`);
        return { lo: 0, hi: 0 };
      }
      if (y1 < 0 || y2 < 0 || (y1 === 0 && y3 < 0)) {
        if (trace) trace.notes.push(`${scale.label}：有负数年份，增长率需人工核算`);
        return { lo: scale.lo, hi: scale.hi };
      }
      const twoYears = y1 === 0;
      for (const b of scale.bands) {
        if (!b.atLeast && !b.above) {
          lo = b.lo;
          hi = b.hi;
          break;
        }
        const t = (b.atLeast ?? b.above) as Threshold;
        // Two years: g = Y3/Y2 − 1, i.e. Y3/Y2 compared with 1 + t.
        const c = twoYears ? cmpRatio(y3 - y2, y2, t) : cmpMeanGrowth(y1, y2, y3, t);
        if (bandMatch(c, b)) {
          lo = b.lo;
          hi = b.hi;
          break;
        }
      }
      if (trace) {
        const g = twoYears ? y3 / y2 - 1 : meanGrowth(y1, y2, y3);
        trace.parts.push(`${scale.label} ${fmtPct(g)}${twoYears ? "（第一年为 0，按两年计算）" : ""}：${pointsText(lo, hi)}`);
      }
      return { lo, hi };
    }
    case "ipCounts": {
      const c1 = r.num(m.classI);
      const c2 = r.num(m.classII);
      for (const b of scale.bands) {
        let test: T3 = YES;
        if (b.classIAtLeast !== null) test = Number.isNaN(c1) ? UNKNOWN : c1 >= b.classIAtLeast ? YES : NO;
        else if (b.classIIAtLeast !== null) test = Number.isNaN(c2) ? UNKNOWN : c2 >= b.classIIAtLeast ? YES : NO;
        if (test === NO) continue;
        // An unknown test keeps this band and the later ones possible.
        if (b.lo < lo) lo = b.lo;
        if (b.hi > hi) hi = b.hi;
        if (test === YES) break;
      }
      if (trace) {
        if (Number.isNaN(c1) || Number.isNaN(c2)) {
          if (Number.isNaN(c1)) trace.unknownInputs.push(m.classI);
          if (Number.isNaN(c2)) trace.unknownInputs.push(m.classII);
        }
        trace.parts.push(`${scale.label}（Ⅰ类 ${Number.isNaN(c1) ? "?" : fmtNum(c1)} 项、Ⅱ类 ${Number.isNaN(c2) ? "?" : fmtNum(c2)} 项）：${pointsText(lo, hi)}`);
      }
      return { lo, hi };
    }
  }
}

function pointsText(lo: number, hi: number): string {
  return lo === hi ? `${lo} 分` : `${lo}–${hi} 分`;
}

function partInterval(p: ScorePart, r: Reader, trace: ScoreTrace | null): Interval {
  switch (p.kind) {
    case "bands":
      return scaleInterval(p.scale, r, trace);
    case "bestOf": {
      let lo = 0;
      let hi = 0;
      for (const o of p.options) {
        const i = scaleInterval(o, r, trace);
        if (i.lo > lo) lo = i.lo;
        if (i.hi > hi) hi = i.hi;
      }
      return { lo, hi };
    }
    case "expert":
      if (trace) trace.expert.push(`${p.label}（0–${p.max} 分）`);
      return { lo: 0, hi: p.max };
    case "sum": {
      let lo = 0;
      let hi = 0;
      for (const q of p.parts) {
        const i = partInterval(q, r, trace);
        lo += i.lo;
        hi += i.hi;
      }
      return { lo: Math.min(lo, p.max), hi: Math.min(hi, p.max) };
    }
  }
}

function evaluateModel(model: ScoreModel, r: Reader, explain: boolean): ModelResult {
  const trace: ScoreTrace | null = explain ? { parts: [], expert: [], unknownInputs: [], given: false, notes: [] } : null;
  const partLo: number[] = [];
  const partHi: number[] = [];
  let lo = 0;
  let hi = 0;
  for (const p of model.parts) {
    const i = partInterval(p, r, trace);
    partLo.push(i.lo);
    partHi.push(i.hi);
    lo += i.lo;
    hi += i.hi;
  }
  if (model.givenField) {
    const given = r.num(model.givenField);
    if (!Number.isNaN(given)) {
      if (trace) trace.given = true;
      return { lo: given, hi: given, given: true, partLo, partHi, trace };
    }
    if (r.status === ST_INVALID && trace) trace.notes.push((r.problems as Map<number, string>).get(model.givenField.ord) as string);
  }
  return { lo: Math.min(lo, model.max), hi: Math.min(hi, model.max), given: false, partLo, partHi, trace };
}

// ------------------------------------------------------------------ conditions

interface Ctx {
  r: Reader;
  asOf: DayNumber;
  explain: boolean;
  model: ScoreModel | null;
  modelResult: ModelResult | null;
  checks: Check[];
  /** Per check id: the standard names of the inputs that left it unknown. */
  missingOf: Map<string, string[]>;
}

function modelResult(ctx: Ctx, model: ScoreModel): ModelResult {
  // Packs have one score model: one slot, no Map on the hot path.
  if (ctx.model === model && ctx.modelResult) return ctx.modelResult;
  const m = evaluateModel(model, ctx.r, ctx.explain);
  ctx.model = model;
  ctx.modelResult = m;
  return m;
}

function tri(t: T3): Tri {
  return t === YES ? true : t === NO ? false : null;
}

/** Records a check (explain mode only). `inputs` are the fields whose unreadable value made it unknown. */
function record(ctx: Ctx, c: Condition, passed: T3, actual: string, required: string, summary: string, note?: string, inputs: FieldRef[] = []): void {
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
  ctx.checks.push(check);
  const names = ctx.missingOf.get(c.id) ?? [];
  if (passed === UNKNOWN) for (const f of inputs) names.push(f.def.name);
  ctx.missingOf.set(c.id, names);
}

function unknownInputs(fields: FieldRef[], values: number[]): FieldRef[] {
  const out: FieldRef[] = [];
  for (let i = 0; i < fields.length; i++) if (Number.isNaN(values[i])) out.push(fields[i]);
  return out;
}

function actualOf(r: Reader, f: FieldRef): string {
  const p = r.problems?.get(f.ord);
  if (p === undefined) return "";
  return r.view.plan.index[f.ord] < 0 ? "无此列" : p.endsWith("未填写") ? "未填写" : "无法识别";
}

function evalCondition(c: Condition, ctx: Ctx): T3 {
  const r = ctx.r;
  const ex = ctx.explain;
  switch (c.kind) {
    case "daysSince": {
      const d = r.date(c.field);
      const required = `≥ ${c.minDays} 天`;
      if (Number.isNaN(d)) {
        if (ex) record(ctx, c, UNKNOWN, actualOf(r, c.field), required, `${c.label}：${r.problems?.get(c.field.ord)}`, undefined, [c.field]);
        return UNKNOWN;
      }
      const days = ctx.asOf - d;
      const ok: T3 = days >= c.minDays ? YES : NO;
      if (ex) {
        const actual = days < 0 ? `${c.field.def.name} ${formatDay(d)} 晚于评价日期` : `${days} 天（${c.field.def.name} ${formatDay(d)}）`;
        record(ctx, c, ok, actual, required, ok ? `${c.label} ${days} 天` : days < 0 ? `${c.field.def.name} ${formatDay(d)} 晚于评价日期` : `${c.label} ${days} 天 < ${c.minDays} 天`);
      }
      return ok;
    }
    case "countAtLeast": {
      let sum = 0;
      let unknown = false;
      const values: number[] = [];
      for (const f of c.fields) {
        const n = r.num(f);
        if (ex) values.push(n);
        if (Number.isNaN(n)) unknown = true;
        else sum += n;
      }
      const ok: T3 = sum >= c.min ? YES : unknown ? UNKNOWN : NO;
      if (ex) {
        const parts = c.fields.map((f, i) => `${f.def.name} ${Number.isNaN(values[i]) ? actualOf(r, f) : fmtNum(values[i])}`);
        const actual = parts.join("，");
        const required = c.fields.length > 1 ? `合计 ≥ ${c.min}` : `≥ ${c.min}`;
        const summary = ok === NO ? `${c.label} ${c.fields.length > 1 ? `合计 ${fmtNum(sum)}` : fmtNum(sum)} < ${c.min}` : ok === UNKNOWN ? `${c.label}：${unknownInputs(c.fields, values).map((f) => r.problems?.get(f.ord)).join("；")}` : `${c.label} ${actual}`;
        record(ctx, c, ok, actual, required, summary, undefined, ok === UNKNOWN ? unknownInputs(c.fields, values) : []);
      }
      return ok;
    }
    case "oneOf": {
      const text = r.text(c.field);
      const required = `属于${c.listName}`;
      if (text === null) {
        if (ex) record(ctx, c, UNKNOWN, actualOf(r, c.field), required, `${c.label}：${r.problems?.get(c.field.ord)}`, undefined, [c.field]);
        return UNKNOWN;
      }
      const t = c.field.def.type;
      const canonical = t.t === "enum" ? (enumIndexFor(t.values).get(lookupKeyCached(text)) ?? text) : text;
      let memo = oneOfMemo.get(c);
      if (!memo) oneOfMemo.set(c, (memo = new Map()));
      let ok = memo.get(canonical);
      if (ok === undefined) {
        ok = c.valueKeys.has(lookupKeyCached(canonical)) ? YES : NO;
        remember(memo, canonical, ok);
      }
      if (ex) {
        record(ctx, c, ok, text, required, ok ? `${c.label} ${canonical}` : `${c.label}“${text}”不属于${c.listName}`, ok ? undefined : `可选：${c.values.join("、")}`);
      }
      return ok;
    }
    case "ratio":
      return evalRatio(c, ctx);
    case "amount": {
      const v = r.num(c.field);
      const required = c.atLeast && c.atMost ? `${c.atLeast.text}–${c.atMost.text} ${c.unit}（含）` : c.atMost ? `≤ ${c.atMost.text} ${c.unit}` : `≥ ${(c.atLeast as Threshold).text} ${c.unit}`;
      if (Number.isNaN(v)) {
        if (ex) record(ctx, c, UNKNOWN, actualOf(r, c.field), required, `${c.label}：${r.problems?.get(c.field.ord)}`, undefined, [c.field]);
        return UNKNOWN;
      }
      const low = c.atLeast !== null && v < c.atLeast.f;
      const high = c.atMost !== null && v > c.atMost.f;
      const ok: T3 = low || high ? NO : YES;
      if (ex) {
        const actual = money(v, c.unit);
        const summary = low ? `${c.label} ${actual} < ${(c.atLeast as Threshold).text} ${c.unit}` : high ? `${c.label} ${actual} > ${(c.atMost as Threshold).text} ${c.unit}` : `${c.label} ${actual}`;
        record(ctx, c, ok, actual, required, summary);
      }
      return ok;
    }
    case "noRecord": {
      const b = r.bool(c.field);
      if (b === UNKNOWN && r.status === ST_INVALID) {
        if (ex) record(ctx, c, UNKNOWN, "无法识别", "无记录", `${c.label}：${r.problems?.get(c.field.ord)}`, undefined, [c.field]);
        return UNKNOWN;
      }
      const ok: T3 = b === YES ? NO : YES;
      if (ex) {
        if (b === UNKNOWN) record(ctx, c, ok, "未填写", "无记录", `${c.label}：未填写，按无记录处理`, "未填写，按无记录处理");
        else record(ctx, c, ok, b === YES ? "有记录" : "无", "无记录", b === YES ? `${c.label}：有记录` : `${c.label}：无`);
      }
      return ok;
    }
    case "isTrue": {
      let ok: T3 = NO;
      const values: T3[] = [];
      for (const f of c.fields) {
        const b = r.bool(f);
        if (ex) values.push(b);
        if (b === YES) {
          ok = YES;
          if (!ex) break;
        } else if (b === UNKNOWN && ok === NO) ok = UNKNOWN;
      }
      if (ex) {
        const shown = (b: T3, f: FieldRef): string => (b === YES ? "是" : b === NO ? "否" : actualOf(r, f));
        const actual = c.fields.length === 1 ? shown(values[0], c.fields[0]) : c.fields.map((f, i) => `${f.def.name} ${shown(values[i], f)}`).join("，");
        const unknownFields = c.fields.filter((_, i) => values[i] === UNKNOWN);
        const summary = ok === YES ? c.label : ok === NO ? `${c.label}：否` : `${c.label}：${unknownFields.map((f) => r.problems?.get(f.ord)).join("；")}`;
        record(ctx, c, ok, actual, "是", summary, undefined, ok === UNKNOWN ? unknownFields : []);
      }
      return ok;
    }
    case "certificateValid": {
      const d = r.date(c.field);
      const required = `评价日期在证书有效期内（认定之日起 ${c.years} 年）`;
      if (Number.isNaN(d)) {
        if (r.status === ST_INVALID) {
          if (ex) record(ctx, c, UNKNOWN, "无法识别", required, `${c.label}：${r.problems?.get(c.field.ord)}`, undefined, [c.field]);
          return UNKNOWN;
        }
        // The ledger records a 高企 by this date: none written means no certificate.
        if (ex) record(ctx, c, NO, "未填写", required, `${c.label}：未填写${c.field.def.name}`, `未填写${c.field.def.name}，视为没有证书`);
        return NO;
      }
      const end = addYears(d, c.years);
      const ok: T3 = d <= ctx.asOf && ctx.asOf < end ? YES : NO;
      if (ex) {
        const actual = `${c.field.def.name} ${formatDay(d)}，有效期至 ${formatDay(end - 1)}`;
        const summary = ok ? `${c.label}（${actual}）` : d > ctx.asOf ? `${c.field.def.name} ${formatDay(d)} 晚于评价日期` : `${c.label}：证书已于 ${formatDay(end - 1)} 到期`;
        record(ctx, c, ok, actual, required, summary);
      }
      return ok;
    }
    case "growth":
      return evalGrowth(c, ctx);
    case "score": {
      const m = modelResult(ctx, c.model);
      let ok: T3;
      if (c.atLeast !== null) ok = m.lo >= c.atLeast ? YES : m.hi < c.atLeast ? NO : UNKNOWN;
      else ok = m.lo > (c.above as number) ? YES : m.hi <= (c.above as number) ? NO : UNKNOWN;
      if (ex) recordScore(ctx, c, ok, m);
      return ok;
    }
    case "partNonZero": {
      const m = modelResult(ctx, c.model);
      const k = c.model.parts.indexOf(c.part);
      const i: Interval = { lo: m.partLo[k], hi: m.partHi[k] };
      const ok: T3 = i.lo > 0 ? YES : i.hi === 0 ? NO : UNKNOWN;
      if (ex) {
        const actual = pointsText(i.lo, i.hi);
        const inputs = ok === UNKNOWN ? (m.trace as ScoreTrace).unknownInputs.filter((f) => partReads(c.part, f)) : [];
        const why = inputs.length > 0 ? inputs.map((f) => r.problems?.get(f.ord)).join("；") : (m.trace as ScoreTrace).notes.join("；") || "无法确定";
        const summary = ok === NO ? `${c.label}为 0 分` : ok === YES ? `${c.label} ${actual}` : `${c.label}：${why}`;
        record(ctx, c, ok, actual, "不为 0 分", summary, undefined, inputs);
      }
      return ok;
    }
  }
}

/** Does a score part read this field? (to name the inputs behind an unknown part) */
function partReads(p: ScorePart, f: FieldRef): boolean {
  const scaleReads = (s: BandedScale): boolean => {
    const m = s.measure;
    switch (m.type) {
      case "ratio":
        return m.numerator === f || m.denominator === f;
      case "average":
        return m.field === f;
      case "growth":
        return m.fields.includes(f);
      case "ipCounts":
        return m.classI === f || m.classII === f;
    }
  };
  switch (p.kind) {
    case "bands":
      return scaleReads(p.scale);
    case "bestOf":
      return p.options.some(scaleReads);
    case "expert":
      return false;
    case "sum":
      return p.parts.some((q) => partReads(q, f));
  }
}

function recordScore(ctx: Ctx, c: Extract<Condition, { kind: "score" }>, ok: T3, m: ModelResult): void {
  const trace = m.trace as ScoreTrace;
  const required = c.atLeast !== null ? `≥ ${c.atLeast} 分` : `> ${c.above} 分`;
  const determined = m.lo === m.hi;
  const actual = determined ? `${fmtNum(m.lo)} 分${m.given ? `（台账填写的${c.model.givenField?.def.name ?? "得分"}）` : ""}` : `${pointsText(m.lo, m.hi)}`;
  const notes: string[] = [];
  if (!m.given) {
    if (trace.parts.length > 0) notes.push(`可计算部分：${trace.parts.join("，")}`);
    if (trace.expert.length > 0 && !determined) notes.push(`需专家评价：${trace.expert.join("、")}`);
  }
  notes.push(...trace.notes.filter((n) => n));
  const dedupInputs = m.given ? [] : [...new Set(trace.unknownInputs)];
  let summary: string;
  if (ok === YES) summary = `${c.label} ${actual}`;
  else if (ok === NO) summary = determined ? `${c.label} ${fmtNum(m.lo)} 分 ${c.atLeast !== null ? `< ${c.atLeast}` : `≤ ${c.above}`} 分` : `${c.label}最高 ${fmtNum(m.hi)} 分 ${c.atLeast !== null ? `< ${c.atLeast}` : `≤ ${c.above}`} 分`;
  else {
    const why: string[] = [];
    if (trace.expert.length > 0) why.push("需专家评价");
    if (dedupInputs.length > 0) why.push(`缺少 ${dedupInputs.map((f) => f.def.name).join("、")}`);
    summary = `${c.label} ${fmtNum(m.lo)}–${fmtNum(m.hi)} 分，${why.join("，") || "无法确定"}`;
  }
  // An undetermined score with a given-score column: filling that column settles it.
  record(ctx, c, ok, actual, required, summary, notes.join("；") || undefined, ok === UNKNOWN ? dedupInputs : []);
  if (ok === UNKNOWN && c.model.givenField) ctx.missingOf.get(c.id)?.push(c.model.givenField.def.name);
}

function evalRatio(c: Extract<Condition, { kind: "ratio" }>, ctx: Ctx): T3 {
  const r = ctx.r;
  const ex = ctx.explain;
  const num = r.num(c.numerator);
  const den = r.num(c.denominator);
  // Which band's minimum applies; unknown band-by value leaves every band possible.
  let band = c.bands[0];
  let bandKnown = true;
  let bandValue = NaN;
  if (c.bandBy) {
    bandValue = r.num(c.bandBy);
    if (Number.isNaN(bandValue)) bandKnown = false;
    else {
      for (const b of c.bands) {
        band = b;
        if (b.upTo === null || bandValue <= b.upTo.f) break;
      }
    }
  }

  if (Number.isNaN(num) || Number.isNaN(den)) {
    if (ex) {
      const inputs = unknownInputs([c.numerator, c.denominator], [num, den]);
      const required = bandKnown ? `≥ ${pctText(band.min)}` : requiredRange(c);
      record(ctx, c, UNKNOWN, "无法计算", required, `${c.label}：${inputs.map((f) => r.problems?.get(f.ord)).join("；")}`, bandLabel(c, bandKnown, bandValue, band), inputs);
    }
    return UNKNOWN;
  }
  if (den <= 0) {
    if (ex) record(ctx, c, UNKNOWN, "无法计算", bandKnown ? `≥ ${pctText(band.min)}` : requiredRange(c), `${c.label}：“${c.denominator.def.name}”为 ${fmtNum(den)}，无法计算比例`, `“${c.denominator.def.name}”为 ${fmtNum(den)}，请核对`);
    if (ex) ctx.missingOf.get(c.id)?.push(c.denominator.def.name);
    return UNKNOWN;
  }
  let ok: T3;
  if (bandKnown) ok = cmpRatio(num, den, band.min) >= 0 ? YES : NO;
  else {
    // Without the band-by value: passing the highest minimum or failing the lowest still decides.
    let hiMin = c.bands[0];
    let loMin = c.bands[0];
    for (const b of c.bands) {
      if (b.min.f > hiMin.min.f) hiMin = b;
      if (b.min.f < loMin.min.f) loMin = b;
    }
    ok = cmpRatio(num, den, hiMin.min) >= 0 ? YES : cmpRatio(num, den, loMin.min) < 0 ? NO : UNKNOWN;
    if (ok === NO) band = loMin;
  }
  if (ex) {
    const ratio = num / den;
    if (bandKnown || ok === NO) {
      const actual = fmtPct(ratio, ok === NO ? band.min : undefined);
      const required = `≥ ${pctText(band.min)}`;
      record(ctx, c, ok, actual, required, ok === YES ? `${c.label} ${actual}` : `${c.label} ${actual} < ${pctText(band.min)}`, bandLabel(c, bandKnown, bandValue, band));
    } else if (ok === YES) {
      record(ctx, c, ok, fmtPct(ratio), requiredRange(c), `${c.label} ${fmtPct(ratio)}`, `${c.bandBy?.def.name}未填写，但已达到最高档要求`);
    } else {
      const bandBy = c.bandBy as FieldRef;
      record(ctx, c, UNKNOWN, fmtPct(ratio), requiredRange(c), `${c.label} ${fmtPct(ratio)}：${r.problems?.get(bandBy.ord)}，无法确定适用的比例档`, undefined, [bandBy]);
    }
  }
  return ok;
}

function bandLabel(c: Extract<Condition, { kind: "ratio" }>, bandKnown: boolean, bandValue: number, band: RatioBand): string | undefined {
  return c.bandBy && bandKnown ? `${c.bandBy.def.name} ${money(bandValue, "万元")}，适用“${band.label ?? band.min.text}”档（${band.cite}）` : undefined;
}

function requiredRange(c: Extract<Condition, { kind: "ratio" }>): string {
  return c.bands.map((b) => `${b.label ? `${b.label} ` : ""}≥ ${pctText(b.min)}`).join("；");
}

function evalGrowth(c: Extract<Condition, { kind: "growth" }>, ctx: Ctx): T3 {
  const r = ctx.r;
  const ex = ctx.explain;
  let ok: T3 = NO;
  const shown: string[] = [];
  const unknown: FieldRef[] = [];
  for (const s of c.series) {
    const [f1, , f3] = s.fields;
    const y1 = r.num(f1);
    const y3 = r.num(f3);
    let one: T3;
    if (Number.isNaN(y1) || Number.isNaN(y3)) {
      one = UNKNOWN;
      if (ex) {
        if (Number.isNaN(y1)) unknown.push(f1);
        if (Number.isNaN(y3)) unknown.push(f3);
        shown.push(`${s.label} 缺数据`);
      }
    } else if (y1 <= 0) {
      // No growth rate from a zero or negative first year: the criterion is not shown to be met.
      one = NO;
      if (ex) shown.push(`${s.label} 无法计算（第一年为 ${fmtNum(y1)}）`);
    } else if (y3 < 0) {
      one = NO;
      if (ex) shown.push(`${s.label} 第三年为负`);
    } else {
      one = cmpRatio(y3, y1, c.growthFactorSquared) >= 0 ? YES : NO;
      if (ex) shown.push(`${s.label} ${fmtPct(Math.sqrt(y3 / y1) - 1, one === NO ? c.min : undefined)}`);
    }
    if (one === YES) {
      ok = YES;
      if (!ex) break;
    } else if (one === UNKNOWN && ok === NO) ok = UNKNOWN;
  }
  if (ex) {
    const actual = shown.join("，");
    const required = `${c.series.length > 1 ? "任一 " : ""}≥ ${pctText(c.min)}`;
    const summary = ok === YES ? `${c.label} ${actual}` : ok === NO ? `${c.label} ${actual}，均 < ${pctText(c.min)}` : `${c.label}：${unknown.map((f) => r.problems?.get(f.ord)).join("；")}`;
    record(ctx, c, ok, actual, required, summary, undefined, ok === UNKNOWN ? unknown : []);
  }
  return ok;
}

// ------------------------------------------------------------------ small caches

const enumIndexes = new WeakMap<object, Map<string, string>>();
function enumIndexFor(values: Parameters<typeof enumIndex>[0]): Map<string, string> {
  let idx = enumIndexes.get(values);
  if (!idx) {
    idx = enumIndex(values);
    enumIndexes.set(values, idx);
  }
  return idx;
}

const oneOfMemo = new WeakMap<Condition, Map<string, T3>>();
const keyCache = new Map<string, string>();
function lookupKeyCached(s: string): string {
  let k = keyCache.get(s);
  if (k === undefined) {
    k = s.normalize("NFKC").replace(/\s+/g, "").toUpperCase();
    if (keyCache.size > 1000) keyCache.clear();
    keyCache.set(s, k);
  }
  return k;
}

// ------------------------------------------------------------------ combining

function and3(a: T3, b: T3): T3 {
  return a === NO || b === NO ? NO : a === UNKNOWN || b === UNKNOWN ? UNKNOWN : YES;
}
function or3(a: T3, b: T3): T3 {
  return a === YES || b === YES ? YES : a === UNKNOWN || b === UNKNOWN ? UNKNOWN : NO;
}

const DECIDE_CTX: Ctx = { r: new Reader({ cells: [], plan: { index: new Int32Array(0), headerText: [] } }, false), asOf: 0, explain: false, model: null, modelResult: null, checks: [], missingOf: new Map() };

function run(pack: RulePack, view: RowView, asOf: DayNumber, explain: boolean, only: ReadonlySet<Condition> | null = null): { outcome: T3; ctx: Ctx; unknown: Condition[] | null } {
  let ctx: Ctx;
  if (explain) ctx = { r: new Reader(view, true), asOf, explain, model: null, modelResult: null, checks: [], missingOf: new Map() };
  else {
    // Decide mode writes no checks: one context reused for every row (the core is synchronous).
    ctx = DECIDE_CTX;
    ctx.r.view = view;
    ctx.asOf = asOf;
    ctx.model = null;
    ctx.modelResult = null;
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
    const t = evalCondition(c, ctx);
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

/** The outcome only: the hot path of KJ.ELIGIBLE. */
export function decide(pack: RulePack, view: RowView, asOf: DayNumber): Tri {
  return tri(run(pack, view, asOf, false).outcome);
}

/**
 * The outcome, and for an unknown one a verdict holding only the checks that explain it (the
 * unknown ones, plus the route and scoring checks that decide which of them matter): enough for
 * the #N/A message at a fraction of a full explanation's cost.
 */
export function decideOrPending(pack: RulePack, view: RowView, asOf: DayNumber): { outcome: Tri; pending: Verdict | null } {
  const d = run(pack, view, asOf, false);
  if (d.outcome !== UNKNOWN) return { outcome: tri(d.outcome), pending: null };
  const subset = new Set<Condition>(d.unknown ?? []);
  for (const c of pack.conditions) if (c.role !== "required") subset.add(c);
  const v = verdictOf(pack, asOf, run(pack, view, asOf, true, subset).ctx, UNKNOWN);
  return { outcome: null, pending: v };
}

function verdictOf(pack: RulePack, asOf: DayNumber, ctx: Ctx, outcome: T3): Verdict {
  const scoreCond = pack.conditions.find((c): c is Extract<Condition, { kind: "score" }> => c.kind === "score");
  let score: number | null = null;
  let scoreRange: [number, number] | null = null;
  if (scoreCond) {
    const m = modelResult(ctx, scoreCond.model);
    scoreRange = [m.lo, m.hi];
    if (m.lo === m.hi) score = m.lo;
  }
  return {
    category: pack.category,
    categoryName: CATEGORY_NAMES[pack.category],
    eligible: tri(outcome),
    score,
    scoreRange,
    provisional: pack.provisional,
    checks: ctx.checks,
    missing: [...new Set(relevantChecks(ctx.checks).pending.flatMap((c) => ctx.missingOf.get(c.id) ?? []))],
    asOf: formatDay(asOf),
    policy: { id: pack.id, title: pack.title, effectiveFrom: pack.raw.effectiveFrom },
  };
}

/** The full verdict with every check. */
export function explainRow(pack: RulePack, view: RowView, asOf: DayNumber): Verdict {
  const { outcome, ctx } = run(pack, view, asOf, true);
  return verdictOf(pack, asOf, ctx, outcome);
}

/** The score interval of a row; with `explain`, also whether experts must judge and which inputs are missing. */
export interface ScoreResult {
  lo: number;
  hi: number;
  given: boolean;
  needsExpert: boolean;
  /** Standard names of the blank or unreadable inputs of the score. */
  missing: string[];
}

/** Just the score model result (for KJ.SCORE without building checks); null for a pack without a score. */
export function scoreOf(pack: RulePack, view: RowView, explain = false): ScoreResult | null {
  const scoreCond = pack.conditions.find((c): c is Extract<Condition, { kind: "score" }> => c.kind === "score");
  if (!scoreCond) return null;
  const m = evaluateModel(scoreCond.model, new Reader(view, explain), explain);
  const trace = m.trace;
  return {
    lo: m.lo,
    hi: m.hi,
    given: m.given,
    needsExpert: trace !== null && !m.given && trace.expert.length > 0,
    missing: trace === null || m.given ? [] : [...new Set(trace.unknownInputs.map((f) => f.def.name))],
  };
}

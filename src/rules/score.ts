/**
 * Scores as intervals [lo, hi]: a scoring table of a pack (高企 创新能力评价, 工作指引三（七）;
 * 科小 评价指标, 评价办法第七条) evaluated on one row. Band tables come from the pack; a part
 * left to experts is 0..max; an input that is blank leaves every band it could reach possible.
 * Shared by the recognitions that score (hitech.ts, sme.ts): the `score` check kind lives here.
 */
import type { BandedScale, Condition, FieldRef, RulePack, ScoreModel, ScorePart, Threshold } from "../policy/rules";
import { cmpMeanGrowth, cmpRatio, meanGrowth } from "./exact";
import { CheckKind, Ctx, fmtNum, fmtPct, NO, pointsText, Reader, record, ST_INVALID, T3, UNKNOWN, YES } from "./kernel";
import type { RowView } from "./row";

export interface Interval {
  lo: number;
  hi: number;
}

/** explain mode: how each part of a score was found. */
export interface ScoreTrace {
  parts: string[];
  expert: string[];
  unknownInputs: FieldRef[];
  given: boolean;
  notes: string[];
}

export interface ModelResult extends Interval {
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

export function evaluateModel(model: ScoreModel, r: Reader, explain: boolean): ModelResult {
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

/** The model's result for this row, computed once per row (the context's memo slot). */
export function modelResult(ctx: Ctx, model: ScoreModel): ModelResult {
  if (ctx.slotKey === model && ctx.slotValue) return ctx.slotValue as ModelResult;
  const m = evaluateModel(model, ctx.r, ctx.explain);
  ctx.slotKey = model;
  ctx.slotValue = m;
  return m;
}

/** Does a score part read this field? (to name the inputs behind an unknown part) */
export function partReads(p: ScorePart, f: FieldRef): boolean {
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

/** A score model's result >= atLeast (or > above); undetermined when the interval straddles it. */
export const score: CheckKind<"score"> = (c, ctx) => {
  const m = modelResult(ctx, c.model);
  let ok: T3;
  if (c.atLeast !== null) ok = m.lo >= c.atLeast ? YES : m.hi < c.atLeast ? NO : UNKNOWN;
  else ok = m.lo > (c.above as number) ? YES : m.hi <= (c.above as number) ? NO : UNKNOWN;
  if (ctx.explain) recordScore(ctx, c, ok, m);
  return ok;
};

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

/** The pack's score (when determined) and interval, for the verdict; nulls for a pack without a score. */
export function scoreSummary(pack: RulePack, ctx: Ctx): { score: number | null; scoreRange: [number, number] | null } {
  const scoreCond = pack.conditions.find((c): c is Extract<Condition, { kind: "score" }> => c.kind === "score");
  if (!scoreCond) return { score: null, scoreRange: null };
  const m = modelResult(ctx, scoreCond.model);
  return { score: m.lo === m.hi ? m.lo : null, scoreRange: [m.lo, m.hi] };
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

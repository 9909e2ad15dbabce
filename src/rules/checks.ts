/**
 * Check kinds that several recognitions' clauses use: a number within bounds (amount), a ratio
 * against a possibly banded minimum (ratio), a count (countAtLeast), a negative-list flag
 * (noRecord), a yes/no claim (isTrue). Each evaluates one pack condition on the kernel and, in
 * explain mode, records the observed value against what the clause requires.
 * Kinds that only one recognition needs live in its file (hitech.ts, sme.ts, giant.ts).
 */
import type { FieldRef, RatioBand, Threshold } from "../policy/rules";
import type { Condition } from "../policy/rules";
import { cmpRatio } from "./exact";
import { actualOf, CheckKind, fmtNum, fmtPct, money, NO, pctText, record, recordAbsent, ST_ABSENT, T3, UNKNOWN, unknownInputs, YES } from "./kernel";

/** A number within [atLeast, atMost], both inclusive (职工总数 ≤ 500, 营业收入 1亿–10亿 …). */
export const amount: CheckKind<"amount"> = (c, ctx) => {
  const r = ctx.r;
  const ex = ctx.explain;
  const v = r.num(c.field);
  if (Number.isNaN(v)) {
    if (r.status === ST_ABSENT) {
      if (ex) recordAbsent(ctx, c, c.field, amountRequired(c));
      return NO;
    }
    if (ex) record(ctx, c, UNKNOWN, actualOf(r, c.field), amountRequired(c), `${c.label}：${r.problems?.get(c.field.ord)}`, undefined, [c.field]);
    return UNKNOWN;
  }
  const low = c.atLeast !== null && v < c.atLeast.f;
  const high = c.atMost !== null && v > c.atMost.f;
  const ok: T3 = low || high ? NO : YES;
  if (ex) {
    const actual = money(v, c.unit);
    const summary = low ? `${c.label} ${actual} < ${(c.atLeast as Threshold).text} ${c.unit}` : high ? `${c.label} ${actual} > ${(c.atMost as Threshold).text} ${c.unit}` : `${c.label} ${actual}`;
    record(ctx, c, ok, actual, amountRequired(c), summary);
  }
  return ok;
};

/** What an amount condition requires, as text (explain mode only: decide mode builds no strings). */
function amountRequired(c: Condition & { kind: "amount" }): string {
  return c.atLeast && c.atMost ? `${c.atLeast.text}–${c.atMost.text} ${c.unit}（含）` : c.atMost ? `≤ ${c.atMost.text} ${c.unit}` : `≥ ${(c.atLeast as Threshold).text} ${c.unit}`;
}

/** Sum of counts >= min (知识产权 Ⅰ类 + Ⅱ类 ≥ 1 …). */
export const countAtLeast: CheckKind<"countAtLeast"> = (c, ctx) => {
  const r = ctx.r;
  const ex = ctx.explain;
  let sum = 0;
  let unknown = false;
  const values: number[] = [];
  for (const f of c.fields) {
    let n = r.num(f);
    // A count that is a claim, not claimed: none.
    if (Number.isNaN(n) && r.status === ST_ABSENT) n = 0;
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
};

/** Negative-list flag (事故, 环境违法, 失信, 经营异常): 是 fails; blank or missing column = no record. */
export const noRecord: CheckKind<"noRecord"> = (c, ctx) => {
  const r = ctx.r;
  const ex = ctx.explain;
  const b = r.bool(c.field);
  if (b === UNKNOWN) {
    if (ex) record(ctx, c, UNKNOWN, actualOf(r, c.field), "无记录", `${c.label}：${r.problems?.get(c.field.ord)}`, undefined, [c.field]);
    return UNKNOWN;
  }
  const ok: T3 = b === YES ? NO : YES;
  if (ex) {
    if (r.status === ST_ABSENT) record(ctx, c, ok, actualOf(r, c.field), "无记录", `${c.label}：未填写，按无记录处理`, r.absences?.get(c.field.ord), [], [c.field]);
    else record(ctx, c, ok, b === YES ? "有记录" : "无", "无记录", b === YES ? `${c.label}：有记录` : `${c.label}：无`);
  }
  return ok;
};

/** Any of the yes/no fields is 是 (研发机构, 国家级科技奖励, 主导制定标准 …). */
export const isTrue: CheckKind<"isTrue"> = (c, ctx) => {
  const r = ctx.r;
  const ex = ctx.explain;
  let ok: T3 = NO;
  const values: T3[] = [];
  const absent: FieldRef[] = [];
  for (const f of c.fields) {
    const b = r.bool(f);
    if (ex) {
      values.push(b);
      if (r.status === ST_ABSENT) absent.push(f);
    }
    if (b === YES) {
      ok = YES;
      if (!ex) break;
    } else if (b === UNKNOWN && ok === NO) ok = UNKNOWN;
  }
  if (ex) {
    const shown = (b: T3, f: FieldRef): string => (b === YES ? "是" : absent.includes(f) || b === UNKNOWN ? actualOf(r, f) : "否");
    const actual = c.fields.length === 1 ? shown(values[0], c.fields[0]) : c.fields.map((f, i) => `${f.def.name} ${shown(values[i], f)}`).join("，");
    const unknownFields = c.fields.filter((_, i) => values[i] === UNKNOWN);
    const no = absent.length === c.fields.length ? `${c.label}：${absent.map((f) => f.def.name).join("、")}未填写，按不具备处理` : `${c.label}：否`;
    const summary = ok === YES ? c.label : ok === NO ? no : `${c.label}：${unknownFields.map((f) => r.problems?.get(f.ord)).join("；")}`;
    const note = ok === YES ? undefined : absent.map((f) => (c.fields.length > 1 ? `${f.def.name}${r.absences?.get(f.ord)}` : r.absences?.get(f.ord))).join("；") || undefined;
    record(ctx, c, ok, actual, "是", summary, note, ok === UNKNOWN ? unknownFields : [], ok === YES ? [] : absent);
  }
  return ok;
};

/** numerator / denominator >= min; with bandBy, the min is chosen by another field's band (研发费用占比 by 销售收入). */
export const ratio: CheckKind<"ratio"> = (c, ctx) => {
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
};

function bandLabel(c: Extract<Condition, { kind: "ratio" }>, bandKnown: boolean, bandValue: number, band: RatioBand): string | undefined {
  return c.bandBy && bandKnown ? `${c.bandBy.def.name} ${money(bandValue, "万元")}，适用“${band.label ?? band.min.text}”档（${band.cite}）` : undefined;
}

function requiredRange(c: Extract<Condition, { kind: "ratio" }>): string {
  return c.bands.map((b) => `${b.label ? `${b.label} ` : ""}≥ ${pctText(b.min)}`).join("；");
}

/**
 * 科技小巨人企业 — 《枣庄市科技小巨人企业认定管理办法》, not available: a documented stand-in
 * (合肥市科技小巨人企业认定条件, two published copies agree; DOMAIN §5), provisional.
 * Pack: src/policy/packs/giant-provisional.json (marked provisional; every verdict says
 * “（暂定标准，待核定）”). Replacing the stand-in with the Zaozhuang text is a change of that
 * pack and of this clause list, not of the kinds.
 *
 * The stand-in's clauses in order; under each, the pack conditions that encode it (their kinds:
 * checks.ts, or below when only 小巨人 uses them).
 * tests/eligibility/recognitions.test.ts keeps this list and the pack in step.
 */
import { actualOf, Cond, Ctx, encodes, fmtNum, fmtPct, NO, pctText, record, Recognition, T3, unencoded, UNKNOWN, unknownInputs, YES } from "./kernel";
import type { FieldRef } from "../policy/rules";
import { cmpRatio } from "./exact";

export const GIANT: Recognition<"growth" | "anyAtLeast"> = {
  category: "giant",
  packs: ["giant-provisional.json"],
  clauses: [
    // 枣庄市科技小巨人企业认定管理办法: the text was not available.
    unencoded("枣庄市科技小巨人企业认定管理办法", "原文暂未取得；暂定标准代替"),

    // 暂定标准（一）上年营业收入 1 亿元至 10 亿元（含）— amount (checks.ts).
    encodes("暂定标准（一）", "revenueRange"),

    // 暂定标准（二）近三年营业收入或净利润年均增长 15% 以上 — growth (below).
    encodes("暂定标准（二）", "growth"),

    // 暂定标准（三）建有市级以上研发机构 — isTrue (checks.ts).
    encodes("暂定标准（三）", "rdInstitution"),

    // 暂定标准（四）研发费用占营业收入比例：营业收入 1 亿元至 4 亿元的不低于 4%，4 亿元至 10 亿元的
    // 不低于 3% — ratio banded by 营业收入 (checks.ts).
    encodes("暂定标准（四）", "rdIntensity"),

    // 暂定标准（五）拥有 1 项以上Ⅰ类知识产权，或年均申请发明专利 3 件以上
    //   — anyAtLeast (below); the applications are read from 近一年发明专利申请数.
    encodes("暂定标准（五）", "ip"),
  ],
  kinds: {
    growth,
    anyAtLeast,
  },
};

/** Any of the counts reaches its own minimum (暂定标准（五）: Ⅰ类知识产权 ≥ 1 or 发明专利申请 ≥ 3). */
export function anyAtLeast(c: Cond<"anyAtLeast">, ctx: Ctx): T3 {
  const r = ctx.r;
  let ok: T3 = NO;
  const values: number[] = [];
  for (const it of c.items) {
    const n = r.num(it.field);
    if (ctx.explain) values.push(n);
    if (!Number.isNaN(n) && n >= it.min) {
      ok = YES;
      if (!ctx.explain) break;
    } else if (Number.isNaN(n) && ok === NO) ok = UNKNOWN;
  }
  if (ctx.explain) {
    const fields = c.items.map((i) => i.field);
    const actual = c.items.map((it, i) => `${it.field.def.name} ${Number.isNaN(values[i]) ? actualOf(r, it.field) : fmtNum(values[i])}`).join("，");
    const required = c.items.map((it) => `${it.field.def.name} ≥ ${it.min}`).join(" 或 ");
    const unknown = unknownInputs(fields, values);
    const summary =
      ok === YES ? `${c.label} ${actual}` : ok === NO ? `${c.label}：${c.items.map((it, i) => `${it.field.def.name} ${fmtNum(values[i])} < ${it.min}`).join("，")}` : `${c.label}：${unknown.map((f) => r.problems?.get(f.ord)).join("；")}`;
    record(ctx, c, ok, actual, required, summary, undefined, ok === UNKNOWN ? unknown : []);
  }
  return ok;
}

/**
 * Any series' yearly average growth >= min, compound from the first to the third year:
 * sqrt(Y3/Y1) − 1 (暂定标准（二）). A zero or negative first year shows no growth rate.
 */
export function growth(c: Cond<"growth">, ctx: Ctx): T3 {
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

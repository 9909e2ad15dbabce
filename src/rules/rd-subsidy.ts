/**
 * The R&D subsidy (研究开发财政补助, 计划 二（四）1; DOMAIN §10) on the shared three-valued kernel:
 * the check kinds the two schemes use (rd-city.ts and rd-province.ts list their clauses), the
 * amount (base × rate, rounding, minimum, floor, cap — every number from the pack) and its
 * explanation. One row of the 研发费用台账 (or any ledger with those columns) and a data year in;
 * a result with one check per condition, the amount in 万元 (decimal) and the steps out.
 *
 *   const r = rdSubsidy(pack, rowFromObject({ 研发费用: 260, 上年研发费用: 200, … }, RD), 2024);
 *   r.eligible   // true / false / null (null only when a needed quantity is blank or unreadable)
 *   r.amount     // Decimal 6 (万元); 0 when not eligible; null when it cannot be computed
 *   rdWhyText(r) // "市级研发补助 6 万元：符合……"
 *
 * Claims (规上工业企业, 享受加计扣除, 高企, 科小, 集成电路企业, 首次认定高企): blank or no such column
 * means not claimed (DOMAIN §8), naming the column; an unreadable cell is unknown. Quantities
 * (研发费用, 上年研发费用, 销售收入) blank are unknown (待补充), never 0.
 */
import Decimal from "decimal.js";
import { addYears, dayFromParts, DayNumber, formatDay } from "../dates";
import type { FieldRef, Threshold } from "../policy/rules";
import { KjError } from "../errors";
import { RD } from "../ledger/catalogue";
import { OnlyWhen, parseRdScheme, RD_PACKS, RD_SCHEME_NAMES, RdCondition, RdPack, rdPackFor, RdScheme, RdValue } from "../policy/rd";
import { amount as amountKind, ratio as ratioKind } from "./checks";
import { relevantChecks } from "./explain";
import { and3, Clause, Ctx, fmtNum, fmtPct, money, NO, Reader, record, ST_INVALID, ST_OK, T3, tri, UNKNOWN, unknownInputs, YES } from "./kernel";
import { rowFromObject, rowFromRanges, RowView } from "./row";
import type { Check, Tri } from "./verdict";

/** What one scheme gives one row for one data year. */
export interface RdResult {
  scheme: RdScheme;
  /** 省级研发补助 / 市级研发补助 */
  schemeName: string;
  /** The data year: the year whose R&D is subsidised. */
  year: number;
  eligible: Tri;
  /** 万元, exact: 0 when not eligible; null when it cannot be computed (eligible unknown, or an input of the amount unreadable). */
  amount: Decimal | null;
  /** The 万元 the rate applies to (研发费用, or its increase over last year); null when not known. */
  base: Decimal | null;
  /** Which base band applied: its label ("销售收入 2 亿元以下（含）：按当年研发费用"). */
  baseLabel: string | null;
  /** The rate applied (0.05); null when not known. */
  rate: Decimal | null;
  /** "补助比例 5%" or "集成电路企业 10%". */
  rateLabel: string | null;
  /** base × rate before rounding; null when not computed. */
  computed: Decimal | null;
  cap: Decimal;
  floor: Decimal | null;
  minimum: Decimal | null;
  /** What was applied: rounding, minimum (not paid), floor (raised), cap (lowered). */
  applied: { rounded: boolean; belowMinimum: boolean; floored: boolean; capped: boolean };
  /** The computation in words, one step per line with its clause; empty unless eligible. */
  steps: string[];
  /** The computation in one line, for a cell (KJ.WHY): "当年研发费用 240 万元 × 5% = 12 万元，…". */
  formula: string;
  /** The result rests on a provisional stand-in value. */
  provisional: boolean;
  /** Which provisional values it uses: "补助比例 5%", "取整方式（四舍五入）". */
  provisionalItems: string[];
  /** "（暂定标准，待核定）" when provisional; "". */
  provisionalNotice: string;
  policy: { id: string; title: string; docNo: string; years: string };
  /** The clause the amount comes from (the rate's). */
  cite: string;
  checks: Check[];
  /** Standard column names whose blank or unreadable value leaves the result unknown. */
  missing: string[];
  /** Clauses of the pack KJ does not check (staff check these by hand). */
  unverified: { cite: string; text: string; why: string }[];
}

// ------------------------------------------------------------------ context

/** The kernel's context plus the data year. */
interface RdCtx extends Ctx {
  year: number;
  /** Provisional values this evaluation used (explain mode). */
  provisional: string[];
}

function rdCtx(view: RowView, year: number, explain: boolean): RdCtx {
  // The kernel's as-of date is the last day of the data year (no R&D check reads it).
  const asOf = dayFromParts(year, 12, 31) as DayNumber;
  return { r: new Reader(view, explain), asOf, explain, slotKey: null, slotValue: null, checks: [], missingOf: new Map(), year, provisional: [] };
}

// ------------------------------------------------------------------ reading claims

/**
 * A claim cell: YES for 是, NO for 否 or (not claimed) blank / no such column, UNKNOWN when
 * unreadable. `absent`: read as not claimed because blank or missing (DOMAIN §8).
 */
function readClaim(r: Reader, f: FieldRef): { t: T3; absent: boolean } {
  const b = r.bool(f);
  if (b === YES) return { t: YES, absent: false };
  if (r.status === ST_INVALID) return { t: UNKNOWN, absent: false };
  if (b === NO && r.status === ST_OK) return { t: NO, absent: false };
  // Blank cell or no such column (or the catalogue's claim rule read it as absent).
  return { t: NO, absent: true };
}

function columnMissing(r: Reader, f: FieldRef): boolean {
  return r.view.plan.index[f.ord] < 0;
}

/** “未填写，按不具备处理（如具备，请填写“规上工业企业”）” / “台账无“…”列，按不具备处理（如具备请添加该列并填写）”. */
function notClaimedText(r: Reader, fields: FieldRef[]): string {
  const names = fields.map((f) => `“${f.def.name}”`).join("或");
  const missing = fields.filter((f) => columnMissing(r, f));
  if (missing.length === fields.length) return `台账无${names}列，按不具备处理（如具备，请添加该列并填写“是”）`;
  return `未填写，按不具备处理（如具备，请在${names}填写${fields.length > 1 ? "" : "“是”"}）`;
}

// ------------------------------------------------------------------ check kinds

type K<T extends RdCondition["kind"]> = Extract<RdCondition, { kind: T }>;

/** A yes/no claim the enterprise must show (规上工业企业, 享受加计扣除): 是; blank or no column = not claimed. */
function claim(c: K<"claim">, ctx: RdCtx): T3 {
  const r = ctx.r;
  const { t, absent } = readClaim(r, c.field);
  if (ctx.explain) {
    if (t === UNKNOWN) record(ctx, c, t, "无法识别", "是", `${c.label}：${r.problems?.get(c.field.ord)}`, undefined, [c.field]);
    else if (absent) {
      const noColumn = columnMissing(r, c.field);
      record(ctx, c, NO, noColumn ? "无此列" : "未填写", "是", `${c.label}：${noColumn ? `台账无“${c.field.def.name}”列` : `${c.field.def.name}未填写`}，按不具备处理`, notClaimedText(r, [c.field]));
    }
    else record(ctx, c, t, t === YES ? "是" : "否", "是", t === YES ? c.label : `${c.label}：否`);
  }
  return t;
}

/** Valid in the data year: the certificate [date, date + years) meets [Jan 1, Dec 31] of the year. */
function validInYear(d: number, years: number, year: number): boolean {
  const first = dayFromParts(year, 1, 1) as DayNumber;
  const last = dayFromParts(year, 12, 31) as DayNumber;
  return d <= last && addYears(d, years) > first;
}

/** Any of the recognitions held in the data year (高企 by 是 or a certificate valid in the year; 科小 by 是 or 入库年度 = the year). */
function recognized(c: K<"recognized">, ctx: RdCtx): T3 {
  const r = ctx.r;
  const ex = ctx.explain;
  let out: T3 = NO;
  const shown: string[] = [];
  const unknownFields: FieldRef[] = [];
  const absentFields: FieldRef[] = [];
  let held = "";
  for (const o of c.options) {
    let t: T3 = NO;
    const parts: string[] = [];
    const cl = readClaim(r, o.claim);
    if (cl.t === YES) {
      t = YES;
      parts.push(`${o.claim.def.name} 是`);
    } else {
      if (cl.t === UNKNOWN) {
        t = UNKNOWN;
        unknownFields.push(o.claim);
        parts.push(`${o.claim.def.name} 无法识别`);
      } else {
        parts.push(`${o.claim.def.name} ${cl.absent ? (columnMissing(r, o.claim) ? "无此列" : "未填写") : "否"}`);
        if (cl.absent) absentFields.push(o.claim);
      }
      if (o.date && o.validYears !== null) {
        const d = r.date(o.date);
        if (Number.isNaN(d)) {
          if (r.status === ST_INVALID) {
            if (t === NO) t = UNKNOWN;
            unknownFields.push(o.date);
            parts.push(`${o.date.def.name} 无法识别`);
          } else {
            parts.push(`${o.date.def.name} ${columnMissing(r, o.date) ? "无此列" : "未填写"}`);
            absentFields.push(o.date);
          }
        } else {
          const ok = validInYear(d, o.validYears, ctx.year);
          if (ok) t = YES;
          parts.push(`${o.date.def.name} ${formatDay(d)}（有效期至 ${formatDay(addYears(d, o.validYears) - 1)}${ok ? "" : `，${ctx.year} 年度不在有效期内`}）`);
        }
      }
      if (o.year && t !== YES) {
        const y = r.num(o.year);
        if (Number.isNaN(y)) {
          if (r.status === ST_INVALID) {
            if (t === NO) t = UNKNOWN;
            unknownFields.push(o.year);
            parts.push(`${o.year.def.name} 无法识别`);
          } else {
            parts.push(`${o.year.def.name} ${columnMissing(r, o.year) ? "无此列" : "未填写"}`);
            absentFields.push(o.year);
          }
        } else {
          if (y === ctx.year) t = YES;
          parts.push(`${o.year.def.name} ${fmtNum(y)}`);
        }
      }
    }
    if (t === YES && held === "") held = o.label;
    if (t === YES) out = YES;
    else if (t === UNKNOWN && out === NO) out = UNKNOWN;
    shown.push(parts.join("，"));
    if (out === YES && !ex) break;
  }
  if (ex) {
    const required = c.options.map((o) => o.label).join("或");
    const actual = shown.join("；");
    if (out === YES) record(ctx, c, YES, actual, required, `${c.label}（${held}）`);
    else if (out === UNKNOWN) record(ctx, c, UNKNOWN, actual, required, `${c.label}：${unknownFields.map((f) => r.problems?.get(f.ord)).join("；")}`, undefined, unknownFields);
    else {
      const note = absentFields.length > 0 ? `${absentFields.map((f) => f.def.name).join("、")}未填写或台账无此列，按不具备处理（如具备，请填写）` : undefined;
      record(ctx, c, NO, actual, required, `${c.label}：不具备（${actual}${absentFields.length > 0 ? "；未填写或无此列的按不具备处理" : ""}）`, note);
    }
  }
  return out;
}

/** Growth over the previous year: (v − p) / p ≥ atLeast, or v > (1 + above) · p; exact decimals. */
function increase(c: K<"increase">, ctx: RdCtx): T3 {
  const r = ctx.r;
  const v = r.num(c.field);
  const p = r.num(c.previous);
  const t = (c.atLeast ?? c.above) as Threshold;
  const strict = c.atLeast === null;
  const required = strict ? (t.dec.isZero() ? `高于上年` : `增长率 > ${t.pct}`) : `增长率 ≥ ${t.pct}`;
  if (Number.isNaN(v) || Number.isNaN(p)) {
    if (ctx.explain) {
      const inputs = unknownInputs([c.field, c.previous], [v, p]);
      record(ctx, c, UNKNOWN, "无法计算", required, `${c.label}：${inputs.map((f) => r.problems?.get(f.ord)).join("；")}`, undefined, inputs);
    }
    return UNKNOWN;
  }
  const dv = new Decimal(v);
  const dp = new Decimal(p);
  const bar = dp.times(t.dec.plus(1));
  const ok: T3 = (strict ? dv.gt(bar) : dv.gte(bar)) ? YES : NO;
  if (ctx.explain) {
    const growth = p > 0 ? `，增长 ${fmtPct(dv.minus(dp).dividedBy(dp).toNumber(), ok === NO ? t : undefined)}` : "";
    const actual = `${money(v, "万元")}，上年 ${money(p, "万元")}${growth}`;
    const failed = strict && t.dec.isZero() ? `${c.label}：${money(v, "万元")}，未高于上年 ${money(p, "万元")}` : `${c.label}：${actual}，${required.replace("增长率", "要求增长率")}`;
    record(ctx, c, ok, actual, required, ok === YES ? `${c.label}（${actual}）` : failed, p <= 0 && ok === YES ? `上年研发费用为 ${fmtNum(p)}` : undefined);
  }
  return ok;
}

/** Whether an onlyWhen range holds: YES/NO, UNKNOWN when its field cannot be read. */
function applies(w: OnlyWhen, ctx: RdCtx): { t: T3; value: number } {
  const v = ctx.r.num(w.field);
  if (Number.isNaN(v)) return { t: UNKNOWN, value: v };
  const inRange = w.above !== null ? new Decimal(v).gt(w.above.dec) : new Decimal(v).lte((w.atMost as Threshold).dec);
  return { t: inRange ? YES : NO, value: v };
}

function evaluate(c: RdCondition, ctx: RdCtx): T3 {
  switch (c.kind) {
    case "claim":
      return claim(c, ctx);
    case "recognized":
      return recognized(c, ctx);
    case "increase":
      return increase(c, ctx);
    case "amount":
      return amountKind(c, ctx);
    case "ratio":
      return ratioKind(c, ctx);
  }
}

/** One condition, with its onlyWhen range: outside it the condition does not apply (met). */
function check(c: RdCondition, ctx: RdCtx): T3 {
  if (c.onlyWhen === null) {
    const t = evaluate(c, ctx);
    if (c.provisional && t !== YES) ctx.provisional.push(`${c.label}（${c.cite}）`);
    return t;
  }
  const w = applies(c.onlyWhen, ctx);
  if (w.t === NO) {
    if (ctx.explain) record(ctx, c, YES, `${c.onlyWhen.field.def.name} ${money(w.value, "万元")}`, `仅${c.onlyWhen.label}适用`, `${c.label}：不适用（${c.onlyWhen.field.def.name} ${money(w.value, "万元")}，仅${c.onlyWhen.label}适用）`);
    return YES;
  }
  const before = ctx.checks.length;
  let t = evaluate(c, ctx);
  if (w.t === UNKNOWN && t !== YES) {
    // Whether it applies is unknown: met either way only when it passes.
    t = UNKNOWN;
    if (ctx.explain) {
      const last = ctx.checks[before];
      if (last) {
        last.passed = null;
        const why = `${c.onlyWhen.field.def.name}${ctx.r.problems?.get(c.onlyWhen.field.ord) ? `：${ctx.r.problems.get(c.onlyWhen.field.ord)}` : "未填写"}，无法确定是否适用（仅${c.onlyWhen.label}适用）`;
        last.note = last.note ? `${last.note}；${why}` : why;
        last.summary = `${c.label}：${why}`;
        ctx.missingOf.set(c.id, [...(ctx.missingOf.get(c.id) ?? []), c.onlyWhen.field.def.name]);
      }
    }
  }
  if (c.provisional && t !== YES) ctx.provisional.push(`${c.label}（${c.cite}）`);
  return t;
}

// ------------------------------------------------------------------ the amount

interface AmountOut {
  /** null when an input is unknown. */
  amount: Decimal | null;
  base: Decimal | null;
  baseLabel: string | null;
  rate: Decimal | null;
  rateLabel: string | null;
  computed: Decimal | null;
  applied: RdResult["applied"];
  steps: string[];
  formula: string;
  /** Inputs whose value left the amount unknown (field names), with why. */
  unknown: { field: FieldRef; why: string }[];
}

function pctOf(d: Decimal): string {
  return `${d.times(100).toString()}%`;
}

function wan(d: Decimal): string {
  return `${d.toString()} 万元`;
}

function roundingText(mode: "halfUp" | "down", places: number): string {
  const to = places === 0 ? "取整到万元" : `保留 ${places} 位小数`;
  return mode === "halfUp" ? `四舍五入${to}` : `舍去尾数${to}`;
}

/** The amount of an eligible row (or its parts for display when not eligible). */
function amountOf(pack: RdPack, ctx: RdCtx, eligible: T3): AmountOut {
  const r = ctx.r;
  const s = pack.subsidy;
  const ex = ctx.explain;
  const out: AmountOut = { amount: null, base: null, baseLabel: null, rate: null, rateLabel: null, computed: null, applied: { rounded: false, belowMinimum: false, floored: false, capped: false }, steps: [], formula: "", unknown: [] };
  const miss = (field: FieldRef, why?: string) => out.unknown.push({ field, why: why ?? r.problems?.get(field.ord) ?? `“${field.def.name}”未填写` });
  const rdRef = pack.fields.find((f) => f.def.id === "rd") as FieldRef;
  const rdV = r.num(rdRef);
  if (Number.isNaN(rdV)) miss(rdRef);

  // Which base band.
  let band = s.base.bands[0];
  let bandValue = NaN;
  if (s.base.bandBy) {
    bandValue = r.num(s.base.bandBy);
    if (Number.isNaN(bandValue)) miss(s.base.bandBy);
    else for (const b of s.base.bands) {
      band = b;
      if (b.upTo === null || new Decimal(bandValue).lte(b.upTo.dec)) break;
    }
  }
  let base: Decimal | null = null;
  if (!Number.isNaN(rdV) && !(s.base.bandBy && Number.isNaN(bandValue))) {
    if (band.of === "total") base = new Decimal(rdV);
    else {
      const prevRef = pack.fields.find((f) => f.def.id === "prevRd") as FieldRef;
      const p = r.num(prevRef);
      if (Number.isNaN(p)) miss(prevRef);
      else base = Decimal.max(0, new Decimal(rdV).minus(p));
    }
  }
  out.base = base;
  out.baseLabel = s.base.bandBy && Number.isNaN(bandValue) ? null : band.label;

  // Which rate: the highest of the higher rates the row claims, else the pack's rate.
  let rate: RdValue = s.rate;
  let rateLabel = `补助比例 ${pctOf(s.rate.dec)}`;
  let rateKnown = true;
  for (const h of s.higherRates) {
    const c = readClaim(r, h.claim);
    if (c.t === UNKNOWN) {
      rateKnown = false;
      miss(h.claim);
    } else if (c.t === YES && h.dec.gt(rate.dec)) {
      rate = h;
      rateLabel = `${h.label} ${pctOf(h.dec)}`;
    }
  }
  if (rateKnown) {
    out.rate = rate.dec;
    out.rateLabel = rateLabel;
  }
  if (eligible !== YES || base === null || !rateKnown) return out;

  const computed = base.times(rate.dec);
  out.computed = computed;
  const rounding = s.rounding;
  const rounded = computed.toDecimalPlaces(rounding.places, rounding.mode === "halfUp" ? Decimal.ROUND_HALF_UP : Decimal.ROUND_DOWN);
  out.applied.rounded = !rounded.equals(computed);

  // Floor: all its claims and, when given, the size bound (中小企业).
  let floorApplies: T3 = NO;
  const f = s.floor;
  if (f) {
    floorApplies = YES;
    for (const cf of f.claims) floorApplies = and3(floorApplies, readClaim(r, cf).t);
    if (f.atMost && floorApplies !== NO) {
      const v = r.num(f.atMost.field);
      floorApplies = and3(floorApplies, Number.isNaN(v) ? UNKNOWN : new Decimal(v).lte(f.atMost.dec) ? YES : NO);
    }
    if (floorApplies === UNKNOWN && rounded.gte(f.dec)) floorApplies = NO; // at or above the floor anyway
    if (floorApplies === UNKNOWN) {
      for (const cf of f.claims) if (readClaim(r, cf).t === UNKNOWN) miss(cf);
      if (f.atMost && Number.isNaN(r.num(f.atMost.field))) miss(f.atMost.field);
      return out;
    }
  }

  let amount = rounded;
  if (floorApplies === YES && f) {
    if (rounded.lt(f.dec)) {
      amount = f.dec;
      out.applied.floored = true;
    }
  } else if (s.minimum && computed.lt(s.minimum.dec)) {
    amount = new Decimal(0);
    out.applied.belowMinimum = true;
  }
  if (amount.gt(s.cap.dec)) {
    amount = s.cap.dec;
    out.applied.capped = true;
  }
  out.amount = amount;

  // The provisional values this amount used, in both modes: a result says when it rests on one.
  const how = roundingText(rounding.mode, rounding.places);
  const used = (v: { provisional: boolean }, what: string) => {
    if (v.provisional) ctx.provisional.push(what);
  };
  used(band, `补助基数：${band.label}`);
  used(rate, rateLabel);
  used(rounding, `取整方式（${how}）`);
  if (f && floorApplies === YES) {
    if (f.atMost) used(f.atMost, f.atMost.label);
    used(f, `最低补助 ${f.text} 万元`);
  }
  if (out.applied.belowMinimum && s.minimum) used(s.minimum, `起付额 ${s.minimum.text} 万元`);
  used(s.cap, `上限 ${s.cap.text} 万元`);

  if (ex) {
    const prov = (v: { provisional: boolean }) => (v.provisional ? "（暂定）" : "");
    const baseWhat = band.of === "total" ? "当年研发费用" : "研发费用较上年增加额";
    const bandNote = s.base.bandBy ? `${s.base.bandBy.def.name} ${money(bandValue, "万元")}，${band.label}` : band.label;
    const ratePct = pctOf(rate.dec);
    const rateName = rate === s.rate ? ratePct : rateLabel;
    out.steps.push(`补助基数：${baseWhat} ${wan(base)}（${bandNote}${prov(band)}；${band.cite}）`);
    out.steps.push(`补助比例：${rateName}${prov(rate)}（${rate.cite}）`);
    out.steps.push(`${base.toString()} 万元 × ${ratePct} = ${wan(computed)}，${how}${prov(rounding)}为 ${wan(rounded)}（${rounding.cite}）`);
    const short: string[] = [`${baseWhat} ${wan(base)} × ${ratePct}${rate === s.rate ? "" : `（${rateLabel}）`} = ${wan(computed)}，${how}为 ${wan(rounded)}`];
    if (f && floorApplies === YES) {
      out.steps.push(`${f.label}，补助不少于 ${wan(f.dec)}${prov(f)}${out.applied.floored ? `，按 ${wan(f.dec)}` : ""}（${f.cite}）`);
      short.push(`${f.label}不少于 ${wan(f.dec)}${out.applied.floored ? `，按 ${wan(f.dec)}` : ""}`);
    }
    if (out.applied.belowMinimum && s.minimum) {
      out.steps.push(`计算所得 ${wan(computed)} 不足 ${wan(s.minimum.dec)}${prov(s.minimum)}，不予补助（${s.minimum.cite}）`);
      short.push(`不足 ${wan(s.minimum.dec)}，不予补助`);
    }
    out.steps.push(
      out.applied.capped
        ? `超过每年上限 ${wan(s.cap.dec)}${prov(s.cap)}，按 ${wan(s.cap.dec)}（${s.cap.cite}）`
        : `未超过每年上限 ${wan(s.cap.dec)}${prov(s.cap)}（${s.cap.cite}）`,
    );
    short.push(out.applied.capped ? `超过上限 ${wan(s.cap.dec)}，按上限` : `上限 ${wan(s.cap.dec)}`);
    out.formula = short.join("；");
  }
  return out;
}

// ------------------------------------------------------------------ running a pack

/**
 * One scheme's result for one row and data year. `explain`: build every check and the steps
 * (KJ.WHY, the CLI, the pane); without it only eligible and amount are computed (KJ.RDSUBSIDY's
 * hot path); an unknown result is then computed again with explanations for its message.
 */
export function rdSubsidy(pack: RdPack, view: RowView, year: number, explain = true): RdResult {
  const ctx = rdCtx(view, year, explain);
  let outcome: T3 = YES;
  for (const c of pack.conditions) {
    if (!explain && outcome === NO) break;
    outcome = and3(outcome, check(c, ctx));
  }
  // A result rests on the provisional values it used: for one not met, the condition that
  // decided it (recorded by check); for one met, every condition and the amount's values.
  if (outcome === YES) for (const c of pack.conditions) if (c.provisional) ctx.provisional.push(`${c.label}（${c.cite}）`);
  const a = amountOf(pack, ctx, outcome);
  if (!explain && (outcome === UNKNOWN || (outcome === YES && a.amount === null))) return rdSubsidy(pack, view, year, true);
  const eligible = tri(outcome);
  const amount = outcome === NO ? new Decimal(0) : a.amount;
  const missing = new Set<string>();
  if (outcome === UNKNOWN) for (const c of relevantChecks(ctx.checks).pending) for (const n of ctx.missingOf.get(c.id) ?? []) missing.add(n);
  if (outcome === YES && a.amount === null) for (const u of a.unknown) missing.add(u.field.def.name);
  const provisionalItems = [...new Set(ctx.provisional)];
  const notice = provisionalItems.length > 0 ? pack.provisionalNotice || "（暂定标准，待核定）" : "";
  if (outcome === YES && a.amount === null && explain) {
    // The conditions hold; the amount needs a value that could not be read.
    for (const u of a.unknown) a.steps.push(`无法计算金额：${u.why}`);
  }
  return {
    scheme: pack.scheme,
    schemeName: RD_SCHEME_NAMES[pack.scheme],
    year,
    eligible,
    amount,
    base: a.base,
    baseLabel: a.baseLabel,
    rate: a.rate,
    rateLabel: a.rateLabel,
    computed: a.computed,
    cap: pack.subsidy.cap.dec,
    floor: pack.subsidy.floor?.dec ?? null,
    minimum: pack.subsidy.minimum?.dec ?? null,
    applied: a.applied,
    steps: a.steps,
    formula: a.formula,
    provisional: provisionalItems.length > 0,
    provisionalItems,
    provisionalNotice: notice,
    policy: { id: pack.id, title: pack.title, docNo: pack.docNo, years: pack.toYear === null ? `${pack.fromYear}-` : `${pack.fromYear}-${pack.toYear}` },
    cite: clauseOf(pack.subsidy.rate.cite),
    checks: ctx.checks,
    missing: [...missing],
    unverified: pack.raw.unencoded.map((u) => ({ cite: u.cite, text: u.text, why: u.why })),
  };
}

// ------------------------------------------------------------------ explanation

/** "鲁科字〔2025〕25号 补助标准" from "鲁科字〔2025〕25号 补助标准（比例由省每年确定，不超过 5%）". */
export function clauseOf(cite: string): string {
  return cite.replace(/（[^（）]*）$/, "");
}

function withCite(c: Check): string {
  return `${c.summary}（${c.cite}）`;
}

/** The #N/A message of KJ.RDSUBSIDY when it cannot be computed: names what is missing. */
export function rdUnknownMessage(r: RdResult): string {
  return `无法计算${r.schemeName}（${r.year} 年度，${r.policy.docNo || r.policy.title}）。${rdPendingText(r)}${r.provisionalNotice}`;
}

/** "待补充：…": what an unknown result lacks. */
export function rdPendingText(r: RdResult): string {
  const pending = r.checks.filter((c) => c.passed === null).map((c) => c.summary);
  if (r.eligible === true && r.amount === null) pending.push(...r.steps.filter((s) => s.startsWith("无法计算金额：")).map((s) => s.slice("无法计算金额：".length)));
  return pending.length > 0 ? `待补充：${pending.join("；")}` : "待补充资料";
}

/**
 * KJ.WHY for a scheme: the amount and why — each failed condition with its clause, or the
 * computation (base, rate, rounding, minimum, floor, cap) — ending with the provisional notice
 * and which provisional values were used.
 */
export function rdWhyText(r: RdResult): string {
  const doc = r.policy.docNo || `《${r.policy.title}》`;
  const prov = r.provisional ? `${r.provisionalNotice.replace(/）$/, "")}：${r.provisionalItems.join("、")}）` : "";
  if (r.eligible === null || r.amount === null) {
    const failed = r.checks.filter((c) => c.passed === false);
    const parts = [`无法计算${r.schemeName}（${r.year} 年度，${doc}）`];
    if (failed.length > 0) parts.push(`不符合：${failed.map(withCite).join("；")}`);
    parts.push(rdPendingText(r));
    return parts.join("。") + prov;
  }
  if (r.eligible === false) {
    const failed = r.checks.filter((c) => c.passed === false);
    return `${r.schemeName} 0 万元（${r.year} 年度，${doc}）：不符合：${failed.map(withCite).join("；")}${prov}`;
  }
  return `${r.schemeName} ${r.amount.toString()} 万元（${r.year} 年度，${doc}）：符合补助条件。${r.formula}（${r.cite}）。${prov}`;
}

// ------------------------------------------------------------------ clauses

/**
 * One document of a scheme as its file lists it (rd-city.ts, rd-province.ts): the built-in pack
 * that encodes it and its clauses in order, each with the pack conditions (or `subsidy.*` parts
 * of the amount rule) that encode it, or why it is not encoded.
 */
export interface RdDocument {
  /** File name under src/policy/packs/. */
  pack: string;
  clauses: Clause[];
}

export interface RdSchemeRules {
  scheme: RdScheme;
  documents: RdDocument[];
}

// ------------------------------------------------------------------ entry points

/** The pack of a 方案 argument (省/市, any accepted spelling) for a data year, among `packs`. */
export function rdPackOf(scheme: unknown, year: number, packs: readonly RdPack[] = RD_PACKS): RdPack {
  return rdPackFor(parseRdScheme(scheme), year, packs);
}

/** One scheme's result for a row (any ledger whose header has the R&D columns). */
export function rdSubsidyFor(scheme: unknown, year: number, view: RowView, packs: readonly RdPack[] = RD_PACKS, explain = true): RdResult {
  return rdSubsidy(rdPackOf(scheme, year, packs), view, year, explain);
}

/** For header + row ranges (any column order, synonym headers), as KJ.RDSUBSIDY gets them. */
export function rdSubsidyOfRange(scheme: unknown, year: number, header: unknown, row: unknown, packs: readonly RdPack[] = RD_PACKS, explain = true): RdResult {
  const pack = rdPackOf(scheme, year, packs);
  return rdSubsidy(pack, rowFromRanges(header, row, RD), year, explain);
}

/** For a plain object keyed by standard column names or synonyms (the CLI's JSON row). */
export function rdSubsidyOf(scheme: unknown, year: number, row: Readonly<Record<string, unknown>>, packs: readonly RdPack[] = RD_PACKS): RdResult {
  if (row === null || typeof row !== "object" || Array.isArray(row)) {
    throw new KjError("bad_row", "企业资料应为一个以列名为键的对象，如 {\"研发费用\": 260, \"上年研发费用\": 200}", "value");
  }
  return rdSubsidy(rdPackOf(scheme, year, packs), rowFromObject(row, RD), year, true);
}

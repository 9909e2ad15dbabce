/**
 * 科技型中小企业 — 《科技型中小企业评价办法》（国科发政〔2017〕115号）第六条至第八条, with the
 * 《科技型中小企业评价服务工作指引》（国科火字〔2022〕67号）.
 * Pack: src/policy/packs/sme-2017.json (every number and band, each with its clause).
 *
 * Combination (roles in the pack): 第六条（一）–（四） are required; then either one of the
 * direct routes of 第八条 (role "route") or the score of 第六条（五） (role "scored").
 * The clauses in the order of the text; under each, the pack conditions that encode it (their
 * kinds: checks.ts, score.ts, or below when only 科小 uses them). A clause KJ cannot check says
 * so where it stands. tests/eligibility/recognitions.test.ts keeps this list and the pack in step.
 */
import { addYears, formatDay } from "../dates";
import { actualOf, Cond, Ctx, encodes, NO, pointsText, record, recordAbsent, Recognition, ST_ABSENT, T3, unencoded, UNKNOWN, YES } from "./kernel";
import { Interval, modelResult, partReads, ScoreTrace } from "./score";

export const SME: Recognition<"certificateValid" | "partNonZero"> = {
  category: "sme",
  packs: ["sme-2017.json"],
  clauses: [
    // 评价办法第六条 科技型中小企业须同时满足以下条件：
    // （一）在中国境内（不包括港、澳、台地区）注册的居民企业。
    unencoded("评价办法第六条（一）", "台账不记录居民企业身份；区培育库中的企业均为本区注册企业"),

    // （二）职工总数不超过500人、年销售收入不超过2亿元、资产总额不超过2亿元。
    //   Three bounds — amount (checks.ts).
    encodes("评价办法第六条（二）", "employees", "revenue", "assets"),

    // （三）企业提供的产品和服务不属于国家规定的禁止、限制和淘汰类。
    unencoded("评价办法第六条（三）", "台账没有这一栏，需人工核对"),

    // （四）企业在填报上一年及当年内未发生重大安全、重大质量事故和严重环境违法、科研严重失信行为，
    // 且企业未列入经营异常名录和严重违法失信企业名单。
    //   Six negative-list flags — noRecord (checks.ts).
    encodes("评价办法第六条（四）", "noSafetyAccident", "noQualityAccident", "noEnvViolation", "noResearchMisconduct", "notAbnormalList", "notDishonestList"),

    // （五）企业根据科技型中小企业评价指标进行综合评价所得分值不低于60分，且科技人员指标得分不得为0分。
    //   score (score.ts) over the model of 第七条 in the pack's `scores`, and partNonZero (below).
    encodes("评价办法第六条（五）", "score", "rdStaffScore"),

    // 第七条 科技型中小企业评价指标具体包括科技人员、研发投入、科技成果三类，满分100分。
    //   The bands of （一）科技人员 （二）研发投入（二者取高） （三）科技成果 are the score model's
    //   parts in the pack; no condition of its own.
    encodes("评价办法第七条"),

    // 第八条 符合第六条第（一）～（四）项条件的企业，若同时符合下列条件中的一项，则可直接确认符合
    // 科技型中小企业条件：
    // （一）企业拥有有效期内高新技术企业资格证书；
    //   certificateValid (below): 高企认定日期 plus the years in the pack.
    encodes("评价办法第八条（一）", "routeHitech"),
    // （二）企业近五年内获得过国家级科技奖励，并在获奖单位中排在前三名；
    encodes("评价办法第八条（二）", "routeNationalAward"),
    // （三）企业拥有经认定的省部级以上研发机构；
    encodes("评价办法第八条（三）", "routeProvincialRd"),
    // （四）企业近五年内主导制定过国际标准、国家标准或行业标准。
    //   （二）–（四）are yes/no claims — isTrue (checks.ts).
    encodes("评价办法第八条（四）", "routeStandard"),

    // 服务指引（国科火字〔2022〕67号）:
    //   入库登记编号只在当年有效，企业每年须重新评价入库.
    //   企业所得税实行查账征收.
    //   企业不属于不适用研发费用税前加计扣除政策的行业（财税〔2015〕119号）.
    // The ledger has no column for the tax collection method or the national industry code; the
    // verdict lists them under 未核验 (Verdict.unverified) for staff to check.
    unencoded("服务指引", "属于动态管理（培育库提醒）；查账征收、加计扣除行业台账无栏目，列入未核验"),
  ],
  kinds: {
    certificateValid,
    partNonZero,
  },
};

/** A certificate dated in `field` is valid on the as-of date, for `years` years (第八条（一）). */
export function certificateValid(c: Cond<"certificateValid">, ctx: Ctx): T3 {
  const r = ctx.r;
  const ex = ctx.explain;
  const d = r.date(c.field);
  if (Number.isNaN(d)) {
    // The date is a claim (catalogue): none written means no certificate.
    if (r.status === ST_ABSENT) {
      if (ex) recordAbsent(ctx, c, c.field, certificateRequired(c));
      return NO;
    }
    if (ex) record(ctx, c, UNKNOWN, actualOf(r, c.field), certificateRequired(c), `${c.label}：${r.problems?.get(c.field.ord)}`, undefined, [c.field]);
    return UNKNOWN;
  }
  const end = addYears(d, c.years);
  const ok: T3 = d <= ctx.asOf && ctx.asOf < end ? YES : NO;
  if (ex) {
    const actual = `${c.field.def.name} ${formatDay(d)}，有效期至 ${formatDay(end - 1)}`;
    const summary = ok ? `${c.label}（${actual}）` : d > ctx.asOf ? `${c.field.def.name} ${formatDay(d)} 晚于评价日期` : `${c.label}：证书已于 ${formatDay(end - 1)} 到期`;
    record(ctx, c, ok, actual, certificateRequired(c), summary);
  }
  return ok;
}

/** What certificateValid requires, as text (explain mode only: decide mode builds no strings). */
function certificateRequired(c: Cond<"certificateValid">): string {
  return `评价日期在证书有效期内（认定之日起 ${c.years} 年）`;
}

/** One part of a score model is not 0 (第六条（五）科技人员指标得分不得为0分). */
export function partNonZero(c: Cond<"partNonZero">, ctx: Ctx): T3 {
  const m = modelResult(ctx, c.model);
  const k = c.model.parts.indexOf(c.part);
  const i: Interval = { lo: m.partLo[k], hi: m.partHi[k] };
  const ok: T3 = i.lo > 0 ? YES : i.hi === 0 ? NO : UNKNOWN;
  if (ctx.explain) {
    const r = ctx.r;
    const actual = pointsText(i.lo, i.hi);
    const inputs = ok === UNKNOWN ? (m.trace as ScoreTrace).unknownInputs.filter((f) => partReads(c.part, f)) : [];
    const why = inputs.length > 0 ? inputs.map((f) => r.problems?.get(f.ord)).join("；") : (m.trace as ScoreTrace).notes.join("；") || "无法确定";
    const summary = ok === NO ? `${c.label}为 0 分` : ok === YES ? `${c.label} ${actual}` : `${c.label}：${why}`;
    record(ctx, c, ok, actual, "不为 0 分", summary, undefined, inputs);
  }
  return ok;
}

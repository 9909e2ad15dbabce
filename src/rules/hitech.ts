/**
 * 高新技术企业 — 《高新技术企业认定管理办法》（国科发火〔2016〕32号）第十一条, with the
 * 《高新技术企业认定管理工作指引》（国科发火〔2016〕195号）.
 * Pack: src/policy/packs/hitech-2016.json (every number and band, each with its clause).
 *
 * The clauses in the order of the text; under each, the pack conditions that encode it (their
 * kinds: checks.ts, score.ts, or below when only 高企 uses them). A clause KJ cannot check says
 * so where it stands. tests/eligibility/recognitions.test.ts keeps this list and the pack in step.
 */
import { formatDay } from "../dates";
import { enumIndex } from "../ledger/cells";
import type { Condition } from "../policy/rules";
import { actualOf, Cond, Ctx, encodes, NO, record, recordAbsent, Recognition, remember, ST_ABSENT, T3, unencoded, UNKNOWN, YES } from "./kernel";

export const HITECH: Recognition<"daysSince" | "oneOf"> = {
  category: "hitech",
  packs: ["hitech-2016.json"],
  clauses: [
    // 认定办法第二条：本办法所称的高新技术企业是指：在《国家重点支持的高新技术领域》内，持续
    // 进行研究开发与技术成果转化，形成企业核心自主知识产权，并以此为基础开展经营活动，在中国境内
    // （不包括港、澳、台地区）注册的居民企业。
    unencoded("认定办法第二条", "台账不记录注册地和居民企业身份；区培育库中的企业均为本区注册企业"),

    // 第十一条 认定为高新技术企业须同时满足以下条件：
    // （一）企业申请认定时须注册成立一年以上；
    //   工作指引：“一年以上”指 365 个日历天数以上 — daysSince (below), minDays in the pack.
    encodes("认定办法第十一条（一）", "registered"),

    // （二）企业通过自主研发、受让、受赠、并购等方式，获得对其主要产品（服务）在技术上发挥核心
    // 支持作用的知识产权的所有权；
    //   Ⅰ类 + Ⅱ类 知识产权 > 0 — countAtLeast (checks.ts).
    encodes("认定办法第十一条（二）", "ip"),
    //   … 发挥核心支持作用: expert judgement.
    unencoded("认定办法第十一条（二）", "是否发挥核心支持作用由专家判断；这里只检查是否拥有Ⅰ类或Ⅱ类知识产权"),

    // （三）对企业主要产品（服务）发挥核心支持作用的技术属于《国家重点支持的高新技术领域》规定的范围；
    //   技术领域 is one of the eight 领域 — oneOf (below), the list in the pack.
    encodes("认定办法第十一条（三）", "techField"),

    // （四）企业从事研发和相关技术创新活动的科技人员占企业当年职工总数的比例不低于10%；
    //   ratio (checks.ts).
    encodes("认定办法第十一条（四）", "rdStaffRatio"),

    // （五）企业近三个会计年度（实际经营期不满三年的按实际经营时间计算，下同）的研究开发费用总额
    // 占同期销售收入总额的比例符合如下要求：
    //   1. 最近一年销售收入小于5,000万元（含）的企业，比例不低于5%；
    //   2. 最近一年销售收入在5,000万元至2亿元（含）的企业，比例不低于4%；
    //   3. 最近一年销售收入在2亿元以上的企业，比例不低于3%。
    //   其中，企业在中国境内发生的研究开发费用总额占全部研究开发费用总额的比例不低于60%；
    //   A ratio banded by 近一年销售收入, and the domestic share — ratio (checks.ts).
    encodes("认定办法第十一条（五）", "rdIntensity", "rdDomesticShare"),
    //   … 实际经营期不满三年的按实际经营时间计算:
    unencoded("认定办法第十一条（五）", "台账的“近三年”合计栏由填报人按实际经营期填写"),

    // （六）近一年高新技术产品（服务）收入占企业同期总收入的比例不低于60%；
    //   ratio (checks.ts).
    encodes("认定办法第十一条（六）", "hitechIncomeShare"),

    // （七）企业创新能力评价应达到相应要求；
    //   工作指引三（七）: 知识产权、科技成果转化能力、研究开发组织管理水平、企业成长性四项，
    //   综合得分 70 分以上（不含 70 分）为符合。The mechanical parts are scored from the ledger,
    //   the rest is an expert's 0..max: score (score.ts), the model in the pack's `scores`.
    encodes("认定办法第十一条（七）", "innovation"),

    // （八）企业申请认定前一年内未发生重大安全、重大质量事故或严重环境违法行为。
    //   Three negative-list flags — noRecord (checks.ts).
    encodes("认定办法第十一条（八）", "noSafetyAccident", "noQualityAccident", "noEnvViolation"),
  ],
  kinds: {
    daysSince,
    oneOf,
  },
};

/** As-of date minus a date >= minDays calendar days (第十一条（一）注册成立一年以上). */
export function daysSince(c: Cond<"daysSince">, ctx: Ctx): T3 {
  const r = ctx.r;
  const d = r.date(c.field);
  if (Number.isNaN(d)) {
    const required = `≥ ${c.minDays} 天`;
    if (r.status === ST_ABSENT) {
      if (ctx.explain) recordAbsent(ctx, c, c.field, required);
      return NO;
    }
    if (ctx.explain) record(ctx, c, UNKNOWN, actualOf(r, c.field), required, `${c.label}：${r.problems?.get(c.field.ord)}`, undefined, [c.field]);
    return UNKNOWN;
  }
  const days = ctx.asOf - d;
  const ok: T3 = days >= c.minDays ? YES : NO;
  if (ctx.explain) {
    const actual = days < 0 ? `${c.field.def.name} ${formatDay(d)} 晚于评价日期` : `${days} 天（${c.field.def.name} ${formatDay(d)}）`;
    record(ctx, c, ok, actual, `≥ ${c.minDays} 天`, ok ? `${c.label} ${days} 天` : days < 0 ? `${c.field.def.name} ${formatDay(d)} 晚于评价日期` : `${c.label} ${days} 天 < ${c.minDays} 天`);
  }
  return ok;
}

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

/** Text value is one of a list, matched through the catalogue's synonyms (第十一条（三）技术领域). */
export function oneOf(c: Cond<"oneOf">, ctx: Ctx): T3 {
  const r = ctx.r;
  const text = r.text(c.field);
  if (text === null) {
    const required = `属于${c.listName}`;
    if (r.status === ST_ABSENT) {
      if (ctx.explain) recordAbsent(ctx, c, c.field, required);
      return NO;
    }
    if (ctx.explain) record(ctx, c, UNKNOWN, actualOf(r, c.field), required, `${c.label}：${r.problems?.get(c.field.ord)}`, undefined, [c.field]);
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
  if (ctx.explain) {
    record(ctx, c, ok, text, `属于${c.listName}`, ok ? `${c.label} ${canonical}` : `${c.label}“${text}”不属于${c.listName}`, ok ? undefined : `可选：${c.values.join("、")}`);
  }
  return ok;
}

/**
 * The shape of an R&D subsidy pack (研究开发财政补助, 计划 二（四）1; DOMAIN §10), checked with zod
 * when loaded: one pack per scheme (city 枣庄 or province 山东) and per run of data years (the year
 * whose R&D is subsidised). Every condition, threshold, rate, cap, floor and rounding rule carries
 * its own `cite`; a value whose official text was not available is marked `provisional`, and every
 * result that uses it says so. Amounts and ratios are decimal text so that they are read exactly.
 *
 * Field ids name columns of the 研发费用台账 (src/ledger/catalogue.ts, RD): rd, prevRd, revenue,
 * aboveScale, hitech, hitechDate, firstHitech, sme, smeYear, superDeduction, prevSuperDeduction,
 * icEnterprise.
 */
import { z } from "zod";
import { cite, DECIMAL_TEXT, schemaRef, text } from "./pack-fields";

/** A non-negative decimal written as text: "0.035", "100". */
function dec(what: string) {
  return z
    .string({ required_error: `缺少 ${what}`, invalid_type_error: `${what}应为十进制数字文本，带英文双引号，如 "0.1" 或 "200"（写成文本才能精确计算）` })
    .regex(DECIMAL_TEXT, `${what}应为十进制数字文本，如 "0.1"（只用阿拉伯数字和小数点，不带单位、逗号、百分号或负号）`)
    .describe(`${what}：十进制数字文本，带英文双引号`);
}

const fieldId = z
  .string({ invalid_type_error: "字段编号应为文字，如 \"rd\"" })
  .min(1, "字段编号不能为空")
  .describe("研发费用台账的字段编号，如 rd（研发费用）、prevRd（上年研发费用）、revenue（销售收入）");
const ident = z
  .string({ required_error: "缺少 id（条件编号）", invalid_type_error: "id（条件编号）应为文字" })
  .regex(/^[A-Za-z][A-Za-z0-9]*$/, "id（条件编号）只能用英文字母和数字，以字母开头，如 rdMin")
  .describe("条件编号：英文字母和数字，如 rdMin");
const provisional = z
  .boolean({ invalid_type_error: "provisional 应为 true 或 false（不带引号）" })
  .optional()
  .describe("这个数值是否为暂定值（原文未取得，待核定）；用到它的每个结果都会注明");
const label = (what: string) => text(`label（${what}）`, 2).describe(what);

/** A condition applies only while a field is above / at most a value (e.g. 销售收入 > 2 亿元). */
const onlyWhenSchema = z
  .object({
    field: fieldId,
    above: dec("above（大于）").optional(),
    atMost: dec("atMost（不超过）").optional(),
    label: label("适用范围的说明，如“销售收入 2 亿元以上”"),
    cite,
  })
  .strict()
  .describe("只在这个范围内适用：field 的值 > above，或 ≤ atMost");

const condBase = {
  id: ident,
  label: label("条件名称，如“研发费用”"),
  cite,
  note: z.string().optional().describe("不满足时附在说明后的备注"),
  provisional,
  onlyWhen: onlyWhenSchema.optional(),
};

export const rdConditionSchema = z.discriminatedUnion(
  "kind",
  [
    /** A yes/no claim the enterprise must show: 是; blank or no such column = not claimed (DOMAIN §8). */
    z.object({ kind: z.literal("claim"), ...condBase, field: fieldId }).strict().describe("企业须具备的情形（是/否）：填“是”为具备；未填写或台账无此列按不具备处理"),
    /** Any of the recognitions held in the data year (高企 or 科小). */
    z
      .object({
        kind: z.literal("recognized"),
        ...condBase,
        options: z
          .array(
            z
              .object({
                label: label("资格名称，如“高新技术企业”"),
                /** The yes/no claim column. */
                claim: fieldId,
                /** A certificate date that shows the recognition when valid in the year. */
                date: fieldId.optional(),
                /** How many years a certificate is valid from its date. */
                validYears: z.number({ invalid_type_error: "validYears 应为整数（不带引号）" }).int().positive().optional(),
                /** A year column that shows the recognition when equal to the data year. */
                year: fieldId.optional(),
                cite,
              })
              .strict(),
          )
          .min(1, "options 至少要有一种资格"),
      })
      .strict()
      .describe("该年度具备其中任一资格（如高新技术企业或科技型中小企业）"),
    /** A number within [atLeast, atMost] (研发费用 ≥ 100 万元). */
    z
      .object({ kind: z.literal("amount"), ...condBase, field: fieldId, atLeast: dec("atLeast（不少于）").optional(), atMost: dec("atMost（不超过）").optional(), unit: text("unit（单位）") })
      .strict()
      .describe("数值在范围内（含边界）"),
    /** Growth over the previous year: (field − previous) / previous ≥ atLeast, or field > previous (above "0"). */
    z
      .object({
        kind: z.literal("increase"),
        ...condBase,
        field: fieldId,
        previous: fieldId,
        atLeast: dec("atLeast（增长率不低于，如 0.3 即 30%）").optional(),
        above: dec("above（增长率高于，0 即比上年多）").optional(),
      })
      .strict()
      .describe("较上年增长：增长率 ≥ atLeast，或 > above"),
    /** numerator / denominator ≥ the band's minimum; bands by another field (研发费用 / 销售收入 ≥ 6% or 4%). */
    z
      .object({
        kind: z.literal("ratio"),
        ...condBase,
        numerator: fieldId,
        denominator: fieldId,
        bandBy: fieldId.optional(),
        bands: z
          .array(
            z
              .object({
                upTo: dec("upTo（本档适用到，含）").optional(),
                min: dec("min（比例不低于）"),
                label: z.string().optional(),
                cite,
              })
              .strict(),
          )
          .min(1, "bands 至少要有一档"),
      })
      .strict()
      .describe("比例不低于本档要求；分档时按 bandBy 字段的值选档（≤ upTo 用该档，最后一档不写 upTo）"),
  ],
  { errorMap: () => ({ message: "kind（条件类型）应为 claim、recognized、amount、increase 或 ratio 之一" }) },
);

/** A value of the subsidy rule with its clause. */
function valueOf(what: string) {
  return z.object({ value: dec(`value（${what}）`), cite, provisional }).strict().describe(what);
}

export const rdSubsidySchema = z
  .object({
    /** What the rate applies to: the whole 研发费用 or its increase over last year, by band of another field. */
    base: z
      .object({
        bandBy: fieldId.optional(),
        bands: z
          .array(
            z
              .object({
                upTo: dec("upTo（本档适用到，含）").optional(),
                of: z.enum(["total", "increase"], { errorMap: () => ({ message: "of 应为 total（当年研发费用）或 increase（较上年增加额）" }) }).describe("补助基数：total 当年研发费用；increase 较上年增加额"),
                label: label("本档的说明，如“销售收入 2 亿元以下：按当年研发费用”"),
                cite,
                provisional,
              })
              .strict(),
          )
          .min(1, "bands 至少要有一档"),
      })
      .strict()
      .describe("补助基数"),
    rate: valueOf("补助比例，如 0.1 即 10%"),
    /** Higher rates for a claim (集成电路企业 10%). */
    higherRates: z
      .array(z.object({ claim: fieldId, label: label("适用情形，如“集成电路企业”"), value: dec("value（补助比例）"), cite, provisional }).strict())
      .optional()
      .describe("特定企业适用的较高比例（如集成电路企业）；填“是”时适用"),
    rounding: z
      .object({
        mode: z.enum(["halfUp", "down"], { errorMap: () => ({ message: "mode 应为 halfUp（四舍五入）或 down（舍去尾数）" }) }).describe("取整方式：halfUp 四舍五入，down 舍去"),
        places: z.number({ invalid_type_error: "places 应为整数（不带引号）" }).int().min(0).max(6).describe("保留小数位数，0 即取整到万元"),
        cite,
        provisional,
      })
      .strict()
      .describe("取整规则"),
    minimum: valueOf("起付额：计算所得（取整前）不足此数（万元）的不予补助").optional(),
    floor: z
      .object({
        value: dec("value（最低补助，万元）"),
        label: label("适用情形，如“首次认定的中小高新技术企业”"),
        claims: z.array(fieldId).min(1, "claims 至少要有一项").describe("须全部填“是”的情形字段，如 firstHitech"),
        atMost: z.object({ field: fieldId, value: dec("value（不超过）"), label: label("说明，如“中小企业：销售收入不超过 2 亿元”"), cite, provisional }).strict().optional(),
        cite,
        provisional,
      })
      .strict()
      .optional()
      .describe("最低补助：符合条件且具备这些情形的企业，补助不少于此数"),
    cap: valueOf("每家企业每年补助上限（万元）"),
  })
  .strict();

export const rdPackSchema = z
  .object({
    $schema: schemaRef,
    id: z
      .string({ required_error: "缺少 id（政策包编号，如 rd-city-2025）", invalid_type_error: "id（政策包编号）应为文字" })
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "id（政策包编号）只能用英文字母、数字、点、横线和下划线，如 rd-city-2025")
      .describe("政策包编号：英文字母、数字、横线，如 rd-city-2025"),
    scheme: z
      .enum(["city", "province"], { errorMap: () => ({ message: "scheme（方案）应为 city（市级，枣庄）或 province（省级，山东）" }) })
      .describe("方案：city（市级，枣庄市企业研究开发财政补助）或 province（省级，山东省企业研究开发财政补助）"),
    name: text("name（补助名称）", 2).describe("补助名称，如“枣庄市企业研究开发财政补助”"),
    title: text("title（政策名称）", 2).describe("政策文件名称，如“枣庄市企业研究开发财政补助实施办法”"),
    docNo: text("docNo（文号）", 2).optional().describe("文号，如“枣科字〔2025〕18号”"),
    issuer: text("issuer（发文单位）", 2).optional().describe("发文单位"),
    years: z
      .object({
        from: z.number({ required_error: "缺少 years.from（第一个补助年度）", invalid_type_error: "years.from 应为四位年份数字，如 2024（不带引号）" }).int().min(2000).max(2100).describe("适用的第一个研发费用年度（数据年度），如 2024"),
        to: z.number({ invalid_type_error: "years.to 应为四位年份数字，如 2026（不带引号）" }).int().min(2000).max(2100).optional().describe("适用的最后一个研发费用年度（含）；不写表示一直适用，直到同一方案的下一个政策包"),
      })
      .strict()
      .describe("适用的研发费用年度：政策包中的年度是补助哪一年的研发费用，不是拨付年度"),
    provisional: z.boolean({ required_error: "缺少 provisional（是否含暂定值：true 或 false）", invalid_type_error: "provisional 应为 true 或 false（不带引号）" }).describe("本政策包是否含暂定值（任何一项标了 provisional 时须为 true）"),
    provisionalNotice: z.string().optional().describe("用到暂定值的结果附上的提示语，如“（暂定标准，待核定）”"),
    note: text("note（备注）").optional().describe("备注"),
    documents: z
      .array(z.object({ short: text("documents[].short（简称）", 2).describe("文件简称，cite 以它开头"), title: text("documents[].title（文件全称）", 4).describe("文件全称与文号") }).strict())
      .min(1, "documents 至少要有一份文件")
      .describe("依据的文件：简称与全称；每个 cite 都要以某个简称开头"),
    source: text("source（原文出处说明）", 4).describe("原文出处与取值说明"),
    unencoded: z
      .array(z.object({ cite, text: text("text（条款内容）", 2), why: text("why（为何不能检查）", 2) }).strict())
      .describe("本政策包没有编码（KJ 不检查）的条款及原因"),
    conditions: z.array(rdConditionSchema).min(1, "conditions 至少要有一个条件").describe("补助条件，逐条检查，须全部满足"),
    subsidy: rdSubsidySchema.describe("补助金额的算法：基数 × 比例，取整、起付、最低、封顶"),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.provisional && !(p.provisionalNotice ?? "")) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["provisionalNotice"], message: "含暂定值的政策包须写明 provisionalNotice（提示语，如“（暂定标准，待核定）”）" });
    if (p.years.to !== undefined && p.years.to < p.years.from) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["years", "to"], message: `年度起止颠倒：${p.years.from} 晚于 ${p.years.to}` });
    const ids = new Map<string, number>();
    const anyProvisional: (string | number)[][] = [];
    p.conditions.forEach((c, i) => {
      const prior = ids.get(c.id);
      if (prior !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["conditions", i, "id"], message: `条件编号“${c.id}”重复：conditions[${prior}] 已经用了它` });
      else ids.set(c.id, i);
      if (c.provisional) anyProvisional.push(["conditions", i]);
      if (c.kind === "amount" && c.atLeast === undefined && c.atMost === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["conditions", i], message: `amount 条件 ${c.id} 至少要有 atLeast 或 atMost` });
      if (c.kind === "increase" && (c.atLeast === undefined) === (c.above === undefined)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["conditions", i], message: `increase 条件 ${c.id} 须有且只有 atLeast 或 above` });
      if (c.onlyWhen && (c.onlyWhen.above === undefined) === (c.onlyWhen.atMost === undefined)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["conditions", i, "onlyWhen"], message: `onlyWhen 须有且只有 above 或 atMost` });
      if (c.kind === "recognized") {
        c.options.forEach((o, j) => {
          if (o.date !== undefined && o.validYears === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["conditions", i, "options", j, "validYears"], message: "写了 date（证书日期）就要写 validYears（证书有效年数）" });
        });
      }
    });
    const s = p.subsidy;
    const values: [string, { provisional?: boolean } | undefined][] = [
      ["rate", s.rate],
      ["rounding", s.rounding],
      ["minimum", s.minimum],
      ["floor", s.floor],
      ["cap", s.cap],
      ...s.base.bands.map((b, i): [string, { provisional?: boolean }] => [`base.bands[${i}]`, b]),
      ...(s.higherRates ?? []).map((h, i): [string, { provisional?: boolean }] => [`higherRates[${i}]`, h]),
    ];
    for (const [where, v] of values) if (v?.provisional) anyProvisional.push(["subsidy", where]);
    if (s.floor?.atMost?.provisional) anyProvisional.push(["subsidy", "floor.atMost"]);
    if (anyProvisional.length > 0 && !p.provisional) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["provisional"], message: `有 ${anyProvisional.length} 项标了 provisional（暂定值），整个政策包的 provisional 应为 true` });
    }
  })
  .describe("KJ 研发补助政策包：企业研究开发财政补助（市级或省级）的条件、基数、比例、取整、起付、最低与封顶");

export type RdPackRaw = z.infer<typeof rdPackSchema>;
export type RdConditionRaw = z.infer<typeof rdConditionSchema>;
export type RdScheme = RdPackRaw["scheme"];

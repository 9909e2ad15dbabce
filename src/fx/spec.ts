/**
 * The one description of KJ's spreadsheet functions: ids, parameters, types and help, in
 * English and Chinese. The WPS registration (wps.AddCustomFunction meta) and the Excel
 * zh-CN metadata (functions.zh-cn.json) are built from this; the Excel JSDoc in
 * functions/functions.ts must match it, which tests/functions-metadata.test.ts checks.
 */

export const FX_NAMESPACE = "KJ";

/** Value types as custom-functions metadata names them. */
export type FxType = "number" | "string" | "boolean" | "any";

export interface FxParam {
  /** The parameter name in the Excel JSDoc (English, stable). */
  name: string;
  /** The name shown in Chinese help and in the zh-CN metadata. */
  nameZh: string;
  type: FxType;
  optional: boolean;
  /** A range (2-D array) rather than one value. */
  matrix: boolean;
  description: string;
  descriptionZh: string;
}

export interface FxSpec {
  /** Function id and (unlocalised) name: =KJ.<id>(...) in every host and language. */
  id: string;
  description: string;
  descriptionZh: string;
  params: readonly FxParam[];
  result: { type: FxType; descriptionZh: string };
  /** A worked example: the formula and what it gives. */
  example: { formula: string; resultZh: string };
  /** Error codes the function can give, for the help text (the eligibility cores document their own). */
  errors: readonly string[];
}

const ledgerParams: readonly FxParam[] = [
  {
    name: "category",
    nameZh: "类别",
    type: "string",
    optional: false,
    matrix: false,
    description: "Category: 高企 (high-tech enterprise), 科小 (tech SME) or 小巨人 (tech giant).",
    descriptionZh: "培育类别：高新技术企业（高企）、科技型中小企业（科小）或科技小巨人企业（小巨人）",
  },
  {
    name: "header",
    nameZh: "表头",
    type: "any",
    optional: false,
    matrix: true,
    description: "The ledger's header row (one row of column names), e.g. $A$1:$AZ$1.",
    descriptionZh: "台账的表头行（一行列名），如 $A$1:$AZ$1",
  },
  {
    name: "row",
    nameZh: "行",
    type: "any",
    optional: false,
    matrix: true,
    description: "The enterprise's row in the ledger, same columns as the header, e.g. A2:AZ2.",
    descriptionZh: "该企业在台账中的一行，列与表头对应，如 A2:AZ2",
  },
  {
    name: "date",
    nameZh: "评价日期",
    type: "any",
    optional: true,
    matrix: false,
    description: "Date the enterprise is judged on; default today.",
    descriptionZh: "按哪一天评价（日期或 2024-01-01 这样的文字）；不填为今天",
  },
];

export const FX_SPECS: readonly FxSpec[] = [
  {
    id: "AWARD",
    description: "District award in 10,000 yuan for a recognition under the science and technology action plan.",
    descriptionZh: "按区科技三年行动计划计算一项认定可获得的区级奖励（万元）",
    params: [
      {
        name: "item",
        nameZh: "事项",
        type: "any",
        optional: false,
        matrix: false,
        description: "Award item: key, Chinese name, platform name or short name, e.g. 高企, 国家重点实验室.",
        descriptionZh: "奖励事项：中文名称、平台名称或简称，如 高企、国家重点实验室、院士工作站",
      },
      {
        name: "basis",
        nameZh: "计算依据",
        type: "any",
        optional: true,
        matrix: false,
        description: "Basis in 10,000 yuan for capped or rate items (local tax retention, provincial performance award).",
        descriptionZh: "计算依据（万元）：封顶或按比例的事项必填，如税收地方留成、省绩效奖励资金",
      },
      {
        name: "date",
        nameZh: "日期",
        type: "any",
        optional: true,
        matrix: false,
        description: "Recognition date, which chooses the applicable policy; default the latest policy.",
        descriptionZh: "认定（获批）日期，用于选择适用的政策；不填则用最新政策",
      },
    ],
    result: { type: "number", descriptionZh: "奖励金额（万元）" },
    example: { formula: '=KJ.AWARD("国家重点实验室",250)', resultZh: "200（最高 200 万元）" },
    errors: ["unknown_item", "basis_required", "basis_invalid", "bad_date", "no_policy"],
  },
  {
    id: "TARGET",
    description: "Target of the action plan for an indicator.",
    descriptionZh: "区科技三年行动计划中某项指标的目标值",
    params: [
      {
        name: "indicator",
        nameZh: "指标",
        type: "any",
        optional: false,
        matrix: false,
        description: "Indicator key or Chinese name, e.g. 高新技术企业, 科技型中小企业.",
        descriptionZh: "指标名称或简称，如 高新技术企业、科技型中小企业、省级创新平台",
      },
      {
        name: "year",
        nameZh: "年度",
        type: "any",
        optional: true,
        matrix: false,
        description: "Year, which chooses the plan covering it; default the latest plan.",
        descriptionZh: "年度，用于选择覆盖该年的计划；不填则用最新计划",
      },
    ],
    result: { type: "number", descriptionZh: "目标值（家、个、项或人）" },
    example: { formula: '=KJ.TARGET("高新技术企业")', resultZh: "60" },
    errors: ["unknown_indicator", "bad_year", "no_policy"],
  },
  {
    id: "USCC",
    description: "TRUE for a well-formed unified social credit code with the right check character.",
    descriptionZh: "检查统一社会信用代码：格式正确且校验位正确时为 TRUE",
    params: [
      {
        name: "code",
        nameZh: "代码",
        type: "any",
        optional: false,
        matrix: false,
        description: "The 18-character unified social credit code.",
        descriptionZh: "18 位统一社会信用代码（小写、全角字符也可）",
      },
    ],
    result: { type: "boolean", descriptionZh: "TRUE 或 FALSE" },
    example: { formula: '=KJ.USCC("91350100M000100Y43")', resultZh: "TRUE" },
    errors: [],
  },
  {
    id: "ELIGIBLE",
    description: "Whether an enterprise in the ledger meets the conditions of a category.",
    descriptionZh: "判断台账中的企业是否符合某一类别（高企、科小、小巨人）的条件",
    params: ledgerParams,
    result: { type: "boolean", descriptionZh: "TRUE 符合，FALSE 不符合；资料不足无法判断时为 #N/A" },
    example: { formula: '=KJ.ELIGIBLE("高企",$A$1:$AZ$1,A2:AZ2)', resultZh: "TRUE" },
    errors: [],
  },
  {
    id: "WHY",
    description: "Explanation of the eligibility verdict, condition by condition, with citations; with 省 or 市, of the R&D subsidy.",
    descriptionZh: "逐条说明资格判断的结果与依据条款；类别填 省 或 市 时，说明研发补助的金额与依据",
    params: [
      { ...ledgerParams[0], description: "Category: 高企, 科小 or 小巨人; or the R&D subsidy scheme 省 (Shandong) or 市 (Zaozhuang).", descriptionZh: "培育类别：高企、科小、小巨人；或研发补助方案：省（山东省）、市（枣庄市）" },
      ledgerParams[1],
      ledgerParams[2],
      {
        ...ledgerParams[3],
        nameZh: "评价日期或年度",
        description: "Date the enterprise is judged on (default today); for 省/市, the year whose R&D is subsidised (default the row's 年度).",
        descriptionZh: "资格判断：按哪一天评价，不填为今天；研发补助（省/市）：补助哪一年的研发费用，不填取本行“年度”",
      },
    ],
    result: { type: "string", descriptionZh: "说明文字" },
    example: { formula: '=KJ.WHY("科小",$A$1:$AZ$1,A2:AZ2)', resultZh: "“符合：……”或“不符合：……”" },
    errors: [],
  },
  {
    id: "RDSUBSIDY",
    description: "R&D subsidy in 10,000 yuan of one scheme (省: Shandong, 市: Zaozhuang) for a row of the R&D ledger and the year whose R&D is subsidised.",
    descriptionZh: "按省级（山东省）或市级（枣庄市）企业研究开发财政补助办法，计算台账中一家企业某一年度研发费用可获得的补助（万元）",
    params: [
      {
        name: "scheme",
        nameZh: "方案",
        type: "any",
        optional: false,
        matrix: false,
        description: "Scheme: 省 (Shandong provincial) or 市 (Zaozhuang municipal).",
        descriptionZh: "补助方案：省（山东省企业研究开发财政补助）或 市（枣庄市企业研究开发财政补助）",
      },
      {
        name: "year",
        nameZh: "年度",
        type: "any",
        optional: false,
        matrix: false,
        description: "The year whose R&D expense is subsidised, e.g. 2024; it chooses the policy.",
        descriptionZh: "补助哪一年的研发费用，如 2024（按它选择适用的政策）",
      },
      { ...ledgerParams[1], description: "The R&D ledger's header row (one row of column names), e.g. $A$1:$P$1.", descriptionZh: "研发费用台账的表头行（一行列名），如 $A$1:$P$1" },
      { ...ledgerParams[2], description: "The enterprise's row in the ledger, same columns as the header, e.g. A2:P2.", descriptionZh: "该企业该年度在台账中的一行，列与表头对应，如 A2:P2" },
    ],
    result: { type: "number", descriptionZh: "补助金额（万元）；不符合条件为 0；资料不足或该年度没有政策时为 #N/A" },
    example: { formula: '=KJ.RDSUBSIDY("省",2024,$A$1:$P$1,A2:P2)', resultZh: "12" },
    errors: ["unknown_scheme", "no_year", "bad_year", "no_policy"],
  },
  {
    id: "SCORE",
    description: "Evaluation score of the category (tech SME score; high-tech innovation score).",
    descriptionZh: "类别的评价得分（科小评分；高企创新能力评价）",
    params: ledgerParams,
    result: { type: "number", descriptionZh: "得分" },
    example: { formula: '=KJ.SCORE("科小",$A$1:$AZ$1,A2:AZ2)', resultZh: "74" },
    errors: [],
  },
];

/** The spec of one function by id. */
export function fxSpec(id: string): FxSpec {
  const hit = FX_SPECS.find((f) => f.id === id);
  if (!hit) throw new Error(`no function spec for ${id}`);
  return hit;
}

/** "=KJ.AWARD(事项, [计算依据], [日期])": the Chinese signature for help texts. */
export function signatureZh(spec: FxSpec): string {
  const params = spec.params.map((p) => (p.optional ? `[${p.nameZh}]` : p.nameZh)).join(", ");
  return `=${FX_NAMESPACE}.${spec.id}(${params})`;
}

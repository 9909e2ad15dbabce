/**
 * The column catalogue (DOMAIN §7): every ledger kind, its standard column names, the
 * synonyms people actually write, how each cell is read, and which columns are required.
 * Standard names are what templates write and what the CLI accepts as JSON keys.
 */
import { EnumValue } from "./cells";

export type LedgerKind = "enterprise" | "platform" | "talent" | "project" | "award" | "rd";

export type FieldType =
  | { t: "text" }
  | { t: "uscc" }
  | { t: "date" }
  | { t: "year" }
  | { t: "money" }
  | { t: "count" }
  | { t: "score" }
  | { t: "bool" }
  /** Negative-list flag: blank means "no record" (DOMAIN §8). */
  | { t: "flag" }
  /** strict: a value outside the list is an error; otherwise a warning. */
  | { t: "enum"; values: readonly EnumValue[]; strict: boolean; multi?: boolean };

export interface FieldDef {
  /** Stable id used in code. */
  id: string;
  /** Standard column name (Chinese), as templates write it. */
  name: string;
  synonyms: readonly string[];
  type: FieldType;
  required?: boolean;
  /**
   * A claim the enterprise would have to show (高企认定日期, 国家级科技奖励, 省级以上研发机构,
   * 主导制定标准 …): blank or no such column means not claimed (DOMAIN §8). See blankMeaning.
   */
  claim?: true;
}

/**
 * What a blank cell or a missing column means, declared once per column (DOMAIN §8):
 * - "unknown": a quantity a condition needs (职工总数, 销售收入, IP counts …) — 待补充, never 0;
 * - "noRecord": a negative-list flag (事故, 环境违法, 失信, 经营异常, 科研失信) — 未填写，按无记录处理;
 * - "notClaimed": a claim (see FieldDef.claim) — 未填写，按不具备处理, naming the column to fill in or add.
 * Every eligibility check reads through this one rule (src/rules/kernel.ts, Reader).
 */
export type BlankMeaning = "unknown" | "noRecord" | "notClaimed";

export function blankMeaning(def: FieldDef): BlankMeaning {
  return def.type.t === "flag" ? "noRecord" : def.claim ? "notClaimed" : "unknown";
}

export interface LedgerKindDef {
  kind: LedgerKind;
  /** Chinese title, e.g. 企业培育库. */
  title: string;
  /** Columns that only this kind has: a header must match at least one to be this kind. */
  signature: readonly string[];
  fields: readonly FieldDef[];
}

const text = { t: "text" } as const;
const money = { t: "money" } as const;
const count = { t: "count" } as const;
const date = { t: "date" } as const;
const year = { t: "year" } as const;
const bool = { t: "bool" } as const;
const flag = { t: "flag" } as const;

export const LEVELS: readonly EnumValue[] = [
  { value: "国家级", synonyms: ["国家", "国家级别", "部级"] },
  { value: "省级", synonyms: ["省", "省级别"] },
  { value: "市级", synonyms: ["市", "市级别"] },
  { value: "区级", synonyms: ["区", "区县级", "县级"] },
];
const PLATFORM_LEVELS = LEVELS.slice(0, 3);

export const CULTIVATION_CATEGORIES: readonly EnumValue[] = [
  { value: "科技型中小企业", synonyms: ["科小", "科技型中小", "科技中小企业"] },
  { value: "科技小巨人企业", synonyms: ["小巨人", "科技小巨人", "小巨人企业"] },
  { value: "高新技术企业", synonyms: ["高企", "高新", "国家高新技术企业", "国家级高新技术企业"] },
];

export const ENTERPRISE_CLASSES: readonly EnumValue[] = [
  { value: "新引进企业", synonyms: ["新引进"] },
  { value: "新注册企业", synonyms: ["新注册"] },
  { value: "入库企业", synonyms: ["入库"] },
  { value: "已认定企业", synonyms: ["已认定"] },
];

/** 经营状态: the removal rule looks for 注销 / 吊销 / 迁出. */
export const BUSINESS_STATES: readonly EnumValue[] = [
  { value: "存续", synonyms: ["在业", "开业", "正常", "在营", "营业", "存续（在营、开业、在册）"] },
  { value: "停业", synonyms: ["歇业"] },
  { value: "注销", synonyms: ["已注销"] },
  { value: "吊销", synonyms: ["已吊销", "吊销未注销", "吊销，未注销"] },
  { value: "迁出", synonyms: ["已迁出", "外迁"] },
];

/** 国家重点支持的高新技术领域 (the official names use 与). */
export const TECH_FIELDS: readonly EnumValue[] = [
  { value: "电子信息", synonyms: ["电子信息技术"] },
  { value: "生物与新医药", synonyms: ["生物和新医药", "生物医药", "生物与新医药技术"] },
  { value: "航空航天", synonyms: ["航空航天技术"] },
  { value: "新材料", synonyms: ["新材料技术"] },
  { value: "高技术服务", synonyms: ["高技术服务业"] },
  { value: "新能源与节能", synonyms: ["新能源和节能", "新能源及节能", "新能源与节能技术"] },
  { value: "资源与环境", synonyms: ["资源和环境", "资源与环境技术"] },
  { value: "先进制造与自动化", synonyms: ["先进制造和自动化", "先进制造", "先进制造与自动化技术"] },
];

export const PLATFORM_TYPES: readonly EnumValue[] = [
  { value: "重点实验室", synonyms: ["实验室", "国家重点实验室", "省重点实验室", "省级重点实验室", "市重点实验室"] },
  { value: "技术创新中心", synonyms: ["创新中心", "国家技术创新中心", "省技术创新中心"] },
  { value: "新型研发机构", synonyms: ["研发机构"] },
  { value: "工程技术研究中心", synonyms: ["工程技术中心", "工程中心"] },
  { value: "企业技术中心", synonyms: ["技术中心"] },
  { value: "工程研究中心", synonyms: ["工程实验室"] },
  { value: "院士工作站", synonyms: ["院士站"] },
  { value: "博士后科研工作站", synonyms: ["博士后工作站", "博士后站", "博士后创新实践基地"] },
  { value: "创新创业共同体", synonyms: ["共同体", "政产学研金服用创新创业共同体", "产业技术研究院"] },
  { value: "其他", synonyms: ["其它"] },
];

export const DEPARTMENTS: readonly EnumValue[] = [
  { value: "发改", synonyms: ["发改局", "发展改革局", "发展和改革局", "发改委"] },
  { value: "科技", synonyms: ["科技局", "科学技术局"] },
  { value: "人社", synonyms: ["人社局", "人力资源和社会保障局"] },
  { value: "工信", synonyms: ["工信局", "工业和信息化局"] },
  { value: "其他", synonyms: ["其它"] },
];

export const PLATFORM_STATES: readonly EnumValue[] = [
  { value: "有效", synonyms: ["正常", "在建", "运行", "存续"] },
  { value: "撤销", synonyms: ["已撤销", "取消", "摘牌", "无效", "失效"] },
];

export const TALENT_PROGRAMS: readonly EnumValue[] = [
  { value: "国家级人才", synonyms: ["国家级人才工程", "国家人才"] },
  { value: "泰山产业领军人才", synonyms: ["泰山产业领军人才（团队）", "泰山产业领军人才团队", "泰山领军人才", "泰山产业领军"] },
  { value: "枣庄英才", synonyms: ["枣庄英才集聚工程", "枣庄英才计划"] },
  { value: "柔性引进高端人才", synonyms: ["柔性引进", "柔性引进人才", "柔性引才"] },
  { value: "海外专家", synonyms: ["海外专家、专业技术人员", "海外专业技术人员", "外国专家"] },
  { value: "其他", synonyms: ["其它"] },
];

export const TALENT_TYPES: readonly EnumValue[] = [
  { value: "个人", synonyms: ["人才"] },
  { value: "团队", synonyms: ["人才团队"] },
];

export const PROJECT_STATES: readonly EnumValue[] = [
  { value: "申报", synonyms: ["已申报", "申报中"] },
  { value: "立项", synonyms: ["已立项", "在研"] },
  { value: "结题", synonyms: ["已结题", "验收", "已验收"] },
  { value: "未立项", synonyms: ["落选", "未通过"] },
];

export const PAY_STATES: readonly EnumValue[] = [
  { value: "待拨付", synonyms: ["未拨付", "待拨"] },
  { value: "已拨付", synonyms: ["已拨", "已兑现", "已发放"] },
];

const townField: FieldDef = { id: "town", name: "所属镇街", synonyms: ["镇街", "所在镇街", "所属镇（街道）", "所属镇街道", "镇（街）", "镇街道", "所属街道"], type: text };
const departmentField: FieldDef = { id: "department", name: "主管部门", synonyms: ["归口部门", "主管单位", "推荐部门"], type: { t: "enum", values: DEPARTMENTS, strict: false } };
const usccField: FieldDef = { id: "uscc", name: "统一社会信用代码", synonyms: ["社会信用代码", "信用代码", "统一信用代码", "统一社会信用代码（18位）", "企业信用代码"], type: { t: "uscc" } };

export const ENTERPRISE: LedgerKindDef = {
  kind: "enterprise",
  title: "企业培育库",
  signature: ["categories", "poolYear", "registeredOn", "employees", "rdStaff"],
  fields: [
    { id: "name", name: "企业名称", synonyms: ["单位名称", "公司名称", "企业全称", "企业"], type: text, required: true },
    { ...usccField, required: true },
    townField,
    { id: "industry", name: "所属产业", synonyms: ["产业", "所属行业", "行业", "产业领域"], type: text },
    { id: "registeredOn", name: "注册日期", synonyms: ["成立日期", "注册时间", "成立时间", "注册成立日期"], type: date, required: true },
    { id: "categories", name: "培育类别", synonyms: ["培育类型", "培育方向", "入库类别", "培育库类别"], type: { t: "enum", values: CULTIVATION_CATEGORIES, strict: true, multi: true }, required: true },
    { id: "poolYear", name: "入库年度", synonyms: ["入库年份", "入库时间", "纳入培育库年度"], type: year, required: true },
    { id: "classification", name: "企业分类", synonyms: ["分类", "企业类别", "管理分类"], type: { t: "enum", values: ENTERPRISE_CLASSES, strict: true } },
    { id: "businessState", name: "经营状态", synonyms: ["登记状态", "企业状态", "经营情况"], type: { t: "enum", values: BUSINESS_STATES, strict: false } },
    { id: "employees", name: "职工总数", synonyms: ["从业人数", "职工人数", "员工总数", "从业人员数", "职工总人数", "员工人数"], type: count },
    { id: "rdStaff", name: "科技人员数", synonyms: ["科技人员", "科技人员人数", "科技人员总数"], type: count },
    { id: "revenue", name: "销售收入", synonyms: ["近一年销售收入", "年销售收入", "营业收入", "主营业务收入", "上年营业收入", "上年销售收入"], type: money },
    { id: "revenue3y", name: "近三年销售收入合计", synonyms: ["三年销售收入合计", "近三年销售收入"], type: money },
    { id: "totalIncome", name: "总收入", synonyms: ["近一年总收入", "企业总收入", "年总收入"], type: money },
    { id: "hitechIncome", name: "高新技术产品（服务）收入", synonyms: ["高新技术产品收入", "高新技术产品(服务)收入", "高品收入", "高新技术产品服务收入"], type: money },
    { id: "rd", name: "研发费用", synonyms: ["近一年研发费用", "研发投入", "研究开发费用", "年研发费用"], type: money },
    { id: "rd3y", name: "近三年研发费用合计", synonyms: ["三年研发费用合计", "近三年研发费用", "近三年研究开发费用合计"], type: money },
    { id: "rdDomestic3y", name: "近三年境内研发费用合计", synonyms: ["境内研发费用", "近三年境内研发费用", "三年境内研发费用合计"], type: money },
    { id: "costTotal", name: "成本费用支出总额", synonyms: ["成本费用总额", "成本费用支出", "成本费用"], type: money },
    { id: "assets", name: "资产总额", synonyms: ["总资产", "资产合计"], type: money },
    { id: "netAssets1", name: "净资产（第一年）", synonyms: ["第一年净资产", "净资产第一年"], type: money },
    { id: "netAssets2", name: "净资产（第二年）", synonyms: ["第二年净资产", "净资产第二年"], type: money },
    { id: "netAssets3", name: "净资产（第三年）", synonyms: ["第三年净资产", "净资产第三年"], type: money },
    { id: "sales1", name: "销售收入（第一年）", synonyms: ["第一年销售收入", "销售收入第一年"], type: money },
    { id: "sales2", name: "销售收入（第二年）", synonyms: ["第二年销售收入", "销售收入第二年"], type: money },
    { id: "sales3", name: "销售收入（第三年）", synonyms: ["第三年销售收入", "销售收入第三年"], type: money },
    { id: "netProfit1", name: "净利润（第一年）", synonyms: ["第一年净利润"], type: money },
    { id: "netProfit2", name: "净利润（第二年）", synonyms: ["第二年净利润"], type: money },
    { id: "netProfit3", name: "净利润（第三年）", synonyms: ["第三年净利润"], type: money },
    { id: "ip1", name: "Ⅰ类知识产权数", synonyms: ["Ⅰ类知识产权", "一类知识产权数", "一类知识产权", "I类知产", "Ⅰ类知识产权数量"], type: count },
    { id: "ip2", name: "Ⅱ类知识产权数", synonyms: ["Ⅱ类知识产权", "二类知识产权数", "二类知识产权", "II类知产", "Ⅱ类知识产权数量"], type: count },
    {
      id: "inventionApps",
      name: "近一年发明专利申请数",
      synonyms: ["发明专利申请数", "年发明专利申请数", "上年发明专利申请数", "发明专利申请量", "近一年发明专利申请量", "年度发明专利申请数"],
      type: count,
    },
    { id: "techField", name: "技术领域", synonyms: ["高新技术领域", "所属技术领域", "所属高新技术领域"], type: { t: "enum", values: TECH_FIELDS, strict: false } },
    { id: "conversions3y", name: "近三年科技成果转化数", synonyms: ["科技成果转化数", "近三年成果转化数", "成果转化数", "近三年科技成果转化数量"], type: count },
    { id: "innovationScore", name: "创新能力评价得分", synonyms: ["创新能力评价", "创新能力得分", "企业创新能力评价得分"], type: { t: "score" } },
    { id: "hitechDate", name: "高企认定日期", synonyms: ["高新技术企业认定日期", "高企认定时间", "高企发证日期", "高新技术企业发证日期"], type: date, claim: true },
    { id: "hitechCertNo", name: "高企证书编号", synonyms: ["高新技术企业证书编号", "证书编号"], type: text },
    { id: "smeRegNo", name: "科小入库登记编号", synonyms: ["入库登记编号", "科小登记编号", "科技型中小企业入库登记编号", "登记编号", "科小编号"], type: text },
    { id: "smeYear", name: "科小入库年度", synonyms: ["科小入库年份", "科技型中小企业入库年度", "科小评价年度"], type: year },
    { id: "giantDate", name: "小巨人认定日期", synonyms: ["科技小巨人认定日期", "小巨人认定时间"], type: date },
    { id: "giantRevoked", name: "小巨人撤销", synonyms: ["小巨人已撤销", "科技小巨人撤销"], type: bool },
    { id: "cityRdInstitution", name: "市级以上研发机构", synonyms: ["市级及以上研发机构", "市级以上研发平台"], type: bool, claim: true },
    { id: "provRdInstitution", name: "省级以上研发机构", synonyms: ["省级及以上研发机构", "省级以上研发平台"], type: bool, claim: true },
    { id: "nationalAward", name: "国家级科技奖励", synonyms: ["国家科技奖励", "国家级科技奖"], type: bool, claim: true },
    { id: "leadStandard", name: "主导制定标准", synonyms: ["主导制定国际、国家或行业标准", "主导标准", "主导制定标准情况"], type: bool, claim: true },
    { id: "safetyAccident", name: "重大安全事故", synonyms: ["安全事故", "发生重大安全事故"], type: flag },
    { id: "qualityAccident", name: "重大质量事故", synonyms: ["质量事故", "发生重大质量事故"], type: flag },
    { id: "envViolation", name: "严重环境违法", synonyms: ["环境违法", "严重环境违法行为"], type: flag },
    { id: "dishonest", name: "严重失信行为", synonyms: ["严重失信", "严重违法失信", "严重违法失信名单", "失信行为"], type: flag },
    { id: "abnormalList", name: "经营异常名录", synonyms: ["列入经营异常名录", "经营异常"], type: flag },
    { id: "researchMisconduct", name: "科研严重失信", synonyms: ["科研失信", "科研严重失信行为"], type: flag },
    { id: "liaisonLeader", name: "挂钩领导", synonyms: ["包挂领导", "联系领导"], type: text },
    { id: "remarks", name: "备注", synonyms: ["说明"], type: text },
  ],
};

export const PLATFORM: LedgerKindDef = {
  kind: "platform",
  title: "创新平台",
  signature: ["platformName", "platformType"],
  fields: [
    { id: "platformName", name: "平台名称", synonyms: ["创新平台名称", "平台"], type: text, required: true },
    { id: "host", name: "依托单位", synonyms: ["依托企业", "承建单位", "建设单位", "依托单位名称"], type: text, required: true },
    usccField,
    { id: "level", name: "级别", synonyms: ["平台级别", "层级"], type: { t: "enum", values: PLATFORM_LEVELS, strict: true }, required: true },
    { id: "platformType", name: "平台类型", synonyms: ["类型", "平台类别", "类别"], type: { t: "enum", values: PLATFORM_TYPES, strict: true }, required: true },
    departmentField,
    { id: "approvedOn", name: "获批日期", synonyms: ["批准日期", "认定日期", "获批时间", "认定时间", "批复日期"], type: date, required: true },
    { id: "state", name: "状态", synonyms: ["平台状态", "当前状态"], type: { t: "enum", values: PLATFORM_STATES, strict: true } },
    townField,
    { id: "taxRetained", name: "税收地方留成", synonyms: ["科研成果产业化形成的税收地方留成", "地方留成"], type: money },
    { id: "provPerfFund", name: "省绩效奖励资金", synonyms: ["省绩效奖励", "绩效奖励资金"], type: money },
    { id: "remarks", name: "备注", synonyms: ["说明"], type: text },
  ],
};

export const TALENT: LedgerKindDef = {
  kind: "talent",
  title: "人才",
  signature: ["program", "talentName"],
  fields: [
    { id: "talentName", name: "姓名或团队", synonyms: ["姓名", "人才姓名", "团队名称", "人才（团队）", "人才或团队", "姓名（团队）"], type: text, required: true },
    { id: "program", name: "人才工程", synonyms: ["人才工程项目", "入选工程", "人才计划", "入选人才工程"], type: { t: "enum", values: TALENT_PROGRAMS, strict: true }, required: true },
    { id: "level", name: "级别", synonyms: ["人才级别", "层级"], type: { t: "enum", values: LEVELS, strict: true } },
    { id: "year", name: "入选年度", synonyms: ["入选年份", "入选时间", "引进年度", "年度"], type: year, required: true },
    { id: "employer", name: "依托单位", synonyms: ["工作单位", "所在单位", "引进单位"], type: text },
    { id: "talentType", name: "类型", synonyms: ["人才类型", "个人或团队"], type: { t: "enum", values: TALENT_TYPES, strict: true } },
    townField,
    departmentField,
    { id: "remarks", name: "备注", synonyms: ["说明"], type: text },
  ],
};

export const PROJECT: LedgerKindDef = {
  kind: "project",
  title: "科技计划项目",
  signature: ["projectName", "undertaker"],
  fields: [
    { id: "projectName", name: "项目名称", synonyms: ["课题名称", "计划项目名称"], type: text, required: true },
    { id: "undertaker", name: "承担单位", synonyms: ["申报单位", "项目承担单位", "承担企业"], type: text, required: true },
    usccField,
    { id: "level", name: "级别", synonyms: ["项目级别", "层级", "计划级别"], type: { t: "enum", values: PLATFORM_LEVELS, strict: true }, required: true },
    { id: "year", name: "年度", synonyms: ["申报年度", "立项年度", "项目年度", "年份"], type: year, required: true },
    { id: "state", name: "状态", synonyms: ["项目状态", "立项情况"], type: { t: "enum", values: PROJECT_STATES, strict: true } },
    townField,
    departmentField,
    { id: "remarks", name: "备注", synonyms: ["说明"], type: text },
  ],
};

export const AWARD: LedgerKindDef = {
  kind: "award",
  title: "奖励",
  signature: ["item"],
  fields: [
    { id: "name", name: "名称", synonyms: ["企业名称", "单位名称", "获奖单位", "奖励对象"], type: text, required: true },
    usccField,
    { id: "item", name: "奖励事项", synonyms: ["事项", "奖励类别", "奖励项目", "奖励内容"], type: text, required: true },
    { id: "date", name: "认定日期", synonyms: ["获批日期", "认定时间", "获批时间", "认定（获批）日期"], type: date, required: true },
    { id: "basis", name: "计算依据（万元）", synonyms: ["计算依据", "依据金额", "计算基数"], type: money },
    { id: "amount", name: "奖励金额（万元）", synonyms: ["奖励金额", "奖励资金", "奖补金额"], type: money },
    { id: "payStatus", name: "拨付状态", synonyms: ["拨付情况", "是否拨付"], type: { t: "enum", values: PAY_STATES, strict: true } },
    townField,
    { id: "remarks", name: "备注", synonyms: ["说明"], type: text },
  ],
};

/** A field of the enterprise ledger by id (the R&D ledger shares these columns with it). */
function enterpriseField(id: string): FieldDef {
  const f = ENTERPRISE.fields.find((x) => x.id === id);
  if (!f) throw new Error(`no enterprise field ${id}`);
  return f;
}

/**
 * 研发费用台账 (DOMAIN §10, 计划 二（四）1): one row per enterprise and year, what the R&D
 * subsidy schemes read. 研发费用 is the year's R&D expense as accepted for the super-deduction
 * (加计扣除口径); 销售收入 also reads 主营业务收入 and 营业收入 (the city's scheme says 主营业务收入,
 * the province's 销售收入). The yes/no columns are claims: blank or no such column means not
 * claimed (DOMAIN §8). 高新技术企业 may be shown by a valid 高企认定日期 instead, 科技型中小企业
 * by 科小入库年度 = the year.
 */
export const RD: LedgerKindDef = {
  kind: "rd",
  title: "研发费用",
  signature: ["prevRd", "superDeduction", "prevSuperDeduction", "aboveScale", "icEnterprise", "firstHitech"],
  fields: [
    { ...enterpriseField("name"), required: true },
    usccField,
    townField,
    { id: "year", name: "年度", synonyms: ["研发费用年度", "数据年度", "研发年度", "费用年度", "年份", "所属年度"], type: year, required: true },
    {
      id: "rd",
      name: "研发费用",
      synonyms: ["当年研发费用", "年度研发费用", "研发费用（加计扣除口径）", "加计扣除口径研发费用", "研究开发费用", "研发投入", "研发费用总额", "研发费用支出"],
      type: money,
      required: true,
    },
    { id: "prevRd", name: "上年研发费用", synonyms: ["上年度研发费用", "上一年研发费用", "前一年研发费用", "上年研究开发费用", "上年研发投入", "上年研发费用（加计扣除口径）"], type: money },
    { id: "revenue", name: "销售收入", synonyms: ["主营业务收入", "营业收入", "年销售收入", "当年销售收入", "当年主营业务收入", "当年营业收入", "销售收入（主营业务收入）"], type: money },
    { id: "aboveScale", name: "规上工业企业", synonyms: ["规模以上工业企业", "是否规上工业企业", "是否规模以上工业企业", "规上企业", "规上工业"], type: bool },
    { id: "hitech", name: "高新技术企业", synonyms: ["是否高新技术企业", "高企", "是否高企", "国家高新技术企业"], type: bool },
    enterpriseField("hitechDate"),
    { id: "firstHitech", name: "首次认定高企", synonyms: ["首次认定高新技术企业", "首次认定的高新技术企业", "首次认定", "是否首次认定高企", "首次认定高新技术企业（是/否）"], type: bool },
    { id: "sme", name: "科技型中小企业", synonyms: ["是否科技型中小企业", "科小", "是否科小", "科技型中小企业入库"], type: bool },
    enterpriseField("smeYear"),
    {
      id: "superDeduction",
      name: "享受研发费用加计扣除",
      synonyms: ["当年享受研发费用加计扣除", "享受加计扣除", "是否享受研发费用加计扣除", "当年享受加计扣除", "享受研发加计扣除"],
      type: bool,
    },
    {
      id: "prevSuperDeduction",
      name: "上年享受研发费用加计扣除",
      synonyms: ["上年享受加计扣除", "上年度享受研发费用加计扣除", "上一年享受研发费用加计扣除", "上年是否享受研发费用加计扣除"],
      type: bool,
    },
    { id: "icEnterprise", name: "集成电路企业", synonyms: ["是否集成电路企业", "集成电路", "集成电路类企业"], type: bool },
    { id: "remarks", name: "备注", synonyms: ["说明"], type: text },
  ],
};

export const LEDGER_KINDS: readonly LedgerKindDef[] = [ENTERPRISE, PLATFORM, TALENT, PROJECT, AWARD, RD];

export function kindDef(kind: LedgerKind): LedgerKindDef {
  const d = LEDGER_KINDS.find((k) => k.kind === kind);
  if (!d) throw new Error(`unknown ledger kind ${kind}`);
  return d;
}

/** The very hidden sheet holding the policy packs stored in the workbook (src/policy/stored.ts). */
export const POLICY_SHEET = "KJ政策";
/** Sheets the add-in writes itself: never read as ledgers. */
export const OWN_SHEETS = ["调出记录", "目标完成情况", "奖励汇总", "问题清单", "KJ标记", POLICY_SHEET, "合并冲突"] as const;

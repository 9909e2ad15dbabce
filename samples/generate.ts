/**
 * The sample ledger generator: a fictional 薛城区 workbook with the five ledgers, used by the
 * browser demo, tests, the task pane and benchmarks. Pure and deterministic (seeded PRNG, no
 * clock, no Math.random), so the same options always give the same workbook.
 *
 * Every enterprise, person and platform here is invented; 统一社会信用代码 are generated with a
 * valid check character and division 370403 but belong to nobody.
 */
import { dayFromParts, DayNumber, partsFromDay } from "../src/dates";
import { CellValue } from "../src/ledger/cells";
import { AWARD, ENTERPRISE, PLATFORM, PROJECT, RD, TALENT, FieldDef, LedgerKindDef } from "../src/ledger/catalogue";
import { computeAward } from "../src/policy/plans";
import { rdSubsidyOf } from "../src/rules/rd-subsidy";
import { SheetSnapshot, WorkbookSnapshot } from "../src/host/port";
import { columnLetter } from "../src/text";
import { USCC_ALPHABET, withCheckChar, XUECHENG_DIVISION } from "../src/uscc";

export interface SampleOptions {
  /** PRNG seed; default 20240101. */
  seed?: number;
  /** Number of enterprises in 企业培育库; default 300. */
  enterprises?: number;
  /** The year the ledgers are "as of" (dates run up to the end of it); default 2024. */
  asOfYear?: number;
  /** Put a handful of deliberately broken cells in (see SAMPLE_BROKEN_CELLS); default true. */
  brokenRows?: boolean;
}

export const DEFAULT_SEED = 20240101;
export const DEFAULT_AS_OF_YEAR = 2024;

export const SAMPLE_SHEETS = { enterprise: "企业培育库", platform: "创新平台", talent: "人才", project: "科技计划项目", award: "奖励", rd: "研发费用台账" } as const;
/** The year's targets per town and department (计划 三（一）): not a ledger, read by the targets job. */
export const SAMPLE_ALLOCATION_SHEET = "目标分解";

export const XUECHENG_TOWNS = ["临城街道", "新城街道", "常庄街道", "沙沟镇", "周营镇", "邹坞镇", "陶庄镇", "张范街道"] as const;

/** Where the enterprise sheet's header sits: a title row above it (row 1), header on row 2. */
export const ENTERPRISE_HEADER_ROW = 2;
/** The 奖励 sheet also has a title row: header on row 2. */
export const AWARD_HEADER_ROW = 2;
/** The 研发费用台账 has a title row too: header on row 2. */
export const RD_HEADER_ROW = 2;

// ---------------------------------------------------------------- PRNG

/** mulberry32: small, fast, deterministic. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  constructor(readonly next: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** Log-uniform between lo and hi, rounded to `dp` decimals. */
  logUniform(lo: number, hi: number, dp = 1): number {
    const v = Math.exp(Math.log(lo) + this.next() * (Math.log(hi) - Math.log(lo)));
    return round(v, dp);
  }
  day(year: number, fromMonth = 1, toMonth = 12): DayNumber {
    const m = this.int(fromMonth, toMonth);
    const d = this.int(1, 28);
    return dayFromParts(year, m, d) as DayNumber;
  }
}

/** Rounds for display-like sample figures (binary rounding is fine for invented data). */
function round(v: number, dp: number): number {
  const k = 10 ** dp;
  return Math.round(v * k) / k;
}

// ---------------------------------------------------------------- names and codes

const SYLLABLES_A = ["鑫", "华", "宏", "瑞", "泰", "恒", "信", "德", "盛", "通", "创", "源", "金", "中", "联", "博", "达", "兴", "安", "海", "天", "正", "新", "远", "嘉", "润", "凯", "晟", "铭", "昊"];
const SYLLABLES_B = ["泰", "达", "源", "峰", "隆", "宇", "诚", "祥", "利", "晨", "辉", "邦", "腾", "力", "航", "立", "程", "元", "胜", "锐", "益", "丰", "奥", "星", "光", "策", "禾", "嘉", "拓", "维"];
const SYLLABLES_C = ["智", "科", "捷", "悦", "康", "美", "汇", "衡", "越", "钧"];
const NAME_TRADES = ["智能", "新材料", "生物", "电子", "机械", "化工", "信息", "环保", "能源", "医药", "精密", "数控", "锂电", "光电"];
const NAME_SUFFIXES = ["科技有限公司", "科技有限公司", "科技有限公司", "科技股份有限公司", "技术有限公司", "有限公司"];
const INDUSTRIES = ["高端装备制造", "新材料", "生物医药", "新一代信息技术", "精细化工", "锂电新能源", "现代农业", "节能环保"];
const TECH_FIELD_NAMES = ["电子信息", "生物与新医药", "航空航天", "新材料", "高技术服务", "新能源与节能", "资源与环境", "先进制造与自动化"];
const SURNAMES = ["张", "王", "李", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"];
const GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "强", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "平", "刚", "辉", "鹏", "建华", "志强", "晓东", "海燕", "立新"];
const LEADERS = ["区委常委 王建国", "副区长 李红梅", "副区长 赵德明", "区政协副主席 孙立新", "区人大副主任 刘海涛"];

function companyName(rng: Rng, used: Set<string>, big: boolean): string {
  for (let attempt = 0; ; attempt++) {
    const third = big || attempt > 20 ? rng.pick(SYLLABLES_C) : "";
    const name = "薛城区" + rng.pick(SYLLABLES_A) + rng.pick(SYLLABLES_B) + third + rng.pick(NAME_TRADES) + rng.pick(NAME_SUFFIXES);
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
  }
}

/** A fictional code: 91 (enterprise) + 370403 + 9-character organisation code + check. */
function usccFor(rng: Rng, used: Set<string>): string {
  for (;;) {
    let body = "91" + XUECHENG_DIVISION + "MA";
    for (let i = 0; i < 7; i++) body += USCC_ALPHABET[rng.int(0, USCC_ALPHABET.length - 1)];
    const code = withCheckChar(body);
    if (!used.has(code)) {
      used.add(code);
      return code;
    }
  }
}

function personName(rng: Rng): string {
  return rng.pick(SURNAMES) + rng.pick(GIVEN);
}

/** Dates as JavaScript Dates at UTC midnight (what exceljs gives for a date cell). */
function dateCell(day: DayNumber): Date {
  return new Date(day * 86_400_000);
}

// ---------------------------------------------------------------- enterprises

/** Standard headers of 企业培育库, in template order (catalogue order). */
export const ENTERPRISE_HEADERS: readonly string[] = ENTERPRISE.fields.map((f) => f.name);

function colOf(def: LedgerKindDef, id: string): number {
  const i = def.fields.findIndex((f) => f.id === id);
  if (i < 0) throw new Error(`no field ${id} in ${def.kind}`);
  return i;
}

/** One generated enterprise, kept as a record so other sheets can refer to it. */
interface Enterprise {
  name: string;
  uscc: string;
  town: string;
  row: CellValue[];
  hitechDay: DayNumber | null;
  categories: string[];
}

function enterpriseRecord(rng: Rng, names: Set<string>, codes: Set<string>, asOfYear: number, big: boolean): Enterprise {
  const f = (id: string) => colOf(ENTERPRISE, id);
  const row: CellValue[] = new Array(ENTERPRISE.fields.length).fill(null);
  const name = companyName(rng, names, big);
  const uscc = usccFor(rng, codes);
  const town = rng.pick(XUECHENG_TOWNS);

  // Registration: mostly established firms, some registered within the last year.
  const recent = rng.chance(0.08);
  const registered = recent ? rng.day(asOfYear, 1, 11) : rng.day(rng.int(1998, asOfYear - 2));
  const regYear = partsFromDay(registered).year;

  // A firm registered within the year cannot hold a recognition yet (高企 needs one year).
  const hitech = !recent && rng.chance(0.3);
  const giant = !recent && rng.chance(0.05);
  const sme = rng.chance(0.72) || (!hitech && !giant);
  const categories = [sme ? "科技型中小企业" : "", giant ? "科技小巨人企业" : "", hitech ? "高新技术企业" : ""].filter((c) => c !== "");

  const employees = Math.max(8, Math.round(rng.logUniform(10, giant ? 1500 : 600, 0)));
  const rdShare = hitech ? 0.1 + rng.next() * 0.3 : 0.04 + rng.next() * 0.3;
  const rdStaff = Math.max(1, Math.min(employees, Math.round(employees * rdShare)));
  const revenue = giant ? rng.logUniform(10000, 60000) : rng.logUniform(150, 18000);
  const growth = 0.85 + rng.next() * 0.55;
  const sales3 = revenue;
  const sales2 = round(sales3 / growth, 1);
  const sales1 = round(sales2 / (0.85 + rng.next() * 0.55), 1);
  const rdRate = hitech ? 0.035 + rng.next() * 0.05 : 0.01 + rng.next() * 0.06;
  const rd = round(revenue * rdRate, 1);
  const rd3y = round((sales1 + sales2 + sales3) * rdRate * (0.9 + rng.next() * 0.2), 1);
  const netAssets3 = round(revenue * (0.3 + rng.next() * 0.6), 1);
  const netAssets2 = round(netAssets3 / (0.9 + rng.next() * 0.4), 1);
  const netAssets1 = round(netAssets2 / (0.9 + rng.next() * 0.4), 1);
  const margin = -0.02 + rng.next() * 0.14;

  row[f("name")] = name;
  row[f("uscc")] = uscc;
  row[f("town")] = town;
  row[f("industry")] = rng.pick(INDUSTRIES);
  row[f("registeredOn")] = rng.chance(0.06) ? `${regYear}/${partsFromDay(registered).month}/${partsFromDay(registered).day}` : dateCell(registered);
  row[f("categories")] = categories.join("、");
  row[f("poolYear")] = Math.max(regYear, rng.int(2019, asOfYear));
  row[f("classification")] = rng.chance(0.15) ? rng.pick(["新引进企业", "入库企业", "已认定企业"]) : null;
  row[f("businessState")] = rng.chance(0.04) ? rng.pick(["注销", "吊销", "迁出"]) : "存续";
  row[f("employees")] = employees;
  row[f("rdStaff")] = rdStaff;
  row[f("revenue")] = revenue;
  row[f("revenue3y")] = round(sales1 + sales2 + sales3, 1);
  row[f("totalIncome")] = round(revenue * (1 + rng.next() * 0.08), 1);
  row[f("hitechIncome")] = round(revenue * (hitech ? 0.6 + rng.next() * 0.35 : 0.2 + rng.next() * 0.6), 1);
  row[f("rd")] = rd;
  row[f("rd3y")] = rd3y;
  row[f("rdDomestic3y")] = round(rd3y * (rng.chance(0.9) ? 1 : 0.4 + rng.next() * 0.5), 1);
  row[f("costTotal")] = round(revenue * (0.75 + rng.next() * 0.2), 1);
  row[f("assets")] = round(revenue * (0.6 + rng.next() * 1.2), 1);
  row[f("netAssets1")] = netAssets1;
  row[f("netAssets2")] = netAssets2;
  row[f("netAssets3")] = netAssets3;
  row[f("sales1")] = sales1;
  row[f("sales2")] = sales2;
  row[f("sales3")] = sales3;
  row[f("netProfit1")] = round(sales1 * margin, 1);
  row[f("netProfit2")] = round(sales2 * margin * (0.8 + rng.next() * 0.5), 1);
  row[f("netProfit3")] = round(sales3 * margin * (0.8 + rng.next() * 0.6), 1);
  row[f("ip1")] = hitech ? rng.int(0, 6) : rng.chance(0.25) ? rng.int(1, 2) : 0;
  row[f("ip2")] = rng.int(0, hitech ? 25 : 8);
  // Derived, not drawn, so the random sequence (and every other generated value) stays as it was.
  row[f("inventionApps")] = Math.round(((row[f("ip1")] as number) * 2 + (row[f("ip2")] as number)) / 4);
  row[f("techField")] = rng.chance(0.9) ? rng.pick(TECH_FIELD_NAMES) : null;
  row[f("conversions3y")] = rng.int(0, hitech ? 18 : 6);
  row[f("innovationScore")] = hitech && rng.chance(0.5) ? rng.int(62, 92) : null;

  let hitechDay: DayNumber | null = null;
  if (hitech) {
    // Recognitions are published late in the year; most are renewed in time, some have lapsed.
    const y = Math.max(regYear + 1, asOfYear - (rng.chance(0.12) ? rng.int(3, 4) : rng.int(0, 2)));
    hitechDay = rng.day(Math.min(y, asOfYear), 11, 12);
    row[f("hitechDate")] = dateCell(hitechDay);
    row[f("hitechCertNo")] = `GR${partsFromDay(hitechDay).year}37${String(rng.int(0, 999999)).padStart(6, "0")}`;
  }
  if (sme && !recent) {
    const smeYear = Math.max(regYear, asOfYear - (rng.chance(0.85) ? 0 : rng.int(1, 2)));
    row[f("smeYear")] = smeYear;
    row[f("smeRegNo")] = `${smeYear}${XUECHENG_DIVISION}0${String(rng.int(1, 99999)).padStart(5, "0")}`;
  }
  if (giant) {
    row[f("giantDate")] = dateCell(rng.day(rng.int(Math.max(regYear + 1, asOfYear - 4), asOfYear), 6, 10));
    row[f("giantRevoked")] = "否";
  }
  row[f("cityRdInstitution")] = rng.chance(hitech || giant ? 0.6 : 0.15) ? "是" : "否";
  row[f("provRdInstitution")] = rng.chance(hitech || giant ? 0.2 : 0.03) ? "是" : "否";
  row[f("nationalAward")] = rng.chance(0.01) ? "是" : "否";
  row[f("leadStandard")] = rng.chance(0.05) ? "是" : "否";
  // Negative-list flags: mostly 否, some left blank (blank = no record), a few 是.
  for (const flag of ["safetyAccident", "qualityAccident", "envViolation", "dishonest", "abnormalList", "researchMisconduct"]) {
    row[f(flag)] = rng.chance(0.015) ? "是" : rng.chance(0.2) ? null : "否";
  }
  row[f("liaisonLeader")] = rng.chance(0.3) ? rng.pick(LEADERS) : null;
  row[f("remarks")] = null;
  return { name, uscc, town, row, hitechDay, categories };
}

/**
 * Enterprise data rows only (no title, no header), in ENTERPRISE_HEADERS order, for
 * benchmarks with 100,000 rows. Same seed, same rows.
 */
export function generateEnterpriseRows(n: number, seed = 1, asOfYear = 2024): CellValue[][] {
  const rng = new Rng(seededRandom(seed));
  const names = new Set<string>();
  const codes = new Set<string>();
  const big = n > 3000;
  const rows: CellValue[][] = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = enterpriseRecord(rng, names, codes, asOfYear, big).row;
  return rows;
}

// ---------------------------------------------------------------- broken cells

export interface BrokenCell {
  sheet: string;
  /** 1-based sheet row. */
  row: number;
  /** 1-based sheet column. */
  col: number;
  /** Standard field name (表头). */
  field: string;
  /** What is wrong, stable for tests: uscc_check, uscc_duplicate, number_text, date_unreadable, rd_staff_exceeds, required_blank, enum_invalid, error_value. */
  problem: string;
  /** The value put in the cell. */
  value: CellValue;
}

/** Data-row offsets (0 = first data row) of the broken cells; spread out, away from the top. */
const BROKEN_AT = [11, 23, 37, 52, 64, 78, 91, 105];
/** Fewer rows than this: the broken cells are spread evenly instead (each on its own row). */
const MIN_ROWS_FOR_BROKEN = 9;

function brokenOffsets(n: number): number[] {
  if (n > BROKEN_AT[BROKEN_AT.length - 1]) return BROKEN_AT;
  return BROKEN_AT.map((_, i) => Math.floor(((i + 1) * n) / (BROKEN_AT.length + 1)));
}

function breakEnterprises(rows: CellValue[][], firstDataRow: number): BrokenCell[] {
  const sheet = SAMPLE_SHEETS.enterprise;
  const out: BrokenCell[] = [];
  const put = (offset: number, id: string, problem: string, value: CellValue) => {
    const c = colOf(ENTERPRISE, id);
    rows[offset][c] = value;
    out.push({ sheet, row: firstDataRow + offset, col: c + 1, field: ENTERPRISE.fields[c].name, problem, value });
  };
  const usccCol = colOf(ENTERPRISE, "uscc");
  const [a, b, c, d, e, f, g, h] = brokenOffsets(rows.length);
  // A wrong check character: change the 18th character to the next one in the alphabet.
  const good = String(rows[a][usccCol]);
  const wrongCheck = good.slice(0, 17) + USCC_ALPHABET[(USCC_ALPHABET.indexOf(good[17]) + 1) % USCC_ALPHABET.length];
  put(a, "uscc", "uscc_check", wrongCheck);
  put(b, "uscc", "uscc_duplicate", rows[0][usccCol]);
  put(c, "employees", "number_text", "约50人");
  put(d, "registeredOn", "date_unreadable", "2019年13月45日");
  const employees = Number(rows[e][colOf(ENTERPRISE, "employees")]);
  put(e, "rdStaff", "rd_staff_exceeds", employees + 12);
  put(f, "poolYear", "required_blank", null);
  put(g, "categories", "enum_invalid", "专精特新企业");
  put(h, "revenue", "error_value", { error: "#N/A" });
  return out;
}

// ---------------------------------------------------------------- other ledgers

function platformRows(rng: Rng, firms: Enterprise[], asOfYear: number): CellValue[][] {
  const rows: CellValue[][] = [];
  const f = (id: string) => colOf(PLATFORM, id);
  const add = (level: string, type: string, dept: string, firm: Enterprise, approved: DayNumber, state: string, tax: number | null, perf: number | null) => {
    const r: CellValue[] = new Array(PLATFORM.fields.length).fill(null);
    const typeLabel = type === "其他" ? "创新平台" : type;
    r[f("platformName")] = `${level === "国家级" ? "国家" : level === "省级" ? "山东省" : "枣庄市"}${firm.name.replace(/^薛城区/, "").replace(/(股份)?有限公司$/, "")}${typeLabel}`;
    r[f("host")] = firm.name;
    r[f("uscc")] = firm.uscc;
    r[f("level")] = level;
    r[f("platformType")] = type;
    r[f("department")] = dept;
    r[f("approvedOn")] = dateCell(approved);
    r[f("state")] = state;
    r[f("town")] = firm.town;
    r[f("taxRetained")] = tax;
    r[f("provPerfFund")] = perf;
    rows.push(r);
  };
  const cityTypes: [string, string][] = [["工程技术研究中心", "科技"], ["企业技术中心", "工信"], ["重点实验室", "科技"], ["工程研究中心", "发改"], ["博士后科研工作站", "人社"], ["新型研发机构", "科技"]];
  const provTypes: [string, string][] = [["工程技术研究中心", "科技"], ["企业技术中心", "工信"], ["重点实验室", "科技"], ["技术创新中心", "科技"], ["新型研发机构", "科技"], ["工程研究中心", "发改"]];
  const counts = { city: 112, prov: 17, nat: 3 };
  for (let i = 0; i < counts.city; i++) {
    const [t, d] = rng.pick(cityTypes);
    add("市级", t, d, rng.pick(firms), rng.day(rng.int(asOfYear - 8, asOfYear)), rng.chance(0.06) ? "撤销" : "有效", null, null);
  }
  for (let i = 0; i < counts.prov; i++) {
    const [t, d] = rng.pick(provTypes);
    const year = rng.int(asOfYear - 6, asOfYear);
    add("省级", t, d, rng.pick(firms), rng.day(year), rng.chance(0.05) ? "撤销" : "有效", rng.logUniform(20, 180), rng.chance(0.3) ? rng.logUniform(20, 120) : null);
  }
  add("国家级", "企业技术中心", "发改", rng.pick(firms), rng.day(asOfYear - 5), "有效", null, null);
  add("国家级", "重点实验室", "科技", rng.pick(firms), rng.day(Math.max(2022, asOfYear - 1)), "有效", rng.logUniform(120, 400), null);
  add("国家级", "博士后科研工作站", "人社", rng.pick(firms), rng.day(asOfYear - 3), "有效", null, null);
  add("市级", "创新创业共同体", "科技", rng.pick(firms), rng.day(Math.max(2022, asOfYear - 2)), "有效", null, null);
  add("省级", "创新创业共同体", "科技", rng.pick(firms), rng.day(asOfYear), "有效", null, null);
  add("省级", "院士工作站", "科技", rng.pick(firms), rng.day(Math.max(2022, asOfYear - 1)), "有效", null, null);
  return rows;
}

function talentRows(rng: Rng, firms: Enterprise[], asOfYear: number): CellValue[][] {
  const rows: CellValue[][] = [];
  const f = (id: string) => colOf(TALENT, id);
  const programs: [string, string, number][] = [
    ["国家级人才", "国家级", 1],
    ["泰山产业领军人才", "省级", 4],
    ["枣庄英才", "市级", 7],
    ["柔性引进高端人才", "区级", 9],
    ["海外专家", "区级", 22],
    ["其他", "区级", 6],
  ];
  for (const [program, level, n] of programs) {
    for (let i = 0; i < n; i++) {
      const firm = rng.pick(firms);
      const team = program === "泰山产业领军人才" && rng.chance(0.5);
      const r: CellValue[] = new Array(TALENT.fields.length).fill(null);
      r[f("talentName")] = team ? `${personName(rng)}团队` : personName(rng);
      r[f("program")] = program;
      r[f("level")] = level;
      r[f("year")] = rng.int(2021, asOfYear);
      r[f("employer")] = firm.name;
      r[f("talentType")] = team ? "团队" : "个人";
      r[f("town")] = firm.town;
      r[f("department")] = program === "海外专家" || program === "柔性引进高端人才" ? "科技" : "人社";
      rows.push(r);
    }
  }
  return rows;
}

const PROJECT_TOPICS = ["高性能锂电池正极材料制备关键技术研究", "智能数控装备远程运维系统研发", "新型生物医药中间体绿色合成工艺", "工业互联网安全监测平台", "煤化工废水资源化利用技术", "高端轴承精密加工技术研究", "农作物病虫害智能识别系统", "节能型换热设备研发与产业化", "光电传感器封装技术攻关", "可降解包装新材料开发"];

function projectRows(rng: Rng, firms: Enterprise[], asOfYear: number): CellValue[][] {
  const rows: CellValue[][] = [];
  const f = (id: string) => colOf(PROJECT, id);
  const levels: [string, number][] = [["市级", 16], ["省级", 5], ["国家级", 1]];
  for (const [level, n] of levels) {
    for (let i = 0; i < n; i++) {
      const firm = rng.pick(firms);
      const r: CellValue[] = new Array(PROJECT.fields.length).fill(null);
      r[f("projectName")] = rng.pick(PROJECT_TOPICS);
      r[f("undertaker")] = firm.name;
      r[f("uscc")] = firm.uscc;
      r[f("level")] = level;
      r[f("year")] = rng.int(2021, asOfYear);
      r[f("state")] = rng.pick(["申报", "立项", "立项", "结题", "未立项"]);
      r[f("town")] = firm.town;
      r[f("department")] = "科技";
      rows.push(r);
    }
  }
  return rows;
}

interface AwardLine {
  firm: { name: string; uscc: string | null; town: string };
  item: string;
  day: DayNumber;
  basis: number | null;
  paid: boolean;
}

function awardLines(rng: Rng, firms: Enterprise[], platforms: CellValue[][]): AwardLine[] {
  const lines: AwardLine[] = [];
  // New 高企 recognised inside the plan period earn the once-only award.
  for (const e of firms) {
    if (e.hitechDay === null) continue;
    const y = partsFromDay(e.hitechDay).year;
    if (y >= 2022 && y <= 2024) lines.push({ firm: e, item: rng.pick(["高企", "新认定的国家级高新技术企业", "高新技术企业"]), day: e.hitechDay, basis: null, paid: y < 2024 || rng.chance(0.3) });
  }
  const p = (id: string) => colOf(PLATFORM, id);
  for (const r of platforms) {
    const day = Math.floor((r[p("approvedOn")] as Date).getTime() / 86_400_000);
    const y = partsFromDay(day).year;
    if (y < 2022 || y > 2024 || r[p("state")] !== "有效") continue;
    const firm = { name: String(r[p("host")]), uscc: String(r[p("uscc")]), town: String(r[p("town")]) };
    const level = r[p("level")];
    const type = String(r[p("platformType")]);
    if (level === "国家级" && type === "重点实验室") lines.push({ firm, item: "国家重点实验室", day, basis: r[p("taxRetained")] as number, paid: false });
    else if (level === "省级" && ["重点实验室", "技术创新中心", "新型研发机构"].includes(type)) {
      lines.push({ firm, item: `省级${type}`, day, basis: r[p("taxRetained")] as number, paid: rng.chance(0.5) });
    } else if (type === "院士工作站") lines.push({ firm, item: "院士工作站", day, basis: null, paid: false });
    else if (level === "省级" && type === "创新创业共同体") lines.push({ firm, item: "省级创新创业共同体", day, basis: 620, paid: false });
    if (level === "省级" && r[p("provPerfFund")] !== null) lines.push({ firm, item: "省绩效奖励", day, basis: r[p("provPerfFund")] as number, paid: rng.chance(0.5) });
  }
  lines.push({ firm: rng.pick(firms), item: "技术创新示范企业", day: rng.day(2023), basis: null, paid: true });
  lines.push({ firm: rng.pick(firms), item: "创新型试点企业", day: rng.day(2022), basis: null, paid: true });
  return lines.sort((a, b) => a.day - b.day || a.firm.name.localeCompare(b.firm.name));
}

// ---------------------------------------------------------------- 研发费用台账

/** A firm as the R&D ledger needs it (from the enterprise ledger, or invented for benchmarks). */
interface RdFirm {
  name: string;
  uscc: string;
  town: string;
  /** 研发费用 and 销售收入 of the latest year (万元). */
  rd: number;
  revenue: number;
  hitechDay: DayNumber | null;
  smeYear: number | null;
}

/**
 * Rows of the 研发费用台账 for one firm: the latest year and, for some, the year before, each with
 * last year's 研发费用. Claims as a clerk fills them in: mostly 是/否, some left blank (= not
 * claimed), 研发费用 sometimes typed with its unit. `rng` is the R&D ledger's own sequence, so the
 * other sheets do not change when this one does.
 */
function rdRows(rng: Rng, firm: RdFirm, asOfYear: number): CellValue[][] {
  const f = (id: string) => colOf(RD, id);
  const out: CellValue[][] = [];
  const industrial = rng.chance(0.6);
  const ic = rng.chance(0.03);
  const years = rng.chance(0.35) ? [asOfYear - 1, asOfYear] : [asOfYear];
  let rd = firm.rd;
  let revenue = firm.revenue;
  const rows: { year: number; rd: number; prev: number; revenue: number }[] = [];
  for (const year of [...years].reverse()) {
    const growth = 0.8 + rng.next() * 0.8;
    const prev = round(rd / growth, 1);
    rows.unshift({ year, rd, prev, revenue });
    rd = prev;
    revenue = round(revenue / (0.9 + rng.next() * 0.3), 1);
  }
  for (const x of rows) {
    const row: CellValue[] = new Array(RD.fields.length).fill(null);
    row[f("name")] = firm.name;
    row[f("uscc")] = firm.uscc;
    row[f("town")] = firm.town;
    row[f("year")] = x.year;
    row[f("rd")] = rng.chance(0.05) ? `${x.rd}万元` : x.rd;
    row[f("prevRd")] = x.prev;
    row[f("revenue")] = x.revenue;
    row[f("aboveScale")] = industrial ? "是" : rng.chance(0.5) ? "否" : null;
    const hitech = firm.hitechDay !== null && partsFromDay(firm.hitechDay).year <= x.year;
    row[f("hitech")] = hitech ? "是" : rng.chance(0.4) ? "否" : null;
    if (firm.hitechDay !== null) row[f("hitechDate")] = dateCell(firm.hitechDay);
    row[f("firstHitech")] = hitech && partsFromDay(firm.hitechDay as DayNumber).year === x.year && rng.chance(0.7) ? "是" : null;
    row[f("sme")] = firm.smeYear === x.year ? "是" : null;
    row[f("smeYear")] = firm.smeYear;
    row[f("superDeduction")] = rng.chance(0.88) ? "是" : rng.chance(0.5) ? "否" : null;
    row[f("prevSuperDeduction")] = rng.chance(0.8) ? "是" : rng.chance(0.5) ? "否" : null;
    row[f("icEnterprise")] = ic ? "是" : null;
    out.push(row);
  }
  return out;
}

/**
 * 研发费用台账 data rows only (no title, no header), in RD.fields order, for benchmarks: `n` rows
 * of invented firms for the data year `year`. Same seed, same rows.
 */
export function generateRdRows(n: number, seed = 1, year = 2024): CellValue[][] {
  const rng = new Rng(seededRandom(seed));
  const names = new Set<string>();
  const codes = new Set<string>();
  const out: CellValue[][] = [];
  while (out.length < n) {
    const revenue = rng.logUniform(300, 80000);
    const firm: RdFirm = {
      name: companyName(rng, names, true),
      uscc: usccFor(rng, codes),
      town: rng.pick(XUECHENG_TOWNS),
      rd: round(revenue * (0.01 + rng.next() * 0.08), 1),
      revenue,
      hitechDay: rng.chance(0.35) ? rng.day(year - rng.int(0, 3), 11, 12) : null,
      smeYear: rng.chance(0.6) ? year - (rng.chance(0.85) ? 0 : 1) : null,
    };
    for (const r of rdRows(rng, firm, year)) if (out.length < n) out.push(r);
  }
  return out;
}

// ---------------------------------------------------------------- 目标分解

/** `total` split over `n` parts, the first ones one larger when it does not divide evenly. */
function split(total: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.floor(total / n) + (i < total % n ? 1 : 0));
}

/**
 * The as-of year's allocation of some plan targets: 高企 (stock), 科小 (flow per year) and 市级
 * 科技计划项目 (flow) to the towns that have enterprises, 市级/省级创新平台 to the departments that
 * have platforms. With `broken`, one row names a town that is in no ledger (陶庄街道 for 陶庄镇).
 */
function allocationRows(asOfYear: number, towns: readonly string[], departments: readonly string[], broken: boolean): CellValue[][] {
  const rows: CellValue[][] = [["年度", "指标", "镇街", "主管部门", "目标数"]];
  const byTown = (indicator: string, total: number) => split(total, towns.length).forEach((n, i) => n > 0 && rows.push([asOfYear, indicator, towns[i], null, n]));
  byTown("高新技术企业", 60);
  byTown("科技型中小企业", 100);
  byTown("申报市级科技计划项目", 3);
  const share: Record<string, [number, number]> = { 科技: [50, 9], 工信: [35, 4], 发改: [15, 2], 人社: [10, 0] };
  for (const d of departments) {
    const [city, prov] = share[d] ?? [0, 0];
    if (city > 0) rows.push([asOfYear, "市级创新平台", null, d, city]);
    if (prov > 0) rows.push([asOfYear, "省级创新平台", null, d, prov]);
  }
  if (broken && towns.length > 0) rows.push([asOfYear, "高新技术企业", "陶庄街道", null, 2]);
  return rows;
}

// ---------------------------------------------------------------- the workbook

function sheet(name: string, values: CellValue[][], formulas?: (string | null)[][]): SheetSnapshot {
  return formulas ? { name, firstRow: 1, firstCol: 1, values, formulas } : { name, firstRow: 1, firstCol: 1, values };
}

function headerRow(def: LedgerKindDef, fields?: readonly FieldDef[]): string[] {
  return (fields ?? def.fields).map((f) => f.name);
}

/** Pads rows to the same width (a used range is rectangular). */
function rectangular(rows: CellValue[][]): CellValue[][] {
  const w = Math.max(...rows.map((r) => r.length));
  return rows.map((r) => (r.length < w ? [...r, ...new Array(w - r.length).fill(null)] : r));
}

/**
 * The sample workbook: 企业培育库 (title row, header on row 2), 创新平台, 人才, 科技计划项目,
 * 奖励 (title row, header on row 2, 奖励金额 holding =KJ.AWARD formulas with computed values),
 * 研发费用台账 (title row, header on row 2; the latest year and, for some firms, the year before)
 * and 目标分解 (the as-of year's targets per town and department).
 */
export function generateSampleWorkbook(opts: SampleOptions = {}): WorkbookSnapshot {
  const seed = opts.seed ?? DEFAULT_SEED;
  const n = opts.enterprises ?? 300;
  const asOfYear = opts.asOfYear ?? DEFAULT_AS_OF_YEAR;
  const broken = opts.brokenRows ?? true;
  const rng = new Rng(seededRandom(seed));
  const names = new Set<string>();
  const codes = new Set<string>();
  const firms: Enterprise[] = [];
  for (let i = 0; i < n; i++) firms.push(enterpriseRecord(rng, names, codes, asOfYear, n > 3000));

  const live = firms.filter((e) => e.row[colOf(ENTERPRISE, "businessState")] === "存续");
  // Without enterprises the other ledgers have their headers only.
  const platforms = live.length > 0 ? platformRows(rng, live, asOfYear) : [];
  const talents = live.length > 0 ? talentRows(rng, live, asOfYear) : [];
  const projects = live.length > 0 ? projectRows(rng, live, asOfYear) : [];
  const awards = live.length > 0 ? awardLines(rng, live, platforms) : [];

  // 企业培育库: a title row, then the header.
  const entRows = firms.map((e) => e.row);
  if (broken && entRows.length >= MIN_ROWS_FOR_BROKEN) breakEnterprises(entRows, ENTERPRISE_HEADER_ROW + 1);
  const entTitle: CellValue[] = [`薛城区科技型企业培育库台账（${asOfYear}年）`];
  const entValues = rectangular([entTitle, headerRow(ENTERPRISE), ...entRows]);

  // 奖励: title row, header, rows with KJ.AWARD formulas in 奖励金额（万元）.
  const a = (id: string) => colOf(AWARD, id);
  const awardHeader = headerRow(AWARD);
  const awardValues: CellValue[][] = [[`薛城区科技创新政策奖励兑现台账`], awardHeader];
  const awardFormulas: (string | null)[][] = [[null], awardHeader.map(() => null)];
  const itemL = columnLetter(a("item") + 1);
  const basisL = columnLetter(a("basis") + 1);
  const dateL = columnLetter(a("date") + 1);
  awards.forEach((line, i) => {
    const sheetRow = AWARD_HEADER_ROW + 1 + i;
    const r: CellValue[] = new Array(AWARD.fields.length).fill(null);
    const fr: (string | null)[] = new Array(AWARD.fields.length).fill(null);
    r[a("name")] = line.firm.name;
    r[a("uscc")] = line.firm.uscc;
    r[a("item")] = line.item;
    r[a("date")] = dateCell(line.day);
    r[a("basis")] = line.basis;
    r[a("amount")] = computeAward({ item: line.item, basis: line.basis, date: line.day }).amount.toNumber();
    fr[a("amount")] = `=KJ.AWARD(${itemL}${sheetRow},${basisL}${sheetRow},${dateL}${sheetRow})`;
    r[a("payStatus")] = line.paid ? "已拨付" : "待拨付";
    r[a("town")] = line.firm.town;
    awardValues.push(r);
    awardFormulas.push(fr);
  });

  // 研发费用台账: title row, header, the enterprises with R&D of 30 万元 or more (its own sequence).
  const rdRng = new Rng(seededRandom(seed + 1));
  const rdValues: CellValue[][] = [[`薛城区企业研发费用台账（${asOfYear - 1}—${asOfYear}年度）`], headerRow(RD)];
  const e = (id: string) => colOf(ENTERPRISE, id);
  for (const firm of firms) {
    const rd = firm.row[e("rd")];
    const revenue = firm.row[e("revenue")];
    if (typeof rd !== "number" || typeof revenue !== "number" || rd < 30 || firm.row[e("businessState")] !== "存续") continue;
    const smeYear = firm.row[e("smeYear")];
    rdValues.push(...rdRows(rdRng, { name: firm.name, uscc: firm.uscc, town: firm.town, rd, revenue, hitechDay: firm.hitechDay, smeYear: typeof smeYear === "number" ? smeYear : null }, asOfYear));
  }
  // Two rows a clerk has to finish (blank, so no cell is invalid for 校验): an enterprise the city
  // would fund whose last-year 研发费用 is not filled in yet, one the province would fund whose
  // 销售收入 is missing.
  const asObject = (r: CellValue[]) => Object.fromEntries(RD.fields.map((f, i) => [f.name, r[i]]));
  const ofYear = rdValues.slice(2).filter((r) => r[colOf(RD, "year")] === asOfYear);
  const cityRow = ofYear.find((r) => (rdSubsidyOf("市", asOfYear, asObject(r)).amount?.toNumber() ?? 0) > 0);
  if (cityRow) cityRow[colOf(RD, "prevRd")] = null;
  const provinceRow = ofYear.find((r) => r !== cityRow && (rdSubsidyOf("省", asOfYear, asObject(r)).amount?.toNumber() ?? 0) > 0);
  if (provinceRow) provinceRow[colOf(RD, "revenue")] = null;
  const towns = XUECHENG_TOWNS.filter((t) => firms.some((e) => e.town === t));
  const departments = ["科技", "工信", "发改", "人社"].filter((d) => platforms.some((r) => r[colOf(PLATFORM, "department")] === d));
  const allocations = allocationRows(asOfYear, towns, departments, broken && n >= MIN_ROWS_FOR_BROKEN);

  const workbook: WorkbookSnapshot = {
    sheets: [
      sheet(SAMPLE_SHEETS.enterprise, entValues),
      sheet(SAMPLE_SHEETS.platform, [headerRow(PLATFORM), ...platforms]),
      sheet(SAMPLE_SHEETS.talent, [headerRow(TALENT), ...talents]),
      sheet(SAMPLE_SHEETS.project, [headerRow(PROJECT), ...projects]),
      sheet(SAMPLE_SHEETS.award, rectangular(awardValues), rectangular(awardFormulas as CellValue[][]) as (string | null)[][]),
      sheet(SAMPLE_SHEETS.rd, rectangular(rdValues)),
      sheet(SAMPLE_ALLOCATION_SHEET, rectangular(allocations)),
    ],
    activeSheet: SAMPLE_SHEETS.enterprise,
  };
  return workbook;
}

/**
 * The broken cells a given call of generateSampleWorkbook puts in: empty with brokenRows:
 * false or fewer than 9 enterprises. Regenerates the rows (the duplicate code copies row 1's).
 */
export function sampleBrokenCells(opts: SampleOptions = {}): BrokenCell[] {
  const n = opts.enterprises ?? 300;
  if (opts.brokenRows === false || n < MIN_ROWS_FOR_BROKEN) return [];
  const rng = new Rng(seededRandom(opts.seed ?? DEFAULT_SEED));
  const names = new Set<string>();
  const codes = new Set<string>();
  const rows: CellValue[][] = [];
  for (let i = 0; i < n; i++) rows.push(enterpriseRecord(rng, names, codes, opts.asOfYear ?? DEFAULT_AS_OF_YEAR, n > 3000).row);
  return breakEnterprises(rows, ENTERPRISE_HEADER_ROW + 1);
}

/** The broken cells of the default sample (generateSampleWorkbook() with no options). */
export const SAMPLE_BROKEN_CELLS: readonly BrokenCell[] = Object.freeze(sampleBrokenCells());

/**
 * Test ledgers built directly as snapshots: valid enterprise rows with valid codes in 薛城区,
 * and small helpers to put them in a sheet. Deterministic (row i always gives the same row).
 */
import { dayFromParts, DayNumber, excelSerialFromDay } from "../../src/dates";
import { SheetSnapshot } from "../../src/host/port";
import { CellValue } from "../../src/ledger/cells";
import { ENTERPRISE } from "../../src/ledger/catalogue";
import { USCC_ALPHABET, withCheckChar } from "../../src/uscc";

export const AS_OF: DayNumber = dayFromParts(2024, 12, 31) as DayNumber;

/** A valid code in 薛城区 for number i (distinct i give distinct codes). */
export function codeFor(i: number, division = "370403"): string {
  let body = "";
  let n = i;
  for (let k = 0; k < 9; k++) {
    body = USCC_ALPHABET[n % 31] + body;
    n = Math.floor(n / 31);
  }
  return withCheckChar("91" + division + body);
}

export const ENTERPRISE_HEADER: string[] = ENTERPRISE.fields.map((f) => f.name);

const TOWNS = ["常庄街道", "临城街道", "新城街道", "巨山街道", "沙沟镇", "周营镇", "邹坞镇", "陶庄镇"];
const CATEGORIES = ["科技型中小企业", "高新技术企业", "科技小巨人企业", "科技型中小企业、高新技术企业"];
const FIELDS = ["电子信息", "新材料", "先进制造与自动化", "生物与新医药"];

function serial(y: number, m: number, d: number): number {
  return excelSerialFromDay(dayFromParts(y, m, d) as DayNumber);
}

/** One valid enterprise row by field id (values as a host would give them). */
export function enterpriseRecord(i: number): Record<string, CellValue> {
  const employees = 20 + (i % 300);
  const rdStaff = Math.floor(employees / 5);
  const revenue = 500 + (i % 9000);
  const totalIncome = revenue + 10;
  const rd3y = 100 + (i % 500);
  const regYear = 2000 + (i % 20);
  return {
    name: `薛城区测试企业${i}有限公司`,
    uscc: codeFor(i),
    town: TOWNS[i % TOWNS.length],
    industry: "装备制造",
    registeredOn: i % 2 === 0 ? serial(regYear, 1 + (i % 12), 1 + (i % 28)) : new Date(Date.UTC(regYear, i % 12, 1 + (i % 28))),
    categories: CATEGORIES[i % CATEGORIES.length],
    poolYear: 2020 + (i % 5),
    classification: "入库企业",
    businessState: "存续",
    employees,
    rdStaff,
    revenue,
    revenue3y: revenue * 3,
    totalIncome,
    hitechIncome: Math.floor(totalIncome * 0.7),
    rd: 50 + (i % 100),
    rd3y,
    rdDomestic3y: rd3y - 10,
    costTotal: revenue - 100,
    assets: 3000,
    netAssets1: 1000,
    netAssets2: 1100,
    netAssets3: 1250.5,
    sales1: 800,
    sales2: 900,
    sales3: 1000,
    netProfit1: -20,
    netProfit2: 30,
    netProfit3: 40,
    ip1: i % 3,
    ip2: i % 7,
    techField: FIELDS[i % FIELDS.length],
    conversions3y: i % 10,
    innovationScore: 60 + (i % 40),
    hitechDate: i % 3 === 0 ? serial(2022, 11, 1) : null,
    hitechCertNo: i % 3 === 0 ? `GR2022370${String(i).padStart(5, "0")}` : null,
    smeRegNo: `2024370403A${String(i).padStart(7, "0")}`,
    smeYear: 2024,
    giantDate: null,
    giantRevoked: "否",
    cityRdInstitution: i % 2 === 0 ? "是" : "否",
    provRdInstitution: "否",
    nationalAward: "否",
    leadStandard: "否",
    safetyAccident: "否",
    qualityAccident: null,
    envViolation: "否",
    dishonest: "否",
    abnormalList: "否",
    researchMisconduct: "否",
    liaisonLeader: "张三",
    remarks: null,
  };
}

/** The row of cells under ENTERPRISE_HEADER. */
export function enterpriseRow(i: number): CellValue[] {
  const r = enterpriseRecord(i);
  return ENTERPRISE.fields.map((f) => (f.id in r ? r[f.id] : null));
}

export function sheetOf(name: string, values: CellValue[][], firstRow = 1, firstCol = 1): SheetSnapshot {
  return { name, firstRow, firstCol, values };
}

/** An enterprise sheet: header on row 1, rows 2.. valid. */
export function enterpriseSheet(rows: number, name = "企业培育库"): SheetSnapshot {
  const values: CellValue[][] = [ENTERPRISE_HEADER.slice()];
  for (let i = 0; i < rows; i++) values.push(enterpriseRow(i));
  return sheetOf(name, values);
}

/** 1-based column of a field in ENTERPRISE_HEADER. */
export function enterpriseCol(id: string): number {
  return ENTERPRISE.fields.findIndex((f) => f.id === id) + 1;
}

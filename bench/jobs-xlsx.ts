/**
 * Writes the large workbooks the yearly-job commands were measured on (BENCHMARKS.md, "kj
 * upkeep / targets / awards / rdsubsidies --out"): an enterprise ledger (the kj check bench's
 * generator, every 20th code broken), an award ledger of KJ.AWARD-ready rows without amounts and
 * an R&D ledger (研发费用台账, samples/generate.ts generateRdRows).
 *
 *   npx tsx bench/jobs-xlsx.ts <folder> [rows]
 *   /usr/bin/time -v node bin/kj.js upkeep <folder>/big.xlsx --out <folder>/upkeep.xlsx --as-of 2024-12-31
 *
 * upkeep.xlsx is the same enterprise ledger with exactly one row in 50 carrying a removal cause
 * (writeUpkeepLedgerXlsx): what `npm run bench` (suite upkeep, bench/upkeep.bench.ts) times
 * `kj upkeep --remove` and `--undo` on.
 *   /usr/bin/time -v node bin/kj.js awards <folder>/awards.xlsx --out <folder>/awards-out.xlsx --as-of 2024-12-31
 */
import ExcelJS from "exceljs";
import * as fs from "fs";
import * as path from "path";
import { withCheckChar } from "../src/uscc";
import { generateRdRows } from "../samples/generate";
import { ENTERPRISE, RD } from "../src/ledger/catalogue";
import { CellValue } from "../src/ledger/cells";
import { writeLedgerXlsx } from "./check-xlsx.bench";

const AWARD_HEADER = ["名称", "统一社会信用代码", "奖励事项", "认定日期", "计算依据（万元）", "奖励金额（万元）", "拨付状态"];

/** What an award ledger of writeAwardLedgerXlsx holds, row i = 0, 1, 2, ... */
export interface AwardLedgerMix {
  /** [奖励事项, 计算依据（万元）] taken in turn (row i gets items[i % length]). */
  items: readonly (readonly [string, number | null])[];
  /** Row i is 待拨付 when i % pendingEvery === 0, else 已拨付. */
  pendingEvery: number;
  /** Row i has an item no policy knows (marked, its formula an error) when i % unknownEvery === unknownEvery - 1. */
  unknownEvery: number;
}

/** The benchmark's mix: items with and without a basis, half paid; one in 50 rows has an item no policy knows. */
export const BENCH_AWARD_MIX: AwardLedgerMix = {
  items: [
    ["高新技术企业", null],
    ["省级重点实验室", 80],
    ["院士工作站", null],
    ["获得省绩效奖励的科技创新平台", 45.5],
    ["国家技术创新中心", 260],
  ],
  pendingEvery: 2,
  unknownEvery: 50,
};

/**
 * A mix whose SUMIFS totals carry binary floating-point residue already at 2,000 rows: amounts
 * with one decimal (capped at 500, so the amount is the basis), mostly paid. Summed in binary,
 * 合计 - 已拨付 - 待拨付 is then about 1e-8 instead of 0 unless the summary rounds it (issue 14);
 * the bench mix needs about 20,000 rows for the same (8.44e-08 at 20,000).
 */
export const RESIDUE_AWARD_MIX: AwardLedgerMix = {
  items: [
    ["获得省级创新创业共同体认定", 463.7],
    ["获得省级创新创业共同体认定", 309.7],
  ],
  pendingEvery: 3,
  unknownEvery: 50,
};

/** An award ledger of `rows` rows (header in row 1), amounts left for kj awards to fill. */
export async function writeAwardLedgerXlsx(file: string, rows: number, mix: AwardLedgerMix = BENCH_AWARD_MIX): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
  const ws = wb.addWorksheet("奖励");
  ws.addRow(AWARD_HEADER).commit();
  for (let i = 0; i < rows; i++) {
    const r = awardLedgerRow(i, mix);
    const row = ws.addRow([r.name, r.code, r.item, r.date, r.basis, null, r.status]);
    row.getCell(4).style = { numFmt: "yyyy-mm-dd" };
    row.commit();
  }
  await wb.commit();
}

/** An R&D ledger (研发费用台账) of `rows` rows for the data year `year` and the year before (header in row 1). */
export async function writeRdLedgerXlsx(file: string, rows: number, year = 2024): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
  const ws = wb.addWorksheet("研发费用台账");
  ws.addRow(RD.fields.map((f) => f.name)).commit();
  const dateAt = RD.fields.findIndex((f) => f.type.t === "date");
  for (const r of generateRdRows(rows, 11, year)) {
    const row = ws.addRow(r);
    if (r[dateAt] instanceof Date) row.getCell(dateAt + 1).style = { numFmt: "yyyy-mm-dd" };
    row.commit();
  }
  await wb.commit();
}

/**
 * The causes of 建议调出 (DOMAIN §6, the pool-upkeep pack: the plan's three negative-list flags and
 * the closed business states) the upkeep bench's ledger gives its rows, taken in turn.
 */
export const UPKEEP_CAUSES: readonly (readonly [fieldId: string, value: string])[] = [
  ["abnormalList", "是"],
  ["dishonest", "是"],
  ["safetyAccident", "是"],
  ["businessState", "注销"],
  ["businessState", "吊销"],
  ["businessState", "迁出"],
];

/** One row in this many has a removal cause in the upkeep bench's ledger. */
export const UPKEEP_REMOVE_EVERY = 50;

function enterpriseColumn(id: string): number {
  const i = ENTERPRISE.fields.findIndex((f) => f.id === id);
  if (i < 0) throw new Error(`企业培育库没有字段 ${id}`);
  return i;
}

/**
 * Gives generated enterprise rows (generateEnterpriseRows, ENTERPRISE_HEADERS order) a removal
 * cause exactly on rows i with i % every === every - 1, one cause each from UPKEEP_CAUSES in turn,
 * and takes the generator's own causes (about 8% of rows) off every other row (经营状态 存续, the
 * three flags 否). Returns the 0-based indexes of the rows with a cause.
 */
export function setUpkeepCauses(data: CellValue[][], every = UPKEEP_REMOVE_EVERY): number[] {
  const state = enterpriseColumn("businessState");
  const flags = ["abnormalList", "dishonest", "safetyAccident"].map(enterpriseColumn);
  const withCause: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const row = data[i];
    row[state] = "存续";
    for (const c of flags) if (row[c] === "是") row[c] = "否";
    if (i % every === every - 1) {
      const [field, value] = UPKEEP_CAUSES[withCause.length % UPKEEP_CAUSES.length];
      row[enterpriseColumn(field)] = value;
      withCause.push(i);
    }
  }
  return withCause;
}

/**
 * The upkeep bench's ledger: writeLedgerXlsx's enterprise ledger (no broken codes) with one row in
 * `every` carrying a removal cause (setUpkeepCauses). Returns the sheet rows (header in row 1) that
 * kj upkeep must suggest for removal, and every row's 企业名称 in order, to check a removal and its undo.
 */
export async function writeUpkeepLedgerXlsx(file: string, rows: number, every = UPKEEP_REMOVE_EVERY): Promise<{ removalRows: number[]; names: string[] }> {
  const nameAt = enterpriseColumn("name");
  let removalRows: number[] = [];
  let names: string[] = [];
  await writeLedgerXlsx(file, rows, 0, 1, (data) => {
    removalRows = setUpkeepCauses(data, every).map((i) => i + 2);
    names = data.map((r) => String(r[nameAt]));
  });
  return { removalRows, names };
}

/** Row i (0-based; sheet row i + 2) of writeAwardLedgerXlsx's ledger, for tests that check what kj made of it. */
export function awardLedgerRow(i: number, mix: AwardLedgerMix = BENCH_AWARD_MIX): { name: string; code: string; item: string; date: Date; basis: number | null; status: string } {
  const [item, basis] = i % mix.unknownEvery === mix.unknownEvery - 1 ? ["不存在的事项", null] : mix.items[i % mix.items.length];
  return {
    name: `示例企业${i + 1}有限公司`,
    code: withCheckChar(`91370403${String(100000000 + i).slice(-9)}`),
    item,
    date: new Date(Date.UTC(2022 + (i % 3), i % 12, 1 + (i % 28))),
    basis,
    status: i % mix.pendingEvery === 0 ? "待拨付" : "已拨付",
  };
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  const rows = Number(process.argv[3] ?? 100_000);
  if (!dir) throw new Error("usage: npx tsx bench/jobs-xlsx.ts <folder> [rows]");
  fs.mkdirSync(dir, { recursive: true });
  await writeLedgerXlsx(path.join(dir, "big.xlsx"), rows, 20);
  await writeUpkeepLedgerXlsx(path.join(dir, "upkeep.xlsx"), rows);
  await writeAwardLedgerXlsx(path.join(dir, "awards.xlsx"), rows);
  await writeRdLedgerXlsx(path.join(dir, "rd.xlsx"), rows);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

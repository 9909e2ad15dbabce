/**
 * Writes the large workbooks the yearly-job commands were measured on (BENCHMARKS.md, "kj
 * upkeep / targets / awards / rdsubsidies --out"): an enterprise ledger (the kj check bench's
 * generator, every 20th code broken), an award ledger of KJ.AWARD-ready rows without amounts and
 * an R&D ledger (研发费用台账, samples/generate.ts generateRdRows).
 *
 *   npx tsx bench/jobs-xlsx.ts <folder> [rows]
 *   /usr/bin/time -v node bin/kj.js upkeep <folder>/big.xlsx --out <folder>/upkeep.xlsx --as-of 2024-12-31
 *   /usr/bin/time -v node bin/kj.js awards <folder>/awards.xlsx --out <folder>/awards-out.xlsx --as-of 2024-12-31
 */
import ExcelJS from "exceljs";
import * as fs from "fs";
import * as path from "path";
import { withCheckChar } from "../src/uscc";
import { generateRdRows } from "../samples/generate";
import { RD } from "../src/ledger/catalogue";
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
  await writeAwardLedgerXlsx(path.join(dir, "awards.xlsx"), rows);
  await writeRdLedgerXlsx(path.join(dir, "rd.xlsx"), rows);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

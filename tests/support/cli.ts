/**
 * Running kj in tests: main() with a captured Io and a fixed "today", a file's hash for
 * byte-identity checks, and a WorkbookSnapshot saved as .xlsx. Shared by the CLI tests.
 */
import { createHash } from "crypto";
import ExcelJS from "exceljs";
import * as fs from "fs";
import * as path from "path";
import { Io } from "../../src/cli/common";
import { main } from "../../src/cli/main";
import { DayNumber } from "../../src/dates";
import { WorkbookSnapshot } from "../../src/host/port";

export interface KjRun {
  code: number;
  out: string;
  err: string;
}

/**
 * A kj runner whose clock says `today`; each line written is joined with "\n".
 * process.exitCode is reset afterwards so a finding (exit 1) does not fail the mocha run.
 * Example: const kj = kjRunner(AS_OF); const r = await kj("check", file, "--json");
 */
export function kjRunner(today: DayNumber): (...args: string[]) => Promise<KjRun> {
  return async (...args) => {
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { out: (s) => out.push(s), err: (s) => err.push(s), today: () => today, isTTY: false };
    const code = await main(["node", "kj", ...args], io);
    process.exitCode = 0;
    return { code, out: out.join("\n"), err: err.join("\n") };
  };
}

/** SHA-256 of a file's bytes: the input of a command must come out byte-identical. */
export function sha256File(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** Saves a snapshot's values as dir/name (.xlsx, one worksheet per sheet) and returns the path. */
export async function writeSnapshotXlsx(dir: string, name: string, wb: WorkbookSnapshot): Promise<string> {
  const book = new ExcelJS.Workbook();
  for (const s of wb.sheets) {
    const ws = book.addWorksheet(s.name);
    s.values.forEach((row, r) =>
      row.forEach((v, c) => {
        if (v !== null && v !== undefined) ws.getCell(s.firstRow + r, s.firstCol + c).value = v as ExcelJS.CellValue;
      }),
    );
  }
  const file = path.join(dir, name);
  await book.xlsx.writeFile(file);
  return file;
}

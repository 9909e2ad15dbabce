/**
 * Child process of tests/hostile/hostile.test.ts: runs every kj command that takes a workbook
 * (found from the program itself, so a new command is covered the day it is added) on each
 * file, writing any output into OUT_ROOT/<file name>/, and prints one JSON line: each
 * command's exit code, stderr and time per file, and this process's peak RSS (over all files:
 * one file per process gives that file's own peak).
 *
 *   node --max-old-space-size=1024 --require tsx/cjs tests/hostile/run-case.ts OUT_ROOT FILE...
 */
import ExcelJS from "exceljs";
import * as fs from "fs";
import * as path from "path";
import { Io } from "../../src/cli/common";
import { buildProgram, main } from "../../src/cli/main";
import { dayFromParts, DayNumber } from "../../src/dates";

/** Options a command needs to take its writing path (every command also gets --as-of and --out). */
const EXTRA: Record<string, string[]> = { upkeep: ["--remove"], rdsubsidies: ["--year", "2024"] };

/** Commands that take no as-of date (kj merge judges nothing on a date). */
const NO_AS_OF = new Set(["merge"]);

/** What a command writes, when it is not a workbook. */
export const OUT_EXT: Record<string, string> = { report: ".docx" };

/** kj merge takes the file first (the workbook merged into) and a small clean ledger after it (written once into OUT_ROOT). */
async function mergePartner(outRoot: string): Promise<string> {
  const file = path.join(outRoot, "merge-partner.xlsx");
  if (fs.existsSync(file)) return file;
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("企业培育库");
  ws.addRow(["企业名称", "统一社会信用代码", "所属镇街", "注册日期", "培育类别", "入库年度"]);
  ws.addRow(["合并用公司", "91350100M000100Y43", "陶庄镇", "2020-01-01", "科小", 2024]);
  await wb.xlsx.writeFile(file);
  return file;
}

/** The commands whose first argument is a workbook (<….xlsx>). */
export function workbookCommands(): string[] {
  const quiet: Io = { out: () => undefined, err: () => undefined, today: () => 0 as DayNumber, isTTY: false };
  return buildProgram(quiet)
    .commands.filter((c) => /\.xlsx/i.test(c.registeredArguments[0]?.name() ?? ""))
    .map((c) => c.name());
}

export interface CommandRun {
  command: string;
  code: number;
  err: string;
  ms: number;
}

export interface CaseRun {
  /** By file path. */
  files: Record<string, CommandRun[]>;
  maxRssKb: number;
}

async function runOne(file: string, outDir: string, partner: string): Promise<CommandRun[]> {
  fs.mkdirSync(outDir, { recursive: true });
  const results: CommandRun[] = [];
  for (const command of workbookCommands()) {
    const err: string[] = [];
    const io: Io = { out: () => undefined, err: (s) => err.push(s), today: () => dayFromParts(2025, 1, 1) as DayNumber, isTTY: false };
    const t0 = Date.now();
    const extra = command === "merge" ? [partner] : (EXTRA[command] ?? []);
    const code = await main(["node", "kj", command, file, ...extra, ...(NO_AS_OF.has(command) ? [] : ["--as-of", "2025-01-01"]), "--out", path.join(outDir, `${command}${OUT_EXT[command] ?? ".xlsx"}`)], io);
    results.push({ command, code, err: err.join("\n"), ms: Date.now() - t0 });
  }
  return results;
}

async function runAll(outRoot: string, files: string[]): Promise<CaseRun> {
  const out: CaseRun = { files: {}, maxRssKb: 0 };
  const partner = await mergePartner(outRoot);
  for (const f of files) out.files[f] = await runOne(f, path.join(outRoot, path.basename(f)), partner);
  out.maxRssKb = process.resourceUsage().maxRSS;
  return out;
}

if (require.main === module) {
  const [outRoot, ...files] = process.argv.slice(2);
  runAll(outRoot, files).then(
    (r) => {
      process.stdout.write(JSON.stringify(r) + "\n");
      process.exitCode = 0;
    },
    (e) => {
      process.stderr.write(String(e instanceof Error ? e.stack : e));
      process.exitCode = 70;
    },
  );
}

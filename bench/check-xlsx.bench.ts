/**
 * `kj check big.xlsx --out marked.xlsx` against exceljs reading and writing the same file,
 * side by side in one run. Goals: time ratio kj/exceljs <= 1.3, kj's peak RSS <= 1.5 GB.
 *
 *   npx tsx bench/check-xlsx.bench.ts [rows]
 *
 * Both sides run as child processes of plain node (kj through bin/kj.js, exactly as a user
 * starts it, so tsx's start-up is part of its time). A preloaded script writes the child's
 * process.resourceUsage().maxRSS at exit: portable (no /usr/bin/time needed) and it measures
 * the child alone. Every 20th row has a wrong 统一社会信用代码 check character, so kj writes 5%
 * of the rows' marks (fill and note) into its copy. Rounds alternate which side goes first; the figures are medians of the rounds.
 */
import { spawnSync } from "child_process";
import ExcelJS from "exceljs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dayFromParts, DayNumber } from "../src/dates";
import { CellValue } from "../src/ledger/cells";
import { readXlsxSnapshot } from "../src/host/xlsx/file";
import { validateWorkbook } from "../src/jobs/validate";
import { ENTERPRISE_HEADERS, generateEnterpriseRows } from "../samples/generate";
import { breakCheckChars } from "./excel-adapter.bench";

const REPO = path.resolve(__dirname, "..");

export interface ChildRun {
  wallMs: number;
  cpuMs: number;
  /** Peak resident set size of the child, bytes. */
  peakRssBytes: number;
  exitCode: number | null;
}

export interface CheckXlsxBenchResult {
  rows: number;
  columns: number;
  fileBytes: number;
  rounds: number;
  /** Medians over the rounds, milliseconds. */
  kjMs: number;
  exceljsMs: number;
  /** kjMs / exceljsMs; goal <= 1.3. */
  ratio: number;
  /** Medians of CPU time (user + system) of the children: steadier than wall time on a shared machine. */
  kjCpuMs: number;
  exceljsCpuMs: number;
  cpuRatio: number;
  /** Largest peak RSS of kj over the rounds, bytes; goal <= 1.5 GB. */
  kjPeakRssBytes: number;
  exceljsPeakRssBytes: number;
  kjRuns: ChildRun[];
  exceljsRuns: ChildRun[];
  /**
   * For comparison only, not a goal: the read-only path that does not build exceljs's cell model
   * (readXlsxSnapshot, streamed) followed by the same validation, in a child process, once.
   */
  streamedCheck: (ChildRun & { errors: number; warnings: number }) | null;
  /** Issues kj reported in its first run (from --json). */
  kjErrors: number;
  kjWarnings: number;
}

/**
 * Writes a ledger of `rows` generated enterprises (header in row 1) with exceljs's streaming
 * writer; with `breakEvery` > 0 every so many rows get a wrong 统一社会信用代码 check character;
 * `prepare` may then change the generated rows (e.g. which rows have a removal cause).
 */
export async function writeLedgerXlsx(file: string, rows: number, breakEvery = 0, seed = 1, prepare?: (data: CellValue[][]) => void): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
  const ws = wb.addWorksheet("企业培育库");
  ws.addRow(ENTERPRISE_HEADERS.slice()).commit();
  const dateStyle = { numFmt: "yyyy-mm-dd" };
  // One call, so the ledger is the same one the in-memory validate bench uses (names and
  // codes are unique within one call only).
  const data = generateEnterpriseRows(rows, seed);
  if (breakEvery > 0) breakCheckChars(data, breakEvery);
  prepare?.(data);
  for (const values of data) {
    const row = ws.addRow(values.map((v) => (v === null || v === undefined ? null : v)));
    values.forEach((v, j) => {
      if (v instanceof Date) row.getCell(j + 1).style = dateStyle;
    });
    row.commit();
  }
  await wb.commit();
}

/** The preload that reports a child's own peak RSS and CPU time into $KJ_BENCH_USAGE_FILE at exit. */
export const USAGE_PRELOAD = `"use strict";
const fs = require("fs");
process.on("exit", () => {
  const u = process.resourceUsage();
  try { fs.writeFileSync(process.env.KJ_BENCH_USAGE_FILE, JSON.stringify({ maxRssKb: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 })); } catch (e) {}
});
`;

/** The baseline: exceljs opens the whole workbook and writes it back, nothing else. */
function exceljsRoundTripScript(exceljsPath: string): string {
  return `"use strict";
const ExcelJS = require(${JSON.stringify(exceljsPath)});
const [input, output] = process.argv.slice(2);
const wb = new ExcelJS.Workbook();
wb.xlsx.readFile(input).then(() => wb.xlsx.writeFile(output)).catch((e) => { console.error(e); process.exit(2); });
`;
}

export function runChild(args: string[], dir: string, stdoutFile?: string): ChildRun {
  const usageFile = path.join(dir, "usage.json");
  fs.rmSync(usageFile, { force: true });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["--require", path.join(dir, "usage-preload.cjs"), ...args], {
    cwd: REPO,
    env: { ...process.env, KJ_BENCH_USAGE_FILE: usageFile },
    stdio: ["ignore", stdoutFile ? "pipe" : "ignore", "pipe"],
    maxBuffer: 512 * 2 ** 20,
    timeout: 15 * 60_000,
  });
  const wallMs = performance.now() - t0;
  if (r.error) throw r.error;
  if (stdoutFile && r.stdout) fs.writeFileSync(stdoutFile, r.stdout);
  if (!fs.existsSync(usageFile)) {
    throw new Error(`子进程异常结束（${r.signal ?? `退出码 ${r.status}`}）：${String(r.stderr ?? "").slice(-2000)}`);
  }
  const usage = JSON.parse(fs.readFileSync(usageFile, "utf8")) as { maxRssKb: number; cpuMs: number };
  return { wallMs, cpuMs: usage.cpuMs, peakRssBytes: usage.maxRssKb * 1024, exitCode: r.status };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function benchCheckXlsx(rows = 100_000, rounds = 3, log: (s: string) => void = () => undefined): Promise<CheckXlsxBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-bench-xlsx-"));
  try {
    fs.writeFileSync(path.join(dir, "usage-preload.cjs"), USAGE_PRELOAD);
    const baseline = path.join(dir, "exceljs-roundtrip.cjs");
    fs.writeFileSync(baseline, exceljsRoundTripScript(require.resolve("exceljs")));
    const input = path.join(dir, "big.xlsx");
    const t0 = performance.now();
    // 5% of the rows broken, as in the Excel adapter case, so --out writes fills and notes.
    await writeLedgerXlsx(input, rows, 20);
    const fileBytes = fs.statSync(input).size;
    log(`  生成 ${rows} 行台账 ${(fileBytes / 1e6).toFixed(1)} MB，用时 ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const kjOut = path.join(dir, "kj-out.xlsx");
    const exOut = path.join(dir, "exceljs-out.xlsx");
    const jsonFile = path.join(dir, "kj.json");
    const firstJson = path.join(dir, "kj-first.json");
    const kj = (first: boolean): ChildRun => {
      fs.rmSync(kjOut, { force: true });
      const args = [path.join(REPO, "bin/kj.js"), "check", input, "--out", kjOut, "--as-of", "2024-12-31", "--json"];
      const run = runChild(args, dir, jsonFile);
      // The first run's report is parsed to show what kj found.
      if (first) fs.copyFileSync(jsonFile, firstJson);
      if (run.exitCode !== 0 && run.exitCode !== 1) throw new Error(`kj check 退出码 ${run.exitCode}（应为 0 或 1）`);
      if (!fs.existsSync(kjOut)) throw new Error("kj check 没有写出 --out 文件");
      return run;
    };
    const excel = (): ChildRun => {
      fs.rmSync(exOut, { force: true });
      const run = runChild([baseline, input, exOut], dir);
      if (run.exitCode !== 0) throw new Error(`exceljs 读写退出码 ${run.exitCode}`);
      return run;
    };

    const kjRuns: ChildRun[] = [];
    const exceljsRuns: ChildRun[] = [];
    for (let i = 0; i < rounds; i++) {
      // Alternate the order so neither side always runs on a warmer page cache or a quieter moment.
      if (i % 2 === 0) {
        kjRuns.push(kj(i === 0));
        exceljsRuns.push(excel());
      } else {
        exceljsRuns.push(excel());
        kjRuns.push(kj(false));
      }
      const k = kjRuns[kjRuns.length - 1];
      const e = exceljsRuns[exceljsRuns.length - 1];
      log(`  第 ${i + 1} 轮：kj check ${(k.wallMs / 1000).toFixed(1)} s（峰值 ${(k.peakRssBytes / 1e9).toFixed(2)} GB），exceljs 读写 ${(e.wallMs / 1000).toFixed(1)} s（峰值 ${(e.peakRssBytes / 1e9).toFixed(2)} GB）`);
    }
    let kjErrors = -1;
    let kjWarnings = -1;
    try {
      const doc = JSON.parse(fs.readFileSync(firstJson, "utf8")) as { counts: { error: number; warning: number } };
      kjErrors = doc.counts.error;
      kjWarnings = doc.counts.warning;
    } catch {
      // The counts are informative only.
    }
    let streamedCheck: CheckXlsxBenchResult["streamedCheck"] = null;
    try {
      const out = path.join(dir, "streamed.json");
      const run = runChild(["--require", require.resolve("tsx/cjs"), __filename, "--streamed-check", input], dir, out);
      const counts = JSON.parse(fs.readFileSync(out, "utf8")) as { errors: number; warnings: number };
      streamedCheck = { ...run, ...counts };
      log(`  对照：流式只读快照 + 校验 ${(run.wallMs / 1000).toFixed(1)} s（峰值 ${(run.peakRssBytes / 1e9).toFixed(2)} GB）`);
    } catch (e) {
      log(`  对照（流式只读快照）失败：${e instanceof Error ? e.message : String(e)}`);
    }
    const kjMs = median(kjRuns.map((r) => r.wallMs));
    const kjCpuMs = median(kjRuns.map((r) => r.cpuMs));
    const exceljsCpuMs = median(exceljsRuns.map((r) => r.cpuMs));
    const exceljsMs = median(exceljsRuns.map((r) => r.wallMs));
    return {
      rows,
      columns: ENTERPRISE_HEADERS.length,
      fileBytes,
      rounds,
      kjMs: Math.round(kjMs),
      exceljsMs: Math.round(exceljsMs),
      ratio: kjMs / exceljsMs,
      kjCpuMs: Math.round(kjCpuMs),
      exceljsCpuMs: Math.round(exceljsCpuMs),
      cpuRatio: kjCpuMs / exceljsCpuMs,
      kjPeakRssBytes: Math.max(...kjRuns.map((r) => r.peakRssBytes)),
      exceljsPeakRssBytes: Math.max(...exceljsRuns.map((r) => r.peakRssBytes)),
      kjRuns,
      exceljsRuns,
      streamedCheck,
      kjErrors,
      kjWarnings,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Child mode for the comparison: streamed read-only snapshot, then the validate job; prints the counts. */
async function streamedCheckMain(file: string): Promise<void> {
  const snapshot = await readXlsxSnapshot(file);
  const { report } = validateWorkbook(snapshot, { asOf: dayFromParts(2024, 12, 31) as DayNumber });
  const errors = report.sheets.reduce((n, s) => n + s.counts.error, 0);
  const warnings = report.sheets.reduce((n, s) => n + s.counts.warning, 0);
  process.stdout.write(JSON.stringify({ errors, warnings }));
}

if (require.main === module && process.argv[2] === "--streamed-check") {
  streamedCheckMain(process.argv[3]).catch((e) => {
    console.error(e);
    process.exitCode = 2;
  });
} else if (require.main === module) {
  const rows = Number(process.argv[2] ?? 100_000);
  benchCheckXlsx(rows, 3, (s) => console.log(s)).then(
    (r) =>
      console.log(
        `kj check ${r.rows} 行：${(r.kjMs / 1000).toFixed(1)} s，exceljs 读写 ${(r.exceljsMs / 1000).toFixed(1)} s，比值 ${r.ratio.toFixed(2)}（目标 ≤ 1.3）；` +
          `kj 峰值内存 ${(r.kjPeakRssBytes / 1e9).toFixed(2)} GB（目标 ≤ 1.5 GB）；错误 ${r.kjErrors} 个，警告 ${r.kjWarnings} 个`,
      ),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}

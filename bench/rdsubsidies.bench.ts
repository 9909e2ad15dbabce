/**
 * The 研发补助 job on a large R&D ledger (issue 15, Speed): `kj rdsubsidies rd.xlsx --year 2024
 * --out x.xlsx` against `kj check rd.xlsx --out y.xlsx` on the same file, side by side in one
 * run. Goal: the job takes at most 2x the check's time.
 *
 *   npx tsx bench/rdsubsidies.bench.ts [rows]
 *
 * The ledger (bench/jobs-xlsx.ts writeRdLedgerXlsx, samples/generate.ts generateRdRows) has
 * invented firms' rows for 2024 and, for about a third, 2023; claims typed 是/否/blank, some
 * 研发费用 typed with their unit. Both commands run as child processes of plain node through
 * bin/kj.js, as a user starts them; rounds alternate which goes first; figures are medians.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ChildRun, median, runChild, USAGE_PRELOAD } from "./check-xlsx.bench";
import { writeRdLedgerXlsx } from "./jobs-xlsx";

const REPO = path.resolve(__dirname, "..");
/** The data year the job computes (the ledger's latest year). */
export const RD_BENCH_YEAR = 2024;

export interface RdSubsidiesBenchResult {
  rows: number;
  /** Rows of RD_BENCH_YEAR (the others are of the year before and left alone). */
  rowsOfYear: number;
  fileBytes: number;
  rounds: number;
  /** Medians over the rounds, milliseconds. */
  rdMs: number;
  checkMs: number;
  /** rdMs / checkMs; goal <= 2. */
  ratio: number;
  rdCpuMs: number;
  checkCpuMs: number;
  cpuRatio: number;
  rdPeakRssBytes: number;
  checkPeakRssBytes: number;
  /** What the job reported in its first run (--json). */
  formulasWritten: number;
  provinceAmount: string;
  cityAmount: string;
  /** The job's reason when it had to recalculate the copy (null: it wrote its own cached values). */
  recalculated: string | null;
  rdRuns: ChildRun[];
  checkRuns: ChildRun[];
}

export async function benchRdSubsidies(rows = 20_000, rounds = 3, log: (s: string) => void = () => undefined): Promise<RdSubsidiesBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-bench-rd-"));
  try {
    fs.writeFileSync(path.join(dir, "usage-preload.cjs"), USAGE_PRELOAD);
    const input = path.join(dir, "rd.xlsx");
    const t0 = performance.now();
    await writeRdLedgerXlsx(input, rows, RD_BENCH_YEAR);
    const fileBytes = fs.statSync(input).size;
    log(`  生成 ${rows} 行研发费用台账 ${(fileBytes / 1e6).toFixed(1)} MB，用时 ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const rdOut = path.join(dir, "rd-out.xlsx");
    const checkOut = path.join(dir, "check-out.xlsx");
    const jsonFile = path.join(dir, "rd.json");
    let first: { formulasWritten: number; rowsOfYear: number; province: string; city: string; recalculated: string | null } | null = null;
    // Timed as a clerk runs it (--out, no --json: --json also explains every row, another cost);
    // the figures come from one more, untimed run with --json.
    const rd = (json = false): ChildRun => {
      fs.rmSync(rdOut, { force: true });
      const run = runChild([path.join(REPO, "bin/kj.js"), "rdsubsidies", input, "--year", String(RD_BENCH_YEAR), "--out", rdOut, "--as-of", "2025-03-01", ...(json ? ["--json"] : [])], dir, json ? jsonFile : undefined);
      if (run.exitCode !== 0 && run.exitCode !== 1) throw new Error(`kj rdsubsidies 退出码 ${run.exitCode}（应为 0 或 1）`);
      if (!fs.existsSync(rdOut)) throw new Error("kj rdsubsidies 没有写出 --out 文件");
      if (json) {
        const doc = JSON.parse(fs.readFileSync(jsonFile, "utf8")) as {
          formulasWritten: number;
          sheets: { rows: number }[];
          totals: { province: { amount: string }; city: { amount: string } };
          recalculated: string | null;
        };
        first = { formulasWritten: doc.formulasWritten, rowsOfYear: doc.sheets[0]?.rows ?? 0, province: String(doc.totals.province.amount), city: String(doc.totals.city.amount), recalculated: doc.recalculated };
      }
      return run;
    };
    const check = (): ChildRun => {
      fs.rmSync(checkOut, { force: true });
      const run = runChild([path.join(REPO, "bin/kj.js"), "check", input, "--out", checkOut, "--as-of", "2025-03-01"], dir);
      if (run.exitCode !== 0 && run.exitCode !== 1) throw new Error(`kj check 退出码 ${run.exitCode}（应为 0 或 1）`);
      if (!fs.existsSync(checkOut)) throw new Error("kj check 没有写出 --out 文件");
      return run;
    };

    const rdRuns: ChildRun[] = [];
    const checkRuns: ChildRun[] = [];
    for (let i = 0; i < rounds; i++) {
      // Alternate the order so neither side always runs on a warmer page cache.
      if (i % 2 === 0) {
        rdRuns.push(rd());
        checkRuns.push(check());
      } else {
        checkRuns.push(check());
        rdRuns.push(rd());
      }
      const a = rdRuns[rdRuns.length - 1];
      const b = checkRuns[checkRuns.length - 1];
      log(`  第 ${i + 1} 轮：kj rdsubsidies ${(a.wallMs / 1000).toFixed(1)} s（峰值 ${(a.peakRssBytes / 1e9).toFixed(2)} GB），kj check ${(b.wallMs / 1000).toFixed(1)} s（峰值 ${(b.peakRssBytes / 1e9).toFixed(2)} GB）`);
    }
    rd(true);
    const got = first as { formulasWritten: number; rowsOfYear: number; province: string; city: string; recalculated: string | null } | null;
    if (!got) throw new Error("kj rdsubsidies 没有运行");
    const rdMs = median(rdRuns.map((r) => r.wallMs));
    const checkMs = median(checkRuns.map((r) => r.wallMs));
    const rdCpuMs = median(rdRuns.map((r) => r.cpuMs));
    const checkCpuMs = median(checkRuns.map((r) => r.cpuMs));
    return {
      rows,
      rowsOfYear: got.rowsOfYear,
      fileBytes,
      rounds,
      rdMs: Math.round(rdMs),
      checkMs: Math.round(checkMs),
      ratio: rdMs / checkMs,
      rdCpuMs: Math.round(rdCpuMs),
      checkCpuMs: Math.round(checkCpuMs),
      cpuRatio: rdCpuMs / checkCpuMs,
      rdPeakRssBytes: Math.max(...rdRuns.map((r) => r.peakRssBytes)),
      checkPeakRssBytes: Math.max(...checkRuns.map((r) => r.peakRssBytes)),
      formulasWritten: got.formulasWritten,
      provinceAmount: got.province,
      cityAmount: got.city,
      recalculated: got.recalculated,
      rdRuns,
      checkRuns,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const rows = Number(process.argv[2] ?? 20_000);
  benchRdSubsidies(rows, 3, (s) => console.log(s)).then(
    (r) =>
      console.log(
        `kj rdsubsidies ${r.rows} 行（${r.rowsOfYear} 行是 ${RD_BENCH_YEAR} 年度，${r.formulasWritten} 个公式）：${(r.rdMs / 1000).toFixed(1)} s，` +
          `kj check --out ${(r.checkMs / 1000).toFixed(1)} s，比值 ${r.ratio.toFixed(2)}（目标 ≤ 2），按 CPU ${r.cpuRatio.toFixed(2)}；` +
          `峰值内存 ${(r.rdPeakRssBytes / 1e9).toFixed(2)} GB / ${(r.checkPeakRssBytes / 1e9).toFixed(2)} GB；合计 省级 ${r.provinceAmount} 万元，市级 ${r.cityAmount} 万元`,
      ),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}

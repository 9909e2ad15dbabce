/**
 * The awards job on a large award ledger (issue 17.1/17.4): `kj awards awards.xlsx --out x.xlsx`
 * against `kj check awards.xlsx --out y.xlsx` on the same file, side by side in one run. Goal: the
 * job takes at most 2x the check's time (at 20,000 rows), and stays under 1.5 GB peak RSS at
 * 100,000 rows. Before issue 17.1 the job recalculated the whole copy in HyperFormula to cache its
 * ~600 SUMIFS/COUNTIFS (100,000 rows: 180 s, 2.23 GB); now it writes the values it computed.
 *
 *   npx tsx bench/awards.bench.ts [rows]
 *
 * The ledger is bench/jobs-xlsx.ts writeAwardLedgerXlsx (BENCH_AWARD_MIX: five items with and
 * without a basis, half paid, one row in 50 an item no policy knows). Both commands run as child
 * processes of plain node through bin/kj.js, as a user starts them; rounds alternate which goes
 * first; figures are medians, peak RSS the largest of the rounds.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ChildRun, median, runChild, USAGE_PRELOAD } from "./check-xlsx.bench";
import { writeAwardLedgerXlsx } from "./jobs-xlsx";

const REPO = path.resolve(__dirname, "..");

export interface AwardsBenchResult {
  rows: number;
  fileBytes: number;
  rounds: number;
  /** Medians over the rounds, milliseconds. */
  awardsMs: number;
  checkMs: number;
  /** awardsMs / checkMs; goal <= 2. */
  ratio: number;
  awardsCpuMs: number;
  checkCpuMs: number;
  cpuRatio: number;
  awardsPeakRssBytes: number;
  checkPeakRssBytes: number;
  /** What the job reported in its first run (--json). */
  formulasWritten: number;
  totalAmount: string;
  /** The job's notice when it had to recalculate (null: it wrote its own cached values). */
  recalculated: string | null;
  awardsRuns: ChildRun[];
  checkRuns: ChildRun[];
}

export async function benchAwards(rows = 20_000, rounds = 3, log: (s: string) => void = () => undefined): Promise<AwardsBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-bench-awards-"));
  try {
    fs.writeFileSync(path.join(dir, "usage-preload.cjs"), USAGE_PRELOAD);
    const input = path.join(dir, "awards.xlsx");
    const t0 = performance.now();
    await writeAwardLedgerXlsx(input, rows);
    const fileBytes = fs.statSync(input).size;
    log(`  生成 ${rows} 行奖励台账 ${(fileBytes / 1e6).toFixed(1)} MB，用时 ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const awardsOut = path.join(dir, "awards-out.xlsx");
    const checkOut = path.join(dir, "check-out.xlsx");
    const jsonFile = path.join(dir, "awards.json");
    let first: { formulasWritten: number; total: string; recalculated: string | null } | null = null;
    // Timed as a clerk runs it (--out, no --json: a JSON report of every row is another cost);
    // the figures come from one more, untimed run with --json.
    const awards = (json = false): ChildRun => {
      fs.rmSync(awardsOut, { force: true });
      const run = runChild([path.join(REPO, "bin/kj.js"), "awards", input, "--out", awardsOut, "--as-of", "2024-12-31", ...(json ? ["--json"] : [])], dir, json ? jsonFile : undefined);
      if (run.exitCode !== 0 && run.exitCode !== 1) throw new Error(`kj awards 退出码 ${run.exitCode}（应为 0 或 1）`);
      if (!fs.existsSync(awardsOut)) throw new Error("kj awards 没有写出 --out 文件");
      if (json) {
        const doc = JSON.parse(fs.readFileSync(jsonFile, "utf8")) as { formulasWritten: number; totals: { total: { amountText: string } }; recalculated: string | null };
        first = { formulasWritten: doc.formulasWritten, total: doc.totals.total.amountText, recalculated: doc.recalculated };
      }
      return run;
    };
    const check = (): ChildRun => {
      fs.rmSync(checkOut, { force: true });
      const run = runChild([path.join(REPO, "bin/kj.js"), "check", input, "--out", checkOut, "--as-of", "2024-12-31"], dir);
      if (run.exitCode !== 0 && run.exitCode !== 1) throw new Error(`kj check 退出码 ${run.exitCode}（应为 0 或 1）`);
      if (!fs.existsSync(checkOut)) throw new Error("kj check 没有写出 --out 文件");
      return run;
    };

    const awardsRuns: ChildRun[] = [];
    const checkRuns: ChildRun[] = [];
    for (let i = 0; i < rounds; i++) {
      // Alternate the order so neither side always runs on a warmer page cache.
      if (i % 2 === 0) {
        awardsRuns.push(awards());
        checkRuns.push(check());
      } else {
        checkRuns.push(check());
        awardsRuns.push(awards());
      }
      const a = awardsRuns[awardsRuns.length - 1];
      const b = checkRuns[checkRuns.length - 1];
      log(`  第 ${i + 1} 轮：kj awards ${(a.wallMs / 1000).toFixed(1)} s（峰值 ${(a.peakRssBytes / 1e9).toFixed(2)} GB），kj check ${(b.wallMs / 1000).toFixed(1)} s（峰值 ${(b.peakRssBytes / 1e9).toFixed(2)} GB）`);
    }
    awards(true);
    const got = first as { formulasWritten: number; total: string; recalculated: string | null } | null;
    if (!got) throw new Error("kj awards 没有运行");
    const awardsMs = median(awardsRuns.map((r) => r.wallMs));
    const checkMs = median(checkRuns.map((r) => r.wallMs));
    const awardsCpuMs = median(awardsRuns.map((r) => r.cpuMs));
    const checkCpuMs = median(checkRuns.map((r) => r.cpuMs));
    return {
      rows,
      fileBytes,
      rounds,
      awardsMs: Math.round(awardsMs),
      checkMs: Math.round(checkMs),
      ratio: awardsMs / checkMs,
      awardsCpuMs: Math.round(awardsCpuMs),
      checkCpuMs: Math.round(checkCpuMs),
      cpuRatio: awardsCpuMs / checkCpuMs,
      awardsPeakRssBytes: Math.max(...awardsRuns.map((r) => r.peakRssBytes)),
      checkPeakRssBytes: Math.max(...checkRuns.map((r) => r.peakRssBytes)),
      formulasWritten: got.formulasWritten,
      totalAmount: got.total,
      recalculated: got.recalculated,
      awardsRuns,
      checkRuns,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const rows = Number(process.argv[2] ?? 20_000);
  benchAwards(rows, 3, (s) => console.log(s)).then(
    (r) =>
      console.log(
        `kj awards ${r.rows} 行（${r.formulasWritten} 个公式）：${(r.awardsMs / 1000).toFixed(1)} s，kj check --out ${(r.checkMs / 1000).toFixed(1)} s，` +
          `比值 ${r.ratio.toFixed(2)}（目标 ≤ 2），按 CPU ${r.cpuRatio.toFixed(2)}；峰值内存 ${(r.awardsPeakRssBytes / 1e9).toFixed(2)} GB / ${(r.checkPeakRssBytes / 1e9).toFixed(2)} GB；合计 ${r.totalAmount} 万元`,
      ),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}

/**
 * Benchmark of KJ.ELIGIBLE over a generated 100,000-row enterprise ledger with one header row
 * (the column mapping is computed once and reused). Target: >= 500,000 verdicts/s on one core.
 *
 *   npx tsx bench/eligibility.bench.ts [rows]
 *
 * Each row goes through fxEligible exactly as a sheet formula would: header and row as
 * single-row 2-D arrays, the as-of date passed by the host. An unknown verdict is #N/A, i.e. a
 * thrown KjError whose message names what is missing (built by the full explanation), so the
 * figure includes those rows' cost too; the share of each outcome is printed.
 *
 * Recorded 2026-11-28 on the shared 2-core build machine (other jobs running: wall time varies,
 * CPU time is the steadier figure), 100,000 generated rows × 53 columns, best of 5 runs:
 *   科小:   147–151 ms CPU  ->  ~660,000–680,000 verdicts per CPU second (wall 147–224 ms)
 *   高企:   166–171 ms CPU  ->  ~585,000–600,000 verdicts per CPU second (about 6% are #N/A
 *           "需专家评价", each with its message built)
 *   小巨人:  43–59 ms CPU   ->  ~1,700,000–2,350,000 verdicts per CPU second
 */
import { dayFromParts, DayNumber } from "../src/dates";
import { isKjError } from "../src/errors";
import { fxEligible } from "../src/fx/eligibility";
import { ENTERPRISE_HEADERS, generateEnterpriseRows } from "../samples/generate";
import { timed } from "./timing";

export interface EligibilityBenchFigure {
  category: string;
  rows: number;
  /** Best of the runs. */
  wallMs: number;
  cpuMs: number;
  verdictsPerSecond: number;
  verdictsPerCpuSecond: number;
  eligible: number;
  notEligible: number;
  unknown: number;
}

export interface EligibilityBenchResult {
  sme: EligibilityBenchFigure;
  hitech: EligibilityBenchFigure;
  giant: EligibilityBenchFigure;
}

function benchCategory(category: string, header: unknown[][], rows: unknown[][][], asOf: DayNumber, runs: number): EligibilityBenchFigure {
  let yes = 0;
  let no = 0;
  let unknown = 0;
  const pass = (): void => {
    yes = no = unknown = 0;
    for (let i = 0; i < rows.length; i++) {
      try {
        if (fxEligible(category, header, rows[i], undefined, asOf)) yes++;
        else no++;
      } catch (e) {
        if (isKjError(e) && e.kind === "na") unknown++;
        else throw e;
      }
    }
  };
  pass(); // warm-up
  let wall = Infinity;
  let cpu = Infinity;
  for (let r = 0; r < runs; r++) {
    const t = timed(pass);
    wall = Math.min(wall, t.wall);
    cpu = Math.min(cpu, t.cpu);
  }
  return {
    category,
    rows: rows.length,
    wallMs: Math.round(wall),
    cpuMs: Math.round(cpu),
    verdictsPerSecond: Math.round((rows.length / wall) * 1000),
    verdictsPerCpuSecond: Math.round((rows.length / Math.max(cpu, 1)) * 1000),
    eligible: yes,
    notEligible: no,
    unknown,
  };
}

/** Measures fxEligible for 科小, 高企 and 小巨人; returns the best of `runs` runs each (after a warm-up). */
export function benchEligibility(rowCount = 100_000, runs = 5, asOf: DayNumber = dayFromParts(2024, 12, 31) as DayNumber): EligibilityBenchResult {
  const header = [ENTERPRISE_HEADERS.slice()];
  // Single-row 2-D arrays, as a range argument arrives.
  const rows = generateEnterpriseRows(rowCount).map((r) => [r]);
  return {
    sme: benchCategory("科小", header, rows, asOf, runs),
    hitech: benchCategory("高企", header, rows, asOf, runs),
    giant: benchCategory("小巨人", header, rows, asOf, runs),
  };
}

if (require.main === module) {
  const n = Number(process.argv[2] ?? 100_000);
  const result = benchEligibility(n);
  for (const f of [result.sme, result.hitech, result.giant]) {
    console.log(
      `${f.category}: ${f.rows} rows in ${f.wallMs} ms wall / ${f.cpuMs} ms CPU -> ${f.verdictsPerSecond.toLocaleString("en")} verdicts/s ` +
        `(${f.verdictsPerCpuSecond.toLocaleString("en")} per CPU second); TRUE ${f.eligible}, FALSE ${f.notEligible}, #N/A ${f.unknown}`,
    );
  }
}

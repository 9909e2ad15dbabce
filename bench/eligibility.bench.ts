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
 * Measured twice on the same rows: bundled by esbuild as the shipped code is (bench/bundled.ts),
 * which is the figure held against the goal, and under tsx, recorded beside it. tsx turns every
 * read of another module's export into a getter call; since the rules were split into a kernel
 * and one file per recognition, that costs a quarter to a third under tsx and nothing in the shipped code.
 * Both runs must count the same outcomes. Figures: BENCHMARKS.md.
 */
import { dayFromParts, DayNumber } from "../src/dates";
import { ENTERPRISE_HEADERS, generateEnterpriseRows } from "../samples/generate";
import { requireBundled } from "./bundled";
import { eligibilityPass } from "./eligibility-pass";
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
  /** The code as shipped (bundled): the figures held against the goal. */
  sme: EligibilityBenchFigure;
  hitech: EligibilityBenchFigure;
  giant: EligibilityBenchFigure;
  /** The same under tsx (development loader, a getter call per cross-module read): recorded, no goal. */
  unbundled: { sme: EligibilityBenchFigure; hitech: EligibilityBenchFigure; giant: EligibilityBenchFigure };
}

type Pass = typeof eligibilityPass;

function benchCategory(pass: Pass, category: string, header: unknown[][], rows: unknown[][][], asOf: DayNumber, runs: number): EligibilityBenchFigure {
  let counts = pass(category, header, rows, asOf); // warm-up
  let wall = Infinity;
  let cpu = Infinity;
  for (let r = 0; r < runs; r++) {
    const t = timed(() => {
      counts = pass(category, header, rows, asOf);
    });
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
    ...counts,
  };
}

/**
 * Measures fxEligible for 科小, 高企 and 小巨人, bundled as shipped and under tsx; returns the best
 * of `runs` runs each (after a warm-up). Both must count the same outcomes.
 */
export function benchEligibility(rowCount = 100_000, runs = 5, asOf: DayNumber = dayFromParts(2024, 12, 31) as DayNumber): EligibilityBenchResult {
  const header = [ENTERPRISE_HEADERS.slice()];
  // Single-row 2-D arrays, as a range argument arrives.
  const rows = generateEnterpriseRows(rowCount).map((r) => [r]);
  const bundled = requireBundled<typeof import("./eligibility-pass")>("bench/eligibility-pass.ts").eligibilityPass;
  const all = (pass: Pass) => ({
    sme: benchCategory(pass, "科小", header, rows, asOf, runs),
    hitech: benchCategory(pass, "高企", header, rows, asOf, runs),
    giant: benchCategory(pass, "小巨人", header, rows, asOf, runs),
  });
  const shipped = all(bundled);
  const unbundled = all(eligibilityPass);
  for (const k of ["sme", "hitech", "giant"] as const) {
    const a = shipped[k];
    const b = unbundled[k];
    if (a.eligible !== b.eligible || a.notEligible !== b.notEligible || a.unknown !== b.unknown) {
      throw new Error(`${a.category}：打包后与 tsx 下的判定结果不同（${a.eligible}/${a.notEligible}/${a.unknown} 与 ${b.eligible}/${b.notEligible}/${b.unknown}）`);
    }
  }
  return { ...shipped, unbundled };
}

if (require.main === module) {
  const n = Number(process.argv[2] ?? 100_000);
  const result = benchEligibility(n);
  const line = (f: EligibilityBenchFigure, how: string): string =>
    `${f.category}（${how}）: ${f.rows} rows in ${f.wallMs} ms wall / ${f.cpuMs} ms CPU -> ${f.verdictsPerSecond.toLocaleString("en")} verdicts/s ` +
    `(${f.verdictsPerCpuSecond.toLocaleString("en")} per CPU second); TRUE ${f.eligible}, FALSE ${f.notEligible}, #N/A ${f.unknown}`;
  for (const k of ["sme", "hitech", "giant"] as const) {
    console.log(line(result[k], "打包，如发布"));
    console.log(line(result.unbundled[k], "tsx"));
  }
}

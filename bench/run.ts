/**
 * npm run bench: every benchmark of issue 8 on generated data, a table of the figures against
 * their goals, and bench/results.json with the machine and the date they came from.
 *
 *   npm run bench                         full sizes; writes bench/results.json
 *   npm run bench -- --quick              small sizes while developing; writes nothing
 *   npm run bench -- --only xlsx,bundle   re-runs some suites and merges them into results.json
 *   npm run bench -- --out other.json     writes there instead
 *
 * Each suite runs in its own child process: a crash, an out-of-memory or a thrown error in one
 * is reported in its row and the others still run; and one suite's garbage or JIT state does
 * not colour the next one's timing. The harness may read the clock; the core never does.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { benchBundle } from "./bundle.bench";
import { benchCheckXlsx } from "./check-xlsx.bench";
import { benchCli } from "./cli.bench";
import { AwardsBenchResult, benchAwards } from "./awards.bench";
import { benchRdSubsidies } from "./rdsubsidies.bench";
import { benchUpkeep, UpkeepBenchResult } from "./upkeep.bench";
import { benchEligibility } from "./eligibility.bench";
import { benchExcelAdapter } from "./excel-adapter.bench";
import { benchHyperformula } from "./hyperformula.bench";
import { runScript } from "./timing";
import { benchValidate } from "./validate.bench";

export const RESULTS_FILE = path.join(__dirname, "results.json");

export const SUITE_IDS = ["validate", "eligible", "hyperformula", "xlsx", "excel", "bundle", "cli", "awards", "rdsubsidies", "upkeep"] as const;
export type SuiteId = (typeof SUITE_IDS)[number];

/** Problem sizes; the recorded figures use FULL_SIZES. */
export interface Sizes {
  validateRows: number;
  validateRuns: number;
  eligibleRows: number;
  eligibleRuns: number;
  hyperformulaRows: number;
  hyperformulaRounds: number;
  xlsxRows: number;
  xlsxRounds: number;
  excelRows: number;
  /** Rounds of the start-up comparison (kj award against node -e 0). */
  cliRounds: number;
  /** kj awards --out vs kj check --out: the goal's size and the large one (peak RSS). */
  awardsRows: number;
  awardsLargeRows: number;
  /** kj rdsubsidies --out vs kj check --out. */
  rdRows: number;
  jobRounds: number;
  /** kj upkeep --remove, then --undo on its result, with kj check --out on the same ledger (peak RSS). */
  upkeepRows: number;
  upkeepRounds: number;
}

export const FULL_SIZES: Sizes = {
  validateRows: 100_000,
  validateRuns: 5,
  eligibleRows: 100_000,
  eligibleRuns: 5,
  hyperformulaRows: 50_000,
  hyperformulaRounds: 3,
  xlsxRows: 100_000,
  xlsxRounds: 3,
  excelRows: 100_000,
  cliRounds: 21,
  awardsRows: 20_000,
  awardsLargeRows: 100_000,
  rdRows: 20_000,
  jobRounds: 3,
  upkeepRows: 100_000,
  upkeepRounds: 1,
};

export const QUICK_SIZES: Sizes = {
  validateRows: 10_000,
  validateRuns: 3,
  eligibleRows: 10_000,
  eligibleRuns: 3,
  hyperformulaRows: 5_000,
  hyperformulaRounds: 3,
  xlsxRows: 5_000,
  xlsxRounds: 3,
  excelRows: 10_000,
  cliRounds: 5,
  awardsRows: 2_000,
  awardsLargeRows: 5_000,
  rdRows: 2_000,
  jobRounds: 1,
  upkeepRows: 2_000,
  upkeepRounds: 1,
};

export type Unit = "rows/s" | "verdicts/s" | "ratio" | "bytes" | "syncs";

export interface Measure {
  /** Stable key, e.g. "xlsx.timeRatio"; bench:check matches on it. */
  id: string;
  case: string;
  measure: string;
  unit: Unit;
  value: number | null;
  /** Null: a figure recorded without a goal (e.g. a time ratio kept for comparison). */
  goal: { op: ">=" | "<="; limit: number; text: string } | null;
  /** Null when there is no value or no goal. */
  met: boolean | null;
  /**
   * What bench:check compares between runs, and which way is better. For throughput it is the
   * per-CPU-second figure: on a shared machine wall time mostly measures the neighbours.
   */
  compare: { value: number; better: "higher" | "lower"; label: string } | null;
}

export interface SuiteResult {
  suite: SuiteId;
  date: string;
  /** os.loadavg() (1, 5, 15 minutes) when the suite started. */
  loadavg: number[];
  durationMs: number;
  measures: Measure[];
  /** The suite's full figures (per-run times, file sizes, counts). */
  details: unknown;
  error?: string;
}

export interface MachineInfo {
  os: string;
  cpuModel: string;
  cpus: number;
  totalMemoryBytes: number;
  node: string;
}

export interface BenchResults {
  date: string;
  machine: MachineInfo;
  quick: boolean;
  sizes: Sizes;
  suites: SuiteResult[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cpus: cpus.length,
    totalMemoryBytes: os.totalmem(),
    node: process.version,
  };
}

export function measure(m: Omit<Measure, "met">): Measure {
  const met = m.value === null || m.goal === null ? null : m.goal.op === ">=" ? m.value >= m.goal.limit : m.value <= m.goal.limit;
  return { ...m, met };
}

// ------------------------------------------------------------------ the suites (child side)

const GB = 1e9;
const MB = 1e6;

async function runSuite(id: SuiteId, sizes: Sizes, log: (s: string) => void): Promise<{ measures: Measure[]; details: unknown }> {
  switch (id) {
    case "validate": {
      const r = benchValidate(sizes.validateRows, sizes.validateRuns);
      return {
        details: r,
        measures: [
          measure({
            id: "validate.rowsPerSecond",
            case: `校验作业，企业培育库 ${r.rows.toLocaleString("en")} 行，内存宿主`,
            measure: "行/秒",
            unit: "rows/s",
            value: r.rowsPerSecond,
            goal: { op: ">=", limit: 200_000, text: ">= 200,000" },
            compare: { value: r.rowsPerCpuSecond, better: "higher", label: "行/CPU 秒" },
          }),
        ],
      };
    }
    case "eligible": {
      const r = benchEligibility(sizes.eligibleRows, sizes.eligibleRuns);
      const one = (key: "sme" | "hitech", name: string): Measure => {
        const f = r[key];
        return measure({
          id: `eligible.${key}.verdictsPerSecond`,
          case: `KJ.ELIGIBLE ${name}，列映射已缓存，打包后（如发布），${f.rows.toLocaleString("en")} 行`,
          measure: "判定/秒",
          unit: "verdicts/s",
          value: f.verdictsPerSecond,
          goal: { op: ">=", limit: 500_000, text: ">= 500,000" },
          compare: { value: f.verdictsPerCpuSecond, better: "higher", label: "判定/CPU 秒" },
        });
      };
      // The same code under tsx: recorded beside it, without a goal (see eligibility.bench.ts).
      const unbundled = (key: "sme" | "hitech", name: string): Measure => {
        const f = r.unbundled[key];
        return measure({
          id: `eligible.${key}.tsxVerdictsPerSecond`,
          case: `KJ.ELIGIBLE ${name}，同上，tsx 下未打包`,
          measure: "判定/秒",
          unit: "verdicts/s",
          value: f.verdictsPerSecond,
          goal: null,
          compare: { value: f.verdictsPerCpuSecond, better: "higher", label: "判定/CPU 秒" },
        });
      };
      return { details: r, measures: [one("sme", "科小"), one("hitech", "高企"), unbundled("sme", "科小"), unbundled("hitech", "高企")] };
    }
    case "hyperformula": {
      const r = benchHyperformula(sizes.hyperformulaRows, sizes.hyperformulaRounds);
      if (!r.sameResults) throw new Error("KJ.AWARD 与原生 IF/MIN 公式的结果不一致，比值没有意义");
      return {
        details: r,
        measures: [
          measure({
            id: "hyperformula.timeRatio",
            case: `HyperFormula，${r.rows.toLocaleString("en")} 行 =KJ.AWARD 对比原生 IF/MIN`,
            measure: "时间比 KJ/原生",
            unit: "ratio",
            value: r.ratio,
            goal: { op: "<=", limit: 1.0, text: "<= 1.0" },
            compare: { value: r.ratio, better: "lower", label: "时间比" },
          }),
        ],
      };
    }
    case "xlsx": {
      const r = await benchCheckXlsx(sizes.xlsxRows, sizes.xlsxRounds, log);
      const what = `kj check --out，${r.rows.toLocaleString("en")} 行 .xlsx`;
      return {
        details: r,
        measures: [
          measure({
            id: "xlsx.timeRatio",
            case: `${what} 对比 exceljs 读写同一文件`,
            measure: "时间比 kj/exceljs",
            unit: "ratio",
            value: r.ratio,
            goal: { op: "<=", limit: 1.3, text: "<= 1.3" },
            compare: { value: r.ratio, better: "lower", label: "时间比" },
          }),
          measure({
            id: "xlsx.peakRss",
            case: `${what}（同一次运行）`,
            measure: "峰值 RSS",
            unit: "bytes",
            value: r.kjPeakRssBytes,
            goal: { op: "<=", limit: 1.5 * GB, text: "<= 1.5 GB" },
            compare: { value: r.kjPeakRssBytes, better: "lower", label: "峰值 RSS" },
          }),
        ],
      };
    }
    case "awards": {
      const small = await benchAwards(sizes.awardsRows, sizes.jobRounds, log);
      const large = await benchAwards(sizes.awardsLargeRows, sizes.jobRounds, log);
      const what = (r: AwardsBenchResult) => `kj awards --out，${r.rows.toLocaleString("en")} 行奖励台账`;
      const ratio = (id: string, r: AwardsBenchResult) =>
        measure({
          id,
          case: `${what(r)} 对比同一文件 kj check --out`,
          measure: "时间比 awards/check",
          unit: "ratio",
          value: r.ratio,
          goal: { op: "<=", limit: 2, text: "<= 2" },
          compare: { value: r.ratio, better: "lower", label: "时间比" },
        });
      return {
        details: { small, large },
        measures: [
          ratio("awards.timeRatio", small),
          ratio("awards.large.timeRatio", large),
          measure({
            id: "awards.large.peakRss",
            case: `${what(large)}（同一次运行）`,
            measure: "峰值 RSS",
            unit: "bytes",
            value: large.awardsPeakRssBytes,
            goal: { op: "<=", limit: 1.5 * GB, text: "<= 1.5 GB" },
            compare: { value: large.awardsPeakRssBytes, better: "lower", label: "峰值 RSS" },
          }),
        ],
      };
    }
    case "rdsubsidies": {
      const r = await benchRdSubsidies(sizes.rdRows, sizes.jobRounds, log);
      const what = `kj rdsubsidies --out，${r.rows.toLocaleString("en")} 行研发费用台账`;
      return {
        details: r,
        measures: [
          measure({
            id: "rdsubsidies.timeRatio",
            case: `${what} 对比同一文件 kj check --out`,
            measure: "时间比 rdsubsidies/check",
            unit: "ratio",
            value: r.ratio,
            goal: { op: "<=", limit: 2, text: "<= 2" },
            compare: { value: r.ratio, better: "lower", label: "时间比" },
          }),
          measure({
            id: "rdsubsidies.peakRss",
            case: `${what}（同一次运行）`,
            measure: "峰值 RSS",
            unit: "bytes",
            value: r.rdPeakRssBytes,
            goal: { op: "<=", limit: 1.5 * GB, text: "<= 1.5 GB" },
            compare: { value: r.rdPeakRssBytes, better: "lower", label: "峰值 RSS" },
          }),
        ],
      };
    }
    case "upkeep": {
      // A record made before this suite existed has no upkeepRows (bench:check reuses its sizes).
      const r = await benchUpkeep(sizes.upkeepRows ?? FULL_SIZES.upkeepRows, sizes.upkeepRounds ?? FULL_SIZES.upkeepRounds, log);
      return { details: r, measures: upkeepMeasures(r) };
    }
    case "excel": {
      const r = await benchExcelAdapter(sizes.excelRows);
      const what = `Excel 适配器校验 ${r.rows.toLocaleString("en")} 行并标记 ${((r.markedRows / r.rows) * 100).toFixed(0)}%（计数模拟）`;
      return {
        details: r,
        measures: [
          measure({
            id: "excel.syncs",
            case: what,
            measure: "context.sync 次数",
            unit: "syncs",
            value: r.syncs,
            goal: { op: "<=", limit: r.allowedSyncs, text: `<= 10 + 每 4 MB 一次（= ${r.allowedSyncs}）` },
            compare: { value: r.syncs, better: "lower", label: "sync 次数" },
          }),
          measure({
            id: "excel.largestRequest",
            case: what,
            measure: "最大请求",
            unit: "bytes",
            value: r.largestRequestBytes,
            goal: { op: "<=", limit: 4 * MB, text: "<= 4 MB" },
            compare: { value: r.largestRequestBytes, better: "lower", label: "最大请求" },
          }),
        ],
      };
    }
    case "bundle": {
      const r = benchBundle();
      return {
        details: r,
        measures: [
          measure({
            id: "bundle.gzipBytes",
            case: "生产包（任务窗格 + 自定义函数，不含 office.js）",
            measure: "gzip 大小",
            unit: "bytes",
            value: r.gzipBytes,
            goal: { op: "<=", limit: 250_000, text: "<= 250 KB" },
            compare: { value: r.gzipBytes, better: "lower", label: "gzip 大小" },
          }),
        ],
      };
    }
    case "cli": {
      // A record made before this suite existed has no cliRounds (bench:check reuses its sizes).
      const r = benchCli(sizes.cliRounds ?? FULL_SIZES.cliRounds, log);
      const what = `命令行启动：\`node bin/kj.js award 高企 --json\` 对比 \`node -e 0\`，${r.rounds} 轮交替`;
      return {
        details: r,
        measures: [
          measure({
            id: "cli.startRatio",
            case: what,
            measure: "时间比 kj/node",
            unit: "ratio",
            value: r.ratio,
            goal: { op: "<=", limit: 3, text: "<= 3.0" },
            compare: { value: r.cpuRatio, better: "lower", label: "CPU 时间比" },
          }),
          measure({
            id: "cli.peakRss",
            case: `${what}（同一次运行）`,
            measure: "峰值 RSS",
            unit: "bytes",
            value: r.kj.peakRssBytes,
            goal: { op: "<=", limit: 3 * r.bare.peakRssBytes, text: `<= 3 × node -e 0（= ${formatValue("bytes", 3 * r.bare.peakRssBytes)}）` },
            compare: { value: r.kj.peakRssBytes, better: "lower", label: "峰值 RSS" },
          }),
        ],
      };
    }
  }
}

/** The upkeep suite's figures: peak RSS of --remove and --undo against the goal, their times against kj check --out (no goal). */
export function upkeepMeasures(r: UpkeepBenchResult): Measure[] {
  const what = `kj upkeep，${r.rows.toLocaleString("en")} 行企业培育库（每 ${r.removeEvery} 行调出 1 行，共 ${r.expectedRemovals.toLocaleString("en")} 行）`;
  const rss = (id: string, flag: string, value: number) =>
    measure({
      id,
      case: `${what}：${flag}`,
      measure: "峰值 RSS",
      unit: "bytes",
      value,
      goal: { op: "<=", limit: 1.5 * GB, text: "<= 1.5 GB" },
      compare: { value, better: "lower", label: "峰值 RSS" },
    });
  // bench:check compares the CPU-time ratio: with one round on a shared machine the wall-clock one mostly measures the neighbours.
  const ratio = (id: string, flag: string, name: string, value: number, cpu: number) =>
    measure({
      id,
      case: `${what}：${flag} 对比同一文件 kj check --out`,
      measure: `时间比 ${name}/check`,
      unit: "ratio",
      value,
      goal: null,
      compare: { value: cpu, better: "lower", label: "CPU 时间比" },
    });
  return [
    rss("upkeep.remove.peakRss", "--remove", r.removePeakRssBytes),
    rss("upkeep.undo.peakRss", "--undo（在调出结果上）", r.undoPeakRssBytes),
    ratio("upkeep.remove.timeRatio", "--remove", "remove", r.removeRatio, r.removeCpuRatio),
    ratio("upkeep.undo.timeRatio", "--undo", "undo", r.undoRatio, r.undoCpuRatio),
  ];
}

/** What the table shows in the goal column of a figure recorded without a goal. */
export const NO_GOAL = "不设目标（只记录）";

/** The measures a suite would have produced, valued null: what a failed suite reports. */
export const SUITE_MEASURES: Record<SuiteId, [id: string, caseText: string, measure: string, unit: Unit, goal: string][]> = {
  validate: [["validate.rowsPerSecond", "校验作业，企业培育库，内存宿主", "行/秒", "rows/s", ">= 200,000"]],
  eligible: [
    ["eligible.sme.verdictsPerSecond", "KJ.ELIGIBLE 科小，列映射已缓存，打包后（如发布）", "判定/秒", "verdicts/s", ">= 500,000"],
    ["eligible.hitech.verdictsPerSecond", "KJ.ELIGIBLE 高企，列映射已缓存，打包后（如发布）", "判定/秒", "verdicts/s", ">= 500,000"],
    ["eligible.sme.tsxVerdictsPerSecond", "KJ.ELIGIBLE 科小，同上，tsx 下未打包", "判定/秒", "verdicts/s", NO_GOAL],
    ["eligible.hitech.tsxVerdictsPerSecond", "KJ.ELIGIBLE 高企，同上，tsx 下未打包", "判定/秒", "verdicts/s", NO_GOAL],
  ],
  hyperformula: [["hyperformula.timeRatio", "HyperFormula =KJ.AWARD 对比原生 IF/MIN", "时间比 KJ/原生", "ratio", "<= 1.0"]],
  xlsx: [
    ["xlsx.timeRatio", "kj check --out 对比 exceljs 读写", "时间比 kj/exceljs", "ratio", "<= 1.3"],
    ["xlsx.peakRss", "kj check --out（同一次运行）", "峰值 RSS", "bytes", "<= 1.5 GB"],
  ],
  excel: [
    ["excel.syncs", "Excel 适配器校验并标记 5%（计数模拟）", "context.sync 次数", "syncs", "<= 10 + 每 4 MB 一次"],
    ["excel.largestRequest", "Excel 适配器校验并标记 5%（计数模拟）", "最大请求", "bytes", "<= 4 MB"],
  ],
  bundle: [["bundle.gzipBytes", "生产包（任务窗格 + 自定义函数，不含 office.js）", "gzip 大小", "bytes", "<= 250 KB"]],
  cli: [
    ["cli.startRatio", "命令行启动：kj award 对比 node -e 0", "时间比 kj/node", "ratio", "<= 3.0"],
    ["cli.peakRss", "命令行启动（同一次运行）", "峰值 RSS", "bytes", "<= 3 × node -e 0"],
  ],
  awards: [
    ["awards.timeRatio", "kj awards --out 对比同一文件 kj check --out", "时间比 awards/check", "ratio", "<= 2"],
    ["awards.large.timeRatio", "kj awards --out 对比同一文件 kj check --out（大文件）", "时间比 awards/check", "ratio", "<= 2"],
    ["awards.large.peakRss", "kj awards --out（大文件，同一次运行）", "峰值 RSS", "bytes", "<= 1.5 GB"],
  ],
  rdsubsidies: [
    ["rdsubsidies.timeRatio", "kj rdsubsidies --out 对比同一文件 kj check --out", "时间比 rdsubsidies/check", "ratio", "<= 2"],
    ["rdsubsidies.peakRss", "kj rdsubsidies --out（同一次运行）", "峰值 RSS", "bytes", "<= 1.5 GB"],
  ],
  upkeep: [
    ["upkeep.remove.peakRss", "kj upkeep，企业培育库：--remove", "峰值 RSS", "bytes", "<= 1.5 GB"],
    ["upkeep.undo.peakRss", "kj upkeep，企业培育库：--undo（在调出结果上）", "峰值 RSS", "bytes", "<= 1.5 GB"],
    ["upkeep.remove.timeRatio", "kj upkeep，企业培育库：--remove 对比同一文件 kj check --out", "时间比 remove/check", "ratio", NO_GOAL],
    ["upkeep.undo.timeRatio", "kj upkeep，企业培育库：--undo 对比同一文件 kj check --out", "时间比 undo/check", "ratio", NO_GOAL],
  ],
};

export function failedMeasures(id: SuiteId): Measure[] {
  return SUITE_MEASURES[id].map(([mid, caseText, m, unit, goal]) => ({
    id: mid,
    case: caseText,
    measure: m,
    unit,
    value: null,
    goal: goal === NO_GOAL ? null : { op: goal.startsWith(">=") ? ">=" : "<=", limit: NaN, text: goal },
    met: null,
    compare: null,
  }));
}

// ------------------------------------------------------------------ the parent side

/** Runs one suite in a child process (node + tsx) and returns what it reported, or the failure. */
export function runSuiteIsolated(id: SuiteId, sizes: Sizes, log: (s: string) => void = (s) => console.log(s)): SuiteResult {
  const date = new Date().toISOString();
  const loadavg = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-bench-suite-"));
  const resultFile = path.join(dir, "result.json");
  const t0 = performance.now();
  try {
    const r = spawnSync(process.execPath, ["--require", require.resolve("tsx/cjs"), __filename, "--suite", id, "--sizes", JSON.stringify(sizes), "--result-file", resultFile], {
      cwd: path.resolve(__dirname, ".."),
      stdio: ["ignore", "inherit", "inherit"],
      timeout: 60 * 60_000,
    });
    const durationMs = Math.round(performance.now() - t0);
    if (fs.existsSync(resultFile)) {
      const got = JSON.parse(fs.readFileSync(resultFile, "utf8")) as { measures?: Measure[]; details?: unknown; error?: string };
      if (got.error === undefined && got.measures) return { suite: id, date, loadavg, durationMs, measures: got.measures, details: got.details };
      return { suite: id, date, loadavg, durationMs, measures: failedMeasures(id), details: null, error: got.error ?? "没有结果" };
    }
    const why = r.error ? r.error.message : r.signal ? `被信号 ${r.signal} 终止` : `退出码 ${r.status}`;
    log(`  ${id} 失败：${why}`);
    return { suite: id, date, loadavg, durationMs, measures: failedMeasures(id), details: null, error: `子进程没有写出结果（${why}）` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function runSuites(ids: readonly SuiteId[], sizes: Sizes, log: (s: string) => void = (s) => console.log(s)): SuiteResult[] {
  const out: SuiteResult[] = [];
  for (const id of ids) {
    log(`== ${id}（负载 ${os.loadavg().map((x) => x.toFixed(2)).join(" / ")}）`);
    const r = runSuiteIsolated(id, sizes, log);
    log(r.error ? `  失败：${r.error}` : `  完成，用时 ${(r.durationMs / 1000).toFixed(0)} s`);
    out.push(r);
  }
  return out;
}

/** A value in the unit it reads best in. */
export function formatValue(unit: Unit, v: number | null, measureId = ""): string {
  if (v === null || !Number.isFinite(v)) return "—";
  switch (unit) {
    case "rows/s":
    case "verdicts/s":
      return Math.round(v).toLocaleString("en");
    case "ratio":
      return v.toFixed(2);
    case "syncs":
      return String(v);
    case "bytes":
      if (measureId.startsWith("bundle")) return `${(v / 1000).toFixed(1)} KB`;
      if (v >= GB / 2) return `${(v / GB).toFixed(2)} GB`;
      return `${(v / MB).toFixed(2)} MB`;
  }
}

/** Terminal columns of a string: CJK and full-width forms take two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) ? 2 : 1;
  }
  return w;
}

export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ""))));
  const line = (cells: string[]) => cells.map((c, i) => c + " ".repeat(widths[i] - displayWidth(c))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function resultsTable(suites: readonly SuiteResult[]): string {
  const rows = suites.flatMap((s) =>
    s.measures.map((m) => [
      m.case,
      m.measure,
      formatValue(m.unit, m.value, m.id),
      m.goal?.text ?? NO_GOAL,
      s.error !== undefined || m.value === null ? `出错：${s.error ?? "无结果"}` : m.goal === null ? "已记录" : m.met ? "达到" : "未达到",
    ]),
  );
  return formatTable(["案例", "度量", "数值", "目标", "结果"], rows);
}

function parseArgs(argv: string[]): { quick: boolean; only: SuiteId[] | null; out: string | null; suite: SuiteId | null; sizes: Sizes | null; resultFile: string | null } {
  const opts = { quick: false, only: null as SuiteId[] | null, out: null as string | null, suite: null as SuiteId | null, sizes: null as Sizes | null, resultFile: null as string | null };
  const isSuite = (s: string): s is SuiteId => (SUITE_IDS as readonly string[]).includes(s);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") opts.quick = true;
    else if (a === "--only") {
      const ids = (argv[++i] ?? "").split(",").filter(Boolean);
      const bad = ids.filter((x) => !isSuite(x));
      if (bad.length > 0 || ids.length === 0) throw new Error(`--only 只接受这些名称，用逗号分隔：${SUITE_IDS.join(",")}（收到：${argv[i] ?? "空"}）`);
      opts.only = ids as SuiteId[];
    } else if (a === "--out") opts.out = argv[++i] ?? null;
    else if (a === "--suite") {
      const id = argv[++i] ?? "";
      if (!isSuite(id)) throw new Error(`未知的测试项：${id}`);
      opts.suite = id;
    } else if (a === "--sizes") opts.sizes = JSON.parse(argv[++i] ?? "null") as Sizes;
    else if (a === "--result-file") opts.resultFile = argv[++i] ?? null;
    else throw new Error(`不认识的参数：${a}（可用：--quick、--only ${SUITE_IDS.join(",")}、--out 文件）`);
  }
  return opts;
}

export function readResults(file = RESULTS_FILE): BenchResults | null {
  if (!fs.existsSync(file)) return null;
  return JSON.parse(fs.readFileSync(file, "utf8")) as BenchResults;
}

async function childMain(suite: SuiteId, sizes: Sizes, resultFile: string): Promise<void> {
  try {
    const r = await runSuite(suite, sizes, (s) => console.log(s));
    fs.writeFileSync(resultFile, JSON.stringify(r));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    console.error(e);
    fs.writeFileSync(resultFile, JSON.stringify({ error: message }));
  }
}

async function main(argv: string[]): Promise<number> {
  const opts = parseArgs(argv);
  if (opts.suite) {
    if (!opts.sizes || !opts.resultFile) throw new Error("--suite 需要 --sizes 和 --result-file");
    await childMain(opts.suite, opts.sizes, opts.resultFile);
    return 0;
  }
  const sizes = opts.quick ? QUICK_SIZES : FULL_SIZES;
  const ids = opts.only ?? [...SUITE_IDS];
  const machine = machineInfo();
  console.log(`机器：${machine.os}，${machine.cpus} × ${machine.cpuModel}，内存 ${(machine.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB，Node ${machine.node}${opts.quick ? "（--quick：小规模，不记录）" : ""}`);
  const suites = runSuites(ids, sizes);
  console.log("");
  console.log(resultsTable(suites));

  const outFile = opts.out ?? (opts.quick ? null : RESULTS_FILE);
  if (outFile) {
    // --only replaces just those suites in an existing record of the same sizes.
    const previous = opts.only ? readResults(outFile) : null;
    const keep = previous && previous.quick === opts.quick ? previous.suites.filter((s) => !ids.includes(s.suite)) : [];
    const merged = [...keep, ...suites].sort((a, b) => SUITE_IDS.indexOf(a.suite) - SUITE_IDS.indexOf(b.suite));
    const results: BenchResults = { date: new Date().toISOString(), machine, quick: opts.quick, sizes, suites: merged };
    fs.writeFileSync(outFile, JSON.stringify(results, null, 2) + "\n");
    console.log(`\n已写入 ${path.relative(process.cwd(), outFile)}`);
  }
  return suites.some((s) => s.error !== undefined) ? 1 : 0;
}

if (require.main === module) runScript(main);

/**
 * npm run bench:check: runs the suites fresh, at the sizes bench/results.json was recorded with,
 * and compares each figure with the recorded one. Exit 1 when any figure is more than 20% worse
 * (or a suite fails), 0 otherwise; 2 when there is no record to compare with. For use before a
 * release, on the machine the record came from or one like it — not in CI: shared machines are noisy.
 *
 *   npm run bench:check                   every suite
 *   npm run bench:check -- --only validate,eligible
 *
 * Compared: the time ratios (measured side by side, so the machine's speed cancels out), the
 * throughputs per CPU second (steadier than per wall second when other jobs share the cores),
 * peak memory, sync count, request size and bundle size.
 */
import * as path from "path";
import { formatTable, formatValue, Measure, readResults, RESULTS_FILE, runSuites, SUITE_IDS, SuiteId, SuiteResult } from "./run";
import { runScript } from "./timing";

/** A figure may move this much against its better direction before it counts as a regression. */
export const TOLERANCE = 0.2;

export interface Comparison {
  id: string;
  label: string;
  recorded: number | null;
  fresh: number | null;
  /** Relative change in the "better" direction: +0.1 = 10% better, -0.3 = 30% worse. */
  change: number | null;
  regressed: boolean;
  note?: string;
}

/** Compares fresh measures with recorded ones, measure by measure (matched on id). */
export function compareResults(recorded: readonly SuiteResult[], fresh: readonly SuiteResult[], tolerance = TOLERANCE): Comparison[] {
  const old = new Map<string, Measure>();
  for (const s of recorded) for (const m of s.measures) old.set(m.id, m);
  const out: Comparison[] = [];
  for (const s of fresh) {
    for (const m of s.measures) {
      const before = old.get(m.id);
      const label = `${m.case}：${m.compare?.label ?? m.measure}`;
      if (s.error !== undefined || !m.compare) {
        out.push({ id: m.id, label, recorded: before?.compare?.value ?? null, fresh: null, change: null, regressed: true, note: `本次运行出错：${s.error ?? "无结果"}` });
        continue;
      }
      if (!before?.compare) {
        out.push({ id: m.id, label, recorded: null, fresh: m.compare.value, change: null, regressed: false, note: "没有记录可比（新增的度量或记录里出错）" });
        continue;
      }
      const a = before.compare.value;
      const b = m.compare.value;
      // For "lower is better" a rise is worse; for "higher is better" a fall is worse.
      const change = a === 0 ? (b === 0 ? 0 : m.compare.better === "lower" ? -Infinity : Infinity) : m.compare.better === "higher" ? b / a - 1 : a / b - 1;
      const worse = m.compare.better === "higher" ? b < a * (1 - tolerance) : b > a * (1 + tolerance);
      out.push({ id: m.id, label, recorded: a, fresh: b, change, regressed: worse });
    }
  }
  return out;
}

/** "+12%", "-30%", "0%" (no "-0%" for a change that rounds to nothing). */
function percent(change: number): string {
  const p = Math.round(change * 100);
  return p === 0 ? "0%" : `${p > 0 ? "+" : ""}${p}%`;
}

function unitOf(id: string, recorded: readonly SuiteResult[], fresh: readonly SuiteResult[]): Measure | undefined {
  for (const s of [...fresh, ...recorded]) for (const m of s.measures) if (m.id === id) return m;
  return undefined;
}

function parseOnly(argv: string[]): SuiteId[] | null {
  const i = argv.indexOf("--only");
  if (i < 0) {
    if (argv.length > 0) throw new Error(`不认识的参数：${argv.join(" ")}（可用：--only ${SUITE_IDS.join(",")}）`);
    return null;
  }
  const ids = (argv[i + 1] ?? "").split(",").filter(Boolean);
  const bad = ids.filter((x) => !(SUITE_IDS as readonly string[]).includes(x));
  if (bad.length > 0 || ids.length === 0) throw new Error(`--only 只接受这些名称，用逗号分隔：${SUITE_IDS.join(",")}`);
  return ids as SuiteId[];
}

async function main(argv: string[]): Promise<number> {
  const only = parseOnly(argv);
  const record = readResults();
  if (!record) {
    console.error(`没有找到 ${path.relative(process.cwd(), RESULTS_FILE)}：先运行 npm run bench 记录一次`);
    return 2;
  }
  console.log(`与 ${record.date} 的记录比较（${record.machine.cpus} × ${record.machine.cpuModel}，Node ${record.machine.node}${record.quick ? "，--quick 规模" : ""}）；退步超过 ${TOLERANCE * 100}% 即失败`);
  const ids = only ?? record.suites.map((s) => s.suite);
  const fresh = runSuites(ids, record.sizes);
  const comparisons = compareResults(record.suites, fresh);
  const rows = comparisons.map((c) => {
    const m = unitOf(c.id, record.suites, fresh);
    const fmt = (v: number | null) => (m ? formatValue(m.unit, v, c.id) : String(v));
    const change = c.change === null ? "—" : !Number.isFinite(c.change) ? (c.change > 0 ? "+∞" : "-∞") : percent(c.change);
    return [c.label, fmt(c.recorded), fmt(c.fresh), change, c.regressed ? "退步" : c.note ? c.note : "正常"];
  });
  console.log("");
  console.log(formatTable(["度量", "记录", "本次", "变化（正为变好）", "判断"], rows));
  const moved = comparisons.filter((c) => c.regressed);
  console.log("");
  if (moved.length === 0) {
    console.log(`没有超过 ${TOLERANCE * 100}% 的退步。`);
    return 0;
  }
  console.log(`退步（或出错）的度量 ${moved.length} 个：`);
  for (const c of moved) console.log(`  - ${c.label}${c.note ? `：${c.note}` : `：${c.change === null ? "" : `变差 ${(-c.change * 100).toFixed(0)}%`}`}`);
  console.log("在安静的机器上重跑一次确认（npm run bench:check -- --only 名称）；确属代码变化时修正，或经评审后用 npm run bench 重新记录。");
  return 1;
}

if (require.main === module) runScript(main);

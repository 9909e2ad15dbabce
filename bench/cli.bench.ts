/**
 * Start-up of the kj command against bare node (issue 17: within 3x `node -e 0`).
 *
 *   npx tsx bench/cli.bench.ts [rounds]
 *
 * Three child processes of plain node, as a user starts them, each round in a rotated order:
 * - `node -e 0`: Node itself;
 * - `node bin/kj.js award 高企 --json`: the compiled CLI (dist-cli/kj.js, built first if stale);
 * - the same command through the old bin/kj.js (`require("tsx/cjs")` and src/cli/main.ts), for
 *   comparison: what every kj call cost before the CLI was compiled.
 * Wall time is measured by the parent around spawnSync; CPU time and peak RSS by the child
 * itself at exit (USAGE_PRELOAD of check-xlsx.bench.ts), the same preload for all three.
 * The figures are medians over the rounds.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ChildRun, median, runChild, USAGE_PRELOAD } from "./check-xlsx.bench";

const REPO = path.resolve(__dirname, "..");

// Plain JavaScript shared with bin/kj.js.
const buildScript = require("../scripts/build-cli.js") as {
  buildCli(root?: string): unknown;
  bundleState(root?: string): { state: string; reason: string };
};

/** The command measured: an award that succeeds, printed as JSON. */
export const KJ_ARGS = ["award", "高企", "--json"] as const;

/** What bin/kj.js was before issue 17: TypeScript compiled by tsx at every start. */
const OLD_BIN = (root: string) => `"use strict";
require(${JSON.stringify(require.resolve("tsx/cjs"))});
require(${JSON.stringify(path.join(root, "src/cli/main.ts"))}).main(process.argv).then((code) => { process.exitCode = code; });
`;

export interface StartSide {
  command: string;
  /** Medians over the rounds, milliseconds. */
  wallMs: number;
  cpuMs: number;
  /** Median and largest peak RSS over the rounds, bytes. */
  peakRssBytes: number;
  maxPeakRssBytes: number;
  runs: ChildRun[];
}

export interface CliBenchResult {
  rounds: number;
  bare: StartSide;
  kj: StartSide;
  tsx: StartSide;
  /** kj.wallMs / bare.wallMs; goal <= 3. */
  ratio: number;
  cpuRatio: number;
  /** kj.peakRssBytes / bare.peakRssBytes. */
  rssRatio: number;
  tsxRatio: number;
  /** Size of dist-cli/kj.js. */
  bundleBytes: number;
  /** What kj printed (checked: the award of a new 高企 is 20 万元). */
  kjOutput: string;
}

function side(command: string, runs: ChildRun[]): StartSide {
  return {
    command,
    wallMs: median(runs.map((r) => r.wallMs)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    peakRssBytes: median(runs.map((r) => r.peakRssBytes)),
    maxPeakRssBytes: Math.max(...runs.map((r) => r.peakRssBytes)),
    runs,
  };
}

export function benchCli(rounds = 21, log: (s: string) => void = () => undefined): CliBenchResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-bench-cli-"));
  try {
    fs.writeFileSync(path.join(dir, "usage-preload.cjs"), USAGE_PRELOAD);
    const oldBin = path.join(dir, "old-kj.js");
    fs.writeFileSync(oldBin, OLD_BIN(REPO));
    // Measure start-up, not a rebuild: the bundle must be fresh before the first round.
    if (buildScript.bundleState(REPO).state !== "fresh") buildScript.buildCli(REPO);
    const bin = path.join(REPO, "bin/kj.js");
    const outFile = path.join(dir, "kj.out");
    const sides: Record<"bare" | "kj" | "tsx", string[]> = {
      bare: ["-e", "0"],
      kj: [bin, ...KJ_ARGS],
      tsx: [oldBin, ...KJ_ARGS],
    };
    const runs: Record<keyof typeof sides, ChildRun[]> = { bare: [], kj: [], tsx: [] };
    const order = Object.keys(sides) as (keyof typeof sides)[];
    let kjOutput = "";
    // One unmeasured round warms the file cache for all three.
    for (const k of order) runChild(sides[k], dir);
    for (let i = 0; i < rounds; i++) {
      const rotated = [...order.slice(i % order.length), ...order.slice(0, i % order.length)];
      for (const k of rotated) {
        const r = runChild(sides[k], dir, k === "kj" ? outFile : undefined);
        if (r.exitCode !== 0) throw new Error(`${k} 的退出码是 ${r.exitCode}`);
        if (k === "kj") kjOutput = fs.readFileSync(outFile, "utf8");
        runs[k].push(r);
      }
    }
    const award = JSON.parse(kjOutput) as { amount?: unknown };
    if (award.amount !== 20) throw new Error(`kj award 高企 的结果不是 20 万元：${kjOutput}`);
    if (buildScript.bundleState(REPO).state !== "fresh") throw new Error("测量期间源码有变动，dist-cli/kj.js 已过期，结果不可用");
    const bare = side("node -e 0", runs.bare);
    const kj = side(`node bin/kj.js ${KJ_ARGS.join(" ")}`, runs.kj);
    const tsx = side(`node 旧 bin/kj.js（tsx）${KJ_ARGS.join(" ")}`, runs.tsx);
    const result: CliBenchResult = {
      rounds,
      bare,
      kj,
      tsx,
      ratio: kj.wallMs / bare.wallMs,
      cpuRatio: kj.cpuMs / bare.cpuMs,
      rssRatio: kj.peakRssBytes / bare.peakRssBytes,
      tsxRatio: tsx.wallMs / bare.wallMs,
      bundleBytes: fs.statSync(path.join(REPO, "dist-cli/kj.js")).size,
      kjOutput: kjOutput.trim(),
    };
    log(`  node -e 0 ${bare.wallMs.toFixed(0)} ms，kj ${kj.wallMs.toFixed(0)} ms（${result.ratio.toFixed(2)} 倍），旧的 tsx 方式 ${tsx.wallMs.toFixed(0)} ms（${result.tsxRatio.toFixed(2)} 倍）`);
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const rounds = Number(process.argv[2] ?? 21);
  const r = benchCli(rounds, (s) => console.log(s));
  const { runs: _a, ...bare } = r.bare;
  const { runs: _b, ...kj } = r.kj;
  const { runs: _c, ...tsx } = r.tsx;
  console.log(JSON.stringify({ ...r, bare, kj, tsx }, null, 2));
}

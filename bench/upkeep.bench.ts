/**
 * Pool upkeep on a large enterprise ledger (issue 17.2/17.4): `kj upkeep big.xlsx --out
 * removed.xlsx --remove`, then `kj upkeep removed.xlsx --out undone.xlsx --undo` on its result,
 * with `kj check big.xlsx --out checked.xlsx` on the same input for scale, side by side in one run.
 * Goal: each of --remove and --undo under 1.5 GB peak RSS at 100,000 rows; their times are recorded
 * as ratios to kj check --out (no goal).
 *
 *   npx tsx bench/upkeep.bench.ts [rows]
 *
 * The ledger is bench/jobs-xlsx.ts writeUpkeepLedgerXlsx: the kj check bench's enterprise ledger
 * (100,000 rows x 52 columns) in which exactly one row in 50 has a removal cause of the plan
 * (经营异常名录, 严重失信, 重大安全事故, 注销/吊销/迁出 in turn). All three commands run as child
 * processes of plain node through bin/kj.js, as a user starts them (the compiled CLI is built
 * first if stale, untimed); --remove runs before --undo in each round and check goes first or last
 * in turn; figures are medians, peak RSS the largest of the rounds. After every round the two
 * written files are read back: removed.xlsx must hold exactly the other rows in their order and
 * the removed ones in 调出记录, undone.xlsx every row again in its original order, or the suite fails.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readXlsxSnapshot } from "../src/host/xlsx/file";
import { SheetSnapshot } from "../src/host/port";
import { ARCHIVE_REMOVED, ARCHIVE_SHEET, ARCHIVE_UNDONE } from "../src/jobs/upkeep";
import { isBlankCell } from "../src/ledger/cells";
import { ChildRun, median, runChild, USAGE_PRELOAD } from "./check-xlsx.bench";
import { UPKEEP_REMOVE_EVERY, writeUpkeepLedgerXlsx } from "./jobs-xlsx";

const REPO = path.resolve(__dirname, "..");
const KJ = path.join(REPO, "bin/kj.js");
const AS_OF = "2024-12-31";
const LEDGER_SHEET = "企业培育库";

// Plain JavaScript shared with bin/kj.js.
const buildScript = require("../scripts/build-cli.js") as {
  buildCli(root?: string): unknown;
  bundleState(root?: string): { state: string; reason: string };
};

export interface UpkeepBenchResult {
  rows: number;
  fileBytes: number;
  rounds: number;
  /** One row in this many has a removal cause; expectedRemovals rows in all. */
  removeEvery: number;
  expectedRemovals: number;
  /** Medians over the rounds, milliseconds. */
  removeMs: number;
  undoMs: number;
  checkMs: number;
  /** removeMs / checkMs and undoMs / checkMs (recorded, no goal). */
  removeRatio: number;
  undoRatio: number;
  removeCpuMs: number;
  undoCpuMs: number;
  checkCpuMs: number;
  /** The same ratios by CPU time (user + system) of the children: steadier on a shared machine. */
  removeCpuRatio: number;
  undoCpuRatio: number;
  /** Largest over the rounds, bytes; goal <= 1.5 GB for remove and undo. */
  removePeakRssBytes: number;
  undoPeakRssBytes: number;
  checkPeakRssBytes: number;
  removedFileBytes: number;
  undoneFileBytes: number;
  removeRuns: ChildRun[];
  undoRuns: ChildRun[];
  checkRuns: ChildRun[];
}

/** The data rows of a ledger sheet read back: 企业名称 of each non-blank row below the header, in order. */
function ledgerNames(sheet: SheetSnapshot): string[] {
  const header = sheet.values[0] ?? [];
  const col = header.findIndex((v) => v === "企业名称");
  if (sheet.firstRow !== 1 || col < 0) throw new Error(`“${sheet.name}”第 1 行没有“企业名称”表头`);
  const out: string[] = [];
  for (const row of sheet.values.slice(1)) if (row.some((v) => !isBlankCell(v))) out.push(String(row[col] ?? ""));
  return out;
}

/** The archive's lines: 状态 and 原行号 of each line below its header. */
function archiveLines(sheet: SheetSnapshot | undefined): { state: string; row: number }[] {
  if (!sheet) return [];
  const header = sheet.values[0] ?? [];
  const stateAt = header.indexOf("状态");
  const rowAt = header.indexOf("原行号");
  if (sheet.firstRow !== 1 || stateAt < 0 || rowAt < 0) throw new Error(`“${ARCHIVE_SHEET}”第 1 行没有“状态”“原行号”表头`);
  return sheet.values
    .slice(1)
    .filter((r) => r.some((v) => !isBlankCell(v)))
    .map((r) => ({ state: String(r[stateAt]), row: Number(r[rowAt]) }));
}

function sameList(got: readonly (string | number)[], want: readonly (string | number)[], what: string): void {
  if (got.length !== want.length) throw new Error(`${what}：${got.length} 个，应为 ${want.length} 个`);
  const i = got.findIndex((x, k) => x !== want[k]);
  if (i >= 0) throw new Error(`${what}：第 ${i + 1} 个是“${got[i]}”，应为“${want[i]}”`);
}

/**
 * Reads back what --remove and --undo wrote and throws unless the removal took exactly the rows
 * with a cause (the others kept in order, each removed row archived as 已调出 with its original row)
 * and the undo put every row back in its original order (the archive lines then 已撤销).
 */
export async function verifyUpkeepFiles(removedFile: string, undoneFile: string, names: readonly string[], removalRows: readonly number[]): Promise<void> {
  const removedSet = new Set(removalRows);
  const kept = names.filter((_, i) => !removedSet.has(i + 2));
  const sortedRows = [...removalRows].sort((a, b) => a - b);

  const removed = await readXlsxSnapshot(removedFile);
  const removedLedger = removed.sheets.find((s) => s.name === LEDGER_SHEET);
  if (!removedLedger) throw new Error(`调出后的文件没有“${LEDGER_SHEET}”工作表`);
  sameList(ledgerNames(removedLedger), kept, "调出后培育库剩下的企业");
  const out = archiveLines(removed.sheets.find((s) => s.name === ARCHIVE_SHEET));
  if (out.some((l) => l.state !== ARCHIVE_REMOVED)) throw new Error(`调出后“${ARCHIVE_SHEET}”里有状态不是“${ARCHIVE_REMOVED}”的行`);
  sameList(out.map((l) => l.row).sort((a, b) => a - b), sortedRows, `“${ARCHIVE_SHEET}”记下的原行号`);

  const undone = await readXlsxSnapshot(undoneFile);
  const undoneLedger = undone.sheets.find((s) => s.name === LEDGER_SHEET);
  if (!undoneLedger) throw new Error(`撤销后的文件没有“${LEDGER_SHEET}”工作表`);
  sameList(ledgerNames(undoneLedger), names, "撤销后培育库的企业");
  const back = archiveLines(undone.sheets.find((s) => s.name === ARCHIVE_SHEET));
  if (back.length !== removalRows.length || back.some((l) => l.state !== ARCHIVE_UNDONE)) {
    throw new Error(`撤销后“${ARCHIVE_SHEET}”应有 ${removalRows.length} 行且都为“${ARCHIVE_UNDONE}”`);
  }
}

export async function benchUpkeep(rows = 100_000, rounds = 1, log: (s: string) => void = () => undefined, every = UPKEEP_REMOVE_EVERY): Promise<UpkeepBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-bench-upkeep-"));
  try {
    fs.writeFileSync(path.join(dir, "usage-preload.cjs"), USAGE_PRELOAD);
    // Time the commands, not a rebuild of the compiled CLI.
    if (buildScript.bundleState(REPO).state !== "fresh") buildScript.buildCli(REPO);
    const input = path.join(dir, "big.xlsx");
    const t0 = performance.now();
    const { removalRows, names } = await writeUpkeepLedgerXlsx(input, rows, every);
    const fileBytes = fs.statSync(input).size;
    log(`  生成 ${rows} 行企业培育库 ${(fileBytes / 1e6).toFixed(1)} MB（${removalRows.length} 行有调出原因），用时 ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    if (removalRows.length === 0) throw new Error("台账里没有应调出的企业，调出与撤销测不出什么");

    const removedOut = path.join(dir, "removed.xlsx");
    const undoneOut = path.join(dir, "undone.xlsx");
    const checkOut = path.join(dir, "checked.xlsx");
    // Each as a clerk runs it (--out, no --json); exit code 1 = there were removals to suggest.
    const kj = (what: string, args: string[], out: string, codes: number[]): ChildRun => {
      fs.rmSync(out, { force: true });
      const run = runChild([KJ, ...args, "--out", out, "--as-of", AS_OF], dir);
      if (run.exitCode === null || !codes.includes(run.exitCode)) throw new Error(`${what} 退出码 ${run.exitCode}（应为 ${codes.join(" 或 ")}）`);
      if (!fs.existsSync(out)) throw new Error(`${what} 没有写出 --out 文件`);
      return run;
    };
    const remove = () => kj("kj upkeep --remove", ["upkeep", input, "--remove"], removedOut, [1]);
    const undo = () => kj("kj upkeep --undo", ["upkeep", removedOut, "--undo"], undoneOut, [1]);
    const check = () => kj("kj check", ["check", input], checkOut, [0, 1]);

    const removeRuns: ChildRun[] = [];
    const undoRuns: ChildRun[] = [];
    const checkRuns: ChildRun[] = [];
    let removedFileBytes = 0;
    let undoneFileBytes = 0;
    for (let i = 0; i < rounds; i++) {
      // --undo works on this round's --remove; check goes first or last in turn.
      if (i % 2 === 0) checkRuns.push(check());
      removeRuns.push(remove());
      undoRuns.push(undo());
      if (i % 2 === 1) checkRuns.push(check());
      const [r, u, c] = [removeRuns[i], undoRuns[i], checkRuns[i]];
      log(
        `  第 ${i + 1} 轮：--remove ${(r.wallMs / 1000).toFixed(1)} s（峰值 ${(r.peakRssBytes / 1e9).toFixed(2)} GB），--undo ${(u.wallMs / 1000).toFixed(1)} s（峰值 ${(u.peakRssBytes / 1e9).toFixed(2)} GB），` +
          `kj check --out ${(c.wallMs / 1000).toFixed(1)} s（峰值 ${(c.peakRssBytes / 1e9).toFixed(2)} GB）`,
      );
      removedFileBytes = fs.statSync(removedOut).size;
      undoneFileBytes = fs.statSync(undoneOut).size;
      const v0 = performance.now();
      await verifyUpkeepFiles(removedOut, undoneOut, names, removalRows);
      log(`  核对：调出 ${removalRows.length} 行、撤销后 ${names.length} 行按原顺序（${((performance.now() - v0) / 1000).toFixed(1)} s）`);
    }
    const removeMs = median(removeRuns.map((r) => r.wallMs));
    const undoMs = median(undoRuns.map((r) => r.wallMs));
    const checkMs = median(checkRuns.map((r) => r.wallMs));
    const removeCpuMs = median(removeRuns.map((r) => r.cpuMs));
    const undoCpuMs = median(undoRuns.map((r) => r.cpuMs));
    const checkCpuMs = median(checkRuns.map((r) => r.cpuMs));
    return {
      rows,
      fileBytes,
      rounds,
      removeEvery: every,
      expectedRemovals: removalRows.length,
      removeMs: Math.round(removeMs),
      undoMs: Math.round(undoMs),
      checkMs: Math.round(checkMs),
      removeRatio: removeMs / checkMs,
      undoRatio: undoMs / checkMs,
      removeCpuMs: Math.round(removeCpuMs),
      undoCpuMs: Math.round(undoCpuMs),
      checkCpuMs: Math.round(checkCpuMs),
      removeCpuRatio: removeCpuMs / checkCpuMs,
      undoCpuRatio: undoCpuMs / checkCpuMs,
      removePeakRssBytes: Math.max(...removeRuns.map((r) => r.peakRssBytes)),
      undoPeakRssBytes: Math.max(...undoRuns.map((r) => r.peakRssBytes)),
      checkPeakRssBytes: Math.max(...checkRuns.map((r) => r.peakRssBytes)),
      removedFileBytes,
      undoneFileBytes,
      removeRuns,
      undoRuns,
      checkRuns,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const rows = Number(process.argv[2] ?? 100_000);
  benchUpkeep(rows, 1, (s) => console.log(s)).then(
    (r) =>
      console.log(
        `kj upkeep ${r.rows} 行（调出 ${r.expectedRemovals} 行）：--remove ${(r.removeMs / 1000).toFixed(1)} s / ${(r.removePeakRssBytes / 1e9).toFixed(2)} GB，` +
          `--undo ${(r.undoMs / 1000).toFixed(1)} s / ${(r.undoPeakRssBytes / 1e9).toFixed(2)} GB（目标各 ≤ 1.5 GB）；` +
          `kj check --out ${(r.checkMs / 1000).toFixed(1)} s，比值 ${r.removeRatio.toFixed(2)} / ${r.undoRatio.toFixed(2)}（按 CPU ${r.removeCpuRatio.toFixed(2)} / ${r.undoCpuRatio.toFixed(2)}）`,
      ),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}

/**
 * Every workbook the kj CLI writes, made in a test folder so that LibreOffice can recalculate
 * them all in one run (tests/lo/recalc.test.ts, issue 18.1): demo, check, upkeep (--remove,
 * --undo), targets, awards, recalc, rdsubsidies, policy store, awards on a large ledger and targets on a large
 * generated workbook. The sample ledger comes from
 * `kj demo`, as a user gets it; each other command runs on it, or on an earlier entry's file.
 *
 * A new command or job that writes a workbook adds ONE entry to CLI_OUTPUTS, e.g.
 *
 *   { file: "merge.xlsx", args: (p) => ["merge", p.sample, p.of("upkeep.xlsx"), "--out", p.out] },
 *
 * and from then on `npm test` fails whenever LibreOffice disagrees with a value it caches.
 * `prepare` makes an input the sample does not have (see the large award ledger below);
 * `minFormulas` says how many formulas LibreOffice must find (so the check is never empty).
 * Other tests may read the same files through sharedCliOutputs (each is made once per mocha run).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import ExcelJS from "exceljs";
import { RESIDUE_AWARD_MIX, writeAwardLedgerXlsx } from "../../bench/jobs-xlsx";
import { generateSampleWorkbook } from "../../samples/generate";
import { dayFromParts, DayNumber } from "../../src/dates";
import { kjRunner } from "../support/cli";

/** "Today" for every command (the sample's plan period ends on this day). */
export const AS_OF = "2024-12-31";
const TODAY = dayFromParts(2024, 12, 31) as DayNumber;
/** The award ledger that shows the float residue of issue 14 (RESIDUE_AWARD_MIX; about 10 s to write and check). */
export const LARGE_AWARD_ROWS = 2000;
/** Enterprises of the large generated workbook kj targets runs on (with its platforms, talents, projects and 目标分解). */
export const LARGE_SAMPLE_ENTERPRISES = 10_000;

/** The sample workbook with `enterprises` enterprises, as values, written with exceljs's streaming writer. */
export async function writeLargeSampleXlsx(file: string, enterprises: number): Promise<void> {
  const snapshot = generateSampleWorkbook({ enterprises });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
  for (const s of snapshot.sheets) {
    const ws = wb.addWorksheet(s.name);
    for (const values of s.values) {
      const row = ws.addRow(values.map((v) => (v === null || v === undefined ? null : (v as ExcelJS.CellValue))));
      values.forEach((v, j) => {
        if (v instanceof Date) row.getCell(j + 1).numFmt = "yyyy-mm-dd";
      });
      row.commit();
    }
    ws.commit();
  }
  await wb.commit();
}

export interface OutputPaths {
  /** The test's folder. */
  dir: string;
  /** The sample ledger (written by kj demo, the first entry). */
  sample: string;
  /** Where this entry writes: its `file` in the folder. */
  out: string;
  /** The path of another file in the folder (an earlier entry's output, or a prepared input). */
  of: (file: string) => string;
}

export interface CliOutput {
  /** The workbook the command writes, relative to the folder. */
  file: string;
  /** The kj command line (without "kj"). */
  args: (p: OutputPaths) => string[];
  /** Other workbooks the same command writes, also checked. */
  alsoWrites?: string[];
  /** Makes an input first (e.g. a generated ledger). */
  prepare?: (p: OutputPaths) => Promise<void>;
  /** LibreOffice must recalculate at least this many formulas in `file`. */
  minFormulas?: number;
}

const SAMPLE = "demo/示例台账.xlsx";

/** The list: the order matters where an entry uses an earlier one's file. */
export const CLI_OUTPUTS: readonly CliOutput[] = [
  { file: "demo/示例台账-结果.xlsx", alsoWrites: [SAMPLE], args: (p) => ["demo", "--out", p.of("demo"), "--as-of", AS_OF], minFormulas: 40 },
  { file: "check.xlsx", args: (p) => ["check", p.sample, "--as-of", AS_OF, "--out", p.out] },
  { file: "upkeep.xlsx", args: (p) => ["upkeep", p.sample, "--as-of", "2025-01-01", "--out", p.out] },
  { file: "upkeep-remove.xlsx", args: (p) => ["upkeep", p.sample, "--as-of", "2025-01-01", "--remove", "--out", p.out] },
  { file: "upkeep-undo.xlsx", args: (p) => ["upkeep", p.of("upkeep-remove.xlsx"), "--as-of", "2025-01-01", "--undo", "--out", p.out] },
  { file: "targets.xlsx", args: (p) => ["targets", p.sample, "--as-of", AS_OF, "--out", p.out] },
  { file: "awards.xlsx", args: (p) => ["awards", p.sample, "--as-of", AS_OF, "--out", p.out], minFormulas: 40 },
  { file: "recalc.xlsx", args: (p) => ["recalc", p.of("awards.xlsx"), "--as-of", AS_OF, "--out", p.out], minFormulas: 40 },
  // 研发补助: KJ.RDSUBSIDY in two columns of the sample's 研发费用台账 and the 研发补助汇总 sheet (COUNTIFS/SUMIFS).
  { file: "rdsubsidies.xlsx", args: (p) => ["rdsubsidies", p.sample, "--year", "2024", "--as-of", AS_OF, "--out", p.out], minFormulas: 40 },
  {
    // A successor plan (the built-in pack for 2025–2027, as a clerk would edit it) stored in the awards result.
    file: "policy-store.xlsx",
    prepare: async (p) => {
      const builtin = fs.readFileSync(path.join(__dirname, "..", "..", "src", "policy", "packs", "plan-2022-2024.json"), "utf8");
      const successor = builtin.replace('"from": "2022-01-01", "to": "2024-12-31"', '"from": "2025-01-01", "to": "2027-12-31"');
      assert.notEqual(successor, builtin, "the built-in plan pack no longer has the period this entry edits");
      fs.writeFileSync(p.of("successor-pack.json"), successor);
    },
    args: (p) => ["policy", "store", p.of("awards.xlsx"), p.of("successor-pack.json"), "--out", p.out],
    minFormulas: 40,
  },
  {
    file: "awards-large.xlsx",
    prepare: (p) => writeAwardLedgerXlsx(p.of("awards-large-input.xlsx"), LARGE_AWARD_ROWS, RESIDUE_AWARD_MIX),
    args: (p) => ["awards", p.of("awards-large-input.xlsx"), "--as-of", AS_OF, "--out", p.out],
    minFormulas: 40,
  },
  {
    // 目标完成情况 with its 目标分解 tables on a large generated workbook (values only: tests/jobs/targets-exact.test.ts checks each one).
    file: "targets-large.xlsx",
    prepare: (p) => writeLargeSampleXlsx(p.of("targets-large-input.xlsx"), LARGE_SAMPLE_ENTERPRISES),
    args: (p) => ["targets", p.of("targets-large-input.xlsx"), "--as-of", AS_OF, "--out", p.out],
  },
];

/** Runs every entry of CLI_OUTPUTS in `dir`; resolves with the workbooks written (absolute paths). */
export async function makeCliOutputs(dir: string, outputs: readonly CliOutput[] = CLI_OUTPUTS): Promise<string[]> {
  const kj = kjRunner(TODAY);
  const written: string[] = [];
  for (const o of outputs) {
    const of = (file: string) => path.join(dir, file);
    const p: OutputPaths = { dir, sample: of(SAMPLE), out: of(o.file), of };
    await o.prepare?.(p);
    const args = o.args(p);
    const r = await kj(...args);
    assert.ok(r.code === 0 || r.code === 1, `kj ${args.join(" ")} exited ${r.code}: ${r.err || r.out}`);
    for (const f of [o.file, ...(o.alsoWrites ?? [])]) {
      assert.ok(fs.existsSync(of(f)), `kj ${args.join(" ")} did not write ${f}`);
      written.push(of(f));
    }
  }
  return written;
}

let shared: { dir: string; made: Map<string, string[]> } | null = null;

/**
 * The outputs of CLI_OUTPUTS in one folder shared by every test of this mocha run (removed when
 * the process exits): each entry is made the first time a test asks for it. `files` picks entries
 * by their `file` (default all; an entry that reads an earlier one's file needs that one too).
 * Resolves with the workbooks written, in list order.
 */
export async function sharedCliOutputs(files?: readonly string[]): Promise<{ dir: string; files: string[] }> {
  if (!shared) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-outputs-"));
    shared = { dir, made: new Map() };
    process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  const s = shared;
  const wanted = CLI_OUTPUTS.filter((o) => files === undefined || files.includes(o.file));
  if (files) for (const f of files) assert.ok(wanted.some((o) => o.file === f), `no entry of CLI_OUTPUTS writes ${f}`);
  for (const o of wanted) if (!s.made.has(o.file)) s.made.set(o.file, await makeCliOutputs(s.dir, [o]));
  return { dir: s.dir, files: wanted.flatMap((o) => s.made.get(o.file) ?? []) };
}

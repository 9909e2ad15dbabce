/**
 * The hostile corpus (tests/hostile/corpus.ts) through every kj command that opens a workbook,
 * in a child process capped at a 1 GB heap: each case gives its expected exit code and Chinese
 * message (never a crash, never English), leaves its input byte-identical and, when refused,
 * no file behind; the child's peak RSS stays under 1 GB.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { HostileCase, writeCorpus } from "./corpus";
import { OUT_EXT, type CaseRun, type CommandRun } from "./run-case";

const PEAK_LIMIT_KB = 1_000_000; // 1 GB (10^9 bytes)

function sha(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

function listing(dir: string): string[] {
  return fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).map(String).sort() : [];
}

describe("hostile corpus: every command that opens a workbook", function () {
  this.timeout(600_000);
  let dir: string;
  let outRoot: string;
  let clean: string;
  let cases: HostileCase[];
  let run: CaseRun;
  const shaBefore: Record<string, { sha: string }> = {};
  let inputs: string[];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-hostile-"));
    outRoot = fs.mkdtempSync(path.join(os.tmpdir(), "kj-hostile-out-"));
    ({ clean, cases } = await writeCorpus(dir));
    for (const f of [clean, ...cases.map((c) => c.file)]) shaBefore[f] = { sha: sha(f) };
    inputs = listing(dir);
    const child = spawnSync(process.execPath, ["--max-old-space-size=1024", "--require", require.resolve("tsx/cjs"), path.join(__dirname, "run-case.ts"), outRoot, clean, ...cases.map((c) => c.file)], {
      encoding: "utf8",
      maxBuffer: 64 * 2 ** 20,
    });
    assert.equal(child.status, 0, `the child ran to its end (signal ${child.signal}): ${child.stderr.slice(-2000)}`);
    run = JSON.parse(child.stdout.trim().split("\n").pop() as string) as CaseRun;
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(outRoot, { recursive: true, force: true });
  });

  it("covers every command that takes a workbook, and the clean ledger goes through each", () => {
    const commands = run.files[clean].map((r) => r.command);
    for (const c of ["check", "upkeep", "targets", "awards", "rdsubsidies", "recalc", "merge", "report"]) assert.ok(commands.includes(c), `kj ${c} is run`);
    for (const r of run.files[clean]) assert.ok(r.code === 0 || r.code === 1, `kj ${r.command} on the clean ledger: ${r.err}`);
  });

  it(`peak memory of the whole run stays under 1 GB`, () => {
    assert.ok(run.maxRssKb < PEAK_LIMIT_KB, `peak RSS ${(run.maxRssKb / 1000).toFixed(0)} MB`);
  });

  it("leaves every input byte-identical and adds nothing to the inputs' folder", () => {
    for (const [f, b] of Object.entries(shaBefore)) assert.equal(sha(f), b.sha, `${path.basename(f)} unchanged`);
    assert.deepEqual(listing(dir), inputs);
  });

  const check = (c: HostileCase, r: CommandRun, cleanRun: CommandRun) => {
    const expect = c.overrides?.[r.command] ?? c.expect;
    const what = `kj ${r.command} ${c.name}.xlsx (${c.what})`;
    assert.doesNotMatch(r.err, /内部错误|Error:|at .*\.ts|FATAL|\b[A-Za-z]{4,} [A-Za-z]{3,} [A-Za-z]{3,}/, `${what}: a plain Chinese message, not a crash or English: ${r.err}`);
    const outDir = path.join(outRoot, path.basename(c.file));
    if (expect.kind === "refused") {
      assert.equal(r.code, 2, `${what}: exit 2 (${r.err})`);
      assert.match(r.err, /(^|\n)错误：/, `${what}: the message on stderr`);
      assert.match(r.err, expect.message, what);
      assert.ok(!listing(outDir).includes(`${r.command}${OUT_EXT[r.command] ?? ".xlsx"}`), `${what}: no output written`);
      assert.ok(!listing(outDir).some((f) => f.endsWith(".kj-tmp")), `${what}: no temporary file left`);
    } else {
      if (expect.anyCode) assert.ok(r.code === 0 || r.code === 1, `${what}: done (${r.err})`);
      else assert.equal(r.code, cleanRun.code, `${what}: the same exit code as the clean ledger (${r.err})`);
      assert.doesNotMatch(r.err, /错误：/, what);
      if (!expect.quiet?.includes(r.command)) assert.match(r.err, expect.notice, `${what}: says what was left out`);
    }
  };

  for (const name of [
    "far-cell-xfd",
    "far-cell-row-999999999",
    "sparse-diagonal",
    "row-bomb",
    "row-bomb-lying",
    "doctype-entities",
    "doctype-in-unread-part",
    "name-parent",
    "name-absolute",
    "name-control",
    "duplicate-sheet",
    "sheet-outside",
    "too-many-entries",
    "crc",
    "size-mismatch",
    "bad-xml",
    "encrypted",
  ]) {
    it(`${name}: the expected exit code and message from every command`, () => {
      const c = cases.find((x) => x.name === name);
      assert.ok(c, `the corpus has ${name}`);
      const results = run.files[c.file];
      assert.equal(results.length, run.files[clean].length);
      results.forEach((r, i) => check(c, r, run.files[clean][i]));
    });
  }

  it("has a test for every case of the corpus", () => {
    assert.equal(cases.length, 17);
  });
});

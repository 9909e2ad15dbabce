/**
 * A reader that stops early (kj check … | head -3) closes the pipe under kj. kj must stop
 * writing quietly and keep its exit code: no EPIPE stack trace on stderr.
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { enterpriseCol, enterpriseSheet } from "../ledger/fixtures";
import { writeSnapshotXlsx } from "../support/cli";

const BIN = path.join(__dirname, "../../bin/kj.js");

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command, collecting what it prints; `closeStdoutAt(n)` ends reading after n bytes. */
function runUntil(command: string, args: string[], closeStdoutAt: number | null): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    if (closeStdoutAt === 0) child.stdout.destroy();
    else
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString("utf8");
        if (closeStdoutAt !== null && stdout.length >= closeStdoutAt) child.stdout.destroy();
      });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const STACK_TRACE = /EPIPE|Error:|\n\s+at /;

describe("kj output into a pipe that closes early", function () {
  this.timeout(60_000);
  let dir: string;
  let broken: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-epipe-"));
    // Every row has a bad 职工总数: thousands of lines, far more than a pipe's buffer holds.
    const sheet = enterpriseSheet(3000);
    for (let r = 1; r < sheet.values.length; r++) sheet.values[r][enterpriseCol("employees") - 1] = "约50人";
    broken = await writeSnapshotXlsx(dir, "broken.xlsx", { sheets: [sheet] });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("--json prints far more than a pipe buffer when nobody closes the pipe (so the cases below really hit EPIPE)", async () => {
    const r = await runUntil(process.execPath, [BIN, "check", broken, "--as-of", "2024-12-31", "--json"], null);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stdout.length > 200_000, `only ${r.stdout.length} characters`);
  });

  it("kj check into a reader that has already gone: exit 1 as usual, nothing on stderr", async () => {
    const r = await runUntil(process.execPath, [BIN, "check", broken, "--as-of", "2024-12-31"], 0);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stderr, STACK_TRACE);
    assert.equal(r.stderr, "");
  });

  it("kj check --json into a reader that stops after the first bytes: exit 1, no stack trace", async () => {
    const r = await runUntil(process.execPath, [BIN, "check", broken, "--as-of", "2024-12-31", "--json"], 100);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "");
  });

  it("kj check --json … | head -c 200 in a shell: kj's own exit code 1, no stack trace", async () => {
    const script = `"$0" "$1" check "$2" --as-of 2024-12-31 --json | head -c 200; exit "\${PIPESTATUS[0]}"`;
    const r = await runUntil("bash", ["-c", script, process.execPath, BIN, broken], null);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stdout.startsWith('{"file":'), r.stdout);
    assert.doesNotMatch(r.stderr, STACK_TRACE);
  });

  it("kj --help into a reader that has already gone: exit 0, no stack trace", async () => {
    const r = await runUntil(process.execPath, [BIN, "--help"], 0);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, "");
  });

  it("an error message still reaches stderr when stdout is closed (exit 2)", async () => {
    const r = await runUntil(process.execPath, [BIN, "check", path.join(dir, "没有这个文件.xlsx")], 0);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^错误：找不到文件/);
    assert.doesNotMatch(r.stderr, STACK_TRACE);
  });
});

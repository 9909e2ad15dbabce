/**
 * Running the LibreOffice recalculation check (scripts/lo-recalc-check.py, vendored from
 * ../shared/tools/lo-recalc-check.py) from mocha: is LibreOffice there, may a developer skip it,
 * and one run of the checker over many files (LibreOffice starts once for all of them).
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..");
/** The checker as kept in the repository. */
export const LO_CHECKER = path.join(ROOT, "scripts", "lo-recalc-check.py");
/** The shared original beside the repository (absent on a clean clone, e.g. in CI). */
export const SHARED_CHECKER = path.resolve(ROOT, "..", "shared", "tools", "lo-recalc-check.py");
/** Debian's Python, the one python3-uno is built for. */
export const PYTHON = "/usr/bin/python3";
/** The Debian packages the check needs (README 安装; .ci/run installs them). */
export const DEBIAN_PACKAGES = ["libreoffice-calc-nogui", "python3-uno", "python3-openpyxl"] as const;
/** Set to 1 on a developer's machine without LibreOffice to skip the check; refused in CI. */
export const SKIP_ENV = "KJ_SKIP_LIBREOFFICE";

function onPath(program: string): boolean {
  return (process.env.PATH ?? "").split(path.delimiter).some((dir) => dir !== "" && fs.existsSync(path.join(dir, program)));
}

/** True when running in CI (CI set to anything but "", "0" or "false"; .ci/run sets it). */
export function inCi(): boolean {
  const ci = (process.env.CI ?? "").trim().toLowerCase();
  return ci !== "" && ci !== "0" && ci !== "false";
}

/** What is missing for the check, as a message that says how to install it; null when all is there. */
export function libreOfficeMissing(): string | null {
  const missing: string[] = [];
  if (!onPath("soffice")) missing.push("soffice（LibreOffice Calc）");
  if (!fs.existsSync(PYTHON)) missing.push(PYTHON);
  else {
    for (const mod of ["uno", "openpyxl"]) {
      if (spawnSync(PYTHON, ["-c", `import ${mod}`], { stdio: "ignore" }).status !== 0) missing.push(`${PYTHON} 的 ${mod} 模块`);
    }
  }
  if (missing.length === 0) return null;
  return (
    `LibreOffice 重算检查所需的程序不全：缺少 ${missing.join("、")}。\n` +
    `请安装（Debian/Ubuntu）：sudo apt-get install ${DEBIAN_PACKAGES.join(" ")}\n` +
    `（CI 的 .ci/run 会自动安装。开发机上确实无法安装时，可设 ${SKIP_ENV}=1 跳过这项检查；CI 中不允许跳过。）\n` +
    `LibreOffice recalculation check: missing ${missing.join(", ")}; install: apt-get install ${DEBIAN_PACKAGES.join(" ")}`
  );
}

/**
 * Whether to skip the LibreOffice tests: only when SKIP_ENV is 1 and not in CI. Throws when
 * SKIP_ENV is set in CI, so CI can never pass without the check.
 */
export function skipLibreOffice(): boolean {
  const v = (process.env[SKIP_ENV] ?? "").trim();
  if (v === "" || v === "0") return false;
  if (inCi()) throw new Error(`${SKIP_ENV}=${v} 在 CI 中不允许：CI 必须用 LibreOffice 检查每个输出（.ci/run 会安装 ${DEBIAN_PACKAGES.join(" ")}）`);
  return true;
}

/** One file's line of the checker's output. */
export interface LoFileResult {
  file: string;
  /** Formulas LibreOffice recalculated. */
  formulas: number;
  disagree: number;
  inexact: number;
  /** KJ.* formulas whose cached value was kept. */
  addin: number;
  /** The checker's detail lines for this file (cells that disagree or are inexact), or why it did not open. */
  details: string[];
  /** False when the file did not open (openpyxl or LibreOffice). */
  opened: boolean;
}

export interface LoRun {
  code: number | null;
  output: string;
  results: Map<string, LoFileResult>;
}

const SUMMARY = /^(.+\.xlsx): (\d+) formulas recalculated by LibreOffice, (\d+) disagree with the cached value, (\d+) inexact; (\d+) add-in formulas kept$/;
const FAILED = /^(.+\.xlsx): (openpyxl could not read it|LibreOffice could not open it)/;

/** Reads the checker's output: detail lines ("  cell: ...") come before their file's summary line. */
export function parseLoOutput(output: string): Map<string, LoFileResult> {
  const results = new Map<string, LoFileResult>();
  let pending: string[] = [];
  for (const line of output.split("\n")) {
    if (line.startsWith("  ")) {
      pending.push(line.trim());
      continue;
    }
    const m = SUMMARY.exec(line);
    if (m) {
      results.set(m[1], { file: m[1], formulas: +m[2], disagree: +m[3], inexact: +m[4], addin: +m[5], details: pending, opened: true });
      pending = [];
      continue;
    }
    const f = FAILED.exec(line);
    if (f) {
      results.set(f[1], { file: f[1], formulas: 0, disagree: 0, inexact: 0, addin: 0, details: [...pending, line], opened: false });
      pending = [];
    }
  }
  return results;
}

/** Runs the checker once over every file (one LibreOffice start); resolves with its exit code and output per file. */
export function runLoCheck(files: readonly string[]): Promise<LoRun> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, PYTHONIOENCODING: "utf-8" };
    const child = spawn(PYTHON, [LO_CHECKER, ...files], { stdio: ["ignore", "pipe", "pipe"], env });
    let output = "";
    child.stdout.on("data", (b: Buffer) => (output += b.toString("utf8")));
    child.stderr.on("data", (b: Buffer) => (output += b.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output, results: parseLoOutput(output) }));
  });
}

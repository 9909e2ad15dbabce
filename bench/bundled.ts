/**
 * Loads a module as the shipped code runs: bundled into one CommonJS file by esbuild with the
 * options of scripts/build-cli.js (dist-cli/kj.js). Benchmarks of hot loops use it, because under
 * tsx every read of another module's export is a getter call that the shipped code does not make.
 *
 * Example: const { eligibilityPass } = requireBundled<typeof import("./eligibility-pass")>("bench/eligibility-pass.ts");
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

export function requireBundled<T>(entry: string): T {
  // Required here: esbuild is a dev dependency that only the benchmarks and the CLI build need.
  const esbuild = require("esbuild") as typeof import("esbuild");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-bench-bundle-"));
  const outfile = path.join(dir, "bundle.js");
  try {
    esbuild.buildSync({
      absWorkingDir: ROOT,
      entryPoints: [path.resolve(ROOT, entry)],
      outfile,
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      // jsonc-parser's "main" is a UMD wrapper whose requires esbuild cannot follow.
      mainFields: ["module", "main"],
      logLevel: "silent",
    });
      return require(outfile) as T;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

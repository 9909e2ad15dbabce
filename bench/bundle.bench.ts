/**
 * Size of the production bundles (task pane + custom functions; office.js, which is Microsoft's
 * and served from its own folder, excluded) after gzip. Goal: <= 250 KB (250,000 bytes).
 *
 *   npx tsx bench/bundle.bench.ts
 *
 * Runs webpack in production mode into a temporary folder (dist/ is left alone), then gzips
 * (level 9, as a server would serve them) every .js, .css and .html it emitted outside office-js/.
 * Source maps and licence texts are not served to the page, so they do not count.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";

const REPO = path.resolve(__dirname, "..");

export interface BundleFile {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface BundleBenchResult {
  files: BundleFile[];
  bytes: number;
  gzipBytes: number;
  buildMs: number;
}

function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(full, base));
    else out.push(path.relative(base, full).split(path.sep).join("/"));
  }
  return out;
}

/** The emitted files that the page loads: ours, served as text. */
export function isMeasuredAsset(file: string): boolean {
  return !file.startsWith("office-js/") && /\.(js|css|html)$/.test(file);
}

/** gzip sizes of the measured assets in an already built folder. */
export function measureBundleDir(dir: string): { files: BundleFile[]; bytes: number; gzipBytes: number } {
  const files = listFiles(dir)
    .filter(isMeasuredAsset)
    .sort()
    .map((file) => {
      const content = fs.readFileSync(path.join(dir, file));
      return { file, bytes: content.length, gzipBytes: zlib.gzipSync(content, { level: 9 }).length };
    });
  return { files, bytes: files.reduce((n, f) => n + f.bytes, 0), gzipBytes: files.reduce((n, f) => n + f.gzipBytes, 0) };
}

/** Builds the add-in with webpack --mode production into a temporary folder and measures it. */
export function benchBundle(): BundleBenchResult {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "kj-bench-bundle-"));
  try {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [path.join(REPO, "node_modules/webpack/bin/webpack.js"), "--mode", "production", "--output-path", out], {
      cwd: REPO,
      encoding: "utf8",
      maxBuffer: 64 * 2 ** 20,
      timeout: 20 * 60_000,
    });
    const buildMs = performance.now() - t0;
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`webpack 生产构建失败（退出码 ${r.status}）：${(r.stdout + r.stderr).slice(-3000)}`);
    const measured = measureBundleDir(out);
    if (!measured.files.some((f) => f.file === "functions.js") || !measured.files.some((f) => f.file === "taskpane.js")) {
      throw new Error(`构建结果里缺少 functions.js 或 taskpane.js（有：${measured.files.map((f) => f.file).join("、")}）`);
    }
    return { ...measured, buildMs: Math.round(buildMs) };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const r = benchBundle();
  for (const f of r.files) console.log(`  ${f.file}: ${(f.bytes / 1000).toFixed(1)} KB，gzip ${(f.gzipBytes / 1000).toFixed(1)} KB`);
  console.log(`生产包合计 ${(r.bytes / 1000).toFixed(1)} KB，gzip 后 ${(r.gzipBytes / 1000).toFixed(1)} KB（目标 ≤ 250 KB），构建 ${(r.buildMs / 1000).toFixed(0)} s`);
}

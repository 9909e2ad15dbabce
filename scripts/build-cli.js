#!/usr/bin/env node
/**
 * `npm run build:cli` (and `prepare`, so `npm install` / `npm ci` run it): compiles the kj command
 * from src/cli/main.ts into one CommonJS file, dist-cli/kj.js, with esbuild, so `kj` starts
 * without compiling TypeScript (issue 17.3).
 *
 * - Bundled: our sources and the small pure-JS packages every command needs at start-up
 *   (BUNDLED). Every other runtime dependency stays external and is required from node_modules
 *   when a command uses it: exceljs, HyperFormula, JSZip, fontkit (whose brotli reads its own
 *   dictionary file at run time), … A dependency added later is external unless listed here.
 * - dist-cli/inputs.json lists every file the bundle was built from (and package.json and this
 *   script, which decide how) with its size, mtime and SHA-1. bin/kj.js asks `bundleState()` before loading the bundle: a file whose size differs,
 *   or whose mtime differs and whose content hash too, makes the bundle stale (a copy that lost
 *   its mtimes is not stale). Checking costs one stat per input (a few milliseconds).
 *
 *   node scripts/build-cli.js            builds dist-cli/
 *   node scripts/build-cli.js --check    exit 0 when dist-cli/ is fresh, 1 with the reason
 *
 * Plain JavaScript, synchronous, and esbuild is required only to build: bin/kj.js uses this
 * file on every start, also in an install without dev dependencies.
 */
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const ENTRY = "src/cli/main.ts";
const OUT_DIR = "dist-cli";
const OUT_FILE = "kj.js";
const MANIFEST = "inputs.json";
const MANIFEST_FORMAT = 1;

/** Small pure-JS packages on every command's path: bundling them saves resolving and loading their files. */
const BUNDLED = ["commander", "decimal.js", "zod", "jsonc-parser"];

function paths(root = ROOT) {
  const dir = path.join(root, OUT_DIR);
  return { dir, bundle: path.join(dir, OUT_FILE), manifest: path.join(dir, MANIFEST), entry: path.join(root, ENTRY) };
}

/** The runtime dependencies left to node_modules: all of package.json's but BUNDLED. */
function externals(root = ROOT) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const names = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies });
  return names.filter((n) => !BUNDLED.includes(n)).sort();
}

function sha1(file) {
  // Required here, not at the top: loading crypto costs start-up time and is rarely needed.
  return require("crypto").createHash("sha1").update(fs.readFileSync(file)).digest("hex");
}

/**
 * Whether dist-cli/kj.js was built from the sources as they are now.
 * Returns { state: "fresh" | "missing" | "stale", reason } (reason in Chinese, for messages).
 */
function bundleState(root = ROOT) {
  const p = paths(root);
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(p.manifest, "utf8"));
  } catch {
    return { state: "missing", reason: `没有 ${OUT_DIR}/${MANIFEST}` };
  }
  if (!fs.existsSync(p.bundle)) return { state: "missing", reason: `没有 ${OUT_DIR}/${OUT_FILE}` };
  // Installed without sources (only bin/ and dist-cli/): nothing to compare with.
  if (!fs.existsSync(p.entry)) return { state: "fresh", reason: "没有源码" };
  if (manifest.format !== MANIFEST_FORMAT || !Array.isArray(manifest.inputs)) return { state: "stale", reason: `${OUT_DIR}/${MANIFEST} 的格式已变` };
  for (const input of manifest.inputs) {
    const file = path.join(root, input.file);
    const st = fs.statSync(file, { throwIfNoEntry: false });
    if (st === undefined) return { state: "stale", reason: `${input.file} 已不存在` };
    if (st.size !== input.size) return { state: "stale", reason: `${input.file} 已修改` };
    if (st.mtimeMs !== input.mtimeMs && sha1(file) !== input.sha1) return { state: "stale", reason: `${input.file} 已修改` };
  }
  return { state: "fresh", reason: "" };
}

/** Writes data to file through a temporary file and a rename, so a reader never sees half a file. */
function writeAtomic(file, data) {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/**
 * Builds dist-cli/ synchronously. Throws when esbuild is not installed (error.code
 * "KJ_NO_ESBUILD") or the sources do not compile (esbuild's error, with file and line).
 */
function buildCli(root = ROOT) {
  let esbuild;
  try {
    esbuild = require(require.resolve("esbuild", { paths: [root] }));
  } catch {
    const e = new Error("没有安装 esbuild（开发依赖），无法编译命令行");
    e.code = "KJ_NO_ESBUILD";
    throw e;
  }
  const p = paths(root);
  // A source saved while esbuild reads it would be recorded with its new mtime but bundled
  // with its old content: build again when an input's mtime is not older than the build.
  for (let attempt = 0; ; attempt++) {
    const started = Date.now();
    const result = esbuild.buildSync({
      absWorkingDir: root,
      entryPoints: [ENTRY],
      outfile: path.join(OUT_DIR, OUT_FILE),
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      // jsonc-parser's "main" is a UMD wrapper whose requires esbuild cannot follow.
      mainFields: ["module", "main"],
      external: externals(root),
      sourcemap: "linked",
      sourcesContent: false,
      metafile: true,
      write: false,
      logLevel: "silent",
      banner: { js: "// Built by scripts/build-cli.js from src/cli/main.ts (npm run build:cli). Do not edit." },
      // `node dist-cli/kj.js …` also runs kj (an install of bin/ and dist-cli/ without sources).
      footer: { js: "if (require.main === module) module.exports.main(process.argv).then((code) => { process.exitCode = code; });" },
    });
    // Besides the sources: this script and package.json decide how the bundle is built.
    const files = new Set(["package.json", "scripts/build-cli.js"].filter((f) => fs.existsSync(path.join(root, f))));
    for (const f of Object.keys(result.metafile.inputs)) if (!f.includes(":")) files.add(f); // ":": esbuild's virtual modules, if any
    const inputs = [...files]
      .sort()
      .map((file) => {
        const abs = path.join(root, file);
        const st = fs.statSync(abs);
        return { file, size: st.size, mtimeMs: st.mtimeMs, sha1: sha1(abs) };
      });
    if (attempt < 3 && inputs.some((i) => i.mtimeMs >= started - 1)) continue;
    fs.mkdirSync(p.dir, { recursive: true });
    for (const out of result.outputFiles) writeAtomic(out.path, out.contents);
    const bundleBytes = result.outputFiles.find((o) => o.path === path.resolve(p.bundle)).contents.length;
    writeAtomic(p.manifest, JSON.stringify({ format: MANIFEST_FORMAT, entry: ENTRY, externals: externals(root), bundleBytes, inputs }, null, 1) + "\n");
    return { bundle: p.bundle, bundleBytes, inputs: inputs.length };
  }
}

module.exports = { BUNDLED, ENTRY, OUT_DIR, buildCli, bundleState, externals, paths };

if (require.main === module) {
  if (process.argv.includes("--check")) {
    const s = bundleState();
    console.log(s.state === "fresh" ? `${OUT_DIR}/${OUT_FILE} 是最新的` : `${OUT_DIR}/${OUT_FILE} 需要重新编译：${s.reason}`);
    process.exit(s.state === "fresh" ? 0 : 1);
  }
  try {
    const t0 = Date.now();
    const r = buildCli();
    console.log(`已编译命令行：${path.relative(ROOT, r.bundle)}（${(r.bundleBytes / 1e6).toFixed(2)} MB，${r.inputs} 个源文件，${Date.now() - t0} ms）`);
  } catch (e) {
    if (e.code === "KJ_NO_ESBUILD") {
      // npm ci --omit=dev runs prepare too: without dev dependencies there is nothing to build
      // with. Say so and let the install finish; bin/kj.js explains what to do if kj is started.
      console.warn(`注意：${e.message}。命令行 kj 需要先在装有开发依赖的环境中运行 npm run build:cli。`);
      process.exit(0);
    }
    console.error(`编译命令行失败：${e.message}`);
    process.exit(1);
  }
}

/**
 * The compiled CLI (issue 17.3): `npm run build:cli` bundles src/cli/main.ts into dist-cli/kj.js,
 * bin/kj.js runs that bundle (no TypeScript compiled at start-up), rebuilds it when a source
 * changed, and says in Chinese what to do when it can neither build nor fall back to tsx.
 */
import { strict as assert } from "assert";
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Io, processIo } from "../../src/cli/common";
import { buildProgram, COMMANDS, main } from "../../src/cli/main";

const ROOT = path.resolve(__dirname, "../..");
const BIN = path.join(ROOT, "bin/kj.js");
// Plain JavaScript shared with bin/kj.js and package.json's build:cli / prepare.
const buildScript = require("../../scripts/build-cli.js") as {
  BUNDLED: string[];
  buildCli(root?: string): { bundle: string; bundleBytes: number; inputs: number };
  bundleState(root?: string): { state: "fresh" | "missing" | "stale"; reason: string };
  externals(root?: string): string[];
  paths(root?: string): { dir: string; bundle: string; manifest: string; entry: string };
};

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Preload that writes the files the process loaded (require.cache) into $KJ_LOADED_FILE at exit. */
const LOADED_PRELOAD = `process.on("exit", () => { require("fs").writeFileSync(process.env.KJ_LOADED_FILE, JSON.stringify(Object.keys(require.cache))); });\n`;

/** kj run in this process from the sources (tsx), its output as the kj process would write it. */
async function kjSources(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const line = (into: string[]) => (s: string) => into.push(s.endsWith("\n") ? s : s + "\n");
  const io: Io = { out: line(out), err: line(err), today: processIo.today, isTTY: false };
  const code = await main(["node", "kj", ...args], io);
  process.exitCode = 0;
  return { code, out: out.join(""), err: err.join("") };
}

function node(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, encoding: "utf8", timeout: 120_000 });
}

describe("the compiled CLI (dist-cli/kj.js)", function () {
  this.timeout(180_000);
  let tmp: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kj-compiled-"));
    buildScript.buildCli(ROOT);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("npm install / npm ci build it (prepare), and the build lists every source it read", () => {
    assert.equal(pkg.scripts["build:cli"], "node scripts/build-cli.js");
    assert.equal(pkg.scripts.prepare, "node scripts/build-cli.js");
    const { bundle, manifest } = buildScript.paths(ROOT);
    assert.ok(fs.statSync(bundle).size > 100_000, "dist-cli/kj.js is there");
    const inputs = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { inputs: { file: string }[] }).inputs.map((i) => i.file);
    for (const f of ["src/cli/main.ts", "src/cli/commands/award.ts", "src/policy/registry.ts", "src/policy/packs/plan-2022-2024.json"]) assert.ok(inputs.includes(f), f);
    assert.deepEqual(buildScript.bundleState(ROOT), { state: "fresh", reason: "" });
    assert.match(fs.readFileSync(path.join(ROOT, ".gitignore"), "utf8"), /^dist-cli\/$/m);
  });

  it("tsx and esbuild are dev dependencies only; the large runtime packages stay outside the bundle", () => {
    assert.equal(pkg.dependencies.tsx, undefined);
    assert.ok(pkg.devDependencies.tsx);
    assert.equal(pkg.dependencies.esbuild, undefined);
    assert.ok(pkg.devDependencies.esbuild);
    const ext = buildScript.externals(ROOT);
    for (const name of ["exceljs", "hyperformula", "jszip", "fontkit"]) assert.ok(ext.includes(name), name);
    for (const name of buildScript.BUNDLED) assert.ok(pkg.dependencies[name], `${name} is a runtime dependency`);
    const bundleText = fs.readFileSync(buildScript.paths(ROOT).bundle, "utf8");
    assert.match(bundleText, /require\("exceljs"\)/);
    assert.doesNotMatch(bundleText, /node_modules\/exceljs\//);
  });

  it("kj award through bin/kj.js prints exactly what the sources print (run in-process through tsx)", async () => {
    const cases = [
      ["award", "高企", "--json"],
      ["award", "国家重点实验室", "--basis", "250", "--json"],
      ["award", "高企", "--date", "2023-06-01"],
      ["award", "不存在的事项", "--json"],
      ["award", "--help"],
      ["--help"],
    ];
    for (const args of cases) {
      const compiled = node([BIN, ...args]);
      const sources = await kjSources(...args);
      const what = args.join(" ");
      assert.equal(compiled.status, sources.code, `${what}: ${compiled.stderr}`);
      assert.equal(compiled.stdout, sources.out, what);
      assert.equal(compiled.stderr, sources.err, what);
    }
    const ok = JSON.parse(node([BIN, "award", "高企", "--json"]).stdout) as { amount: number };
    assert.equal(ok.amount, 20);
  });

  it("a fresh bundle is loaded without tsx or esbuild, and kj award loads none of exceljs, HyperFormula, JSZip, fontkit", () => {
    const preload = path.join(tmp, "loaded.cjs");
    fs.writeFileSync(preload, LOADED_PRELOAD);
    const loadedFile = path.join(tmp, "loaded.json");
    const r = node(["--require", preload, BIN, "award", "高企", "--json"], { env: { ...process.env, KJ_LOADED_FILE: loadedFile } });
    assert.equal(r.status, 0, r.stderr);
    const loaded = (JSON.parse(fs.readFileSync(loadedFile, "utf8")) as string[]).map((f) => path.relative(ROOT, f).split(path.sep).join("/"));
    assert.ok(loaded.includes("dist-cli/kj.js"), loaded.join("\n"));
    assert.deepEqual(
      loaded.filter((f) => /node_modules\/(tsx|esbuild|@esbuild|exceljs|hyperformula|fontkit|jszip)\//.test(f) || f.endsWith(".ts")),
      [],
    );
  });

  it("every command is registered on demand, and kj --help still lists them all", () => {
    const help = node([BIN, "--help"]);
    assert.equal(help.status, 0);
    for (const [name] of COMMANDS) assert.match(help.stdout, new RegExp(`\\n  ${name} `), name);
    // Each entry loads the module that registers the command of that name.
    const silent: Io = { out: () => undefined, err: () => undefined, today: () => 0, isTTY: false };
    for (const [name] of COMMANDS) assert.deepEqual(buildProgram(silent, name).commands.map((c) => c.name()), [name]);
  });

  it("kj demo and kj report (exceljs, HyperFormula, JSZip, fontkit) work from the bundle, same summary as the sources", async () => {
    const out = path.join(tmp, "demo");
    const demo = node([BIN, "demo", "--out", out]);
    assert.equal(demo.status, 0, demo.stderr);
    const ledger = path.join(out, "示例台账.xlsx");
    const docx = path.join(tmp, "通报.docx");
    const compiled = node([BIN, "report", ledger, "--as-of", "2024-12-31", "--out", docx, "--json"]);
    assert.equal(compiled.status, 0, compiled.stderr);
    assert.ok(fs.statSync(docx).size > 10_000);
    fs.rmSync(docx);
    const sources = await kjSources("report", ledger, "--as-of", "2024-12-31", "--out", docx, "--json");
    assert.equal(sources.code, 0, sources.err);
    assert.deepEqual(JSON.parse(compiled.stdout), JSON.parse(sources.out));
  });

  describe("staleness (a small project in a temporary folder)", () => {
    let proj: string;
    let main: string;
    const write = (text: string) => fs.writeFileSync(main, `export async function main(): Promise<number> { process.stdout.write(${JSON.stringify(text)}); return 0; }\n`);
    const run = () => node([path.join(proj, "bin/kj.js")], { cwd: proj });

    beforeEach(() => {
      proj = fs.mkdtempSync(path.join(tmp, "proj-"));
      for (const f of ["bin/kj.js", "scripts/build-cli.js"]) {
        fs.mkdirSync(path.dirname(path.join(proj, f)), { recursive: true });
        fs.copyFileSync(path.join(ROOT, f), path.join(proj, f));
      }
      fs.writeFileSync(path.join(proj, "package.json"), JSON.stringify({ name: "kj-stale-test", dependencies: {} }));
      main = path.join(proj, "src/cli/main.ts");
      fs.mkdirSync(path.dirname(main), { recursive: true });
      write("one");
    });

    const withNodeModules = () => fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(proj, "node_modules"), "dir");
    const setMtime = (file: string, secondsAgo: number) => {
      const t = new Date(Date.now() - secondsAgo * 1000);
      fs.utimesSync(file, t, t);
    };

    it("a changed source (new size, or same size and new content) makes the bundle stale, and bin/kj.js rebuilds before running", () => {
      withNodeModules();
      setMtime(main, 60);
      buildScript.buildCli(proj);
      assert.equal(buildScript.bundleState(proj).state, "fresh");
      assert.equal(run().stdout, "one");

      write("three"); // a different size
      assert.deepEqual(buildScript.bundleState(proj), { state: "stale", reason: "src/cli/main.ts 已修改" });
      assert.equal(run().stdout, "three");
      assert.equal(buildScript.bundleState(proj).state, "fresh");

      setMtime(main, 30);
      buildScript.buildCli(proj);
      write("seven"); // same size as "three", different bytes
      setMtime(main, 10);
      assert.equal(buildScript.bundleState(proj).state, "stale");
      assert.equal(run().stdout, "seven");
    });

    it("a new mtime with the same bytes (a copy, a checkout) is not stale; a removed source is", () => {
      withNodeModules();
      setMtime(main, 60);
      buildScript.buildCli(proj);
      setMtime(main, 5);
      assert.equal(buildScript.bundleState(proj).state, "fresh");
      const helper = path.join(proj, "src/cli/helper.ts");
      fs.writeFileSync(helper, "export const word = 'helper';\n");
      fs.writeFileSync(main, `import { word } from "./helper";\nexport async function main(): Promise<number> { process.stdout.write(word); return 0; }\n`);
      setMtime(helper, 60);
      setMtime(main, 60);
      buildScript.buildCli(proj);
      assert.equal(run().stdout, "helper");
      fs.rmSync(helper);
      assert.deepEqual(buildScript.bundleState(proj), { state: "stale", reason: "src/cli/helper.ts 已不存在" });
    });

    it("package.json (which packages stay external) and the build script are inputs too", () => {
      withNodeModules();
      buildScript.buildCli(proj);
      assert.equal(buildScript.bundleState(proj).state, "fresh");
      fs.writeFileSync(path.join(proj, "package.json"), JSON.stringify({ name: "kj-stale-test", dependencies: { "left-pad": "1" } }));
      assert.deepEqual(buildScript.bundleState(proj), { state: "stale", reason: "package.json 已修改" });
      buildScript.buildCli(proj);
      fs.appendFileSync(path.join(proj, "scripts/build-cli.js"), "\n// changed\n");
      assert.deepEqual(buildScript.bundleState(proj), { state: "stale", reason: "scripts/build-cli.js 已修改" });
    });

    it("without esbuild and tsx (an install without dev dependencies) and without a bundle: a Chinese message naming npm run build:cli, exit 2", () => {
      assert.equal(buildScript.bundleState(proj).state, "missing");
      const r = run();
      assert.equal(r.status, 2);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /命令行尚未编译/);
      assert.match(r.stderr, /npm run build:cli/);
      // The build script itself lets such an install finish, with a note.
      const build = node([path.join(proj, "scripts/build-cli.js")], { cwd: proj });
      assert.equal(build.status, 0);
      assert.match(build.stderr, /没有安装 esbuild/);
    });

    it("with a stale bundle, tsx but no esbuild to rebuild: the sources run through tsx", () => {
      withNodeModules();
      setMtime(main, 60);
      buildScript.buildCli(proj);
      fs.rmSync(path.join(proj, "node_modules"));
      // Only tsx (its own esbuild resolves from its real path, not from the project).
      fs.mkdirSync(path.join(proj, "node_modules"));
      fs.symlinkSync(path.join(ROOT, "node_modules/tsx"), path.join(proj, "node_modules/tsx"), "dir");
      write("sources");
      const r = run();
      assert.equal(r.stdout, "sources", r.stderr);
      assert.equal(buildScript.bundleState(proj).state, "stale");
    });

    it("a source that does not compile: exit 2 with esbuild's message naming the file", () => {
      withNodeModules();
      fs.writeFileSync(main, "export async function main( {\n");
      const r = run();
      assert.equal(r.status, 2);
      assert.match(r.stderr, /命令行编译失败/);
      assert.match(r.stderr, /src\/cli\/main\.ts/);
    });
  });
});

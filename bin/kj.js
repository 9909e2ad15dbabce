#!/usr/bin/env node
// The kj command. It runs the compiled CLI, dist-cli/kj.js (npm run build:cli; npm install and
// npm ci build it), so no TypeScript is compiled at start-up.
// When a source is newer than the bundle (scripts/build-cli.js decides, from the sizes, mtimes
// and hashes of the files the bundle was built from), the bundle is rebuilt first with esbuild
// (a dev dependency), so a developer, `npm run demo` and the tests always run the sources as
// they are. Without esbuild, the sources run through tsx if it is installed; without either,
// kj says to run `npm run build:cli`.
"use strict";
const path = require("path");
const { buildCli, bundleState, paths } = require("../scripts/build-cli.js");

const ROOT = path.resolve(__dirname, "..");

function fail(message) {
  process.stderr.write(`kj：${message}\n`);
  process.exit(2);
}

function loadMain() {
  const { bundle, entry } = paths(ROOT);
  const state = bundleState(ROOT);
  if (state.state === "fresh") return require(bundle).main;
  try {
    if (process.stderr.isTTY) process.stderr.write(`（${state.reason}，正在重新编译命令行……）\n`);
    buildCli(ROOT);
    return require(bundle).main;
  } catch (e) {
    if (e.code !== "KJ_NO_ESBUILD" && !/EACCES|EPERM|EROFS/.test(String(e.code))) {
      // The sources do not compile: esbuild's message names the file and the line.
      fail(`命令行编译失败：\n${e.message}`);
    }
  }
  let tsx;
  try {
    tsx = require.resolve("tsx/cjs", { paths: [ROOT] });
  } catch {
    fail(
      state.state === "missing"
        ? "命令行尚未编译（没有 dist-cli/kj.js）。请在 KJ 的目录中运行 npm run build:cli（需要开发依赖：先运行 npm install），然后重试。"
        : `命令行的编译结果已过期（${state.reason}）。请在 KJ 的目录中运行 npm run build:cli（需要开发依赖：先运行 npm install），然后重试。`,
    );
  }
  require(tsx);
  return require(entry).main;
}

loadMain()(process.argv).then((code) => {
  process.exitCode = code;
});

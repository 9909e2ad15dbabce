#!/usr/bin/env node
/**
 * `npm start` / `npm stop`: sideloads manifest.xml into Excel desktop (Windows, macOS) and removes
 * it again, with office-addin-debugging as pinned in package-lock.json (an optionalDependency:
 * it does not install on Linux, where its keytar build needs libsecret, and Excel desktop does
 * not run there anyway). Nothing is fetched at run time, so it works on an intranet.
 *
 *   node scripts/sideload.js start|stop [more office-addin-debugging options]
 */
"use strict";
const { spawnSync } = require("child_process");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const action = process.argv[2];
if (action !== "start" && action !== "stop") {
  console.error("用法：node scripts/sideload.js start|stop");
  process.exit(2);
}

let cli;
try {
  const pkg = require.resolve("office-addin-debugging/package.json", { paths: [ROOT] });
  cli = path.join(path.dirname(pkg), require(pkg).bin["office-addin-debugging"]);
} catch {
  console.error(
    "未安装 office-addin-debugging，无法旁加载到 Excel。\n" +
      (process.platform === "linux"
        ? "Linux 上没有 Excel 桌面版，也装不上它（其依赖 keytar 需要 libsecret）：请用命令行 kj 和浏览器演示（README“浏览器演示”）。"
        : "它是 package.json 中的可选依赖：请在仓库目录运行 npm ci（或 npm install）后重试；安装时的报错信息会说明原因。"),
  );
  process.exit(1);
}

const r = spawnSync(process.execPath, [cli, action, path.join(ROOT, "manifest.xml"), ...process.argv.slice(3)], { stdio: "inherit", cwd: ROOT });
process.exit(r.status ?? 1);

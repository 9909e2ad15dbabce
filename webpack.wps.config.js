/**
 * Builds the WPS 加载项 for WPS 表格 (et) into dist-wps/:
 *
 *   dist-wps/<name>_<version>/   the add-in: index.html (loads main.js: ribbon callbacks and
 *                                the KJ functions), ribbon.xml, taskpane.html (the same pane as
 *                                Excel's, pages by #hash), manifest.xml + functions.json, images/
 *   dist-wps/publish.xml         offline install: copy it with the folder into jsaddons
 *   dist-wps/jsplugins.xml       intranet deployment template (URL from KJ_WPS_URL)
 *
 *   npm run build:wps
 *   KJ_WPS_URL=http://10.0.0.8/kj/kj-ledger_0.1.0/ npm run build:wps
 */
"use strict";
const path = require("path");
const fs = require("fs");
const { Compilation, WebpackError, sources } = require("webpack");
const HtmlWebpackPlugin = require("html-webpack-plugin");
const CopyWebpackPlugin = require("copy-webpack-plugin");
// The package files are generated from src/fx/spec.ts by TypeScript; tsx loads it here.
const tsx = require("tsx/cjs/api");
const pkg = require("./package.json");
const { browserPlugins, browserResolve, typescriptRule } = require("./webpack.config.js");

const PLACEHOLDER_WPS_URL = "http://kj.example.gov.cn/wps/";
const TASKPANE_ENTRY = "./taskpane/taskpane.ts";
const TASKPANE_HTML = path.resolve(__dirname, "taskpane/taskpane.html");

/** The pane's HTML without office.js: WPS has no Office.js, and the package does not carry it. */
function wpsTaskpaneHtml() {
  const html = fs.readFileSync(TASKPANE_HTML, "utf8");
  return html.replace(/\s*<script[^>]*src="office-js\/office\.js"[^>]*><\/script>/g, "");
}

/** Emits manifest.xml, functions.json (in the package) and publish.xml, jsplugins.xml (beside it). */
class WpsPackageFilesPlugin {
  apply(compiler) {
    const name = "WpsPackageFilesPlugin";
    compiler.hooks.thisCompilation.tap(name, (compilation) => {
      compilation.hooks.processAssets.tap({ name, stage: Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        try {
          const files = tsx.require("./wps/package-files.ts", __filename);
          const emit = (file, text) => compilation.emitAsset(file, new sources.RawSource(text));
          emit("manifest.xml", files.manifestXml(pkg.name, pkg.description));
          emit("functions.json", JSON.stringify(files.functionsJson(), null, 2) + "\n");
          // Beside the package folder, not inside it.
          emit("../publish.xml", files.publishXml(pkg.name, pkg.version));
          emit("../jsplugins.xml", files.jsPluginsXml(pkg.name, pkg.version, process.env.KJ_WPS_URL || PLACEHOLDER_WPS_URL));
        } catch (e) {
          compilation.errors.push(new WebpackError(String(e && e.stack ? e.stack : e)));
        }
      });
    });
  }
}

module.exports = (env = {}, argv = {}) => {
  const dev = argv.mode !== "production";
  const folder = `${pkg.name}_${pkg.version}`;
  const hasPane = fs.existsSync(path.resolve(__dirname, TASKPANE_ENTRY)) && fs.existsSync(TASKPANE_HTML);
  if (!hasPane) console.warn("webpack.wps: taskpane/taskpane.ts or taskpane.html is missing; building the ribbon and functions only");
  const taskpaneCss = path.resolve(__dirname, "taskpane/taskpane.css");

  return {
    mode: dev ? "development" : "production",
    // No eval-based source maps: the pages' CSP has no 'unsafe-eval'.
    devtool: dev ? "source-map" : false,
    context: __dirname,
    entry: {
      main: "./wps/main.ts",
      ...(hasPane ? { taskpane: TASKPANE_ENTRY } : {}),
    },
    output: {
      // Everything is built into the package folder; publish.xml and jsplugins.xml go beside it.
      path: path.resolve(__dirname, "dist-wps", folder),
      filename: "[name].js",
      clean: true,
    },
    resolve: browserResolve,
    module: { rules: [typescriptRule(dev)] },
    plugins: [
      ...browserPlugins(),
      new HtmlWebpackPlugin({
        filename: "index.html",
        template: "./wps/index.html",
        chunks: ["main"],
        // Blocking, in <head>: the ribbon callbacks must exist before WPS calls OnAddinLoad.
        scriptLoading: "blocking",
        inject: "head",
      }),
      ...(hasPane
        ? [
            new HtmlWebpackPlugin({
              filename: "taskpane.html",
              templateContent: wpsTaskpaneHtml,
              chunks: ["taskpane"],
              scriptLoading: "defer",
              inject: "head",
            }),
          ]
        : []),
      new CopyWebpackPlugin({
        patterns: [
          { from: "wps/ribbon.xml", to: "ribbon.xml" },
          { from: "wps/images/*.svg", to: "images/[name][ext]" },
          // The pane's own icons (its page links assets/icon-32.png).
          ...(fs.existsSync(path.resolve(__dirname, "assets")) ? [{ from: "assets/*.png", to: "assets/[name][ext]", noErrorOnMissing: true }] : []),
          ...(fs.existsSync(taskpaneCss) ? [{ from: "taskpane/*.css", to: "[name][ext]" }] : []),
        ],
      }),
      new WpsPackageFilesPlugin(),
    ],
    performance: { hints: false },
  };
};

module.exports.PLACEHOLDER_WPS_URL = PLACEHOLDER_WPS_URL;

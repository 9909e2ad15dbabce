/**
 * Builds the Excel add-in into dist/: one page (taskpane.html) carrying both the custom
 * functions and the task pane (shared runtime), functions.json generated from the JSDoc,
 * functions.zh-cn.json derived from src/fx/spec.ts, the icons, office.js served from the
 * add-in's own origin, and manifest*.xml with the production URL.
 *
 *   npm run build                          production, URLs -> KJ_PUBLIC_URL (default placeholder)
 *   KJ_PUBLIC_URL=https://kj.xc.gov.cn/ npm run build
 *   npm run dev-server                     https://localhost:3000/ (self-signed certificate)
 */
"use strict";
const path = require("path");
const fs = require("fs");
const os = require("os");
const { Compilation, ProvidePlugin, WebpackError, sources } = require("webpack");
const HtmlWebpackPlugin = require("html-webpack-plugin");
const CopyWebpackPlugin = require("copy-webpack-plugin");
const CustomFunctionsMetadataPlugin = require("custom-functions-metadata-plugin");
// The zh-CN metadata is derived by TypeScript shared with the tests; tsx loads it here.
const tsx = require("tsx/cjs/api");

const DEV_URL = "https://localhost:3000/";
const PLACEHOLDER_URL = "https://kj.example.gov.cn/";
const FUNCTIONS_INPUT = path.resolve(__dirname, "functions/functions.ts");

/** The production base URL from KJ_PUBLIC_URL: https only, always ending in "/". */
function publicUrl(raw) {
  const url = (raw || PLACEHOLDER_URL).trim();
  if (!/^https:\/\/[^/\s]+/.test(url)) {
    throw new Error(`KJ_PUBLIC_URL must be an https:// address (Office loads add-ins only over https), got: ${url}`);
  }
  return url.endsWith("/") ? url : url + "/";
}

/** Writes functions.zh-cn.json next to functions.json and fails the build if they drift from spec.ts. */
class LocalizedFunctionsMetadataPlugin {
  apply(compiler) {
    const name = "LocalizedFunctionsMetadataPlugin";
    compiler.hooks.thisCompilation.tap(name, (compilation) => {
      compilation.hooks.processAssets.tap({ name, stage: Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        const asset = compilation.getAsset("functions.json");
        if (!asset) {
          compilation.errors.push(new WebpackError("functions.json was not generated, so functions.zh-cn.json cannot be"));
          return;
        }
        const { localizeMetadata } = tsx.require("./scripts/functions-metadata.ts", __filename);
        try {
          const meta = JSON.parse(asset.source.source().toString());
          const zh = localizeMetadata(meta);
          compilation.emitAsset("functions.zh-cn.json", new sources.RawSource(JSON.stringify(zh, null, 2) + "\n"));
        } catch (e) {
          compilation.errors.push(new WebpackError(String(e && e.message ? e.message : e)));
        }
      });
    });
  }
}

/**
 * TypeScript through ts-loader, shared by the Excel and WPS builds. Transpile only: typechecking
 * is `npm run typecheck`. es2017 syntax: WPS on older 信创 builds embeds an older Chromium.
 */
function typescriptRule(sourceMap) {
  return {
    test: /\.ts$/,
    exclude: /node_modules/,
    use: {
      loader: "ts-loader",
      options: { transpileOnly: true, compilerOptions: { module: "es2020", target: "es2017", sourceMap } },
    },
  };
}

/**
 * Resolving for the browser bundles (Excel and WPS): the package policy that opens .xlsx files
 * (src/host/xlsx/package.ts, used by the pane to read workbooks the user picks) needs Node's
 * zlib and Buffer; the browser gets a zlib over fflate (taskpane/shims/zlib.ts) and the buffer
 * package.
 */
const browserResolve = {
  extensions: [".ts", ".js", ".json"],
  fallback: { zlib: path.resolve(__dirname, "taskpane/shims/zlib.ts"), buffer: require.resolve("buffer/") },
};
function browserPlugins() {
  return [new ProvidePlugin({ Buffer: ["buffer", "Buffer"] })];
}

/**
 * The dev server's https settings: the certificate `npx office-addin-dev-certs install`
 * leaves in ~/.office-addin-dev-certs when present (trusted by Excel on Windows/macOS),
 * otherwise webpack-dev-server's own self-signed one (fine for a browser, not for sideloading).
 */
function devHttps() {
  const dir = path.join(os.homedir(), ".office-addin-dev-certs");
  const files = { key: "localhost.key", cert: "localhost.crt", ca: "ca.crt" };
  if (!Object.values(files).every((f) => fs.existsSync(path.join(dir, f)))) return "https";
  const options = {};
  for (const [k, f] of Object.entries(files)) options[k] = fs.readFileSync(path.join(dir, f));
  return { type: "https", options };
}

module.exports = (env = {}, argv = {}) => {
  const dev = argv.mode !== "production";
  const baseUrl = dev ? DEV_URL : publicUrl(process.env.KJ_PUBLIC_URL);
  const taskpaneCss = path.resolve(__dirname, "taskpane/taskpane.css");

  return {
    mode: dev ? "development" : "production",
    // No eval-based source maps: the page's CSP has no 'unsafe-eval'.
    devtool: "source-map",
    context: __dirname,
    entry: {
      functions: FUNCTIONS_INPUT,
      // The pane shares the functions bundle's modules and runtime: both load in one page.
      taskpane: { import: "./taskpane/taskpane.ts", dependOn: "functions" },
    },
    output: {
      path: path.resolve(__dirname, "dist"),
      filename: "[name].js",
      clean: true,
    },
    resolve: browserResolve,
    module: { rules: [typescriptRule(true)] },
    plugins: [
      ...browserPlugins(),
      new CustomFunctionsMetadataPlugin({ input: FUNCTIONS_INPUT, output: "functions.json" }),
      new LocalizedFunctionsMetadataPlugin(),
      new HtmlWebpackPlugin({
        filename: "taskpane.html",
        template: "./taskpane/taskpane.html",
        chunks: ["functions", "taskpane"],
        chunksSortMode: "manual",
        scriptLoading: "defer",
        inject: "head",
      }),
      new CopyWebpackPlugin({
        patterns: [
          { from: "assets/*.png", to: "assets/[name][ext]" },
          {
            from: "manifest*.xml",
            to: "[name][ext]",
            transform: (content) => (dev ? content : Buffer.from(content.toString().split(DEV_URL).join(baseUrl))),
          },
          {
            // office.js and the host-specific scripts and strings it loads at run time.
            from: "**/*",
            context: path.resolve(__dirname, "node_modules/@microsoft/office-js/dist"),
            to: "office-js/",
            // Already minified by Microsoft; marking it saves minutes of Terser time.
            info: { minimized: true },
            globOptions: { ignore: ["**/*.debug.js", "**/*.d.ts", "**/*vsdoc*"] },
          },
          ...(fs.existsSync(taskpaneCss) ? [{ from: "taskpane/*.css", to: "[name][ext]" }] : []),
        ],
      }),
    ],
    performance: {
      // Budgets count our bundles only, not the copied office.js.
      assetFilter: (file) => /\.js$/.test(file) && !file.startsWith("office-js/"),
      maxAssetSize: 900 * 1024,
      maxEntrypointSize: 900 * 1024,
    },
    devServer: {
      port: 3000,
      server: dev ? devHttps() : "https",
      headers: { "Access-Control-Allow-Origin": "*" },
      static: false,
      // No injected reload client: it would need a websocket the page's CSP does not list.
      client: false,
      hot: false,
      liveReload: false,
    },
  };
};

module.exports.publicUrl = publicUrl;
module.exports.typescriptRule = typescriptRule;
module.exports.browserResolve = browserResolve;
module.exports.browserPlugins = browserPlugins;
module.exports.DEV_URL = DEV_URL;
module.exports.PLACEHOLDER_URL = PLACEHOLDER_URL;

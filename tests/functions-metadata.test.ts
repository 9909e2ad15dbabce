/**
 * The production build, once, into a temporary folder: functions.json (from the JSDoc),
 * functions.zh-cn.json and src/fx/spec.ts describe the same six functions with the same
 * parameters; the page loads office.js from its own origin and both bundles with no inline
 * script; the manifest points at KJ_PUBLIC_URL and every file it names was built; the
 * bundles stay within their size budget. Also unit checks of the drift detector itself.
 */
import { strict as assert } from "assert";
import fs from "fs";
import os from "os";
import path from "path";
import webpack from "webpack";
import zlib from "zlib";
import { FX_SPECS } from "../src/fx/spec";
import { FunctionsMetadata, localizeMetadata, metadataDrift } from "../scripts/functions-metadata";
import { parseManifest } from "./support/manifest";

const makeConfig = require("../webpack.config.js") as ((env: object, argv: { mode: string }) => webpack.Configuration) & {
  publicUrl: (raw?: string) => string;
  PLACEHOLDER_URL: string;
};

const PUBLIC_URL = "https://kj.test.example/addin/";
const IDS = ["AWARD", "TARGET", "USCC", "ELIGIBLE", "WHY", "RDSUBSIDY", "SCORE"];
const BUNDLE_BUDGET_GZIP = 250 * 1024;

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

function build(outDir: string): Promise<webpack.Stats> {
  const saved = process.env.KJ_PUBLIC_URL;
  process.env.KJ_PUBLIC_URL = PUBLIC_URL;
  let config: webpack.Configuration;
  try {
    config = makeConfig({}, { mode: "production" });
  } finally {
    if (saved === undefined) delete process.env.KJ_PUBLIC_URL;
    else process.env.KJ_PUBLIC_URL = saved;
  }
  config.output = { ...config.output, path: outDir };
  config.infrastructureLogging = { level: "error" };
  return new Promise((resolve, reject) =>
    webpack(config, (err, stats) => {
      if (err) return reject(err);
      if (!stats) return reject(new Error("webpack gave no stats"));
      if (stats.hasErrors()) return reject(new Error(stats.toString({ all: false, errors: true })));
      resolve(stats);
    }),
  );
}

describe("add-in build (webpack, production)", function () {
  this.timeout(15 * 60 * 1000);
  let out: string;
  let functionsJson: FunctionsMetadata;
  let zhJson: FunctionsMetadata;

  before(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "kj-build-"));
    await build(out);
    functionsJson = readJson(path.join(out, "functions.json"));
    zhJson = readJson(path.join(out, "functions.zh-cn.json"));
  });

  after(() => {
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  it("generates functions.json with the six KJ functions", () => {
    assert.deepEqual(functionsJson.functions.map((f) => f.id), IDS);
    assert.deepEqual(functionsJson.functions.map((f) => f.name), IDS);
  });

  it("agrees with src/fx/spec.ts on every id, parameter, type, optional flag and shape", () => {
    assert.deepEqual(metadataDrift(functionsJson), []);
    assert.deepEqual(FX_SPECS.map((s) => s.id), IDS);
  });

  it("writes functions.zh-cn.json with the same ids and parameters, in Chinese", () => {
    assert.equal(zhJson.functions.length, functionsJson.functions.length);
    zhJson.functions.forEach((zh, i) => {
      const en = functionsJson.functions[i];
      const spec = FX_SPECS[i];
      assert.equal(zh.id, en.id);
      assert.equal(zh.name, en.name, "function names are not localised: =KJ.AWARD everywhere");
      assert.deepEqual(zh.result, en.result);
      assert.equal(zh.description, spec.descriptionZh);
      assert.equal(zh.parameters.length, en.parameters.length);
      zh.parameters.forEach((p, j) => {
        const e = en.parameters[j];
        assert.equal(p.type, e.type);
        assert.equal(Boolean(p.optional), Boolean(e.optional));
        assert.equal(p.dimensionality, e.dimensionality);
        assert.equal(p.name, spec.params[j].nameZh);
        assert.match(p.description ?? "", /[\u4e00-\u9fff]/);
      });
    });
    const eligible = zhJson.functions.find((f) => f.id === "ELIGIBLE")!;
    assert.deepEqual(eligible.parameters.map((p) => p.name), ["类别", "表头", "行", "评价日期"]);
    assert.deepEqual(eligible.parameters.map((p) => p.dimensionality ?? "scalar"), ["scalar", "matrix", "matrix", "scalar"]);
  });

  it("registers every function in the bundle (CustomFunctions.associate)", () => {
    const js = fs.readFileSync(path.join(out, "functions.js"), "utf8");
    for (const id of IDS) assert.match(js, new RegExp(`CustomFunctions\\.associate\\("${id}"`), `${id} is not associated`);
  });

  it("serves office.js and the files it loads from the add-in's own origin", () => {
    for (const f of ["office.js", "excel-win32-16.01.js", "excel-mac-16.00.js", "excel-web-16.00.js", "zh-cn/office_strings.js", "en-us/office_strings.js"]) {
      assert.ok(fs.existsSync(path.join(out, "office-js", f)), `office-js/${f} missing`);
    }
    assert.equal(
      fs.readFileSync(path.join(out, "office-js/office.js"), "utf8"),
      fs.readFileSync(require.resolve("@microsoft/office-js/dist/office.js"), "utf8"),
      "office.js must be copied unchanged (it is not ours to minify)",
    );
  });

  it("builds one page that loads office.js first, then both bundles, with no inline script", () => {
    const html = fs.readFileSync(path.join(out, "taskpane.html"), "utf8");
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    const srcs = scripts.map((m) => /src=["']?([^"' >]+)/.exec(m[1])?.[1]);
    assert.deepEqual(srcs, ["office-js/office.js", "functions.js", "taskpane.js"]);
    for (const m of scripts) assert.equal(m[2].trim(), "", "inline script content");
    assert.doesNotMatch(html, /\son[a-z]+=/i, "inline event handler");
    assert.ok(html.indexOf("office-js/office.js") < html.indexOf("</head>"), "office.js must load in <head>");
  });

  it("writes the manifest with KJ_PUBLIC_URL and every file it names exists in the build", () => {
    const xml = fs.readFileSync(path.join(out, "manifest.xml"), "utf8");
    assert.doesNotMatch(xml, /localhost/);
    const m = parseManifest(xml);
    assert.ok(m.urls.length >= 10);
    for (const u of m.urls) {
      assert.ok(u.startsWith(PUBLIC_URL), `not under KJ_PUBLIC_URL: ${u}`);
      const file = path.join(out, u.slice(PUBLIC_URL.length));
      assert.ok(fs.existsSync(file), `${u} is named in the manifest but ${file} was not built`);
    }
  });

  it(`keeps the task pane and functions bundles within ${BUNDLE_BUDGET_GZIP / 1024} KB gzipped`, () => {
    const total = ["functions.js", "taskpane.js"]
      .map((f) => zlib.gzipSync(fs.readFileSync(path.join(out, f))).length)
      .reduce((a, b) => a + b, 0);
    assert.ok(total <= BUNDLE_BUDGET_GZIP, `bundles are ${Math.round(total / 1024)} KB gzipped`);
  });
});

describe("functions metadata drift detection", () => {
  const sample = (): FunctionsMetadata => ({
    functions: FX_SPECS.map((s) => ({
      id: s.id,
      name: s.id,
      description: s.description,
      parameters: s.params.map((p) => ({
        name: p.name,
        description: p.description,
        type: p.type,
        ...(p.optional ? { optional: true } : {}),
        ...(p.matrix ? { dimensionality: "matrix" } : {}),
      })),
      result: { type: s.result.type },
    })),
  });

  it("finds nothing when functions.json says what the spec says", () => {
    assert.deepEqual(metadataDrift(sample()), []);
  });

  it("reports a missing function, a renamed parameter, a changed type, optional flag or shape", () => {
    const m = sample();
    m.functions = m.functions.filter((f) => f.id !== "WHY");
    const award = m.functions.find((f) => f.id === "AWARD")!;
    award.parameters[0].name = "thing";
    award.parameters[1].optional = false;
    award.result = { type: "string" };
    m.functions.find((f) => f.id === "ELIGIBLE")!.parameters[1].dimensionality = "scalar";
    const drift = metadataDrift(m).join("\n");
    assert.match(drift, /WHY: in spec.ts but not in functions.json/);
    assert.match(drift, /AWARD parameter 1: name thing vs item/);
    assert.match(drift, /AWARD parameter 2: optional false vs true/);
    assert.match(drift, /AWARD: result type string vs number/);
    assert.match(drift, /ELIGIBLE parameter 2: dimensionality scalar/);
    assert.throws(() => localizeMetadata(m), /disagree/);
  });

  it("localises descriptions and parameter names only", () => {
    const zh = localizeMetadata(sample());
    const award = zh.functions[0];
    assert.equal(award.id, "AWARD");
    assert.equal(award.name, "AWARD");
    assert.deepEqual(award.parameters.map((p) => p.name), ["事项", "计算依据", "日期"]);
    assert.deepEqual(award.parameters.map((p) => p.type), ["any", "any", "any"]);
  });
});

describe("KJ_PUBLIC_URL", () => {
  it("defaults to the documented placeholder and always ends in a slash", () => {
    assert.equal(makeConfig.publicUrl(undefined), "https://kj.example.gov.cn/");
    assert.equal(makeConfig.publicUrl("https://kj.xc.gov.cn/addin"), "https://kj.xc.gov.cn/addin/");
  });

  it("refuses a non-https address", () => {
    assert.throws(() => makeConfig.publicUrl("http://kj.xc.gov.cn/"), /https/);
  });
});

/**
 * Builds the WPS 加载项 once (npm run build:wps) and checks what WPS needs from dist-wps/:
 * ribbon.xml parses and has no XML declaration, every callback it names is a global defined by
 * the bundle (evaluated in a vm context with a fake window / wps / Application), the functions
 * get registered, the buttons open the pane at their page, the manifest lists the functions,
 * and the offline package is laid out as publish.xml says.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { FX_NAMESPACE, FX_SPECS } from "../../src/fx/spec";

const ROOT = path.resolve(__dirname, "../..");
const DIST = path.join(ROOT, "dist-wps");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { name: string; version: string };
const FOLDER = `${pkg.name}_${pkg.version}`;
const PKG_DIR = path.join(DIST, FOLDER);

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_" });

function read(file: string): string {
  return fs.readFileSync(path.join(PKG_DIR, file), "utf8");
}

/** Every attribute value of the given names anywhere in a parsed XML tree. */
function attributeValues(node: unknown, names: readonly string[], out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => attributeValues(n, names, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k.startsWith("@_") && names.includes(k.slice(2)) && typeof v === "string") out.push(v);
      else attributeValues(v, names, out);
    }
  }
  return out;
}

function buttons(ribbon: string): { id: string; label: string }[] {
  const doc = parser.parse(ribbon);
  const out: { id: string; label: string }[] = [];
  const walk = (n: unknown, key = ""): void => {
    if (Array.isArray(n)) n.forEach((x) => walk(x, key));
    else if (n && typeof n === "object") {
      if (key === "button") out.push({ id: (n as Record<string, string>)["@_id"], label: (n as Record<string, string>)["@_label"] });
      for (const [k, v] of Object.entries(n)) walk(v, k);
    }
  };
  walk(doc);
  return out;
}

interface Pane {
  ID: string;
  url: string;
  Visible: boolean;
  DockPosition?: number;
  Navigate(url: string): void;
}

/** Evaluates main.js in a fresh context with a fake WPS environment. */
function loadBundle(options: { paneOn: "wps" | "Application"; spelling: "CreateTaskPane" | "CreateTaskpane"; customFunctions?: boolean }) {
  const registered: { ns: string; name: string; meta: unknown; fn: (...a: unknown[]) => unknown }[] = [];
  const panes: Pane[] = [];
  const store = new Map<string, unknown>();
  const create = (url: string): Pane => {
    const pane: Pane = {
      ID: `pane-${panes.length + 1}`,
      url,
      Visible: false,
      Navigate(next: string) {
        this.url = next;
      },
    };
    panes.push(pane);
    return pane;
  };
  const getPane = (id: string) => panes.find((p) => p.ID === id) ?? null;
  const wps: Record<string, unknown> = {
    PluginStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: unknown) => store.set(k, v) },
    GetTaskPane: getPane,
  };
  if (options.customFunctions !== false) {
    wps.AddCustomFunction = (ns: string, name: string, fn: (...a: unknown[]) => unknown, meta: unknown) => registered.push({ ns, name, fn, meta });
  }
  const application: Record<string, unknown> = { Workbooks: {}, ActiveWorkbook: {} };
  (options.paneOn === "wps" ? wps : application)[options.spelling] = create;
  const alerts: string[] = [];
  const sandbox: Record<string, unknown> = {
    wps,
    Application: application,
    location: { href: `file:///C:/Users/kj/AppData/Roaming/kingsoft/wps/jsaddons/${FOLDER}/index.html` },
    console: { log() {}, warn() {}, error() {} },
    alert: (m: string) => alerts.push(m),
    setTimeout,
    clearTimeout,
  };
  sandbox.window = sandbox;
  sandbox.self = sandbox;
  vm.createContext(sandbox);
  vm.runInContext(read("main.js"), sandbox, { filename: "main.js" });
  return { sandbox, registered, panes, alerts };
}

describe("WPS 加载项 build (dist-wps)", function () {
  this.timeout(180_000);

  before(() => {
    execFileSync(process.execPath, [path.join(ROOT, "node_modules/webpack-cli/bin/cli.js"), "--config", "webpack.wps.config.js", "--mode", "production"], {
      cwd: ROOT,
      stdio: "pipe",
    });
  });

  it("puts the add-in in the <name>_<version> folder with publish.xml and jsplugins.xml beside it", () => {
    assert.ok(fs.statSync(PKG_DIR).isDirectory(), FOLDER);
    for (const f of ["index.html", "main.js", "ribbon.xml", "manifest.xml", "functions.json", "taskpane.html", "taskpane.js"]) {
      assert.ok(fs.existsSync(path.join(PKG_DIR, f)), `${FOLDER}/${f}`);
    }
    const publish = fs.readFileSync(path.join(DIST, "publish.xml"), "utf8");
    assert.equal(XMLValidator.validate(publish), true);
    const plugin = parser.parse(publish).jsplugins.jsplugin;
    assert.equal(plugin["@_name"], pkg.name);
    assert.equal(plugin["@_type"], "et");
    assert.equal(plugin["@_url"], FOLDER);
    assert.equal(plugin["@_version"], pkg.version);
    const online = fs.readFileSync(path.join(DIST, "jsplugins.xml"), "utf8");
    assert.equal(XMLValidator.validate(online), true);
    const entry = parser.parse(online).jsplugins.jspluginonline;
    assert.equal(entry["@_type"], "et");
    assert.match(entry["@_url"], /^https?:\/\/.+\/$/);
  });

  it("has a ribbon.xml that parses, without an XML declaration, with the 科技台账 tab and its five buttons", () => {
    const ribbon = read("ribbon.xml");
    assert.ok(ribbon.startsWith("<customUI"), "no XML declaration or BOM before <customUI>");
    assert.equal(XMLValidator.validate(ribbon), true);
    const doc = parser.parse(ribbon);
    assert.equal(doc.customUI.ribbon.tabs.tab["@_label"], "科技台账");
    assert.deepEqual(
      buttons(ribbon).map((b) => b.label),
      ["校验台账", "动态管理", "目标达成", "奖励测算", "研发补助"],
    );
  });

  it("defines every callback ribbon.xml names as a global function of the bundle", () => {
    const names = attributeValues(parser.parse(read("ribbon.xml")), ["onLoad", "onAction", "getImage", "getEnabled", "getLabel", "getVisible"]);
    assert.ok(names.includes("OnAddinLoad") && names.includes("OnAction") && names.includes("GetImage"));
    const { sandbox } = loadBundle({ paneOn: "wps", spelling: "CreateTaskPane" });
    for (const n of new Set(names)) assert.equal(typeof sandbox[n], "function", `global ${n}`);
    assert.equal((sandbox.OnAddinLoad as (r: unknown) => unknown)({}), true);
    for (const b of buttons(read("ribbon.xml"))) {
      const image = (sandbox.GetImage as (c: unknown) => string)({ Id: b.id });
      assert.ok(fs.existsSync(path.join(PKG_DIR, image)), `${b.id} image ${image}`);
    }
  });

  it("registers every KJ function when loaded, and still loads without AddCustomFunction", () => {
    const { registered } = loadBundle({ paneOn: "wps", spelling: "CreateTaskPane" });
    assert.deepEqual(
      registered.map((r) => `${r.ns}.${r.name}`),
      FX_SPECS.map((s) => `${FX_NAMESPACE}.${s.id}`),
    );
    const award = registered.find((r) => r.name === "AWARD");
    assert.equal(award?.fn("国家重点实验室", 250, -2147352572), 200);
    const old = loadBundle({ paneOn: "wps", spelling: "CreateTaskPane", customFunctions: false });
    assert.equal(typeof old.sandbox.OnAction, "function");
  });

  for (const probe of [
    { paneOn: "wps", spelling: "CreateTaskPane" },
    { paneOn: "Application", spelling: "CreateTaskpane" },
  ] as const) {
    it(`opens one task pane at each button's page (${probe.paneOn}.${probe.spelling})`, () => {
      const { sandbox, panes, alerts } = loadBundle(probe);
      const click = (id: string) => (sandbox.OnAction as (c: unknown) => unknown)({ Id: id });
      click("btnUpkeep");
      assert.equal(panes.length, 1);
      assert.match(panes[0].url, new RegExp(`/${FOLDER}/taskpane\\.html\\?page=upkeep#upkeep$`));
      assert.equal(panes[0].Visible, true);
      panes[0].Visible = false;
      click("btnAwards");
      assert.equal(panes.length, 1, "the same pane is reused");
      assert.match(panes[0].url, /taskpane\.html\?page=awards#awards$/);
      assert.equal(panes[0].Visible, true);
      click("btnValidate");
      click("btnTargets");
      assert.match(panes[0].url, /#targets$/);
      click("btnRdSubsidy");
      assert.equal(panes.length, 1);
      assert.match(panes[0].url, /taskpane\.html\?page=rd#rd$/);
      assert.deepEqual(alerts, []);
    });
  }

  it("has a manifest declaring namespace KJ and a functions.json listing every function", () => {
    const manifest = read("manifest.xml");
    assert.equal(XMLValidator.validate(manifest), true);
    const doc = parser.parse(manifest).JsPlugin;
    assert.equal(doc.Functions.Namespace, FX_NAMESPACE);
    const functions = JSON.parse(read(String(doc.Functions.Uri).replace(/^\//, ""))) as {
      functions: { id: string; description: string; parameters: { name: string; optional: boolean; dimensionality: string }[] }[];
    };
    assert.deepEqual(
      functions.functions.map((f) => f.id),
      FX_SPECS.map((s) => s.id),
    );
    for (const spec of FX_SPECS) {
      const f = functions.functions.find((x) => x.id === spec.id);
      assert.equal(f?.description, spec.descriptionZh);
      assert.deepEqual(
        f?.parameters.map((p) => [p.name, p.optional, p.dimensionality]),
        spec.params.map((p) => [p.nameZh, p.optional, p.matrix ? "matrix" : "scalar"]),
      );
    }
  });

  it("loads its scripts from the package itself: index.html -> main.js, taskpane.html -> taskpane.js, no office.js", () => {
    const index = read("index.html");
    assert.match(index, /<script[^>]*src="?main\.js"?/);
    const pane = read("taskpane.html");
    assert.match(pane, /<script[^>]*src="?taskpane\.js"?/);
    assert.doesNotMatch(pane, /office-js|office\.js/);
    for (const html of [index, pane]) assert.doesNotMatch(html, /src="?(https?:)?\/\//, "no script from another origin");
  });
});

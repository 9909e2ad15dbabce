/**
 * Offline manifest checks (office-addin-manifest validate needs an online service):
 * references resolve, the shared runtime is wired to one page, the namespace is KJ,
 * every URL is https, zh-CN overrides exist and the icons are real PNGs of the right size;
 * and Microsoft's own reader (office-addin-manifest's readManifestFile, offline) reads it the same.
 */
import { strict as assert } from "assert";
import fs from "fs";
import { OfficeAddinManifest } from "office-addin-manifest";
import os from "os";
import path from "path";
import { asList, parseManifest, ParsedManifest, pngSize } from "./support/manifest";

const ROOT = path.resolve(__dirname, "..");
const DEV_URL = "https://localhost:3000/";

/** Repository source of each file the development server serves. */
const SERVED_FROM: Record<string, string> = {
  "taskpane.html": "taskpane/taskpane.html",
  "functions.js": "functions/functions.ts",
  "functions.json": "functions/functions.ts",
  "functions.zh-cn.json": "src/fx/spec.ts",
};

describe("manifest.xml (offline checks)", () => {
  let m: ParsedManifest;
  let app: any;
  let host: any;

  before(() => {
    m = parseManifest(fs.readFileSync(path.join(ROOT, "manifest.xml"), "utf8"));
    app = m.doc.OfficeApp;
    host = app.VersionOverrides.Hosts.Host;
  });

  it("is a task pane add-in for Excel workbooks with a GUID id and four-part version", () => {
    assert.equal(app["@_xsi:type"], "TaskPaneApp");
    assert.match(app.Id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.match(app.Version, /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal(app.Hosts.Host["@_Name"], "Workbook");
    assert.equal(host["@_xsi:type"], "Workbook");
    assert.equal(app.Permissions, "ReadWriteDocument");
  });

  it("resolves every resid to a resource of at most 32 characters", () => {
    assert.ok(m.resids.length >= 15, `only ${m.resids.length} resids found: the walker is broken`);
    for (const { resid, path: where } of m.resids) {
      assert.ok(m.resources.has(resid), `resid ${resid} at ${where} is not defined in Resources`);
      assert.ok(resid.length <= 32, `resid ${resid} is longer than 32 characters`);
    }
  });

  it("defines no resource that nothing uses", () => {
    const used = new Set(m.resids.map((r) => r.resid));
    for (const id of m.resources.keys()) assert.ok(used.has(id), `resource ${id} is never referenced`);
  });

  it("requires SharedRuntime 1.1 and runs one long-lived runtime", () => {
    const sets = asList(app.Requirements.Sets.Set);
    assert.ok(sets.some((s: any) => s["@_Name"] === "SharedRuntime" && s["@_MinVersion"] === "1.1"));
    const runtimes = asList(host.Runtimes.Runtime);
    assert.equal(runtimes.length, 1);
    assert.equal(runtimes[0]["@_lifetime"], "long");
  });

  it("puts Runtime, the functions Page, FunctionFile and the task pane on the same Taskpane.Url", () => {
    const cf = asList(host.AllFormFactors.ExtensionPoint).find((e: any) => e["@_xsi:type"] === "CustomFunctions");
    assert.ok(cf, "no CustomFunctions extension point");
    const runtime = host.Runtimes.Runtime["@_resid"];
    const page = cf.Page.SourceLocation["@_resid"];
    const functionFile = host.DesktopFormFactor.FunctionFile["@_resid"];
    assert.equal(runtime, "Taskpane.Url");
    assert.equal(page, runtime);
    assert.equal(functionFile, runtime);
    const button = host.DesktopFormFactor.ExtensionPoint.OfficeTab.Group.Control;
    assert.equal(button.Action["@_xsi:type"], "ShowTaskpane");
    assert.equal(button.Action.SourceLocation["@_resid"], runtime);
    assert.equal(m.resources.get(runtime)!.defaultValue, `${DEV_URL}taskpane.html`);
    assert.equal(app.DefaultSettings.SourceLocation["@_DefaultValue"], `${DEV_URL}taskpane.html`);
  });

  it("declares the custom functions with namespace KJ, their script and their metadata", () => {
    const cf = asList(host.AllFormFactors.ExtensionPoint).find((e: any) => e["@_xsi:type"] === "CustomFunctions");
    assert.equal(m.resources.get(cf.Namespace["@_resid"])!.defaultValue, "KJ");
    assert.deepEqual(m.resources.get(cf.Namespace["@_resid"])!.overrides, {}, "the namespace must not be localised");
    assert.equal(m.resources.get(cf.Script.SourceLocation["@_resid"])!.defaultValue, `${DEV_URL}functions.js`);
    const meta = m.resources.get(cf.Metadata.SourceLocation["@_resid"])!;
    assert.equal(meta.defaultValue, `${DEV_URL}functions.json`);
    assert.equal(meta.overrides["zh-cn"], `${DEV_URL}functions.zh-cn.json`);
  });

  it("has a 科技台账 button on the Home tab with 16/32/80 icons", () => {
    const ext = host.DesktopFormFactor.ExtensionPoint;
    assert.equal(ext["@_xsi:type"], "PrimaryCommandSurface");
    assert.equal(ext.OfficeTab["@_id"], "TabHome");
    const button = ext.OfficeTab.Group.Control;
    assert.equal(button["@_xsi:type"], "Button");
    assert.equal(m.resources.get(button.Label["@_resid"])!.overrides["zh-CN"], "科技台账");
    const sizes = asList(button.Icon["bt:Image"]).map((i: any) => i["@_size"]).sort();
    assert.deepEqual(sizes, ["16", "32", "80"]);
  });

  it("uses https for every URL", () => {
    assert.ok(m.urls.length >= 10, `only ${m.urls.length} URLs found`);
    for (const u of m.urls) assert.match(u, /^https:\/\//, `not https: ${u}`);
  });

  it("has zh-CN display name, description and strings", () => {
    assert.equal(app.DisplayName.Override["@_Locale"], "zh-CN");
    assert.equal(app.DisplayName.Override["@_Value"], "科技台账");
    assert.equal(app.Description.Override["@_Locale"], "zh-CN");
    for (const r of m.resources.values()) {
      if (r.kind !== "bt:String" || r.id === "Functions.Namespace") continue;
      assert.ok(/[\u4e00-\u9fff]/.test(r.overrides["zh-CN"] ?? ""), `string ${r.id} has no Chinese zh-CN override`);
    }
  });

  it("points every URL at a file that exists or is built from one that exists", () => {
    for (const u of m.urls) {
      assert.ok(u.startsWith(DEV_URL), `URL outside the add-in's origin: ${u}`);
      const rel = u.slice(DEV_URL.length);
      const source = SERVED_FROM[rel] ?? rel;
      assert.ok(fs.existsSync(path.join(ROOT, source)), `${u}: ${source} does not exist`);
    }
  });

  it("has icon files that are PNGs of the sizes the manifest says", () => {
    const images = [...m.resources.values()].filter((r) => r.kind === "bt:Image");
    assert.equal(images.length, 3);
    const declared: [string, number][] = images.map((r) => [r.defaultValue, Number(/(\d+)x\1/.exec(r.id)![1])]);
    declared.push([app.IconUrl["@_DefaultValue"], 32], [app.HighResolutionIconUrl["@_DefaultValue"], 64]);
    for (const [url, size] of declared) {
      const file = path.join(ROOT, url.slice(DEV_URL.length));
      const { width, height } = pngSize(fs.readFileSync(file));
      assert.deepEqual([width, height], [size, size], `${url} is ${width}x${height}, expected ${size}x${size}`);
    }
  });

  it("is read by Microsoft's office-addin-manifest (readManifestFile, offline) as the same task pane add-in", async () => {
    const info = await OfficeAddinManifest.readManifestFile(path.join(ROOT, "manifest.xml"));
    assert.equal(info.manifestType, "xml");
    assert.equal(info.officeAppType, "TaskPaneApp");
    assert.equal(info.id, app.Id);
    assert.equal(info.version, app.Version);
    assert.deepEqual(info.hosts, ["Workbook"]);
    assert.equal(info.permissions, "ReadWriteDocument");
    assert.equal(info.displayName, app.DisplayName["@_DefaultValue"]);
    assert.equal(info.providerName, app.ProviderName);
    assert.equal(info.defaultSettings?.sourceLocation, `${DEV_URL}taskpane.html`);
    for (const u of [info.iconUrl, info.highResolutionIconUrl, info.supportUrl]) assert.match(u ?? "", /^https:\/\/localhost:3000\//);
  });

  it("office-addin-manifest's reader refuses a broken manifest (the check above can fail)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-manifest-"));
    try {
      const broken = path.join(dir, "manifest.xml");
      fs.writeFileSync(broken, fs.readFileSync(path.join(ROOT, "manifest.xml"), "utf8").replace("</OfficeApp>", ""));
      await assert.rejects(OfficeAddinManifest.readManifestFile(broken));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Host detection (taskpane/detect.ts) on fake windows: WPS first, then Office.onReady with a
 * timeout, else the browser demo. Runs in Node, no browser needed.
 */
import { strict as assert } from "node:assert";
import { displayValue } from "../../taskpane/demo/grid";
import { detectEnvironment, fixtureFromSearch, modeOf, wpsApplication } from "../../taskpane/detect";

const et = { Workbooks: { Count: 1 }, ActiveSheet: { Name: "Sheet1" } };

describe("task pane host detection", () => {
  it("finds WPS through window.Application with the ET object model", async () => {
    const env = await detectEnvironment({ Application: et });
    assert.equal(env.kind, "wps");
    assert.equal(modeOf(env), "wps");
    assert.equal(env.kind === "wps" && env.app, et);
  });

  it("finds WPS through wps.EtApplication() and prefers it to Office.js on the same page", async () => {
    const win = { wps: { EtApplication: () => et }, Office: { onReady: () => Promise.resolve({ host: "Excel" }) } };
    const env = await detectEnvironment(win);
    assert.equal(env.kind, "wps");
  });

  it("takes an ET model that exposes its members as methods, or has ActiveWorkbook/Worksheets only", async () => {
    const methods = { ActiveWorkbook: () => ({}), Worksheets: () => ({}) };
    assert.equal((await detectEnvironment({ Application: methods })).kind, "wps");
  });

  it("does not take a Word/WPS-writer Application without workbooks for ET", () => {
    assert.equal(wpsApplication({ Application: { Documents: {}, ActiveDocument: {} } }), null);
  });

  it("finds Excel when Office.onReady reports the Excel host", async () => {
    const office = { onReady: () => Promise.resolve({ host: "Excel", platform: "PC" }), HostType: { Excel: "Excel" } };
    const env = await detectEnvironment({ Office: office });
    assert.equal(env.kind, "excel");
    assert.equal(modeOf(env), "excel");
  });

  it("names another Office host instead of pretending it is Excel", async () => {
    const office = { onReady: () => Promise.resolve({ host: "Word" }), HostType: { Excel: "Excel" } };
    assert.deepEqual(await detectEnvironment({ Office: office }), { kind: "other-office", host: "Word" });
  });

  it("falls back to the browser demo when Office.js is outside Office (host null), absent, or never answers", async () => {
    assert.equal((await detectEnvironment({ Office: { onReady: () => Promise.resolve({ host: null }) } })).kind, "browser");
    assert.equal((await detectEnvironment({})).kind, "browser");
    const t0 = Date.now();
    const never = { Office: { onReady: () => new Promise<never>(() => undefined) } };
    assert.equal((await detectEnvironment(never, 50)).kind, "browser");
    assert.ok(Date.now() - t0 < 2000);
    assert.equal((await detectEnvironment({ Office: { onReady: () => Promise.reject(new Error("x")) } })).kind, "browser");
    assert.equal(modeOf({ kind: "browser" }), "demo");
  });

  it("survives a WPS build whose property getters throw", async () => {
    const hostile = Object.defineProperty({}, "Application", {
      get() {
        throw new Error("boom");
      },
    });
    assert.equal((await detectEnvironment(hostile)).kind, "browser");
  });

  it("reads the demo fixture from the query string, defaulting to the sample", () => {
    assert.equal(fixtureFromSearch("?fixture=xss"), "xss");
    assert.equal(fixtureFromSearch("?fixture=large"), "large");
    assert.equal(fixtureFromSearch("?fixture=<script>"), "sample");
    assert.equal(fixtureFromSearch(""), "sample");
  });
});

describe("demo grid cell text", () => {
  it("shows dates, errors, booleans and simple number formats like a spreadsheet", () => {
    assert.equal(displayValue(new Date(Date.UTC(2023, 4, 1))), "2023-05-01");
    assert.equal(displayValue({ error: "#N/A" }), "#N/A");
    assert.equal(displayValue(true), "TRUE");
    assert.equal(displayValue(0.9545454545, "0.0%"), "95.5%");
    assert.equal(displayValue(2.5, "0.00"), "2.50");
    assert.equal(displayValue(1234.5, "#,##0.00##"), "1,234.50");
    assert.equal(displayValue(0.1 + 0.2), "0.3");
    assert.equal(displayValue("<b>x</b>"), "<b>x</b>");
    assert.equal(displayValue(null), "");
  });
});

import assert from "node:assert/strict";
import { WPS_MISSING_ARGUMENT } from "../../src/fx/args";
import { fxAward, fxTarget } from "../../src/fx/award";
import { fxEligible } from "../../src/fx/eligibility";
import { dayFromParts } from "../../src/dates";
import { FX_NAMESPACE, FX_SPECS } from "../../src/fx/spec";
import { normalizeWpsArg, registerWpsFunctions, WPS_CORES, wpsErrorValue, wpsFunction, WpsFunctionMeta } from "../../wps/functions";
import { KjError } from "../../src/errors";
import { fakeEt } from "./fake-et";

interface Registered {
  namespace: string;
  name: string;
  fn: (...args: unknown[]) => unknown;
  meta: WpsFunctionMeta;
}

/** A fake `wps` global recording AddCustomFunction calls. */
function fakeWps(): { wps: { AddCustomFunction: (ns: string, name: string, fn: (...args: unknown[]) => unknown, meta: WpsFunctionMeta) => void }; calls: Registered[] } {
  const calls: Registered[] = [];
  return {
    calls,
    wps: {
      AddCustomFunction: (namespace, name, fn, meta) => {
        calls.push({ namespace, name, fn, meta });
      },
    },
  };
}

function registered(): Map<string, Registered> {
  const { wps, calls } = fakeWps();
  registerWpsFunctions(wps, () => new Date(2024, 5, 1));
  return new Map(calls.map((c) => [c.name, c]));
}

describe("WPS custom functions: registration", () => {
  it("registers every KJ function in namespace KJ with the spec's Chinese metadata", () => {
    const { wps, calls } = fakeWps();
    const ids = registerWpsFunctions(wps);
    assert.deepEqual(ids, FX_SPECS.map((s) => s.id));
    assert.deepEqual(calls.map((c) => c.name).sort(), ["AWARD", "ELIGIBLE", "RDSUBSIDY", "SCORE", "TARGET", "USCC", "WHY"]);
    for (const spec of FX_SPECS) {
      const c = calls.find((x) => x.name === spec.id);
      assert.ok(c, `KJ.${spec.id} registered`);
      assert.equal(c.namespace, FX_NAMESPACE);
      assert.equal(typeof c.fn, "function");
      assert.equal(c.meta.description, spec.descriptionZh);
      assert.equal(c.meta.result.type, spec.result.type);
      assert.equal(c.meta.parameters.length, spec.params.length);
      spec.params.forEach((p, i) => {
        const m = c.meta.parameters[i];
        assert.equal(m.name, p.nameZh);
        assert.equal(m.description, p.descriptionZh);
        assert.equal(m.type.endsWith("?"), p.optional, `${spec.id}.${p.name} optional`);
        assert.equal(m.type.includes("[][]"), p.matrix, `${spec.id}.${p.name} range`);
      });
    }
  });

  it("has a core for every function in the spec", () => {
    for (const spec of FX_SPECS) assert.equal(typeof WPS_CORES[spec.id], "function", spec.id);
  });

  it("registers nothing on a WPS without AddCustomFunction", () => {
    assert.deepEqual(registerWpsFunctions(undefined), []);
    assert.deepEqual(registerWpsFunctions({}), []);
  });
});

describe("WPS custom functions: arguments and results", () => {
  const fns = registered();
  const call = (id: string, ...args: unknown[]) => (fns.get(id) as Registered).fn(...args);

  it("gives the same amounts as the cores", () => {
    assert.equal(call("AWARD", "国家重点实验室", 250), fxAward("国家重点实验室", 250));
    assert.equal(call("AWARD", "国家重点实验室", 250), 200);
    assert.equal(call("TARGET", "高新技术企业"), fxTarget("高新技术企业"));
    assert.equal(call("USCC", "91350100M000100Y43"), true);
    assert.equal(call("USCC", "91350100M000100Y44"), false);
  });

  it("treats -2147352572 as a missing optional argument", () => {
    assert.equal(call("AWARD", "高企", WPS_MISSING_ARGUMENT, WPS_MISSING_ARGUMENT), 20);
    assert.equal(call("TARGET", "高新技术企业", WPS_MISSING_ARGUMENT), 60);
    assert.equal(normalizeWpsArg(WPS_MISSING_ARGUMENT, false), undefined);
    assert.equal(normalizeWpsArg(WPS_MISSING_ARGUMENT, true), undefined);
  });

  it("reads Range objects through their Value2, in both member modes", () => {
    for (const mode of ["property", "method"] as const) {
      const app = fakeEt({ 奖励: [["国家重点实验室", 250, 45000]] }, { mode });
      const ws = app.sheet("奖励");
      assert.equal(call("AWARD", ws.Range("A1"), ws.Range("B1"), ws.Range("C1")), 200, mode);
      assert.deepEqual(normalizeWpsArg(ws.Range("A1:C1"), true), [["国家重点实验室", 250, 45000]]);
      assert.deepEqual(normalizeWpsArg(ws.Range("A1"), true), [["国家重点实验室"]]);
    }
  });

  it("makes ranges 2-D: a single cell's scalar -> [[v]], a 1-D array -> one row; blanks -> null", () => {
    assert.deepEqual(normalizeWpsArg("企业名称", true), [["企业名称"]]);
    assert.deepEqual(normalizeWpsArg(["企业名称", "注册日期"], true), [["企业名称", "注册日期"]]);
    assert.deepEqual(normalizeWpsArg([["a", undefined, ""]], true), [["a", null, null]]);
    assert.deepEqual(normalizeWpsArg([[-2146826246]], true), [[{ error: "#N/A" }]]);
    assert.equal(normalizeWpsArg(250, false), 250);
  });

  it("returns the error form with the Chinese message instead of throwing", () => {
    const unknown = call("AWARD", "不存在的事项");
    assert.equal(typeof unknown, "string");
    assert.match(unknown as string, /^#VALUE! 未知的奖励事项“不存在的事项”/);
    assert.match(call("AWARD", "高企", WPS_MISSING_ARGUMENT, "2025-01-01") as string, /^#N\/A 无适用政策/);
    assert.match(call("AWARD", "国家重点实验室") as string, /^#VALUE! /);
    assert.equal(wpsErrorValue(new KjError("x", "说明", "na")), "#N/A 说明");
    assert.match(wpsErrorValue(new Error("boom")), /^#VALUE! 内部错误：boom/);
  });

  it("passes today's date (the host clock) to the eligibility cores when the date is left out", () => {
    const seen: unknown[] = [];
    const original = WPS_CORES.ELIGIBLE;
    const spec = FX_SPECS.find((s) => s.id === "ELIGIBLE");
    assert.ok(spec);
    (WPS_CORES as Record<string, (args: unknown[], today: number) => unknown>).ELIGIBLE = (args, today) => {
      seen.push(args, today);
      return true;
    };
    try {
      const fn = wpsFunction(spec, () => new Date(2024, 5, 1));
      assert.equal(fn("高企", ["企业名称"], ["甲公司"], WPS_MISSING_ARGUMENT), true);
    } finally {
      (WPS_CORES as Record<string, unknown>).ELIGIBLE = original;
    }
    assert.deepEqual(seen[0], ["高企", [["企业名称"]], [["甲公司"]], undefined]);
    assert.equal(seen[1], dayFromParts(2024, 6, 1));
  });

  it("judges a ledger row given as Range objects, with the date left out", () => {
    const header = ["企业名称", "统一社会信用代码", "注册日期", "职工总数"];
    const app = fakeEt({ 企业培育库: [header, ["甲科技有限公司", "91370403MA3C000001", 44927, 800]] }, { mode: "method" });
    const ws = app.sheet("企业培育库");
    const viaWps = call("ELIGIBLE", "科小", ws.Range("A1:D1"), ws.Range("A2:D2"), WPS_MISSING_ARGUMENT);
    let direct: unknown;
    try {
      direct = fxEligible("科小", [header], [["甲科技有限公司", "91370403MA3C000001", 44927, 800]], undefined, dayFromParts(2024, 6, 1) as number);
    } catch (e) {
      direct = wpsErrorValue(e);
    }
    assert.deepEqual(viaWps, direct);
    const why = call("WHY", "科小", ws.Range("A1:D1"), ws.Range("A2:D2"));
    assert.equal(typeof why, "string");
    assert.ok((why as string).length > 0);
  });
});

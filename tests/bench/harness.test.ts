/**
 * The benchmark harness's own logic (not the benchmarks: those are `npm run bench`, too slow
 * for npm test): regression detection, the gzip measurement's choice of files, table alignment.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { compareResults } from "../../bench/check";
import { isMeasuredAsset, measureBundleDir } from "../../bench/bundle.bench";
import { displayWidth, formatTable, Measure, SuiteResult } from "../../bench/run";

function suite(measures: Partial<Measure>[], error?: string): SuiteResult {
  return {
    suite: "validate",
    date: "2026-11-28T00:00:00.000Z",
    loadavg: [0, 0, 0],
    durationMs: 1,
    details: null,
    error,
    measures: measures.map((m) => ({
      id: "x",
      case: "案例",
      measure: "度量",
      unit: "ratio",
      value: 1,
      goal: { op: "<=", limit: 1, text: "<= 1" },
      met: true,
      compare: null,
      ...m,
    })),
  };
}

describe("bench:check regression detection", () => {
  it("flags a ratio that rose more than 20% and passes one within 20%", () => {
    const recorded = [suite([{ id: "a", compare: { value: 1.0, better: "lower", label: "比" } }, { id: "b", compare: { value: 1.0, better: "lower", label: "比" } }])];
    const fresh = [suite([{ id: "a", compare: { value: 1.19, better: "lower", label: "比" } }, { id: "b", compare: { value: 1.25, better: "lower", label: "比" } }])];
    const [a, b] = compareResults(recorded, fresh);
    assert.equal(a.regressed, false);
    assert.equal(b.regressed, true);
    assert.ok(Math.abs((b.change ?? 0) - (1 / 1.25 - 1)) < 1e-12, "change is negative when worse");
  });

  it("flags a throughput that fell more than 20%, and an improvement is never a regression", () => {
    const recorded = [suite([{ id: "t", compare: { value: 500_000, better: "higher", label: "行/CPU 秒" } }, { id: "u", compare: { value: 500_000, better: "higher", label: "行/CPU 秒" } }])];
    const fresh = [suite([{ id: "t", compare: { value: 390_000, better: "higher", label: "行/CPU 秒" } }, { id: "u", compare: { value: 900_000, better: "higher", label: "行/CPU 秒" } }])];
    const [t, u] = compareResults(recorded, fresh);
    assert.equal(t.regressed, true);
    assert.equal(u.regressed, false);
    assert.ok((u.change ?? 0) > 0.79);
  });

  it("a suite that failed this time counts as a regression; a measure with no record does not", () => {
    const recorded = [suite([{ id: "a", compare: { value: 1, better: "lower", label: "比" } }])];
    const failed = compareResults(recorded, [suite([{ id: "a", value: null, compare: null }], "子进程没有写出结果")]);
    assert.equal(failed[0].regressed, true);
    assert.match(failed[0].note ?? "", /子进程没有写出结果/);
    const added = compareResults(recorded, [suite([{ id: "new", compare: { value: 3, better: "lower", label: "比" } }])]);
    assert.equal(added[0].regressed, false);
    assert.equal(added[0].recorded, null);
  });
});

describe("bundle size measurement", () => {
  it("counts our .js/.css/.html, not office.js, source maps or licence texts", () => {
    assert.equal(isMeasuredAsset("functions.js"), true);
    assert.equal(isMeasuredAsset("taskpane.html"), true);
    assert.equal(isMeasuredAsset("taskpane.css"), true);
    assert.equal(isMeasuredAsset("office-js/office.js"), false);
    assert.equal(isMeasuredAsset("functions.js.map"), false);
    assert.equal(isMeasuredAsset("functions.js.LICENSE.txt"), false);
  });

  it("sums the gzip sizes of the measured files in a folder", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-bundle-test-"));
    try {
      fs.mkdirSync(path.join(dir, "office-js"));
      fs.writeFileSync(path.join(dir, "office-js", "office.js"), "x".repeat(100_000));
      fs.writeFileSync(path.join(dir, "a.js"), "var a = 1;\n".repeat(1000));
      fs.writeFileSync(path.join(dir, "a.js.map"), "{}");
      const r = measureBundleDir(dir);
      assert.deepEqual(r.files.map((f) => f.file), ["a.js"]);
      assert.equal(r.bytes, 11_000);
      assert.ok(r.gzipBytes > 0 && r.gzipBytes < 200, `repetitive text compresses (${r.gzipBytes})`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("bench table", () => {
  it("aligns columns by display width (a CJK character takes two columns)", () => {
    assert.equal(displayWidth("行/秒"), 5);
    const lines = formatTable(["案例", "数值"], [["校验作业", "1"], ["ab", "22"]]).split("\n");
    assert.equal(lines[2], "校验作业  1");
    assert.equal(lines[3], "ab        22");
  });
});

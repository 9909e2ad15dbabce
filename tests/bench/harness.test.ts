/**
 * The benchmark harness's own logic (not the benchmarks: those are `npm run bench`, too slow
 * for npm test): regression detection, the gzip measurement's choice of files, table alignment,
 * the upkeep suite's ledger, its read-back check and its measures.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { compareResults } from "../../bench/check";
import { isMeasuredAsset, measureBundleDir } from "../../bench/bundle.bench";
import { displayWidth, failedMeasures, formatTable, Measure, resultsTable, SUITE_MEASURES, SuiteResult, upkeepMeasures } from "../../bench/run";
import { setUpkeepCauses, UPKEEP_CAUSES, writeUpkeepLedgerXlsx } from "../../bench/jobs-xlsx";
import { UpkeepBenchResult, verifyUpkeepFiles } from "../../bench/upkeep.bench";
import { ENTERPRISE_HEADERS, generateEnterpriseRows } from "../../samples/generate";
import { dayFromParts, DayNumber } from "../../src/dates";
import { planUpkeep } from "../../src/jobs/upkeep";
import { kjRunner } from "../support/cli";

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

describe("upkeep suite", () => {
  const asOf = dayFromParts(2024, 12, 31) as DayNumber;

  it("its ledger has a removal cause on exactly one row in `every`, each cause in turn, and kj upkeep suggests exactly those rows", () => {
    const data = generateEnterpriseRows(600, 1);
    const plain = planUpkeep({ sheets: [{ name: "企业培育库", firstRow: 1, firstCol: 1, values: [ENTERPRISE_HEADERS.slice(), ...data.map((r) => r.slice())] }] }, { asOf });
    assert.ok(plain.report.suggestions.length > 12, `the generator alone gives causes on other rows (${plain.report.suggestions.length})`);
    const withCause = setUpkeepCauses(data, 50);
    assert.deepEqual(withCause, [49, 99, 149, 199, 249, 299, 349, 399, 449, 499, 549, 599]);
    const { report } = planUpkeep({ sheets: [{ name: "企业培育库", firstRow: 1, firstCol: 1, values: [ENTERPRISE_HEADERS.slice(), ...data] }] }, { asOf });
    assert.deepEqual(
      report.suggestions.map((x) => x.row),
      withCause.map((i) => i + 2),
    );
    const codes = report.suggestions.map((x) => x.reasons.map((r) => r.code).join("+"));
    assert.deepEqual(codes.slice(0, UPKEEP_CAUSES.length), ["abnormal_list", "dishonest", "safety_accident", "business_closed", "business_closed", "business_closed"]);
    assert.deepEqual(
      report.suggestions.slice(3, 6).map((x) => x.reasons[0].text),
      ["经营状态为“注销”", "经营状态为“吊销”", "经营状态为“迁出”"],
    );
  });

  it("the read-back check passes kj's own --remove and --undo results and fails files that were not changed", async function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-upkeep-bench-test-"));
    try {
      const input = path.join(dir, "big.xlsx");
      const removed = path.join(dir, "removed.xlsx");
      const undone = path.join(dir, "undone.xlsx");
      const { removalRows, names } = await writeUpkeepLedgerXlsx(input, 120, 10);
      assert.equal(removalRows.length, 12);
      assert.equal(names.length, 120);
      const kj = kjRunner(asOf);
      assert.equal((await kj("upkeep", input, "--remove", "--out", removed, "--as-of", "2024-12-31")).code, 1);
      assert.equal((await kj("upkeep", removed, "--undo", "--out", undone, "--as-of", "2024-12-31")).code, 1);
      await verifyUpkeepFiles(removed, undone, names, removalRows);
      // A removal that did nothing, an undo that did nothing, the wrong rows expected.
      await assert.rejects(verifyUpkeepFiles(input, undone, names, removalRows), /调出后培育库剩下的企业：120 个，应为 108 个/);
      await assert.rejects(verifyUpkeepFiles(removed, removed, names, removalRows), /撤销后培育库的企业：108 个，应为 120 个/);
      await assert.rejects(verifyUpkeepFiles(removed, undone, names, removalRows.map((r) => r - 1)), /调出后培育库剩下的企业：第 9 个/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const result = (over: Partial<UpkeepBenchResult>): UpkeepBenchResult => ({
    rows: 100_000,
    fileBytes: 1,
    rounds: 1,
    removeEvery: 50,
    expectedRemovals: 2000,
    removeMs: 30_000,
    undoMs: 40_000,
    checkMs: 20_000,
    removeRatio: 1.5,
    undoRatio: 2,
    removeCpuMs: 1,
    undoCpuMs: 1,
    checkCpuMs: 1,
    removeCpuRatio: 1.4,
    undoCpuRatio: 1.8,
    removePeakRssBytes: 1.0e9,
    undoPeakRssBytes: 1.2e9,
    checkPeakRssBytes: 0.8e9,
    removedFileBytes: 1,
    undoneFileBytes: 1,
    removeRuns: [],
    undoRuns: [],
    checkRuns: [],
    ...over,
  });

  it("records remove's and undo's peak RSS against 1.5 GB and their time ratios to kj check --out without a goal", () => {
    const ms = upkeepMeasures(result({ undoPeakRssBytes: 1.6e9 }));
    assert.deepEqual(
      ms.map((m) => [m.id, m.value, m.met, m.compare?.value, m.compare?.better]),
      [
        ["upkeep.remove.peakRss", 1.0e9, true, 1.0e9, "lower"],
        ["upkeep.undo.peakRss", 1.6e9, false, 1.6e9, "lower"],
        ["upkeep.remove.timeRatio", 1.5, null, 1.4, "lower"],
        ["upkeep.undo.timeRatio", 2, null, 1.8, "lower"],
      ],
    );
    assert.deepEqual(
      ms.map((m) => m.id),
      SUITE_MEASURES.upkeep.map(([id]) => id),
      "a failed run reports the same measures",
    );
    const ok: SuiteResult = { suite: "upkeep", date: "", loadavg: [0, 0, 0], durationMs: 1, measures: ms, details: null };
    const table = resultsTable([ok]).split("\n");
    assert.match(table[2], /--remove .*1\.00 GB +<= 1\.5 GB +达到$/);
    assert.match(table[3], /--undo.*1\.60 GB +<= 1\.5 GB +未达到$/);
    assert.match(table[4], /时间比 remove\/check +1\.50 +不设目标（只记录） +已记录$/);
    const failed: SuiteResult = { ...ok, measures: failedMeasures("upkeep"), error: "调出后培育库剩下的企业：100000 个，应为 98000 个" };
    assert.deepEqual(
      failed.measures.map((m) => m.goal?.text ?? null),
      ["<= 1.5 GB", "<= 1.5 GB", null, null],
    );
    for (const line of resultsTable([failed]).split("\n").slice(2)) assert.match(line, /出错：调出后培育库剩下的企业/);
  });

  it("bench:check compares the upkeep figures with a record", () => {
    const recorded: SuiteResult = { suite: "upkeep", date: "", loadavg: [0, 0, 0], durationMs: 1, measures: upkeepMeasures(result({})), details: null };
    const fresh: SuiteResult = { ...recorded, measures: upkeepMeasures(result({ removePeakRssBytes: 1.3e9, undoRatio: 3, undoCpuRatio: 1.9 })) };
    const byId = new Map(compareResults([recorded], [fresh]).map((c) => [c.id, c.regressed]));
    assert.equal(byId.get("upkeep.remove.peakRss"), true, "30% more memory");
    assert.equal(byId.get("upkeep.undo.timeRatio"), false, "compared by CPU time: 6% slower is within the tolerance");
  });
});

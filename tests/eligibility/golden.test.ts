/**
 * Golden eligibility cases (tests/golden/eligibility/*.json), each run through three paths:
 * (a) the rules on an object row, (b) fxEligible / fxWhy / fxScore on header + row arrays with
 * shuffled columns and synonym headers, (c) the CLI via main() with a captured Io.
 * All three must give the same verdict, and (a) must match the case's expectations.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main";
import { Io } from "../../src/cli/common";
import { dayFromParts, DayNumber } from "../../src/dates";
import { isKjError } from "../../src/errors";
import { fxEligible, fxScore, fxWhy } from "../../src/fx/eligibility";
import { ENTERPRISE } from "../../src/ledger/catalogue";
import { mapHeader } from "../../src/ledger/mapping";
import { eligibilityOf, eligibilityOfRange, unknownMessage, Verdict, whyText } from "../../src/rules";

interface Expect {
  eligible?: boolean | null;
  score?: number | null;
  scoreRange?: [number, number] | null;
  provisional?: boolean;
  why?: string;
  whyIncludes?: string[];
  checks?: Record<string, boolean | null>;
  checkNotes?: Record<string, string>;
  missing?: string[];
}
interface GoldenCase {
  name: string;
  set?: Record<string, unknown>;
  unset?: string[];
  expect: Expect;
}
interface GoldenFile {
  category: string;
  asOf: string;
  base: Record<string, unknown>;
  cases: GoldenCase[];
}

const DIR = join(__dirname, "..", "golden", "eligibility");
const FILES = readdirSync(DIR).filter((f) => f.endsWith(".json")).sort();

function isoDay(s: string): DayNumber {
  const [y, m, d] = s.split("-").map(Number);
  return dayFromParts(y, m, d) as DayNumber;
}

function rowOf(file: GoldenFile, c: GoldenCase): Record<string, unknown> {
  const row: Record<string, unknown> = { ...file.base, ...(c.set ?? {}) };
  for (const k of c.unset ?? []) delete row[k];
  return row;
}

/** A small deterministic PRNG so shuffles are the same on every run. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Header + row arrays: shuffled order, a synonym instead of the standard name where one exists, extra unknown columns. */
function asRanges(row: Record<string, unknown>, seed: number): { header: unknown[]; cells: unknown[] } {
  const rand = prng(seed);
  const pairs: [string, unknown][] = Object.entries(row).map(([k, v]) => {
    const def = ENTERPRISE.fields.find((f) => f.name === k);
    if (!def || def.synonyms.length === 0) return [k, v];
    const pick = Math.floor(rand() * (def.synonyms.length + 1));
    return [pick === def.synonyms.length ? k : def.synonyms[pick], v];
  });
  pairs.push(["序号", 7], ["挂钩领导", "张三"], ["无关的列", "#N/A"]);
  for (let i = pairs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [pairs[i], pairs[j]] = [pairs[j], pairs[i]];
  }
  return { header: pairs.map((p) => p[0]), cells: pairs.map((p) => p[1]) };
}

/** Cell notes name the header as written; the object path has none — compare without it. */
function normalise(v: Verdict): Verdict {
  return JSON.parse(JSON.stringify(v).replace(/（列“[^”]*”）/g, ""));
}

function captureIo(today: DayNumber): { io: Io; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s) => out.push(s), err: (s) => err.push(s), today: () => today, isTTY: false }, out, err };
}

let tmp = "";
before(() => {
  tmp = mkdtempSync(join(tmpdir(), "kj-eligible-"));
});
after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

for (const fileName of FILES) {
  const file: GoldenFile = JSON.parse(readFileSync(join(DIR, fileName), "utf8"));
  const asOf = isoDay(file.asOf);

  describe(`golden eligibility: ${fileName} (${file.category})`, () => {
    file.cases.forEach((c, n) => {
      it(c.name, async () => {
        const row = rowOf(file, c);
        // (a) the rules on an object row
        const v = eligibilityOf(file.category, row, asOf);
        const e = c.expect;
        const why = whyText(v);
        const detail = `\n${why}\n${v.checks.map((k) => `${k.passed} ${k.id} ${k.actual} ${k.note ?? ""}`).join("\n")}`;
        if ("eligible" in e) assert.equal(v.eligible, e.eligible, `eligible${detail}`);
        if ("score" in e) assert.equal(v.score, e.score, `score${detail}`);
        if ("scoreRange" in e) assert.deepEqual(v.scoreRange, e.scoreRange, `scoreRange${detail}`);
        if ("provisional" in e) assert.equal(v.provisional, e.provisional);
        if (e.why !== undefined) assert.equal(why, e.why);
        for (const s of e.whyIncludes ?? []) assert.ok(why.includes(s), `KJ.WHY should contain “${s}”: ${why}`);
        for (const [id, passed] of Object.entries(e.checks ?? {})) {
          const k = v.checks.find((x) => x.id === id);
          assert.ok(k, `no check ${id}`);
          assert.equal(k.passed, passed, `check ${id}${detail}`);
        }
        for (const [id, note] of Object.entries(e.checkNotes ?? {})) {
          assert.ok(v.checks.find((x) => x.id === id)?.note?.includes(note), `check ${id} note should say ${note}`);
        }
        if (e.missing) assert.deepEqual(v.missing, e.missing, `missing${detail}`);
        if (v.provisional) assert.ok(why.endsWith("（暂定标准，待核定）"), why);
        if (v.eligible === null) assert.ok(why.includes("待补充："), why);

        // (b) the custom-function cores on shuffled synonym ranges (2-D for even cases, 1-D for odd)
        const { header, cells } = asRanges(row, 1000 + n);
        const mapped = mapHeader(ENTERPRISE, header);
        for (const k of Object.keys(row)) {
          const def = ENTERPRISE.fields.find((f) => f.name === k);
          if (def) assert.ok(def.id in mapped.columns, `synonym header for ${k} not mapped: ${header.join("|")}`);
        }
        const h = n % 2 === 0 ? [header] : header;
        const r = n % 2 === 0 ? [cells] : cells;
        assert.deepEqual(normalise(eligibilityOfRange(file.category, h, r, asOf)), normalise(v));
        if (v.eligible === null) {
          assert.throws(
            () => fxEligible(file.category, h, r, undefined, asOf),
            (err: unknown) => isKjError(err) && err.kind === "na" && err.message.replace(/（列“[^”]*”）/g, "") === unknownMessage(v),
          );
        } else {
          assert.equal(fxEligible(file.category, h, r, file.asOf), v.eligible);
        }
        assert.equal(fxWhy(file.category, h, r, undefined, asOf).replace(/（列“[^”]*”）/g, ""), why);
        if (v.score !== null) assert.equal(fxScore(file.category, h, r, file.asOf), v.score);
        else assert.throws(() => fxScore(file.category, h, r, file.asOf), (err: unknown) => isKjError(err) && err.kind === "na");

        // (c) the CLI
        const path = join(tmp, `${fileName}-${n}.json`);
        writeFileSync(path, JSON.stringify(row), "utf8");
        const cap = captureIo(isoDay("2030-01-01"));
        const code = await main(["node", "kj", "eligible", file.category, "--row", path, "--as-of", file.asOf, "--json"], cap.io);
        assert.equal(code, 0, cap.err.join("\n"));
        const printed = JSON.parse(cap.out.join(""));
        assert.equal(printed.why, why);
        assert.equal(printed.asOfDefaulted, false);
        delete printed.why;
        delete printed.asOfDefaulted;
        assert.deepEqual(printed, JSON.parse(JSON.stringify(v)));
      });
    });
  });
}

/**
 * Golden R&D subsidy cases (tests/golden/rd/*.json: each threshold exactly at, just below and
 * just above — 100 万元, 30% growth, 3.5%, 6% / 4%, 2 亿元 exactly — the cap, the floor, the
 * minimum, the rounding, the 集成电路 rate, claims blank / missing / 否 / unreadable, quantities
 * blank), each run through every path that computes the subsidy:
 *   (a) the rules on an object row, against the case's expectations;
 *   (b) the function cores (fxRdSubsidy / fxRdWhy) on shuffled synonym header and row ranges;
 *   (c) the Excel custom functions (functions/functions.ts, CustomFunctions stub);
 *   (d) the WPS functions (registered through a fake `wps`, ranges as fake ET Range objects);
 *   (e) HyperFormula, the engine of `kj recalc`: one sheet per file, a KJ.RDSUBSIDY formula per case;
 *   (f) the CLI: kj rdsubsidy --json through main().
 * All must give the same amount (or the same #N/A), and KJ.WHY the same text.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DetailedCellError } from "hyperformula";
import { main } from "../../src/cli/main";
import { Io } from "../../src/cli/common";
import { dayFromParts, DayNumber } from "../../src/dates";
import { isKjError } from "../../src/errors";
import { fxRdSubsidy } from "../../src/fx/rd";
import { fxWhy } from "../../src/fx/eligibility";
import { RD } from "../../src/ledger/catalogue";
import { mapHeader } from "../../src/ledger/mapping";
import { buildKjEngine } from "../../src/host/xlsx/hyperformula";
import { columnLetter } from "../../src/text";
import { RdResult, rdSubsidyFor, rdSubsidyOf, rdUnknownMessage, rdWhyText } from "../../src/rules/rd-subsidy";
import { rowFromObject } from "../../src/rules/row";
import { registerWpsFunctions, WpsFunctionMeta } from "../../wps/functions";
import { installCustomFunctionsStub, StubCustomFunctionError, thrown } from "../support/custom-functions-stub";
import { fakeEt } from "../wps/fake-et";
import * as excel from "../../functions/functions";

installCustomFunctionsStub();

interface Expect {
  eligible?: boolean | null;
  amount?: string | null;
  provisional?: boolean;
  provisionalIncludes?: string[];
  rateLabel?: string;
  applied?: Partial<RdResult["applied"]>;
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
  scheme: string;
  year: number;
  base: Record<string, unknown>;
  cases: GoldenCase[];
}

const DIR = join(__dirname, "..", "golden", "rd");
const FILES = readdirSync(DIR).filter((f) => f.endsWith(".json")).sort();

function rowOf(file: GoldenFile, c: GoldenCase): Record<string, unknown> {
  const row: Record<string, unknown> = { ...file.base, ...(c.set ?? {}) };
  for (const k of c.unset ?? []) delete row[k];
  return row;
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Header + cells: shuffled, a synonym for each standard name where one exists, extra unrelated columns. */
function asRanges(row: Record<string, unknown>, seed: number): { header: string[]; cells: unknown[] } {
  const rand = prng(seed);
  const pairs: [string, unknown][] = Object.entries(row).map(([k, v]) => {
    const def = RD.fields.find((f) => f.name === k);
    if (!def || def.synonyms.length === 0) return [k, v];
    const pick = Math.floor(rand() * (def.synonyms.length + 1));
    return [pick === def.synonyms.length ? k : def.synonyms[pick], v];
  });
  pairs.push(["序号", 3], ["联系人", "李四"], ["无关的列", "#N/A"]);
  for (let i = pairs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [pairs[i], pairs[j]] = [pairs[j], pairs[i]];
  }
  return { header: pairs.map((p) => p[0]), cells: pairs.map((p) => p[1]) };
}

/** Notes quote the header as written; the object path has none. */
function plain(s: string): string {
  return s.replace(/（列“[^”]*”）/g, "");
}

function captureIo(today: DayNumber): { io: Io; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s) => out.push(s), err: (s) => err.push(s), today: () => today, isTTY: false }, out, err };
}

/** What every host must show for a result: the amount as a number, or #N/A with the message. */
function shown(r: RdResult): number | { na: string } {
  return r.amount !== null ? r.amount.toNumber() : { na: rdUnknownMessage(r) };
}

let tmp = "";
before(() => {
  tmp = mkdtempSync(join(tmpdir(), "kj-rd-"));
});
after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

for (const fileName of FILES) {
  const file: GoldenFile = JSON.parse(readFileSync(join(DIR, fileName), "utf8"));

  describe(`golden R&D subsidy: ${fileName} (${file.scheme}, ${file.year})`, () => {
    const results: RdResult[] = [];
    const ranges: { header: string[]; cells: unknown[] }[] = [];

    file.cases.forEach((c, n) => {
      it(c.name, async () => {
        const row = rowOf(file, c);
        // (a) the rules on an object row
        const r = rdSubsidyOf(file.scheme, file.year, row);
        results[n] = r;
        // The hot path (no text) decides the same.
        const quick = rdSubsidyFor(file.scheme, file.year, rowFromObject(row, RD), undefined, false);
        assert.deepEqual([quick.eligible, quick.amount?.toString(), quick.provisional], [r.eligible, r.amount?.toString(), r.provisional]);
        const e = c.expect;
        const why = rdWhyText(r);
        const detail = `\n${why}\n${r.checks.map((k) => `${k.passed} ${k.id} ${k.actual} ${k.note ?? ""}`).join("\n")}`;
        if ("eligible" in e) assert.equal(r.eligible, e.eligible, `eligible${detail}`);
        if ("amount" in e) assert.equal(r.amount === null ? null : r.amount.toString(), e.amount, `amount${detail}`);
        if ("provisional" in e) assert.equal(r.provisional, e.provisional, `provisional${detail}`);
        for (const p of e.provisionalIncludes ?? []) assert.ok(r.provisionalItems.includes(p), `provisional items ${r.provisionalItems.join("、")} lack ${p}`);
        if (e.rateLabel !== undefined) assert.equal(r.rateLabel, e.rateLabel);
        for (const [k, v] of Object.entries(e.applied ?? {})) assert.equal(r.applied[k as keyof RdResult["applied"]], v, `applied.${k}${detail}`);
        for (const s of e.whyIncludes ?? []) assert.ok(why.includes(s), `KJ.WHY should contain “${s}”: ${why}`);
        for (const [id, passed] of Object.entries(e.checks ?? {})) {
          const k = r.checks.find((x) => x.id === id);
          assert.ok(k, `no check ${id}`);
          assert.equal(k.passed, passed, `check ${id}${detail}`);
        }
        for (const [id, note] of Object.entries(e.checkNotes ?? {})) {
          const k = r.checks.find((x) => x.id === id);
          assert.ok(`${k?.summary} ${k?.note}`.includes(note), `check ${id} should say ${note}: ${k?.summary} ${k?.note}`);
        }
        if (e.missing) assert.deepEqual(r.missing, e.missing, `missing${detail}`);
        // Every result that uses a provisional value says so; one that uses none does not.
        assert.equal(why.includes("暂定标准，待核定"), r.provisional, why);
        if (r.eligible === false) assert.equal(r.amount?.toString(), "0");
        if (r.eligible === null) assert.ok(why.includes("待补充："), why);

        // (b) the cores on shuffled synonym ranges (2-D for even cases, 1-D for odd)
        const { header, cells } = asRanges(row, 2000 + n);
        ranges[n] = { header, cells };
        const mapped = mapHeader(RD, header);
        for (const k of Object.keys(row)) {
          const def = RD.fields.find((f) => f.name === k);
          if (def) assert.ok(def.id in mapped.columns, `synonym header for ${k} not mapped: ${header.join("|")}`);
        }
        const h = n % 2 === 0 ? [header] : header;
        const cl = n % 2 === 0 ? [cells] : cells;
        const want = shown(r);
        if (typeof want === "number") assert.equal(fxRdSubsidy(file.scheme, file.year, h, cl), want);
        else assert.throws(() => fxRdSubsidy(file.scheme, file.year, h, cl), (err: unknown) => isKjError(err) && err.kind === "na" && plain(err.message) === want.na);
        assert.equal(plain(fxWhy(file.scheme, h, cl, file.year)), why);

        // (c) Excel's custom functions, as Excel hands ranges over (2-D arrays)
        if (typeof want === "number") assert.equal(excel.rdsubsidy(file.scheme, file.year, [header], [cells]), want);
        else {
          const err = thrown(() => excel.rdsubsidy(file.scheme, file.year, [header], [cells])) as StubCustomFunctionError;
          assert.equal(err.code, "#N/A");
          assert.equal(plain(err.message), want.na);
        }
        assert.equal(plain(excel.why(file.scheme, [header], [cells], file.year)), why);

        // (f) the CLI
        const path = join(tmp, `${fileName}-${n}.json`);
        writeFileSync(path, JSON.stringify(row), "utf8");
        const cap = captureIo(dayFromParts(2030, 1, 1) as DayNumber);
        const code = await main(["node", "kj", "rdsubsidy", file.scheme, "--row", path, "--year", String(file.year), "--json"], cap.io);
        assert.equal(code, 0, cap.err.join("\n"));
        const printed = JSON.parse(cap.out.join(""));
        assert.equal(printed.eligible, r.eligible);
        assert.equal(printed.amount, r.amount === null ? null : r.amount.toNumber());
        assert.equal(printed.amountText, r.amount === null ? null : r.amount.toString());
        assert.equal(printed.base, r.base === null ? null : r.base.toNumber());
        assert.equal(printed.rate, r.rate === null ? null : r.rate.toNumber());
        assert.equal(printed.cap, r.cap.toNumber());
        assert.equal(printed.provisional, r.provisional);
        assert.equal(printed.why, why);
        assert.deepEqual(printed.policy, r.policy);
        assert.equal(printed.cite, r.cite);
        assert.deepEqual(printed.checks, JSON.parse(JSON.stringify(r.checks)));
      });
    });

    it("(d) the WPS functions give the same, with ranges as ET Range objects", () => {
      const fns = new Map<string, (...a: unknown[]) => unknown>();
      registerWpsFunctions({ AddCustomFunction: (_ns: string, name: string, fn: (...a: unknown[]) => unknown, _meta: WpsFunctionMeta) => void fns.set(name, fn) }, () => new Date(2025, 5, 1));
      const rdsubsidy = fns.get("RDSUBSIDY") as (...a: unknown[]) => unknown;
      const why = fns.get("WHY") as (...a: unknown[]) => unknown;
      file.cases.forEach((c, n) => {
        const { header, cells } = ranges[n];
        const app = fakeEt({ 研发费用台账: [header, cells as never] });
        const sheet = app.sheet("研发费用台账");
        const last = columnLetter(header.length);
        const hr = sheet.Range(`A1:${last}1`);
        const rr = sheet.Range(`A2:${last}2`);
        const want = shown(results[n]);
        const got = rdsubsidy(file.scheme, file.year, hr, rr);
        if (typeof want === "number") assert.equal(got, want, c.name);
        else assert.equal(plain(String(got)), `#N/A ${want.na}`, c.name);
        assert.equal(plain(String(why(file.scheme, hr, rr, file.year))), rdWhyText(results[n]), c.name);
      });
    });

    it("(e) HyperFormula (kj recalc) gives the same on one sheet with a formula per case", () => {
      const width = Math.max(...ranges.map((x) => x.header.length));
      // Each case keeps its own shuffled header: a two-row block per case, header on sheet row
      // 2k+1 and data on 2k+2, the formula to the right of the widest header.
      const rows: unknown[][] = [];
      file.cases.forEach((_, n) => {
        const { header, cells } = ranges[n];
        const hRow = 2 * n + 1;
        const last = columnLetter(width);
        rows.push([...header, ...new Array(width - header.length).fill(null), null]);
        rows.push([...cells, ...new Array(width - cells.length).fill(null), `=KJ.RDSUBSIDY("${file.scheme}",${file.year},$A$${hRow}:$${last}$${hRow},A${hRow + 1}:${last}${hRow + 1})`]);
      });
      const hf = buildKjEngine({ S: rows }, dayFromParts(2025, 6, 1) as DayNumber);
      file.cases.forEach((c, n) => {
        const v = hf.getCellValue({ sheet: 0, row: 2 * n + 1, col: width });
        const want = shown(results[n]);
        if (typeof want === "number") assert.equal(v, want, c.name);
        else {
          assert.ok(v instanceof DetailedCellError && v.value === "#N/A", `${c.name}: ${String(v)}`);
          assert.equal(plain(v.message), want.na, c.name);
        }
      });
      hf.destroy();
    });
  });
}

describe("R&D subsidy: years without a pack", () => {
  it("the municipal scheme before 2024 and the provincial before 2021 are #N/A with how to add a pack", () => {
    const row = { 研发费用: 300, 上年研发费用: 200, 销售收入: 3000 };
    for (const [scheme, year, named] of [
      ["市", 2023, "2024 年度起（枣科字〔2025〕18号）"],
      ["省", 2020, "2021—2023 年度（鲁科字〔2022〕45号）、2024 年度起（鲁科字〔2025〕25号）"],
    ] as const) {
      const e = thrown(() => rdSubsidyOf(scheme, year, row));
      assert.ok(isKjError(e) && e.code === "no_policy" && e.kind === "na");
      assert.match(e.message, new RegExp(`${year} 年度的研发费用没有`));
      assert.ok(e.message.includes(named), e.message);
      assert.match(e.message, /政策包（JSON 文件）/);
    }
  });

  it("kj rdsubsidy exits 2 for such a year, an unknown scheme or an unreadable year", async () => {
    const path = join(tmp, "row.json");
    writeFileSync(path, "{}", "utf8");
    for (const [args, message] of [
      [["市", "--year", "2023"], /2023 年度的研发费用没有市级研发补助政策包/],
      [["县", "--year", "2024"], /未知的研发补助方案“县”/],
      [["省", "--year", "明年"], /年度“明年”无法识别/],
    ] as const) {
      const cap = captureIo(dayFromParts(2030, 1, 1) as DayNumber);
      const code = await main(["node", "kj", "rdsubsidy", ...args, "--row", path], cap.io);
      assert.equal(code, 2, args.join(" "));
      assert.match(cap.err.join("\n"), message);
    }
  });
});

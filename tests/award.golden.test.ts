/**
 * Golden award cases (tests/golden/award/<item>.json, one file per award item): every case
 * runs through computeAward (the policy core), fxAward (the shared function core) and the
 * Excel wrapper with CustomFunctions stubbed, and all three must agree with the file.
 */
import { strict as assert } from "assert";
import Decimal from "decimal.js";
import fs from "fs";
import path from "path";
import { KjError } from "../src/errors";
import { fxAward } from "../src/fx/award";
import { readDate } from "../src/ledger/cells";
import { computeAward, PLAN_PACKS } from "../src/policy/plans";
import { ERROR_CODES, installCustomFunctionsStub, StubCustomFunctionError, thrown } from "./support/custom-functions-stub";
import * as excel from "../functions/functions";

interface GoldenCase {
  name: string;
  item: string;
  basis?: number | string | boolean;
  date?: number | string;
  expect?: string;
  error?: string;
  /** Input forms only the function argument reader understands (serials, 12万, TRUE). */
  fxOnly?: boolean;
}
interface GoldenFile {
  item: string | null;
  rule?: { type: string; amount?: string; cap?: string; rate?: string };
  cite?: string;
  cases: GoldenCase[];
}

const DIR = path.join(__dirname, "golden", "award");
const FILES: [string, GoldenFile][] = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => [f, JSON.parse(fs.readFileSync(path.join(DIR, f), "utf8")) as GoldenFile]);

const PACK = PLAN_PACKS[PLAN_PACKS.length - 1].pack;
const ERROR_KIND: Record<string, string> = { no_policy: ERROR_CODES.notAvailable };

installCustomFunctionsStub();

function label(c: GoldenCase): string {
  return `${c.name} [${JSON.stringify(c.item)}${c.basis !== undefined ? `, ${JSON.stringify(c.basis)}` : ""}${c.date !== undefined ? `, ${JSON.stringify(c.date)}` : ""}]`;
}

function checkError(e: unknown, c: GoldenCase): void {
  assert.ok(e instanceof KjError, `${label(c)}: expected KjError ${c.error}, got ${String(e)}`);
  assert.equal(e.code, c.error, `${label(c)}: ${e.message}`);
  assert.equal(e.kind, c.error === "no_policy" ? "na" : "value");
  assert.ok(/[\u4e00-\u9fff]/.test(e.message), `${label(c)}: message is not Chinese: ${e.message}`);
}

describe("golden award cases", () => {
  it("has one file per award item in the policy pack, and nothing else but unknown.json", () => {
    const files = FILES.map(([f]) => f).sort();
    const expected = [...PACK.awards.map((a) => `${a.key}.json`), "unknown.json"].sort();
    assert.deepEqual(files, expected);
  });

  for (const [file, golden] of FILES) {
    describe(file, () => {
      if (golden.item !== null) {
        const award = PACK.awards.find((a) => a.key === golden.item)!;

        it("matches the pack's rule and citation, and covers every name, member and alias", () => {
          assert.ok(award, `no award item ${golden.item} in the pack`);
          assert.deepEqual(golden.rule, award.rule);
          assert.equal(golden.cite, award.cite);
          const asked = new Set(golden.cases.map((c) => c.item));
          for (const n of [award.key, award.name, ...award.members, ...award.aliases]) {
            assert.ok(asked.has(n), `no golden case looks the item up by “${n}”`);
          }
        });

        it("covers the period boundaries and the basis edge cases", () => {
          const dates = new Set(golden.cases.map((c) => c.date));
          for (const d of ["2021-12-31", "2022-01-01", "2024-12-31", "2025-01-01"]) assert.ok(dates.has(d), `no case dated ${d}`);
          const errors = new Set(golden.cases.map((c) => c.error));
          assert.ok(errors.has("basis_invalid"), "no negative-basis case");
          assert.ok(golden.cases.some((c) => c.basis === 0), "no zero-basis case");
          if (award.rule.type !== "fixed") assert.ok(errors.has("basis_required"), "no missing-basis case");
          if (award.rule.type === "capped") {
            const cap = new Decimal(award.rule.cap);
            const bases = golden.cases.filter((c) => c.expect !== undefined && typeof c.basis === "number").map((c) => new Decimal(c.basis as number));
            assert.ok(bases.some((b) => b.lt(cap)), "no case below the cap");
            assert.ok(bases.some((b) => b.eq(cap)), "no case at the cap");
            assert.ok(bases.some((b) => b.gt(cap)), "no case above the cap");
          }
        });
      }

      for (const c of golden.cases) {
        if (!c.fxOnly) {
          it(`computeAward: ${label(c)}`, () => {
            let day: number | null = null;
            if (c.date !== undefined) {
              const r = readDate(c.date);
              assert.equal(r.status, "ok", `golden date ${c.date} should be readable (or mark the case fxOnly)`);
              day = (r as { value: number }).value;
            }
            const run = () => computeAward({ item: c.item, basis: c.basis as number | string | undefined, date: day });
            if (c.error) {
              checkError(thrown(run), c);
            } else {
              const r = run();
              assert.ok(r.amount.equals(new Decimal(c.expect!)), `${label(c)}: got ${r.amount.toString()}, expected ${c.expect}`);
              assert.equal(r.unit, "万元");
              assert.ok(r.cite.length > 0);
            }
          });
        }

        it(`fxAward: ${label(c)}`, () => {
          if (c.error) {
            checkError(thrown(() => fxAward(c.item, c.basis, c.date)), c);
          } else {
            const n = fxAward(c.item, c.basis, c.date);
            assert.equal(typeof n, "number");
            assert.equal(n, new Decimal(c.expect!).toNumber(), `${label(c)}: got ${n}, expected ${c.expect}`);
          }
        });

        it(`Excel KJ.AWARD: ${label(c)}`, () => {
          // Excel hands a missing optional argument over as null and a single cell as itself.
          const basis = c.basis === undefined ? null : c.basis;
          const date = c.date === undefined ? null : c.date;
          if (c.error) {
            const e = thrown(() => excel.award(c.item, basis, date));
            assert.ok(e instanceof StubCustomFunctionError, `expected a CustomFunctions.Error, got ${String(e)}`);
            assert.equal(e.code, ERROR_KIND[c.error] ?? ERROR_CODES.invalidValue);
            assert.ok(/[\u4e00-\u9fff]/.test(e.message), `message is not Chinese: ${e.message}`);
          } else {
            assert.equal(excel.award([[c.item]], basis === null ? null : [[basis]], date), new Decimal(c.expect!).toNumber());
          }
        });
      }
    });
  }

  it("names valid items in the message for an unknown item", () => {
    const e = thrown(() => fxAward("不存在的事项")) as KjError;
    assert.match(e.message, /不存在的事项/);
    assert.match(e.message, /国家重点实验室/);
  });

  it("says which policy periods exist when a date is outside all of them", () => {
    const e = thrown(() => fxAward("高企", null, "2025-01-01")) as KjError;
    assert.match(e.message, /无适用政策/);
    assert.match(e.message, /2022-01-01 至 2024-12-31/);
  });
});

/**
 * The fast path (decide) and the full explanation must never disagree: over the sample
 * generator's ledger and over random rows of the values people type.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { dayFromParts, DayNumber } from "../../src/dates";
import { isKjError } from "../../src/errors";
import { fxEligible } from "../../src/fx/eligibility";
import { ENTERPRISE } from "../../src/ledger/catalogue";
import { decideFor, rowFromRanges, unknownMessage, verdictFor } from "../../src/rules";
import { ENTERPRISE_HEADERS, generateEnterpriseRows } from "../../samples/generate";

const AS_OF = dayFromParts(2024, 12, 31) as DayNumber;
const CATEGORIES = ["高企", "科小", "小巨人"];

function fxOutcome(category: string, header: unknown, row: unknown): boolean | string {
  try {
    return fxEligible(category, header, row, undefined, AS_OF);
  } catch (e) {
    if (isKjError(e) && e.kind === "na") return e.message;
    throw e;
  }
}

describe("eligibility: fast path agrees with the explanation", () => {
  it("on 3,000 generated ledger rows, for every category", () => {
    const header = [ENTERPRISE_HEADERS.slice()];
    const rows = generateEnterpriseRows(3000, 7);
    for (const category of CATEGORIES) {
      for (const r of rows) {
        const v = verdictFor(category, rowFromRanges(header, [r]), AS_OF);
        const fx = fxOutcome(category, header, [r]);
        if (v.eligible === null) assert.equal(fx, unknownMessage(v));
        else assert.equal(fx, v.eligible);
      }
    }
  });

  it("on random rows of typed values (blank, numbers, text, yes/no, dates, junk)", () => {
    const names = ENTERPRISE.fields.map((f) => f.name);
    const cell = fc.oneof(
      fc.constant(null),
      fc.constant(""),
      fc.integer({ min: -5, max: 30000 }),
      fc.double({ min: 0, max: 50000, noNaN: true }),
      fc.constantFrom("是", "否", "√", "无", "不详", "#N/A", "12万", "1.2亿", "30人", "2021-07-01", "2023/6/30", "新材料", "化工", "优秀"),
      fc.integer({ min: 40000, max: 46000 }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...names), cell), { maxLength: 40 }), fc.constantFrom(...CATEGORIES), (pairs, category) => {
        const header = pairs.map((p) => p[0]);
        const row = pairs.map((p) => p[1]);
        const view = rowFromRanges(header, row);
        const v = verdictFor(category, view, AS_OF);
        assert.equal(decideFor(category, view, AS_OF), v.eligible);
        const fx = fxOutcome(category, header, row);
        if (v.eligible === null) assert.equal(fx, unknownMessage(v));
        else assert.equal(fx, v.eligible);
      }),
      { numRuns: 1500 },
    );
  });
});

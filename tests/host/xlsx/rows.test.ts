/**
 * How deleting and inserting rows moves references (src/host/xlsx/rows.ts): formulas as Excel
 * moves them, ranges of validation and conditional formats, and the one difference from Excel
 * that lets upkeep's undo give ranges back (rows put back into a data block widen the ranges
 * that cover its edges).
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { moveFormulaRows, moveRange, moveSqref, rowsDeleted, rowsInserted } from "../../../src/host/xlsx/rows";
import { shiftFormulaRows, archivedFormulas, parseArchivedFormulas } from "../../../src/jobs/upkeep";

const S = "企业培育库";
const moved = (f: string, home: string, move: ReturnType<typeof rowsDeleted>) => moveFormulaRows(f, home, move).text;

describe("moving formulas when rows of a sheet are deleted", () => {
  const del = rowsDeleted(S, [3, 5, 6]);

  it("moves references below the deleted rows up, shrinks ranges, and turns references to deleted cells into #REF!", () => {
    assert.equal(moved("SUM(B2:B9)+B7", S, del), "SUM(B2:B6)+B4");
    assert.equal(moved("B5*2", S, del), "#REF!*2");
    assert.equal(moved("$B$8+B$8+$B8", S, del), "$B$5+B$5+$B5");
    assert.equal(moved("SUM(5:6)", S, del), "SUM(#REF!)");
    assert.equal(moved("SUM(3:9)", S, del), "SUM(3:6)");
    assert.equal(moved("B1+B2", S, del), "B1+B2", "rows above stay");
  });

  it("follows the sheet a reference names: quoted, unquoted (Excel writes Chinese names bare), another sheet's stays", () => {
    assert.equal(moved(`'${S}'!B9+${S}!B9+其他!B9+B9`, "汇总", del), `'${S}'!B6+${S}!B6+其他!B9+B9`);
    assert.equal(moved(`SUM(${S}!$J$3:$J$22)`, "汇总", del), `SUM(${S}!$J$3:$J$19)`);
    assert.equal(moved(`'企业''库'!B9`, "汇总", rowsDeleted("企业'库", [3])), `'企业''库'!B8`);
    assert.equal(moved(`企业培育库!b9`, "汇总", del), `企业培育库!b9`, "lower-case letters are not a reference Excel writes");
  });

  it("leaves alone what is not a reference: text, functions like LOG10, names, tables, other workbooks, whole columns, 3-D references, errors", () => {
    for (const f of ['"B9"&LOG10(2)', "Table1[[#This Row],[B9]]", "TBL1[x]", "[1]Sheet1!B9", "A:A", `'Sheet1:${S}'!B9`, "#N/A+#REF!", "_xlfn.XLOOKUP(1,A:A,B:B)", "1E+5"]) {
      assert.equal(moved(f, "汇总", del), f);
    }
    assert.equal(moved("_xlfn.XLOOKUP(B9,A:A,C:C)", S, del), "_xlfn.XLOOKUP(B6,A:A,C:C)");
  });

  it("says when a formula's value may change (a range shrank, a reference became #REF!)", () => {
    assert.equal(moveFormulaRows("B9", S, del).resized, false);
    assert.equal(moveFormulaRows("SUM(B2:B9)", S, del).resized, true);
    assert.equal(moveFormulaRows("SUM(B7:B9)", S, del).resized, false, "moved, not resized");
    assert.equal(moveFormulaRows("B5", S, del).resized, true);
  });

  it("conditional formats and validation: a formula written for the first cell of its range keeps its meaning", () => {
    // "$I3" in a rule on J3:J22 means "column I of the cell's own row".
    const frame = { kind: "relative" as const, origin: 3, newOrigin: 3 };
    assert.equal(moveFormulaRows('$I3="注销"', S, rowsDeleted(S, [3, 4]), frame).text, '$I3="注销"');
    assert.equal(moveFormulaRows('$I3="注销"', S, rowsDeleted(S, [1]), { kind: "relative", origin: 3, newOrigin: 2 }).text, '$I2="注销"');
    assert.equal(moveFormulaRows("$J3>$J$1", S, rowsDeleted(S, [1]), { kind: "relative", origin: 3, newOrigin: 2 }).text, "$J2>#REF!");
  });

  it("ranges: sqref lists lose ranges whose rows are all gone; merged cells follow Excel's rule", () => {
    assert.equal(moveSqref("A3:Z22 B5 C6", del), "A3:Z19");
    assert.equal(moveSqref("B5", del), null);
    assert.equal(moveRange("B:B", del), "B:B");
    assert.equal(moveRange("A4:B4", del), "A3:B3");
  });
});

describe("inserting rows back (upkeep's undo)", () => {
  it("follows Excel without a data block: an insert at a range's first row moves it", () => {
    const ins = rowsInserted(S, [{ at: 3, count: 2 }]);
    assert.equal(moved("SUM(B3:B9)+B3", S, ins), "SUM(B5:B11)+B5");
    assert.equal(moved("SUM(B2:B9)", S, ins), "SUM(B2:B11)");
  });

  it("with the data block, ranges covering its first or last row take back rows put at that edge", () => {
    const block = { first: 3, last: 9 };
    assert.equal(moved("SUM(B3:B9)", S, rowsInserted(S, [{ at: 3, count: 2 }], block)), "SUM(B3:B11)");
    assert.equal(moved("SUM(B3:B9)", S, rowsInserted(S, [{ at: 10, count: 2 }], block)), "SUM(B3:B11)");
    assert.equal(moved("SUM(B4:B6)", S, rowsInserted(S, [{ at: 4, count: 1 }, { at: 8, count: 1 }], block)), "SUM(B5:B7)", "a range inside the block follows Excel");
    // A total right below the data sums the rows put back after the last row too.
    assert.equal(moveFormulaRows("SUM(B3:B9)", S, rowsInserted(S, [{ at: 10, count: 1 }], { first: 3, last: 10 }), { kind: "cell", row: 10 }).text, "SUM(B3:B10)");
    assert.equal(moved("B3", S, rowsInserted(S, [{ at: 3, count: 2 }], block)), "B5", "a single cell moves down");
  });

  it("refuses runs that are not in ascending order", () => {
    assert.throws(() => rowsInserted(S, [{ at: 8, count: 1 }, { at: 3, count: 1 }]), RangeError);
  });

  it("removing any rows of a block and putting them back gives every range over the whole block, and every reference to a kept row, back", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 30 }), fc.array(fc.boolean(), { minLength: 2, maxLength: 40 }), (first, gone) => {
        const last = first + gone.length - 1;
        const removed = gone.flatMap((g, i) => (g ? [first + i] : []));
        if (removed.length === gone.length) return; // every row removed: nothing left to hold the range
        const kept = gone.flatMap((g, i) => (g ? [] : [first + i]));
        const formula = `SUM(B${first}:B${last})+${kept.map((r) => `C${r}`).join("+")}+SUM($D$${first}:$D$${last + 2})`;
        const afterRemoval = moveFormulaRows(formula, S, rowsDeleted(S, removed), { kind: "cell" }).text;
        // The undo's runs: rows back at their original numbers, in ascending order, consecutive ones together.
        const runs: { at: number; count: number }[] = [];
        for (const r of removed) {
          const lastRun = runs[runs.length - 1];
          if (lastRun && lastRun.at + lastRun.count === r) lastRun.count++;
          else runs.push({ at: r, count: 1 });
        }
        const block = { first, last: first + kept.length - 1 };
        const back = moveFormulaRows(afterRemoval, S, rowsInserted(S, runs, block), { kind: "cell" }).text;
        assert.equal(back, formula);
      }),
      { numRuns: 300 },
    );
  });
});

describe("原公式: the formulas of a removed row, as text", () => {
  it("one line per cell, column letters first; read back exactly, line breaks inside a formula included", () => {
    const formulas = new Map([
      [53, "=IF(J5=0,0,ROUND(L5/J5,2))"],
      [2, '="第一行\n第二行"&A5'],
    ]);
    const text = archivedFormulas(formulas);
    assert.equal(text, 'B="第一行\n\t第二行"&A5\nBA=IF(J5=0,0,ROUND(L5/J5,2))');
    assert.deepEqual([...parseArchivedFormulas(text)].sort((a, b) => a[0] - b[0]), [...formulas].sort((a, b) => a[0] - b[0]));
    assert.deepEqual([...parseArchivedFormulas("这一行不是公式\nC=1+1")], [[3, "=1+1"]]);
  });

  it("a restored row that lands elsewhere gets its formula moved like Excel fills it", () => {
    assert.equal(shiftFormulaRows("=L5/J5+$A$1+J$2+\"L5\"", -2), '=L3/J3+$A$1+J$2+"L5"');
    assert.equal(shiftFormulaRows("=LOG10(J5)", 1), "=LOG10(J6)");
  });
});

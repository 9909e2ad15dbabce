import { strict as assert } from "assert";
import { createSheetValidator, clearMarkEdits, markEdits, validateSheet, validateWorkbook } from "../../src/jobs/validate";
import { AS_OF, codeFor, enterpriseCol, enterpriseSheet, sheetOf } from "../ledger/fixtures";

describe("validate job: chunks and marks", () => {
  function brokenSheet() {
    const s = enterpriseSheet(2500);
    s.values[10][enterpriseCol("employees") - 1] = "abc";
    s.values[10][enterpriseCol("techField") - 1] = "量子";
    s.values[2000][enterpriseCol("uscc") - 1] = "123";
    return s;
  }

  it("gives the same result in chunks as in one go, with progress", () => {
    const s = brokenSheet();
    const whole = validateSheet(s, { asOf: AS_OF }).report.sheets[0];
    const v = createSheetValidator(s, { asOf: AS_OF });
    assert.equal(v.skipped, null);
    assert.equal(v.mapping?.kind, "enterprise");
    assert.deepEqual(v.progress, { done: 0, total: 2500 });
    let steps = 0;
    const seen: number[] = [];
    while (!v.step(300)) {
      steps++;
      seen.push(v.progress.done);
    }
    assert.equal(steps, 8);
    assert.deepEqual(seen.slice(0, 2), [300, 600]);
    assert.deepEqual(v.progress, { done: 2500, total: 2500 });
    assert.deepEqual(v.result(), whole);
    assert.equal(v.step(10), true);
  });

  it("a skipped sheet's validator is done at once", () => {
    const v = createSheetValidator(sheetOf("说明", [["hello"]]), { asOf: AS_OF });
    assert.equal(v.step(100), true);
    assert.equal(v.result(), null);
    assert.match(v.skipped ?? "", /未识别为台账/);
  });

  it("marks each issue cell once, after clearing old marks, and is idempotent", () => {
    const s = brokenSheet();
    const a = validateSheet(s, { asOf: AS_OF, mark: true });
    const b = validateSheet(s, { asOf: AS_OF, mark: true });
    assert.deepEqual(a.edits, b.edits);
    assert.equal(a.edits.length, 2);
    assert.deepEqual(a.edits[0], { type: "clearMarks", sheet: "企业培育库" });
    const mark = a.edits[1];
    assert.equal(mark.type, "mark");
    if (mark.type !== "mark") return;
    assert.deepEqual(
      mark.marks.map((m) => [m.row, m.col, m.level]),
      [
        [11, enterpriseCol("employees"), "error"],
        [11, enterpriseCol("techField"), "warning"],
        [2001, enterpriseCol("uscc"), "error"],
      ],
    );
    assert.equal(mark.marks[0].note, "职工总数：“abc”不是数字");
    assert.deepEqual(validateSheet(s, { asOf: AS_OF }).edits, []);
  });

  it("joins several issues of one cell into one note, the error level winning", () => {
    const s = enterpriseSheet(3);
    s.values[3][enterpriseCol("uscc") - 1] = s.values[1][enterpriseCol("uscc") - 1];
    s.values[3][enterpriseCol("name") - 1] = "另一家公司";
    s.values[2][enterpriseCol("uscc") - 1] = codeFor(99, "370402");
    s.values[2][enterpriseCol("name") - 1] = "另一家公司";
    const { edits } = validateSheet(s, { asOf: AS_OF, mark: true });
    const mark = edits[1];
    assert.ok(mark.type === "mark");
    if (mark.type !== "mark") return;
    const last = mark.marks.find((m) => m.row === 4);
    assert.ok(last);
    assert.equal(last.level, "error");
    assert.equal(last.note.split("\n").length, 2);
  });

  it("notes missing columns on the header row and clears sheets without issues", () => {
    const s = enterpriseSheet(1);
    s.values = s.values.map((r) => r.slice(0, 1).concat(r.slice(2)));
    const clean = enterpriseSheet(1, "干净");
    const { edits } = validateWorkbook({ sheets: [s, clean] }, { asOf: AS_OF, mark: true });
    assert.deepEqual(
      edits.map((e) => e.type),
      ["clearMarks", "mark", "clearMarks"],
    );
    const mark = edits[1];
    if (mark.type !== "mark") throw new Error("expected mark");
    assert.deepEqual(mark.marks.map((m) => [m.row, m.col, m.level]), [[1, 1, "error"]]);
  });
});

describe("validate job: clearing marks", () => {
  it("gives one clearMarks edit per sheet and nothing else", () => {
    assert.deepEqual(clearMarkEdits(["企业培育库", "创新平台"]), [
      { type: "clearMarks", sheet: "企业培育库" },
      { type: "clearMarks", sheet: "创新平台" },
    ]);
    assert.deepEqual(clearMarkEdits([]), []);
  });

  it("markEdits of a report equals the edits of a marking run", () => {
    const s = enterpriseSheet(5);
    s.values[3][enterpriseCol("rdStaff") - 1] = 10_000;
    const plain = validateWorkbook({ sheets: [s] }, { asOf: AS_OF });
    const marked = validateWorkbook({ sheets: [s] }, { asOf: AS_OF, mark: true });
    assert.deepEqual(markEdits(plain.report), marked.edits);
    assert.equal(validateSheet(s, { asOf: AS_OF, mark: true }).edits.length, 2);
  });
});

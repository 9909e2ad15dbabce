/**
 * Memory proportional to content (src/host/snapshot.ts): a sheet's snapshot is its table; cells
 * far below or to the right are left out and reported; a table beyond the declared limit is
 * refused in Chinese. The streamed reader (kj check, targets, awards, upkeep) reads a ledger with
 * a stray cell at XFD1048576 or at row 999,999,999 in a few MB.
 */
import { strict as assert } from "assert";
import ExcelJS from "exceljs";
import { KjError } from "../../src/errors";
import { FoundRow, ignoredCellsWarning, SHEET_LIMITS, snapshotFromRows } from "../../src/host/snapshot";
import { streamSnapshot } from "../../src/host/xlsx/stream";
import { validateWorkbook } from "../../src/jobs/validate";
import { withParts } from "../support/zip";

const row = (r: number, first: number, ...values: unknown[]): FoundRow => ({ row: r, first, values: values as FoundRow["values"] });

function ledgerRows(n: number): FoundRow[] {
  const out = [row(1, 1, "企业名称", "统一社会信用代码", "注册日期")];
  for (let i = 0; i < n; i++) out.push(row(i + 2, 1, `企业${i}`, `91370403MA3C${String(i).padStart(5, "0")}X`, 43000 + i));
  return out;
}

describe("snapshotFromRows: the table, not the bounding box", () => {
  it("a ledger alone: its bounding box, leading blank rows and columns left out", () => {
    const s = snapshotFromRows("表", [row(3, 2, "a", null, "c"), row(5, 3, "d")].map((r) => ({ ...r, values: r.values.map((v) => (v === null ? undefined : v)) })));
    assert.deepEqual([s.firstRow, s.firstCol], [3, 2]);
    assert.deepEqual(s.values, [
      ["a", null, "c"],
      [null, null, null],
      [null, "d", null],
    ]);
    assert.equal(s.ignored, undefined);
  });

  it("a stray cell at XFD1048576 is left out and reported with its address", () => {
    const s = snapshotFromRows("企业培育库", [...ledgerRows(100), row(1_048_576, 16_384, "x")]);
    assert.deepEqual([s.firstRow, s.firstCol, s.values.length, s.values[0].length], [1, 1, 101, 3]);
    assert.deepEqual(s.ignored, { cells: 1, sample: [{ row: 1_048_576, col: 16_384, value: "x" }] });
    assert.equal(ignoredCellsWarning(s), "工作表“企业培育库”中有 1 个单元格远离表格（表格在 A1:C101），没有读取：XFD1048576“x”。如果是误输入，可以在 Excel/WPS 中删除");
  });

  it("a stray cell at row 999,999,999 costs nothing", () => {
    const t0 = Date.now();
    const s = snapshotFromRows("表", [...ledgerRows(10), row(999_999_999, 1, "远")]);
    assert.equal(s.values.length, 11);
    assert.equal(s.ignored?.cells, 1);
    assert.ok(Date.now() - t0 < 1000);
  });

  it("blank rows and columns inside a ledger stay (up to the gaps), and cells just past them belong to the table", () => {
    const rows = [...ledgerRows(5), row(7 + SHEET_LIMITS.rowGap, 1, "合计"), row(2, 3 + SHEET_LIMITS.colGap + 1, "备注")];
    const s = snapshotFromRows("表", rows);
    assert.equal(s.firstRow + s.values.length - 1, 7 + SHEET_LIMITS.rowGap, "a 合计 row after exactly rowGap blank rows is in");
    assert.equal(s.firstCol + s.values[0].length - 1, 3 + SHEET_LIMITS.colGap + 1, "a note after exactly colGap blank columns is in");
    assert.equal(s.ignored, undefined);
    const past = snapshotFromRows("表", [...ledgerRows(5), row(8 + SHEET_LIMITS.rowGap, 1, "远")]);
    assert.equal(past.values.length, 6);
    assert.equal(past.ignored?.cells, 1);
  });

  it("keeps the block holding the most cells: a stray title far above the ledger is what is left out", () => {
    const ledger = ledgerRows(20).map((r) => ({ ...r, row: r.row + 5_000 }));
    const s = snapshotFromRows("表", [row(1, 1, "旧标题"), ...ledger]);
    assert.equal(s.firstRow, 5_001);
    assert.deepEqual(
      s.ignored?.sample.map((c) => c.value),
      ["旧标题"],
    );
  });

  it("formulas follow their cells; a formula cell without a cached value is in the table", () => {
    const rows: FoundRow[] = [row(1, 1, "金额", "奖励"), { row: 2, first: 1, values: [5, undefined], formulas: [null, "=KJ.AWARD(A2)"] }, { row: 9_000, first: 1, values: [undefined], formulas: ["=1+1"] }];
    const s = snapshotFromRows("表", rows);
    assert.deepEqual(s.values, [
      ["金额", "奖励"],
      [5, null],
    ]);
    assert.deepEqual(s.formulas, [
      [null, null],
      [null, "=KJ.AWARD(A2)"],
    ]);
    assert.deepEqual(s.ignored?.sample, [{ row: 9_000, col: 1, value: null, formula: "=1+1" }]);
  });

  it("refuses a table of real data beyond the declared limit, in Chinese, naming the sheet and the range", () => {
    const diagonal = Array.from({ length: 50 }, (_, i) => row(1 + i * 900, 1 + i * 90, i));
    assert.throws(
      () => snapshotFromRows("乱表", diagonal),
      (e: unknown) => e instanceof KjError && e.code === "sheet_too_large" && /工作表“乱表”的数据区域 A1:.* 行 × .* 列，超过可处理的上限 2,000 万个单元格/.test(e.message),
    );
    assert.doesNotThrow(() => snapshotFromRows("乱表", diagonal.slice(0, 3)));
  });
});

describe("the streamed reader on ledgers with far stray cells", () => {
  let ledger: Buffer;
  before(async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("企业培育库");
    ws.addRow(["企业名称", "统一社会信用代码", "注册日期"]);
    for (let i = 0; i < 50; i++) ws.addRow([`枣庄${i}科技有限公司`, `91370403MA3C${String(i).padStart(5, "0")}X`, new Date(Date.UTC(2019, 4, 1))]);
    ledger = Buffer.from(await wb.xlsx.writeBuffer());
  });

  for (const [where, ref, r] of [
    ["XFD1048576", "XFD1048576", 1_048_576],
    ["row 999,999,999", "A999999999", 999_999_999],
  ] as const) {
    it(`a cell at ${where}: the ledger is read and validated as without it, the cell named in a warning`, async () => {
      const far = await withParts(ledger, (parts) =>
        parts.map((p) => (p.name === "xl/worksheets/sheet1.xml" ? { ...p, data: String(p.data).replace("</sheetData>", `<row r="${r}"><c r="${ref}" t="inlineStr"><is><t>误输入</t></is></c></row></sheetData>`) } : p)),
      );
      const heap0 = process.memoryUsage().heapUsed;
      const plain = await streamSnapshot(ledger);
      const snap = await streamSnapshot(far);
      assert.ok(process.memoryUsage().heapUsed - heap0 < 200 * 2 ** 20, "no rows x columns allocation");
      assert.deepEqual(snap.sheets[0].values, plain.sheets[0].values);
      assert.equal(snap.warnings?.length, 1);
      assert.match(snap.warnings?.[0] ?? "", new RegExp(`工作表“企业培育库”中有 1 个单元格远离表格（表格在 A1:C51），没有读取：${ref}“误输入”`));
      const asOf = 45_000;
      assert.deepEqual(validateWorkbook(snap, { asOf }).report, validateWorkbook(plain, { asOf }).report);
    });
  }
});

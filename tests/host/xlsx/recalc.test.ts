import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import { dayFromParts } from "../../../src/dates";
import { formulaForEngine, recalcWorkbook } from "../../../src/host/xlsx/recalc";

const TODAY = dayFromParts(2024, 6, 30) as number;

async function roundTrip(wb: ExcelJS.Workbook): Promise<ExcelJS.Workbook> {
  const buf = await wb.xlsx.writeBuffer();
  const back = new ExcelJS.Workbook();
  await back.xlsx.load(buf as ArrayBuffer);
  return back;
}

describe("recalcWorkbook (exceljs workbook in place)", () => {
  it("fills cached results and keeps the formulas, including shared formulas", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("奖励");
    ws.addRow(["事项", "依据", "金额"]);
    ws.addRow(["高企", null, { formula: "KJ.AWARD(A2,B2)" }]);
    ws.addRow(["国家重点实验室", 250, { sharedFormula: "C2" }]);
    ws.addRow(["院士工作站", null, { sharedFormula: "C2" }]);
    ws.getCell("C2").value = { formula: "KJ.AWARD(A2,B2)", shareType: "shared", ref: "C2:C4" } as ExcelJS.CellValue;
    ws.addRow(["合计", null, { formula: "SUM(C2:C4)" }]);
    const loaded = await roundTrip(wb);
    const report = recalcWorkbook(loaded, { today: TODAY });
    assert.equal(report.formulas, 4);
    assert.equal(report.errors, 0);
    const out = (await roundTrip(loaded)).getWorksheet("奖励")!;
    assert.deepEqual([2, 3, 4, 5].map((r) => out.getCell(`C${r}`).result), [20, 200, 50, 270]);
    assert.equal(out.getCell("C2").formula, "KJ.AWARD(A2,B2)");
    assert.equal(out.getCell("C3").formula, "KJ.AWARD(A3,B3)");
    assert.equal(out.getCell("C5").formula, "SUM(C2:C4)");
  });

  it("writes errors as error values and lists them with the Chinese message", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("奖励");
    ws.addRow(["不存在", { formula: "KJ.AWARD(A1)" }]);
    ws.addRow(["高企", { formula: 'KJ.AWARD(A2,,"2025-01-01")' }]);
    const report = recalcWorkbook(wb, { today: TODAY });
    assert.equal(report.errors, 2);
    assert.deepEqual(report.errorCells.map((e) => [e.address, e.error]), [["B1", "#VALUE!"], ["B2", "#N/A"]]);
    assert.match(report.errorCells[1].message, /无适用政策/);
    const out = (await roundTrip(wb)).getWorksheet("奖励")!;
    assert.deepEqual(out.getCell("B1").result, { error: "#VALUE!" });
    assert.deepEqual(out.getCell("B2").result, { error: "#N/A" });
  });

  it("text stays text: digits and formula-like strings are not numbers or formulas to the engine", () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("S");
    ws.addRow(["123", "=1+1", { formula: "ISTEXT(A1)" }, { formula: "ISTEXT(B1)" }, { formula: "A1&B1" }]);
    recalcWorkbook(wb, { today: TODAY });
    assert.equal(ws.getCell("C1").result, true);
    assert.equal(ws.getCell("D1").result, true);
    assert.equal(ws.getCell("E1").result, "123=1+1");
    assert.equal(ws.getCell("B1").value, "=1+1");
  });

  it("dates become serial numbers, so date arithmetic and KJ dates work", () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("S");
    ws.addRow([new Date(Date.UTC(2023, 4, 1)), { formula: "YEAR(A1)" }, { formula: 'KJ.AWARD("高企",,A1)' }]);
    recalcWorkbook(wb, { today: TODAY });
    assert.equal(ws.getCell("B1").result, 2023);
    assert.equal(ws.getCell("C1").result, 20);
  });

  it("evaluates cross-sheet references, with quoted Chinese sheet names", () => {
    const wb = new ExcelJS.Workbook();
    const a = wb.addWorksheet("奖励 台账");
    a.addRow(["高企", { formula: "KJ.AWARD(A1)" }]);
    const b = wb.addWorksheet("汇总");
    b.addRow([{ formula: "'奖励 台账'!B1*2" }]);
    wb.addWorksheet("无关").addRow(["x"]);
    const report = recalcWorkbook(wb, { today: TODAY });
    assert.equal(b.getCell("A1").result, 40);
    assert.deepEqual(report.sheetsEvaluated, ["奖励 台账", "汇总"]);
  });

  it("keeps the cached value of a formula the engine cannot evaluate", () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("S");
    ws.getCell("A1").value = { formula: "NOSUCHFUNCTION(1)", result: 7 } as ExcelJS.CellValue;
    const report = recalcWorkbook(wb, { today: TODAY });
    assert.equal(report.unsupported, 1);
    assert.equal(ws.getCell("A1").result, 7);
    assert.match(report.unsupportedCells[0].reason, /NOSUCHFUNCTION/);
  });

  it("merged cells count once, like Excel", () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("S");
    ws.getCell("A1").value = 5;
    ws.mergeCells("A1:B1");
    ws.getCell("C1").value = { formula: "SUM(A1:B1)" } as ExcelJS.CellValue;
    recalcWorkbook(wb, { today: TODAY });
    assert.equal(ws.getCell("C1").result, 5);
  });

  it("a workbook without formulas is left alone", () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("S").addRow([1, "a"]);
    const report = recalcWorkbook(wb, { today: TODAY });
    assert.equal(report.formulas, 0);
    assert.deepEqual(report.sheetsEvaluated, []);
  });

  it("reads formulas Excel saved for an add-in it could not load, and future-function prefixes", () => {
    assert.equal(formulaForEngine("_xldudf_KJ_AWARD(A2,B2)"), "=KJ.AWARD(A2,B2)");
    assert.equal(formulaForEngine("[1]!_xldudf_KJ.award(A2)+1"), "=KJ.AWARD(A2)+1");
    assert.equal(formulaForEngine("_xlfn.IFS(A1>0,1)"), "=IFS(A1>0,1)");
  });
});

import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { dayFromParts } from "../../../src/dates";
import { PackageNotHandled, recalcXlsxPackage, slideFormula, xmlText } from "../../../src/host/xlsx/package-recalc";
import { collect } from "../../support/xlsx";

const TODAY = dayFromParts(2024, 6, 30) as number;

async function bytesOf(wb: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function load(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return wb;
}

function sampleWorkbook(): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("奖励 台账");
  ws.addRow(["事项", "依据", "金额", "状态"]);
  ws.addRow(["高企", null, { formula: "KJ.AWARD(A2,B2)" }, "已拨付"]);
  ws.addRow(["国家重点实验室", 250, { sharedFormula: "C2" }, "待拨付"]);
  ws.addRow(["不存在 & <事项>", null, { sharedFormula: "C2" }, "已拨付"]);
  ws.getCell("C2").value = { formula: "KJ.AWARD(A2,B2)", shareType: "shared", ref: "C2:C4" } as ExcelJS.CellValue;
  ws.getCell("E1").value = { formula: 'SUMIFS(C2:C3,D2:D3,"已拨付")' } as ExcelJS.CellValue;
  ws.getCell("E2").value = { formula: "ISTEXT(F2)" } as ExcelJS.CellValue;
  ws.getCell("F2").value = "0012";
  ws.getCell("E3").value = { formula: 'A2&"<&>"' } as ExcelJS.CellValue;
  ws.getCell("E4").value = { formula: "KJ.USCC(\"91350100M000100Y43\")", result: false } as ExcelJS.CellValue;
  ws.getCell("A1").font = { bold: true };
  ws.getColumn(1).width = 33;
  const other = wb.addWorksheet("汇总");
  other.getCell("A1").value = { formula: "'奖励 台账'!C3*2" } as ExcelJS.CellValue;
  other.getCell("B1").value = { formula: "NOSUCHFUNCTION(1)", result: 9 } as ExcelJS.CellValue;
  wb.addWorksheet("无公式").getCell("A1").value = "不动";
  return wb;
}

describe("recalcXlsxPackage (only cached values in the sheet XML change)", () => {
  it("computes KJ and native formulas, shared clones included, and writes typed cached values", async () => {
    const input = await bytesOf(sampleWorkbook());
    const { report, writeTo } = await recalcXlsxPackage(input, { today: TODAY });
    assert.equal(report.formulas, 9);
    assert.equal(report.errors, 1);
    assert.equal(report.unsupported, 1);
    assert.match(report.errorCells[0].message, /未知的奖励事项/);
    const out = await load(await collect(writeTo));
    const ws = out.getWorksheet("奖励 台账")!;
    assert.deepEqual(["C2", "C3"].map((a) => ws.getCell(a).result), [20, 200]);
    assert.deepEqual(ws.getCell("C4").result, { error: "#VALUE!" });
    assert.equal(ws.getCell("C3").formula, "KJ.AWARD(A3,B3)");
    assert.equal(ws.getCell("E1").result, 20);
    assert.equal(ws.getCell("E2").result, true);
    assert.equal(ws.getCell("E3").result, "高企<&>");
    assert.equal(ws.getCell("E4").result, true);
    assert.equal(out.getWorksheet("汇总")!.getCell("A1").result, 400);
    assert.equal(out.getWorksheet("汇总")!.getCell("B1").result, 9, "an unsupported function keeps its cached value");
    assert.equal(ws.getColumn(1).width, 33);
    assert.equal(ws.getCell("A1").font?.bold, true);
  });

  it("leaves every other part of the package byte for byte, including parts exceljs would drop", async () => {
    const zip = await JSZip.loadAsync(await bytesOf(sampleWorkbook()));
    zip.file("customXml/kj-extra.xml", "<extra>保留</extra>");
    const input = await zip.generateAsync({ type: "nodebuffer" });
    const { writeTo } = await recalcXlsxPackage(input, { today: TODAY });
    const [a, b] = [await JSZip.loadAsync(input), await JSZip.loadAsync(await collect(writeTo))];
    assert.deepEqual(Object.keys(b.files).sort(), Object.keys(a.files).sort());
    for (const name of Object.keys(a.files)) {
      if (a.files[name].dir || /worksheets\/sheet[12]\.xml$/.test(name)) continue;
      assert.equal(await b.file(name)!.async("string"), await a.file(name)!.async("string"), name);
    }
    // In the changed sheets, only formula cells differ.
    const before = await a.file("xl/worksheets/sheet1.xml")!.async("string");
    const after = await b.file("xl/worksheets/sheet1.xml")!.async("string");
    const strip = (x: string) => x.replace(/<c\b[^>]*>(?:(?!<\/c>)[\s\S])*<f[\s\S]*?<\/c>/g, "");
    assert.equal(strip(after), strip(before));
  });

  it("refuses what it does not read, so the caller can fall back", async () => {
    await assert.rejects(recalcXlsxPackage(Buffer.from("not a zip"), { today: TODAY }));
    const zip = new JSZip();
    zip.file("hello.txt", "x");
    await assert.rejects(recalcXlsxPackage(await zip.generateAsync({ type: "nodebuffer" }), { today: TODAY }), PackageNotHandled);
  });

  it("slides shared formulas like Excel: relative parts move, $ parts and text stay", () => {
    const from = { row: 2, col: 3 };
    assert.equal(slideFormula('KJ.AWARD(A2,$B$1,"C2")&\'S 1\'!D2', from, { row: 5, col: 4 }), "KJ.AWARD(B5,$B$1,\"C2\")&'S 1'!E5");
    assert.equal(slideFormula("SUM($A2:A$2)+LOG10(A2)", from, { row: 3, col: 3 }), "SUM($A3:A$2)+LOG10(A3)");
  });

  it("reads Chinese written as character references and inline strings", async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("S").getCell("B1").value = { formula: "A1&\"!\"" } as ExcelJS.CellValue;
    const zip = await JSZip.loadAsync(await bytesOf(wb));
    const path = "xl/worksheets/sheet1.xml";
    const xml = await zip.file(path)!.async("string");
    zip.file(path, xml.replace(/<c r="B1"/, '<c r="A1" t="inlineStr"><is><t>&#39640;企</t></is></c><c r="B1"'));
    const { writeTo } = await recalcXlsxPackage(await zip.generateAsync({ type: "nodebuffer" }), { today: TODAY });
    const out = await load(await collect(writeTo));
    assert.equal(out.getWorksheet("S")!.getCell("B1").result, "高企!");
  });

  it("decodes XML text", () => {
    assert.equal(xmlText("a&amp;b&lt;&#x4E2D;&#25991;_x000D_"), "a&b<中文\r");
  });
});

/**
 * The sheet XML the package path writes (src/host/xlsx/package-edits.ts, patchSheetXml), byte
 * for byte: the bytes between changed cells are kept, a new cell goes in column order, a row's
 * start tag is kept when the new cells fall inside its spans and widened when they do not, a
 * self-closing row is opened, a missing row is inserted in order, and the dimension covers the
 * new cells. (kj awards writes 100,000 formulas this way; issue 17.1.)
 */
import { strict as assert } from "assert";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { partBytes, putPart } from "../../../src/host/xlsx/ooxml";
import { editXlsxPackage } from "../../../src/host/xlsx/package-edits";
import { Edit } from "../../../src/host/port";
import { collect } from "../../support/xlsx";

const SHEET_PATH = "xl/worksheets/sheet1.xml";
const HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><dimension ref="A1:C4"/><sheetData>';
const TAIL = '</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>';

/** A workbook whose sheet 台账 is exactly HEAD + rows + TAIL. */
async function workbookWithRows(rows: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet("台账").getCell(1, 1).value = "x";
  const zip = await JSZip.loadAsync(Buffer.from(await wb.xlsx.writeBuffer()));
  zip.file(SHEET_PATH, HEAD + rows + TAIL);
  return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
}

async function sheetXmlAfter(bytes: Buffer, edits: Edit[]): Promise<string> {
  const done = await editXlsxPackage(bytes, edits);
  const zip = await JSZip.loadAsync(await collect(done.writeTo));
  return (await zip.file(SHEET_PATH)!.async("string")) as string;
}

describe("the sheet XML of the package path, byte for byte", () => {
  const rows =
    '<row r="1" spans="1:3"><c r="A1" t="inlineStr"><is><t>名称</t></is></c><c r="C1"><v>1</v></c></row>' +
    '<row r="2" spans="1:3" x14ac:dyDescent="0.25"><c r="A2"><v>2</v></c><c r="C2" s="0"><v>3</v></c></row>' +
    '<row r="3" spans="1:1"/>' +
    '<row r="5" spans="1:3"><c r="A5"><v>5</v></c></row>';

  it("keeps a row's tag when the new cells fall inside its spans, widens it otherwise, opens a self-closing row and inserts missing rows", async () => {
    const bytes = await workbookWithRows(rows);
    const xml = await sheetXmlAfter(bytes, [
      // B1 inside spans 1:3 (tag kept), E2 beyond (widened to 1:5), B3 into a self-closing row, D4 a missing row, C5 a formula with its result.
      { type: "setValues", sheet: "台账", row: 1, col: 2, values: [["中"]] },
      { type: "setFormulas", sheet: "台账", row: 2, col: 5, formulas: [["=A2+C2"]], results: [[5]] },
      { type: "setValues", sheet: "台账", row: 3, col: 2, values: [[7]] },
      { type: "setValues", sheet: "台账", row: 4, col: 4, values: [[true]] },
      { type: "setFormulas", sheet: "台账", row: 5, col: 3, formulas: [['=KJ.AWARD(A5,"",B5)']], results: [[{ error: "#N/A" }]] },
    ]);
    const expected =
      HEAD.replace('<dimension ref="A1:C4"/>', '<dimension ref="A1:E5"/>') +
      '<row r="1" spans="1:3"><c r="A1" t="inlineStr"><is><t>名称</t></is></c><c r="B1" t="inlineStr"><is><t xml:space="preserve">中</t></is></c><c r="C1"><v>1</v></c></row>' +
      '<row r="2" spans="1:5" x14ac:dyDescent="0.25"><c r="A2"><v>2</v></c><c r="C2" s="0"><v>3</v></c><c r="E2"><f>A2+C2</f><v>5</v></c></row>' +
      '<row r="3" spans="1:2"><c r="B3"><v>7</v></c></row>' +
      '<row r="4"><c r="D4" t="b"><v>1</v></c></row>' +
      '<row r="5" spans="1:3"><c r="A5"><v>5</v></c><c r="C5" t="e"><f>KJ.AWARD(A5,"",B5)</f><v>#N/A</v></c></row>' +
      TAIL;
    assert.equal(xml, expected);
  });

  it("rewrites an existing cell in place and leaves the rest of the part as it was", async () => {
    const bytes = await workbookWithRows(rows);
    const xml = await sheetXmlAfter(bytes, [{ type: "setValues", sheet: "台账", row: 2, col: 3, values: [["改"]] }]);
    assert.equal(xml, HEAD + rows.replace('<c r="C2" s="0"><v>3</v></c>', '<c r="C2" s="0" t="inlineStr"><is><t xml:space="preserve">改</t></is></c>') + TAIL);
  });

  it("writes rows into an empty sheetData after the last one, in order", async () => {
    const bytes = await workbookWithRows("");
    const xml = await sheetXmlAfter(bytes, [{ type: "setValues", sheet: "台账", row: 2, col: 1, values: [[1], [null], [3]] }]);
    assert.equal(xml, HEAD + '<row r="2"><c r="A2"><v>1</v></c></row><row r="4"><c r="A4"><v>3</v></c></row>' + TAIL);
  });

  it("partBytes reads a part as JSZip does: loaded deflated, stored by putPart, stored, or given as text", async () => {
    const big = Buffer.from("<row>陶庄</row>".repeat(20_000), "utf8");
    const zip = await JSZip.loadAsync(await workbookWithRows(""));
    zip.file("xl/stored.xml", "stored 中", { compression: "STORE" });
    const reloaded = await JSZip.loadAsync(await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
    putPart(reloaded, "xl/big.xml", big);
    reloaded.file("xl/text.xml", "文字");
    for (const name of [SHEET_PATH, "xl/stored.xml", "xl/big.xml", "xl/text.xml"]) {
      const own = await partBytes(reloaded, name);
      assert.ok(own && own.equals(await reloaded.file(name)!.async("nodebuffer")), name);
    }
    assert.ok((await partBytes(reloaded, "xl/big.xml"))!.equals(big));
    assert.equal(await partBytes(reloaded, "xl/none.xml"), null);
  });
});

/**
 * The xlsx host beyond the contract: what exceljs actually writes into the file (string
 * cells, never <f>), how cells are read (cached formula results, rich text, hyperlinks,
 * errors, shared formulas), and that a save keeps everything else in the workbook.
 */
import { strict as assert } from "assert";
import ExcelJS from "exceljs";
import * as fs from "fs";
import JSZip from "jszip";
import * as os from "os";
import * as path from "path";
import { MARK_COLORS } from "../../../src/host/port";
import { XlsxHost } from "../../../src/host/xlsx/host";
import { openXlsx, saveXlsxAtomic } from "../../../src/host/xlsx/file";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-xlsx-host-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function roundTrip(wb: ExcelJS.Workbook): Promise<{ file: string; wb: ExcelJS.Workbook }> {
  const file = path.join(dir, `t${++n}.xlsx`);
  await saveXlsxAtomic(wb, file);
  return { file, wb: await openXlsx(file) };
}

/** The <c> element of one cell in a sheet part of the saved file. */
async function cellXml(file: string, sheetIndex: number, address: string): Promise<string> {
  const zip = await JSZip.loadAsync(fs.readFileSync(file));
  const xml = await zip.file(`xl/worksheets/sheet${sheetIndex}.xml`)!.async("string");
  const m = new RegExp(`<c r="${address}"[^>]*?(/>|>[\\s\\S]*?</c>)`).exec(xml);
  assert.ok(m, `cell ${address} is in the file`);
  return m[0];
}

describe("xlsx host: text safety in the saved file", () => {
  it("stores every string written through setValues as a string cell without <f>", async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("说明");
    const host = new XlsxHost(wb);
    const risky = ["=1+1", "+86 632", "-5", "@SUM(A1:A2)", "\t=cmd", "\r=cmd|' /C calc'!A0", "=KJ.AWARD(C2)"];
    await host.apply([
      { type: "setValues", sheet: "说明", row: 1, col: 1, values: risky.map((s) => [s]) },
      { type: "setFormulas", sheet: "说明", row: 1, col: 2, formulas: [["=SUM(1,2)"]] },
    ]);
    const { file, wb: back } = await roundTrip(wb);
    for (let i = 0; i < risky.length; i++) {
      const xml = await cellXml(file, 1, `A${i + 1}`);
      assert.match(xml, /t="(s|inlineStr|str)"/, `A${i + 1} is a string cell: ${xml}`);
      assert.doesNotMatch(xml, /t="str"/, "not a formula-string cell");
      assert.doesNotMatch(xml, /<f[ >]/, `A${i + 1} has no formula: ${xml}`);
      assert.equal(back.getWorksheet("说明")!.getCell(i + 1, 1).value, risky[i], "the text comes back exactly");
    }
    assert.match(await cellXml(file, 1, "B1"), /<f>SUM\(1,2\)<\/f>/);
  });

  it("keeps carriage returns and literal _x000D_ text exactly, merged cells included", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("说明");
    ws.mergeCells("A1:C1");
    ws.getCell("A1").value = "第一行\r\n第二行";
    ws.getCell("A2").value = "字面的 _x000D_ 不是回车";
    const { wb: back } = await roundTrip(wb);
    assert.equal(back.getWorksheet("说明")!.getCell("A1").value, "第一行\r\n第二行");
    assert.equal(back.getWorksheet("说明")!.getCell("A2").value, "字面的 _x000D_ 不是回车");
    assert.equal(ws.getCell("A1").value, "第一行\r\n第二行", "the workbook in memory is unchanged after saving");
  });
});

describe("xlsx host: reading cells", () => {
  it("gives cached formula results with their formulas, rich text, hyperlinks, errors and shared formulas", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("奖励");
    ws.getCell("A1").value = 10;
    ws.getCell("A2").value = 20;
    ws.getCell("B1").value = { formula: "A1*2", result: 20 } as ExcelJS.CellFormulaValue;
    ws.getCell("B2").value = { sharedFormula: "B1", result: 40 } as ExcelJS.CellSharedFormulaValue;
    ws.getCell("C1").value = { richText: [{ text: "枣庄" }, { font: { bold: true }, text: "甲公司" }] };
    ws.getCell("C2").value = { text: "科技局网站", hyperlink: "http://kjj.example.gov.cn" };
    ws.getCell("D1").value = { error: "#N/A" } as ExcelJS.CellErrorValue;
    ws.getCell("D2").value = { formula: "1/0", result: { error: "#DIV/0!" } } as ExcelJS.CellFormulaValue;
    ws.getCell("E1").value = new Date(Date.UTC(2023, 4, 1));
    const { wb: back } = await roundTrip(wb);
    const snap = await new XlsxHost(back).readSheet("奖励");
    assert.deepEqual(snap.values[0].slice(0, 4), [10, 20, "枣庄甲公司", { error: "#N/A" }]);
    assert.deepEqual(snap.values[1].slice(0, 4), [20, 40, "科技局网站", { error: "#DIV/0!" }]);
    assert.ok(snap.values[0][4] instanceof Date && (snap.values[0][4] as Date).toISOString().startsWith("2023-05-01"));
    assert.equal(snap.formulas?.[0][1], "=A1*2");
    assert.equal(snap.formulas?.[1][1], "=A2*2", "a shared formula is translated to its cell");
    assert.equal(snap.formulas?.[1][3], "=1/0");
    assert.equal(snap.formulas?.[0][0], null);
  });
});

describe("xlsx host: a save keeps the rest of the workbook", () => {
  it("keeps other sheets, styles, widths, number formats, validation and merges through edits and marks", async () => {
    const wb = new ExcelJS.Workbook();
    const ledger = wb.addWorksheet("企业培育库");
    const other = wb.addWorksheet("其他");
    ledger.mergeCells("A1:D1");
    ledger.getCell("A1").value = "薛城区企业培育库";
    ledger.getRow(2).values = ["企业名称", "注册日期", "职工总数", "经营状态"];
    ledger.getRow(2).font = { bold: true };
    for (let r = 3; r <= 6; r++) {
      ledger.getCell(r, 1).value = `企业${r}`;
      ledger.getCell(r, 2).value = new Date(Date.UTC(2020, r, 1));
      ledger.getCell(r, 2).numFmt = "yyyy年m月d日";
      ledger.getCell(r, 3).value = r * 10;
      ledger.getCell(r, 4).value = "存续";
      ledger.getCell(r, 4).dataValidation = { type: "list", allowBlank: true, formulae: ['"存续,注销,吊销,迁出"'] };
    }
    // Two cells sharing one style: marking one must not repaint the other.
    const green: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FF00B050" } };
    ledger.getCell("C3").fill = green;
    ledger.getCell("C4").fill = green;
    ledger.getColumn(1).width = 32;
    other.getCell("B2").value = "别动我";
    other.getCell("B2").font = { italic: true, color: { argb: "FFFF0000" } };
    other.getColumn(2).width = 18;

    const first = await roundTrip(wb);
    const host = new XlsxHost(first.wb);
    await host.apply([
      { type: "mark", sheet: "企业培育库", marks: [{ row: 3, col: 3, level: "error", note: "科技人员数大于职工总数" }] },
      { type: "setValues", sheet: "企业培育库", row: 2, col: 6, values: [["校验结果"], ["有误"]] },
    ]);
    const marked = await roundTrip(first.wb);
    const m = marked.wb.getWorksheet("企业培育库")!;
    assert.equal((m.getCell("C3").fill as ExcelJS.FillPattern).fgColor?.argb, "FF" + MARK_COLORS.error.slice(1));
    assert.equal((m.getCell("C4").fill as ExcelJS.FillPattern).fgColor?.argb, "FF00B050", "the cell sharing the style keeps its fill");
    assert.equal(marked.wb.getWorksheet("KJ标记")?.state, "hidden");

    await new XlsxHost(marked.wb).apply([{ type: "clearMarks", sheet: "企业培育库" }]);
    const cleared = await roundTrip(marked.wb);
    const l = cleared.wb.getWorksheet("企业培育库")!;
    const o = cleared.wb.getWorksheet("其他")!;
    assert.deepEqual(l.getCell("C3").fill, green);
    assert.deepEqual(l.getCell("C4").fill, green);
    assert.equal(l.getCell("C3").note, undefined);
    assert.equal(l.getColumn(1).width, 32);
    assert.equal(l.getCell("B4").numFmt, "yyyy年m月d日");
    assert.equal(l.getCell("A2").font?.bold, true);
    assert.deepEqual(l.getCell("D5").dataValidation?.formulae, ['"存续,注销,吊销,迁出"']);
    assert.equal(l.getCell("A1").isMerged, true);
    assert.equal(l.getCell("D1").isMerged, true);
    assert.equal(l.getCell("F3").value, "有误");
    assert.equal(o.getCell("B2").value, "别动我");
    assert.equal(o.getCell("B2").font?.italic, true);
    assert.equal(o.getColumn(2).width, 18);
    assert.deepEqual(cleared.wb.worksheets.map((w) => w.name), ["企业培育库", "其他", "KJ标记"]);
  });
});

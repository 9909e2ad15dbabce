/**
 * Marks written at package level (src/host/xlsx/package-marks.ts) against the exceljs path
 * (XlsxHost.apply on the full model) on the same input and the same edits: the reopened
 * workbooks show the same values, fills, notes and registry; clearMarks gives back the
 * original; every part the marks do not concern is byte-identical; what the package path does
 * not handle is refused so kj check falls back.
 */
import { strict as assert } from "assert";
import ExcelJS from "exceljs";
import * as fs from "fs";
import JSZip from "jszip";
import * as os from "os";
import * as path from "path";
import { SaxesParser } from "saxes";
import { PackageNotHandled } from "../../../src/host/xlsx/ooxml";
import { markXlsxPackage } from "../../../src/host/xlsx/package-marks";
import { MARK_REGISTRY_SHEET, NOTE_SEPARATOR } from "../../../src/host/marks";
import { Edit, NOTE_PREFIX } from "../../../src/host/port";
import { XlsxHost } from "../../../src/host/xlsx/host";
import { zipEntryNames } from "../../../src/host/xlsx/file";
import { streamSnapshot } from "../../../src/host/xlsx/stream";
import { clearMarkEdits, validateWorkbook } from "../../../src/jobs/validate";
import { AS_OF, codeFor, ENTERPRISE_HEADER, enterpriseCol, enterpriseRow } from "../../ledger/fixtures";
import { assertSame, Checksum, checksum } from "../../safety/harness";
import { kjRunner } from "../../support/cli";
import { collect, openXlsxHost, xlsxProbe } from "../../support/xlsx";
import { cellAddress } from "../../../src/text";

/** Number formats of every cell (the clone of a marked cell's style must keep them). */
function numberFormats(host: XlsxHost): Map<string, string> {
  const out = new Map<string, string>();
  for (const ws of host.workbook.worksheets) {
    ws.eachRow((row, r) => row.eachCell((cell, c) => cell.numFmt && out.set(`${ws.name}!${r},${c}`, cell.numFmt)));
  }
  return out;
}

const SHEET = "企业培育库";
const SHEET2 = "企业培育库（二）";
const NOTES_SHEET = "说明";

/**
 * A ledger the way users keep one: number formats, fonts and borders, user fills (solid, theme
 * colour with tint, pattern), user notes on cells validation will mark and on cells it will
 * not, a blank required cell, a second ledger, a sheet of Chinese text with a formula.
 */
async function userWorkbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(SHEET);
  ws.addRow(ENTERPRISE_HEADER);
  for (let i = 0; i < 12; i++) ws.addRow(enterpriseRow(i));
  const uscc = enterpriseCol("uscc");
  const name = enterpriseCol("name");
  const employees = enterpriseCol("employees");
  // Row 3: a wrong check character, on a cell with a user fill, bold font, border and a user note.
  const bad = codeFor(1);
  ws.getCell(3, uscc).value = bad.slice(0, 17) + (bad[17] === "A" ? "B" : "A");
  ws.getCell(3, uscc).fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FF00B050" } };
  ws.getCell(3, uscc).font = { bold: true, name: "宋体" };
  ws.getCell(3, uscc).border = { top: { style: "thin" }, bottom: { style: "thin" } };
  ws.getCell(3, uscc).note = "用户批注：代码待核实\n第二行";
  // Row 5: text in a number column, with a theme fill (tint) and a number format.
  ws.getCell(5, employees).value = "约50人";
  ws.getCell(5, employees).fill = { type: "pattern", pattern: "solid", fgColor: { theme: 4, tint: 0.7999816888943144 }, bgColor: { indexed: 64 } } as unknown as ExcelJS.Fill;
  ws.getCell(5, employees).numFmt = "0.00";
  // Row 6: the required name left blank (the cell does not exist in the XML).
  ws.getCell(6, name).value = null;
  // Row 7: a wrong code on a cell with a pattern fill, and a note on a cell nobody marks.
  const bad7 = codeFor(5);
  ws.getCell(7, uscc).value = bad7.slice(0, 17) + (bad7[17] === "A" ? "B" : "A");
  ws.getCell(7, uscc).fill = { type: "pattern", pattern: "darkGray", fgColor: { argb: "FFFF0000" }, bgColor: { argb: "FFFFFF00" } };
  ws.getCell(8, name).note = "用户批注：不相干的单元格";
  ws.getCell(9, name).fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFFFFF00" } };
  ws.getColumn(name).width = 30;

  const ws2 = wb.addWorksheet(SHEET2);
  ws2.addRow(ENTERPRISE_HEADER);
  for (let i = 20; i < 26; i++) ws2.addRow(enterpriseRow(i));
  ws2.getCell(4, name).value = null;
  ws2.getCell(4, name).numFmt = "@";

  const notes = wb.addWorksheet(NOTES_SHEET);
  notes.getCell("A1").value = "本表由科技局维护：统一社会信用代码以营业执照为准";
  notes.getCell("A2").value = 3;
  notes.getCell("A3").value = { formula: "A2*2", result: 6 } as ExcelJS.CellValue;
  notes.getCell("B1").value = "电话";
  notes.getCell("B1").note = "用户批注：电话另见";
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function validateEdits(bytes: Buffer): Promise<Edit[]> {
  const snapshot = await streamSnapshot(bytes, { skip: new Set([MARK_REGISTRY_SHEET]) });
  return validateWorkbook(snapshot, { asOf: AS_OF, mark: true }).edits;
}

/** The same edits through exceljs' model, saved and reopened. */
async function viaExceljs(bytes: Buffer, edits: readonly Edit[]): Promise<XlsxHost> {
  const host = await openXlsxHost(bytes);
  await host.apply(edits);
  return openXlsxHost(Buffer.from(await host.workbook.xlsx.writeBuffer()));
}

async function viaPackage(bytes: Buffer, edits: readonly Edit[]): Promise<{ host: XlsxHost; out: Buffer }> {
  const out = await collect((await markXlsxPackage(bytes, edits)).writeTo);
  return { host: await openXlsxHost(out), out };
}

async function parts(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await JSZip.loadAsync(bytes);
  const out = new Map<string, Buffer>();
  for (const [name, file] of Object.entries(zip.files)) if (!file.dir) out.set(name, await file.async("nodebuffer"));
  return out;
}

/** Throws unless `xml` is well-formed XML (namespaces checked too). */
function wellFormed(xml: string): void {
  const parser = new SaxesParser({ xmlns: true });
  let failure: Error | null = null;
  parser.on("error", (e) => (failure ??= e));
  parser.write(xml).close();
  if (failure) throw failure;
}

/** The input with a (stand-in) threaded comments relationship on the first sheet. */
/**
 * The input with a threaded comment (Excel 365) on `ref` of the first sheet, as Excel saves one:
 * the thread in its own part, and a legacy note standing for it (author "tc={id}").
 */
async function withThreadedComments(bytes: Buffer, ref: string): Promise<Buffer> {
  const zip = await JSZip.loadAsync(bytes);
  const id = "{5E3C1A2B-0000-4000-8000-0000000000AA}";
  const relsPath = "xl/worksheets/_rels/sheet1.xml.rels";
  const rels = (await zip.file(relsPath)?.async("string")) ?? '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>';
  const rel = '<Relationship Id="rIdT1" Type="http://schemas.microsoft.com/office/2017/10/relationships/threadedComment" Target="../threadedComments/threadedComment1.xml"/>';
  zip.file(relsPath, rels.replace("</Relationships>", rel + "</Relationships>"), { createFolders: false });
  zip.file(
    "xl/threadedComments/threadedComment1.xml",
    `<?xml version="1.0" encoding="UTF-8"?><ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"><threadedComment ref="${ref}" dT="2024-12-01T08:00:00.00" personId="{0B5B7A7C-0000-4000-8000-000000000009}" id="${id}"><text>请核实</text></threadedComment></ThreadedComments>`,
    { createFolders: false },
  );
  // The legacy note for it, in the sheet's comments part (exceljs wrote one for the user's notes).
  const commentsPath = Object.keys(zip.files).find((p) => /^xl\/comments\d*\.xml$/.test(p)) as string;
  let comments = (await zip.file(commentsPath)?.async("string")) as string;
  const authors = (comments.match(/<author>/g) ?? []).length;
  comments = comments.replace("</authors>", `<author>tc=${id}</author></authors>`);
  comments = comments.replace(/<comment ref="[^"]*"/, (first) => `<comment ref="${ref}" authorId="${authors}"><text><t>[Threaded comment]\n\nComment:\n    请核实</t></text></comment>${first}`);
  zip.file(commentsPath, comments, { createFolders: false });
  return zip.generateAsync({ type: "nodebuffer" });
}

function marksOf(edits: readonly Edit[], sheet: string): { row: number; col: number }[] {
  return edits.flatMap((e) => (e.type === "mark" && e.sheet === sheet ? e.marks : []));
}

describe("markXlsxPackage (kj check --out without exceljs' cell model)", function () {
  this.timeout(60_000);
  let input: Buffer;
  let edits: Edit[];
  let original: Checksum;

  before(async () => {
    input = await userWorkbook();
    edits = await validateEdits(input);
    original = checksum(xlsxProbe(await openXlsxHost(input)));
  });

  it("the test workbook exercises what matters: marks on filled, noted, formatted and blank cells of two sheets", () => {
    const marks = marksOf(edits, SHEET);
    const has = (row: number, col: number) => marks.some((m) => m.row === row && m.col === col);
    assert.ok(has(3, enterpriseCol("uscc")), "wrong code on a filled, noted cell");
    assert.ok(has(5, enterpriseCol("employees")), "text in a number column");
    assert.ok(has(6, enterpriseCol("name")), "blank required cell");
    assert.ok(has(7, enterpriseCol("uscc")), "pattern fill");
    assert.ok(marksOf(edits, SHEET2).some((m) => m.row === 4 && m.col === enterpriseCol("name")), "blank cell on the second ledger");
  });

  it("reopened, shows the same values, formulas, fills and notes as the exceljs path, and the same registry", async () => {
    const a = await viaExceljs(input, edits);
    const { host: b } = await viaPackage(input, edits);
    assertSame(checksum(xlsxProbe(a)), checksum(xlsxProbe(b)), "package vs exceljs");
    assert.deepEqual(b.readRegistry(), a.readRegistry());
    assert.equal(b.workbook.getWorksheet(MARK_REGISTRY_SHEET)?.state, "hidden");
    // The user's note stays below the KJ note; the KJ note is on the blank cell too.
    const note = b.getNote(SHEET, 3, enterpriseCol("uscc")) ?? "";
    assert.ok(note.startsWith(NOTE_PREFIX) && note.endsWith(NOTE_SEPARATOR + "用户批注：代码待核实\n第二行"), note);
    assert.match(b.getNote(SHEET, 6, enterpriseCol("name")) ?? "", /^【KJ】/);
    assert.equal(b.getNote(SHEET, 8, enterpriseCol("name")), "用户批注：不相干的单元格");
    // Marked cells keep their number format, font and border (the style was cloned, not replaced).
    assert.deepEqual(numberFormats(b), numberFormats(await openXlsxHost(input)));
    const marked = b.workbook.getWorksheet(SHEET)!.getCell(3, enterpriseCol("uscc"));
    assert.equal(marked.font?.bold, true);
    assert.equal(marked.font?.name, "宋体");
    assert.equal(marked.border?.top?.style, "thin");
    assert.equal(b.workbook.getWorksheet(SHEET)!.getColumn(enterpriseCol("name")).width, 30);
  });

  it("clearMarks on the reopened result gives back the original fills and notes exactly (also after saving again)", async () => {
    const { host } = await viaPackage(input, edits);
    await host.apply(clearMarkEdits([SHEET, SHEET2]));
    assertSame(original, checksum(xlsxProbe(host)), "cleared in memory");
    const reopened = await openXlsxHost(Buffer.from(await host.workbook.xlsx.writeBuffer()));
    assertSame(original, checksum(xlsxProbe(reopened)), "cleared, saved and reopened");
    assert.deepEqual(reopened.readRegistry(), [["工作表", "单元格", "原填充"]]);
  });

  it("leaves every part the marks do not concern byte for byte, and every cell's content in the marked sheets", async () => {
    const { out } = await viaPackage(input, edits);
    const before = await parts(input);
    const after = await parts(out);
    const changed = [...after.keys()].filter((p) => !before.has(p) || !before.get(p)!.equals(after.get(p)!));
    const sheetPath = (n: number) => `xl/worksheets/sheet${n}.xml`;
    const allowed = new Set(["xl/styles.xml", "[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", sheetPath(1), sheetPath(2), sheetPath(4)]);
    for (const p of changed) {
      const ok = allowed.has(p) || /^xl\/comments\d+\.xml$/.test(p) || /^xl\/drawings\/vmlDrawing\d+\.vml$/.test(p) || /^xl\/worksheets\/_rels\/sheet[12]\.xml\.rels$/.test(p);
      assert.ok(ok, `${p} changed`);
    }
    for (const p of before.keys()) assert.ok(after.has(p), `${p} lost`);
    for (const p of changed) assert.doesNotThrow(() => wellFormed(after.get(p)!.toString("utf8")), `${p} is not well-formed XML`);
    const folders = (b: Buffer) => (zipEntryNames(b) ?? ["unreadable"]).filter((n) => n.endsWith("/")).sort();
    assert.deepEqual(folders(out), folders(input), "no folder entries added to the package");
    // The notes sheet (with its own comments) is untouched.
    assert.ok(before.get(sheetPath(3))!.equals(after.get(sheetPath(3))!));
    // In a marked sheet, removing the s attributes and the inserted blank cells gives back the original XML.
    const strip = (xml: string) => xml.replace(/ s="\d+"/g, "").replace(/<c r="[A-Z]+\d+"\/>/g, "").replace(/<legacyDrawing r:id="[^"]+"\/>/g, "");
    const sheet1Before = before.get(sheetPath(1))!.toString("utf8");
    const sheet1After = after.get(sheetPath(1))!.toString("utf8");
    assert.equal(strip(sheet1After), strip(sheet1Before));
    // Only the marked cells changed style.
    const styles = (xml: string) => new Map([...xml.matchAll(/<c r="([A-Z]+\d+)"([^>]*?)\/?>/g)].map((m) => [m[1], / s="(\d+)"/.exec(m[2])?.[1] ?? "0"]));
    const sb = styles(sheet1Before);
    const sa = styles(sheet1After);
    const markedRefs = new Set(marksOf(edits, SHEET).map((m) => `${String.fromCharCode(64 + m.col)}${m.row}`));
    for (const [ref, s] of sa) if (!markedRefs.has(ref)) assert.equal(s, sb.get(ref) ?? "0", `${ref} restyled`);
  });

  it("inserts blank cells and missing rows in order, and merges with an existing comments part", async () => {
    const handMade: Edit[] = [
      { type: "clearMarks", sheet: NOTES_SHEET },
      {
        type: "mark",
        sheet: NOTES_SHEET,
        marks: [
          { row: 9, col: 4, level: "warning", note: "空行里的单元格" },
          { row: 2, col: 3, level: "error", note: "行尾之后 <&> \"引号\"" },
          { row: 1, col: 2, level: "error", note: "有用户批注" },
          { row: 1, col: 2, level: "warning", note: "第二条" },
          { row: 5, col: 1, level: "suggestion", note: "中间缺的行" },
          { row: 3, col: 1, level: "error", note: "公式单元格" },
        ],
      },
    ];
    const a = await viaExceljs(input, handMade);
    const { host: b, out } = await viaPackage(input, handMade);
    assertSame(checksum(xlsxProbe(a)), checksum(xlsxProbe(b)), "package vs exceljs");
    assert.deepEqual(b.readRegistry(), a.readRegistry());
    assert.equal(b.getNote(NOTES_SHEET, 1, 2), `${NOTE_PREFIX}有用户批注；第二条${NOTE_SEPARATOR}用户批注：电话另见`);
    assert.equal(b.workbook.getWorksheet(NOTES_SHEET)!.getCell("A3").formula, "A2*2");
    const xml = (await parts(out)).get("xl/worksheets/sheet3.xml")!.toString("utf8");
    const refs = [...xml.matchAll(/<c r="([A-Z]+)(\d+)"/g)].map((m) => [Number(m[2]), m[1].charCodeAt(0)]);
    const sorted = [...refs].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    assert.deepEqual(refs, sorted, "cells in row and column order");
    const rows = [...xml.matchAll(/<row r="(\d+)"/g)].map((m) => Number(m[1]));
    assert.deepEqual(rows, [...rows].sort((x, y) => x - y));
    assert.ok(rows.includes(5) && rows.includes(9));
    await b.apply(clearMarkEdits([NOTES_SHEET]));
    assertSame(original, checksum(xlsxProbe(b)), "cleared");
  });

  it("re-marks a workbook already marked (by itself or by exceljs) like the exceljs path: clearMarks first, then the new marks", async () => {
    const fewer = edits.map((e) => (e.type === "mark" && e.sheet === SHEET ? { ...e, marks: e.marks.slice(1) } : e));
    for (const [what, marked] of [
      ["package-marked", (await viaPackage(input, edits)).out],
      ["exceljs-marked", Buffer.from(await (await viaExceljs(input, edits)).workbook.xlsx.writeBuffer())],
    ] as const) {
      const a = await viaExceljs(marked, fewer);
      const { host: b } = await viaPackage(marked, fewer);
      assertSame(checksum(xlsxProbe(a)), checksum(xlsxProbe(b)), `${what}: package vs exceljs`);
      assert.deepEqual(b.readRegistry(), a.readRegistry(), what);
      const first = marksOf(edits, SHEET)[0];
      assert.equal(b.getNote(SHEET, first.row, first.col), a.getNote(SHEET, first.row, first.col), `${what}: the mark no longer made is gone`);
      // Clearing only: back to the original.
      const { host: cleared } = await viaPackage(marked, clearMarkEdits([SHEET, SHEET2]));
      assertSame(original, checksum(xlsxProbe(cleared)), `${what}: cleared at package level`);
      assert.deepEqual(cleared.readRegistry(), [["工作表", "单元格", "原填充"]]);
    }
  });

  it("clearMarks on given rows restores only those rows, as the hosts do", async () => {
    const marked = (await viaPackage(input, edits)).out;
    const some: Edit[] = [{ type: "clearMarks", sheet: SHEET, rows: [3, 6] }];
    const a = await viaExceljs(marked, some);
    const { host: b } = await viaPackage(marked, some);
    assertSame(checksum(xlsxProbe(a)), checksum(xlsxProbe(b)), "package vs exceljs");
    assert.deepEqual(b.readRegistry(), a.readRegistry());
    assert.equal(b.getNote(SHEET, 3, enterpriseCol("uscc")), "用户批注：代码待核实\n第二行");
    assert.match(b.getNote(SHEET, 5, enterpriseCol("employees")) ?? "", /^【KJ】/);
  });

  it("checking the same workbook again and again does not grow its styles", async () => {
    const once = (await viaPackage(input, edits)).out;
    const twice = (await viaPackage(once, edits)).out;
    const thrice = (await viaPackage(twice, edits)).out;
    const styles = async (b: Buffer) => (await parts(b)).get("xl/styles.xml")!.toString("utf8");
    assert.equal(await styles(thrice), await styles(twice));
  });

  it("refuses other edits and unknown sheets; marks then clearMarks on one sheet are written in order", async () => {
    await assert.rejects(markXlsxPackage(input, [{ type: "ensureSheet", sheet: "新表" }]), PackageNotHandled);
    await assert.rejects(markXlsxPackage(input, [{ type: "mark", sheet: "没有这张表", marks: [] }]), PackageNotHandled);
    const cleared = await collect((await markXlsxPackage(input, [...edits.filter((e) => e.type === "mark"), ...clearMarkEdits([SHEET])])).writeTo);
    const host = await openXlsxHost(cleared);
    const expected = await openXlsxHost(input);
    await expected.apply([...edits.filter((e) => e.type === "mark"), ...clearMarkEdits([SHEET])]);
    assertSame(checksum(xlsxProbe(expected)), checksum(xlsxProbe(host)), "marks, then cleared");
  });

  it("a marked cell holding a threaded comment (Excel 365) keeps it: the mark colours the cell only, and says so", async () => {
    const plain = await openXlsxHost(input);
    const target = marksOf(edits, SHEET).find((m) => plain.getNote(SHEET, m.row, m.col) === null)!;
    const threaded = await withThreadedComments(input, cellAddress(target.row, target.col));
    const done = await markXlsxPackage(threaded, edits);
    assert.match(done.notices.join(""), /1 个单元格带有讨论式批注/);
    const out = await collect(done.writeTo);
    const zip = await JSZip.loadAsync(out);
    assert.equal(await zip.file("xl/threadedComments/threadedComment1.xml")?.async("string"), await (await JSZip.loadAsync(threaded)).file("xl/threadedComments/threadedComment1.xml")?.async("string"));
    const host = await openXlsxHost(out);
    const legacy = (await streamNote(out, target.row, target.col)) ?? "";
    assert.match(legacy, /^\[Threaded comment\]/, "the note standing for the thread is untouched");
    assert.notEqual(host.getFill(SHEET, target.row, target.col).kind, "none", "the cell is coloured");
    const cleared = await openXlsxHost(await collect((await markXlsxPackage(out, clearMarkEdits([SHEET]))).writeTo));
    assert.deepEqual(cleared.getFill(SHEET, target.row, target.col), (await openXlsxHost(threaded)).getFill(SHEET, target.row, target.col), "clearing restores the fill");
  });

  it("writes nothing but the package when there is nothing to mark", async () => {
    const out = await collect((await markXlsxPackage(input, clearMarkEdits([SHEET]))).writeTo);
    const before = await parts(input);
    const after = await parts(out);
    assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
    for (const [p, b] of before) assert.ok(b.equals(after.get(p)!), p);
  });
});

describe("kj check --out through the package path", function () {
  this.timeout(60_000);
  const kj = kjRunner(AS_OF);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-marks-package-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  afterEach(() => (process.exitCode = 0));

  it("writes the same marks as the exceljs path, and checking the marked copy again changes nothing", async () => {
    const input = path.join(dir, "台账.xlsx");
    const bytes = await userWorkbook();
    fs.writeFileSync(input, bytes);
    const out = path.join(dir, "校验.xlsx");
    const r = await kj("check", input, "--as-of", "2024-12-31", "--out", out, "--json");
    assert.equal(r.code, 1, r.err);
    assert.ok(fs.readFileSync(input).equals(bytes), "input untouched");
    assert.ok(await byPackagePath(out), "written by the package path");
    const expected = await viaExceljs(bytes, await validateEdits(bytes));
    const got = await openXlsxHost(fs.readFileSync(out));
    assertSame(checksum(xlsxProbe(expected)), checksum(xlsxProbe(got)), "kj check --out vs exceljs");
    assert.deepEqual(got.readRegistry(), expected.readRegistry());

    const again = path.join(dir, "再次校验.xlsx");
    const r2 = await kj("check", out, "--as-of", "2024-12-31", "--out", again, "--json");
    assert.equal(r2.code, 1, r2.err);
    assert.ok(await byPackagePath(again), "the already marked copy also goes through the package path");
    const twice = await openXlsxHost(fs.readFileSync(again));
    assertSame(checksum(xlsxProbe(got)), checksum(xlsxProbe(twice)), "checking the marked copy again changes nothing");
    assert.deepEqual(twice.readRegistry(), got.readRegistry());
  });

  it("a workbook with a threaded comment goes through the package path too", async () => {
    const bytes = await withThreadedComments(await userWorkbook(), "A2");
    const input = path.join(dir, "讨论.xlsx");
    fs.writeFileSync(input, bytes);
    const out = path.join(dir, "讨论-校验.xlsx");
    const r = await kj("check", input, "--as-of", "2024-12-31", "--out", out);
    assert.equal(r.code, 1, r.err);
    assert.ok(await byPackagePath(out), "written at package level");
    const expected = await viaExceljs(bytes, await validateEdits(bytes));
    assertSame(checksum(xlsxProbe(expected)), checksum(xlsxProbe(await openXlsxHost(fs.readFileSync(out)))), "package path vs exceljs");
  });
});

/** The package path names its relationships rIdKj…; exceljs renumbers every relationship. */
async function byPackagePath(file: string): Promise<boolean> {
  const zipped = await parts(fs.readFileSync(file));
  return [...zipped.keys()].some((p) => p.endsWith(".rels") && zipped.get(p)!.toString().includes("rIdKj"));
}

/** The text of the first sheet's comment on a cell, read from the comments part. */
async function streamNote(bytes: Buffer, row: number, col: number): Promise<string | null> {
  const zip = await JSZip.loadAsync(bytes);
  const commentsPath = Object.keys(zip.files).find((p) => /^xl\/comments\d*\.xml$/.test(p));
  const xml = commentsPath ? ((await zip.file(commentsPath)?.async("string")) ?? "") : "";
  const m = new RegExp(`<comment ref="${cellAddress(row, col)}"[^>]*>([\\s\\S]*?)</comment>`).exec(xml);
  return m ? [...m[1].matchAll(/<t\b[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join("") : null;
}

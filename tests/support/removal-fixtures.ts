/**
 * The ledger the removal and undo tests run on (tests/host/xlsx/removal-undo.test.ts), written
 * by each kind of program bureaus' ledgers come from: exceljs, openpyxl
 * (tests/fixtures/removal/make_openpyxl.py), LibreOffice (its own save of the openpyxl file) and
 * an Excel-like package (the parts and markup Excel 365 writes: shared formulas, calcChain,
 * x14 validation in extLst, threaded comments, a table, a chart). Each holds what makes removal
 * hard: a table over the ledger, list validation and a conditional format on data columns, a
 * formula column, merged cells, notes, fills, a hyperlink, a picture or chart, a defined name, and
 * a summary sheet whose formulas sum the ledger, with its own validation.
 */
import { spawnSync } from "child_process";
import ExcelJS from "exceljs";
import * as fs from "fs";
import JSZip from "jszip";
import * as path from "path";
import { generateSampleWorkbook } from "../../samples/generate";
import { CellValue } from "../../src/ledger/cells";
import { cellAddress, columnLetter } from "../../src/text";

export const LEDGER = "企业培育库";
export const SUMMARY = "汇总";
export const PYTHON = "/usr/bin/python3";

/** What every producer writes (rows in sheet numbering; dates as { d: "YYYY-MM-DD" }). */
export interface RemovalSpec {
  sheet: string;
  title: string;
  headerRow: number;
  header: string[];
  rows: (string | number | boolean | null | { d: string })[][];
  /** Rows kj upkeep --remove takes out on 2025-01-01 (checked by the tests). */
  removed: number[];
  formulaCol: number;
  /** The row formula, "{r}" standing for the row. */
  formula: string;
  noteCol: number;
  tableCols: number;
  stateCol: number;
  staffCol: number;
  notes: number[];
  merges: number[];
  filled: number[];
  link: number;
  kept: number;
}

/** The test ledger: 20 fictional enterprises of the sample generator, most of which are due for removal on 2025-01-01. */
export function removalSpec(): RemovalSpec {
  const sample = generateSampleWorkbook({ enterprises: 20, brokenRows: false }).sheets[0];
  const header = (sample.values[1] as CellValue[]).map((v) => String(v));
  const width = header.length;
  const rows = sample.values.slice(2).map((r) => r.slice(0, width).map((v) => (v instanceof Date ? { d: v.toISOString().slice(0, 10) } : (v as string | number | boolean | null))));
  // Most rows are due for removal: listed as abnormal operations (one of the plan's causes), so
  // kj upkeep --remove takes them out whatever else they hold (expired certificates are only reminders).
  const removed = [3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 21, 22];
  const abnormal = header.indexOf("经营异常名录");
  for (const r of removed) rows[r - 3][abnormal] = "是";
  const staffCol = header.indexOf("职工总数") + 1;
  const revenueCol = header.indexOf("销售收入") + 1;
  const formulaCol = width + 1;
  const noteCol = width + 2;
  const s = columnLetter(staffCol);
  const v = columnLetter(revenueCol);
  return {
    sheet: sample.name,
    title: String(sample.values[0][0]),
    headerRow: 2,
    header: [...header, "人均销售收入", "备注", "备注2"],
    rows,
    removed,
    formulaCol,
    formula: `=IF(${s}{r}=0,0,ROUND(${v}{r}/${s}{r},2))`,
    noteCol,
    tableCols: width,
    stateCol: header.indexOf("经营状态") + 1,
    staffCol,
    notes: [5, 8],
    merges: [6, 18],
    filled: [9, 7],
    link: 20,
    kept: 18,
  };
}

function cellOf(v: RemovalSpec["rows"][number][number]): CellValue {
  if (v !== null && typeof v === "object") return new Date(`${v.d}T00:00:00Z`);
  return v;
}

const num = (v: unknown) => (typeof v === "number" ? v : 0);

/** The row formula's value (as Excel computes it). */
function rowFormulaValue(spec: RemovalSpec, r: number): number {
  const row = spec.rows[r - spec.headerRow - 1];
  const staff = num(row[spec.staffCol - 1]);
  const revenue = num(row[spec.header.indexOf("销售收入")]);
  return staff === 0 ? 0 : Math.round((revenue / staff) * 100) / 100;
}

/** A 1x1 PNG (for the picture exceljs anchors on the sheet). */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

/** The ledger written by exceljs (no chart: exceljs writes none; a picture instead). */
export async function exceljsLedger(spec: RemovalSpec, file: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(spec.sheet);
  const h = spec.headerRow;
  const first = h + 1;
  const last = first + spec.rows.length - 1;
  ws.getCell(1, 1).value = spec.title;
  ws.addTable({
    name: "企业表",
    ref: `A${h}`,
    headerRow: true,
    columns: spec.header.slice(0, spec.tableCols).map((name) => ({ name })),
    rows: spec.rows.map((r) => r.slice(0, spec.tableCols).map((v) => cellOf(v) as ExcelJS.CellValue)),
  });
  spec.header.slice(spec.tableCols).forEach((name, j) => (ws.getCell(h, spec.tableCols + 1 + j).value = name));
  spec.rows.forEach((r, i) =>
    r.forEach((v, j) => {
      if (v !== null && typeof v === "object") ws.getCell(first + i, j + 1).numFmt = "yyyy-mm-dd";
    }),
  );
  for (let r = first; r <= last; r++) {
    ws.getCell(r, spec.formulaCol).value = { formula: spec.formula.slice(1).replace(/\{r\}/g, String(r)), result: rowFormulaValue(spec, r) } as ExcelJS.CellFormulaValue;
  }
  const state = columnLetter(spec.stateCol);
  (ws as unknown as { dataValidations: { add(ref: string, dv: ExcelJS.DataValidation): void } }).dataValidations.add(`${state}${first}:${state}${last}`, {
    type: "list",
    allowBlank: true,
    formulae: ['"存续,在业,注销,吊销"'],
  });
  for (const r of spec.filled) ws.getCell(r, 1).fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFFFFF00" } };
  for (const r of spec.notes) ws.getCell(r, 1).note = `第${r}行的批注`;
  for (const r of spec.merges) {
    ws.getCell(r, spec.noteCol).value = `合并备注${r}`;
    ws.mergeCells(r, spec.noteCol, r, spec.noteCol + 1);
  }
  const linked = ws.getCell(spec.link, 2);
  linked.value = { text: String(linked.value ?? ""), hyperlink: "https://www.gsxt.gov.cn/" };
  ws.addConditionalFormatting({
    ref: `${columnLetter(spec.staffCol)}${first}:${columnLetter(spec.staffCol)}${last}`,
    rules: [{ type: "cellIs", operator: "greaterThan", formulae: ["100"], priority: 1, style: { fill: { type: "pattern", pattern: "solid", bgColor: { argb: "FFFFC7CE" } } } }],
  });
  const image = wb.addImage({ buffer: PNG as unknown as ExcelJS.Buffer, extension: "png" });
  ws.addImage(image, { tl: { col: spec.noteCol + 2, row: 4 }, ext: { width: 120, height: 60 } });
  wb.definedNames.add(`'${spec.sheet}'!$A$${first}:$A$${last}`, "企业名单");

  const sm = wb.addWorksheet(SUMMARY);
  const staff = spec.rows.reduce((n, r) => n + num(r[spec.staffCol - 1]), 0);
  const s = columnLetter(spec.staffCol);
  sm.getCell("A1").value = "职工总数合计";
  sm.getCell("B1").value = { formula: `SUM('${spec.sheet}'!${s}${first}:${s}${last})`, result: staff } as ExcelJS.CellFormulaValue;
  sm.getCell("A2").value = "企业数";
  sm.getCell("B2").value = { formula: `COUNTA('${spec.sheet}'!A${first}:A${last})`, result: spec.rows.length } as ExcelJS.CellFormulaValue;
  sm.getCell("A3").value = "保留的企业";
  sm.getCell("B3").value = { formula: `'${spec.sheet}'!A${spec.kept}`, result: String(spec.rows[spec.kept - first][0]) } as ExcelJS.CellFormulaValue;
  sm.getCell("A4").value = "状态";
  sm.getCell("B4").dataValidation = { type: "list", allowBlank: true, formulae: ['"是,否"'] };
  await wb.xlsx.writeFile(file);
}

/** The ledger written by openpyxl (through make_openpyxl.py, which reads the spec as JSON). */
export function openpyxlLedger(spec: RemovalSpec, file: string): void {
  const json = file.replace(/\.xlsx$/, ".json");
  fs.writeFileSync(json, JSON.stringify(spec));
  const script = path.join(__dirname, "..", "fixtures", "removal", "make_openpyxl.py");
  const r = spawnSync(PYTHON, [script, json, file], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`make_openpyxl.py: ${r.stderr}`);
}

/** `file` opened and saved again by LibreOffice (headless), as `<outDir>/<name>`; returns the path. */
export function libreofficeCopy(file: string, outDir: string): string {
  fs.mkdirSync(outDir, { recursive: true });
  const profile = fs.mkdtempSync(path.join(outDir, "lo-profile-"));
  const r = spawnSync("soffice", [`-env:UserInstallation=file://${profile}`, "--headless", "--convert-to", "xlsx", "--outdir", outDir, file], { encoding: "utf8", timeout: 180_000 });
  fs.rmSync(profile, { recursive: true, force: true });
  const out = path.join(outDir, path.basename(file));
  if (r.status !== 0 || !fs.existsSync(out)) throw new Error(`soffice --convert-to xlsx: ${r.stderr || r.stdout}`);
  return out;
}

/** Is LibreOffice (soffice) here? */
export function hasLibreOffice(): boolean {
  return spawnSync("soffice", ["--version"], { encoding: "utf8" }).status === 0;
}

// ---- an Excel-like package -------------------------------------------------------------------

const NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac xr xr2 xr3" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2" xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/revision3"';
const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n';

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Day serial of an ISO date (1900 system). */
function serial(iso: string): number {
  return Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000) + 25569;
}

/**
 * The ledger as Excel 365 writes it: shared strings, shared formulas filled down the formula
 * column, calcChain.xml, a table, list validation naming the summary sheet (x14, in extLst), a
 * conditional format, merged cells, notes and a threaded comment (with its persons part and the
 * legacy note standing for it), a hyperlink, a chart with its drawing, defined names.
 */
export async function excelLikeLedger(spec: RemovalSpec, file: string): Promise<void> {
  const h = spec.headerRow;
  const first = h + 1;
  const last = first + spec.rows.length - 1;
  const strings: string[] = [];
  const sst = (s: string) => {
    let i = strings.indexOf(s);
    if (i < 0) i = strings.push(s) - 1;
    return i;
  };
  const lastCol = spec.noteCol + 1;
  const cell = (r: number, c: number, v: CellValue | { d: string }, style = 0): string => {
    const ref = cellAddress(r, c);
    const s = style ? ` s="${style}"` : "";
    if (v === null || v === undefined) return style ? `<c r="${ref}"${s}/>` : "";
    if (typeof v === "object" && "d" in v) return `<c r="${ref}" s="2"><v>${serial(v.d)}</v></c>`;
    if (typeof v === "number") return `<c r="${ref}"${s}><v>${v}</v></c>`;
    if (typeof v === "boolean") return `<c r="${ref}"${s} t="b"><v>${v ? 1 : 0}</v></c>`;
    return `<c r="${ref}"${s} t="s"><v>${sst(String(v))}</v></c>`;
  };
  const rowXml = (r: number, cells: string) => `<row r="${r}" spans="1:${lastCol}" x14ac:dyDescent="0.25">${cells}</row>`;
  const rows: string[] = [rowXml(1, cell(1, 1, spec.title))];
  rows.push(rowXml(h, spec.header.map((name, j) => cell(h, j + 1, name, 1)).join("")));
  const chain: string[] = [];
  for (let r = first; r <= last; r++) {
    const values = spec.rows[r - first];
    let cells = "";
    for (let c = 1; c <= lastCol; c++) {
      if (c === spec.formulaCol) {
        const f = r === first ? `<f t="shared" ref="${cellAddress(first, c)}:${cellAddress(last, c)}" si="0">${esc(spec.formula.slice(1).replace(/\{r\}/g, String(r)))}</f>` : '<f t="shared" si="0"/>';
        cells += `<c r="${cellAddress(r, c)}">${f}<v>${rowFormulaValue(spec, r)}</v></c>`;
        chain.push(`<c r="${cellAddress(r, c)}" i="1"/>`);
        continue;
      }
      if (c === spec.noteCol && spec.merges.includes(r)) {
        cells += cell(r, c, `合并备注${r}`, 4);
        continue;
      }
      if (c === spec.noteCol + 1 && spec.merges.includes(r)) {
        cells += cell(r, c, null, 4);
        continue;
      }
      const style = c === 1 && spec.filled.includes(r) ? 3 : 0;
      cells += cell(r, c, c <= values.length ? (values[c - 1] as CellValue | { d: string }) : null, style);
    }
    rows.push(rowXml(r, cells));
  }
  const s = columnLetter(spec.staffCol);
  const state = columnLetter(spec.stateCol);
  const merges = spec.merges.map((r) => `<mergeCell ref="${cellAddress(r, spec.noteCol)}:${cellAddress(r, spec.noteCol + 1)}"/>`).join("");
  const sheet1 =
    `${DECL}<worksheet xmlns="${NS}" xmlns:r="${R}" ${MC} xr:uid="{00000000-0001-0000-0000-000000000000}">` +
    `<dimension ref="A1:${cellAddress(last, lastCol)}"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"><pane ySplit="${h}" topLeftCell="A${first}" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A${first}" sqref="A${first}"/></sheetView></sheetViews>` +
    `<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/><cols><col min="1" max="1" width="34" customWidth="1"/></cols>` +
    `<sheetData>${rows.join("")}</sheetData>` +
    `<mergeCells count="${spec.merges.length}">${merges}</mergeCells>` +
    `<conditionalFormatting sqref="${s}${first}:${s}${last}"><cfRule type="expression" dxfId="0" priority="1"><formula>AND($${s}${first}&gt;100,$${state}${first}&lt;&gt;"注销")</formula></cfRule></conditionalFormatting>` +
    `<hyperlinks><hyperlink ref="B${spec.link}" r:id="rId5" xr:uid="{00000000-0004-0000-0000-000000000000}"/></hyperlinks>` +
    `<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><pageSetup paperSize="9" orientation="landscape"/>` +
    `<drawing r:id="rId2"/><legacyDrawing r:id="rId3"/><tableParts count="1"><tablePart r:id="rId1"/></tableParts>` +
    `<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">` +
    `<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1" xr:uid="{00000000-0002-0000-0000-000000000000}"><x14:formula1><xm:f>${SUMMARY}!$D$1:$D$4</xm:f></x14:formula1><xm:sqref>${state}${first}:${state}${last}</xm:sqref></x14:dataValidation>` +
    `</x14:dataValidations></ext></extLst></worksheet>`;
  const sheet1Rels =
    `${DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    `<Relationship Id="rId1" Type="${R}/table" Target="../tables/table1.xml"/><Relationship Id="rId2" Type="${R}/drawing" Target="../drawings/drawing1.xml"/>` +
    `<Relationship Id="rId3" Type="${R}/vmlDrawing" Target="../drawings/vmlDrawing1.vml"/><Relationship Id="rId4" Type="${R}/comments" Target="../comments1.xml"/>` +
    `<Relationship Id="rId5" Type="${R}/hyperlink" Target="https://www.gsxt.gov.cn/" TargetMode="External"/>` +
    `<Relationship Id="rId6" Type="http://schemas.microsoft.com/office/2017/10/relationships/threadedComment" Target="../threadedComments/threadedComment1.xml"/></Relationships>`;
  const threadRow = spec.notes[1];
  const threadId = "{5E3C1A2B-0000-4000-8000-000000000001}";
  const notes = [
    { r: spec.notes[0], author: 0, text: `<text><r><rPr><b/><sz val="9"/><rFont val="宋体"/></rPr><t>张三:</t></r><r><rPr><sz val="9"/><rFont val="宋体"/></rPr><t xml:space="preserve">\n第${spec.notes[0]}行的批注</t></r></text>` },
    { r: threadRow, author: 1, text: `<text><t>[Threaded comment]\n\nYour version of Excel allows you to read this threaded comment; however, any edits to it will get removed if the file is opened in a newer version of Excel. Learn more: https://go.microsoft.com/fwlink/?linkid=870924\n\nComment:\n    第${threadRow}行的讨论</t></text>`, uid: threadId },
  ];
  const comments =
    `${DECL}<comments xmlns="${NS}" ${MC}><authors><author>张三</author><author>tc=${threadId}</author></authors><commentList>` +
    notes.map((n) => `<comment ref="A${n.r}" authorId="${n.author}" shapeId="0"${n.uid ? ` xr:uid="${n.uid}"` : ""}>${n.text}</comment>`).join("") +
    `</commentList></comments>`;
  const vml =
    `<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">` +
    `<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>` +
    notes
      .map(
        (n, i) =>
          `<v:shape id="_x0000_s${1025 + i}" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:108pt;height:59.25pt;z-index:${i + 1};visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>` +
          `<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>1, 15, ${n.r - 2}, 10, 3, 15, ${n.r + 2}, 4</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>${n.r - 1}</x:Row><x:Column>0</x:Column></x:ClientData></v:shape>`,
      )
      .join("") +
    `</xml>`;
  const threaded =
    `${DECL}<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" xmlns:x="${NS}">` +
    `<threadedComment ref="A${threadRow}" dT="2024-12-01T08:00:00.00" personId="{0B5B7A7C-0000-4000-8000-000000000009}" id="${threadId}"><text>第${threadRow}行的讨论</text></threadedComment></ThreadedComments>`;
  const persons = `${DECL}<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" xmlns:x="${NS}"><person displayName="李四" id="{0B5B7A7C-0000-4000-8000-000000000009}" userId="李四" providerId="None"/></personList>`;
  const tableCols = spec.header
    .slice(0, spec.tableCols)
    .map((name, j) => `<tableColumn id="${j + 1}" xr3:uid="{00000000-0010-0000-0000-${String(j + 1).padStart(12, "0")}}" name="${esc(name)}"/>`)
    .join("");
  const tableRef = `A${h}:${columnLetter(spec.tableCols)}${last}`;
  const table = `${DECL}<table xmlns="${NS}" ${MC} id="1" xr:uid="{00000000-000C-0000-FFFF-FFFF00000000}" name="企业表" displayName="企业表" ref="${tableRef}" totalsRowShown="0"><autoFilter ref="${tableRef}" xr:uid="{00000000-0009-0000-0100-000001000000}"/><tableColumns count="${spec.tableCols}">${tableCols}</tableColumns><tableStyleInfo name="TableStyleMedium2" showFirstColumn="0" showLastColumn="0" showRowStripes="1" showColumnStripes="0"/></table>`;
  const drawing =
    `${DECL}<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">` +
    `<xdr:twoCellAnchor><xdr:from><xdr:col>${spec.noteCol + 2}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>4</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>${spec.noteCol + 9}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>19</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>` +
    `<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="图表 1"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>` +
    `<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:r="${R}" r:id="rId1"/></a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>`;
  const chart =
    `${DECL}<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="${R}"><c:chart><c:plotArea><c:layout/><c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>` +
    `<c:ser><c:idx val="0"/><c:order val="0"/><c:tx><c:strRef><c:f>${LEDGER}!$${s}$${h}</c:f></c:strRef></c:tx><c:cat><c:strRef><c:f>${LEDGER}!$A$${first}:$A$${last}</c:f></c:strRef></c:cat><c:val><c:numRef><c:f>${LEDGER}!$${s}$${first}:$${s}$${last}</c:f></c:numRef></c:val></c:ser>` +
    `<c:axId val="1"/><c:axId val="2"/></c:barChart><c:catAx><c:axId val="1"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="b"/><c:crossAx val="2"/></c:catAx><c:valAx><c:axId val="2"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="l"/><c:crossAx val="1"/></c:valAx></c:plotArea></c:chart></c:chartSpace>`;

  const staff = spec.rows.reduce((n, r) => n + num(r[spec.staffCol - 1]), 0);
  const summaryRows = [
    `<row r="1">${cell(1, 1, "职工总数合计")}<c r="B1"><f>SUM(${LEDGER}!${s}${first}:${s}${last})</f><v>${staff}</v></c>${cell(1, 4, "存续")}</row>`,
    `<row r="2">${cell(2, 1, "企业数")}<c r="B2"><f>COUNTA(${LEDGER}!A${first}:A${last})</f><v>${spec.rows.length}</v></c>${cell(2, 4, "在业")}</row>`,
    `<row r="3">${cell(3, 1, "保留的企业")}<c r="B3" t="str"><f>${LEDGER}!A${spec.kept}</f><v>${esc(String(spec.rows[spec.kept - first][0]))}</v></c>${cell(3, 4, "注销")}</row>`,
    `<row r="4">${cell(4, 1, "状态")}${cell(4, 4, "吊销")}</row>`,
  ];
  chain.push('<c r="B1" i="2"/><c r="B2"/><c r="B3"/>');
  const sheet2 =
    `${DECL}<worksheet xmlns="${NS}" xmlns:r="${R}" ${MC}><dimension ref="A1:D4"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/>` +
    `<sheetData>${summaryRows.join("")}</sheetData><dataValidations count="1"><dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1" sqref="B4"><formula1>"是,否"</formula1></dataValidation></dataValidations>` +
    `<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`;
  const workbook =
    `${DECL}<workbook xmlns="${NS}" xmlns:r="${R}" ${MC}><fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="27328"/><workbookPr defaultThemeVersion="166925"/>` +
    `<bookViews><workbookView xWindow="-120" yWindow="-120" windowWidth="29040" windowHeight="15840"/></bookViews>` +
    `<sheets><sheet name="${LEDGER}" sheetId="1" r:id="rId1"/><sheet name="${SUMMARY}" sheetId="2" r:id="rId2"/></sheets>` +
    `<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">${LEDGER}!$A$${h}:$${columnLetter(spec.tableCols)}$${last}</definedName>` +
    `<definedName name="_xlnm.Print_Titles" localSheetId="0">${LEDGER}!$${h}:$${h}</definedName><definedName name="企业名单">${LEDGER}!$A$${first}:$A$${last}</definedName></definedNames>` +
    `<calcPr calcId="191029"/></workbook>`;
  const workbookRels =
    `${DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    `<Relationship Id="rId1" Type="${R}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${R}/worksheet" Target="worksheets/sheet2.xml"/>` +
    `<Relationship Id="rId3" Type="${R}/theme" Target="theme/theme1.xml"/><Relationship Id="rId4" Type="${R}/styles" Target="styles.xml"/>` +
    `<Relationship Id="rId5" Type="${R}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId6" Type="${R}/calcChain" Target="calcChain.xml"/>` +
    `<Relationship Id="rId7" Type="http://schemas.microsoft.com/office/2017/10/relationships/person" Target="persons/person.xml"/></Relationships>`;
  const styles =
    `${DECL}<styleSheet xmlns="${NS}" ${MC}><numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy\\-mm\\-dd"/></numFmts>` +
    `<fonts count="2" x14ac:knownFonts="1"><font><sz val="11"/><color theme="1"/><name val="等线"/><family val="2"/><charset val="134"/><scheme val="minor"/></font><font><b/><sz val="11"/><color theme="1"/><name val="等线"/><family val="2"/><charset val="134"/><scheme val="minor"/></font></fonts>` +
    `<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFFFFF00"/><bgColor indexed="64"/></patternFill></fill></fills>` +
    `<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"><alignment vertical="center"/></xf></cellStyleXfs>` +
    `<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"><alignment vertical="center"/></xf><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"><alignment vertical="center"/></xf>` +
    `<xf numFmtId="176" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"><alignment vertical="center"/></xf><xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1"><alignment vertical="center"/></xf>` +
    `<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf></cellXfs>` +
    `<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles><dxfs count="1"><dxf><fill><patternFill><bgColor rgb="FFFFC7CE"/></patternFill></fill></dxf></dxfs><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/></styleSheet>`;
  const theme = `${DECL}<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Office 主题"><a:themeElements><a:clrScheme name="Office"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1><a:dk2><a:srgbClr val="44546A"/></a:dk2><a:lt2><a:srgbClr val="E7E6E6"/></a:lt2><a:accent1><a:srgbClr val="4472C4"/></a:accent1><a:accent2><a:srgbClr val="ED7D31"/></a:accent2><a:accent3><a:srgbClr val="A5A5A5"/></a:accent3><a:accent4><a:srgbClr val="FFC000"/></a:accent4><a:accent5><a:srgbClr val="5B9BD5"/></a:accent5><a:accent6><a:srgbClr val="70AD47"/></a:accent6><a:hlink><a:srgbClr val="0563C1"/></a:hlink><a:folHlink><a:srgbClr val="954F72"/></a:folHlink></a:clrScheme><a:fontScheme name="Office"><a:majorFont><a:latin typeface="等线 Light"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont><a:minorFont><a:latin typeface="等线"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont></a:fontScheme><a:fmtScheme name="Office"><a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:fillStyleLst><a:lnStyleLst><a:ln w="6350"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="12700"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="19050"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln></a:lnStyleLst><a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst><a:bgFillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:bgFillStyleLst></a:fmtScheme></a:themeElements></a:theme>`;
  const sstXml = `${DECL}<sst xmlns="${NS}" count="${strings.length}" uniqueCount="${strings.length}">${strings.map((x) => `<si><t xml:space="preserve">${esc(x)}</t></si>`).join("")}</sst>`;
  const calcChain = `${DECL}<calcChain xmlns="${NS}">${chain.join("")}</calcChain>`;
  const contentTypes =
    `${DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>` +
    `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
    `<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
    `<Override PartName="/xl/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
    `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/>` +
    `<Override PartName="/xl/tables/table1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"/><Override PartName="/xl/drawings/drawing1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>` +
    `<Override PartName="/xl/charts/chart1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/><Override PartName="/xl/comments1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/>` +
    `<Override PartName="/xl/threadedComments/threadedComment1.xml" ContentType="application/vnd.ms-excel.threadedcomments+xml"/><Override PartName="/xl/persons/person.xml" ContentType="application/vnd.ms-excel.person+xml"/>` +
    `<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>`;
  const zip = new JSZip();
  const put = (p: string, data: string) => zip.file(p, data, { createFolders: false });
  put("[Content_Types].xml", contentTypes);
  put("_rels/.rels", `${DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId1" Type="${R}/officeDocument" Target="xl/workbook.xml"/></Relationships>`);
  put("docProps/app.xml", `${DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Microsoft Excel</Application></Properties>`);
  put("docProps/core.xml", `${DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>科技局</dc:creator></cp:coreProperties>`);
  put("xl/workbook.xml", workbook);
  put("xl/_rels/workbook.xml.rels", workbookRels);
  put("xl/worksheets/sheet1.xml", sheet1);
  put("xl/worksheets/_rels/sheet1.xml.rels", sheet1Rels);
  put("xl/worksheets/sheet2.xml", sheet2);
  put("xl/theme/theme1.xml", theme);
  put("xl/styles.xml", styles);
  put("xl/sharedStrings.xml", sstXml);
  put("xl/calcChain.xml", calcChain);
  put("xl/tables/table1.xml", table);
  put("xl/drawings/drawing1.xml", drawing);
  put("xl/drawings/_rels/drawing1.xml.rels", `${DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${R}/chart" Target="../charts/chart1.xml"/></Relationships>`);
  put("xl/charts/chart1.xml", chart);
  put("xl/comments1.xml", comments);
  put("xl/drawings/vmlDrawing1.vml", vml);
  put("xl/threadedComments/threadedComment1.xml", threaded);
  put("xl/persons/person.xml", persons);
  fs.writeFileSync(file, await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
}

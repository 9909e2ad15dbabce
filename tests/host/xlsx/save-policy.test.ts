/**
 * One save policy for every command that writes a copy (src/host/xlsx/save.ts): the package
 * path writes; exceljs takes over only for a reason the package path declares, and the command
 * says so ("按兼容方式保存：…"); any other failure — a writer fault included — is an error
 * (exit 2) that writes nothing and leaves the input as it was. Before, every error of the package
 * path was caught and the exceljs path ran instead, silently.
 */
import { strict as assert } from "assert";
import ExcelJS from "exceljs";
import * as fs from "fs";
import JSZip from "jszip";
import * as os from "os";
import * as path from "path";
import { CliError } from "../../../src/errors";
import { saveEditedCopy } from "../../../src/host/xlsx/save";
import { XlsxHost } from "../../../src/host/xlsx/host";
import { clearMarkEdits } from "../../../src/jobs/validate";
import { AS_OF, ENTERPRISE_HEADER, enterpriseRow } from "../../ledger/fixtures";
import { kjRunner, sha256File } from "../../support/cli";

const SHEET = "企业培育库";

async function ledger(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(SHEET);
  ws.addRow(ENTERPRISE_HEADER);
  for (let i = 0; i < 8; i++) ws.addRow(enterpriseRow(i));
  ws.getCell(3, 2).value = "91370403MA0000000X"; // a wrong code: kj check marks it
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The package with the first sheet's XML changed by `change`. */
async function withSheetXml(bytes: Buffer, change: (xml: string) => string): Promise<Buffer> {
  const zip = await JSZip.loadAsync(bytes);
  const xml = (await zip.file("xl/worksheets/sheet1.xml")?.async("string")) as string;
  zip.file("xl/worksheets/sheet1.xml", change(xml), { createFolders: false });
  return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
}

function leftovers(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith(".kj-tmp"));
}

describe("saving a copy: the package path, a declared fallback, or an error", function () {
  this.timeout(60_000);
  const kj = kjRunner(AS_OF);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-save-policy-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a fault of the package writer is not masked: an error, nothing written, exceljs never tried", async () => {
    const file = path.join(dir, "台账.xlsx");
    const bytes = await ledger();
    fs.writeFileSync(file, bytes);
    const out = path.join(dir, "结果.xlsx");
    let exceljsTried = false;
    const e = await saveEditedCopy(file, bytes, [{ type: "setValues", sheet: SHEET, row: 1, col: 40, values: [["x"]] }], out, {
      today: AS_OF,
      writer: async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'anchors')");
      },
      beforeFallback: () => (exceljsTried = true),
    }).catch((x: unknown) => x);
    assert.ok(e instanceof CliError, String(e));
    assert.equal(e.code, "write_internal");
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /保存“.*结果\.xlsx”时出错（内部错误：Cannot read properties of undefined \(reading 'anchors'\)）。原文件未改动，没有写入结果/);
    assert.equal(exceljsTried, false, "the exceljs path was not tried");
    assert.equal(fs.existsSync(out), false);
    assert.deepEqual(leftovers(dir), []);
    assert.ok(fs.readFileSync(file).equals(bytes));
  });

  it("a workbook the package path cannot write faithfully is an error (exit 2), not a silent exceljs save", async () => {
    // A cell whose style number points past the style sheet: kj check would colour it.
    const bytes = await withSheetXml(await ledger(), (xml) => xml.replace(/<c r="B3"( s="\d+")?/, '<c r="B3" s="999"'));
    const file = path.join(dir, "坏样式.xlsx");
    fs.writeFileSync(file, bytes);
    const before = sha256File(file);
    const out = path.join(dir, "校验.xlsx");
    const r = await kj("check", file, "--out", out);
    assert.equal(r.code, 2, r.out);
    assert.match(r.err, /错误：无法保存“.*校验\.xlsx”：工作簿中有 KJ 不能按原样改写的结构（style 999 not in cellXfs）。原文件未改动，没有写入结果/);
    assert.equal(fs.existsSync(out), false);
    assert.deepEqual(leftovers(dir), []);
    assert.equal(sha256File(file), before);
  });

  it("a declared reason (a workbook without a style sheet) saves through exceljs and says so", async () => {
    const zip = await JSZip.loadAsync(await ledger());
    zip.remove("xl/styles.xml");
    const rels = (await zip.file("xl/_rels/workbook.xml.rels")?.async("string")) as string;
    zip.file("xl/_rels/workbook.xml.rels", rels.replace(/<Relationship [^>]*\/styles"[^>]*\/>/, ""), { createFolders: false });
    const file = path.join(dir, "无样式.xlsx");
    fs.writeFileSync(file, await zip.generateAsync({ type: "nodebuffer" }));
    const out = path.join(dir, "校验.xlsx");
    const r = await kj("check", file, "--out", out);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /注意：按兼容方式保存：工作簿没有样式表/);
    assert.ok(fs.existsSync(out));
    const json = await kj("check", file, "--out", path.join(dir, "校验2.xlsx"), "--json");
    assert.ok(JSON.parse(json.out), "--json output stays one document (the notice goes to stderr)");
  });

  it("a declared reason (a gradient fill on a cell to mark) saves through exceljs, and clearing the mark gives the gradient back", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await ledger()) as unknown as ExcelJS.Buffer);
    const gradient = { type: "gradient", gradient: "angle", degree: 90, stops: [{ position: 0, color: { argb: "FFFFFFFF" } }, { position: 1, color: { argb: "FF4472C4" } }] };
    (wb.getWorksheet(SHEET) as ExcelJS.Worksheet).getCell(3, 2).fill = gradient as ExcelJS.Fill;
    const file = path.join(dir, "渐变.xlsx");
    await wb.xlsx.writeFile(file);
    const out = path.join(dir, "校验.xlsx");
    const r = await kj("check", file, "--out", out);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /注意：按兼容方式保存：要标记的单元格使用了渐变填充/);
    const marked = new ExcelJS.Workbook();
    await marked.xlsx.readFile(out);
    const host = new XlsxHost(marked);
    await host.apply(clearMarkEdits([SHEET]));
    assert.deepEqual(JSON.parse(JSON.stringify(host.workbook.getWorksheet(SHEET)!.getCell(3, 2).fill)), gradient);
  });

  it("cells without addresses, which exceljs cannot read either, are an error that says what to do", async () => {
    const bytes = await withSheetXml(await ledger(), (xml) => xml.replace(/(<c) r="[A-Z]+\d+"/g, "$1"));
    const file = path.join(dir, "无地址.xlsx");
    fs.writeFileSync(file, bytes);
    const out = path.join(dir, "校验.xlsx");
    const r = await kj("check", file, "--out", out);
    assert.equal(r.code, 2, r.out);
    assert.match(r.err, /没有写明地址.*请用 Excel 或 WPS 打开后另存一次再试。原文件未改动，没有写入结果/);
    assert.equal(fs.existsSync(out), false);
  });

  it("kj recalc follows the same policy: what its package path cannot read is an error, not a silent exceljs save", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("奖励台账");
    ws.addRow(["计算依据（万元）", "合计"]);
    ws.addRow([12, { formula: "A2*2" } as ExcelJS.CellValue]);
    const bytes = await withSheetXml(Buffer.from(await wb.xlsx.writeBuffer()), (xml) => xml.replace(/(<c) r="[A-Z]+\d+"/g, "$1"));
    const file = path.join(dir, "无地址.xlsx");
    fs.writeFileSync(file, bytes);
    const out = path.join(dir, "重算.xlsx");
    const r = await kj("recalc", file, "--out", out);
    assert.equal(r.code, 2, r.out);
    assert.match(r.err, /错误：无法保存“.*重算\.xlsx”：工作表中有单元格或行没有写明地址.*原文件未改动，没有写入结果/);
    assert.doesNotMatch(r.err, /按兼容方式/);
    assert.equal(fs.existsSync(out), false);
    assert.deepEqual(leftovers(dir), []);
    assert.ok(fs.readFileSync(file).equals(bytes));
    // --in-place leaves the file as it was, and no backup.
    const inPlace = await kj("recalc", file, "--in-place");
    assert.equal(inPlace.code, 2, inPlace.out);
    assert.ok(fs.readFileSync(file).equals(bytes));
    assert.deepEqual(fs.readdirSync(dir).sort(), ["无地址.xlsx"]);
  });
});

/**
 * Opening and saving .xlsx safely: every kind of wrong file is refused with exit 2 and a
 * message saying what it is and what to do, the input stays byte-identical; saving is
 * atomic, never replaces the input without --in-place, and leaves nothing behind on failure.
 */
import { strict as assert } from "assert";
import ExcelJS from "exceljs";
import * as fs from "fs";
import JSZip from "jszip";
import * as os from "os";
import * as path from "path";
import { CliError, EXIT } from "../../../src/errors";
import { XlsxHost } from "../../../src/host/xlsx/host";
import { oleStreamNames, openXlsx, readXlsxSnapshot, saveXlsxAtomic, sniffSpreadsheet, zipEntryNames } from "../../../src/host/xlsx/file";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-xlsx-file-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A minimal OLE compound file (MS-CFB v3, 512-byte sectors) whose directory holds `names`. */
export function compoundFile(names: string[]): Buffer {
  const entries = ["Root Entry", ...names];
  const dirSectors = Math.ceil(entries.length / 4);
  const buf = Buffer.alloc(512 * (2 + dirSectors));
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(buf, 0);
  buf.writeUInt16LE(0x3e, 0x18);
  buf.writeUInt16LE(3, 0x1a);
  buf.writeUInt16LE(0xfffe, 0x1c);
  buf.writeUInt16LE(9, 0x1e);
  buf.writeUInt16LE(6, 0x20);
  buf.writeUInt32LE(1, 0x2c); // one FAT sector
  buf.writeUInt32LE(1, 0x30); // directory starts at sector 1
  buf.writeUInt32LE(4096, 0x38);
  buf.writeUInt32LE(0xfffffffe, 0x3c);
  buf.writeUInt32LE(0xfffffffe, 0x44);
  for (let i = 0; i < 109; i++) buf.writeUInt32LE(i === 0 ? 0 : 0xffffffff, 0x4c + i * 4);
  const fat = 512; // sector 0
  for (let i = 0; i < 128; i++) buf.writeUInt32LE(0xffffffff, fat + i * 4);
  buf.writeUInt32LE(0xfffffffd, fat); // sector 0 is the FAT itself
  for (let s = 0; s < dirSectors; s++) buf.writeUInt32LE(s === dirSectors - 1 ? 0xfffffffe : s + 2, fat + (s + 1) * 4);
  entries.forEach((name, i) => {
    const at = 512 * 2 + i * 128;
    buf.write(name, at, "utf16le");
    buf.writeUInt16LE((name.length + 1) * 2, at + 0x40);
    buf[at + 0x42] = i === 0 ? 5 : 2;
  });
  return buf;
}

async function zipOf(files: Record<string, string>): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, text] of Object.entries(files)) zip.file(name, text);
  return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
}

async function validXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("企业培育库");
  ws.addRow(["企业名称", "统一社会信用代码"]);
  for (let i = 0; i < 200; i++) ws.addRow([`企业${i}`, `91370403MA3C${String(i).padStart(5, "0")}X`]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function expectRefused(name: string, bytes: Buffer, code: RegExp, message: RegExp): Promise<void> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  const before = fs.readFileSync(file);
  await assert.rejects(
    () => openXlsx(file),
    (e: unknown) => {
      assert.ok(e instanceof CliError, `a CliError, got ${String(e)}`);
      assert.equal(e.exitCode, EXIT.unusable);
      assert.match(e.code, code);
      assert.match(e.message, message);
      assert.ok(e.message.includes(name), "the message names the file");
      return true;
    },
  );
  assert.ok(fs.readFileSync(file).equals(before), "the input is byte-identical");
}

describe("openXlsx: recognising files that are not a usable .xlsx", () => {
  it("opens a real workbook", async () => {
    const file = path.join(dir, "ok.xlsx");
    fs.writeFileSync(file, await validXlsx());
    const stages: string[] = [];
    const wb = await openXlsx(file, { progress: (_d, _t, stage) => stages.push(stage) });
    assert.equal(wb.getWorksheet("企业培育库")?.getCell("A3").value, "企业1");
    assert.ok(stages.includes("读取文件") && stages.includes("解析工作簿"));
  });

  it("refuses a 0-byte file", () => expectRefused("空.xlsx", Buffer.alloc(0), /empty/, /空的（0 字节）/));

  it("refuses CSV text saved with an .xlsx name", () =>
    expectRefused("台账.xlsx", Buffer.from("企业名称,统一社会信用代码\n枣庄甲公司,91370403MA3C00001X\n", "utf8"), /csv/, /CSV 文本文件，请在 Excel\/WPS 中另存为 \.xlsx/));

  it("refuses an old .xls / .et (OLE compound file)", () => expectRefused("旧表.xls", compoundFile(["Workbook", "\u0005SummaryInformation"]), /ole_legacy/, /旧版 \.xls\/\.et 文件，请另存为 \.xlsx/));

  it("tells an encrypted .xlsx apart from an old .xls by its EncryptionInfo stream", () =>
    expectRefused("加密.xlsx", compoundFile(["EncryptionInfo", "EncryptedPackage", "\u0006DataSpaces"]), /ole_encrypted/, /文件设有打开密码，请先取消密码后另存为 \.xlsx/));

  it("tells a password-protected .xls (FILEPASS after BOF in its Workbook stream) apart from a plain one", async () => {
    /** compoundFile with a 4096-byte Workbook stream in sectors 3..10 (the FAT chains them). */
    const xls = (records: Buffer): Buffer => {
      const base = compoundFile(["Workbook"]);
      const out = Buffer.concat([base, Buffer.alloc(512 * 8)]);
      const fat = 512;
      for (let s = 3; s <= 10; s++) out.writeUInt32LE(s === 10 ? 0xfffffffe : s + 1, fat + s * 4);
      const entry = 512 * 2 + 128; // the Workbook entry (after the root)
      out.writeUInt32LE(3, entry + 0x74);
      out.writeUInt32LE(4096, entry + 0x78);
      records.copy(out, 512 * 4);
      return out;
    };
    const record = (type: number, data: Buffer) => Buffer.concat([Buffer.from([type & 0xff, type >> 8, data.length & 0xff, data.length >> 8]), data]);
    const bof = record(0x0809, Buffer.alloc(16));
    const encrypted = xls(Buffer.concat([bof, record(0x002f, Buffer.alloc(54)), record(0x00e1, Buffer.alloc(2))]));
    const plain = xls(Buffer.concat([bof, record(0x00e1, Buffer.alloc(2)), record(0x0042, Buffer.alloc(2))]));
    await expectRefused("加密旧表.xls", encrypted, /ole_encrypted/, /文件设有打开密码/);
    await expectRefused("旧表2.xls", plain, /ole_legacy/, /旧版 \.xls/);
  });

  it("refuses a truncated (corrupted) zip", async () => {
    const good = await validXlsx();
    await expectRefused("损坏.xlsx", good.subarray(0, Math.floor(good.length / 2)), /zip_corrupt/, /已损坏/);
  });

  it("refuses a zip whose workbook parts are garbage", async () => {
    const bytes = await zipOf({ "[Content_Types].xml": "<Types", "xl/workbook.xml": "not xml at all <<<" });
    await expectRefused("坏内容.xlsx", bytes, /xlsx_unreadable/, /已损坏或不是标准的 \.xlsx/);
  });

  it("refuses a zip that is not a workbook, naming Word documents", async () => {
    await expectRefused("资料.xlsx", await zipOf({ "readme.txt": "hello" }), /zip_other/, /压缩包/);
    await expectRefused("文档.xlsx", await zipOf({ "[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>" }), /docx/, /Word 文档/);
  });

  it("refuses an HTML page saved as .xls", () => expectRefused("导出.xls", Buffer.from("<html><body><table><tr><td>企业</td></tr></table></body></html>"), /html/, /网页（HTML）/));

  it("says so when the file does not exist or is a folder", async () => {
    await assert.rejects(() => openXlsx(path.join(dir, "没有这个文件.xlsx")), (e: unknown) => e instanceof CliError && e.code === "file_not_found" && /找不到文件/.test(e.message));
    await assert.rejects(() => openXlsx(dir), (e: unknown) => e instanceof CliError && e.code === "file_is_directory");
  });

  it("reads the OLE directory (and falls back to scanning when it is broken)", () => {
    assert.deepEqual(oleStreamNames(compoundFile(["Workbook"])), ["Root Entry", "Workbook"]);
    const broken = compoundFile(["EncryptionInfo"]);
    broken.writeUInt16LE(7, 0x1e); // impossible sector size
    assert.ok(oleStreamNames(broken).includes("EncryptionInfo"));
    assert.equal(sniffSpreadsheet(broken).kind, "ole-encrypted");
  });

  it("lists zip entries from the central directory", async () => {
    assert.deepEqual(zipEntryNames(await zipOf({ "a.txt": "1", "b/c.xml": "2" }))?.filter((n) => !n.endsWith("/")), ["a.txt", "b/c.xml"]);
    assert.equal(zipEntryNames(Buffer.from("PK\u0003\u0004 nothing else")), null);
  });
});

describe("saveXlsxAtomic", () => {
  async function opened(name: string): Promise<{ file: string; wb: ExcelJS.Workbook; bytes: Buffer }> {
    const file = path.join(dir, name);
    fs.writeFileSync(file, await validXlsx());
    return { file, wb: await openXlsx(file), bytes: fs.readFileSync(file) };
  }
  const leftovers = () => fs.readdirSync(dir).filter((n) => n.endsWith(".kj-tmp"));

  it("writes the output through a temporary file and leaves the input alone", async () => {
    const { file, wb, bytes } = await opened("入.xlsx");
    wb.getWorksheet("企业培育库")!.getCell("C1").value = "结果";
    let written = 0;
    const out = path.join(dir, "出.xlsx");
    const r = await saveXlsxAtomic(wb, out, { inputPath: file, progress: (d) => (written = d) });
    assert.equal(r.path, out);
    assert.ok(written > 0, "progress reports bytes written");
    assert.ok(fs.readFileSync(file).equals(bytes));
    const back = await openXlsx(out);
    assert.equal(back.getWorksheet("企业培育库")!.getCell("C1").value, "结果");
    assert.deepEqual(leftovers(), []);
  });

  it("refuses to overwrite the input unless inPlace, which keeps a .bak", async () => {
    const { file, wb, bytes } = await opened("原件.xlsx");
    await assert.rejects(
      () => saveXlsxAtomic(wb, path.join(dir, ".", "原件.xlsx"), { inputPath: file }),
      (e: unknown) => e instanceof CliError && e.exitCode === EXIT.unusable && e.code === "output_is_input" && /--in-place/.test(e.message),
    );
    assert.ok(fs.readFileSync(file).equals(bytes));
    wb.getWorksheet("企业培育库")!.getCell("C1").value = "改过";
    const r = await saveXlsxAtomic(wb, file, { inputPath: file, inPlace: true });
    assert.equal(r.backup, file + ".bak");
    assert.ok(fs.readFileSync(file + ".bak").equals(bytes), "the .bak is the original");
    assert.equal((await openXlsx(file)).getWorksheet("企业培育库")!.getCell("C1").value, "改过");
    assert.deepEqual(leftovers(), []);
  });

  it("refuses a missing or unwritable folder with exit 2", async () => {
    const { wb } = await opened("甲.xlsx");
    await assert.rejects(() => saveXlsxAtomic(wb, path.join(dir, "没有的文件夹", "出.xlsx")), (e: unknown) => e instanceof CliError && e.code === "output_dir_missing" && e.exitCode === 2);
    if (process.getuid?.() === 0) return; // root can write anywhere
    const locked = path.join(dir, "只读");
    fs.mkdirSync(locked);
    fs.chmodSync(locked, 0o555);
    try {
      await assert.rejects(() => saveXlsxAtomic(wb, path.join(locked, "出.xlsx")), (e: unknown) => e instanceof CliError && e.code === "output_not_writable" && /没有权限写入/.test(e.message));
      assert.deepEqual(fs.readdirSync(locked), []);
    } finally {
      fs.chmodSync(locked, 0o755);
    }
  });

  it("leaves no partial file when writing fails midway, and keeps an existing output intact", async () => {
    const { wb } = await opened("乙.xlsx");
    const out = path.join(dir, "已有输出.xlsx");
    fs.writeFileSync(out, "previous result");
    const original = wb.xlsx.write.bind(wb.xlsx);
    (wb.xlsx as unknown as { write: (s: NodeJS.WritableStream) => Promise<void> }).write = async (stream) => {
      stream.write(Buffer.alloc(1000, 1));
      throw new Error("disk went away");
    };
    try {
      await assert.rejects(() => saveXlsxAtomic(wb, out), (e: unknown) => e instanceof CliError && e.code === "write_failed" && /没有留下不完整的文件/.test(e.message));
    } finally {
      (wb.xlsx as unknown as { write: typeof original }).write = original;
    }
    assert.equal(fs.readFileSync(out, "utf8"), "previous result");
    assert.deepEqual(leftovers(), []);
  });
});

describe("readXlsxSnapshot (streamed, read-only)", () => {
  it("gives the same snapshot as the xlsx host, without the mark registry", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("企业培育库");
    ws.getCell("B1").value = "薛城区企业培育库";
    ws.getRow(2).values = [null, "企业名称", "注册日期", "职工总数", "合计"];
    ws.getCell("B3").value = { richText: [{ text: "枣庄" }, { text: "甲公司" }] };
    ws.getCell("C3").value = new Date(Date.UTC(2020, 4, 1));
    ws.getCell("D3").value = 120;
    ws.getCell("E3").value = { formula: "D3*2", result: 240 } as ExcelJS.CellFormulaValue;
    ws.getCell("D5").value = { error: "#N/A" } as ExcelJS.CellErrorValue;
    wb.addWorksheet("说明").getCell("A1").value = "说明文字";
    const host = new XlsxHost(wb);
    await host.apply([{ type: "mark", sheet: "企业培育库", marks: [{ row: 3, col: 4, level: "error", note: "有误" }] }]);
    const file = path.join(dir, "流式.xlsx");
    await saveXlsxAtomic(wb, file);

    const streamed = await readXlsxSnapshot(file);
    assert.deepEqual(streamed.sheets.map((s) => s.name), ["企业培育库", "说明"]);
    const full = await new XlsxHost(await openXlsx(file)).readSheet("企业培育库");
    assert.deepEqual(streamed.sheets[0], full);
    assert.equal(streamed.sheets[0].formulas?.[2][3], "=D3*2");
    const only = await readXlsxSnapshot(file, { sheets: ["说明"] });
    assert.deepEqual(only.sheets.map((s) => s.name), ["说明"]);
  });

  it("keeps Chinese text intact across chunk boundaries, shared and inline strings alike", async () => {
    for (const useSharedStrings of [true, false]) {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet("企业培育库");
      for (let i = 1; i <= 4000; i++) ws.addRow([`薛城区第${i}家科技企业（枣庄）有限公司`, `${i}号·临城街道`, i % 7 === 0 ? null : i, new Date(Date.UTC(2020, i % 12, 1 + (i % 27)))]);
      const file = path.join(dir, `中文-${useSharedStrings}.xlsx`);
      await wb.xlsx.writeFile(file, { useSharedStrings });
      const streamed = await readXlsxSnapshot(file);
      const full = await new XlsxHost(await openXlsx(file)).readSheet("企业培育库");
      assert.deepEqual(streamed.sheets[0], full, `same snapshot (${useSharedStrings ? "shared" : "inline"} strings)`);
    }
  });

  it("refuses what openXlsx refuses", async () => {
    const file = path.join(dir, "流式.csv.xlsx");
    fs.writeFileSync(file, "a,b\n1,2\n");
    await assert.rejects(() => readXlsxSnapshot(file), (e: unknown) => e instanceof CliError && e.exitCode === 2 && /CSV/.test(e.message));
  });
});

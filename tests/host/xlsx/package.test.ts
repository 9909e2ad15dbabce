/**
 * The package policy (src/host/xlsx/package.ts): what every command opens an .xlsx through.
 * Each refusal comes with its code and a Chinese reason; nothing is inflated past a declared
 * size; a sheet pointing outside the package is left out with a warning naming it.
 */
import { strict as assert } from "assert";
import ExcelJS from "exceljs";
import * as zlib from "zlib";
import { openXlsxPackage, PACKAGE_LIMITS, PackageLimits, PackageRefused, prologOf } from "../../../src/host/xlsx/package";
import { resolveInside } from "../../../src/host/xlsx/ooxml";
import { streamSnapshot } from "../../../src/host/xlsx/stream";
import { partsOf, rawZip, RawEntry, withParts } from "../../support/zip";

async function validXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("企业培育库");
  ws.addRow(["企业名称", "统一社会信用代码"]);
  for (let i = 0; i < 20; i++) ws.addRow([`企业${i}`, `91370403MA3C${String(i).padStart(5, "0")}X`]);
  wb.addWorksheet("说明").addRow(["备注"]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function refusedWith(code: string, reason?: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof PackageRefused, `a PackageRefused, got ${String(e)}`);
    assert.equal(e.code, code, e.reason);
    if (reason) assert.match(e.reason, reason);
    assert.doesNotMatch(e.reason, /[A-Za-z]{5,} [A-Za-z]{3,}/, "no English sentence in the reason");
    return true;
  };
}

const sheetPart = (parts: RawEntry[]) => parts.find((p) => p.name === "xl/worksheets/sheet1.xml") as RawEntry;

describe("openXlsxPackage: the one way into an .xlsx package", () => {
  let valid: Buffer;
  before(async () => {
    valid = await validXlsx();
  });

  it("opens a workbook written by exceljs: its parts, its sheets in order, every part verified", async () => {
    const pkg = openXlsxPackage(valid);
    assert.ok(pkg.has("xl/workbook.xml") && pkg.has("XL/WORKBOOK.XML"), "part names match case-insensitively");
    const wb = pkg.workbook();
    assert.deepEqual(
      wb.sheets.map((s) => s.name),
      ["企业培育库", "说明"],
    );
    assert.deepEqual(wb.skipped, []);
    assert.match(pkg.text(wb.sheets[0].path) ?? "", /<worksheet/);
    await pkg.verifyAll();
    const zip = await pkg.jszip();
    assert.ok(zip.file("xl/workbook.xml"));
    assert.notEqual(await pkg.jszip(), zip, "each writer gets its own JSZip");
    assert.equal(openXlsxPackage(valid), pkg, "the same bytes give the same package");
  });

  it("refuses more entries than the limit before reading them", () => {
    const entries = Array.from({ length: 12 }, (_, i) => ({ name: `x/${i}.bin`, data: "a" }));
    const limits: PackageLimits = { ...PACKAGE_LIMITS, maxEntries: 10 };
    assert.throws(() => openXlsxPackage(rawZip(entries), limits), refusedWith("package_too_many_entries", /12 个部件，超过上限 10 个/));
  });

  it("refuses a part whose declared size is over the limit, and a package over the total", () => {
    const limits: PackageLimits = { ...PACKAGE_LIMITS, maxPartBytes: 1000, maxTotalBytes: 1500, ratioGrace: 10 ** 9, totalRatioGrace: 10 ** 9 };
    const big = "x".repeat(1001);
    assert.throws(() => openXlsxPackage(rawZip([{ name: "a.xml", data: big, method: 0 }]), limits), refusedWith("package_part_too_large", /超过单个部件的上限/));
    const two = rawZip([
      { name: "a.bin", data: "y".repeat(800), method: 0 },
      { name: "b.bin", data: "z".repeat(800), method: 0 },
    ]);
    assert.throws(() => openXlsxPackage(two, limits), refusedWith("package_too_large", /超过上限/));
  });

  it("refuses a zip bomb by its compression ratio, at once (nothing inflated)", () => {
    const rows = Buffer.from("<row/>".repeat(2_000_000)); // 12 MB that deflate to a few KB
    const bomb = rawZip([{ name: "xl/worksheets/sheet1.xml", data: rows }]);
    const t0 = Date.now();
    assert.throws(() => openXlsxPackage(bomb), refusedWith("package_ratio", /压缩比异常/));
    assert.ok(Date.now() - t0 < 2000);
  });

  it("inflates no more than a part declares: a part that lies about its size is damaged, not inflated in full", () => {
    const rows = Buffer.from("<row/>".repeat(100_000));
    const liar = rawZip([
      { name: "[Content_Types].xml", data: "<Types/>" },
      { name: "xl/worksheets/sheet1.xml", data: rows, declaredSize: 1000 },
    ]);
    const pkg = openXlsxPackage(liar);
    assert.throws(() => pkg.read("xl/worksheets/sheet1.xml"), refusedWith("package_corrupt", /比记录的大小更大/));
    return assert.rejects(
      pkg.stream("xl/worksheets/sheet1.xml", () => undefined),
      refusedWith("package_corrupt", /比记录的大小更大/),
    );
  });

  it("refuses a part whose CRC-32 does not match, when it is read or verified", async () => {
    const parts = await partsOf(valid);
    sheetPart(parts).crc = 12345;
    const pkg = openXlsxPackage(rawZip(parts));
    await assert.rejects(pkg.verifyAll(), refusedWith("package_corrupt", /数据校验失败/));
    await assert.rejects(pkg.jszip(), refusedWith("package_corrupt", /数据校验失败/));
  });

  it("refuses a DOCTYPE in any part's prolog when opening, and anywhere in a part when reading it", async () => {
    const doctype = '<?xml version="1.0"?>\n<!DOCTYPE lol [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>\n<workbook/>';
    const opened = await withParts(valid, (parts) => parts.map((p) => (p.name === "xl/workbook.xml" ? { ...p, data: doctype } : p)));
    assert.throws(() => openXlsxPackage(opened), refusedWith("package_doctype", /xl\/workbook\.xml.*DOCTYPE/));
    const inChart = await withParts(valid, (parts) => [...parts, { name: "xl/charts/chart1.xml", data: '<!-- c --><!doctype x SYSTEM "file:///etc/passwd"><c/>' }]);
    assert.throws(() => openXlsxPackage(inChart), refusedWith("package_doctype", /chart1\.xml/));
    const utf16 = await withParts(valid, (parts) => [...parts, { name: "xl/x.xml", data: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("<?xml version='1.0'?><!DOCTYPE x><x/>", "utf16le")]) }]);
    assert.throws(() => openXlsxPackage(utf16), refusedWith("package_doctype"));
    const late = await withParts(valid, (parts) => [...parts, { name: "xl/late.xml", data: "<a>" + "<b/>".repeat(50_000) + "<!DOCTYPE x></a>" }]);
    const pkg = openXlsxPackage(late);
    await assert.rejects(pkg.verifyAll(), refusedWith("package_doctype", /late\.xml/));
  });

  it("reads prologs: declaration, comments and instructions before the root; DOCTYPE; an endless prolog", () => {
    assert.equal(prologOf(Buffer.from('\ufeff<?xml version="1.0"?>\n<!-- x --><?pi y?><root/>')), "ok");
    assert.equal(prologOf(Buffer.from("<?xml?><!DOCTYPE r><r/>")), "doctype");
    assert.equal(prologOf(Buffer.from("<!-- never closed")), "open");
    assert.equal(prologOf(Buffer.from([0x89, 0x50, 0x4e, 0x47])), "ok", "a picture is not markup");
  });

  it("refuses two entries of the same name (also differing only in case): the last copy would win silently", async () => {
    const parts = await partsOf(valid);
    const twice = rawZip([...parts, { name: "xl/worksheets/sheet1.xml", data: "<worksheet/>" }]);
    assert.throws(() => openXlsxPackage(twice), refusedWith("package_duplicate_name", /两个同名部件“xl\/worksheets\/sheet1\.xml”/));
    const cased = rawZip([...parts, { name: "XL/Worksheets/Sheet1.xml", data: "<worksheet/>" }]);
    assert.throws(() => openXlsxPackage(cased), refusedWith("package_duplicate_name"));
  });

  for (const [what, name] of [
    ["a parent-folder step", "xl/../../evil.xml"],
    ["an absolute path", "/etc/evil.xml"],
    ["a backslash", "xl\\worksheets\\evil.xml"],
    ["a drive letter", "C:/evil.xml"],
    ["a control character", "xl/evil\u0007.xml"],
    ["an empty segment", "xl//evil.xml"],
  ] as const) {
    it(`refuses an entry name with ${what}, naming it without raw control characters`, async () => {
      const bytes = await withParts(valid, (parts) => [...parts, { name, data: "<x/>" }]);
      assert.throws(
        () => openXlsxPackage(bytes),
        refusedWith("package_unsafe_name", /不安全的文件名/),
      );
      try {
        openXlsxPackage(bytes);
      } catch (e) {
        assert.doesNotMatch((e as PackageRefused).reason, /[\u0000-\u001f]/);
      }
    });
  }

  it("refuses zip-level encryption and compression methods Excel does not use", async () => {
    const parts = await partsOf(valid);
    assert.throws(() => openXlsxPackage(rawZip(parts.map((p) => (p.name === "xl/styles.xml" ? { ...p, flags: 1 } : p)))), refusedWith("package_encrypted_entry", /已加密/));
  });

  it("refuses a damaged directory, data outside the file, and entries sharing their bytes", async () => {
    assert.throws(() => openXlsxPackage(valid.subarray(0, valid.length - 30)), refusedWith("package_corrupt", /文件已损坏/));
    const data = zlib.deflateRawSync(Buffer.from("<x/>".repeat(1000)));
    const a = rawZip([{ name: "a.xml", data: "<x/>".repeat(1000), rawDeflated: data }]);
    // Point a second directory entry at the first entry's bytes.
    const dirAt = a.readUInt32LE(a.length - 6);
    const central = a.subarray(dirAt, a.length - 22);
    const second = Buffer.from(central);
    second.write("b", 46); // same length name, other letter
    const end = Buffer.from(a.subarray(a.length - 22));
    end.writeUInt16LE(2, 8);
    end.writeUInt16LE(2, 10);
    end.writeUInt32LE(central.length * 2, 12);
    const overlapping = Buffer.concat([a.subarray(0, a.length - 22), second, end]);
    assert.throws(() => openXlsxPackage(overlapping), refusedWith("package_corrupt", /互相重叠/));
  });

  it("leaves out a sheet whose relationship points outside the package (or to a missing part), with a warning naming it", async () => {
    const bytes = await withParts(valid, (parts) =>
      parts.map((p) => {
        if (p.name !== "xl/_rels/workbook.xml.rels") return p;
        const xml = String(p.data).replace(/Target="[^"]*sheet2\.xml"/, 'Target="../../../../etc/passwd"');
        return { ...p, data: xml };
      }),
    );
    const pkg = openXlsxPackage(bytes);
    const wb = pkg.workbook();
    assert.deepEqual(
      wb.sheets.map((s) => s.name),
      ["企业培育库"],
    );
    assert.equal(wb.skipped.length, 1);
    assert.match(wb.skipped[0].reason, /工作表“说明”的数据位置指向工作簿文件之外/);
    const snapshot = await streamSnapshot(bytes);
    assert.deepEqual(
      snapshot.sheets.map((s) => s.name),
      ["企业培育库"],
    );
    assert.deepEqual(snapshot.warnings, [wb.skipped[0].reason]);
  });

  it("resolves relationship targets inside the package only", () => {
    assert.equal(resolveInside("xl/workbook.xml", "worksheets/sheet1.xml"), "xl/worksheets/sheet1.xml");
    assert.equal(resolveInside("xl/worksheets/sheet1.xml", "../drawings/d1.xml"), "xl/drawings/d1.xml");
    assert.equal(resolveInside("xl/workbook.xml", "/xl/worksheets/sheet1.xml"), "xl/worksheets/sheet1.xml");
    for (const outside of ["../../x.xml", "/../x.xml", "file:///etc/passwd", "http://example.invalid/x.xml", "//server/share/x.xml", "a//b.xml", "..\\x.xml", ""]) {
      assert.equal(resolveInside("xl/workbook.xml", outside), null, outside);
    }
  });
});

/**
 * The hostile corpus (issue 20.5): workbooks built to break a spreadsheet tool, each with what
 * every kj command that opens an .xlsx must do with it. Generated, never downloaded; the one
 * binary fixture is a real password-protected .xlsx (Agile encryption, password 123456).
 *
 *   npx tsx tests/hostile/corpus.ts DIR      writes the corpus into DIR (for trying by hand)
 *
 * tests/hostile/hostile.test.ts runs every command on every case in a child process and checks
 * the exit code, the Chinese message, the input byte-identical, no file left behind on a
 * refusal, and the child's peak memory.
 */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { safetyFixture } from "../safety/fixture";
import { writeSeedXlsx } from "../safety/hosts";
import { partsOf, rawZip, RawEntry } from "../support/zip";

/** What a command must do with a case. */
export type Expectation =
  /** Refused: exit 2, this message on stderr, no output written. */
  | { kind: "refused"; message: RegExp }
  /**
   * Processed like the clean ledger (same exit code unless `anyCode`), with this notice on stderr
   * (except from the `quiet` commands).
   */
  | { kind: "processed"; notice: RegExp; quiet?: string[]; anyCode?: boolean };

export interface HostileCase {
  name: string;
  what: string;
  file: string;
  expect: Expectation;
  /** What a particular command must do instead. */
  overrides?: Record<string, Expectation>;
}

/** The clean ledger every case starts from (all five ledgers of the sample, hostile strings included). */
export async function cleanLedger(file: string): Promise<Buffer> {
  await writeSeedXlsx(safetyFixture().seed, file);
  return fs.readFileSync(file);
}

/** The part holding a sheet's XML, by the sheet's position (exceljs writes sheetN.xml in order). */
const SHEET1 = "xl/worksheets/sheet1.xml";

function change(parts: RawEntry[], name: string, fn: (xml: string) => string): RawEntry[] {
  return parts.map((p) => (p.name === name ? { ...p, data: fn(String(p.data)) } : p));
}

/** Rows appended to the first sheet's data. */
function appendRows(parts: RawEntry[], rows: string): RawEntry[] {
  return change(parts, SHEET1, (xml) => xml.replace("</sheetData>", rows + "</sheetData>"));
}

/**
 * A deflate stream of `copies` x `chunk`, made without deflating it all: the chunk is deflated
 * once and ends with a full flush (so nothing after it refers back), copied, then an empty final block.
 */
function repeatedDeflate(chunk: Buffer, copies: number): { deflated: Buffer; crc: number; size: number } {
  const one = zlib.deflateRawSync(chunk, { level: 9, memLevel: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  let crc = 0;
  for (let i = 0; i < copies; i++) crc = zlib.crc32(chunk, crc);
  return { deflated: Buffer.concat([...new Array<Buffer>(copies).fill(one), Buffer.from([0x03, 0x00])]), crc, size: chunk.length * copies };
}

/** About 1 GiB of tiny rows in a sheet, deflated to a few MB: the sheet XML's head, the rows, its tail. */
function rowBomb(headXml: string, declaredSize: "honest" | number): RawEntry {
  const head = Buffer.from(headXml);
  const chunk = Buffer.from("<row/>".repeat((16 * 2 ** 20) / 8)); // 12 MiB
  const rows = repeatedDeflate(chunk, 86); // ~1 GiB
  const tail = Buffer.from("</sheetData></worksheet>");
  // head + rows + tail as one deflate stream: head and tail deflated with full flushes around the rows.
  const headZ = zlib.deflateRawSync(head, { finishFlush: zlib.constants.Z_FULL_FLUSH });
  const tailZ = zlib.deflateRawSync(tail);
  const body = rows.deflated.subarray(0, rows.deflated.length - 2); // without the empty final block
  const size = head.length + rows.size + tail.length;
  let crc = zlib.crc32(head);
  for (let i = 0; i < 86; i++) crc = zlib.crc32(chunk, crc);
  crc = zlib.crc32(tail, crc);
  return { name: SHEET1, data: Buffer.alloc(0), rawDeflated: Buffer.concat([headZ, body, tailZ]), declaredSize: declaredSize === "honest" ? size : declaredSize, crc };
}

/** The cases, written into `dir` (the clean ledger as clean.xlsx). */
export async function writeCorpus(dir: string): Promise<{ clean: string; cases: HostileCase[] }> {
  fs.mkdirSync(dir, { recursive: true });
  const clean = path.join(dir, "clean.xlsx");
  const bytes = await cleanLedger(clean);
  const parts = await partsOf(bytes);
  const sheetXml = String(parts.find((p) => p.name === SHEET1)?.data);
  const sheetHead = sheetXml.slice(0, sheetXml.indexOf("<sheetData>") + "<sheetData>".length);
  const cases: HostileCase[] = [];
  const add = (name: string, what: string, data: Buffer, expect: Expectation, overrides?: Record<string, Expectation>) => {
    const file = path.join(dir, `${name}.xlsx`);
    fs.writeFileSync(file, data);
    cases.push(overrides ? { name, what, file, expect, overrides } : { name, what, file, expect });
  };
  const OUTSIDE = /提示：工作表“人才”的数据位置指向工作簿文件之外（\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd），为安全起见已跳过该工作表/;
  const far = /提示：工作表“企业培育库”中有 1 个单元格远离表格（表格在 [A-Z]+\d+:[A-Z]+\d+），没有读取/;

  // kj recalc works on the sheet XML and never builds a table: it has nothing to say about far cells.
  add("far-cell-xfd", "the sample ledger plus one cell at XFD1048576", rawZip(appendRows(parts, '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>误输入</t></is></c></row>')), {
    kind: "processed",
    notice: far,
    quiet: ["recalc"],
  });
  // Past Excel's last row: the streamed reader leaves the cell out; exceljs (upkeep --remove today) refuses it.
  add(
    "far-cell-row-999999999",
    "the sample ledger plus one cell at row 999,999,999",
    rawZip(appendRows(parts, '<row r="999999999"><c r="A999999999"><v>1</v></c></row>')),
    { kind: "processed", notice: far, quiet: ["recalc"] },
    { upkeep: { kind: "refused", message: /工作表“企业培育库”中有第 999999999 行的单元格，超出 Excel 的最大行数 1,048,576/ } },
  );
  const diagonal = Array.from({ length: 60 }, (_, i) => `<row r="${200 + i * 900}"><c r="${colLetters(40 + i * 90)}${200 + i * 900}"><v>${i}</v></c></row>`).join("");
  // kj recalc needs no table (it evaluates formula cells and what they refer to): it has no limit to apply.
  add(
    "sparse-diagonal",
    "60 cells spread every 900 rows and 90 columns (a table of 53,300 x 5,350 cells of real data)",
    rawZip(appendRows(parts, diagonal)),
    { kind: "refused", message: /工作表“企业培育库”的数据区域 A1:GWT53300 有 53,300 行 × 5,350 列，超过可处理的上限 2,000 万个单元格/ },
    { recalc: { kind: "processed", notice: /^$/, quiet: ["recalc"] } },
  );
  add("row-bomb", "3 MB holding about 1 GiB of tiny rows (honest sizes)", rawZip(parts.map((p) => (p.name === SHEET1 ? rowBomb(sheetHead, "honest") : p))), {
    kind: "refused",
    message: /压缩比异常/,
  });
  add("row-bomb-lying", "the same rows, the directory claiming 8 MB", rawZip(parts.map((p) => (p.name === SHEET1 ? rowBomb(sheetHead, 8 * 2 ** 20) : p))), {
    kind: "refused",
    message: /文件已损坏（部件“xl\/worksheets\/sheet1\.xml”解压后比记录的大小更大）/,
  });
  add(
    "doctype-entities",
    "workbook.xml with a DOCTYPE and nested entities",
    rawZip(change(parts, "xl/workbook.xml", (xml) => xml.replace(/^(<\?xml[^>]*\?>)?/, (d) => `${d}<!DOCTYPE workbook [<!ENTITY a "xxxxxxxxxx"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>`))),
    { kind: "refused", message: /部件“xl\/workbook\.xml”含有 DOCTYPE 声明/ },
  );
  add("doctype-in-unread-part", "a DOCTYPE in a part no command reads (a chart)", rawZip([...parts, { name: "xl/charts/chart1.xml", data: '<?xml version="1.0"?><!DOCTYPE c SYSTEM "file:///etc/passwd"><c/>' }]), {
    kind: "refused",
    message: /部件“xl\/charts\/chart1\.xml”含有 DOCTYPE 声明/,
  });
  add("name-parent", "an entry named ../../evil.sh", rawZip([...parts, { name: "../../evil.sh", data: "echo x" }]), { kind: "refused", message: /不安全的文件名“\.\.\/\.\.\/evil\.sh”/ });
  add("name-absolute", "an entry named /etc/cron.d/evil", rawZip([...parts, { name: "/etc/cron.d/evil", data: "x" }]), { kind: "refused", message: /不安全的文件名“\/etc\/cron\.d\/evil”（绝对路径）/ });
  add("name-control", "an entry name with a terminal escape", rawZip([...parts, { name: "xl/\u001b[2Jevil.xml", data: "<x/>" }]), { kind: "refused", message: /不安全的文件名“xl\/\\u001b\[2Jevil\.xml”/ });
  add("duplicate-sheet", "two entries named xl/worksheets/sheet1.xml (the second empty)", rawZip([...parts, { name: SHEET1, data: sheetHead + "</sheetData></worksheet>" }]), {
    kind: "refused",
    message: /两个同名部件“xl\/worksheets\/sheet1\.xml”/,
  });
  add(
    "sheet-outside",
    "the 人才 sheet's relationship pointing outside the package",
    rawZip(change(parts, "xl/_rels/workbook.xml.rels", (xml) => xml.replace(/Target="[^"]*sheet3\.xml"/, 'Target="../../../../../etc/passwd"'))),
    { kind: "processed", notice: OUTSIDE },
    // Without 奖励 (whose formulas give error values) recalc has no error left to report.
    { recalc: { kind: "processed", notice: OUTSIDE, anyCode: true } },
  );
  add("too-many-entries", "10,001 entries", rawZip([...parts, ...Array.from({ length: 10_001 - parts.length }, (_, i) => ({ name: `xl/media/x${i}.bin`, data: "", method: 0 as const }))]), {
    kind: "refused",
    message: /10001 个部件，超过上限 10000 个/,
  });
  add("crc", "a sheet whose CRC-32 does not match", rawZip(parts.map((p) => (p.name === SHEET1 ? { ...p, crc: 0xdeadbeef } : p))), {
    kind: "refused",
    message: /文件已损坏（部件“xl\/worksheets\/sheet1\.xml”的数据校验失败）/,
  });
  add("size-mismatch", "a sheet whose directory size is larger than its data", rawZip(parts.map((p) => (p.name === SHEET1 ? { ...p, declaredSize: Buffer.byteLength(String(p.data)) + 10 } : p))), {
    kind: "refused",
    message: /文件已损坏（部件“xl\/worksheets\/sheet1\.xml”的大小与记录不符）/,
  });
  // kj recalc rewrites cached values in the sheet XML without parsing it as a whole: it copies
  // the broken part as it is (a known gap: checking well-formedness would cost a full XML parse).
  add(
    "bad-xml",
    "a sheet that is not well-formed XML",
    rawZip(change(parts, SHEET1, (xml) => xml.replace("</sheetData>", "<row><c></sheetData>"))),
    { kind: "refused", message: /文件已损坏（部件“xl\/worksheets\/sheet1\.xml”的 XML 格式有误/ },
    { recalc: { kind: "processed", notice: /^$/, anyCode: true } },
  );
  add("encrypted", "a real password-protected .xlsx (OLE with EncryptionInfo)", fs.readFileSync(path.join(__dirname, "fixtures", "encrypted-agile.xlsx")), {
    kind: "refused",
    message: /文件设有打开密码，请先取消密码后另存/,
  });
  return { clean, cases };
}

function colLetters(col: number): string {
  let s = "";
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) {
    console.error("usage: npx tsx tests/hostile/corpus.ts DIR");
    process.exit(2);
  }
  writeCorpus(dir).then(({ cases }) => {
    for (const c of cases) console.log(`${path.basename(c.file)}\t${fs.statSync(c.file).size} bytes\t${c.what}`);
  });
}

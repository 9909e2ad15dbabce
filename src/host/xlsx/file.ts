/**
 * Opening and saving .xlsx files for the CLI, safely: a file that is not a usable workbook
 * is recognised before exceljs sees it and refused with a Chinese message saying what the
 * file is and what to do (exit 2); saving writes a temporary file in the same folder and
 * renames it into place, so a failure never leaves a half-written file, and the input is
 * only replaced with --in-place (after keeping a .bak copy).
 */
import ExcelJS from "exceljs";
import * as fs from "fs";
import * as path from "path";
import { Transform, Writable } from "stream";
import { CliError, fileErrorReason, isKjError } from "../../errors";
import { MARK_REGISTRY_SHEET } from "../marks";
import { ProgressFn, WorkbookSnapshot } from "../port";
import { isPackageRefused, openXlsxPackage, readZipDirectory, XlsxPackage } from "./package";
import { streamSnapshot } from "./stream";

export type SpreadsheetFileKind =
  | "xlsx"
  | "empty"
  | "csv"
  | "html"
  | "xml2003"
  | "ole-encrypted"
  | "ole-legacy"
  | "ole-word"
  | "zip-corrupt"
  | "xlsb"
  | "ods"
  | "docx"
  | "pptx"
  | "zip-other"
  | "unknown";

/** What a file's bytes say it is, with the message to show when it is not a usable .xlsx. */
export interface Sniffed {
  kind: SpreadsheetFileKind;
  message?: string;
}

const SAVE_AS = "请在 Excel 或 WPS 表格中打开它，另存为“Excel 工作簿 (*.xlsx)”后再试";

const MESSAGES: Record<Exclude<SpreadsheetFileKind, "xlsx">, string> = {
  empty: "文件是空的（0 字节），可能没有保存完整或下载失败，请重新获取该文件",
  csv: "这是 CSV 文本文件，请在 Excel/WPS 中另存为 .xlsx",
  html: `这是网页（HTML）格式的表格，只是扩展名像 Excel 文件。${SAVE_AS}`,
  xml2003: `这是 Excel 2003 XML 表格。${SAVE_AS}`,
  "ole-encrypted": "文件设有打开密码，请先取消密码后另存为 .xlsx 再试（在 Excel/WPS 中打开，文件 → 信息/文档加密 → 清除密码）",
  "ole-legacy": "这是旧版 .xls/.et 文件，请另存为 .xlsx",
  "ole-word": "这是 Word 文档（.doc），不是表格文件，请选择台账工作簿（.xlsx）",
  "zip-corrupt": "文件已损坏（压缩结构不完整），无法读取。请用 Excel/WPS 打开修复后另存为 .xlsx，或换用备份文件",
  xlsb: `这是 Excel 二进制工作簿（.xlsb）。${SAVE_AS}`,
  ods: `这是 OpenDocument 表格（.ods）。${SAVE_AS}`,
  docx: "这是 Word 文档（.docx），不是表格文件，请选择台账工作簿（.xlsx）",
  pptx: "这是 PowerPoint 演示文稿，不是表格文件，请选择台账工作簿（.xlsx）",
  "zip-other": "这是一个压缩包，但里面不是 Excel 工作簿，请选择台账工作簿（.xlsx）",
  unknown: `无法识别的文件格式，不是 Excel 工作簿（.xlsx）。${SAVE_AS}`,
};

const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** Recognises a file from its bytes (no extension trust). */
export function sniffSpreadsheet(bytes: Buffer): Sniffed {
  const kind = sniffKind(bytes);
  return kind === "xlsx" ? { kind } : { kind, message: MESSAGES[kind] };
}

function sniffKind(b: Buffer): SpreadsheetFileKind {
  if (b.length === 0) return "empty";
  if (b.length >= 8 && b.subarray(0, 8).equals(OLE_MAGIC)) {
    const names = oleStreamNames(b);
    if (names.includes("EncryptionInfo") || names.includes("EncryptedPackage")) return "ole-encrypted";
    if (names.includes("WordDocument")) return "ole-word";
    // A legacy .xls with an open password: the workbook stream starts BOF, then FILEPASS.
    if (legacyWorkbookEncrypted(b)) return "ole-encrypted";
    return "ole-legacy";
  }
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5 || b[2] === 7)) {
    const names = zipEntryNames(b);
    if (names === null) return "zip-corrupt";
    const has = (n: string) => names.some((x) => x.toLowerCase() === n);
    if (has("xl/workbook.xml") && has("[content_types].xml")) return "xlsx";
    if (has("xl/workbook.bin")) return "xlsb";
    if (has("mimetype") && has("content.xml")) return "ods";
    if (has("word/document.xml")) return "docx";
    if (has("ppt/presentation.xml")) return "pptx";
    return "zip-other";
  }
  return sniffText(b);
}

/** Text files: HTML "xls", SpreadsheetML 2003, CSV/TSV; anything else binary is unknown. */
function sniffText(b: Buffer): SpreadsheetFileKind {
  const head = b.subarray(0, Math.min(b.length, 8192));
  const utf16 = head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff));
  const text = utf16 ? head.toString("utf16le") : head.toString("latin1");
  if (!utf16 && head.includes(0)) return "unknown";
  const lower = text.replace(/^\uFEFF|^\xEF\xBB\xBF/, "").trimStart().slice(0, 2048).toLowerCase();
  if (lower.startsWith("<!doctype html") || lower.startsWith("<html") || lower.includes("<table")) return "html";
  if (lower.startsWith("<?xml")) return lower.includes("urn:schemas-microsoft-com:office:spreadsheet") || lower.includes("<workbook") ? "xml2003" : "unknown";
  let control = 0;
  for (const c of head) if (c < 0x09 || (c > 0x0d && c < 0x20 && c !== 0x1b)) control++;
  if (control > head.length / 100) return "unknown";
  return /[,\t;\n]/.test(text) ? "csv" : "unknown";
}

/**
 * Names in a zip's central directory, or null when the directory cannot be found or read
 * (a truncated or corrupted file).
 */
export function zipEntryNames(b: Buffer): string[] | null {
  try {
    return readZipDirectory(b, Number.MAX_SAFE_INTEGER).map((e) => e.name);
  } catch {
    return null;
  }
}

/**
 * Stream names in an OLE compound file's directory (MS-CFB): the FAT is read from the header's
 * DIFAT (and its chain), then the directory chain is followed. When the structure cannot be
 * followed, the names are found by scanning for the UTF-16 strings that matter.
 */
export function oleStreamNames(b: Buffer): string[] {
  try {
    return oleDirectory(b);
  } catch {
    const found: string[] = [];
    for (const n of ["EncryptionInfo", "EncryptedPackage", "WordDocument", "Workbook", "Book"]) {
      if (b.includes(Buffer.from(n, "utf16le"))) found.push(n);
    }
    return found;
  }
}

/**
 * Whether an OLE file's "Workbook" (or "Book") stream, when it lies in regular sectors, holds a
 * FILEPASS record (0x002F) among its first records: a legacy .xls with an open password.
 * False when the structure cannot be followed.
 */
export function legacyWorkbookEncrypted(b: Buffer): boolean {
  try {
    const shift = b.readUInt16LE(0x1e);
    if (shift !== 9 && shift !== 12) return false;
    const size = 1 << shift;
    const cutoff = b.readUInt32LE(0x38);
    const dirStart = b.readUInt32LE(0x30);
    // The first directory sector is enough: the root and the workbook stream come first.
    const dirAt = (dirStart + 1) * size;
    for (let e = 0; e < size / 128 && dirAt + (e + 1) * 128 <= b.length; e++) {
      const at = dirAt + e * 128;
      const len = b.readUInt16LE(at + 0x40);
      if (len < 2 || len > 64) continue;
      const name = b.toString("utf16le", at, at + len - 2);
      if (name !== "Workbook" && name !== "Book") continue;
      const start = b.readUInt32LE(at + 0x74);
      const streamSize = b.readUInt32LE(at + 0x78);
      if (streamSize < cutoff || start >= 0xfffffffa) return false;
      const data = b.subarray((start + 1) * size, Math.min(b.length, (start + 2) * size));
      for (let p = 0, n = 0; p + 4 <= data.length && n < 8; n++) {
        const type = data.readUInt16LE(p);
        if (type === 0x002f) return true;
        p += 4 + data.readUInt16LE(p + 2);
      }
      return false;
    }
  } catch {
    return false;
  }
  return false;
}

function oleDirectory(b: Buffer): string[] {
  const END = 0xfffffffe;
  const shift = b.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) throw new Error("sector size");
  const size = 1 << shift;
  const sectorOffset = (n: number) => (n + 1) * size;
  const fatSectors: number[] = [];
  for (let i = 0; i < 109; i++) {
    const s = b.readUInt32LE(0x4c + i * 4);
    if (s < END - 2) fatSectors.push(s);
  }
  let difat = b.readUInt32LE(0x44);
  for (let guard = 0; difat < END - 2 && guard < 10_000; guard++) {
    const at = sectorOffset(difat);
    for (let i = 0; i < size / 4 - 1; i++) {
      const s = b.readUInt32LE(at + i * 4);
      if (s < END - 2) fatSectors.push(s);
    }
    difat = b.readUInt32LE(at + size - 4);
  }
  const fatAt = (n: number): number => {
    const perSector = size / 4;
    const sector = fatSectors[Math.floor(n / perSector)];
    if (sector === undefined) throw new Error("fat");
    return b.readUInt32LE(sectorOffset(sector) + (n % perSector) * 4);
  };
  const names: string[] = [];
  let dir = b.readUInt32LE(0x30);
  for (let guard = 0; dir < END - 2 && guard < 100_000; guard++) {
    const at = sectorOffset(dir);
    if (at + size > b.length) throw new Error("truncated");
    for (let e = 0; e < size / 128; e++) {
      const entry = at + e * 128;
      const len = b.readUInt16LE(entry + 0x40);
      if (len >= 2 && len <= 64) names.push(b.toString("utf16le", entry, entry + len - 2));
    }
    dir = fatAt(dir);
  }
  if (names.length === 0) throw new Error("no entries");
  return names;
}

/**
 * The refusal of a file that passed sniffing but cannot be read: the package's own reason
 * (src/host/xlsx/package.ts) when it gave one, else a Chinese description of what failed.
 * Never a library's English message.
 */
export function unreadable(filePath: string, e: unknown): CliError {
  if (e instanceof CliError) return e;
  const name = path.basename(filePath);
  if (isPackageRefused(e)) return new CliError(e.code, `无法打开“${name}”：${e.reason}`);
  if (isKjError(e)) return new CliError(e.code, `无法处理“${name}”：${e.message}`);
  return new CliError("xlsx_unreadable", `无法读取“${name}”：文件内容已损坏或不是标准的 .xlsx（${readFailure(e)}）。请用 Excel/WPS 打开后重新另存为 .xlsx`);
}

/** What a reader's error says, in Chinese: where an XML parser stopped, or the kind of failure. */
function readFailure(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const at = /(\d+):(\d+):/.exec(message);
  if (e instanceof RangeError || /heap|allocation|memory/i.test(message)) return "内容超出可处理的范围";
  if (at) return `XML 格式错误，第 ${at[1]} 行第 ${at[2]} 列附近`;
  if (/crc|size mismatch|zip|deflate|inflate|compress/i.test(message)) return "压缩数据不完整或校验失败";
  if (/xml|tag|attribute|entity|element/i.test(message)) return "XML 格式错误";
  return "内部结构无法识别";
}

export interface SnapshotOptions {
  /** Only these sheets (by name); default every sheet. */
  sheets?: readonly string[];
  /** Bytes while reading the file, then rows while parsing each sheet (total 0: unknown). */
  progress?: ProgressFn;
}

/**
 * A read-only snapshot of every sheet, streamed (src/host/xlsx/stream.ts) instead of building
 * the full exceljs workbook model: for checking large ledgers without writing (100,000 x 50
 * cells in well under 1 GB instead of several GB). Values are what XlsxHost.readSheet gives;
 * formulas are reported where the cell holds its own formula text (cells sharing another
 * cell's formula give their cached value only). The mark registry is left out unless asked for.
 */
export async function readXlsxSnapshot(filePath: string, options: SnapshotOptions = {}): Promise<WorkbookSnapshot> {
  return snapshotOfXlsxBytes(filePath, await readXlsxBytes(filePath, { progress: options.progress }), options);
}

/**
 * readXlsxSnapshot over bytes already read with readXlsxBytes (for a caller that also writes a
 * copy of the package, e.g. kj check --out); a damaged package gives the same Chinese message.
 */
export async function snapshotOfXlsxBytes(filePath: string, bytes: Buffer, options: SnapshotOptions = {}): Promise<WorkbookSnapshot> {
  try {
    return await streamSnapshot(bytes, {
      sheets: options.sheets ? new Set(options.sheets) : null,
      skip: options.sheets ? undefined : new Set([MARK_REGISTRY_SHEET]),
      progress: options.progress,
    });
  } catch (e) {
    throw unreadable(filePath, e);
  }
}

export interface OpenOptions {
  /** Called while reading (bytes) and around parsing; parsing itself reports start and end. */
  progress?: ProgressFn;
}

/**
 * Opens an .xlsx file, refusing anything else with a CliError (exit 2) whose message says
 * what the file is and what to do. The file is only read.
 */
export async function openXlsx(filePath: string, options: OpenOptions = {}): Promise<ExcelJS.Workbook> {
  const bytes = await readXlsxBytes(filePath, options);
  const workbook = new ExcelJS.Workbook();
  options.progress?.(0, 1, "解析工作簿");
  try {
    // exceljs inflates every part: check them all first (sizes, CRC, no DOCTYPE).
    const pkg = openXlsxPackage(bytes);
    await pkg.verifyAll();
    const outside = await rowBeyondExcel(pkg);
    if (outside) {
      throw new CliError(
        "row_beyond_excel",
        `无法用这条命令处理“${path.basename(filePath)}”：工作表“${outside.sheet}”中有第 ${outside.row} 行的单元格，超出 Excel 的最大行数 1,048,576（文件内容异常，Excel 打开时也会提示修复）。请用 Excel/WPS 打开修复后另存为 .xlsx，再试`,
      );
    }
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  } catch (e) {
    throw unreadable(filePath, e);
  }
  options.progress?.(1, 1, "解析工作簿");
  return workbook;
}

/**
 * The first sheet holding a row past Excel's last row (1,048,576), if any. exceljs' model keeps
 * rows in an array indexed by row number and walks it end to end: a cell at row 999,999,999
 * would take it minutes and gigabytes. (The streamed reader leaves such a cell out of the table
 * and says so; only the exceljs path refuses it.)
 */
async function rowBeyondExcel(pkg: XlsxPackage): Promise<{ sheet: string; row: number } | null> {
  for (const s of pkg.workbook().sheets) {
    let carry = "";
    let found = 0;
    await pkg.stream(s.path, (chunk) => {
      if (found) return;
      const text = carry + chunk.toString("latin1");
      for (const m of text.matchAll(/<(?:\w+:)?row\b[^>]*?\br="(\d{7,})"/g)) {
        if (Number(m[1]) > 1_048_576) {
          found = Number(m[1]);
          return;
        }
      }
      carry = text.slice(-200);
    });
    if (found) return { sheet: s.name, row: found };
  }
  return null;
}

/**
 * Reads an .xlsx file's bytes after the same checks as openXlsx, without parsing it (for
 * callers that work on the zip package itself, e.g. kj recalc on large files): what the bytes
 * are (sniffSpreadsheet), then the package policy every command shares (openXlsxPackage:
 * entry count, sizes, compression ratio, names, DOCTYPE), in milliseconds.
 */
export async function readXlsxBytes(filePath: string, options: OpenOptions = {}): Promise<Buffer> {
  const bytes = await readAll(filePath, options.progress);
  const sniffed = sniffSpreadsheet(bytes);
  if (sniffed.kind !== "xlsx") {
    throw new CliError(`not_xlsx_${sniffed.kind.replace(/-/g, "_")}`, `无法打开“${path.basename(filePath)}”：${sniffed.message}`);
  }
  try {
    openXlsxPackage(bytes);
  } catch (e) {
    throw unreadable(filePath, e);
  }
  return bytes;
}

async function readAll(filePath: string, progress?: ProgressFn): Promise<Buffer> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(filePath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new CliError("file_not_found", `找不到文件“${filePath}”，请检查路径和文件名`);
    if (code === "EACCES" || code === "EPERM") throw new CliError("file_no_access", `没有权限读取“${filePath}”`);
    throw new CliError("file_unreadable", `无法读取“${filePath}”：${fileErrorReason(e)}`);
  }
  if (stat.isDirectory()) throw new CliError("file_is_directory", `“${filePath}”是一个文件夹，请指定台账工作簿文件（.xlsx）`);
  const total = stat.size;
  const chunks: Buffer[] = [];
  let done = 0;
  try {
    const stream = fs.createReadStream(filePath, { highWaterMark: 1 << 20 });
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      done += (chunk as Buffer).length;
      progress?.(done, total, "读取文件");
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM") throw new CliError("file_no_access", `没有权限读取“${filePath}”`);
    throw new CliError("file_unreadable", `无法读取“${filePath}”：${fileErrorReason(e)}`);
  }
  return Buffer.concat(chunks, done);
}

export interface SaveOptions {
  /** The file the workbook was opened from: the output must differ unless inPlace. */
  inputPath?: string;
  /** Replace the input file (a .bak copy of it is kept first). */
  inPlace?: boolean;
  /** Bytes written so far (total unknown: 0). */
  progress?: ProgressFn;
}

function sameFile(a: string, b: string): boolean {
  const ra = path.resolve(a);
  const rb = path.resolve(b);
  if (ra === rb) return true;
  try {
    const sa = fs.statSync(ra);
    const sb = fs.statSync(rb);
    return sa.ino === sb.ino && sa.dev === sb.dev;
  } catch {
    return false;
  }
}

/**
 * Saves a workbook: a temporary file in the output folder, then a rename, so the output is
 * either complete or untouched. Returns the path written (and the .bak path with inPlace).
 */
export async function saveXlsxAtomic(workbook: ExcelJS.Workbook, outPath: string, options: SaveOptions = {}): Promise<{ path: string; backup?: string }> {
  return saveStreamAtomic(
    async (stream) => {
      const restoreText = protectTextForXml(workbook);
      try {
        await workbook.xlsx.write(stream);
      } finally {
        restoreText();
      }
    },
    outPath,
    options,
  );
}

/**
 * Saves whatever `write` puts into the stream (e.g. a package rewritten at zip level) with the
 * same rules as saveXlsxAtomic: the same refusals (output is the input without inPlace, missing
 * or unwritable folder, a folder as output), a temporary file renamed into place, a .bak of the
 * input with inPlace, nothing left behind on failure. `write` must not end the stream.
 */
export async function saveStreamAtomic(write: (stream: Writable) => Promise<void>, outPath: string, options: SaveOptions = {}): Promise<{ path: string; backup?: string }> {
  const target = path.resolve(outPath);
  const isInput = options.inputPath !== undefined && sameFile(options.inputPath, target);
  if (isInput && !options.inPlace) {
    throw new CliError(
      "output_is_input",
      `输出文件不能与输入文件相同（${outPath}）：原文件不会被修改。请用 --out 指定另一个文件名，或加 --in-place 直接修改原文件（会先保留 .bak 备份）`,
    );
  }
  const dir = path.dirname(target);
  let dirStat: fs.Stats;
  try {
    dirStat = fs.statSync(dir);
  } catch {
    throw new CliError("output_dir_missing", `保存位置的文件夹不存在：${dir}，请先建立该文件夹或换一个位置`);
  }
  if (!dirStat.isDirectory()) throw new CliError("output_dir_missing", `保存位置不是文件夹：${dir}`);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new CliError("output_not_writable", `没有权限写入文件夹：${dir}，请换一个可以写入的位置`);
  }
  if (fs.existsSync(target) && fs.statSync(target).isDirectory()) {
    throw new CliError("output_is_directory", `输出路径“${outPath}”是一个文件夹，请写出文件名，例如 结果.xlsx`);
  }

  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.kj-tmp`);
  try {
    await writeToFile(write, temp, options.progress);
    let backup: string | undefined;
    if (isInput) {
      backup = target + ".bak";
      fs.copyFileSync(target, backup);
    }
    fs.renameSync(temp, target);
    return backup ? { path: target, backup } : { path: target };
  } catch (e) {
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      /* nothing more to clean up */
    }
    if (e instanceof CliError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOSPC" ? "磁盘空间不足" : code === "EACCES" || code === "EPERM" ? "没有写入权限，或文件正被其他程序（如 Excel/WPS）打开" : code === "EBUSY" ? "文件正被其他程序（如 Excel/WPS）打开，请先关闭" : fileErrorReason(e);
    throw new CliError("write_failed", `保存“${outPath}”失败：${why}。没有留下不完整的文件`);
  }
}

const NEEDS_ESCAPE = /\r|_x[0-9A-Fa-f]{4}_/;

/**
 * exceljs writes a carriage return raw, which every XML reader turns into a line feed, and
 * writes a literal "_x000D_" unescaped, which Excel reads as a carriage return. Before a save,
 * such strings get OOXML's escapes (CR -> _x000D_, a literal _xHHHH_ -> _x005F_xHHHH_), which
 * Excel and exceljs both decode back; afterwards the workbook in memory is put back as it was.
 */
function protectTextForXml(workbook: ExcelJS.Workbook): () => void {
  const changed: { cell: ExcelJS.Cell; value: string }[] = [];
  for (const ws of workbook.worksheets) {
    ws.eachRow({ includeEmpty: false }, (row) =>
      row.eachCell({ includeEmpty: false }, (cell) => {
        if (cell.type === ExcelJS.ValueType.Merge) return; // its master holds (and gets) the text
        const v = cell.value;
        if (typeof v !== "string" || !NEEDS_ESCAPE.test(v)) return;
        changed.push({ cell, value: v });
        cell.value = v.replace(/_x([0-9A-Fa-f]{4})_/g, "_x005F_x$1_").replace(/\r/g, "_x000D_");
      }),
    );
  }
  return () => changed.forEach(({ cell, value }) => (cell.value = value));
}

async function writeToFile(write: (stream: Writable) => Promise<void>, file: string, progress?: ProgressFn): Promise<void> {
  const out = fs.createWriteStream(file, { flags: "wx" });
  let written = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      written += chunk.length;
      progress?.(written, 0, "写入文件");
      cb(null, chunk);
    },
  });
  // "close" comes after the data is flushed and the descriptor released (so rename is safe on Windows).
  const closed = new Promise<void>((resolve, reject) => {
    out.on("close", () => resolve());
    out.on("error", reject);
    counter.on("error", reject);
  });
  closed.catch(() => undefined); // awaited below; a failed write must not surface as unhandled
  counter.pipe(out);
  try {
    // A writer that waits for the stream to drain would wait forever once the file cannot be
    // written (e.g. it cannot even be created): the failure ends the wait.
    await Promise.race([write(counter), closed]);
    counter.end();
    await closed;
  } catch (e) {
    // Let the file descriptor close (the file may still be opening) before the caller removes it.
    counter.destroy();
    out.destroy();
    if (!out.closed) await new Promise<void>((resolve) => out.once("close", () => resolve()));
    throw e;
  }
}

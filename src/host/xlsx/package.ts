/**
 * The one way into an .xlsx package (a ZIP holding OPC parts), for every command that reads or
 * writes one: the streamed reader, the package writers (marks, edits, recalc) and the exceljs
 * fallback all start from `openXlsxPackage(bytes)`, so every command refuses the same files with
 * the same Chinese message.
 *
 * Opening (synchronous, milliseconds; nothing is inflated beyond the first few KB of each part):
 * - the central directory is read; a damaged one is refused as a damaged file;
 * - at most `maxEntries` entries; names must be safe (no absolute path, drive letter, "..", ".",
 *   empty segment, backslash or control character) and unique (case-insensitively, as OPC part
 *   names are); no zip-level encryption, only stored or deflated entries, no overlapping data;
 * - the declared uncompressed size of each part is at most `maxPartBytes`, all parts together at
 *   most `maxTotalBytes`, and the compression ratio of a part (above `ratioGrace`) and of the
 *   whole file (above `totalRatioGrace`) at most `maxRatio`;
 * - every markup part's prolog is read: a DOCTYPE (entity declarations, "billion laughs") is
 *   refused, and so is a prolog that does not reach its root element within its first bytes.
 * Reading a part (`read`, `text`, `stream`) inflates it under its declared size (inflating stops
 * the moment it would exceed it), then checks its CRC-32 and that it holds no DOCTYPE anywhere.
 * `verifyAll` does that for every part without keeping them (before exceljs loads the bytes, or
 * a writer copies untouched parts into its output); `jszip` gives the writers a JSZip over the
 * same, verified bytes. The workbook's sheet list (`workbook`) resolves each sheet's
 * relationship inside the package; a sheet pointing elsewhere, or to a missing part, is left out
 * with a warning naming it.
 *
 * Opening the same Buffer twice gives the same package object (and its verification), so a
 * command that reads a snapshot and then writes pays for each check once.
 */
import JSZip from "jszip";
import * as zlib from "zlib";
import { readWorkbookStructure, WorkbookStructure } from "./ooxml";

/** How much a package may hold. */
export interface PackageLimits {
  /** Entries in the zip (parts and folders). */
  maxEntries: number;
  /** Uncompressed bytes of one part (below V8's largest string, which the package writers need). */
  maxPartBytes: number;
  /** Uncompressed bytes of all parts together. */
  maxTotalBytes: number;
  /** Uncompressed : compressed, per part and for the whole file. */
  maxRatio: number;
  /** A part up to this size is not held to maxRatio (small XML parts compress very well). */
  ratioGrace: number;
  /** The whole file is not held to maxRatio below this many uncompressed bytes. */
  totalRatioGrace: number;
}

/**
 * The limits every command uses. Real ledgers compress about 5-20 : 1 (a 100,000 x 52 ledger:
 * 28.8 MB holding a 143 MB sheet); a "zip bomb" of repeated empty rows compresses 300-1000 : 1.
 * 500 MiB of sheet XML is about 350,000 rows x 52 columns.
 */
export const PACKAGE_LIMITS: PackageLimits = Object.freeze({
  maxEntries: 10_000,
  maxPartBytes: 500 * 2 ** 20,
  maxTotalBytes: 1024 * 2 ** 20,
  maxRatio: 100,
  ratioGrace: 2 ** 20,
  totalRatioGrace: 16 * 2 ** 20,
});

/** Why a package was refused: a stable `code` and a Chinese `reason` (the caller adds the file name). */
export class PackageRefused extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = "PackageRefused";
  }
}

export function isPackageRefused(e: unknown): e is PackageRefused {
  return e instanceof PackageRefused;
}

const RESAVE = "请用 Excel 或 WPS 表格打开后另存为 .xlsx 再试";
const DAMAGED = "请用 Excel/WPS 打开修复后另存为 .xlsx，或换用备份文件";

/** A name as it may be shown in a message: control characters escaped, at most 80 characters. */
export function shownPartName(name: string): string {
  const safe = name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return safe.length > 80 ? safe.slice(0, 77) + "…" : safe;
}

function mib(n: number): string {
  return n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GB` : `${Math.max(0.1, n / 2 ** 20).toFixed(1)} MB`;
}

function damaged(what: string): PackageRefused {
  return new PackageRefused("package_corrupt", `文件已损坏（${what}），无法读取。${DAMAGED}`);
}

/** One zip entry, as its central directory records it. */
export interface ZipEntry {
  name: string;
  /** A folder entry (name ending in "/", nothing in it). */
  dir: boolean;
  /** 0 stored, 8 deflated. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  /** Declared uncompressed size: the most inflating may give (and exactly what it must give). */
  size: number;
  localOffset: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;

/**
 * The entries of a zip's central directory; throws PackageRefused("package_corrupt") when it
 * cannot be found or read, and ("package_too_many_entries") past `maxEntries` before reading them.
 */
export function readZipDirectory(b: Buffer, maxEntries: number = PACKAGE_LIMITS.maxEntries): ZipEntry[] {
  const minEocd = 22;
  if (b.length < minEocd) throw damaged("压缩结构不完整");
  let eocd = -1;
  for (let i = b.length - minEocd; i >= Math.max(0, b.length - minEocd - 0xffff); i--) {
    if (b.readUInt32LE(i) === SIG_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw damaged("压缩结构不完整，找不到文件目录");
  let count = b.readUInt16LE(eocd + 10);
  let offset = b.readUInt32LE(eocd + 16);
  if ((count === 0xffff || offset === 0xffffffff) && eocd >= 20 && b.readUInt32LE(eocd - 20) === SIG_EOCD64_LOCATOR) {
    const z64 = Number(b.readBigUInt64LE(eocd - 20 + 8));
    if (z64 + 56 > b.length || b.readUInt32LE(z64) !== SIG_EOCD64) throw damaged("压缩结构不完整");
    const count64 = b.readBigUInt64LE(z64 + 32);
    count = count64 > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(count64);
    offset = Number(b.readBigUInt64LE(z64 + 48));
  }
  if (count > maxEntries) {
    throw new PackageRefused("package_too_many_entries", `压缩包中有 ${count} 个部件，超过上限 ${maxEntries} 个，不像正常的台账工作簿，为安全起见不予读取。${RESAVE}`);
  }
  const entries: ZipEntry[] = [];
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > b.length || b.readUInt32LE(p) !== SIG_CENTRAL) throw damaged("文件目录不完整");
    const flags = b.readUInt16LE(p + 8);
    const method = b.readUInt16LE(p + 10);
    const crc32 = b.readUInt32LE(p + 16);
    let compressedSize = b.readUInt32LE(p + 20);
    let size = b.readUInt32LE(p + 24);
    const nameLen = b.readUInt16LE(p + 28);
    const extraLen = b.readUInt16LE(p + 30);
    const commentLen = b.readUInt16LE(p + 32);
    let localOffset = b.readUInt32LE(p + 42);
    if (p + 46 + nameLen + extraLen > b.length) throw damaged("文件目录不完整");
    const name = b.toString("utf8", p + 46, p + 46 + nameLen);
    // Zip64: the 64-bit values, in this order, for the fields that hold 0xFFFFFFFF.
    let x = p + 46 + nameLen;
    const extraEnd = x + extraLen;
    while (x + 4 <= extraEnd) {
      const id = b.readUInt16LE(x);
      const len = b.readUInt16LE(x + 2);
      if (id === 0x0001) {
        let q = x + 4;
        const next = (): number => {
          if (q + 8 > x + 4 + len) throw damaged("文件目录不完整");
          const v = Number(b.readBigUInt64LE(q));
          q += 8;
          return v;
        };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localOffset === 0xffffffff) localOffset = next();
      }
      x += 4 + len;
    }
    entries.push({ name, dir: name.endsWith("/"), method, flags, crc32, compressedSize, size, localOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Why a part name is unsafe, or null. */
function unsafeName(name: string): string | null {
  if (name === "") return "空文件名";
  if (name.length > 1024) return "文件名过长";
  if (/[\u0000-\u001f\u007f]/.test(name)) return "含控制字符";
  if (name.includes("\\")) return "含反斜杠";
  if (name.startsWith("/")) return "绝对路径";
  if (/^[A-Za-z]:/.test(name)) return "含盘符";
  if (name.includes("\ufffd")) return "文件名编码无法识别";
  const segments = (name.endsWith("/") ? name.slice(0, -1) : name).split("/");
  if (segments.some((s) => s === "..")) return "含“..”";
  if (segments.some((s) => s === "." || s === "")) return "含空的或“.”路径段";
  return null;
}

/** Markup parts' prologs are read from at most this much inflated text. */
const PROLOG_BYTES = 64 * 1024;
/** ... inflated from at most this much compressed data. */
const PROLOG_COMPRESSED = 8 * 1024;

/**
 * Finds "<!DOCTYPE" (any case) in UTF-8 or UTF-16 text given in chunks; a match may straddle
 * chunks. (An <!ENTITY declaration can only stand inside a DOCTYPE.)
 */
class DoctypeScanner {
  private carry: Buffer = Buffer.alloc(0);
  found = false;

  write(chunk: Buffer): void {
    if (this.found) return;
    const b = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    if (hasDoctype(b)) this.found = true;
    this.carry = Buffer.from(b.subarray(Math.max(0, b.length - 40)));
  }
}

const DOCTYPE = "doctype";

function hasDoctype(b: Buffer): boolean {
  // UTF-8 (and ASCII-compatible encodings).
  for (let i = b.indexOf("<!"); i >= 0; i = b.indexOf("<!", i + 1)) {
    if (b.toString("latin1", i + 2, i + 9).toLowerCase() === DOCTYPE) return true;
  }
  // UTF-16 little- and big-endian.
  for (const [marker, enc] of [
    [Buffer.from("<\0!\0", "latin1"), "utf16le"],
    [Buffer.from("\0<\0!", "latin1"), "utf16be"],
  ] as const) {
    for (let i = b.indexOf(marker); i >= 0; i = b.indexOf(marker, i + 1)) {
      const start = i + 4;
      const bytes = b.subarray(start, start + 14);
      const text = enc === "utf16le" ? bytes.toString("utf16le") : Buffer.from(bytes).swap16().toString("utf16le");
      if (text.toLowerCase() === DOCTYPE) return true;
    }
  }
  return false;
}

/**
 * Reads a markup part's prolog (XML declaration, comments, processing instructions, white
 * space) up to its root element: "doctype" when it holds a DOCTYPE, "open" when the text ends
 * before the root element, "ok" otherwise (and for text that is not markup at all).
 */
export function prologOf(head: Buffer): "ok" | "doctype" | "open" {
  let text: string;
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) text = head.subarray(2).toString("utf16le");
  else if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) text = Buffer.from(head.subarray(2, 2 + ((head.length - 2) & ~1))).swap16().toString("utf16le");
  else text = head.toString("latin1").replace(/^\xEF\xBB\xBF/, "");
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  skipSpace();
  if (i < text.length && text[i] !== "<") return "ok"; // not markup (a picture, a binary part)
  for (;;) {
    skipSpace();
    if (i >= text.length) return "open";
    if (text.startsWith("<?", i)) {
      const end = text.indexOf("?>", i + 2);
      if (end < 0) return "open";
      i = end + 2;
    } else if (text.startsWith("<!--", i)) {
      const end = text.indexOf("-->", i + 4);
      if (end < 0) return "open";
      i = end + 3;
    } else if (text.startsWith("<!", i)) {
      return text.slice(i + 2, i + 9).toLowerCase() === DOCTYPE ? "doctype" : "ok";
    } else return "ok";
  }
}

function doctypeRefused(name: string): PackageRefused {
  return new PackageRefused(
    "package_doctype",
    `部件“${shownPartName(name)}”含有 DOCTYPE 声明（Excel 和 WPS 不会写这种内容，可能用来展开恶意实体），为安全起见不予读取。${RESAVE}`,
  );
}

/** A package whose structure passed the checks; parts are inflated (and checked) on demand. */
export class XlsxPackage {
  private readonly byKey = new Map<string, ZipEntry>();
  private readonly dataAt = new Map<ZipEntry, number>();
  private readonly verified = new Set<ZipEntry>();
  private failure: PackageRefused | null = null;
  private structure: WorkbookStructure | null = null;

  /** Use openXlsxPackage. */
  constructor(
    private readonly bytes: Buffer,
    /** Every entry, folders included, in central-directory order. */
    readonly entries: readonly ZipEntry[],
    readonly limits: PackageLimits,
  ) {
    for (const e of entries) this.byKey.set(e.name.toLowerCase(), e);
  }

  /** Part names (folders left out), in the order the zip lists them. */
  get names(): string[] {
    return this.entries.filter((e) => !e.dir).map((e) => e.name);
  }

  /** The name of a part as the package holds it (part names match case-insensitively), or null. */
  find(path: string): string | null {
    const e = this.byKey.get(path.toLowerCase());
    return e && !e.dir ? e.name : null;
  }

  has(path: string): boolean {
    return this.find(path) !== null;
  }

  /** The declared uncompressed size of a part, or null. */
  size(path: string): number | null {
    const e = this.entry(path);
    return e ? e.size : null;
  }

  /** The whole part, inflated and checked (size, CRC-32, no DOCTYPE); null when there is no such part. */
  read(path: string): Buffer | null {
    const e = this.entry(path);
    if (!e) return null;
    const out = this.inflateAll(e);
    this.check(e, out.length, zlib.crc32(out), hasDoctype(out));
    return out;
  }

  /** A part as text (UTF-8, or UTF-16 with its byte-order mark); null when there is no such part. */
  text(path: string): string | null {
    const b = this.read(path);
    if (!b) return null;
    if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return b.subarray(2).toString("utf16le");
    if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return Buffer.from(b.subarray(2, 2 + ((b.length - 2) & ~1))).swap16().toString("utf16le");
    return b.toString("utf8").replace(/^\uFEFF/, "");
  }

  /**
   * Streams a part: `onChunk` gets the inflated bytes in order (a throw from it stops the
   * stream and rejects). Inflating stops as soon as the part exceeds its declared size; the
   * CRC-32 and the DOCTYPE check come at the end (or on the way). Resolves false when there is
   * no such part.
   */
  async stream(path: string, onChunk: (chunk: Buffer) => void): Promise<boolean> {
    const e = this.entry(path);
    if (!e) return false;
    await this.inflateStreamed(e, onChunk);
    return true;
  }

  /** Checks every part not yet read (inflating each under its declared size, nothing kept). */
  async verifyAll(): Promise<void> {
    if (this.failure) throw this.failure;
    try {
      for (const e of this.entries) {
        if (e.dir || this.verified.has(e)) continue;
        if (e.size <= 4 * 2 ** 20) this.read(e.name);
        else await this.inflateStreamed(e, () => undefined);
      }
    } catch (err) {
      if (err instanceof PackageRefused) this.failure = err;
      throw err;
    }
  }

  /**
   * A new JSZip over the same bytes, every part verified first: for the package writers, which
   * change some parts and copy the others (compressed bytes as they are) into their output.
   * Each call gives a fresh one (a writer changes it in place).
   */
  async jszip(): Promise<JSZip> {
    await this.verifyAll();
    try {
      return await JSZip.loadAsync(this.bytes);
    } catch {
      throw damaged("压缩结构无法读取");
    }
  }

  /**
   * The workbook part, its relationships and its worksheets in workbook order, each resolved
   * inside the package; `skipped` lists, in Chinese, the sheets left out (a target outside the
   * package or missing from it). Throws PackageRefused when there is no workbook part.
   */
  workbook(): WorkbookStructure {
    if (this.structure) return this.structure;
    const rootRels = this.find("_rels/.rels") ? this.text("_rels/.rels") : null;
    this.structure = readWorkbookStructure(rootRels, (p) => (this.find(p) ? this.text(p) : null), (p) => this.has(p));
    if (!this.structure) throw new PackageRefused("package_no_workbook", `文件中找不到工作簿部件（xl/workbook.xml），不是完整的 Excel 工作簿。${RESAVE}`);
    return this.structure;
  }

  // ---- inflating -------------------------------------------------------------------------

  private entry(path: string): ZipEntry | null {
    const e = this.byKey.get(path.toLowerCase());
    return e && !e.dir ? e : null;
  }

  /** Where an entry's data starts (after its local header). */
  private dataOffset(e: ZipEntry): number {
    const known = this.dataAt.get(e);
    if (known !== undefined) return known;
    const b = this.bytes;
    if (e.localOffset + 30 > b.length || b.readUInt32LE(e.localOffset) !== SIG_LOCAL) throw damaged(`部件“${shownPartName(e.name)}”的位置错误`);
    const at = e.localOffset + 30 + b.readUInt16LE(e.localOffset + 26) + b.readUInt16LE(e.localOffset + 28);
    if (at + e.compressedSize > b.length) throw damaged(`部件“${shownPartName(e.name)}”不完整`);
    this.dataAt.set(e, at);
    return at;
  }

  private compressed(e: ZipEntry): Buffer {
    const at = this.dataOffset(e);
    return this.bytes.subarray(at, at + e.compressedSize);
  }

  private inflateAll(e: ZipEntry): Buffer {
    const data = this.compressed(e);
    if (e.method === 0) return data;
    if (e.size === 0) {
      // Nothing may come out; a deflate stream of nothing is a few bytes at most.
      if (data.length > 16) throw damaged(`部件“${shownPartName(e.name)}”的大小与记录不符`);
    }
    try {
      return zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, e.size) });
    } catch (err) {
      throw this.inflateError(e, err);
    }
  }

  private inflateError(e: ZipEntry, err: unknown): PackageRefused {
    if (err instanceof PackageRefused) return err;
    const code = (err as { code?: string } | null)?.code;
    if (code === "ERR_BUFFER_TOO_LARGE" || (err instanceof RangeError && /larger than/i.test(err.message))) {
      return damaged(`部件“${shownPartName(e.name)}”解压后比记录的大小更大`);
    }
    return damaged(`部件“${shownPartName(e.name)}”的压缩数据无法解开`);
  }

  /** After a part was inflated in full: its size, CRC-32 and DOCTYPE check. */
  private check(e: ZipEntry, size: number, crc: number, doctype: boolean): void {
    if (size !== e.size) throw damaged(`部件“${shownPartName(e.name)}”的大小与记录不符`);
    if (crc >>> 0 !== e.crc32 >>> 0) throw damaged(`部件“${shownPartName(e.name)}”的数据校验失败`);
    if (doctype) throw doctypeRefused(e.name);
    this.verified.add(e);
  }

  private inflateStreamed(e: ZipEntry, onChunk: (chunk: Buffer) => void): Promise<void> {
    const data = this.compressed(e);
    const scanner = new DoctypeScanner();
    let crc = 0;
    let size = 0;
    const take = (chunk: Buffer) => {
      size += chunk.length;
      if (size > e.size) throw damaged(`部件“${shownPartName(e.name)}”解压后比记录的大小更大`);
      crc = zlib.crc32(chunk, crc);
      scanner.write(chunk);
      if (scanner.found) throw doctypeRefused(e.name);
      onChunk(chunk);
    };
    if (e.method === 0) {
      return new Promise<void>((resolve, reject) => {
        try {
          for (let at = 0; at < data.length; at += 1 << 20) take(data.subarray(at, at + (1 << 20)));
          this.check(e, size, crc, false);
          resolve();
        } catch (err) {
          reject(err);
        }
      });
    }
    return new Promise<void>((resolve, reject) => {
      const inflate = zlib.createInflateRaw({ chunkSize: 64 * 1024 });
      let failed = false;
      const fail = (err: unknown) => {
        if (failed) return;
        failed = true;
        inflate.destroy();
        reject(err instanceof PackageRefused ? err : err instanceof Error && !("code" in err) ? err : this.inflateError(e, err));
      };
      inflate.on("data", (chunk: Buffer) => {
        if (failed) return;
        try {
          take(chunk);
        } catch (err) {
          fail(err);
        }
      });
      inflate.on("error", (err) => fail(this.inflateError(e, err)));
      inflate.on("end", () => {
        if (failed) return;
        try {
          this.check(e, size, crc, false);
          resolve();
        } catch (err) {
          fail(err);
        }
      });
      inflate.end(data);
    });
  }

  /**
   * Opening's checks that need the local headers: every part's data inside the file and apart
   * from the others (several names over the same bytes is another "zip bomb" trick), and the
   * prolog of every markup part.
   */
  checkLayout(): void {
    const spans = this.entries.filter((e) => !e.dir).sort((a, b) => a.localOffset - b.localOffset);
    for (let i = 0; i + 1 < spans.length; i++) {
      if (this.dataOffset(spans[i]) + spans[i].compressedSize > spans[i + 1].localOffset) throw damaged("压缩包中的部件互相重叠");
    }
    for (const e of this.entries) {
      if (e.dir || e.size === 0) continue;
      const data = this.compressed(e);
      let head: Buffer;
      if (e.method === 0) head = data.subarray(0, PROLOG_BYTES);
      else {
        try {
          head = zlib.inflateRawSync(data.subarray(0, PROLOG_COMPRESSED), { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: 16 * 2 ** 20 });
        } catch (err) {
          throw this.inflateError(e, err);
        }
        head = head.subarray(0, Math.min(head.length, PROLOG_BYTES, e.size));
      }
      const prolog = prologOf(head);
      if (prolog === "doctype") throw doctypeRefused(e.name);
      if (prolog === "open" && head.length < e.size) {
        throw new PackageRefused("package_prolog", `部件“${shownPartName(e.name)}”开头的声明异常地长，不像 Excel 或 WPS 写的内容，为安全起见不予读取。${RESAVE}`);
      }
    }
  }
}

const opened = new WeakMap<Buffer, XlsxPackage>();

/**
 * Opens the package in `bytes` after the structural checks (see the file comment); throws
 * PackageRefused with a Chinese reason. The same Buffer opened again gives the same package.
 *
 * Example:
 *   const pkg = openXlsxPackage(bytes);
 *   const wb = pkg.workbook();                       // sheets resolved inside the package
 *   await pkg.stream(wb.sheets[0].path, (chunk) => parser.write(chunk));
 *   const zip = await pkg.jszip();                   // for a writer: every part verified first
 */
export function openXlsxPackage(bytes: Buffer, limits: PackageLimits = PACKAGE_LIMITS): XlsxPackage {
  if (limits === PACKAGE_LIMITS) {
    const known = opened.get(bytes);
    if (known) return known;
  }
  const entries = readZipDirectory(bytes, limits.maxEntries);
  const seen = new Map<string, string>();
  let total = 0;
  for (const e of entries) {
    const why = unsafeName(e.name);
    if (why) {
      throw new PackageRefused("package_unsafe_name", `压缩包中有不安全的文件名“${shownPartName(e.name)}”（${why}），Excel 和 WPS 不会写这种文件名，为安全起见不予读取。${RESAVE}`);
    }
    const key = e.name.toLowerCase().replace(/\/$/, "");
    const twin = seen.get(key);
    if (twin !== undefined) {
      throw new PackageRefused(
        "package_duplicate_name",
        `压缩包中有两个同名部件“${shownPartName(e.name)}”${twin !== e.name ? `与“${shownPartName(twin)}”` : ""}（无法确定以哪一个为准），为安全起见不予读取。${RESAVE}`,
      );
    }
    seen.set(key, e.name);
    if (e.dir) {
      if (e.size !== 0) throw damaged(`文件夹“${shownPartName(e.name)}”带有数据`);
      continue;
    }
    if (e.flags & 0x1) throw new PackageRefused("package_encrypted_entry", `压缩包中的部件“${shownPartName(e.name)}”已加密，无法读取。${RESAVE}`);
    if (e.method !== 0 && e.method !== 8) {
      throw new PackageRefused("package_method", `部件“${shownPartName(e.name)}”使用了 Excel 不用的压缩方式（${e.method}），无法读取。${RESAVE}`);
    }
    if (e.method === 0 && e.size !== e.compressedSize) throw damaged(`部件“${shownPartName(e.name)}”的大小与记录不符`);
    if (e.size > limits.ratioGrace && e.size > limits.maxRatio * Math.max(1, e.compressedSize)) {
      throw new PackageRefused(
        "package_ratio",
        `部件“${shownPartName(e.name)}”的压缩比异常（${Math.round(e.size / Math.max(1, e.compressedSize))} : 1，上限 ${limits.maxRatio} : 1），可能是“压缩炸弹”，为安全起见不予读取。${RESAVE}`,
      );
    }
    if (e.size > limits.maxPartBytes) {
      throw new PackageRefused(
        "package_part_too_large",
        `部件“${shownPartName(e.name)}”解压后有 ${mib(e.size)}，超过单个部件的上限 ${mib(limits.maxPartBytes)}（约 35 万行 × 50 列的工作表）。请把工作表拆分成几个较小的工作簿再处理`,
      );
    }
    total += e.size;
  }
  if (total > limits.maxTotalBytes) {
    throw new PackageRefused("package_too_large", `文件解压后共 ${mib(total)}，超过上限 ${mib(limits.maxTotalBytes)}。请把工作簿拆分成几个较小的文件再处理`);
  }
  if (total > limits.totalRatioGrace && total > limits.maxRatio * bytes.length) {
    throw new PackageRefused(
      "package_ratio",
      `文件的压缩比异常（${mib(bytes.length)} 的文件解压后有 ${mib(total)}，超过 ${limits.maxRatio} : 1），可能是“压缩炸弹”，为安全起见不予读取。${RESAVE}`,
    );
  }
  const pkg = new XlsxPackage(bytes, entries, limits);
  pkg.checkLayout();
  if (limits === PACKAGE_LIMITS) opened.set(bytes, pkg);
  return pkg;
}

/**
 * What the package-level writers (kj recalc's cached values, kj check's marks) share about an
 * .xlsx package: reading parts, XML text and attributes, part paths and relationships, the
 * workbook's sheet list, and streaming the zip back out. No file access here.
 */
import JSZip from "jszip";
import * as zlib from "zlib";
import { columnLetter } from "../../text";

/**
 * The package holds something the package-level writer does not write. `reason` says what, in
 * Chinese; `fallback` is set only where exceljs is known to write it correctly, so a command
 * may save through exceljs instead and say so. Anything else is an error: nothing is written.
 */
export class PackageNotHandled extends Error {
  /** What it is, for the clerk (Chinese). */
  readonly reason: string;
  /** exceljs writes this right: the caller may take that path, saying why. */
  readonly fallback: boolean;
  constructor(detail: string, opts: { reason?: string; fallback?: boolean } = {}) {
    super(opts.reason ? `${opts.reason}（${detail}）` : detail);
    this.name = "PackageNotHandled";
    this.reason = opts.reason ?? `工作簿中有 KJ 不能按原样改写的结构（${detail}）`;
    this.fallback = opts.fallback ?? false;
  }
}

/**
 * A row numbered past Excel's last row (1,048,576) in a sheet the writer has to rewrite: the file
 * is malformed (Excel repairs it on opening). Refused with the same message as the exceljs path
 * (rowBeyondExcelError in file.ts), naming the file.
 */
export class RowBeyondExcel extends Error {
  constructor(
    readonly sheet: string,
    readonly row: number,
  ) {
    super(`row ${row} of ${sheet} is past 1,048,576`);
    this.name = "RowBeyondExcel";
  }
}

/**
 * Declared reasons: the only packages the commands save through exceljs instead (exceljs reads
 * and writes these correctly; the package path does not write them).
 */
export const FALLBACK = {
  noStyles: { reason: "工作簿没有样式表，或样式表缺少填充、单元格格式部分", fallback: true },
  gradient: { reason: "要标记的单元格使用了渐变填充", fallback: true },
} as const;

/** Parts in another encoding than UTF-8 (Excel, WPS, LibreOffice and exceljs all write UTF-8). */
export const NOT_UTF8 = { reason: "文件中有不是 UTF-8 编码的部分（某些程序生成的文件这样写），KJ 无法按原样改写。请用 Excel 或 WPS 打开后另存一次再试" } as const;

/** Cells or rows without their address (r): neither path writes them (exceljs cannot read them either). */
export const NO_ADDRESSES = { reason: "工作表中有单元格或行没有写明地址（某些程序生成的文件这样写），KJ 无法按原样改写。请用 Excel 或 WPS 打开后另存一次再试" } as const;

/**
 * Sheet XML is handled as "binary" text (one char per UTF-8 byte): half the memory of a UTF-16
 * string for sheets holding Chinese, the markup is ASCII either way, and untouched bytes go back
 * out exactly as they came. Text that is read or written is converted at that point.
 */
export function fromBinary(s: string): string {
  return Buffer.from(s, "latin1").toString("utf8");
}
export function toBinary(s: string): string {
  return Buffer.from(s, "utf8").toString("latin1");
}

/** The attributes of a start tag's attribute text (prefixed names kept, e.g. "r:id"). */
export function attributes(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) out[m[1]] = m[2] ?? m[3];
  return out;
}

/** OOXML's _xHHHH_ escapes in text whose XML entities are already decoded (e.g. by a SAX parser). */
export function decodeOoxmlEscapes(s: string): string {
  return s.indexOf("_x") < 0 ? s : s.replace(/_x([0-9A-Fa-f]{4})_/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** XML text to a JS string: entities and OOXML's _xHHHH_ escapes. */
export function xmlText(s: string): string {
  const entitiesDecoded = s.replace(/&(lt|gt|quot|apos|amp|#x[0-9a-fA-F]+|#\d+);/g, (_m, e: string) => {
    switch (e) {
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "quot":
        return '"';
      case "apos":
        return "'";
      case "amp":
        return "&";
      default:
        return String.fromCodePoint(e.startsWith("#x") ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    }
  });
  return decodeOoxmlEscapes(entitiesDecoded);
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** For attribute values in double quotes. */
export function escapeAttribute(s: string): string {
  return escapeXml(s).replace(/"/g, "&quot;");
}

/**
 * Text as OOXML stores it in <t>: XML escapes, plus _xHHHH_ for a carriage return and other
 * control characters XML cannot hold, and a literal "_xHHHH_" protected as "_x005F_xHHHH_"
 * (Excel and exceljs decode both back).
 */
export function ooxmlText(s: string): string {
  return escapeXml(
    s
      .replace(/_x([0-9A-Fa-f]{4})_/g, "_x005F_x$1_")
      .replace(/[\u0000-\u0008\u000b\u000c\u000d\u000e-\u001f\ufffe\uffff]/g, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}_`),
  );
}

/** The raw (still escaped) text of a <si>, <is> or comment <text>: every <t> run, phonetic guides (<rPh>) left out. */
export function richText(xml: string): string {
  const plain = xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, "");
  let out = "";
  for (const m of plain.matchAll(/<t\b[^>]*?(?:\/>|>([\s\S]*?)<\/t>)/g)) out += m[1] ?? "";
  return out;
}

/** "AB12" -> { row: 12, col: 28 }. */
export function decodeAddress(ref: string): { row: number; col: number } | null {
  const m = /^\$?([A-Z]{1,3})\$?(\d+)$/.exec(ref);
  if (!m) return null;
  let col = 0;
  for (const ch of m[1]) col = col * 26 + (ch.charCodeAt(0) - 64);
  return { row: Number(m[2]), col };
}

/**
 * A shared formula's text at another cell: relative references move by the offset, absolute
 * ($) parts and text inside string literals or quoted sheet names stay.
 */
export function slideFormula(formula: string, from: { row: number; col: number }, to: { row: number; col: number }): string {
  const dr = to.row - from.row;
  const dc = to.col - from.col;
  return formula
    .split(/("(?:[^"]|"")*"|'(?:[^']|'')*')/)
    .map((part, i) => {
      if (i % 2 === 1) return part;
      return part.replace(/(^|[^\w.$])(\$?)([A-Z]{1,3})(\$?)(\d+)(?![\w(])/g, (m, lead: string, cd: string, letters: string, rd: string, digits: string) => {
        const at = decodeAddress(letters + digits);
        if (!at || at.col > 16_384) return m;
        const col = cd ? at.col : at.col + dc;
        const row = rd ? at.row : at.row + dr;
        if (col < 1 || row < 1) return m;
        return `${lead}${cd}${columnLetter(col)}${rd}${row}`;
      });
    })
    .join("");
}

/** A part as a JS string (UTF-8), or null when the package has no such part. */
export async function text(zip: JSZip, path: string): Promise<string | null> {
  const f = zip.file(path);
  return f ? f.async("string") : null;
}

/**
 * A part's bytes, or null when the package has no such part. A part JSZip holds deflated (as it
 * was loaded, or as putPart stored it) is inflated by Node's zlib: JSZip's JavaScript inflate
 * took about 0.4 s for the sheet of a 100,000-row ledger. Anything else is read through JSZip.
 */
export async function partBytes(zip: JSZip, path: string): Promise<Buffer | null> {
  const f = zip.file(path);
  if (!f) return null;
  const d = (f as unknown as { _data?: unknown })._data as { compression?: { magic?: string }; compressedContent?: unknown; uncompressedSize?: unknown } | undefined;
  const inflate = (zlib as Partial<typeof zlib>).inflateRawSync;
  if (inflate && d && typeof d === "object" && d.compression?.magic === "\x08\x00" && d.compressedContent instanceof Uint8Array && typeof d.uncompressedSize === "number") {
    try {
      // One output chunk of the recorded size: no concatenation of 16 KB chunks afterwards.
      const size = Math.max(64, d.uncompressedSize);
      const bytes = inflate(d.compressedContent, { maxOutputLength: size, chunkSize: Math.min(size, 256 * 2 ** 20) });
      // As JSZip checks it: the size recorded for the part.
      if (bytes.length === d.uncompressedSize) return bytes;
    } catch {
      // JSZip reads it below, and says what is wrong.
    }
  }
  return f.async("nodebuffer");
}

/** Refuses parts in encodings other than UTF-8 (latin1 view of the first bytes). */
export function assertUtf8(head: string): void {
  const decl = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(head.slice(0, 200));
  if (decl && !/^utf-?8$/i.test(decl[1])) throw new PackageNotHandled(`encoding ${decl[1]}`, NOT_UTF8);
  if (head.charCodeAt(0) === 0xfe || head.charCodeAt(0) === 0xff) throw new PackageNotHandled("UTF-16 part", NOT_UTF8);
}

/** A part as binary text (see fromBinary); refuses encodings other than UTF-8. */
export async function binaryText(zip: JSZip, path: string): Promise<string | null> {
  const f = zip.file(path);
  if (!f) return null;
  const s = (await f.async("nodebuffer")).toString("latin1");
  assertUtf8(s);
  return s;
}

/**
 * A relationship target, relative to the part `base` that owns the relationship, as a package
 * path. A ".." above the package root stays at the root; use resolveInside to refuse it.
 */
export function resolveTarget(base: string, target: string): string {
  if (target.startsWith("/")) return target.slice(1);
  const parts = base.split("/").slice(0, -1);
  for (const seg of target.split("/")) {
    if (seg === "..") parts.pop();
    else if (seg !== ".") parts.push(seg);
  }
  return parts.join("/");
}

/**
 * A relationship target resolved inside the package, or null when it points elsewhere: a URI
 * with a scheme ("file:", "http:"), a network path, a ".." above the package root, an empty
 * segment, a backslash or a control character.
 * Example: resolveInside("xl/workbook.xml", "../../etc/passwd") -> null.
 */
export function resolveInside(base: string, target: string): string | null {
  if (target === "" || /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//") || /[\\\u0000-\u001f\u007f]/.test(target)) return null;
  const absolute = target.startsWith("/");
  const parts = absolute ? [] : base.split("/").slice(0, -1);
  const segments = (absolute ? target.slice(1) : target).split("/");
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if (seg === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else if (seg === "") return null;
    else if (seg !== ".") parts.push(seg);
  }
  return parts.length ? parts.join("/") : null;
}

/** The relative target from part `from` to part `to` ("xl/worksheets/sheet1.xml" -> "xl/comments1.xml" = "../comments1.xml"). */
export function relativeTarget(from: string, to: string): string {
  const a = from.split("/").slice(0, -1);
  const b = to.split("/");
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => ".."), ...b.slice(i)].join("/");
}

/** "xl/worksheets/sheet1.xml" -> "xl/worksheets/_rels/sheet1.xml.rels". */
export function relsPathOf(part: string): string {
  return part.replace(/[^/]*$/, (f) => `_rels/${f}.rels`);
}

export interface Relationship {
  id: string;
  type: string;
  /** Resolved package path (external targets, and targets outside the package, are kept as written). */
  target: string;
  /** Not a part of this package: TargetMode="External", or a target that resolves outside it (then `outside` too). */
  external: boolean;
  outside?: boolean;
}

/** The relationships of a .rels part's XML, owned by `owner`. */
export function parseRelationships(owner: string, relsXml: string): Relationship[] {
  const out: Relationship[] = [];
  for (const m of relsXml.matchAll(/<Relationship\b([^>]*?)\/?>/g)) {
    const a = attributes(m[1]);
    if (!a.Id || a.Target === undefined) continue;
    const written = xmlText(a.Target);
    if (a.TargetMode === "External") {
      out.push({ id: a.Id, type: a.Type ?? "", target: written, external: true });
      continue;
    }
    const inside = resolveInside(owner, written);
    out.push(inside === null ? { id: a.Id, type: a.Type ?? "", target: written, external: true, outside: true } : { id: a.Id, type: a.Type ?? "", target: inside, external: false });
  }
  return out;
}

export interface SheetPart {
  name: string;
  path: string;
}

export interface WorkbookParts {
  workbookPath: string;
  workbookXml: string;
  relsPath: string;
  relsXml: string;
  rels: Relationship[];
  /** The worksheets in workbook order (chart sheets and dialogs left out), each a part of the package. */
  sheets: SheetPart[];
}

/** A worksheet left out of `sheets`, and why (Chinese, naming the sheet). */
export interface SkippedSheet {
  name: string;
  reason: string;
}

export interface WorkbookStructure extends WorkbookParts {
  /** Worksheets whose relationship points outside the package or to a part it does not hold. */
  skipped: SkippedSheet[];
  /** The 1904 date system (Excel for Mac's old default). */
  date1904: boolean;
}

/** The workbook part's path from the package's root relationships (default xl/workbook.xml). */
export function officeDocumentPath(rootRelsXml: string | null): string {
  const doc = rootRelsXml ? parseRelationships("", rootRelsXml).find((r) => /\/officeDocument$/.test(r.type) && !r.external) : undefined;
  return doc ? doc.target : "xl/workbook.xml";
}

/** A name shown in a message: control characters escaped. */
function shownName(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * The workbook's structure from its parts' text: the one rule, for every reader and writer, of
 * which sheets a workbook has and where they are. A sheet whose relationship is missing, points
 * outside the package or to a part `has` does not know is left out and listed in `skipped`.
 * Returns null when there is no workbook part.
 */
export function readWorkbookStructure(rootRelsXml: string | null, read: (path: string) => string | null, has: (path: string) => boolean): WorkbookStructure | null {
  const workbookPath = officeDocumentPath(rootRelsXml);
  const workbookXml = read(workbookPath);
  if (workbookXml === null) return null;
  const relsPath = relsPathOf(workbookPath);
  const relsXml = read(relsPath) ?? "";
  const rels = parseRelationships(workbookPath, relsXml);
  const byId = new Map(rels.map((r) => [r.id, r]));
  const sheets: SheetPart[] = [];
  const skipped: SkippedSheet[] = [];
  for (const m of workbookXml.matchAll(/<(?:\w+:)?sheet\b([^>]*?)\/?>/g)) {
    const a = attributes(m[1]);
    const name = xmlText(a.name ?? "");
    const rid = a["r:id"] ?? Object.entries(a).find(([k]) => /:id$/.test(k))?.[1] ?? "";
    const rel = byId.get(rid);
    if (rel && !/\/worksheet$/.test(rel.type)) continue; // a chart sheet or dialog sheet
    if (!rel) skipped.push({ name, reason: `工作表“${shownName(name)}”在工作簿的关系表中找不到（${shownName(rid) || "没有编号"}），已跳过该工作表` });
    else if (rel.external) skipped.push({ name, reason: `工作表“${shownName(name)}”的数据位置指向工作簿文件之外（${shownName(rel.target)}），为安全起见已跳过该工作表` });
    else if (!has(rel.target)) skipped.push({ name, reason: `工作表“${shownName(name)}”的数据部件在文件中不存在（${shownName(rel.target)}），已跳过该工作表` });
    else sheets.push({ name, path: rel.target });
  }
  const date1904 = /<(?:\w+:)?workbookPr\b[^>]*\bdate1904\s*=\s*["'](1|true)["']/.test(workbookXml);
  return { workbookPath, workbookXml, relsPath, relsXml, rels, sheets, skipped, date1904 };
}

/** The workbook part, its relationships and its worksheets (see readWorkbookStructure). */
export async function readWorkbookPart(zip: JSZip): Promise<WorkbookStructure> {
  const rootRels = await text(zip, "_rels/.rels");
  const workbookPath = officeDocumentPath(rootRels);
  const texts = new Map<string, string | null>();
  for (const p of [workbookPath, relsPathOf(workbookPath)]) {
    const found = findPart(zip, p);
    texts.set(p, found ? await text(zip, found) : null);
  }
  const structure = readWorkbookStructure(rootRels, (p) => texts.get(p) ?? null, (p) => findPart(zip, p) !== null);
  if (!structure) throw new PackageNotHandled("no workbook part");
  return structure;
}

/** The package path of a part, as the zip holds it (part names are case-insensitive). */
export function findPart(zip: JSZip, path: string): string | null {
  if (zip.file(path)) return path;
  const lower = path.toLowerCase();
  let found: string | null = null;
  zip.forEach((p, f) => {
    if (!f.dir && p.toLowerCase() === lower) found = p;
  });
  return found;
}

/** Replaces or adds a part; no folder entries (Excel writes none, and an OPC package has no folders). */
export function putPart(zip: JSZip, path: string, data: string | Buffer): void {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  const deflate = (zlib as Partial<typeof zlib>).deflateRawSync;
  const template = bytes.length >= NATIVE_DEFLATE_MIN && typeof deflate === "function" && typeof zlib.crc32 === "function" ? deflatedPart(zip) : null;
  if (template && deflate) {
    // Node's zlib compresses a large sheet several times faster than JSZip's JavaScript deflate
    // (pako): the part is handed to JSZip already compressed, the way JSZip holds the parts of
    // the package it loaded (and writes them out as they are).
    const raw = deflate(bytes, { level: 6 });
    const part = Object.assign(Object.create(template.proto) as object, { compressedSize: raw.length, uncompressedSize: bytes.length, crc32: zlib.crc32(bytes), compression: template.compression, compressedContent: raw });
    zip.file(path, part as unknown as Buffer, { binary: true, createFolders: false });
    return;
  }
  zip.file(path, data, { createFolders: false });
}

/** Parts from this size on are compressed with Node's zlib (smaller ones are not worth it; the browser's zlib shim has no deflate). */
const NATIVE_DEFLATE_MIN = 64 * 1024;

/** JSZip's holder of an already-deflated part (its prototype and compression), taken from a part of the loaded package. */
interface DeflatedTemplate {
  proto: object;
  compression: unknown;
}

/**
 * A deflated part of the package as JSZip holds it, for its prototype: JSZip does not export the
 * class (its module pulls in Node streams, which the browser bundle cannot have). Null when the
 * package has no deflated part (the part is then compressed by JSZip as before).
 */
function deflatedPart(zip: JSZip): DeflatedTemplate | null {
  for (const f of Object.values(zip.files)) {
    const d = (f as unknown as { _data?: unknown })._data as { compression?: { magic?: string }; compressedContent?: unknown; compressedSize?: unknown; crc32?: unknown } | undefined;
    if (d && typeof d === "object" && d.compression?.magic === "\x08\x00" && d.compressedContent !== undefined && typeof d.compressedSize === "number" && typeof d.crc32 === "number") {
      return { proto: Object.getPrototypeOf(d) as object, compression: d.compression };
    }
  }
  return null;
}

/** Writes the package to a stream (not ending it); unchanged parts keep their compressed bytes. */
export function writeZip(zip: JSZip, stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = zip.generateNodeStream({ type: "nodebuffer", compression: "DEFLATE", compressionOptions: { level: 6 }, streamFiles: true });
    out.on("error", reject);
    out.on("end", () => resolve());
    out.pipe(stream, { end: false });
  });
}

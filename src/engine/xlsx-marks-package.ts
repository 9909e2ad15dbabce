/**
 * Marks (fill + KJ note, the `mark` edits of the validate job) written at the level of the .xlsx
 * package, without building exceljs' cell model (which needs several GB for 100,000 rows):
 * - xl/styles.xml gets one solid fill per mark colour and, per (original style, colour), a clone
 *   of the marked cell's cellXfs entry with that fill (number format, font, border kept);
 * - in the sheet XML only the marked cells' s="…" change; a blank marked cell is inserted in
 *   its row (the row inserted when missing);
 * - notes go into the sheet's comments part and legacy VML drawing, merged with existing ones
 *   (a user's note on a marked cell stays below the KJ note, as composeNote does);
 * - the hidden registry sheet KJ标记 records each marked cell's previous fill, in the same words
 *   as XlsxHost, so clearMarks on the reopened workbook restores fills and notes exactly;
 * - clearMarks on a workbook marked before (by this path or by a host) restores what its
 *   registry records, as XlsxHost does, so checking a marked copy again works here too.
 * Every other part stays byte for byte. What this path does not handle throws PackageNotHandled
 * and the caller takes the exceljs path. No file access here: bytes in, zip out.
 */
import JSZip from "jszip";
import { composeNote, entryToClear, MARK_REGISTRY_SHEET, normalizeColor, noteAfterClear, parseAddress, parseRegistry, planMarks, RegistryEntry, registryRows, SavedFill } from "../host/marks";
import { Edit, ProgressFn } from "../host/port";
import { streamSnapshot } from "../host/xlsx-stream";
import { cellAddress } from "../text";
import {
  assertUtf8,
  attributes,
  decodeAddress,
  escapeAttribute,
  findPart,
  ooxmlText,
  PackageNotHandled,
  parseRelationships,
  readWorkbookPart,
  WorkbookParts,
  relativeTarget,
  relsPathOf,
  richText,
  text,
  putPart,
  writeZip,
  xmlText,
} from "./ooxml";

export interface PackageMarks {
  /** Cells marked (after merging marks on the same cell). */
  marked: number;
  /** Writes the marked package to a stream (not ending it). */
  writeTo(stream: NodeJS.WritableStream): Promise<void>;
}

const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL_COMMENTS = `${REL}/comments`;
const REL_VML = `${REL}/vmlDrawing`;
const REL_WORKSHEET = `${REL}/worksheet`;
const CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml";
const CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing";
const CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
/** The author of KJ's notes in the comments part. */
const KJ_AUTHOR = "KJ";

/**
 * A cell the edits change: its final mark colour (null: not marked again), and the fill to
 * restore first when clearMarks removes an earlier mark from it (null: none).
 */
interface Target {
  row: number;
  col: number;
  color: string | null;
  restore: SavedFill | null;
}

const cellKey = (row: number, col: number) => `${row}:${col}`;

/**
 * Writes the `mark` and `clearMarks` edits in `edits` into the package `bytes`, as XlsxHost
 * would: clearMarks restores the fills and notes the registry records for that sheet, mark
 * records the previous fill of a cell not yet in the registry, colours it and composes its
 * note. Anything else, or a structure this path does not read, throws PackageNotHandled.
 */
export async function markXlsxPackage(bytes: Buffer, edits: readonly Edit[], opts: { progress?: ProgressFn } = {}): Promise<PackageMarks> {
  const zip = await JSZip.loadAsync(bytes);
  const wb = await readWorkbookPart(zip);
  const partOf = new Map(wb.sheets.map((s) => [s.name, s.path]));
  const registry = await readRegistry(bytes, wb);

  // The edits per sheet: what clearMarks restores (from the registry), then the marks.
  let entries = registry?.entries ?? [];
  const clearsBySheet = new Map<string, Map<string, SavedFill>>();
  const marksBySheet = new Map<string, Extract<Edit, { type: "mark" }>[]>();
  const sheetOrder: string[] = [];
  for (const e of edits) {
    if (e.type !== "mark" && e.type !== "clearMarks") throw new PackageNotHandled(`edit ${e.type}`);
    if (!partOf.has(e.sheet) || e.sheet === MARK_REGISTRY_SHEET) throw new PackageNotHandled(`no worksheet ${e.sheet}`);
    if (!sheetOrder.includes(e.sheet)) sheetOrder.push(e.sheet);
    if (e.type === "mark") {
      marksBySheet.set(e.sheet, [...(marksBySheet.get(e.sheet) ?? []), e]);
      continue;
    }
    if (marksBySheet.has(e.sheet)) throw new PackageNotHandled("clearMarks after marks on the same sheet");
    const clears = clearsBySheet.get(e.sheet) ?? new Map<string, SavedFill>();
    const only = e.rows ? new Set(e.rows) : undefined;
    for (const entry of entries) {
      const at = entryToClear(entry, e.sheet, only) ? parseAddress(entry.address) : null;
      if (at) clears.set(cellKey(at.row, at.col), entry.previousFill);
    }
    entries = entries.filter((entry) => !entryToClear(entry, e.sheet, only));
    if (clears.size > 0) clearsBySheet.set(e.sheet, clears);
  }
  const planned = new Map(sheetOrder.map((sheet) => [sheet, (marksBySheet.get(sheet) ?? []).map((e) => planMarks(e.marks))]));
  const sheetsToChange = sheetOrder.filter((sheet) => clearsBySheet.has(sheet) || planned.get(sheet)!.some((ps) => ps.length > 0));
  if (sheetsToChange.length === 0) return { marked: 0, writeTo: (stream) => writeZip(zip, stream) };

  const stylesRel = wb.rels.find((r) => /\/styles$/.test(r.type) && !r.external);
  const stylesPath = stylesRel?.target ?? null;
  const stylesXml = stylesPath ? await text(zip, stylesPath) : null;
  if (!stylesPath || stylesXml === null) throw new PackageNotHandled("no styles part");
  const styles = new StyleSheet(stylesXml);
  const contentTypes = new ContentTypes((await text(zip, "[Content_Types].xml")) ?? "");

  let marked = 0;
  let done = 0;
  for (const sheet of sheetsToChange) {
    const sheetPath = partOf.get(sheet) as string;
    const plans = planned.get(sheet) ?? [];
    const clears = clearsBySheet.get(sheet) ?? new Map<string, SavedFill>();
    const changes = new Map<string, Target>();
    for (const [key, fill] of clears) {
      const [row, col] = key.split(":").map(Number);
      changes.set(key, { row, col, color: null, restore: fill });
    }
    for (const ps of plans) {
      for (const p of ps) {
        const key = cellKey(p.row, p.col);
        changes.set(key, { row: p.row, col: p.col, color: p.color, restore: changes.get(key)?.restore ?? null });
      }
    }
    const targets = [...changes.values()].sort((a, b) => a.row - b.row || a.col - b.col);
    marked += targets.filter((t) => t.color !== null).length;

    // The style a cell has once clearMarks restored it (its style in the file when it was not marked).
    const beforeMark = (orig: number, t: Target) => (t.restore ? styles.restoredStyle(orig, t.restore) : orig);
    const sheetBytes = await zip.file(sheetPath)?.async("nodebuffer");
    if (!sheetBytes) throw new PackageNotHandled(`missing part ${sheetPath}`);
    const patched = patchSheetXml(sheetBytes, targets, (orig, t) => {
      const cleared = beforeMark(orig, t);
      return t.color ? styles.markedStyle(cleared, t.color) : cleared;
    });

    // Notes: cleared first (the KJ part goes, a user's part stays), then the marks in order.
    const notes = await SheetNotes.open(zip, sheetPath, patched.legacyDrawingId);
    for (const t of targets) {
      if (!t.restore) continue;
      const next = noteAfterClear(notes.get(t.row, t.col));
      if (next.action === "delete") notes.set(t.row, t.col, null);
      else if (next.action === "set") notes.set(t.row, t.col, next.text);
    }
    const registered = new Set<string>();
    for (const ps of plans) {
      for (const p of ps) {
        const key = cellKey(p.row, p.col);
        if (!registered.has(key)) {
          registered.add(key);
          const orig = patched.originalStyles.get(key);
          if (orig === undefined) throw new PackageNotHandled("marked cell not placed");
          entries.push({ sheet, address: p.address, previousFill: styles.savedFill(beforeMark(orig, changes.get(key)!)) });
        }
        notes.set(p.row, p.col, composeNote(p.message, notes.get(p.row, p.col)));
      }
    }
    const legacy = notes.write(zip, contentTypes);
    putPart(zip, sheetPath, patched.finish(legacy));
    opts.progress?.(++done, sheetsToChange.length, "写入标记");
  }

  putPart(zip, stylesPath, styles.xml());
  if (registry) putPart(zip, registry.path, registrySheetXml(registryRows(entries)));
  else if (entries.length > 0) await addRegistrySheet(zip, wb, contentTypes, registryRows(entries));
  putPart(zip, "[Content_Types].xml", contentTypes.xml());
  return { marked, writeTo: (stream) => writeZip(zip, stream) };
}

/** The workbook's mark registry (its part and entries), or null when it has none. */
async function readRegistry(bytes: Buffer, wb: WorkbookParts): Promise<{ path: string; entries: RegistryEntry[] } | null> {
  const registryName = MARK_REGISTRY_SHEET.toLowerCase();
  const names = [...wb.workbookXml.matchAll(/<sheet\b([^>]*?)\/?>/g)].map((m) => xmlText(attributes(m[1]).name ?? ""));
  const found = names.filter((n) => n.toLowerCase() === registryName);
  if (found.length === 0) return null;
  const part = wb.sheets.find((s) => s.name === MARK_REGISTRY_SHEET);
  if (found.length > 1 || !part) throw new PackageNotHandled("a mark registry this path does not read");
  const snapshot = await streamSnapshot(bytes, { sheets: new Set([MARK_REGISTRY_SHEET]) });
  const values = snapshot.sheets[0]?.values ?? [];
  // Values as XlsxHost.readRegistry gives them: text read back as text.
  return { path: part.path, entries: parseRegistry(values) };
}

// ---- styles ---------------------------------------------------------------------------------

/** The fills and cellXfs of styles.xml, with marked clones appended on demand. */
class StyleSheet {
  private readonly fills: string[];
  private readonly xfs: string[];
  private readonly newFills: string[] = [];
  private readonly newXfs: string[] = [];
  private readonly clones = new Map<string, number>();
  private readonly xfIndex = new Map<string, number>();
  private readonly fillsAt: { start: number; end: number; attrs: string };
  private readonly xfsAt: { start: number; end: number; attrs: string };

  constructor(private readonly source: string) {
    if (!/<styleSheet\b/.test(source)) throw new PackageNotHandled("styles part with a namespace prefix");
    const fills = /<fills\b([^>]*?)>([\s\S]*?)<\/fills>/.exec(source);
    const xfs = /<cellXfs\b([^>]*?)>([\s\S]*?)<\/cellXfs>/.exec(source);
    if (!fills || !xfs) throw new PackageNotHandled("styles without fills or cellXfs");
    this.fills = [...fills[2].matchAll(/<fill\b[^>]*?(?:\/>|>[\s\S]*?<\/fill>)/g)].map((m) => m[0]);
    this.xfs = [...xfs[2].matchAll(/<xf\b[^>]*?(?:\/>|>[\s\S]*?<\/xf>)/g)].map((m) => m[0]);
    this.xfs.forEach((xf, i) => this.xfIndex.has(xf) || this.xfIndex.set(xf, i));
    if (this.xfs.length === 0) throw new PackageNotHandled("empty cellXfs");
    this.fillsAt = { start: fills.index, end: fills.index + fills[0].length, attrs: fills[1] };
    this.xfsAt = { start: xfs.index, end: xfs.index + xfs[0].length, attrs: xfs[1] };
  }

  /** The cellXfs index of `orig` with the mark fill `color` ("#RRGGBB"). */
  markedStyle(orig: number, color: string): number {
    const xf = this.xfs[orig] ?? this.newXfs[orig - this.xfs.length];
    if (xf === undefined) throw new PackageNotHandled(`style ${orig} not in cellXfs`);
    const key = `${orig}|${color}`;
    const found = this.clones.get(key);
    if (found !== undefined) return found;
    // As exceljs writes a solid fill, so the reopened cell reads the same as on the exceljs path.
    const fillId = this.fillId(`<fill><patternFill patternType="solid"><fgColor rgb="FF${color.slice(1).toUpperCase()}"/></patternFill></fill>`);
    const index = this.addXf(setAttribute(setAttribute(xf, "fillId", String(fillId)), "applyFill", "1"));
    this.clones.set(key, index);
    return index;
  }

  /** The cellXfs index of `orig` with `fill` instead of its own (clearMarks restoring a saved fill). */
  restoredStyle(orig: number, fill: SavedFill): number {
    const xf = this.xfs[orig] ?? this.newXfs[orig - this.xfs.length];
    if (xf === undefined) throw new PackageNotHandled(`style ${orig} not in cellXfs`);
    const fillXml = fillXmlOf(fill);
    const key = `${orig}|restore|${fillXml ?? "none"}`;
    const found = this.clones.get(key);
    if (found !== undefined) return found;
    const noneAt = [...this.fills, ...this.newFills].findIndex((f) => savedFillOf(f).kind === "none");
    const fillId = fillXml === null && noneAt >= 0 ? noneAt : this.fillId(fillXml ?? '<fill><patternFill patternType="none"/></fill>');
    const index = this.addXf(setAttribute(xf, "fillId", String(fillId)));
    this.clones.set(key, index);
    return index;
  }

  /** A fill's index: an identical existing one is reused. */
  private fillId(fill: string): number {
    const at = [...this.fills, ...this.newFills].indexOf(fill);
    if (at >= 0) return at;
    this.newFills.push(fill);
    return this.fills.length + this.newFills.length - 1;
  }

  /** An xf's index: an identical existing one is reused, so checking a marked copy again does not grow the styles. */
  private addXf(xf: string): number {
    const known = this.xfIndex.get(xf);
    if (known !== undefined) return known;
    const index = this.xfs.length + this.newXfs.length;
    this.newXfs.push(xf);
    this.xfIndex.set(xf, index);
    return index;
  }

  /** A style's fill as XlsxHost.getFill records it (exceljs' fill model as JSON). */
  savedFill(styleIndex: number): SavedFill {
    const xf = this.xfs[styleIndex] ?? this.newXfs[styleIndex - this.xfs.length];
    if (xf === undefined) return { kind: "none" };
    const fillId = attributes(/^<xf\b([^>]*?)\/?>/.exec(xf)?.[1] ?? "").fillId;
    if (fillId === undefined || !/^\d+$/.test(fillId)) return { kind: "none" };
    const n = Number(fillId);
    return savedFillOf(this.fills[n] ?? this.newFills[n - this.fills.length]);
  }

  xml(): string {
    const s = this.source;
    const fills = `<fills${setAttribute(`<x${this.fillsAt.attrs}>`, "count", String(this.fills.length + this.newFills.length)).slice(2, -1)}>${this.fills.join("")}${this.newFills.join("")}</fills>`;
    const xfs = `<cellXfs${setAttribute(`<x${this.xfsAt.attrs}>`, "count", String(this.xfs.length + this.newXfs.length)).slice(2, -1)}>${this.xfs.join("")}${this.newXfs.join("")}</cellXfs>`;
    const [first, second] = this.fillsAt.start < this.xfsAt.start ? [this.fillsAt, this.xfsAt] : [this.xfsAt, this.fillsAt];
    const firstXml = first === this.fillsAt ? fills : xfs;
    const secondXml = first === this.fillsAt ? xfs : fills;
    return s.slice(0, first.start) + firstXml + s.slice(first.end, second.start) + secondXml + s.slice(second.end);
  }
}

/** exceljs' reading of a <fill> (pattern type, then colours in document order); gradients are not handled. */
function savedFillOf(fill: string | undefined): SavedFill {
  if (fill === undefined) return { kind: "none" };
  if (/<gradientFill\b/.test(fill)) throw new PackageNotHandled("gradient fill on a marked cell");
  const pattern = /<patternFill\b([^>]*?)(?:\/>|>([\s\S]*?)<\/patternFill>)/.exec(fill);
  if (!pattern) return { kind: "raw", json: {} };
  const json: Record<string, unknown> = { type: "pattern" };
  const type = attributes(pattern[1]).patternType;
  if (type !== undefined) json.pattern = type;
  if (type === "none") return { kind: "none" };
  for (const c of (pattern[2] ?? "").matchAll(/<(fgColor|bgColor)\b([^>]*?)\/?>/g)) {
    const a = attributes(c[2]);
    let color: Record<string, number | string> | undefined;
    if (a.rgb) color = { argb: a.rgb };
    else if (a.theme) {
      color = { theme: parseInt(a.theme, 10) };
      if (a.tint) color.tint = parseFloat(a.tint);
    } else if (a.indexed) color = { indexed: parseInt(a.indexed, 10) };
    if (color) json[c[1]] = color;
  }
  return { kind: "raw", json };
}

/** A saved fill as a <fill> element, written the way exceljs writes it (null: no fill). */
function fillXmlOf(fill: SavedFill): string | null {
  const color = (name: string, c: unknown): string => {
    if (!c || typeof c !== "object") return "";
    const o = c as Record<string, unknown>;
    if (typeof o.argb === "string") return `<${name} rgb="${escapeAttribute(o.argb)}"/>`;
    if (typeof o.theme === "number") return `<${name} theme="${o.theme}"${typeof o.tint === "number" ? ` tint="${o.tint}"` : ""}/>`;
    if (typeof o.indexed === "number") return `<${name} indexed="${o.indexed}"/>`;
    return `<${name} auto="1"/>`;
  };
  const solid = (hex: string) => `<fill><patternFill patternType="solid"><fgColor rgb="FF${hex.slice(1)}"/></patternFill></fill>`;
  if (fill.kind === "none") return null;
  if (fill.kind === "solid") return solid(fill.color);
  const json = fill.json;
  if (json.type === "pattern") {
    const type = typeof json.pattern === "string" ? ` patternType="${escapeAttribute(json.pattern)}"` : "";
    return `<fill><patternFill${type}>${color("fgColor", json.fgColor)}${color("bgColor", json.bgColor)}</patternFill></fill>`;
  }
  if (json.type !== undefined) throw new PackageNotHandled(`saved fill of type ${String(json.type)}`);
  // A fill saved by another host ({ color: "#RRGGBB" }), as XlsxHost restores it.
  const c = normalizeColor(typeof json.color === "string" ? json.color : null);
  return c ? solid(c) : null;
}

/** A start tag (or empty element) with one attribute set or replaced. */
function setAttribute(tag: string, name: string, value: string): string {
  const re = new RegExp(`(\\s)${name}\\s*=\\s*("[^"]*"|'[^']*')`);
  if (re.test(tag)) return tag.replace(re, `$1${name}="${value}"`);
  const at = /^<[\w:]+/.exec(tag);
  if (!at) throw new PackageNotHandled("not a tag");
  return `${at[0]} ${name}="${value}"${tag.slice(at[0].length)}`;
}

// ---- sheet XML --------------------------------------------------------------------------------

const LT = 0x3c;
const SLASH = 0x2f;

/** Is the byte after a tag name a delimiter (so "<c" is a cell, not "<col")? */
function endsName(buf: Buffer, at: number): boolean {
  const b = buf[at];
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x3e || b === SLASH;
}

/** The next start tag `<name` (whole name) in [from, to), or -1. */
function nextTag(buf: Buffer, name: string, from: number, to: number): number {
  let at = from;
  for (;;) {
    at = buf.indexOf(name, at, "latin1");
    if (at < 0 || at >= to) return -1;
    if (buf[at] === LT && endsName(buf, at + name.length)) return at;
    at += name.length;
  }
}

interface PatchedSheet {
  /** The style each marked cell had before (by cellKey). */
  originalStyles: Map<string, number>;
  /** The r:id of the sheet's legacy drawing (VML), if it has one. */
  legacyDrawingId: string | null;
  /** The sheet XML, with a <legacyDrawing> added when `legacyId` is given for a sheet without one. */
  finish(legacyId: string | null): Buffer;
}

/**
 * Gives every target cell its marked style: an existing <c> gets its s attribute changed, a
 * missing one is inserted in column order (its row inserted in row order when missing). The
 * XML between changes is kept as slices of the original bytes.
 */
function patchSheetXml(buf: Buffer, targets: readonly Target[], styleFor: (orig: number, t: Target) => number): PatchedSheet {
  const latin = (a: number, b: number) => buf.toString("latin1", a, b);
  assertUtf8(latin(0, Math.min(buf.length, 200)));
  const sdStart = nextTag(buf, "<sheetData", 0, buf.length);
  if (sdStart < 0) throw new PackageNotHandled("sheet without sheetData");
  const sdTagEnd = buf.indexOf(">", sdStart, "latin1");
  let head = latin(0, sdTagEnd + 1);
  if (!/<worksheet\b/.test(head)) throw new PackageNotHandled("sheet with a namespace prefix");
  const emptySheetData = buf[sdTagEnd - 1] === SLASH;
  const sdEnd = emptySheetData ? sdTagEnd + 1 : buf.indexOf("</sheetData>", sdTagEnd, "latin1");
  if (sdEnd < 0) throw new PackageNotHandled("unterminated sheetData");

  // Column styles, for blank cells in rows without a row style.
  const colStyles: { min: number; max: number; style: number }[] = [];
  for (const m of head.matchAll(/<col\b([^>]*?)\/?>/g)) {
    const a = attributes(m[1]);
    if (a.style !== undefined) colStyles.push({ min: Number(a.min), max: Number(a.max), style: Number(a.style) });
  }
  const colStyle = (col: number) => colStyles.find((c) => col >= c.min && col <= c.max)?.style ?? 0;

  const originalStyles = new Map<string, number>();
  const inserted = { minRow: Infinity, maxRow: 0, minCol: Infinity, maxCol: 0 };
  const newCell = (t: Target, orig: number) => {
    originalStyles.set(cellKey(t.row, t.col), orig);
    inserted.minRow = Math.min(inserted.minRow, t.row);
    inserted.maxRow = Math.max(inserted.maxRow, t.row);
    inserted.minCol = Math.min(inserted.minCol, t.col);
    inserted.maxCol = Math.max(inserted.maxCol, t.col);
    return `<c r="${cellAddress(t.row, t.col)}" s="${styleFor(orig, t)}"/>`;
  };
  const newRow = (row: Target[]) => `<row r="${row[0].row}">${row.map((t) => newCell(t, colStyle(t.col))).join("")}</row>`;
  const str = (s: string) => Buffer.from(s, "latin1");

  // Targets grouped by row (already sorted by row, then column).
  const rows: Target[][] = [];
  for (const t of targets) {
    const last = rows[rows.length - 1];
    if (last && last[0].row === t.row) last.push(t);
    else rows.push([t]);
  }

  let ri = 0;
  let copied = sdTagEnd + 1;
  let prevRow = 0;
  const body: Buffer[] = [];
  if (!emptySheetData) {
    let pos = sdTagEnd + 1;
    while (ri < rows.length) {
      const rowStart = nextTag(buf, "<row", pos, sdEnd);
      if (rowStart < 0) break;
      const rowTagEnd = buf.indexOf(">", rowStart, "latin1");
      const rowTag = latin(rowStart, rowTagEnd + 1);
      const ra = attributes(rowTag.slice(4));
      const r = Number(ra.r);
      if (!ra.r || !Number.isInteger(r) || r <= prevRow) throw new PackageNotHandled("rows without numbers or out of order");
      prevRow = r;
      const selfClosing = buf[rowTagEnd - 1] === SLASH;
      const rowClose = selfClosing ? rowTagEnd + 1 : buf.indexOf("</row>", rowTagEnd, "latin1");
      if (rowClose < 0) throw new PackageNotHandled("unterminated row");
      const rowEnd = selfClosing ? rowClose : rowClose + 6;
      pos = rowEnd;
      // Missing rows before this one.
      let missing = "";
      while (ri < rows.length && rows[ri][0].row < r) missing += newRow(rows[ri++]);
      if (missing) {
        body.push(buf.subarray(copied, rowStart), str(missing));
        copied = rowStart;
      }
      if (ri >= rows.length || rows[ri][0].row !== r) continue;
      const want = rows[ri++];
      const rowStyle = (ra.customFormat === "1" || ra.customFormat === "true") && ra.s !== undefined ? Number(ra.s) : null;
      const blankStyle = (col: number) => rowStyle ?? colStyle(col);
      const inner: Buffer[] = [];
      let wi = 0;
      let addedMin = Infinity;
      let addedMax = 0;
      const add = (t: Target) => {
        addedMin = Math.min(addedMin, t.col);
        addedMax = Math.max(addedMax, t.col);
        return newCell(t, blankStyle(t.col));
      };
      if (!selfClosing) {
        let innerCopied = rowTagEnd + 1;
        let p = rowTagEnd + 1;
        let prevCol = 0;
        while (wi < want.length) {
          const ci = nextTag(buf, "<c", p, rowClose);
          if (ci < 0) break;
          const cTagEnd = buf.indexOf(">", ci, "latin1");
          const cSelf = buf[cTagEnd - 1] === SLASH;
          const cEnd = cSelf ? cTagEnd + 1 : buf.indexOf("</c>", cTagEnd, "latin1") + 4;
          if (cEnd < 4) throw new PackageNotHandled("unterminated cell");
          const cTag = latin(ci, cTagEnd + 1);
          const ca = attributes(cTag.slice(2));
          const at = ca.r ? decodeAddress(ca.r) : null;
          if (!at || at.row !== r || at.col <= prevCol) throw new PackageNotHandled("cells without addresses or out of order");
          prevCol = at.col;
          let before = "";
          while (wi < want.length && want[wi].col < at.col) before += add(want[wi++]);
          if (before) {
            inner.push(buf.subarray(innerCopied, ci), str(before));
            innerCopied = ci;
          }
          if (wi < want.length && want[wi].col === at.col) {
            const t = want[wi++];
            const orig = ca.s !== undefined ? Number(ca.s) : 0;
            if (!Number.isInteger(orig)) throw new PackageNotHandled("cell style not a number");
            originalStyles.set(cellKey(t.row, t.col), orig);
            inner.push(buf.subarray(innerCopied, ci), str(setAttribute(cTag, "s", String(styleFor(orig, t)))));
            innerCopied = cTagEnd + 1;
          }
          p = cEnd;
        }
        let after = "";
        while (wi < want.length) after += add(want[wi++]);
        inner.push(buf.subarray(innerCopied, rowClose), str(after));
      } else {
        inner.push(str(want.map(add).join("")));
      }
      // The row's start tag: spans widened to cover inserted cells.
      let tag = selfClosing ? rowTag.replace(/\s*\/>$/, ">") : rowTag;
      if (addedMax > 0 && ra.spans) {
        const nums = ra.spans.split(/[\s:]+/).map(Number).filter(Number.isFinite);
        tag = setAttribute(tag, "spans", `${Math.min(addedMin, ...nums)}:${Math.max(addedMax, ...nums)}`);
      }
      body.push(buf.subarray(copied, rowStart), str(tag), ...inner, str("</row>"));
      copied = rowEnd;
    }
  }
  let rest = "";
  while (ri < rows.length) rest += newRow(rows[ri++]);

  // The dimension covers inserted cells.
  if (inserted.maxRow > 0) {
    head = head.replace(/<dimension\b([^>]*?)\/>/, (m, attrs: string) => {
      const ref = attributes(attrs).ref ?? "";
      const [a, b] = ref.split(":").map((x) => decodeAddress(x));
      const from = a ?? null;
      const to = b ?? a ?? null;
      if (!from || !to) return m;
      const r0 = Math.min(from.row, inserted.minRow);
      const c0 = Math.min(from.col, inserted.minCol);
      const r1 = Math.max(to.row, inserted.maxRow);
      const c1 = Math.max(to.col, inserted.maxCol);
      return setAttribute(m, "ref", `${cellAddress(r0, c0)}:${cellAddress(r1, c1)}`);
    });
  }
  const legacy = /<legacyDrawing\b([^>]*?)\/?>/.exec(latin(sdEnd, buf.length));
  const legacyAttrs = legacy ? attributes(legacy[1]) : null;
  const legacyDrawingId = legacyAttrs ? (Object.entries(legacyAttrs).find(([k]) => /(^|:)id$/.test(k))?.[1] ?? null) : null;
  if (legacy && !legacyDrawingId) throw new PackageNotHandled("legacyDrawing without a relationship id");

  return {
    originalStyles,
    legacyDrawingId,
    finish(legacyId: string | null): Buffer {
      let headOut = head;
      let sheetData: Buffer[];
      if (emptySheetData) {
        headOut = head.replace(/\s*\/>$/, ">");
        sheetData = [str(headOut), str(rest), str("</sheetData>")];
      } else {
        sheetData = [str(headOut), ...body, buf.subarray(copied, sdEnd), str(rest)];
      }
      const tailStart = emptySheetData ? sdTagEnd + 1 : sdEnd;
      if (!legacyId || legacyDrawingId) return Buffer.concat([...sheetData, buf.subarray(tailStart)]);
      // A new legacy drawing goes where the schema wants it (after <drawing>, before the parts that follow it).
      let tail = latin(tailStart, buf.length);
      const rootTag = /<worksheet\b[^>]*>/.exec(headOut)?.[0] ?? "";
      const rPrefix = /\sxmlns:r\s*=\s*"([^"]*)"/.exec(rootTag);
      if (rPrefix && rPrefix[1] !== REL) throw new PackageNotHandled("r prefix bound to another namespace");
      const element = `<legacyDrawing r:id="${legacyId}"/>`;
      const follower = /<(legacyDrawingHF|drawingHF|picture|oleObjects|controls|webPublishItems|tableParts|extLst)\b|<\/worksheet>/.exec(tail);
      if (!follower) throw new PackageNotHandled("unterminated worksheet");
      tail = tail.slice(0, follower.index) + element + tail.slice(follower.index);
      if (!rPrefix) {
        const root = /<worksheet\b/.exec(sheetData[0].toString("latin1"));
        if (!root) throw new PackageNotHandled("no worksheet element");
        const h = sheetData[0].toString("latin1");
        const at = root.index + root[0].length;
        sheetData[0] = str(`${h.slice(0, at)} xmlns:r="${REL}"${h.slice(at)}`);
      }
      return Buffer.concat([...sheetData, str(tail)]);
    },
  };
}

// ---- notes ----------------------------------------------------------------------------------

interface ExistingComment {
  row: number;
  col: number;
  xml: string;
  attrs: string;
  body: string | null;
}

/** The comments of one sheet (existing part merged) and its VML drawing. */
class SheetNotes {
  /** Notes set (text) or removed (null) by the edits. */
  private readonly changed = new Map<string, { row: number; col: number; text: string | null }>();

  private constructor(
    private readonly sheetPath: string,
    private readonly relsPath: string,
    private readonly relsXml: string | null,
    private readonly commentsPath: string | null,
    private readonly commentsXml: string | null,
    private readonly existing: Map<string, ExistingComment>,
    private readonly vmlPath: string | null,
    private readonly vmlXml: string | null,
  ) {}

  static async open(zip: JSZip, sheetPath: string, legacyDrawingId: string | null): Promise<SheetNotes> {
    const relsPath = relsPathOf(sheetPath);
    const relsXml = await text(zip, relsPath);
    const rels = relsXml ? parseRelationships(sheetPath, relsXml) : [];
    if (rels.some((r) => /threadedComment/i.test(r.type))) throw new PackageNotHandled("threaded comments");
    const comments = rels.filter((r) => r.type === REL_COMMENTS);
    if (comments.length > 1) throw new PackageNotHandled("several comments parts");
    const vmlRel = legacyDrawingId ? rels.find((r) => r.id === legacyDrawingId) : undefined;
    if (legacyDrawingId && (!vmlRel || vmlRel.type !== REL_VML || vmlRel.external)) throw new PackageNotHandled("legacy drawing is not a VML part");
    if (comments.length === 1 && !vmlRel) throw new PackageNotHandled("comments without a VML drawing");
    const commentsPath = comments[0] ? findPart(zip, comments[0].target) : null;
    if (comments[0] && !commentsPath) throw new PackageNotHandled("comments part missing");
    const commentsXml = commentsPath ? await text(zip, commentsPath) : null;
    const existing = new Map<string, ExistingComment>();
    if (commentsXml !== null) {
      if (!/<comments\b/.test(commentsXml) || !/<commentList\b/.test(commentsXml)) throw new PackageNotHandled("comments part not read");
      for (const m of commentsXml.matchAll(/<comment\b([^>]*?)(?:\/>|>([\s\S]*?)<\/comment>)/g)) {
        const at = decodeAddress(attributes(m[1]).ref ?? "");
        if (!at) throw new PackageNotHandled("comment without a cell");
        existing.set(cellKey(at.row, at.col), { row: at.row, col: at.col, xml: m[0], attrs: m[1], body: m[2] ?? null });
      }
    }
    const vmlPath = vmlRel ? findPart(zip, vmlRel.target) : null;
    if (vmlRel && !vmlPath) throw new PackageNotHandled("VML part missing");
    // VML is kept as binary text: only ASCII is added to it.
    const vmlXml = vmlPath ? ((await zip.file(vmlPath)?.async("nodebuffer")) as Buffer).toString("latin1") : null;
    if (vmlXml !== null && !/<\/xml>\s*$/.test(vmlXml)) throw new PackageNotHandled("VML part not read");
    return new SheetNotes(sheetPath, relsPath, relsXml, commentsPath, commentsXml, existing, vmlPath, vmlXml);
  }

  /** The note on a cell now (as XlsxHost.getNote reads it: every run's text). */
  get(row: number, col: number): string | null {
    const key = cellKey(row, col);
    const c = this.changed.get(key);
    if (c) return c.text;
    const e = this.existing.get(key);
    if (!e) return null;
    return e.body === null ? "" : xmlText(richText(e.body));
  }

  /** null removes the note. */
  set(row: number, col: number, noteText: string | null): void {
    this.changed.set(cellKey(row, col), { row, col, text: noteText });
  }

  /**
   * Writes the comments part, the VML drawing, the sheet's relationships and content types.
   * Returns the relationship id of a VML drawing the sheet must now refer to (null when it
   * already does).
   */
  write(zip: JSZip, contentTypes: ContentTypes): string | null {
    const written = [...this.changed.values()].filter((c) => c.text !== null);
    if (this.changed.size === 0 || (this.commentsXml === null && written.length === 0)) return null;
    const rels = new RelsPart(this.relsXml);
    let commentsXml = this.commentsXml;
    let commentsPath = this.commentsPath;
    if (commentsXml === null || commentsPath === null) {
      commentsPath = freePart(zip, (n) => `xl/comments${n}.xml`);
      commentsXml = `${XML_DECL}<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors></authors><commentList></commentList></comments>`;
      contentTypes.override(commentsPath, CT_COMMENTS);
      rels.add(REL_COMMENTS, relativeTarget(this.sheetPath, commentsPath));
    }

    // Authors: KJ's own, added once.
    const authors = [...(/<authors\b[^>]*>([\s\S]*?)<\/authors>/.exec(commentsXml)?.[1] ?? "").matchAll(/<author\b[^>]*?(?:\/>|>([\s\S]*?)<\/author>)/g)].map((m) => xmlText(m[1] ?? ""));
    let authorId = authors.indexOf(KJ_AUTHOR);
    if (authorId < 0) {
      authorId = authors.length;
      const author = `<author>${KJ_AUTHOR}</author>`;
      if (/<authors\b[^>]*\/>/.test(commentsXml)) commentsXml = commentsXml.replace(/<authors\b([^>]*?)\s*\/>/, `<authors$1>${author}</authors>`);
      else if (/<\/authors>/.test(commentsXml)) commentsXml = commentsXml.replace(/<\/authors>/, `${author}</authors>`);
      else commentsXml = commentsXml.replace(/<commentList\b/, `<authors>${author}</authors><commentList`);
    }

    const all: { row: number; col: number; xml: string }[] = [];
    const removed: { row: number; col: number }[] = [];
    for (const [key, e] of this.existing) {
      const c = this.changed.get(key);
      if (c && c.text === null) removed.push(e);
      else all.push({ row: e.row, col: e.col, xml: c && c.text !== null ? replacedComment(e, c.text) : e.xml });
    }
    const added: { row: number; col: number }[] = [];
    for (const c of written) {
      if (this.existing.has(cellKey(c.row, c.col))) continue;
      added.push(c);
      all.push({ row: c.row, col: c.col, xml: `<comment ref="${cellAddress(c.row, c.col)}" authorId="${authorId}"><text>${noteRuns(c.text as string)}</text></comment>` });
    }
    all.sort((a, b) => a.row - b.row || a.col - b.col);
    const list = all.map((c) => c.xml).join("");
    commentsXml = commentsXml.replace(/<commentList\b([^>]*?)(?:\/>|>[\s\S]*?<\/commentList>)/, (_m, attrs: string) => `<commentList${attrs}>${list}</commentList>`);
    putPart(zip, commentsPath, commentsXml);

    let newVmlId: string | null = null;
    if (added.length > 0 || removed.length > 0 || this.vmlXml === null) {
      if (this.vmlXml !== null && this.vmlPath !== null) {
        putPart(zip, this.vmlPath, Buffer.from(mergedVml(withoutShapes(this.vmlXml, removed), added), "latin1"));
      } else {
        const vmlPath = freePart(zip, (n) => `xl/drawings/vmlDrawing${n}.vml`);
        putPart(zip, vmlPath, newVml(added));
        contentTypes.vml(vmlPath);
        newVmlId = rels.add(REL_VML, relativeTarget(this.sheetPath, vmlPath));
      }
    }
    if (rels.changed) putPart(zip, this.relsPath, rels.xml());
    return newVmlId;
  }
}

/** A comment with its text replaced; its attributes (author, ids) and other children kept. */
function replacedComment(e: ExistingComment, noteText: string): string {
  const textXml = `<text>${noteRuns(noteText)}</text>`;
  if (e.body === null) return `<comment${e.attrs}>${textXml}</comment>`;
  const body = /<text\b[^>]*?(?:\/>|>[\s\S]*?<\/text>)/.test(e.body) ? e.body.replace(/<text\b[^>]*?(?:\/>|>[\s\S]*?<\/text>)/, () => textXml) : textXml + e.body;
  return `<comment${e.attrs}>${body}</comment>`;
}

/** One run in the usual note font (9 pt 宋体), text kept exactly (line breaks included). */
function noteRuns(noteText: string): string {
  return `<r><rPr><sz val="9"/><rFont val="宋体"/><charset val="134"/></rPr><t xml:space="preserve">${ooxmlText(noteText)}</t></r>`;
}

const VML_SHAPETYPE =
  '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>';

/** The note box of a cell, as exceljs draws it (hidden until the cell is hovered). */
function vmlShape(id: number, row: number, col: number): string {
  const top = Math.max(row - 2, 0);
  const anchor = [col, 6, top, 14, col + 2, 2, top + 4, 16].join(", ");
  return (
    `<v:shape id="_x0000_s${id}" type="#_x0000_t202" style="position:absolute; margin-left:105.3pt;margin-top:10.5pt;width:97.8pt;height:59.1pt;z-index:1;visibility:hidden" fillcolor="infoBackground [80]" strokecolor="none [81]" o:insetmode="auto">` +
    `<v:fill color2="infoBackground [80]"/><v:shadow color="none [81]" obscured="t"/><v:path o:connecttype="none"/>` +
    `<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"/></v:textbox>` +
    `<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>${anchor}</x:Anchor><x:AutoFill>False</x:AutoFill>` +
    `<x:Row>${row - 1}</x:Row><x:Column>${col - 1}</x:Column></x:ClientData></v:shape>`
  );
}

function newVml(cells: readonly { row: number; col: number }[]): string {
  return (
    `${XML_DECL}<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">` +
    `<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout>${VML_SHAPETYPE}` +
    cells.map((c, i) => vmlShape(1025 + i, c.row, c.col)).join("") +
    "</xml>"
  );
}

/** The drawing without the note shapes of `cells` (notes clearMarks removed). */
function withoutShapes(vml: string, cells: readonly { row: number; col: number }[]): string {
  if (cells.length === 0) return vml;
  const gone = new Set(cells.map((c) => cellKey(c.row, c.col)));
  return vml.replace(/<v:shape\b[^>]*>[\s\S]*?<\/v:shape>/g, (shape) => {
    if (!/ObjectType\s*=\s*"Note"/.test(shape)) return shape;
    const row = /<x:Row>\s*(\d+)\s*<\/x:Row>/.exec(shape);
    const col = /<x:Column>\s*(\d+)\s*<\/x:Column>/.exec(shape);
    return row && col && gone.has(cellKey(Number(row[1]) + 1, Number(col[1]) + 1)) ? "" : shape;
  });
}

/** New note shapes added to an existing drawing, with ids after its own. */
function mergedVml(vml: string, cells: readonly { row: number; col: number }[]): string {
  if (cells.length === 0) return vml;
  let maxId = 1024;
  for (const m of vml.matchAll(/_x0000_s(\d+)/g)) maxId = Math.max(maxId, Number(m[1]));
  const shapeType = /id\s*=\s*"_x0000_t202"/.test(vml) ? "" : VML_SHAPETYPE;
  const shapes = cells.map((c, i) => vmlShape(maxId + 1 + i, c.row, c.col)).join("");
  const end = vml.lastIndexOf("</xml>");
  return vml.slice(0, end) + shapeType + shapes + vml.slice(end);
}

// ---- package bookkeeping ------------------------------------------------------------------------

/** The first free part name of a numbered series (part names compare case-insensitively). */
function freePart(zip: JSZip, name: (n: number) => string): string {
  for (let n = 1; ; n++) if (findPart(zip, name(n)) === null) return name(n);
}

/** A .rels part with relationships added. */
class RelsPart {
  changed = false;
  private source: string;
  private readonly ids: Set<string>;
  constructor(xml: string | null) {
    this.source = xml ?? `${XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>`;
    if (!/<\/Relationships>/.test(this.source)) {
      if (!/<Relationships\b[^>]*\/>/.test(this.source)) throw new PackageNotHandled("relationships part not read");
      this.source = this.source.replace(/<Relationships\b([^>]*?)\s*\/>/, "<Relationships$1></Relationships>");
    }
    this.ids = new Set([...this.source.matchAll(/\bId\s*=\s*"([^"]+)"/g)].map((m) => m[1]));
  }
  /** Adds a relationship; returns its id. */
  add(type: string, target: string): string {
    let n = 1;
    while (this.ids.has(`rIdKj${n}`)) n++;
    const id = `rIdKj${n}`;
    this.ids.add(id);
    const at = this.source.lastIndexOf("</Relationships>");
    this.source = `${this.source.slice(0, at)}<Relationship Id="${id}" Type="${type}" Target="${escapeAttribute(target)}"/>${this.source.slice(at)}`;
    this.changed = true;
    return id;
  }
  xml(): string {
    return this.source;
  }
}

/** [Content_Types].xml with overrides (and the vml default) added. */
class ContentTypes {
  constructor(private source: string) {
    if (!/<\/Types>/.test(source)) throw new PackageNotHandled("content types not read");
  }
  override(part: string, contentType: string): void {
    this.insert(`<Override PartName="/${escapeAttribute(part)}" ContentType="${contentType}"/>`);
  }
  vml(part: string): void {
    const vmlDefault = /<Default\b[^>]*\bExtension\s*=\s*"vml"[^>]*>/i.exec(this.source);
    if (!vmlDefault) this.insert(`<Default Extension="vml" ContentType="${CT_VML}"/>`);
    else if (!vmlDefault[0].includes(CT_VML)) this.override(part, CT_VML);
  }
  private insert(element: string): void {
    const at = this.source.lastIndexOf("</Types>");
    this.source = this.source.slice(0, at) + element + this.source.slice(at);
  }
  xml(): string {
    return this.source;
  }
}

/** The registry's worksheet XML: text cells (inline strings) from A1. */
function registrySheetXml(rows: readonly string[][]): string {
  const cell = (r: number, c: number, v: string) => `<c r="${cellAddress(r, c)}" t="inlineStr"><is><t xml:space="preserve">${ooxmlText(v)}</t></is></c>`;
  const sheetData = rows.map((row, i) => `<row r="${i + 1}">${row.map((v, j) => cell(i + 1, j + 1, v)).join("")}</row>`).join("");
  return (
    `${XML_DECL}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${REL}"><dimension ref="A1:C${rows.length}"/>` +
    `<sheetData>${sheetData}</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`
  );
}

/** The hidden registry sheet, appended after every other sheet, its cells inline text. */
async function addRegistrySheet(zip: JSZip, wb: WorkbookParts, contentTypes: ContentTypes, rows: readonly string[][]): Promise<void> {
  const sheetPath = freePart(zip, (n) => `xl/worksheets/sheet${n}.xml`);
  putPart(zip, sheetPath, registrySheetXml(rows));
  contentTypes.override(sheetPath, CT_WORKSHEET);

  const rels = new RelsPart(wb.relsXml || null);
  const rid = rels.add(REL_WORKSHEET, relativeTarget(wb.workbookPath, sheetPath));
  putPart(zip, wb.relsPath, rels.xml());

  let workbookXml = wb.workbookXml;
  const rPrefix = /<workbook\b[^>]*?\sxmlns:r\s*=\s*"([^"]*)"/.exec(workbookXml);
  if (!rPrefix || rPrefix[1] !== REL) throw new PackageNotHandled("workbook without the r namespace");
  let maxId = 0;
  for (const m of workbookXml.matchAll(/<sheet\b([^>]*?)\/?>/g)) maxId = Math.max(maxId, Number(attributes(m[1]).sheetId) || 0);
  const sheet = `<sheet name="${MARK_REGISTRY_SHEET}" sheetId="${maxId + 1}" state="hidden" r:id="${rid}"/>`;
  if (!/<\/sheets>/.test(workbookXml)) throw new PackageNotHandled("workbook without sheets");
  workbookXml = workbookXml.replace(/<\/sheets>/, () => `${sheet}</sheets>`);
  putPart(zip, wb.workbookPath, workbookXml);
}

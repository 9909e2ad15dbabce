/**
 * A streamed, read-only snapshot of an .xlsx package: the sheet XML goes through a SAX parser
 * entry by entry and only the snapshot arrays are kept, so a 100,000 x 50 ledger is read in a
 * few hundred MB. (exceljs' own streaming reader decodes every chunk separately and breaks
 * Chinese characters that straddle a chunk boundary; here a streaming TextDecoder carries them over.)
 * Values follow exceljs' conventions, as XlsxHost.readSheet gives them: shared and inline
 * strings, numbers, booleans, { error }, Date for numbers in a date format (and for dates
 * stored as ISO text), formulas with their cached results (a shared formula's clones get the
 * master's formula moved to their cell, as exceljs gives it).
 */
import { SaxesParser } from "saxes";
import { decodeOoxmlEscapes, slideFormula, WorkbookStructure } from "./ooxml";
import { openXlsxPackage, PackageRefused, shownPartName, XlsxPackage } from "./package";
import { CellValue } from "../../ledger/cells";
import { ProgressFn, SheetSnapshot, WorkbookSnapshot } from "../port";
import { FoundRow, ignoredCellsWarning, snapshotFromRows } from "../snapshot";

/** Built-in number formats that show dates or times (ECMA-376 18.8.30, and the CJK date ids). */
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** exceljs' rule: date letters outside quoted text and [..] sections. */
export function isDateFormat(code: string): boolean {
  return /[ymdhMsb]+/.test(code.replace(/\[[^\]]*]/g, "").replace(/"[^"]*"/g, ""));
}

const localName = (n: string) => {
  const at = n.indexOf(":");
  return at < 0 ? n : n.slice(at + 1);
};

interface XmlHandlers {
  open(name: string, attrs: Record<string, string>): void;
  text?(text: string): void;
  close?(name: string): void;
}

/** A part that is not well-formed XML, as a Chinese refusal naming the part and where the parser stopped. */
function xmlError(part: string, e: Error): PackageRefused {
  const at = /(\d+):(\d+):/.exec(e.message);
  const where = at ? `，第 ${at[1]} 行第 ${at[2]} 列附近` : "";
  return new PackageRefused("package_xml", `文件已损坏（部件“${shownPartName(part)}”的 XML 格式有误${where}），无法读取。请用 Excel/WPS 打开修复后另存为 .xlsx，或换用备份文件`);
}

/** Parses one part as a stream of SAX events (false: the package has no such part). */
async function parseEntry(pkg: XlsxPackage, entryPath: string, h: XmlHandlers): Promise<boolean> {
  if (!pkg.has(entryPath)) return false;
  const parser = new SaxesParser();
  let failure: Error | null = null;
  parser.on("error", (e) => (failure ??= xmlError(entryPath, e)));
  parser.on("doctype", () => (failure ??= xmlError(entryPath, new Error("DOCTYPE"))));
  parser.on("opentag", (tag) => {
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(tag.attributes as Record<string, unknown>)) attrs[localName(k)] = typeof v === "string" ? v : String((v as { value?: unknown }).value ?? "");
    h.open(localName(tag.name), attrs);
  });
  if (h.text) parser.on("text", h.text);
  if (h.close) {
    const close = h.close;
    parser.on("closetag", (tag) => close(localName(tag.name)));
  }
  // A streaming TextDecoder carries a character split between chunks over (as StringDecoder
  // did) and exists in the browser too, where the pane reads the workbooks a user picks.
  const decoder = new TextDecoder("utf-8");
  // The package inflates the part under its declared size and checks it (src/host/xlsx/package.ts).
  await pkg.stream(entryPath, (chunk) => {
    if (failure) return;
    try {
      parser.write(decoder.decode(chunk, { stream: true }));
    } catch (e) {
      failure ??= e as Error;
    }
  });
  if (failure) throw failure;
  parser.write(decoder.decode());
  parser.close();
  if (failure) throw failure;
  return true;
}

function columnNumber(ref: string): number {
  let col = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else break;
  }
  return col;
}

export interface StreamSnapshotOptions {
  /** Only these sheets; default all. */
  sheets?: ReadonlySet<string> | null;
  /** Sheets never to read (e.g. the mark registry). */
  skip?: ReadonlySet<string>;
  progress?: ProgressFn;
}

/**
 * Reads every (wanted) sheet of an .xlsx package into snapshots, in workbook order. The package
 * is opened with its checks (openXlsxPackage: throws PackageRefused); a sheet the workbook lists
 * but the package cannot give (a target outside it, a missing part) is left out and named in
 * the snapshot's `warnings`.
 */
export async function streamSnapshot(bytes: Buffer, options: StreamSnapshotOptions = {}): Promise<WorkbookSnapshot> {
  const pkg = openXlsxPackage(bytes);
  const wb = pkg.workbook();
  const warnings: string[] = [];
  for (const s of wb.skipped) if (!options.skip?.has(s.name) && (!options.sheets || options.sheets.has(s.name))) warnings.push(s.reason);

  const shared = await readSharedStrings(pkg, wb);
  const dateStyles = await readDateStyles(pkg, wb);
  const sheets: SheetSnapshot[] = [];
  for (const s of wb.sheets) {
    if (options.skip?.has(s.name) || (options.sheets && !options.sheets.has(s.name))) continue;
    const sheet = await readSheetXml(pkg, s.path, s.name, shared, dateStyles, wb.date1904, options.progress);
    const ignored = ignoredCellsWarning(sheet);
    if (ignored) warnings.push(ignored);
    sheets.push(sheet);
  }
  return warnings.length ? { sheets, warnings } : { sheets };
}

/** A workbook-level part by its relationship type, else at its usual place. */
function partOf(pkg: XlsxPackage, wb: WorkbookStructure, type: string, usual: string): string {
  const rel = wb.rels.find((r) => r.type.endsWith(`/${type}`) && !r.external && pkg.has(r.target));
  return rel ? rel.target : usual;
}

async function readSharedStrings(pkg: XlsxPackage, wb: WorkbookStructure): Promise<string[]> {
  const out: string[] = [];
  let current = "";
  let inT = false;
  let phonetic = 0;
  await parseEntry(pkg, partOf(pkg, wb, "sharedStrings", "xl/sharedStrings.xml"), {
    open(name) {
      if (name === "si") current = "";
      else if (name === "rPh") phonetic++;
      else if (name === "t" && phonetic === 0) inT = true;
    },
    text(t) {
      if (inT) current += t;
    },
    close(name) {
      if (name === "t") inT = false;
      else if (name === "rPh") phonetic--;
      else if (name === "si") out.push(decodeOoxmlEscapes(current));
    },
  });
  return out;
}

/** For each cellXfs index: does its number format show a date? */
async function readDateStyles(pkg: XlsxPackage, wb: WorkbookStructure): Promise<boolean[]> {
  const custom = new Map<number, string>();
  const out: boolean[] = [];
  let inCellXfs = false;
  await parseEntry(pkg, partOf(pkg, wb, "styles", "xl/styles.xml"), {
    open(name, a) {
      if (name === "numFmt") custom.set(Number(a.numFmtId), a.formatCode ?? "");
      else if (name === "cellXfs") inCellXfs = true;
      else if (name === "xf" && inCellXfs) {
        const id = Number(a.numFmtId ?? 0);
        const code = custom.get(id);
        out.push(code !== undefined ? isDateFormat(code) : BUILTIN_DATE_FORMATS.has(id));
      }
    },
    close(name) {
      if (name === "cellXfs") inCellXfs = false;
    },
  });
  return out;
}

function dateFromSerial(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

async function readSheetXml(pkg: XlsxPackage, entry: string, name: string, shared: string[], dateStyles: boolean[], date1904: boolean, progress?: ProgressFn): Promise<SheetSnapshot> {
  // Only the cells that hold something, row by row (memory follows the content, however far apart they are).
  const rows: FoundRow[] = [];
  let rowNumber = 0;
  let cur: { first: number; values: CellValue[]; formulas: (string | null)[] | null } | null = null;
  // The cell being read.
  let col = 0;
  let type = "";
  let style = 0;
  let v = "";
  let f: string | null = null;
  let sharedSi: string | null = null;
  // Shared formulas by si: a clone gives its master's formula moved to the clone's cell, as exceljs does.
  const masters = new Map<string, { row: number; col: number; formula: string }>();
  let inline = "";
  let into: "v" | "f" | "t" | null = null;
  let phonetic = 0;

  await parseEntry(pkg, entry, {
    open(tag, a) {
      switch (tag) {
        case "row":
          rowNumber = a.r ? Number(a.r) : rowNumber + 1;
          cur = { first: 0, values: [], formulas: null };
          col = 0;
          return;
        case "c":
          col = a.r ? columnNumber(a.r) : col + 1;
          type = a.t ?? "";
          style = a.s ? Number(a.s) : 0;
          v = "";
          f = null;
          sharedSi = null;
          inline = "";
          return;
        case "v":
          into = "v";
          return;
        case "f":
          into = "f";
          f = "";
          sharedSi = a.t === "shared" && a.si !== undefined ? a.si : null;
          return;
        case "rPh":
          phonetic++;
          return;
        case "t":
          if (phonetic === 0) into = "t";
          return;
      }
    },
    text(t) {
      if (into === "v") v += t;
      else if (into === "f") f += t;
      else if (into === "t") inline += t;
    },
    close(tag) {
      if (tag === "v" || tag === "f" || tag === "t") {
        into = null;
        return;
      }
      if (tag === "rPh") {
        phonetic--;
        return;
      }
      if (tag === "c" && cur) {
        const value = cellValue(type, v, inline, dateStyles[style] === true, shared, date1904);
        if (sharedSi !== null && f) masters.set(sharedSi, { row: rowNumber, col, formula: f });
        else if (sharedSi !== null && !f) {
          const m = masters.get(sharedSi);
          if (m) f = slideFormula(m.formula, m, { row: rowNumber, col });
        }
        const formula = f ? "=" + f : null;
        if (value === null && formula === null) return;
        if (cur.first && col < cur.first) {
          // Cells out of column order: keep what came so far as its own piece of the row.
          rows.push({ row: rowNumber, ...cur });
          cur = { first: 0, values: [], formulas: null };
        }
        if (!cur.first) cur.first = col;
        cur.values[col - cur.first] = value;
        if (formula) (cur.formulas ??= [])[col - cur.first] = formula;
        return;
      }
      if (tag === "row" && cur) {
        if (cur.first) rows.push({ row: rowNumber, ...cur });
        cur = null;
        if (rowNumber % 10_000 === 0) progress?.(rowNumber, 0, `读取工作表“${name}”`);
      }
    },
  });

  return snapshotFromRows(name, rows);
}

function cellValue(type: string, v: string, inline: string, isDate: boolean, shared: string[], date1904: boolean): CellValue {
  switch (type) {
    case "s": {
      const s = v === "" ? undefined : shared[Number(v)];
      return s === undefined || s === "" ? null : s;
    }
    case "inlineStr": {
      const s = decodeOoxmlEscapes(inline);
      return s === "" ? null : s;
    }
    case "str":
      return v === "" ? null : decodeOoxmlEscapes(v);
    case "b":
      return v === "" ? null : v === "1" || v === "true";
    case "e":
      return v === "" ? null : { error: v };
    case "d": {
      const d = new Date(v);
      return v === "" || Number.isNaN(d.getTime()) ? null : d;
    }
    default: {
      if (v === "") return null;
      const n = Number(v);
      if (!Number.isFinite(n)) return null;
      return isDate ? dateFromSerial(n, date1904) : n;
    }
  }
}

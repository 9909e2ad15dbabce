/**
 * The edits of the yearly jobs (values, formulas, clearRange, bold, number formats, column
 * widths, data bars, new own sheets) and of the validate job (marks: fill + KJ note) written at
 * the level of the .xlsx package, without building exceljs' cell model (which needs several GB
 * for 100,000 rows):
 * - xl/styles.xml gets, per (original style, change), a clone of the cell's cellXfs entry with
 *   the mark fill, a bold copy of its font or another number format (the rest kept);
 * - in the sheet XML only the changed cells are rewritten: a written value replaces the cell's
 *   content (strings always as inline text, never formulas), its style kept; a blank cell that
 *   gets something is inserted in its row (the row inserted when missing);
 * - notes go into the sheet's comments part and legacy VML drawing, merged with existing ones
 *   (a user's note on a marked cell stays below the KJ note, as composeNote does);
 * - the hidden registry sheet KJ标记 records each marked cell's previous fill, in the same words
 *   as XlsxHost, so clearMarks on the reopened workbook restores fills and notes exactly;
 * - clearMarks on a workbook marked before (by this path or by a host) restores what its
 *   registry records, as XlsxHost does;
 * - a sheet ensureSheet creates starts as an empty worksheet part and is then written like any other.
 * Every other part stays byte for byte. What this path does not handle (deleteRows, insertRows,
 * copyFormats, shared-formula masters overwritten, ...) throws PackageNotHandled and the
 * caller takes the exceljs path. No file access here: bytes in, zip out.
 */
import JSZip from "jszip";
import { excelSerialFromDay, dayFromDate } from "../../dates";
import { CellValue } from "../../ledger/cells";
import { composeNote, entryToClear, MARK_REGISTRY_SHEET, normalizeColor, noteAfterClear, parseAddress, parseRegistry, planMarks, RegistryEntry, registryRows, SavedFill } from "../marks";
import { Edit, ProgressFn } from "../port";
import { isDateFormat, streamSnapshot } from "./stream";
import { openXlsxPackage } from "./package";
import { cellAddress } from "../../text";
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
  escapeXml,
} from "./ooxml";

export interface PackageEdits {
  /** Cells marked (after merging marks on the same cell). */
  marked: number;
  /** The edited package (e.g. for kj awards to recalculate before writing). */
  zip: JSZip;
  /** Writes the edited package to a stream (not ending it). */
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
/** The number format exceljs gives a date written into a cell without a date format. */
const DEFAULT_DATE_FORMAT = "mm-dd-yy";

/** What a cell gets written: a value (null: cleared) or a formula ("=..."). */
type CellContent = { kind: "value"; value: CellValue } | { kind: "formula"; formula: string };

/**
 * A cell the edits change: its new content (undefined: kept), its final mark colour (null: not
 * marked again), the fill to restore first when clearMarks removes an earlier mark from it
 * (null: none), and the format changes.
 */
interface Target {
  row: number;
  col: number;
  color: string | null;
  restore: SavedFill | null;
  content?: CellContent;
  bold?: boolean;
  numFmt?: string;
}

/** What the edits do to one sheet. */
interface SheetPlan {
  cells: Map<string, Target>;
  clears: Map<string, SavedFill>;
  marks: Extract<Edit, { type: "mark" }>[];
  widths: Map<number, number>;
  dataBars: Extract<Edit, { type: "dataBar" }>[];
}

const cellKey = (row: number, col: number) => `${row}:${col}`;

/** A new sheet's visibility: false = visible. */
type SheetState = false | "hidden" | "veryHidden";

/** The state attribute of an existing sheet's entry in workbook.xml (false when visible). */
function sheetStateOf(workbookXml: string, name: string): SheetState | string {
  for (const m of workbookXml.matchAll(/<sheet\b([^>]*?)\/?>/g)) {
    const a = attributes(m[1]);
    if (xmlText(a.name ?? "") === name) return a.state === undefined || a.state === "visible" ? false : a.state;
  }
  return false;
}

/** The edit types this path writes. */
const HANDLED = new Set<Edit["type"]>(["setValues", "setFormulas", "ensureSheet", "clearRange", "mark", "clearMarks", "numberFormat", "columnWidths", "bold", "dataBar"]);

/**
 * Writes `edits` into the package `bytes` as XlsxHost.apply would, in order: values and
 * formulas (the last write of a cell wins), clearRange, formats, widths, data bars, new sheets;
 * clearMarks restores the fills and notes the registry records for that sheet, mark records the
 * previous fill of a cell not yet in the registry, colours it and composes its note. Anything
 * else, or a structure this path does not read, throws PackageNotHandled.
 */
export async function editXlsxPackage(bytes: Buffer, edits: readonly Edit[], opts: { progress?: ProgressFn } = {}): Promise<PackageEdits> {
  for (const e of edits) if (!HANDLED.has(e.type)) throw new PackageNotHandled(`edit ${e.type}`);
  // The package policy (src/host/xlsx/package.ts): refused packages throw PackageRefused, every part is verified.
  const zip = await openXlsxPackage(bytes).jszip();
  const wb = await readWorkbookPart(zip);
  const partOf = new Map(wb.sheets.map((s) => [s.name, s.path]));
  const registry = await readRegistry(bytes, wb);
  const date1904 = /<workbookPr\b[^>]*\bdate1904\s*=\s*"(1|true)"/.test(wb.workbookXml);

  // Sheets the edits create, in the order XlsxHost would add them (the registry at the first mark).
  const created: { name: string; hidden: SheetState }[] = [];
  const exists = (name: string) => partOf.has(name) || created.some((c) => c.name === name);
  let entries = registry?.entries ?? [];
  const plans = new Map<string, SheetPlan>();
  const sheetOrder: string[] = [];
  const planOf = (sheet: string): SheetPlan => {
    if (!exists(sheet) || sheet === MARK_REGISTRY_SHEET) throw new PackageNotHandled(`no worksheet ${sheet}`);
    let p = plans.get(sheet);
    if (!p) {
      p = { cells: new Map(), clears: new Map(), marks: [], widths: new Map(), dataBars: [] };
      plans.set(sheet, p);
      sheetOrder.push(sheet);
    }
    return p;
  };
  const target = (p: SheetPlan, row: number, col: number): Target => {
    if (!Number.isInteger(row) || !Number.isInteger(col) || row < 1 || col < 1 || row > 1_048_576 || col > 16_384) throw new PackageNotHandled("cell outside the sheet");
    const key = cellKey(row, col);
    let t = p.cells.get(key);
    if (!t) {
      t = { row, col, color: null, restore: null };
      p.cells.set(key, t);
    }
    return t;
  };
  const block = (p: SheetPlan, e: { row: number; col: number; rows: number; cols: number }, fn: (t: Target) => void) => {
    for (let i = 0; i < e.rows; i++) for (let j = 0; j < e.cols; j++) fn(target(p, e.row + i, e.col + j));
  };

  for (const e of edits) {
    if (e.type === "ensureSheet") {
      if (!exists(e.sheet)) {
        if (e.sheet.toLowerCase() === MARK_REGISTRY_SHEET.toLowerCase() || /[\\/?*[\]:]/.test(e.sheet) || e.sheet.length > 31 || e.sheet.trim() === "") {
          throw new PackageNotHandled("a sheet name exceljs decides on");
        }
        if ([...partOf.keys(), ...created.map((c) => c.name)].some((n) => n.toLowerCase() === e.sheet.toLowerCase())) throw new PackageNotHandled("sheet name differing in case");
        created.push({ name: e.sheet, hidden: e.hidden ?? false });
      } else if (e.hidden && partOf.has(e.sheet) && sheetStateOf(wb.workbookXml, e.sheet) !== e.hidden) {
        throw new PackageNotHandled("hiding an existing sheet");
      }
      continue;
    }
    const p = planOf(e.sheet);
    switch (e.type) {
      case "setValues":
        e.values.forEach((r, i) => r.forEach((v, j) => (target(p, e.row + i, e.col + j).content = { kind: "value", value: v === undefined || v === "" ? null : v })));
        break;
      case "setFormulas":
        e.formulas.forEach((r, i) =>
          r.forEach((f, j) => {
            if (f === null || f === undefined) return;
            target(p, e.row + i, e.col + j).content = { kind: "formula", formula: f.replace(/^=/, "") };
          }),
        );
        break;
      case "clearRange":
        block(p, e, (t) => (t.content = { kind: "value", value: null }));
        break;
      case "bold":
        block(p, e, (t) => (t.bold = true));
        break;
      case "numberFormat":
        block(p, e, (t) => (t.numFmt = e.format));
        break;
      case "columnWidths":
        e.widths.forEach((w, i) => p.widths.set(e.col + i, w));
        break;
      case "dataBar":
        p.dataBars.push(e);
        break;
      case "mark":
        p.marks.push(e);
        if (!registry && planMarks(e.marks).length > 0 && !created.some((c) => c.name === MARK_REGISTRY_SHEET)) created.push({ name: MARK_REGISTRY_SHEET, hidden: "hidden" });
        break;
      case "clearMarks": {
        if (p.marks.length > 0) throw new PackageNotHandled("clearMarks after marks on the same sheet");
        const only = e.rows ? new Set(e.rows) : undefined;
        for (const entry of entries) {
          const at = entryToClear(entry, e.sheet, only) ? parseAddress(entry.address) : null;
          if (at) p.clears.set(cellKey(at.row, at.col), entry.previousFill);
        }
        entries = entries.filter((entry) => !entryToClear(entry, e.sheet, only));
        break;
      }
    }
  }

  const planned = new Map(sheetOrder.map((sheet) => [sheet, plans.get(sheet)!.marks.map((e) => planMarks(e.marks))]));
  const sheetsToChange = sheetOrder.filter((sheet) => {
    const p = plans.get(sheet)!;
    return p.clears.size > 0 || p.cells.size > 0 || p.widths.size > 0 || p.dataBars.length > 0 || planned.get(sheet)!.some((ps) => ps.length > 0);
  });
  const newSheets = created.filter((c) => c.name !== MARK_REGISTRY_SHEET);
  if (sheetsToChange.length === 0 && newSheets.length === 0) return { marked: 0, zip, writeTo: (stream) => writeZip(zip, stream) };

  const stylesRel = wb.rels.find((r) => /\/styles$/.test(r.type) && !r.external);
  const stylesPath = stylesRel?.target ?? null;
  const stylesXml = stylesPath ? await text(zip, stylesPath) : null;
  if (!stylesPath || stylesXml === null) throw new PackageNotHandled("no styles part");
  const styles = new StyleSheet(stylesXml);
  const contentTypes = new ContentTypes((await text(zip, "[Content_Types].xml")) ?? "");
  const workbook = new WorkbookSheets(zip, wb, contentTypes);
  // New sheets start empty; the registry's part is written at the end.
  for (const c of created) {
    const path = workbook.add(c.name, c.hidden);
    partOf.set(c.name, path);
    if (c.name !== MARK_REGISTRY_SHEET) putPart(zip, path, emptySheetXml());
  }

  let marked = 0;
  let done = 0;
  for (const sheet of sheetsToChange) {
    const sheetPath = partOf.get(sheet) as string;
    const plan = plans.get(sheet)!;
    const markPlans = planned.get(sheet) ?? [];
    const changes = plan.cells;
    for (const [key, fill] of plan.clears) {
      const [row, col] = key.split(":").map(Number);
      target(plan, row, col).restore = fill;
    }
    for (const ps of markPlans) for (const p of ps) target(plan, p.row, p.col).color = p.color;
    const targets = [...changes.values()].sort((a, b) => a.row - b.row || a.col - b.col);
    marked += targets.filter((t) => t.color !== null).length;

    // The style a cell has once clearMarks restored it (its style in the file when it was not marked).
    const beforeMark = (orig: number, t: Target) => (t.restore ? styles.restoredStyle(orig, t.restore) : orig);
    const styleFor = (orig: number, t: Target) => {
      let s = beforeMark(orig, t);
      if (t.color) s = styles.markedStyle(s, t.color);
      if (t.bold) s = styles.boldStyle(s);
      if (t.numFmt !== undefined) s = styles.numFmtStyle(s, t.numFmt);
      if (t.content?.kind === "value" && t.content.value instanceof Date && !styles.isDateStyle(s)) s = styles.numFmtStyle(s, DEFAULT_DATE_FORMAT);
      return s;
    };
    const sheetBytes = await zip.file(sheetPath)?.async("nodebuffer");
    if (!sheetBytes) throw new PackageNotHandled(`missing part ${sheetPath}`);
    // exceljs writes a merged cell's value to the merge's first cell: such writes are its to decide.
    const merged = mergedRanges(sheetBytes);
    if (merged.length > 0 && targets.some((t) => merged.some((m) => t.row >= m.top && t.row <= m.bottom && t.col >= m.left && t.col <= m.right && (t.row !== m.top || t.col !== m.left)))) {
      throw new PackageNotHandled("a write inside merged cells");
    }
    const patched = patchSheetXml(sheetBytes, targets, (existing, orig, t) => rewriteCell(existing, t, orig, styleFor(orig, t), date1904), {
      head: plan.widths.size > 0 ? (head) => withColumnWidths(head, plan.widths) : undefined,
      tail: plan.dataBars.length > 0 ? (tail) => withDataBars(tail, plan.dataBars) : undefined,
    });

    // Notes: cleared first (the KJ part goes, a user's part stays), then the marks in order.
    const hasNotes = plan.clears.size > 0 || markPlans.some((ps) => ps.length > 0);
    const notes = hasNotes ? await SheetNotes.open(zip, sheetPath, patched.legacyDrawingId) : null;
    if (notes) {
      for (const t of targets) {
        if (!t.restore) continue;
        const next = noteAfterClear(notes.get(t.row, t.col));
        if (next.action === "delete") notes.set(t.row, t.col, null);
        else if (next.action === "set") notes.set(t.row, t.col, next.text);
      }
    }
    const registered = new Set<string>();
    for (const ps of markPlans) {
      for (const p of ps) {
        const key = cellKey(p.row, p.col);
        if (!registered.has(key)) {
          registered.add(key);
          const orig = patched.originalStyles.get(key);
          if (orig === undefined) throw new PackageNotHandled("marked cell not placed");
          entries.push({ sheet, address: p.address, previousFill: styles.savedFill(beforeMark(orig, changes.get(key)!)) });
        }
        notes!.set(p.row, p.col, composeNote(p.message, notes!.get(p.row, p.col)));
      }
    }
    const legacy = notes ? notes.write(zip, contentTypes) : null;
    putPart(zip, sheetPath, patched.finish(legacy));
    opts.progress?.(++done, sheetsToChange.length, "写入工作表");
  }

  putPart(zip, stylesPath, styles.xml());
  const registryPath = registry?.path ?? partOf.get(MARK_REGISTRY_SHEET);
  if (registryPath) putPart(zip, registryPath, registrySheetXml(registryRows(entries)));
  workbook.write();
  putPart(zip, "[Content_Types].xml", contentTypes.xml());
  return { marked, zip, writeTo: (stream) => writeZip(zip, stream) };
}

/** The cell's XML after the change, as UTF-8 bytes; null keeps an existing cell as it is and inserts no missing one. */
function rewriteCell(existing: ExistingCell | null, t: Target, orig: number, style: number, date1904: boolean): Buffer | null {
  const styleChanged = style !== orig;
  if (t.content === undefined) {
    if (existing) return styleChanged || t.color || t.restore ? Buffer.from(setAttribute(existing.tag, "s", String(style)) + existing.rest, "latin1") : null;
    return styleChanged || t.color || t.restore ? Buffer.from(`<c r="${cellAddress(t.row, t.col)}" s="${style}"/>`, "latin1") : null;
  }
  if (existing && existing.inner !== null) {
    const f = /<f\b([^>]*?)(?:\/>|>([\s\S]*?)<\/f>)/.exec(existing.inner);
    const fa = f ? attributes(f[1]) : null;
    // Other cells' formulas hang on a shared or array formula's master: exceljs decides what they become.
    if (fa && ((fa.t === "shared" && fa.ref !== undefined) || fa.t === "array")) throw new PackageNotHandled("a shared or array formula overwritten");
  }
  const r = cellAddress(t.row, t.col);
  const s = style !== 0 || (existing && existing.attrs.s !== undefined) ? ` s="${style}"` : "";
  const content = t.content;
  if (content.kind === "formula") return Buffer.from(`<c r="${r}"${s}><f>${escapeXml(content.formula)}</f></c>`, "utf8");
  const v = content.value;
  if (v === null) {
    if (!existing && !s) return null;
    return Buffer.from(`<c r="${r}"${s}/>`, "latin1");
  }
  if (typeof v === "string") return Buffer.from(`<c r="${r}"${s} t="inlineStr"><is><t xml:space="preserve">${inlineText(v)}</t></is></c>`, "utf8");
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new PackageNotHandled("a number that is not finite");
    return Buffer.from(`<c r="${r}"${s}><v>${String(v)}</v></c>`, "latin1");
  }
  if (typeof v === "boolean") return Buffer.from(`<c r="${r}"${s} t="b"><v>${v ? 1 : 0}</v></c>`, "latin1");
  if (v instanceof Date) {
    const day = dayFromDate(v);
    if (day === null || date1904) throw new PackageNotHandled("a date this path does not write");
    const fraction = (v.getTime() / 86_400_000) % 1;
    return Buffer.from(`<c r="${r}"${s}><v>${excelSerialFromDay(day) + (fraction > 0 ? fraction : 0)}</v></c>`, "latin1");
  }
  if (typeof v === "object" && v !== null && typeof (v as { error?: unknown }).error === "string") {
    return Buffer.from(`<c r="${r}"${s} t="e"><v>${escapeXml((v as { error: string }).error)}</v></c>`, "utf8");
  }
  throw new PackageNotHandled("a value this path does not write");
}

/**
 * Text of an inline string: XML escapes, a carriage return as a character reference (kept by
 * every XML reader). Text Excel and exceljs would read back differently here (control
 * characters XML cannot hold, a literal "_xHHHH_": Excel decodes both, exceljs does not in
 * inline strings) is left to the exceljs path.
 */
function inlineText(s: string): string {
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_/.test(s)) throw new PackageNotHandled("text that needs OOXML escapes");
  return escapeXml(s).replace(/\r/g, "&#13;");
}

/** The merged ranges of a sheet (its <mergeCells>, after the cells). */
function mergedRanges(buf: Buffer): { top: number; left: number; bottom: number; right: number }[] {
  const at = buf.lastIndexOf("<mergeCells", buf.length, "latin1");
  if (at < 0) return [];
  const end = buf.indexOf("</mergeCells>", at, "latin1");
  const xml = buf.toString("latin1", at, end < 0 ? buf.length : end);
  const out: { top: number; left: number; bottom: number; right: number }[] = [];
  for (const m of xml.matchAll(/<mergeCell\b([^>]*?)\/?>/g)) {
    const [a, b] = (attributes(m[1]).ref ?? "").split(":").map((x) => decodeAddress(x));
    if (!a) throw new PackageNotHandled("a merged range not read");
    const z = b ?? a;
    out.push({ top: Math.min(a.row, z.row), left: Math.min(a.col, z.col), bottom: Math.max(a.row, z.row), right: Math.max(a.col, z.col) });
  }
  return out;
}

/** A new sheet's part before anything is written into it (as exceljs writes an empty sheet). */
function emptySheetXml(): string {
  return (
    `${XML_DECL}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${REL}"><dimension ref="A1"/>` +
    `<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/>` +
    `<sheetData/><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`
  );
}

/** The sheet head with <cols> giving `widths` (ranges of the existing <cols> split where needed). */
function withColumnWidths(head: string, widths: ReadonlyMap<number, number>): string {
  const existing = /<cols\b[^>]*>([\s\S]*?)<\/cols>|<cols\b[^>]*\/>/.exec(head);
  type Col = { min: number; max: number; attrs: Record<string, string> };
  let cols: Col[] = [];
  if (existing) {
    for (const m of (existing[1] ?? "").matchAll(/<col\b([^>]*?)\/?>/g)) {
      const a = attributes(m[1]);
      const min = Number(a.min);
      const max = Number(a.max);
      if (!Number.isInteger(min) || !Number.isInteger(max) || min > max) throw new PackageNotHandled("a column range not read");
      cols.push({ min, max, attrs: a });
    }
  }
  for (const [col, width] of widths) {
    const next: Col[] = [];
    let found = false;
    for (const c of cols) {
      if (col < c.min || col > c.max) {
        next.push(c);
        continue;
      }
      found = true;
      if (c.min < col) next.push({ ...c, max: col - 1 });
      next.push({ min: col, max: col, attrs: { ...c.attrs, width: String(width), customWidth: "1" } });
      if (col < c.max) next.push({ ...c, min: col + 1 });
    }
    if (!found) next.push({ min: col, max: col, attrs: { width: String(width), customWidth: "1" } });
    cols = next.sort((a, b) => a.min - b.min);
  }
  const xml =
    "<cols>" +
    cols
      .map((c) => {
        const rest = Object.entries(c.attrs)
          .filter(([k]) => k !== "min" && k !== "max")
          .map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`)
          .join("");
        return `<col min="${c.min}" max="${c.max}"${rest}/>`;
      })
      .join("") +
    "</cols>";
  if (existing) return head.slice(0, existing.index) + xml + head.slice(existing.index + existing[0].length);
  const at = head.lastIndexOf("<sheetData");
  return head.slice(0, at) + xml + head.slice(at);
}

/** The sheet tail (after sheetData) with a data bar over each block, as XlsxHost adds them; one already there is not added twice. */
function withDataBars(tail: string, bars: readonly Extract<Edit, { type: "dataBar" }>[]): string {
  let out = tail;
  for (const b of bars) {
    const ref = b.rows === 1 && b.cols === 1 ? cellAddress(b.row, b.col) : `${cellAddress(b.row, b.col)}:${cellAddress(b.row + b.rows - 1, b.col + b.cols - 1)}`;
    const rgb = "FF" + (normalizeColor(b.color) ?? "#638EC6").slice(1);
    const xml =
      `<conditionalFormatting sqref="${ref}"><cfRule type="dataBar" priority="1"><dataBar>` +
      `<cfvo type="num" val="0"/><cfvo type="num" val="1"/><color rgb="${rgb}"/></dataBar></cfRule></conditionalFormatting>`;
    if (out.includes(xml)) continue;
    const follower = /<(dataValidations|hyperlinks|printOptions|pageMargins|pageSetup|headerFooter|rowBreaks|colBreaks|customProperties|cellWatches|ignoredErrors|smartTags|drawing|legacyDrawing|legacyDrawingHF|drawingHF|picture|oleObjects|controls|webPublishItems|tableParts|extLst)\b|<\/worksheet>/.exec(out);
    if (!follower) throw new PackageNotHandled("unterminated worksheet");
    // After the sheet's own conditional formats (they come right before the follower).
    out = out.slice(0, follower.index) + xml + out.slice(follower.index);
  }
  return out;
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

/** Built-in number format ids exceljs uses for these codes (ECMA-376 18.8.30). */
const BUILTIN_FORMATS: Record<string, number> = {
  General: 0,
  "0": 1,
  "0.00": 2,
  "#,##0": 3,
  "#,##0.00": 4,
  "0%": 9,
  "0.00%": 10,
  "0.00E+00": 11,
  "mm-dd-yy": 14,
  "@": 49,
};
/** The codes of the built-in date formats (for a cell already showing a date). */
const BUILTIN_DATE_IDS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** One list of styles.xml (<fills>, <fonts>, <cellXfs>, <numFmts>): its entries and where it stands. */
class StyleList {
  readonly items: string[];
  readonly added: string[] = [];
  constructor(
    readonly tag: string,
    readonly at: { start: number; end: number; attrs: string } | null,
    items: string[],
  ) {
    this.items = items;
  }
  static read(source: string, tag: string, item: string): StyleList {
    const m = new RegExp(`<${tag}\\b([^>]*?)(?:/>|>([\\s\\S]*?)</${tag}>)`).exec(source);
    if (!m) return new StyleList(tag, null, []);
    const items = [...(m[2] ?? "").matchAll(new RegExp(`<${item}\\b[^>]*?(?:/>|>[\\s\\S]*?</${item}>)`, "g"))].map((x) => x[0]);
    return new StyleList(tag, { start: m.index, end: m.index + m[0].length, attrs: m[1] }, items);
  }
  get(i: number): string | undefined {
    return i < this.items.length ? this.items[i] : this.added[i - this.items.length];
  }
  get length(): number {
    return this.items.length + this.added.length;
  }
  /** An entry's index: an identical existing one is reused. */
  index(entry: string): number {
    const at = this.items.indexOf(entry);
    if (at >= 0) return at;
    const extra = this.added.indexOf(entry);
    if (extra >= 0) return this.items.length + extra;
    this.added.push(entry);
    return this.length - 1;
  }
  xml(): string {
    const attrs = setAttribute(`<x${this.at?.attrs ?? ""}>`, "count", String(this.length)).slice(2, -1);
    return `<${this.tag}${attrs}>${this.items.join("")}${this.added.join("")}</${this.tag}>`;
  }
}

/** The number formats, fonts, fills and cellXfs of styles.xml, with changed clones appended on demand. */
class StyleSheet {
  private readonly fills: StyleList;
  private readonly fonts: StyleList;
  private readonly numFmts: StyleList;
  private readonly xfs: string[];
  private readonly newXfs: string[] = [];
  private readonly clones = new Map<string, number>();
  private readonly xfIndex = new Map<string, number>();
  private readonly xfsAt: { start: number; end: number; attrs: string };

  constructor(private readonly source: string) {
    if (!/<styleSheet\b/.test(source)) throw new PackageNotHandled("styles part with a namespace prefix");
    const xfs = /<cellXfs\b([^>]*?)>([\s\S]*?)<\/cellXfs>/.exec(source);
    this.fills = StyleList.read(source, "fills", "fill");
    this.fonts = StyleList.read(source, "fonts", "font");
    this.numFmts = StyleList.read(source, "numFmts", "numFmt");
    if (!this.fills.at || !xfs) throw new PackageNotHandled("styles without fills or cellXfs");
    this.xfs = [...xfs[2].matchAll(/<xf\b[^>]*?(?:\/>|>[\s\S]*?<\/xf>)/g)].map((m) => m[0]);
    this.xfs.forEach((xf, i) => this.xfIndex.has(xf) || this.xfIndex.set(xf, i));
    if (this.xfs.length === 0) throw new PackageNotHandled("empty cellXfs");
    this.xfsAt = { start: xfs.index, end: xfs.index + xfs[0].length, attrs: xfs[1] };
  }

  private xf(index: number): string {
    const xf = this.xfs[index] ?? this.newXfs[index - this.xfs.length];
    if (xf === undefined) throw new PackageNotHandled(`style ${index} not in cellXfs`);
    return xf;
  }

  private xfAttr(index: number, name: string): string | undefined {
    return attributes(/^<xf\b([^>]*?)\/?>/.exec(this.xf(index))?.[1] ?? "")[name];
  }

  /** A clone of style `orig` changed by `change`, once per (orig, key). */
  private clone(orig: number, key: string, change: (xf: string) => string): number {
    const k = `${orig}|${key}`;
    const found = this.clones.get(k);
    if (found !== undefined) return found;
    const index = this.addXf(change(this.xf(orig)));
    this.clones.set(k, index);
    return index;
  }

  /** The cellXfs index of `orig` with the mark fill `color` ("#RRGGBB"). */
  markedStyle(orig: number, color: string): number {
    return this.clone(orig, `mark|${color}`, (xf) => {
      // As exceljs writes a solid fill, so the reopened cell reads the same as on the exceljs path.
      const fillId = this.fills.index(`<fill><patternFill patternType="solid"><fgColor rgb="FF${color.slice(1).toUpperCase()}"/></patternFill></fill>`);
      return setAttribute(setAttribute(xf, "fillId", String(fillId)), "applyFill", "1");
    });
  }

  /** The cellXfs index of `orig` with `fill` instead of its own (clearMarks restoring a saved fill). */
  restoredStyle(orig: number, fill: SavedFill): number {
    const fillXml = fillXmlOf(fill);
    return this.clone(orig, `restore|${fillXml ?? "none"}`, (xf) => {
      let noneAt = -1;
      for (let i = 0; i < this.fills.length && noneAt < 0; i++) if (savedFillOf(this.fills.get(i)).kind === "none") noneAt = i;
      const fillId = fillXml === null && noneAt >= 0 ? noneAt : this.fills.index(fillXml ?? '<fill><patternFill patternType="none"/></fill>');
      return setAttribute(xf, "fillId", String(fillId));
    });
  }

  /** The cellXfs index of `orig` with its font made bold (the rest of the font kept). */
  boldStyle(orig: number): number {
    const fontId = Number(this.xfAttr(orig, "fontId") ?? 0);
    const font = this.fonts.get(fontId);
    if (font === undefined) throw new PackageNotHandled("a style without its font");
    if (/<b\s*\/>|<b\s+val\s*=\s*"(1|true)"\s*\/>/.test(font)) return orig;
    return this.clone(orig, "bold", (xf) => {
      const bold = /<b\b[^>]*\/>/.test(font) ? font.replace(/<b\b[^>]*\/>/, "<b/>") : /^<font\b[^>]*\/>$/.test(font) ? font.replace(/\s*\/>$/, "><b/></font>") : font.replace(/^(<font\b[^>]*>)/, "$1<b/>");
      return setAttribute(setAttribute(xf, "fontId", String(this.fonts.index(bold))), "applyFont", "1");
    });
  }

  /** The cellXfs index of `orig` showing numbers with `format` (a built-in id when there is one, else a custom format). */
  numFmtStyle(orig: number, format: string): number {
    if (this.formatOf(orig) === format) return orig;
    return this.clone(orig, `numFmt|${format}`, (xf) => setAttribute(setAttribute(xf, "numFmtId", String(this.numFmtId(format))), "applyNumberFormat", "1"));
  }

  /** Does the style show a date (exceljs reads its numbers as dates)? */
  isDateStyle(index: number): boolean {
    const id = Number(this.xfAttr(index, "numFmtId") ?? 0);
    const code = this.customFormat(id);
    return code !== undefined ? isDateFormat(code) : BUILTIN_DATE_IDS.has(id);
  }

  private formatOf(index: number): string | undefined {
    const id = Number(this.xfAttr(index, "numFmtId") ?? 0);
    return this.customFormat(id) ?? Object.keys(BUILTIN_FORMATS).find((k) => BUILTIN_FORMATS[k] === id);
  }

  private customFormat(id: number): string | undefined {
    for (let i = 0; i < this.numFmts.length; i++) {
      const a = attributes(/^<numFmt\b([^>]*?)\/?>/.exec(this.numFmts.get(i) as string)?.[1] ?? "");
      if (Number(a.numFmtId) === id && a.formatCode !== undefined) return xmlText(a.formatCode);
    }
    return undefined;
  }

  private numFmtId(format: string): number {
    if (BUILTIN_FORMATS[format] !== undefined) return BUILTIN_FORMATS[format];
    let max = 163;
    for (let i = 0; i < this.numFmts.length; i++) {
      const a = attributes(/^<numFmt\b([^>]*?)\/?>/.exec(this.numFmts.get(i) as string)?.[1] ?? "");
      if (a.formatCode !== undefined && xmlText(a.formatCode) === format) return Number(a.numFmtId);
      max = Math.max(max, Number(a.numFmtId) || 0);
    }
    this.numFmts.index(`<numFmt numFmtId="${max + 1}" formatCode="${escapeAttribute(format)}"/>`);
    return max + 1;
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
    return savedFillOf(this.fills.get(Number(fillId)));
  }

  /** styles.xml with the lists that grew rewritten (a missing <numFmts> goes first, as the schema wants). */
  xml(): string {
    const s = this.source;
    const xfs = `<cellXfs${setAttribute(`<x${this.xfsAt.attrs}>`, "count", String(this.xfs.length + this.newXfs.length)).slice(2, -1)}>${this.xfs.join("")}${this.newXfs.join("")}</cellXfs>`;
    const parts: { start: number; end: number; xml: string }[] = [{ ...this.xfsAt, xml: xfs }];
    for (const list of [this.fills, this.fonts]) {
      if (list.added.length === 0) continue;
      if (!list.at) throw new PackageNotHandled(`styles without ${list.tag}`);
      parts.push({ start: list.at.start, end: list.at.end, xml: list.xml() });
    }
    if (this.numFmts.added.length > 0) {
      if (this.numFmts.at) parts.push({ start: this.numFmts.at.start, end: this.numFmts.at.end, xml: this.numFmts.xml() });
      else {
        const at = /<(fonts|fills|borders|cellStyleXfs|cellXfs)\b/.exec(s);
        if (!at) throw new PackageNotHandled("styles without fonts");
        parts.push({ start: at.index, end: at.index, xml: this.numFmts.xml() });
      }
    }
    parts.sort((a, b) => a.start - b.start);
    let out = "";
    let pos = 0;
    for (const p of parts) {
      out += s.slice(pos, p.start) + p.xml;
      pos = p.end;
    }
    return out + s.slice(pos);
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
  /** The style each changed cell had before (by cellKey). */
  originalStyles: Map<string, number>;
  /** The r:id of the sheet's legacy drawing (VML), if it has one. */
  legacyDrawingId: string | null;
  /** The sheet XML, with a <legacyDrawing> added when `legacyId` is given for a sheet without one. */
  finish(legacyId: string | null): Buffer;
}

/** A cell as the sheet XML holds it (binary text, see ooxml.fromBinary). */
interface ExistingCell {
  /** Its start tag ("<c ...>" or "<c .../>"). */
  tag: string;
  attrs: Record<string, string>;
  /** What follows the start tag, up to and including </c> ("" for an empty element). */
  rest: string;
  /** Its content between the tags; null for an empty element. */
  inner: string | null;
}

/** The new XML of a target cell (null: the existing cell stays, a missing one is not inserted); `orig` is its style now. */
type CellRewrite = (existing: ExistingCell | null, orig: number, t: Target) => Buffer | null;

/**
 * Rewrites every target cell through `rewrite`: an existing <c> is replaced, a missing one is
 * inserted in column order (its row inserted in row order when missing). The XML between
 * changes is kept as slices of the original bytes. `head` and `tail` may change the XML before
 * <sheetData> (e.g. <cols>) and after it (e.g. conditional formats).
 */
function patchSheetXml(buf: Buffer, targets: readonly Target[], rewrite: CellRewrite, edit: { head?: (head: string) => string; tail?: (tail: string) => string } = {}): PatchedSheet {
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
  /** A missing cell's XML, or null when nothing is inserted. */
  const newCell = (t: Target, orig: number): Buffer | null => {
    originalStyles.set(cellKey(t.row, t.col), orig);
    const xml = rewrite(null, orig, t);
    if (xml === null) return null;
    inserted.minRow = Math.min(inserted.minRow, t.row);
    inserted.maxRow = Math.max(inserted.maxRow, t.row);
    inserted.minCol = Math.min(inserted.minCol, t.col);
    inserted.maxCol = Math.max(inserted.maxCol, t.col);
    return xml;
  };
  const str = (s: string) => Buffer.from(s, "latin1");
  const newRow = (row: Target[]): Buffer[] => {
    const cells = row.map((t) => newCell(t, colStyle(t.col))).filter((c): c is Buffer => c !== null);
    return cells.length === 0 ? [] : [str(`<row r="${row[0].row}">`), ...cells, str("</row>")];
  };

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
      const missing: Buffer[] = [];
      while (ri < rows.length && rows[ri][0].row < r) missing.push(...newRow(rows[ri++]));
      if (missing.length > 0) {
        body.push(buf.subarray(copied, rowStart), ...missing);
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
      const add = (t: Target): Buffer[] => {
        const xml = newCell(t, blankStyle(t.col));
        if (xml === null) return [];
        addedMin = Math.min(addedMin, t.col);
        addedMax = Math.max(addedMax, t.col);
        return [xml];
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
          const before: Buffer[] = [];
          while (wi < want.length && want[wi].col < at.col) before.push(...add(want[wi++]));
          if (before.length > 0) {
            inner.push(buf.subarray(innerCopied, ci), ...before);
            innerCopied = ci;
          }
          if (wi < want.length && want[wi].col === at.col) {
            const t = want[wi++];
            const orig = ca.s !== undefined ? Number(ca.s) : 0;
            if (!Number.isInteger(orig)) throw new PackageNotHandled("cell style not a number");
            originalStyles.set(cellKey(t.row, t.col), orig);
            const rest = latin(cTagEnd + 1, cEnd);
            const xml = rewrite({ tag: cTag, attrs: ca, rest, inner: cSelf ? null : rest.slice(0, -4) }, orig, t);
            if (xml !== null) {
              inner.push(buf.subarray(innerCopied, ci), xml);
              innerCopied = cEnd;
            }
          }
          p = cEnd;
        }
        const after: Buffer[] = [];
        while (wi < want.length) after.push(...add(want[wi++]));
        inner.push(buf.subarray(innerCopied, rowClose), ...after);
      } else {
        for (const t of want) inner.push(...add(t));
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
  const rest: Buffer[] = [];
  while (ri < rows.length) rest.push(...newRow(rows[ri++]));

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
  if (edit.head) head = edit.head(head);
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
        sheetData = [str(headOut), ...rest, str("</sheetData>")];
      } else {
        sheetData = [str(headOut), ...body, buf.subarray(copied, sdEnd), ...rest];
      }
      const tailStart = emptySheetData ? sdTagEnd + 1 : sdEnd;
      if ((!legacyId || legacyDrawingId) && !edit.tail) return Buffer.concat([...sheetData, buf.subarray(tailStart)]);
      let tail = latin(tailStart, buf.length);
      if (edit.tail) tail = edit.tail(tail);
      if (!legacyId || legacyDrawingId) return Buffer.concat([...sheetData, str(tail)]);
      // A new legacy drawing goes where the schema wants it (after <drawing>, before the parts that follow it).
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

/**
 * Worksheets added to the workbook (after every other sheet, in the order given): each gets a
 * part name, a relationship, a content type and a <sheet> entry; write() saves workbook.xml and
 * its relationships once.
 */
class WorkbookSheets {
  private readonly rels: RelsPart;
  private workbookXml: string;
  private maxId = 0;
  private changed = false;

  constructor(
    private readonly zip: JSZip,
    private readonly wb: WorkbookParts,
    private readonly contentTypes: ContentTypes,
  ) {
    this.rels = new RelsPart(wb.relsXml || null);
    this.workbookXml = wb.workbookXml;
    for (const m of this.workbookXml.matchAll(/<sheet\b([^>]*?)\/?>/g)) this.maxId = Math.max(this.maxId, Number(attributes(m[1]).sheetId) || 0);
  }

  /** Adds a worksheet entry; returns its part's path (the caller writes the part). */
  add(name: string, hidden: SheetState): string {
    const sheetPath = freePart(this.zip, (n) => `xl/worksheets/sheet${n}.xml`);
    // Reserve the name now, so the next sheet gets another one.
    putPart(this.zip, sheetPath, "");
    this.contentTypes.override(sheetPath, CT_WORKSHEET);
    const rid = this.rels.add(REL_WORKSHEET, relativeTarget(this.wb.workbookPath, sheetPath));
    const rPrefix = /<workbook\b[^>]*?\sxmlns:r\s*=\s*"([^"]*)"/.exec(this.workbookXml);
    if (!rPrefix || rPrefix[1] !== REL) throw new PackageNotHandled("workbook without the r namespace");
    if (!/<\/sheets>/.test(this.workbookXml)) throw new PackageNotHandled("workbook without sheets");
    const sheet = `<sheet name="${escapeAttribute(name)}" sheetId="${++this.maxId}"${hidden ? ` state="${hidden}"` : ""} r:id="${rid}"/>`;
    this.workbookXml = this.workbookXml.replace(/<\/sheets>/, () => `${sheet}</sheets>`);
    this.changed = true;
    return sheetPath;
  }

  write(): void {
    if (!this.changed) return;
    putPart(this.zip, this.wb.relsPath, this.rels.xml());
    putPart(this.zip, this.wb.workbookPath, this.workbookXml);
  }
}

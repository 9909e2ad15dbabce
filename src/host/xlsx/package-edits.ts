/**
 * Every edit of the jobs written at the level of the .xlsx package, without building exceljs'
 * cell model (which needs several GB for 100,000 rows) and without touching what the edits do
 * not concern:
 * - values, formulas, clearRange, bold, number formats, column widths, data bars, new own sheets,
 *   marks (fill + KJ note) and clearMarks, as before;
 * - copyFormats: each target cell takes its source cell's style (the same styles.xml serves every
 *   sheet), its note (rich text and author kept) and the merged ranges inside the block;
 * - deleteRows and insertRows (src/host/xlsx/package-rows.ts): rows renumbered, and everything
 *   that names rows follows: formulas everywhere, merged cells, validation, conditional formats,
 *   tables, filters, notes, threaded comments, pictures and charts, defined names, chart series;
 * - xl/styles.xml gets, per (original style, change), a clone of the cell's cellXfs entry with
 *   the mark fill, a bold copy of its font or another number format (the rest kept);
 * - in the sheet XML only the changed cells are rewritten: a written value replaces the cell's
 *   content (strings always as text, never formulas: inline, or shared when they need OOXML's
 *   escapes for control characters), its style kept; a blank cell that gets something is
 *   inserted in its row (the row inserted when missing);
 * - notes go into the sheet's comments part and legacy VML drawing, merged with existing ones
 *   (a user's note on a marked cell stays below the KJ note, as composeNote does); a cell holding
 *   a threaded comment (Excel 365) keeps it: a mark only colours such a cell;
 * - the hidden registry sheet KJ标记 records each marked cell's previous fill, in the same words
 *   as XlsxHost, so clearMarks on the reopened workbook restores fills and notes exactly; rows
 *   moved by deleteRows / insertRows take their registry entries along.
 * The edits are applied in order: runs of cell edits are gathered and each sheet patched once per
 * run; copyFormats, deleteRows and insertRows act on the package as the edits before left it.
 * Every other part stays byte for byte. What this path does not write throws PackageNotHandled
 * (src/host/xlsx/ooxml.ts): a declared reason lets the caller use exceljs, saying why; anything
 * else is an error. No file access here: bytes in, zip out.
 */
import JSZip from "jszip";
import { excelSerialFromDay, dayFromDate } from "../../dates";
import { CellValue } from "../../ledger/cells";
import { composeNote, entryToClear, MARK_REGISTRY_SHEET, moveRegistryRows, normalizeColor, noteAfterClear, parseAddress, parseRegistry, planMarks, RegistryEntry, registryRows, SavedFill } from "../marks";
import { Edit, ProgressFn } from "../port";
import { isDateFormat, streamSnapshot } from "./stream";
import { openXlsxPackage } from "./package";
import { cellAddress } from "../../text";
import {
  assertUtf8,
  attributes,
  decodeAddress,
  escapeAttribute,
  FALLBACK,
  NO_ADDRESSES,
  findPart,
  ooxmlText,
  PackageNotHandled,
  parseRelationships,
  partBytes,
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
import { moveRowsInPackage, unshareFormulas } from "./package-rows";
import { RowMove, rowsDeleted, rowsInserted } from "./rows";

export interface PackageEdits {
  /** Cells marked (after merging marks on the same cell). */
  marked: number;
  /**
   * Rows were deleted or inserted and some formula's range changed size (or became #REF!): the
   * cached values of formulas may be stale, the caller recalculates (recalcXlsxZip) before saving.
   */
  needsRecalc: boolean;
  /** Things the clerk should know about the result (Chinese), e.g. cells whose threaded comment kept a mark out of its note. */
  notices: string[];
  /** The edited package (e.g. for kj awards to recalculate before writing). */
  zip: JSZip;
  /** Writes the edited package to a stream (not ending it). */
  writeTo(stream: NodeJS.WritableStream): Promise<void>;
}

const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL_COMMENTS = `${REL}/comments`;
const REL_VML = `${REL}/vmlDrawing`;
const REL_WORKSHEET = `${REL}/worksheet`;
const REL_SST = `${REL}/sharedStrings`;
const CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml";
const CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing";
const CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
const CT_SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml";
const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
/** The author of KJ's notes in the comments part. */
const KJ_AUTHOR = "KJ";
/** The number format exceljs gives a date written into a cell without a date format. */
const DEFAULT_DATE_FORMAT = "mm-dd-yy";

/** What a cell gets written: a value (null: cleared) or a formula ("=..."). */
type CellContent = { kind: "value"; value: CellValue } | { kind: "formula"; formula: string; result?: CellValue };

/**
 * A cell the edits change: its new content (undefined: kept), its final mark colour (null: not
 * marked again), the fill to restore first when clearMarks removes an earlier mark from it
 * (null: none), the style copied onto it (copyFormats), and the format changes.
 */
interface Target {
  row: number;
  col: number;
  color: string | null;
  restore: SavedFill | null;
  content?: CellContent;
  /** A style (cellXfs index) copied from another cell: the cell's own style is replaced by it. */
  base?: number;
  bold?: boolean;
  numFmt?: string;
}

/**
 * A note copied onto a cell: the comment's body XML, its author's name and the namespaces its
 * part declares (a body may use them, e.g. LibreOffice's mc:AlternateContent); null removes the cell's note.
 */
type NoteCopy = { author: string; body: string; namespaces: Record<string, string> } | null;

/** What the edits do to one sheet. */
interface SheetPlan {
  cells: Map<number, Target>;
  clears: Map<number, SavedFill>;
  marks: Extract<Edit, { type: "mark" }>[];
  widths: Map<number, number>;
  dataBars: Extract<Edit, { type: "dataBar" }>[];
  notes: Map<number, { row: number; col: number; note: NoteCopy }>;
  /** Blocks whose cells take the notes copied onto them, or none. */
  noteBlocks: Block[];
  merges: Block[];
}

interface Block {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** A sheet's visibility: false = visible. */
type SheetState = false | "hidden" | "veryHidden";

/**
 * What a copyFormats edit gives its sheet, read from its sources as the edits before left them:
 * each target block's styles (row by row), the notes of source cells that have one (the other
 * target cells lose theirs), and the merged ranges inside the blocks.
 */
interface CopyPlan {
  sheet: string;
  blocks: { row: number; col: number; rows: number; cols: number; styles: Int32Array }[];
  notes: { row: number; col: number; note: NonNullable<NoteCopy> }[];
  merges: Block[];
}

/** A cell as one number (a Map of a million cells keyed by numbers costs far less than by strings). */
const cellKey = (row: number, col: number) => (row - 1) * 16_384 + col;
const rowOfKey = (key: number) => Math.floor((key - 1) / 16_384) + 1;
const colOfKey = (key: number) => key - (rowOfKey(key) - 1) * 16_384;

/**
 * Writes `edits` into the package `bytes` as XlsxHost.apply would, in order (see the file
 * comment). What this path does not write throws PackageNotHandled.
 */
export async function editXlsxPackage(bytes: Buffer, edits: readonly Edit[], opts: { progress?: ProgressFn } = {}): Promise<PackageEdits> {
  // The package policy (src/host/xlsx/package.ts): refused packages throw PackageRefused, every part is verified.
  const zip = await openXlsxPackage(bytes).jszip();
  const writer = await PackageWriter.open(zip, bytes);
  let run: Edit[] = [];
  let copies: CopyPlan | null = null;
  const flush = async () => {
    if (run.length > 0 || copies) await writer.writeCells(run, copies, opts.progress);
    run = [];
    copies = null;
  };
  for (let i = 0; i < edits.length; i++) {
    const e = edits[i];
    if (e.type === "copyFormats") {
      await flush();
      copies = await writer.readCopies(e);
    } else if (e.type === "deleteRows") {
      await flush();
      await writer.moveRows(e.sheet, rowsDeleted(e.sheet, e.rows));
    } else if (e.type === "insertRows") {
      await flush();
      // Consecutive inserts into one sheet, in ascending order, are one pass over the package.
      const group: Extract<Edit, { type: "insertRows" }>[] = [e];
      while (i + 1 < edits.length) {
        const next = edits[i + 1];
        const last = group[group.length - 1];
        if (next.type !== "insertRows" || next.sheet !== e.sheet || next.row < last.row + last.values.length) break;
        group.push(next);
        i++;
      }
      const runs = group.filter((g) => g.values.length > 0);
      if (runs.length === 0) continue;
      await writer.moveRows(e.sheet, rowsInserted(e.sheet, runs.map((g) => ({ at: g.row, count: g.values.length })), e.restores));
      // The new rows' values (strings as text), then whatever follows.
      for (const g of runs) run.push({ type: "setValues", sheet: g.sheet, row: g.row, col: g.col, values: g.values });
    } else {
      // clearMarks after marks on the same sheet: the marks are written first.
      if (e.type === "clearMarks" && run.some((x) => x.type === "mark" && x.sheet === e.sheet)) await flush();
      run.push(e);
    }
  }
  await flush();
  return writer.finish();
}

/** The package being edited: its parts as the edits so far left them, and what is written once at the end. */
class PackageWriter {
  private readonly partOf: Map<string, string>;
  /** Every worksheet, in workbook order (those the edits created at the end). */
  private readonly order: string[];
  /** Sheets ensureSheet asked for that do not exist yet (created when something is written). */
  private pending: { name: string; hidden: SheetState }[] = [];
  private entries: RegistryEntry[];
  private registryPath: string | null;
  private registryChanged = false;
  private styles: StyleSheet | null = null;
  private stylesPath: string | null = null;
  private contentTypesPart: ContentTypes | null = null;
  private workbookPart: WorkbookSheets | null = null;
  private sst: SharedStrings | null = null;
  private calcChainDropped = false;
  private marked = 0;
  private needsRecalc = false;
  private threadedSkipped = 0;

  private constructor(
    private readonly zip: JSZip,
    private readonly wb: WorkbookParts,
    registry: { path: string; entries: RegistryEntry[] } | null,
    private readonly date1904: boolean,
  ) {
    this.partOf = new Map(wb.sheets.map((s) => [s.name, s.path]));
    this.order = wb.sheets.map((s) => s.name);
    this.entries = registry?.entries ?? [];
    this.registryPath = registry?.path ?? null;
  }

  static async open(zip: JSZip, bytes: Buffer): Promise<PackageWriter> {
    const wb = await readWorkbookPart(zip);
    const registry = await readRegistry(bytes, wb);
    const date1904 = /<workbookPr\b[^>]*\bdate1904\s*=\s*"(1|true)"/.test(wb.workbookXml);
    return new PackageWriter(zip, wb, registry, date1904);
  }

  private exists(name: string): boolean {
    return this.partOf.has(name) || this.pending.some((c) => c.name === name);
  }

  private async stylesheet(): Promise<StyleSheet> {
    if (this.styles) return this.styles;
    const stylesRel = this.wb.rels.find((r) => /\/styles$/.test(r.type) && !r.external);
    const stylesPath = stylesRel ? findPart(this.zip, stylesRel.target) : null;
    const stylesXml = stylesPath ? await text(this.zip, stylesPath) : null;
    if (!stylesPath || stylesXml === null) throw new PackageNotHandled("no styles part", FALLBACK.noStyles);
    this.stylesPath = stylesPath;
    this.styles = new StyleSheet(stylesXml);
    return this.styles;
  }

  private async contentTypes(): Promise<ContentTypes> {
    this.contentTypesPart ??= new ContentTypes((await text(this.zip, "[Content_Types].xml")) ?? "");
    return this.contentTypesPart;
  }

  private async workbook(): Promise<WorkbookSheets> {
    this.workbookPart ??= new WorkbookSheets(this.zip, this.wb, await this.contentTypes());
    return this.workbookPart;
  }

  private async sharedStrings(): Promise<SharedStrings> {
    if (this.sst) return this.sst;
    const rel = this.wb.rels.find((r) => r.type === REL_SST && !r.external);
    const path = rel ? findPart(this.zip, rel.target) : null;
    this.sst = new SharedStrings(path, path ? await text(this.zip, path) : null);
    return this.sst;
  }

  /** The sheets that exist now, with their parts. */
  private sheets(): { name: string; path: string }[] {
    return this.order.map((name) => ({ name, path: this.partOf.get(name) as string }));
  }

  private async createPending(): Promise<void> {
    if (this.pending.length === 0) return;
    const workbook = await this.workbook();
    for (const c of this.pending) {
      const path = workbook.add(c.name, c.hidden);
      this.partOf.set(c.name, path);
      this.order.push(c.name);
      if (c.name === MARK_REGISTRY_SHEET) {
        this.registryPath = path;
        this.registryChanged = true;
      } else putPart(this.zip, path, emptySheetXml());
    }
    this.pending = [];
  }

  /**
   * A run of cell edits (values, formulas, formats, marks, new sheets), and the styles, notes
   * and merged ranges a copyFormats gives before them; each sheet is patched once.
   */
  async writeCells(edits: readonly Edit[], copies: CopyPlan | null, progress?: ProgressFn): Promise<void> {
    const hadRegistry = this.registryPath !== null || this.pending.some((c) => c.name === MARK_REGISTRY_SHEET);
    let registryAsked = hadRegistry;
    const plans = new Map<string, SheetPlan>();
    const sheetOrder: string[] = [];
    const planOf = (sheet: string): SheetPlan => {
      if (!this.exists(sheet) || sheet === MARK_REGISTRY_SHEET) throw new PackageNotHandled(`no worksheet ${sheet}`, { reason: `工作簿中没有名为“${sheet}”的工作表` });
      let p = plans.get(sheet);
      if (!p) {
        p = { cells: new Map(), clears: new Map(), marks: [], widths: new Map(), dataBars: [], notes: new Map(), noteBlocks: [], merges: [] };
        plans.set(sheet, p);
        sheetOrder.push(sheet);
      }
      return p;
    };
    const target = (p: SheetPlan, row: number, col: number): Target => {
      if (!Number.isInteger(row) || !Number.isInteger(col) || row < 1 || col < 1 || row > 1_048_576 || col > 16_384) {
        throw new PackageNotHandled("cell outside the sheet", { reason: `要写入的单元格（第 ${row} 行第 ${col} 列）超出了工作表的范围` });
      }
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

    if (copies) {
      const p = planOf(copies.sheet);
      for (const b of copies.blocks) {
        for (let i = 0; i < b.rows; i++) for (let j = 0; j < b.cols; j++) target(p, b.row + i, b.col + j).base = b.styles[i * b.cols + j];
        p.noteBlocks.push({ top: b.row, left: b.col, bottom: b.row + b.rows - 1, right: b.col + b.cols - 1 });
      }
      for (const c of copies.notes) p.notes.set(cellKey(c.row, c.col), { row: c.row, col: c.col, note: c.note });
      p.merges.push(...copies.merges);
    }

    for (const e of edits) {
      if (e.type === "ensureSheet") {
        if (!this.exists(e.sheet)) {
          if (e.sheet.toLowerCase() === MARK_REGISTRY_SHEET.toLowerCase() || /[\\/?*[\]:]/.test(e.sheet) || e.sheet.length > 31 || e.sheet.trim() === "") {
            throw new PackageNotHandled("a sheet name Excel refuses", { reason: `工作表名“${e.sheet}”不能使用（不能含 \\ / ? * [ ] :，不超过 31 个字）` });
          }
          if ([...this.partOf.keys(), ...this.pending.map((c) => c.name)].some((n) => n.toLowerCase() === e.sheet.toLowerCase())) {
            throw new PackageNotHandled("sheet name differing in case", { reason: `已有一张名字只差大小写的工作表，不能再建“${e.sheet}”` });
          }
          this.pending.push({ name: e.sheet, hidden: e.hidden ?? false });
        } else if (e.hidden) {
          const pending = this.pending.find((c) => c.name === e.sheet);
          if (pending) pending.hidden = e.hidden;
          else (await this.workbook()).setState(e.sheet, e.hidden);
        }
        continue;
      }
      if (e.type === "copyFormats" || e.type === "deleteRows" || e.type === "insertRows") throw new Error(`${e.type} in a run of cell edits`);
      const p = planOf(e.sheet);
      switch (e.type) {
        case "setValues":
          e.values.forEach((r, i) => r.forEach((v, j) => (target(p, e.row + i, e.col + j).content = { kind: "value", value: v === undefined || v === "" ? null : v })));
          break;
        case "setFormulas":
          e.formulas.forEach((r, i) =>
            r.forEach((f, j) => {
              if (f === null || f === undefined) return;
              const result = e.results?.[i]?.[j];
              target(p, e.row + i, e.col + j).content = { kind: "formula", formula: f.replace(/^=/, ""), result: result === undefined || result === "" ? null : result };
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
          if (!registryAsked && planMarks(e.marks).length > 0) {
            this.pending.push({ name: MARK_REGISTRY_SHEET, hidden: "hidden" });
            registryAsked = true;
          }
          break;
        case "clearMarks": {
          if (p.marks.length > 0) throw new Error("clearMarks after marks on the same sheet in one run");
          const only = e.rows ? new Set(e.rows) : undefined;
          for (const entry of this.entries) {
            const at = entryToClear(entry, e.sheet, only) ? parseAddress(entry.address) : null;
            if (at) p.clears.set(cellKey(at.row, at.col), entry.previousFill);
          }
          const before = this.entries.length;
          this.entries = this.entries.filter((entry) => !entryToClear(entry, e.sheet, only));
          if (this.entries.length !== before) this.registryChanged = true;
          break;
        }
      }
    }

    const planned = new Map(sheetOrder.map((sheet) => [sheet, plans.get(sheet)!.marks.map((e) => planMarks(e.marks))]));
    const sheetsToChange = sheetOrder.filter((sheet) => {
      const p = plans.get(sheet)!;
      return p.clears.size > 0 || p.cells.size > 0 || p.widths.size > 0 || p.dataBars.length > 0 || p.notes.size > 0 || p.noteBlocks.length > 0 || p.merges.length > 0 || planned.get(sheet)!.some((ps) => ps.length > 0);
    });
    const newSheets = this.pending.filter((c) => c.name !== MARK_REGISTRY_SHEET);
    if (sheetsToChange.length === 0 && newSheets.length === 0) {
      this.pending = this.pending.filter((c) => c.name !== MARK_REGISTRY_SHEET || hadRegistry);
      return;
    }

    const styles = await this.stylesheet();
    const contentTypes = await this.contentTypes();
    await this.createPending();
    const sst = await this.sharedStrings();

    let done = 0;
    for (const sheet of sheetsToChange) {
      const sheetPath = this.partOf.get(sheet) as string;
      const plan = plans.get(sheet)!;
      const markPlans = planned.get(sheet) ?? [];
      const changes = plan.cells;
      for (const [key, fill] of plan.clears) {
        const row = rowOfKey(key);
        const col = colOfKey(key);
        target(plan, row, col).restore = fill;
      }
      for (const ps of markPlans) for (const p of ps) target(plan, p.row, p.col).color = p.color;
      const targets = [...changes.values()].sort((a, b) => a.row - b.row || a.col - b.col);
      this.marked += targets.filter((t) => t.color !== null).length;

      // The style a cell has before it is marked: copied onto it, or its own once clearMarks restored it.
      const beforeMark = (orig: number, t: Target) => {
        const own = t.base ?? orig;
        return t.restore ? styles.restoredStyle(own, t.restore) : own;
      };
      const styleFor = (orig: number, t: Target) => {
        let s = beforeMark(orig, t);
        if (t.color) s = styles.markedStyle(s, t.color);
        if (t.bold) s = styles.boldStyle(s);
        if (t.numFmt !== undefined) s = styles.numFmtStyle(s, t.numFmt);
        if (t.content?.kind === "value" && t.content.value instanceof Date && !styles.isDateStyle(s)) s = styles.numFmtStyle(s, DEFAULT_DATE_FORMAT);
        return s;
      };
      let sheetBytes = await partBytes(this.zip, sheetPath);
      if (!sheetBytes) throw new PackageNotHandled(`missing part ${sheetPath}`, { reason: `工作表“${sheet}”的内容缺失，文件可能已损坏` });
      // A shared formula whose first cell is overwritten: its other cells get their own formulas first.
      const overwritten = sharedMastersHit(sheetBytes, targets);
      if (overwritten.size > 0) sheetBytes = unshareFormulas(sheetBytes, sheet, overwritten);
      const patched = patchSheetXml(sheet, sheetBytes, targets, (existing, orig, t) => rewriteCell(existing, t, orig, styleFor(orig, t), this.date1904, sst), {
        head: plan.widths.size > 0 ? (head) => withColumnWidths(head, plan.widths) : undefined,
        tail: plan.dataBars.length > 0 || plan.merges.length > 0 ? (tail) => withDataBars(withMerges(tail, plan.merges), plan.dataBars) : undefined,
      });

      // Notes: copied ones first, then cleared (the KJ part goes, a user's part stays), then the marks in order.
      const hasNotes = plan.clears.size > 0 || plan.notes.size > 0 || plan.noteBlocks.length > 0 || markPlans.some((ps) => ps.length > 0);
      const notes = hasNotes ? await SheetNotes.open(this.zip, sheet, sheetPath, patched.legacyDrawingId) : null;
      if (notes) {
        for (const c of plan.notes.values()) notes.copy(c.row, c.col, c.note);
        notes.clearUncopied(plan.noteBlocks);
        for (const t of targets) {
          if (!t.restore) continue;
          const next = noteAfterClear(notes.get(t.row, t.col));
          if (next.action === "delete") notes.set(t.row, t.col, null);
          else if (next.action === "set") notes.set(t.row, t.col, next.text);
        }
      }
      const registered = new Set<number>();
      for (const ps of markPlans) {
        for (const p of ps) {
          const key = cellKey(p.row, p.col);
          if (!registered.has(key)) {
            registered.add(key);
            const orig = patched.originalStyles.get(key);
            if (orig === undefined) throw new Error("marked cell not placed");
            this.entries.push({ sheet, address: p.address, previousFill: styles.savedFill(beforeMark(orig, changes.get(key)!)) });
            this.registryChanged = true;
          }
          if (notes!.threaded(p.row, p.col)) {
            this.threadedSkipped++;
            continue;
          }
          notes!.set(p.row, p.col, composeNote(p.message, notes!.get(p.row, p.col)));
        }
      }
      const legacy = notes ? notes.write(this.zip, contentTypes) : null;
      putPart(this.zip, sheetPath, patched.finish(legacy));
      progress?.(++done, sheetsToChange.length, "写入工作表");
    }
  }

  /** The styles, notes and merged ranges a copyFormats gives its target cells, read from the sources now. */
  async readCopies(e: Extract<Edit, { type: "copyFormats" }>): Promise<CopyPlan> {
    if (!this.exists(e.sheet)) throw new PackageNotHandled(`no worksheet ${e.sheet}`, { reason: `工作簿中没有名为“${e.sheet}”的工作表` });
    await this.createPending();
    const plan: CopyPlan = { sheet: e.sheet, blocks: [], notes: [], merges: [] };
    const bySource = new Map<string, typeof e.blocks>();
    for (const b of e.blocks) bySource.set(b.from.sheet, [...(bySource.get(b.from.sheet) ?? []), b]);
    for (const [source, blocks] of bySource) {
      const path = this.partOf.get(source);
      if (!path) throw new PackageNotHandled(`no worksheet ${source}`, { reason: `工作簿中没有名为“${source}”的工作表` });
      const buf = await partBytes(this.zip, path);
      if (!buf) throw new PackageNotHandled(`missing part ${path}`, { reason: `工作表“${source}”的内容缺失，文件可能已损坏` });
      const rows = new Set<number>();
      for (const b of blocks) for (let r = b.from.row; r < b.from.row + b.from.rows; r++) rows.add(r);
      const styles = cellStyles(source, buf, rows);
      const notes = await readNotes(this.zip, path);
      const merges = mergedRanges(buf);
      for (const b of blocks) {
        const dr = b.row - b.from.row;
        const dc = b.col - b.from.col;
        const block = { row: b.row, col: b.col, rows: b.from.rows, cols: b.from.cols, styles: new Int32Array(b.from.rows * b.from.cols) };
        for (let i = 0; i < b.from.rows; i++)
          for (let j = 0; j < b.from.cols; j++) {
            const row = b.from.row + i;
            const col = b.from.col + j;
            block.styles[i * b.from.cols + j] = styles(row, col);
            const note = notes.get(cellKey(row, col));
            if (note) plan.notes.push({ row: row + dr, col: col + dc, note });
          }
        plan.blocks.push(block);
        const bottom = b.from.row + b.from.rows - 1;
        const right = b.from.col + b.from.cols - 1;
        for (const m of merges) {
          if (m.top >= b.from.row && m.bottom <= bottom && m.left >= b.from.col && m.right <= right) {
            plan.merges.push({ top: m.top + dr, bottom: m.bottom + dr, left: m.left + dc, right: m.right + dc });
          }
        }
      }
    }
    return plan;
  }

  /** Deletes or inserts rows of one sheet throughout the package, and moves its registry entries. */
  async moveRows(sheet: string, move: RowMove): Promise<void> {
    if (!this.exists(sheet) || sheet === MARK_REGISTRY_SHEET) throw new PackageNotHandled(`no worksheet ${sheet}`, { reason: `工作簿中没有名为“${sheet}”的工作表` });
    await this.createPending();
    const workbook = await this.workbook();
    const { resized } = await moveRowsInPackage(this.zip, workbook.text(), this.sheets().filter((s) => s.name !== MARK_REGISTRY_SHEET), move);
    if (resized) this.needsRecalc = true;
    if (!this.calcChainDropped) {
      this.calcChainDropped = true;
      workbook.dropCalcChain();
    }
    const moved = moveRegistryRows(this.entries, sheet, (r) => move.point(r));
    if (moved) {
      this.entries = moved;
      this.registryChanged = true;
    }
  }

  async finish(): Promise<PackageEdits> {
    const zip = this.zip;
    if (this.styles && this.styles.changed && this.stylesPath) putPart(zip, this.stylesPath, this.styles.xml());
    if (this.registryPath && this.registryChanged) putPart(zip, this.registryPath, registrySheetXml(registryRows(this.entries)));
    if (this.sst && this.sst.changed) {
      const workbook = await this.workbook();
      const contentTypes = await this.contentTypes();
      const path = this.sst.write(zip);
      if (this.sst.created) {
        workbook.addRelationship(REL_SST, path);
        contentTypes.override(path, CT_SST);
      }
    }
    this.workbookPart?.write();
    if (this.contentTypesPart?.changed) putPart(zip, "[Content_Types].xml", this.contentTypesPart.xml());
    const notices: string[] = [];
    if (this.threadedSkipped > 0) notices.push(`${this.threadedSkipped} 个单元格带有讨论式批注（Excel 365 的新版批注），只标了填充色，说明没有写进批注`);
    return { marked: this.marked, needsRecalc: this.needsRecalc, notices, zip, writeTo: (stream) => writeZip(zip, stream) };
  }
}

/**
 * The cell's XML after the change: text it builds (UTF-8 when written), or the existing cell's
 * own bytes with only its style changed; null keeps an existing cell as it is and inserts no missing one.
 */
function rewriteCell(existing: ExistingCell | null, t: Target, orig: number, style: number, date1904: boolean, sst: SharedStrings): CellXml | null {
  const styleChanged = style !== orig;
  if (t.content === undefined) {
    // The existing tag and content are binary text (the part's UTF-8 bytes as latin1): written back as bytes.
    if (existing) return styleChanged || t.color || t.restore ? Buffer.from(setAttribute(existing.tag, "s", String(style)) + existing.rest, "latin1") : null;
    return styleChanged || t.color || t.restore ? `<c r="${cellAddress(t.row, t.col)}" s="${style}"/>` : null;
  }
  if (existing && existing.inner !== null) {
    const f = /<f\b([^>]*?)(?:\/>|>([\s\S]*?)<\/f>)/.exec(existing.inner);
    const fa = f ? attributes(f[1]) : null;
    if (fa && fa.t === "array" && fa.ref !== undefined && fa.ref !== cellAddress(t.row, t.col)) {
      throw new PackageNotHandled("an array formula overwritten", { reason: `单元格 ${cellAddress(t.row, t.col)} 是数组公式（${fa.ref}）的一部分，不能单独改写` });
    }
  }
  const r = cellAddress(t.row, t.col);
  const s = style !== 0 || (existing && existing.attrs.s !== undefined) ? ` s="${style}"` : "";
  const content = t.content;
  if (content.kind === "formula") {
    const f = `<f>${escapeXml(content.formula)}</f>`;
    const result = content.result ?? null;
    if (result === null) return `<c r="${r}"${s}>${f}</c>`;
    if (typeof result === "string") return `<c r="${r}"${s} t="str">${f}<v>${escapeXml(result)}</v></c>`;
    if (typeof result === "boolean") return `<c r="${r}"${s} t="b">${f}<v>${result ? 1 : 0}</v></c>`;
    if (typeof result === "object" && !(result instanceof Date)) return `<c r="${r}"${s} t="e">${f}<v>${escapeXml(result.error)}</v></c>`;
    return `<c r="${r}"${s}>${f}<v>${numberText(result, r, date1904)}</v></c>`;
  }
  const v = content.value;
  if (v === null) {
    if (!existing && !s) return null;
    return `<c r="${r}"${s}/>`;
  }
  if (typeof v === "string") {
    // Text with control characters or a literal "_xHHHH_" needs OOXML's escapes, which every
    // reader decodes in shared strings (exceljs does not in inline ones).
    if (NEEDS_OOXML_ESCAPES.test(v)) return `<c r="${r}"${s} t="s"><v>${sst.add(v)}</v></c>`;
    return `<c r="${r}"${s} t="inlineStr"><is><t xml:space="preserve">${escapeXml(v).replace(/\r/g, "&#13;")}</t></is></c>`;
  }
  if (typeof v === "boolean") return `<c r="${r}"${s} t="b"><v>${v ? 1 : 0}</v></c>`;
  if (typeof v === "number" || v instanceof Date) return `<c r="${r}"${s}><v>${numberText(v, r, date1904)}</v></c>`;
  if (typeof v === "object" && v !== null && typeof (v as { error?: unknown }).error === "string") {
    return `<c r="${r}"${s} t="e"><v>${escapeXml((v as { error: string }).error)}</v></c>`;
  }
  throw new Error(`a value this path does not write at ${r}`);
}

/** Characters XML cannot hold (and a carriage-return-free literal "_xHHHH_"): written through OOXML's escapes. */
const NEEDS_OOXML_ESCAPES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_/;

/** A number or a date as a cell's <v> (dates as serial numbers, in the workbook's date system). */
function numberText(v: number | Date, at: string, date1904: boolean): string {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`a number that is not finite at ${at}`);
    return String(v);
  }
  const day = dayFromDate(v);
  if (day === null) throw new PackageNotHandled("a date outside Excel's dates", { reason: `单元格 ${at} 的日期超出了 Excel 能表示的范围` });
  const fraction = (v.getTime() / 86_400_000) % 1;
  const serial = excelSerialFromDay(day) - (date1904 ? 1462 : 0);
  if (serial < 0) throw new PackageNotHandled("a date before 1904 in a 1904 workbook", { reason: `单元格 ${at} 的日期早于 1904 年，本工作簿使用 1904 日期系统，无法表示` });
  return String(serial + (fraction > 0 ? fraction : 0));
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

/** The shared formulas (by si) whose first cell, holding the formula text, gets new content. */
function sharedMastersHit(buf: Buffer, targets: readonly Target[]): Set<string> {
  const out = new Set<string>();
  if (buf.indexOf('t="shared"', 0, "latin1") < 0) return out;
  const written = new Set(targets.filter((t) => t.content !== undefined).map((t) => cellAddress(t.row, t.col)));
  let at = 0;
  for (;;) {
    at = buf.indexOf("<f ", at, "latin1");
    if (at < 0) break;
    const end = buf.indexOf(">", at, "latin1");
    const a = attributes(buf.toString("latin1", at + 3, end));
    if (a.t === "shared" && a.ref !== undefined && a.si !== undefined) {
      const c = buf.lastIndexOf("<c ", at, "latin1");
      const cTag = c >= 0 ? buf.toString("latin1", c, buf.indexOf(">", c, "latin1")) : "";
      const r = attributes(cTag.slice(3)).r;
      if (r && written.has(r)) out.add(a.si);
    }
    at = end;
  }
  return out;
}

/** The style each cell of the given rows shows (its own, else its row's, else its column's), read in one pass. */
function cellStyles(sheet: string, buf: Buffer, rows: ReadonlySet<number>): (row: number, col: number) => number {
  const sdStart = nextTag(buf, "<sheetData", 0, buf.length);
  const head = sdStart < 0 ? "" : buf.toString("latin1", 0, sdStart);
  const colStyles: { min: number; max: number; style: number }[] = [];
  for (const m of head.matchAll(/<col\b([^>]*?)\/?>/g)) {
    const a = attributes(m[1]);
    if (a.style !== undefined) colStyles.push({ min: Number(a.min), max: Number(a.max), style: Number(a.style) });
  }
  const colStyle = (col: number) => colStyles.find((c) => col >= c.min && col <= c.max)?.style ?? 0;
  const cells = new Map<number, number>();
  const rowStyles = new Map<number, number>();
  if (sdStart >= 0 && rows.size > 0) {
    let last = 0;
    for (const r of rows) if (r > last) last = r;
    const end = buf.indexOf("</sheetData>", sdStart, "latin1");
    let pos = sdStart;
    for (;;) {
      const rowStart = nextTag(buf, "<row", pos, end < 0 ? buf.length : end);
      if (rowStart < 0) break;
      const rowTagEnd = buf.indexOf(">", rowStart, "latin1");
      const ra = attributes(buf.toString("latin1", rowStart + 4, rowTagEnd));
      const r = Number(ra.r);
      if (!Number.isInteger(r)) throw new PackageNotHandled("rows without numbers", NO_ADDRESSES);
      const selfClosing = buf[rowTagEnd - 1] === SLASH;
      const rowClose = selfClosing ? rowTagEnd + 1 : buf.indexOf("</row>", rowTagEnd, "latin1");
      if (rowClose < 0) throw new PackageNotHandled("unterminated row", { reason: `工作表“${sheet}”的内容不完整，文件可能已损坏` });
      pos = rowClose;
      if (r > last) break;
      if (!rows.has(r)) continue;
      if ((ra.customFormat === "1" || ra.customFormat === "true") && ra.s !== undefined) rowStyles.set(r, Number(ra.s));
      if (selfClosing) continue;
      for (const m of buf.toString("latin1", rowTagEnd + 1, rowClose).matchAll(/<c\b([^>]*?)\/?>/g)) {
        const a = attributes(m[1]);
        const at = a.r ? decodeAddress(a.r) : null;
        if (!at) throw new PackageNotHandled("cells without addresses", NO_ADDRESSES);
        cells.set(cellKey(at.row, at.col), a.s !== undefined ? Number(a.s) : 0);
      }
    }
  }
  return (row, col) => cells.get(cellKey(row, col)) ?? rowStyles.get(row) ?? colStyle(col);
}

/** The sheet tail with merged ranges added (those overlapping an existing one are left out: Excel refuses overlaps). */
function withMerges(tail: string, merges: readonly Block[]): string {
  if (merges.length === 0) return tail;
  const existing: Block[] = [];
  const block = /<mergeCells\b[^>]*>([\s\S]*?)<\/mergeCells>|<mergeCells\b[^>]*\/>/.exec(tail);
  for (const m of (block?.[1] ?? "").matchAll(/<mergeCell\b([^>]*?)\/>/g)) {
    const [a, b] = (attributes(m[1]).ref ?? "").split(":").map((x) => decodeAddress(x));
    if (a) existing.push({ top: a.row, left: a.col, bottom: (b ?? a).row, right: (b ?? a).col });
  }
  const overlaps = (x: Block, y: Block) => x.top <= y.bottom && y.top <= x.bottom && x.left <= y.right && y.left <= x.right;
  const added: string[] = [];
  for (const m of merges) {
    if (existing.some((e) => overlaps(e, m))) continue;
    existing.push(m);
    added.push(`<mergeCell ref="${cellAddress(m.top, m.left)}:${cellAddress(m.bottom, m.right)}"/>`);
  }
  if (added.length === 0) return tail;
  if (block) {
    const inner = (block[1] ?? "") + added.join("");
    const count = (inner.match(/<mergeCell\b/g) ?? []).length;
    return tail.slice(0, block.index) + `<mergeCells count="${count}">${inner}</mergeCells>` + tail.slice(block.index + block[0].length);
  }
  // After sheetData and what the schema puts before mergeCells, before what it puts after.
  const follower = /<(phoneticPr|conditionalFormatting|dataValidations|hyperlinks|printOptions|pageMargins|pageSetup|headerFooter|rowBreaks|colBreaks|customProperties|cellWatches|ignoredErrors|smartTags|drawing|legacyDrawing|legacyDrawingHF|drawingHF|picture|oleObjects|controls|webPublishItems|tableParts|extLst)\b|<\/worksheet>/.exec(tail);
  if (!follower) throw new PackageNotHandled("unterminated worksheet", { reason: "工作表内容不完整，文件可能已损坏" });
  return tail.slice(0, follower.index) + `<mergeCells count="${added.length}">${added.join("")}</mergeCells>` + tail.slice(follower.index);
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
    if (!this.fills.at || !xfs) throw new PackageNotHandled("styles without fills or cellXfs", FALLBACK.noStyles);
    this.xfs = [...xfs[2].matchAll(/<xf\b[^>]*?(?:\/>|>[\s\S]*?<\/xf>)/g)].map((m) => m[0]);
    this.xfs.forEach((xf, i) => this.xfIndex.has(xf) || this.xfIndex.set(xf, i));
    if (this.xfs.length === 0) throw new PackageNotHandled("empty cellXfs", FALLBACK.noStyles);
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

  /** Did anything get added? */
  get changed(): boolean {
    return this.newXfs.length > 0 || this.fills.added.length > 0 || this.fonts.added.length > 0 || this.numFmts.added.length > 0;
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
  if (/<gradientFill\b/.test(fill)) throw new PackageNotHandled("gradient fill on a marked cell", FALLBACK.gradient);
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
  const re = attributePattern(name);
  if (re.test(tag)) return tag.replace(re, `$1${name}="${value}"`);
  const at = /^<[\w:]+/.exec(tag);
  if (!at) throw new PackageNotHandled("not a tag");
  return `${at[0]} ${name}="${value}"${tag.slice(at[0].length)}`;
}

const attributePatterns = new Map<string, RegExp>();
/** The pattern of an attribute `name="…"` in a tag, made once per name (setAttribute runs once per row of a large sheet). */
function attributePattern(name: string): RegExp {
  let re = attributePatterns.get(name);
  if (!re) attributePatterns.set(name, (re = new RegExp(`(\\s)${name}\\s*=\\s*("[^"]*"|'[^']*')`)));
  return re;
}

// ---- sheet XML --------------------------------------------------------------------------------

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const LOWER_C = 0x63;
const CELL_CLOSE = Buffer.from("</c>", "latin1");
const ROW_CLOSE = Buffer.from("</row>", "latin1");

/** Is the byte after a tag name a delimiter (so "<c" is a cell, not "<col")? */
function endsName(buf: Buffer, at: number): boolean {
  const b = buf[at];
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x3e || b === SLASH;
}

/** The next start tag `<name` (whole name) in [from, to), or -1; never searches past `to`. */
function nextTag(buf: Buffer, name: string, from: number, to: number): number {
  const window = buf.subarray(0, Math.min(to + name.length + 1, buf.length));
  let at = from;
  for (;;) {
    at = window.indexOf(name, at, "latin1");
    if (at < 0 || at >= to) return -1;
    if (buf[at] === LT && endsName(buf, at + name.length)) return at;
    at += name.length;
  }
}

/**
 * nextTag(buf, "<c", from, to) for the cells of one row: a plain loop over the bytes (the next
 * cell is usually right at `from`, and no window is made per cell of a large sheet).
 */
function nextCellTag(buf: Buffer, from: number, to: number): number {
  for (let at = from; at < to; at++) if (buf[at] === LT && buf[at + 1] === LOWER_C && endsName(buf, at + 2)) return at;
  return -1;
}

interface PatchedSheet {
  /** The style each changed cell had before (by cellKey). */
  originalStyles: Map<number, number>;
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

/** A cell's new XML: text (written as UTF-8), or bytes written as they are. */
type CellXml = string | Buffer;

/** The new XML of a target cell (null: the existing cell stays, a missing one is not inserted); `orig` is its style now. */
type CellRewrite = (existing: ExistingCell | null, orig: number, t: Target) => CellXml | null;

/**
 * The new sheet XML, written into one growing buffer: slices of the original part are copied
 * and new text is encoded in place. (A Buffer per piece meant half a million small Buffers and
 * a long Buffer.concat for 100,000 new formulas, about a third of kj awards' writing time.)
 * The head, known last, goes into room left before the start, so the part is not copied again.
 */
class ByteWriter {
  private bytes: Buffer;
  /** The end of what was written (offsets are into the buffer, after the room for the head). */
  length: number;
  private readonly start: number;
  constructor(capacity: number, headRoom: number) {
    // Pages of the buffer are touched only when written: a generous capacity costs no memory.
    this.bytes = Buffer.allocUnsafe(Math.max(headRoom + capacity, 1024));
    this.start = headRoom;
    this.length = headRoom;
  }
  private room(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + n));
    this.bytes.copy(next, 0, 0, this.length);
    this.bytes = next;
  }
  /** The bytes buf[from, to) (nothing when to <= from). */
  copy(buf: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.room(to - from);
    this.length += buf.copy(this.bytes, this.length, from, to);
  }
  /** Binary text (one byte per character: the part's own bytes read as latin1, or ASCII). */
  binary(s: string): void {
    this.room(s.length);
    this.length += this.bytes.write(s, this.length, "latin1");
  }
  cell(xml: CellXml): void {
    if (typeof xml !== "string") this.copy(xml, 0, xml.length);
    else {
      this.room(xml.length * 3);
      this.length += this.bytes.write(xml, this.length, "utf8");
    }
  }
  /** Replaces the `length` bytes at `at` (binary text written before) by `s`, moving what follows. */
  replaceBinary(at: number, length: number, s: string): void {
    this.room(s.length - length);
    this.bytes.copyWithin(at + s.length, at + length, this.length);
    this.length += s.length - length;
    this.bytes.write(s, at, "latin1");
  }
  /** `head` (binary text) followed by what was written: a view of the buffer when the head fits in its room. */
  withHead(head: string): Buffer {
    const at = this.start - head.length;
    if (at < 0) return Buffer.concat([Buffer.from(head, "latin1"), this.bytes.subarray(this.start, this.length)]);
    this.bytes.write(head, at, "latin1");
    return this.bytes.subarray(at, this.length);
  }
}

/** The r="A1" attribute of a <c> start tag (preceded by white space, so not xr:r or the like). */
const CELL_ADDRESS = /\sr\s*=\s*["']([^"']*)["']/;

/**
 * The address of the <c> start tag buf[start..end) when it is written ` r="A1"` (as every writer
 * does), read from the bytes without making a string; null otherwise (the caller parses the tag).
 */
function addressInTag(buf: Buffer, start: number, end: number): { row: number; col: number } | null {
  // ' r="' found by a loop over the tag's bytes (a native indexOf per cell costs more than the search).
  let p = start;
  while (p < end && !(buf[p] === 0x20 && buf[p + 1] === 0x72 && buf[p + 2] === 0x3d && buf[p + 3] === 0x22)) p++;
  if (p >= end) return null;
  p += 4;
  let col = 0;
  let row = 0;
  let c = buf[p];
  while (c >= 65 && c <= 90 && col <= 16_384) {
    col = col * 26 + (c - 64);
    c = buf[++p];
  }
  while (c >= 48 && c <= 57 && row <= 1_048_576) {
    row = row * 10 + (c - 48);
    c = buf[++p];
  }
  return c === 34 && col >= 1 && col <= 16_384 && row >= 1 && row <= 1_048_576 ? { row, col } : null;
}

/**
 * Rewrites every target cell through `rewrite`: an existing <c> is replaced, a missing one is
 * inserted in column order (its row inserted in row order when missing). The XML between
 * changes is kept as copies of the original bytes. `head` and `tail` may change the XML before
 * <sheetData> (e.g. <cols>) and after it (e.g. conditional formats).
 */
function patchSheetXml(sheet: string, buf: Buffer, targets: readonly Target[], rewrite: CellRewrite, edit: { head?: (head: string) => string; tail?: (tail: string) => string } = {}): PatchedSheet {
  const latin = (a: number, b: number) => buf.toString("latin1", a, b);
  assertUtf8(latin(0, Math.min(buf.length, 200)));
  const sdStart = nextTag(buf, "<sheetData", 0, buf.length);
  if (sdStart < 0) throw new PackageNotHandled("sheet without sheetData", { reason: `工作表“${sheet}”的内容不完整（没有 sheetData），文件可能已损坏` });
  const sdTagEnd = buf.indexOf(GT, sdStart);
  let head = latin(0, sdTagEnd + 1);
  if (!/<worksheet\b/.test(head)) throw new PackageNotHandled("sheet with a namespace prefix");
  const emptySheetData = buf[sdTagEnd - 1] === SLASH;
  const sdEnd = emptySheetData ? sdTagEnd + 1 : buf.indexOf("</sheetData>", sdTagEnd, "latin1");
  if (sdEnd < 0) throw new PackageNotHandled("unterminated sheetData", { reason: `工作表“${sheet}”的内容不完整，文件可能已损坏` });

  // Column styles, for blank cells in rows without a row style.
  const colStyles: { min: number; max: number; style: number }[] = [];
  for (const m of head.matchAll(/<col\b([^>]*?)\/?>/g)) {
    const a = attributes(m[1]);
    if (a.style !== undefined) colStyles.push({ min: Number(a.min), max: Number(a.max), style: Number(a.style) });
  }
  const colStyle = (col: number) => colStyles.find((c) => col >= c.min && col <= c.max)?.style ?? 0;

  // The new content of sheetData (its start tag is in `head`), then the rows added after the last one.
  const out = new ByteWriter(buf.length - sdTagEnd + targets.length * 96 + 4096, sdTagEnd + 1 + 16_384);
  const originalStyles = new Map<number, number>();
  const inserted = { minRow: Infinity, maxRow: 0, minCol: Infinity, maxCol: 0 };
  /** A missing cell's XML, or null when nothing is inserted. */
  const newCell = (t: Target, orig: number): CellXml | null => {
    originalStyles.set(cellKey(t.row, t.col), orig);
    const xml = rewrite(null, orig, t);
    if (xml === null) return null;
    inserted.minRow = Math.min(inserted.minRow, t.row);
    inserted.maxRow = Math.max(inserted.maxRow, t.row);
    inserted.minCol = Math.min(inserted.minCol, t.col);
    inserted.maxCol = Math.max(inserted.maxCol, t.col);
    return xml;
  };
  /** A missing row with its new cells (nothing when none is inserted). */
  const writeNewRow = (row: Target[]): void => {
    const cells: CellXml[] = [];
    for (const t of row) {
      const xml = newCell(t, colStyle(t.col));
      if (xml !== null) cells.push(xml);
    }
    if (cells.length === 0) return;
    out.binary(`<row r="${row[0].row}">`);
    for (const c of cells) out.cell(c);
    out.binary("</row>");
  };

  // Targets grouped by row (already sorted by row, then column).
  const rows: Target[][] = [];
  for (const t of targets) {
    const last = rows[rows.length - 1];
    if (last && last[0].row === t.row) last.push(t);
    else rows.push([t]);
  }

  let ri = 0;
  // Everything before this offset of the original part is written to `out` (or replaced).
  let copied = sdTagEnd + 1;
  // The start of the open row being patched (-1: none), and where its tag landed in `out`.
  let rowTagStart = -1;
  let tagAt = -1;
  /** Writes the original bytes up to `end`, noting where the current row's tag lands. */
  const keepUntil = (end: number): void => {
    if (tagAt < 0 && rowTagStart >= copied && rowTagStart < end) tagAt = out.length + (rowTagStart - copied);
    out.copy(buf, copied, end);
    copied = end;
  };
  let prevRow = 0;
  if (!emptySheetData) {
    let pos = sdTagEnd + 1;
    while (ri < rows.length) {
      const rowStart = nextTag(buf, "<row", pos, sdEnd);
      if (rowStart < 0) break;
      const rowTagEnd = buf.indexOf(GT, rowStart);
      const rowTag = latin(rowStart, rowTagEnd + 1);
      const ra = attributes(rowTag.slice(4));
      const r = Number(ra.r);
      if (!ra.r || !Number.isInteger(r) || r <= prevRow) throw new PackageNotHandled("rows without numbers or out of order", NO_ADDRESSES);
      prevRow = r;
      const selfClosing = buf[rowTagEnd - 1] === SLASH;
      const rowClose = selfClosing ? rowTagEnd + 1 : buf.indexOf(ROW_CLOSE, rowTagEnd);
      if (rowClose < 0) throw new PackageNotHandled("unterminated row", { reason: `工作表“${sheet}”的内容不完整，文件可能已损坏` });
      const rowEnd = selfClosing ? rowClose : rowClose + 6;
      pos = rowEnd;
      // Missing rows before this one.
      if (ri < rows.length && rows[ri][0].row < r) {
        keepUntil(rowStart);
        while (ri < rows.length && rows[ri][0].row < r) writeNewRow(rows[ri++]);
      }
      if (ri >= rows.length || rows[ri][0].row !== r) continue;
      const want = rows[ri++];
      const rowStyle = (ra.customFormat === "1" || ra.customFormat === "true") && ra.s !== undefined ? Number(ra.s) : null;
      const blankStyle = (col: number) => rowStyle ?? colStyle(col);
      // The row's start tag as it is (open); its spans are widened below once the inserted cells are known.
      const openTag = selfClosing ? rowTag.replace(/\s*\/>$/, ">") : rowTag;
      // Where the start tag is in `out`: -1 until it is written. The original bytes of an open row
      // are kept lazily (its tag, passed-over cells and </row> go with the next copy).
      tagAt = -1;
      let wi = 0;
      let addedMin = Infinity;
      let addedMax = 0;
      const add = (t: Target): void => {
        const xml = newCell(t, blankStyle(t.col));
        if (xml === null) return;
        addedMin = Math.min(addedMin, t.col);
        addedMax = Math.max(addedMax, t.col);
        out.cell(xml);
      };
      if (!selfClosing) {
        rowTagStart = rowStart;
        let p = rowTagEnd + 1;
        let prevCol = 0;
        while (wi < want.length) {
          const ci = nextCellTag(buf, p, rowClose);
          if (ci < 0) break;
          const cTagEnd = buf.indexOf(GT, ci);
          const cSelf = buf[cTagEnd - 1] === SLASH;
          const cEnd = cSelf ? cTagEnd + 1 : buf.indexOf(CELL_CLOSE, cTagEnd) + 4;
          if (cEnd < 4) throw new PackageNotHandled("unterminated cell", { reason: `工作表“${sheet}”的内容不完整，文件可能已损坏` });
          // Most cells are passed over: only their address is read, from the bytes (the tag as
          // text and all its attributes only for a target, or when r="…" is written otherwise).
          let cTag: string | null = null;
          let at = addressInTag(buf, ci, cTagEnd);
          if (!at) {
            cTag = latin(ci, cTagEnd + 1);
            const ref = CELL_ADDRESS.exec(cTag)?.[1] ?? attributes(cTag.slice(2)).r;
            at = ref ? decodeAddress(ref) : null;
          }
          if (!at || at.row !== r || at.col <= prevCol) throw new PackageNotHandled("cells without addresses or out of order", NO_ADDRESSES);
          prevCol = at.col;
          if (wi < want.length && want[wi].col < at.col) {
            keepUntil(ci);
            while (wi < want.length && want[wi].col < at.col) add(want[wi++]);
          }
          if (wi < want.length && want[wi].col === at.col) {
            const t = want[wi++];
            cTag ??= latin(ci, cTagEnd + 1);
            const ca = attributes(cTag.slice(2));
            const orig = ca.s !== undefined ? Number(ca.s) : 0;
            if (!Number.isInteger(orig)) throw new PackageNotHandled("cell style not a number");
            originalStyles.set(cellKey(t.row, t.col), orig);
            const rest = latin(cTagEnd + 1, cEnd);
            const xml = rewrite({ tag: cTag, attrs: ca, rest, inner: cSelf ? null : rest.slice(0, -4) }, orig, t);
            if (xml !== null) {
              keepUntil(ci);
              out.cell(xml);
              copied = cEnd;
            }
          }
          p = cEnd;
        }
        if (wi < want.length) {
          keepUntil(rowClose);
          while (wi < want.length) add(want[wi++]);
        }
        rowTagStart = -1;
      } else {
        // A self-closing row is written open, with its new cells and a </row>.
        keepUntil(rowStart);
        tagAt = out.length;
        out.binary(openTag);
        for (const t of want) add(t);
        out.binary("</row>");
        copied = rowEnd;
      }
      // The row's start tag: spans widened to cover inserted cells (written by then: a cell was added after it).
      if (addedMax > 0 && ra.spans) {
        const nums = ra.spans.split(/[\s:]+/).map(Number).filter(Number.isFinite);
        const spans = `${Math.min(addedMin, ...nums)}:${Math.max(addedMax, ...nums)}`;
        // Usually the cells fall inside the spans already: the tag stays as it is (what setAttribute
        // would give when its first "spans" is this very attribute, written this way).
        const same = openTag.indexOf(` spans="${spans}"`);
        const tag = same >= 0 && openTag.indexOf("spans") === same + 1 ? openTag : setAttribute(openTag, "spans", spans);
        if (tag !== openTag) {
          if (tagAt < 0) throw new Error("row tag not written before its cells");
          out.replaceBinary(tagAt, openTag.length, tag);
        }
      }
    }
    out.copy(buf, copied, sdEnd);
  }
  while (ri < rows.length) writeNewRow(rows[ri++]);

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

  let finished = false;
  return {
    originalStyles,
    legacyDrawingId,
    finish(legacyId: string | null): Buffer {
      // The rest of the part is appended to `out`: once only.
      if (finished) throw new Error("a patched sheet finished twice");
      finished = true;
      let headOut = head;
      if (emptySheetData) {
        headOut = head.replace(/\s*\/>$/, ">");
        out.binary("</sheetData>");
      }
      const tailStart = emptySheetData ? sdTagEnd + 1 : sdEnd;
      if ((!legacyId || legacyDrawingId) && !edit.tail) {
        out.copy(buf, tailStart, buf.length);
        return out.withHead(headOut);
      }
      let tail = latin(tailStart, buf.length);
      if (edit.tail) tail = edit.tail(tail);
      if (legacyId && !legacyDrawingId) {
        // A new legacy drawing goes where the schema wants it (after <drawing>, before the parts that follow it).
        const rootTag = /<worksheet\b[^>]*>/.exec(headOut)?.[0] ?? "";
        const rPrefix = /\sxmlns:r\s*=\s*"([^"]*)"/.exec(rootTag);
        if (rPrefix && rPrefix[1] !== REL) throw new PackageNotHandled("r prefix bound to another namespace");
        const element = `<legacyDrawing r:id="${legacyId}"/>`;
        const follower = /<(legacyDrawingHF|drawingHF|picture|oleObjects|controls|webPublishItems|tableParts|extLst)\b|<\/worksheet>/.exec(tail);
        if (!follower) throw new PackageNotHandled("unterminated worksheet");
        tail = tail.slice(0, follower.index) + element + tail.slice(follower.index);
        if (!rPrefix) {
          const root = /<worksheet\b/.exec(headOut);
          if (!root) throw new PackageNotHandled("no worksheet element");
          const at = root.index + root[0].length;
          headOut = `${headOut.slice(0, at)} xmlns:r="${REL}"${headOut.slice(at)}`;
        }
      }
      out.binary(tail);
      return out.withHead(headOut);
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

/** A note change: KJ's text (null removes the note) or a comment copied from another cell. */
interface NoteChange {
  row: number;
  col: number;
  text: string | null;
  copy?: { author: string; body: string; namespaces: Record<string, string> };
}

/** The comments of one sheet (existing part merged) and its VML drawing. */
class SheetNotes {
  /** Notes set, copied or removed by the edits. */
  private readonly changed = new Map<number, NoteChange>();

  private constructor(
    private readonly sheetPath: string,
    private readonly relsPath: string,
    private readonly relsXml: string | null,
    private readonly commentsPath: string | null,
    private readonly commentsXml: string | null,
    private readonly existing: Map<number, ExistingComment>,
    private readonly vmlPath: string | null,
    private readonly vmlXml: string | null,
    /** Cells holding a threaded comment (Excel 365): their legacy note stands for the thread and is left alone. */
    private readonly threads: ReadonlySet<number>,
  ) {}

  static async open(zip: JSZip, sheet: string, sheetPath: string, legacyDrawingId: string | null): Promise<SheetNotes> {
    const relsPath = relsPathOf(sheetPath);
    const relsXml = await text(zip, relsPath);
    const rels = relsXml ? parseRelationships(sheetPath, relsXml) : [];
    const threads = new Set<number>();
    for (const rel of rels.filter((r) => /\/threadedComment$/i.test(r.type) && !r.external)) {
      const path = findPart(zip, rel.target);
      const xml = path ? await text(zip, path) : null;
      for (const m of (xml ?? "").matchAll(/<threadedComment\b([^>]*?)\/?>/g)) {
        const at = decodeAddress(attributes(m[1]).ref ?? "");
        if (at) threads.add(cellKey(at.row, at.col));
      }
    }
    const notRead = (detail: string) => new PackageNotHandled(detail, { reason: `工作表“${sheet}”的批注部分 KJ 读不懂（${detail}），为免丢失批注没有写入` });
    const comments = rels.filter((r) => r.type === REL_COMMENTS);
    if (comments.length > 1) throw notRead("several comments parts");
    const vmlRel = legacyDrawingId ? rels.find((r) => r.id === legacyDrawingId) : undefined;
    if (legacyDrawingId && (!vmlRel || vmlRel.type !== REL_VML || vmlRel.external)) throw notRead("legacy drawing is not a VML part");
    if (comments.length === 1 && !vmlRel) throw notRead("comments without a VML drawing");
    const commentsPath = comments[0] ? findPart(zip, comments[0].target) : null;
    if (comments[0] && !commentsPath) throw notRead("comments part missing");
    const commentsXml = commentsPath ? await text(zip, commentsPath) : null;
    const existing = new Map<number, ExistingComment>();
    if (commentsXml !== null) {
      if (!/<comments\b/.test(commentsXml) || !/<commentList\b/.test(commentsXml)) throw notRead("comments part not read");
      for (const m of commentsXml.matchAll(/<comment\b([^>]*?)(?:\/>|>([\s\S]*?)<\/comment>)/g)) {
        const at = decodeAddress(attributes(m[1]).ref ?? "");
        if (!at) throw notRead("comment without a cell");
        existing.set(cellKey(at.row, at.col), { row: at.row, col: at.col, xml: m[0], attrs: m[1], body: m[2] ?? null });
      }
    }
    const vmlPath = vmlRel ? findPart(zip, vmlRel.target) : null;
    if (vmlRel && !vmlPath) throw notRead("VML part missing");
    // VML is kept as binary text: only ASCII is added to it.
    const vmlXml = vmlPath ? ((await zip.file(vmlPath)?.async("nodebuffer")) as Buffer).toString("latin1") : null;
    if (vmlXml !== null && !/<\/xml>\s*$/.test(vmlXml)) throw notRead("VML part not read");
    return new SheetNotes(sheetPath, relsPath, relsXml, commentsPath, commentsXml, existing, vmlPath, vmlXml, threads);
  }

  /** Does the cell hold a threaded comment (Excel 365)? */
  threaded(row: number, col: number): boolean {
    return this.threads.has(cellKey(row, col));
  }

  /** The note on a cell now (as XlsxHost.getNote reads it: every run's text). */
  get(row: number, col: number): string | null {
    const key = cellKey(row, col);
    const c = this.changed.get(key);
    if (c) return c.copy ? xmlText(richText(c.copy.body)) : c.text;
    const e = this.existing.get(key);
    if (!e) return null;
    return e.body === null ? "" : xmlText(richText(e.body));
  }

  /** null removes the note. */
  set(row: number, col: number, noteText: string | null): void {
    this.changed.set(cellKey(row, col), { row, col, text: noteText });
  }

  /** Removes the notes of cells inside `blocks` that got no copied note (copyFormats: the source cell had none). */
  clearUncopied(blocks: readonly Block[]): void {
    if (blocks.length === 0) return;
    for (const [key, e] of this.existing) {
      if (this.changed.has(key)) continue;
      if (blocks.some((b) => e.row >= b.top && e.row <= b.bottom && e.col >= b.left && e.col <= b.right)) this.set(e.row, e.col, null);
    }
  }

  /** Gives the cell a copy of another cell's comment (its runs and author kept); null removes its note. */
  copy(row: number, col: number, note: NoteCopy): void {
    if (note === null) this.changed.set(cellKey(row, col), { row, col, text: null });
    else this.changed.set(cellKey(row, col), { row, col, text: "", copy: note });
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

    // Authors: KJ's own and those of copied notes, each added once.
    const authors = [...(/<authors\b[^>]*>([\s\S]*?)<\/authors>/.exec(commentsXml)?.[1] ?? "").matchAll(/<author\b[^>]*?(?:\/>|>([\s\S]*?)<\/author>)/g)].map((m) => xmlText(m[1] ?? ""));
    const newAuthors: string[] = [];
    const authorId = (name: string): number => {
      let id = authors.indexOf(name);
      if (id < 0) {
        id = authors.length;
        authors.push(name);
        newAuthors.push(`<author>${escapeXml(name)}</author>`);
      }
      return id;
    };
    const kjAuthor = written.some((c) => !c.copy) ? authorId(KJ_AUTHOR) : -1;
    const copied = (c: NoteChange, attrs: string | null): string => {
      const id = authorId(c.copy!.author);
      const open = attrs === null ? `<comment ref="${cellAddress(c.row, c.col)}" authorId="${id}">` : setAttribute(`<comment${attrs}>`, "authorId", String(id));
      return `${open}${c.copy!.body}</comment>`;
    };

    const all: { row: number; col: number; xml: string }[] = [];
    const removed: { row: number; col: number }[] = [];
    for (const [key, e] of this.existing) {
      const c = this.changed.get(key);
      if (c && c.text === null) removed.push(e);
      else if (c?.copy) all.push({ row: e.row, col: e.col, xml: copied(c, e.attrs) });
      else all.push({ row: e.row, col: e.col, xml: c && c.text !== null ? replacedComment(e, c.text) : e.xml });
    }
    const added: { row: number; col: number }[] = [];
    for (const c of written) {
      if (this.existing.has(cellKey(c.row, c.col))) continue;
      added.push(c);
      all.push({ row: c.row, col: c.col, xml: c.copy ? copied(c, null) : `<comment ref="${cellAddress(c.row, c.col)}" authorId="${kjAuthor}"><text>${noteRuns(c.text as string)}</text></comment>` });
    }
    // Namespaces the copied bodies use, declared on the root when it lacks them.
    const declared = attributes(/<comments\b([^>]*)>/.exec(commentsXml)?.[1] ?? "");
    const missing: string[] = [];
    for (const c of written) {
      for (const [name, uri] of Object.entries(c.copy?.namespaces ?? {})) {
        if (declared[name] === undefined) {
          declared[name] = uri;
          missing.push(` ${name}="${uri}"`);
        }
      }
    }
    if (missing.length > 0) commentsXml = commentsXml.replace(/<comments\b/, () => `<comments${missing.join("")}`);
    if (newAuthors.length > 0) {
      const list = newAuthors.join("");
      if (/<authors\b[^>]*\/>/.test(commentsXml)) commentsXml = commentsXml.replace(/<authors\b([^>]*?)\s*\/>/, (_m, a: string) => `<authors${a}>${list}</authors>`);
      else if (/<\/authors>/.test(commentsXml)) commentsXml = commentsXml.replace(/<\/authors>/, () => `${list}</authors>`);
      else commentsXml = commentsXml.replace(/<commentList\b/, () => `<authors>${list}</authors><commentList`);
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

/** The comments of a sheet as they are in the package now, as copies (body and author) by cell. */
async function readNotes(zip: JSZip, sheetPath: string): Promise<Map<number, NoteCopy>> {
  const out = new Map<number, NoteCopy>();
  const relsXml = await text(zip, relsPathOf(sheetPath));
  const rel = relsXml ? parseRelationships(sheetPath, relsXml).find((r) => r.type === REL_COMMENTS && !r.external) : undefined;
  const path = rel ? findPart(zip, rel.target) : null;
  const xml = path ? await text(zip, path) : null;
  if (!xml) return out;
  const authors = [...(/<authors\b[^>]*>([\s\S]*?)<\/authors>/.exec(xml)?.[1] ?? "").matchAll(/<author\b[^>]*?(?:\/>|>([\s\S]*?)<\/author>)/g)].map((m) => xmlText(m[1] ?? ""));
  const root = attributes(/<comments\b([^>]*)>/.exec(xml)?.[1] ?? "");
  const namespaces = Object.fromEntries(Object.entries(root).filter(([k]) => k.startsWith("xmlns:")));
  for (const m of xml.matchAll(/<comment\b([^>]*?)(?:\/>|>([\s\S]*?)<\/comment>)/g)) {
    const a = attributes(m[1]);
    const at = decodeAddress(a.ref ?? "");
    if (!at) continue;
    out.set(cellKey(at.row, at.col), { author: authors[Number(a.authorId)] ?? "", body: m[2] ?? "<text/>", namespaces });
  }
  return out;
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
  /** Removes a relationship by id. */
  remove(id: string): void {
    const next = this.source.replace(/<Relationship\b[^>]*?\/>/g, (m) => (attributes(m.slice(13, -2)).Id === id ? "" : m));
    if (next !== this.source) {
      this.source = next;
      this.changed = true;
    }
  }
  xml(): string {
    return this.source;
  }
}

/** [Content_Types].xml with overrides (and the vml default) added or removed. */
class ContentTypes {
  changed = false;
  constructor(private source: string) {
    if (!/<\/Types>/.test(source)) throw new PackageNotHandled("content types not read", { reason: "文件中的内容类型清单（[Content_Types].xml）不完整，文件可能已损坏" });
  }
  override(part: string, contentType: string): void {
    this.insert(`<Override PartName="/${escapeAttribute(part)}" ContentType="${contentType}"/>`);
  }
  /** Drops the override of a part that was removed. */
  remove(part: string): void {
    const name = `/${part}`.toLowerCase();
    const next = this.source.replace(/<Override\b[^>]*?\/>/g, (m) => ((attributes(m.slice(9, -2)).PartName ?? "").toLowerCase() === name ? "" : m));
    if (next !== this.source) {
      this.source = next;
      this.changed = true;
    }
  }
  vml(part: string): void {
    const vmlDefault = /<Default\b[^>]*\bExtension\s*=\s*"vml"[^>]*>/i.exec(this.source);
    if (!vmlDefault) this.insert(`<Default Extension="vml" ContentType="${CT_VML}"/>`);
    else if (!vmlDefault[0].includes(CT_VML)) this.override(part, CT_VML);
  }
  private insert(element: string): void {
    const at = this.source.lastIndexOf("</Types>");
    this.source = this.source.slice(0, at) + element + this.source.slice(at);
    this.changed = true;
  }
  xml(): string {
    return this.source;
  }
}

/**
 * The shared string table, for text that needs OOXML's escapes (control characters): new strings
 * are appended (the existing ones keep their numbers); created when the workbook has none.
 */
class SharedStrings {
  private readonly added: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly count: number;
  constructor(
    private readonly path: string | null,
    private readonly source: string | null,
  ) {
    this.count = source === null ? 0 : (source.match(/<si\b/g) ?? []).length;
  }
  get changed(): boolean {
    return this.added.length > 0;
  }
  get created(): boolean {
    return this.path === null;
  }
  /** The index of a string in the table. */
  add(s: string): number {
    const known = this.index.get(s);
    if (known !== undefined) return known;
    const i = this.count + this.added.length;
    this.added.push(`<si><t xml:space="preserve">${ooxmlText(s)}</t></si>`);
    this.index.set(s, i);
    return i;
  }
  /** Writes the table; returns its part's path. */
  write(zip: JSZip): string {
    const items = this.added.join("");
    if (this.source === null || this.path === null) {
      const path = freePart(zip, (n) => (n === 1 ? "xl/sharedStrings.xml" : `xl/sharedStrings${n}.xml`));
      putPart(zip, path, `${XML_DECL}<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${this.added.length}" uniqueCount="${this.added.length}">${items}</sst>`);
      return path;
    }
    let xml = this.source;
    const open = /<sst\b[^>]*>/.exec(xml);
    if (!open) throw new PackageNotHandled("shared strings not read", { reason: "共享字符串表不完整，文件可能已损坏" });
    if (open[0].endsWith("/>")) xml = xml.replace(open[0], `${open[0].slice(0, -2)}>${items}</sst>`);
    else {
      const end = xml.lastIndexOf("</sst>");
      xml = xml.slice(0, end) + items + xml.slice(end);
    }
    const a = attributes(open[0].slice(4, -1));
    let tag = /<sst\b[^>]*>/.exec(xml)![0];
    if (a.count !== undefined) tag = setAttribute(tag, "count", String(Number(a.count) + this.added.length));
    tag = setAttribute(tag, "uniqueCount", String(this.count + this.added.length));
    xml = xml.replace(/<sst\b[^>]*>/, () => tag);
    putPart(zip, this.path, xml);
    return this.path;
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

  /** The workbook part as read (its relationships and sheets). */
  parts(): WorkbookParts {
    return this.wb;
  }

  /** workbook.xml as the edits leave it (defined names change when rows move). */
  text(): { get(): string; set(xml: string): void } {
    return {
      get: () => this.workbookXml,
      set: (xml: string) => {
        this.workbookXml = xml;
        this.changed = true;
      },
    };
  }

  /** Adds a worksheet entry; returns its part's path (the caller writes the part). */
  add(name: string, hidden: SheetState): string {
    const sheetPath = freePart(this.zip, (n) => `xl/worksheets/sheet${n}.xml`);
    // Reserve the name now, so the next sheet gets another one.
    putPart(this.zip, sheetPath, "");
    this.contentTypes.override(sheetPath, CT_WORKSHEET);
    const rid = this.rels.add(REL_WORKSHEET, relativeTarget(this.wb.workbookPath, sheetPath));
    if (!/<\/sheets>/.test(this.workbookXml)) throw new PackageNotHandled("workbook without sheets", { reason: "工作簿的工作表清单不完整，文件可能已损坏" });
    // The r: prefix is declared on the root by most writers, on each <sheet> by some (openpyxl).
    const rPrefix = /<workbook\b[^>]*?\sxmlns:r\s*=\s*"([^"]*)"/.exec(this.workbookXml);
    if (rPrefix && rPrefix[1] !== REL) throw new PackageNotHandled("workbook with r bound to another namespace");
    const ns = rPrefix ? "" : ` xmlns:r="${REL}"`;
    const sheet = `<sheet${ns} name="${escapeAttribute(name)}" sheetId="${++this.maxId}"${hidden ? ` state="${hidden}"` : ""} r:id="${rid}"/>`;
    this.workbookXml = this.workbookXml.replace(/<\/sheets>/, () => `${sheet}</sheets>`);
    this.changed = true;
    return sheetPath;
  }

  /** Hides an existing sheet ("hidden" or "veryHidden"): its entry's state attribute. */
  setState(name: string, state: Exclude<SheetState, false>): void {
    this.workbookXml = this.workbookXml.replace(/<sheet\b([^>]*?)(\/?)>/g, (whole, attrs: string, close: string) => {
      if (xmlText(attributes(attrs).name ?? "") !== name) return whole;
      const rest = attrs.replace(/\sstate\s*=\s*(?:"[^"]*"|'[^']*')/, "");
      return `<sheet${rest} state="${state}"${close}>`;
    });
    this.changed = true;
  }

  /** Adds a workbook-level relationship (e.g. a new shared string table). */
  addRelationship(type: string, path: string): void {
    this.rels.add(type, relativeTarget(this.wb.workbookPath, path));
    this.changed = true;
  }

  /** Removes calcChain.xml (the cells it lists moved): Excel rebuilds it, a stale one makes Excel repair the file. */
  dropCalcChain(): void {
    const rel = this.wb.rels.find((r) => /\/calcChain$/.test(r.type) && !r.external);
    const path = rel ? findPart(this.zip, rel.target) : null;
    if (!rel || !path) return;
    this.zip.remove(path);
    this.rels.remove(rel.id);
    this.contentTypes.remove(path);
    this.changed = true;
  }

  write(): void {
    if (!this.changed) return;
    putPart(this.zip, this.wb.relsPath, this.rels.xml());
    putPart(this.zip, this.wb.workbookPath, this.workbookXml);
  }
}

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
import { cellAddress } from "../../text";
import {
  assertUtf8,
  attributes,
  decodeAddress,
  escapeAttribute,
  FALLBACK,
  findPart,
  fromBinary,
  ooxmlText,
  openPackage,
  PackageNotHandled,
  parseRelationships,
  readWorkbookPart,
  WorkbookParts,
  relativeTarget,
  relsPathOf,
  richText,
  text,
  toBinary,
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
type CellContent = { kind: "value"; value: CellValue } | { kind: "formula"; formula: string };

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

/** A note copied onto a cell: the comment's body XML and its author's name; null removes the cell's note. */
type NoteCopy = { author: string; body: string } | null;

/** What the edits do to one sheet. */
interface SheetPlan {
  cells: Map<string, Target>;
  clears: Map<string, SavedFill>;
  marks: Extract<Edit, { type: "mark" }>[];
  widths: Map<number, number>;
  dataBars: Extract<Edit, { type: "dataBar" }>[];
  notes: Map<string, { row: number; col: number; note: NoteCopy }>;
  merges: Block[];
}

interface Block {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** What a copyFormats edit gives its sheet, read from its sources as the edits before left them. */
interface CopyPlan {
  sheet: string;
  cells: { row: number; col: number; style: number; note: NoteCopy }[];
  merges: Block[];
}

const cellKey = (row: number, col: number) => `${row}:${col}`;

/**
 * Writes `edits` into the package `bytes` as XlsxHost.apply would, in order (see the file
 * comment). What this path does not write throws PackageNotHandled.
 */
export async function editXlsxPackage(bytes: Buffer, edits: readonly Edit[], opts: { progress?: ProgressFn } = {}): Promise<PackageEdits> {
  const zip = await openPackage(bytes);
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
      await writer.moveRows(e.sheet, rowsInserted(e.sheet, runs.map((g) => ({ at: g.row, count: g.values.length }))));
      // The new rows' values (strings as text), then whatever follows.
      for (const g of runs) run.push({ type: "setValues", sheet: g.sheet, row: g.row, col: g.col, values: g.values });
    } else run.push(e);
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
  private pending: { name: string; hidden: boolean }[] = [];
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
        p = { cells: new Map(), clears: new Map(), marks: [], widths: new Map(), dataBars: [], notes: new Map(), merges: [] };
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
      for (const c of copies.cells) {
        target(p, c.row, c.col).base = c.style;
        p.notes.set(cellKey(c.row, c.col), { row: c.row, col: c.col, note: c.note });
      }
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
          this.pending.push({ name: e.sheet, hidden: false });
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
          if (!registryAsked && planMarks(e.marks).length > 0) {
            this.pending.push({ name: MARK_REGISTRY_SHEET, hidden: true });
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
      return p.clears.size > 0 || p.cells.size > 0 || p.widths.size > 0 || p.dataBars.length > 0 || p.notes.size > 0 || p.merges.length > 0 || planned.get(sheet)!.some((ps) => ps.length > 0);
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
        const [row, col] = key.split(":").map(Number);
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
      let sheetBytes = await this.zip.file(sheetPath)?.async("nodebuffer");
      if (!sheetBytes) throw new PackageNotHandled(`missing part ${sheetPath}`, { reason: `工作表“${sheet}”的内容缺失，文件可能已损坏` });
      // A shared formula whose first cell is overwritten: its other cells get their own formulas first.
      const overwritten = sharedMastersHit(sheetBytes, targets);
      if (overwritten.size > 0) sheetBytes = unshareFormulas(sheetBytes, sheet, overwritten);
      const patched = patchSheetXml(sheet, sheetBytes, targets, (existing, orig, t) => rewriteCell(existing, t, t.base ?? orig, styleFor(orig, t), this.date1904, sst), {
        head: plan.widths.size > 0 ? (head) => withColumnWidths(head, plan.widths) : undefined,
        tail: plan.dataBars.length > 0 || plan.merges.length > 0 ? (tail) => withDataBars(withMerges(tail, plan.merges), plan.dataBars) : undefined,
      });

      // Notes: copied ones first, then cleared (the KJ part goes, a user's part stays), then the marks in order.
      const hasNotes = plan.clears.size > 0 || plan.notes.size > 0 || markPlans.some((ps) => ps.length > 0);
      const notes = hasNotes ? await SheetNotes.open(this.zip, sheet, sheetPath, patched.legacyDrawingId) : null;
      if (notes) {
        for (const c of plan.notes.values()) notes.copy(c.row, c.col, c.note);
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
    const plan: CopyPlan = { sheet: e.sheet, cells: [], merges: [] };
    const bySource = new Map<string, typeof e.blocks>();
    for (const b of e.blocks) bySource.set(b.from.sheet, [...(bySource.get(b.from.sheet) ?? []), b]);
    for (const [source, blocks] of bySource) {
      const path = this.partOf.get(source);
      if (!path) throw new PackageNotHandled(`no worksheet ${source}`, { reason: `工作簿中没有名为“${source}”的工作表` });
      const buf = (await this.zip.file(path)?.async("nodebuffer")) ?? null;
      if (!buf) throw new PackageNotHandled(`missing part ${path}`, { reason: `工作表“${source}”的内容缺失，文件可能已损坏` });
      const rows = new Set<number>();
      for (const b of blocks) for (let r = b.from.row; r < b.from.row + b.from.rows; r++) rows.add(r);
      const styles = cellStyles(source, buf, rows);
      const notes = await readNotes(this.zip, path);
      const merges = mergedRanges(buf);
      for (const b of blocks) {
        const dr = b.row - b.from.row;
        const dc = b.col - b.from.col;
        for (let i = 0; i < b.from.rows; i++)
          for (let j = 0; j < b.from.cols; j++) {
            const row = b.from.row + i;
            const col = b.from.col + j;
            plan.cells.push({ row: row + dr, col: col + dc, style: styles(row, col), note: notes.get(cellKey(row, col)) ?? null });
          }
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
    const { resized } = await moveRowsInPackage(this.zip, workbook.parts(), workbook.text(), this.sheets().filter((s) => s.name !== MARK_REGISTRY_SHEET), move);
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


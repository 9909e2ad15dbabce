/**
 * The Excel host: the SpreadsheetHost port over Office.js (Excel.run). Reads are one
 * used-range load per sheet; writes are queued and synced in chunks whose estimated payload
 * stays under 4 MB (Excel on the web refuses 5 MB), never per cell.
 *
 * Text safety: before string values are written, their cells get the number format "@"
 * (text) in the same request, through a numberFormat grid where non-string cells are null
 * (null in a 2-D array leaves a cell's format unchanged, per the Office.js docs "Blank and
 * null values"). A text-formatted cell stores "=1+1" as the characters =1+1, not a formula.
 * Formulas come only through setFormulas.
 *
 * Marks: fill colour plus a note (worksheet.notes, ExcelApi 1.18) or, where notes are not
 * supported, a comment (a reply when the cell already has a user's comment). The cells and
 * their previous fills are kept in the hidden sheet KJ标记 (src/host/marks.ts).
 */
import { excelSerialFromDay, dayFromDate } from "../dates";
import { cellAddress } from "../text";
import { assertUsedRangeReadable, rowsOfBlock, snapshotFromRows } from "./snapshot";
import { KjError } from "../errors";
import { CellValue } from "../ledger/cells";
import { DEFAULT_CHUNK_BUDGET, jsonBytes, MAX_REQUEST_BYTES, OP_OVERHEAD_BYTES, PayloadBatcher, runsBottomUp, splitRowsByBudget, utf8Length } from "./chunking";
import {
  CellMarkPlan,
  composeNote,
  entryToClear,
  isKjNote,
  MARK_REGISTRY_SHEET,
  moveRegistryRows,
  noteAfterClear,
  normalizeColor,
  parseAddress,
  parseRegistry,
  planMarks,
  RegistryEntry,
  registryKey,
  registryRows,
  rowAfterDeleting,
  rowAfterInserting,
  SavedFill,
} from "./marks";
import { CellMark, Edit, FormatCopy, ProgressFn, SheetSnapshot, SpreadsheetHost } from "./port";

type Ctx = Excel.RequestContext;
type RunFn = <T>(batch: (ctx: Ctx) => Promise<T>) => Promise<T>;

export interface ExcelHostOptions {
  /** Defaults to Excel.run; tests pass a fake. */
  run?: RunFn;
  /** Use worksheet.notes (ExcelApi 1.18); default: asked of Office.context.requirements. */
  notes?: boolean;
  /** Bytes a batch may hold before it syncs. */
  chunkBudget?: number;
  /** Load formulas with values (default true): needed to report formula cells. */
  readFormulas?: boolean;
}

/** Excel error values a formula can produce literally ("=#N/A"). */
const ERROR_LITERALS = new Set(["#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"]);
const DATE_FORMAT = "yyyy-mm-dd";
/** Rows read with the size of a big sheet, to learn the bytes per row. */
const SAMPLE_ROWS = 100;
const MAX_COLUMNS = 16_384;
/** Rows further down may be longer than the ones measured so far. */
const READ_MARGIN = 1.15;
/** Bytes a mark's reads and writes add to a request beyond its note text (several actions). */
const MARK_READ_BYTES = 4 * OP_OVERHEAD_BYTES;
const MARK_WRITE_BYTES = 3 * OP_OVERHEAD_BYTES;

function isPayloadError(e: unknown): boolean {
  const o = e as { code?: unknown; message?: unknown };
  const text = `${typeof o?.code === "string" ? o.code : ""} ${typeof o?.message === "string" ? o.message : ""}`;
  return /payload|负载/i.test(text);
}

function notesSupportedByOffice(): boolean {
  try {
    return typeof Office !== "undefined" && Boolean(Office.context?.requirements?.isSetSupported("ExcelApi", "1.18"));
  } catch {
    return false;
  }
}

/** Texts Office.js gives as the value of an error cell. */
const ERROR_VALUES = new Set([...ERROR_LITERALS, "#SPILL!", "#CALC!", "#GETTING_DATA", "#BUSY!", "#FIELD!", "#CONNECT!", "#BLOCKED!", "#UNKNOWN!", "#PYTHON!"]);

/**
 * A value Office.js returns -> a snapshot value: "" is blank; an error cell's text becomes
 * { error } like the other hosts give (text that is exactly an error code reads as that
 * error anyway, DOMAIN §8).
 */
function snapshotValue(v: unknown): CellValue {
  if (v === "" || v === null || v === undefined) return null;
  if (typeof v === "string" && ERROR_VALUES.has(v)) return { error: v };
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  return null;
}

/** A snapshot value -> what Office.js takes in values (dates as serials). */
function officeValue(v: CellValue): string | number | boolean {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) {
    const day = dayFromDate(v);
    return day === null ? "" : excelSerialFromDay(day);
  }
  if (typeof v === "object") return ""; // errors are written as formulas afterwards
  return v;
}

/** The number format a written value needs: text for strings, a date format for dates, General for errors (written as formulas). */
function formatFor(v: CellValue): string | null {
  if (typeof v === "string") return v === "" ? null : "@";
  if (v instanceof Date) return DATE_FORMAT;
  if (v && typeof v === "object") return "General";
  return null;
}

export class ExcelHost implements SpreadsheetHost {
  readonly kind = "excel";
  private readonly run: RunFn;
  private readonly budget: number;
  private readonly readFormulas: boolean;
  private notesMode: boolean | undefined;

  constructor(options: ExcelHostOptions = {}) {
    this.run = options.run ?? (<T>(batch: (ctx: Ctx) => Promise<T>) => Excel.run(batch));
    this.budget = options.chunkBudget ?? DEFAULT_CHUNK_BUDGET;
    this.readFormulas = options.readFormulas ?? true;
    this.notesMode = options.notes;
  }

  private useNotes(): boolean {
    if (this.notesMode === undefined) this.notesMode = notesSupportedByOffice();
    return this.notesMode;
  }

  /** A full recalculation, so custom functions are called again (after the stored policy packs changed). */
  async recalculate(): Promise<void> {
    await this.run(async (ctx) => {
      ctx.workbook.application.calculate("Full");
      await ctx.sync();
    });
  }

  async listSheets(): Promise<string[]> {
    return this.run(async (ctx) => {
      const sheets = ctx.workbook.worksheets;
      sheets.load("items/name");
      await ctx.sync();
      return sheets.items.map((s) => s.name);
    });
  }

  async activeSheet(): Promise<string | null> {
    return this.run(async (ctx) => {
      const ws = ctx.workbook.worksheets.getActiveWorksheet();
      ws.load("name");
      await ctx.sync();
      return ws.name ?? null;
    });
  }

  /**
   * One used-range load (values, formulas, position) in one sync. Excel on the web refuses a
   * response over 5 MB: then the size is loaded and the rows are read in chunks.
   */
  async readSheet(name: string): Promise<SheetSnapshot> {
    // No valueTypes: an error cell's value is its text ("#N/A"), which cell reading treats as the error.
    const props = this.readFormulas ? "values,formulas,rowIndex,columnIndex,rowCount,columnCount" : "values,rowIndex,columnIndex,rowCount,columnCount";
    try {
      return await this.run(async (ctx) => {
        const ws = ctx.workbook.worksheets.getItemOrNullObject(name);
        const used = ws.getUsedRangeOrNullObject(true);
        used.load(props);
        await ctx.sync();
        if (ws.isNullObject) throw new KjError("sheet_not_found", `找不到工作表“${name}”`);
        if (used.isNullObject) return { name, firstRow: 1, firstCol: 1, values: [] };
        return this.toSnapshot(name, used.rowIndex + 1, used.columnIndex + 1, used.values, this.readFormulas ? used.formulas : undefined);
      });
    } catch (e) {
      if (!isPayloadError(e)) throw e;
      return this.readSheetInChunks(name, props);
    }
  }

  private async readSheetInChunks(name: string, props: string): Promise<SheetSnapshot> {
    const cellProps = props.replace(/,rowIndex.*$/, "");
    return this.run(async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem(name);
      const used = ws.getUsedRangeOrNullObject(true);
      used.load("rowIndex,columnIndex,rowCount,columnCount");
      // With the size, the top rows as a first chunk: they tell how big a row is.
      const sample = used.getIntersectionOrNullObject(ws.getRangeByIndexes(0, 0, SAMPLE_ROWS, MAX_COLUMNS));
      sample.load(cellProps + ",rowCount");
      await ctx.sync();
      if (used.isNullObject) return { name, firstRow: 1, firstCol: 1, values: [] };
      const { rowIndex, columnIndex, rowCount, columnCount } = used;
      assertUsedRangeReadable(name, rowIndex + 1, columnIndex + 1, rowCount, columnCount);
      const values: unknown[][] = [];
      const formulas: unknown[][] = [];
      const size = (v: unknown[][], f: unknown[][] | undefined) => jsonBytes(v) + (f ? jsonBytes(f) : 0);
      let done = 0;
      // Without a sample (the data starts further down) start from a cautious guess.
      let bytesPerRow = columnCount * (this.readFormulas ? 160 : 80);
      if (!sample.isNullObject && sample.rowCount > 0) {
        values.push(...sample.values);
        if (this.readFormulas) formulas.push(...sample.formulas);
        done = sample.rowCount;
        bytesPerRow = Math.ceil((size(sample.values, this.readFormulas ? sample.formulas : undefined) / done) * READ_MARGIN);
      }
      while (done < rowCount) {
        const rows = Math.max(1, Math.min(rowCount - done, Math.floor(MAX_REQUEST_BYTES / Math.max(1, bytesPerRow))));
        const part = ws.getRangeByIndexes(rowIndex + done, columnIndex, rows, columnCount);
        part.load(cellProps);
        await ctx.sync();
        values.push(...part.values);
        if (this.readFormulas) formulas.push(...part.formulas);
        bytesPerRow = Math.max(bytesPerRow / 4, Math.ceil((size(part.values, this.readFormulas ? part.formulas : undefined) / rows) * READ_MARGIN));
        done += rows;
      }
      return this.toSnapshot(name, rowIndex + 1, columnIndex + 1, values, this.readFormulas ? formulas : undefined);
    });
  }

  private toSnapshot(name: string, firstRow: number, firstCol: number, raw: unknown[][], rawFormulas: unknown[][] | undefined): SheetSnapshot {
    const values = raw.map((r) => r.map((v) => snapshotValue(v)));
    let formulas: (string | null)[][] | undefined;
    if (rawFormulas) {
      // A text cell holding "=1+1" reports the same string as value and formula: not a formula.
      let any = false;
      const f = rawFormulas.map((r, i) =>
        r.map((x, j) => {
          if (typeof x !== "string" || !x.startsWith("=") || x === raw[i][j]) return null;
          any = true;
          return x;
        }),
      );
      if (any) formulas = f;
    }
    return snapshotFromRows(name, rowsOfBlock(firstRow, firstCol, values, formulas));
  }

  async select(sheet: string, row: number, col: number): Promise<void> {
    await this.run(async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem(sheet);
      ws.activate();
      ws.getRangeByIndexes(row - 1, col - 1, 1, 1).select();
      await ctx.sync();
    });
  }

  async apply(edits: readonly Edit[], progress?: ProgressFn): Promise<void> {
    if (edits.length === 0) return;
    await this.run(async (ctx) => {
      const session = new ApplySession(ctx, this.budget, this.useNotes());
      for (let i = 0; i < edits.length; i++) {
        await session.apply(edits[i]);
        progress?.(i + 1, edits.length, edits[i].type);
      }
      await session.batch.flush();
    });
  }
}

/** One apply() call: the request context, the batcher and what was learned about the workbook. */
class ApplySession {
  readonly batch: PayloadBatcher;
  private sheetNames: Set<string> | null = null;
  private registry: RegistryEntry[] | null = null;
  /** Rows the registry sheet held when it was read or last written. */
  private registryHeight = 0;

  constructor(
    private readonly ctx: Ctx,
    private readonly budget: number,
    private readonly notes: boolean,
  ) {
    this.batch = new PayloadBatcher(budget, () => ctx.sync());
  }

  private sheet(name: string): Excel.Worksheet {
    return this.ctx.workbook.worksheets.getItem(name);
  }

  /** Syncs now (once), whether or not writes are pending, to read what was loaded. */
  private async syncNow(): Promise<void> {
    if (!(await this.batch.flush())) await this.ctx.sync();
  }

  async apply(e: Edit): Promise<void> {
    switch (e.type) {
      case "ensureSheet":
        return this.ensureSheet(e.sheet, e.hidden ?? false);
      case "setValues":
        return this.setValues(e.sheet, e.row, e.col, e.values);
      case "setFormulas":
        return this.setFormulas(e.sheet, e.row, e.col, e.formulas);
      case "clearRange":
        await this.batch.reserve(OP_OVERHEAD_BYTES * 2);
        this.sheet(e.sheet).getRangeByIndexes(e.row - 1, e.col - 1, e.rows, e.cols).clear("Contents");
        return;
      case "mark":
        return this.mark(e.sheet, e.marks);
      case "clearMarks":
        return this.clearMarks(e.sheet, e.rows);
      case "copyFormats":
        return this.copyFormats(e.sheet, e.blocks);
      case "deleteRows": {
        const ws = this.sheet(e.sheet);
        for (const run of runsBottomUp(e.rows)) {
          await this.batch.reserve(OP_OVERHEAD_BYTES * 2);
          ws.getRange(`${run.start}:${run.start + run.count - 1}`).delete("Up");
        }
        return this.moveMarks(e.sheet, rowAfterDeleting(e.rows));
      }
      case "insertRows": {
        if (e.values.length === 0) return;
        await this.batch.reserve(OP_OVERHEAD_BYTES * 2);
        this.sheet(e.sheet).getRange(`${e.row}:${e.row + e.values.length - 1}`).insert("Down");
        await this.setValues(e.sheet, e.row, e.col, e.values);
        return this.moveMarks(e.sheet, rowAfterInserting(e.row, e.values.length));
      }
      case "numberFormat": {
        const grid = Array.from({ length: e.rows }, () => new Array<string>(e.cols).fill(e.format));
        for (const part of splitRowsByBudget(grid, this.budget / 2)) {
          await this.batch.reserve(OP_OVERHEAD_BYTES * 2 + jsonBytes(part.rows));
          this.sheet(e.sheet).getRangeByIndexes(e.row - 1 + part.offset, e.col - 1, part.rows.length, e.cols).numberFormat = part.rows;
        }
        return;
      }
      case "bold":
        await this.batch.reserve(OP_OVERHEAD_BYTES * 3);
        this.sheet(e.sheet).getRangeByIndexes(e.row - 1, e.col - 1, e.rows, e.cols).format.font.bold = true;
        return;
      case "columnWidths": {
        const ws = this.sheet(e.sheet);
        for (let i = 0; i < e.widths.length; i++) {
          await this.batch.reserve(OP_OVERHEAD_BYTES * 3);
          // Office.js widths are points; a character of the default font is about 7 px = 5.25 pt.
          ws.getRangeByIndexes(0, e.col - 1 + i, 1, 1).format.columnWidth = Math.round((e.widths[i] * 7 + 5) * 0.75 * 100) / 100;
        }
        return;
      }
      case "dataBar": {
        await this.batch.reserve(OP_OVERHEAD_BYTES * 4);
        const cf = this.sheet(e.sheet).getRangeByIndexes(e.row - 1, e.col - 1, e.rows, e.cols).conditionalFormats.add("DataBar");
        cf.dataBar.positiveFormat.fillColor = normalizeColor(e.color) ?? "#638EC6";
        return;
      }
    }
  }

  private async loadSheetNames(): Promise<Set<string>> {
    if (!this.sheetNames) {
      const sheets = this.ctx.workbook.worksheets;
      sheets.load("items/name");
      await this.syncNow();
      this.sheetNames = new Set(sheets.items.map((s) => s.name));
    }
    return this.sheetNames;
  }

  private async ensureSheet(name: string, hidden: false | "hidden" | "veryHidden"): Promise<void> {
    const names = await this.loadSheetNames();
    if (names.has(name)) {
      if (hidden) {
        await this.batch.reserve(OP_OVERHEAD_BYTES + utf8Length(name));
        this.sheet(name).visibility = hidden === "veryHidden" ? "VeryHidden" : "Hidden";
      }
      return;
    }
    await this.batch.reserve(OP_OVERHEAD_BYTES * 2 + utf8Length(name));
    const ws = this.ctx.workbook.worksheets.add(name);
    if (hidden) ws.visibility = hidden === "veryHidden" ? "VeryHidden" : "Hidden";
    names.add(name);
  }

  /** Values in row chunks under the budget; string cells get the text format first. */
  private async setValues(sheet: string, row: number, col: number, values: CellValue[][]): Promise<void> {
    const ws = this.sheet(sheet);
    const width = values.reduce((m, r) => Math.max(m, r.length), 0);
    if (width === 0) return;
    const rect = values.map((r) => (r.length === width ? r : [...r, ...new Array<CellValue>(width - r.length).fill(null)]));
    for (const part of splitRowsByBudget(rect, this.budget / 3, width * 6)) {
      const out = part.rows.map((r) => r.map(officeValue));
      const formats: (string | null)[][] = part.rows.map((r) => r.map(formatFor));
      const anyFormat = formats.some((r) => r.some((f) => f !== null));
      const errors: { i: number; j: number; code: string }[] = [];
      part.rows.forEach((r, i) =>
        r.forEach((v, j) => {
          if (v && typeof v === "object" && !(v instanceof Date) && typeof v.error === "string") errors.push({ i, j, code: v.error });
        }),
      );
      await this.batch.reserve(OP_OVERHEAD_BYTES * 3 + jsonBytes(out) + (anyFormat ? jsonBytes(formats) : 0));
      const range = ws.getRangeByIndexes(row - 1 + part.offset, col - 1, part.rows.length, width);
      if (anyFormat) range.numberFormat = formats;
      range.values = out;
      for (const x of errors) {
        await this.batch.reserve(OP_OVERHEAD_BYTES * 2 + 16);
        const code = ERROR_LITERALS.has(x.code) ? x.code : "#N/A";
        ws.getRangeByIndexes(row - 1 + part.offset + x.i, col - 1 + x.j, 1, 1).formulas = [["=" + code]];
      }
    }
  }

  private async setFormulas(sheet: string, row: number, col: number, formulas: (string | null)[][]): Promise<void> {
    const ws = this.sheet(sheet);
    const width = formulas.reduce((m, r) => Math.max(m, r.length), 0);
    if (width === 0) return;
    const rect = formulas.map((r) => {
      const full = r.map((f) => (f === null || f === undefined ? null : f.startsWith("=") ? f : "=" + f));
      return full.length === width ? full : [...full, ...new Array<string | null>(width - full.length).fill(null)];
    });
    for (const part of splitRowsByBudget(rect, this.budget / 2)) {
      await this.batch.reserve(OP_OVERHEAD_BYTES * 2 + jsonBytes(part.rows));
      // A formula into a text-formatted cell would stay text: give those cells General first.
      const range = ws.getRangeByIndexes(row - 1 + part.offset, col - 1, part.rows.length, width);
      range.numberFormat = part.rows.map((r) => r.map((f) => (f === null ? null : "General")));
      range.formulas = part.rows as string[][];
    }
  }

  // ---- marks ----------------------------------------------------------------------------

  private async loadRegistry(): Promise<RegistryEntry[]> {
    if (this.registry) return this.registry;
    const names = await this.loadSheetNames();
    if (!names.has(MARK_REGISTRY_SHEET)) {
      this.registry = [];
      this.registryHeight = 0;
      return this.registry;
    }
    const used = this.sheet(MARK_REGISTRY_SHEET).getUsedRangeOrNullObject(true);
    used.load("values,rowIndex,rowCount");
    await this.syncNow();
    if (used.isNullObject) {
      this.registry = [];
      this.registryHeight = 0;
    } else {
      const values = (used.values as unknown[][]).map((r) => r.map((v) => snapshotValue(v)));
      const padded = [...Array.from({ length: used.rowIndex }, () => [] as CellValue[]), ...values];
      this.registry = parseRegistry(padded);
      this.registryHeight = used.rowIndex + used.rowCount;
    }
    return this.registry;
  }

  /** Rewrites the registry sheet: rows from A1 (text format), clearing rows it no longer needs. */
  private async writeRegistry(entries: RegistryEntry[]): Promise<void> {
    await this.ensureSheet(MARK_REGISTRY_SHEET, "hidden");
    const ws = this.sheet(MARK_REGISTRY_SHEET);
    const rows = registryRows(entries);
    if (this.registryHeight > rows.length) {
      await this.batch.reserve(OP_OVERHEAD_BYTES * 2);
      ws.getRangeByIndexes(rows.length, 0, this.registryHeight - rows.length, 3).clear("Contents");
    }
    for (const part of splitRowsByBudget(rows, this.budget / 3, 20)) {
      const formats = part.rows.map((r) => r.map(() => "@"));
      await this.batch.reserve(OP_OVERHEAD_BYTES * 3 + jsonBytes(part.rows) + jsonBytes(formats));
      const range = ws.getRangeByIndexes(part.offset, 0, part.rows.length, 3);
      range.numberFormat = formats;
      range.values = part.rows;
    }
    this.registry = entries;
    this.registryHeight = rows.length;
  }

  /** Registry entries follow their rows (Excel moves fills and notes with deleted/inserted rows). */
  private async moveMarks(sheet: string, moveRow: (row: number) => number | null): Promise<void> {
    const next = moveRegistryRows(await this.loadRegistry(), sheet, moveRow);
    if (next) await this.writeRegistry(next);
  }

  private async mark(sheet: string, marks: readonly CellMark[]): Promise<void> {
    const plans = planMarks(marks);
    if (plans.length === 0) return;
    const registry = await this.loadRegistry();
    const known = new Set(registry.map((e) => registryKey(e.sheet, e.address)));
    const ws = this.sheet(sheet);
    const comments = this.notes ? null : await this.loadComments(ws);

    // Reads: the previous fill of cells marked for the first time, the note of every cell.
    const cells = new Map<string, Excel.Range>();
    const fills = new Map<string, Excel.RangeFill>();
    const notes = new Map<string, Excel.Note>();
    for (const p of plans) {
      await this.batch.reserve(MARK_READ_BYTES);
      const cell = ws.getRangeByIndexes(p.row - 1, p.col - 1, 1, 1);
      cells.set(p.address, cell);
      if (!known.has(registryKey(sheet, p.address))) {
        cell.format.fill.load("color,pattern,patternColor");
        fills.set(p.address, cell.format.fill);
      }
      if (this.notes) {
        const note = ws.notes.getItemOrNullObject(p.address);
        note.load("content");
        notes.set(p.address, note);
      }
    }
    await this.syncNow();

    const added: RegistryEntry[] = [];
    for (const p of plans) {
      const fill = fills.get(p.address);
      if (fill) {
        added.push({ sheet, address: p.address, previousFill: savedFillOf(fill) });
        known.add(registryKey(sheet, p.address));
      }
      const cell = cells.get(p.address) as Excel.Range;
      await this.batch.reserve(MARK_WRITE_BYTES + utf8Length(p.message) * 2);
      cell.format.fill.color = p.color;
      if (this.notes) this.writeNote(ws, cell, notes.get(p.address) as Excel.Note, p);
      else this.writeComment(cell, comments?.get(p.address), p);
    }
    if (added.length) await this.writeRegistry([...registry, ...added]);
  }

  private writeNote(ws: Excel.Worksheet, cell: Excel.Range, note: Excel.Note, p: CellMarkPlan): void {
    if (note.isNullObject) ws.notes.add(cell, composeNote(p.message, null));
    else note.content = composeNote(p.message, note.content);
  }

  /** A KJ comment is rewritten; a user's comment gets a KJ reply instead (nobody edits it). */
  private writeComment(cell: Excel.Range, found: LoadedComment | undefined, p: CellMarkPlan): void {
    const text = composeNote(p.message, null);
    if (!found) this.ctx.workbook.comments.add(cell, text);
    else if (isKjNote(found.comment.content)) found.comment.content = text;
    else {
      const reply = found.replies.find((r) => isKjNote(r.content));
      if (reply) reply.content = text;
      else found.comment.replies.add(text);
    }
  }

  private async clearMarks(sheet: string, rows?: readonly number[]): Promise<void> {
    const registry = await this.loadRegistry();
    const only = rows ? new Set(rows) : undefined;
    const mine = registry.filter((e) => entryToClear(e, sheet, only));
    if (mine.length === 0) return;
    const names = await this.loadSheetNames();
    const kept = registry.filter((e) => !entryToClear(e, sheet, only));
    if (!names.has(sheet)) return this.writeRegistry(kept);
    const ws = this.sheet(sheet);
    const comments = this.notes ? null : await this.loadComments(ws);
    const notes = new Map<string, Excel.Note>();
    if (this.notes) {
      for (const e of mine) {
        await this.batch.reserve(2 * OP_OVERHEAD_BYTES);
        const note = ws.notes.getItemOrNullObject(e.address);
        note.load("content");
        notes.set(e.address, note);
      }
      await this.syncNow();
    }
    for (const e of mine) {
      const at = parseAddress(e.address);
      if (!at) continue;
      await this.batch.reserve(MARK_WRITE_BYTES);
      const cell = ws.getRangeByIndexes(at.row - 1, at.col - 1, 1, 1);
      restoreFill(cell.format.fill, e.previousFill);
      if (this.notes) {
        const note = notes.get(e.address) as Excel.Note;
        if (note.isNullObject) continue;
        const next = noteAfterClear(note.content);
        if (next.action === "delete") note.delete();
        else if (next.action === "set") note.content = next.text;
      } else {
        const found = comments?.get(e.address);
        if (!found) continue;
        if (isKjNote(found.comment.content)) found.comment.delete();
        else for (const r of found.replies) if (isKjNote(r.content)) r.delete();
      }
    }
    await this.writeRegistry(kept);
  }

  // ---- copying formats and notes --------------------------------------------------------

  /**
   * One copyFrom(…, "Formats") per block (fill, number format, font, borders; ExcelApi 1.9). Notes
   * and comments are not formats: they are read once per sheet involved (two syncs) and written
   * only where the source or the target has one.
   */
  private async copyFormats(sheet: string, blocks: readonly FormatCopy[]): Promise<void> {
    if (blocks.length === 0) return;
    const target = this.sheet(sheet);
    for (const b of blocks) {
      await this.batch.reserve(OP_OVERHEAD_BYTES * 3);
      const source = this.sheet(b.from.sheet).getRangeByIndexes(b.from.row - 1, b.from.col - 1, b.from.rows, b.from.cols);
      target.getRangeByIndexes(b.row - 1, b.col - 1, b.from.rows, b.from.cols).copyFrom(source, "Formats");
    }
    const sheets = [...new Set([sheet, ...blocks.map((b) => b.from.sheet)])];
    if (this.notes) return this.copyNotes(sheet, blocks, await this.loadNotes(sheets));
    const comments = new Map<string, Map<string, LoadedComment>>();
    for (const s of sheets) comments.set(s, await this.loadComments(this.sheet(s)));
    return this.copyComments(sheet, blocks, comments);
  }

  private async copyNotes(sheet: string, blocks: readonly FormatCopy[], notes: Map<string, Map<string, Excel.Note>>): Promise<void> {
    const ws = this.sheet(sheet);
    const there = notes.get(sheet) ?? new Map<string, Excel.Note>();
    for (const { from, at, address } of blockCells(blocks)) {
      const source = notes.get(from.sheet)?.get(from.address);
      const target = there.get(address);
      if (source) {
        await this.batch.reserve(MARK_WRITE_BYTES + utf8Length(source.content));
        if (target) target.content = source.content;
        else ws.notes.add(ws.getRangeByIndexes(at.row - 1, at.col - 1, 1, 1), source.content);
      } else if (target) {
        await this.batch.reserve(OP_OVERHEAD_BYTES);
        target.delete();
      }
    }
  }

  /** A comment thread is copied as its text and its replies (a new thread on the target cell). */
  private async copyComments(sheet: string, blocks: readonly FormatCopy[], comments: Map<string, Map<string, LoadedComment>>): Promise<void> {
    const ws = this.sheet(sheet);
    const there = comments.get(sheet) ?? new Map<string, LoadedComment>();
    for (const { from, at, address } of blockCells(blocks)) {
      const source = comments.get(from.sheet)?.get(from.address);
      const target = there.get(address);
      if (!source && !target) continue;
      await this.batch.reserve(MARK_WRITE_BYTES + (source ? utf8Length(source.comment.content) + source.replies.reduce((n, r) => n + utf8Length(r.content), 0) : 0));
      if (target) target.comment.delete();
      if (!source) continue;
      const added = this.ctx.workbook.comments.add(ws.getRangeByIndexes(at.row - 1, at.col - 1, 1, 1), source.comment.content);
      for (const r of source.replies) added.replies.add(r.content);
    }
  }

  /** Every note of the given sheets by sheet and cell address (two syncs for all of them). */
  private async loadNotes(sheets: readonly string[]): Promise<Map<string, Map<string, Excel.Note>>> {
    const collections = sheets.map((name) => {
      const notes = this.sheet(name).notes;
      notes.load("items/content");
      return { name, notes };
    });
    await this.syncNow();
    const located = collections.flatMap(({ name, notes }) =>
      notes.items.map((note) => {
        const where = note.getLocation();
        where.load("address");
        return { name, note, where };
      }),
    );
    const out = new Map<string, Map<string, Excel.Note>>(sheets.map((name) => [name, new Map()]));
    if (located.length === 0) return out;
    await this.syncNow();
    for (const { name, note, where } of located) out.get(name)?.set(bareAddress(where.address), note);
    return out;
  }

  /** Every comment on a sheet by cell address, with its replies (two syncs). */
  private async loadComments(ws: Excel.Worksheet): Promise<Map<string, LoadedComment>> {
    const all = ws.comments;
    all.load("items/content");
    await this.syncNow();
    const located = all.items.map((comment) => {
      const where = comment.getLocation();
      where.load("address");
      comment.replies.load("items/content");
      return { comment, where };
    });
    await this.syncNow();
    const out = new Map<string, LoadedComment>();
    for (const { comment, where } of located) {
      out.set(bareAddress(where.address), { comment, replies: comment.replies.items });
    }
    return out;
  }
}

/** "企业培育库!$B$4" -> "B4" (the first cell of a range address). */
function bareAddress(address: string): string {
  return address.replace(/^.*!/, "").replace(/\$/g, "").split(":")[0].toUpperCase();
}

/** Each cell of the blocks: its source (sheet and address) and where it goes on the edit's sheet. */
function* blockCells(blocks: readonly FormatCopy[]): Generator<{ from: { sheet: string; address: string }; at: { row: number; col: number }; address: string }> {
  for (const b of blocks)
    for (let i = 0; i < b.from.rows; i++)
      for (let j = 0; j < b.from.cols; j++) {
        const at = { row: b.row + i, col: b.col + j };
        yield { from: { sheet: b.from.sheet, address: cellAddress(b.from.row + i, b.from.col + j) }, at, address: cellAddress(at.row, at.col) };
      }
}

interface LoadedComment {
  comment: Excel.Comment;
  replies: Excel.CommentReply[];
}

/** A loaded fill -> what the registry keeps. Excel reports no fill as pattern "None". */
function savedFillOf(fill: Excel.RangeFill): SavedFill {
  const pattern = fill.pattern as string | null | undefined;
  const color = normalizeColor(fill.color);
  if (pattern === "None" || !color) return { kind: "none" };
  if (pattern === "Solid" || pattern === undefined || pattern === null) return { kind: "solid", color };
  return { kind: "raw", json: { pattern, color, patternColor: normalizeColor(fill.patternColor) } };
}

/** Puts a saved fill back; an exceljs fill from the CLI gives its foreground colour. */
function restoreFill(fill: Excel.RangeFill, saved: SavedFill): void {
  if (saved.kind === "none") return fill.clear();
  if (saved.kind === "solid") {
    fill.color = saved.color;
    return;
  }
  const j = saved.json;
  if (typeof j.pattern === "string" && typeof j.type !== "string") {
    const color = normalizeColor(j.color as string);
    if (color) fill.color = color;
    fill.pattern = j.pattern as Excel.FillPattern;
    const pc = normalizeColor(j.patternColor as string);
    if (pc) fill.patternColor = pc;
    return;
  }
  const fg = (j.fgColor as { argb?: string } | undefined)?.argb;
  const color = normalizeColor(fg);
  if (j.type === "pattern" && j.pattern !== "none" && color) fill.color = color;
  else fill.clear();
}


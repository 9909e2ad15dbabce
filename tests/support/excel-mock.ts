/**
 * A counting fake of the Office.js Excel object model: the members src/host/excel.ts calls,
 * backed by a workbook state, recording every context.sync with the size of the request it
 * sends (queued writes, loads and object creations) and of the response (loaded data).
 *
 * Why not only office-addin-mock: that library serves fixed data and checks the load/sync
 * choreography, but it cannot make a write visible to a later read, delete or insert rows,
 * or measure a request. This fake models:
 * - deferred reads: a loaded property throws until a sync; isNullObject is known after a sync;
 * - requests: each queued action costs 100 bytes plus the UTF-8 JSON of its arguments; a sync
 *   whose request or response is over 5 MB fails like Excel on the web (…PayloadSizeLimitExceeded);
 * - Excel's typing rules for values: a string written into a cell that is not text-formatted
 *   ("@") and starts with = + - @ becomes a formula (or a number), exactly the injection the
 *   host must prevent; a formula written into a text cell stays text.
 * Writes are applied when queued (in order), which is what a sync would do with them.
 */
import { dayFromDate, excelSerialFromDay } from "../../src/dates";
import { jsonBytes } from "../../src/host/chunking";
import { MemorySheetInit } from "../../src/host/memory";
import { normalizeColor, parseAddress } from "../../src/host/marks";
import { cellAddress } from "../../src/text";

const COL_SPAN = 16_385;
const key = (row: number, col: number) => row * COL_SPAN + col;
export const PAYLOAD_LIMIT = 5_000_000;
const ACTION_BYTES = 100;

export interface FakeFill {
  color: string;
  pattern: string;
  patternColor: string | null;
}

export interface FakeCell {
  value: string | number | boolean;
  /** "Error" for an error value. */
  type?: "Error";
  formula?: string;
  numberFormat: string;
  fill: FakeFill | null;
  bold?: boolean;
}

export interface FakeComment {
  content: string;
  replies: string[];
}

export class FakeSheet {
  visibility = "Visible";
  cells = new Map<number, FakeCell>();
  notes = new Map<number, string>();
  comments = new Map<number, FakeComment>();
  widths = new Map<number, number>();
  dataBars: { address: string; color: string }[] = [];
  constructor(public name: string) {}

  cell(row: number, col: number): FakeCell {
    let c = this.cells.get(key(row, col));
    if (!c) {
      c = { value: "", numberFormat: "General", fill: null };
      this.cells.set(key(row, col), c);
    }
    return c;
  }

  peek(row: number, col: number): FakeCell | undefined {
    return this.cells.get(key(row, col));
  }

  usedRect(): { r0: number; c0: number; rows: number; cols: number } | null {
    let r1 = Infinity, c1 = Infinity, r2 = 0, c2 = 0;
    for (const [k, c] of this.cells) {
      if (c.value === "" && !c.formula) continue;
      const row = Math.floor(k / COL_SPAN);
      const col = k - row * COL_SPAN;
      r1 = Math.min(r1, row); r2 = Math.max(r2, row); c1 = Math.min(c1, col); c2 = Math.max(c2, col);
    }
    return r2 ? { r0: r1 - 1, c0: c1 - 1, rows: r2 - r1 + 1, cols: c2 - c1 + 1 } : null;
  }

  /** Rows at or below `from` move by `delta`; with delta < 0 the rows from..from-delta-1 go. */
  shiftRows(from: number, delta: number): void {
    const move = <T>(m: Map<number, T>) => {
      const out = new Map<number, T>();
      for (const [k, v] of m) {
        const row = Math.floor(k / COL_SPAN);
        if (row < from) out.set(k, v);
        else if (delta < 0 && row < from - delta) continue;
        else out.set(k + delta * COL_SPAN, v);
      }
      return out;
    };
    this.cells = move(this.cells);
    this.notes = move(this.notes);
    this.comments = move(this.comments);
  }
}

export interface SyncRecord {
  requestBytes: number;
  responseBytes: number;
  actions: number;
  /** The sync was refused (payload over 5 MB), as Excel on the web does. */
  refused?: boolean;
}

type PendingLoad = () => { bytes: number; commit: () => void };

function payloadError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, name: "RichApi.Error" });
}

export class FakeExcel {
  readonly sheets: FakeSheet[] = [];
  active: string | null = null;
  selection: { sheet: string; row: number; col: number } | null = null;
  readonly syncs: SyncRecord[] = [];
  /** Calculation types asked for with workbook.application.calculate. */
  readonly calculations: string[] = [];
  readonly notesSupported: boolean;
  private pendingBytes = 0;
  private pendingActions = 0;
  private pendingLoads: PendingLoad[] = [];
  private pendingResolves: (() => void)[] = [];
  readonly context: { workbook: FakeWorkbook; sync: () => Promise<void> };

  constructor(init: readonly MemorySheetInit[] = [], options: { notes?: boolean } = {}) {
    this.notesSupported = options.notes ?? true;
    for (const s of init) {
      const sheet = new FakeSheet(s.name);
      if (s.hidden) sheet.visibility = "Hidden";
      this.sheets.push(sheet);
      (s.values ?? []).forEach((row, i) =>
        row.forEach((v, j) => {
          if (v === null || v === undefined || v === "") return;
          const c = sheet.cell(i + 1, j + 1);
          if (v instanceof Date) {
            c.value = excelSerialFromDay(dayFromDate(v) as number);
            c.numberFormat = "yyyy-mm-dd";
          } else if (typeof v === "object") {
            c.value = v.error;
            c.type = "Error";
          } else c.value = v;
        }),
      );
      for (const f of s.formulas ?? []) sheet.cell(f.row, f.col).formula = f.formula;
      for (const f of s.fills ?? []) sheet.cell(f.row, f.col).fill = { color: normalizeColor(f.color) as string, pattern: "Solid", patternColor: null };
      for (const n of s.notes ?? []) {
        if (this.notesSupported) sheet.notes.set(key(n.row, n.col), n.text);
        else sheet.comments.set(key(n.row, n.col), { content: n.text, replies: [] });
      }
      for (const n of s.numberFormats ?? []) sheet.cell(n.row, n.col).numberFormat = n.format;
    }
    this.active = this.sheets[0]?.name ?? null;
    this.context = { workbook: new FakeWorkbook(this), sync: () => this.sync() };
  }

  /** Pass as ExcelHostOptions.run. */
  run = async <T>(batch: (ctx: Excel.RequestContext) => Promise<T>): Promise<T> => batch(this.context as unknown as Excel.RequestContext);

  action(argBytes = 0): void {
    this.pendingActions++;
    this.pendingBytes += ACTION_BYTES + argBytes;
  }
  queueLoad(load: PendingLoad): void {
    this.action(20);
    this.pendingLoads.push(load);
  }
  queueResolve(fn: () => void): void {
    this.pendingResolves.push(fn);
  }

  async sync(): Promise<void> {
    const requestBytes = this.pendingBytes;
    const actions = this.pendingActions;
    const loads = this.pendingLoads;
    const resolves = this.pendingResolves;
    this.pendingBytes = 0;
    this.pendingActions = 0;
    this.pendingLoads = [];
    this.pendingResolves = [];
    if (requestBytes > PAYLOAD_LIMIT) {
      this.syncs.push({ requestBytes, responseBytes: 0, actions, refused: true });
      throw payloadError("RequestPayloadSizeLimitExceeded", "The request payload size has exceeded the limit.");
    }
    const results = loads.map((l) => l());
    const responseBytes = results.reduce((n, r) => n + r.bytes, 0);
    if (responseBytes > PAYLOAD_LIMIT) {
      this.syncs.push({ requestBytes, responseBytes, actions, refused: true });
      throw payloadError("ResponsePayloadSizeLimitExceeded", "The response payload size has exceeded the limit.");
    }
    this.syncs.push({ requestBytes, responseBytes, actions });
    results.forEach((r) => r.commit());
    resolves.forEach((r) => r());
  }

  find(name: string): FakeSheet | undefined {
    return this.sheets.find((s) => s.name === name);
  }

  resetCounts(): void {
    this.syncs.length = 0;
  }

  // ---- inspection ----------------------------------------------------------------------
  value(sheet: string, row: number, col: number): string | number | boolean | { error: string } | null {
    const c = this.find(sheet)?.peek(row, col);
    if (!c || c.value === "") return null;
    return c.type === "Error" ? { error: String(c.value) } : c.value;
  }
}

/** Gate for properties that exist only after load + sync. */
class Loadable {
  protected loaded: Record<string, unknown> = {};
  protected nullResolved: boolean | undefined;
  constructor(protected readonly excel: FakeExcel) {}
  protected got<T>(prop: string): T {
    if (!(prop in this.loaded)) throw new Error(`PropertyNotLoaded: ${prop} (load it and sync first)`);
    return this.loaded[prop] as T;
  }
  get isNullObject(): boolean {
    if (this.nullResolved === undefined) throw new Error("PropertyNotLoaded: isNullObject (sync first)");
    return this.nullResolved;
  }
  protected resolveNull(isNull: () => boolean): void {
    this.excel.queueResolve(() => (this.nullResolved = isNull()));
  }
}

class FakeWorkbook {
  readonly worksheets: FakeWorksheetCollection;
  readonly comments: FakeWorkbookComments;
  /** application.calculate(type) records the calculation type asked for (a queued action). */
  readonly application: { calculate: (type: string) => void };
  constructor(private readonly excel: FakeExcel) {
    this.worksheets = new FakeWorksheetCollection(excel);
    this.comments = new FakeWorkbookComments(excel);
    this.application = {
      calculate: (type: string) => {
        excel.action(type.length);
        excel.calculations.push(type);
      },
    };
  }
}

class FakeWorksheetCollection extends Loadable {
  get items(): FakeWorksheet[] {
    return this.got<FakeWorksheet[]>("items");
  }
  load(_props: string): this {
    this.excel.queueLoad(() => {
      const items = this.excel.sheets.map((s) => new FakeWorksheet(this.excel, s.name, true));
      return { bytes: jsonBytes(items.map((i) => i.sheetName)), commit: () => (this.loaded.items = items) };
    });
    return this;
  }
  getItem(name: string): FakeWorksheet {
    this.excel.action(jsonBytes(name));
    if (!this.excel.find(name)) throw Object.assign(new Error(`ItemNotFound: worksheet ${name}`), { code: "ItemNotFound" });
    return new FakeWorksheet(this.excel, name, false);
  }
  getItemOrNullObject(name: string): FakeWorksheet {
    this.excel.action(jsonBytes(name));
    const ws = new FakeWorksheet(this.excel, name, false);
    ws.watchNull();
    return ws;
  }
  getActiveWorksheet(): FakeWorksheet {
    this.excel.action();
    return new FakeWorksheet(this.excel, this.excel.active ?? "", false);
  }
  add(name: string): FakeWorksheet {
    this.excel.action(jsonBytes(name));
    if (this.excel.find(name)) throw Object.assign(new Error(`ItemAlreadyExists: ${name}`), { code: "ItemAlreadyExists" });
    this.excel.sheets.push(new FakeSheet(name));
    return new FakeWorksheet(this.excel, name, false);
  }
}

class FakeWorksheet extends Loadable {
  constructor(excel: FakeExcel, readonly sheetName: string, nameLoaded: boolean) {
    super(excel);
    if (nameLoaded) this.loaded.name = sheetName;
  }
  watchNull(): void {
    this.resolveNull(() => !this.excel.find(this.sheetName));
  }
  private state(): FakeSheet {
    const s = this.excel.find(this.sheetName);
    if (!s) throw Object.assign(new Error(`ItemNotFound: worksheet ${this.sheetName}`), { code: "ItemNotFound" });
    return s;
  }
  get name(): string {
    return this.got<string>("name");
  }
  load(props: string): this {
    this.excel.queueLoad(() => ({ bytes: jsonBytes(props) + jsonBytes(this.sheetName), commit: () => (this.loaded.name = this.sheetName) }));
    return this;
  }
  set visibility(v: string) {
    this.excel.action(jsonBytes(v));
    this.state().visibility = v;
  }
  activate(): void {
    this.excel.action();
    this.excel.active = this.sheetName;
  }
  getRangeByIndexes(r0: number, c0: number, rows: number, cols: number): FakeRange {
    this.excel.action(16);
    return new FakeRange(this.excel, this.sheetName, r0, c0, rows, cols);
  }
  getRange(address: string): FakeRange {
    this.excel.action(jsonBytes(address));
    const rows = /^(\d+):(\d+)$/.exec(address);
    if (rows) return new FakeRange(this.excel, this.sheetName, Number(rows[1]) - 1, 0, Number(rows[2]) - Number(rows[1]) + 1, 16384, true);
    const [a, b] = address.split(":");
    const p = parseAddress(a);
    const q = parseAddress(b ?? a);
    if (!p || !q) throw new Error(`InvalidArgument: ${address}`);
    return new FakeRange(this.excel, this.sheetName, p.row - 1, p.col - 1, q.row - p.row + 1, q.col - p.col + 1);
  }
  getUsedRangeOrNullObject(_valuesOnly?: boolean): FakeRange {
    this.excel.action(4);
    const rect = this.excel.find(this.sheetName)?.usedRect() ?? null;
    const r = rect ? new FakeRange(this.excel, this.sheetName, rect.r0, rect.c0, rect.rows, rect.cols) : new FakeRange(this.excel, this.sheetName, 0, 0, 0, 0);
    r.markNull(rect === null);
    return r;
  }
  get notes(): FakeNoteCollection {
    if (!this.excel.notesSupported) throw Object.assign(new Error("ApiNotFound: worksheet.notes needs ExcelApi 1.18"), { code: "ApiNotFound" });
    return new FakeNoteCollection(this.excel, this.sheetName);
  }
  get comments(): FakeCommentCollection {
    return new FakeCommentCollection(this.excel, this.sheetName);
  }
}

/** What a string typed into a General cell becomes in Excel. */
function typedValue(s: string): { value: string | number; formula?: string } {
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s.trim())) return { value: Number(s) };
  if (/^[=+\-@]/.test(s)) return { value: "", formula: s.startsWith("=") ? s : "=" + s };
  return { value: s };
}

class FakeRange extends Loadable {
  readonly format: { fill: FakeRangeFill; font: { bold: boolean }; columnWidth: number };
  readonly conditionalFormats: { add: (type: string) => { dataBar: { positiveFormat: { fillColor: string } } } };
  constructor(
    excel: FakeExcel,
    private readonly sheetName: string,
    readonly r0: number,
    readonly c0: number,
    readonly rowCountValue: number,
    readonly colCountValue: number,
    private readonly entireRows = false,
  ) {
    super(excel);
    const setBold = (b: boolean) => this.each((c) => (c.bold = b));
    const setWidth = (w: number) => {
      for (let j = 0; j < this.colCountValue; j++) this.sheet().widths.set(this.c0 + j + 1, w);
    };
    this.format = {
      fill: new FakeRangeFill(excel, this),
      font: {
        set bold(b: boolean) {
          excel.action(8);
          setBold(b);
        },
        get bold(): boolean {
          throw new Error("PropertyNotLoaded: bold");
        },
      },
      set columnWidth(w: number) {
        excel.action(8);
        setWidth(w);
      },
      get columnWidth(): number {
        throw new Error("PropertyNotLoaded: columnWidth");
      },
    };
    this.conditionalFormats = {
      add: (type: string) => {
        excel.action(jsonBytes(type));
        const bar = { address: this.addressText(), color: "" };
        this.sheet().dataBars.push(bar);
        return {
          dataBar: {
            positiveFormat: {
              set fillColor(c: string) {
                excel.action(jsonBytes(c));
                bar.color = c;
              },
              get fillColor(): string {
                return bar.color;
              },
            },
          },
        };
      },
    };
  }
  markNull(isNull: boolean): void {
    this.resolveNull(() => isNull);
  }
  sheet(): FakeSheet {
    const s = this.excel.find(this.sheetName);
    if (!s) throw Object.assign(new Error(`ItemNotFound: worksheet ${this.sheetName}`), { code: "ItemNotFound" });
    return s;
  }
  /** Each cell of the range (created when missing), with its 0-based offsets. */
  each(fn: (c: FakeCell, i: number, j: number) => void): void {
    const s = this.sheet();
    for (let i = 0; i < this.rowCountValue; i++) for (let j = 0; j < this.colCountValue; j++) fn(s.cell(this.r0 + i + 1, this.c0 + j + 1), i, j);
  }
  private checkShape(grid: unknown[][], what: string): void {
    if (!Array.isArray(grid) || grid.length !== this.rowCountValue || grid.some((r) => !Array.isArray(r) || r.length !== this.colCountValue)) {
      throw Object.assign(new Error(`InvalidArgument: ${what} is not ${this.rowCountValue}x${this.colCountValue}`), { code: "InvalidArgument" });
    }
  }
  addressText(): string {
    const first = cellAddress(this.r0 + 1, this.c0 + 1);
    const last = cellAddress(this.r0 + this.rowCountValue, this.c0 + this.colCountValue);
    return `${this.sheetName}!${first === last ? first : `${first}:${last}`}`;
  }

  set values(grid: (string | number | boolean | null)[][]) {
    this.checkShape(grid, "values");
    this.excel.action(jsonBytes(grid));
    this.each((c, i, j) => {
      const v = grid[i][j];
      if (v === null) return;
      delete c.formula;
      delete c.type;
      if (typeof v !== "string") c.value = v;
      else if (v === "" || c.numberFormat === "@") c.value = v;
      else {
        const t = typedValue(v);
        c.value = t.value;
        if (t.formula) c.formula = t.formula;
      }
    });
  }
  get values(): unknown[][] {
    return this.got("values");
  }
  set formulas(grid: (string | null)[][]) {
    this.checkShape(grid, "formulas");
    this.excel.action(jsonBytes(grid));
    this.each((c, i, j) => {
      const f = grid[i][j];
      if (f === null) return;
      delete c.type;
      if (c.numberFormat === "@" || !f.startsWith("=")) {
        delete c.formula;
        c.value = f;
        return;
      }
      c.formula = f;
      const literal = /^=(#[A-Z/0!?]+[!?A]?)$/.exec(f);
      c.value = literal ? literal[1] : "";
      if (literal) c.type = "Error";
    });
  }
  get formulas(): unknown[][] {
    return this.got("formulas");
  }
  set numberFormat(grid: (string | null)[][]) {
    this.checkShape(grid, "numberFormat");
    this.excel.action(jsonBytes(grid));
    this.each((c, i, j) => {
      const f = grid[i][j];
      if (f !== null) c.numberFormat = f === "" ? "General" : f;
    });
  }
  get numberFormat(): unknown[][] {
    return this.got("numberFormat");
  }
  get valueTypes(): unknown[][] {
    return this.got("valueTypes");
  }
  get address(): string {
    return this.got("address");
  }
  get rowIndex(): number {
    return this.got("rowIndex");
  }
  get columnIndex(): number {
    return this.got("columnIndex");
  }
  get rowCount(): number {
    return this.got("rowCount");
  }
  get columnCount(): number {
    return this.got("columnCount");
  }

  load(props: string): this {
    const wanted = props.split(",").map((p) => p.trim());
    this.excel.queueLoad(() => {
      const data: Record<string, unknown> = {};
      const s = this.excel.find(this.sheetName);
      const grid = (fn: (c: FakeCell | undefined) => unknown) =>
        Array.from({ length: this.rowCountValue }, (_, i) => Array.from({ length: this.colCountValue }, (_, j) => fn(s?.peek(this.r0 + i + 1, this.c0 + j + 1))));
      for (const p of wanted) {
        if (p === "values") data.values = grid((c) => (c ? c.value : ""));
        else if (p === "formulas") data.formulas = grid((c) => (c ? (c.formula ?? c.value) : ""));
        else if (p === "valueTypes")
          data.valueTypes = grid((c) => (!c || c.value === "" ? "Empty" : c.type === "Error" ? "Error" : typeof c.value === "number" ? "Double" : typeof c.value === "boolean" ? "Boolean" : "String"));
        else if (p === "numberFormat") data.numberFormat = grid((c) => (c ? c.numberFormat : "General"));
        else if (p === "address") data.address = this.addressText();
        else if (p === "rowIndex") data.rowIndex = this.r0;
        else if (p === "columnIndex") data.columnIndex = this.c0;
        else if (p === "rowCount") data.rowCount = this.rowCountValue;
        else if (p === "columnCount") data.columnCount = this.colCountValue;
        else throw new Error(`fake: cannot load ${p}`);
      }
      return { bytes: jsonBytes(data), commit: () => Object.assign(this.loaded, data) };
    });
    return this;
  }

  clear(applyTo: string): void {
    this.excel.action(jsonBytes(applyTo));
    if (applyTo !== "Contents") throw new Error(`fake: clear(${applyTo}) not modelled`);
    this.each((c) => {
      c.value = "";
      delete c.formula;
      delete c.type;
    });
  }
  delete(shift: string): void {
    this.excel.action(jsonBytes(shift));
    if (!this.entireRows || shift !== "Up") throw new Error("fake: only whole-row delete(Up) is modelled");
    this.sheet().shiftRows(this.r0 + 1, -this.rowCountValue);
  }
  insert(shift: string): FakeRange {
    this.excel.action(jsonBytes(shift));
    if (!this.entireRows || shift !== "Down") throw new Error("fake: only whole-row insert(Down) is modelled");
    this.sheet().shiftRows(this.r0 + 1, this.rowCountValue);
    return this;
  }
  /**
   * copyFrom(source, "Formats") (ExcelApi 1.9): number format, fill and font go cell for cell;
   * values, formulas, notes and comments stay. Other copy types are not modelled.
   */
  copyFrom(source: FakeRange | string, copyType: string = "All"): void {
    this.excel.action(jsonBytes(copyType) + (typeof source === "string" ? jsonBytes(source) : 16));
    if (typeof source === "string" || copyType !== "Formats") throw new Error(`fake: copyFrom(${typeof source === "string" ? source : "range"}, ${copyType}) not modelled`);
    if (source.rowCountValue !== this.rowCountValue || source.colCountValue !== this.colCountValue) throw new Error("fake: copyFrom is modelled for same-sized ranges only");
    const from = source.sheet();
    const picked: Pick<FakeCell, "numberFormat" | "fill" | "bold">[][] = Array.from({ length: this.rowCountValue }, (_, i) =>
      Array.from({ length: this.colCountValue }, (_, j) => {
        const c = from.peek(source.r0 + i + 1, source.c0 + j + 1);
        return { numberFormat: c?.numberFormat ?? "General", fill: c?.fill ? { ...c.fill } : null, bold: c?.bold };
      }),
    );
    this.each((c, i, j) => {
      const p = picked[i][j];
      c.numberFormat = p.numberFormat;
      c.fill = p.fill;
      if (p.bold) c.bold = true;
      else delete c.bold;
    });
  }
  select(): void {
    this.excel.action();
    this.excel.selection = { sheet: this.sheetName, row: this.r0 + 1, col: this.c0 + 1 };
  }
  getIntersectionOrNullObject(other: FakeRange): FakeRange {
    this.excel.action(16);
    const r0 = Math.max(this.r0, other.r0);
    const c0 = Math.max(this.c0, other.c0);
    const r1 = Math.min(this.r0 + this.rowCountValue, other.r0 + other.rowCountValue);
    const c1 = Math.min(this.c0 + this.colCountValue, other.c0 + other.colCountValue);
    const empty = r1 <= r0 || c1 <= c0 || this.rowCountValue === 0;
    const r = new FakeRange(this.excel, this.sheetName, r0, c0, empty ? 0 : r1 - r0, empty ? 0 : c1 - c0);
    r.markNull(empty);
    return r;
  }
  /** The single cell this range is (for notes and comments). */
  cellKey(): number {
    return key(this.r0 + 1, this.c0 + 1);
  }
  get sheetNameOf(): string {
    return this.sheetName;
  }
}

class FakeRangeFill extends Loadable {
  constructor(excel: FakeExcel, private readonly range: FakeRange) {
    super(excel);
  }
  set color(c: string) {
    this.excel.action(jsonBytes(c));
    const color = normalizeColor(c);
    if (!color) throw new Error(`InvalidArgument: color ${c}`);
    this.range.each((cell) => (cell.fill = { color, pattern: cell.fill && cell.fill.pattern !== "None" ? cell.fill.pattern : "Solid", patternColor: cell.fill?.patternColor ?? null }));
  }
  get color(): string {
    return this.got("color");
  }
  set pattern(p: string) {
    this.excel.action(jsonBytes(p));
    this.range.each((cell) => (cell.fill = { color: cell.fill?.color ?? "#FFFFFF", pattern: p, patternColor: cell.fill?.patternColor ?? null }));
  }
  get pattern(): string {
    return this.got("pattern");
  }
  set patternColor(c: string) {
    this.excel.action(jsonBytes(c));
    this.range.each((cell) => (cell.fill = { color: cell.fill?.color ?? "#FFFFFF", pattern: cell.fill?.pattern ?? "Solid", patternColor: normalizeColor(c) }));
  }
  get patternColor(): string {
    return this.got("patternColor");
  }
  clear(): void {
    this.excel.action();
    this.range.each((cell) => (cell.fill = null));
  }
  load(_props: string): this {
    this.excel.queueLoad(() => {
      const fills: (FakeFill | null)[] = [];
      this.range.each((c) => fills.push(c.fill));
      const first = fills[0];
      const same = fills.every((f) => JSON.stringify(f) === JSON.stringify(first));
      const data = {
        color: !same ? null : first ? first.color : "#FFFFFF",
        pattern: !same ? null : first ? first.pattern : "None",
        patternColor: !same ? null : (first?.patternColor ?? null),
      };
      return { bytes: jsonBytes(data), commit: () => Object.assign(this.loaded, data) };
    });
    return this;
  }
}

function cellKeyOf(excel: FakeExcel, sheetName: string, where: FakeRange | string): number {
  if (typeof where !== "string") return where.cellKey();
  const p = parseAddress(where.replace(/^.*!/, ""));
  if (!p) throw new Error(`InvalidArgument: ${where}`);
  void excel;
  void sheetName;
  return key(p.row, p.col);
}

class FakeNoteCollection extends Loadable {
  constructor(excel: FakeExcel, private readonly sheetName: string) {
    super(excel);
  }
  get items(): FakeNote[] {
    return this.got("items");
  }
  /** load("items/content"): every note of the sheet, content loaded. */
  load(_props: string): this {
    this.excel.queueLoad(() => {
      const s = this.excel.find(this.sheetName) as FakeSheet;
      const entries = [...s.notes.entries()];
      return {
        bytes: jsonBytes(entries.map(([, t]) => t)),
        commit: () => (this.loaded.items = entries.map(([k, t]) => new FakeNote(this.excel, this.sheetName, k, t))),
      };
    });
    return this;
  }
  getItemOrNullObject(address: string): FakeNote {
    this.excel.action(jsonBytes(address));
    return new FakeNote(this.excel, this.sheetName, cellKeyOf(this.excel, this.sheetName, address));
  }
  add(where: FakeRange | string, content: string): FakeNote {
    this.excel.action(jsonBytes(content) + 16);
    const k = cellKeyOf(this.excel, this.sheetName, where);
    const s = this.excel.find(this.sheetName) as FakeSheet;
    if (s.notes.has(k)) throw Object.assign(new Error("InvalidArgument: the cell already has a note"), { code: "InvalidArgument" });
    s.notes.set(k, content);
    return new FakeNote(this.excel, this.sheetName, k);
  }
}

class FakeNote extends Loadable {
  constructor(excel: FakeExcel, private readonly sheetName: string, private readonly k: number, loadedContent?: string) {
    super(excel);
    if (loadedContent === undefined) this.resolveNull(() => !this.sheet().notes.has(this.k));
    else {
      this.loaded.content = loadedContent;
      this.nullResolved = false;
    }
  }
  getLocation(): FakeRange {
    this.excel.action();
    const row = Math.floor(this.k / COL_SPAN);
    return new FakeRange(this.excel, this.sheetName, row - 1, this.k - row * COL_SPAN - 1, 1, 1);
  }
  private sheet(): FakeSheet {
    return this.excel.find(this.sheetName) as FakeSheet;
  }
  load(_props: string): this {
    this.excel.queueLoad(() => {
      const content = this.sheet().notes.get(this.k);
      return { bytes: jsonBytes(content ?? null), commit: () => content !== undefined && (this.loaded.content = content) };
    });
    return this;
  }
  get content(): string {
    return this.got("content");
  }
  set content(text: string) {
    this.excel.action(jsonBytes(text));
    if (!this.sheet().notes.has(this.k)) throw new Error("ItemNotFound: note");
    this.sheet().notes.set(this.k, text);
  }
  delete(): void {
    this.excel.action();
    this.sheet().notes.delete(this.k);
  }
}

class FakeWorkbookComments {
  constructor(private readonly excel: FakeExcel) {}
  add(where: FakeRange, content: string): FakeCommentProxy {
    this.excel.action(jsonBytes(content) + 16);
    const s = where.sheet();
    if (s.comments.has(where.cellKey())) throw Object.assign(new Error("InvalidArgument: the cell already has a comment"), { code: "InvalidArgument" });
    const state = { content, replies: [] };
    s.comments.set(where.cellKey(), state);
    return new FakeCommentProxy(this.excel, where.sheetNameOf, where.cellKey(), state);
  }
}

class FakeCommentCollection extends Loadable {
  constructor(excel: FakeExcel, private readonly sheetName: string) {
    super(excel);
  }
  get items(): FakeCommentProxy[] {
    return this.got("items");
  }
  load(_props: string): this {
    this.excel.queueLoad(() => {
      const s = this.excel.find(this.sheetName) as FakeSheet;
      const items = [...s.comments.entries()].map(([k, c]) => new FakeCommentProxy(this.excel, this.sheetName, k, c));
      return { bytes: jsonBytes(items.map((i) => i.state.content)), commit: () => (this.loaded.items = items) };
    });
    return this;
  }
}

class FakeCommentProxy {
  readonly replies: { load: (p: string) => void; items: { content: string; delete: () => void }[]; add: (text: string) => void };
  constructor(private readonly excel: FakeExcel, private readonly sheetName: string, private readonly k: number, readonly state: FakeComment) {
    const replyItems: { content: string; delete: () => void }[] = [];
    let loaded = false;
    this.replies = {
      load: () => {
        excel.queueLoad(() => ({
          bytes: jsonBytes(state.replies),
          commit: () => {
            loaded = true;
            replyItems.length = 0;
            state.replies.forEach((text) => {
              const item = {
                content: text,
                delete: () => {
                  excel.action();
                  const at = state.replies.indexOf(item.content);
                  if (at >= 0) state.replies.splice(at, 1);
                },
              };
              replyItems.push(item);
            });
          },
        }));
      },
      get items() {
        if (!loaded) throw new Error("PropertyNotLoaded: replies");
        return replyItems;
      },
      add: (text: string) => {
        excel.action(jsonBytes(text));
        state.replies.push(text);
      },
    };
  }
  get content(): string {
    return this.state.content;
  }
  set content(text: string) {
    this.excel.action(jsonBytes(text));
    this.state.content = text;
  }
  delete(): void {
    this.excel.action();
    (this.excel.find(this.sheetName) as FakeSheet).comments.delete(this.k);
  }
  getLocation(): FakeRange {
    this.excel.action();
    const row = Math.floor(this.k / COL_SPAN);
    return new FakeRange(this.excel, this.sheetName, row - 1, this.k - row * COL_SPAN - 1, 1, 1);
  }
}

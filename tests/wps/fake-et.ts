/**
 * A fake of the WPS 表格 (ET) object model, built from the WPS jsapi typings and the behaviour
 * notes (docs/wps.md): it is NOT a real WPS, and every behaviour here is a modelled assumption.
 *
 * Modelled:
 * - collections are 1-based; Item(i) and Item(name); a missing item throws;
 * - Range.Value2 is a scalar for one cell (undefined when blank) and a 2-D array otherwise;
 *   errors come back as CVErr codes (#N/A = -2146826246); dates are serial numbers;
 * - assigning a string through Value2/Formula parses it like typing unless the cell's
 *   NumberFormat is "@": "=..." (and "+", "-", "@" leads) becomes a formula, "123" a number;
 * - a formula put into a "@" cell stays text (as in Excel/WPS);
 * - Interior.Color is a BGR integer; no fill reads ColorIndex/Pattern -4142 and Color 16777215;
 * - one comment per cell: AddComment on a commented cell throws; Comment.Text() is a method;
 * - Range.Select() throws unless its sheet is active; Sheets.Add activates the new sheet;
 * - sheet names: unique (case-insensitive), at most 31 characters, none of : \ / ? * [ ];
 * - UsedRange covers every cell with content or formatting, A1 for an empty sheet;
 * - Range.Copy() puts the range on the clipboard (Application.CutCopyMode becomes xlCopy = 1);
 *   Range.PasteSpecial(xlPasteFormats) gives the target the copied number formats, fills and bold,
 *   PasteSpecial(xlPasteComments) the copied comments (cells whose source has none keep theirs);
 *   the paste covers the copied size from the target's top-left cell; nothing copied -> it throws;
 *   CutCopyMode = False empties the clipboard. Copy(Destination) and other paste types are not modelled;
 * - members that are properties in one mode are zero-argument methods in the other
 *   ("method" mode), while assignment still works (as through a COM dispatch proxy).
 */

export type MemberMode = "property" | "method";

export interface FakeEtOptions {
  mode?: MemberMode;
  /** Multi-cell Value2/Formula assignments throw (to exercise the per-cell fallback). */
  failBlockWrites?: boolean;
}

export const XL_NONE = -4142;
const WHITE_BGR = 16777215;
const MAX_ROWS = 1048576;
const MAX_COLS = 16384;

/** An error value in a cell (what a formula such as =NA() leaves). */
export interface FakeError {
  error: string;
}

const CVERR: Record<string, number> = {
  "#NULL!": -2146826288,
  "#DIV/0!": -2146826281,
  "#VALUE!": -2146826273,
  "#REF!": -2146826265,
  "#NAME?": -2146826259,
  "#NUM!": -2146826252,
  "#N/A": -2146826246,
};

export type FakeValue = string | number | boolean | null | FakeError;

export interface FakeCell {
  value: FakeValue;
  formula: string | null;
  numberFormat: string;
  /** BGR integer, or null for no fill. */
  fill: number | null;
  comment: string | null;
  bold: boolean;
}

function blankCell(): FakeCell {
  return { value: null, formula: null, numberFormat: "General", fill: null, comment: null, bold: false };
}

function isBlankCell(c: FakeCell): boolean {
  return c.value === null && c.formula === null && c.numberFormat === "General" && c.fill === null && c.comment === null && !c.bold;
}

function colNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

function colLetters(col: number): string {
  let n = col;
  let s = "";
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** Defines a member as a property, or (method mode) as a zero-argument method; assignment works in both. */
function member(obj: object, mode: MemberMode, name: string, get: () => unknown, set?: (v: unknown) => void): void {
  Object.defineProperty(obj, name, {
    configurable: true,
    enumerable: true,
    get: mode === "property" ? get : () => () => get(),
    set: set ?? (() => {
      throw new Error(`${name} 是只读属性`);
    }),
  });
}

export interface CallLog {
  value2Reads: number;
  formulaReads: number;
  blockWrites: number;
  cellWrites: number;
  /** Range.Copy and Range.PasteSpecial calls. */
  copies: number;
  pastes: number;
  screenUpdating: boolean[];
}

export const XL_PASTE_FORMATS = -4122;
export const XL_PASTE_COMMENTS = -4144;
const XL_COPY = 1;

/** What Range.Copy() put on the clipboard: the cells as they were, row by row. */
interface Clipboard {
  cells: FakeCell[][];
}

export class FakeApplication {
  readonly mode: MemberMode;
  readonly options: FakeEtOptions;
  readonly workbook: FakeWorkbook;
  readonly log: CallLog = { value2Reads: 0, formulaReads: 0, blockWrites: 0, cellWrites: 0, copies: 0, pastes: 0, screenUpdating: [] };
  private screen = true;
  clipboard: Clipboard | null = null;
  /** Value of ScreenUpdating at each Value2/Formula write (to prove it was off). */
  readonly screenDuringWrites: boolean[] = [];

  constructor(options: FakeEtOptions = {}) {
    this.options = options;
    this.mode = options.mode ?? "property";
    this.workbook = new FakeWorkbook(this);
    member(this, this.mode, "ActiveWorkbook", () => this.workbook);
    member(this, this.mode, "ActiveSheet", () => this.workbook.active);
    member(this, this.mode, "Worksheets", () => this.workbook.sheets);
    member(this, this.mode, "Sheets", () => this.workbook.sheets);
    member(
      this,
      this.mode,
      "ScreenUpdating",
      () => this.screen,
      (v) => {
        this.screen = Boolean(v);
        this.log.screenUpdating.push(this.screen);
      },
    );
    member(
      this,
      this.mode,
      "CutCopyMode",
      () => (this.clipboard ? XL_COPY : false),
      (v) => {
        if (v === false || v === 0) this.clipboard = null;
      },
    );
  }

  get screenUpdatingNow(): boolean {
    return this.screen;
  }

  noteWrite(): void {
    this.screenDuringWrites.push(this.screen);
  }

  /** Test helper: the sheet by name. */
  sheet(name: string): FakeWorksheet {
    const s = this.workbook.list.find((w) => w.name === name);
    if (!s) throw new Error(`no sheet ${name}`);
    return s;
  }
}

export class FakeWorkbook {
  readonly list: FakeWorksheet[] = [];
  readonly sheets: FakeSheets;
  active: FakeWorksheet | null = null;

  constructor(readonly app: FakeApplication) {
    this.sheets = new FakeSheets(this);
    member(this, app.mode, "Worksheets", () => this.sheets);
    member(this, app.mode, "Sheets", () => this.sheets);
    member(this, app.mode, "Name", () => "台账.xlsx");
  }

  /** Test helper: adds a sheet with values (row 1 = first array). */
  addSheet(name: string, values: FakeValue[][] = [], at = { row: 1, col: 1 }): FakeWorksheet {
    const ws = new FakeWorksheet(this, name);
    this.list.push(ws);
    if (!this.active) this.active = ws;
    values.forEach((r, i) =>
      r.forEach((v, j) => {
        if (v !== null) ws.cell(at.row + i, at.col + j).value = v;
      }),
    );
    return ws;
  }
}

export class FakeSheets {
  constructor(private readonly wb: FakeWorkbook) {
    member(this, wb.app.mode, "Count", () => wb.list.length);
  }

  Item(key: number | string): FakeWorksheet {
    if (typeof key === "number") {
      const ws = this.wb.list[key - 1];
      if (!ws) throw new Error(`下标越界：工作表 ${key}`);
      return ws;
    }
    const ws = this.wb.list.find((w) => w.name.toLowerCase() === String(key).toLowerCase());
    if (!ws) throw new Error(`下标越界：工作表“${key}”`);
    return ws;
  }

  /** Sheets.Add(Before, After, Count, Type): the new sheet becomes active. */
  Add(before?: FakeWorksheet, after?: FakeWorksheet): FakeWorksheet {
    let n = this.wb.list.length + 1;
    while (this.wb.list.some((w) => w.name.toLowerCase() === `sheet${n}`)) n++;
    const ws = new FakeWorksheet(this.wb, `Sheet${n}`);
    let index = this.wb.list.indexOf(this.wb.active as FakeWorksheet);
    if (before) index = this.wb.list.indexOf(before);
    else if (after) index = this.wb.list.indexOf(after) + 1;
    if (index < 0) index = this.wb.list.length;
    this.wb.list.splice(index, 0, ws);
    this.wb.active = ws;
    return ws;
  }
}

export class FakeWorksheet {
  private sheetName: string;
  visible = -1;
  readonly cells = new Map<string, FakeCell>();
  readonly columnWidths = new Map<number, number>();
  readonly dataBars: { address: string; color: number }[] = [];
  selection: { row: number; col: number } | null = null;

  constructor(
    readonly workbook: FakeWorkbook,
    name: string,
  ) {
    this.sheetName = name;
    const mode = workbook.app.mode;
    member(
      this,
      mode,
      "Name",
      () => this.sheetName,
      (v) => this.rename(String(v)),
    );
    member(
      this,
      mode,
      "Visible",
      () => this.visible,
      (v) => {
        this.visible = v === true ? -1 : v === false ? 0 : Number(v);
      },
    );
    member(this, mode, "UsedRange", () => this.usedRange());
    member(this, mode, "Cells", () => new FakeRange(this, 1, 1, MAX_ROWS, MAX_COLS));
  }

  get name(): string {
    return this.sheetName;
  }

  private rename(name: string): void {
    if (name.length === 0 || name.length > 31) throw new Error("工作表名称长度必须为 1 到 31 个字符");
    if (/[:\\/?*[\]]/.test(name)) throw new Error("工作表名称不能包含 : \\ / ? * [ ]");
    if (this.workbook.list.some((w) => w !== this && w.name.toLowerCase() === name.toLowerCase())) {
      throw new Error("工作表名称已被占用");
    }
    this.sheetName = name;
  }

  cell(row: number, col: number): FakeCell {
    const key = `${row},${col}`;
    let c = this.cells.get(key);
    if (!c) {
      c = blankCell();
      this.cells.set(key, c);
    }
    return c;
  }

  peek(row: number, col: number): FakeCell {
    return this.cells.get(`${row},${col}`) ?? blankCell();
  }

  /** Bounding box of non-blank cells; A1 when the sheet is empty. */
  usedBounds(): { r1: number; c1: number; r2: number; c2: number } {
    let r1 = Infinity;
    let c1 = Infinity;
    let r2 = 0;
    let c2 = 0;
    for (const [key, c] of this.cells) {
      if (isBlankCell(c)) continue;
      const [r, col] = key.split(",").map(Number);
      r1 = Math.min(r1, r);
      c1 = Math.min(c1, col);
      r2 = Math.max(r2, r);
      c2 = Math.max(c2, col);
    }
    return r2 === 0 ? { r1: 1, c1: 1, r2: 1, c2: 1 } : { r1, c1, r2, c2 };
  }

  usedRange(): FakeRange {
    const b = this.usedBounds();
    return new FakeRange(this, b.r1, b.c1, b.r2, b.c2);
  }

  Range(address: string): FakeRange {
    const m = /^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$/i.exec(address.trim());
    if (!m) throw new Error(`无效的单元格地址：${address}`);
    const r1 = Number(m[2]);
    const c1 = colNumber(m[1]);
    const r2 = m[4] ? Number(m[4]) : r1;
    const c2 = m[3] ? colNumber(m[3]) : c1;
    return new FakeRange(this, Math.min(r1, r2), Math.min(c1, c2), Math.max(r1, r2), Math.max(c1, c2));
  }

  Activate(): void {
    this.workbook.active = this;
  }

  /** Deletes rows r1..r2, shifting everything below up. */
  deleteRows(r1: number, r2: number): void {
    const n = r2 - r1 + 1;
    const moved = new Map<string, FakeCell>();
    for (const [key, c] of this.cells) {
      const [r, col] = key.split(",").map(Number);
      if (r < r1) moved.set(key, c);
      else if (r > r2) moved.set(`${r - n},${col}`, c);
    }
    this.cells.clear();
    for (const [k, c] of moved) this.cells.set(k, c);
  }

  /** Inserts n rows before r1; the new rows take the format of the row above, as in Excel. */
  insertRows(r1: number, n: number): void {
    const moved = new Map<string, FakeCell>();
    for (const [key, c] of this.cells) {
      const [r, col] = key.split(",").map(Number);
      moved.set(r >= r1 ? `${r + n},${col}` : key, c);
    }
    this.cells.clear();
    for (const [k, c] of moved) this.cells.set(k, c);
    if (r1 > 1) {
      for (const [key, c] of [...this.cells]) {
        const [r, col] = key.split(",").map(Number);
        if (r !== r1 - 1) continue;
        for (let i = 0; i < n; i++) {
          const copy = { ...blankCell(), numberFormat: c.numberFormat, fill: c.fill, bold: c.bold };
          if (!isBlankCell(copy)) this.cells.set(`${r1 + i},${col}`, copy);
        }
      }
    }
  }
}

class FakeComment {
  constructor(
    private readonly sheet: FakeWorksheet,
    private readonly row: number,
    private readonly col: number,
  ) {}

  /** Comment.Text is a method in the object model: Text() reads, Text(s) replaces. */
  Text(text?: string): string {
    const c = this.sheet.cell(this.row, this.col);
    if (text !== undefined) c.comment = text;
    return c.comment ?? "";
  }

  Delete(): void {
    this.sheet.cell(this.row, this.col).comment = null;
  }
}

/** Parses a string the way typing it into a cell would. */
function typed(c: FakeCell, s: string): void {
  if (c.numberFormat === "@") {
    c.value = s;
    c.formula = null;
    return;
  }
  if (/^[=+\-@]/.test(s) && !/^[+-]\d+(\.\d+)?$/.test(s)) {
    c.formula = s.startsWith("=") ? s : `=${s.slice(s.startsWith("@") ? 1 : 0)}`;
    c.value = null;
    return;
  }
  c.formula = null;
  const t = s.trim();
  if (t !== "" && /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) c.value = Number(t);
  else if (/^(true|false)$/i.test(t)) c.value = t.toLowerCase() === "true";
  else c.value = s === "" ? null : s;
}

export class FakeRange {
  // Defined at run time by member(): properties or methods depending on the mode.
  declare Value2: any;
  declare Formula: any;
  declare NumberFormat: any;
  declare Interior: any;

  constructor(
    readonly sheet: FakeWorksheet,
    readonly r1: number,
    readonly c1: number,
    readonly r2: number,
    readonly c2: number,
  ) {
    const mode = sheet.workbook.app.mode;
    member(this, mode, "Row", () => this.r1);
    member(this, mode, "Column", () => this.c1);
    member(this, mode, "Rows", () => new FakeCount(mode, this.r2 - this.r1 + 1));
    member(this, mode, "Columns", () => new FakeCount(mode, this.c2 - this.c1 + 1));
    member(
      this,
      mode,
      "Value2",
      () => this.readValue2(),
      (v) => this.write(v, false),
    );
    member(
      this,
      mode,
      "Formula",
      () => this.readFormula(),
      (v) => this.write(v, true),
    );
    member(
      this,
      mode,
      "NumberFormat",
      () => this.common((c) => c.numberFormat),
      (v) => this.each((c) => (c.numberFormat = String(v))),
    );
    member(this, mode, "Interior", () => new FakeInterior(this));
    member(this, mode, "Font", () => new FakeFont(this));
    member(this, mode, "Comment", () => (this.sheet.peek(this.r1, this.c1).comment === null ? null : new FakeComment(this.sheet, this.r1, this.c1)));
    member(this, mode, "EntireRow", () => new FakeRange(this.sheet, this.r1, 1, this.r2, MAX_COLS));
    member(this, mode, "EntireColumn", () => new FakeRange(this.sheet, 1, this.c1, MAX_ROWS, this.c2));
    member(
      this,
      mode,
      "ColumnWidth",
      () => this.sheet.columnWidths.get(this.c1) ?? 8.38,
      (v) => {
        for (let c = this.c1; c <= this.c2; c++) this.sheet.columnWidths.set(c, Number(v));
      },
    );
    member(this, mode, "FormatConditions", () => ({
      AddDatabar: () => {
        const bar = { address: this.Address(), color: 0 };
        this.sheet.dataBars.push(bar);
        const barColor = {};
        Object.defineProperty(barColor, "Color", { get: () => bar.color, set: (v) => (bar.color = Number(v)) });
        const out = {};
        member(out, mode, "BarColor", () => barColor);
        return out;
      },
    }));
  }

  get rowCount(): number {
    return this.r2 - this.r1 + 1;
  }

  get colCount(): number {
    return this.c2 - this.c1 + 1;
  }

  private isSingle(): boolean {
    return this.r1 === this.r2 && this.c1 === this.c2;
  }

  private each(fn: (c: FakeCell, r: number, col: number) => void): void {
    if (this.rowCount * this.colCount > 5_000_000) throw new Error("区域过大");
    for (let r = this.r1; r <= this.r2; r++) for (let c = this.c1; c <= this.c2; c++) fn(this.sheet.cell(r, c), r, c);
  }

  private common<T>(get: (c: FakeCell) => T): T | null {
    let first: T | undefined;
    let mixed = false;
    for (let r = this.r1; r <= this.r2 && !mixed; r++)
      for (let c = this.c1; c <= this.c2; c++) {
        const v = get(this.sheet.peek(r, c));
        if (first === undefined) first = v;
        else if (v !== first) {
          mixed = true;
          break;
        }
      }
    return mixed ? null : (first as T);
  }

  private cellValue2(c: FakeCell): unknown {
    if (c.value === null) return undefined;
    if (typeof c.value === "object") return CVERR[c.value.error] ?? CVERR["#VALUE!"];
    return c.value;
  }

  private readValue2(): unknown {
    this.sheet.workbook.app.log.value2Reads++;
    if (this.isSingle()) return this.cellValue2(this.sheet.peek(this.r1, this.c1));
    const out: unknown[][] = [];
    for (let r = this.r1; r <= this.r2; r++) {
      const row: unknown[] = [];
      for (let c = this.c1; c <= this.c2; c++) row.push(this.cellValue2(this.sheet.peek(r, c)));
      out.push(row);
    }
    return out;
  }

  private cellFormula(c: FakeCell): string {
    if (c.formula !== null) return c.formula;
    if (c.value !== null && typeof c.value === "object") return c.value.error;
    return c.value === null ? "" : String(c.value);
  }

  private readFormula(): unknown {
    this.sheet.workbook.app.log.formulaReads++;
    if (this.isSingle()) return this.cellFormula(this.sheet.peek(this.r1, this.c1));
    const out: string[][] = [];
    for (let r = this.r1; r <= this.r2; r++) {
      const row: string[] = [];
      for (let c = this.c1; c <= this.c2; c++) row.push(this.cellFormula(this.sheet.peek(r, c)));
      out.push(row);
    }
    return out;
  }

  private write(v: unknown, asFormula: boolean): void {
    const app = this.sheet.workbook.app;
    app.noteWrite();
    if (!this.isSingle()) {
      if (app.options.failBlockWrites) throw new Error("模拟：块写入失败");
      app.log.blockWrites++;
    } else {
      app.log.cellWrites++;
    }
    const grid: unknown[][] = Array.isArray(v) ? (v.every((x) => Array.isArray(x)) ? (v as unknown[][]) : [v]) : [];
    this.each((c, r, col) => {
      let x: unknown;
      if (!Array.isArray(v)) x = v;
      else {
        const row = grid[r - this.r1];
        // Excel fills #N/A where the array is smaller than the range.
        x = row === undefined || col - this.c1 >= row.length ? "#N/A" : row[col - this.c1];
      }
      this.put(c, x, asFormula);
    });
  }

  private put(c: FakeCell, x: unknown, asFormula: boolean): void {
    if (x === undefined || x === null || x === "") {
      c.value = null;
      c.formula = null;
    } else if (typeof x === "number" || typeof x === "boolean") {
      c.value = x;
      c.formula = null;
    } else if (typeof x === "string") {
      if (asFormula && c.numberFormat !== "@" && x.startsWith("=")) {
        c.formula = x;
        c.value = null;
      } else {
        typed(c, x);
      }
    } else {
      throw new Error("类型不匹配");
    }
  }

  Resize(rows: number, cols: number): FakeRange {
    if (rows < 1 || cols < 1) throw new Error("Resize 参数无效");
    return new FakeRange(this.sheet, this.r1, this.c1, this.r1 + rows - 1, this.c1 + cols - 1);
  }

  Address(): string {
    const a = `$${colLetters(this.c1)}$${this.r1}`;
    return this.isSingle() ? a : `${a}:$${colLetters(this.c2)}$${this.r2}`;
  }

  Item(row: number, col: number): FakeRange {
    return new FakeRange(this.sheet, this.r1 + row - 1, this.c1 + col - 1, this.r1 + row - 1, this.c1 + col - 1);
  }

  ClearContents(): void {
    for (const [key, c] of this.sheet.cells) {
      const [r, col] = key.split(",").map(Number);
      if (r >= this.r1 && r <= this.r2 && col >= this.c1 && col <= this.c2) {
        c.value = null;
        c.formula = null;
      }
    }
  }

  AddComment(text: string): FakeComment {
    const c = this.sheet.cell(this.r1, this.c1);
    if (c.comment !== null) throw new Error("单元格已有批注");
    c.comment = String(text);
    return new FakeComment(this.sheet, this.r1, this.c1);
  }

  ClearComments(): void {
    for (const [key, c] of this.sheet.cells) {
      const [r, col] = key.split(",").map(Number);
      if (r >= this.r1 && r <= this.r2 && col >= this.c1 && col <= this.c2) c.comment = null;
    }
  }

  /** Copy() with no destination: the range goes on the clipboard. */
  Copy(destination?: unknown): void {
    if (destination !== undefined) throw new Error("模拟未实现 Copy(Destination)");
    const app = this.sheet.workbook.app;
    app.log.copies++;
    const cells: FakeCell[][] = [];
    for (let r = this.r1; r <= this.r2; r++) {
      const row: FakeCell[] = [];
      for (let c = this.c1; c <= this.c2; c++) row.push({ ...this.sheet.peek(r, c) });
      cells.push(row);
    }
    app.clipboard = { cells };
  }

  /** PasteSpecial(Paste): formats or comments of the clipboard, from this range's top-left cell. */
  PasteSpecial(paste: number): void {
    const app = this.sheet.workbook.app;
    app.log.pastes++;
    if (!app.clipboard) throw new Error("Range 类的 PasteSpecial 方法无效：剪贴板中没有复制的内容");
    if (paste !== XL_PASTE_FORMATS && paste !== XL_PASTE_COMMENTS) throw new Error(`模拟未实现粘贴类型 ${paste}`);
    app.clipboard.cells.forEach((row, i) =>
      row.forEach((from, j) => {
        if (paste === XL_PASTE_COMMENTS) {
          if (from.comment !== null) this.sheet.cell(this.r1 + i, this.c1 + j).comment = from.comment;
          return;
        }
        const to = this.sheet.cell(this.r1 + i, this.c1 + j);
        to.numberFormat = from.numberFormat;
        to.fill = from.fill;
        to.bold = from.bold;
      }),
    );
  }

  Select(): void {
    if (this.sheet.workbook.active !== this.sheet) throw new Error("Range 类的 Select 方法无效：工作表未激活");
    this.sheet.selection = { row: this.r1, col: this.c1 };
  }

  Delete(): void {
    if (this.c1 !== 1 || this.c2 !== MAX_COLS) throw new Error("模拟仅支持整行删除");
    this.sheet.deleteRows(this.r1, this.r2);
  }

  Insert(): void {
    if (this.c1 !== 1 || this.c2 !== MAX_COLS) throw new Error("模拟仅支持整行插入");
    this.sheet.insertRows(this.r1, this.rowCount);
  }
}

class FakeCount {
  constructor(mode: MemberMode, n: number) {
    member(this, mode, "Count", () => n);
  }
}

class FakeInterior {
  constructor(range: FakeRange) {
    const mode = range.sheet.workbook.app.mode;
    const cells = (fn: (c: FakeCell) => void) => {
      for (let r = range.r1; r <= range.r2; r++) for (let c = range.c1; c <= range.c2; c++) fn(range.sheet.cell(r, c));
    };
    const first = () => range.sheet.peek(range.r1, range.c1);
    member(
      this,
      mode,
      "Color",
      () => first().fill ?? WHITE_BGR,
      (v) => cells((c) => (c.fill = Number(v))),
    );
    member(
      this,
      mode,
      "ColorIndex",
      () => (first().fill === null ? XL_NONE : 1),
      (v) => {
        if (Number(v) === XL_NONE) cells((c) => (c.fill = null));
        else throw new Error("模拟仅支持 ColorIndex = xlNone");
      },
    );
    member(
      this,
      mode,
      "Pattern",
      () => (first().fill === null ? XL_NONE : 1),
      (v) => {
        if (Number(v) === XL_NONE) cells((c) => (c.fill = null));
      },
    );
  }
}

class FakeFont {
  constructor(range: FakeRange) {
    const mode = range.sheet.workbook.app.mode;
    member(
      this,
      mode,
      "Bold",
      () => range.sheet.peek(range.r1, range.c1).bold,
      (v) => {
        for (let r = range.r1; r <= range.r2; r++) for (let c = range.c1; c <= range.c2; c++) range.sheet.cell(r, c).bold = Boolean(v);
      },
    );
  }
}

/** Builds an app with one workbook holding the given sheets (each a 2-D array from A1). */
export function fakeEt(sheets: Record<string, FakeValue[][]>, options: FakeEtOptions = {}): FakeApplication {
  const app = new FakeApplication(options);
  for (const [name, values] of Object.entries(sheets)) app.workbook.addSheet(name, values);
  return app;
}

/**
 * Recalculation of a loaded exceljs workbook with HyperFormula: every sheet's values and formulas
 * go into one engine (KJ functions included), and each formula cell gets its freshly computed
 * result as the cached value, the formula itself kept. Cells are changed in place in the loaded
 * workbook, so styles, widths, number formats, validation and every other sheet survive the save.
 * No file access here: the CLI opens and saves (src/host/xlsx-file.ts).
 */
import type ExcelJS from "exceljs";
import { DetailedCellError, ErrorType, HyperFormula } from "hyperformula";
import { DayNumber } from "../dates";
import { ProgressFn } from "../host/port";
import { cellAddress } from "../text";
import { buildKjEngine, excelErrorText } from "./hyperformula";

/** One formula whose result is an error value, for the report. */
export interface FormulaErrorCell {
  sheet: string;
  /** A1 address. */
  address: string;
  formula: string;
  /** "#N/A", "#VALUE!" … */
  error: string;
  /** Chinese explanation from a KJ function, or HyperFormula's own text. */
  message: string;
}

export interface RecalcReport {
  /** Formula cells found. */
  formulas: number;
  /** Formula cells whose cached result was written. */
  computed: number;
  /** Written results that are error values (#N/A, #VALUE! …). */
  errors: number;
  /** The first error cells (at most `maxListed`), in sheet order. */
  errorCells: FormulaErrorCell[];
  /** Formulas the engine cannot evaluate (a function it does not know, external links): their old cached value is kept. */
  unsupported: number;
  unsupportedCells: { sheet: string; address: string; formula: string; reason: string }[];
  /** Sheets loaded into the engine (sheets without formulas and never referenced are skipped). */
  sheetsEvaluated: string[];
}

export interface RecalcOptions {
  /** The date KJ.ELIGIBLE/WHY/SCORE use when a formula gives no 评价日期. */
  today: DayNumber;
  progress?: ProgressFn;
  /** How many error cells the report lists (default 20). */
  maxListed?: number;
}

type FormulaCellValue = {
  formula?: string;
  sharedFormula?: string;
  shareType?: string;
  ref?: string;
  result?: unknown;
};

interface FormulaCell {
  cell: ExcelJS.Cell;
  sheet: string;
  row: number;
  col: number;
  formula: string;
}

const MS_PER_DAY = 86_400_000;
const EXCEL_SERIAL_OF_1970 = 25_569;
/** exceljs ValueType.Merge: a cell covered by a merge, whose value is its master's. */
const MERGE_TYPE = 1;

/** Excel's serial number of an exceljs Date (exceljs reads dates as UTC instants). */
function excelSerial(d: Date): number {
  return EXCEL_SERIAL_OF_1970 + d.getTime() / MS_PER_DAY;
}

/**
 * A formula as stored in the file, made readable by HyperFormula: Excel's future-function
 * prefixes (_xlfn., _xlws.) dropped, and an Office add-in function saved as _xldudf_KJ_AWARD
 * (how Excel writes custom functions it could not resolve) turned back into KJ.AWARD.
 */
export function formulaForEngine(stored: string): string {
  return (
    "=" +
    stored
      .replace(/_xlfn\._xlws\./gi, "")
      .replace(/_xl(?:fn|ws)\./gi, "")
      .replace(/(?:\[\d+\]!)?_xldudf_KJ[._]([A-Z]+)\s*\(/gi, (_m, name: string) => `KJ.${name.toUpperCase()}(`)
  );
}

/** A cell's content for the engine: strings stay strings (a leading apostrophe stops HyperFormula reading "123" or "=x" as number or formula). */
function rawContent(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case "number":
    case "boolean":
      return v;
    case "string":
      return "'" + v;
    case "object": {
      if (v instanceof Date) return Number.isFinite(v.getTime()) ? excelSerial(v) : null;
      const o = v as Record<string, unknown>;
      if (typeof o.error === "string") return o.error;
      if (Array.isArray(o.richText)) return "'" + (o.richText as { text?: string }[]).map((r) => r.text ?? "").join("");
      if (typeof o.text === "string") return "'" + o.text;
      if (typeof o.text === "object" && o.text !== null) return rawContent(o.text);
      if ("result" in o) return rawContent(o.result);
      return null;
    }
    default:
      return null;
  }
}

/** The formula of a cell, translated for shared-formula clones; null when the cell holds none. */
function storedFormula(cell: ExcelJS.Cell): string | null {
  const v = cell.value as FormulaCellValue | null;
  if (!v || typeof v !== "object" || (v.formula === undefined && v.sharedFormula === undefined)) return null;
  const f = cell.formula;
  return typeof f === "string" && f.trim() !== "" ? f : null;
}

/** Column number of letters: A -> 1, AA -> 27. */
function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

const REFERENCE =
  /(?:('(?:[^']|'')+'|[^\s!'"(),:;=<>&+\-*/^{}]+)!)?(\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?|\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}|\$?\d+:\$?\d+)(?![\w.(])/g;

/**
 * Which columns of which sheets a formula reads, from its references (A1, A1:C9, C:C, 'S'!B2).
 * "unknown" when it may reach further than its references say (INDIRECT, OFFSET, names,
 * whole rows): then every column is loaded.
 */
export function referencedColumns(formula: string, ownSheet: string): Map<string, Set<number> | "all"> | "unknown" {
  const code = formula.replace(/"(?:[^"]|"")*"/g, '""');
  if (/\b(INDIRECT|OFFSET)\s*\(/i.test(code)) return "unknown";
  const out = new Map<string, Set<number> | "all">();
  for (const m of code.matchAll(REFERENCE)) {
    const start = m.index ?? 0;
    // Part of a longer word (a function or name such as LOG10): not a reference.
    if (start > 0 && /[\w.]/.test(code[start - 1])) continue;
    const sheet = m[1] ? (m[1].startsWith("'") ? m[1].slice(1, -1).replace(/''/g, "'") : m[1]) : ownSheet;
    const ref = m[2].replace(/\$/g, "");
    let set = out.get(sheet);
    if (set === "all") continue;
    if (/^\d+:\d+$/.test(ref)) {
      out.set(sheet, "all");
      continue;
    }
    if (set === undefined) out.set(sheet, (set = new Set<number>()));
    const [a, b] = ref.split(":");
    const ca = columnNumber(a.replace(/\d+/g, ""));
    const cb = b === undefined ? ca : columnNumber(b.replace(/\d+/g, ""));
    for (let c = Math.min(ca, cb); c <= Math.max(ca, cb); c++) set.add(c);
  }
  // Letters left over that are not references or functions may be defined names.
  const rest = code
    .replace(REFERENCE, " ")
    .replace(/[A-Za-z_][\w.]*\s*\(/g, " ")
    .replace(/""/g, " ")
    .replace(/\d+(?:\.\d+)?(?:E[+-]?\d+)?/gi, " ");
  if (/[A-Za-z_\u4e00-\u9fff][\w.\u4e00-\u9fff]*/.test(rest.replace(/\b(TRUE|FALSE)\b/gi, " ").replace(/#[A-Z\/0!?]+/g, " "))) return "unknown";
  return out;
}

/** The defined names of the workbook as HyperFormula named expressions; names it cannot take are left out. */
function namedExpressions(wb: ExcelJS.Workbook): { name: string; expression: string }[] {
  const model = (wb.definedNames as unknown as { model?: { name: string; ranges: string[] }[] }).model ?? [];
  const out: { name: string; expression: string }[] = [];
  for (const n of model) {
    if (!/^[A-Za-z_\u4e00-\u9fff][\w.\u4e00-\u9fff]*$/.test(n.name) || n.ranges.length !== 1) continue;
    out.push({ name: n.name, expression: "=" + n.ranges[0] });
  }
  return out;
}

/**
 * Evaluates every formula of the workbook and writes each result as the cell's cached value,
 * keeping the formula (shared formulas stay shared). Returns what was computed.
 */
export function recalcWorkbook(wb: ExcelJS.Workbook, opts: RecalcOptions): RecalcReport {
  const maxListed = opts.maxListed ?? 20;
  const progress = opts.progress ?? (() => undefined);
  const worksheets = wb.worksheets;

  // 1. Find the formula cells and which sheets the engine needs.
  const formulaCells: FormulaCell[] = [];
  const formulaSheets = new Set<string>();
  let everySheet = false;
  for (const ws of worksheets) {
    ws.eachRow({ includeEmpty: false }, (row) => {
      row.eachCell({ includeEmpty: false }, (cell) => {
        if ((cell.type as number) === MERGE_TYPE) return;
        const f = storedFormula(cell);
        if (f === null) return;
        formulaCells.push({ cell, sheet: ws.name, row: Number(cell.row), col: Number(cell.col), formula: f });
        formulaSheets.add(ws.name);
        // INDIRECT and defined names can reach any sheet.
        if (/INDIRECT\s*\(/i.test(f)) everySheet = true;
      });
    });
  }
  const report: RecalcReport = {
    formulas: formulaCells.length,
    computed: 0,
    errors: 0,
    errorCells: [],
    unsupported: 0,
    unsupportedCells: [],
    sheetsEvaluated: [],
  };
  if (formulaCells.length === 0) return report;

  const names = namedExpressions(wb);
  if (names.length > 0) everySheet = true;
  // Only the columns formulas reach are loaded: a 100,000-row ledger with one formula column
  // then costs the engine a few columns, not forty.
  const reach = new Map<string, Set<number> | "all">();
  const widen = (sheet: string, cols: Set<number> | "all") => {
    const prior = reach.get(sheet);
    if (prior === "all") return;
    if (cols === "all") reach.set(sheet, "all");
    else if (prior === undefined) reach.set(sheet, new Set(cols));
    else for (const c of cols) prior.add(c);
  };
  if (everySheet) for (const ws of worksheets) widen(ws.name, "all");
  for (const fc of formulaCells) {
    const refs = referencedColumns(fc.formula, fc.sheet);
    if (refs === "unknown") {
      for (const ws of worksheets) widen(ws.name, "all");
      continue;
    }
    for (const [sheet, cols] of refs) widen(sheet, cols);
  }
  const needed = worksheets.filter((ws) => formulaSheets.has(ws.name) || reach.has(ws.name));

  // 2. The needed sheets' contents, formulas as "=...".
  const sheets: Record<string, unknown[][]> = {};
  const totalRows = needed.reduce((n, ws) => n + ws.rowCount, 0);
  let rowsRead = 0;
  for (const ws of needed) {
    const cols = reach.get(ws.name);
    const wanted = (col: number) => cols === "all" || (cols !== undefined && cols.has(col));
    const rows: unknown[][] = [];
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const cells: unknown[] = [];
      row.eachCell({ includeEmpty: false }, (cell, colNumber) => {
        if ((cell.type as number) === MERGE_TYPE) return;
        const f = storedFormula(cell);
        if (f !== null) cells[colNumber - 1] = formulaForEngine(f);
        else if (wanted(colNumber)) cells[colNumber - 1] = rawContent(cell.value);
      });
      for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = null;
      rows[rowNumber - 1] = cells;
      rowsRead++;
      if (rowsRead % 5000 === 0) progress(rowsRead, totalRows, "读取单元格");
    });
    for (let i = 0; i < rows.length; i++) if (rows[i] === undefined) rows[i] = [];
    sheets[ws.name] = rows;
  }
  report.sheetsEvaluated = needed.map((ws) => ws.name);
  progress(totalRows, totalRows, "读取单元格");

  // 3. Evaluate (HyperFormula computes everything when the engine is built).
  progress(0, 1, "计算公式");
  let hf: HyperFormula;
  try {
    hf = buildKjEngine(sheets, opts.today, {}, names);
  } catch {
    hf = buildKjEngine(sheets, opts.today);
  }
  progress(1, 1, "计算公式");

  // 4. Write each result back as the cached value.
  let done = 0;
  for (const fc of formulaCells) {
    const sheetId = hf.getSheetId(fc.sheet);
    if (sheetId === undefined) continue;
    const value = hf.getCellValue({ sheet: sheetId, row: fc.row - 1, col: fc.col - 1 });
    const address = cellAddress(fc.row, fc.col);
    let result: unknown;
    if (value instanceof DetailedCellError) {
      const unsupported = unsupportedReason(value);
      if (unsupported !== null) {
        report.unsupported++;
        if (report.unsupportedCells.length < maxListed) report.unsupportedCells.push({ sheet: fc.sheet, address, formula: fc.formula, reason: unsupported });
        continue;
      }
      const error = excelErrorText(value.type);
      result = { error };
      report.errors++;
      if (report.errorCells.length < maxListed) {
        report.errorCells.push({ sheet: fc.sheet, address, formula: fc.formula, error, message: value.message || error });
      }
    } else {
      // An empty result (=A1 on a blank A1) shows as 0 in Excel.
      result = value === null ? 0 : value;
    }
    const old = fc.cell.value as FormulaCellValue;
    fc.cell.value = {
      formula: old.formula,
      sharedFormula: old.sharedFormula,
      shareType: old.shareType,
      ref: old.ref,
      result,
    } as ExcelJS.CellValue;
    report.computed++;
    done++;
    if (done % 5000 === 0) progress(done, formulaCells.length, "写回结果");
  }
  progress(formulaCells.length, formulaCells.length, "写回结果");
  hf.destroy();
  return report;
}

/**
 * Errors that mean "the engine could not evaluate this", not "the formula's answer is an error":
 * a parse failure or a function HyperFormula does not have. Those cells keep Excel's cached value.
 */
function unsupportedReason(e: DetailedCellError): string | null {
  if (e.type === ErrorType.ERROR) return `公式无法解析（${e.message}），保留原有计算结果`;
  if (e.type === ErrorType.NAME && /function name/i.test(e.message)) {
    const name = /Function name (\S+)/i.exec(e.message)?.[1] ?? "";
    return `函数 ${name} 无法在命令行中计算，保留原有计算结果`;
  }
  return null;
}

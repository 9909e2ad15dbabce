/**
 * Recalculation of a loaded exceljs workbook with HyperFormula: every sheet's values and formulas
 * go into one engine (KJ functions included), and each formula cell gets its freshly computed
 * result as the cached value, the formula itself kept. Cells are changed in place in the loaded
 * workbook, so styles, widths, number formats, validation and every other sheet survive the save.
 * No file access here: the CLI opens and saves (src/host/xlsx/file.ts).
 */
import type ExcelJS from "exceljs";
import { DetailedCellError, ErrorType, HyperFormula } from "hyperformula";
import { DayNumber } from "../../dates";
import { ProgressFn } from "../port";
import { cellAddress } from "../../text";
import { buildKjEngine, excelErrorText } from "./hyperformula";
import { POLICY_SHEET } from "../../ledger/catalogue";
import { CellValue } from "../../ledger/cells";
import { LoadedPack, PolicyRegistry } from "../../policy/registry";
import { workbookRegistry } from "../../policy/stored";

/**
 * The policy registry a workbook's formulas are computed with: the built-in packs, the packs stored
 * on its KJ政策 sheet (`policySheet`: that sheet's cells from A1, or null when it has none) and the
 * --policy files. Throws KjError on a broken stored pack or overlapping periods.
 */
export function recalcPolicies(policySheet: CellValue[][] | null, opts: Pick<RecalcOptions, "extraPolicies" | "workbookName">): PolicyRegistry {
  const sheets = policySheet ? [{ name: POLICY_SHEET, firstRow: 1, firstCol: 1, values: policySheet }] : [];
  return workbookRegistry({ sheets }, opts.workbookName ?? "", opts.extraPolicies ?? []);
}

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
  /**
   * Packs given besides the built-in ones and those stored in the workbook (kj … --policy). The
   * stored packs are read from the workbook's KJ政策 sheet; a broken one or an overlap throws KjError.
   */
  extraPolicies?: readonly LoadedPack[];
  /** The workbook's file name, for messages about its stored packs. */
  workbookName?: string;
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
    quoteSheetNames(stored)
      .replace(/_xlfn\._xlws\./gi, "")
      .replace(/_xl(?:fn|ws)\./gi, "")
      .replace(/(?:\[\d+\]!)?_xldudf_KJ[._]([A-Z]+)\s*\(/gi, (_m, name: string) => `KJ.${name.toUpperCase()}(`)
  );
}

/**
 * Sheet names Excel writes without quotes although they are not plain ASCII words (企业培育库!A1)
 * quoted for HyperFormula ('企业培育库'!A1), which reads only ASCII names unquoted. Text in
 * string literals and names already quoted stay as they are.
 */
function quoteSheetNames(formula: string): string {
  if (!/[^\x00-\x7f]/.test(formula)) return formula;
  return formula
    .split(/("(?:[^"]|"")*"|'(?:[^']|'')*')/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/(^|[\s(,;=<>&+\-*/^{}:])([^\s!'"(),;=<>&+\-*/^{}[\]:]*[^\x00-\x7f][^\s!'"(),;=<>&+\-*/^{}[\]:]*)!/g, (_m, lead: string, name: string) => `${lead}'${name}'!`)))
    .join("");
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

/** A formula cell wherever it lives (exceljs cell, XML element): sheet, 1-based row and column, stored formula text. */
export interface FormulaSite {
  sheet: string;
  row: number;
  col: number;
  /** As stored in the file, without "=". */
  formula: string;
}

/** A computed cached value: a plain value, an error value, or null when the engine could not evaluate (keep the old value). */
export type ComputedValue = number | string | boolean | { error: string } | null;

/** Which columns of which sheets the engine must load: "all", a set of columns, or (formula sheets only) an empty set. */
export type EngineReach = Map<string, Set<number> | "all">;

/**
 * The sheets and columns formulas reach. Only those are loaded, so a 100,000-row ledger with
 * one formula column costs the engine a few columns, not forty.
 */
export function engineReach(sites: readonly FormulaSite[], sheetNames: readonly string[], hasDefinedNames: boolean): EngineReach {
  const reach: EngineReach = new Map();
  const widen = (sheet: string, cols: Set<number> | "all") => {
    const prior = reach.get(sheet);
    if (prior === "all") return;
    if (cols === "all") reach.set(sheet, "all");
    else if (prior === undefined) reach.set(sheet, new Set(cols));
    else for (const c of cols) prior.add(c);
  };
  // Defined names can point anywhere.
  if (hasDefinedNames) for (const n of sheetNames) widen(n, "all");
  for (const site of sites) {
    widen(site.sheet, new Set());
    const refs = referencedColumns(site.formula, site.sheet);
    if (refs === "unknown") {
      for (const n of sheetNames) widen(n, "all");
      continue;
    }
    for (const [sheet, cols] of refs) if (sheetNames.includes(sheet)) widen(sheet, cols);
  }
  return reach;
}

function emptyReport(formulas: number): RecalcReport {
  return { formulas, computed: 0, errors: 0, errorCells: [], unsupported: 0, unsupportedCells: [], sheetsEvaluated: [] };
}

/**
 * Evaluates formula sites with HyperFormula. `contents(sheet, wanted)` gives the engine rows of a
 * needed sheet (formulas as "=...", strings with a leading apostrophe, only wanted columns
 * besides formulas). Returns one computed value per site, in order, and the report.
 */
export function evaluateSites(
  sites: readonly FormulaSite[],
  sheetNames: readonly string[],
  contents: (sheet: string, wanted: (col: number) => boolean) => unknown[][],
  opts: RecalcOptions & { policies?: PolicyRegistry },
  names: { name: string; expression: string }[] = [],
): { values: ComputedValue[]; report: RecalcReport } {
  const maxListed = opts.maxListed ?? 20;
  const progress = opts.progress ?? (() => undefined);
  const report = emptyReport(sites.length);
  if (sites.length === 0) return { values: [], report };

  const reach = engineReach(sites, sheetNames, names.length > 0);
  const needed = sheetNames.filter((n) => reach.has(n));
  const sheets: Record<string, unknown[][]> = {};
  needed.forEach((name, i) => {
    const cols = reach.get(name);
    sheets[name] = contents(name, (col) => cols === "all" || (cols !== undefined && cols.has(col)));
    progress(i + 1, needed.length, "读取单元格");
  });
  report.sheetsEvaluated = needed;

  // HyperFormula computes everything when the engine is built.
  progress(0, 1, "计算公式");
  let hf: HyperFormula;
  try {
    hf = buildKjEngine(sheets, opts.today, {}, names, opts.policies);
  } catch {
    hf = buildKjEngine(sheets, opts.today, {}, [], opts.policies);
  }
  progress(1, 1, "计算公式");

  const values: ComputedValue[] = [];
  for (const site of sites) {
    const sheetId = hf.getSheetId(site.sheet);
    const value = sheetId === undefined ? null : hf.getCellValue({ sheet: sheetId, row: site.row - 1, col: site.col - 1 });
    const address = cellAddress(site.row, site.col);
    if (value instanceof DetailedCellError) {
      const unsupported = unsupportedReason(value);
      if (unsupported !== null) {
        report.unsupported++;
        if (report.unsupportedCells.length < maxListed) report.unsupportedCells.push({ sheet: site.sheet, address, formula: site.formula, reason: unsupported });
        values.push(null);
        continue;
      }
      const error = excelErrorText(value.type);
      report.errors++;
      if (report.errorCells.length < maxListed) {
        report.errorCells.push({ sheet: site.sheet, address, formula: site.formula, error, message: value.message || error });
      }
      values.push({ error });
    } else {
      // An empty result (=A1 on a blank A1) shows as 0 in Excel.
      values.push(value === null || value === undefined ? 0 : (value as number | string | boolean));
    }
    report.computed++;
  }
  hf.destroy();
  return { values, report };
}

/**
 * Evaluates every formula of the workbook and writes each result as the cell's cached value,
 * keeping the formula (shared formulas stay shared). Returns what was computed.
 */
export function recalcWorkbook(wb: ExcelJS.Workbook, opts: RecalcOptions): RecalcReport {
  const progress = opts.progress ?? (() => undefined);
  const cells: ExcelJS.Cell[] = [];
  const sites: FormulaSite[] = [];
  for (const ws of wb.worksheets) {
    ws.eachRow({ includeEmpty: false }, (row) => {
      row.eachCell({ includeEmpty: false }, (cell) => {
        if ((cell.type as number) === MERGE_TYPE) return;
        const f = storedFormula(cell);
        if (f === null) return;
        cells.push(cell);
        sites.push({ sheet: ws.name, row: Number(cell.row), col: Number(cell.col), formula: f });
      });
    });
  }
  const contents = (name: string, wanted: (col: number) => boolean): unknown[][] => {
    const ws = wb.getWorksheet(name) as ExcelJS.Worksheet;
    const rows: unknown[][] = [];
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const out: unknown[] = [];
      row.eachCell({ includeEmpty: false }, (cell, colNumber) => {
        if ((cell.type as number) === MERGE_TYPE) return;
        const f = storedFormula(cell);
        if (f !== null) out[colNumber - 1] = formulaForEngine(f);
        else if (wanted(colNumber)) out[colNumber - 1] = rawContent(cell.value);
      });
      for (let i = 0; i < out.length; i++) if (out[i] === undefined) out[i] = null;
      rows[rowNumber - 1] = out;
    });
    for (let i = 0; i < rows.length; i++) if (rows[i] === undefined) rows[i] = [];
    return rows;
  };
  const policySheet = wb.getWorksheet(POLICY_SHEET);
  const policies = sites.length > 0 ? recalcPolicies(policySheet ? sheetValues(policySheet) : null, opts) : undefined;
  const { values, report } = evaluateSites(sites, wb.worksheets.map((w) => w.name), contents, { ...opts, policies }, namedExpressions(wb));

  values.forEach((result, i) => {
    if (result === null) return;
    const cell = cells[i];
    const old = cell.value as FormulaCellValue;
    cell.value = { formula: old.formula, sharedFormula: old.sharedFormula, shareType: old.shareType, ref: old.ref, result } as ExcelJS.CellValue;
    if ((i + 1) % 5000 === 0) progress(i + 1, values.length, "写回结果");
  });
  progress(values.length, values.length, "写回结果");
  return report;
}

/** A small sheet's plain values from A1 (text as text): for reading the stored policy packs. */
function sheetValues(ws: ExcelJS.Worksheet): CellValue[][] {
  const rows: CellValue[][] = [];
  ws.eachRow({ includeEmpty: false }, (row, r) => {
    const out: CellValue[] = [];
    row.eachCell({ includeEmpty: false }, (cell, c) => {
      const raw = rawContent(cell.value);
      out[c - 1] = typeof raw === "string" && raw.startsWith("'") ? raw.slice(1) : (raw as CellValue);
    });
    for (let i = 0; i < out.length; i++) if (out[i] === undefined) out[i] = null;
    rows[r - 1] = out;
  });
  for (let i = 0; i < rows.length; i++) if (rows[i] === undefined) rows[i] = [];
  return rows;
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

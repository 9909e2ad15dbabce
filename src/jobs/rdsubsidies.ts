/**
 * 研发补助 job — 企业研究开发财政补助 (计划 二（四）1; DOMAIN §10). On the 研发费用台账 (one row
 * per enterprise and year), for one data year (the year whose R&D is subsidised):
 *   - fills two columns of its own, 省级研发补助（万元） and 市级研发补助（万元）, with
 *     =KJ.RDSUBSIDY("省"/"市", 年度, 表头, 行) formulas on the rows of that year (only in empty
 *     cells or cells already holding a KJ.RDSUBSIDY formula: a typed amount is flagged, never
 *     overwritten; rows of other years are left as they are);
 *   - marks what cannot be computed (the amount cell, with why; the blank input cells), a 年度
 *     that cannot be read, and an enterprise listed twice for the year;
 *   - writes its own sheet 研发补助汇总 from COUNTIFS / SUMIFS formulas over the ledger columns (by
 *     scheme, by town; counts and totals), so totals follow when staff edit the ledger.
 * A scheme with no pack for the year gets no formulas (the note says so, and how to add a pack).
 * The report carries every row's result for both schemes (with its explanation) and the same
 * totals computed exactly in Decimal.
 */
import Decimal from "decimal.js";
import { COUNT_NUMBER_FORMAT, WAN_NUMBER_FORMAT } from "../format";
import { isKjError } from "../errors";
import { CellMark, Edit, WorkbookSnapshot } from "../host/port";
import { CellValue, isBlankCell, readMoney, readText, readYear } from "../ledger/cells";
import { RD } from "../ledger/catalogue";
import { RD_PACKS, RD_SCHEME_NAMES, RdPack, rdPackFor, RdScheme, rdYearsText } from "../policy/rd";
import { rdSubsidy, RdResult, rdUnknownMessage, rdWhyText } from "../rules/rd-subsidy";
import { FieldPlan, planForHeader, RowView } from "../rules/row";
import type { Tri } from "../rules/verdict";
import { columnLetter, lookupKey } from "../text";
import { cellAt, cellIssue, columnByHeader, dataRows, findLedgers, formulaAt, Ledger, lastUsedCol, lastUsedRow, rewriteOwnSheetEdits } from "./ledgers";
import { Issue, JobOptions, JobResult } from "./types";
import { fxRdSubsidyOf } from "../fx/rd";
import { cachedNumber, columnOf, Criterion, countIfs, engineValue, kjFunctionValue, notBlank, numberCompare, numberEquals, otherFormulasReason, sameCached, sumIfs, textEquals, Unknowable } from "./cached";

export const RD_SUMMARY_SHEET = "研发补助汇总";
export const RD_HEADERS: Record<RdScheme, string> = { province: "省级研发补助（万元）", city: "市级研发补助（万元）" };
/** The 方案 argument the formulas are written with. */
export const RD_SCHEME_ARGS: Record<RdScheme, string> = { province: "省", city: "市" };
export const SCHEMES: readonly RdScheme[] = ["province", "city"];
/** The summary's ranges reach this many rows past the ledger's last row, so appended rows are counted. */
export const RD_RANGE_SLACK_ROWS = 1000;
export const NO_TOWN = "（未填写镇街）";

const KJ_RDSUBSIDY_FORMULA = /^=\s*KJ\.RDSUBSIDY\s*\(/i;

export interface RdJobOptions extends JobOptions {
  /** The data year: the year whose R&D is subsidised. */
  year: number;
  /**
   * Explain every row (RdCell.why) — the pane and --json show it; default true. Without it only
   * the rows that cannot be computed are explained (their marks say why) and `why` is "" elsewhere.
   */
  reasons?: boolean;
  /** Packs were given besides the workbook's own (kj --policy): other KJ formulas need recalculating. */
  policiesGiven?: boolean;
}

/** One scheme's result on one row. */
export interface RdCell {
  /** 万元: the amount counted (computed for a formula cell, the typed value otherwise); null when unknown. */
  amount: Decimal | null;
  eligible: Tri;
  provisional: boolean;
  /** KJ.WHY's text for the row. */
  why: string;
  /** Why it cannot be computed, in plain Chinese; null when it can. */
  problem: string | null;
  /** formula: KJ's formula; typed: a value or other formula the user put there; none: no pack for the year. */
  source: "formula" | "typed" | "none";
}

export interface RdRow {
  sheet: string;
  row: number;
  name: string;
  town: string;
  province: RdCell;
  city: RdCell;
}

export interface RdTotal {
  /** Rows of the year. */
  rows: number;
  /** Rows whose amount is above 0. */
  granted: number;
  /** Rows whose amount cannot be computed. */
  unknown: number;
  /** 万元, exact. */
  amount: Decimal;
}

export interface RdPolicyUsed {
  id: string;
  title: string;
  docNo: string;
  years: string;
  provisional: boolean;
}

export interface RdSubsidiesReport {
  year: number;
  sheets: { sheet: string; headerRow: number; rows: number; otherYears: number; columns: Record<RdScheme, string> }[];
  rows: RdRow[];
  totals: Record<RdScheme, RdTotal>;
  /** By town as typed (NO_TOWN for blank), in the order the summary lists them. */
  byTown: { town: string; rows: number; province: RdTotal; city: RdTotal }[];
  /** The pack each scheme uses for the year; null with the reason when none covers it. */
  policies: Record<RdScheme, RdPolicyUsed | null>;
  noPolicy: Partial<Record<RdScheme, string>>;
  formulasWritten: number;
  typedAmounts: number;
  issues: Issue[];
  summarySheet: string | null;
  /**
   * Why some formula written has no exact cached result (a host that writes files must then
   * recalculate the workbook), in Chinese; null when every formula carries the value it gives.
   */
  recalcReason: string | null;
  notes: string[];
}

function emptyTotal(): RdTotal {
  return { rows: 0, granted: 0, unknown: 0, amount: new Decimal(0) };
}

function addTo(t: RdTotal, c: RdCell): void {
  t.rows++;
  if (c.source === "none") return;
  if (c.amount === null) t.unknown++;
  else {
    t.amount = t.amount.plus(c.amount);
    if (c.amount.gt(0)) t.granted++;
  }
}

/** =KJ.RDSUBSIDY("省",$D3,$A$2:$P$2,$A3:$P3); a literal year when the ledger has no 年度 column. */
export function rdFormula(scheme: RdScheme, row: number, headerRow: number, firstCol: number, lastCol: number, yearCol: number | undefined, year: number): string {
  const a = columnLetter(firstCol);
  const z = columnLetter(lastCol);
  const y = yearCol === undefined ? String(year) : `$${columnLetter(yearCol)}${row}`;
  return `=KJ.RDSUBSIDY("${RD_SCHEME_ARGS[scheme]}",${y},$${a}$${headerRow}:$${z}$${headerRow},$${a}${row}:$${z}${row})`;
}

/**
 * Fills the R&D ledger(s) with KJ.RDSUBSIDY formulas for both schemes, marks what cannot be
 * computed and writes 研发补助汇总. Each run first clears the add-in's marks on the ledger sheet.
 * Running it twice gives no new formula edits, the same marks and the same summary.
 */
export function fillRdSubsidies(snapshot: WorkbookSnapshot, opts: RdJobOptions, packs: readonly RdPack[] = RD_PACKS): JobResult<RdSubsidiesReport> {
  const report: RdSubsidiesReport = {
    year: opts.year,
    sheets: [],
    rows: [],
    totals: { province: emptyTotal(), city: emptyTotal() },
    byTown: [],
    policies: { province: null, city: null },
    noPolicy: {},
    formulasWritten: 0,
    typedAmounts: 0,
    issues: [],
    summarySheet: null,
    recalcReason: null,
    notes: [],
  };
  const edits: Edit[] = [];
  const ledgers = findLedgers(snapshot, "rd", opts.sheet);
  if (ledgers.length === 0) {
    report.notes.push(opts.sheet ? `工作表“${opts.sheet}”不是研发费用台账` : "未找到研发费用台账（表头应含 企业名称、年度、研发费用、上年研发费用 等列）");
    return { report, edits };
  }
  const used: Partial<Record<RdScheme, RdPack>> = {};
  for (const s of SCHEMES) {
    try {
      const p = rdPackFor(s, opts.year, packs);
      used[s] = p;
      report.policies[s] = { id: p.id, title: p.title, docNo: p.docNo, years: rdYearsText(p), provisional: p.provisional };
    } catch (e) {
      if (!isKjError(e) || e.code !== "no_policy") throw e;
      report.noPolicy[s] = e.message;
      report.notes.push(`${opts.year} 年度没有${RD_SCHEME_NAMES[s]}政策包：不写入“${RD_HEADERS[s]}”列。${e.message}`);
    }
  }
  const summarised: { l: Ledger; cols: Record<RdScheme, number>; lastRow: number; shown: Record<RdScheme, Map<number, CellValue>> }[] = [];
  for (const l of ledgers) {
    const done = fillLedger(l, opts.year, used, report, edits, opts.reasons ?? true, packs);
    if (done) summarised.push({ l, ...done });
  }
  // The cached results can be exact only when nothing else in the workbook needs the engine:
  // every formula of a ledger is one the job valued, no other sheet reads a ledger.
  for (const x of summarised) {
    report.recalcReason ??= otherFormulasReason(snapshot, x.l.sheet, RD_SUMMARY_SHEET, (row, col, f) => SCHEMES.some((s) => col === x.cols[s] && x.shown[s].has(row)) && KJ_RDSUBSIDY_FORMULA.test(f), opts.policiesGiven);
  }
  report.byTown = townTotals(report.rows);
  if (summarised.length > 0 && (used.province || used.city)) {
    const first = summarised[0];
    if (summarised.length > 1) report.notes.push(`有 ${summarised.length} 个研发费用台账，汇总表只汇总第一个（“${first.l.sheet.name}”）`);
    edits.push(...summaryEdits(snapshot, first.l, first.cols, first.lastRow, opts.year, used, report, first.shown));
    report.summarySheet = RD_SUMMARY_SHEET;
  }
  return { report, edits };
}

function townTotals(rows: readonly RdRow[]): RdSubsidiesReport["byTown"] {
  const map = new Map<string, RdSubsidiesReport["byTown"][number]>();
  for (const r of rows) {
    const key = r.town || NO_TOWN;
    let t = map.get(key);
    if (!t) {
      t = { town: key, rows: 0, province: emptyTotal(), city: emptyTotal() };
      map.set(key, t);
    }
    t.rows++;
    addTo(t.province, r.province);
    addTo(t.city, r.city);
  }
  const collator = new Intl.Collator("zh-CN");
  return [...map.values()].sort((a, b) => (a.town === NO_TOWN ? 1 : b.town === NO_TOWN ? -1 : collator.compare(a.town, b.town)));
}

function fillLedger(
  l: Ledger,
  year: number,
  used: Partial<Record<RdScheme, RdPack>>,
  report: RdSubsidiesReport,
  edits: Edit[],
  reasons: boolean,
  packs: readonly RdPack[],
): { cols: Record<RdScheme, number>; lastRow: number; shown: Record<RdScheme, Map<number, CellValue>> } | null {
  const S = l.sheet.name;
  const headerRow = l.mapping.headerRow;
  const clearPreviousMarks: Edit = { type: "clearMarks", sheet: S };
  const yearCol = l.mapping.columns.year;
  const rdCol = l.mapping.columns.rd;
  if (rdCol === undefined) {
    report.notes.push(`研发费用台账“${S}”缺少“研发费用”列，无法计算研发补助`);
    report.issues.push({ sheet: S, row: headerRow, column: "", col: 0, field: "研发费用", severity: "error", message: "缺少列：研发费用，无法计算研发补助" });
    edits.push(clearPreviousMarks);
    return null;
  }
  if (yearCol === undefined) report.notes.push(`“${S}”没有“年度”列：每一行都按 ${year} 年度的研发费用计算，公式中的年度写为 ${year}`);

  // The add-in's own columns: found by their header, else added to the right of everything.
  const found: Partial<Record<RdScheme, number>> = {};
  for (const s of SCHEMES) found[s] = columnByHeader(l.sheet, headerRow, RD_HEADERS[s]);
  const lastCol = lastUsedCol(l.sheet);
  let next = lastCol + 1;
  const cols = {} as Record<RdScheme, number>;
  for (const s of SCHEMES) {
    const c = found[s];
    if (c !== undefined) cols[s] = c;
    else {
      cols[s] = next++;
      edits.push({ type: "setValues", sheet: S, row: headerRow, col: cols[s], values: [[RD_HEADERS[s]]] });
      edits.push({ type: "bold", sheet: S, row: headerRow, col: cols[s], rows: 1, cols: 1 });
    }
  }
  // What the formulas read: the ledger's columns up to (not including) the add-in's own, so a
  // formula never reads its own cell.
  const ours = Object.values(found).filter((c): c is number => c !== undefined);
  const firstCol = 1;
  const rangeEnd = ours.length > 0 ? Math.min(...ours) - 1 : lastCol;
  for (const [field, col] of Object.entries(l.mapping.columns)) {
    if (col > rangeEnd && !ours.includes(col)) {
      const name = RD.fields.find((f) => f.id === field)?.name ?? field;
      report.notes.push(`“${name}”列（${columnLetter(col)} 列）在研发补助列右侧，公式读不到它：请把它移到“${RD_HEADERS.province}”列左侧`);
    }
  }

  const headerCells: CellValue[] = [];
  for (let c = firstCol; c <= rangeEnd; c++) headerCells.push(cellAt(l.sheet, headerRow, c));
  const plan: FieldPlan = planForHeader(headerCells, RD);

  const rows = dataRows(l);
  const marks: CellMark[] = [];
  const markAt = (row: number, col: number, level: CellMark["level"], note: string) => marks.push({ row, col, level, note });
  const firstRow = rows.length > 0 ? rows[0].row : headerRow + 1;
  const lastRow = rows.length > 0 ? rows[rows.length - 1].row : headerRow;
  const formulas: Record<RdScheme, (string | null)[][]> = { province: [], city: [] };
  const results: Record<RdScheme, CellValue[][]> = { province: [], city: [] };
  for (let r = firstRow; r <= lastRow; r++)
    for (const s of SCHEMES) {
      formulas[s].push([null]);
      results[s].push([null]);
    }
  // What each of the add-in's formulas gives (its cached result), by row: the value =KJ.RDSUBSIDY
  // computes on the cells as every host hands them over (src/jobs/cached.ts).
  const shown: Record<RdScheme, Map<number, CellValue>> = { province: new Map(), city: new Map() };
  const headerArg = [headerCells.map((v) => engineValue(v))];
  const headerAsRead = !headerCells.some((c) => c instanceof Date);
  const formulaValue = (s: RdScheme, row: number): CellValue => {
    const y = yearCol === undefined ? year : engineValue(cellAt(l.sheet, row, yearCol));
    if (y !== null && typeof y === "object" && !(y instanceof Date)) return { error: y.error };
    const cells: CellValue[] = [];
    for (let c = firstCol; c <= rangeEnd; c++) cells.push(engineValue(cellAt(l.sheet, row, c)));
    return kjFunctionValue(() => fxRdSubsidyOf(RD_SCHEME_ARGS[s], y === null ? undefined : y, headerArg, [cells], packs));
  };
  /** Values the add-in's formula on a row the job does not fill (another year): kept, its cached result made right. */
  const keepOurs = (row: number) => {
    for (const s of SCHEMES) {
      const formula = formulaAt(l.sheet, row, cols[s]);
      if (formula === null || formula !== rdFormula(s, row, headerRow, firstCol, rangeEnd, yearCol, year)) continue;
      const v = formulaValue(s, row);
      shown[s].set(row, v);
      if (!sameCached(cellAt(l.sheet, row, cols[s]), v)) {
        formulas[s][row - firstRow][0] = formula;
        results[s][row - firstRow][0] = v;
      }
    }
  };
  let ofYear = 0;
  let otherYears = 0;
  const typedBefore = report.typedAmounts;
  const seen = new Map<string, number>();

  for (const { row } of rows) {
    // The row's year: its 年度 cell, or the job's year when the ledger has no 年度 column.
    if (yearCol !== undefined) {
      const raw = cellAt(l.sheet, row, yearCol);
      const y = readYear(raw);
      if (y.status !== "ok") {
        const message = y.status === "blank" ? "年度未填写，未计算研发补助" : `年度无法识别，未计算研发补助：${y.message}`;
        report.issues.push(cellIssue(l, row, "year", "error", message));
        markAt(row, yearCol, "error", message);
        keepOurs(row);
        continue;
      }
      if (y.value !== year) {
        otherYears++;
        keepOurs(row);
        continue;
      }
      if (typeof raw !== "number") {
        const message = `年度是文字（“${String(raw)}”），“${RD_SUMMARY_SHEET}”按年度统计不到这一行：请填数字 ${year}`;
        report.issues.push(cellIssue(l, row, "year", "warning", message));
        markAt(row, yearCol, "warning", message);
      }
    }
    ofYear++;
    const rowCells: CellValue[] = [];
    for (let c = firstCol; c <= rangeEnd; c++) rowCells.push(cellAt(l.sheet, row, c));
    const view: RowView = { cells: rowCells, plan };
    const nameR = l.mapping.columns.name !== undefined ? readText(cellAt(l.sheet, row, l.mapping.columns.name)) : ({ status: "blank" } as const);
    const name = nameR.status === "ok" ? nameR.value : "";
    const townR = l.mapping.columns.town !== undefined ? cellAt(l.sheet, row, l.mapping.columns.town) : null;
    const town = typeof townR === "string" ? townR : townR === null || isBlankCell(townR) ? "" : String(townR);

    // One enterprise twice in the year would be paid twice.
    const codeR = l.mapping.columns.uscc !== undefined ? readText(cellAt(l.sheet, row, l.mapping.columns.uscc)) : ({ status: "blank" } as const);
    const who = codeR.status === "ok" ? "code:" + lookupKey(codeR.value) : name ? "name:" + lookupKey(name) : null;
    if (who) {
      const prior = seen.get(who);
      if (prior !== undefined) {
        const message = `同一企业在 ${year} 年度已在第 ${prior} 行列出：补助会重复计算，请核对`;
        const field = codeR.status === "ok" ? "uscc" : "name";
        report.issues.push(cellIssue(l, row, field, "warning", message));
        markAt(row, l.mapping.columns[field] as number, "warning", message);
      } else seen.set(who, row);
    }

    const cells = {} as Record<RdScheme, RdCell>;
    const missing = new Set<string>();
    for (const s of SCHEMES) {
      const col = cols[s];
      const pack = used[s];
      if (!pack) {
        cells[s] = { amount: null, eligible: null, provisional: false, why: report.noPolicy[s] ?? "", problem: report.noPolicy[s] ?? null, source: "none" };
        continue;
      }
      const result: RdResult = rdSubsidy(pack, view, year, reasons);
      const why = reasons || result.amount === null ? rdWhyText(result) : "";
      const problem = result.amount === null ? rdUnknownMessage(result) : null;
      for (const m of result.missing) missing.add(m);
      const formula = formulaAt(l.sheet, row, col);
      const value = cellAt(l.sheet, row, col);
      const isOurs = formula !== null && KJ_RDSUBSIDY_FORMULA.test(formula);
      const empty = formula === null && isBlankCell(value);
      const wanted = rdFormula(s, row, headerRow, firstCol, rangeEnd, yearCol, year);
      if (isOurs || empty) {
        // The formula reads the same cells the job just read: where an engine sees them as they
        // are (no date among them, the year a number), its value is the job's own result.
        const asRead = headerAsRead && (yearCol === undefined || cellAt(l.sheet, row, yearCol) === year) && !rowCells.some((c) => c instanceof Date);
        const v = asRead ? (result.amount === null ? { error: "#N/A" } : kjFunctionValue(() => result.amount!.toNumber())) : formulaValue(s, row);
        shown[s].set(row, v);
        if (formula !== wanted) report.formulasWritten++;
        // Written again when the formula or its cached result is not as it should be.
        if (formula !== wanted || !sameCached(value, v)) {
          formulas[s][row - firstRow][0] = wanted;
          results[s][row - firstRow][0] = v;
        }
        cells[s] = { amount: result.amount, eligible: result.eligible, provisional: result.provisional, why, problem, source: "formula" };
        if (problem !== null) {
          report.issues.push({ sheet: S, row, column: columnLetter(col), col, field: RD_HEADERS[s], severity: "error", message: problem });
          markAt(row, col, "error", problem);
        }
      } else {
        report.typedAmounts++;
        const typed = readMoney(value);
        const amount = typed.status === "ok" ? typed.value : null;
        const what = formula !== null ? `${RD_HEADERS[s]}是另一个公式` : `${RD_HEADERS[s]}是手工填写的`;
        const policy = result.amount !== null ? `按政策应为 ${result.amount.toString()} 万元` : "按政策无法计算（见本行其他标记）";
        const same = result.amount !== null && amount !== null && amount.equals(result.amount);
        const message = same
          ? `${what}，与政策测算一致（${result.amount!.toString()} 万元）；未改写，可清空后重新运行以改为公式`
          : `${what}（${typed.status === "ok" ? typed.value.toString() + " 万元" : "无法读取"}），未改写；${policy}`;
        report.issues.push({ sheet: S, row, column: columnLetter(col), col, field: RD_HEADERS[s], severity: "warning", message });
        markAt(row, col, same ? "suggestion" : "warning", message);
        cells[s] = { amount, eligible: result.eligible, provisional: result.provisional, why, problem: amount === null ? message : null, source: "typed" };
      }
    }
    // The blank or unreadable inputs, once for both schemes, on their own cells.
    for (const m of missing) {
      const f = RD.fields.find((x) => x.name === m);
      const col = f ? l.mapping.columns[f.id] : undefined;
      if (f && col !== undefined && col <= rangeEnd) {
        const v = cellAt(l.sheet, row, col);
        const message = `${m}${isBlankCell(v) ? "未填写" : `“${typeof v === "object" && v !== null && "error" in v ? v.error : String(v)}”无法识别`}：研发补助无法计算，请补充`;
        report.issues.push(cellIssue(l, row, f.id, "error", message));
        markAt(row, col, "error", message);
      }
    }
    const line: RdRow = { sheet: S, row, name, town, province: cells.province, city: cells.city };
    report.rows.push(line);
    addTo(report.totals.province, cells.province);
    addTo(report.totals.city, cells.city);
  }

  for (const s of SCHEMES) {
    if (formulas[s].some((r) => r[0] !== null)) edits.push({ type: "setFormulas", sheet: S, row: firstRow, col: cols[s], formulas: formulas[s], results: results[s] });
  }
  for (const s of SCHEMES) edits.push({ type: "numberFormat", sheet: S, row: headerRow + 1, col: cols[s], rows: Math.max(1, lastRow - headerRow), cols: 1, format: WAN_NUMBER_FORMAT });
  edits.push(clearPreviousMarks);
  if (marks.length > 0) edits.push({ type: "mark", sheet: S, marks });
  if (!l.sheet.formulas && report.typedAmounts > typedBefore) report.notes.push(`未读取到“${S}”的公式：研发补助列中已有数值的单元格一律按手工填写处理，不会改写`);
  if (ofYear === 0) report.notes.push(`“${S}”中没有 ${year} 年度的行${otherYears > 0 ? `（其他年度 ${otherYears} 行）` : ""}`);
  report.sheets.push({ sheet: S, headerRow, rows: ofYear, otherYears, columns: { province: columnLetter(cols.province), city: columnLetter(cols.city) } });
  return { cols, lastRow: Math.max(lastRow, lastUsedRow(l.sheet)), shown };
}

// ---------------------------------------------------------------- 研发补助汇总

function sheetRef(name: string): string {
  return `'${name.replace(/'/g, "''")}'!`;
}

function literal(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

function summaryEdits(
  snapshot: WorkbookSnapshot,
  l: Ledger,
  cols: Record<RdScheme, number>,
  lastRow: number,
  year: number,
  used: Partial<Record<RdScheme, RdPack>>,
  report: RdSubsidiesReport,
  shown: Record<RdScheme, ReadonlyMap<number, CellValue>>,
): Edit[] {
  const S = RD_SUMMARY_SHEET;
  const edits = rewriteOwnSheetEdits(snapshot, S);
  const from = l.mapping.headerRow + 1;
  const to = Math.max(lastRow + RD_RANGE_SLACK_ROWS, from + RD_RANGE_SLACK_ROWS);
  const pre = sheetRef(l.sheet.name);
  const range = (col: number) => `${pre}$${columnLetter(col)}$${from}:$${columnLetter(col)}$${to}`;
  const yearCol = l.mapping.columns.year;
  const townCol = l.mapping.columns.town;
  const nameCol = l.mapping.columns.name;
  const YEAR = yearCol !== undefined ? range(yearCol) : null;

  // Each formula is built together with the value it gives (its cached result), from the same
  // cells as an engine sees them (src/jobs/cached.ts); `known` turns false with the first value
  // that cannot be known, and the report then asks the host to recalculate.
  let known = report.recalcReason === null;
  const guard = <T>(compute: () => T): T | null => {
    if (!known) return null;
    try {
      return compute();
    } catch (e) {
      if (!(e instanceof Unknowable)) throw e;
      report.recalcReason ??= e.reason;
      known = false;
      return null;
    }
  };
  const column = (col: number, own?: ReadonlyMap<number, CellValue>) => guard(() => columnOf(l.sheet, col, from, to, own ? (r) => own.get(r) : undefined));
  const amt: Record<RdScheme, CellValue[] | null> = { province: column(cols.province, shown.province), city: column(cols.city, shown.city) };
  const yearC = yearCol !== undefined ? column(yearCol) : null;
  const nameC = nameCol !== undefined ? column(nameCol) : null;
  const townC = townCol !== undefined ? column(townCol) : null;
  /** A criterion pair: its formula text and its test (made when the value is wanted). */
  interface Crit {
    text: string;
    make: () => Criterion;
  }
  /** A cell: its formula text (without "=") and its value (null when unknown). */
  interface Cell {
    f: string;
    v: Decimal | null;
  }
  // Rows of the year: by 年度 when there is the column, else every row with a name.
  const ofYear: Crit[] = YEAR
    ? [{ text: `${YEAR},${year}`, make: () => numberEquals(yearC!, year) }]
    : nameCol !== undefined
      ? [{ text: `${range(nameCol)},"<>"`, make: () => notBlank(nameC!) }]
      : [];
  const AMT: Record<RdScheme, string> = { province: range(cols.province), city: range(cols.city) };
  const amountIs = (s: RdScheme, op: ">" | ">=", n: number): Crit => ({ text: `${AMT[s]},"${op}${n}"`, make: () => numberCompare(amt[s]!, op, n) });
  // Sums and counts also ask 金额 >= 0: a row whose formula shows an error (or WPS's error text)
  // is left out of the amount and counted as 无法计算, instead of turning the total into an error.
  const countIfs_ = (crit: Crit[]): Cell => ({
    f: `COUNTIFS(${crit.map((c) => c.text).join(",")})`,
    v: guard(() => {
      if (crit.length === 0) throw new Unknowable("台账没有“年度”和“企业名称”列，汇总公式无法统计");
      return new Decimal(countIfs(crit.map((c) => c.make())));
    }),
  });
  const sumIfs_ = (s: RdScheme, crit: Crit[]): Cell => {
    const all = [...crit, amountIs(s, ">=", 0)];
    return { f: `SUMIFS(${[AMT[s], ...all.map((c) => c.text)].join(",")})`, v: guard(() => sumIfs(amt[s]!, all.map((c) => c.make()))) };
  };
  const values: CellValue[][] = [];
  const formulas: (string | null)[][] = [];
  const results: CellValue[][] = [];
  /** The value of each cell written so far, by "C12", for formulas that refer to other cells. */
  const at = new Map<string, Decimal | null>();
  const ref = (a: string): Cell => ({ f: a, v: at.get(a) ?? null });
  const op = (sign: "+" | "-", a: Cell, b: Cell): Cell => ({ f: `${a.f}${sign}${b.f}`, v: a.v === null || b.v === null ? null : sign === "+" ? a.v.plus(b.v) : a.v.minus(b.v) });
  const sumRange = (L: string, first: number, last: number): Cell => {
    if (last < first) return { f: "0", v: new Decimal(0) };
    let v: Decimal | null = new Decimal(0);
    for (let r = first; r <= last; r++) {
      const x = at.get(`${L}${r}`) ?? null;
      v = v === null || x === null ? null : v.plus(x);
    }
    return { f: `SUM(${L}${first}:${L}${last})`, v };
  };
  const bold: number[] = [];
  const countCells: { row: number; col: number }[] = [];
  const amountCells: { row: number; col: number }[] = [];
  const line = (v: CellValue[], f: (Cell | null)[] = []) => {
    values.push(v);
    const r = values.length;
    formulas.push(f.map((c) => (c === null ? null : `=${c.f}`)));
    results.push(f.map((c) => (c === null || c.v === null ? null : guard(() => cachedNumber(c.v as Decimal)))));
    f.forEach((c, j) => c && at.set(`${columnLetter(j + 1)}${r}`, c.v));
    return r;
  };
  const header = (cells: string[]) => bold.push(line(cells));
  const setKinds = (row: number, counts: number[], amounts: number[]) => {
    for (const c of counts) countCells.push({ row, col: c });
    for (const c of amounts) amountCells.push({ row, col: c });
  };

  bold.push(line([`研发补助汇总（“${l.sheet.name}”，${year} 年度研发费用；公式随台账自动更新；金额单位：万元）`]));
  line([
    `统计范围：“${l.sheet.name}”第 ${from} 行至第 ${to} 行${YEAR ? `中年度为 ${year} 的行` : ""}；省级研发补助取 ${columnLetter(cols.province)} 列，市级取 ${columnLetter(cols.city)} 列。无法计算的行计入行数和“无法计算”，不计入金额（台账上已标记，请补充）。`,
  ]);
  const basis = SCHEMES.map((s) => {
    const p = used[s];
    return p ? `${RD_SCHEME_NAMES[s]}：《${p.title}》（${p.docNo}，${rdYearsText(p)}）${p.provisional ? "（含暂定值，待核定）" : ""}` : `${RD_SCHEME_NAMES[s]}：${year} 年度无适用政策`;
  });
  line([`依据：${basis.join("；")}。计划 二（四）1。`]);
  line([]);

  // By scheme.
  header(["按方案", "企业（行）数", "获补助企业数", "无法计算", "补助合计（万元）"]);
  const schemeRow: Partial<Record<RdScheme, number>> = {};
  for (const s of SCHEMES) {
    const r = values.length + 1;
    if (!used[s]) {
      line([`${RD_SCHEME_NAMES[s]}（${year} 年度无适用政策）`]);
      continue;
    }
    schemeRow[s] = r;
    const rows = countIfs_(ofYear);
    line([RD_SCHEME_NAMES[s]], [null, rows, countIfs_([...ofYear, amountIs(s, ">", 0)]), op("-", { f: `B${r}`, v: rows.v }, countIfs_([...ofYear, amountIs(s, ">=", 0)])), sumIfs_(s, ofYear)]);
    setKinds(r, [2, 3, 4], [5]);
  }
  const both = SCHEMES.filter((s) => schemeRow[s] !== undefined).map((s) => ref(`E${schemeRow[s]}`));
  const totalRow = line(["两项合计"], [null, null, null, null, both.slice(1).reduce((a, b) => op("+", a, b), both[0])]);
  setKinds(totalRow, [], [5]);
  line([]);

  // By town.
  if (townCol === undefined) {
    line(["按镇街：台账没有“所属镇街”列"]);
  } else {
    const TOWN = range(townCol);
    header(["按镇街", "企业（行）数", "省级获补助", "省级补助（万元）", "市级获补助", "市级补助（万元）", "合计（万元）"]);
    const first = values.length + 1;
    const towns = report.byTown.filter((t) => t.town !== NO_TOWN);
    const schemeCells = (crit: Crit[], s: RdScheme): (Cell | null)[] => (used[s] ? [countIfs_([...crit, amountIs(s, ">", 0)]), sumIfs_(s, crit)] : [null, null]);
    /** D+F of row r, once D and F of it are known. */
    const bothOf = (r: number, d: Cell | null, f: Cell | null): Cell => ({ f: `D${r}+F${r}`, v: d?.v == null || f?.v == null ? null : d.v.plus(f.v) });
    for (const t of towns) {
      const crit = [...ofYear, { text: `${TOWN},${literal(t.town)}`, make: () => textEquals(townC!, t.town) }];
      const r = values.length + 1;
      const [c, d] = schemeCells(crit, "province");
      const [e, f] = schemeCells(crit, "city");
      line([t.town], [null, countIfs_(crit), c, d, e, f, bothOf(r, d ?? { f: "", v: new Decimal(0) }, f ?? { f: "", v: new Decimal(0) })]);
      setKinds(r, [2, 3, 5], [4, 6, 7]);
    }
    const last = values.length;
    if (report.byTown.some((t) => t.town === NO_TOWN)) {
      // The rest: rows without a town (or one written otherwise), as the totals minus the towns.
      const r = values.length + 1;
      // The 合计 row below (r + 1) is written after this one: its values are computed first.
      const totals: Record<string, Cell> = {
        B: countIfs_(ofYear),
        C: schemeRow.province ? ref(`C${schemeRow.province}`) : { f: "", v: null },
        D: schemeRow.province ? ref(`E${schemeRow.province}`) : { f: "", v: null },
        E: schemeRow.city ? ref(`C${schemeRow.city}`) : { f: "", v: null },
        F: schemeRow.city ? ref(`E${schemeRow.city}`) : { f: "", v: null },
      };
      const rest = (L: string): Cell => op("-", { f: `${L}${r + 1}`, v: totals[L].v }, sumRange(L, first, last));
      const d = used.province ? rest("D") : null;
      const f = used.city ? rest("F") : null;
      line([NO_TOWN], [null, rest("B"), used.province ? rest("C") : null, d, used.city ? rest("E") : null, f, bothOf(r, d ?? { f: "", v: new Decimal(0) }, f ?? { f: "", v: new Decimal(0) })]);
      setKinds(r, [2, 3, 5], [4, 6, 7]);
    }
    const r = values.length + 1;
    const p = schemeRow.province;
    const c = schemeRow.city;
    const D = p ? ref(`E${p}`) : null;
    const F = c ? ref(`E${c}`) : null;
    line(["合计"], [null, countIfs_(ofYear), p ? ref(`C${p}`) : null, D, c ? ref(`C${c}`) : null, F, bothOf(r, D ?? { f: "", v: new Decimal(0) }, F ?? { f: "", v: new Decimal(0) })]);
    setKinds(r, [2, 3, 5], [4, 6, 7]);
    bold.push(r);
  }

  const width = 7;
  const pad = <T>(rows: T[][], fill: T) => rows.map((row) => [...row, ...new Array<T>(width - row.length).fill(fill)]);
  edits.push({ type: "setValues", sheet: S, row: 1, col: 1, values: pad(values, null) });
  edits.push({ type: "setFormulas", sheet: S, row: 1, col: 1, formulas: pad(formulas, null), ...(known ? { results: pad(results, null) } : {}) });
  for (const c of countCells) edits.push({ type: "numberFormat", sheet: S, row: c.row, col: c.col, rows: 1, cols: 1, format: COUNT_NUMBER_FORMAT });
  for (const c of amountCells) edits.push({ type: "numberFormat", sheet: S, row: c.row, col: c.col, rows: 1, cols: 1, format: WAN_NUMBER_FORMAT });
  for (const r of bold) edits.push({ type: "bold", sheet: S, row: r, col: 1, rows: 1, cols: r === 1 ? 1 : width });
  edits.push({ type: "columnWidths", sheet: S, col: 1, widths: [30, 12, 12, 16, 12, 16, 16] });
  return edits;
}

/** Totals as plain JSON (amounts as exact decimal text and as numbers) for the CLI and the pane. */
export function rdTotalsJson(r: RdSubsidiesReport): object {
  const one = (t: RdTotal) => ({ rows: t.rows, granted: t.granted, unknown: t.unknown, amount: t.amount.toNumber(), amountText: t.amount.toString() });
  return {
    province: one(r.totals.province),
    city: one(r.totals.city),
    byTown: r.byTown.map((t) => ({ town: t.town, rows: t.rows, province: one(t.province), city: one(t.city) })),
  };
}

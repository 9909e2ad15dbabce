/**
 * Awards job — 奖励测算 (计划 二（一）4, 二（二）4, 二（四）3; DOMAIN §2). On the 奖励 ledger:
 * fills 奖励金额（万元） with =KJ.AWARD(事项, 计算依据, 认定日期) formulas on the row's own
 * cells (only in empty cells or cells already holding a KJ.AWARD formula: a typed amount is
 * flagged, never overwritten), flags rows that cannot be computed and repeated once-only
 * awards, and writes the add-in's own sheet 奖励汇总 from SUMIFS / COUNTIFS formulas over the
 * ledger columns, so totals follow when staff edit the ledger. The report carries the same
 * totals computed exactly in Decimal.
 */
import Decimal from "decimal.js";
import { formatDay, yearOf } from "../dates";
import { WAN_NUMBER_FORMAT } from "../format";
import { isKjError } from "../errors";
import { CellMark, Edit, WorkbookSnapshot } from "../host/port";
import { CellValue, isBlankCell, readDate, readMoney, readText } from "../ledger/cells";
import { PAY_STATES } from "../ledger/catalogue";
import { computeAward, findAwardItem, LoadedPlan, PLAN_PACKS, planFor } from "../policy/plans";
import { AwardItem } from "../policy/schema";
import { columnLetter, lookupKey } from "../text";
import { fxAwardOf } from "../fx/award";
import { cachedNumber, Column, columnOf, Criterion, countIfs, dateSerial, engineValue, kjFunctionValue, notBlank, numberCompare, otherFormulasReason, sameCached, sumIfs, textEquals, Unknowable } from "./cached";
import { cellAt, cellIssue, columnByHeader, dataRows, findLedgers, formulaAt, Ledger, lastUsedCol, lastUsedRow, readAt, rewriteOwnSheetEdits } from "./ledgers";
import { Issue, JobOptions, JobResult } from "./types";

export const AWARD_SUMMARY_SHEET = "奖励汇总";
export const AMOUNT_HEADER = "奖励金额（万元）";
/** The summary's ranges reach this many rows past the ledger's last row, so appended rows are counted. */
export const RANGE_SLACK_ROWS = 1000;
export const UNFILLED_STATUS = "未填写";
export const UNKNOWN_ITEM = "未识别事项";
export const UNKNOWN_YEAR = "日期不详";
/** The summary's amounts are rounded to at least this many decimals of 万元 (1 元)… */
export const MIN_SUMMARY_DIGITS = 4;
/** …and at most this many (1 分): no money is finer, and a total's float residue stays far below it. */
export const MAX_SUMMARY_DIGITS = 6;

const KJ_AWARD_FORMULA = /^=\s*KJ\.AWARD\s*\(/i;

export interface Total {
  count: number;
  /** 万元, exact. */
  amount: Decimal;
}

export interface AwardTotals {
  total: Total;
  /** By year of 认定日期 ("2023"; 日期不详 when unreadable). */
  byYear: Record<string, Total>;
  /** By item key (hitech_new, ...; 未识别事项), with the item's name. */
  byItem: Record<string, Total & { name: string }>;
  /** By 拨付状态: 已拨付, 待拨付, 未填写. */
  byStatus: Record<string, Total>;
}

export interface AwardRow {
  sheet: string;
  row: number;
  name: string;
  /** Item key when the item is known. */
  item: string | null;
  date: string | null;
  /** The amount counted in the totals: the policy amount for a formula cell, the typed amount otherwise; null when unknown. */
  amount: Decimal | null;
  payStatus: string;
  /** formula: the add-in's KJ.AWARD formula; typed: a value or other formula the user put there. */
  source: "formula" | "typed";
  /** Why the amount cannot be computed, in plain Chinese; null when it can. */
  problem: string | null;
}

export interface AwardsReport {
  sheets: { sheet: string; headerRow: number; rows: number; amountColumn: string }[];
  rows: AwardRow[];
  totals: AwardTotals;
  /** Cells that got a new KJ.AWARD formula. */
  formulasWritten: number;
  /** Rows whose amount the user typed (left alone, flagged). */
  typedAmounts: number;
  issues: Issue[];
  /** The sheet the SUMIFS summary is written to (null when there is no award ledger). */
  summarySheet: string | null;
  /**
   * Why some formula written has no exact cached result (a host that writes files must then
   * recalculate the workbook), in Chinese; null when every formula carries the value it gives.
   */
  recalcReason: string | null;
  notes: string[];
}

/** The formula for one row: =KJ.AWARD(C5,E5,D5); "" stands in for a missing 计算依据 column. */
export function awardFormula(row: number, itemCol: number, basisCol: number | undefined, dateCol: number): string {
  const basis = basisCol === undefined ? '""' : `${columnLetter(basisCol)}${row}`;
  return `=KJ.AWARD(${columnLetter(itemCol)}${row},${basis},${columnLetter(dateCol)}${row})`;
}

function emptyTotal(): Total {
  return { count: 0, amount: new Decimal(0) };
}

function addTo(t: Total, amount: Decimal | null): void {
  t.count++;
  if (amount) t.amount = t.amount.plus(amount);
}

/** Which cell a computeAward error is about. */
function fieldOfError(code: string): "item" | "basis" | "date" {
  if (code === "basis_required" || code === "basis_invalid") return "basis";
  if (code === "no_policy") return "date";
  return "item";
}

/**
 * Fills the award ledger(s) with KJ.AWARD formulas, flags what cannot be computed and writes
 * 奖励汇总. Each run first clears the add-in's marks on the ledger sheet, then marks afresh.
 * Running it twice gives no new formula edits, the same marks and the same summary.
 */
export interface AwardsJobOptions extends JobOptions {
  /** Packs were given besides the workbook's own (kj --policy): other KJ formulas need recalculating. */
  policiesGiven?: boolean;
}

export function fillAwards(snapshot: WorkbookSnapshot, opts: AwardsJobOptions, packs: readonly LoadedPlan[] = PLAN_PACKS): JobResult<AwardsReport> {
  const report: AwardsReport = {
    sheets: [],
    rows: [],
    totals: { total: emptyTotal(), byYear: {}, byItem: {}, byStatus: {} },
    formulasWritten: 0,
    typedAmounts: 0,
    issues: [],
    summarySheet: null,
    recalcReason: null,
    notes: [],
  };
  const edits: Edit[] = [];
  const ledgers = findLedgers(snapshot, "award", opts.sheet);
  if (ledgers.length === 0) {
    report.notes.push(opts.sheet ? `工作表“${opts.sheet}”不是奖励台账` : "未找到奖励台账（表头应含 名称、奖励事项、认定日期 等列）");
    return { report, edits };
  }
  const summarised: { l: Ledger; amountCol: number; lastRow: number; amounts: Map<number, CellValue>; ours: Set<number> }[] = [];
  for (const l of ledgers) {
    const done = fillLedger(l, packs, report, edits);
    if (done) summarised.push({ l, ...done });
  }
  // The cached results can be exact only when nothing else in the workbook needs the engine:
  // every formula of a ledger is the add-in's (valued here), no other sheet reads a ledger.
  for (const x of summarised) {
    report.recalcReason ??= otherFormulasReason(snapshot, x.l.sheet, AWARD_SUMMARY_SHEET, (row, col, f) => col === x.amountCol && x.ours.has(row) && KJ_AWARD_FORMULA.test(f), opts.policiesGiven);
  }
  if (summarised.length > 0) {
    const first = summarised[0];
    if (summarised.length > 1) report.notes.push(`有 ${summarised.length} 个奖励台账，汇总表只汇总第一个（“${first.l.sheet.name}”）`);
    edits.push(...summaryEdits(snapshot, first.l, first.amountCol, first.lastRow, packs, report, first.amounts));
    report.summarySheet = AWARD_SUMMARY_SHEET;
  }
  return { report, edits };
}

/**
 * The value =KJ.AWARD(item, basis, date) gives on these cells, as every host computes it: an
 * error among the arguments passes through, blank is absent, dates are serial numbers.
 */
export function awardFormulaValue(item: CellValue, basis: CellValue | undefined, date: CellValue, packs: readonly LoadedPlan[], memo?: Map<string, CellValue>): CellValue {
  const args = [engineValue(item), basis === undefined ? "" : engineValue(basis), engineValue(date)];
  for (const a of args) if (a !== null && typeof a === "object" && !(a instanceof Date)) return { error: a.error };
  // A ledger repeats the same few (item, basis, date): the core is pure, repeats come from the memo.
  const key = memo ? args.map((a) => `${typeof a}:${String(a)}`).join("\u0000") : "";
  const hit = memo?.get(key);
  if (hit !== undefined) return hit;
  const [i, b, d] = args.map((a) => (a === null ? undefined : a));
  const v = kjFunctionValue(() => fxAwardOf(i, b, d, packs));
  memo?.set(key, v);
  return v;
}

function fillLedger(
  l: Ledger,
  packs: readonly LoadedPlan[],
  report: AwardsReport,
  edits: Edit[],
): { amountCol: number; lastRow: number; amounts: Map<number, CellValue>; ours: Set<number> } | null {
  const S = l.sheet.name;
  // The last run's marks go first: a row the user has fixed since must not keep its old mark.
  const clearPreviousMarks: Edit = { type: "clearMarks", sheet: S };
  const itemCol = l.mapping.columns.item;
  const dateCol = l.mapping.columns.date;
  const basisCol = l.mapping.columns.basis;
  if (itemCol === undefined || dateCol === undefined) {
    const lacking = [itemCol === undefined ? "奖励事项" : null, dateCol === undefined ? "认定日期" : null].filter(Boolean).join("、");
    report.notes.push(`奖励台账“${S}”缺少列：${lacking}，无法写入奖励公式`);
    report.issues.push({ sheet: S, row: l.mapping.headerRow, column: "", col: 0, field: lacking, severity: "error", message: `缺少列：${lacking}，无法测算奖励` });
    edits.push(clearPreviousMarks);
    return null;
  }
  let amountCol = l.mapping.columns.amount ?? columnByHeader(l.sheet, l.mapping.headerRow, AMOUNT_HEADER);
  if (amountCol === undefined) {
    // No amount column yet: the add-in adds its own to the right of everything.
    amountCol = lastUsedCol(l.sheet) + 1;
    edits.push({ type: "setValues", sheet: S, row: l.mapping.headerRow, col: amountCol, values: [[AMOUNT_HEADER]] });
    edits.push({ type: "bold", sheet: S, row: l.mapping.headerRow, col: amountCol, rows: 1, cols: 1 });
  }
  if (!l.sheet.formulas) {
    report.notes.push(`未读取到“${S}”的公式：奖励金额列中已有数值的单元格一律按手工填写处理，不会改写`);
  }
  const rows = dataRows(l);
  const marks: CellMark[] = [];
  const issue = (row: number, field: string, severity: "error" | "warning", message: string, col: number) => {
    report.issues.push(field === "amount" && l.mapping.columns.amount === undefined
      ? { sheet: S, row, column: columnLetter(col), col, field: AMOUNT_HEADER, severity, message }
      : cellIssue(l, row, field, severity, message));
    marks.push({ row, col, level: severity === "error" ? "error" : "warning", note: message });
  };
  const colOf = (f: "item" | "basis" | "date") => (f === "basis" ? basisCol ?? itemCol : f === "item" ? itemCol : dateCol);
  const onceSeen = new Map<string, number>();
  const firstRow = rows.length > 0 ? rows[0].row : l.mapping.headerRow + 1;
  const lastRow = rows.length > 0 ? rows[rows.length - 1].row : l.mapping.headerRow;
  const formulas: (string | null)[][] = [];
  const results: CellValue[][] = [];
  for (let r = firstRow; r <= lastRow; r++) {
    formulas.push([null]);
    results.push([null]);
  }
  // What the amount column shows on the rows holding the add-in's formula (their cached results).
  const amounts = new Map<number, CellValue>();
  const ourRows = new Set<number>();
  const memo = new Map<string, CellValue>();

  // What the policy says for a row depends only on its item, date and basis cells: a ledger
  // repeats a few of those thousands of times, so each combination is worked out once.
  type Outcome = { dateReading: ReturnType<typeof readDate>; problem: string | null; problemField: "item" | "basis" | "date"; computed: { key: string; name: string; amount: Decimal; once: boolean } | null; itemDef: AwardItem | null };
  const outcomes = new Map<string, Outcome>();
  const keyOf = (v: CellValue) => (v instanceof Date ? `d:${v.getTime()}` : v !== null && typeof v === "object" ? `e:${v.error}` : `${typeof v}:${String(v)}`);
  const outcomeOf = (row: number): Outcome => {
    const itemCell = cellAt(l.sheet, row, itemCol);
    const dateCell = cellAt(l.sheet, row, dateCol);
    const basisCell = basisCol === undefined ? null : cellAt(l.sheet, row, basisCol);
    const key = `${keyOf(itemCell)}\u0001${keyOf(dateCell)}\u0001${keyOf(basisCell)}`;
    const known = outcomes.get(key);
    if (known) return known;
    const itemText = readText(itemCell);
    const dateReading = readDate(dateCell);
    const basisReading = basisCol === undefined ? ({ status: "blank" } as const) : readMoney(basisCell);
    let problem: string | null = null;
    let problemField: "item" | "basis" | "date" = "item";
    let computed: { key: string; name: string; amount: Decimal; once: boolean } | null = null;
    // The item alone (for the by-item totals), even when the amount cannot be computed.
    let itemDef: AwardItem | null = null;
    if (itemText.status === "ok") {
      try {
        itemDef = findAwardItem(itemText.value, planFor(dateReading.status === "ok" ? dateReading.value : null, packs));
      } catch (e) {
        if (!isKjError(e)) throw e;
        try {
          itemDef = findAwardItem(itemText.value, planFor(null, packs));
        } catch (e2) {
          if (!isKjError(e2)) throw e2;
        }
      }
    }
    if (itemText.status !== "ok") {
      problem = itemText.status === "blank" ? "奖励事项未填写，无法测算奖励" : itemText.message;
    } else if (dateReading.status !== "ok") {
      problemField = "date";
      problem = dateReading.status === "blank" ? "认定日期未填写，无法确定适用的政策" : dateReading.message;
    } else if (basisReading.status === "invalid") {
      problemField = "basis";
      problem = basisReading.message;
    } else {
      try {
        const a = computeAward({ item: itemText.value, basis: basisReading.status === "ok" ? basisReading.value : null, date: dateReading.value }, packs);
        computed = { key: a.item, name: a.name, amount: a.amount, once: itemDef?.once ?? false };
      } catch (e) {
        if (!isKjError(e)) throw e;
        problemField = fieldOfError(e.code);
        problem = basisCol === undefined && problemField === "basis" ? `${e.message}（台账没有“计算依据（万元）”列）` : e.message;
      }
    }
    const outcome: Outcome = { dateReading, problem, problemField, computed, itemDef };
    outcomes.set(key, outcome);
    return outcome;
  };

  for (const { row } of rows) {
    const { dateReading, problem, problemField, computed, itemDef } = outcomeOf(row);
    const name = readAt(l, row, "name");

    const formula = formulaAt(l.sheet, row, amountCol);
    const value = cellAt(l.sheet, row, amountCol);
    const ours = formula !== null && KJ_AWARD_FORMULA.test(formula);
    const empty = formula === null && isBlankCell(value);
    const wanted = awardFormula(row, itemCol, basisCol, dateCol);
    let amount: Decimal | null = computed ? computed.amount : null;
    let source: AwardRow["source"] = "formula";
    if (ours || empty) {
      const shown = awardFormulaValue(cellAt(l.sheet, row, itemCol), basisCol === undefined ? undefined : cellAt(l.sheet, row, basisCol), cellAt(l.sheet, row, dateCol), packs, memo);
      amounts.set(row, shown);
      ourRows.add(row);
      if (formula !== wanted) report.formulasWritten++;
      // Written again when the formula or its cached result is not as it should be.
      if (formula !== wanted || !sameCached(value, shown)) {
        formulas[row - firstRow][0] = wanted;
        results[row - firstRow][0] = shown;
      }
    } else {
      source = "typed";
      report.typedAmounts++;
      const typed = readMoney(value);
      amount = typed.status === "ok" ? typed.value : null;
      const what = formula !== null ? "奖励金额是另一个公式" : "奖励金额是手工填写的";
      const policy = computed ? `按政策应为 ${computed.amount.toString()} 万元` : "按政策无法测算（见本行其他标记）";
      const same = computed !== null && amount !== null && amount.equals(computed.amount);
      const message = same
        ? `${what}，与政策测算一致（${computed!.amount.toString()} 万元）；未改写，可清空后重新运行以改为公式`
        : `${what}（${typed.status === "ok" ? typed.value.toString() + " 万元" : "无法读取"}），未改写；${policy}`;
      report.issues.push({ sheet: S, row, column: columnLetter(amountCol), col: amountCol, field: AMOUNT_HEADER, severity: "warning", message });
      marks.push({ row, col: amountCol, level: same ? "suggestion" : "warning", note: message });
    }
    if (problem !== null) issue(row, problemField, "error", problem, colOf(problemField));

    // A once-only award twice for the same holder (by code, else name).
    if (computed?.once) {
      const code = l.mapping.columns.uscc !== undefined ? readText(cellAt(l.sheet, row, l.mapping.columns.uscc)) : { status: "blank" as const };
      const holder = code.status === "ok" ? "code:" + lookupKey(code.value) : name.status === "ok" ? "name:" + String(name.value) : null;
      if (holder) {
        const k = `${holder}\u0001${computed.key}`;
        const prior = onceSeen.get(k);
        if (prior !== undefined) {
          issue(row, "item", "warning", `“${computed.name}”是一次性奖励，同一单位已在第 ${prior} 行列支，请核实是否重复`, itemCol);
        } else onceSeen.set(k, row);
      }
    }

    if (dateReading.status === "ok" && typeof cellAt(l.sheet, row, dateCol) === "string") {
      issue(row, "date", "warning", "认定日期是文字，汇总表按年度统计不到这一行：请改为日期格式", dateCol);
    }

    const status = readAt(l, row, "payStatus");
    const payStatus = status.status === "ok" ? String(status.value) : UNFILLED_STATUS;
    const year = dateReading.status === "ok" ? String(yearOf(dateReading.value)) : UNKNOWN_YEAR;
    const t = report.totals;
    addTo(t.total, amount);
    addTo((t.byYear[year] ??= emptyTotal()), amount);
    const itemKey = itemDef?.key ?? UNKNOWN_ITEM;
    addTo((t.byItem[itemKey] ??= { ...emptyTotal(), name: itemDef?.name ?? UNKNOWN_ITEM }), amount);
    addTo((t.byStatus[payStatus] ??= emptyTotal()), amount);
    report.rows.push({
      sheet: S,
      row,
      name: name.status === "ok" ? String(name.value) : "",
      item: itemDef?.key ?? null,
      date: dateReading.status === "ok" ? formatDay(dateReading.value) : null,
      amount,
      payStatus,
      source,
      problem,
    });
  }
  if (formulas.some((r) => r[0] !== null)) edits.push({ type: "setFormulas", sheet: S, row: firstRow, col: amountCol, formulas, results });
  edits.push(clearPreviousMarks);
  if (marks.length > 0) edits.push({ type: "mark", sheet: S, marks });
  report.sheets.push({ sheet: S, headerRow: l.mapping.headerRow, rows: rows.length, amountColumn: columnLetter(amountCol) });
  return { amountCol, lastRow: Math.max(lastRow, lastUsedRow(l.sheet)), amounts, ours: ourRows };
}

// ---------------------------------------------------------------- 奖励汇总

/**
 * The decimals every amount of 奖励汇总 is rounded to: the finest place any amount of the ledger
 * uses, between MIN_SUMMARY_DIGITS (1 元) and MAX_SUMMARY_DIGITS (1 分). Rounding there leaves
 * the exact decimal total unchanged (a sum or difference of amounts with at most that many
 * decimals has at most that many) and removes the binary floating-point residue that Excel, WPS,
 * LibreOffice and HyperFormula leave in a SUMIFS total or a difference of totals (C8-C22-C23 =
 * 8.44e-08 instead of 0 on 20,000 rows).
 * Example: summaryDigits([new Decimal("20"), new Decimal("2.469")]) -> 4; with 2.46912 -> 5.
 */
export function summaryDigits(amounts: Iterable<Decimal | null>): number {
  let d = MIN_SUMMARY_DIGITS;
  for (const a of amounts) if (a !== null && a.isFinite()) d = Math.max(d, a.decimalPlaces());
  return Math.min(d, MAX_SUMMARY_DIGITS);
}

/**
 * A summary amount as written: the formula's value rounded like Excel's ROUND (half away from
 * zero). What a host that writes the decimal total itself (instead of recalculating the
 * formula) must cache, so the cached value and every client's recalculation agree.
 * Example: roundedTotal(new Decimal("2.46915"), 4) -> 2.4692.
 */
export function roundedTotal(amount: Decimal, digits: number): Decimal {
  return amount.toDecimalPlaces(digits, Decimal.ROUND_HALF_UP);
}

/** A money formula of the summary: =ROUND(expr,digits), see summaryDigits. */
export function roundedFormula(expr: string, digits: number): string {
  return `=ROUND(${expr},${digits})`;
}

/** A sheet name as a formula prefix: '奖励'!  (quotes doubled inside). */
function sheetRef(name: string): string {
  return `'${name.replace(/'/g, "''")}'!`;
}

/** A text as a formula string literal. */
function literal(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** Every name an item is written as in a ledger, for SUMIFS criteria (exact text matches). */
function itemNames(item: AwardItem): string[] {
  const names = new Set<string>();
  for (const n of [item.name, ...item.members, ...item.aliases]) {
    // Criteria starting with a comparison sign or holding wildcards would not match as text.
    if (!/^[<>=]/.test(n) && !/[*?~]/.test(n)) names.add(n);
  }
  return [...names];
}

function statusNames(value: string): string[] {
  const e = PAY_STATES.find((p) => p.value === value);
  return e ? [e.value, ...(e.synonyms ?? [])] : [value];
}

function summaryEdits(
  snapshot: WorkbookSnapshot,
  l: Ledger,
  amountCol: number,
  lastRow: number,
  packs: readonly LoadedPlan[],
  report: AwardsReport,
  amounts: ReadonlyMap<number, CellValue>,
): Edit[] {
  const S = AWARD_SUMMARY_SHEET;
  const edits = rewriteOwnSheetEdits(snapshot, S);
  const from = l.mapping.headerRow + 1;
  const to = Math.max(lastRow + RANGE_SLACK_ROWS, from + RANGE_SLACK_ROWS);
  const pre = sheetRef(l.sheet.name);
  const range = (col: number) => `${pre}$${columnLetter(col)}$${from}:$${columnLetter(col)}$${to}`;
  const itemCol = l.mapping.columns.item;
  const dateCol = l.mapping.columns.date;
  const AMT = range(amountCol);
  const ITEM = range(itemCol);
  const DATE = range(dateCol);
  const statusCol = l.mapping.columns.payStatus;
  const STATUS = statusCol !== undefined ? range(statusCol) : null;
  // Every amount is =ROUND(…, digits): exact in every client, 0 where the decimal result is 0.
  const digits = summaryDigits(report.rows.filter((r) => r.sheet === l.sheet.name).map((r) => r.amount));

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
  const cols = guard(() => ({
    amt: columnOf(l.sheet, amountCol, from, to, (r) => amounts.get(r)),
    item: columnOf(l.sheet, itemCol, from, to),
    date: columnOf(l.sheet, dateCol, from, to),
    status: statusCol !== undefined ? columnOf(l.sheet, statusCol, from, to) : null,
  }));
  type Crit = (c: NonNullable<typeof cols>) => Criterion;
  /** A money cell: the formula text and its value (the exact decimal, rounded like ROUND). */
  interface Cell {
    f: string;
    v: Decimal | number | null;
  }
  const yearCrit = (y: number): { text: string; crit: Crit[] } => ({
    text: `${DATE},">="&DATE(${y},1,1),${DATE},"<="&DATE(${y},12,31)`,
    crit: [(c) => numberCompare(c.date, ">=", dateSerial(y, 1, 1)), (c) => numberCompare(c.date, "<=", dateSerial(y, 12, 31))],
  });
  const itemIs = (n: string): { text: string; crit: Crit[] } => ({ text: `${ITEM},${literal(n)}`, crit: [(c) => textEquals(c.item, n)] });
  const statusIs = (n: string): { text: string; crit: Crit[] } => ({ text: `${STATUS},${literal(n)}`, crit: [(c) => textEquals(c.status as Column, n)] });
  const join = (...xs: { text: string; crit: Crit[] }[]) => ({ text: xs.map((x) => x.text).join(","), crit: xs.flatMap((x) => x.crit) });
  const NONE = { text: "", crit: [] as Crit[] };
  // Every sum also asks 金额 >= 0: a row whose formula shows an error is then left out of the
  // amount (it is still counted in 笔数 and marked on the ledger) instead of turning the total into an error.
  const sumIfsCell = (c: { text: string; crit: Crit[] }): Cell => ({
    f: `SUMIFS(${[AMT, ...(c.text ? [c.text] : []), `${AMT},">=0"`].join(",")})`,
    v: guard(() => sumIfs(cols!.amt, [...c.crit.map((k) => k(cols!)), numberCompare(cols!.amt, ">=", 0)], digits)),
  });
  const countIfsCell = (c: { text: string; crit: Crit[] }): Cell => ({ f: `COUNTIFS(${c.text})`, v: guard(() => countIfs(c.crit.map((k) => k(cols!)))) });
  const plus = (cells: Cell[]): Cell => ({
    f: cells.map((c) => c.f).join("+"),
    v: cells.some((c) => c.v === null) ? null : cells.reduce((a, c) => a.plus(c.v as Decimal | number), new Decimal(0)),
  });
  /** =ROUND(sum, digits), cached as the exact total rounded half away from zero. */
  const money = (c: Cell): Cell => ({ f: roundedFormula(c.f, digits), v: c.v === null ? null : roundedTotal(new Decimal(c.v), digits) });
  const count = (c: Cell): Cell => ({ f: `=${c.f}`, v: c.v === null ? null : new Decimal(c.v).toNumber() });
  const sumTerms = (c: { text: string; crit: Crit[] }, names: string[], what: (n: string) => { text: string; crit: Crit[] }) => plus(names.map((n) => sumIfsCell(join(...(c.text ? [c] : []), what(n)))));
  const countTerms = (names: string[], what: (n: string) => { text: string; crit: Crit[] }) => plus(names.map((n) => countIfsCell(what(n))));

  const values: CellValue[][] = [];
  const formulas: (string | null)[][] = [];
  const results: CellValue[][] = [];
  const boldRows: number[] = [];
  /** The value of each cell written so far, by "C12", for formulas that refer to other cells. */
  const at = new Map<string, Decimal | number | null>();
  const line = (v: CellValue[], f: (Cell | null)[] = []) => {
    values.push(v);
    formulas.push(f.map((c) => (c === null ? null : c.f.startsWith("=") ? c.f : `=${c.f}`)));
    const r = values.length;
    results.push(f.map((c) => (c === null || c.v === null ? null : typeof c.v === "number" ? c.v : guard(() => cachedNumber(c.v as Decimal)))));
    f.forEach((c, j) => c && at.set(`${columnLetter(j + 1)}${r}`, c.v));
  };
  const ref = (a: string): Cell => ({ f: a, v: at.get(a) ?? null });
  const minus = (a: Cell, ...bs: Cell[]): Cell => ({
    f: [a.f, ...bs.map((b) => b.f)].join("-"),
    v: a.v === null || bs.some((b) => b.v === null) ? null : bs.reduce((x, b) => x.minus(b.v as Decimal | number), new Decimal(a.v)),
  });
  const header = (cells: string[]) => {
    line(cells);
    boldRows.push(values.length);
  };
  const COLS = ["笔数", "奖励金额（万元）", "已拨付（万元）", "待拨付（万元）"];
  const paid = statusNames("已拨付");
  const pending = statusNames("待拨付");

  line([`奖励汇总（按“${l.sheet.name}”台账，公式随台账自动更新；金额单位：万元）`]);
  boldRows.push(1);
  line([`统计范围：“${l.sheet.name}”第 ${from} 行至第 ${to} 行；奖励金额取台账“${AMOUNT_HEADER}”列（${columnLetter(amountCol)} 列）。公式出错的行计入笔数、不计入金额（台账上已标记，请修正）。金额按 ${digits} 位小数四舍五入（${digits === 4 ? "到元" : digits === 5 ? "到角" : "到分"}），与十进制精确结果一致。`]);
  line([]);

  // By year: plan years plus any year found in the ledger.
  const years = new Set<number>();
  for (const p of packs) for (let y = yearOf(p.from); y <= yearOf(p.to); y++) years.add(y);
  for (const r of report.rows) if (r.sheet === l.sheet.name && r.date) years.add(Number(r.date.slice(0, 4)));
  header(["按年度（认定日期）", ...COLS]);
  for (const y of [...years].sort((a, b) => a - b)) {
    const crit = yearCrit(y);
    line([`${y}年`], [
      null,
      count(countIfsCell(crit)),
      money(sumIfsCell(crit)),
      STATUS ? money(sumTerms(crit, paid, statusIs)) : null,
      STATUS ? money(sumTerms(crit, pending, statusIs)) : null,
    ]);
  }
  const totalRow = (label: string) =>
    line([label], [
      null,
      count(countIfsCell({ text: `${ITEM},"<>"`, crit: [(c) => notBlank(c.item)] })),
      money(sumIfsCell(NONE)),
      STATUS ? money(sumTerms(NONE, paid, statusIs)) : null,
      STATUS ? money(sumTerms(NONE, pending, statusIs)) : null,
    ]);
  totalRow("合计（全部行）");
  line([]);

  // By item: every item of the latest plan, matched by any of its names.
  const plan = packs[packs.length - 1];
  header(["按奖励事项", ...COLS]);
  const itemFirst = values.length + 1;
  for (const item of plan.pack.awards) {
    const names = itemNames(item);
    const byStatus = (states: string[]) => money(plus(names.flatMap((n) => states.map((p) => sumIfsCell(join(itemIs(n), statusIs(p)))))));
    line([item.name], [null, count(countTerms(names, itemIs)), money(sumTerms(NONE, names, itemIs)), STATUS ? byStatus(paid) : null, STATUS ? byStatus(pending) : null]);
  }
  const itemLast = values.length;
  const totalsAt = values.findIndex((v) => v[0] === "合计（全部行）") + 1;
  // Differences of totals: counts are whole numbers, amounts rounded (the residue of a difference is the worst).
  const other = (c: number): Cell => {
    const L = columnLetter(c);
    const items: Cell[] = [];
    for (let r = itemFirst; r <= itemLast; r++) items.push(ref(`${L}${r}`));
    return { f: `${L}${totalsAt}-SUM(${L}${itemFirst}:${L}${itemLast})`, v: minus(ref(`${L}${totalsAt}`), plus(items)).v };
  };
  line([`其他（${UNKNOWN_ITEM}或写法不同）`], [null, count(other(2)), money(other(3)), STATUS ? money(other(4)) : null, STATUS ? money(other(5)) : null]);
  line([]);

  // By payment status.
  header(["按拨付状态", "笔数", "奖励金额（万元）"]);
  if (STATUS) {
    const paidAt = values.length + 1;
    line(["已拨付"], [null, count(countTerms(paid, statusIs)), money(sumTerms(NONE, paid, statusIs))]);
    line(["待拨付"], [null, count(countTerms(pending, statusIs)), money(sumTerms(NONE, pending, statusIs))]);
    line([`${UNFILLED_STATUS}或其他`], [
      null,
      count(minus(ref(`B${totalsAt}`), ref(`B${paidAt}`), ref(`B${paidAt + 1}`))),
      money(minus(ref(`C${totalsAt}`), ref(`C${paidAt}`), ref(`C${paidAt + 1}`))),
    ]);
  } else {
    line([`台账没有“拨付状态”列`]);
  }

  const width = 5;
  const pad = <T>(rows: T[][], fill: T) => rows.map((r) => [...r, ...new Array<T>(width - r.length).fill(fill)]);
  edits.push({ type: "setValues", sheet: S, row: 1, col: 1, values: pad(values, null) });
  edits.push({ type: "setFormulas", sheet: S, row: 1, col: 1, formulas: pad(formulas, null), ...(known ? { results: pad(results, null) } : {}) });
  edits.push({ type: "numberFormat", sheet: S, row: 4, col: 3, rows: values.length - 3, cols: 3, format: WAN_NUMBER_FORMAT });
  for (const r of boldRows) edits.push({ type: "bold", sheet: S, row: r, col: 1, rows: 1, cols: r === 1 ? 1 : width });
  edits.push({ type: "columnWidths", sheet: S, col: 1, widths: [44, 8, 16, 16, 16] });
  return edits;
}

/** Totals as plain JSON (amounts as exact decimal text and as numbers) for the CLI and pane. */
export function totalsJson(t: AwardTotals): object {
  const one = (x: Total) => ({ count: x.count, amount: x.amount.toNumber(), amountText: x.amount.toString() });
  const map = <T extends Total>(m: Record<string, T>, extra?: (x: T) => object) =>
    Object.fromEntries(Object.keys(m).sort().map((k) => [k, { ...one(m[k]), ...(extra ? extra(m[k]) : {}) }]));
  return {
    total: one(t.total),
    byYear: map(t.byYear),
    byItem: map(t.byItem, (x) => ({ name: (x as Total & { name: string }).name })),
    byStatus: map(t.byStatus),
  };
}

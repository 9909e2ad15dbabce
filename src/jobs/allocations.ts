/**
 * 目标分解 (计划 三（一）; DOMAIN §11): "每年年初将全区…年度目标任务分解到各相关部门和各镇街".
 * The bureau records each year's allocation in a sheet named 目标分解 (or 任务分解, 目标任务分解)
 * with the columns 年度, 指标, 镇街 or 主管部门, 目标数 (one row per unit, indicator and year).
 * This file reads that sheet; the targets job counts each unit's actual against it.
 *
 * A row is used only when every cell reads: the indicator is one of the plan pack's (by key,
 * name or alias), the target a positive number, the unit a 镇街 or 主管部门 that appears in some
 * ledger (so a typo does not become a unit with nothing counted). Every other row is reported
 * at its cell and left out.
 */
import { kindDef, DEPARTMENTS, LedgerKind, LEDGER_KINDS } from "../ledger/catalogue";
import { CellValue, isBlankCell, readEnum, readNumber, readText, readYear } from "../ledger/cells";
import { headerKey } from "../ledger/mapping";
import { LoadedPlan } from "../policy/plans";
import { Target } from "../policy/schema";
import { SheetSnapshot, WorkbookSnapshot } from "../host/port";
import { columnLetter, lookupKey } from "../text";
import { cellAt, dataRows, findLedgers, readAt } from "./ledgers";
import { Issue } from "./types";

/** The sheet's names, the first being the one templates write. */
export const ALLOCATION_SHEETS = ["目标分解", "任务分解", "目标任务分解"] as const;

export type UnitKind = "town" | "department";
export const UNIT_KIND_LABEL: Record<UnitKind, string> = { town: "镇街", department: "主管部门" };

export interface Allocation {
  /** 1-based sheet row of the 目标分解 sheet. */
  row: number;
  year: number;
  /** The plan pack's target key. */
  key: string;
  unitKind: UnitKind;
  /** As the ledgers write it (a department by its standard name, e.g. 工信). */
  unit: string;
  target: number;
}

export interface AllocationSheet {
  /** The sheet read, or null when the workbook has none. */
  sheet: string | null;
  allocations: Allocation[];
  /** Rows left out, each at its cell. */
  issues: Issue[];
}

type Column = "year" | "indicator" | "town" | "department" | "unit" | "target";

const COLUMN_NAMES: Record<Column, { name: string; synonyms: string[] }> = {
  year: { name: "年度", synonyms: ["年份", "年", "考核年度", "分解年度"] },
  indicator: { name: "指标", synonyms: ["指标名称", "目标指标", "任务指标", "考核指标", "指标键", "目标任务"] },
  town: { name: "镇街", synonyms: ["所属镇街", "镇（街）", "镇街道", "镇（街道）", "镇/街道", "镇街名称"] },
  department: { name: "主管部门", synonyms: ["部门", "责任部门", "牵头部门", "归口部门", "主管单位"] },
  unit: { name: "责任单位", synonyms: ["单位", "镇街或部门", "镇街/部门", "镇街（部门）", "承担单位", "分解单位"] },
  target: { name: "目标数", synonyms: ["目标", "目标值", "任务数", "分解目标", "目标任务数", "分解任务数", "年度目标"] },
};

const INDEX: Map<string, Column> = (() => {
  const m = new Map<string, Column>();
  for (const [col, d] of Object.entries(COLUMN_NAMES) as [Column, { name: string; synonyms: string[] }][]) {
    for (const n of [d.name, ...d.synonyms]) m.set(headerKey(n), col);
  }
  return m;
})();

/** The 目标分解 sheet of a workbook (by any of its names, ignoring spaces), or undefined. */
export function allocationSheetOf(snapshot: WorkbookSnapshot): SheetSnapshot | undefined {
  const names = new Set<string>(ALLOCATION_SHEETS.map((n) => lookupKey(n)));
  return snapshot.sheets.find((s) => names.has(lookupKey(s.name)));
}

/** Every 镇街 and 主管部门 written in any ledger of the workbook (lookup key -> as written). */
export function unitsInLedgers(snapshot: WorkbookSnapshot): Record<UnitKind, Map<string, string>> {
  const out: Record<UnitKind, Map<string, string>> = { town: new Map(), department: new Map() };
  for (const def of LEDGER_KINDS) {
    for (const l of findLedgers(snapshot, def.kind as LedgerKind)) {
      for (const [kind, field] of [["town", "town"], ["department", "department"]] as const) {
        if (l.mapping.columns[field] === undefined) continue;
        for (const { row } of dataRows(l)) {
          const r = readAt(l, row, field);
          if (r.status === "ok" && String(r.value).trim() !== "") {
            const v = String(r.value);
            if (!out[kind].has(lookupKey(v))) out[kind].set(lookupKey(v), v);
          }
        }
      }
    }
  }
  return out;
}

const HEADER_ROWS = 10;

function findHeader(sheet: SheetSnapshot): { row: number; cols: Partial<Record<Column, number>> } | null {
  for (let i = 0; i < Math.min(HEADER_ROWS, sheet.values.length); i++) {
    const cols: Partial<Record<Column, number>> = {};
    (sheet.values[i] ?? []).forEach((v, j) => {
      if (typeof v !== "string") return;
      const c = INDEX.get(headerKey(v));
      if (c && cols[c] === undefined) cols[c] = sheet.firstCol + j;
    });
    if (cols.indicator !== undefined && cols.target !== undefined) return { row: sheet.firstRow + i, cols };
  }
  return null;
}

function issue(sheet: string, row: number, col: number, field: string, message: string, severity: Issue["severity"] = "error"): Issue {
  return { sheet, row, column: col > 0 ? columnLetter(col) : "", col, field, severity, message };
}

function shown(v: CellValue): string {
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).trim();
}

/**
 * Reads the 目标分解 sheet against the plan in force. Units are checked against the ledgers'
 * 所属镇街 and 主管部门 columns (`units`, from unitsInLedgers).
 */
export function readAllocations(snapshot: WorkbookSnapshot, plan: LoadedPlan, units: Record<UnitKind, Map<string, string>> = unitsInLedgers(snapshot)): AllocationSheet {
  const sheet = allocationSheetOf(snapshot);
  if (!sheet) return { sheet: null, allocations: [], issues: [] };
  const S = sheet.name;
  const issues: Issue[] = [];
  const header = findHeader(sheet);
  if (!header) {
    issues.push(issue(S, sheet.firstRow, 0, "表头", `“${S}”工作表前 ${HEADER_ROWS} 行中没有找到表头：应有“年度”“指标”“镇街”或“主管部门”“目标数”几列`));
    return { sheet: S, allocations: [], issues };
  }
  const { cols } = header;
  const missing: string[] = [];
  if (cols.year === undefined) missing.push("年度");
  if (cols.town === undefined && cols.department === undefined && cols.unit === undefined) missing.push("镇街或主管部门");
  if (missing.length > 0) {
    issues.push(issue(S, header.row, 0, missing.join("、"), `“${S}”缺少列：${missing.join("、")}，目标分解未读取`));
    return { sheet: S, allocations: [], issues };
  }
  const deptIndex = new Map<string, string>();
  for (const d of DEPARTMENTS) for (const n of [d.value, ...(d.synonyms ?? [])]) deptIndex.set(lookupKey(n), d.value);

  const allocations: Allocation[] = [];
  const seen = new Map<string, number>();
  const at = (row: number, c: Column) => (cols[c] === undefined ? null : cellAt(sheet, row, cols[c] as number));
  const last = sheet.firstRow + sheet.values.length - 1;
  for (let row = header.row + 1; row <= last; row++) {
    const cells = (Object.keys(cols) as Column[]).map((c) => at(row, c));
    if (cells.every((v) => isBlankCell(v))) continue;
    const bad = (c: Column, message: string) => issues.push(issue(S, row, cols[c] ?? 0, COLUMN_NAMES[c].name, `${message}；该行未采用`));

    const y = readYear(at(row, "year"));
    if (y.status !== "ok") {
      bad("year", y.status === "blank" ? "年度未填写" : `年度“${shown(at(row, "year"))}”无法识别（${y.message}）`);
      continue;
    }
    const indicatorCell = at(row, "indicator");
    const ind = readText(indicatorCell);
    if (ind.status !== "ok") {
      bad("indicator", ind.status === "blank" ? "指标未填写" : `指标无法读取（${ind.message}）`);
      continue;
    }
    const t: Target | undefined = plan.targetIndex.get(lookupKey(ind.value.replace(/[（(](争取|力争)[)）]$/, "")));
    if (!t) {
      const examples = plan.pack.targets.slice(0, 4).map((x) => x.name).join("、");
      bad("indicator", `未知的指标“${ind.value}”：应为《${plan.pack.title}》中的指标名称或键，如 ${examples}`);
      continue;
    }

    // The unit: a 镇街 column, a 主管部门 column, or one column for either.
    const townCell = readText(at(row, "town"));
    const deptCell = readText(at(row, "department"));
    const unitCell = readText(at(row, "unit"));
    const given = [townCell, deptCell, unitCell].filter((r) => r.status === "ok").length;
    if (given === 0) {
      bad(cols.town !== undefined ? "town" : cols.department !== undefined ? "department" : "unit", "镇街或主管部门未填写");
      continue;
    }
    if (given > 1) {
      bad(cols.department !== undefined ? "department" : "unit", "一行只填一个单位（镇街或主管部门），请分成两行");
      continue;
    }
    let unitKind: UnitKind;
    let written: string;
    let col: Column;
    if (townCell.status === "ok") {
      unitKind = "town";
      written = townCell.value;
      col = "town";
    } else if (deptCell.status === "ok") {
      unitKind = "department";
      written = deptCell.value;
      col = "department";
    } else {
      written = (unitCell as { value: string }).value;
      col = "unit";
      unitKind = deptIndex.has(lookupKey(written)) && !units.town.has(lookupKey(written)) ? "department" : "town";
    }
    let unit: string | undefined;
    if (unitKind === "department") {
      const d = readEnum(written, DEPARTMENTS);
      const canon = d.status === "ok" ? d.value : written;
      unit = units.department.get(lookupKey(canon));
    } else {
      unit = units.town.get(lookupKey(written));
    }
    if (unit === undefined) {
      const list = [...units[unitKind].values()];
      const where = unitKind === "town" ? "所属镇街" : "主管部门";
      bad(col, `${UNIT_KIND_LABEL[unitKind]}“${written}”在各台账的“${where}”列中都没有出现，可能写错了名称${list.length > 0 ? `（台账中有：${list.slice(0, 12).join("、")}${list.length > 12 ? "等" : ""}）` : `（各台账都没有“${where}”列）`}`);
      continue;
    }

    const targetCell = at(row, "target");
    const n = readNumber(targetCell, "count");
    if (n.status !== "ok" || n.value <= 0) {
      bad("target", n.status === "blank" ? "目标数未填写" : n.status === "invalid" ? `目标数“${shown(targetCell)}”不是数字` : `目标数应大于 0（填的是 ${n.value}）`);
      continue;
    }
    const k = `${y.value}\u0001${t.key}\u0001${unitKind}\u0001${unit}`;
    const prior = seen.get(k);
    if (prior !== undefined) {
      bad("target", `与第 ${prior} 行重复（同一年度、指标、单位只能有一个目标数）`);
      continue;
    }
    seen.set(k, row);
    allocations.push({ row, year: y.value, key: t.key, unitKind, unit, target: n.value });
  }
  return { sheet: S, allocations, issues };
}

/** The ledger kind a target is counted from (for messages). */
export function ledgerTitleOf(t: Target): string {
  return kindDef(t.ledger).title;
}

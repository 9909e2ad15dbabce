/**
 * Reading ledgers out of a workbook snapshot for the yearly jobs (upkeep, targets, awards):
 * which sheets hold which kind of ledger, their data rows in sheet numbering, and one field
 * of one row read through the catalogue. Cells are addressed in sheet coordinates (1-based),
 * whatever the snapshot's firstRow / firstCol.
 */
import { CellValue, isBlankCell, readCode, Reading } from "../ledger/cells";
import { FieldDef, kindDef, LedgerKind, LedgerKindDef, OWN_SHEETS } from "../ledger/catalogue";
import { FieldValue, readField } from "../ledger/fields";
import { ColumnMapping, detectLedger, HEADER_SEARCH_ROWS } from "../ledger/mapping";
import { Edit, SheetSnapshot, WorkbookSnapshot } from "../host/port";
import { columnLetter } from "../text";
import { Issue } from "./types";

export interface Ledger {
  sheet: SheetSnapshot;
  mapping: ColumnMapping;
  def: LedgerKindDef;
}

export interface LedgerRow {
  /** 1-based sheet row. */
  row: number;
}

/** The value of sheet cell (row, col), 1-based; null outside the snapshot. */
export function cellAt(sheet: SheetSnapshot, row: number, col: number): CellValue {
  const r = sheet.values[row - sheet.firstRow];
  if (!r) return null;
  const v = r[col - sheet.firstCol];
  return v === undefined ? null : v;
}

/** The formula of sheet cell (row, col), or null (also when the host did not read formulas). */
export function formulaAt(sheet: SheetSnapshot, row: number, col: number): string | null {
  const r = sheet.formulas?.[row - sheet.firstRow];
  const f = r?.[col - sheet.firstCol];
  return typeof f === "string" && f !== "" ? f : null;
}

/** The last sheet row holding anything (0 for an empty sheet). */
export function lastUsedRow(sheet: SheetSnapshot): number {
  for (let i = sheet.values.length - 1; i >= 0; i--) {
    const r = sheet.values[i];
    if (r && r.some((v) => !isBlankCell(v))) return sheet.firstRow + i;
  }
  return 0;
}

/** The last sheet column holding anything in any row (0 for an empty sheet). */
export function lastUsedCol(sheet: SheetSnapshot): number {
  let last = 0;
  for (const r of sheet.values) {
    if (!r) continue;
    for (let j = r.length - 1; j >= 0; j--) {
      if (!isBlankCell(r[j])) {
        last = Math.max(last, sheet.firstCol + j);
        break;
      }
    }
  }
  return last;
}

function isOwnSheet(name: string): boolean {
  return (OWN_SHEETS as readonly string[]).includes(name.trim());
}

/** The ledger a sheet holds, or null (not a ledger, or one of the add-in's own sheets). */
export function ledgerOf(sheet: SheetSnapshot): Ledger | null {
  if (isOwnSheet(sheet.name)) return null;
  const mapping = detectLedger(sheet.values.slice(0, HEADER_SEARCH_ROWS), sheet.name, sheet.firstRow, sheet.firstCol);
  return mapping ? { sheet, mapping, def: kindDef(mapping.kind) } : null;
}

/** Every sheet holding a ledger of `kind`, in workbook order; only `onlySheet` when given. */
export function findLedgers(snapshot: WorkbookSnapshot, kind: LedgerKind, onlySheet?: string): Ledger[] {
  const out: Ledger[] = [];
  for (const s of snapshot.sheets) {
    if (onlySheet !== undefined && s.name !== onlySheet) continue;
    const l = ledgerOf(s);
    if (l && l.mapping.kind === kind) out.push(l);
  }
  return out;
}

/** Non-blank data rows below the header, in sheet numbering. */
export function dataRows(l: Ledger): LedgerRow[] {
  const out: LedgerRow[] = [];
  const { sheet } = l;
  for (let i = l.mapping.headerRow - sheet.firstRow + 1; i < sheet.values.length; i++) {
    const r = sheet.values[i];
    if (r && r.some((v) => !isBlankCell(v))) out.push({ row: sheet.firstRow + i });
  }
  return out;
}

/** The sheet column of a field, or undefined when the ledger has no such column. */
export function columnOf(l: Ledger, fieldId: string): number | undefined {
  return l.mapping.columns[fieldId];
}

const fieldsById = new WeakMap<LedgerKindDef, Map<string, FieldDef>>();
function fieldDef(def: LedgerKindDef, id: string): FieldDef | undefined {
  let m = fieldsById.get(def);
  if (!m) {
    m = new Map(def.fields.map((f) => [f.id, f]));
    fieldsById.set(def, m);
  }
  return m.get(id);
}

/** Reads one field of one row; blank when the column is missing. */
export function readAt(l: Ledger, row: number, fieldId: string): Reading<FieldValue> {
  const col = l.mapping.columns[fieldId];
  if (col === undefined) return { status: "blank" };
  const def = fieldDef(l.def, fieldId);
  if (!def) throw new Error(`no field ${fieldId} in ${l.def.kind}`);
  return readField(def, cellAt(l.sheet, row, col));
}

/** The field's standard name, e.g. 高企认定日期. */
export function fieldName(l: Ledger, fieldId: string): string {
  return fieldDef(l.def, fieldId)?.name ?? fieldId;
}

/** An issue on one cell of a ledger, in the shape the validation job uses. */
export function cellIssue(l: Ledger, row: number, fieldId: string, severity: Issue["severity"], message: string): Issue {
  const col = l.mapping.columns[fieldId] ?? 0;
  return { sheet: l.sheet.name, row, column: col ? columnLetter(col) : "", col, field: fieldName(l, fieldId), severity, message };
}

/** The column whose header cell (on `headerRow`) reads exactly `text` after trimming, or undefined. */
export function columnByHeader(sheet: SheetSnapshot, headerRow: number, text: string): number | undefined {
  const r = sheet.values[headerRow - sheet.firstRow];
  if (!r) return undefined;
  for (let j = 0; j < r.length; j++) {
    const v = r[j];
    if (typeof v === "string" && v.trim() === text) return sheet.firstCol + j;
  }
  return undefined;
}

/** A sheet of the snapshot by name, or undefined. */
export function sheetNamed(snapshot: WorkbookSnapshot, name: string): SheetSnapshot | undefined {
  return snapshot.sheets.find((s) => s.name === name);
}

/**
 * The first edits of rewriting one of the add-in's own sheets (目标完成情况, 奖励汇总): the sheet
 * exists, and what it held from the last run is cleared, so a shorter table leaves nothing stale.
 */
export function rewriteOwnSheetEdits(snapshot: WorkbookSnapshot, name: string): Edit[] {
  const edits: Edit[] = [{ type: "ensureSheet", sheet: name }];
  const previous = sheetNamed(snapshot, name);
  if (previous) {
    const rows = lastUsedRow(previous);
    const cols = lastUsedCol(previous);
    if (rows > 0 && cols > 0) edits.push({ type: "clearRange", sheet: name, row: 1, col: 1, rows, cols });
  }
  return edits;
}

/**
 * The identity of an enterprise row for counting once: its code as typed (normalised, even
 * with a wrong check character), else its name.
 */
export function enterpriseKey(l: Ledger, row: number): string {
  const col = l.mapping.columns.uscc;
  const code = col === undefined ? null : readCode(cellAt(l.sheet, row, col));
  if (code && code.status === "ok") return "code:" + code.value;
  const name = readAt(l, row, l.def.kind === "enterprise" ? "name" : "platformName");
  return name.status === "ok" ? "name:" + String(name.value) : "row:" + row;
}

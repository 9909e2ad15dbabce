/**
 * One enterprise row as the ledger has it: a header row plus the row's cells, in any column
 * order, headers matched through the catalogue's synonyms. The field plan (which cell holds
 * which field) is computed once per distinct header and reused for every row under it.
 * A plain object keyed by standard names or synonyms (the CLI's JSON row) takes the same path.
 */
import { KjError } from "../errors";
import { ENTERPRISE, LedgerKindDef } from "../ledger/catalogue";
import { cachedMapHeader, ColumnMapping } from "../ledger/mapping";

export interface FieldPlan {
  /** 0-based index into the row's cells per catalogue field ordinal; -1 = no such column. */
  index: Int32Array;
  /** The header as the user wrote it, per field ordinal (only where it differs from the standard name). */
  headerText: (string | undefined)[];
}

export interface RowView {
  cells: readonly unknown[];
  plan: FieldPlan;
}

const planByMapping = new WeakMap<ColumnMapping, FieldPlan>();
/**
 * By ledger kind, then by the header argument's identity, with a copy of its cells to notice an
 * array changed in place.
 */
const planByHeaderArray = new Map<LedgerKindDef, WeakMap<object, { cells: unknown[]; plan: FieldPlan }>>();

function sameCells(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function planOf(mapping: ColumnMapping, kind: LedgerKindDef): FieldPlan {
  let plan = planByMapping.get(mapping);
  if (plan) return plan;
  const index = new Int32Array(kind.fields.length).fill(-1);
  const headerText: (string | undefined)[] = new Array(kind.fields.length);
  kind.fields.forEach((def, ord) => {
    const col = mapping.columns[def.id];
    if (col === undefined) return;
    index[ord] = col - 1;
    const h = mapping.headers.find((x) => x.col === col);
    if (h && h.text !== def.name) headerText[ord] = h.text;
  });
  plan = { index, headerText };
  planByMapping.set(mapping, plan);
  return plan;
}

/** The one row of a 1-D array or a 2-D array with a single row (what a range argument gives). */
export function singleRow(value: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(value)) {
    throw new KjError("bad_range", `${what}应为一行单元格区域（如 A1:AZ1）`, "value");
  }
  if (value.length > 0 && Array.isArray(value[0])) {
    if (value.length !== 1) throw new KjError("bad_range", `${what}应为一行，这里选了 ${value.length} 行`, "value");
    return value[0] as unknown[];
  }
  return value;
}

/**
 * The field plan of a header row (cached by array identity, then by header content), over the
 * columns of a ledger kind: the enterprise ledger's for eligibility, the R&D ledger's for the
 * R&D subsidy. Field ordinals index `kind.fields`.
 */
export function planForHeader(header: unknown, kind: LedgerKindDef = ENTERPRISE): FieldPlan {
  const cells = singleRow(header, "表头");
  let byArray = planByHeaderArray.get(kind);
  if (!byArray) {
    byArray = new WeakMap();
    planByHeaderArray.set(kind, byArray);
  }
  const hit = byArray.get(header as object);
  if (hit && sameCells(hit.cells, cells)) return hit.plan;
  const plan = planOf(cachedMapHeader(kind, cells), kind);
  byArray.set(header as object, { cells: cells.slice(), plan });
  return plan;
}

/** A row from header + row ranges (1-D arrays or single-row 2-D arrays). */
export function rowFromRanges(header: unknown, row: unknown, kind: LedgerKindDef = ENTERPRISE): RowView {
  const plan = planForHeader(header, kind);
  return { cells: singleRow(row, "行"), plan };
}

/** A row from a plain object keyed by standard column names or their synonyms. */
export function rowFromObject(obj: Readonly<Record<string, unknown>>, kind: LedgerKindDef = ENTERPRISE): RowView {
  const keys = Object.keys(obj);
  const plan = planOf(cachedMapHeader(kind, keys), kind);
  return { cells: keys.map((k) => obj[k]), plan };
}

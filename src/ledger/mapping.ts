/**
 * Finding a ledger in a sheet: which row is the header, which kind of ledger it is, and
 * which column holds each field. Headers are matched after NFKC with synonyms, in any order.
 */
import { lookupKey } from "../text";
import { FieldDef, LedgerKind, LedgerKindDef, LEDGER_KINDS, OWN_SHEETS } from "./catalogue";

export interface HeaderCell {
  /** 1-based sheet column. */
  col: number;
  text: string;
  /** Field id this header maps to, if any. */
  field?: string;
}

export interface ColumnMapping {
  kind: LedgerKind;
  /** 1-based sheet row of the header. */
  headerRow: number;
  /** field id -> 1-based sheet column. */
  columns: Record<string, number>;
  headers: HeaderCell[];
  missingRequired: FieldDef[];
  /** A field found under two headers: the first one is used. */
  duplicates: { field: string; cols: number[] }[];
}

const REQUIRED_MARK = /^[*＊※]+|[*＊※]+$/g;
const UNIT_SUFFIX = /\((万元|元|亿元|人|家|个|项|件|%|年|分|是\/否|有\/无|Y\/N|必填)\)$/i;

/** The key a header is matched by: NFKC, no spaces, no required marks, no trailing unit. */
export function headerKey(raw: unknown): string {
  if (raw === null || raw === undefined) return "";
  let k = lookupKey(String(raw)).replace(REQUIRED_MARK, "");
  for (let i = 0; i < 2 && UNIT_SUFFIX.test(k); i++) k = k.replace(UNIT_SUFFIX, "");
  return k.replace(REQUIRED_MARK, "");
}

const fieldIndexByKind = new Map<LedgerKind, Map<string, string>>();
function fieldIndex(def: LedgerKindDef): Map<string, string> {
  let idx = fieldIndexByKind.get(def.kind);
  if (!idx) {
    idx = new Map();
    for (const f of def.fields) {
      for (const n of [f.name, ...f.synonyms]) {
        const k = headerKey(n);
        if (!idx.has(k)) idx.set(k, f.id);
      }
    }
    fieldIndexByKind.set(def.kind, idx);
  }
  return idx;
}

/** Maps one header row (cells from sheet column `firstCol`) onto a ledger kind's fields. */
export function mapHeader(def: LedgerKindDef, headerCells: readonly unknown[], headerRow = 1, firstCol = 1): ColumnMapping {
  const idx = fieldIndex(def);
  const columns: Record<string, number> = {};
  const seen = new Map<string, number[]>();
  const headers: HeaderCell[] = [];
  headerCells.forEach((cell, i) => {
    const col = firstCol + i;
    const text = cell === null || cell === undefined ? "" : String(cell).trim();
    if (text === "") return;
    const field = idx.get(headerKey(text));
    headers.push(field ? { col, text, field } : { col, text });
    if (!field) return;
    const cols = seen.get(field) ?? [];
    cols.push(col);
    seen.set(field, cols);
    if (!(field in columns)) columns[field] = col;
  });
  const duplicates = [...seen].filter(([, cols]) => cols.length > 1).map(([field, cols]) => ({ field, cols }));
  const missingRequired = def.fields.filter((f) => f.required && !(f.id in columns));
  return { kind: def.kind, headerRow, columns, headers, missingRequired, duplicates };
}

/** How well a mapping fits: 0 when it is not this kind at all. */
function fitScore(def: LedgerKindDef, m: ColumnMapping): number {
  const matched = Object.keys(m.columns).length;
  const hasSignature = def.signature.some((f) => f in m.columns);
  if (!hasSignature) return 0;
  const requiredFound = def.fields.filter((f) => f.required && f.id in m.columns).length;
  if (requiredFound < 2 && matched < 3) return 0;
  return requiredFound * 10 + matched;
}

/** How many leading rows may hold a title above the header. */
export const HEADER_SEARCH_ROWS = 10;

/**
 * Detects the ledger in a sheet's values (values[0][0] is sheet cell firstRow/firstCol).
 * Returns null for a sheet that is not a ledger (or one of the add-in's own sheets).
 */
export function detectLedger(values: readonly (readonly unknown[])[], sheetName = "", firstRow = 1, firstCol = 1): ColumnMapping | null {
  if ((OWN_SHEETS as readonly string[]).includes(sheetName.trim())) return null;
  let best: { score: number; mapping: ColumnMapping } | null = null;
  const rows = Math.min(values.length, HEADER_SEARCH_ROWS);
  for (let r = 0; r < rows; r++) {
    for (const def of LEDGER_KINDS) {
      const m = mapHeader(def, values[r], firstRow + r, firstCol);
      const score = fitScore(def, m);
      if (score > 0 && (!best || score > best.score)) best = { score, mapping: m };
    }
  }
  return best ? best.mapping : null;
}

/** The mapping of a header row onto a given kind, computed once per distinct header. */
const cache = new Map<string, ColumnMapping>();
const CACHE_LIMIT = 256;
export function cachedMapHeader(def: LedgerKindDef, headerCells: readonly unknown[]): ColumnMapping {
  let key = def.kind;
  for (const c of headerCells) key += "\u0001" + (c === null || c === undefined ? "" : String(c));
  let m = cache.get(key);
  if (!m) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    m = mapHeader(def, headerCells);
    cache.set(key, m);
  }
  return m;
}

/** How many synonyms a header hint lists after the standard name. */
const SYNONYMS_SHOWN = 4;

/**
 * A column as a clerk should write it in a header, with the other names KJ accepts.
 * Example: headerHint(入选年度) -> "入选年度（也可写作：入选年份、入选时间、引进年度、年度）".
 */
export function headerHint(f: FieldDef): string {
  const also = f.synonyms.slice(0, SYNONYMS_SHOWN);
  return also.length > 0 ? `${f.name}（也可写作：${also.join("、")}）` : f.name;
}

/**
 * What a header needs for KJ to recognise a ledger of this kind: every required column, and
 * one of the kind's own columns (its signature) when no required column is one.
 */
export function headersNeeded(def: LedgerKindDef): FieldDef[] {
  const required = def.fields.filter((f) => f.required);
  const signed = required.some((f) => def.signature.includes(f.id));
  if (signed) return required;
  const sig = def.fields.find((f) => f.id === def.signature[0]);
  return sig ? [...required, sig] : required;
}

/** A sheet that holds some of a ledger's headers but not enough to be recognised. */
export interface PartialLedger {
  kind: LedgerKind;
  /** 1-based sheet row of the best header candidate. */
  headerRow: number;
  /** Headers of that row matching the kind's columns. */
  found: HeaderCell[];
  /** Columns still needed (see headersNeeded) that the row lacks. */
  missing: FieldDef[];
}

/** Fewest distinct ledger columns in one row for a sheet to count as a ledger with a partial header. */
export const PARTIAL_MIN_COLUMNS = 2;

/**
 * For a sheet detectLedger does not recognise: the ledger kind its header comes closest to,
 * when one row of its first HEADER_SEARCH_ROWS holds at least PARTIAL_MIN_COLUMNS of that
 * kind's columns; null for a sheet with no such row (a note, a blank sheet, the add-in's own).
 */
export function nearestLedger(values: readonly (readonly unknown[])[], sheetName = "", firstRow = 1, firstCol = 1): PartialLedger | null {
  if ((OWN_SHEETS as readonly string[]).includes(sheetName.trim())) return null;
  if (detectLedger(values, sheetName, firstRow, firstCol)) return null;
  let best: { score: number; m: ColumnMapping; def: LedgerKindDef } | null = null;
  const rows = Math.min(values.length, HEADER_SEARCH_ROWS);
  for (let r = 0; r < rows; r++) {
    for (const def of LEDGER_KINDS) {
      const m = mapHeader(def, values[r], firstRow + r, firstCol);
      const matched = Object.keys(m.columns).length;
      if (matched < PARTIAL_MIN_COLUMNS) continue;
      const needed = headersNeeded(def).filter((f) => f.id in m.columns).length;
      const score = needed * 10 + matched;
      if (!best || score > best.score) best = { score, m, def };
    }
  }
  if (!best) return null;
  const { m, def } = best;
  return {
    kind: def.kind,
    headerRow: m.headerRow,
    found: m.headers.filter((h) => h.field !== undefined && m.columns[h.field] === h.col),
    missing: headersNeeded(def).filter((f) => !(f.id in m.columns)),
  };
}

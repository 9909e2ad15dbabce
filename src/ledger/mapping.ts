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

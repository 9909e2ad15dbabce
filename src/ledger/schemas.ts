/**
 * zod schemas of a parsed ledger row (typed values, as readField returns them), generated
 * from the column catalogue so that each column is described once. Two shapes per kind:
 * keyed by field id (code) and keyed by the standard Chinese column name (CLI JSON).
 * Required columns are required keys; every other key is optional (blank = absent).
 */
import { z } from "zod";
import { FieldDef, kindDef, LedgerKind, LEDGER_KINDS } from "./catalogue";
import { FieldValue } from "./fields";
import type { ColumnMapping } from "./mapping";
import { safeReadField } from "./validate";

const USCC_PATTERN = /^[0-9A-HJ-NP-RT-UW-Y]{18}$/;

/** The zod type of one field's parsed value. */
export function fieldSchema(def: FieldDef): z.ZodTypeAny {
  const t = def.type;
  switch (t.t) {
    case "text":
      return z.string().min(1);
    case "uscc":
      return z.string().regex(USCC_PATTERN);
    case "date":
      // Day numbers (days since 1970-01-01).
      return z.number().int();
    case "year":
      return z.number().int().min(1900).max(2100);
    case "money":
      return z.number().finite();
    case "count":
      return z.number().int().nonnegative();
    case "score":
      return z.number().min(0).max(100);
    case "bool":
    case "flag":
      return z.boolean();
    case "enum": {
      const values = t.values.map((e) => e.value) as [string, ...string[]];
      // A non-strict enumeration keeps what people typed (it only warns).
      const one = t.strict ? z.enum(values) : z.string().min(1);
      return t.multi ? z.array(one).min(1) : one;
    }
  }
}

function objectSchema(kind: LedgerKind, key: (f: FieldDef) => string): z.ZodObject<z.ZodRawShape> {
  const shape: z.ZodRawShape = {};
  for (const f of kindDef(kind).fields) {
    const s = fieldSchema(f);
    shape[key(f)] = f.required ? s : s.optional();
  }
  return z.object(shape).strict();
}

const byId = new Map<LedgerKind, z.ZodObject<z.ZodRawShape>>();
const byName = new Map<LedgerKind, z.ZodObject<z.ZodRawShape>>();

/** A parsed row keyed by field id, e.g. { name, uscc, registeredOn, categories, poolYear, ... }. */
export function rowSchema(kind: LedgerKind): z.ZodObject<z.ZodRawShape> {
  let s = byId.get(kind);
  if (!s) {
    s = objectSchema(kind, (f) => f.id);
    byId.set(kind, s);
  }
  return s;
}

/** A parsed row keyed by standard column name, e.g. { 企业名称, 统一社会信用代码, ... }. */
export function rowSchemaByName(kind: LedgerKind): z.ZodObject<z.ZodRawShape> {
  let s = byName.get(kind);
  if (!s) {
    s = objectSchema(kind, (f) => f.name);
    byName.set(kind, s);
  }
  return s;
}

/** All kinds' id-keyed schemas. */
export const ROW_SCHEMAS: Readonly<Record<LedgerKind, z.ZodObject<z.ZodRawShape>>> = Object.fromEntries(
  LEDGER_KINDS.map((d) => [d.kind, rowSchema(d.kind)]),
) as Record<LedgerKind, z.ZodObject<z.ZodRawShape>>;

export type ParsedRow = Record<string, FieldValue>;

/**
 * Reads one data row through the mapping: the fields whose cells read ok, keyed by id.
 * Blank and unreadable cells are left out (validation reports them).
 */
export function readRow(mapping: ColumnMapping, cells: readonly unknown[], firstCol = 1): ParsedRow {
  const out: ParsedRow = {};
  for (const f of kindDef(mapping.kind).fields) {
    const col = mapping.columns[f.id];
    if (col === undefined) continue;
    const i = col - firstCol;
    const r = safeReadField(f, i >= 0 && i < cells.length ? cells[i] : null);
    if (r.status === "ok") out[f.id] = r.value;
  }
  return out;
}

/**
 * What every adapter shares about marks: the registry sheet kept inside the workbook (so
 * clearing still works after the file is closed and reopened), how a previous fill is
 * written down, and how a KJ note sits next to a user's own note without destroying it.
 */
import { CellValue } from "../ledger/cells";
import { cellAddress, columnLetter } from "../text";
import { CellMark, Edit, MARK_COLORS, MarkLevel, NOTE_PREFIX } from "./port";

/** The hidden sheet holding one row per marked cell (listed in OWN_SHEETS, so jobs skip it). */
export const MARK_REGISTRY_SHEET = "KJ标记";
export const MARK_REGISTRY_HEADER = ["工作表", "单元格", "原填充"] as const;

/**
 * Between the KJ note and a user's note that was on the cell before it was marked. Clearing
 * the mark gives the cell back everything after this line (including the user's later edits).
 */
export const NOTE_SEPARATOR = "\n—— 以下为原有批注 ——\n";

/** A cell's fill as it was before the add-in marked it. */
export type SavedFill =
  | { kind: "none" }
  | { kind: "solid"; color: string }
  /** Host-specific detail (exceljs fill object, Excel pattern fill) kept verbatim as JSON. */
  | { kind: "raw"; json: Record<string, unknown> };

const NO_FILL_TEXT = "无";

/** "无", "#RRGGBB" or a JSON object: the text stored in the registry's 原填充 column. */
export function formatSavedFill(fill: SavedFill): string {
  switch (fill.kind) {
    case "none":
      return NO_FILL_TEXT;
    case "solid":
      return normalizeColor(fill.color) ?? NO_FILL_TEXT;
    case "raw":
      return JSON.stringify(fill.json);
  }
}

/** Reads a registry 原填充 cell back; anything unreadable means "no fill". */
export function parseSavedFill(text: CellValue): SavedFill {
  if (typeof text !== "string") return { kind: "none" };
  const t = text.trim();
  if (t.startsWith("{")) {
    try {
      const json = JSON.parse(t) as unknown;
      if (json && typeof json === "object" && !Array.isArray(json)) return { kind: "raw", json: json as Record<string, unknown> };
    } catch {
      /* falls through to "none" */
    }
    return { kind: "none" };
  }
  const c = normalizeColor(t);
  return c ? { kind: "solid", color: c } : { kind: "none" };
}

/** "#ffc7ce" / "FFC7CE" / "FFFFC7CE" (ARGB) -> "#FFC7CE"; anything else -> null. */
export function normalizeColor(c: string | null | undefined): string | null {
  if (typeof c !== "string") return null;
  const hex = c.trim().replace(/^#/, "").toUpperCase();
  if (/^[0-9A-F]{6}$/.test(hex)) return "#" + hex;
  if (/^[0-9A-F]{8}$/.test(hex)) return "#" + hex.slice(2);
  return null;
}

/** One registry row: the marked cell and the fill it had before its first mark. */
export interface RegistryEntry {
  sheet: string;
  /** A1 address, e.g. "C7". */
  address: string;
  previousFill: SavedFill;
}

export function registryKey(sheet: string, address: string): string {
  return `${sheet}!${address.toUpperCase()}`;
}

/** Parses the registry sheet's values (header row first); rows that cannot be read are skipped. */
export function parseRegistry(values: CellValue[][]): RegistryEntry[] {
  const out: RegistryEntry[] = [];
  for (let i = 0; i < values.length; i++) {
    const row = values[i];
    const sheet = row[0];
    const address = row[1];
    if (typeof sheet !== "string" || typeof address !== "string") continue;
    if (i === 0 && sheet === MARK_REGISTRY_HEADER[0]) continue;
    if (!/^[A-Z]{1,3}[0-9]+$/i.test(address.trim())) continue;
    out.push({ sheet, address: address.trim().toUpperCase(), previousFill: parseSavedFill(row[2]) });
  }
  return out;
}

/** The registry as a block of text values starting at A1 (header included). */
export function registryRows(entries: readonly RegistryEntry[]): string[][] {
  return [[...MARK_REGISTRY_HEADER], ...entries.map((e) => [e.sheet, e.address, formatSavedFill(e.previousFill)])];
}

export function isKjNote(note: string | null | undefined): boolean {
  return typeof note === "string" && note.startsWith(NOTE_PREFIX);
}

/**
 * The note to write when marking a cell that currently holds `existing`:
 * a previous KJ note is replaced (the user's part after it is kept), a user's note is kept
 * below the KJ text.
 */
export function composeNote(message: string, existing: string | null | undefined): string {
  const kj = NOTE_PREFIX + message.split(NOTE_SEPARATOR).join("\n");
  if (existing === null || existing === undefined || existing === "") return kj;
  if (isKjNote(existing)) {
    const at = existing.indexOf(NOTE_SEPARATOR);
    return at < 0 ? kj : kj + existing.slice(at);
  }
  return kj + NOTE_SEPARATOR + existing;
}

/** What clearing a mark does to the cell's note. A note the user rewrote (no KJ prefix) is kept. */
export type NoteAfterClear = { action: "keep" } | { action: "delete" } | { action: "set"; text: string };

export function noteAfterClear(current: string | null | undefined): NoteAfterClear {
  if (!isKjNote(current)) return { action: "keep" };
  const at = (current as string).indexOf(NOTE_SEPARATOR);
  if (at < 0) return { action: "delete" };
  return { action: "set", text: (current as string).slice(at + NOTE_SEPARATOR.length) };
}

const LEVEL_RANK: Record<MarkLevel, number> = { error: 3, warning: 2, suggestion: 1 };

/** A mark after merging every mark on the same cell in one edit. */
export interface CellMarkPlan {
  row: number;
  col: number;
  address: string;
  color: string;
  message: string;
}

/**
 * Merges marks on the same cell: the most severe level decides the colour, the messages are
 * joined (each once). Order follows the first mark of each cell.
 */
export function planMarks(marks: readonly CellMark[]): CellMarkPlan[] {
  const byCell = new Map<string, { row: number; col: number; level: MarkLevel; notes: string[] }>();
  for (const m of marks) {
    if (!Number.isInteger(m.row) || !Number.isInteger(m.col) || m.row < 1 || m.col < 1) continue;
    const key = `${m.row}:${m.col}`;
    const found = byCell.get(key);
    if (!found) byCell.set(key, { row: m.row, col: m.col, level: m.level, notes: [m.note] });
    else {
      if (LEVEL_RANK[m.level] > LEVEL_RANK[found.level]) found.level = m.level;
      if (!found.notes.includes(m.note)) found.notes.push(m.note);
    }
  }
  return [...byCell.values()].map((m) => ({
    row: m.row,
    col: m.col,
    address: cellAddress(m.row, m.col),
    color: MARK_COLORS[m.level] ?? MARK_COLORS.error,
    message: m.notes.join("；"),
  }));
}

/** "C7" -> { row: 7, col: 3 }, or null. */
export function parseAddress(address: string): { row: number; col: number } | null {
  const m = /^([A-Z]{1,3})([0-9]+)$/i.exec(address.trim());
  if (!m) return null;
  let col = 0;
  for (const ch of m[1].toUpperCase()) col = col * 26 + (ch.charCodeAt(0) - 64);
  const row = Number(m[2]);
  return row >= 1 ? { row, col } : null;
}

/** "A1:C3" for a block, 1-based. */
export function rangeAddress(row: number, col: number, rows: number, cols: number): string {
  const first = cellAddress(row, col);
  if (rows === 1 && cols === 1) return first;
  return `${first}:${columnLetter(col + cols - 1)}${row + rows - 1}`;
}

/** A host whose cells can be read and written synchronously (memory, exceljs, WPS's ET model). */
export interface SyncMarkStore {
  getFill(sheet: string, row: number, col: number): SavedFill;
  setFill(sheet: string, row: number, col: number, fill: SavedFill): void;
  getNote(sheet: string, row: number, col: number): string | null;
  /** null removes the note. */
  setNote(sheet: string, row: number, col: number, text: string | null): void;
  /** The registry sheet's values from A1; [] when the sheet does not exist. */
  readRegistry(): CellValue[][];
  /** Replaces the registry's content with `rows` (creating the hidden sheet when needed). */
  writeRegistry(rows: string[][]): void;
}

/** Marks cells on a synchronous store: the first mark of a cell records its fill. */
export function markCellsSync(store: SyncMarkStore, sheet: string, marks: readonly CellMark[]): void {
  const plans = planMarks(marks);
  if (plans.length === 0) return;
  const entries = parseRegistry(store.readRegistry());
  const known = new Set(entries.map((e) => registryKey(e.sheet, e.address)));
  for (const p of plans) {
    if (!known.has(registryKey(sheet, p.address))) {
      entries.push({ sheet, address: p.address, previousFill: store.getFill(sheet, p.row, p.col) });
      known.add(registryKey(sheet, p.address));
    }
    store.setFill(sheet, p.row, p.col, { kind: "solid", color: p.color });
    store.setNote(sheet, p.row, p.col, composeNote(p.message, store.getNote(sheet, p.row, p.col)));
  }
  store.writeRegistry(registryRows(entries));
}

/** True when a registry entry is one of `sheet`'s marks to clear (all of them, or those on `rows`). */
export function entryToClear(e: RegistryEntry, sheet: string, rows?: ReadonlySet<number>): boolean {
  if (e.sheet !== sheet) return false;
  if (!rows) return true;
  const at = parseAddress(e.address);
  return at !== null && rows.has(at.row);
}

/** Restores every cell marked on `sheet` (or on its `rows` only) and drops them from the registry. */
export function clearMarksSync(store: SyncMarkStore, sheet: string, rows?: readonly number[]): void {
  const entries = parseRegistry(store.readRegistry());
  const only = rows ? new Set(rows) : undefined;
  const kept: RegistryEntry[] = [];
  let cleared = 0;
  for (const e of entries) {
    if (!entryToClear(e, sheet, only)) {
      kept.push(e);
      continue;
    }
    const at = parseAddress(e.address);
    cleared++;
    if (!at) continue;
    store.setFill(sheet, at.row, at.col, e.previousFill);
    const next = noteAfterClear(store.getNote(sheet, at.row, at.col));
    if (next.action === "delete") store.setNote(sheet, at.row, at.col, null);
    else if (next.action === "set") store.setNote(sheet, at.row, at.col, next.text);
  }
  if (cleared > 0) store.writeRegistry(registryRows(kept));
}

/** The two mark edits on a synchronous store (the memory and exceljs hosts share this). */
export function applyMarkEditSync(store: SyncMarkStore, e: Extract<Edit, { type: "mark" | "clearMarks" }>): void {
  if (e.type === "mark") markCellsSync(store, e.sheet, e.marks);
  else clearMarksSync(store, e.sheet, e.rows);
}

/**
 * Registry entries of `sheet` follow their rows after rows were deleted or inserted (fills
 * and notes move with the rows in every host); an entry whose row is gone is dropped.
 * Returns null when no entry of that sheet exists (nothing to rewrite).
 */
export function moveRegistryRows(entries: readonly RegistryEntry[], sheet: string, moveRow: (row: number) => number | null): RegistryEntry[] | null {
  if (!entries.some((e) => e.sheet === sheet)) return null;
  const out: RegistryEntry[] = [];
  for (const e of entries) {
    const at = e.sheet === sheet ? parseAddress(e.address) : null;
    if (!at) {
      out.push(e);
      continue;
    }
    const row = moveRow(at.row);
    if (row !== null) out.push({ ...e, address: cellAddress(row, at.col) });
  }
  return out;
}

/** Where a row ends up after `deleted` rows went (null: it was deleted). */
export function rowAfterDeleting(deleted: readonly number[]): (row: number) => number | null {
  const gone = [...new Set(deleted)].sort((a, b) => a - b);
  return (row) => {
    let below = 0;
    for (const d of gone) {
      if (d === row) return null;
      if (d < row) below++;
      else break;
    }
    return row - below;
  };
}

/** Where a row ends up after `count` rows were inserted before row `at`. */
export function rowAfterInserting(at: number, count: number): (row: number) => number {
  return (row) => (row >= at ? row + count : row);
}

/** Applies a row move to the registry of a synchronous store. */
export function moveMarksSync(store: SyncMarkStore, sheet: string, moveRow: (row: number) => number | null): void {
  const next = moveRegistryRows(parseRegistry(store.readRegistry()), sheet, moveRow);
  if (next) store.writeRegistry(registryRows(next));
}

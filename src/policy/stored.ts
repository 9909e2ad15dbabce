/**
 * Policy packs stored inside the workbook, so that another PC, the other host (Excel / WPS) and
 * `kj` compute the same values from the same file. The packs live on the add-in's own very
 * hidden sheet KJ政策, as the JSON text of each pack split over cells of at most CHUNK characters
 * (every host keeps a sheet and its text cells through a save; a custom XML part would be lost
 * by exceljs and is not certain in WPS):
 *
 *   政策包编号 | 片段 | 共几段 | 内容（JSON） | 载入自 | 载入日期
 *   xuecheng-plan-2025-2027 | 1 | 2 | {"id":"xuecheng-plan-2025-2027",… | 新政策.json | 2026-12-01
 *   xuecheng-plan-2025-2027 | 2 | 2 | …]}                              |             |
 *
 * Reading and writing go through the snapshot and the edits like every job: pure functions here,
 * the hosts read and apply.
 */
import { DayNumber, formatDay } from "../dates";
import { KjError } from "../errors";
import { Edit, SheetSnapshot, WorkbookSnapshot } from "../host/port";
import { POLICY_SHEET } from "../ledger/catalogue";
import { PackError, PackOrigin, problemText } from "./pack-errors";
import { buildRegistry, LoadedPack, loadPackText, periodText, PolicyRegistry } from "./registry";

export { POLICY_SHEET };

/** Characters per cell: well under the 32,767 a cell holds, and small enough for every host's writes. */
export const CHUNK = 8000;

export const POLICY_SHEET_HEADER = ["政策包编号", "片段", "共几段", "内容（JSON，由科技台账加载项写入，请勿修改）", "载入自", "载入日期"] as const;

/**
 * Where the stamp of the stored packs is (row 1, column G): a hash of everything stored, rewritten
 * with every change. WPS functions read this one cell to know whether their cached packs still hold.
 */
export const STAMP_COL = 7;

/** The stamp of a set of stored texts: "v1-" + FNV-1a of their ids and texts. Example: "v1-3f2a9c1b". */
export function storedStamp(texts: readonly string[]): string {
  let h = 0x811c9dc5;
  for (const t of texts) {
    for (let i = 0; i < t.length; i++) {
      h ^= t.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h ^= 0x1f;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `v1-${h.toString(16).padStart(8, "0")}`;
}

/** One pack as stored: its text put back together, and where it came from. */
export interface StoredPackText {
  id: string;
  text: string;
  /** The file it was loaded from, as recorded. */
  loadedFrom: string;
  loadedOn: string;
  /** The sheet row of its first part. */
  row: number;
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return "";
}

function sheetOf(snapshot: WorkbookSnapshot): SheetSnapshot | undefined {
  return snapshot.sheets.find((s) => s.name === POLICY_SHEET);
}

/** The cell at a 1-based sheet position of a snapshot. */
function at(s: SheetSnapshot, row: number, col: number): unknown {
  return s.values[row - s.firstRow]?.[col - s.firstCol] ?? null;
}

/**
 * The packs' texts stored in the workbook, with the problems of broken entries (a part missing,
 * parts out of order): each problem in Chinese, naming the row.
 */
export function readStoredTexts(snapshot: WorkbookSnapshot): { entries: StoredPackText[]; problems: string[] } {
  const s = sheetOf(snapshot);
  const entries: StoredPackText[] = [];
  const problems: string[] = [];
  if (!s || s.values.length === 0) return { entries, problems };
  const lastRow = s.firstRow + s.values.length - 1;
  let current: (StoredPackText & { parts: number; next: number }) | null = null;
  const close = () => {
    if (!current) return;
    if (current.next <= current.parts) problems.push(`“${POLICY_SHEET}”第 ${current.row} 行起的政策包“${current.id}”缺少第 ${current.next} 段（共 ${current.parts} 段），未载入`);
    else entries.push({ id: current.id, text: current.text, loadedFrom: current.loadedFrom, loadedOn: current.loadedOn, row: current.row });
    current = null;
  };
  for (let row = Math.max(2, s.firstRow); row <= lastRow; row++) {
    const id = cellText(at(s, row, 1)).trim();
    if (id === "") continue;
    const part = Number(at(s, row, 2));
    const parts = Number(at(s, row, 3));
    const text = cellText(at(s, row, 4));
    if (current && current.id === id && part === current.next) {
      current.text += text;
      current.next++;
      continue;
    }
    close();
    if (part !== 1 || !Number.isInteger(parts) || parts < 1) {
      problems.push(`“${POLICY_SHEET}”第 ${row} 行的政策包“${id}”片段编号有误（应从 1 开始），未载入`);
      continue;
    }
    current = { id, text, parts, next: 2, loadedFrom: cellText(at(s, row, 5)), loadedOn: cellText(at(s, row, 6)), row };
  }
  close();
  return { entries, problems };
}

/**
 * The packs stored in the workbook, each checked like a file. `lenient`: a broken pack is left out
 * and its problem returned (functions keep working with the rest); otherwise it throws PackError.
 */
export function storedPacks(snapshot: WorkbookSnapshot, workbookName = "", lenient = false): { packs: LoadedPack[]; problems: string[] } {
  const { entries, problems } = readStoredTexts(snapshot);
  const origin: PackOrigin = { type: "workbook", name: workbookName };
  if (!lenient && problems.length > 0) throw new PackError(origin, problems.map((m) => ({ path: "", message: m })), "政策包");
  const packs: LoadedPack[] = [];
  for (const e of entries) {
    try {
      packs.push(loadPackText(e.text, origin));
    } catch (err) {
      if (!lenient || !(err instanceof PackError)) throw err;
      problems.push(`“${POLICY_SHEET}”第 ${e.row} 行的政策包“${e.id}”有误，未载入：${err.problems.map(problemText).join("；")}`);
    }
  }
  return { packs, problems };
}

/**
 * The registry for a workbook: the built-in packs, the packs stored in it, then `extra` (files
 * given with --policy). Throws on a broken stored pack or on overlapping periods.
 */
export function workbookRegistry(snapshot: WorkbookSnapshot, workbookName = "", extra: readonly LoadedPack[] = []): PolicyRegistry {
  return buildRegistry([...storedPacks(snapshot, workbookName).packs, ...extra]);
}

/** What storing changes, for the message: which packs were added, which replaced. */
export interface StoreResult {
  edits: Edit[];
  added: LoadedPack[];
  /** Stored packs of the same kind and id that the new ones replace. */
  replaced: StoredPackText[];
  /** The registry the workbook will have: built-in + stored (checked: no overlap). */
  registry: PolicyRegistry;
}

/** A pack's own text for the sheet: compact JSON, split into parts. */
function partsOf(pack: LoadedPack): string[] {
  const text = JSON.stringify(pack.json);
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += CHUNK) parts.push(text.slice(i, i + CHUNK));
  return parts.length > 0 ? parts : [""];
}

function sheetEdits(snapshot: WorkbookSnapshot, rows: (string | number | null)[][]): Edit[] {
  rows = rows.map((r) => [...r, null]);
  const edits: Edit[] = [{ type: "ensureSheet", sheet: POLICY_SHEET, hidden: "veryHidden" }];
  const s = sheetOf(snapshot);
  if (s && s.values.length > 0) {
    const lastRow = s.firstRow + s.values.length - 1;
    const lastCol = s.firstCol + Math.max(0, ...s.values.map((r) => r.length)) - 1;
    edits.push({ type: "clearRange", sheet: POLICY_SHEET, row: 1, col: 1, rows: lastRow, cols: Math.max(lastCol, STAMP_COL) });
  }
  const stamp = storedStamp(rows.map((r) => `${String(r[0])}\u0000${String(r[3])}`));
  edits.push({ type: "setValues", sheet: POLICY_SHEET, row: 1, col: 1, values: [[...POLICY_SHEET_HEADER, stamp], ...rows] });
  return edits;
}

function rowsOf(kept: readonly { pack: LoadedPack; loadedFrom: string; loadedOn: string }[]): (string | number | null)[][] {
  const rows: (string | number | null)[][] = [];
  for (const k of kept) {
    const parts = partsOf(k.pack);
    parts.forEach((text, i) => rows.push([k.pack.id, i + 1, parts.length, text, i === 0 ? k.loadedFrom : null, i === 0 ? k.loadedOn : null]));
  }
  return rows;
}

/**
 * Edits that store `packs` in the workbook (loaded from the files named in `fileNames`, on
 * `today`). A stored pack of the same kind and id is replaced. Throws, writing nothing, when the
 * result would have overlapping periods or the stored packs cannot be read.
 */
export function storePacksEdits(snapshot: WorkbookSnapshot, packs: readonly LoadedPack[], today: DayNumber, fileNames: readonly string[] = [], workbookName = ""): StoreResult {
  const { entries } = readStoredTexts(snapshot);
  const current = storedPacks(snapshot, workbookName).packs;
  const replaced: StoredPackText[] = [];
  const kept: { pack: LoadedPack; loadedFrom: string; loadedOn: string }[] = [];
  current.forEach((p, i) => {
    if (packs.some((n) => n.kind === p.kind && n.id === p.id)) replaced.push(entries[i]);
    else kept.push({ pack: p, loadedFrom: entries[i].loadedFrom, loadedOn: entries[i].loadedOn });
  });
  packs.forEach((p, i) => kept.push({ pack: { ...p, origin: { type: "workbook", name: workbookName } }, loadedFrom: fileNames[i] ?? "", loadedOn: formatDay(today) }));
  const registry = buildRegistry(kept.map((k) => k.pack));
  return { edits: sheetEdits(snapshot, rowsOf(kept)), added: [...packs], replaced, registry };
}

/**
 * Edits that remove the stored pack with this id (and, when given, this start date) from the
 * workbook. Throws KjError when there is none. The pack's own file is not touched: loading it
 * again undoes the removal.
 */
export function removeStoredPackEdits(snapshot: WorkbookSnapshot, id: string, workbookName = ""): { edits: Edit[]; removed: LoadedPack[]; registry: PolicyRegistry } {
  const { entries } = readStoredTexts(snapshot);
  const current = storedPacks(snapshot, workbookName).packs;
  const removed = current.filter((p) => p.id === id);
  if (removed.length === 0) {
    const ids = current.map((p) => `${p.id}（${periodText(p)}）`);
    throw new KjError("policy_not_stored", `工作簿中没有保存编号为“${id}”的政策包（已保存：${ids.join("、") || "无"}）`);
  }
  const kept = current.flatMap((p, i) => (p.id === id ? [] : [{ pack: p, loadedFrom: entries[i].loadedFrom, loadedOn: entries[i].loadedOn }]));
  return { edits: sheetEdits(snapshot, rowsOf(kept)), removed, registry: buildRegistry(kept.map((k) => k.pack)) };
}

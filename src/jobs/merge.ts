/**
 * Merge job — 合并台账 (计划 三（一）; DOMAIN §11). Towns and departments each keep their own copy
 * of the ledgers and send it in; the bureau merges them into one workbook (the first file: the
 * open workbook in the task pane, the first file named to `kj merge`).
 *
 * - Ledgers are recognised by their header as everywhere else; columns are matched by field
 *   through the catalogue's synonyms, in any order. A column the first workbook lacks is added
 *   at the right of its ledger (standard name for a known field, the header as typed otherwise).
 * - One row per enterprise: 企业培育库 rows are the same enterprise when their 统一社会信用代码
 *   (valid, GB 32100) is the same. The other ledgers have no such code per row (one enterprise
 *   hosts several platforms and projects): a platform is the same by 平台名称 + 级别 + 依托单位,
 *   a talent by 姓名或团队 + 人才工程 + 入选年度 + 依托单位, a project by 项目名称 + 承担单位 +
 *   年度 + 级别, an award by 名称 + 奖励事项 + 认定日期 (IDENTITY below).
 * - A row without a valid code (or without the columns that identify it) is kept and reported;
 *   an exact copy of a row already merged is not added a second time.
 * - The same enterprise with different values in a column is a conflict: the value of the
 *   earliest file that has one is kept, every value is listed on the 合并冲突 sheet. A blank
 *   cell of the kept row is filled from the next file that has a value (listed too).
 * - Nothing in the first workbook is deleted or changed: its rows stay where they are (two rows
 *   of the first workbook with the same code are both kept and reported), only blank cells are
 *   filled, rows and columns added, and the add-in's own 来源文件 column and 合并冲突 sheet written.
 */
import { formatDay } from "../dates";
import { Edit, WorkbookSnapshot } from "../host/port";
import { CellValue, cellError, isBlankCell, readCode } from "../ledger/cells";
import { FieldDef, kindDef, LedgerKind, LEDGER_KINDS } from "../ledger/catalogue";
import { readField } from "../ledger/fields";
import { headerKey } from "../ledger/mapping";
import { normalizeText } from "../text";
import { checkUscc } from "../uscc";
import { cellAt, dataRows, lastUsedCol, lastUsedRow, Ledger, ledgerOf, rewriteOwnSheetEdits, sheetNamed } from "./ledgers";
import { Issue, JobResult } from "./types";

export const MERGE_SHEET = "合并冲突";
/** The add-in's own column on every merged ledger row: the file the row came from. */
export const SOURCE_COLUMN = "来源文件";
/** Between file names in 来源文件 when a row was sent by several files. */
export const SOURCE_SEPARATOR = "、";

export interface MergeInput {
  /** The file's name as shown to people (e.g. 陶庄镇.xlsx). */
  file: string;
  snapshot: WorkbookSnapshot;
}

/** A row of a file. */
export interface MergePlace {
  file: string;
  sheet: string;
  row: number;
}

export interface MergeFileSummary {
  file: string;
  /** True for the workbook merged into (the first file). */
  base: boolean;
  ledgers: { sheet: string; kind: LedgerKind; title: string; rows: number }[];
}

export interface MergeLedgerSummary {
  kind: LedgerKind;
  title: string;
  /** The sheet of the result that received the rows of the other files. */
  sheet: string;
  /** True when the first workbook had no such ledger and the sheet was made. */
  created: boolean;
  /** Data rows of this ledger in the first workbook (every sheet of the kind). */
  before: number;
  added: number;
  /** before + added. */
  rows: number;
  /** Columns added to `sheet`, in order. */
  addedColumns: string[];
}

export interface MergeDuplicate {
  ledger: string;
  /** 统一社会信用代码 when the row has a valid one. */
  code: string | null;
  name: string | null;
  /** What made the rows the same, e.g. "统一社会信用代码 91370403…". */
  identity: string;
  /** The row that stays (in the result: its sheet and row). */
  kept: MergePlace;
  /** The other rows of the same enterprise (or platform, …): folded into `kept`. */
  folded: MergePlace[];
  /** Rows of the first workbook with the same identity: left where they are, for a person to decide. */
  leftInPlace: MergePlace[];
}

export interface MergeValue {
  file: string;
  sheet: string;
  row: number;
  value: string;
  /** True when this value is the one kept (the same as the first file's, read through the column's type). */
  kept: boolean;
}

export interface MergeConflict {
  ledger: string;
  code: string | null;
  name: string | null;
  /** The column's standard name (or its header as typed). */
  column: string;
  /** Every file's value, the kept one first. */
  values: MergeValue[];
  /** The value the merged row keeps (the first file's). */
  kept: string;
  /** Where the merged row is in the result. */
  sheet: string;
  row: number;
}

export interface MergeFill {
  ledger: string;
  code: string | null;
  name: string | null;
  column: string;
  value: string;
  from: MergePlace;
  sheet: string;
  row: number;
}

export interface MergeUnidentified {
  ledger: string;
  from: MergePlace;
  name: string | null;
  /** The code as typed, when there is one. */
  code: string | null;
  reason: string;
  /** Where the row is in the result. */
  sheet: string;
  row: number;
}

export interface MergeReport {
  files: MergeFileSummary[];
  ledgers: MergeLedgerSummary[];
  /** Data rows of every merged ledger in the result. */
  rows: number;
  duplicates: MergeDuplicate[];
  conflicts: MergeConflict[];
  filled: MergeFill[];
  /** Rows kept without a valid code (企业培育库) or without what identifies them (other ledgers). */
  unidentified: MergeUnidentified[];
  /** Exact copies of a merged row, not added again. */
  copies: { ledger: string; from: MergePlace; sameAs: MergePlace }[];
  /** Files without any ledger, and similar. */
  issues: Issue[];
}

// ---------------------------------------------------------------- identities

interface Identity {
  /** Fields every row must have to be matched with others. */
  fields: readonly string[];
  /** Fields that also tell rows apart when filled (a blank is a value of its own). */
  also: readonly string[];
  /** What the fields are called in messages. */
  label: string;
  /** The field naming the row for people. */
  nameField: string;
}

const IDENTITY: Record<LedgerKind, Identity> = {
  enterprise: { fields: ["uscc"], also: [], label: "统一社会信用代码", nameField: "name" },
  platform: { fields: ["platformName", "level"], also: ["host"], label: "平台名称、级别、依托单位", nameField: "platformName" },
  talent: { fields: ["talentName", "program"], also: ["year", "employer"], label: "姓名或团队、人才工程、入选年度、依托单位", nameField: "talentName" },
  project: { fields: ["projectName", "undertaker"], also: ["year", "level"], label: "项目名称、承担单位、年度、级别", nameField: "projectName" },
  award: { fields: ["name", "item", "date"], also: [], label: "名称、奖励事项、认定日期", nameField: "name" },
  rd: { fields: ["name", "year"], also: [], label: "企业名称、年度", nameField: "name" },
};

/** Which ledgers are merged by code, for the README and help: every kind, in catalogue order. */
export function identityOf(kind: LedgerKind): string {
  return IDENTITY[kind].label;
}

// ---------------------------------------------------------------- columns

/** A column of a ledger: "f:<field>" for a catalogue field, "h:<header key>" otherwise, "src" for 来源文件. */
type ColKey = string;
const SRC: ColKey = "src";
const SOURCE_KEY = headerKey(SOURCE_COLUMN);

interface LedgerColumn {
  key: ColKey;
  col: number;
  /** The header to write when the column is added elsewhere. */
  header: string;
  field?: FieldDef;
}

function ledgerColumns(l: Ledger): LedgerColumn[] {
  const byId = new Map(l.def.fields.map((f) => [f.id, f]));
  const out: LedgerColumn[] = [];
  const seen = new Set<ColKey>();
  for (const h of l.mapping.headers) {
    let c: LedgerColumn;
    if (h.field && l.mapping.columns[h.field] === h.col) {
      const f = byId.get(h.field) as FieldDef;
      c = { key: "f:" + h.field, col: h.col, header: f.name, field: f };
    } else {
      const k = headerKey(h.text);
      c = k === SOURCE_KEY ? { key: SRC, col: h.col, header: SOURCE_COLUMN } : { key: "h:" + k, col: h.col, header: h.text };
    }
    if (seen.has(c.key)) continue;
    seen.add(c.key);
    out.push(c);
  }
  return out;
}

/** A cell as people read it: dates as YYYY-MM-DD, booleans 是/否, errors as their code. */
export function shownValue(v: CellValue): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return isNaN(v.getTime()) ? "" : v.toISOString().slice(0, 10);
  if (typeof v === "boolean") return v ? "是" : "否";
  if (typeof v === "object") return cellError(v) ?? "";
  return typeof v === "string" ? v.trim() : String(v);
}

/** What two cells are compared by: the value read through the field (so 2023/5/1 = 2023-05-01), else the text. */
function canonical(c: LedgerColumn | undefined, v: CellValue): string {
  if (c?.field) {
    const r = readField(c.field, v);
    if (r.status === "ok") {
      const x = r.value;
      if (Array.isArray(x)) return "=" + [...x].sort().join("、");
      if (c.field.type.t === "date" && typeof x === "number") return "=" + formatDay(x);
      return "=" + String(x);
    }
  }
  return "~" + normalizeText(shownValue(v));
}

// ---------------------------------------------------------------- destinations

/** A sheet of the result receiving rows, fills and the 来源文件 column. */
interface Dest {
  sheet: string;
  headerRow: number;
  created: boolean;
  cols: Map<ColKey, number>;
  added: { col: number; header: string }[];
  nextCol: number;
  nextRow: number;
}

function destOf(l: Ledger): Dest {
  const cols = new Map<ColKey, number>();
  for (const c of ledgerColumns(l)) cols.set(c.key, c.col);
  const sheet = l.sheet;
  return {
    sheet: sheet.name,
    headerRow: l.mapping.headerRow,
    created: false,
    cols,
    added: [],
    nextCol: Math.max(lastUsedCol(sheet), l.mapping.headers.reduce((m, h) => Math.max(m, h.col), 0)) + 1,
    nextRow: Math.max(lastUsedRow(sheet), l.mapping.headerRow) + 1,
  };
}

function columnIn(d: Dest, key: ColKey, header: string): number {
  const have = d.cols.get(key);
  if (have !== undefined) return have;
  const col = d.nextCol++;
  d.cols.set(key, col);
  d.added.push({ col, header });
  return col;
}

// ---------------------------------------------------------------- rows

interface Occurrence {
  place: MergePlace;
  fileIndex: number;
  kind: LedgerKind;
  cells: Map<ColKey, { v: CellValue; col: LedgerColumn }>;
  name: string | null;
  code: string | null;
}

/** A row of the result: a row of the first workbook, or one added to a destination sheet. */
interface Slot {
  dest: Dest;
  /** Sheet row in the result (assigned to added rows when they are appended). */
  row: number;
  added: boolean;
  /** For added rows: their cells; for rows of the first workbook: what the merge fills in. */
  cells: Map<ColKey, { v: CellValue; col: LedgerColumn }>;
  sources: string[];
  first: Occurrence;
}

interface Group {
  slot: Slot;
  identity: string;
  occurrences: Occurrence[];
}

function occurrenceOf(l: Ledger, row: number, file: string, fileIndex: number, cols: LedgerColumn[]): Occurrence {
  const cells = new Map<ColKey, { v: CellValue; col: LedgerColumn }>();
  for (const c of cols) {
    const v = cellAt(l.sheet, row, c.col);
    if (!isBlankCell(v)) cells.set(c.key, { v, col: c });
  }
  const nameCell = cells.get("f:" + IDENTITY[l.def.kind].nameField);
  const codeCell = cells.get("f:uscc");
  const code = codeCell ? readCode(codeCell.v) : null;
  return {
    place: { file, sheet: l.sheet.name, row },
    fileIndex,
    kind: l.def.kind,
    cells,
    name: nameCell ? shownValue(nameCell.v) : null,
    code: code && code.status === "ok" ? code.value : codeCell ? shownValue(codeCell.v) : null,
  };
}

/** The identity of a row, or why it has none. */
function identityOfRow(o: Occurrence): { key: string; shown: string } | { reason: string } {
  const id = IDENTITY[o.kind];
  if (o.kind === "enterprise") {
    const cell = o.cells.get("f:uscc");
    if (!cell) return { reason: "统一社会信用代码未填写" };
    const r = readCode(cell.v);
    if (r.status !== "ok") return { reason: `统一社会信用代码无法读取：${r.status === "invalid" ? r.message : "空白"}` };
    const c = checkUscc(r.value);
    if (!c.valid) return { reason: `统一社会信用代码无效：${c.reason}` };
    return { key: "code:" + c.normalized, shown: `统一社会信用代码 ${c.normalized}` };
  }
  const parts: string[] = [];
  for (const f of id.fields) {
    const cell = o.cells.get("f:" + f);
    const def = kindDef(o.kind).fields.find((x) => x.id === f) as FieldDef;
    if (!cell) return { reason: `${def.name}未填写，无法判断是否与其他文件的行重复` };
    const canon = canonical(cell.col, cell.v);
    if (!canon.startsWith("=")) return { reason: `${def.name}“${shownValue(cell.v)}”无法读取，无法判断是否与其他文件的行重复` };
    parts.push(canon.slice(1));
  }
  for (const f of id.also) {
    const cell = o.cells.get("f:" + f);
    parts.push(cell ? canonical(cell.col, cell.v).slice(1) : "");
  }
  return { key: "id:" + parts.join("\u0001"), shown: `${id.label} ${parts.filter((p) => p !== "").join(" / ")}` };
}

/** An exact-content key (every column but 来源文件), so the same row sent twice is added once. */
function contentKey(o: Occurrence): string {
  const parts = [...o.cells.entries()].filter(([k]) => k !== SRC).map(([k, c]) => `${k}=${canonical(c.col, c.v)}`);
  return "row:" + parts.sort().join("\u0001");
}

function splitSources(v: CellValue): string[] {
  const s = shownValue(v);
  return s === "" ? [] : s.split(SOURCE_SEPARATOR).map((x) => x.trim()).filter((x) => x !== "");
}

function addSource(list: string[], names: readonly string[]): void {
  for (const n of names) if (!list.includes(n)) list.push(n);
}

/** A sheet name not used yet in the workbook, from a wish list. */
function freeSheetName(taken: Set<string>, wishes: string[]): string {
  for (const w of wishes) if (!taken.has(w)) return w;
  for (let i = 2; ; i++) {
    const n = `${wishes[wishes.length - 1]}${i}`;
    if (!taken.has(n)) return n;
  }
}

// ---------------------------------------------------------------- the job

/**
 * Merges the ledgers of `others` into `base` (file order = priority for conflicts). The edits
 * apply to the base workbook: rows added to its ledgers (a ledger it lacks gets a new sheet),
 * blank cells filled, the 来源文件 column written on every ledger row, and the 合并冲突 sheet.
 */
export function computeMerge(base: MergeInput, others: readonly MergeInput[]): JobResult<MergeReport> {
  const inputs = [base, ...others];
  const files: MergeFileSummary[] = [];
  const issues: Issue[] = [];
  const ledgersOfFile = inputs.map((inp, i) => {
    const ls: Ledger[] = [];
    for (const s of inp.snapshot.sheets) {
      const l = ledgerOf(s);
      if (l) ls.push(l);
    }
    files.push({ file: inp.file, base: i === 0, ledgers: ls.map((l) => ({ sheet: l.sheet.name, kind: l.def.kind, title: l.def.title, rows: dataRows(l).length })) });
    if (ls.length === 0 && i > 0) {
      issues.push({ sheet: "", row: 0, column: "", col: 0, field: "", severity: "warning", message: `“${inp.file}”中没有找到台账（企业培育库、创新平台、人才、科技计划项目、奖励），未合并任何行` });
    }
    return ls;
  });

  const taken = new Set(base.snapshot.sheets.map((s) => s.name));
  const baseDests = new Map<string, Dest>();
  const targetOf = new Map<LedgerKind, Dest>();
  const slots: Slot[] = [];
  const groups = new Map<string, Group>();
  const kindOfGroup = new Map<Group, LedgerKind>();
  const baseLeftInPlace = new Map<Group, MergePlace[]>();
  const unidentified: MergeUnidentified[] = [];
  const copies: MergeReport["copies"] = [];
  const pendingUnidentified: { o: Occurrence; reason: string; slot: Slot }[] = [];
  const ledgerStats = new Map<LedgerKind, { before: number; added: number }>();
  const stats = (k: LedgerKind) => {
    let s = ledgerStats.get(k);
    if (!s) {
      s = { before: 0, added: 0 };
      ledgerStats.set(k, s);
    }
    return s;
  };

  // The first workbook: every row stays where it is.
  for (const l of ledgersOfFile[0]) {
    const dest = destOf(l);
    baseDests.set(l.sheet.name, dest);
    if (!targetOf.has(l.def.kind)) targetOf.set(l.def.kind, dest);
    const cols = ledgerColumns(l);
    for (const { row } of dataRows(l)) {
      const o = occurrenceOf(l, row, base.file, 0, cols);
      stats(l.def.kind).before++;
      const srcCell = o.cells.get(SRC);
      const slot: Slot = { dest, row, added: false, cells: new Map(), sources: [], first: o };
      addSource(slot.sources, srcCell ? splitSources(srcCell.v) : [base.file]);
      slots.push(slot);
      const id = identityOfRow(o);
      const key = "key" in id ? l.def.kind + "\u0002" + id.key : l.def.kind + "\u0002" + contentKey(o);
      const g = groups.get(key);
      if (g) {
        g.occurrences.push(o);
        const left = baseLeftInPlace.get(g) ?? [];
        left.push(o.place);
        baseLeftInPlace.set(g, left);
      } else {
        const ng: Group = { slot, identity: "key" in id ? id.shown : "内容完全相同", occurrences: [o] };
        groups.set(key, ng);
        kindOfGroup.set(ng, l.def.kind);
      }
      if (!("key" in id)) pendingUnidentified.push({ o, reason: id.reason, slot });
    }
  }

  // The other files, in order.
  for (let fi = 1; fi < inputs.length; fi++) {
    for (const l of ledgersOfFile[fi]) {
      const kind = l.def.kind;
      let dest = targetOf.get(kind);
      const cols = ledgerColumns(l);
      if (!dest) {
        const name = freeSheetName(taken, [l.sheet.name, l.def.title, `${l.def.title}（合并）`]);
        taken.add(name);
        dest = { sheet: name, headerRow: 1, created: true, cols: new Map(), added: [], nextCol: 1, nextRow: 2 };
        for (const c of cols) if (c.key !== SRC) columnIn(dest, c.key, c.header);
        targetOf.set(kind, dest);
      }
      for (const { row } of dataRows(l)) {
        const o = occurrenceOf(l, row, inputs[fi].file, fi, cols);
        const id = identityOfRow(o);
        const key = kind + "\u0002" + ("key" in id ? id.key : contentKey(o));
        const g = groups.get(key);
        const srcCell = o.cells.get(SRC);
        const sources = srcCell ? splitSources(srcCell.v) : [inputs[fi].file];
        if (g) {
          if ("key" in id) {
            g.occurrences.push(o);
            addSource(g.slot.sources, sources);
          } else {
            copies.push({ ledger: l.def.title, from: o.place, sameAs: { file: g.slot.first.place.file, sheet: g.slot.dest.sheet, row: g.slot.row } });
          }
          continue;
        }
        const cells = new Map<ColKey, { v: CellValue; col: LedgerColumn }>();
        for (const [k, c] of o.cells) if (k !== SRC) cells.set(k, c);
        const slot: Slot = { dest, row: dest.nextRow++, added: true, cells, sources: [], first: o };
        addSource(slot.sources, sources);
        slots.push(slot);
        stats(kind).added++;
        const ng: Group = { slot, identity: "key" in id ? id.shown : "内容完全相同", occurrences: [o] };
        groups.set(key, ng);
        kindOfGroup.set(ng, kind);
        if (!("key" in id)) pendingUnidentified.push({ o, reason: id.reason, slot });
      }
    }
  }

  for (const p of pendingUnidentified) {
    unidentified.push({ ledger: kindDef(p.o.kind).title, from: p.o.place, name: p.o.name, code: p.o.code, reason: p.reason, sheet: p.slot.dest.sheet, row: p.slot.row });
  }

  // Duplicates: conflicts and fills.
  const duplicates: MergeDuplicate[] = [];
  const conflicts: MergeConflict[] = [];
  const filled: MergeFill[] = [];
  const fillEdits: { dest: Dest; row: number; key: ColKey; header: string; v: CellValue }[] = [];
  for (const g of groups.values()) {
    if (g.occurrences.length < 2) continue;
    const kind = kindOfGroup.get(g) as LedgerKind;
    const title = kindDef(kind).title;
    const first = g.occurrences[0];
    const code = g.occurrences.map((o) => o.code).find((c) => c !== null) ?? null;
    const name = g.occurrences.map((o) => o.name).find((n) => n !== null) ?? null;
    const left = baseLeftInPlace.get(g) ?? [];
    const leftKeys = new Set(left.map((p) => `${p.sheet}\u0001${p.row}`));
    duplicates.push({
      ledger: title,
      code,
      name,
      identity: g.identity,
      kept: { file: first.place.file, sheet: g.slot.dest.sheet, row: g.slot.row },
      folded: g.occurrences.slice(1).filter((o) => !(o.fileIndex === 0 && leftKeys.has(`${o.place.sheet}\u0001${o.place.row}`))).map((o) => o.place),
      leftInPlace: left,
    });
    // Column keys in the order they first appear.
    const keys: ColKey[] = [];
    const colOfKey = new Map<ColKey, LedgerColumn>();
    for (const o of g.occurrences) for (const [k, c] of o.cells) if (k !== SRC && !colOfKey.has(k)) {
      keys.push(k);
      colOfKey.set(k, c.col);
    }
    for (const k of keys) {
      const col = colOfKey.get(k) as LedgerColumn;
      const withValue = g.occurrences.filter((o) => o.cells.has(k));
      const distinct = new Set(withValue.map((o) => canonical(col, (o.cells.get(k) as { v: CellValue }).v)));
      const keptOcc = withValue[0];
      const keptV = (keptOcc.cells.get(k) as { v: CellValue }).v;
      if (!first.cells.has(k)) {
        // The kept row is blank here: the earliest value fills it.
        filled.push({ ledger: title, code, name, column: col.header, value: shownValue(keptV), from: keptOcc.place, sheet: g.slot.dest.sheet, row: g.slot.row });
        if (g.slot.added) g.slot.cells.set(k, { v: keptV, col });
        else fillEdits.push({ dest: g.slot.dest, row: g.slot.row, key: k, header: col.header, v: keptV });
      }
      if (distinct.size > 1) {
        conflicts.push({
          ledger: title,
          code,
          name,
          column: col.header,
          values: withValue.map((o) => {
            const v = (o.cells.get(k) as { v: CellValue }).v;
            return { file: o.place.file, sheet: o.place.sheet, row: o.place.row, value: shownValue(v), kept: canonical(col, v) === canonical(col, keptV) };
          }),
          kept: shownValue(keptV),
          sheet: g.slot.dest.sheet,
          row: g.slot.row,
        });
      }
    }
  }

  // ---------------------------------------------------------------- edits
  const edits: Edit[] = [];
  const dests = [...new Set([...baseDests.values(), ...targetOf.values()])];
  for (const d of dests) if (d.created) edits.push({ type: "ensureSheet", sheet: d.sheet });

  // Added rows, per destination, as one block each (columns created as values need them).
  const addedBlocks: { dest: Dest; first: number; rows: CellValue[][] }[] = [];
  for (const d of dests) {
    const mine = slots.filter((s) => s.added && s.dest === d);
    if (mine.length === 0) continue;
    for (const s of mine) for (const [k, c] of s.cells) columnIn(d, k, c.col.header);
  }
  // Fills may need columns in the first workbook's sheets too.
  for (const f of fillEdits) columnIn(f.dest, f.key, f.header);
  // 来源文件 on every sheet with ledger rows.
  for (const d of dests) if (slots.some((s) => s.dest === d)) columnIn(d, SRC, SOURCE_COLUMN);

  for (const d of dests) {
    if (d.added.length > 0 || d.created) {
      const width = Math.max(...[...d.cols.values()]);
      const header: CellValue[] = new Array(width).fill(null);
      for (const a of d.added) header[a.col - 1] = a.header;
      const firstCol = d.created ? 1 : Math.min(...d.added.map((a) => a.col));
      edits.push({ type: "setValues", sheet: d.sheet, row: d.headerRow, col: firstCol, values: [header.slice(firstCol - 1)] });
      edits.push({ type: "bold", sheet: d.sheet, row: d.headerRow, col: firstCol, rows: 1, cols: width - firstCol + 1 });
    }
    const mine = slots.filter((s) => s.added && s.dest === d);
    if (mine.length > 0) {
      const width = Math.max(...[...d.cols.values()]);
      const rows = mine.map((s) => {
        const r: CellValue[] = new Array(width).fill(null);
        for (const [k, c] of s.cells) r[(d.cols.get(k) as number) - 1] = c.v;
        return r;
      });
      addedBlocks.push({ dest: d, first: mine[0].row, rows });
      edits.push({ type: "setValues", sheet: d.sheet, row: mine[0].row, col: 1, values: rows });
    }
  }
  for (const f of fillEdits) edits.push({ type: "setValues", sheet: f.dest.sheet, row: f.row, col: f.dest.cols.get(f.key) as number, values: [[f.v]] });

  // 来源文件: one block per destination, from its first to its last ledger row.
  for (const d of dests) {
    const mine = slots.filter((s) => s.dest === d).sort((a, b) => a.row - b.row);
    if (mine.length === 0) continue;
    const from = mine[0].row;
    const to = mine[mine.length - 1].row;
    const col = d.cols.get(SRC) as number;
    const sheet = sheetNamed(base.snapshot, d.sheet);
    const block: CellValue[][] = [];
    for (let r = from; r <= to; r++) block.push([null]);
    for (const s of mine) block[s.row - from][0] = s.sources.join(SOURCE_SEPARATOR);
    // Rows between ledger rows keep what they have (a blank row stays blank).
    for (let r = from; r <= to; r++) {
      if (block[r - from][0] !== null) continue;
      const v = sheet ? cellAt(sheet, r, col) : null;
      block[r - from][0] = isBlankCell(v) ? null : (v as CellValue);
    }
    edits.push({ type: "setValues", sheet: d.sheet, row: from, col, values: block });
  }

  const ledgers: MergeLedgerSummary[] = [];
  for (const def of LEDGER_KINDS) {
    const d = targetOf.get(def.kind);
    if (!d) continue;
    const s = stats(def.kind);
    ledgers.push({ kind: def.kind, title: def.title, sheet: d.sheet, created: d.created, before: s.before, added: s.added, rows: s.before + s.added, addedColumns: d.added.map((a) => a.header) });
  }
  const report: MergeReport = {
    files,
    ledgers,
    rows: ledgers.reduce((n, l) => n + l.rows, 0),
    duplicates,
    conflicts,
    filled,
    unidentified,
    copies,
    issues,
  };
  edits.push(...mergeSheetEdits(base.snapshot, report));
  return { report, edits };
}

// ---------------------------------------------------------------- the 合并冲突 sheet

const place = (p: MergePlace) => `${p.file}“${p.sheet}”第 ${p.row} 行`;

/** The edits that write 合并冲突: cleared and written anew on every merge. */
export function mergeSheetEdits(snapshot: WorkbookSnapshot, r: MergeReport): Edit[] {
  const S = MERGE_SHEET;
  const edits = rewriteOwnSheetEdits(snapshot, S);
  const lines: CellValue[][] = [];
  const bold: { row: number; cols: number }[] = [];
  const title = (t: string) => {
    lines.push([t]);
    bold.push({ row: lines.length, cols: 1 });
  };
  const header = (h: string[]) => {
    lines.push(h);
    bold.push({ row: lines.length, cols: h.length });
  };
  title("台账合并情况");
  lines.push([`合并的文件（按先后，冲突时保留排在前面的文件的值）：${r.files.map((f) => f.file).join("、")}`]);
  for (const l of r.ledgers) {
    lines.push([`${l.title}（工作表“${l.sheet}”${l.created ? "，新建" : ""}）：原有 ${l.before} 行，新增 ${l.added} 行，合并后 ${l.rows} 行${l.addedColumns.length > 0 ? `；新增列：${l.addedColumns.join("、")}` : ""}`]);
  }
  lines.push([`重复 ${r.duplicates.length} 处，冲突 ${r.conflicts.length} 处，补填空白 ${r.filled.length} 处，无有效代码（或无法判断是否重复）的行 ${r.unidentified.length} 行，完全相同未再添加的行 ${r.copies.length} 行。`]);
  for (const i of r.issues) lines.push([i.message]);

  lines.push([]);
  title("冲突（同一企业在不同文件中填写不同：合并结果保留第一个文件的值，请核实后修改）");
  header(["台账", "统一社会信用代码", "名称", "列", "来源文件", "工作表", "行", "填写的值", "合并结果", "合并后位置"]);
  if (r.conflicts.length === 0) lines.push(["无"]);
  for (const c of r.conflicts) {
    for (const v of c.values) lines.push([c.ledger, c.code, c.name, c.column, v.file, v.sheet, v.row, v.value, v.kept ? "保留" : "未采用", `“${c.sheet}”第 ${c.row} 行`]);
  }

  lines.push([]);
  title("重复（同一企业或同一条记录出现多次，已合并为一行）");
  header(["台账", "统一社会信用代码", "名称", "依据", "保留的行", "合并进来的行", "原工作簿内重复（未删除，请人工处理）"]);
  if (r.duplicates.length === 0) lines.push(["无"]);
  for (const d of r.duplicates) {
    lines.push([d.ledger, d.code, d.name, d.identity, `“${d.kept.sheet}”第 ${d.kept.row} 行`, d.folded.map(place).join("；") || null, d.leftInPlace.map(place).join("；") || null]);
  }

  lines.push([]);
  title("补填（保留的行此处空白，取自其他文件）");
  header(["台账", "统一社会信用代码", "名称", "列", "补填的值", "取自", "合并后位置"]);
  if (r.filled.length === 0) lines.push(["无"]);
  for (const f of r.filled) lines.push([f.ledger, f.code, f.name, f.column, f.value, place(f.from), `“${f.sheet}”第 ${f.row} 行`]);

  lines.push([]);
  title("无有效统一社会信用代码（或无法判断是否重复）的行：已保留，请补正");
  header(["台账", "名称", "填写的代码", "原因", "来源", "合并后位置"]);
  if (r.unidentified.length === 0) lines.push(["无"]);
  for (const u of r.unidentified) lines.push([u.ledger, u.name, u.code, u.reason, place(u.from), `“${u.sheet}”第 ${u.row} 行`]);

  if (r.copies.length > 0) {
    lines.push([]);
    title("与已合并的行完全相同，未再添加");
    header(["台账", "来源", "相同的行"]);
    for (const c of r.copies) lines.push([c.ledger, place(c.from), `“${c.sameAs.sheet}”第 ${c.sameAs.row} 行`]);
  }

  const w = Math.max(...lines.map((l) => l.length));
  edits.push({ type: "setValues", sheet: S, row: 1, col: 1, values: lines.map((l) => [...l, ...new Array<CellValue>(w - l.length).fill(null)]) });
  for (const b of bold) edits.push({ type: "bold", sheet: S, row: b.row, col: 1, rows: 1, cols: b.cols });
  edits.push({ type: "columnWidths", sheet: S, col: 1, widths: [14, 22, 28, 18, 22, 14, 6, 24, 10, 20] });
  return edits;
}

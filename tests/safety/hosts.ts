/**
 * The hosts the safety suites run on, each built from the same seed (values, formulas, fills,
 * notes) and each with a probe that reads the host's backing store directly (not through the
 * port), so a host that lies in readSheet cannot hide a lost cell. Adding a host is one entry
 * in SAFETY_HOSTS.
 */
import ExcelJS from "exceljs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dayFromDate, excelSerialFromDay } from "../../src/dates";
import { ExcelHost } from "../../src/host/excel";
import { MemoryHost, MemorySheetInit } from "../../src/host/memory";
import { SpreadsheetHost } from "../../src/host/port";
import { bgrFromHex, hexFromBgr, WpsHost } from "../../src/host/wps";
import { XlsxHost } from "../../src/host/xlsx/host";
import { openXlsx, saveXlsxAtomic } from "../../src/host/xlsx/file";
import { CellValue } from "../../src/ledger/cells";
import { FakeExcel } from "../support/excel-mock";
import { xlsxProbe } from "../support/xlsx";
import { FakeApplication, FakeValue } from "../wps/fake-et";

/** What the safety checks read of one cell, straight from the backing store. */
export interface CellProbe {
  sheetNames(): string[];
  /** Rows and columns to scan to see every cell that holds anything. */
  extent(sheet: string): { rows: number; cols: number };
  value(sheet: string, row: number, col: number): CellValue;
  /** "=..." when the cell holds a formula, else null. */
  formula(sheet: string, row: number, col: number): string | null;
  /** The fill as text (null: none), in the host's own terms. */
  fill(sheet: string, row: number, col: number): string | null;
  /** The note / comment text, null when none. */
  note(sheet: string, row: number, col: number): string | null;
  /** True when a string in the cell is stored as text and can never be evaluated. */
  isText(sheet: string, row: number, col: number): boolean;
}

export interface HostRun {
  host: SpreadsheetHost;
  probe: CellProbe;
  /**
   * Makes what was applied durable and gives a host over the durable copy: xlsx saves the
   * workbook to a new file and opens it again; the in-memory hosts are their own storage.
   */
  persist(): Promise<HostRun>;
}

export interface SafetyHost {
  name: string;
  /** Builds the host from the seed (values, formulas, fills, notes); its probe sees fills and notes too. */
  make(seed: readonly MemorySheetInit[]): Promise<HostRun>;
}

// ---- memory -----------------------------------------------------------------------------

function memoryRun(host: MemoryHost): HostRun {
  const probe: CellProbe = {
    sheetNames: () => host.sheetNames(),
    extent: (s) => host.extent(s),
    value: (s, r, c) => host.value(s, r, c),
    formula: (s, r, c) => host.formula(s, r, c),
    fill: (s, r, c) => {
      const f = host.getFill(s, r, c);
      return f.kind === "none" ? null : JSON.stringify(f);
    },
    note: (s, r, c) => host.getNote(s, r, c),
    isText: (s, r, c) => host.isText(s, r, c),
  };
  const run: HostRun = { host, probe, persist: async () => run };
  return run;
}

// ---- xlsx -------------------------------------------------------------------------------

let tempDir: string | null = null;
let fileCounter = 0;

/** A temp folder for the xlsx host's files, removed when the process ends. */
export function safetyTempDir(): string {
  if (!tempDir) {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-safety-"));
    const dir = tempDir;
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return tempDir;
}

/** Writes the seed the way a user's file holds it: values, formulas, solid fills, notes. */
export async function writeSeedXlsx(seed: readonly MemorySheetInit[], file: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  for (const s of seed) {
    const ws = wb.addWorksheet(s.name, s.hidden ? { state: "hidden" } : undefined);
    (s.values ?? []).forEach((row, i) =>
      row.forEach((v, j) => {
        if (v === null || v === undefined) return;
        const cell = ws.getCell(i + 1, j + 1);
        cell.value = (typeof v === "object" && !(v instanceof Date) ? { error: v.error } : v) as ExcelJS.CellValue;
        if (v instanceof Date) cell.numFmt = "yyyy-mm-dd";
      }),
    );
    for (const f of s.formulas ?? []) ws.getCell(f.row, f.col).value = { formula: f.formula.replace(/^=/, "") } as ExcelJS.CellFormulaValue;
    for (const f of s.fills ?? []) ws.getCell(f.row, f.col).fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FF" + f.color.slice(1) } };
    for (const n of s.notes ?? []) ws.getCell(n.row, n.col).note = n.text;
  }
  // Saved the way Excel writes text (a carriage return as _x000D_), which exceljs alone does not do.
  await saveXlsxAtomic(wb, file);
}

async function xlsxRun(file: string): Promise<HostRun> {
  const host = new XlsxHost(await openXlsx(file));
  const probe = xlsxProbe(host);
  return {
    host,
    probe,
    persist: async () => {
      const next = path.join(safetyTempDir(), `saved-${++fileCounter}.xlsx`);
      await saveXlsxAtomic(host.workbook, next, { inputPath: file });
      return xlsxRun(next);
    },
  };
}

// ---- Excel (the counting Office.js fake) ------------------------------------------------

const EXCEL_COLS = 16_385;

function excelRun(excel: FakeExcel, host: ExcelHost): HostRun {
  const sheet = (s: string) => {
    const x = excel.find(s);
    if (!x) throw new Error(`no sheet ${s}`);
    return x;
  };
  const probe: CellProbe = {
    sheetNames: () => excel.sheets.map((s) => s.name),
    extent: (s) => {
      const x = sheet(s);
      let rows = 0;
      let cols = 0;
      for (const k of [...x.cells.keys(), ...x.notes.keys(), ...x.comments.keys()]) {
        const r = Math.floor(k / EXCEL_COLS);
        rows = Math.max(rows, r);
        cols = Math.max(cols, k - r * EXCEL_COLS);
      }
      return { rows, cols };
    },
    value: (s, r, c) => excel.value(s, r, c),
    formula: (s, r, c) => sheet(s).peek(r, c)?.formula ?? null,
    fill: (s, r, c) => {
      const f = sheet(s).peek(r, c)?.fill;
      return f ? JSON.stringify(f) : null;
    },
    note: (s, r, c) => {
      const k = r * EXCEL_COLS + c;
      const x = sheet(s);
      if (excel.notesSupported) return x.notes.get(k) ?? null;
      const cm = x.comments.get(k);
      return cm ? [cm.content, ...cm.replies].join("\n") : null;
    },
    isText: (s, r, c) => {
      const x = sheet(s).peek(r, c);
      return !!x && typeof x.value === "string" && !x.formula && x.numberFormat === "@";
    },
  };
  const run: HostRun = { host, probe, persist: async () => run };
  return run;
}

// ---- WPS (the fake ET object model) -----------------------------------------------------

/** The seed as WPS holds it: dates as serial numbers with a date format. */
function seedFakeEt(seed: readonly MemorySheetInit[]): FakeApplication {
  const app = new FakeApplication({ mode: "property" });
  for (const s of seed) {
    const ws = app.workbook.addSheet(s.name);
    if (s.hidden) ws.visible = 0;
    (s.values ?? []).forEach((row, i) =>
      row.forEach((v, j) => {
        if (v === null || v === undefined) return;
        const cell = ws.cell(i + 1, j + 1);
        if (v instanceof Date) {
          cell.value = excelSerialFromDay(dayFromDate(v) as number);
          cell.numberFormat = "yyyy-mm-dd";
        } else cell.value = v as FakeValue;
      }),
    );
    for (const f of s.formulas ?? []) ws.cell(f.row, f.col).formula = f.formula.startsWith("=") ? f.formula : `=${f.formula}`;
    for (const f of s.fills ?? []) ws.cell(f.row, f.col).fill = bgrFromHex(f.color);
    for (const n of s.notes ?? []) ws.cell(n.row, n.col).comment = n.text;
  }
  return app;
}

function wpsRun(app: FakeApplication): HostRun {
  const cell = (s: string, r: number, c: number) => app.sheet(s).peek(r, c);
  const probe: CellProbe = {
    sheetNames: () => app.workbook.list.map((w) => w.name),
    extent: (s) => {
      const ws = app.sheet(s);
      let rows = 0;
      let cols = 0;
      for (const k of ws.cells.keys()) {
        const [r, c] = k.split(",").map(Number);
        rows = Math.max(rows, r);
        cols = Math.max(cols, c);
      }
      return { rows, cols };
    },
    value: (s, r, c) => {
      const v = cell(s, r, c).value;
      return v !== null && typeof v === "object" ? { error: v.error } : v;
    },
    formula: (s, r, c) => cell(s, r, c).formula,
    fill: (s, r, c) => {
      const f = cell(s, r, c).fill;
      return f === null ? null : hexFromBgr(f);
    },
    note: (s, r, c) => cell(s, r, c).comment,
    isText: (s, r, c) => typeof cell(s, r, c).value === "string" && cell(s, r, c).formula === null && cell(s, r, c).numberFormat === "@",
  };
  // The marks registry lives in the workbook: a new host over it is the file opened again.
  const run = (): HostRun => ({ host: new WpsHost(app), probe, persist: async () => run() });
  return run();
}

// ---- the list ---------------------------------------------------------------------------

export const SAFETY_HOSTS: readonly SafetyHost[] = [
  { name: "memory", make: async (seed) => memoryRun(new MemoryHost(seed)) },
  {
    name: "xlsx (saved and opened again)",
    make: async (seed) => {
      const file = path.join(safetyTempDir(), `seed-${++fileCounter}.xlsx`);
      await writeSeedXlsx(seed, file);
      return xlsxRun(file);
    },
  },
  {
    name: "excel (Office.js fake, notes)",
    make: async (seed) => {
      const excel = new FakeExcel(seed, { notes: true });
      return excelRun(excel, new ExcelHost({ run: excel.run, notes: true }));
    },
  },
  {
    name: "excel (Office.js fake, comments)",
    make: async (seed) => {
      const excel = new FakeExcel(seed, { notes: false });
      return excelRun(excel, new ExcelHost({ run: excel.run, notes: false }));
    },
  },
  { name: "wps (fake ET)", make: async (seed) => wpsRun(seedFakeEt(seed)) },
];

/**
 * Runs the host contract on memory, xlsx (real files in a temp folder, with a save/reopen
 * round trip) and Excel (the counting Office.js fake, with notes and with comments).
 */
import ExcelJS from "exceljs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ExcelHost } from "../../src/host/excel";
import { MemoryHost, MemorySheetInit } from "../../src/host/memory";
import { formulaOfExcelCell, valueOfExcelCell, XlsxHost } from "../../src/host/xlsx/host";
import { openXlsx, saveXlsxAtomic } from "../../src/host/xlsx/file";
import { FakeExcel } from "../support/excel-mock";
import { HostInspector, HostUnderTest, runHostContract } from "./contract";

// ---- memory -----------------------------------------------------------------------------

export function memoryInspector(host: MemoryHost): HostInspector {
  return {
    sheetNames: () => host.sheetNames(),
    isHidden: (s) => host.isHidden(s),
    isVeryHidden: (s) => host.isVeryHidden(s),
    value: (s, r, c) => host.value(s, r, c),
    formula: (s, r, c) => host.formula(s, r, c),
    isText: (s, r, c) => host.isText(s, r, c),
    fill: (s, r, c) => {
      const f = host.getFill(s, r, c);
      return f.kind === "none" ? null : f.kind === "solid" ? f.color : "other";
    },
    note: (s, r, c) => host.getNote(s, r, c),
    numberFormat: (s, r, c) => host.numberFormat(s, r, c),
    bold: (s, r, c) => host.isBold(s, r, c),
    selection: () => host.selection(),
    extent: (s) => host.extent(s),
  };
}

runHostContract("memory", async (sheets) => {
  const host = new MemoryHost(sheets);
  return { host, inspect: memoryInspector(host), keepsResults: true };
});

// ---- xlsx -------------------------------------------------------------------------------

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-host-contract-"));
after(() => fs.rmSync(tempDir, { recursive: true, force: true }));
let fileCounter = 0;

/** Builds the seed the way a user's file would hold it: exceljs values, fills, notes. */
export async function writeSeedXlsx(sheets: MemorySheetInit[], file: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name, s.hidden ? { state: "hidden" } : undefined);
    (s.values ?? []).forEach((row, i) =>
      row.forEach((v, j) => {
        if (v === null || v === undefined) return;
        ws.getCell(i + 1, j + 1).value = (typeof v === "object" && !(v instanceof Date) ? { error: v.error } : v) as ExcelJS.CellValue;
      }),
    );
    for (const f of s.formulas ?? []) ws.getCell(f.row, f.col).value = { formula: f.formula.replace(/^=/, "") } as ExcelJS.CellFormulaValue;
    for (const f of s.fills ?? []) ws.getCell(f.row, f.col).fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FF" + f.color.slice(1) } };
    for (const n of s.notes ?? []) ws.getCell(n.row, n.col).note = n.text;
    for (const n of s.numberFormats ?? []) ws.getCell(n.row, n.col).numFmt = n.format;
  }
  await wb.xlsx.writeFile(file);
}

export function xlsxInspector(host: XlsxHost): HostInspector {
  const wb = host.workbook;
  const ws = (s: string) => {
    const w = wb.getWorksheet(s);
    if (!w) throw new Error(`no sheet ${s}`);
    return w;
  };
  return {
    sheetNames: () => wb.worksheets.map((w) => w.name),
    isHidden: (s) => ws(s).state !== "visible",
    isVeryHidden: (s) => ws(s).state === "veryHidden",
    value: (s, r, c) => valueOfExcelCell(ws(s).getCell(r, c).value),
    formula: (s, r, c) => formulaOfExcelCell(ws(s).getCell(r, c)),
    isText: (s, r, c) => typeof ws(s).getCell(r, c).value === "string",
    fill: (s, r, c) => {
      const f = ws(s).getCell(r, c).fill as ExcelJS.FillPattern | undefined;
      if (!f || f.pattern === "none") return null;
      return f.type === "pattern" && f.pattern === "solid" && f.fgColor?.argb ? "#" + f.fgColor.argb.slice(2).toUpperCase() : "other";
    },
    note: (s, r, c) => host.getNote(s, r, c),
    numberFormat: (s, r, c) => {
      const f = ws(s).getCell(r, c).numFmt;
      return !f || f === "General" ? null : f;
    },
    bold: (s, r, c) => ws(s).getCell(r, c).font?.bold === true,
    selection: () => {
      const tab = wb.views?.[0]?.activeTab ?? 0;
      const sheet = wb.worksheets[tab];
      const cell = sheet?.views?.[0]?.activeCell;
      if (!sheet || !cell) return null;
      const m = /^([A-Z]+)(\d+)$/.exec(cell) as RegExpExecArray;
      const col = [...m[1]].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
      return { sheet: sheet.name, row: Number(m[2]), col };
    },
    extent: (s) => ({ rows: ws(s).rowCount, cols: ws(s).columnCount }),
  };
}

async function openedXlsx(file: string): Promise<HostUnderTest> {
  const host = new XlsxHost(await openXlsx(file));
  return {
    host,
    inspect: xlsxInspector(host),
    keepsResults: true,
    reopen: async () => {
      const next = path.join(tempDir, `reopened-${++fileCounter}.xlsx`);
      await saveXlsxAtomic(host.workbook, next, { inputPath: file });
      return openedXlsx(next);
    },
  };
}

runHostContract("xlsx", async (sheets) => {
  const file = path.join(tempDir, `seed-${++fileCounter}.xlsx`);
  await writeSeedXlsx(sheets, file);
  return openedXlsx(file);
});

// ---- excel (counting Office.js fake) ----------------------------------------------------

export function fakeExcelInspector(excel: FakeExcel): HostInspector {
  const sheet = (s: string) => {
    const x = excel.find(s);
    if (!x) throw new Error(`no sheet ${s}`);
    return x;
  };
  return {
    sheetNames: () => excel.sheets.map((s) => s.name),
    isHidden: (s) => sheet(s).visibility !== "Visible",
    isVeryHidden: (s) => sheet(s).visibility === "VeryHidden",
    value: (s, r, c) => excel.value(s, r, c),
    formula: (s, r, c) => sheet(s).peek(r, c)?.formula ?? null,
    isText: (s, r, c) => {
      const x = sheet(s).peek(r, c);
      return !!x && typeof x.value === "string" && x.value !== "" && !x.formula && x.numberFormat === "@";
    },
    fill: (s, r, c) => {
      const f = sheet(s).peek(r, c)?.fill;
      return !f ? null : f.pattern === "Solid" ? f.color : "other";
    },
    note: (s, r, c) => {
      const k = r * 16_385 + c;
      const x = sheet(s);
      if (excel.notesSupported) return x.notes.get(k) ?? null;
      const cm = x.comments.get(k);
      return cm ? [cm.content, ...cm.replies].join("\n") : null;
    },
    numberFormat: (s, r, c) => {
      const f = sheet(s).peek(r, c)?.numberFormat;
      return !f || f === "General" ? null : f;
    },
    bold: (s, r, c) => sheet(s).peek(r, c)?.bold === true,
    selection: () => excel.selection,
    extent: (s) => {
      const x = sheet(s);
      let rows = 0;
      let cols = 0;
      for (const k of [...x.cells.keys(), ...x.notes.keys(), ...x.comments.keys()]) {
        const r = Math.floor(k / 16_385);
        rows = Math.max(rows, r);
        cols = Math.max(cols, k - r * 16_385);
      }
      return { rows, cols };
    },
  };
}

for (const notes of [true, false]) {
  runHostContract(`excel (Office.js fake, ${notes ? "notes API" : "comments"})`, async (sheets) => {
    const excel = new FakeExcel(sheets, { notes });
    const host = new ExcelHost({ run: excel.run, notes });
    return { host, inspect: fakeExcelInspector(excel), requests: () => excel.syncs };
  });
}

/**
 * The browser demo's host: the memory host holding a demo workbook, wrapped so that the grid
 * follows what the pane does (selection, edits) and the pane follows the grid (the sheet
 * tab the user clicked is the active sheet). Nothing is saved anywhere.
 */
import { CellValue } from "../../src/ledger/cells";
import { MemoryHost, MemorySheetInit } from "../../src/host/memory";
import { Edit, ProgressFn, SheetSnapshot, SpreadsheetHost, WorkbookSnapshot } from "../../src/host/port";
import { DemoGrid } from "./grid";
import { POLICY_SHEET } from "../../src/ledger/catalogue";

export interface Demo {
  host: SpreadsheetHost;
  memory: MemoryHost;
  grid: DemoGrid;
}

/** A snapshot's sheets as memory-host content (values from A1, formulas by cell). */
export function memorySheets(wb: WorkbookSnapshot): MemorySheetInit[] {
  return wb.sheets.map((s) => {
    const values: CellValue[][] = [];
    for (let i = 0; i < s.firstRow - 1; i++) values.push([]);
    const lead: CellValue[] = new Array(s.firstCol - 1).fill(null);
    for (const row of s.values) values.push(lead.length ? [...lead, ...row] : row);
    const formulas: { row: number; col: number; formula: string }[] = [];
    s.formulas?.forEach((r, i) =>
      r.forEach((f, j) => {
        if (f) formulas.push({ row: s.firstRow + i, col: s.firstCol + j, formula: f });
      }),
    );
    return { name: s.name, values, formulas };
  });
}

export function createDemo(wb: WorkbookSnapshot): Demo {
  const memory = new MemoryHost(memorySheets(wb), wb.activeSheet);
  const visibleSheets = () => memory.sheetNames().filter((n) => !memory.isHidden(n));
  const grid = new DemoGrid({
    listSheets: async () => visibleSheets(),
    readSheet: (name) => memory.readSheet(name),
    cellLook: (sheet, row, col) => {
      const fill = memory.getFill(sheet, row, col);
      const bar = memory.dataBars(sheet).find((b) => row >= b.row && row < b.row + b.rows && col >= b.col && col < b.col + b.cols);
      return {
        fill: fill.kind === "solid" ? fill.color : null,
        note: memory.getNote(sheet, row, col),
        format: memory.numberFormat(sheet, row, col),
        bar: bar?.color ?? null,
      };
    },
  });
  const host: SpreadsheetHost = {
    kind: "memory",
    // Like Excel and WPS, the pane sees the very hidden KJ政策 sheet (the packs stored in the workbook); the grid does not.
    listSheets: async () => memory.sheetNames().filter((n) => !memory.isHidden(n) || n === POLICY_SHEET),
    activeSheet: async () => grid.activeSheet || (await memory.activeSheet()),
    readSheet: (name: string): Promise<SheetSnapshot> => memory.readSheet(name),
    apply: async (edits: readonly Edit[], progress?: ProgressFn) => {
      await memory.apply(edits, progress);
    },
    select: async (sheet: string, row: number, col: number) => {
      await memory.select(sheet, row, col);
      await grid.select({ sheet, row, col });
    },
  };
  void grid.showSheet(wb.activeSheet ?? wb.sheets[0]?.name ?? "");
  return { host, memory, grid };
}

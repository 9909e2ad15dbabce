/**
 * Loads a workbook snapshot (e.g. the sample workbook) into a MemoryHost, for the browser
 * demo and tests: values from A1 as the snapshot places them, formulas kept as formulas.
 */
import { CellValue } from "../src/ledger/cells";
import { MemoryHost, MemorySheetInit } from "../src/host/memory";
import { WorkbookSnapshot } from "../src/host/port";

export function memoryHostFromSnapshot(workbook: WorkbookSnapshot): MemoryHost {
  const init: MemorySheetInit[] = workbook.sheets.map((s) => {
    const values: CellValue[][] = [];
    for (let i = 0; i < s.firstRow - 1; i++) values.push([]);
    for (const r of s.values) values.push([...new Array<CellValue>(s.firstCol - 1).fill(null), ...r]);
    const formulas: { row: number; col: number; formula: string }[] = [];
    s.formulas?.forEach((r, i) =>
      r.forEach((f, j) => {
        if (typeof f === "string" && f !== "") formulas.push({ row: s.firstRow + i, col: s.firstCol + j, formula: f });
      }),
    );
    return { name: s.name, values, formulas };
  });
  return new MemoryHost(init, workbook.activeSheet);
}

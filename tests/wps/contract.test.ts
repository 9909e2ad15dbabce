/**
 * The shared host contract (tests/host/contract.ts) on the WPS adapter over the fake ET object
 * model, once with members as properties and once with members as methods.
 */
import { dayFromDate, excelSerialFromDay } from "../../src/dates";
import { MemorySheetInit } from "../../src/host/memory";
import { bgrFromHex, hexFromBgr, WpsHost } from "../../src/host/wps";
import { HostInspector, HostUnderTest, runHostContract } from "../host/contract";
import { FakeApplication, FakeValue, MemberMode } from "./fake-et";

/** A workbook as a user's file would hold it in WPS: dates as serials with a date format. */
export function seedFakeEt(sheets: MemorySheetInit[], mode: MemberMode): FakeApplication {
  const app = new FakeApplication({ mode });
  for (const s of sheets) {
    const ws = app.workbook.addSheet(s.name);
    if (s.hidden) ws.visible = 0;
    (s.values ?? []).forEach((row, i) =>
      row.forEach((v, j) => {
        if (v === null || v === undefined) return;
        const cell = ws.cell(i + 1, j + 1);
        if (v instanceof Date) {
          cell.value = excelSerialFromDay(dayFromDate(v) as number);
          cell.numberFormat = "yyyy-mm-dd";
        } else {
          cell.value = v as FakeValue;
        }
      }),
    );
    for (const f of s.formulas ?? []) ws.cell(f.row, f.col).formula = f.formula.startsWith("=") ? f.formula : `=${f.formula}`;
    for (const f of s.fills ?? []) ws.cell(f.row, f.col).fill = bgrFromHex(f.color);
    for (const n of s.notes ?? []) ws.cell(n.row, n.col).comment = n.text;
    for (const n of s.numberFormats ?? []) ws.cell(n.row, n.col).numberFormat = n.format;
  }
  return app;
}

export function fakeEtInspector(app: FakeApplication): HostInspector {
  const cell = (s: string, r: number, c: number) => app.sheet(s).peek(r, c);
  return {
    sheetNames: () => app.workbook.list.map((w) => w.name),
    isHidden: (s) => app.sheet(s).visible !== -1,
    isVeryHidden: (s) => app.sheet(s).visible === 2,
    value: (s, r, c) => {
      const v = cell(s, r, c).value;
      return v !== null && typeof v === "object" ? { error: v.error } : v;
    },
    formula: (s, r, c) => cell(s, r, c).formula,
    isText: (s, r, c) => typeof cell(s, r, c).value === "string" && cell(s, r, c).formula === null,
    fill: (s, r, c) => {
      const f = cell(s, r, c).fill;
      return f === null ? null : hexFromBgr(f);
    },
    note: (s, r, c) => cell(s, r, c).comment,
    // "@" is how ET stores a cell as text (the adapter sets it on every string it writes);
    // isText reports it, so like the memory host's text flag it is not a number format here.
    numberFormat: (s, r, c) => {
      const f = cell(s, r, c).numberFormat;
      return f === "General" || f === "@" ? null : f;
    },
    bold: (s, r, c) => cell(s, r, c).bold,
    selection: () => {
      const ws = app.workbook.active;
      return ws && ws.selection ? { sheet: ws.name, ...ws.selection } : null;
    },
    extent: (s) => {
      const ws = app.sheet(s);
      if (ws.cells.size === 0) return { rows: 0, cols: 0 };
      const b = ws.usedBounds();
      return { rows: b.r2, cols: b.c2 };
    },
  };
}

for (const mode of ["property", "method"] as MemberMode[]) {
  runHostContract(`wps (fake ET, members as ${mode === "property" ? "properties" : "methods"})`, async (sheets) => {
    const app = seedFakeEt(sheets, mode);
    const inspect = fakeEtInspector(app);
    const open = (): HostUnderTest => ({
      host: new WpsHost(app),
      inspect,
      // The marks registry lives in the workbook: a new host over it is the file opened again.
      reopen: async () => open(),
    });
    return open();
  });
}

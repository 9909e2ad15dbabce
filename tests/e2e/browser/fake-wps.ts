/**
 * Browser-side stand-in for WPS 表格 in the WPS end-to-end test: installed before the pane's
 * scripts run, it puts the fake ET object model (tests/wps/fake-et.ts, members as methods like
 * some WPS builds) holding the sample workbook at window.Application, as WPS does for its
 * task panes. window.__fakeEt lets the test look at the workbook afterwards.
 */
import { generateSampleWorkbook, SAMPLE_SHEETS } from "../../../samples/generate";
import { dayFromDate, excelSerialFromDay } from "../../../src/dates";
import { FakeApplication, FakeValue } from "../../wps/fake-et";

const app = new FakeApplication({ mode: "method" });
for (const s of generateSampleWorkbook().sheets) {
  const ws = app.workbook.addSheet(s.name);
  s.values.forEach((row, i) =>
    row.forEach((v, j) => {
      if (v === null || v === undefined) return;
      const cell = ws.cell(s.firstRow + i, s.firstCol + j);
      if (v instanceof Date) {
        // ET holds dates as serial numbers with a date format.
        cell.value = excelSerialFromDay(dayFromDate(v) as number);
        cell.numberFormat = "yyyy-mm-dd";
      } else {
        cell.value = v as FakeValue;
      }
    }),
  );
  s.formulas?.forEach((row, i) =>
    row.forEach((f, j) => {
      if (f) ws.cell(s.firstRow + i, s.firstCol + j).formula = f;
    }),
  );
}
app.workbook.active = app.sheet(SAMPLE_SHEETS.enterprise);
const w = window as unknown as Record<string, unknown>;
w.__fakeEt = app;
w.Application = app;

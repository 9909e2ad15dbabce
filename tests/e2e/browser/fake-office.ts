/**
 * Browser-side stand-in for office.js in the Excel end-to-end test: served in place of
 * office-js/office.js, it answers Office.onReady with the Excel host and runs Excel.run
 * batches against the counting Excel fake (tests/support/excel-mock.ts) holding the sample
 * workbook. window.__fakeExcel lets the test look at the workbook afterwards.
 */
import { generateSampleWorkbook, SAMPLE_SHEETS } from "../../../samples/generate";
import { memorySheets } from "../../../taskpane/demo/host";
import { installCustomFunctionsStub } from "../../support/custom-functions-stub";
import { FakeExcel } from "../../support/excel-mock";

// Excel provides CustomFunctions to the shared runtime; functions.js registers with it.
installCustomFunctionsStub();

const fake = new FakeExcel(memorySheets(generateSampleWorkbook()), { notes: true });
fake.active = SAMPLE_SHEETS.enterprise;
const w = window as unknown as Record<string, unknown>;
w.__fakeExcel = fake;
w.Office = {
  onReady: () => Promise.resolve({ host: "Excel", platform: "PC" }),
  HostType: { Excel: "Excel" },
  context: { requirements: { isSetSupported: () => true } },
};
w.Excel = { run: fake.run };

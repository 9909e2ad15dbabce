import * as fs from "fs";
import { editXlsxPackage } from "../src/host/xlsx/package-edits";
import { snapshotOfXlsxBytes } from "../src/host/xlsx/file";
import { validateWorkbook } from "../src/jobs/validate";
(async () => {
  const f = process.argv[2];
  const bytes = fs.readFileSync(f);
  const snap = await snapshotOfXlsxBytes(f, bytes);
  const r = validateWorkbook(snap, { asOf: 20088 as any, mark: true });
  try { await editXlsxPackage(bytes, r.edits); console.log("ok"); } catch (e) { console.log("fail", e); }
})();

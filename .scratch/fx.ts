import * as fs from "fs";
import { removalSpec, exceljsLedger, openpyxlLedger, libreofficeCopy, excelLikeLedger } from "../tests/support/removal-fixtures";
(async () => {
  const dir = "/tmp/w/fx"; fs.rmSync(dir, { recursive: true, force: true }); fs.mkdirSync(dir, { recursive: true });
  const spec = removalSpec();
  await exceljsLedger(spec, `${dir}/exceljs.xlsx`);
  openpyxlLedger(spec, `${dir}/openpyxl.xlsx`);
  const lo = libreofficeCopy(`${dir}/openpyxl.xlsx`, `${dir}/lo`);
  fs.renameSync(lo, `${dir}/libreoffice.xlsx`);
  await excelLikeLedger(spec, `${dir}/excel.xlsx`);
  console.log(fs.readdirSync(dir));
})();

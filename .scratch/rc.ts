import * as fs from "fs";
import { recalcXlsxPackage } from "../src/host/xlsx/package-recalc";
(async () => {
  const r = await recalcXlsxPackage(fs.readFileSync(process.argv[2]), { today: 20000 as any });
  console.log(JSON.stringify(r.report).slice(0, 1500));
})();

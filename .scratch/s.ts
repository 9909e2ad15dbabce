import { generateSampleWorkbook } from "../samples/generate";
import { planUpkeep } from "../src/jobs/upkeep";
import { dayFromParts } from "../src/dates";
for (const n of [12, 16, 20, 30]) {
const wb = generateSampleWorkbook({ enterprises: n, brokenRows: false });
const ent = { sheets: [wb.sheets[0]] };
const p = planUpkeep(ent, { asOf: dayFromParts(2025, 1, 1)! });
console.log(n, wb.sheets[0].values.length, p.report.suggestions.map((s) => s.row).join(","));
}

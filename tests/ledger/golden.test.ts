/**
 * Golden cases: one folder per case under golden/ with case.json (the sheet, the as-of date,
 * what it shows) and expected.json (the issues, or why the sheet is skipped). Regenerate after
 * a deliberate change with UPDATE_GOLDEN=1 and review the diff.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { SheetSnapshot } from "../../src/host/port";
import { validateSheet } from "../../src/jobs/validate";
import { readDate } from "../../src/ledger/cells";

const ROOT = path.join(__dirname, "golden");

interface GoldenCase {
  description: string;
  asOf: string;
  sheet: SheetSnapshot;
}

function outcome(c: GoldenCase): unknown {
  const asOf = readDate(c.asOf);
  if (asOf.status !== "ok") throw new Error(`bad asOf ${c.asOf}`);
  const { report } = validateSheet(c.sheet, { asOf: asOf.value });
  if (report.sheets.length === 0) return { skipped: report.skipped[0].reason };
  const s = report.sheets[0];
  return {
    kind: s.kind,
    headerRow: s.headerRow,
    rows: s.rows,
    missingRequired: s.missingRequired,
    unknownColumns: s.unknownColumns,
    counts: s.counts,
    issues: s.issues.map((i) => ({ row: i.row, column: i.column, field: i.field, severity: i.severity, message: i.message })),
  };
}

describe("ledger validation: golden cases", () => {
  for (const name of fs.readdirSync(ROOT).sort()) {
    const dir = path.join(ROOT, name);
    if (!fs.statSync(dir).isDirectory()) continue;
    const c = JSON.parse(fs.readFileSync(path.join(dir, "case.json"), "utf8")) as GoldenCase;
    it(`${name}: ${c.description}`, () => {
      const actual = outcome(c);
      const file = path.join(dir, "expected.json");
      if (process.env.UPDATE_GOLDEN === "1") fs.writeFileSync(file, JSON.stringify(actual, null, 2) + "\n");
      assert.deepEqual(actual, JSON.parse(fs.readFileSync(file, "utf8")));
    });
  }
});

/**
 * The proof of issue 17.1: the cached values a job writes with its formulas equal, cell by cell
 * over every formula of the workbook, what a full HyperFormula recalculation of the same file
 * gives (src/host/xlsx/package-recalc.ts, what `kj recalc` and the old `kj awards --out` did).
 */
import { dayFromParts, DayNumber } from "../../src/dates";
import { CellValue } from "../../src/ledger/cells";
import { snapshotOfXlsxBytes } from "../../src/host/xlsx/file";
import { recalcXlsxPackage } from "../../src/host/xlsx/package-recalc";
import { WorkbookSnapshot } from "../../src/host/port";
import { LoadedPack } from "../../src/policy/registry";

export interface CachedDisagreement {
  sheet: string;
  row: number;
  col: number;
  formula: string;
  cached: CellValue;
  recalculated: CellValue;
}

export interface CachedComparison {
  /** Formula cells compared. */
  formulas: number;
  /** Formula cells without a cached value in the file. */
  missing: number;
  disagreements: CachedDisagreement[];
}

/** Numbers equal (or, with `tolerance`, within it relative), errors by text, dates by serial day. */
function same(a: CellValue, b: CellValue, tolerance: number): boolean {
  const n = (v: CellValue) => (v instanceof Date ? v.getTime() : v);
  const x = n(a);
  const y = n(b);
  if (typeof x === "number" && typeof y === "number") return x === y || Math.abs(x - y) <= tolerance * Math.max(1, Math.abs(x), Math.abs(y));
  if (x && y && typeof x === "object" && typeof y === "object") return JSON.stringify(x) === JSON.stringify(y);
  return (x ?? null) === (y ?? null);
}

async function recalculated(bytes: Buffer, today: DayNumber, extraPolicies?: readonly LoadedPack[]): Promise<WorkbookSnapshot> {
  const r = await recalcXlsxPackage(bytes, { today, extraPolicies });
  const chunks: Buffer[] = [];
  const { PassThrough } = await import("stream");
  const sink = new PassThrough();
  sink.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => sink.on("end", resolve));
  await r.writeTo(sink);
  sink.end();
  await done;
  return snapshotOfXlsxBytes("recalculated.xlsx", Buffer.concat(chunks));
}

/**
 * Compares every formula cell's cached value in `bytes` with a full recalculation of it.
 * `tolerance` (relative) for sheets whose formulas are plain sums of amounts (the engine's binary
 * sum has a residue the exact cached value has not): { 研发补助汇总: 1e-12 }.
 */
export async function compareCachedWithRecalc(bytes: Buffer, opts: { today?: DayNumber; tolerance?: Record<string, number>; extraPolicies?: readonly LoadedPack[] } = {}): Promise<CachedComparison> {
  const today = opts.today ?? (dayFromParts(2024, 12, 31) as DayNumber);
  const written = await snapshotOfXlsxBytes("written.xlsx", bytes);
  const again = await recalculated(bytes, today, opts.extraPolicies);
  const out: CachedComparison = { formulas: 0, missing: 0, disagreements: [] };
  for (const s of written.sheets) {
    const t = again.sheets.find((x) => x.name === s.name);
    if (!s.formulas) continue;
    s.formulas.forEach((r, i) =>
      r?.forEach((f, j) => {
        if (typeof f !== "string" || f === "") return;
        out.formulas++;
        const row = s.firstRow + i;
        const col = s.firstCol + j;
        const cached = s.values[i]?.[j] ?? null;
        if (cached === null) out.missing++;
        const rv = t ? (t.values[row - t.firstRow]?.[col - t.firstCol] ?? null) : null;
        if (!same(cached, rv, opts.tolerance?.[s.name] ?? 0)) out.disagreements.push({ sheet: s.name, row, col, formula: f, cached, recalculated: rv });
      }),
    );
  }
  return out;
}

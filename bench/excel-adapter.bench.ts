/**
 * The Excel adapter on the counting fake (tests/support/excel-mock.ts): read a 100,000-row
 * enterprise ledger, validate it, mark 5% of the rows, and count context.sync calls and request
 * sizes. Goal: at most 10 syncs plus one per 4 MB moved, and every request <= 4 MB.
 *
 *   npx tsx bench/excel-adapter.bench.ts [rows]
 *
 * Every 20th row gets a wrong check character in its 统一社会信用代码, so at least 5% of the rows
 * carry a mark (the generator's own oddities add a few more).
 */
import { dayFromParts, DayNumber } from "../src/dates";
import { MAX_REQUEST_BYTES } from "../src/host/chunking";
import { ExcelHost } from "../src/host/excel";
import { validateWorkbook } from "../src/jobs/validate";
import { CellValue } from "../src/ledger/cells";
import { withCheckChar } from "../src/uscc";
import { ENTERPRISE_HEADERS, generateEnterpriseRows } from "../samples/generate";
import { FakeExcel } from "../tests/support/excel-mock";

export interface ExcelAdapterBenchResult {
  rows: number;
  columns: number;
  markedCells: number;
  markedRows: number;
  /** Every context.sync, refused ones included. */
  syncs: number;
  refusedSyncs: number;
  /** 10 + one per 4 MB of request and response bytes actually served. */
  allowedSyncs: number;
  movedBytes: number;
  largestRequestBytes: number;
  largestResponseBytes: number;
  /** Wall time of read + validate + apply on the fake (not Excel's speed; the fake's bookkeeping included). */
  wallMs: number;
}

/** Gives every `every`-th row (from the first) a wrong check character in its 统一社会信用代码 (column 2). */
export function breakCheckChars(rows: CellValue[][], every = 20): CellValue[][] {
  for (let i = 0; i < rows.length; i += every) {
    const code = String(rows[i][1]);
    const good = withCheckChar(code.slice(0, 17));
    rows[i][1] = code.slice(0, 17) + (good.endsWith("0") ? "1" : "0");
  }
  return rows;
}

export async function benchExcelAdapter(rows = 100_000, asOf: DayNumber = dayFromParts(2024, 12, 31) as DayNumber): Promise<ExcelAdapterBenchResult> {
  const data = breakCheckChars(generateEnterpriseRows(rows));
  const excel = new FakeExcel([{ name: "企业培育库", values: [ENTERPRISE_HEADERS.slice(), ...data] }]);
  const host = new ExcelHost({ run: excel.run, notes: true });

  const t0 = performance.now();
  const snap = await host.readSheet("企业培育库");
  const { edits } = validateWorkbook({ sheets: [snap] }, { asOf, mark: true });
  await host.apply(edits);
  const wallMs = performance.now() - t0;

  const marks = edits.flatMap((e) => (e.type === "mark" ? e.marks : []));
  const served = excel.syncs.filter((s) => !s.refused);
  const movedBytes = served.reduce((b, s) => b + s.requestBytes + s.responseBytes, 0);
  return {
    rows,
    columns: ENTERPRISE_HEADERS.length,
    markedCells: marks.length,
    markedRows: new Set(marks.map((m) => m.row)).size,
    syncs: excel.syncs.length,
    refusedSyncs: excel.syncs.length - served.length,
    allowedSyncs: 10 + Math.ceil(movedBytes / MAX_REQUEST_BYTES),
    movedBytes,
    largestRequestBytes: Math.max(0, ...excel.syncs.map((s) => s.requestBytes)),
    largestResponseBytes: Math.max(0, ...served.map((s) => s.responseBytes)),
    wallMs: Math.round(wallMs),
  };
}

if (require.main === module) {
  const rows = Number(process.argv[2] ?? 100_000);
  benchExcelAdapter(rows).then(
    (r) =>
      console.log(
        `Excel 适配器（计数模拟）${r.rows} 行 × ${r.columns} 列，标记 ${r.markedRows} 行 ${r.markedCells} 个单元格：` +
          `context.sync ${r.syncs} 次（上限 ${r.allowedSyncs} 次；其中因超过 5 MB 被拒 ${r.refusedSyncs} 次），` +
          `传输 ${(r.movedBytes / 1e6).toFixed(1)} MB，最大请求 ${(r.largestRequestBytes / 1e6).toFixed(2)} MB（上限 ${MAX_REQUEST_BYTES / 1e6} MB），用时 ${r.wallMs} ms`,
      ),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}

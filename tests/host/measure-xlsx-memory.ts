/**
 * Peak memory of the xlsx host on a large ledger (issue 6: 100,000 rows x 40 columns within
 * 1.5 GB). Not a mocha test (it takes a minute); run by hand, under /usr/bin/time -v:
 *
 *   npx tsx tests/host/measure-xlsx-memory.ts make /tmp/big.xlsx [rows] [cols]
 *   /usr/bin/time -v npx tsx tests/host/measure-xlsx-memory.ts run /tmp/big.xlsx /tmp/big-out.xlsx
 *   /usr/bin/time -v npx tsx tests/host/measure-xlsx-memory.ts snapshot /tmp/big.xlsx
 *
 * "run" opens the file with openXlsx, takes one snapshot, marks 5% of the rows, saves with
 * saveXlsxAtomic and prints the time of each step and the heap/RSS after it.
 */
import ExcelJS from "exceljs";
import { XlsxHost } from "../../src/host/xlsx/host";
import { openXlsx, readXlsxSnapshot, saveXlsxAtomic } from "../../src/host/xlsx/file";
import { CellMark } from "../../src/host/port";

async function make(file: string, rows: number, cols: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
  const ws = wb.addWorksheet("企业培育库");
  ws.addRow(Array.from({ length: cols }, (_, j) => `字段${j + 1}`)).commit();
  for (let i = 0; i < rows; i++) {
    const row = Array.from({ length: cols }, (_, j) =>
      j === 0 ? `薛城区测试企业${i}有限公司` : j === 1 ? `91370403MA${String(i).padStart(8, "0")}` : j % 5 === 2 ? new Date(Date.UTC(2000 + (i % 24), i % 12, 1 + (i % 28))) : j % 3 === 0 ? `文本${(i * j) % 997}` : (i * j) % 100_000 / 10,
    );
    ws.addRow(row).commit();
  }
  await wb.commit();
}

function mem(label: string, t0: number): void {
  const m = process.memoryUsage();
  console.log(`${label}: ${((Date.now() - t0) / 1000).toFixed(1)} s, heap ${(m.heapUsed / 2 ** 20).toFixed(0)} MB, rss ${(m.rss / 2 ** 20).toFixed(0)} MB`);
}

async function run(file: string, out: string): Promise<void> {
  let t0 = Date.now();
  const wb = await openXlsx(file);
  mem("open", t0);
  const host = new XlsxHost(wb);
  t0 = Date.now();
  const snap = await host.readSheet("企业培育库");
  mem(`snapshot ${snap.values.length} x ${snap.values[0]?.length ?? 0}`, t0);
  t0 = Date.now();
  const marks: CellMark[] = [];
  for (let r = 2; r < snap.values.length + 1; r += 20) marks.push({ row: r, col: 2, level: "error", note: "统一社会信用代码校验位错误" });
  await host.apply([{ type: "mark", sheet: "企业培育库", marks }]);
  mem(`marked ${marks.length} cells`, t0);
  t0 = Date.now();
  await saveXlsxAtomic(wb, out, { inputPath: file });
  mem("saved", t0);
}

/** The read-only path (kj check without --out): a streamed snapshot. */
async function snapshot(file: string): Promise<void> {
  const t0 = Date.now();
  const wb = await readXlsxSnapshot(file);
  mem(`streamed snapshot ${wb.sheets[0].values.length} x ${wb.sheets[0].values[0]?.length ?? 0}`, t0);
}

const [cmd, a, b, c, d] = process.argv.slice(2);
(cmd === "make" ? make(a, Number(b ?? 100_000), Number(c ?? 40)) : cmd === "snapshot" ? snapshot(a) : run(a, b ?? a.replace(/\.xlsx$/, "-out.xlsx"))).catch((e) => {
  console.error(e);
  process.exit(1);
});
void d;

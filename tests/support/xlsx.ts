/** Test helpers for .xlsx packages built in memory: collecting a package stream, reopening, probing cells. */
import ExcelJS from "exceljs";
import { Writable } from "stream";
import { formulaOfExcelCell, valueOfExcelCell, XlsxHost } from "../../src/host/xlsx/host";
import type { CellProbe } from "../safety/hosts";

/** The bytes a package writer (`writeTo(stream)`) produces. */
export async function collect(write: (s: NodeJS.WritableStream) => Promise<void>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(chunk as Buffer);
      cb();
    },
  });
  await write(sink);
  return Buffer.concat(chunks);
}

/** An XlsxHost over a workbook read from bytes. */
export async function openXlsxHost(bytes: Buffer): Promise<XlsxHost> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return new XlsxHost(wb);
}

/** The safety harness's view of an XlsxHost's cells (values, formulas, fills, notes). */
export function xlsxProbe(host: XlsxHost): CellProbe {
  const ws = (s: string) => {
    const w = host.workbook.getWorksheet(s);
    if (!w) throw new Error(`no sheet ${s}`);
    return w;
  };
  return {
    sheetNames: () => host.workbook.worksheets.map((w) => w.name),
    extent: (s) => ({ rows: ws(s).rowCount, cols: ws(s).columnCount }),
    value: (s, r, c) => valueOfExcelCell(ws(s).getCell(r, c).value),
    formula: (s, r, c) => formulaOfExcelCell(ws(s).getCell(r, c)),
    fill: (s, r, c) => {
      const f = host.getFill(s, r, c);
      return f.kind === "none" ? null : JSON.stringify(f);
    },
    note: (s, r, c) => host.getNote(s, r, c),
    isText: (s, r, c) => typeof ws(s).getCell(r, c).value === "string",
  };
}

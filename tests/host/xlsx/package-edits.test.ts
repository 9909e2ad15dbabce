/**
 * The yearly jobs' edits written at package level (src/host/xlsx/package-edits.ts, kj upkeep /
 * targets / awards --out) against the exceljs path (XlsxHost.apply on the full model) on the
 * same input and the same edits: the reopened workbooks show the same values, formulas, fills,
 * notes, number formats, bold cells, own sheets (order, widths, data bars); hostile strings stay
 * text; running a job again on its output changes nothing; what the package path does not
 * handle falls back to exceljs with the same result.
 */
import { strict as assert } from "assert";
import ExcelJS from "exceljs";
import * as fs from "fs";
import JSZip from "jszip";
import * as path from "path";
import { SaxesParser } from "saxes";
import { PackageNotHandled, readWorkbookPart } from "../../../src/host/xlsx/ooxml";
import { editXlsxPackage } from "../../../src/host/xlsx/package-edits";
import { recalcXlsxZip } from "../../../src/host/xlsx/package-recalc";
import { recalcWorkbook } from "../../../src/host/xlsx/recalc";
import { MARK_REGISTRY_SHEET } from "../../../src/host/marks";
import { Edit, readWorkbook, WorkbookSnapshot } from "../../../src/host/port";
import { formulaOfExcelCell, valueOfExcelCell, XlsxHost } from "../../../src/host/xlsx/host";
import { streamSnapshot } from "../../../src/host/xlsx/stream";
import { AWARD_SUMMARY_SHEET, fillAwards } from "../../../src/jobs/awards";
import { computeTargets, TARGETS_SHEET } from "../../../src/jobs/targets";
import { planUpkeep, removeFromPool, undoRemoval } from "../../../src/jobs/upkeep";
import { AS_OF, AWARD, ENTERPRISE, HOSTILE, safetyFixture, USER_SHEET } from "../../safety/fixture";
import { assertSame, checksum } from "../../safety/harness";
import { safetyTempDir, writeSeedXlsx } from "../../safety/hosts";
import { kjRunner } from "../../support/cli";
import { collect, openXlsxHost, xlsxProbe } from "../../support/xlsx";

/**
 * What the checksum does not see: sheet order and visibility, number formats, bold, data bars.
 * (Column widths are checked against the edits: exceljs 4.4 drops a width between two equal ones.)
 */
function looks(host: XlsxHost): object {
  const sheets = host.workbook.worksheets.map((ws) => {
    const formats: string[] = [];
    ws.eachRow({ includeEmpty: true }, (row, r) =>
      row.eachCell({ includeEmpty: true }, (cell, c) => {
        const bold = Boolean(cell.font?.bold);
        if (cell.numFmt || bold) formats.push(`${r},${c}:${cell.numFmt ?? ""}${bold ? ":bold" : ""}`);
      }),
    );
    const bars = ((ws as unknown as { conditionalFormattings?: { ref: string; rules: { type: string; color?: unknown }[] }[] }).conditionalFormattings ?? []).map((cf) => ({
      ref: cf.ref,
      rules: cf.rules.map((r) => ({ type: r.type, color: r.color })),
    }));
    return { name: ws.name, state: ws.state ?? "visible", formats: formats.sort(), bars };
  });
  return sheets;
}

function assertSameWorkbook(expected: XlsxHost, got: XlsxHost, what: string): void {
  assertSame(checksum(xlsxProbe(expected)), checksum(xlsxProbe(got)), what);
  assert.deepEqual(looks(got), looks(expected), `${what}: sheets, formats, data bars`);
  assert.deepEqual(got.readRegistry(), expected.readRegistry(), `${what}: mark registry`);
}

async function snapshotOf(bytes: Buffer): Promise<WorkbookSnapshot> {
  return streamSnapshot(bytes, { skip: new Set([MARK_REGISTRY_SHEET]) });
}

interface Job {
  name: string;
  edits(snapshot: WorkbookSnapshot): Edit[];
  /** kj awards saves with the formulas computed. */
  recalc: boolean;
}

const JOBS: Job[] = [
  { name: "upkeep", edits: (s) => planUpkeep(s, { asOf: AS_OF }).edits, recalc: false },
  { name: "targets", edits: (s) => computeTargets(s, { asOf: AS_OF }).edits, recalc: false },
  { name: "awards", edits: (s) => fillAwards(s, { asOf: AS_OF }).edits, recalc: true },
];

/** The same edits through exceljs' model (recalculated like kj awards), saved and reopened. */
async function viaExceljs(bytes: Buffer, edits: readonly Edit[], recalc: boolean): Promise<XlsxHost> {
  const host = await openXlsxHost(bytes);
  await host.apply(edits);
  if (recalc) recalcWorkbook(host.workbook, { today: AS_OF });
  return openXlsxHost(Buffer.from(await host.workbook.xlsx.writeBuffer()));
}

async function viaPackage(bytes: Buffer, edits: readonly Edit[], recalc: boolean): Promise<Buffer> {
  const done = await editXlsxPackage(bytes, edits);
  if (recalc) await recalcXlsxZip(done.zip, { today: AS_OF });
  return collect(done.writeTo);
}

/** The input with a (stand-in) threaded comments relationship on `sheet`. */
async function withThreadedComments(bytes: Buffer, sheet: string): Promise<Buffer> {
  const zip = await JSZip.loadAsync(bytes);
  const part = (await readWorkbookPart(zip)).sheets.find((s) => s.name === sheet)?.path as string;
  const relsPath = part.replace(/[^/]*$/, (f) => `_rels/${f}.rels`);
  const rel = '<Relationship Id="rIdT1" Type="http://schemas.microsoft.com/office/2017/10/relationships/threadedComment" Target="../threadedComments/threadedComment1.xml"/>';
  const rels = (await zip.file(relsPath)?.async("string")) ?? '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>';
  zip.file(relsPath, rels.replace("</Relationships>", rel + "</Relationships>"), { createFolders: false });
  zip.file("xl/threadedComments/threadedComment1.xml", '<?xml version="1.0" encoding="UTF-8"?><ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"/>', { createFolders: false });
  return zip.generateAsync({ type: "nodebuffer" });
}

/** Throws unless `xml` is well-formed XML (namespaces checked too). */
function wellFormed(xml: string, part: string): void {
  const parser = new SaxesParser({ xmlns: true });
  let failure: Error | null = null;
  parser.on("error", (e) => (failure ??= e));
  parser.write(xml).close();
  if (failure) throw new Error(`${part}: ${String(failure)}`);
}

/** The package path writes text as inline strings; exceljs writes shared strings only. */
async function byPackagePath(bytes: Buffer): Promise<boolean> {
  const zip = await JSZip.loadAsync(bytes);
  for (const [name, file] of Object.entries(zip.files)) {
    if (/^xl\/worksheets\/[^/]+\.xml$/.test(name) && (await file.async("string")).includes('t="inlineStr"')) return true;
  }
  return false;
}

/**
 * The safety fixture (all ledgers, hostile strings, the user's fills and notes, a user sheet with
 * a formula) saved as a user's file, plus what exceljs alone would not give: number formats and a
 * bold font on ledger cells, a column width, a typed amount with a format in the award ledger.
 */
async function userWorkbook(dir: string): Promise<Buffer> {
  const file = path.join(dir, `seed-${Math.random().toString(36).slice(2)}.xlsx`);
  await writeSeedXlsx(safetyFixture().seed, file);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ledger = wb.getWorksheet(ENTERPRISE) as ExcelJS.Worksheet;
  ledger.getCell(2, 2).font = { bold: true, name: "宋体", size: 11 };
  ledger.getCell(5, 3).numFmt = "@";
  ledger.getColumn(1).width = 28;
  const award = wb.getWorksheet(AWARD) as ExcelJS.Worksheet;
  award.getCell(4, 1).numFmt = "0.00";
  award.getCell(6, 2).font = { italic: true };
  const user = wb.getWorksheet(USER_SHEET) as ExcelJS.Worksheet;
  user.getCell(5, 1).value = HOSTILE[1];
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe("editXlsxPackage (kj upkeep / targets / awards --out without exceljs' cell model)", function () {
  this.timeout(120_000);
  let dir: string;
  let input: Buffer;
  before(async () => {
    dir = safetyTempDir();
    input = await userWorkbook(dir);
  });

  for (const job of JOBS) {
    it(`${job.name}: reopened, the package result equals the exceljs path (values, formulas, fills, notes, formats, own sheets)`, async () => {
      const edits = job.edits(await snapshotOf(input));
      assert.ok(edits.some((e) => e.type === "setValues" || e.type === "setFormulas"), "the job writes cells");
      const out = await viaPackage(input, edits, job.recalc);
      assert.ok(await byPackagePath(out), "written by the package path");
      const zip = await JSZip.loadAsync(out);
      for (const [name, file] of Object.entries(zip.files)) if (/\.(xml|rels|vml)$/.test(name)) wellFormed(await file.async("string"), name);
      const got = await openXlsxHost(out);
      assertSameWorkbook(await viaExceljs(input, edits, job.recalc), got, job.name);
      for (const e of edits) {
        if (e.type !== "columnWidths") continue;
        const ws = got.workbook.getWorksheet(e.sheet) as ExcelJS.Worksheet;
        assert.deepEqual(e.widths.map((_, i) => ws.getColumn(e.col + i).width), e.widths, `${e.sheet} column widths`);
      }
    });

    it(`${job.name}: running the job again on its output changes nothing, and styles do not grow`, async () => {
      const once = await viaPackage(input, job.edits(await snapshotOf(input)), job.recalc);
      const twice = await viaPackage(once, job.edits(await snapshotOf(once)), job.recalc);
      const [a, b] = [await openXlsxHost(once), await openXlsxHost(twice)];
      assertSame(checksum(xlsxProbe(a)), checksum(xlsxProbe(b)), `${job.name} twice`);
      assert.deepEqual(looks(b), looks(a), `${job.name} twice: formats, widths, data bars`);
      assert.deepEqual(b.readRegistry(), a.readRegistry());
      const styles = async (bytes: Buffer) => ((await (await JSZip.loadAsync(bytes)).file("xl/styles.xml")?.async("string")) ?? "").length;
      assert.equal(await styles(twice), await styles(once), "styles.xml does not grow on a second run");
    });
  }

  it("strings are written as text, never as formulas, whatever they start with", async () => {
    const sheet = ENTERPRISE;
    const edits: Edit[] = [{ type: "setValues", sheet, row: 3, col: 60, values: HOSTILE.map((h) => [h]) }];
    const got = await openXlsxHost(await viaPackage(input, edits, false));
    const ws = got.workbook.getWorksheet(sheet) as ExcelJS.Worksheet;
    HOSTILE.forEach((h, i) => {
      assert.equal(ws.getCell(3 + i, 60).value, h);
      assert.equal(formulaOfExcelCell(ws.getCell(3 + i, 60)), null);
    });
  });

  it("writes numbers, booleans, dates and errors with the cell's style, and null clears a value", async () => {
    const sheet = USER_SHEET;
    const date = new Date(Date.UTC(2024, 4, 1));
    const edits: Edit[] = [
      { type: "setValues", sheet, row: 1, col: 1, values: [[12.5, true, date, { error: "#N/A" }, null]] },
      { type: "setValues", sheet, row: 2, col: 2, values: [[null]] },
      { type: "setFormulas", sheet, row: 6, col: 1, formulas: [["=SUM(1,2)", null]] },
    ];
    const got = await openXlsxHost(await viaPackage(input, edits, false));
    assertSameWorkbook(await viaExceljs(input, edits, false), got, "values of every type");
    const ws = got.workbook.getWorksheet(sheet) as ExcelJS.Worksheet;
    assert.equal(ws.getCell(1, 1).value, 12.5);
    assert.ok(got.getFill(sheet, 1, 1).kind !== "none", "the user's fill stays under a written value");
    assert.equal(ws.getCell(2, 2).value, null);
  });

  it("the streamed snapshot gives a shared formula's clones their own formula, as XlsxHost does (kj awards keeps filled-down KJ.AWARD)", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet(AWARD);
    ws.addRow(["名称", "奖励事项", "认定日期", "奖励金额（万元）"]);
    ws.addRow(["甲", "高企", new Date(Date.UTC(2023, 4, 1)), { formula: "KJ.AWARD(B2,,C2)", result: 20, shareType: "shared", ref: "D2:D4" } as unknown as ExcelJS.CellValue]);
    ws.addRow(["乙", "高企", new Date(Date.UTC(2023, 5, 1)), { sharedFormula: "D2", result: 20 } as unknown as ExcelJS.CellValue]);
    ws.addRow(["丙", "高企", new Date(Date.UTC(2023, 6, 1)), { sharedFormula: "D2", result: 20 } as unknown as ExcelJS.CellValue]);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const xml = (await (await JSZip.loadAsync(bytes)).file("xl/worksheets/sheet1.xml")?.async("string")) ?? "";
    assert.match(xml, /<f t="shared" si="0"\/>/, "the file holds shared clones");
    const streamed = (await snapshotOf(bytes)).sheets[0];
    const hosted = (await openXlsxHost(bytes)).snapshot(AWARD);
    assert.deepEqual(streamed.formulas, hosted.formulas);
    assert.equal(streamed.formulas?.[3][3], "=KJ.AWARD(B4,,C4)");
    assert.equal(fillAwards({ sheets: [streamed] }, { asOf: AS_OF }).report.typedAmounts, 0, "no clone taken for a typed amount");
  });

  it("writes what used to need exceljs: rows deleted and inserted, text with control characters, values in merged cells", async () => {
    const snapshot = await snapshotOf(input);
    const ledger = snapshot.sheets.find((x) => x.name === ENTERPRISE)!;
    const row3 = ledger.values[3 - ledger.firstRow];
    const edits: Edit[] = [
      { type: "deleteRows", sheet: ENTERPRISE, rows: [3] },
      { type: "insertRows", sheet: ENTERPRISE, row: 3, col: ledger.firstCol, values: [row3] },
      { type: "setValues", sheet: ENTERPRISE, row: 3, col: 60, values: [["控制\u0001字符"], ["_x000D_ 照原样"], ["回车\r换行\n"]] },
    ];
    const out = await viaPackage(input, edits, false);
    assert.ok(await byPackagePath(out));
    assertSameWorkbook(await viaExceljs(input, edits.slice(0, 2), false), await openXlsxHost(await viaPackage(input, edits.slice(0, 2), false)), "delete, then insert");
    // Text read back exactly, by the streamed reader and by exceljs (whose own writer loses all three).
    const texts = ["控制\u0001字符", "_x000D_ 照原样", "回车\r换行\n"];
    const streamed = (await snapshotOf(out)).sheets.find((x) => x.name === ENTERPRISE)!;
    assert.deepEqual([3, 4, 5].map((r) => streamed.values[r - streamed.firstRow][60 - streamed.firstCol]), texts);
    const reopened = (await openXlsxHost(out)).workbook.getWorksheet(ENTERPRISE) as ExcelJS.Worksheet;
    assert.deepEqual([3, 4, 5].map((r) => reopened.getCell(r, 60).value), texts);
    // A value written inside merged cells lands in its cell, as it was asked.
    const merged = await openXlsxHost(input);
    (merged.workbook.getWorksheet(USER_SHEET) as ExcelJS.Worksheet).mergeCells("C1:D2");
    const mergedBytes = Buffer.from(await merged.workbook.xlsx.writeBuffer());
    const inMerge = await snapshotOf(await viaPackage(mergedBytes, [{ type: "setValues", sheet: USER_SHEET, row: 2, col: 4, values: [["x"]] }], false));
    const user = inMerge.sheets.find((x) => x.name === USER_SHEET)!;
    assert.equal(user.values[2 - user.firstRow][4 - user.firstCol], "x");
  });

  it("refuses a sheet that does not exist, with the reason in Chinese and no way round it", async () => {
    const e = await editXlsxPackage(input, [{ type: "setValues", sheet: "没有这张表", row: 1, col: 1, values: [["x"]] }]).catch((x: unknown) => x);
    assert.ok(e instanceof PackageNotHandled);
    assert.equal(e.fallback, false);
    assert.match(e.reason, /没有名为“没有这张表”的工作表/);
  });
});

describe("kj upkeep / targets / awards --out through the package path", function () {
  this.timeout(120_000);
  const kj = kjRunner(AS_OF);
  let dir: string;
  let bytes: Buffer;
  let input: string;
  before(async () => {
    dir = safetyTempDir();
    bytes = await userWorkbook(dir);
    input = path.join(dir, "台账.xlsx");
    fs.writeFileSync(input, bytes);
  });
  afterEach(() => (process.exitCode = 0));

  const commands: { name: string; job: Job }[] = JOBS.map((job) => ({ name: job.name, job }));
  for (const { name, job } of commands) {
    it(`kj ${name} --out writes what the exceljs path writes, and again on its output changes nothing`, async () => {
      const out = path.join(dir, `${name}-1.xlsx`);
      const r = await kj(name, input, "--as-of", "2025-01-01", "--out", out, "--json");
      assert.ok(r.code === 0 || r.code === 1, r.err);
      assert.ok(fs.readFileSync(input).equals(bytes), "input untouched");
      const written = fs.readFileSync(out);
      assert.ok(await byPackagePath(written), "written by the package path");
      assertSameWorkbook(await viaExceljs(bytes, job.edits(await snapshotOf(bytes)), job.recalc), await openXlsxHost(written), `kj ${name}`);

      const again = path.join(dir, `${name}-2.xlsx`);
      const r2 = await kj(name, out, "--as-of", "2025-01-01", "--out", again, "--json");
      assert.equal(r2.code, r.code, r2.err);
      const [a, b] = [await openXlsxHost(written), await openXlsxHost(fs.readFileSync(again))];
      assertSame(checksum(xlsxProbe(a)), checksum(xlsxProbe(b)), `kj ${name} twice`);
      assert.deepEqual(looks(b), looks(a));
    });
  }

  it("kj awards --out saves the amounts computed (cached results of the KJ.AWARD formulas)", async () => {
    const out = path.join(dir, "awards-values.xlsx");
    await kj("awards", input, "--as-of", "2025-01-01", "--out", out);
    const got = await openXlsxHost(fs.readFileSync(out));
    const ws = got.workbook.getWorksheet(AWARD) as ExcelJS.Worksheet;
    let computed = 0;
    ws.eachRow((row) =>
      row.eachCell((cell) => {
        const f = formulaOfExcelCell(cell);
        if (f && /KJ\.AWARD/.test(f) && typeof valueOfExcelCell(cell.value) === "number") computed++;
      }),
    );
    assert.ok(computed > 3, `KJ.AWARD cells with a number: ${computed}`);
    assert.ok(got.workbook.getWorksheet(AWARD_SUMMARY_SHEET), "summary sheet");
  });

  it("kj upkeep --remove and --undo go through the package path, with the same cells as the exceljs path", async () => {
    const out = path.join(dir, "removed.xlsx");
    const r = await kj("upkeep", input, "--as-of", "2025-01-01", "--out", out, "--remove", "--json");
    assert.equal(r.code, 1, r.err);
    assert.equal(r.err, "");
    const written = fs.readFileSync(out);
    assert.ok(await byPackagePath(written), "written by the package path");
    const removed = (JSON.parse(r.out) as { removal: { removed: unknown[] } }).removal.removed;
    assert.ok(removed.length > 0);
    const snapshot = await snapshotOf(bytes);
    const plan = planUpkeep(snapshot, { asOf: AS_OF });
    const host = await openXlsxHost(bytes);
    await host.apply(plan.edits);
    await host.apply(removeFromPool(await readWorkbook(host), { asOf: AS_OF }, plan.report.suggestions).edits);
    assertSameWorkbook(await openXlsxHost(Buffer.from(await host.workbook.xlsx.writeBuffer())), await openXlsxHost(written), "kj upkeep --remove");

    const undone = path.join(dir, "undone.xlsx");
    const u = await kj("upkeep", out, "--as-of", "2025-01-01", "--out", undone, "--undo");
    assert.equal(u.code, 1, u.err);
    assert.ok(await byPackagePath(fs.readFileSync(undone)));
    await host.apply(undoRemoval(await readWorkbook(host), { asOf: AS_OF }).edits);
    await host.apply(planUpkeep(await readWorkbook(host), { asOf: AS_OF }).edits);
    assertSameWorkbook(await openXlsxHost(Buffer.from(await host.workbook.xlsx.writeBuffer())), await openXlsxHost(fs.readFileSync(undone)), "kj upkeep --undo");
  });

  it("threaded comments (Excel 365) no longer send a workbook to exceljs: written at package level, the thread kept", async () => {
    const odd = await withThreadedComments(bytes, AWARD);
    const edits = fillAwards(await snapshotOf(odd), { asOf: AS_OF }).edits;
    const oddFile = path.join(dir, "讨论.xlsx");
    fs.writeFileSync(oddFile, odd);
    const out = path.join(dir, "讨论-结果.xlsx");
    const r = await kj("awards", oddFile, "--as-of", "2025-01-01", "--out", out);
    assert.ok(r.code === 0 || r.code === 1, r.err);
    const written = fs.readFileSync(out);
    assert.ok(await byPackagePath(written), "written by the package path");
    assert.ok((await JSZip.loadAsync(written)).file("xl/threadedComments/threadedComment1.xml"), "the threaded comments part is kept");
    assertSameWorkbook(await viaExceljs(odd, edits, true), await openXlsxHost(written), "threaded comments");
  });

  it("the own sheets the package path creates are where exceljs puts them", async () => {
    const out = path.join(dir, "targets-order.xlsx");
    await kj("targets", input, "--as-of", "2025-01-01", "--out", out);
    const names = (await openXlsxHost(fs.readFileSync(out))).workbook.worksheets.map((w) => w.name);
    assert.equal(names[names.length - 1], TARGETS_SHEET);
  });
});

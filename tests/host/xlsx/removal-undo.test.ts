/**
 * kj upkeep --remove and --undo at package level, on ledgers written by exceljs, openpyxl,
 * LibreOffice and an Excel-like package (tests/support/removal-fixtures.ts): the removed rows go
 * to 调出记录 with their values, formulas (in 原公式), styles, notes and merged cells; the table,
 * validation, conditional formats, hyperlinks, defined names, chart series, summary formulas and
 * notes of the rows that stay follow them; pictures and charts stay; nothing appears on another
 * sheet; undo gives the ledger back as it was; every output agrees with LibreOffice's own
 * recalculation (scripts/lo-recalc-check.py, as tests/lo). openpyxl and LibreOffice are required
 * as for tests/lo: missing, the tests fail with the install message (KJ_SKIP_LIBREOFFICE=1 skips
 * them on a developer's machine only).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import JSZip from "jszip";
import * as os from "os";
import * as path from "path";
import { dayFromParts, DayNumber } from "../../../src/dates";
import { attributes, findPart, parseRelationships, readWorkbookPart, relsPathOf, richText, xmlText } from "../../../src/host/xlsx/ooxml";
import { streamSnapshot } from "../../../src/host/xlsx/stream";
import { ARCHIVE_SHEET, parseArchivedFormulas } from "../../../src/jobs/upkeep";
import { CellValue } from "../../../src/ledger/cells";
import { cellAddress, columnLetter } from "../../../src/text";
import { kjRunner, sha256File } from "../../support/cli";
import { excelLikeLedger, exceljsLedger, LEDGER, libreofficeCopy, openpyxlLedger, RemovalSpec, removalSpec, SUMMARY } from "../../support/removal-fixtures";
import { libreOfficeMissing, runLoCheck, skipLibreOffice } from "../../lo/libreoffice";

const TODAY = dayFromParts(2025, 3, 1) as DayNumber;

/** What a workbook's ledger and its neighbours look like, for comparing before and after. */
interface Described {
  /** User cells of the ledger (columns up to 备注2): value, formula, style index. */
  cells: Record<string, { v: CellValue; f: string | null; s: string }>;
  merges: string[];
  conditional: string[];
  validation: string[];
  hyperlinks: string[];
  tables: string[];
  charts: string[];
  anchors: string[];
  names: string[];
  notes: Record<string, string>;
  threads: string[];
  summary: string[];
  summaryValidation: string[];
}

async function part(zip: JSZip, p: string | null): Promise<string> {
  return p ? ((await zip.file(p)?.async("string")) ?? "") : "";
}

/** The parts related to a sheet, by relationship type suffix. */
async function related(zip: JSZip, sheetPath: string, type: RegExp): Promise<string[]> {
  const rels = await part(zip, relsPathOf(sheetPath));
  return parseRelationships(sheetPath, rels)
    .filter((r) => type.test(r.type) && !r.external)
    .map((r) => findPart(zip, r.target))
    .filter((p): p is string => p !== null);
}

async function look(file: string, spec: RemovalSpec): Promise<Described> {
  const bytes = fs.readFileSync(file);
  const zip = await JSZip.loadAsync(bytes);
  const wb = await readWorkbookPart(zip);
  const ledgerPath = wb.sheets.find((s) => s.name === LEDGER)!.path;
  const xml = await part(zip, ledgerPath);
  const snapshot = (await streamSnapshot(bytes, { sheets: new Set([LEDGER]) })).sheets[0];
  const lastCol = spec.noteCol + 1;
  const styles = new Map<string, string>();
  for (const m of xml.matchAll(/<c\b([^>]*?)\/?>/g)) {
    const a = attributes(m[1]);
    if (a.r) styles.set(a.r, a.s ?? "0");
  }
  const cells: Described["cells"] = {};
  snapshot.values.forEach((row, i) =>
    row.forEach((v, j) => {
      const r = snapshot.firstRow + i;
      const c = snapshot.firstCol + j;
      if (c > lastCol) return;
      const f = snapshot.formulas?.[i]?.[j] ?? null;
      const ref = cellAddress(r, c);
      if (v === null && f === null && (styles.get(ref) ?? "0") === "0") return;
      cells[ref] = { v: v instanceof Date ? (v.toISOString() as unknown as CellValue) : v, f, s: styles.get(ref) ?? "0" };
    }),
  );
  const all = (re: RegExp, text: string) => [...text.matchAll(re)].map((m) => m[0].replace(/\s+xr:uid="[^"]*"/g, ""));
  const notes: Record<string, string> = {};
  for (const p of await related(zip, ledgerPath, /\/comments$/)) {
    const c = await part(zip, p);
    const authors = [...(/<authors>([\s\S]*?)<\/authors>/.exec(c)?.[1] ?? "").matchAll(/<author>([\s\S]*?)<\/author>/g)].map((m) => m[1]);
    for (const m of c.matchAll(/<comment\b([^>]*?)>([\s\S]*?)<\/comment>/g)) {
      const a = attributes(m[1]);
      notes[a.ref] = `${authors[Number(a.authorId)]}:${xmlText(richText(m[2]))}`;
    }
  }
  const threads: string[] = [];
  for (const p of await related(zip, ledgerPath, /threadedComment$/)) threads.push(...all(/<threadedComment\b[^>]*>[\s\S]*?<\/threadedComment>/g, await part(zip, p)));
  const tables: string[] = [];
  for (const p of await related(zip, ledgerPath, /\/table$/)) tables.push(...all(/<(table|autoFilter)\b[^>]*?\sref="[^"]*"/g, await part(zip, p)).map((t) => /ref="([^"]*)"/.exec(t)![1]));
  const anchors: string[] = [];
  const charts: string[] = [];
  for (const p of await related(zip, ledgerPath, /\/drawing$/)) {
    const d = await part(zip, p);
    anchors.push(...all(/<(?:\w+:)?(?:from|to)>[\s\S]*?<\/(?:\w+:)?(?:from|to)>/g, d));
    for (const c of await related(zip, p, /\/chart$/)) charts.push(...all(/<(?:\w+:)?f>[^<]*<\/(?:\w+:)?f>/g, await part(zip, c)));
  }
  const summaryPath = wb.sheets.find((s) => s.name === SUMMARY)!.path;
  const summaryXml = await part(zip, summaryPath);
  const workbookXml = await part(zip, wb.workbookPath);
  return {
    cells,
    merges: all(/<mergeCell ref="[^"]*"/g, xml).sort(),
    conditional: all(/<conditionalFormatting\b[\s\S]*?<\/conditionalFormatting>/g, xml).map((c) => c.replace(/priority="\d+"/, "")),
    validation: [...all(/sqref="[^"]*"/g, (/<dataValidations\b[\s\S]*?<\/dataValidations>/.exec(xml) ?? [""])[0]), ...all(/<xm:sqref>[^<]*<\/xm:sqref>|<xm:f>[^<]*<\/xm:f>/g, xml)],
    hyperlinks: all(/<hyperlink\b[^>]*>/g, xml),
    tables,
    charts,
    anchors,
    names: all(/<definedName\b[^>]*>[^<]*<\/definedName>/g, workbookXml).map(xmlText),
    notes,
    threads,
    summary: [...summaryXml.matchAll(/<f\b[^>]*>([^<]*)<\/f>/g)].map((m) => xmlText(m[1])),
    summaryValidation: all(/<dataValidation\b[^>]*>/g, summaryXml),
  };
}

/** The ledger values of a spec row (dates as ISO instants, as describe gives them). */
function specRow(spec: RemovalSpec, row: number): CellValue[] {
  return spec.rows[row - spec.headerRow - 1].map((v) => (v !== null && typeof v === "object" ? (new Date(`${v.d}T00:00:00Z`).toISOString() as unknown as CellValue) : v));
}

interface Producer {
  name: string;
  make(spec: RemovalSpec, dir: string): Promise<string>;
  chart: boolean;
}

const PRODUCERS: Producer[] = [
  {
    name: "exceljs",
    make: async (spec, dir) => {
      const f = path.join(dir, "exceljs.xlsx");
      await exceljsLedger(spec, f);
      return f;
    },
    chart: false,
  },
  {
    name: "openpyxl",
    make: async (spec, dir) => {
      const f = path.join(dir, "openpyxl.xlsx");
      openpyxlLedger(spec, f);
      return f;
    },
    chart: true,
  },
  {
    name: "LibreOffice",
    make: async (spec, dir) => {
      const f = path.join(dir, "lo-source.xlsx");
      openpyxlLedger(spec, f);
      const saved = libreofficeCopy(f, path.join(dir, "lo"));
      const out = path.join(dir, "libreoffice.xlsx");
      fs.renameSync(saved, out);
      return out;
    },
    chart: true,
  },
  {
    name: "Excel-like",
    make: async (spec, dir) => {
      const f = path.join(dir, "excel.xlsx");
      await excelLikeLedger(spec, f);
      return f;
    },
    chart: true,
  },
];

describe("kj upkeep --remove / --undo at package level, on workbooks from exceljs, openpyxl, LibreOffice and Excel", function () {
  this.timeout(600_000);
  const kj = kjRunner(TODAY);
  const spec = removalSpec();
  const kept = Array.from({ length: spec.rows.length }, (_, i) => spec.headerRow + 1 + i).filter((r) => !spec.removed.includes(r));
  const newRow = (r: number) => spec.headerRow + 1 + kept.indexOf(r);
  const lastKept = spec.headerRow + kept.length;
  let dir: string;
  const written: string[] = [];

  before(function () {
    if (skipLibreOffice()) this.skip();
    const missing = libreOfficeMissing();
    if (missing) throw new Error(missing);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-removal-"));
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  for (const producer of PRODUCERS) {
    describe(`written by ${producer.name}`, () => {
      let input: string;
      let original: Described;
      let removed: string;

      before(async function () {
        input = await producer.make(spec, dir);
        original = await look(input, spec);
      });

      it("the test ledger holds what matters", () => {
        assert.equal(original.merges.length, 2);
        assert.equal(Object.keys(original.notes).length, 2);
        assert.ok(original.tables.length >= 1, "table");
        assert.ok(original.validation.length >= 1 && original.conditional.length === 1, "validation and conditional format");
        assert.equal(original.hyperlinks.length, 1);
        assert.ok(original.anchors.length >= 1, "a picture or chart");
        if (producer.chart) assert.ok(original.charts.some((f) => f.includes(`$${columnLetter(spec.staffCol)}$3:$${columnLetter(spec.staffCol)}$22`)), "chart series");
        assert.equal(original.summary.length, 3);
        assert.ok(Object.values(original.cells).some((c) => c.f !== null), "formula column");
      });

      it("check, targets and awards --out (package level) keep its table, chart, pictures, validation, formats, names and notes", async () => {
        for (const [command, code] of [["check", 1], ["targets", 1], ["awards", 2]] as const) {
          const out = path.join(dir, `${producer.name}-${command}.xlsx`);
          const r = await kj(command, input, "--as-of", "2025-01-01", "--out", out);
          if (command === "awards") {
            // No award ledger in this workbook: refused before anything is written (not "文件内容已损坏").
            assert.equal(r.code, code, r.err);
            assert.doesNotMatch(r.err, /损坏/);
            continue;
          }
          assert.ok(r.code === 0 || r.code === code, `${command}: ${r.err}`);
          assert.doesNotMatch(r.err, /损坏|按兼容方式/, command);
          const got = await look(out, spec);
          for (const k of ["merges", "conditional", "validation", "hyperlinks", "tables", "charts", "anchors", "names", "threads", "summary", "summaryValidation"] as const) {
            assert.deepEqual(got[k], original[k], `${command}: ${k}`);
          }
          for (const [ref, c] of Object.entries(original.cells)) assert.deepEqual([got.cells[ref]?.v, got.cells[ref]?.f], [c.v, c.f], `${command}: ${ref}`);
          // openpyxl writes formulas without cached values, and these commands leave them so.
          if (producer.name !== "openpyxl") written.push(out);
        }
      });

      it("--remove moves the rows to 调出记录 with values, formulas, styles, notes and merges; the rest follows", async () => {
        removed = path.join(dir, `${producer.name}-调出后.xlsx`);
        const before = sha256File(input);
        const r = await kj("upkeep", input, "--as-of", "2025-01-01", "--out", removed, "--remove", "--json");
        assert.equal(r.code, 1, r.err);
        assert.equal(r.err, "", "no fallback, no notice");
        assert.equal(sha256File(input), before, "input untouched");
        const report = JSON.parse(r.out) as { removal: { removed: { row: number }[]; formulas: number } };
        assert.deepEqual(report.removal.removed.map((x) => x.row), spec.removed);
        assert.equal(report.removal.formulas, spec.removed.length);
        written.push(removed);

        const got = await look(removed, spec);
        // The rows that stay, in order, with their own formulas moved to their new rows.
        for (const r0 of kept) {
          const at = newRow(r0);
          specRow(spec, r0).forEach((v, j) => {
            if (v === null) return;
            assert.deepEqual(got.cells[cellAddress(at, j + 1)]?.v, v, `${producer.name}: kept row ${r0} -> ${at}, column ${j + 1}`);
          });
          assert.equal(got.cells[cellAddress(at, spec.formulaCol)]?.f, spec.formula.replace(/\{r\}/g, String(at)), `${producer.name}: formula of row ${at}`);
        }
        assert.equal(got.cells[cellAddress(lastKept + 1, 1)], undefined, "nothing below the last row kept");
        const s = columnLetter(spec.staffCol);
        const tableRef = `A${spec.headerRow}:${columnLetter(spec.tableCols)}${lastKept}`;
        assert.ok(got.tables.every((t) => t === tableRef), `${producer.name}: table ${got.tables.join(",")}`);
        assert.ok(got.conditional[0].includes(`sqref="${s}3:${s}${lastKept}"`), got.conditional[0]);
        assert.ok(got.validation.some((v) => v.includes(`3:${columnLetter(spec.stateCol)}${lastKept}`)), got.validation.join(","));
        assert.deepEqual(got.hyperlinks.map((h) => /ref="([^"]*)"/.exec(h)![1]), [`B${newRow(spec.link)}`]);
        assert.deepEqual(got.merges, [`<mergeCell ref="${cellAddress(newRow(18), spec.noteCol)}:${cellAddress(newRow(18), spec.noteCol + 1)}"`]);
        assert.deepEqual(Object.keys(got.notes), [`A${newRow(8)}`]);
        assert.deepEqual(got.anchors, original.anchors, "pictures and charts stay where they are");
        if (producer.chart) assert.ok(got.charts.some((f) => f.includes(`$${s}$3:$${s}$${lastKept}`)), got.charts.join(","));
        assert.ok(got.names.some((n) => n.includes(`$A$3:$A$${lastKept}`)), got.names.join(","));
        const [sum, count, one] = got.summary as string[];
        assert.ok(sum.includes(`${s}3:${s}${lastKept}`) && count.includes(`A3:A${lastKept}`), got.summary.join(","));
        assert.ok(one.endsWith(`!A${newRow(spec.kept)}`), one);
        assert.deepEqual(got.summaryValidation, original.summaryValidation, "the summary's own validation, and nothing more");

        // 调出记录: one line per row removed, the ledger's columns after the archive's own 8.
        const bytes = fs.readFileSync(removed);
        const zip = await JSZip.loadAsync(bytes);
        const archive = (await streamSnapshot(bytes, { sheets: new Set([ARCHIVE_SHEET]) })).sheets[0];
        assert.equal(archive.values.length, spec.removed.length + 1);
        spec.removed.forEach((r0, i) => {
          const line = archive.values[i + 1];
          assert.equal(line[3], r0);
          specRow(spec, r0).forEach((v, j) => v !== null && assert.deepEqual(line[8 + j] instanceof Date ? (line[8 + j] as Date).toISOString() : line[8 + j], v, `archive line ${i + 2} column ${9 + j}`));
          const formulas = parseArchivedFormulas(String(line[7]));
          assert.equal(formulas.get(spec.formulaCol), spec.formula.replace(/\{r\}/g, String(r0)), `原公式 of row ${r0}`);
        });
        const wb = await readWorkbookPart(zip);
        const archivePath = wb.sheets.find((x) => x.name === ARCHIVE_SHEET)!.path;
        const archiveXml = await part(zip, archivePath);
        const line6 = 2 + spec.removed.indexOf(6);
        assert.ok(archiveXml.includes(`<mergeCell ref="${cellAddress(line6, 8 + spec.noteCol)}:${cellAddress(line6, 9 + spec.noteCol)}"/>`), "the removed row's merged cells are on its archive line");
        assert.ok(!/<dataValidation|<conditionalFormatting|<tableParts/.test(archiveXml), "no validation, format or table copied onto 调出记录");
        const archiveNotes = await related(zip, archivePath, /\/comments$/);
        assert.equal(archiveNotes.length, 1);
        const archived = /<comment\b[^>]*ref="([^"]*)"[^>]*>([\s\S]*?)<\/comment>/.exec(await part(zip, archiveNotes[0]));
        assert.deepEqual([archived?.[1], xmlText(richText(archived?.[2] ?? "")).replace(/^张三:\n/, "")], [cellAddress(2 + spec.removed.indexOf(5), 9), "第5行的批注"], "the removed row's note is on its archive line");
        const filledLine = 2 + spec.removed.indexOf(9);
        const ledgerStyle = original.cells[`A9`].s;
        assert.match(archiveXml, new RegExp(`<c r="I${filledLine}" s="${ledgerStyle}"`), "the removed row's fill (its style) is on its archive line");
      });

      it("--undo gives the ledger back as it was: cells, formulas, styles, notes, merges, table, validation, formats, names, series", async () => {
        const undone = path.join(dir, `${producer.name}-撤销后.xlsx`);
        const r = await kj("upkeep", removed, "--as-of", "2025-01-01", "--out", undone, "--undo");
        assert.equal(r.code, 1, r.err);
        assert.match(r.out, new RegExp(`已撤销批次 20250101-01：${spec.removed.length} 家企业放回原行.*公式 ${spec.removed.length} 个按原样放回`));
        written.push(undone);
        const back = await look(undone, spec);
        // A formula saved without its result (openpyxl) has one now: the copy was recalculated.
        for (const [ref, c] of Object.entries(original.cells)) if (c.f !== null && c.v === null && back.cells[ref]?.f === c.f) back.cells[ref].v = null;
        assert.deepEqual(back, original);
      });

      it("--undo with nothing left to undo exits 1 and writes nothing", async () => {
        const undone = path.join(dir, `${producer.name}-撤销后.xlsx`);
        const again = path.join(dir, `${producer.name}-再撤销.xlsx`);
        const r = await kj("upkeep", undone, "--as-of", "2025-01-01", "--out", again, "--undo");
        assert.equal(r.code, 1, r.err);
        assert.match(r.out, /没有需要撤销的调出.*未写入/);
        assert.equal(fs.existsSync(again), false);
      });
    });
  }

  describe("LibreOffice", () => {
    it("every workbook written above agrees with LibreOffice's own recalculation", async function () {
      this.timeout(300_000);
      assert.ok(written.length >= 8, `${written.length} workbooks written`);
      const r = await runLoCheck(written);
      assert.equal(r.code, 0, r.output);
      for (const f of written) assert.ok(r.results.get(f)?.opened, `${path.basename(f)} opened by LibreOffice: ${r.output}`);
    });
  });
});

describe("kj upkeep --undo with nothing to undo", function () {
  this.timeout(60_000);
  it("exits 1 without writing, also when the workbook has no 调出记录", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-undo-none-"));
    try {
      const file = path.join(dir, "台账.xlsx");
      await exceljsLedger(removalSpec(), file);
      const out = path.join(dir, "out.xlsx");
      const r = await kjRunner(TODAY)("upkeep", file, "--out", out, "--undo", "--json");
      assert.equal(r.code, 1, r.err);
      const j = JSON.parse(r.out) as { written: boolean; undo: { notes: string[] } };
      assert.equal(j.written, false);
      assert.match(j.undo.notes[0], /没有调出记录/);
      assert.equal(fs.existsSync(out), false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});



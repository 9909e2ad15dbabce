/**
 * kj rdsubsidies on a saved workbook: the text and --json reports, --out writing the formulas with
 * their values (the same numbers as the report and as a fresh HyperFormula recalculation by kj
 * recalc), the input left byte-identical, exit codes. LibreOffice's own recalculation of the
 * --out copy is checked with every other CLI output (tests/lo/outputs.ts, entry rdsubsidies.xlsx).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generateSampleWorkbook, SAMPLE_SHEETS } from "../../samples/generate";
import { dayFromParts, DayNumber } from "../../src/dates";
import { RD_SUMMARY_SHEET } from "../../src/jobs/rdsubsidies";
import { snapshotOfXlsxBytes } from "../../src/host/xlsx/file";
import { columnLetter } from "../../src/text";
import { kjRunner, sha256File, writeSnapshotXlsx } from "../support/cli";

const kj = kjRunner(dayFromParts(2025, 3, 1) as DayNumber);

/**
 * Every formula cell of a sheet: [address, formula, cached value], read by KJ's own streamed
 * reader (exceljs leaves out a cached 0).
 */
async function formulaCells(file: string, sheet: string): Promise<[string, string, unknown][]> {
  const wb = await snapshotOfXlsxBytes(file, fs.readFileSync(file));
  const s = wb.sheets.find((x) => x.name === sheet);
  const out: [string, string, unknown][] = [];
  s?.formulas?.forEach((row, i) =>
    row.forEach((f, j) => {
      if (f) out.push([`${columnLetter(s.firstCol + j)}${s.firstRow + i}`, f.replace(/^=/, ""), s.values[i][j]]);
    }),
  );
  return out;
}

describe("kj rdsubsidies", function () {
  this.timeout(120_000);
  let dir = "";
  let sample = "";
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-rdsubsidies-"));
    sample = await writeSnapshotXlsx(dir, "示例台账.xlsx", generateSampleWorkbook());
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("prints the totals by scheme and by town, the policies, and what to finish (exit 1: rows cannot be computed)", async () => {
    const r = await kj("rdsubsidies", sample, "--year", "2024");
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /^研发补助“示例台账\.xlsx”：2024 年度研发费用/);
    assert.match(r.out, /工作表“研发费用台账”：2024 年度 198 行（其他年度 77 行不处理），省级研发补助（万元）在 R 列，市级研发补助（万元）在 S 列/);
    assert.match(r.out, /依据（省级研发补助）：《山东省企业研究开发财政补助实施办法》（鲁科字〔2025〕25号，2024 年度起），含暂定值（待核定）/);
    assert.match(r.out, /省级研发补助：198 家中 \d+ 家获补助，合计 [\d,]+\.\d\d 万元；2 家无法计算（已标记）/);
    assert.match(r.out, /市级研发补助：198 家中 \d+ 家获补助，合计 [\d,]+\.\d\d 万元；1 家无法计算（已标记）/);
    assert.match(r.out, /按镇街：常庄街道 省级/);
    assert.match(r.out, /\[错误\] “研发费用台账”第 \d+ 行 F 列 上年研发费用：上年研发费用未填写：研发补助无法计算，请补充/);
    assert.match(r.out, /用 --out 另存/);
  });

  it("--json gives every row's two results with their reasons, and totals as exact text", async () => {
    const r = await kj("rdsubsidies", sample, "--year", "2024", "--json");
    const doc = JSON.parse(r.out);
    assert.equal(doc.year, 2024);
    assert.equal(doc.rows.length, 198);
    assert.deepEqual(Object.keys(doc.totals), ["province", "city", "byTown"]);
    const granted = doc.rows.find((x: { province: { amount: number } }) => x.province.amount > 0);
    assert.match(granted.province.why, /^省级研发补助 \d+ 万元（2024 年度，鲁科字〔2025〕25号）：符合补助条件/);
    assert.equal(granted.province.amountText, String(granted.province.amount));
    const sum = doc.rows.reduce((s: number, x: { province: { amount: number | null } }) => s + (x.province.amount ?? 0), 0);
    assert.equal(doc.totals.province.amount, sum);
    assert.equal(doc.policies.city.docNo, "枣科字〔2025〕18号");
  });

  it("--out writes the formulas with the values the report gives; the input is not changed; kj recalc agrees", async () => {
    const before = sha256File(sample);
    const out = path.join(dir, "研发补助.xlsx");
    const r = await kj("rdsubsidies", sample, "--year", "2024", "--out", out, "--json");
    assert.equal(r.code, 1, r.err);
    assert.equal(sha256File(sample), before);
    const doc = JSON.parse(r.out);
    assert.equal(doc.formulasWritten, 396);
    const ledger = await formulaCells(out, SAMPLE_SHEETS.rd);
    assert.equal(ledger.length, 396);
    const byCell = new Map(ledger.map(([a, f, v]) => [a, { f, v }]));
    for (const row of doc.rows) {
      const p = byCell.get(`R${row.row}`);
      assert.ok(p, `R${row.row}`);
      assert.equal(p.f, `KJ.RDSUBSIDY("省",$D${row.row},$A$2:$Q$2,$A${row.row}:$Q${row.row})`);
      const want = (x: { amount: number | null }) => (x.amount === null ? { error: "#N/A" } : x.amount);
      assert.deepEqual(p.v, want(row.province), `R${row.row}`);
      assert.deepEqual(byCell.get(`S${row.row}`)?.v, want(row.city), `S${row.row}`);
    }
    const summary = await formulaCells(out, RD_SUMMARY_SHEET);
    const e6 = summary.find(([a]) => a === "E6");
    assert.equal(e6?.[2], doc.totals.province.amount);
    assert.equal(summary.find(([a]) => a === "E7")?.[2], doc.totals.city.amount);

    // A full recalculation of the copy gives the same values.
    const again = path.join(dir, "重算.xlsx");
    const rc = await kj("recalc", out, "--out", again);
    assert.equal(rc.code, 1, "saved; the rows that cannot be computed are #N/A");
    const recalced = new Map((await formulaCells(again, SAMPLE_SHEETS.rd)).map(([a, , v]) => [a, v]));
    for (const [a, , v] of ledger) assert.deepEqual(recalced.get(a), v, a);
    const recalcedSummary = new Map((await formulaCells(again, RD_SUMMARY_SHEET)).map(([a, , v]) => [a, v]));
    for (const [a, , v] of summary) assert.deepEqual(recalcedSummary.get(a), v, a);
  });

  it("2023: only the provincial scheme has a pack; the note says how to add the municipal one", async () => {
    const r = await kj("rdsubsidies", sample, "--year", "2023", "--json");
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out);
    assert.equal(doc.policies.city, null);
    assert.match(doc.noPolicy.city, /2023 年度的研发费用没有市级研发补助政策包/);
    assert.equal(doc.rows.length, 77);
  });

  it("exit 2: no R&D ledger, a year no scheme has a pack for, an unreadable --year", async () => {
    const noLedger = await writeSnapshotXlsx(dir, "空.xlsx", { sheets: [{ name: "表1", firstRow: 1, firstCol: 1, values: [["名称"]] }] });
    let r = await kj("rdsubsidies", noLedger, "--year", "2024");
    assert.equal(r.code, 2);
    assert.match(r.err, /未找到研发费用台账（表头应含 企业名称、年度、研发费用、上年研发费用 等列）/);
    r = await kj("rdsubsidies", sample, "--year", "2019");
    assert.equal(r.code, 2);
    assert.match(r.err, /2019 年度的研发费用没有省级研发补助政策包.*2019 年度的研发费用没有市级研发补助政策包/);
    r = await kj("rdsubsidies", sample, "--year", "24");
    assert.equal(r.code, 2);
    assert.match(r.err, /年度“24”无法识别，请写四位年份，如 2024/);
    r = await kj("rdsubsidies", sample);
    assert.equal(r.code, 2);
  });
});

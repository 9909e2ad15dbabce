import { strict as assert } from "assert";
import {
  ENTERPRISE_HEADERS,
  generateEnterpriseRows,
  generateRdRows,
  generateSampleWorkbook,
  SAMPLE_BROKEN_CELLS,
  SAMPLE_SHEETS,
  sampleBrokenCells,
  XUECHENG_TOWNS,
} from "../samples/generate";
import { kindDef, RD } from "../src/ledger/catalogue";
import { dayFromParts } from "../src/dates";
import { fillRdSubsidies } from "../src/jobs/rdsubsidies";
import { readField } from "../src/ledger/fields";
import { detectLedger } from "../src/ledger/mapping";
import { readDate } from "../src/ledger/cells";
import { computeAward } from "../src/policy/plans";
import { checkUscc } from "../src/uscc";
import { SheetSnapshot } from "../src/host/port";

function sheetOf(name: string, wb = generateSampleWorkbook()): SheetSnapshot {
  const s = wb.sheets.find((x) => x.name === name);
  assert.ok(s, `sheet ${name}`);
  return s;
}

describe("sample workbook generator", () => {
  it("has the six ledgers, each recognised with no required column missing", () => {
    const wb = generateSampleWorkbook();
    assert.deepEqual(wb.sheets.map((s) => s.name), ["企业培育库", "创新平台", "人才", "科技计划项目", "奖励", "研发费用台账", "目标分解"]);
    const kinds = wb.sheets.slice(0, 6).map((s) => detectLedger(s.values, s.name, s.firstRow, s.firstCol));
    assert.equal(detectLedger(wb.sheets[6].values, wb.sheets[6].name), null, "目标分解 is not a ledger");
    assert.deepEqual(kinds.map((m) => m?.kind), ["enterprise", "platform", "talent", "project", "award", "rd"]);
    for (const m of kinds) assert.deepEqual(m?.missingRequired, []);
    // A title row sits above the header on 企业培育库 and 奖励.
    assert.equal(kinds[0]?.headerRow, 2);
    assert.equal(kinds[4]?.headerRow, 2);
    assert.equal(kinds[5]?.headerRow, 2);
    assert.equal(sheetOf("企业培育库", wb).values.length, 302);
  });

  it("is deterministic and changes with the seed", () => {
    assert.deepEqual(generateSampleWorkbook(), generateSampleWorkbook());
    assert.notDeepEqual(generateSampleWorkbook({ seed: 2 }).sheets[0].values[2], generateSampleWorkbook().sheets[0].values[2]);
  });

  it("gives fictional 薛城区 enterprises with unique names and valid unique 370403 codes", () => {
    const s = sheetOf("企业培育库");
    const rows = s.values.slice(2);
    const names = rows.map((r) => String(r[0]));
    assert.equal(new Set(names).size, names.length);
    for (const n of names) assert.match(n, /^薛城区.+公司$/);
    const brokenRows = new Set(SAMPLE_BROKEN_CELLS.filter((b) => b.field === "统一社会信用代码").map((b) => b.row));
    const codes = rows.filter((_, i) => !brokenRows.has(i + 3)).map((r) => String(r[1]));
    assert.equal(new Set(codes).size, codes.length);
    for (const c of codes) {
      const chk = checkUscc(c);
      assert.ok(chk.valid, c);
      assert.equal(chk.division, "370403");
    }
    for (const r of rows) assert.ok((XUECHENG_TOWNS as readonly string[]).includes(String(r[2])));
  });

  it("puts every broken cell where SAMPLE_BROKEN_CELLS says, and nothing else is unreadable", () => {
    const s = sheetOf("企业培育库");
    const m = detectLedger(s.values, s.name)!;
    const def = kindDef("enterprise");
    const invalid: string[] = [];
    for (let r = m.headerRow; r < s.values.length; r++) {
      for (const f of def.fields) {
        const rd = readField(f, s.values[r][m.columns[f.id] - 1]);
        if (rd.status === "invalid") invalid.push(`${r + 1}:${f.name}`);
      }
    }
    const readable = new Set(["uscc_duplicate", "rd_staff_exceeds", "required_blank"]);
    const expected = SAMPLE_BROKEN_CELLS.filter((b) => !readable.has(b.problem)).map((b) => `${b.row}:${b.field}`);
    assert.deepEqual(invalid.sort(), expected.sort());
    assert.equal(SAMPLE_BROKEN_CELLS.length, 8);
    for (const b of SAMPLE_BROKEN_CELLS) {
      assert.deepEqual(s.values[b.row - 1][b.col - 1], b.value, b.problem);
      assert.equal(s.values[1][b.col - 1], b.field);
    }
    const dup = SAMPLE_BROKEN_CELLS.find((b) => b.problem === "uscc_duplicate")!;
    assert.equal(s.values[dup.row - 1][1], s.values[2][1]);
    const over = SAMPLE_BROKEN_CELLS.find((b) => b.problem === "rd_staff_exceeds")!;
    assert.ok(Number(s.values[over.row - 1][over.col - 1]) > Number(s.values[over.row - 1][9]));
    assert.deepEqual(SAMPLE_BROKEN_CELLS.map((b) => b.problem).sort(), [
      "date_unreadable", "enum_invalid", "error_value", "number_text", "rd_staff_exceeds", "required_blank", "uscc_check", "uscc_duplicate",
    ]);
  });

  it("has no broken cells with brokenRows: false", () => {
    assert.deepEqual(sampleBrokenCells({ brokenRows: false }), []);
    const s = generateSampleWorkbook({ brokenRows: false }).sheets[0];
    const m = detectLedger(s.values, s.name)!;
    for (let r = m.headerRow; r < s.values.length; r++) {
      for (const f of kindDef("enterprise").fields) {
        assert.notEqual(readField(f, s.values[r][m.columns[f.id] - 1]).status, "invalid", `${r + 1} ${f.name}`);
      }
    }
  });

  it("fills 奖励金额 with KJ.AWARD formulas on the row's own cells and their computed value", () => {
    const s = sheetOf(SAMPLE_SHEETS.award);
    assert.ok(s.formulas);
    assert.ok(s.values.length > 10);
    for (let r = 2; r < s.values.length; r++) {
      const row = r + 1;
      assert.equal(s.formulas[r][5], `=KJ.AWARD(C${row},E${row},D${row})`);
      const date = readDate(s.values[r][3]);
      assert.equal(date.status, "ok");
      const expected = computeAward({ item: String(s.values[r][2]), basis: s.values[r][4] as number | null, date: date.status === "ok" ? date.value : null });
      assert.equal(s.values[r][5], expected.amount.toNumber());
    }
  });

  it("copes with small sizes: broken cells each on their own row, and no enterprises at all", () => {
    const small = sampleBrokenCells({ enterprises: 12 });
    assert.equal(new Set(small.map((b) => b.row)).size, 8);
    assert.deepEqual(sampleBrokenCells({ enterprises: 5 }), []);
    const empty = generateSampleWorkbook({ enterprises: 0 });
    assert.deepEqual(empty.sheets.map((s) => s.values.length), [2, 1, 1, 1, 2, 2, 1]);
  });

  it("has an R&D ledger of the latest year and the year before, with two rows a clerk has to finish", () => {
    const s = sheetOf(SAMPLE_SHEETS.rd);
    const year = RD.fields.findIndex((f) => f.id === "year");
    const years = s.values.slice(2).map((r) => r[year]);
    assert.ok(years.filter((y) => y === 2024).length > 150);
    assert.ok(years.filter((y) => y === 2023).length > 30);
    assert.ok(years.every((y) => y === 2023 || y === 2024));
    const { report } = fillRdSubsidies(generateSampleWorkbook(), { asOf: dayFromParts(2025, 3, 1) as number, year: 2024 });
    assert.deepEqual([report.totals.province.unknown, report.totals.city.unknown], [2, 1], "blank 上年研发费用 (both schemes) and blank 销售收入 (the province)");
    assert.ok(report.totals.province.granted > 10 && report.totals.city.granted > 10);
    assert.deepEqual(report.issues.filter((i) => i.severity === "error").map((i) => i.field).sort(), ["上年研发费用", "市级研发补助（万元）", "省级研发补助（万元）", "省级研发补助（万元）", "销售收入"]);
  });

  it("generates R&D rows for benchmarks, deterministic and as wide as the header", () => {
    const a = generateRdRows(300, 5);
    assert.equal(a.length, 300);
    for (const r of a) assert.equal(r.length, RD.fields.length);
    assert.deepEqual(a, generateRdRows(300, 5));
  });

  it("generates enterprise rows for benchmarks, deterministic and as wide as the header", () => {
    const a = generateEnterpriseRows(500, 9);
    assert.equal(a.length, 500);
    for (const r of a) assert.equal(r.length, ENTERPRISE_HEADERS.length);
    assert.deepEqual(a, generateEnterpriseRows(500, 9));
    const big = generateEnterpriseRows(5000, 1);
    assert.equal(new Set(big.map((r) => r[0])).size, 5000);
  });
});

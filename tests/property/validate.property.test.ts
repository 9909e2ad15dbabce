import { strict as assert } from "assert";
import fc from "fast-check";
import { SheetSnapshot } from "../../src/host/port";
import { createSheetValidator, validateWorkbook } from "../../src/jobs/validate";
import { CellValue } from "../../src/ledger/cells";
import { ENTERPRISE, FieldDef, LEDGER_KINDS } from "../../src/ledger/catalogue";
import { readField } from "../../src/ledger/fields";
import { rowSchema } from "../../src/ledger/schemas";
import { fastRead, isBlankRow } from "../../src/ledger/validate";
import { readRow } from "../../src/ledger/schemas";
import { detectLedger } from "../../src/ledger/mapping";
import { AS_OF, codeFor, enterpriseRecord } from "../ledger/fixtures";

const ALL_FIELDS: FieldDef[] = LEDGER_KINDS.flatMap((k) => [...k.fields]);

/** Strings people (and broken files) put in cells. */
const trickyString = fc.constantFrom(
  "",
  " ",
  "\u3000",
  "#N/A",
  "＃N/A",
  "#VALUE!",
  "12,345.6",
  "１２３",
  "12万",
  "1.2亿元",
  "120000元",
  "12%",
  "-0",
  "1e400",
  "NaN",
  "Infinity",
  "2023-05-01",
  "2023/5/1",
  "2023.5.1",
  "2023年5月1日",
  "2023年5月",
  "20230501",
  "2023-02-30",
  "45047",
  "是",
  "否",
  "√",
  "×",
  "TRUE",
  "高企、科小",
  "91350100M000100Y43",
  "91350100M000100Y44",
  "９１３５０１００Ｍ０００１００Ｙ４３",
  "=1+1",
  "@SUM(A1)",
  "\u0000",
  "\ud800",
  "a\u0301",
);

/** Any value a host, a broken file or a careless caller could put in a cell. */
export const anyCell: fc.Arbitrary<unknown> = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme" }),
  trickyString,
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 1, 60, 1900, 2024, 19491001, 2_958_466, 1e16, 913704031234567800),
  fc.integer(),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(-1, 0.5, 99.5, 100, 100.5, 2100, 2101, 25_569, 45_047.75),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.date(),
  fc.constant(new Date(NaN)),
  fc.constantFrom({ error: "#N/A" }, { error: "#VALUE!" }, { error: 42 }, { formula: "A1", result: 7 }, { richText: [{ text: "富" }, { text: "文本" }] }, { text: "链接", hyperlink: "x" }),
  fc.constant(Object.create(null)),
  fc.constant(Symbol("s")),
  fc.constant(() => 1),
  fc.constant(10n),
  fc.anything({ withDate: true, withNullPrototype: true, withBigInt: true, withMap: true, withSet: true, withBoxedValues: true, withSparseArray: true, maxDepth: 3 }),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 3 }),
);

describe("property: reading and validating any cell value", function () {
  this.timeout(120_000);

  it("readField never throws and gives the same reading twice, for every field", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_FIELDS), anyCell, (def, v) => {
        const a = readField(def, v);
        const b = readField(def, v);
        assert.deepEqual(a, b);
        assert.ok(a.status === "ok" || a.status === "blank" || a.status === "invalid");
      }),
      { numRuns: 3000 },
    );
  });

  it("the validator's fast path agrees with readField wherever it answers", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_FIELDS), anyCell, (def, v) => {
        const fast = fastRead(def, v);
        if (Number.isNaN(fast)) return;
        const r = readField(def, v);
        assert.equal(r.status, "ok", `${def.name} ${String(v)}`);
        if (r.status !== "ok") return;
        assert.equal(r.warning, undefined);
        if (typeof r.value === "number") assert.ok(Object.is(r.value, fast) || r.value === fast, `${def.name}: ${r.value} vs ${fast}`);
      }),
      { numRuns: 5000 },
    );
  });

  it("validating a sheet of arbitrary cells never throws and is deterministic, in one go or in chunks", () => {
    const header = ENTERPRISE.fields.slice(0, 14).map((f) => f.name);
    const row = fc.array(anyCell, { maxLength: header.length + 2 });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 12 }), fc.array(anyCell, { maxLength: 4 }), fc.integer({ min: 1, max: 7 }), (rows, title, chunk) => {
        const sheet = { name: "企业", firstRow: 1, firstCol: 1, values: [title, header, ...rows] } as unknown as SheetSnapshot;
        const a = validateWorkbook({ sheets: [sheet] }, { asOf: AS_OF, mark: true });
        const b = validateWorkbook({ sheets: [sheet] }, { asOf: AS_OF, mark: true });
        assert.deepEqual(a, b);
        assert.equal(a.report.sheets.length, 1);
        const v = createSheetValidator(sheet, { asOf: AS_OF });
        while (!v.step(chunk));
        assert.deepEqual(v.result(), a.report.sheets[0]);
        for (const i of a.report.sheets[0].issues) {
          assert.ok(i.row >= 3 || (i.row === 2 && (i.col === 0 || i.severity === "warning")), JSON.stringify(i));
          assert.ok(typeof i.message === "string" && i.message.length > 0);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("arbitrary header rows and values never throw", () => {
    const grid = fc.array(fc.array(anyCell, { maxLength: 6 }), { maxLength: 8 });
    fc.assert(
      fc.property(grid, fc.string(), (values, name) => {
        const sheet = { name, firstRow: 1, firstCol: 1, values } as unknown as SheetSnapshot;
        const r = validateWorkbook({ sheets: [sheet] }, { asOf: AS_OF, mark: true });
        assert.equal(r.report.sheets.length + r.report.skipped.length, 1);
      }),
      { numRuns: 600 },
    );
  });

  it("blank rows are exactly the rows readField sees as blank in every cell", () => {
    fc.assert(
      fc.property(fc.array(anyCell, { maxLength: 5 }), (cells) => {
        const everyBlank = cells.every((c) => readField({ id: "x", name: "x", synonyms: [], type: { t: "text" } }, c).status === "blank");
        if (everyBlank) assert.equal(isBlankRow(cells), true);
      }),
      { numRuns: 2000 },
    );
  });
});

// ---------------------------------------------------------------- generated valid ledgers

const REQUIRED = ENTERPRISE.fields.filter((f) => f.required).map((f) => f.id);
const OPTIONAL = ENTERPRISE.fields.filter((f) => !f.required).map((f) => f.id);

/** A valid enterprise ledger in a random layout: column subset and order, synonyms, title rows, offset. */
const validLedger = fc
  .record({
    optional: fc.subarray(OPTIONAL),
    order: fc.array(fc.nat(), { minLength: ENTERPRISE.fields.length, maxLength: ENTERPRISE.fields.length }),
    synonym: fc.array(fc.nat(), { minLength: ENTERPRISE.fields.length, maxLength: ENTERPRISE.fields.length }),
    ids: fc.uniqueArray(fc.nat({ max: 1_000_000 }), { minLength: 1, maxLength: 25 }),
    titleRows: fc.integer({ min: 0, max: 3 }),
    blankEvery: fc.integer({ min: 0, max: 5 }),
    firstRow: fc.integer({ min: 1, max: 4 }),
    firstCol: fc.integer({ min: 1, max: 30 }),
  })
  .map((p) => {
    const keys = [...REQUIRED, ...p.optional];
    const weights = keys.map((_, i) => p.order[i]);
    const ids = keys.map((k, i) => ({ k, w: weights[i] })).sort((a, b) => a.w - b.w).map((x) => x.k);
    const defs = ids.map((id) => ENTERPRISE.fields.find((f) => f.id === id) as FieldDef);
    const header = defs.map((f, i) => {
      const names = [f.name, ...f.synonyms];
      return names[p.synonym[i] % names.length];
    });
    const values: CellValue[][] = [];
    for (let t = 0; t < p.titleRows; t++) values.push(t === 0 ? ["薛城区科技型企业培育库"] : []);
    values.push(header);
    const dataRows: { sheetRow: number; record: Record<string, CellValue> }[] = [];
    p.ids.forEach((i, n) => {
      if (p.blankEvery > 0 && n % p.blankEvery === 0) values.push(header.map(() => null));
      const record = enterpriseRecord(i);
      values.push(ids.map((id) => record[id] ?? null));
      dataRows.push({ sheetRow: p.firstRow + values.length - 1, record });
    });
    const sheet: SheetSnapshot = { name: "台账", firstRow: p.firstRow, firstCol: p.firstCol, values };
    return { sheet, ids, defs, dataRows, headerRow: p.firstRow + p.titleRows };
  });

/** A value of the field's type that its reader rejects (or, for loose enums, warns about). */
function invalidValueFor(def: FieldDef): CellValue {
  switch (def.type.t) {
    case "text":
      return { error: "#N/A" };
    case "uscc": {
      const c = codeFor(123);
      return c.slice(0, 17) + (c[17] === "0" ? "1" : "0");
    }
    case "date":
      return "2023-02-30";
    case "year":
      return "明年";
    case "money":
      return "一百万";
    case "count":
      return 2.5;
    case "score":
      return 120;
    case "bool":
    case "flag":
      return "待查";
    case "enum":
      return "不在清单里的值";
  }
}

describe("property: generated valid ledgers", function () {
  this.timeout(120_000);

  it("give zero issues whatever the layout", () => {
    fc.assert(
      fc.property(validLedger, ({ sheet, ids, dataRows, headerRow }) => {
        const r = validateWorkbook({ sheets: [sheet] }, { asOf: AS_OF }).report;
        assert.equal(r.sheets.length, 1, JSON.stringify(r.skipped));
        const s = r.sheets[0];
        assert.equal(s.kind, "enterprise");
        assert.equal(s.headerRow, headerRow);
        assert.equal(s.mapping.length, ids.length);
        assert.equal(s.rows, dataRows.length);
        assert.deepEqual(s.issues, []);
      }),
      { numRuns: 150 },
    );
  });

  it("parse into rows that fit the kind's zod schema", () => {
    fc.assert(
      fc.property(validLedger, ({ sheet, dataRows }) => {
        const head = sheet.values.slice(0, 10);
        const mapping = detectLedger(head, sheet.name, sheet.firstRow, sheet.firstCol);
        assert.ok(mapping);
        for (const d of dataRows) {
          const row = readRow(mapping, sheet.values[d.sheetRow - sheet.firstRow], sheet.firstCol);
          const parsed = rowSchema("enterprise").safeParse(row);
          assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
        }
      }),
      { numRuns: 60 },
    );
  });

  it("turning one valid cell into an invalid one gives issues at exactly that cell", () => {
    fc.assert(
      fc.property(validLedger, fc.nat(), fc.nat(), fc.boolean(), ({ sheet, defs, dataRows }, pickRow, pickCol, blankIt) => {
        const target = dataRows[pickRow % dataRows.length];
        const c = pickCol % defs.length;
        const def = defs[c];
        const broken = blankIt && def.required ? null : invalidValueFor(def);
        const values = sheet.values.map((r) => r.slice());
        values[target.sheetRow - sheet.firstRow][c] = broken;
        const r = validateWorkbook({ sheets: [{ ...sheet, values }] }, { asOf: AS_OF }).report.sheets[0];
        const col = sheet.firstCol + c;
        assert.ok(r.issues.length >= 1, `no issue for ${def.name} = ${JSON.stringify(broken)}`);
        for (const i of r.issues) {
          assert.deepEqual([i.row, i.col, i.field], [target.sheetRow, col, def.name], JSON.stringify(i));
        }
        const loose = def.type.t === "enum" && !def.type.strict;
        assert.equal(r.issues[0].severity, loose ? "warning" : "error");
      }),
      { numRuns: 300 },
    );
  });
});

import { strict as assert } from "assert";
import { ENTERPRISE, LEDGER_KINDS } from "../../src/ledger/catalogue";
import { mapHeader } from "../../src/ledger/mapping";
import { readRow, ROW_SCHEMAS, rowSchema, rowSchemaByName } from "../../src/ledger/schemas";
import { ENTERPRISE_HEADER, enterpriseRow } from "./fixtures";

describe("row schemas (zod, generated from the catalogue)", () => {
  it("has one key per catalogue field, required exactly where the catalogue says", () => {
    for (const def of LEDGER_KINDS) {
      const shape = rowSchema(def.kind).shape;
      assert.deepEqual(Object.keys(shape), def.fields.map((f) => f.id));
      for (const f of def.fields) assert.equal(shape[f.id].isOptional(), !f.required, `${def.kind}.${f.id}`);
      assert.deepEqual(Object.keys(rowSchemaByName(def.kind).shape), def.fields.map((f) => f.name));
      assert.equal(ROW_SCHEMAS[def.kind], rowSchema(def.kind));
    }
  });

  it("accepts a parsed valid row and describes typed values", () => {
    const mapping = mapHeader(ENTERPRISE, ENTERPRISE_HEADER);
    const row = readRow(mapping, enterpriseRow(4));
    const parsed = rowSchema("enterprise").parse(row);
    assert.equal(parsed.uscc, row.uscc);
    assert.deepEqual(parsed.categories, ["科技型中小企业"]);
    assert.equal(typeof parsed.registeredOn, "number");
    assert.equal(parsed.safetyAccident, false);
  });

  it("rejects rows with a missing required value, a wrong type, a bad code or an unknown key", () => {
    const mapping = mapHeader(ENTERPRISE, ENTERPRISE_HEADER);
    const good = readRow(mapping, enterpriseRow(4));
    const s = rowSchema("enterprise");
    const { name: _drop, ...noName } = good;
    void _drop;
    assert.equal(s.safeParse(noName).success, false);
    assert.equal(s.safeParse({ ...good, employees: -1 }).success, false);
    assert.equal(s.safeParse({ ...good, employees: 1.5 }).success, false);
    assert.equal(s.safeParse({ ...good, uscc: "91350100M000100Y4" }).success, false);
    assert.equal(s.safeParse({ ...good, categories: ["专精特新"] }).success, false);
    assert.equal(s.safeParse({ ...good, classification: "重点" }).success, false);
    assert.equal(s.safeParse({ ...good, techField: "人工智能" }).success, true, "a loose enumeration keeps what was typed");
    assert.equal(s.safeParse({ ...good, 企业名称: "x" }).success, false);
    assert.equal(rowSchemaByName("enterprise").safeParse({ 企业名称: "x" }).success, false);
  });

  it("leaves blank and unreadable cells out of a parsed row", () => {
    const mapping = mapHeader(ENTERPRISE, ENTERPRISE_HEADER);
    const cells = enterpriseRow(4);
    cells[9] = "很多";
    cells[2] = null;
    const row = readRow(mapping, cells);
    assert.equal("employees" in row, false);
    assert.equal("town" in row, false);
  });
});

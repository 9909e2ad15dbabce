import assert from "node:assert/strict";
import { DetailedCellError, HyperFormula } from "hyperformula";
import { dayFromParts, excelSerialFromDay } from "../../../src/dates";
import { buildKjEngine, KJ_FUNCTION_IDS, KJ_MAX_ROWS, registerKjFunctions } from "../../../src/host/xlsx/hyperformula";

const TODAY = dayFromParts(2024, 6, 30) as number;

function evaluate(cells: unknown[][], name = "台账") {
  const hf = buildKjEngine({ [name]: cells }, TODAY);
  const values = hf.getSheetValues(0);
  hf.destroy();
  return values;
}

describe("HyperFormula plugin: KJ functions", () => {
  it("registers every KJ function under its dotted name, as typed in a cell", () => {
    registerKjFunctions();
    registerKjFunctions(); // idempotent
    const names = HyperFormula.getRegisteredFunctionNames("enGB");
    for (const id of KJ_FUNCTION_IDS) assert.ok(names.includes(id), `${id} registered`);
  });

  it("KJ.AWARD computes fixed, capped and rate awards over cell references", () => {
    const v = evaluate([
      ["高企", null, "=KJ.AWARD(A1)"],
      ["国家重点实验室", 250, "=KJ.AWARD(A2,B2)"],
      ["国家重点实验室", 120, "=KJ.AWARD(A3,B3,\"2023-05-01\")"],
      ["省绩效奖励", 12.345, "=kj.award(A4,B4)"],
    ]);
    assert.equal(v[0][2], 20);
    assert.equal(v[1][2], 200);
    assert.equal(v[2][2], 120);
    assert.equal(v[3][2], 2.469);
  });

  it("KJ.AWARD takes a date serial number and gives #N/A with the Chinese message outside every plan", () => {
    const inPlan = excelSerialFromDay(dayFromParts(2023, 5, 1) as number);
    const outside = excelSerialFromDay(dayFromParts(2025, 1, 1) as number);
    const v = evaluate([["高企", null, inPlan, "=KJ.AWARD(A1,B1,C1)", outside, "=KJ.AWARD(A1,B1,E1)"]]);
    assert.equal(v[0][3], 20);
    const err = v[0][5];
    assert.ok(err instanceof DetailedCellError);
    assert.equal(err.value, "#N/A");
    assert.match(err.message, /无适用政策/);
  });

  it("unknown items and missing bases are #VALUE! with a message naming the problem", () => {
    const v = evaluate([["不存在的事项", "=KJ.AWARD(A1)", "=KJ.AWARD(\"国家重点实验室\")", "=KJ.AWARD(\"国家重点实验室\",-1)"]]);
    for (const [i, pattern] of [[1, /未知的奖励事项/], [2, /计算依据/], [3, /负数/]] as const) {
      const e = v[0][i];
      assert.ok(e instanceof DetailedCellError, `cell ${i}`);
      assert.equal(e.value, "#VALUE!");
      assert.match(e.message, pattern);
    }
  });

  it("an error in an argument passes through, like Excel", () => {
    const v = evaluate([["=1/0", "=KJ.AWARD(A1)"]]);
    assert.ok(v[0][1] instanceof DetailedCellError);
    assert.equal((v[0][1] as DetailedCellError).value, "#DIV/0!");
  });

  it("KJ.TARGET and KJ.USCC", () => {
    const v = evaluate([["=KJ.TARGET(\"高新技术企业\")", "=KJ.USCC(\"91350100M000100Y43\")", "=KJ.USCC(\"91350100M000100Y44\")", "=KJ.TARGET(\"没有这个指标\")"]]);
    assert.equal(v[0][0], 60);
    assert.equal(v[0][1], true);
    assert.equal(v[0][2], false);
    assert.equal((v[0][3] as DetailedCellError).value, "#VALUE!");
  });

  it("SUM and SUMIFS over KJ results", () => {
    const v = evaluate([
      ["高企", null, "=KJ.AWARD(A1,B1)", "已拨付"],
      ["院士工作站", null, "=KJ.AWARD(A2,B2)", "待拨付"],
      ["国家技术创新中心", 300, "=KJ.AWARD(A3,B3)", "已拨付"],
      [null, null, "=SUM(C1:C3)", "=SUMIFS(C1:C3,D1:D3,\"已拨付\")"],
    ]);
    assert.equal(v[3][2], 270);
    assert.equal(v[3][3], 220);
  });

  it("accepts sheets longer than HyperFormula's default 40,000 rows", () => {
    assert.ok(KJ_MAX_ROWS > 1_048_576);
    const rows: unknown[][] = [];
    for (let i = 0; i < 40_100; i++) rows.push(["高企"]);
    rows[40_050][1] = "=KJ.AWARD(A40051)";
    const v = evaluate(rows);
    assert.equal(v[40_050][1], 20);
  });
});

/**
 * The shared function cores beyond AWARD's golden cases: argument normalisation as hosts
 * hand arguments over (Excel nulls and 1x1 ranges, WPS's missing-argument marker, date
 * serials and typed dates, exact money) and KJ.TARGET through the core and the Excel wrapper.
 */
import { strict as assert } from "assert";
import Decimal from "decimal.js";
import { dayFromParts } from "../src/dates";
import { KjError } from "../src/errors";
import { asMatrix, asScalar, isAbsent, readDateArg, readMoneyArg, readTextArg, readYearArg, WPS_MISSING_ARGUMENT } from "../src/fx/args";
import { fxAward, fxTarget } from "../src/fx/award";
import { FX_NAMESPACE, FX_SPECS, signatureZh } from "../src/fx/spec";
import { PLAN_PACKS } from "../src/policy/plans";
import { ERROR_CODES, installCustomFunctionsStub, StubCustomFunctionError, thrown } from "./support/custom-functions-stub";
import * as excel from "../functions/functions";

installCustomFunctionsStub();

function code(fn: () => unknown): string {
  const e = thrown(fn);
  assert.ok(e instanceof KjError, `expected KjError, got ${String(e)}`);
  return e.code;
}

describe("function arguments (src/fx/args.ts)", () => {
  it("treats undefined, null, blank text and the WPS marker as absent, but not 0 or FALSE", () => {
    for (const v of [undefined, null, "", "  ", "\u3000", WPS_MISSING_ARGUMENT]) assert.equal(isAbsent(v), true, JSON.stringify(v));
    for (const v of [0, false, "0", [[null]]]) assert.equal(isAbsent(v), false, JSON.stringify(v));
  });

  it("turns a 1x1 range into its value and refuses a larger range where one cell is expected", () => {
    assert.equal(asScalar([[5]]), 5);
    assert.equal(asScalar(["a"]), "a");
    assert.equal(asScalar(7), 7);
    assert.equal(asScalar([]), undefined);
    const e = thrown(() => asScalar([[1, 2]], "计算依据")) as KjError;
    assert.equal(e.code, "not_scalar");
    assert.match(e.message, /计算依据应为单个单元格，这里是 1 行 2 列/);
  });

  it("turns a scalar into [[v]], a flat list into one row and keeps a matrix", () => {
    assert.deepEqual(asMatrix("a"), [["a"]]);
    assert.deepEqual(asMatrix(["a", "b"]), [["a", "b"]]);
    assert.deepEqual(asMatrix([["a"], ["b"]]), [["a"], ["b"]]);
    assert.deepEqual(asMatrix(null), []);
    assert.deepEqual(asMatrix(WPS_MISSING_ARGUMENT), []);
  });

  it("reads text arguments, numbers as their digits", () => {
    assert.equal(readTextArg([["高企"]]), "高企");
    assert.equal(readTextArg(2023), "2023");
    assert.equal(readTextArg(null), "");
  });

  it("reads dates as Excel serials, typed text and month-only text", () => {
    const may1 = dayFromParts(2023, 5, 1);
    assert.equal(readDateArg(45047), may1);
    assert.equal(readDateArg("2023-05-01"), may1);
    assert.equal(readDateArg("2023/5/1"), may1);
    assert.equal(readDateArg("2023.5.1"), may1);
    assert.equal(readDateArg("2023年5月1日"), may1);
    assert.equal(readDateArg("20230501"), may1);
    assert.equal(readDateArg("2023年5月"), may1);
    assert.equal(readDateArg([[45047]]), may1);
    assert.equal(readDateArg(null), undefined);
    assert.equal(readDateArg(WPS_MISSING_ARGUMENT), undefined);
    assert.equal(code(() => readDateArg("下周")), "bad_date");
    assert.equal(code(() => readDateArg(true)), "bad_date");
  });

  it("reads years as numbers, 2023年 and dates", () => {
    assert.equal(readYearArg(2023), 2023);
    assert.equal(readYearArg("2023年"), 2023);
    assert.equal(readYearArg("2023-05-01"), 2023);
    assert.equal(readYearArg(undefined), undefined);
    assert.equal(code(() => readYearArg(2023.5)), "bad_year");
    assert.equal(code(() => readYearArg("去年")), "bad_year");
  });

  it("reads money exactly, with units and separators", () => {
    assert.ok(readMoneyArg("12.345")!.equals(new Decimal("12.345")));
    assert.ok(readMoneyArg("0.1000000000000000000001")!.equals(new Decimal("0.1000000000000000000001")));
    assert.ok(readMoneyArg(0.1)!.equals(new Decimal("0.1")));
    assert.ok(readMoneyArg("1,234.5")!.equals(new Decimal("1234.5")));
    assert.ok(readMoneyArg("12万")!.equals(new Decimal(12)));
    assert.ok(readMoneyArg("1.2亿")!.equals(new Decimal(12000)));
    assert.ok(readMoneyArg("-3")!.equals(new Decimal(-3)), "the sign is judged by the caller");
    assert.equal(readMoneyArg(""), undefined);
    assert.equal(code(() => readMoneyArg("1,2,3")), "basis_invalid");
    assert.equal(code(() => readMoneyArg(Number.NaN)), "basis_invalid");
  });

  it("keeps a long typed basis exact until the final number", () => {
    assert.equal(fxAward("省绩效奖励", "0.1000000000000000000001"), 0.02);
  });
});

describe("KJ.TARGET", () => {
  const pack = PLAN_PACKS[PLAN_PACKS.length - 1].pack;

  it("gives every target in the pack by key, name and alias", () => {
    for (const t of pack.targets) {
      for (const n of [t.key, t.name, ...t.aliases]) {
        assert.equal(fxTarget(n), t.target, n);
        assert.equal(excel.target([[n]], null), t.target, n);
      }
    }
  });

  it("reads the plan's numbers (DOMAIN §1)", () => {
    assert.equal(fxTarget("高新技术企业"), 60);
    assert.equal(fxTarget("科技型中小企业", 2023), 100);
    assert.equal(fxTarget("市级创新平台", "2024年"), 110);
    assert.equal(fxTarget("省级以上科技计划项目"), 3);
    assert.equal(fxTarget("海外专家"), 8);
  });

  it("is #N/A for a year outside every plan and #VALUE! for an unknown indicator or bad year", () => {
    assert.equal(code(() => fxTarget("高企", 2025)), "no_policy");
    assert.equal(code(() => fxTarget("高企", 2021)), "no_policy");
    assert.equal(code(() => fxTarget("不存在的指标")), "unknown_indicator");
    assert.equal(code(() => fxTarget("高企", "明年")), "bad_year");
    const na = thrown(() => excel.target("高企", 2025)) as StubCustomFunctionError;
    assert.equal(na.code, ERROR_CODES.notAvailable);
    assert.match(na.message, /无适用政策/);
    const value = thrown(() => excel.target("不存在的指标")) as StubCustomFunctionError;
    assert.equal(value.code, ERROR_CODES.invalidValue);
    assert.match(value.message, /未知的指标“不存在的指标”。可用的指标如/);
  });
});

describe("function spec (src/fx/spec.ts)", () => {
  it("describes the seven functions in the KJ namespace with Chinese help", () => {
    assert.equal(FX_NAMESPACE, "KJ");
    assert.deepEqual(FX_SPECS.map((s) => s.id), ["AWARD", "TARGET", "USCC", "ELIGIBLE", "WHY", "RDSUBSIDY", "SCORE"]);
    for (const s of FX_SPECS) {
      assert.match(s.descriptionZh, /[\u4e00-\u9fff]/);
      assert.ok(s.example.formula.startsWith(`=KJ.${s.id}(`), s.example.formula);
      for (const p of s.params) assert.match(p.nameZh + p.descriptionZh, /[\u4e00-\u9fff]/);
      // Optional parameters come last (Excel and WPS both require it).
      const firstOptional = s.params.findIndex((p) => p.optional);
      if (firstOptional >= 0) assert.ok(s.params.slice(firstOptional).every((p) => p.optional), s.id);
    }
    assert.equal(signatureZh(FX_SPECS[0]), "=KJ.AWARD(事项, [计算依据], [日期])");
    assert.equal(signatureZh(FX_SPECS[3]), "=KJ.ELIGIBLE(类别, 表头, 行, [评价日期])");
  });

  it("gives worked examples for AWARD, TARGET and USCC that are true", () => {
    assert.equal(fxAward("国家重点实验室", 250), 200);
    assert.equal(fxTarget("高新技术企业"), 60);
  });
});

describe("Excel wrappers of KJ.ELIGIBLE / KJ.WHY / KJ.SCORE", () => {
  const header = [["企业名称", "职工总数"]];
  const row = [["甲公司", 10]];

  it("judge on today when no 评价日期 is given (the wrapper supplies it)", () => {
    const text = excel.why("科小", header, row, null);
    assert.equal(typeof text, "string");
    assert.match(text, /待补充/);
  });

  it("show an unknown verdict as #N/A naming what is missing, a bad category as #VALUE!", () => {
    const na = thrown(() => excel.eligible("科小", header, row, "2024-01-01")) as StubCustomFunctionError;
    assert.equal(na.code, ERROR_CODES.notAvailable);
    assert.match(na.message, /资产总额/);
    const bad = thrown(() => excel.score("火箭", header, row)) as StubCustomFunctionError;
    assert.equal(bad.code, ERROR_CODES.invalidValue);
    assert.match(bad.message, /未知的类别“火箭”/);
  });
});

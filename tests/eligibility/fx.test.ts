import { strict as assert } from "node:assert";
import { dayFromParts, DayNumber, excelSerialFromDay } from "../../src/dates";
import { isKjError } from "../../src/errors";
import { fxAsOf, fxEligible, fxScore, fxWhy } from "../../src/fx/eligibility";

const TODAY = dayFromParts(2024, 6, 30) as DayNumber;

function kjError(code: string, kind: "value" | "na", includes?: string) {
  return (e: unknown): boolean => isKjError(e) && e.code === code && e.kind === kind && (includes === undefined || e.message.includes(includes));
}

// A 科小 row as a sheet would pass it: header and row ranges, synonyms, shuffled order.
const SME_HEADER = [["单位名称", "从业人数(人)", "科技人员", "营业收入（万元）", "总资产", "研发投入", "Ⅰ类知识产权", "II类知识产权", "国家科技奖励", "省级以上研发平台", "主导标准", "备注"]];
const SME_ROW = [["薛城甲公司", 100, 30, 5000, 3000, 300, 0, 4, "否", "否", "否", ""]];

describe("KJ.ELIGIBLE / KJ.WHY / KJ.SCORE cores", () => {
  it("judge a row from header and row ranges (synonyms, any order)", () => {
    assert.equal(fxEligible("科小", SME_HEADER, SME_ROW, "2024-06-30"), true);
    assert.equal(fxWhy("科小", SME_HEADER, SME_ROW, "2024-06-30"), "符合");
    assert.equal(fxScore("科小", SME_HEADER, SME_ROW, "2024-06-30"), 94);
  });

  it("accept 1-D ranges", () => {
    assert.equal(fxScore("sme", SME_HEADER[0], SME_ROW[0], "2024-06-30"), 94);
  });

  it("a failing row: FALSE, and KJ.WHY lists every failed check with value, requirement and clause", () => {
    const row = [["薛城甲公司", 600, 5, 30000, 3000, 300, 0, 4, "否", "否", "否", ""]];
    assert.equal(fxEligible("科小", SME_HEADER, row, "2024-06-30"), false);
    const why = fxWhy("科小", SME_HEADER, row, "2024-06-30");
    assert.ok(why.startsWith("不符合："), why);
    assert.ok(why.includes("职工总数 600 人 > 500 人（评价办法第六条（二））"), why);
    assert.ok(why.includes("年销售收入 30000 万元 > 20000 万元（评价办法第六条（二））"), why);
    assert.ok(why.includes("科技人员指标得分为 0 分（评价办法第六条（五））"), why);
  });

  it("unknown is #N/A naming what is missing", () => {
    const row = [["薛城甲公司", "", 30, 5000, 3000, 300, 0, 4, "否", "否", "否", ""]];
    assert.throws(() => fxEligible("科小", SME_HEADER, row, "2024-06-30"), kjError("eligibility_unknown", "na", "职工总数"));
    assert.ok(fxWhy("科小", SME_HEADER, row, "2024-06-30").startsWith("待补充："));
  });

  it("KJ.SCORE for 高企: the ledger's 创新能力评价得分, else #N/A with the interval and 需专家评价", () => {
    const header = [["企业名称", "创新能力评价得分", "Ⅰ类知识产权数", "Ⅱ类知识产权数", "近三年科技成果转化数"]];
    assert.equal(fxScore("高企", header, [["乙", 76, 0, 1, 0]], "2024-06-30"), 76);
    assert.throws(
      () => fxScore("高企", header, [["乙", "", 0, 1, 15]], "2024-06-30"),
      (e: unknown) => isKjError(e) && e.kind === "na" && /^\d+–\d+，需专家评价/.test(e.message) && e.message.includes("缺少"),
    );
  });

  it("KJ.SCORE for 小巨人 is #N/A: the criteria have no score", () => {
    assert.throws(() => fxScore("小巨人", SME_HEADER, SME_ROW, "2024-06-30"), kjError("no_score", "na", "暂定标准"));
  });

  it("an unknown 类别 is #VALUE!", () => {
    assert.throws(() => fxEligible("大企业", SME_HEADER, SME_ROW, "2024-06-30"), kjError("unknown_category", "value"));
  });

  it("a header or row range of several rows is #VALUE!", () => {
    assert.throws(() => fxEligible("科小", SME_HEADER, [SME_ROW[0], SME_ROW[0]], "2024-06-30"), kjError("bad_range", "value"));
    assert.throws(() => fxEligible("科小", "表头", SME_ROW, "2024-06-30"), kjError("bad_range", "value"));
  });
});

describe("the 评价日期 argument", () => {
  it("absent: the host's today", () => {
    assert.equal(fxAsOf(undefined, TODAY), TODAY);
    assert.equal(fxAsOf("", TODAY), TODAY);
    assert.equal(fxAsOf(null, TODAY), TODAY);
  });

  it("absent with no today from the host: #VALUE! asking for the date (the core never reads the clock)", () => {
    assert.throws(() => fxAsOf(undefined), kjError("no_date", "value"));
  });

  it("a serial number, a date text, a 1x1 range", () => {
    assert.equal(fxAsOf(excelSerialFromDay(TODAY)), TODAY);
    assert.equal(fxAsOf("2024年6月30日"), TODAY);
    assert.equal(fxAsOf([[excelSerialFromDay(TODAY)]]), TODAY);
  });

  it("an unreadable date is #VALUE! bad_date", () => {
    assert.throws(() => fxAsOf("明天"), kjError("bad_date", "value"));
    assert.throws(() => fxEligible("科小", SME_HEADER, SME_ROW, "2024-02-30"), kjError("bad_date", "value"));
  });

  it("the date decides: a 高企 certificate route valid on one day, expired three years later", () => {
    const header = [["职工总数", "科技人员数", "销售收入", "资产总额", "研发费用", "高企认定日期", "国家级科技奖励", "省级以上研发机构", "主导制定标准"]];
    // 科技人员 1% scores 0, so only the certificate can qualify it.
    const row = [[100, 1, 5000, 3000, 300, "2021-07-01", "否", "否", "否"]];
    assert.equal(fxEligible("科小", header, row, "2024-06-30"), true);
    assert.equal(fxEligible("科小", header, row, undefined, dayFromParts(2024, 7, 1) as DayNumber), false);
  });
});

import { strict as assert } from "assert";
import { dayFromParts, DayNumber } from "../../src/dates";
import { CellValue, readNumber } from "../../src/ledger/cells";
import { ENTERPRISE } from "../../src/ledger/catalogue";
import { validateSheet, validateWorkbook } from "../../src/jobs/validate";
import { Issue } from "../../src/jobs/types";
import { columnLetter } from "../../src/text";
import { AS_OF, codeFor, enterpriseCol, enterpriseRecord, ENTERPRISE_HEADER, enterpriseRow, enterpriseSheet, sheetOf } from "./fixtures";

/** Issues of a 3-row enterprise sheet whose row `at` (0-based data index) has the given fields changed. */
function issuesWith(changes: Record<string, CellValue>, at = 1, asOf: DayNumber = AS_OF): Issue[] {
  const s = enterpriseSheet(3);
  for (const [id, v] of Object.entries(changes)) s.values[1 + at][enterpriseCol(id) - 1] = v;
  const r = validateSheet(s, { asOf });
  assert.equal(r.report.sheets.length, 1);
  return r.report.sheets[0].issues;
}

function only(issues: Issue[]): Issue {
  assert.equal(issues.length, 1, `expected one issue, got ${JSON.stringify(issues, null, 1)}`);
  return issues[0];
}

function at(id: string): { column: string; col: number; field: string } {
  const col = enterpriseCol(id);
  return { column: columnLetter(col), col, field: ENTERPRISE.fields[col - 1].name };
}

function assertAt(i: Issue, row: number, id: string, severity: "error" | "warning"): void {
  const where = at(id);
  assert.deepEqual({ row: i.row, column: i.column, col: i.col, field: i.field, severity: i.severity }, { row, ...where, severity });
  assert.equal(i.sheet, "企业培育库");
}

describe("ledger validation: row checks", () => {
  it("finds nothing wrong in a valid ledger", () => {
    const r = validateSheet(enterpriseSheet(50), { asOf: AS_OF });
    const s = r.report.sheets[0];
    assert.deepEqual(s.issues, []);
    assert.equal(s.rows, 50);
    assert.equal(s.kind, "enterprise");
    assert.equal(s.title, "企业培育库");
    assert.equal(s.headerRow, 1);
    assert.deepEqual(s.counts, { error: 0, warning: 0 });
    assert.deepEqual(s.missingRequired, []);
    assert.equal(s.mapping.length, ENTERPRISE.fields.length);
    assert.deepEqual(s.mapping[1], { field: "uscc", name: "统一社会信用代码", column: "B", header: "统一社会信用代码" });
  });

  it("reports a missing required column once, on the header row without a column", () => {
    const s = enterpriseSheet(3);
    const drop = enterpriseCol("registeredOn") - 1;
    s.values = s.values.map((row) => row.filter((_, i) => i !== drop));
    const r = validateSheet(s, { asOf: AS_OF }).report.sheets[0];
    const i = only(r.issues);
    assert.deepEqual({ row: i.row, column: i.column, col: i.col, field: i.field, severity: i.severity }, { row: 1, column: "", col: 0, field: "注册日期", severity: "error" });
    assert.match(i.message, /缺少必填列“注册日期”/);
    assert.deepEqual(r.missingRequired, ["注册日期"]);
  });

  it("requires the cells of required columns", () => {
    const i = only(issuesWith({ name: null }));
    assertAt(i, 3, "name", "error");
    assert.equal(i.message, "企业名称未填写（必填项）");
    assert.deepEqual(issuesWith({ name: "　 " }).map((x) => x.field), ["企业名称"]);
    // An optional column may stay blank.
    assert.deepEqual(issuesWith({ town: null, employees: null, hitechDate: "" }), []);
  });

  it("reads numbers as people type them and reports what is no number", () => {
    assert.deepEqual(issuesWith({ employees: "１２０人", rdStaff: "12", revenue: "1,234.5万元", assets: "120000元" }), []);
    // Grouping commas with a unit: read, not a crash (was a DecimalError).
    assert.deepEqual(issuesWith({ revenue: "2,000,000元", assets: "1,234亿元" }), []);
    assert.deepEqual(readNumber("2,000,000元", "wan"), { status: "ok", value: 200 });
    assert.deepEqual(readNumber("1,234.5万元", "wan"), { status: "ok", value: 1234.5 });
    const i = only(issuesWith({ employees: "很多" }));
    assertAt(i, 3, "employees", "error");
    assert.equal(i.message, "职工总数：“很多”不是数字");
    assertAt(only(issuesWith({ ip1: 1.5 })), 3, "ip1", "error");
    assertAt(only(issuesWith({ ip2: -1 })), 3, "ip2", "error");
    assertAt(only(issuesWith({ innovationScore: 101 })), 3, "innovationScore", "error");
    assertAt(only(issuesWith({ revenue: Infinity })), 3, "revenue", "error");
    assertAt(only(issuesWith({ revenue: NaN })), 3, "revenue", "error");
  });

  it("reports Excel error values on the cell", () => {
    const i = only(issuesWith({ revenue: { error: "#N/A" } }));
    assertAt(i, 3, "revenue", "error");
    assert.match(i.message, /错误值 #N\/A/);
    assertAt(only(issuesWith({ town: "#VALUE!" })), 3, "town", "error");
  });

  it("reads dates in every common form, warns on month-only dates", () => {
    for (const d of ["2010-05-01", "2010/5/1", "2010.5.1", "2010年5月1日", "20100501", 40299, new Date(Date.UTC(2010, 4, 1))]) {
      assert.deepEqual(issuesWith({ registeredOn: d }), [], String(d));
    }
    const i = only(issuesWith({ registeredOn: "2010年5月" }));
    assertAt(i, 3, "registeredOn", "warning");
    assert.match(i.message, /^注册日期：“2010年5月”只有年月/);
    assertAt(only(issuesWith({ registeredOn: "2010-02-30" })), 3, "registeredOn", "error");
    assertAt(only(issuesWith({ registeredOn: "去年" })), 3, "registeredOn", "error");
  });

  it("rejects dates in the future and before 1949", () => {
    const future = only(issuesWith({ hitechDate: "2025-01-01" }));
    assertAt(future, 3, "hitechDate", "error");
    assert.equal(future.message, "高企认定日期 2025-01-01 晚于核对日期 2024-12-31，不能是将来的日期");
    assert.deepEqual(issuesWith({ hitechDate: "2024-12-31" }), []);
    const old = only(issuesWith({ giantDate: "1948-12-31" }));
    assertAt(old, 3, "giantDate", "error");
    assert.match(old.message, /早于 1949 年/);
    assert.deepEqual(issuesWith({ giantDate: "1949-01-01", registeredOn: "1949-01-01" }), []);
    // The as-of date decides, not the clock.
    assert.equal(issuesWith({ hitechDate: "2024-06-01" }, 1, dayFromParts(2024, 5, 31) as DayNumber).length, 1);
  });

  it("rejects years in the future and before 1949", () => {
    assertAt(only(issuesWith({ smeYear: 2025 })), 3, "smeYear", "error");
    assertAt(only(issuesWith({ smeYear: "1948年" })), 3, "smeYear", "error");
    assert.deepEqual(issuesWith({ smeYear: "2024年" }), []);
    assertAt(only(issuesWith({ smeYear: "明年" })), 3, "smeYear", "error");
  });

  it("checks the 统一社会信用代码 check character with a plain message", () => {
    const good = codeFor(7);
    const wrong = good.slice(0, 17) + (good[17] === "3" ? "4" : "3");
    const i = only(issuesWith({ uscc: wrong }));
    assertAt(i, 3, "uscc", "error");
    assert.equal(i.message, `统一社会信用代码校验位错误：第 18 位应为“${good[17]}”，填的是“${wrong[17]}”（可能有字符录错）`);
  });

  it("reads codes typed with full-width characters, spaces and lower case", () => {
    const good = codeFor(8);
    const typed = " " + good.slice(0, 9).toLowerCase() + " " + good.slice(9).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    assert.deepEqual(issuesWith({ uscc: typed }), []);
  });

  it("explains codes of the wrong length, with forbidden letters, or stored as numbers", () => {
    const len = only(issuesWith({ uscc: codeFor(9).slice(0, 17) }));
    assertAt(len, 3, "uscc", "error");
    assert.equal(len.message, "统一社会信用代码应为 18 位，这里是 17 位");
    const bad = only(issuesWith({ uscc: "91370403MA3OXXXXX" + "1" }));
    assert.match(bad.message, /^统一社会信用代码第 12 位“O”不是允许的字符/);
    const num = only(issuesWith({ uscc: 913704031234567800 }));
    assert.match(num.message, /存成了数字/);
  });

  it("warns about a valid code registered outside 薛城区 in the enterprise pool", () => {
    const i = only(issuesWith({ uscc: codeFor(10, "370402") }));
    assertAt(i, 3, "uscc", "warning");
    assert.match(i.message, /370402.*370403/);
    assert.deepEqual(issuesWith({ uscc: "91350100M000100Y43" }).map((x) => x.severity), ["warning"]);
  });

  it("does not let a part exceed its total", () => {
    const staff = only(issuesWith({ employees: 10, rdStaff: 11 }));
    assertAt(staff, 3, "rdStaff", "error");
    assert.equal(staff.message, "科技人员数（11 人）大于职工总数（10 人），前者不能超过后者");
    assert.deepEqual(issuesWith({ employees: 10, rdStaff: 10 }), []);
    assertAt(only(issuesWith({ totalIncome: 100, hitechIncome: 100.5 })), 3, "hitechIncome", "error");
    assert.deepEqual(issuesWith({ totalIncome: 100, hitechIncome: "100万元" }), []);
    assertAt(only(issuesWith({ rd3y: 300, rdDomestic3y: 301 })), 3, "rdDomestic3y", "error");
    // An unreadable total is reported once, by its own cell; the comparison waits.
    assertAt(only(issuesWith({ employees: "不详", rdStaff: 11 })), 3, "employees", "error");
  });

  it("does not allow a registration after the pool year", () => {
    const i = only(issuesWith({ registeredOn: "2021-03-01", poolYear: 2020 }));
    assertAt(i, 3, "registeredOn", "error");
    assert.match(i.message, /注册日期 2021-03-01 晚于入库年度 2020 年/);
    assert.deepEqual(issuesWith({ registeredOn: "2020-12-31", poolYear: 2020 }), []);
  });

  it("checks enumerations: strict ones are errors, others warnings, listing the allowed values", () => {
    const strict = only(issuesWith({ categories: "重点企业" }));
    assertAt(strict, 3, "categories", "error");
    assert.match(strict.message, /可选：科技型中小企业、科技小巨人企业、高新技术企业/);
    assert.deepEqual(issuesWith({ categories: "高企、科小" }), []);
    assertAt(only(issuesWith({ categories: "高企、瞪羚" })), 3, "categories", "error");
    const loose = only(issuesWith({ techField: "人工智能" }));
    assertAt(loose, 3, "techField", "warning");
    assert.match(loose.message, /可选：电子信息、生物与新医药/);
    assertAt(only(issuesWith({ businessState: "破产" })), 3, "businessState", "warning");
    assertAt(only(issuesWith({ classification: "重点" })), 3, "classification", "error");
  });

  it("reads yes/no and negative-list flags; blank flags are fine", () => {
    assert.deepEqual(issuesWith({ safetyAccident: "无", envViolation: null, dishonest: "×", provRdInstitution: "√", nationalAward: true }), []);
    assertAt(only(issuesWith({ abnormalList: "待查" })), 3, "abnormalList", "error");
  });

  it("reports several issues of one row in column order", () => {
    const issues = issuesWith({ name: null, rdStaff: 999, techField: "AI", poolYear: 2030 });
    assert.deepEqual(
      issues.map((i) => i.field),
      ["企业名称", "入库年度", "科技人员数", "技术领域"],
    );
  });
});

describe("ledger validation: sheet checks", () => {
  it("reports each repeat of a code as an error naming the first row", () => {
    const s = enterpriseSheet(5);
    const code = s.values[2][1];
    s.values[4][1] = code;
    s.values[5][1] = code;
    s.values[4][0] = s.values[2][0];
    s.values[5][0] = s.values[2][0];
    const issues = validateSheet(s, { asOf: AS_OF }).report.sheets[0].issues;
    assert.deepEqual(
      issues.map((i) => [i.row, i.column, i.severity, i.message]),
      [
        [5, "B", "error", "统一社会信用代码与第 3 行重复：同一企业在库中只应登记一次"],
        [6, "B", "error", "统一社会信用代码与第 3 行重复：同一企业在库中只应登记一次"],
      ],
    );
  });

  it("matches repeated codes after normalisation", () => {
    const s = enterpriseSheet(3);
    s.values[3][1] = String(s.values[1][1]).toLowerCase();
    s.values[3][0] = s.values[1][0];
    const issues = validateSheet(s, { asOf: AS_OF }).report.sheets[0].issues;
    assert.deepEqual(issues.map((i) => [i.row, i.field]), [[4, "统一社会信用代码"]]);
  });

  it("warns when one name has two codes", () => {
    const s = enterpriseSheet(4);
    s.values[4][0] = s.values[2][0] + " ";
    const issues = validateSheet(s, { asOf: AS_OF }).report.sheets[0].issues;
    const i = only(issues);
    assert.deepEqual([i.row, i.column, i.severity], [5, "B", "warning"]);
    assert.match(i.message, /企业名称“薛城区测试企业1有限公司”在第 3 行的统一社会信用代码是 .+，这里是 .+：同一名称有两个代码/);
  });

  it("skips blank rows, stops at the last filled row and counts data rows", () => {
    const s = enterpriseSheet(4);
    s.values.splice(3, 0, ENTERPRISE_HEADER.map(() => null), ENTERPRISE_HEADER.map(() => "  "));
    s.values.push(ENTERPRISE_HEADER.map(() => null), []);
    const r = validateSheet(s, { asOf: AS_OF }).report.sheets[0];
    assert.equal(r.rows, 4);
    assert.deepEqual(r.issues, []);
  });

  it("reports rows that only have something in an unknown column", () => {
    const header = [...ENTERPRISE_HEADER, "自定义列"];
    const row = header.map(() => null as CellValue);
    row[header.length - 1] = "x";
    const s = sheetOf("企业", [header, enterpriseRow(1).concat(["y"]), row]);
    const r = validateSheet(s, { asOf: AS_OF }).report.sheets[0];
    assert.deepEqual(r.unknownColumns, ["自定义列"]);
    assert.equal(r.rows, 2);
    assert.deepEqual(
      r.issues.map((i) => i.field),
      ["企业名称", "统一社会信用代码", "注册日期", "培育类别", "入库年度"],
    );
  });

  it("warns when a field appears under two headers and checks the first", () => {
    const header = [...ENTERPRISE_HEADER, "公司名称"];
    const s = sheetOf("企业", [header, enterpriseRow(1).concat([null])]);
    const i = only(validateSheet(s, { asOf: AS_OF }).report.sheets[0].issues);
    assert.deepEqual([i.row, i.column, i.field, i.severity], [1, columnLetter(header.length), "企业名称", "warning"]);
  });
});

describe("ledger validation: finding the ledger", () => {
  it("recognises shuffled synonym headers under a title row and reports real sheet positions", () => {
    const fields = ["uscc", "name", "poolYear", "categories", "registeredOn", "employees", "rdStaff"];
    const headers = ["社会信用代码", "企业全称", "入库年份", "培育类型*", "成立日期", "从业人数(人)", "科技人员"];
    const rec = enterpriseRecord(3);
    const title: CellValue[] = ["薛城区科技型企业培育库（2024年）", null, null, null, null, null, null];
    const rows: CellValue[][] = [title, headers, fields.map((f) => rec[f]), fields.map((f) => rec[f])];
    rows[3][0] = codeFor(4);
    rows[3][1] = "另一家企业";
    rows[3][6] = 1000;
    // The range starts at sheet cell C5.
    const s = sheetOf("台账", rows, 5, 3);
    const r = validateSheet(s, { asOf: AS_OF }).report.sheets[0];
    assert.equal(r.kind, "enterprise");
    assert.equal(r.headerRow, 6);
    assert.equal(r.rows, 2);
    assert.deepEqual(r.mapping.map((m) => [m.field, m.column]), fields.map((f, i) => [f, columnLetter(3 + i)]));
    assert.deepEqual(r.issues.map((i) => [i.row, i.column, i.field]), [[8, "I", "科技人员数"]]);
  });

  it("recognises each kind and checks its rules", () => {
    const platform = sheetOf("平台", [
      ["平台名称", "依托单位", "级别", "平台类型", "获批日期", "状态"],
      ["枣庄市新材料工程技术研究中心", "山东某某新材料有限公司", "市级", "工程技术研究中心", "2023-06-01", "有效"],
      ["省重点实验室", "某某公司", "县级", "重点实验室", "2023-06-01", "运行"],
    ]);
    const talent = sheetOf("人才", [
      ["姓名", "人才工程", "级别", "入选年度"],
      ["张三", "泰山产业领军人才", "省级", 2023],
      ["李四", "千人计划", "国家级", 2025],
    ]);
    const project = sheetOf("项目", [
      ["项目名称", "承担单位", "级别", "年度", "状态"],
      ["高性能材料研发", "某某公司", "省级", 2023, "立项"],
      ["", "某某公司", "市级", 2022, "已申报"],
    ]);
    const award = sheetOf("奖励", [
      ["名称", "统一社会信用代码", "奖励事项", "认定日期", "计算依据（万元）", "拨付状态"],
      ["某某公司", codeFor(1), "高企", "2023-12-01", null, "待拨付"],
      ["某某公司", codeFor(2), "院士站", "2023-12-01", "五十", "已拨付"],
    ]);
    const r = validateWorkbook({ sheets: [platform, talent, project, award] }, { asOf: AS_OF }).report;
    assert.deepEqual(r.sheets.map((s) => s.kind), ["platform", "talent", "project", "award"]);
    assert.deepEqual(r.sheets[0].issues.map((i) => [i.row, i.field, i.severity]), [[3, "级别", "error"]]);
    assert.match(r.sheets[0].issues[0].message, /可选：国家级、省级、市级/);
    assert.deepEqual(r.sheets[1].issues.map((i) => [i.row, i.field]), [[3, "人才工程"], [3, "入选年度"]]);
    assert.deepEqual(r.sheets[2].issues.map((i) => [i.row, i.column, i.field]), [[3, "A", "项目名称"]]);
    // Awards: a name with two codes warns; the pool-only checks (district, duplicates) do not apply.
    assert.deepEqual(r.sheets[3].issues.map((i) => [i.row, i.field, i.severity]), [[3, "统一社会信用代码", "warning"], [3, "计算依据（万元）", "error"]]);
  });

  it("skips sheets that are no ledger, empty or the add-in's own", () => {
    const r = validateWorkbook(
      {
        sheets: [
          sheetOf("说明", [["本台账由科技局维护"], ["联系人", "张三"]]),
          sheetOf("空表", []),
          sheetOf("目标完成情况", [["指标", "目标", "实际"]]),
          enterpriseSheet(2),
        ],
      },
      { asOf: AS_OF },
    ).report;
    assert.deepEqual(r.sheets.map((s) => s.sheet), ["企业培育库"]);
    assert.deepEqual(r.skipped.map((s) => s.sheet), ["说明", "空表", "目标完成情况"]);
    assert.match(r.skipped[0].reason, /未识别为台账/);
    assert.match(r.skipped[1].reason, /空/);
    assert.match(r.skipped[2].reason, /本工具生成/);
  });

  it("validates only the chosen sheet, and says when it does not exist", () => {
    const wb = { sheets: [enterpriseSheet(2, "A"), enterpriseSheet(2, "B")] };
    assert.deepEqual(validateWorkbook(wb, { asOf: AS_OF, sheet: "B" }).report.sheets.map((s) => s.sheet), ["B"]);
    const none = validateWorkbook(wb, { asOf: AS_OF, sheet: "C" }).report;
    assert.deepEqual(none.sheets, []);
    assert.equal(none.skipped[0].sheet, "C");
  });
});

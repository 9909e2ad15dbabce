import { strict as assert } from "assert";
import { memoryHostFromSnapshot } from "../../samples/memory";
import { generateSampleWorkbook, SAMPLE_SHEETS } from "../../samples/generate";
import { dayFromParts, DayNumber } from "../../src/dates";
import { readWorkbook } from "../../src/host/port";
import { ISSUE_LIST_HEADER, issueListEdits, ISSUES_SHEET } from "../../src/jobs/issue-list";
import { validateWorkbook } from "../../src/jobs/validate";
import { Issue } from "../../src/jobs/types";
import { detectLedger } from "../../src/ledger/mapping";

const AS_OF = dayFromParts(2024, 12, 31) as DayNumber;

describe("issue list job (导出问题清单)", () => {
  it("writes every issue of a validation as one printable line, in order, under a dated title", async () => {
    const host = memoryHostFromSnapshot(generateSampleWorkbook());
    const wb = await readWorkbook(host);
    const report = validateWorkbook(wb, { asOf: AS_OF, sheet: SAMPLE_SHEETS.enterprise }).report;
    const issues = report.sheets[0].issues;
    assert.ok(issues.length > 0);
    const before = host.snapshot(SAMPLE_SHEETS.enterprise);
    await host.apply(issueListEdits(wb, issues, { asOf: AS_OF, sheets: [{ sheet: SAMPLE_SHEETS.enterprise, rows: report.sheets[0].rows }] }));

    const s = host.snapshot(ISSUES_SHEET);
    assert.equal(s.values[0][0], "台账问题清单");
    const errors = issues.filter((i) => i.severity === "error").length;
    assert.equal(s.values[1][0], `校验日期：2024-12-31　校验范围：“企业培育库”300 行　错误 ${errors} 个，警告 ${issues.length - errors} 个`);
    const header = s.values.findIndex((r) => r[0] === "序号");
    assert.deepEqual(s.values[header], [...ISSUE_LIST_HEADER]);
    const lines = s.values.slice(header + 1).filter((r) => r[0] !== null);
    assert.deepEqual(
      lines.map((r) => [r[1], r[2], r[3], r[4], r[6]]),
      issues.map((i) => [i.sheet, `${i.column}${i.row}`, i.row, i.field, i.message]),
    );
    assert.deepEqual(
      lines.map((r) => r[0]),
      issues.map((_, n) => n + 1),
    );
    assert.equal(host.numberFormat(ISSUES_SHEET, header + 2, 1), "#,##0");
    // The ledger itself is untouched, and the list is never taken for a ledger.
    assert.deepEqual(host.snapshot(SAMPLE_SHEETS.enterprise), before);
    assert.equal(detectLedger(s.values, ISSUES_SHEET), null);
  });

  it("is rewritten in place: a shorter list leaves no stale line; hostile messages stay text", async () => {
    const host = memoryHostFromSnapshot({ sheets: [{ name: "台账", firstRow: 1, firstCol: 1, values: [["x"]] }] });
    const issue = (row: number, message: string): Issue => ({ sheet: "台账", row, column: "B", col: 2, field: "企业名称", severity: "warning", message });
    const scope = { asOf: AS_OF, sheets: [{ sheet: "台账", rows: 3 }] };
    await host.apply(issueListEdits(await readWorkbook(host), [issue(2, "a"), issue(3, "b"), issue(4, "c")], scope));
    await host.apply(issueListEdits(await readWorkbook(host), [issue(5, '=HYPERLINK("http://x","点击")')], scope));
    const s = host.snapshot(ISSUES_SHEET);
    const header = s.values.findIndex((r) => r[0] === "序号");
    const rest = s.values.slice(header + 1).filter((r) => r.some((v) => v !== null));
    assert.equal(rest.length, 1);
    assert.equal(rest[0][6], '=HYPERLINK("http://x","点击")');
    assert.ok(host.isText(ISSUES_SHEET, header + 2, 7), "a message starting with = is stored as text");
  });

  it("says so when there is nothing to list, and marks a missing-column issue as about the header", async () => {
    const host = memoryHostFromSnapshot({ sheets: [] });
    await host.apply(issueListEdits(await readWorkbook(host), [], { asOf: AS_OF, sheets: [] }));
    assert.equal(host.snapshot(ISSUES_SHEET).values[2][0], "没有发现问题。");
    const missing: Issue = { sheet: "人才", row: 2, column: "", col: 0, field: "入选年度", severity: "error", message: "缺少必填列“入选年度”" };
    const host2 = memoryHostFromSnapshot({ sheets: [] });
    await host2.apply(issueListEdits(await readWorkbook(host2), [missing], { asOf: AS_OF, sheets: [{ sheet: "人才", rows: 2 }] }));
    const s = host2.snapshot(ISSUES_SHEET);
    assert.match(String(s.values[2][0]), /整列的问题/);
    assert.deepEqual(s.values[4].slice(0, 5), [1, "人才", null, 2, "入选年度"]);
  });
});

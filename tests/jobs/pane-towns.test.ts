/**
 * The 镇街与通报 page's views without a browser: the open workbook's name for 来源文件 from each
 * host, the merge preview (what the action bar says it writes), the units view and the
 * 目标分解 template.
 */
import { strict as assert } from "assert";
import ExcelJS from "exceljs";
import { generateSampleWorkbook } from "../../samples/generate";
import { dayFromParts, DayNumber } from "../../src/dates";
import { withCheckChar } from "../../src/uscc";
import { allocationTemplateEdits, mergePreview, openWorkbookName, snapshotOfPicked, unitsView } from "../../taskpane/towns";

const AS_OF = dayFromParts(2024, 12, 31) as DayNumber;

async function xlsxBytes(rows: unknown[][]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("企业");
  rows.forEach((r) => ws.addRow(r));
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe("镇街与通报 views (taskpane/towns.ts)", () => {
  it("names the open workbook from Excel's document URL or WPS's ActiveWorkbook.Name, else 当前工作簿", () => {
    assert.equal(openWorkbookName("excel", { Office: { context: { document: { url: "C:\\台账\\区汇总.xlsx" } } } }), "区汇总.xlsx");
    assert.equal(openWorkbookName("excel", { Office: { context: { document: { url: "https://x.sharepoint.cn/sites/kj/%E5%8C%BA%E6%B1%87%E6%80%BB.xlsx?web=1" } } } }), "区汇总.xlsx");
    assert.equal(openWorkbookName("excel", { Office: { context: { document: { url: "" } } } }), "当前工作簿");
    const et = { Workbooks: {}, ActiveSheet: {}, ActiveWorkbook: { Name: "周营镇.xlsx" } };
    assert.equal(openWorkbookName("wps", { Application: et }), "周营镇.xlsx");
    assert.equal(openWorkbookName("wps", { Application: { ...et, ActiveWorkbook: { Name: () => "陶庄镇.xlsx" } } }), "陶庄镇.xlsx");
    assert.equal(openWorkbookName("wps", {}), "当前工作簿");
    assert.equal(openWorkbookName("demo", {}), "示例台账.xlsx");
  });

  it("previews a merge of picked files: lines, conflicts and where it writes; nothing applied", async () => {
    const sample = generateSampleWorkbook({ enterprises: 30 });
    const code = String(sample.sheets[0].values[3][1]);
    const bytes = await xlsxBytes([
      ["统一社会信用代码", "企业名称", "所属镇街", "注册日期", "培育类别", "入库年度"],
      [code, "改了名字的公司", "沙沟镇", "2015-01-01", "科小", 2023],
      [withCheckChar("91370403MA0TWN009"), "新来的公司", "陶庄镇", "2020-03-01", "科小", 2024],
    ]);
    const p = await mergePreview(sample, [{ name: "沙沟镇.xlsx", bytes }], "区汇总.xlsx");
    assert.match(p.lines[0], /企业培育库（“企业培育库”）：原有 30 行，新增 1 行，合并后 31 行/);
    assert.ok(p.report.conflicts.some((c) => c.code === code && c.column === "企业名称"));
    assert.match(p.writeText, /“企业培育库”末尾加 1 行、右侧加 来源文件 列.*“合并冲突”工作表/);
    assert.ok(p.edits.length > 0);
    await assert.rejects(mergePreview(sample, [], "x"), /请先选择/);
  });

  it("refuses a picked file that is not an .xlsx, or a damaged one, in Chinese", async () => {
    await assert.rejects(snapshotOfPicked({ name: "a.xlsx", bytes: new TextEncoder().encode("a,b\n1,2\n") }), /无法读取“a\.xlsx”：不是 Excel 工作簿/);
    const good = await xlsxBytes([["企业名称"]]);
    await assert.rejects(snapshotOfPicked({ name: "b.xlsx", bytes: good.subarray(0, good.length - 30) }), /无法(打开|读取)“b\.xlsx”/);
  });

  it("shows every unit's rank for the as-of year and offers the 目标分解 template only when there is none", () => {
    const sample = generateSampleWorkbook();
    const v = unitsView(sample, AS_OF);
    assert.equal(v.year, 2024);
    assert.deepEqual(v.groups.map((g) => [g.label, g.rows.length]), [["镇街", 8], ["主管部门", 4]]);
    assert.equal(v.issues.length, 1);
    assert.deepEqual(allocationTemplateEdits(sample), []);
    const without = { sheets: sample.sheets.filter((s) => s.name !== "目标分解") };
    assert.equal(unitsView(without, AS_OF).sheet, null);
    const edits = allocationTemplateEdits(without);
    assert.deepEqual(edits[1], { type: "setValues", sheet: "目标分解", row: 1, col: 1, values: [["年度", "指标", "镇街", "主管部门", "目标数"]] });
  });
});

import { strict as assert } from "assert";
import { execFile } from "child_process";
import ExcelJS from "exceljs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { WorkbookSnapshot } from "../../src/host/port";
import { columnLetter } from "../../src/text";
import { generateSampleWorkbook, SAMPLE_BROKEN_CELLS } from "../../samples/generate";
import { AS_OF, codeFor, enterpriseCol, enterpriseSheet, sheetOf } from "../ledger/fixtures";
import { kjRunner, sha256File as sha, writeSnapshotXlsx } from "../support/cli";

let dir: string;

const writeXlsx = (name: string, wb: WorkbookSnapshot) => writeSnapshotXlsx(dir, name, wb);
const kj = kjRunner(AS_OF);

function brokenEnterprise() {
  const s = enterpriseSheet(6);
  s.values[2][enterpriseCol("uscc") - 1] = codeFor(1).slice(0, 17) + (codeFor(1)[17] === "A" ? "B" : "A");
  s.values[4][enterpriseCol("employees") - 1] = "约50人";
  s.values[4][enterpriseCol("techField") - 1] = "人工智能";
  return s;
}

describe("kj check", function () {
  this.timeout(60_000);

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-check-"));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    process.exitCode = 0;
  });

  it("exits 0 on a valid ledger and says so in Chinese", async () => {
    const file = await writeXlsx("valid.xlsx", { sheets: [enterpriseSheet(20)] });
    const r = await kj("check", file, "--as-of", "2024-12-31");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /工作表“企业培育库”：企业培育库（第 1 行为表头），数据 20 行；错误 0 个，警告 0 个/);
    assert.match(r.out, /没有发现错误/);
  });

  it("exits 1 when errors are found and lists them by row and column", async () => {
    const file = await writeXlsx("broken.xlsx", { sheets: [brokenEnterprise()] });
    const r = await kj("check", file, "--as-of", "2024-12-31");
    assert.equal(r.code, 1, r.err);
    const lines = r.out.split("\n").filter((l) => l.startsWith("  ["));
    assert.deepEqual(lines, [
      `  [错误] 第 3 行 B 列 统一社会信用代码校验位错误：第 18 位应为“${codeFor(1)[17]}”，填的是“${codeFor(1)[17] === "A" ? "B" : "A"}”（可能有字符录错）`,
      "  [错误] 第 5 行 J 列 职工总数：“约50人”不是数字",
      `  [警告] 第 5 行 ${columnLetter(enterpriseCol("techField"))} 列 技术领域：“人工智能”不是可选值，可选：电子信息、生物与新医药、航空航天、新材料、高技术服务、新能源与节能、资源与环境、先进制造与自动化`,
    ]);
    assert.match(r.out, /共发现错误 2 个、警告 1 个/);
  });

  it("exits 0 when there are only warnings", async () => {
    const s = enterpriseSheet(3);
    s.values[2][enterpriseCol("techField") - 1] = "人工智能";
    const file = await writeXlsx("warn.xlsx", { sheets: [s] });
    const r = await kj("check", file, "--as-of", "2024-12-31", "--json");
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.out).counts, { error: 0, warning: 1 });
  });

  it("prints the JSON document with sheets, mapping and issues", async () => {
    const file = await writeXlsx("json.xlsx", { sheets: [sheetOf("说明", [["填表说明"]]), brokenEnterprise()] });
    const r = await kj("check", file, "--json", "--as-of", "2024-12-31");
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.out);
    assert.equal(doc.file, file);
    assert.equal(doc.asOf, "2024-12-31");
    assert.equal(doc.sheets.length, 1);
    const s = doc.sheets[0];
    assert.deepEqual(Object.keys(s).slice(0, 5), ["sheet", "kind", "title", "headerRow", "rows"]);
    assert.equal(s.sheet, "企业培育库");
    assert.equal(s.kind, "enterprise");
    assert.equal(s.rows, 6);
    assert.deepEqual(s.mapping[0], { field: "name", name: "企业名称", column: "A", header: "企业名称" });
    assert.deepEqual(s.issues[0], {
      row: 3,
      column: "B",
      col: 2,
      field: "统一社会信用代码",
      severity: "error",
      message: s.issues[0].message,
    });
    assert.deepEqual(s.counts, { error: 2, warning: 1 });
    assert.deepEqual(doc.skipped.map((x: { sheet: string }) => x.sheet), ["说明"]);
  });

  it("checks only --sheet, and exits 2 when it is missing or no ledger", async () => {
    const file = await writeXlsx("two.xlsx", { sheets: [enterpriseSheet(3, "好"), brokenEnterprise(), sheetOf("说明", [["x"]])] });
    assert.equal((await kj("check", file, "--sheet", "好", "--as-of", "2024-12-31")).code, 0);
    assert.equal((await kj("check", file, "--sheet", "企业培育库", "--as-of", "2024-12-31")).code, 1);
    const missing = await kj("check", file, "--sheet", "不存在", "--as-of", "2024-12-31");
    assert.equal(missing.code, 2);
    assert.match(missing.err, /工作簿中没有名为“不存在”的工作表（现有：好、企业培育库、说明）/);
    const notLedger = await kj("check", file, "--sheet", "说明", "--json", "--as-of", "2024-12-31");
    assert.equal(notLedger.code, 2);
    assert.equal(JSON.parse(notLedger.out).error.code, "not_a_ledger");
  });

  it("exits 2 with a clear message for unusable input", async () => {
    const none = await kj("check", path.join(dir, "没有这个文件.xlsx"));
    assert.equal(none.code, 2);
    assert.match(none.err, /找不到文件/);

    const csv = path.join(dir, "假的.xlsx");
    fs.writeFileSync(csv, "企业名称,统一社会信用代码\n某公司,91350100M000100Y43\n");
    const c = await kj("check", csv);
    assert.equal(c.code, 2);
    assert.match(c.err, /CSV/);

    const noLedger = await writeXlsx("noledger.xlsx", { sheets: [sheetOf("Sheet1", [["姓名", "电话"], ["张三", "123"]])] });
    const n = await kj("check", noLedger, "--json");
    assert.equal(n.code, 2);
    assert.equal(JSON.parse(n.out).error.code, "no_ledger");
    assert.match(n.err, /没有找到台账工作表/);

    const file = await writeXlsx("date.xlsx", { sheets: [enterpriseSheet(2)] });
    const d = await kj("check", file, "--as-of", "明天");
    assert.equal(d.code, 2);
    assert.match(d.err, /核对日期“明天”无法识别/);
  });

  it("--out writes a marked copy and leaves the input byte-identical", async () => {
    const file = await writeXlsx("mark.xlsx", { sheets: [brokenEnterprise()] });
    const before = sha(file);
    const out = path.join(dir, "结果.xlsx");
    const r = await kj("check", file, "--out", out, "--as-of", "2024-12-31");
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /已另存标记副本/);
    assert.equal(sha(file), before);

    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    const ws = book.getWorksheet("企业培育库");
    assert.ok(ws);
    const code = ws.getCell(3, enterpriseCol("uscc"));
    assert.match(String(code.note && typeof code.note === "object" ? JSON.stringify(code.note) : code.note), /校验位错误/);
    assert.equal((code.fill as ExcelJS.FillPattern).fgColor?.argb?.toUpperCase(), "FFFFC7CE");
    const warn = ws.getCell(5, enterpriseCol("techField"));
    assert.equal((warn.fill as ExcelJS.FillPattern).fgColor?.argb?.toUpperCase(), "FFFFEB9C");
    // A clean cell stays unmarked; the data is unchanged.
    assert.equal(ws.getCell(4, enterpriseCol("uscc")).note, undefined);
    assert.equal(ws.getCell(5, enterpriseCol("employees")).value, "约50人");

    // Checking the marked copy again finds the same issues (marks are not data).
    const again = await kj("check", out, "--json", "--as-of", "2024-12-31");
    assert.deepEqual(JSON.parse(again.out).sheets[0].issues, JSON.parse((await kj("check", file, "--json", "--as-of", "2024-12-31")).out).sheets[0].issues);
  });

  it("refuses to write --out over the input", async () => {
    const file = await writeXlsx("self.xlsx", { sheets: [brokenEnterprise()] });
    const before = sha(file);
    const r = await kj("check", file, "--out", file, "--as-of", "2024-12-31");
    assert.equal(r.code, 2);
    assert.match(r.err, /输出文件不能与输入文件相同/);
    assert.equal(sha(file), before);
  });

  it("finds exactly the sample ledger's broken cells", async () => {
    const file = await writeXlsx("sample.xlsx", generateSampleWorkbook());
    // As of the end of 2025: the generator can date a 小巨人认定 in the year after its as-of
    // year (reported to the samples' owner); this test is about the deliberately broken cells.
    const r = await kj("check", file, "--json", "--as-of", "2025-12-31");
    const doc = JSON.parse(r.out);
    assert.equal(r.code, 1);
    assert.deepEqual(
      doc.sheets.map((s: { kind: string }) => s.kind),
      ["enterprise", "platform", "talent", "project", "award", "rd"],
    );
    const errors = doc.sheets.flatMap((s: { sheet: string; issues: { row: number; col: number; field: string; severity: string }[] }) =>
      s.issues.filter((i) => i.severity === "error").map((i) => [s.sheet, i.row, i.col, i.field]),
    );
    assert.deepEqual(errors, SAMPLE_BROKEN_CELLS.map((b) => [b.sheet, b.row, b.col, b.field]));
  });

  it("reads exceljs cell kinds: rich text, hyperlinks, formulas with results, error cells, merged cells", async () => {
    const book = new ExcelJS.Workbook();
    const ws = book.addWorksheet("企业培育库");
    ws.getCell("A1").value = "薛城区企业培育库";
    ws.mergeCells("A1:E1");
    ["企业名称", "统一社会信用代码", "注册日期", "培育类别", "入库年度"].forEach((h, i) => (ws.getCell(2, i + 1).value = h));
    ws.getRow(3).values = [{ richText: [{ text: "山东" }, { text: "示例有限公司" }] }, codeFor(1), new Date(Date.UTC(2018, 0, 1)), "高企", 2021];
    ws.getRow(4).values = [{ text: "链接公司", hyperlink: "https://example.com" }, codeFor(2), { formula: "DATE(2019,1,1)", result: new Date(Date.UTC(2019, 0, 1)) }, "科小", { formula: "2020+1", result: 2021 }];
    ws.getRow(5).values = ["错误公司", codeFor(3), { error: "#REF!" }, "科小", 2021];
    const file = path.join(dir, "kinds.xlsx");
    await book.xlsx.writeFile(file);
    const r = await kj("check", file, "--json", "--as-of", "2024-12-31");
    assert.equal(r.code, 1, r.err);
    const s = JSON.parse(r.out).sheets[0];
    assert.equal(s.headerRow, 2);
    assert.equal(s.rows, 3);
    assert.deepEqual(
      s.issues.map((i: { row: number; column: string; message: string }) => [i.row, i.column, i.message]),
      [[5, "C", "注册日期：单元格是错误值 #REF!，请先修正公式或内容"]],
    );
  });

  it("a ledger with a header and no data rows is fine", async () => {
    const file = await writeXlsx("empty-ledger.xlsx", { sheets: [sheetOf("企业培育库", [["企业名称", "统一社会信用代码", "注册日期", "培育类别", "入库年度"]])] });
    const r = await kj("check", file, "--json", "--as-of", "2024-12-31");
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).sheets[0].rows, 0);
  });

  it("runs as the kj command with real exit codes", async () => {
    const file = await writeXlsx("bin.xlsx", { sheets: [brokenEnterprise()] });
    const bin = path.join(__dirname, "../../bin/kj.js");
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile(process.execPath, [bin, ...args], (e, stdout) => resolve({ code: e ? Number(e.code) : 0, stdout }));
      });
    const r = await run(["check", file, "--json", "--as-of", "2024-12-31"]);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).counts.error, 2);
    assert.equal((await run(["check", path.join(dir, "missing.xlsx")])).code, 2);
  });
});

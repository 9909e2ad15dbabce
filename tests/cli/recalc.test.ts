import { strict as assert } from "assert";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dayFromParts, DayNumber } from "../../src/dates";
import { kjRunner, sha256File as sha } from "../support/cli";

const TODAY = dayFromParts(2024, 6, 30) as DayNumber;
let dir: string;

const kj = kjRunner(TODAY);

/** Files in the folder other than the ones named: nothing else may be left behind. */
function strayFiles(...expected: string[]): string[] {
  return fs.readdirSync(dir).filter((f) => !expected.includes(f));
}

const ENTERPRISE_HEADER = ["企业名称", "统一社会信用代码", "注册日期", "培育类别", "入库年度", "职工总数", "科技人员数", "销售收入", "研发费用", "成本费用支出总额", "资产总额", "Ⅰ类知识产权数", "Ⅱ类知识产权数"];

/** A ledger workbook with styles, widths, validation, an untouched sheet and KJ formulas of every kind. */
async function ledgerWorkbook(file: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const awards = wb.addWorksheet("奖励");
  awards.columns = [
    { header: "名称", width: 28 },
    { header: "奖励事项", width: 18 },
    { header: "认定日期", width: 12 },
    { header: "计算依据（万元）", width: 14 },
    { header: "奖励金额（万元）", width: 14 },
    { header: "拨付状态", width: 10 },
  ];
  const rows: [string, string, Date, number | null, string][] = [
    ["甲公司", "高企", new Date(Date.UTC(2023, 4, 1)), null, "已拨付"],
    ["乙公司", "国家重点实验室", new Date(Date.UTC(2023, 7, 1)), 250, "待拨付"],
    ["丙公司", "省绩效奖励", new Date(Date.UTC(2024, 1, 1)), 12.345, "已拨付"],
    ["丁公司", "不存在的事项", new Date(Date.UTC(2023, 1, 1)), null, "待拨付"],
    ["戊公司", "高企", new Date(Date.UTC(2025, 1, 1)), null, "待拨付"],
  ];
  rows.forEach(([name, item, date, basis, status], i) => {
    const r = i + 2;
    awards.getRow(r).values = [name, item, date, basis, { formula: `KJ.AWARD(B${r},D${r},C${r})` }, status] as ExcelJS.CellValue[];
    awards.getCell(`C${r}`).numFmt = "yyyy-mm-dd";
    awards.getCell(`E${r}`).numFmt = "0.000";
  });
  awards.getCell("A8").value = "合计";
  awards.getCell("E8").value = { formula: "SUM(E2:E4)" } as ExcelJS.CellValue;
  awards.getCell("E9").value = { formula: 'SUMIFS(E2:E4,F2:F4,"已拨付")' } as ExcelJS.CellValue;
  awards.getCell("A1").font = { bold: true, color: { argb: "FF0000FF" } };
  awards.getCell("A2").fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFFFEB9C" } };
  awards.getCell("F2").dataValidation = { type: "list", allowBlank: true, formulae: ['"待拨付,已拨付"'] };

  const firms = wb.addWorksheet("企业培育库");
  firms.addRow([...ENTERPRISE_HEADER, "科小资格", "科小得分", "说明"]);
  firms.addRow(["薛城区甲科技有限公司", "91370403MA3C000000", new Date(Date.UTC(2018, 2, 1)), "科技型中小企业", 2023, 100, 35, 3000, 200, 2500, 5000, 1, 3]);
  firms.getCell("N2").value = { formula: 'KJ.ELIGIBLE("科小",$A$1:$M$1,A2:M2)' } as ExcelJS.CellValue;
  firms.getCell("O2").value = { formula: 'KJ.SCORE("科小",$A$1:$M$1,A2:M2)' } as ExcelJS.CellValue;
  firms.getCell("P2").value = { formula: 'KJ.WHY("科小",$A$1:$M$1,A2:M2)' } as ExcelJS.CellValue;
  firms.getColumn(1).width = 30;

  const notes = wb.addWorksheet("说明");
  notes.getCell("A1").value = "=不是公式，是文字";
  notes.getCell("B2").value = 42;
  notes.getCell("B2").numFmt = "0.00%";
  await wb.xlsx.writeFile(file);
}

interface CellShape {
  value: unknown;
  style: string;
}

/** Every non-formula cell with its value and style, by sheet and address. */
function nonFormulaCells(wb: ExcelJS.Workbook): Map<string, CellShape> {
  const out = new Map<string, CellShape>();
  for (const ws of wb.worksheets) {
    ws.eachRow({ includeEmpty: true }, (row) =>
      row.eachCell({ includeEmpty: true }, (cell) => {
        if (cell.formula) return;
        out.set(`${ws.name}!${cell.address}`, { value: JSON.stringify(cell.value), style: JSON.stringify(cell.style) });
      }),
    );
  }
  return out;
}

async function load(file: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb;
}

describe("kj recalc", function () {
  this.timeout(60_000);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-recalc-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("fills every formula's cached result, keeps the formulas and leaves the input untouched", async () => {
    const input = path.join(dir, "台账.xlsx");
    await ledgerWorkbook(input);
    const before = sha(input);
    const out = path.join(dir, "结果.xlsx");
    const r = await kj("recalc", input, "--out", out);
    assert.equal(r.code, 1, r.err); // two award rows cannot be computed
    assert.equal(sha(input), before);
    assert.match(r.out, /已重算 \d+ 个公式/);
    assert.match(r.out, /奖励!E5 .*#VALUE!.*未知的奖励事项/);
    assert.match(r.out, /奖励!E6 .*#N\/A.*无适用政策/);

    const wb = await load(out);
    const awards = wb.getWorksheet("奖励")!;
    assert.equal(awards.getCell("E2").formula, "KJ.AWARD(B2,D2,C2)");
    assert.deepEqual(["E2", "E3", "E4"].map((a) => awards.getCell(a).result), [20, 200, 2.469]);
    assert.deepEqual(awards.getCell("E5").result, { error: "#VALUE!" });
    assert.deepEqual(awards.getCell("E6").result, { error: "#N/A" });
    assert.equal(awards.getCell("E8").result, 222.469);
    assert.equal(awards.getCell("E9").result, 22.469);

    const firms = wb.getWorksheet("企业培育库")!;
    assert.equal(typeof firms.getCell("N2").result, "boolean");
    assert.equal(typeof firms.getCell("O2").result, "number");
    assert.equal(typeof firms.getCell("P2").result, "string");
  });

  it("round trip keeps every non-formula cell, style, width, validation and sheet", async () => {
    const input = path.join(dir, "台账.xlsx");
    await ledgerWorkbook(input);
    const out = path.join(dir, "结果.xlsx");
    await kj("recalc", input, "--out", out);
    const [a, b] = [await load(input), await load(out)];
    assert.deepEqual(b.worksheets.map((w) => w.name), a.worksheets.map((w) => w.name));
    assert.deepEqual(nonFormulaCells(b), nonFormulaCells(a));
    const [wa, wbk] = [a.getWorksheet("奖励")!, b.getWorksheet("奖励")!];
    for (let c = 1; c <= 6; c++) assert.equal(wbk.getColumn(c).width, wa.getColumn(c).width, `width of column ${c}`);
    assert.equal(b.getWorksheet("企业培育库")!.getColumn(1).width, 30);
    assert.deepEqual(wbk.getCell("F2").dataValidation, wa.getCell("F2").dataValidation);
    assert.equal(wbk.getCell("E2").numFmt, "0.000");
    assert.equal(wbk.getCell("A2").fill?.type, "pattern");
    assert.equal(wbk.getCell("A1").font?.bold, true);
    assert.equal(b.getWorksheet("说明")!.getCell("A1").value, "=不是公式，是文字");
    assert.equal(b.getWorksheet("说明")!.getCell("B2").numFmt, "0.00%");
  });

  it("--as-of is the date eligibility formulas without 评价日期 are judged on", async () => {
    const input = path.join(dir, "台账.xlsx");
    await ledgerWorkbook(input);
    const r = await kj("recalc", input, "--out", path.join(dir, "a.xlsx"), "--as-of", "2024-06-30", "--json");
    const doc = JSON.parse(r.out);
    assert.equal(doc.asOf, "2024-06-30");
    assert.equal(doc.errors, 2);
    assert.equal(doc.formulas, 10);
    assert.equal(doc.errorCells[0].address, "E5");
  });

  it("--as-of changes what an eligibility formula without 评价日期 says (the date comes from the CLI, not the clock)", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("企业培育库");
    ws.addRow(["企业名称", "统一社会信用代码", "注册日期", "培育类别"]);
    ws.addRow(["薛城区乙科技有限公司", "91370403MA3C000000", "2024-01-01", "高新技术企业", { formula: 'KJ.WHY("高企",$A$1:$D$1,A2:D2)' }]);
    const input = path.join(dir, "why.xlsx");
    await wb.xlsx.writeFile(input);
    const early = path.join(dir, "early.xlsx");
    const late = path.join(dir, "late.xlsx");
    await kj("recalc", input, "--out", early, "--as-of", "2024-06-30");
    await kj("recalc", input, "--out", late, "--as-of", "2025-06-30");
    const whyEarly = String((await load(early)).getWorksheet("企业培育库")!.getCell("E2").result);
    const whyLate = String((await load(late)).getWorksheet("企业培育库")!.getCell("E2").result);
    assert.match(whyEarly, /注册成立时间 181 天/);
    assert.doesNotMatch(whyLate, /注册成立时间/);
  });

  it("--in-place replaces the input and keeps a .bak copy of the original", async () => {
    const input = path.join(dir, "台账.xlsx");
    await ledgerWorkbook(input);
    const before = sha(input);
    const r = await kj("recalc", input, "--in-place");
    assert.equal(r.code, 1, r.err);
    assert.equal(sha(input + ".bak"), before);
    assert.notEqual(sha(input), before);
    assert.equal((await load(input)).getWorksheet("奖励")!.getCell("E3").result, 200);
    assert.deepEqual(strayFiles("台账.xlsx", "台账.xlsx.bak"), []);
  });

  it("keeps package parts that a cell-model round trip would drop (charts, pictures, custom XML)", async () => {
    const input = path.join(dir, "台账.xlsx");
    await ledgerWorkbook(input);
    const zip = await JSZip.loadAsync(fs.readFileSync(input));
    zip.file("customXml/kj-extra.xml", "<extra>保留</extra>");
    fs.writeFileSync(input, await zip.generateAsync({ type: "nodebuffer" }));
    const out = path.join(dir, "结果.xlsx");
    await kj("recalc", input, "--out", out);
    const back = await JSZip.loadAsync(fs.readFileSync(out));
    assert.equal(await back.file("customXml/kj-extra.xml")?.async("string"), "<extra>保留</extra>");
    assert.equal((await load(out)).getWorksheet("奖励")!.getCell("E3").result, 200);
  });

  it("exit 0 when every formula computes", async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("S").addRow(["高企", { formula: "KJ.AWARD(A1)" }]);
    const input = path.join(dir, "ok.xlsx");
    await wb.xlsx.writeFile(input);
    const r = await kj("recalc", input, "--out", path.join(dir, "ok-out.xlsx"));
    assert.equal(r.code, 0, r.err);
  });

  it("refuses to run without --out or --in-place, and --out equal to the input", async () => {
    const input = path.join(dir, "台账.xlsx");
    await ledgerWorkbook(input);
    const before = sha(input);
    let r = await kj("recalc", input);
    assert.equal(r.code, 2);
    assert.match(r.err, /--out/);
    r = await kj("recalc", input, "--out", input);
    assert.equal(r.code, 2);
    assert.match(r.err, /不能与输入文件相同/);
    r = await kj("recalc", input, "--out", path.join(dir, "x.csv"));
    assert.equal(r.code, 2);
    assert.equal(sha(input), before);
    assert.deepEqual(strayFiles("台账.xlsx"), []);
  });

  describe("bad files: exit 2, a Chinese message, input byte-identical, no output left", () => {
    const oleHeader = () => {
      const b = Buffer.alloc(4096);
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(b, 0);
      return b;
    };
    /** A minimal OLE compound file whose directory holds the given stream names. */
    const oleWith = (names: string[]) => {
      const sector = 512;
      const b = Buffer.alloc(sector * 4, 0);
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(b, 0);
      b.writeUInt16LE(0x003e, 24); // minor version
      b.writeUInt16LE(0x0003, 26); // major version 3 (512-byte sectors)
      b.writeUInt16LE(0xfffe, 28); // little-endian
      b.writeUInt16LE(9, 30); // sector shift
      b.writeUInt16LE(6, 32); // mini sector shift
      b.writeUInt32LE(1, 44); // one FAT sector
      b.writeUInt32LE(1, 48); // first directory sector = 1
      b.writeUInt32LE(4096, 56);
      b.writeUInt32LE(0xfffffffe, 60);
      b.writeUInt32LE(0xfffffffe, 68);
      for (let i = 0; i < 109; i++) b.writeInt32LE(-1, 76 + i * 4);
      b.writeUInt32LE(0, 76); // FAT in sector 0
      const fat = sector * 1; // sector 0 starts after the 512-byte header
      b.writeInt32LE(-3, fat); // sector 0: FAT
      b.writeInt32LE(-2, fat + 4); // sector 1: directory, end of chain
      const dirStart = sector * 2;
      ["Root Entry", ...names].forEach((n, i) => {
        const at = dirStart + i * 128;
        b.write(n, at, "utf16le");
        b.writeUInt16LE((n.length + 1) * 2, at + 64);
        b[at + 66] = i === 0 ? 5 : 2;
      });
      return b;
    };
    const cases: [string, string, () => Buffer, RegExp][] = [
      ["0-byte file", "空.xlsx", () => Buffer.alloc(0), /空|0 字节|没有内容/],
      ["corrupted zip", "坏.xlsx", () => Buffer.concat([Buffer.from("PK\u0003\u0004"), Buffer.alloc(200, 7)]), /损坏|无法读取/],
      [".xls renamed .xlsx", "旧版.xlsx", () => oleWith(["Workbook", "\u0005SummaryInformation"]), /\.xls/],
      ["CSV text", "表.xlsx", () => Buffer.from("企业名称,统一社会信用代码\n甲公司,91370403MA3C000000\n"), /CSV/],
      ["encrypted workbook", "加密.xlsx", () => oleWith(["EncryptionInfo", "EncryptedPackage"]), /加密|密码/],
      ["OLE header only", "半截.xlsx", oleHeader, /\.xls|损坏|无法/],
    ];
    for (const [what, name, bytes, message] of cases) {
      it(what, async () => {
        const input = path.join(dir, name);
        fs.writeFileSync(input, bytes());
        const before = sha(input);
        const r = await kj("recalc", input, "--out", path.join(dir, "结果.xlsx"));
        assert.equal(r.code, 2, r.out + r.err);
        assert.match(r.err, /^错误：/);
        assert.match(r.err, message);
        assert.match(r.err, /[\u4e00-\u9fff]/);
        assert.equal(sha(input), before);
        assert.deepEqual(strayFiles(name), []);
      });
    }

    it("a missing file", async () => {
      const r = await kj("recalc", path.join(dir, "没有.xlsx"), "--out", path.join(dir, "结果.xlsx"));
      assert.equal(r.code, 2);
      assert.match(r.err, /找不到文件/);
      assert.deepEqual(strayFiles(), []);
    });
  });
});

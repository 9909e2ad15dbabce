import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dayFromParts, DayNumber } from "../../src/dates";
import { readXlsxSnapshot } from "../../src/host/xlsx/file";
import { SheetSnapshot } from "../../src/host/port";
import { CellValue } from "../../src/ledger/cells";
import { MERGE_SHEET, SOURCE_COLUMN } from "../../src/jobs/merge";
import { withCheckChar } from "../../src/uscc";
import { kjRunner, sha256File, writeSnapshotXlsx } from "../support/cli";

const kj = kjRunner(dayFromParts(2024, 12, 31) as DayNumber);
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));
const C1 = withCheckChar("91370403MA0000011");
const C2 = withCheckChar("91370403MA0000012");
const C3 = withCheckChar("91370403MA0000013");

function sheet(name: string, rows: CellValue[][]): SheetSnapshot {
  const w = Math.max(...rows.map((r) => r.length));
  return { name, firstRow: 1, firstCol: 1, values: rows.map((r) => [...r, ...new Array(w - r.length).fill(null)]) };
}

describe("kj merge", function () {
  this.timeout(60_000);
  let dir: string;
  let a: string;
  let b: string;
  let c: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-merge-"));
    // prettier-ignore
    a = await writeSnapshotXlsx(dir, "区汇总.xlsx", { sheets: [sheet("企业培育库", [
      ["企业名称", "统一社会信用代码", "所属镇街", "注册日期", "培育类别", "入库年度", "职工总数"],
      ["甲公司", C1, "陶庄镇", utc(2010, 1, 1), "高企", 2021, 120],
      ["乙公司", C2, "周营镇", utc(2012, 5, 1), "科小", 2022, null],
    ])] });
    // prettier-ignore
    b = await writeSnapshotXlsx(dir, "陶庄镇.xlsx", { sheets: [sheet("培育库", [
      ["陶庄镇科技型企业培育库"],
      ["职工人数", "社会信用代码", "单位名称", "镇街", "成立日期", "入库年份", "培育类型"],
      [130, C1, "甲公司", "陶庄镇", "2010-01-01", 2021, "高新技术企业"],
      [30, C3, "丙公司", "陶庄镇", "2015-06-01", 2023, "科小"],
      [8, "12345", "丁公司", "陶庄镇", "2016-01-01", 2023, "科小"],
    ])] });
    // prettier-ignore
    c = await writeSnapshotXlsx(dir, "周营镇.xlsx", { sheets: [sheet("企业培育库", [
      ["企业名称", "统一社会信用代码", "所属镇街", "注册日期", "培育类别", "入库年度", "职工总数"],
      ["乙公司", C2, "周营镇", utc(2012, 5, 1), "科小", 2022, 45],
      ["乙公司", C2, "周营镇", utc(2012, 5, 1), "科小", 2022, 46],
    ])] });
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("merges three files into a new workbook, --json lists files, rows, duplicates and conflicts; inputs stay byte-identical", async () => {
    const before = [a, b, c].map(sha256File);
    const out = path.join(dir, "合并台账.xlsx");
    const r = await kj("merge", a, b, c, "--out", out, "--json");
    assert.equal(r.code, 1, r.err + r.out);
    assert.deepEqual([a, b, c].map(sha256File), before, "inputs unchanged");
    const j = JSON.parse(r.out);
    assert.deepEqual(j.files.map((f: { file: string }) => f.file), ["区汇总.xlsx", "陶庄镇.xlsx", "周营镇.xlsx"]);
    assert.equal(j.rows, 4);
    assert.equal(j.out, path.resolve(out));
    assert.deepEqual(j.duplicates.map((d: { code: string }) => d.code), [C1, C2]);
    const staff = j.conflicts.filter((x: { column: string }) => x.column === "职工总数");
    assert.deepEqual(staff.map((x: { code: string; name: string; values: { file: string; value: string }[] }) => [x.code, x.name, x.values.map((v) => [v.file, v.value])]), [
      [C1, "甲公司", [["区汇总.xlsx", "120"], ["陶庄镇.xlsx", "130"]]],
      [C2, "乙公司", [["周营镇.xlsx", "45"], ["周营镇.xlsx", "46"]]],
    ]);
    assert.deepEqual(j.unidentified.map((u: { name: string }) => u.name), ["丁公司"]);

    const wb = await readXlsxSnapshot(out);
    const ent = wb.sheets.find((s) => s.name === "企业培育库")!;
    const header = ent.values[0];
    const rows = ent.values.slice(1).filter((row) => row.some((v) => v !== null));
    const at = (name: string) => header.indexOf(name);
    assert.deepEqual(rows.map((row) => [row[at("企业名称")], row[at("统一社会信用代码")], row[at("职工总数")], row[at(SOURCE_COLUMN)]]), [
      ["甲公司", C1, 120, "区汇总.xlsx、陶庄镇.xlsx"],
      ["乙公司", C2, 45, "区汇总.xlsx、周营镇.xlsx"],
      ["丙公司", C3, 30, "陶庄镇.xlsx"],
      ["丁公司", "12345", 8, "陶庄镇.xlsx"],
    ]);
    const conflicts = wb.sheets.find((s) => s.name === MERGE_SHEET)!;
    const text = conflicts.values.map((row) => row.join("|")).join("\n");
    for (const x of [C1, C2, "陶庄镇.xlsx", "130", "丁公司"]) assert.ok(text.includes(x), x);
  });

  it("prints a summary in Chinese without --json", async () => {
    const out = path.join(dir, "合并-文字.xlsx");
    const r = await kj("merge", a, b, "--out", out);
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /合并 2 个文件：区汇总\.xlsx、陶庄镇\.xlsx/);
    assert.match(r.out, /企业培育库（“企业培育库”）：原有 2 行，新增 2 行，合并后 4 行/);
    assert.match(r.out, /职工总数 区汇总\.xlsx 第 2 行“120” \/ 陶庄镇\.xlsx 第 3 行“130”/);
    assert.match(r.out, /丁公司：统一社会信用代码无效/);
  });

  it("exits 0 when nothing needs a person", async () => {
    const out = path.join(dir, "合并-无冲突.xlsx");
    const r = await kj("merge", a, c, "--out", path.join(dir, "x.xlsx"));
    assert.equal(r.code, 1, "周营镇 sends 乙公司 twice with different headcounts");
    const d = await writeSnapshotXlsx(dir, "新城街道.xlsx", { sheets: [sheet("企业", [["企业名称", "统一社会信用代码", "培育类别", "入库年度", "注册日期"], ["庚公司", withCheckChar("91370403MA0000019"), "科小", 2024, "2020-01-01"]])] });
    const ok = await kj("merge", a, d, "--out", out);
    assert.equal(ok.code, 0, ok.out + ok.err);
  });

  it("refuses without --out, with one file, with a file given twice, and an output that is one of the inputs", async () => {
    const before = sha256File(b);
    assert.equal((await kj("merge", a, b)).code, 2);
    const one = await kj("merge", a, "--out", path.join(dir, "y.xlsx"));
    assert.equal(one.code, 2);
    assert.match(one.err, /至少给出两个/);
    const twice = await kj("merge", a, a, "--out", path.join(dir, "y.xlsx"));
    assert.match(twice.err, /给出了两次/);
    const over = await kj("merge", a, b, "--out", b, "--json");
    assert.equal(over.code, 2);
    assert.equal(JSON.parse(over.out).error.code, "output_is_input");
    assert.equal(sha256File(b), before);
    const notXlsx = path.join(dir, "not.xlsx");
    fs.writeFileSync(notXlsx, "a,b\n1,2\n");
    const bad = await kj("merge", a, notXlsx, "--out", path.join(dir, "z.xlsx"));
    assert.equal(bad.code, 2);
    assert.match(bad.err, /无法打开“not\.xlsx”.*CSV/);
    assert.ok(!fs.existsSync(path.join(dir, "z.xlsx")));
  });
});

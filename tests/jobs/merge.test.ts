import { strict as assert } from "assert";
import { memoryHostFromSnapshot } from "../../samples/memory";
import { dayFromParts, DayNumber } from "../../src/dates";
import { readWorkbook, SheetSnapshot, WorkbookSnapshot } from "../../src/host/port";
import { CellValue } from "../../src/ledger/cells";
import { computeMerge, MERGE_SHEET, MergeInput, SOURCE_COLUMN } from "../../src/jobs/merge";
import { computeTargets } from "../../src/jobs/targets";
import { withCheckChar } from "../../src/uscc";

const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));
const C1 = withCheckChar("91370403MA0000001");
const C2 = withCheckChar("91370403MA0000002");
const C3 = withCheckChar("91370403MA0000003");
const C4 = withCheckChar("91370403MA0000004");
/** C4 with a wrong check character. */
const BAD = C4.slice(0, 17) + (C4[17] === "0" ? "1" : "0");

function sheet(name: string, rows: CellValue[][]): SheetSnapshot {
  const w = Math.max(...rows.map((r) => r.length));
  return { name, firstRow: 1, firstCol: 1, values: rows.map((r) => [...r, ...new Array(w - r.length).fill(null)]) };
}

const HEADER = ["企业名称", "统一社会信用代码", "所属镇街", "注册日期", "培育类别", "入库年度", "职工总数", "高企认定日期"];

// prettier-ignore
function baseBook(): WorkbookSnapshot {
  return { sheets: [
    sheet("企业培育库", [
      ["薛城区企业培育库"],
      HEADER,
      ["甲公司", C1, "陶庄镇", utc(2010, 1, 1), "高企", 2021, 120, utc(2022, 3, 1)],
      ["乙公司", C2, "周营镇", utc(2012, 5, 1), "科小", 2022, null, null],
    ]),
    sheet("说明", [["这不是台账"]]),
  ] };
}

// prettier-ignore
/** A town's copy: columns in another order, synonym headers, an extra column of its own. */
function townBook(): WorkbookSnapshot {
  return { sheets: [
    sheet("企业", [
      ["社会信用代码", "单位名称", "镇街", "成立日期", "入库年份", "培育类型", "从业人数", "联系人"],
      // Same as the base, dates typed differently: no conflict; 从业人数 fills the base's blank.
      [C2, "乙公司", "周营镇", "2012/5/1", 2022, "科技型中小企业", 45, "张三"],
      // New enterprise.
      [C3, "丙公司", "常庄街道", "2015-06-01", 2023, "科小", 30, "李四"],
      // A wrong check character: kept and reported.
      [BAD, "丁公司", "常庄街道", "2016-01-01", 2023, "科小", 12, null],
      // No code at all: kept and reported.
      [null, "戊公司", "沙沟镇", "2017-01-01", 2023, "科小", 8, null],
    ]),
    sheet("人才", [
      ["姓名或团队", "人才工程", "级别", "入选年度", "依托单位", "所属镇街"],
      ["王五", "泰山产业领军人才", "省级", 2023, "丙公司", "常庄街道"],
    ]),
  ] };
}

// prettier-ignore
/** Another town: the same enterprise as the base with a different town and headcount. */
function otherBook(): WorkbookSnapshot {
  return { sheets: [
    sheet("企业培育库", [
      HEADER,
      ["甲公司", C1, "周营镇", utc(2010, 1, 1), "高企", 2021, 130, utc(2022, 3, 1)],
      ["丙公司（周营）", C3, "周营镇", utc(2015, 6, 1), "科小", 2023, 30, null],
      // The same invalid row the first town sent: an exact copy is not added twice.
      [ "丁公司", BAD, "常庄街道", "2016-01-01", "科小", 2023, 12],
    ]),
  ] };
}

function inputs(): [MergeInput, MergeInput[]] {
  return [{ file: "区汇总.xlsx", snapshot: baseBook() }, [{ file: "常庄街道.xlsx", snapshot: townBook() }, { file: "周营镇.xlsx", snapshot: otherBook() }]];
}

async function merged(): Promise<{ wb: WorkbookSnapshot; report: ReturnType<typeof computeMerge>["report"] }> {
  const [base, others] = inputs();
  const { report, edits } = computeMerge(base, others);
  const host = memoryHostFromSnapshot(base.snapshot);
  await host.apply(edits);
  return { wb: await readWorkbook(host), report };
}

function rowsOf(wb: WorkbookSnapshot, name: string): CellValue[][] {
  const s = wb.sheets.find((x) => x.name === name);
  assert.ok(s, name);
  return s.values;
}

function colIndex(header: CellValue[], name: string): number {
  const i = header.indexOf(name);
  assert.ok(i >= 0, `no column ${name} in ${header.join(",")}`);
  return i;
}

describe("merge job (合并台账)", () => {
  it("keeps one row per 统一社会信用代码 and appends new enterprises, with 来源文件 on every row", async () => {
    const { wb, report } = await merged();
    const rows = rowsOf(wb, "企业培育库");
    const header = rows[1];
    const code = colIndex(header, "统一社会信用代码");
    const src = colIndex(header, SOURCE_COLUMN);
    const data = rows.slice(2).filter((r) => r.some((v) => v !== null));
    const codes = data.map((r) => r[code]);
    // 甲, 乙 (base), 丙 (new), 丁 (invalid, once), 戊 (no code).
    assert.deepEqual(codes, [C1, C2, C3, BAD, null]);
    const valid = codes.filter((c) => c === C1 || c === C2 || c === C3);
    assert.equal(new Set(valid).size, valid.length, "one row per valid code");
    assert.deepEqual(data.map((r) => r[src]), ["区汇总.xlsx、周营镇.xlsx", "区汇总.xlsx、常庄街道.xlsx", "常庄街道.xlsx、周营镇.xlsx", "常庄街道.xlsx", "常庄街道.xlsx"]);
    const ent = report.ledgers.find((l) => l.kind === "enterprise")!;
    assert.deepEqual([ent.before, ent.added, ent.rows], [2, 3, 5]);
    assert.equal(report.rows, 5 + 1);
    assert.deepEqual(report.duplicates.map((d) => [d.code, d.kept.row, d.folded.map((p) => p.file)]), [
      [C1, 3, ["周营镇.xlsx"]],
      [C2, 4, ["常庄街道.xlsx"]],
      [C3, 5, ["周营镇.xlsx"]],
    ]);
    assert.deepEqual(report.copies.map((c) => [c.from.file, c.sameAs.row]), [["周营镇.xlsx", 6]]);
  });

  it("lists conflicts with every file's value and keeps the first file's", async () => {
    const { wb, report } = await merged();
    const town = report.conflicts.find((c) => c.code === C1 && c.column === "所属镇街");
    assert.ok(town);
    assert.equal(town.name, "甲公司");
    assert.equal(town.kept, "陶庄镇");
    assert.deepEqual(town.values.map((v) => [v.file, v.value, v.kept]), [["区汇总.xlsx", "陶庄镇", true], ["周营镇.xlsx", "周营镇", false]]);
    assert.ok(report.conflicts.some((c) => c.code === C1 && c.column === "职工总数"));
    assert.ok(report.conflicts.some((c) => c.code === C3 && c.column === "企业名称" && c.kept === "丙公司"));
    // The same date typed 2012/5/1 and as a date, 科小 and 科技型中小企业: not conflicts.
    assert.ok(!report.conflicts.some((c) => c.code === C2), JSON.stringify(report.conflicts.filter((c) => c.code === C2)));
    const rows = rowsOf(wb, "企业培育库");
    assert.equal(rows[2][colIndex(rows[1], "所属镇街")], "陶庄镇", "the first file's value stays");
    // The 合并冲突 sheet lists each value.
    const sheetRows = rowsOf(wb, MERGE_SHEET).map((r) => r.map((v) => (v === null ? "" : String(v))).join("|"));
    assert.ok(sheetRows.some((l) => l.includes(C1) && l.includes("所属镇街") && l.includes("周营镇.xlsx") && l.includes("未采用")));
    assert.ok(sheetRows.some((l) => l.includes(C1) && l.includes("所属镇街") && l.includes("陶庄镇") && l.includes("保留")));
  });

  it("fills a blank cell of the kept row from a later file, and says so", async () => {
    const { wb, report } = await merged();
    const rows = rowsOf(wb, "企业培育库");
    assert.equal(rows[3][colIndex(rows[1], "职工总数")], 45);
    assert.deepEqual(report.filled.map((f) => [f.code, f.column, f.value, f.from.file]), [
      [C2, "职工总数", "45", "常庄街道.xlsx"],
      [C2, "联系人", "张三", "常庄街道.xlsx"],
    ]);
  });

  it("keeps rows without a valid code and reports each with the reason", async () => {
    const { report } = await merged();
    assert.deepEqual(report.unidentified.map((u) => [u.name, u.from.file, u.from.row, u.row]), [["丁公司", "常庄街道.xlsx", 4, 6], ["戊公司", "常庄街道.xlsx", 5, 7]]);
    assert.match(report.unidentified[0].reason, /校验位错误/);
    assert.match(report.unidentified[1].reason, /未填写/);
  });

  it("maps a ledger with another column order and synonym headers onto the first file's columns; unknown columns are added", async () => {
    const { wb, report } = await merged();
    const rows = rowsOf(wb, "企业培育库");
    const h = rows[1];
    const bing = rows[4];
    assert.equal(bing[colIndex(h, "企业名称")], "丙公司");
    assert.equal(bing[colIndex(h, "所属镇街")], "常庄街道");
    assert.equal(bing[colIndex(h, "注册日期")], "2015-06-01");
    assert.equal(bing[colIndex(h, "入库年度")], 2023);
    assert.equal(bing[colIndex(h, "培育类别")], "科小");
    assert.equal(bing[colIndex(h, "职工总数")], 30);
    assert.equal(bing[colIndex(h, "联系人")], "李四");
    // The first file's columns stay where they were; new ones come after them.
    assert.deepEqual(h.slice(0, HEADER.length), HEADER);
    assert.deepEqual(report.ledgers.find((l) => l.kind === "enterprise")!.addedColumns, ["联系人", SOURCE_COLUMN]);
  });

  it("adds a ledger the first workbook lacks as a new sheet; other sheets are left alone", async () => {
    const { wb, report } = await merged();
    const talent = rowsOf(wb, "人才");
    assert.deepEqual(talent[0], ["姓名或团队", "人才工程", "级别", "入选年度", "依托单位", "所属镇街", SOURCE_COLUMN]);
    assert.deepEqual(talent[1], ["王五", "泰山产业领军人才", "省级", 2023, "丙公司", "常庄街道", "常庄街道.xlsx"]);
    assert.equal(report.ledgers.find((l) => l.kind === "talent")!.created, true);
    assert.deepEqual(rowsOf(wb, "说明"), [["这不是台账"]]);
  });

  it("never changes or removes a row of the first workbook: its own duplicates stay and are reported", async () => {
    const base = baseBook();
    base.sheets[0].values.push(["甲公司（重复录入）", C1, "陶庄镇", utc(2010, 1, 1), "高企", 2021, 121, null]);
    const { report, edits } = computeMerge({ file: "区汇总.xlsx", snapshot: base }, [{ file: "周营镇.xlsx", snapshot: otherBook() }]);
    const host = memoryHostFromSnapshot(base);
    await host.apply(edits);
    const rows = rowsOf(await readWorkbook(host), "企业培育库");
    for (let r = 0; r < base.sheets[0].values.length; r++) {
      assert.deepEqual(rows[r].slice(0, HEADER.length), base.sheets[0].values[r].slice(0, HEADER.length).map((v) => (v === undefined ? null : v)), `row ${r + 1}`);
    }
    const d = report.duplicates.find((x) => x.code === C1)!;
    assert.deepEqual(d.leftInPlace.map((p) => p.row), [5]);
    assert.deepEqual(d.folded.map((p) => p.file), ["周营镇.xlsx"]);
    const staff = report.conflicts.find((c) => c.code === C1 && c.column === "职工总数")!;
    assert.deepEqual(staff.values.map((v) => v.value), ["120", "121", "130"]);
  });

  it("merging the result with the same file again adds nothing", async () => {
    const [base, others] = inputs();
    const first = computeMerge(base, others);
    const host = memoryHostFromSnapshot(base.snapshot);
    await host.apply(first.edits);
    const once = await readWorkbook(host);
    const again = computeMerge({ file: "合并台账.xlsx", snapshot: once }, [others[0]]);
    assert.deepEqual(again.report.ledgers.map((l) => l.added), [0, 0]);
    assert.equal(again.report.conflicts.filter((c) => c.column === SOURCE_COLUMN).length, 0);
    await host.apply(again.edits);
    const twice = await readWorkbook(host);
    const src = (wb: WorkbookSnapshot) => rowsOf(wb, "企业培育库").map((r) => r[colIndex(rowsOf(wb, "企业培育库")[1], SOURCE_COLUMN)]);
    assert.deepEqual(src(twice), src(once), "来源文件 lists each file once");
  });

  it("the merged workbook is read by the other jobs: targets count the merged rows by town", async () => {
    const { wb } = await merged();
    const { report } = computeTargets(wb, { asOf: dayFromParts(2024, 12, 31) as DayNumber });
    assert.deepEqual(report.indicators.find((i) => i.key === "hitech")!.byTown, { 陶庄镇: 1 });
    const taishan = report.indicators.find((i) => i.key === "talent_taishan")!;
    assert.equal(taishan.actual, 1);
    assert.deepEqual(taishan.byTown, { 常庄街道: 1 });
    assert.ok(!report.indicators.some((i) => i.sheets.includes(MERGE_SHEET)), "合并冲突 is not read as a ledger");
  });

  it("reports a file without any ledger and merges nothing from it", () => {
    const { report, edits } = computeMerge({ file: "a.xlsx", snapshot: baseBook() }, [{ file: "空.xlsx", snapshot: { sheets: [sheet("Sheet1", [["随便写的"]])] } }]);
    assert.equal(report.issues.length, 1);
    assert.match(report.issues[0].message, /空\.xlsx.*没有找到台账/);
    assert.deepEqual(report.ledgers.map((l) => l.added), [0]);
    assert.ok(edits.every((e) => e.type !== "setValues" || e.sheet !== "说明"));
  });
});

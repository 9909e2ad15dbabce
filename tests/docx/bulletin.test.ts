import { strict as assert } from "assert";
import { generateSampleWorkbook } from "../../samples/generate";
import { dayFromParts, DayNumber } from "../../src/dates";
import { bulletinDocx, FONT_TABLE_XML } from "../../src/docx/bulletin-docx";
import { buildBulletin, bulletinYear, percentText } from "../../src/jobs/bulletin";
import { computeTargets } from "../../src/jobs/targets";
import { bulletinCharts } from "../../src/cli/commands/report";
import { openDocx, paragraphs, pngSize, tableRows } from "../support/docx";

const AS_OF = dayFromParts(2024, 12, 31) as DayNumber;

describe("bulletin (通报) content and .docx", function () {
  this.timeout(60_000);
  const { report } = computeTargets(generateSampleWorkbook(), { asOf: AS_OF });
  const bulletin = buildBulletin(report, { asOf: AS_OF });

  it("formats completion as a percent with one decimal, half up, from exact values", () => {
    assert.equal(percentText(2 / 3), "66.7%");
    assert.equal(percentText(0.0625), "6.3%");
    assert.equal(percentText(1), "100.0%");
    assert.equal(percentText(0), "0.0%");
    assert.equal(percentText(null), "—");
  });

  it("takes the as-of year's allocation, else the latest year before it", () => {
    assert.equal(bulletinYear(report, AS_OF), 2024);
    assert.equal(bulletinYear(report, dayFromParts(2025, 3, 1) as DayNumber), 2024);
    assert.equal(bulletinYear({ ...report, allocation: { ...report.allocation, years: [] } }, AS_OF), null);
  });

  it("ranks every town and department with the numbers of the 目标完成情况 sheet", () => {
    assert.equal(bulletin.year, 2024);
    assert.deepEqual(bulletin.units.map((u) => u.kind), ["town", "department"]);
    for (const u of bulletin.units) {
      const expected = report.allocation.units.filter((x) => x.year === 2024 && x.unitKind === u.kind);
      assert.deepEqual(
        u.ranking.map((r) => [r.rank, r.unit, r.completion]),
        expected.map((x) => [String(x.rank), x.unit, percentText(x.completion)]),
      );
      assert.equal(u.bars.length, expected.length);
    }
    assert.equal(bulletin.units[0].ranking.length, 8);
    // Furthest behind first.
    const behind = bulletin.behind.items.map((b) => b.name);
    assert.ok(behind.length > 0 && behind.length <= 5);
    const completions = report.indicators.filter((i) => i.status === "未达成").sort((a, b) => (a.completion ?? 0) - (b.completion ?? 0));
    assert.equal(behind[0].startsWith(completions[0].name), true);
  });

  it("writes a .docx that reads back with every unit, its rank and its numbers, Chinese fonts named, and the charts", async () => {
    const charts = bulletinCharts(bulletin, null);
    const bytes = await bulletinDocx(bulletin, charts);
    const docx = openDocx(bytes);
    const doc = docx.xml("word/document.xml");
    const rows = tableRows(doc);
    const text = paragraphs(doc).join("\n");
    assert.match(text, /关于全区科技创新目标任务完成情况的通报/);
    assert.match(text, /（截至2024年12月31日）/);
    assert.match(text, /薛城区科学技术局/);

    // The district table: every indicator with target, actual and completion.
    for (const i of report.indicators) {
      const row = rows.find((r) => r[1]?.startsWith(i.name) && r.length === 8);
      assert.ok(row, i.name);
      assert.deepEqual(row.slice(3, 7), [`${i.target}${i.unit}`, `${i.actual}${i.unit}`, percentText(i.completion), i.status]);
    }
    // Every unit's ranking row, and every allocation in the detail table.
    for (const u of report.allocation.units.filter((x) => x.year === 2024)) {
      const row = rows.find((r) => r.length === 6 && r[1] === u.unit);
      assert.ok(row, u.unit);
      assert.deepEqual(row.slice(0, 5), [String(u.rank), u.unit, String(u.counted + u.unknown), String(u.reached), percentText(u.completion)]);
    }
    for (const i of report.indicators) {
      for (const a of i.allocations.filter((x) => x.year === 2024)) {
        const row = rows.find((r) => r.length === 7 && r[0] === a.unit && r[1] === i.name);
        assert.ok(row, `${a.unit} ${i.name}`);
        assert.deepEqual(row.slice(2, 6), [`${a.target}${i.unit}`, `${a.actual}${i.unit}`, percentText(a.completion), a.status]);
        assert.match(row[6], new RegExp(`^${a.rank}/`));
      }
    }

    // Fonts: East Asian fonts on the runs, a font table with the Windows names, zh-CN.
    assert.match(doc, /w:eastAsia="宋体"/);
    assert.match(doc, /w:eastAsia="黑体"/);
    assert.match(doc, /w:hint="eastAsia"/);
    const styles = docx.xml("word/styles.xml");
    assert.match(styles, /<w:rFonts[^>]*w:eastAsia="仿宋"/);
    assert.match(styles, /<w:lang[^>]*w:eastAsia="zh-CN"/);
    assert.equal(docx.xml("word/fontTable.xml"), FONT_TABLE_XML);
    for (const alt of ["SimSun", "FangSong", "SimHei", "KaiTi"]) assert.match(FONT_TABLE_XML, new RegExp(`w:altName w:val="${alt}"`));

    // One PNG per kind of unit, referenced from the document, with the bars in its description.
    const media = Object.keys(docx.files).filter((f) => f.startsWith("word/media/"));
    assert.equal(media.length, 2);
    for (const m of media) {
      const size = pngSize(docx.files[m]);
      assert.ok(size.width === 1160 && size.height > 100, JSON.stringify(size));
    }
    assert.match(docx.xml("word/_rels/document.xml.rels"), /media\/[^"]+\.png/);
    assert.match(doc, /descr="周营镇 100\.0%/);
    // No font was given: bars numbered, and the caption says so.
    assert.match(text, /图1　2024年各镇（街道）综合完成率（图中数字为排名，见上表）/);
  });

  it("without a 目标分解 sheet says so and gives the actual counts by town", async () => {
    const wb = generateSampleWorkbook();
    wb.sheets = wb.sheets.filter((s) => s.name !== "目标分解");
    const r = computeTargets(wb, { asOf: AS_OF }).report;
    const b = buildBulletin(r, { asOf: AS_OF, issuer: "某某局" });
    assert.equal(b.year, null);
    assert.deepEqual(b.units, []);
    assert.match(b.noAllocation ?? "", /没有“目标分解”工作表.*高新技术企业：/);
    const doc = openDocx(await bulletinDocx(b, {})).xml("word/document.xml");
    assert.match(paragraphs(doc).join("\n"), /某某局/);
    assert.ok(!/<pic:pic/.test(doc), "no chart");
  });
});

/**
 * The bulletin (通报) as a Word document, written with the small WordprocessingML writer of
 * wordml.ts from the plain content of src/jobs/bulletin.ts and the chart images. Laid out as
 * government documents are (GB/T 9704): A4, margins 3.7 / 3.5 / 2.8 / 2.6 cm, title in 宋体 二号
 * bold, body in 仿宋 三号 with fixed 28 pt lines, first-level headings in 黑体, tables in 宋体 五号,
 * page numbers "— 1 —" in the footer. Every run names its East Asian font (w:eastAsia, hint
 * eastAsia) and the font table gives each Chinese font its Windows name (altName SimSun,
 * FangSong, SimHei, KaiTi), charset GB2312 and PANOSE, so Word, WPS and LibreOffice pick the same
 * or a matching font. Runs in Node and in the browser.
 */
import { imageRun, InlineImage, packDocx, pageField, para, RunStyle, table as wordTable, textRun } from "./wordml";
import { Bulletin, BulletinUnits } from "../jobs/bulletin";
import { UnitKind } from "../jobs/allocations";

/** Fonts by role; the East Asian name is what Word and WPS on Chinese Windows list. */
export const BULLETIN_FONTS = { title: "宋体", body: "仿宋", heading: "黑体", subtitle: "楷体", table: "宋体", latin: "Times New Roman" } as const;

/** The font table written into the document (word/fontTable.xml). */
export const FONT_TABLE_XML =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
  '<w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>' +
  '<w:font w:name="宋体"><w:altName w:val="SimSun"/><w:panose1 w:val="02010600030101010101"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>' +
  '<w:font w:name="仿宋"><w:altName w:val="FangSong"/><w:panose1 w:val="02010609060101010101"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>' +
  '<w:font w:name="黑体"><w:altName w:val="SimHei"/><w:panose1 w:val="02010609060101010101"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>' +
  '<w:font w:name="楷体"><w:altName w:val="KaiTi"/><w:panose1 w:val="02010609060101010101"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>' +
  "</w:fonts>";

/** A chart image for one kind of unit. */
export interface BulletinChart {
  png: Uint8Array;
  /** Pixels of the image (shown at half size: it is drawn at twice the resolution). */
  width: number;
  height: number;
  /** Bars labelled with their rank (no Chinese font where it was drawn). */
  numbered: boolean;
}

const PT = 2; // sizes are in half-points
const SIZE = { title: 22 * PT, body: 16 * PT, table: 10.5 * PT, note: 12 * PT, footer: 14 * PT };
/** A4 text width with 2.8 + 2.6 cm margins, in twips. */
const TEXT_WIDTH = 11906 - 1587 - 1474;

function style(eastAsia: string, halfPoints: number, bold = false): RunStyle {
  return { eastAsia, latin: BULLETIN_FONTS.latin, halfPoints, bold };
}

function run(text: string, eastAsia: string, size: number, bold = false): string {
  return textRun(text, style(eastAsia, size, bold));
}

/** Fixed 28 pt lines (GB/T 9704). */
const BODY_LINE = 560;

function body(text: string, indent = true): string {
  return para([run(text, BULLETIN_FONTS.body, SIZE.body)], { exactLine: BODY_LINE, firstLine: indent ? 640 : undefined, align: "both" });
}

function heading(text: string): string {
  return para([run(text, BULLETIN_FONTS.heading, SIZE.body)], { exactLine: BODY_LINE, firstLine: 640, keepNext: true });
}

function note(text: string): string {
  return para([run(text, BULLETIN_FONTS.body, SIZE.note)], { exactLine: 360, firstLine: 480 });
}

/** A table filling the text width; `weights` are relative column widths; columns in `wide` are left-aligned. */
function table(header: string[], rows: string[][], weights: number[], wide: number[] = []): string {
  const total = weights.reduce((a, b) => a + b, 0);
  const widths = weights.map((w) => Math.floor((TEXT_WIDTH * w) / total));
  return wordTable(
    widths,
    [header.map((text) => ({ text, align: "center" as const, bold: true })), ...rows.map((r) => r.map((text, i) => ({ text, align: wide.includes(i) ? ("left" as const) : ("center" as const) })))],
    style(BULLETIN_FONTS.table, SIZE.table),
  );
}

function caption(text: string): string {
  return para([run(text, BULLETIN_FONTS.body, SIZE.note)], { align: "center", before: 60, after: 120 });
}

function right(text: string): string {
  return para([run(text, BULLETIN_FONTS.body, SIZE.body)], { align: "right", exactLine: BODY_LINE, right: 640 });
}

const CHINESE_NUMBERS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

function unitSection(u: BulletinUnits, n: number, chart: BulletinChart | undefined, figure: number, images: InlineImage[]): string[] {
  const out: string[] = [heading(`${CHINESE_NUMBERS[n]}、${u.heading}`), body(u.summary)];
  out.push(
    table(
      ["排名", u.label, "分解指标数", "已达成", "综合完成率", "未完成的指标（完成率）"],
      u.ranking.map((r) => [r.rank, r.unit, String(r.allocations), String(r.reached), r.completion, r.behind]),
      [7, 12, 11, 8, 11, 36],
      [5],
    ),
  );
  if (chart) {
    // Drawn at twice the resolution: shown at half its pixels.
    const img: InlineImage = { png: chart.png, width: Math.round(chart.width / 2), height: Math.round(chart.height / 2), name: u.chartTitle, description: u.bars.map((b) => `${b.label} ${b.valueText}`).join("，") };
    images.push(img);
    out.push(para([imageRun(images.length - 1, img)], { align: "center", before: 160 }));
    out.push(caption(`图${figure}　${u.chartTitle}${chart.numbered ? "（图中数字为排名，见上表）" : ""}`));
  }
  out.push(body(`各${u.label === "镇街" ? "镇（街道）" : "部门"}分指标完成情况如下表（排名为该指标在各${u.label === "镇街" ? "镇（街道）" : "部门"}中的名次）。`));
  out.push(
    table(
      [u.label, "指标", "分解目标", "实际", "完成率", "状态", "排名"],
      u.details.map((d) => [d.unit, d.indicator, d.target, d.actual, d.completion, d.status, d.rank]),
      [11, 30, 10, 9, 10, 9, 8],
      [1],
    ),
  );
  return out;
}

/** The bulletin as .docx bytes. `charts` by kind of unit (towns, departments). */
export async function bulletinDocx(b: Bulletin, charts: Partial<Record<UnitKind, BulletinChart>> = {}): Promise<Uint8Array> {
  const children: string[] = [];
  const images: InlineImage[] = [];
  children.push(para([run(b.title, BULLETIN_FONTS.title, SIZE.title, true)], { align: "center", before: 240, after: 120, exactLine: 700 }));
  children.push(para([run(b.dateLine, BULLETIN_FONTS.subtitle, SIZE.body)], { align: "center", exactLine: BODY_LINE, after: 240 }));
  children.push(body(b.addressee, false));
  children.push(body(b.intro));

  let n = 0;
  children.push(heading(`${CHINESE_NUMBERS[n++]}、${b.district.heading}`));
  children.push(body(b.district.summary));
  children.push(
    table(
      ["序号", "指标", "口径", "目标", "实际", "完成率", "状态", "尚差"],
      b.district.rows.map((r) => [String(r.no), r.name, r.kindLabel, r.target, r.actual, r.completion, r.status, r.gap]),
      [7, 31, 17, 8, 8, 10, 10, 7],
      [1],
    ),
  );

  let figure = 1;
  for (const u of b.units) {
    children.push(...unitSection(u, n++, charts[u.kind], figure, images));
    if (charts[u.kind]) figure++;
  }
  if (b.noAllocation) {
    children.push(heading(`${CHINESE_NUMBERS[n++]}、各镇（街道）、部门完成情况`));
    children.push(body(b.noAllocation));
  }

  children.push(heading(`${CHINESE_NUMBERS[n++]}、${b.behind.heading}`));
  if (b.behind.items.length === 0) children.push(body("各项指标均已达成。"));
  b.behind.items.forEach((it, i) => children.push(body(`（${CHINESE_NUMBERS[i] ?? i + 1}）${it.name}：${it.text}`)));

  children.push(heading(`${CHINESE_NUMBERS[n++]}、${b.closing.heading}`));
  children.push(body(b.closing.text));

  children.push(para([], { exactLine: BODY_LINE }));
  children.push(right(b.issuer));
  children.push(right(b.signDate));

  children.push(para([run("附：统计口径", BULLETIN_FONTS.heading, SIZE.note)], { before: 240 }));
  for (const x of b.notes) children.push(note(x));

  const footerStyle = style(BULLETIN_FONTS.body, SIZE.footer);
  return packDocx({
    body: children,
    images,
    footer: [textRun("— ", footerStyle), pageField(footerStyle), textRun(" —", footerStyle)],
    defaults: { ...style(BULLETIN_FONTS.body, SIZE.body), language: "zh-CN" },
    page: { width: 11906, height: 16838, top: 2098, bottom: 1984, left: 1587, right: 1474, footer: 992 },
    fontTableXml: FONT_TABLE_XML,
    properties: { title: b.title, creator: b.issuer, description: `${b.title}${b.dateLine}` },
  });
}

/**
 * The bulletin (通报) as a Word document, written with the `docx` library from the plain content
 * of src/jobs/bulletin.ts and the chart images. Laid out as government documents are (GB/T 9704):
 * A4, margins 3.7 / 3.5 / 2.8 / 2.6 cm, title in 宋体 二号 bold, body in 仿宋 三号 with fixed 28 pt
 * lines, first-level headings in 黑体, tables in 宋体 五号, page numbers "— 1 —" in the footer.
 * Every run names its East Asian font (w:eastAsia, hint eastAsia) and the font table gives each
 * Chinese font its Windows name (altName SimSun, FangSong, SimHei, KaiTi), charset GB2312 and
 * PANOSE, so Word, WPS and LibreOffice pick the same or a matching font. Runs in Node and in the
 * browser (Packer.toArrayBuffer).
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  ImageRun,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
} from "docx";
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

const PT = 2; // docx sizes are in half-points
const SIZE = { title: 22 * PT, body: 16 * PT, table: 10.5 * PT, note: 12 * PT };
/** A4 text width with 2.8 + 2.6 cm margins, in twips. */
const TEXT_WIDTH = 11906 - 1587 - 1474;

function font(eastAsia: string) {
  return { ascii: BULLETIN_FONTS.latin, hAnsi: BULLETIN_FONTS.latin, cs: BULLETIN_FONTS.latin, eastAsia, hint: "eastAsia" as const };
}

function run(text: string, eastAsia: string, size: number, bold = false): TextRun {
  return new TextRun({ text, font: font(eastAsia), size, bold });
}

const BODY_LINE = { line: 560, lineRule: LineRuleType.EXACT };

function body(text: string, indent = true): Paragraph {
  return new Paragraph({ children: [run(text, BULLETIN_FONTS.body, SIZE.body)], spacing: BODY_LINE, indent: indent ? { firstLine: 640 } : undefined, alignment: AlignmentType.JUSTIFIED });
}

function heading(text: string): Paragraph {
  return new Paragraph({ children: [run(text, BULLETIN_FONTS.heading, SIZE.body)], spacing: BODY_LINE, indent: { firstLine: 640 }, keepNext: true });
}

function note(text: string): Paragraph {
  return new Paragraph({ children: [run(text, BULLETIN_FONTS.body, SIZE.note)], spacing: { line: 360, lineRule: LineRuleType.EXACT }, indent: { firstLine: 480 } });
}

const BORDER = { style: BorderStyle.SINGLE, size: 4, color: "000000" };

function cell(text: string, width: number, opts: { bold?: boolean; align?: (typeof AlignmentType)[keyof typeof AlignmentType] } = {}): TableCell {
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    verticalAlign: VerticalAlign.CENTER,
    margins: { top: 40, bottom: 40, left: 80, right: 80 },
    borders: { top: BORDER, bottom: BORDER, left: BORDER, right: BORDER },
    children: [new Paragraph({ alignment: opts.align ?? AlignmentType.CENTER, children: [run(text, BULLETIN_FONTS.table, SIZE.table, opts.bold)] })],
  });
}

/** A table filling the text width; `weights` are relative column widths; column `wide` is left-aligned. */
function table(header: string[], rows: string[][], weights: number[], wide: number[] = []): Table {
  const total = weights.reduce((a, b) => a + b, 0);
  const widths = weights.map((w) => Math.floor((TEXT_WIDTH * w) / total));
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    rows: [
      new TableRow({ tableHeader: true, children: header.map((h, i) => cell(h, widths[i], { bold: true })) }),
      ...rows.map((r) => new TableRow({ cantSplit: true, children: r.map((v, i) => cell(v, widths[i], { align: wide.includes(i) ? AlignmentType.LEFT : AlignmentType.CENTER })) })),
    ],
  });
}

function caption(text: string): Paragraph {
  return new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 60, after: 120 }, children: [run(text, BULLETIN_FONTS.body, SIZE.note)] });
}

const CHINESE_NUMBERS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

function unitSection(u: BulletinUnits, n: number, chart: BulletinChart | undefined, figure: number): (Paragraph | Table)[] {
  const out: (Paragraph | Table)[] = [heading(`${CHINESE_NUMBERS[n]}、${u.heading}`), body(u.summary)];
  out.push(
    table(
      ["排名", u.label, "分解指标数", "已达成", "综合完成率", "未完成的指标（完成率）"],
      u.ranking.map((r) => [r.rank, r.unit, String(r.allocations), String(r.reached), r.completion, r.behind]),
      [7, 12, 11, 8, 11, 36],
      [5],
    ),
  );
  if (chart) {
    out.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: { before: 160 },
        children: [
          new ImageRun({
            type: "png",
            data: chart.png,
            transformation: { width: Math.round(chart.width / 2), height: Math.round(chart.height / 2) },
            altText: { name: u.chartTitle, title: u.chartTitle, description: u.bars.map((b) => `${b.label} ${b.valueText}`).join("，") },
          }),
        ],
      }),
    );
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
  const children: (Paragraph | Table)[] = [];
  children.push(new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 240, after: 120, line: 700, lineRule: LineRuleType.EXACT }, children: [run(b.title, BULLETIN_FONTS.title, SIZE.title, true)] }));
  children.push(new Paragraph({ alignment: AlignmentType.CENTER, spacing: { ...BODY_LINE, after: 240 }, children: [run(b.dateLine, BULLETIN_FONTS.subtitle, SIZE.body)] }));
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
    children.push(...unitSection(u, n++, charts[u.kind], figure));
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

  children.push(new Paragraph({ spacing: BODY_LINE, children: [] }));
  children.push(new Paragraph({ alignment: AlignmentType.RIGHT, spacing: BODY_LINE, indent: { right: 640 }, children: [run(b.issuer, BULLETIN_FONTS.body, SIZE.body)] }));
  children.push(new Paragraph({ alignment: AlignmentType.RIGHT, spacing: BODY_LINE, indent: { right: 640 }, children: [run(b.signDate, BULLETIN_FONTS.body, SIZE.body)] }));

  children.push(new Paragraph({ spacing: { before: 240 }, children: [run("附：统计口径", BULLETIN_FONTS.heading, SIZE.note)] }));
  for (const x of b.notes) children.push(note(x));

  const doc = new Document({
    creator: b.issuer,
    title: b.title,
    description: `${b.title}${b.dateLine}`,
    styles: {
      default: {
        document: {
          run: { font: font(BULLETIN_FONTS.body), size: SIZE.body, language: { value: "zh-CN", eastAsia: "zh-CN" } },
        },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: 11906, height: 16838 },
            margin: { top: 2098, bottom: 1984, left: 1587, right: 1474, footer: 992 },
          },
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [new TextRun({ children: ["— ", PageNumber.CURRENT, " —"], font: font(BULLETIN_FONTS.body), size: 14 * PT })],
              }),
            ],
          }),
        },
        children,
      },
    ],
  });
  const buf = await Packer.toArrayBuffer(doc, false, [{ path: "word/fontTable.xml", data: FONT_TABLE_XML }]);
  return new Uint8Array(buf);
}

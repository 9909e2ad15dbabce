/**
 * kj report: the progress bulletin (通报) as a Word document (计划 三（一）"适时通报进展情况").
 * Counts with the targets job (the numbers of the 目标完成情况 sheet), builds the bulletin's
 * content (src/jobs/bulletin.ts), draws the completion charts as PNG in pure JavaScript with a
 * Chinese font found on the machine, writes the .docx with the docx library, atomically.
 */
import { Command } from "commander";
import * as path from "path";
import { Writable } from "stream";
import { buildBulletin, Bulletin } from "../../jobs/bulletin";
import { upkeepPackFor } from "../../policy/upkeep-schema";
import { computeTargets } from "../../jobs/targets";
import { barChart } from "../../docx/chart";
import { BulletinChart, bulletinDocx } from "../../docx/bulletin-docx";
import { drawingToPng, OutlineFont } from "../../docx/raster";
import { saveStreamAtomic } from "../../host/xlsx/file";
import { UnitKind } from "../../jobs/allocations";
import { CliError, EXIT } from "../../errors";
import { Io, parseDateOption } from "../common";
import { findChineseFont, loadFont } from "../fonts";
import { progressBar } from "../progress-bar";
import { run } from "../run";
import { openForJob, shownName } from "./job-io";
import { loadPolicyFiles, policiesForWorkbook, withPolicyOption } from "../policy-io";

export interface ReportOptions {
  asOf?: string;
  out?: string;
  issuer?: string;
  font?: string;
  json?: boolean;
  policy?: string[];
}

export function registerReport(program: Command, io: Io): void {
  const cmd = program
    .command("report")
    .description("进展通报：按目标完成情况和“目标分解”，生成 Word 通报（全区完成情况、各镇街和部门的完成率与排名、滞后指标、完成率图）")
    .argument("<台账.xlsx>", "含各类台账（和“目标分解”工作表）的工作簿（只读取，不会被修改）")
    .option("--as-of <YYYY-MM-DD>", "统计截止日期（评价日）；默认今天")
    .option("--out <通报.docx>", "保存通报的 Word 文件（必填）")
    .option("--issuer <单位>", "落款单位，默认“薛城区科学技术局”")
    .option("--font <字体文件>", "绘制图表用的中文字体文件（.ttf/.otf/.ttc）；默认使用本机已有的黑体、微软雅黑、宋体或 Noto CJK 等")
    .option("--json", "以 JSON 输出摘要");
  withPolicyOption(cmd)
    .addHelpText(
      "after",
      "\n政策：与 kj targets 相同，按评价日所在的计划政策包统计；工作簿中保存的政策包和 --policy 给出的政策包一并使用。\n" +
        "说明：数字与 kj targets 写入“目标完成情况”工作表的相同；完成率保留一位小数。正文为仿宋三号，标题宋体，一级标题黑体，\n" +
        "      可直接在 Word、WPS 中打开编辑。本机没有中文字体时，图中各柱以排名编号标注（通报中注明）。\n" +
        "退出码：0 已生成；2 无法生成（文件不存在、不是 .xlsx、没有任何台账、日期无法识别、政策包有误、缺少 --out 或不是 .docx）。\n" +
        "示例：kj report 台账.xlsx --as-of 2024-06-30 --out 2024年上半年科技创新目标任务完成情况通报.docx",
    )
    .action((file: string, opts: ReportOptions) => run(io, Boolean(opts.json), () => reportCommand(file, opts, io)));
}

/** The charts of a bulletin, one per kind of unit, drawn with `font` (null: numbered bars). */
export function bulletinCharts(b: Bulletin, font: OutlineFont | null): Partial<Record<UnitKind, BulletinChart>> {
  const out: Partial<Record<UnitKind, BulletinChart>> = {};
  for (const u of b.units) {
    if (u.bars.length === 0) continue;
    const cjk = font !== null && u.bars.every((bar) => font.covers(bar.label));
    const d = barChart(u.bars, { cjk });
    out[u.kind] = { png: drawingToPng(d, cjk ? font : null), width: d.width, height: d.height, numbered: d.numbered };
  }
  return out;
}

/** The body of `kj report`; resolves to the exit code. */
export async function reportCommand(file: string, opts: ReportOptions, io: Io): Promise<number> {
  const asOf = parseDateOption(opts.asOf, "统计截止日期") ?? io.today();
  if (opts.out === undefined) throw new CliError("out_missing", "请用 --out 指定保存通报的 Word 文件，例如 --out 通报.docx");
  if (path.extname(opts.out).toLowerCase() !== ".docx") throw new CliError("out_not_docx", `--out 的文件名应以 .docx 结尾（现在是“${opts.out}”）`);
  let font: OutlineFont | null = null;
  let fontFile: string | null = null;
  if (opts.font !== undefined) {
    font = loadFont(opts.font);
    if (!font) throw new CliError("font_unusable", `无法使用字体文件“${opts.font}”：文件不存在、无法读取或不含汉字，请换一个 .ttf/.otf/.ttc 中文字体`);
    fontFile = opts.font;
  }
  const extra = loadPolicyFiles(opts.policy);
  const bar = progressBar(io.isTTY ? (s) => process.stderr.write(s) : null);
  const steps = 5;
  let bytes: Uint8Array;
  let bulletin: Bulletin;
  let numbered = false;
  try {
    bar.update(0, steps, "读取台账");
    const opened = await openForJob(file, undefined, io.err);
    bar.update(1, steps, "统计");
    const policies = policiesForWorkbook(opened.snapshot, file, extra);
    const { report } = computeTargets(opened.snapshot, { asOf }, policies.plans, upkeepPackFor(asOf, policies.upkeep).rules);
    if (report.indicators.every((i) => i.status === "缺少台账")) {
      throw new CliError("no_ledger", `“${shownName(file)}”中没有找到企业培育库、创新平台、人才或科技计划项目台账，无法生成通报`);
    }
    bulletin = buildBulletin(report, { asOf, issuer: opts.issuer });
    bar.update(2, steps, "绘制图表");
    if (!font && bulletin.units.length > 0) {
      const found = findChineseFont();
      font = found?.font ?? null;
      fontFile = found?.file ?? null;
    }
    const charts = bulletinCharts(bulletin, font);
    numbered = Object.values(charts).some((c) => c?.numbered);
    bar.update(3, steps, "生成文档");
    bytes = await bulletinDocx(bulletin, charts);
    bar.update(4, steps, "保存");
  } finally {
    bar.done();
  }
  const saved = await saveStreamAtomic(
    (stream: Writable) => new Promise<void>((resolve, reject) => stream.write(Buffer.from(bytes), (e) => (e ? reject(e) : resolve()))),
    opts.out,
    { inputPath: file },
  );
  if (opts.json) {
    io.out(
      JSON.stringify({
        file,
        asOf: bulletin.signDate,
        out: saved.path,
        title: bulletin.title,
        year: bulletin.year,
        units: bulletin.units.map((u) => ({ kind: u.kind, label: u.label, ranking: u.ranking })),
        behind: bulletin.behind.items,
        chartFont: fontFile,
        numberedCharts: numbered,
      }),
    );
  } else {
    io.out(`已生成通报：${saved.path}（${bulletin.title}${bulletin.dateLine}；原工作簿未改动）`);
    for (const u of bulletin.units) io.out(`  ${u.label}排名：${u.ranking.map((r) => `${r.rank}. ${r.unit} ${r.completion}`).join("，")}`);
    if (bulletin.noAllocation) io.out("  工作簿中没有“目标分解”工作表：通报只有全区完成情况和按镇街的实际数。");
    if (numbered) io.out("  注意：本机没有找到中文字体，图中各柱以排名编号标注；可用 --font 指定字体文件（如 C:\\Windows\\Fonts\\simhei.ttf）。");
  }
  return EXIT.ok;
}

/**
 * Where the pane meets the year-start jobs of 计划 三（一）: each town's and department's
 * attainment against its allocation (目标分解), merging the ledgers of workbooks the user picks
 * into the open one (kj merge's core job, the files read with the browser File API and the same
 * streamed reader the CLI uses), and the Word bulletin (kj report's content and document,
 * the charts drawn on a canvas with the computer's own Chinese fonts).
 */
import { Buffer } from "buffer";
import { DayNumber, formatDay } from "../src/dates";
import { Edit, WorkbookSnapshot } from "../src/host/port";
import { isPackageRefused } from "../src/host/xlsx/package";
import { streamSnapshot } from "../src/host/xlsx/stream";
import { ALLOCATION_SHEETS } from "../src/jobs/allocations";
import { buildBulletin, bulletinYear, percentText } from "../src/jobs/bulletin";
import { computeMerge, MergeReport } from "../src/jobs/merge";
import { computeTargets, TargetsReport } from "../src/jobs/targets";
import { LoadedPlan } from "../src/policy/plans";
import { workbookRegistry } from "../src/policy/stored";
import { upkeepPackFor } from "../src/policy/upkeep-schema";
import { Issue } from "../src/jobs/types";
import { barChart, Drawing } from "../src/docx/chart";
import type { BulletinChart } from "../src/docx/bulletin-docx";
import type { UnitKind } from "../src/jobs/allocations";
import { HostMode, UserMessage } from "./context";
import { wpsApplication } from "./detect";

// ---------------------------------------------------------------- 各单位完成情况

export interface UnitRowView {
  rank: string;
  unit: string;
  completion: string;
  reached: number;
  allocations: number;
  behind: string;
}

export interface UnitsView {
  asOf: string;
  policy: { title: string; from: string; to: string };
  /** Some indicator could be counted (a bulletin can be made). */
  counted: boolean;
  year: number | null;
  /** The allocation sheet read, or null (the page offers to create one). */
  sheet: string | null;
  groups: { label: string; rows: UnitRowView[] }[];
  issues: Issue[];
  rule: string;
}

export function unitsView(wb: WorkbookSnapshot, asOf: DayNumber, packs: readonly LoadedPlan[] = workbookRegistry(wb).plans): UnitsView {
  const { report } = computeTargets(wb, { asOf }, packs, upkeepPackFor(asOf, workbookRegistry(wb).upkeep).rules);
  const b = buildBulletin(report, { asOf });
  return {
    asOf: report.asOf,
    policy: report.policy,
    counted: report.indicators.some((i) => i.status !== "缺少台账"),
    year: bulletinYear(report, asOf),
    sheet: report.allocation.sheet,
    groups: b.units.map((u) => ({
      label: u.label,
      rows: u.ranking.map((r) => ({ rank: r.rank, unit: r.unit, completion: r.completion, reached: r.reached, allocations: r.allocations, behind: r.behind })),
    })),
    issues: report.allocation.issues,
    rule: report.allocation.rule,
  };
}

/** The edits that create an empty 目标分解 sheet with its header (only when the workbook has none). */
export function allocationTemplateEdits(wb: WorkbookSnapshot): Edit[] {
  if (wb.sheets.some((s) => (ALLOCATION_SHEETS as readonly string[]).includes(s.name.trim()))) return [];
  const sheet = ALLOCATION_SHEETS[0];
  return [
    { type: "ensureSheet", sheet },
    { type: "setValues", sheet, row: 1, col: 1, values: [["年度", "指标", "镇街", "主管部门", "目标数"]] },
    { type: "bold", sheet, row: 1, col: 1, rows: 1, cols: 5 },
    { type: "columnWidths", sheet, col: 1, widths: [8, 30, 14, 12, 10] },
  ];
}

// ---------------------------------------------------------------- 合并台账

/** Largest workbook the pane reads (bigger ones: kj merge on a computer). */
export const MAX_PICKED_BYTES = 50 * 1024 * 1024;

export interface PickedFile {
  name: string;
  bytes: Uint8Array;
}

/** Reads a picked file as a workbook snapshot, with a Chinese message when it is not a usable .xlsx. */
export async function snapshotOfPicked(f: PickedFile): Promise<WorkbookSnapshot> {
  if (f.bytes.length > MAX_PICKED_BYTES) throw new UserMessage(`“${f.name}”超过 ${MAX_PICKED_BYTES / 1024 / 1024} MB，请在电脑上用 kj merge 合并`);
  const zip = f.bytes.length >= 4 && f.bytes[0] === 0x50 && f.bytes[1] === 0x4b;
  if (!zip) throw new UserMessage(`无法读取“${f.name}”：不是 Excel 工作簿（.xlsx）。旧版 .xls/.et 或 CSV 请先在 Excel/WPS 中另存为 .xlsx`);
  try {
    return await streamSnapshot(Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.length));
  } catch (e) {
    // The same package policy as the CLI: its refusal says why, in Chinese.
    if (isPackageRefused(e)) throw new UserMessage(`无法打开“${f.name}”：${e.reason}`);
    throw new UserMessage(`无法读取“${f.name}”：文件已损坏或不是标准的 .xlsx（${e instanceof Error ? e.message : String(e)}）。请用 Excel/WPS 打开后另存为 .xlsx`);
  }
}

/**
 * The open workbook's file name for its rows' 来源文件: Excel's document URL or WPS's
 * ActiveWorkbook.Name; 当前工作簿 when the host does not say (a new, unsaved workbook).
 */
export function openWorkbookName(mode: HostMode, win: unknown = window): string {
  const fallback = mode === "demo" ? "示例台账.xlsx" : "当前工作簿";
  try {
    if (mode === "excel") {
      const url = (win as { Office?: { context?: { document?: { url?: unknown } } } }).Office?.context?.document?.url;
      const name = typeof url === "string" ? decodeURIComponent(url.split(/[\\/]/).pop() ?? "").replace(/[?#].*$/, "") : "";
      return name.trim() || fallback;
    }
    if (mode === "wps") {
      const app = wpsApplication(win) as { ActiveWorkbook?: { Name?: unknown } } | null;
      const wb = app?.ActiveWorkbook;
      const name = typeof wb?.Name === "function" ? (wb.Name as () => unknown)() : wb?.Name;
      return typeof name === "string" && name.trim() ? name.trim() : fallback;
    }
  } catch {
    /* the host did not say */
  }
  return fallback;
}

export interface MergePreview {
  report: MergeReport;
  edits: Edit[];
  /** Short lines for the pane. */
  lines: string[];
  /** What 合并到当前工作簿 writes where, for the action bar. */
  writeText: string;
}

/** The merge of the picked files into the open workbook (nothing written yet). */
export async function mergePreview(open: WorkbookSnapshot, picked: readonly PickedFile[], openName = "当前工作簿"): Promise<MergePreview> {
  if (picked.length === 0) throw new UserMessage("请先选择要合并的工作簿（.xlsx，可多选）");
  const others = [];
  for (const f of picked) others.push({ file: f.name, snapshot: await snapshotOfPicked(f) });
  const { report, edits } = computeMerge({ file: openName, snapshot: open }, others);
  if (report.ledgers.length === 0) throw new UserMessage("所选文件和当前工作簿中都没有找到台账，无法合并");
  const lines = report.ledgers.map((l) => `${l.title}（“${l.sheet}”${l.created ? "，将新建" : ""}）：原有 ${l.before} 行，新增 ${l.added} 行，合并后 ${l.rows} 行`);
  lines.push(`重复 ${report.duplicates.length} 处，冲突 ${report.conflicts.length} 处，补填空白 ${report.filled.length} 处，无有效代码的行 ${report.unidentified.length} 行。`);
  for (const i of report.issues) lines.push(i.message);
  const where = report.ledgers.map((l) => `“${l.sheet}”${l.created ? "（新建）" : ""}${l.added ? `末尾加 ${l.added} 行` : ""}${l.addedColumns.length ? `、右侧加 ${l.addedColumns.join("、")} 列` : ""}`);
  const writeText = `合并到当前工作簿：${where.join("；")}；写入“合并冲突”工作表。原有的行不删不改${report.filled.length ? `（补填 ${report.filled.length} 个空白单元格）` : ""}。`;
  return { report, edits, lines, writeText };
}

// ---------------------------------------------------------------- 通报

const CANVAS_FONTS = '"Microsoft YaHei", "微软雅黑", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", SimHei, "黑体", sans-serif';

/** Draws a chart drawing on a canvas with the computer's fonts; the PNG bytes. */
export async function drawingPng(d: Drawing): Promise<Uint8Array> {
  const canvas = document.createElement("canvas");
  canvas.width = d.width;
  canvas.height = d.height;
  const g = canvas.getContext("2d");
  if (!g) throw new UserMessage("浏览器不支持绘图（canvas），无法画出完成率图");
  g.fillStyle = d.background;
  g.fillRect(0, 0, d.width, d.height);
  for (const it of d.items) {
    if (it.t === "rect") {
      g.fillStyle = it.color;
      g.fillRect(it.x, it.y, it.w, it.h);
    } else if (it.t === "line") {
      g.strokeStyle = it.color;
      g.lineWidth = it.width;
      g.setLineDash(it.dash ? [it.dash, it.dash] : []);
      g.beginPath();
      g.moveTo(it.x1, it.y1);
      g.lineTo(it.x2, it.y2);
      g.stroke();
    } else {
      g.fillStyle = it.color;
      g.font = `${it.size}px ${CANVAS_FONTS}`;
      g.textAlign = it.align;
      g.textBaseline = "alphabetic";
      g.fillText(it.text, it.x, it.y);
    }
  }
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/png"));
  if (!blob) throw new UserMessage("无法生成完成率图");
  return new Uint8Array(await blob.arrayBuffer());
}

export interface BulletinFile {
  name: string;
  bytes: Uint8Array;
  report: TargetsReport;
}

/** The bulletin as a .docx, built in the pane (the docx library is loaded on first use). */
export async function bulletinFile(wb: WorkbookSnapshot, asOf: DayNumber, progress: (stage: string) => void = () => undefined): Promise<BulletinFile> {
  progress("统计");
  const { report } = computeTargets(wb, { asOf }, workbookRegistry(wb).plans);
  if (report.indicators.every((i) => i.status === "缺少台账")) throw new UserMessage("工作簿中没有企业培育库、创新平台、人才或科技计划项目台账，无法生成通报");
  const bulletin = buildBulletin(report, { asOf });
  progress("绘制图表");
  const charts: Partial<Record<UnitKind, BulletinChart>> = {};
  for (const u of bulletin.units) {
    if (u.bars.length === 0) continue;
    const d = barChart(u.bars, { cjk: true });
    charts[u.kind] = { png: await drawingPng(d), width: d.width, height: d.height, numbered: false };
  }
  progress("生成文档");
  const { bulletinDocx } = await import(/* webpackChunkName: "bulletin" */ "../src/docx/bulletin-docx");
  const bytes = await bulletinDocx(bulletin, charts);
  return { name: `科技创新目标任务完成情况通报-${formatDay(asOf)}.docx`, bytes, report };
}

/** Offers bytes as a download. */
export function download(name: string, bytes: Uint8Array, type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export { percentText };

/**
 * Bulletin job — 通报 (计划 三（一）"定期督导检查，适时通报进展情况"; DOMAIN §11). Turns the
 * targets report (the same numbers as the 目标完成情况 sheet) into the content of a bulletin:
 * the district's attainment, each town's and department's attainment against its allocation
 * with rank, the indicators furthest behind, and the bars of the completion charts. Plain data:
 * the Word document is written from it by src/docx/, in the CLI and in the task pane alike.
 */
import Decimal from "decimal.js";
import { partsFromDay, DayNumber } from "../dates";
import { formatPercent } from "../format";
import { UNIT_KIND_LABEL, UnitKind } from "./allocations";
import { AllocationResult, IndicatorResult, TargetsReport, UnitSummary } from "./targets";

/** Completion as people read it in the bulletin: the shared percent format, one decimal, half up ("95.8%"). */
export function percentText(ratio: Decimal | number | null): string {
  return formatPercent(ratio);
}

function exactPercent(actual: number | null, target: number): string {
  return actual === null ? "—" : percentText(new Decimal(actual).div(target));
}

/** "2024年12月31日" */
export function chineseDate(day: DayNumber): string {
  const p = partsFromDay(day);
  return `${p.year}年${p.month}月${p.day}日`;
}

export interface BulletinIndicatorRow {
  no: number;
  name: string;
  kindLabel: string;
  target: string;
  actual: string;
  completion: string;
  status: string;
  gap: string;
}

export interface BulletinUnitRow {
  rank: string;
  unit: string;
  allocations: number;
  reached: number;
  completion: string;
  /** The unit's allocations not reached, e.g. "高新技术企业（87.5%）". */
  behind: string;
}

export interface BulletinDetailRow {
  unit: string;
  indicator: string;
  target: string;
  actual: string;
  completion: string;
  status: string;
  rank: string;
}

export interface BulletinBar {
  label: string;
  /** Completion as a ratio (1 = 100%). */
  value: number;
  /** The label printed at the bar's end, e.g. "95.8%". */
  valueText: string;
  rank: number | null;
  reached: boolean;
}

export interface BulletinUnits {
  kind: UnitKind;
  /** 镇街 / 主管部门 */
  label: string;
  /** Section heading, e.g. 各镇街目标完成情况. */
  heading: string;
  summary: string;
  ranking: BulletinUnitRow[];
  details: BulletinDetailRow[];
  bars: BulletinBar[];
  chartTitle: string;
}

export interface BulletinBehind {
  name: string;
  text: string;
}

export interface Bulletin {
  title: string;
  /** "（截至2024年12月31日）" */
  dateLine: string;
  addressee: string;
  intro: string;
  district: { heading: string; summary: string; rows: BulletinIndicatorRow[] };
  /** The allocation year shown (null: no 目标分解 in the workbook). */
  year: number | null;
  units: BulletinUnits[];
  /** Shown when there is no allocation to compare against. */
  noAllocation: string | null;
  behind: { heading: string; items: BulletinBehind[] };
  closing: { heading: string; text: string };
  notes: string[];
  issuer: string;
  signDate: string;
}

export interface BulletinOptions {
  /** The as-of day of the report (the targets job's). */
  asOf: DayNumber;
  /** Who sends it; default 薛城区科学技术局. */
  issuer?: string;
  /** How many indicators furthest behind to name; default 5. */
  behind?: number;
}

export const DEFAULT_ISSUER = "薛城区科学技术局";

/** The allocation year a bulletin shows: the as-of year when allocated, else the latest year before it, else the first. */
export function bulletinYear(report: TargetsReport, asOf: DayNumber): number | null {
  const years = report.allocation.years;
  if (years.length === 0) return null;
  const y = partsFromDay(asOf).year;
  if (years.includes(y)) return y;
  const before = years.filter((x) => x < y);
  return before.length > 0 ? before[before.length - 1] : years[0];
}

function indicatorName(i: IndicatorResult): string {
  return i.qualifier ? `${i.name}（${i.qualifier}）` : i.name;
}

function unitSection(report: TargetsReport, kind: UnitKind, year: number): BulletinUnits | null {
  const summaries: UnitSummary[] = report.allocation.units.filter((u) => u.year === year && u.unitKind === kind);
  if (summaries.length === 0) return null;
  const label = UNIT_KIND_LABEL[kind];
  const mine = (unit: string) =>
    report.indicators.flatMap((i) => i.allocations.filter((a) => a.year === year && a.unitKind === kind && a.unit === unit).map((a) => ({ i, a })));
  const behindOf = (unit: string) =>
    mine(unit)
      .filter(({ a }) => a.status === "未达成")
      .sort((p, q) => (p.a.completion ?? 0) - (q.a.completion ?? 0))
      .map(({ i, a }) => `${i.name}（${exactPercent(a.actual, a.target)}）`)
      .join("、");
  const ranking: BulletinUnitRow[] = summaries.map((u) => ({
    rank: u.rank === null ? "—" : String(u.rank),
    unit: u.unit,
    allocations: u.counted + u.unknown,
    reached: u.reached,
    completion: percentText(u.completion),
    behind: behindOf(u.unit) || "无",
  }));
  const details: BulletinDetailRow[] = summaries.flatMap((u) =>
    mine(u.unit).map(({ i, a }: { i: IndicatorResult; a: AllocationResult }) => ({
      unit: u.unit,
      indicator: i.name,
      target: `${a.target}${i.unit}`,
      actual: a.actual === null ? "—" : `${a.actual}${i.unit}`,
      completion: exactPercent(a.actual, a.target),
      status: a.status,
      rank: a.rank === null ? "—" : `${a.rank}/${i.allocations.filter((x) => x.year === year && x.unitKind === kind && x.rank !== null).length}`,
    })),
  );
  const bars: BulletinBar[] = summaries
    .filter((u) => u.completion !== null)
    .map((u) => ({ label: u.unit, value: u.completion as number, valueText: percentText(u.completion), rank: u.rank, reached: (u.completion as number) >= 1 }));
  const full = summaries.filter((u) => u.completion !== null && u.completion >= 1).map((u) => u.unit);
  const first = summaries[0];
  const last = summaries[summaries.length - 1];
  const summary =
    `按 ${year} 年目标分解，${summaries.length} 个${label === "镇街" ? "镇（街道）" : "部门"}的综合完成率排名如下。` +
    (full.length > 0 ? `${full.join("、")}已全部完成分解目标；` : "暂无单位全部完成分解目标；") +
    `排名第一的是${first.unit}（${percentText(first.completion)}）` +
    (summaries.length > 1 ? `，排名最后的是${last.unit}（${percentText(last.completion)}）。` : "。");
  return {
    kind,
    label,
    heading: kind === "town" ? "各镇（街道）目标完成情况" : "各部门目标完成情况",
    summary,
    ranking,
    details,
    bars,
    chartTitle: kind === "town" ? `${year}年各镇（街道）综合完成率` : `${year}年各部门综合完成率`,
  };
}

/** The bulletin's content from the targets report (the numbers of the 目标完成情况 sheet). */
export function buildBulletin(report: TargetsReport, opts: BulletinOptions): Bulletin {
  const date = chineseDate(opts.asOf);
  const counted = report.indicators.filter((i) => i.actual !== null);
  const reached = counted.filter((i) => i.status === "达成");
  const rows: BulletinIndicatorRow[] = report.indicators.map((i, n) => ({
    no: n + 1,
    name: indicatorName(i),
    kindLabel: i.kindLabel,
    target: `${i.target}${i.unit}`,
    actual: i.actual === null ? "—" : `${i.actual}${i.unit}`,
    completion: exactPercent(i.actual, i.target),
    status: i.status,
    gap: i.gap === null ? "—" : i.gap === 0 ? "—" : `${i.gap}${i.unit}`,
  }));
  const missing = report.missingLedgers.length > 0 ? `缺少${report.missingLedgers.join("、")}台账，相关指标未统计（不按 0 计）。` : "";
  const year = bulletinYear(report, opts.asOf);
  const units: BulletinUnits[] = [];
  if (year !== null) {
    for (const k of ["town", "department"] as const) {
      const s = unitSection(report, k, year);
      if (s) units.push(s);
    }
  }
  let noAllocation: string | null = null;
  if (year === null) {
    const byTown = report.indicators
      .filter((i) => i.byTown && Object.keys(i.byTown).length > 0)
      .map((i) => `${i.name}：${Object.entries(i.byTown as Record<string, number>).map(([t, n]) => `${t} ${n}`).join("，")}`);
    noAllocation =
      "工作簿中没有“目标分解”工作表，各镇街、部门的完成情况无法与分解目标对比。" +
      (byTown.length > 0 ? `按所属镇街统计的实际数如下：${byTown.join("；")}。` : "");
  }
  const behindItems = counted
    .filter((i) => i.status === "未达成")
    .sort((a, b) => new Decimal(a.actual as number).div(a.target).cmp(new Decimal(b.actual as number).div(b.target)) || a.target - b.target)
    .slice(0, opts.behind ?? 5)
    .map((i) => ({
      name: indicatorName(i),
      text: `目标${i.target}${i.unit}，实际${i.actual}${i.unit}，完成率${exactPercent(i.actual, i.target)}，尚差${i.gap}${i.unit}（${i.kindLabel}；${i.cite}）。`,
    }));
  const notes = [...report.rules, ...(report.allocation.sheet !== null ? [report.allocation.rule] : [])];
  if (report.allocation.issues.length > 0) notes.push(`“${report.allocation.sheet}”中有 ${report.allocation.issues.length} 行未采用（见“目标完成情况”工作表）。`);
  if (report.issues.length > 0) notes.push(`台账中有 ${report.issues.length} 处单元格无法读取，相应行未计入。`);
  return {
    title: "关于全区科技创新目标任务完成情况的通报",
    dateLine: `（截至${date}）`,
    addressee: "各镇（街道）、区直有关部门：",
    intro:
      `根据《${report.policy.title}》“每年年初将全区年度目标任务分解到各相关部门和各镇街，定期督导检查，适时通报进展情况”的要求，现将截至${date}全区科技创新目标任务完成情况通报如下。`,
    district: {
      heading: "全区目标完成情况",
      summary: `全区共 ${report.indicators.length} 项指标，已达成 ${reached.length} 项，未达成 ${counted.length - reached.length} 项。${missing}`,
      rows,
    },
    year,
    units,
    noAllocation,
    behind: {
      heading: "进展滞后的指标",
      items: behindItems,
    },
    closing: {
      heading: "下一步工作要求",
      text: "请各镇（街道）、各有关部门对照分解目标，查找差距，逐项明确措施和时限，加快推进滞后指标；台账数据如有出入，请核实后及时报送。",
    },
    notes,
    issuer: opts.issuer ?? DEFAULT_ISSUER,
    signDate: date,
  };
}

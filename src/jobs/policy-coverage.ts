/**
 * Which policy packs a workbook's dates need, and which of its dates no pack covers: what the
 * pane's 政策 page shows. The dates are the 认定日期 of the award ledgers' rows (each award is
 * computed by the plan pack in force on it), the as-of date (targets and eligibility) and the
 * 年度 of the R&D ledgers' rows (each scheme's pack is chosen by the year whose R&D is subsidised).
 *
 * Example: a ledger with three 2026 awards and only the built-in 2022–2024 plan gives
 *   uncovered: ["2026 年认定的 3 笔奖励没有适用的计划政策包"].
 */
import { DayNumber, formatDay, yearOf } from "../dates";
import { WorkbookSnapshot } from "../host/port";
import { LoadedPack, PolicyRegistry } from "../policy/registry";
import { RD_SCHEME_NAMES, RdScheme } from "../policy/rd";
import { dataRows, findLedgers, readAt } from "./ledgers";

export interface PolicyCoverage {
  asOf: string;
  /** Years of the award ledgers' 认定日期, with how many rows each. */
  awardYears: { year: number; rows: number }[];
  /** 年度 of the R&D ledgers' rows, with how many rows each. */
  rdYears: { year: number; rows: number }[];
  /** The registry's packs in force on the as-of date or on some award's date, oldest first. */
  inUse: LoadedPack[];
  /** The registry's other packs. */
  others: LoadedPack[];
  /** Dates no pack covers, in Chinese. */
  uncovered: string[];
}

function covers(p: LoadedPack, day: DayNumber): boolean {
  return day >= p.from && (p.to === null || day <= p.to);
}

/** The coverage of a workbook's dates by a registry (the workbook's own: built-in plus stored packs). */
export function policyCoverage(snapshot: WorkbookSnapshot, registry: PolicyRegistry, asOf: DayNumber): PolicyCoverage {
  const days: DayNumber[] = [];
  for (const l of findLedgers(snapshot, "award")) {
    for (const { row } of dataRows(l)) {
      const d = readAt(l, row, "date");
      if (d.status === "ok" && typeof d.value === "number") days.push(d.value);
    }
  }
  const byYear = new Map<number, number>();
  for (const d of days) byYear.set(yearOf(d), (byYear.get(yearOf(d)) ?? 0) + 1);
  const awardYears = [...byYear.entries()].sort((a, b) => a[0] - b[0]).map(([year, rows]) => ({ year, rows }));

  const plans = registry.packs.filter((p) => p.kind === "plan");
  const used = new Set<LoadedPack>();
  const uncoveredByYear = new Map<number, number>();
  for (const d of days) {
    const hit = plans.find((p) => covers(p, d));
    if (hit) used.add(hit);
    else uncoveredByYear.set(yearOf(d), (uncoveredByYear.get(yearOf(d)) ?? 0) + 1);
  }
  // On the as-of date: one pack per kind (the latest that started covering it). R&D packs are
  // chosen by the ledger's 年度 instead.
  const onDay = new Map<string, LoadedPack>();
  for (const p of [...registry.packs].sort((a, b) => a.from - b.from)) if (covers(p, asOf) && !p.rd) onDay.set(p.kind, p);
  for (const p of onDay.values()) used.add(p);

  const uncovered = [...uncoveredByYear.entries()].sort((a, b) => a[0] - b[0]).map(([y, n]) => `${y} 年认定的 ${n} 笔奖励没有适用的计划政策包`);

  // R&D ledgers: each year's pack of each scheme (the latest started covering the year).
  const rdByYear = new Map<number, number>();
  for (const l of findLedgers(snapshot, "rd")) {
    for (const { row } of dataRows(l)) {
      const y = readAt(l, row, "year");
      if (y.status === "ok" && typeof y.value === "number") rdByYear.set(y.value, (rdByYear.get(y.value) ?? 0) + 1);
    }
  }
  const rdYears = [...rdByYear.entries()].sort((a, b) => a[0] - b[0]).map(([year, rows]) => ({ year, rows }));
  for (const { year, rows } of rdYears) {
    for (const scheme of ["province", "city"] as RdScheme[]) {
      let hit: LoadedPack | null = null;
      for (const p of registry.packs) {
        const rd = p.rd;
        if (rd && rd.scheme === scheme && year >= rd.fromYear && (rd.toYear === null || year <= rd.toYear) && (!hit || p.from >= hit.from)) hit = p;
      }
      if (hit) used.add(hit);
      else uncovered.push(`${year} 年度的 ${rows} 行研发费用没有${RD_SCHEME_NAMES[scheme]}政策包`);
    }
  }
  if (!onDay.has("plan")) uncovered.push(`评价日 ${formatDay(asOf)} 不在任何计划政策包的政策期内（目标完成情况按最近一期计划统计）`);
  const inUse = registry.packs.filter((p) => used.has(p)).sort((a, b) => a.from - b.from);
  return { asOf: formatDay(asOf), awardYears, rdYears, inUse, others: registry.packs.filter((p) => !used.has(p)), uncovered };
}

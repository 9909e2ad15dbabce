/**
 * KJ.RDSUBSIDY and KJ.WHY for the R&D subsidy (研究开发财政补助, 计划 二（四）1; DOMAIN §10): cores
 * shared by Excel, WPS and HyperFormula. 表头 and 行 are as in KJ.ELIGIBLE, so a row of the
 * 研发费用台账 (or any ledger with those columns) feeds them directly.
 *
 * =KJ.RDSUBSIDY("省", 2024, $A$2:$P$2, A3:P3)   -> 12 (万元); 0 when not eligible;
 *                                               #N/A naming what is missing, or when no pack covers the year
 * =KJ.WHY("市", $A$2:$P$2, A3:P3, 2024)          -> "市级研发补助 6 万元（2024 年度，枣科字〔2025〕18号）：符合补助条件。…"
 */
import { KjError } from "../errors";
import { readYear } from "../ledger/cells";
import { RD } from "../ledger/catalogue";
import { parseRdScheme, RdPack, RdScheme } from "../policy/rd";
import { BUILTIN_POLICIES, PolicyRegistry } from "../policy/registry";
import { rdSubsidyOfRange, rdUnknownMessage, rdWhyText } from "../rules/rd-subsidy";
import { planForHeader, singleRow } from "../rules/row";
import { asScalar, naError, readYearArg } from "./args";

/** The 方案 argument: 省/山东/province or 市/枣庄/city. */
export function fxRdScheme(scheme: unknown): RdScheme {
  return parseRdScheme(asScalar(scheme, "方案"));
}

/** The data year from the 年度 argument; absent -> the row's 年度 column when `header`/`row` are given. */
function dataYear(year: unknown, header?: unknown, row?: unknown): number {
  const y = readYearArg(year, "年度");
  if (y !== undefined) return y;
  if (header !== undefined && row !== undefined) {
    const plan = planForHeader(header, RD);
    const ord = RD.fields.findIndex((f) => f.id === "year");
    const i = plan.index[ord];
    if (i >= 0) {
      const cells = singleRow(row, "行");
      const r = readYear(cells[i]);
      if (r.status === "ok") return r.value;
      if (r.status === "invalid") throw new KjError("bad_year", `本行的“年度”无法识别：${r.message}`, "value");
    }
  }
  throw new KjError("no_year", "缺少年度：请填写补助哪一年的研发费用，如 2024（研发补助按研发费用的年度选择政策）", "value");
}

/**
 * KJ.RDSUBSIDY: the subsidy of one scheme in 万元 for a row and a data year; 0 when not eligible.
 * Unknown (a needed quantity blank or unreadable) and no pack for the year are #N/A with the reason.
 */
export function fxRdSubsidy(scheme: unknown, year: unknown, header: unknown, row: unknown, policies: PolicyRegistry = BUILTIN_POLICIES): number {
  return fxRdSubsidyOf(scheme, year, header, row, policies.rdPacks);
}

/** fxRdSubsidy with the R&D packs themselves (the 研发补助 job values its formulas with the packs it was given). */
export function fxRdSubsidyOf(scheme: unknown, year: unknown, header: unknown, row: unknown, packs: readonly RdPack[]): number {
  const s = fxRdScheme(scheme);
  const y = dataYear(year);
  const r = rdSubsidyOfRange(s, y, header, row, packs, false);
  if (r.amount !== null) return r.amount.toNumber();
  throw naError("rd_unknown", rdUnknownMessage(r));
}

/** KJ.WHY with a scheme (省/市): the amount and why; the 年度 argument defaults to the row's 年度. */
export function fxRdWhy(scheme: unknown, header: unknown, row: unknown, year?: unknown, policies: PolicyRegistry = BUILTIN_POLICIES): string {
  const s = fxRdScheme(scheme);
  const y = dataYear(year, header, row);
  return rdWhyText(rdSubsidyOfRange(s, y, header, row, policies.rdPacks, true));
}

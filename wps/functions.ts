/**
 * KJ's spreadsheet functions in WPS 表格, registered through
 * `wps.AddCustomFunction("KJ", id, fn, meta)` (WPS 12.1.0.20540 or later), so =KJ.AWARD(...)
 * is spelled as in Excel. Names, parameters and Chinese descriptions come from src/fx/spec.ts;
 * the functions call the src/fx cores directly (WPS custom functions are synchronous).
 *
 * Arguments arrive in WPS's shapes and are normalised first: the missing-argument marker
 * -2147352572 means "not given", a Range object means its Value2, one cell's scalar becomes
 * [[v]] where a range is expected, a 1-D array one row.
 */
import { dayFromLocalClock, DayNumber } from "../src/dates";
import { KjError } from "../src/errors";
import { asMatrix, isAbsent, WPS_MISSING_ARGUMENT } from "../src/fx/args";
import { fxAward, fxTarget, fxUscc } from "../src/fx/award";
import { fxEligible, fxScore, fxWhy } from "../src/fx/eligibility";
import { fxRdSubsidy } from "../src/fx/rd";
import { FX_NAMESPACE, FX_SPECS, FxSpec } from "../src/fx/spec";
import { cellFromValue2, matrixFromValue2, prop } from "../src/host/wps";
import { WpsFunctionMeta, wpsMeta } from "./meta";
import { BUILTIN_POLICIES, PolicyRegistry } from "../src/policy/registry";

export type { WpsFunctionMeta, WpsParamMeta } from "./meta";
export { wpsMeta, wpsParamType } from "./meta";

/** The part of the `wps` global this file needs. */
export interface WpsFunctionRegistry {
  AddCustomFunction?: (namespace: string, name: string, fn: (...args: unknown[]) => unknown, meta: WpsFunctionMeta) => unknown;
}

function isRangeObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date) && "Value2" in v;
}

/** One cell value inside an argument: blank -> null, CVErr codes -> { error }. */
function cellArg(v: unknown): unknown {
  return cellFromValue2(v);
}

/**
 * One argument as the cores expect it. Absent (the WPS marker, undefined) -> undefined; a
 * Range object -> its Value2 as a 2-D array; where a range is expected, a scalar -> [[v]] and
 * a 1-D array -> one row.
 */
export function normalizeWpsArg(v: unknown, matrix: boolean): unknown {
  if (v === WPS_MISSING_ARGUMENT || v === undefined) return undefined;
  let value: unknown = v;
  if (isRangeObject(v)) {
    const rows = Number(prop(prop(v, "Rows"), "Count")) || undefined;
    const cols = Number(prop(prop(v, "Columns"), "Count")) || undefined;
    value = matrixFromValue2(prop(v, "Value2"), rows, cols);
  }
  // A 1x1 array where one value is expected is left to the cores (asScalar reads it).
  if (Array.isArray(value)) return asMatrix(value).map((r) => r.map(cellArg));
  if (matrix) return isAbsent(value) ? [] : [[cellArg(value)]];
  return typeof value === "number" ? cellArg(value) : value;
}

/**
 * What a cell shows when a core fails: text that starts like the error it stands for and says
 * why, "#N/A 无适用政策：…" or "#VALUE! 未知的奖励事项…". It is text, not an error value
 * (ISERROR is FALSE, ISTEXT TRUE), because WPS documents no way for a custom function to return
 * one (checked 2026-12 for issue 18.4): WPS's page on add-in custom functions
 * (open.wps.cn …/wps-integration-mode/wps-addin-development/wps-addin-custome-function) covers
 * synchronous functions registered with wps.AddCustomFunction(namespace, name, fn, meta) and
 * their functions.json metadata, and nothing like Excel's CustomFunctions.Error (an Office.js
 * API, CustomFunctionsRuntime 1.2, which WPS does not load); public WPS add-ins return the text
 * "#N/A" too. Returning the COM error code (-2146826246) is undocumented as well (most
 * likely shown as that number), and what WPS shows for a thrown exception is undocumented and
 * loses the reason. Should WPS document an error return, this function is the one place to
 * change (README "WPS", docs/wps.md §5).
 */
export function wpsErrorValue(e: unknown): string {
  if (e instanceof KjError) return `${e.kind === "na" ? "#N/A" : "#VALUE!"} ${e.message}`;
  const detail = e instanceof Error ? e.message : String(e);
  return `#VALUE! 内部错误：${detail}（请告知技术支持）`;
}

/**
 * A core over normalised arguments; `today` is the host clock's day, for a left-out 评价日期;
 * `policies` gives the workbook's policy packs (see wps/policies.ts).
 */
type Core = (args: unknown[], today: DayNumber, policies: () => PolicyRegistry) => unknown;

/** The cores by function id; every id in spec.ts must have one (a test checks). */
export const WPS_CORES: Readonly<Record<string, Core>> = {
  AWARD: ([item, basis, date], _today, policies) => fxAward(item, basis, date, policies()),
  TARGET: ([indicator, year], _today, policies) => fxTarget(indicator, year, policies()),
  USCC: ([code]) => fxUscc(code),
  ELIGIBLE: ([category, header, row, date], today, policies) => fxEligible(category, header, row, date, today, policies()),
  WHY: ([category, header, row, date], today, policies) => fxWhy(category, header, row, date, today, policies()),
  SCORE: ([category, header, row, date], today, policies) => fxScore(category, header, row, date, today, policies()),
  RDSUBSIDY: ([scheme, year, header, row], _today, policies) => fxRdSubsidy(scheme, year, header, row, policies()),
};

/**
 * The function WPS calls for one spec: normalise, call the core, turn failures into error text.
 * `policies` gives the registry to compute with (default: the built-in packs).
 */
export function wpsFunction(spec: FxSpec, clock: () => Date = () => new Date(), policies: () => PolicyRegistry = () => BUILTIN_POLICIES): (...args: unknown[]) => unknown {
  const core = WPS_CORES[spec.id];
  if (!core) throw new Error(`no WPS core for KJ.${spec.id}`);
  return (...args: unknown[]) => {
    try {
      const normalized = spec.params.map((p, i) => normalizeWpsArg(args[i], p.matrix));
      return core(normalized, dayFromLocalClock(clock()), policies);
    } catch (e) {
      return wpsErrorValue(e);
    }
  };
}

/**
 * Registers every KJ function with WPS (`policies`: the active workbook's packs, wps/policies.ts).
 * Returns the registered ids; [] when this WPS has no
 * AddCustomFunction (older than 12.1.0.20540: the ribbon and the pane still work).
 */
export function registerWpsFunctions(wps: WpsFunctionRegistry | undefined, clock?: () => Date, policies?: () => PolicyRegistry): string[] {
  if (!wps || typeof wps.AddCustomFunction !== "function") return [];
  const done: string[] = [];
  for (const spec of FX_SPECS) {
    wps.AddCustomFunction(FX_NAMESPACE, spec.id, wpsFunction(spec, clock, policies), wpsMeta(spec));
    done.push(spec.id);
  }
  return done;
}

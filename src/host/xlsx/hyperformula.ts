/**
 * The KJ functions as a HyperFormula plugin, so `kj recalc` evaluates `=KJ.AWARD(...)` and friends
 * with the very same cores (src/fx) that the Excel and WPS add-ins call. HyperFormula runs under its
 * GPLv3 licence key; the project is GPL-3.0-or-later, which is compatible.
 *
 * The "today" used by KJ.ELIGIBLE/WHY/SCORE without a 评价日期 is not read from the clock here: the
 * caller puts it in the engine config (`context: { today }`, see kjEngineConfig).
 */
import { CellError, ConfigParams, EmptyValue, ErrorType, FunctionArgumentType, FunctionPlugin, HyperFormula, SimpleRangeValue } from "hyperformula";
import type { InterpreterState } from "hyperformula/typings/interpreter/InterpreterState";
import type { ProcedureAst } from "hyperformula/typings/parser";
import { DayNumber } from "../../dates";
import { isKjError } from "../../errors";
import { fxAward, fxTarget, fxUscc } from "../../fx/award";
import { fxEligible, fxScore, fxWhy } from "../../fx/eligibility";
import { fxRdSubsidy } from "../../fx/rd";
import { CellValue } from "../../ledger/cells";
import { BUILTIN_POLICIES, PolicyRegistry } from "../../policy/registry";

/** HyperFormula's licence key for GPLv3 projects. */
export const HYPERFORMULA_LICENSE = "gpl-v3";

/** Rows per sheet the engine accepts: above Excel's 1,048,576 (HyperFormula's default is 40,000). */
export const KJ_MAX_ROWS = 1_100_000;
/** Excel's column limit (XFD). */
export const KJ_MAX_COLUMNS = 16_384;

/** The function ids as typed in a cell, `=KJ.AWARD(...)`. */
export const KJ_FUNCTION_IDS = ["KJ.AWARD", "KJ.TARGET", "KJ.USCC", "KJ.ELIGIBLE", "KJ.WHY", "KJ.SCORE", "KJ.RDSUBSIDY"] as const;
export type KjFunctionId = (typeof KJ_FUNCTION_IDS)[number];

/** What the caller hands the plugin through HyperFormula's `context` config value. */
export interface KjEngineContext {
  /** The evaluation date for eligibility functions called without 评价日期. */
  today: DayNumber;
  /** The packs the functions use: the workbook's stored packs and --policy files besides the built-in ones. */
  policies: PolicyRegistry;
}

/** Engine config for a workbook with KJ formulas. Spread further options over it if needed. */
export function kjEngineConfig(today: DayNumber, policies: PolicyRegistry = BUILTIN_POLICIES): Partial<ConfigParams> {
  const context: KjEngineContext = { today, policies };
  return {
    licenseKey: HYPERFORMULA_LICENSE,
    maxRows: KJ_MAX_ROWS,
    maxColumns: KJ_MAX_COLUMNS,
    context,
  };
}

type Scalar = number | string | boolean | CellError | typeof EmptyValue | undefined;

/** An argument as the cores take it: missing or empty becomes undefined. */
function scalarArg(v: Scalar): unknown {
  if (v === undefined || v === EmptyValue) return undefined;
  return v;
}

/** A range argument as the 2-D array of plain cell values the cores take (error cells as { error }). */
function matrixArg(v: unknown): CellValue[][] {
  if (v instanceof SimpleRangeValue) {
    return v.rawData().map((row) => row.map(plainValue));
  }
  return [[plainValue(v)]];
}

function plainValue(v: unknown): CellValue {
  if (v === EmptyValue || v === undefined || v === null) return null;
  if (v instanceof CellError) return { error: excelErrorText(v.type) };
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  // Rich numbers (dates, percentages) carry their value in `val`.
  if (typeof v === "object" && typeof (v as { val?: unknown }).val === "number") return (v as { val: number }).val;
  return null;
}

/** The Excel error text of a HyperFormula error type. */
export function excelErrorText(type: ErrorType): string {
  switch (type) {
    case ErrorType.DIV_BY_ZERO:
      return "#DIV/0!";
    case ErrorType.NAME:
      return "#NAME?";
    case ErrorType.NUM:
      return "#NUM!";
    case ErrorType.NA:
    case ErrorType.LIC:
      return "#N/A";
    case ErrorType.REF:
    case ErrorType.CYCLE:
      return "#REF!";
    case ErrorType.SPILL:
      return "#SPILL!";
    case ErrorType.VALUE:
    case ErrorType.ERROR:
    default:
      return "#VALUE!";
  }
}

/** Runs a core and turns a KjError into the spreadsheet error its kind names, with its Chinese message. */
function guarded<T extends number | string | boolean>(compute: () => T): T | CellError {
  try {
    return compute();
  } catch (e) {
    if (isKjError(e)) return new CellError(e.kind === "na" ? ErrorType.NA : ErrorType.VALUE, e.message);
    return new CellError(ErrorType.VALUE, `内部错误：${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Excel passes an error in a scalar argument straight through; so do we. */
function firstError(args: Scalar[]): CellError | undefined {
  for (const a of args) if (a instanceof CellError) return a;
  return undefined;
}

const SCALAR = { argumentType: FunctionArgumentType.SCALAR } as const;
const OPTIONAL_SCALAR = { argumentType: FunctionArgumentType.SCALAR, optionalArg: true } as const;
const RANGE = { argumentType: FunctionArgumentType.RANGE } as const;

/**
 * Memo of KJ.AWARD results: a ledger holds thousands of rows with the same few (item, basis, date)
 * triples, and the core is pure, so repeats are answered from here. Bounded so a huge sheet of
 * distinct bases cannot grow it without limit.
 */
const AWARD_MEMO_LIMIT = 50_000;

export class KjFunctionPlugin extends FunctionPlugin {
  private awardMemo = new Map<string, number | CellError>();

  private today(): DayNumber | undefined {
    const ctx = this.config.context as Partial<KjEngineContext> | undefined;
    return ctx && typeof ctx.today === "number" ? ctx.today : undefined;
  }

  private policies(): PolicyRegistry {
    const ctx = this.config.context as Partial<KjEngineContext> | undefined;
    return ctx?.policies ?? BUILTIN_POLICIES;
  }

  award(ast: ProcedureAst, state: InterpreterState) {
    return this.runFunction(ast.args, state, this.metadata("KJ.AWARD"), (item: Scalar, basis: Scalar, date: Scalar) => {
      const err = firstError([item, basis, date]);
      if (err) return err;
      const key = `${typeof item}:${String(scalarArg(item))}\u0000${typeof basis}:${String(scalarArg(basis))}\u0000${typeof date}:${String(scalarArg(date))}`;
      const hit = this.awardMemo.get(key);
      if (hit !== undefined) return hit;
      const result = guarded(() => fxAward(scalarArg(item), scalarArg(basis), scalarArg(date), this.policies()));
      if (this.awardMemo.size >= AWARD_MEMO_LIMIT) this.awardMemo.clear();
      this.awardMemo.set(key, result);
      return result;
    });
  }

  target(ast: ProcedureAst, state: InterpreterState) {
    return this.runFunction(ast.args, state, this.metadata("KJ.TARGET"), (indicator: Scalar, year: Scalar) => {
      const err = firstError([indicator, year]);
      if (err) return err;
      return guarded(() => fxTarget(scalarArg(indicator), scalarArg(year), this.policies()));
    });
  }

  uscc(ast: ProcedureAst, state: InterpreterState) {
    return this.runFunction(ast.args, state, this.metadata("KJ.USCC"), (code: Scalar) => {
      const err = firstError([code]);
      if (err) return err;
      return guarded(() => fxUscc(scalarArg(code)));
    });
  }

  eligible(ast: ProcedureAst, state: InterpreterState) {
    return this.runEligibility(ast, state, "KJ.ELIGIBLE", fxEligible);
  }

  why(ast: ProcedureAst, state: InterpreterState) {
    return this.runEligibility(ast, state, "KJ.WHY", fxWhy);
  }

  score(ast: ProcedureAst, state: InterpreterState) {
    return this.runEligibility(ast, state, "KJ.SCORE", fxScore);
  }

  rdsubsidy(ast: ProcedureAst, state: InterpreterState) {
    return this.runFunction(ast.args, state, this.metadata("KJ.RDSUBSIDY"), (scheme: Scalar, year: Scalar, header: unknown, row: unknown) => {
      const err = firstError([scheme, year]);
      if (err) return err;
      const policies = this.policies();
      return guarded(() => fxRdSubsidy(scalarArg(scheme), scalarArg(year), matrixArg(header), matrixArg(row), policies));
    });
  }

  private runEligibility<T extends number | string | boolean>(
    ast: ProcedureAst,
    state: InterpreterState,
    id: KjFunctionId,
    core: (category: unknown, header: unknown, row: unknown, date?: unknown, today?: DayNumber, policies?: PolicyRegistry) => T,
  ) {
    return this.runFunction(ast.args, state, this.metadata(id), (category: Scalar, header: unknown, row: unknown, date: Scalar) => {
      const err = firstError([category, date]);
      if (err) return err;
      const today = this.today();
      const policies = this.policies();
      return guarded(() => core(scalarArg(category), matrixArg(header), matrixArg(row), scalarArg(date), today, policies));
    });
  }
}

KjFunctionPlugin.implementedFunctions = {
  "KJ.AWARD": { method: "award", parameters: [SCALAR, OPTIONAL_SCALAR, OPTIONAL_SCALAR] },
  "KJ.TARGET": { method: "target", parameters: [SCALAR, OPTIONAL_SCALAR] },
  "KJ.USCC": { method: "uscc", parameters: [SCALAR] },
  "KJ.ELIGIBLE": { method: "eligible", parameters: [SCALAR, RANGE, RANGE, OPTIONAL_SCALAR] },
  "KJ.WHY": { method: "why", parameters: [SCALAR, RANGE, RANGE, OPTIONAL_SCALAR] },
  "KJ.SCORE": { method: "score", parameters: [SCALAR, RANGE, RANGE, OPTIONAL_SCALAR] },
  "KJ.RDSUBSIDY": { method: "rdsubsidy", parameters: [SCALAR, SCALAR, RANGE, RANGE] },
};

/** The names as typed: the same spelling in every language HyperFormula knows (Excel does not translate them either). */
function translations(): Record<string, Record<string, string>> {
  const names = Object.fromEntries(KJ_FUNCTION_IDS.map((id) => [id, id]));
  const out: Record<string, Record<string, string>> = {};
  for (const lang of new Set(["enGB", ...HyperFormula.getRegisteredLanguagesCodes()])) out[lang] = names;
  return out;
}

let registered = false;

/** Registers the KJ functions with HyperFormula once per process; engines built afterwards know them. */
export function registerKjFunctions(): void {
  if (registered && HyperFormula.getRegisteredFunctionNames("enGB").includes("KJ.AWARD")) return;
  HyperFormula.registerFunctionPlugin(KjFunctionPlugin, translations());
  registered = true;
}

/** An engine over sheets of raw contents (formulas as "=..." strings), KJ functions included. */
export function buildKjEngine(
  sheets: Record<string, unknown[][]>,
  today: DayNumber,
  extra: Partial<ConfigParams> = {},
  names: { name: string; expression: string }[] = [],
  policies: PolicyRegistry = BUILTIN_POLICIES,
): HyperFormula {
  registerKjFunctions();
  return HyperFormula.buildFromSheets(sheets as never, { ...kjEngineConfig(today, policies), ...extra }, names);
}

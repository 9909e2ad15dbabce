/**
 * Turns whatever a core threw into the Excel error a cell shows. KjError keeps its Chinese
 * message: kind "na" -> #N/A (no answer exists, e.g. no applicable policy), otherwise
 * #VALUE!. Anything else is a bug; the cell still gets a readable #VALUE!.
 */
import { KjError } from "../src/errors";

export function toCustomFunctionError(e: unknown): CustomFunctions.Error {
  if (e instanceof KjError) {
    const code = e.kind === "na" ? CustomFunctions.ErrorCode.notAvailable : CustomFunctions.ErrorCode.invalidValue;
    return new CustomFunctions.Error(code, e.message);
  }
  const detail = e instanceof Error ? e.message : String(e);
  return new CustomFunctions.Error(CustomFunctions.ErrorCode.invalidValue, `内部错误：${detail}（请告知技术支持）`);
}

/** Runs a core, rethrowing its failure as an Excel error. */
export function excelCall<T>(core: () => T): T {
  try {
    return core();
  } catch (e) {
    throw toCustomFunctionError(e);
  }
}

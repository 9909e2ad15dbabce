/**
 * The wps.AddCustomFunction metadata of each KJ function, built from src/fx/spec.ts only (the
 * build reads it too, without loading the function cores).
 */
import { FxParam, FxSpec } from "../src/fx/spec";

/** One parameter as AddCustomFunction's meta describes it ("any[][]", "number?" ...). */
export interface WpsParamMeta {
  name: string;
  description: string;
  type: string;
}

export interface WpsFunctionMeta {
  description: string;
  parameters: WpsParamMeta[];
  result: { type: string };
}

/** A range parameter is a 2-D array ("any[][]"); an optional one ends in "?". */
export function wpsParamType(p: FxParam): string {
  return (p.matrix ? `${p.type}[][]` : p.type) + (p.optional ? "?" : "");
}

/** The AddCustomFunction meta of a function, in Chinese, from its spec. */
export function wpsMeta(spec: FxSpec): WpsFunctionMeta {
  return {
    description: spec.descriptionZh,
    parameters: spec.params.map((p) => ({ name: p.nameZh, description: p.descriptionZh, type: wpsParamType(p) })),
    result: { type: spec.result.type },
  };
}


/**
 * Build helper: checks the functions.json that custom-functions-metadata generates from the
 * JSDoc in functions/functions.ts against src/fx/spec.ts, and derives functions.zh-cn.json
 * (Chinese descriptions and parameter names; ids and function names are never localised,
 * so =KJ.AWARD(...) is spelled the same in every language and in WPS).
 * Used by webpack.config.js and by tests/functions-metadata.test.ts.
 */
import { FX_NAMESPACE, FX_SPECS, FxSpec } from "../src/fx/spec";

export interface MetadataParameter {
  name: string;
  description?: string;
  type?: string;
  dimensionality?: string;
  optional?: boolean;
  repeating?: boolean;
}

export interface MetadataFunction {
  id: string;
  name: string;
  description?: string;
  parameters: MetadataParameter[];
  result?: { type?: string; dimensionality?: string };
  options?: Record<string, unknown>;
}

export interface FunctionsMetadata {
  functions: MetadataFunction[];
  [key: string]: unknown;
}

function dimensionality(p: { dimensionality?: string }): string {
  return p.dimensionality ?? "scalar";
}

/** Every difference between the generated metadata and the spec, in words; [] when they agree. */
export function metadataDrift(meta: FunctionsMetadata, specs: readonly FxSpec[] = FX_SPECS): string[] {
  const out: string[] = [];
  const ids = meta.functions.map((f) => f.id);
  for (const spec of specs) {
    if (!ids.includes(spec.id)) out.push(`${spec.id}: in spec.ts but not in functions.json`);
  }
  for (const fn of meta.functions) {
    const spec = specs.find((s) => s.id === fn.id);
    if (!spec) {
      out.push(`${fn.id}: in functions.json but not in spec.ts`);
      continue;
    }
    if (fn.name !== spec.id) out.push(`${fn.id}: name ${fn.name} differs from its id`);
    if (fn.parameters.length !== spec.params.length) {
      out.push(`${fn.id}: ${fn.parameters.length} parameters in functions.json, ${spec.params.length} in spec.ts`);
    }
    fn.parameters.forEach((p, i) => {
      const s = spec.params[i];
      if (!s) return;
      const where = `${fn.id} parameter ${i + 1}`;
      if (p.name !== s.name) out.push(`${where}: name ${p.name} vs ${s.name}`);
      if ((p.type ?? "any") !== s.type) out.push(`${where}: type ${p.type} vs ${s.type}`);
      if (Boolean(p.optional) !== s.optional) out.push(`${where}: optional ${Boolean(p.optional)} vs ${s.optional}`);
      if ((dimensionality(p) === "matrix") !== s.matrix) out.push(`${where}: dimensionality ${dimensionality(p)} vs matrix=${s.matrix}`);
      if (p.repeating) out.push(`${where}: repeating parameters are not in spec.ts`);
    });
    const resultType = fn.result?.type ?? "any";
    if (resultType !== spec.result.type) out.push(`${fn.id}: result type ${resultType} vs ${spec.result.type}`);
    if (dimensionality(fn.result ?? {}) !== "scalar") out.push(`${fn.id}: result should be a single value`);
  }
  return out;
}

/**
 * functions.zh-cn.json from functions.json: same ids, names, types and shapes; Chinese
 * descriptions and parameter names from the spec. Throws when the two have drifted.
 */
export function localizeMetadata(meta: FunctionsMetadata, specs: readonly FxSpec[] = FX_SPECS): FunctionsMetadata {
  const drift = metadataDrift(meta, specs);
  if (drift.length > 0) throw new Error(`functions.json and src/fx/spec.ts disagree:\n${drift.join("\n")}`);
  return {
    ...meta,
    functions: meta.functions.map((fn) => {
      const spec = specs.find((s) => s.id === fn.id) as FxSpec;
      return {
        ...fn,
        description: spec.descriptionZh,
        parameters: fn.parameters.map((p, i) => ({ ...p, name: spec.params[i].nameZh, description: spec.params[i].descriptionZh })),
      };
    }),
  };
}

export { FX_NAMESPACE };

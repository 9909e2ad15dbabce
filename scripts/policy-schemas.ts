/**
 * Generates the JSON Schemas of the policy pack formats from their zod schemas (the single source
 * of truth), with the Chinese descriptions editors show while typing:
 *
 *   npm run schemas      writes src/policy/schemas/*.schema.json (and the copy beside the sample pack)
 *
 * tests/policy/schemas.test.ts fails when a committed file differs from what this generates, so the
 * shipped schema cannot drift from the schema KJ checks packs with.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { zodToJsonSchema } from "zod-to-json-schema";
import { ZodTypeAny } from "zod";
import { planPackSchema } from "../src/policy/schema";
import { rulePackSchema } from "../src/policy/rules-schema";
import { upkeepPackSchema } from "../src/policy/upkeep-schema";
import { rdPackSchema } from "../src/policy/rd-schema";

/**
 * The plan schema is written out in full (every field with its description where it stands); the
 * eligibility schema is recursive (score parts hold parts), so it refers to repeated parts by $ref.
 */
const FORMATS: { file: string; title: string; schema: ZodTypeAny; refs: "none" | "root" }[] = [
  { file: "kj-plan.schema.json", title: "KJ 计划政策包（奖励与目标）", schema: planPackSchema, refs: "none" },
  { file: "kj-eligibility.schema.json", title: "KJ 认定条件政策包（高企、科小、小巨人）", schema: rulePackSchema, refs: "root" },
  { file: "kj-upkeep.schema.json", title: "KJ 动态管理政策包（培育库调出原因与提醒）", schema: upkeepPackSchema, refs: "none" },
  { file: "kj-rd-subsidy.schema.json", title: "KJ 研发补助政策包（企业研究开发财政补助，省级、市级）", schema: rdPackSchema, refs: "none" },
];

/** Where the generated files go: the shipped copies, and the one beside the sample pack. */
export const SCHEMA_DIRS = ["src/policy/schemas", "samples/policy"];

/** The schema files by name, as JSON text (2-space indent, final newline). */
export function policySchemaFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of FORMATS) {
    // Typed loosely: the schemas' inferred types are too deep for zodToJsonSchema's generic signature.
    const generate = zodToJsonSchema as unknown as (schema: unknown, options: object) => Record<string, unknown>;
    const body = generate(f.schema, { target: "jsonSchema7", $refStrategy: f.refs, definitionPath: "definitions" });
    delete body.$schema;
    const doc = { $schema: "http://json-schema.org/draft-07/schema#", $id: f.file, title: f.title, ...body };
    out[f.file] = JSON.stringify(doc, null, 2) + "\n";
  }
  return out;
}

if (require.main === module) {
  const root = path.resolve(__dirname, "..");
  for (const dir of SCHEMA_DIRS) {
    fs.mkdirSync(path.join(root, dir), { recursive: true });
    for (const [name, text] of Object.entries(policySchemaFiles())) {
      if (dir === "samples/policy" && name !== "kj-plan.schema.json") continue;
      fs.writeFileSync(path.join(root, dir, name), text);
      console.log(`wrote ${dir}/${name}`);
    }
  }
}

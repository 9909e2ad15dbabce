/**
 * One file per recognition: each of src/rules/hitech.ts, sme.ts, giant.ts lists its document's
 * clauses, and under each the pack conditions that encode it. This keeps the list and the
 * built-in pack in step, so a rule is found in one hop from its pack and the other way round.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadRulePack } from "../../src/policy/rules";
import type { RulePackRaw } from "../../src/policy/rules-schema";
import { KINDS, RECOGNITIONS } from "../../src/rules/evaluate";

const PACK_DIR = join(__dirname, "..", "..", "src", "policy", "packs");

describe("one file per recognition, beside its pack", () => {
  it("covers the three recognitions", () => {
    assert.deepEqual(RECOGNITIONS.map((r) => r.category).sort(), ["giant", "hitech", "sme"]);
  });

  for (const rec of RECOGNITIONS) {
    for (const file of rec.packs) {
      describe(`${rec.category}: ${file}`, () => {
        const json = JSON.parse(readFileSync(join(PACK_DIR, file), "utf8")) as RulePackRaw;
        const pack = loadRulePack(json);

        it("the pack is of this recognition", () => {
          assert.equal(pack.category, rec.category);
        });

        it("every condition of the pack is listed exactly once, under the clause it cites", () => {
          const listed: string[] = [];
          for (const cl of rec.clauses) {
            if (!("conditions" in cl)) continue;
            for (const id of cl.conditions) {
              listed.push(id);
              const c = pack.conditions.find((x) => x.id === id);
              assert.ok(c, `${cl.cite} lists “${id}”, which the pack does not have`);
              assert.ok(c.cite.startsWith(cl.cite), `“${id}” cites ${c.cite}, but is listed under ${cl.cite}`);
            }
          }
          assert.deepEqual([...listed].sort(), pack.conditions.map((c) => c.id).sort());
        });

        it("every clause the pack leaves unencoded is said so in the list", () => {
          const said = rec.clauses.filter((cl) => "unencoded" in cl).map((cl) => cl.cite);
          for (const u of json.unencoded) assert.ok(said.includes(u.cite), `the pack leaves ${u.cite} unencoded, the list does not say so`);
        });

        it("every condition kind the pack uses has an evaluator", () => {
          for (const c of pack.conditions) assert.equal(typeof KINDS[c.kind], "function", c.kind);
        });
      });
    }
  }
});

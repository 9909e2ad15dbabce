/**
 * Every number in a plan pack carries its citation and the words it comes from: each award
 * has a 计划 clause and its source text, and that text states the very amount, cap or rate
 * the pack computes with; each target has its clause and what it is counted from.
 */
import { strict as assert } from "assert";
import Decimal from "decimal.js";
import fs from "fs";
import path from "path";
import { PLAN_PACKS } from "../src/policy/plans";

const CLAUSE = /^计划 [一二三四五六七八九十]+(（[一二三四五六七八九十]+）(\d+)?)?$/;
/** The plan text, when the repository carries it (the pack names its path). */
function sourceText(relative: string): string | null {
  const file = path.resolve(__dirname, "..", relative);
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
}

describe("policy pack citations", () => {
  for (const plan of PLAN_PACKS) {
    const pack = plan.pack;
    describe(pack.id, () => {
      it("names its period, title, issuer and source", () => {
        assert.match(pack.period.from, /^\d{4}-\d{2}-\d{2}$/);
        assert.match(pack.period.to, /^\d{4}-\d{2}-\d{2}$/);
        assert.ok(pack.period.from < pack.period.to);
        assert.ok(pack.title.length > 4 && pack.issuer.length > 1 && pack.source.length > 4);
      });

      it("cites a plan clause and quotes the source text for every award", () => {
        assert.ok(pack.awards.length >= 8);
        for (const a of pack.awards) {
          assert.match(a.cite, CLAUSE, `${a.key}: citation “${a.cite}”`);
          assert.ok(a.text.length >= 10, `${a.key}: no source text`);
          assert.ok(a.text.endsWith("。"), `${a.key}: source text should be a whole sentence`);
        }
      });

      it("has source text that states the amount, cap or rate used in computing", () => {
        for (const a of pack.awards) {
          const r = a.rule;
          const figure =
            r.type === "fixed" ? `${r.amount}万元` : r.type === "capped" ? `${r.cap}万元` : `${new Decimal(r.rate).times(100).toString()}%`;
          assert.ok(a.text.includes(figure), `${a.key}: “${figure}” is not in its source text: ${a.text}`);
          if (r.type !== "fixed") assert.ok(a.basis && a.basis.length >= 2, `${a.key}: a capped or rate award must say what its basis is`);
        }
      });

      it("quotes the plan verbatim where the plan text is in the repository", function () {
        const text = sourceText(pack.source);
        if (text === null) this.skip();
        const compact = (s: string) => s.replace(/\s+/g, "");
        for (const a of pack.awards) assert.ok(compact(text!).includes(compact(a.text)), `${a.key}: text not found in ${pack.source}`);
      });

      it("cites a plan clause and says what it counts for every target", () => {
        assert.ok(pack.targets.length >= 16);
        for (const t of pack.targets) {
          assert.match(t.cite, CLAUSE, `${t.key}: citation “${t.cite}”`);
          assert.ok(t.countedFrom.length >= 4, `${t.key}: no countedFrom`);
          assert.ok(Number.isInteger(t.target) && t.target > 0, `${t.key}: target ${t.target}`);
          assert.ok(t.unit.length > 0, `${t.key}: no unit`);
        }
      });

      it("keeps award and target keys unique", () => {
        const keys = pack.awards.map((a) => a.key);
        assert.equal(new Set(keys).size, keys.length);
        const tkeys = pack.targets.map((t) => t.key);
        assert.equal(new Set(tkeys).size, tkeys.length);
      });
    });
  }
});

/**
 * Nothing lost, on every host: each job leaves every user cell (value, formula, fill, note)
 * as it was except the cells its edits declare as its own; a second run changes nothing;
 * marks clear back to the exact previous state; upkeep removal + undo is an exact round trip
 * of the ledger sheet. One list of jobs x one list of hosts (tests/safety/hosts.ts).
 */
import { strict as assert } from "assert";
import { Edit, readWorkbook, WorkbookSnapshot } from "../../src/host/port";
import { fillAwards } from "../../src/jobs/awards";
import { computeTargets } from "../../src/jobs/targets";
import { ARCHIVE_SHEET, planUpkeep, removeFromPool, undoRemoval } from "../../src/jobs/upkeep";
import { clearMarkEdits, validateWorkbook } from "../../src/jobs/validate";
import { AS_OF, ENTERPRISE, safetyFixture } from "./fixture";
import { assertOnlyDeclaredChanged, assertSame, checksum, declaredBy, forRoundTrip, without } from "./harness";
import { HostRun, SAFETY_HOSTS } from "./hosts";

interface SafetyJob {
  name: string;
  edits(snapshot: WorkbookSnapshot): Edit[];
}

const JOBS: readonly SafetyJob[] = [
  { name: "validate with marks", edits: (s) => validateWorkbook(s, { asOf: AS_OF, mark: true }).edits },
  { name: "upkeep suggestions", edits: (s) => planUpkeep(s, { asOf: AS_OF }).edits },
  { name: "targets", edits: (s) => computeTargets(s, { asOf: AS_OF }).edits },
  { name: "awards", edits: (s) => fillAwards(s, { asOf: AS_OF }).edits },
];

/** Reads the workbook, runs the job, applies its edits and makes them durable. */
async function runJob(run: HostRun, job: SafetyJob): Promise<{ next: HostRun; edits: Edit[]; sheetsBefore: string[] }> {
  const sheetsBefore = run.probe.sheetNames();
  const edits = job.edits(await readWorkbook(run.host));
  await run.host.apply(edits);
  return { next: await run.persist(), edits, sheetsBefore };
}

const fixture = safetyFixture();

for (const target of SAFETY_HOSTS) {
  describe(`nothing lost: ${target.name}`, function () {
    this.timeout(60_000);

    for (const job of JOBS) {
      it(`${job.name}: only the job's own cells change, and a second run changes nothing`, async () => {
        const first = await target.make(fixture.seed);
        const before = checksum(first.probe);
        const { next, edits, sheetsBefore } = await runJob(first, job);
        const after = checksum(next.probe);
        assert.ok(edits.length > 0, "the job has something to write");
        assertOnlyDeclaredChanged(before, after, declaredBy(edits, sheetsBefore), job.name);
        assert.notDeepEqual(after, before, "the job wrote its output");

        const again = await runJob(next, job);
        assertSame(after, checksum(again.next.probe), `${job.name}, second run`);
      });
    }

    it("validate: clearing the marks gives back every fill and note exactly, also after a save", async () => {
      const first = await target.make(fixture.seed);
      const before = checksum(first.probe);
      const { next, edits } = await runJob(first, JOBS[0]);
      const marked = edits.filter((e) => e.type === "mark").flatMap((e) => (e.type === "mark" ? e.marks.map((m) => ({ sheet: e.sheet, ...m })) : []));
      assert.ok(marked.length >= 5, "validation marks the broken cells");
      for (const d of fixture.decorated.filter((d) => marked.some((m) => m.sheet === d.sheet && m.row === d.row && m.col === d.col))) {
        const note = next.probe.note(d.sheet, d.row, d.col) ?? "";
        assert.ok(note.includes("用户批注"), `the user's note on ${d.sheet}!${d.row},${d.col} is kept beside the mark: ${note}`);
      }
      const sheets = [...new Set(marked.map((m) => m.sheet))];
      await next.host.apply(clearMarkEdits(sheets));
      const cleared = await next.persist();
      assertSame(before, checksum(cleared.probe), "after clearing marks");
    });

    it("upkeep: removal then undo is an exact round trip of the ledger; each runs twice as once", async () => {
      const start = await target.make(fixture.seed);
      const original = checksum(start.probe);
      const width = Math.max(...[...(original.get(ENTERPRISE) ?? new Map()).keys()].map((k) => Number(k.split(",")[1])));

      const planned = await runJob(start, { name: "upkeep suggestions", edits: (s) => planUpkeep(s, { asOf: AS_OF }).edits });
      const suggestions = planUpkeep(await readWorkbook(planned.next.host), { asOf: AS_OF }).report.suggestions;
      for (const row of fixture.removedRows) assert.ok(suggestions.some((s) => s.row === row), `row ${row} (注销) is suggested`);

      const removal = removeFromPool(await readWorkbook(planned.next.host), { asOf: AS_OF }, suggestions);
      assert.equal(removal.report.removed.length, suggestions.length);
      await planned.next.host.apply(removal.edits);
      const removed = await planned.next.persist();
      const afterRemoval = checksum(removed.probe);
      const ledgerRows = (sum: typeof original) => new Set([...(sum.get(ENTERPRISE) ?? new Map()).keys()].map((k) => k.split(",")[0])).size;
      assert.equal(ledgerRows(afterRemoval), ledgerRows(original) - suggestions.length, "the removed rows left the ledger");
      assert.ok(afterRemoval.get(ARCHIVE_SHEET), "the rows are archived in 调出记录");
      assertSame(without(original, [ENTERPRISE]), without(afterRemoval, [ENTERPRISE, ARCHIVE_SHEET]), "other sheets during removal");

      const removeAgain = removeFromPool(await readWorkbook(removed.host), { asOf: AS_OF }, suggestions);
      assert.deepEqual(removeAgain.edits, [], "removing the same firms again does nothing");

      const undo = undoRemoval(await readWorkbook(removed.host), { asOf: AS_OF });
      assert.equal(undo.report.restored.length, suggestions.length);
      await removed.host.apply(undo.edits);
      const restored = await removed.persist();
      const afterUndo = checksum(restored.probe);
      const removedRows = suggestions.map((x) => x.row);
      // Restored rows come back bare (no fill or note of their own, none inherited from a neighbour).
      assertSame(forRoundTrip(original, ENTERPRISE, width, removedRows), forRoundTrip(afterUndo, ENTERPRISE, width, []), "the ledger's user columns after undo");
      const kept = fixture.decorated.filter((d) => d.sheet === ENTERPRISE && !removedRows.includes(d.row));
      assert.ok(kept.length >= 2, "user fills and notes on kept rows are part of the comparison");
      assertSame(without(original, [ENTERPRISE]), without(afterUndo, [ENTERPRISE, ARCHIVE_SHEET]), "other sheets after undo");

      const undoAgain = undoRemoval(await readWorkbook(restored.host), { asOf: AS_OF });
      assert.equal(undoAgain.report.restored.length, 0, "the batch is not restored twice");
      await restored.host.apply(undoAgain.edits);
      assertSame(afterUndo, checksum((await restored.persist()).probe), "undo run twice");
    });

    // Known gap (see SECURITY.md): 调出记录 archives a removed row's values, not its fills and
    // notes, so a user's colour or note on a removed row does not come back with undo.
    it("upkeep: undo also gives back the user's fills and notes on removed rows (not yet: the archive holds values only)");
  });
}

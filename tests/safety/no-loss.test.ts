/**
 * Nothing lost, on every host: each job leaves every user cell (value, formula, fill, note)
 * as it was except the cells its edits declare as its own; a second run changes nothing;
 * marks clear back to the exact previous state; upkeep removal + undo is an exact round trip
 * of the ledger sheet, the user's fills and notes on removed rows included, and KJ's own marks
 * on removed rows neither travel nor leave the mark registry pointing at rows that moved.
 * One list of jobs x one list of hosts (tests/safety/hosts.ts).
 */
import { strict as assert } from "assert";
import { MARK_REGISTRY_SHEET, parseAddress, parseRegistry, RegistryEntry } from "../../src/host/marks";
import { Edit, NOTE_PREFIX, readWorkbook, WorkbookSnapshot } from "../../src/host/port";
import { fillAwards } from "../../src/jobs/awards";
import { computeTargets } from "../../src/jobs/targets";
import { ARCHIVE_COLUMN_OFFSET, ARCHIVE_SHEET, planUpkeep, removeFromPool, undoRemoval } from "../../src/jobs/upkeep";
import { clearMarkEdits, validateWorkbook } from "../../src/jobs/validate";
import { AS_OF, ENTERPRISE, safetyFixture } from "./fixture";
import { assertOnlyDeclaredChanged, assertSame, Checksum, checksum, declaredBy, forRoundTrip, without } from "./harness";
import { CellProbe, HostRun, SAFETY_HOSTS } from "./hosts";

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

/** The mark registry as the host stores it (read through the probe, not the port). */
function registryOf(probe: CellProbe): RegistryEntry[] {
  if (!probe.sheetNames().includes(MARK_REGISTRY_SHEET)) return [];
  const { rows, cols } = probe.extent(MARK_REGISTRY_SHEET);
  return parseRegistry(Array.from({ length: rows }, (_, i) => Array.from({ length: Math.max(cols, 3) }, (_, j) => probe.value(MARK_REGISTRY_SHEET, i + 1, j + 1))));
}

/** The widest column of a sheet in a checksum. */
function widthOf(sum: Checksum, sheet: string): number {
  return Math.max(...[...(sum.get(sheet) ?? new Map()).keys()].map((k) => Number(k.split(",")[1])));
}

/** The user's fill and note on the removed row the fixture decorated (a removed row that validation does not mark). */
const decoratedRemoved = (() => {
  const d = fixture.decorated.find((x) => x.sheet === ENTERPRISE && fixture.removedRows.includes(x.row));
  if (!d) throw new Error("the fixture decorates a removed row");
  return d;
})();

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

    it("upkeep: removal then undo is an exact round trip of the ledger, fills and notes included; each runs twice as once", async () => {
      const start = await target.make(fixture.seed);
      const original = checksum(start.probe);
      const width = widthOf(original, ENTERPRISE);

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
      // The user's colour and note travel with the row into the archive, beside its values.
      const line = 2 + suggestions.map((x) => x.row).sort((a, b) => a - b).indexOf(decoratedRemoved.row);
      const archived = afterRemoval.get(ARCHIVE_SHEET)?.get(`${line},${ARCHIVE_COLUMN_OFFSET + decoratedRemoved.col}`);
      const own = original.get(ENTERPRISE)?.get(`${decoratedRemoved.row},${decoratedRemoved.col}`);
      assert.ok(own?.fill && own.note, "the fixture's removed cell has a user fill and note");
      assert.deepEqual([archived?.fill, archived?.note], [own.fill, own.note], "调出记录 holds the removed cell's fill and note");

      const removeAgain = removeFromPool(await readWorkbook(removed.host), { asOf: AS_OF }, suggestions);
      assert.deepEqual(removeAgain.edits, [], "removing the same firms again does nothing");

      const undo = undoRemoval(await readWorkbook(removed.host), { asOf: AS_OF });
      assert.equal(undo.report.restored.length, suggestions.length);
      await removed.host.apply(undo.edits);
      const restored = await removed.persist();
      const afterUndo = checksum(restored.probe);
      assertSame(forRoundTrip(original, ENTERPRISE, width), forRoundTrip(afterUndo, ENTERPRISE, width), "the ledger's user columns after undo");
      const decorated = fixture.decorated.filter((d) => d.sheet === ENTERPRISE);
      assert.ok(decorated.some((d) => !fixture.removedRows.includes(d.row)) && decorated.some((d) => fixture.removedRows.includes(d.row)), "fills and notes on kept and on removed rows are part of the comparison");
      assertSame(without(original, [ENTERPRISE]), without(afterUndo, [ENTERPRISE, ARCHIVE_SHEET]), "other sheets after undo");

      const undoAgain = undoRemoval(await readWorkbook(restored.host), { asOf: AS_OF });
      assert.equal(undoAgain.report.restored.length, 0, "the batch is not restored twice");
      await restored.host.apply(undoAgain.edits);
      assertSame(afterUndo, checksum((await restored.persist()).probe), "undo run twice");
    });

    it("upkeep: a KJ mark on a removed row stays behind, the user's fill and note travel, and the registry follows every row", async () => {
      const start = await target.make(fixture.seed);
      const original = checksum(start.probe);
      const width = widthOf(original, ENTERPRISE);
      const kept = fixture.decorated.find((d) => d.sheet === ENTERPRISE && !fixture.removedRows.includes(d.row) && d.row > Math.max(...fixture.removedRows));
      assert.ok(kept, "a decorated kept row below the removed ones");
      const bare = { row: fixture.removedRows[0], col: 2 };
      const marks = [
        { row: decoratedRemoved.row, col: decoratedRemoved.col, level: "error" as const, note: "名称含公式字符" },
        { row: bare.row, col: bare.col, level: "warning" as const, note: "代码待核实" },
        { row: kept.row, col: kept.col, level: "suggestion" as const, note: "保留行上的标记" },
      ];
      await start.host.apply([{ type: "mark", sheet: ENTERPRISE, marks }]);
      const marked = await start.persist();
      assert.ok(marked.probe.note(ENTERPRISE, decoratedRemoved.row, decoratedRemoved.col)?.includes(NOTE_PREFIX), "the removed cell carries a KJ mark");

      const removal = removeFromPool(await readWorkbook(marked.host), { asOf: AS_OF }, fixture.removedRows);
      await marked.host.apply(removal.edits);
      const removed = await marked.persist();
      const afterRemoval = checksum(removed.probe);
      const lineOf = (row: number) => 2 + [...fixture.removedRows].sort((a, b) => a - b).indexOf(row);
      const inArchive = (at: { row: number; col: number }) => afterRemoval.get(ARCHIVE_SHEET)?.get(`${lineOf(at.row)},${ARCHIVE_COLUMN_OFFSET + at.col}`);
      const own = original.get(ENTERPRISE)?.get(`${decoratedRemoved.row},${decoratedRemoved.col}`);
      assert.deepEqual([inArchive(decoratedRemoved)?.fill, inArchive(decoratedRemoved)?.note], [own?.fill, own?.note], "the archive holds the user's fill and note, not KJ's mark");
      assert.deepEqual([inArchive(bare)?.fill ?? null, inArchive(bare)?.note ?? null], [null, null], "a cell only KJ had marked is archived bare");
      const movedUp = kept.row - fixture.removedRows.length;
      const rows = (entries: RegistryEntry[]) => entries.filter((e) => e.sheet === ENTERPRISE).map((e) => parseAddress(e.address)?.row);
      assert.deepEqual(rows(registryOf(removed.probe)), [movedUp], "the registry keeps only the kept row's mark, where that row now is");
      assert.equal(removed.probe.fill(ENTERPRISE, movedUp, kept.col), afterRemoval.get(ENTERPRISE)?.get(`${movedUp},${kept.col}`)?.fill);

      const undo = undoRemoval(await readWorkbook(removed.host), { asOf: AS_OF });
      await removed.host.apply(undo.edits);
      const restored = await removed.persist();
      assert.deepEqual(rows(registryOf(restored.probe)), [kept.row], "after undo the kept row's mark is back at its row in the registry");
      const back = checksum(restored.probe);
      const at = `${decoratedRemoved.row},${decoratedRemoved.col}`;
      assert.deepEqual([back.get(ENTERPRISE)?.get(at)?.fill, back.get(ENTERPRISE)?.get(at)?.note], [own?.fill, own?.note], "the restored row has the user's fill and note");

      // Clearing the remaining mark gives back exactly the workbook before the mark.
      await restored.host.apply(clearMarkEdits([ENTERPRISE]));
      const cleared = checksum((await restored.persist()).probe);
      assertSame(forRoundTrip(original, ENTERPRISE, width), forRoundTrip(cleared, ENTERPRISE, width), "the ledger after mark, removal, undo and clearing marks");
      assert.deepEqual(rows(registryOf((await restored.persist()).probe)), [], "no registry row is left for the ledger");
    });
  });
}

/**
 * Packs stored in the workbook (the very hidden KJ政策 sheet): a round trip through a host, long
 * packs split over cells, replacing and removing, the stamp WPS functions key their cache on, and
 * broken entries refused (CLI) or left out (functions) with the row named.
 */
import { strict as assert } from "assert";
import { dayFromParts, DayNumber } from "../../src/dates";
import { KjError } from "../../src/errors";
import { MemoryHost } from "../../src/host/memory";
import { readWorkbook, WorkbookSnapshot } from "../../src/host/port";
import { PackError } from "../../src/policy/pack-errors";
import { computeAward } from "../../src/policy/plans";
import { LoadedPack, loadPack } from "../../src/policy/registry";
import { CHUNK, POLICY_SHEET, readStoredTexts, removeStoredPackEdits, STAMP_COL, storedPacks, storePacksEdits, workbookRegistry } from "../../src/policy/stored";
import plan2022 from "../../src/policy/packs/plan-2022-2024.json";
import hitech2016 from "../../src/policy/packs/hitech-2016.json";

const day = (y: number, m: number, d: number) => dayFromParts(y, m, d) as DayNumber;
const TODAY = day(2026, 12, 1);

type Json = any;

function successor(amount = "25", id = "plan-2025-2027"): LoadedPack {
  const p: Json = JSON.parse(JSON.stringify(plan2022));
  p.id = id;
  p.period = { from: "2025-01-01", to: "2027-12-31" };
  p.awards[0].rule.amount = amount;
  return loadPack(p, { type: "file", name: `${id}.json` });
}

async function storeInto(host: MemoryHost, packs: LoadedPack[]): Promise<WorkbookSnapshot> {
  const r = storePacksEdits(await readWorkbook(host), packs, TODAY, packs.map((p) => `${p.id}.json`), "台账.xlsx");
  await host.apply(r.edits);
  return readWorkbook(host);
}

function ledgerHost(): MemoryHost {
  return new MemoryHost([{ name: "奖励", values: [["名称", "奖励事项", "认定日期"], ["甲公司", "高企", "2026-03-01"]] }]);
}

describe("policy packs stored in the workbook", () => {
  it("stores a pack on the very hidden KJ政策 sheet and reads back the same pack", async () => {
    const host = ledgerHost();
    const snap = await storeInto(host, [successor()]);
    assert.equal(host.isVeryHidden(POLICY_SHEET), true);
    assert.deepEqual(await host.listSheets(), ["奖励", POLICY_SHEET]);
    const { packs, problems } = storedPacks(snap, "台账.xlsx");
    assert.deepEqual(problems, []);
    assert.equal(packs.length, 1);
    assert.deepEqual(packs[0].json, successor().json);
    assert.deepEqual(packs[0].origin, { type: "workbook", name: "台账.xlsx" });
    const [entry] = readStoredTexts(snap).entries;
    assert.equal(entry.loadedFrom, "plan-2025-2027.json");
    assert.equal(entry.loadedOn, "2026-12-01");
    const reg = workbookRegistry(snap, "台账.xlsx");
    assert.equal(computeAward({ item: "高企", date: day(2026, 3, 1) }, reg.plans).amount.toString(), "25");
  });

  it("splits a long pack over cells of at most CHUNK characters, stored as text whatever they start with", async () => {
    const big = successor();
    const json: Json = { ...big.json, note: "=" + "很长的备注".repeat(4000) };
    const pack = loadPack(json, { type: "file", name: "big.json" });
    const host = ledgerHost();
    const snap = await storeInto(host, [pack]);
    const sheet = snap.sheets.find((s) => s.name === POLICY_SHEET)!;
    const parts = sheet.values.slice(1).filter((r) => r[0] === pack.id);
    assert.ok(parts.length >= 3, `parts: ${parts.length}`);
    for (const r of parts) assert.ok(String(r[3]).length <= CHUNK);
    for (let row = 2; row <= parts.length + 1; row++) assert.equal(host.isText(POLICY_SHEET, row, 4), true);
    assert.deepEqual(storedPacks(snap).packs[0].json, json);
  });

  it("replaces a stored pack of the same kind and id, keeps the others, and changes the stamp", async () => {
    const host = ledgerHost();
    const hitech: Json = { ...JSON.parse(JSON.stringify(hitech2016)), id: "hitech-2026", effectiveFrom: "2026-01-01" };
    const h = loadPack(hitech, { type: "file", name: "hitech-2026.json" });
    const first = await storeInto(host, [successor("25"), h]);
    const stamp1 = host.value(POLICY_SHEET, 1, STAMP_COL);
    assert.match(String(stamp1), /^v1-[0-9a-f]{8}$/);
    const r = storePacksEdits(first, [successor("30")], TODAY);
    assert.deepEqual(r.replaced.map((x) => x.id), ["plan-2025-2027"]);
    await host.apply(r.edits);
    const second = await readWorkbook(host);
    const reg = workbookRegistry(second);
    assert.equal(computeAward({ item: "高企", date: day(2026, 3, 1) }, reg.plans).amount.toString(), "30");
    assert.deepEqual(storedPacks(second).packs.map((p) => p.id), ["hitech-2026", "plan-2025-2027"]);
    assert.notEqual(host.value(POLICY_SHEET, 1, STAMP_COL), stamp1);
  });

  it("refuses to store a pack that overlaps a built-in or stored one, writing nothing", async () => {
    const host = ledgerHost();
    const snap = await storeInto(host, [successor()]);
    const clash: Json = { ...successor().json, id: "other", period: { from: "2027-01-01", to: "2029-12-31" } };
    assert.throws(() => storePacksEdits(snap, [loadPack(clash, { type: "file", name: "other.json" })], TODAY), (e: unknown) => e instanceof KjError && e.code === "policy_overlap");
  });

  it("removes a stored pack by id (loading the file again undoes it) and names the ids when there is none", async () => {
    const host = ledgerHost();
    const snap = await storeInto(host, [successor()]);
    const r = removeStoredPackEdits(snap, "plan-2025-2027");
    assert.deepEqual(r.removed.map((p) => p.id), ["plan-2025-2027"]);
    await host.apply(r.edits);
    const after = await readWorkbook(host);
    assert.deepEqual(storedPacks(after).packs, []);
    assert.equal(workbookRegistry(after).plans.length, 1);
    assert.throws(() => removeStoredPackEdits(after, "nope"), /工作簿中没有保存编号为“nope”的政策包（已保存：无）/);
    const again = await storeInto(host, [successor()]);
    assert.equal(storedPacks(again).packs.length, 1);
  });

  it("a broken stored pack: refused with its row for the CLI, left out with the reason for the functions", async () => {
    const host = ledgerHost();
    const big: Json = { ...successor().json, note: "备注".repeat(6000) };
    await storeInto(host, [loadPack(big, { type: "file", name: "big.json" })]);
    // Someone deleted the second part's row by hand.
    await host.apply([{ type: "clearRange", sheet: POLICY_SHEET, row: 3, col: 1, rows: 1, cols: 6 }]);
    const snap = await readWorkbook(host);
    assert.throws(() => storedPacks(snap, "台账.xlsx"), (e: unknown) => e instanceof PackError && /工作簿“台账\.xlsx”中保存的政策包有误/.test(e.message) && /第 2 行起的政策包“plan-2025-2027”缺少第 2 段/.test(e.message));
    const lenient = storedPacks(snap, "台账.xlsx", true);
    assert.deepEqual(lenient.packs, []);
    assert.match(lenient.problems[0], /缺少第 2 段/);

    const host2 = ledgerHost();
    await storeInto(host2, [successor()]);
    await host2.apply([{ type: "setValues", sheet: POLICY_SHEET, row: 2, col: 4, values: [['{"id": "x"}']] }]);
    const bad = storedPacks(await readWorkbook(host2), "台账.xlsx", true);
    assert.match(bad.problems[0], /第 2 行的政策包“plan-2025-2027”有误，未载入/);
  });
});

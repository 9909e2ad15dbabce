/**
 * "Done when" of issue 14.1: a clerk takes the built-in pack, changes its period and one amount,
 * loads it, and gets 2026 awards and targets from the CLI, Excel and WPS alike.
 *
 * The successor pack is the built-in plan with period 2025–2027 and the 高企 award 25 instead of 20.
 * It is given with --policy (CLI), then stored in the workbook (kj policy store, the pane's way
 * through a host) and used from there by kj awards / targets / recalc (HyperFormula), the Excel
 * custom functions (on office-addin-mock and the Office.js fake) and the WPS functions (fake ET).
 */
import { strict as assert } from "assert";
import ExcelJS from "exceljs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import JSZip from "jszip";
import { OfficeMockObject } from "office-addin-mock";
import { dayFromParts, DayNumber } from "../../src/dates";
import { ExcelHost } from "../../src/host/excel";
import { MemoryHost } from "../../src/host/memory";
import { readWorkbook } from "../../src/host/port";
import { WpsHost } from "../../src/host/wps";
import { POLICY_SHEET, storePacksEdits } from "../../src/policy/stored";
import { recalcXlsxPackage } from "../../src/host/xlsx/package-recalc";
import { recalcWorkbook } from "../../src/host/xlsx/recalc";
import { openXlsx } from "../../src/host/xlsx/file";
import { BUILTIN_POLICIES, loadPackText } from "../../src/policy/registry";
import * as excel from "../../functions/functions";
import { loadWorkbookPolicies, setWorkbookPolicies, workbookPolicies } from "../../functions/policies";
import { registerWpsFunctions, WpsFunctionMeta } from "../../wps/functions";
import { wpsPolicySource } from "../../wps/policies";
import { fakeEt } from "../wps/fake-et";
import { FakeExcel } from "../support/excel-mock";
import { kjRunner } from "../support/cli";
import { installCustomFunctionsStub, StubCustomFunctionError, thrown } from "../support/custom-functions-stub";

installCustomFunctionsStub();

const day = (y: number, m: number, d: number) => dayFromParts(y, m, d) as DayNumber;
const TODAY = day(2026, 12, 1);
const kj = kjRunner(TODAY);
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));

let dir: string;
before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-successor-"))));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => setWorkbookPolicies(BUILTIN_POLICIES));

/** The clerk's steps: kj policy show … --json > file, then change the period and one amount. */
async function clerksPack(amount = "25"): Promise<string> {
  const shown = await kj("policy", "show", "xuecheng-plan-2022-2024", "--json");
  assert.equal(shown.code, 0, shown.err);
  const edited = shown.out.replace('"from": "2022-01-01"', '"from": "2025-01-01"').replace('"to": "2024-12-31"', '"to": "2027-12-31"').replace('"amount": "20"', `"amount": "${amount}"`);
  assert.notEqual(edited, shown.out);
  const file = path.join(dir, `新政策-${amount}.json`);
  fs.writeFileSync(file, edited);
  return file;
}

/** A workbook with an award ledger (2026 recognitions, KJ.AWARD formulas), an enterprise ledger and a KJ.TARGET cell. */
async function ledgerBook(name: string): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const award = wb.addWorksheet("奖励");
  award.addRow(["名称", "统一社会信用代码", "奖励事项", "认定日期", "计算依据（万元）", "奖励金额（万元）", "拨付状态"]);
  award.addRow(["甲公司", "91370403MA00000010", "高企", utc(2026, 3, 1), null, null, "待拨付"]);
  award.addRow(["乙公司", "91370403MA00000020", "国家重点实验室", utc(2026, 5, 1), 250, null, "已拨付"]);
  award.addRow(["丙公司", "91370403MA00000030", "院士工作站", utc(2025, 2, 1), null, null, "待拨付"]);
  for (let r = 2; r <= 4; r++) award.getCell(r, 6).value = { formula: `KJ.AWARD(C${r},E${r},D${r})` } as ExcelJS.CellFormulaValue;
  const ent = wb.addWorksheet("企业");
  ent.addRow(["企业名称", "统一社会信用代码", "注册日期", "培育类别", "入库年度", "高企认定日期", "科小入库年度"]);
  ent.addRow(["甲公司", "91370403MA00000010", utc(2010, 1, 1), "高企", 2025, utc(2026, 3, 1), null]);
  ent.addRow(["丁公司", "91370403MA00000040", utc(2012, 1, 1), "高企", 2025, utc(2025, 9, 1), 2026]);
  ent.addRow(["戊公司", "91370403MA00000050", utc(2015, 1, 1), "科小", 2026, null, 2026]);
  const t = wb.addWorksheet("目标");
  t.addRow(["指标", "2026 年目标"]);
  t.addRow(["高新技术企业", null]);
  t.getCell(2, 2).value = { formula: 'KJ.TARGET("高新技术企业",2026)' } as ExcelJS.CellFormulaValue;
  const file = path.join(dir, name);
  await wb.xlsx.writeFile(file);
  return file;
}

async function cachedValues(file: string, sheet: string, col: number, rows: number[]): Promise<unknown[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.getWorksheet(sheet)!;
  return rows.map((r) => {
    const v = ws.getCell(r, col).value as { result?: unknown } | null;
    return v && typeof v === "object" && "result" in v ? v.result : v;
  });
}

describe("a successor pack, CLI with --policy", () => {
  it("kj award: 2026 has no policy without it (exit 2, saying how to add one), 25 with it", async () => {
    const pack = await clerksPack();
    const none = await kj("award", "高企", "--date", "2026-06-01", "--json");
    assert.equal(none.code, 2);
    assert.equal(JSON.parse(none.out).error.code, "no_policy");
    assert.match(none.err, /--policy 政策包\.json/);
    const r = await kj("award", "高企", "--date", "2026-06-01", "--policy", pack, "--json");
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).amount, 25);
    assert.equal(JSON.parse(r.out).policy, "xuecheng-plan-2022-2024");
    const old = await kj("award", "高企", "--date", "2024-06-01", "--policy", pack, "--json");
    assert.equal(JSON.parse(old.out).amount, 20, "2024 still under the built-in pack");
  });

  it("kj awards and kj targets on a 2026 ledger", async () => {
    const pack = await clerksPack();
    const book = await ledgerBook("台账-policy.xlsx");
    const without = await kj("awards", book, "--json");
    assert.equal(without.code, 1);
    assert.ok(JSON.parse(without.out).rows.every((r: { problem: string | null }) => /无适用政策/.test(r.problem ?? "")));

    const a = await kj("awards", book, "--policy", pack, "--json");
    assert.equal(a.code, 0, a.err);
    const rows = JSON.parse(a.out).rows;
    assert.deepEqual(rows.map((r: { amountText: string }) => r.amountText), ["25", "200", "50"]);
    assert.equal(JSON.parse(a.out).totals.total.amountText, "275");

    const t = await kj("targets", book, "--as-of", "2026-12-31", "--policy", pack, "--json");
    const j = JSON.parse(t.out);
    assert.deepEqual(j.policy, { id: "xuecheng-plan-2022-2024", title: j.policy.title, from: "2025-01-01", to: "2027-12-31" });
    const hitech = j.indicators.find((i: { key: string }) => i.key === "hitech");
    assert.equal(hitech.target, 60);
    assert.equal(hitech.actual, 2);
    assert.deepEqual(hitech.byYear, { "2025": 1, "2026": 2, "2027": null });
    const sme = j.indicators.find((i: { key: string }) => i.key === "sme");
    assert.equal(sme.actual, 2, "科小 of 2026");
  });

  it("a pack that overlaps the built-in one is refused, naming both (exit 2)", async () => {
    const file = path.join(dir, "重叠.json");
    const text = fs.readFileSync(await clerksPack(), "utf8").replace('"from": "2025-01-01"', '"from": "2024-07-01"');
    fs.writeFileSync(file, text);
    const r = await kj("award", "高企", "--date", "2026-06-01", "--policy", file);
    assert.equal(r.code, 2);
    assert.match(r.err, /“xuecheng-plan-2022-2024”（内置，2022-01-01 至 2024-12-31）与“xuecheng-plan-2022-2024”（文件“重叠\.json”，2024-07-01 至 2027-12-31）/);
  });
});

describe("the same pack stored in the workbook", () => {
  let stored: string;
  let pack: string;
  before(async () => {
    pack = await clerksPack();
    const book = await ledgerBook("台账.xlsx");
    stored = path.join(dir, "台账-含政策.xlsx");
    const r = await kj("policy", "store", book, pack, "--out", stored, "--json");
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out).stored.map((p: { id: string; origin: string }) => [p.id, p.origin]), [["xuecheng-plan-2022-2024", "workbook"]]);
  });

  it("is on a very hidden sheet, and its formulas were recalculated by the new pack when stored", async () => {
    const zip = await JSZip.loadAsync(fs.readFileSync(stored));
    const workbookXml = await zip.file("xl/workbook.xml")!.async("string");
    assert.match(workbookXml, new RegExp(`<sheet name="${POLICY_SHEET}" sheetId="\\d+" state="veryHidden"`));
    assert.deepEqual(await cachedValues(stored, "奖励", 6, [2, 3, 4]), [25, 200, 50]);
    assert.deepEqual(await cachedValues(stored, "目标", 2, [2]), [60]);
  });

  it("kj awards, kj targets and kj policy list use it without --policy", async () => {
    const a = await kj("awards", stored, "--json");
    assert.equal(a.code, 0, a.err);
    assert.deepEqual(JSON.parse(a.out).rows.map((r: { amountText: string }) => r.amountText), ["25", "200", "50"]);
    const t = await kj("targets", stored, "--as-of", "2026-12-31", "--json");
    assert.equal(JSON.parse(t.out).policy.from, "2025-01-01");
    const again = await kj("awards", stored, "--policy", pack, "--json");
    assert.equal(again.code, 0, "the same pack given again counts once");
    const list = await kj("policy", "list", "--workbook", stored, "--date", "2026-06-01", "--json");
    assert.deepEqual(
      JSON.parse(list.out).packs.map((p: { id: string; origin: string }) => `${p.id}/${p.origin}`).sort(),
      ["giant-provisional/builtin", "hitech-2016/builtin", "rd-city-2025/builtin", "rd-province-2025/builtin", "sme-2017/builtin", "xuecheng-plan-2022-2024/workbook", "xuecheng-pool-upkeep/builtin"],
    );
  });

  it("kj recalc (HyperFormula) computes KJ.AWARD and KJ.TARGET for 2026 from it, on the package path and through exceljs", async () => {
    // Make the cached values wrong first, so the recalculation has to write them.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(stored);
    for (let r = 2; r <= 4; r++) wb.getWorksheet("奖励")!.getCell(r, 6).value = { formula: `KJ.AWARD(C${r},E${r},D${r})`, result: 0 } as ExcelJS.CellFormulaValue;
    const stale = path.join(dir, "stale.xlsx");
    await wb.xlsx.writeFile(stale);
    const out = path.join(dir, "recalc.xlsx");
    const r = await kj("recalc", stale, "--out", out, "--json");
    assert.equal(r.code, 0, r.err + r.out);
    assert.equal(JSON.parse(r.out).errors, 0);
    assert.deepEqual(await cachedValues(out, "奖励", 6, [2, 3, 4]), [25, 200, 50]);
    assert.deepEqual(await cachedValues(out, "目标", 2, [2]), [60]);
    // The package path itself (kj recalc would fall back to exceljs silently).
    const packaged = await recalcXlsxPackage(fs.readFileSync(stale), { today: TODAY, workbookName: "stale.xlsx" });
    assert.equal(packaged.report.errors, 0);
    assert.equal(packaged.report.computed, 4);
    // The exceljs path.
    const book = await openXlsx(stale);
    const report = recalcWorkbook(book, { today: TODAY, workbookName: "stale.xlsx" });
    assert.equal(report.errors, 0);
    assert.deepEqual([2, 3, 4].map((row) => (book.getWorksheet("奖励")!.getCell(row, 6).value as { result: unknown }).result), [25, 200, 50]);
  });

  it("kj policy store --remove takes it out again: 2026 has no policy", async () => {
    const out = path.join(dir, "removed.xlsx");
    const r = await kj("policy", "store", stored, "--remove", "xuecheng-plan-2022-2024", "--out", out);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /已移除：xuecheng-plan-2022-2024（2025-01-01 至 2027-12-31）/);
    const a = await kj("awards", out, "--json");
    assert.equal(a.code, 1);
    assert.deepEqual(await cachedValues(out, "奖励", 6, [2]), [{ error: "#N/A" }]);
  });
});

describe("the same pack stored in the workbook: Excel custom functions", () => {
  it("office-addin-mock: at start-up the stored packs are read, the functions use them and Excel recalculates", async () => {
    const text = fs.readFileSync(await clerksPack(), "utf8");
    const p = loadPackText(text, { type: "file", name: "新政策.json" });
    // The KJ政策 sheet as the pane writes it (through the memory host: same edits, same cells).
    const mem = new MemoryHost([{ name: "奖励", values: [["名称"]] }]);
    await mem.apply(storePacksEdits(await readWorkbook(mem), [p], TODAY, ["新政策.json"]).edits);
    const policyValues = (await mem.readSheet(POLICY_SHEET)).values;

    const calculated: string[] = [];
    const mock = new OfficeMockObject({
      context: {
        workbook: {
          application: { calculate: (type: string) => calculated.push(type) },
          worksheets: {
            items: [{ name: "奖励" }, { name: POLICY_SHEET }],
            policy: {
              used: { values: policyValues, formulas: policyValues, rowIndex: 0, columnIndex: 0, rowCount: policyValues.length, columnCount: policyValues[0].length },
              getUsedRangeOrNullObject() {
                return this.used;
              },
            },
            getItemOrNullObject() {
              return this.policy;
            },
          },
        },
      },
      run: async function (this: { context: unknown }, cb: (ctx: unknown) => Promise<unknown>) {
        return cb(this.context);
      },
    }) as OfficeMockObject & Record<string, any>;
    const sheets = mock.context.workbook.worksheets;
    // office-addin-mock loads collection items by "items", not by the "items/name" path Excel takes.
    const load = sheets.load.bind(sheets);
    sheets.load = (p: string) => load(p === "items/name" ? "items" : p);
    Object.defineProperty(sheets.policy, "isNullObject", { value: false });
    Object.defineProperty(sheets.policy.used, "isNullObject", { value: false });

    const before = thrown(() => excel.award("高企", null, "2026-06-01")) as StubCustomFunctionError;
    assert.equal(before.code, "#N/A");
    assert.match(before.message ?? "", /任务窗格“政策”页/);

    const host = new ExcelHost({ run: (cb) => mock.run(cb), notes: true });
    const found = await loadWorkbookPolicies(host, "台账.xlsx");
    assert.deepEqual(found.problems, []);
    assert.equal(found.stored, 1);
    assert.deepEqual(calculated, ["Full"], "a full recalculation once the stored packs are in");
    assert.equal(excel.award("高企", null, "2026-06-01"), 25);
    assert.equal(excel.award("国家重点实验室", 250, 46143), 200);
    assert.equal(excel.target("高新技术企业", 2026), 60);
    assert.equal(excel.award("高企", null, "2024-06-01"), 20);
  });

  it("Office.js fake: the pane's store goes through ExcelHost (very hidden sheet), and reading it back gives the same packs", async () => {
    const p = loadPackText(fs.readFileSync(await clerksPack("26"), "utf8"), { type: "file", name: "新政策.json" });
    const fake = new FakeExcel([{ name: "奖励", values: [["名称", "奖励事项", "认定日期"]] }]);
    const host = new ExcelHost({ run: fake.run, notes: true });
    const r = storePacksEdits(await readWorkbook(host), [p], TODAY, ["新政策.json"]);
    await host.apply(r.edits);
    assert.equal(fake.sheets.find((s) => s.name === POLICY_SHEET)?.visibility, "VeryHidden");
    await loadWorkbookPolicies(host);
    assert.deepEqual(fake.calculations, ["Full"]);
    assert.equal(workbookPolicies().plans.length, 2);
    assert.equal(excel.award("高企", null, "2026-06-01"), 26);
  });
});

describe("the same pack stored in the workbook: WPS functions (fake ET)", () => {
  it("read the stored packs of the active workbook, once per change of the stamp", async () => {
    const app = fakeEt({ 奖励: [["名称", "奖励事项", "认定日期"]] });
    const host = new WpsHost(app);
    const store = async (amount: string) => {
      const p = loadPackText(fs.readFileSync(await clerksPack(amount), "utf8"), { type: "file", name: "新政策.json" });
      await host.apply(storePacksEdits(await readWorkbook(host), [p], TODAY, ["新政策.json"]).edits);
    };
    const fns = new Map<string, (...a: unknown[]) => unknown>();
    const wps = { AddCustomFunction: (_ns: string, name: string, fn: (...a: unknown[]) => unknown, _meta: WpsFunctionMeta) => void fns.set(name, fn) };
    registerWpsFunctions(wps, () => new Date(2026, 11, 1), wpsPolicySource(() => app));
    const award = fns.get("AWARD")!;
    const target = fns.get("TARGET")!;
    const MISSING = -2147352572;

    assert.match(String(award("高企", MISSING, "2026-06-01")), /^#N\/A 无适用政策：2026-06-01.*任务窗格“政策”页/);
    await store("25");
    assert.equal(app.sheet(POLICY_SHEET).visible, 2, "very hidden (xlSheetVeryHidden)");
    assert.equal(award("高企", MISSING, "2026-06-01"), 25);
    assert.equal(target("高新技术企业", 2026), 60);
    const reads = app.log.value2Reads;
    for (let i = 0; i < 50; i++) award("高企", MISSING, "2026-06-01");
    assert.ok(app.log.value2Reads - reads <= 50, "one stamp cell per call, not the whole sheet");
    await store("30");
    assert.equal(award("高企", MISSING, "2026-06-01"), 30, "a new stamp: the packs are read again");
  });
});

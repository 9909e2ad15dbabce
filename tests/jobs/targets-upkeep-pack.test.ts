/**
 * The 高企 stock of 目标完成情况 counts a certificate as valid for the years of the upkeep pack
 * in force on the as-of date (hitechValidityYears), not the built-in pack's: in computeTargets,
 * `kj targets --policy`, a pack stored in the workbook (kj targets and the pane's page alike).
 */
import { strict as assert } from "assert";
import ExcelJS from "exceljs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dayFromParts, DayNumber } from "../../src/dates";
import { readWorkbook, WorkbookSnapshot } from "../../src/host/port";
import { XlsxHost } from "../../src/host/xlsx/host";
import { computeTargets } from "../../src/jobs/targets";
import { BUILTIN_POLICIES, buildRegistry, loadPackText } from "../../src/policy/registry";
import { upkeepPackFor } from "../../src/policy/upkeep-schema";
import rawPack from "../../src/policy/packs/pool-upkeep.json";
import { targetsView } from "../../taskpane/jobs";
import { kjRunner } from "../support/cli";

const day = (y: number, m: number, d: number) => dayFromParts(y, m, d) as DayNumber;
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));
const AS_OF = day(2024, 12, 31);

/** From 2024 a certificate counts for four years (a hypothetical successor rule). */
function fourYears(): any {
  const p = JSON.parse(JSON.stringify(rawPack));
  p.id = "xuecheng-pool-upkeep-2024";
  p.title = "企业培育库动态管理规则（2024 年起）";
  p.effectiveFrom = "2024-01-01";
  p.hitechValidityYears.value = 4;
  p.hitechValidityYears.cite = "假设的后续文件：证书有效期四年";
  return p;
}

// Recognised 2021-06-01: 3.5 years before the as-of date, valid under four years, expired under three.
const HEADER = ["企业名称", "统一社会信用代码", "注册日期", "培育类别", "入库年度", "高企认定日期"];
const ROWS = [
  ["甲公司", "91370403MA00000010", utc(2010, 1, 1), "高企", 2021, utc(2021, 6, 1)],
  ["乙公司", "91370403MA00000020", utc(2010, 1, 1), "高企", 2021, utc(2023, 3, 1)],
];
const ledger = (): WorkbookSnapshot => ({ sheets: [{ name: "企业培育库", firstRow: 1, firstCol: 1, values: [HEADER, ...ROWS] }] });

describe("目标完成情况 counts 高企 with the upkeep pack in force (hitechValidityYears)", function () {
  this.timeout(60_000);
  const kj = kjRunner(AS_OF);
  let dir: string;
  let file: string;
  let packFile: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-targets-upkeep-"));
    const book = new ExcelJS.Workbook();
    const s = ledger().sheets[0];
    await new XlsxHost(book).apply([{ type: "ensureSheet", sheet: s.name }, { type: "setValues", sheet: s.name, row: 1, col: 1, values: s.values }]);
    file = path.join(dir, "培育库.xlsx");
    await book.xlsx.writeFile(file);
    packFile = path.join(dir, "动态管理2024.json");
    fs.writeFileSync(packFile, JSON.stringify(fourYears(), null, 2));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const hitech = (r: { indicators: { key: string; actual: number | null }[] }) => r.indicators.find((i) => i.key === "hitech")?.actual;

  it("computeTargets: 1 under the built-in three years, 2 under a four-year pack; the sheet's rule line says which", () => {
    const reg = buildRegistry([loadPackText(JSON.stringify(fourYears()), { type: "file", name: "动态管理2024.json" })]);
    const builtIn = computeTargets(ledger(), { asOf: AS_OF }, BUILTIN_POLICIES.plans, upkeepPackFor(AS_OF, BUILTIN_POLICIES.upkeep).rules).report;
    const four = computeTargets(ledger(), { asOf: AS_OF }, reg.plans, upkeepPackFor(AS_OF, reg.upkeep).rules).report;
    assert.equal(hitech(builtIn), 1);
    assert.equal(hitech(four), 2);
    assert.match(four.rules[0], /评价日前 4 年内/);
    // Before the successor's effectiveFrom the built-in years apply.
    const early = day(2023, 12, 1);
    assert.equal(upkeepPackFor(early, reg.upkeep).rules.hitechValidityYears.value, 3);
  });

  it("kj targets --policy uses it; without it the built-in pack counts", async () => {
    const plain = await kj("targets", file, "--as-of", "2024-12-31", "--json");
    // Exit 1: indicators not reached (findings), not an error.
    assert.equal(plain.code, 1, plain.err);
    assert.equal(hitech(JSON.parse(plain.out)), 1);
    const r = await kj("targets", file, "--as-of", "2024-12-31", "--policy", packFile, "--json");
    assert.equal(r.code, 1, r.err);
    assert.equal(hitech(JSON.parse(r.out)), 2);
  });

  it("stored in the workbook: kj targets and the pane's 目标完成情况 use it without --policy", async () => {
    const stored = path.join(dir, "含政策.xlsx");
    const s = await kj("policy", "store", file, packFile, "--out", stored);
    assert.equal(s.code, 0, s.out + s.err);
    const r = await kj("targets", stored, "--as-of", "2024-12-31", "--json");
    assert.equal(hitech(JSON.parse(r.out)), 2);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(stored);
    const wb = await readWorkbook(new XlsxHost(book));
    assert.equal(targetsView(wb, AS_OF).indicators.find((i) => i.key === "hitech")?.actual, 2);
  });
});

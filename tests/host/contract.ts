/**
 * The host contract: one suite every SpreadsheetHost adapter must pass unchanged (memory,
 * xlsx, Excel on a counting fake, WPS on a fake ET model). An adapter's test file calls
 *   runHostContract("名称", async (sheets) => ({ host, inspect, reopen?, requests? }))
 * where `inspect` reads the adapter's backing store directly (not through the port).
 */
import { strict as assert } from "assert";
import { dayFromDate, dayFromExcelSerial } from "../../src/dates";
import { CellValue } from "../../src/ledger/cells";
import { MAX_REQUEST_BYTES } from "../../src/host/chunking";
import { MARK_REGISTRY_SHEET } from "../../src/host/marks";
import { MemorySheetInit } from "../../src/host/memory";
import { Edit, MARK_COLORS, NOTE_PREFIX, SheetSnapshot, SpreadsheetHost } from "../../src/host/port";

/** Direct, synchronous view of an adapter's backing store (1-based rows and columns). */
export interface HostInspector {
  sheetNames(): string[];
  isHidden(sheet: string): boolean;
  /** True for a very hidden sheet (not offered by the unhide dialog). */
  isVeryHidden(sheet: string): boolean;
  /** The stored value (a formula cell: whatever the host caches). Dates as Date or serial. */
  value(sheet: string, row: number, col: number): CellValue;
  /** "=..." when the cell holds a formula, else null. */
  formula(sheet: string, row: number, col: number): string | null;
  /** True when the cell holds a string stored as text (it can never be evaluated). */
  isText(sheet: string, row: number, col: number): boolean;
  /** "#RRGGBB" of a solid fill, null for no fill, "other" for anything else. */
  fill(sheet: string, row: number, col: number): string | null;
  /** The note (or comment thread, joined) on the cell, null when none. */
  note(sheet: string, row: number, col: number): string | null;
  /** null for General. */
  numberFormat(sheet: string, row: number, col: number): string | null;
  bold(sheet: string, row: number, col: number): boolean;
  selection(): { sheet: string; row: number; col: number } | null;
  /** Rows and columns to scan to see every cell that holds anything. */
  extent(sheet: string): { rows: number; cols: number };
}

export interface HostUnderTest {
  host: SpreadsheetHost;
  /**
   * True for hosts that store files (memory, xlsx): the `results` of a setFormulas edit are the
   * formulas' cached values, kept exactly. Hosts with a calculation engine (Excel, WPS) ignore
   * them and compute the values themselves.
   */
  keepsResults?: boolean;
  inspect: HostInspector;
  /** Saves and opens the workbook again (file-based hosts): marks must survive it. */
  reopen?: () => Promise<HostUnderTest>;
  /** Request sizes of the syncs made so far (request-based hosts). */
  requests?: () => { requestBytes: number; responseBytes: number }[];
}

export type MakeHost = (sheets: MemorySheetInit[]) => Promise<HostUnderTest>;

export interface ContractOptions {
  /** Rows in the big-block test (default 20,000 rows x 10 columns, about 7 MB of JSON). */
  bigRows?: number;
}

const LEDGER = "企业培育库";
const utcDate = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));

/** A ledger with a title row, a header, blank cells and a first empty column. */
export function ledgerSeed(): MemorySheetInit[] {
  return [
    {
      name: LEDGER,
      values: [
        [null, "薛城区科技型企业培育库（2024年）", null, null, null],
        [null, "企业名称", "统一社会信用代码", "注册日期", "职工总数"],
        [null, "枣庄甲科技有限公司", "91370403MA3C00001X", utcDate(2019, 5, 1), 120],
        [null, "枣庄乙新材料有限公司", null, utcDate(2020, 3, 15), null],
        [null, null, "91370403MA3C00002Y", null, 35],
        [null, "枣庄丙电子有限公司", "91370403MA3C00003Z", utcDate(2021, 12, 31), 8],
        [null, "薛城丁生物科技有限公司", "91370403MA3C00004A", utcDate(2018, 1, 2), true],
        [null, "合计", null, null, 163],
      ],
      fills: [
        { row: 3, col: 3, color: "#00B050" },
        { row: 6, col: 5, color: "#FFFF00" },
      ],
      notes: [
        { row: 4, col: 2, text: "用户自己的批注：待核实" },
        { row: 7, col: 3, text: "另一条用户批注" },
      ],
    },
    { name: "说明", values: [["本表由科技局维护"], ["联系人", "张三"]] },
  ];
}

/** Values compare equal across hosts: dates by calendar day whether Date or serial. */
export function sameCell(a: CellValue, b: CellValue): boolean {
  const day = (v: CellValue) => (v instanceof Date ? dayFromDate(v) : null);
  if (a instanceof Date || b instanceof Date) {
    const da = a instanceof Date ? day(a) : typeof a === "number" ? dayFromExcelSerial(a) : null;
    const db = b instanceof Date ? day(b) : typeof b === "number" ? dayFromExcelSerial(b) : null;
    return da !== null && da === db;
  }
  if (a && b && typeof a === "object" && typeof b === "object") return JSON.stringify(a) === JSON.stringify(b);
  return (a ?? null) === (b ?? null);
}

function assertGrid(actual: CellValue[][], expected: CellValue[][], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: row count`);
  actual.forEach((r, i) => {
    assert.equal(r.length, expected[i].length, `${what}: width of row ${i}`);
    r.forEach((v, j) => assert.ok(sameCell(v, expected[i][j]), `${what}: [${i}][${j}] is ${JSON.stringify(v)}, expected ${JSON.stringify(expected[i][j])}`));
  });
}

/** Everything observable about one cell, as text. */
function cellState(x: HostInspector, sheet: string, row: number, col: number): string {
  const v = x.value(sheet, row, col);
  const value = v instanceof Date ? `date:${dayFromDate(v)}` : typeof v === "number" && x.numberFormat(sheet, row, col)?.match(/[ymd]/) ? `date:${dayFromExcelSerial(v)}` : JSON.stringify(v ?? null);
  return [value, x.formula(sheet, row, col), x.fill(sheet, row, col), x.note(sheet, row, col), x.numberFormat(sheet, row, col), x.bold(sheet, row, col)].join("|");
}

/** Every non-empty cell state of every sheet except the add-in's mark registry. */
function fingerprint(x: HostInspector): Map<string, string> {
  const out = new Map<string, string>();
  const empty = cellState(emptyInspector, "", 1, 1);
  for (const sheet of x.sheetNames()) {
    if (sheet === MARK_REGISTRY_SHEET) continue;
    const { rows, cols } = x.extent(sheet);
    for (let r = 1; r <= rows; r++)
      for (let c = 1; c <= cols; c++) {
        const s = cellState(x, sheet, r, c);
        if (s !== empty) out.set(`${sheet}!${r},${c}`, s);
      }
  }
  return out;
}

const emptyInspector: HostInspector = {
  sheetNames: () => [],
  isHidden: () => false,
  isVeryHidden: () => false,
  value: () => null,
  formula: () => null,
  isText: () => false,
  fill: () => null,
  note: () => null,
  numberFormat: () => null,
  bold: () => false,
  selection: () => null,
  extent: () => ({ rows: 0, cols: 0 }),
};

/** Fills and notes of one sheet as they are now, read through the same inspector interface. */
function frozen(x: HostInspector, sheet: string): Pick<HostInspector, "fill" | "note"> {
  const fills = new Map<string, string | null>();
  const notes = new Map<string, string | null>();
  const { rows, cols } = x.extent(sheet);
  for (let r = 1; r <= Math.max(rows, 8); r++)
    for (let c = 1; c <= Math.max(cols, 5); c++) {
      fills.set(`${r},${c}`, x.fill(sheet, r, c));
      notes.set(`${r},${c}`, x.note(sheet, r, c));
    }
  return { fill: (_s, r, c) => fills.get(`${r},${c}`) ?? null, note: (_s, r, c) => notes.get(`${r},${c}`) ?? null };
}

/** True when (row, col) of `sheet` lies in one of the blocks. */
function inside(blocks: { sheet: string; row: number; col: number; rows: number; cols: number }[], sheet: string, row: number, col: number): boolean {
  return blocks.some((b) => b.sheet === sheet && row >= b.row && row < b.row + b.rows && col >= b.col && col < b.col + b.cols);
}

export function runHostContract(name: string, makeHost: MakeHost, options: ContractOptions = {}): void {
  describe(`host contract: ${name}`, function () {
    this.timeout(120_000);

    it("lists sheets and reads a used range with a title row, blank cells and a blank first column", async () => {
      const { host } = await makeHost(ledgerSeed());
      assert.deepEqual(await host.listSheets(), [LEDGER, "说明"]);
      const snap = await host.readSheet(LEDGER);
      assert.equal(snap.name, LEDGER);
      assert.equal(snap.firstRow, 1);
      assert.equal(snap.firstCol, 2);
      const seed = ledgerSeed()[0].values as CellValue[][];
      assertGrid(snap.values, seed.map((r) => r.slice(1)), "ledger");
      assert.ok(!snap.formulas || snap.formulas.every((r) => r.every((f) => f === null)), "no formulas in a plain sheet");
    });

    it("leaves stray cells far below or to the right out of the table and reports them (memory follows the content)", async () => {
      const { host, inspect } = await makeHost(ledgerSeed());
      const before = await host.readSheet(LEDGER);
      await host.apply([
        { type: "setValues", sheet: LEDGER, row: 1_300, col: 3, values: [["误输入"]] },
        { type: "setValues", sheet: LEDGER, row: 2, col: 150, values: [[42]] },
      ]);
      assert.equal(inspect.value(LEDGER, 1_300, 3), "误输入", "the stray cells are in the sheet");
      const snap = await host.readSheet(LEDGER);
      assert.equal(snap.firstRow, before.firstRow);
      assert.equal(snap.firstCol, before.firstCol);
      assertGrid(snap.values, before.values, "the table is what it was");
      assert.equal(snap.ignored?.cells, 2);
      assert.deepEqual(
        snap.ignored?.sample.map((c) => [c.row, c.col, c.value]),
        [
          [2, 150, 42],
          [1_300, 3, "误输入"],
        ],
      );
    });

    it("reads an empty sheet as no values, and refuses a sheet that does not exist", async () => {
      const { host } = await makeHost([{ name: "空表", values: [] }, ...ledgerSeed()]);
      const snap = await host.readSheet("空表");
      assert.deepEqual(snap.values, []);
      await assert.rejects(() => host.readSheet("不存在的表"));
    });

    it("writes blocks of mixed values; null blanks a cell; the rest of the sheet is untouched", async () => {
      const { host, inspect } = await makeHost(ledgerSeed());
      const block: CellValue[][] = [
        ["状态", 1.5, true],
        ["合格", null, utcDate(2024, 1, 1)],
      ];
      await host.apply([{ type: "setValues", sheet: LEDGER, row: 12, col: 3, values: block }]);
      for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) assert.ok(sameCell(inspect.value(LEDGER, 12 + i, 3 + j), block[i][j]), `cell ${12 + i},${3 + j}`);
      assert.ok(inspect.isText(LEDGER, 12, 3));
      const snap = await host.readSheet(LEDGER);
      assert.equal(snap.values.length, 13);
      assert.ok(sameCell(snap.values[11][1], "状态"));
      assert.ok(sameCell(snap.values[12][3], utcDate(2024, 1, 1)));
      await host.apply([{ type: "setValues", sheet: LEDGER, row: 12, col: 3, values: [[null]] }]);
      assert.equal(inspect.value(LEDGER, 12, 3), null);
    });

    it("keeps strings that look like formulas as text (= + - @ tab CR)", async () => {
      const { host, inspect } = await makeHost(ledgerSeed());
      const risky = ["=1+1", "+86 632 1234567", "-5", "@SUM(A1:A2)", "\t=cmd", "\r=cmd", '=HYPERLINK("http://example.com","点我")', "=KJ.AWARD(C2)", "0012"];
      await host.apply([{ type: "setValues", sheet: "说明", row: 5, col: 1, values: risky.map((s) => [s]) }]);
      risky.forEach((s, i) => {
        assert.equal(inspect.formula("说明", 5 + i, 1), null, `${JSON.stringify(s)} must not become a formula`);
        assert.equal(inspect.value("说明", 5 + i, 1), s, `${JSON.stringify(s)} kept exactly`);
        assert.ok(inspect.isText("说明", 5 + i, 1), `${JSON.stringify(s)} stored as text`);
      });
      const snap = await host.readSheet("说明");
      risky.forEach((s, i) => assert.equal(snap.values[4 + i][0], s));
      assert.ok(!snap.formulas || snap.formulas.every((r) => r.every((f) => f === null)), "no cell reads back as a formula");
    });

    it("writes formulas only through setFormulas; null leaves a cell alone", async () => {
      const { host, inspect } = await makeHost(ledgerSeed());
      await host.apply([
        { type: "setValues", sheet: "说明", row: 4, col: 2, values: [["旧值", "保留"]] },
        { type: "setFormulas", sheet: "说明", row: 4, col: 2, formulas: [["=SUM(1,2)", null]] },
      ]);
      assert.equal(inspect.formula("说明", 4, 2), "=SUM(1,2)");
      assert.equal(inspect.value("说明", 4, 3), "保留");
      const snap = await host.readSheet("说明");
      assert.ok(snap.formulas, "the snapshot reports formulas");
      assert.equal(snap.formulas?.[3][1], "=SUM(1,2)");
      assert.equal(snap.formulas?.[3][2], null);
    });

    it("setFormulas with results: the formulas are written, and a host that stores files keeps the results as their cached values", async () => {
      const made = await makeHost(ledgerSeed());
      const { host } = made;
      // Every kind of result: an exact decimal, a whole number, text, a boolean, an error; null leaves a cell alone.
      const formulas = [["=ROUND(SUM(0.1,0.2),4)", "=COUNTA(A1:A3)", null], ['="甲"&"乙"', "=1=1", "=NA()"]];
      const results: CellValue[][] = [[0.3, 3, "不写"], ["甲乙", true, { error: "#N/A" }]];
      await host.apply([
        { type: "setValues", sheet: "说明", row: 6, col: 3, values: [["保留"]] },
        { type: "setFormulas", sheet: "说明", row: 6, col: 1, formulas, results },
      ]);
      const check = async (x: HostUnderTest, when: string) => {
        formulas.forEach((r, i) =>
          r.forEach((f, j) => {
            const at = [6 + i, 1 + j] as const;
            if (f === null) {
              assert.equal(x.inspect.formula("说明", ...at), null, `${when}: null leaves the cell alone`);
              assert.equal(x.inspect.value("说明", ...at), "保留", `${when}: null leaves the cell alone`);
              return;
            }
            assert.equal(x.inspect.formula("说明", ...at), f, `${when}: formula at ${at}`);
            const v = x.inspect.value("说明", ...at);
            if (made.keepsResults) assert.ok(sameCell(v, results[i][j]), `${when}: cached ${JSON.stringify(v)} at ${at}, given ${JSON.stringify(results[i][j])}`);
          }),
        );
        if (made.keepsResults) {
          const snap = await x.host.readSheet("说明");
          assert.equal(snap.values[5][0], 0.3, `${when}: the snapshot shows the cached result`);
          assert.equal(snap.formulas?.[5][0], "=ROUND(SUM(0.1,0.2),4)");
        }
      };
      await check(made, "applied");
      if (made.reopen) await check(await made.reopen(), "saved and reopened");
    });

    it("ensureSheet creates a sheet once and leaves an existing one alone", async () => {
      const { host, inspect } = await makeHost(ledgerSeed());
      const before = fingerprint(inspect);
      await host.apply([
        { type: "ensureSheet", sheet: "目标完成情况" },
        { type: "ensureSheet", sheet: "目标完成情况" },
        { type: "ensureSheet", sheet: LEDGER },
      ]);
      const names = await host.listSheets();
      assert.equal(names.filter((n) => n === "目标完成情况").length, 1);
      assert.equal(names.filter((n) => n === LEDGER).length, 1);
      assert.deepEqual(fingerprint(inspect), before);
      await host.apply([{ type: "setValues", sheet: "目标完成情况", row: 1, col: 1, values: [["指标", "目标"]] }]);
      assert.equal(inspect.value("目标完成情况", 1, 2), "目标");
    });

    it("ensureSheet with hidden: veryHidden hides a new or existing sheet, which is still listed and read", async () => {
      const { host, inspect } = await makeHost(ledgerSeed());
      await host.apply([
        { type: "ensureSheet", sheet: "KJ政策", hidden: "veryHidden" },
        { type: "setValues", sheet: "KJ政策", row: 1, col: 1, values: [["政策包编号", "=不是公式"]] },
        { type: "ensureSheet", sheet: "KJ政策", hidden: "veryHidden" },
      ]);
      assert.ok((await host.listSheets()).includes("KJ政策"));
      assert.equal(inspect.isVeryHidden("KJ政策"), true);
      assert.equal(inspect.isHidden("KJ政策"), true);
      assert.equal(inspect.isVeryHidden(LEDGER), false);
      const snap = await host.readSheet("KJ政策");
      assert.deepEqual(snap.values[0].slice(0, 2), ["政策包编号", "=不是公式"]);
      assert.equal(inspect.isText("KJ政策", 1, 2), true);
      await host.apply([{ type: "ensureSheet", sheet: "说明", hidden: "veryHidden" }]);
      assert.equal(inspect.isVeryHidden("说明"), true, "an existing sheet is hidden too");
    });

    it("marks cells (fill + KJ note) and clearMarks restores the exact previous fill and the user's notes", async () => {
      const { host, inspect } = await makeHost(ledgerSeed());
      const before = fingerprint(inspect);
      await host.apply([
        {
          type: "mark",
          sheet: LEDGER,
          marks: [
            { row: 3, col: 3, level: "error", note: "统一社会信用代码校验位错误" },
            { row: 4, col: 2, level: "warning", note: "企业名称重复" },
            { row: 5, col: 2, level: "suggestion", note: "缺少企业名称" },
          ],
        },
      ]);
      assert.equal(inspect.fill(LEDGER, 3, 3), MARK_COLORS.error);
      assert.equal(inspect.fill(LEDGER, 4, 2), MARK_COLORS.warning);
      assert.equal(inspect.fill(LEDGER, 5, 2), MARK_COLORS.suggestion);
      assert.ok(inspect.note(LEDGER, 3, 3)?.startsWith(NOTE_PREFIX + "统一社会信用代码校验位错误"));
      const shared = inspect.note(LEDGER, 4, 2) ?? "";
      assert.ok(shared.includes(NOTE_PREFIX + "企业名称重复") && shared.includes("用户自己的批注：待核实"), `both notes kept: ${shared}`);
      assert.ok(inspect.sheetNames().includes(MARK_REGISTRY_SHEET) && inspect.isHidden(MARK_REGISTRY_SHEET), "registry sheet exists and is hidden");
      const listed = await host.listSheets();
      assert.ok(listed.includes(LEDGER) && listed.includes("说明"));

      // Marked again: the colour and note change, the remembered fill stays the original one.
      await host.apply([{ type: "mark", sheet: LEDGER, marks: [{ row: 3, col: 3, level: "warning", note: "第二次标记" }] }]);
      assert.equal(inspect.fill(LEDGER, 3, 3), MARK_COLORS.warning);
      assert.ok(inspect.note(LEDGER, 3, 3)?.includes("第二次标记"));

      await host.apply([{ type: "clearMarks", sheet: LEDGER }]);
      assert.equal(inspect.fill(LEDGER, 3, 3), "#00B050");
      assert.equal(inspect.fill(LEDGER, 5, 2), null);
      assert.equal(inspect.note(LEDGER, 4, 2), "用户自己的批注：待核实");
      assert.equal(inspect.note(LEDGER, 3, 3), null);
      assert.equal(inspect.note(LEDGER, 7, 3), "另一条用户批注");
      assert.deepEqual(fingerprint(inspect), before, "every cell is back as it was");
    });

    it("merges several marks on one cell and clears only the sheet asked for", async () => {
      const { host, inspect } = await makeHost(ledgerSeed());
      await host.apply([
        {
          type: "mark",
          sheet: LEDGER,
          marks: [
            { row: 6, col: 5, level: "warning", note: "科技人员数大于职工总数" },
            { row: 6, col: 5, level: "error", note: "职工总数过小" },
          ],
        },
        { type: "mark", sheet: "说明", marks: [{ row: 1, col: 1, level: "suggestion", note: "说明表的标记" }] },
      ]);
      assert.equal(inspect.fill(LEDGER, 6, 5), MARK_COLORS.error);
      const note = inspect.note(LEDGER, 6, 5) ?? "";
      assert.ok(note.includes("科技人员数大于职工总数") && note.includes("职工总数过小"));
      await host.apply([{ type: "clearMarks", sheet: LEDGER }]);
      assert.equal(inspect.fill(LEDGER, 6, 5), "#FFFF00");
      assert.equal(inspect.fill("说明", 1, 1), MARK_COLORS.suggestion, "the other sheet keeps its mark");
      await host.apply([{ type: "clearMarks", sheet: "说明" }, { type: "clearMarks", sheet: "说明" }]);
      assert.equal(inspect.fill("说明", 1, 1), null);
      assert.equal(inspect.note("说明", 1, 1), null);
    });

    it("clears marks after the workbook is saved and opened again", async function () {
      const first = await makeHost(ledgerSeed());
      if (!first.reopen) return this.skip();
      const before = fingerprint(first.inspect);
      await first.host.apply([
        { type: "mark", sheet: LEDGER, marks: [{ row: 3, col: 3, level: "error", note: "代码错误" }, { row: 4, col: 2, level: "warning", note: "重复" }] },
      ]);
      const again = await first.reopen();
      assert.equal(again.inspect.fill(LEDGER, 3, 3), MARK_COLORS.error);
      await again.host.apply([{ type: "clearMarks", sheet: LEDGER }]);
      assert.equal(again.inspect.fill(LEDGER, 3, 3), "#00B050");
      assert.equal(again.inspect.note(LEDGER, 4, 2), "用户自己的批注：待核实");
      assert.deepEqual(fingerprint(again.inspect), before);
    });

    it("deleteRows then insertRows restores every cell", async () => {
      const { host, inspect } = await makeHost(ledgerSeed());
      const original = await host.readSheet(LEDGER);
      const row = (n: number) => original.values[n - original.firstRow];
      await host.apply([{ type: "deleteRows", sheet: LEDGER, rows: [6, 3, 4] }]);
      const cut = await host.readSheet(LEDGER);
      assert.equal(cut.values.length, original.values.length - 3);
      assertGrid([cut.values[2]], [row(5)], "row 5 moved up to row 3");
      assertGrid([cut.values[3]], [row(7)], "row 7 moved up to row 4");
      assert.equal(inspect.note(LEDGER, 4, 3), "另一条用户批注", "a note moves with its row");
      assert.equal(inspect.fill(LEDGER, 3, 3), null, "the deleted row's fill is gone, not left behind");
      assert.equal(inspect.note(LEDGER, 4, 2), null, "the deleted row's note is gone, not left behind");
      await host.apply([
        { type: "insertRows", sheet: LEDGER, row: 3, col: original.firstCol, values: [row(3), row(4)] },
        { type: "insertRows", sheet: LEDGER, row: 6, col: original.firstCol, values: [row(6)] },
      ]);
      const back = await host.readSheet(LEDGER);
      assert.equal(back.firstRow, original.firstRow);
      assert.equal(back.firstCol, original.firstCol);
      assertGrid(back.values, original.values, "restored");
    });

    it("deleteRows removes the last rows of a sheet too", async () => {
      const { host } = await makeHost(ledgerSeed());
      await host.apply([{ type: "deleteRows", sheet: LEDGER, rows: [8, 7] }]);
      const snap = await host.readSheet(LEDGER);
      assert.equal(snap.values.length, 6);
      assert.ok(sameCell(snap.values[5][0], "枣庄丙电子有限公司"));
    });

    it("marks follow their rows when rows are deleted or inserted", async () => {
      const { host, inspect } = await makeHost(ledgerSeed());
      await host.apply([
        {
          type: "mark",
          sheet: LEDGER,
          marks: [
            { row: 6, col: 5, level: "error", note: "职工总数有误" },
            { row: 3, col: 2, level: "warning", note: "这一行会被删除" },
          ],
        },
        { type: "deleteRows", sheet: LEDGER, rows: [3] },
        { type: "insertRows", sheet: LEDGER, row: 2, col: 2, values: [["新插入的行"]] },
      ]);
      // Row 6 went up to 5 with the deletion, then down to 6 again with the insertion.
      assert.equal(inspect.fill(LEDGER, 6, 5), MARK_COLORS.error);
      await host.apply([{ type: "clearMarks", sheet: LEDGER }]);
      assert.equal(inspect.fill(LEDGER, 6, 5), "#FFFF00", "the moved cell gets its own fill back");
      assert.equal(inspect.note(LEDGER, 6, 5), null);
      assert.equal(inspect.fill(LEDGER, 3, 2), null, "the row now at 3 was never marked and is left alone");
      assert.equal(inspect.note(LEDGER, 4, 2), "用户自己的批注：待核实");
    });

    it("clearMarks with rows clears only the marks on those rows", async () => {
      const { host, inspect } = await makeHost(ledgerSeed());
      await host.apply([
        {
          type: "mark",
          sheet: LEDGER,
          marks: [
            { row: 3, col: 3, level: "error", note: "代码错误" },
            { row: 4, col: 2, level: "warning", note: "名称重复" },
            { row: 6, col: 5, level: "error", note: "职工总数过小" },
          ],
        },
        { type: "clearMarks", sheet: LEDGER, rows: [3, 4] },
      ]);
      assert.equal(inspect.fill(LEDGER, 3, 3), "#00B050", "row 3 has its own fill back");
      assert.equal(inspect.note(LEDGER, 3, 3), null);
      assert.equal(inspect.note(LEDGER, 4, 2), "用户自己的批注：待核实", "row 4 has only the user's note again");
      assert.equal(inspect.fill(LEDGER, 6, 5), MARK_COLORS.error, "row 6 keeps its mark");
      await host.apply([{ type: "clearMarks", sheet: LEDGER }]);
      assert.equal(inspect.fill(LEDGER, 6, 5), "#FFFF00", "the remaining mark still clears to the original fill");
      assert.equal(inspect.fill(LEDGER, 3, 3), "#00B050", "a cleared row is not restored twice");
    });

    it("copyFormats gives target cells the source's fills, notes and number formats, and leaves values alone", async () => {
      const seed = ledgerSeed();
      seed[0].numberFormats = [{ row: 6, col: 5, format: "0.00" }];
      const { host, inspect } = await makeHost(seed);
      const before = fingerprint(inspect);
      await host.apply([
        { type: "ensureSheet", sheet: "调出记录" },
        { type: "setValues", sheet: "调出记录", row: 1, col: 1, values: [["甲", "乙", "丙", "丁"], ["戊", null, "己", 1]] },
        {
          type: "copyFormats",
          sheet: "调出记录",
          blocks: [
            { from: { sheet: LEDGER, row: 3, col: 2, rows: 2, cols: 2 }, row: 1, col: 2 },
            { from: { sheet: LEDGER, row: 6, col: 5, rows: 2, cols: 1 }, row: 1, col: 4 },
          ],
        },
      ]);
      assert.equal(inspect.fill("调出记录", 1, 3), "#00B050", "C3's fill went to C1");
      assert.equal(inspect.note("调出记录", 2, 2), "用户自己的批注：待核实", "B4's note went to B2");
      assert.equal(inspect.fill("调出记录", 1, 4), "#FFFF00", "E6's fill went to D1");
      assert.equal(inspect.numberFormat("调出记录", 1, 4), "0.00", "E6's number format went to D1");
      assert.equal(inspect.note("调出记录", 2, 4), null, "E7 has no note, so D2 has none");
      assert.deepEqual([inspect.value("调出记录", 1, 2), inspect.value("调出记录", 1, 3), inspect.value("调出记录", 2, 3), inspect.value("调出记录", 2, 4)], ["乙", "丙", "己", 1], "values stay");
      for (const [k, v] of before) if (k.startsWith(LEDGER + "!")) assert.equal(fingerprint(inspect).get(k), v, `${k}: the source is unchanged`);

      // Copying blank source cells takes fills and notes away from the target.
      await host.apply([{ type: "copyFormats", sheet: "调出记录", blocks: [{ from: { sheet: "说明", row: 5, col: 1, rows: 2, cols: 3 }, row: 1, col: 2 }] }]);
      for (const [r, c] of [[1, 2], [1, 3], [1, 4], [2, 2], [2, 3], [2, 4]]) {
        assert.equal(inspect.fill("调出记录", r, c), null, `fill of ${r},${c} removed`);
        assert.equal(inspect.note("调出记录", r, c), null, `note of ${r},${c} removed`);
      }
      assert.equal(inspect.value("调出记录", 2, 3), "己");
    });

    it("copyFormats brings a removed row's fills and notes back after deleteRows and insertRows", async () => {
      const { host, inspect } = await makeHost(ledgerSeed());
      const original = frozen(inspect, LEDGER);
      const snap = await host.readSheet(LEDGER);
      const row = (n: number) => [null, ...snap.values[n - snap.firstRow]];
      await host.apply([
        { type: "ensureSheet", sheet: "调出记录" },
        { type: "copyFormats", sheet: "调出记录", blocks: [{ from: { sheet: LEDGER, row: 3, col: 1, rows: 2, cols: 5 }, row: 2, col: 8 }] },
        { type: "setValues", sheet: "调出记录", row: 2, col: 8, values: [row(3), row(4)] },
        { type: "deleteRows", sheet: LEDGER, rows: [3, 4] },
      ]);
      assert.equal(inspect.fill("调出记录", 2, 10), "#00B050");
      assert.equal(inspect.note("调出记录", 3, 9), "用户自己的批注：待核实");
      await host.apply([
        { type: "insertRows", sheet: LEDGER, row: 3, col: 1, values: [row(3), row(4)] },
        { type: "copyFormats", sheet: LEDGER, blocks: [{ from: { sheet: "调出记录", row: 2, col: 8, rows: 2, cols: 5 }, row: 3, col: 1 }] },
      ]);
      assertGrid((await host.readSheet(LEDGER)).values, snap.values, "values back");
      // The archive's strings were written after its formats were copied, so they are text, and so are the restored ones.
      assert.ok(inspect.isText("调出记录", 2, 9) && inspect.isText(LEDGER, 3, 2) && inspect.isText(LEDGER, 4, 2), "restored strings are stored as text");
      // Fills and notes: every ledger cell as it was (number formats of text cells may become "@").
      const { rows, cols } = inspect.extent(LEDGER);
      for (let r = 1; r <= Math.max(rows, 8); r++)
        for (let c = 1; c <= Math.max(cols, 5); c++) {
          const was = [original.fill(LEDGER, r, c), original.note(LEDGER, r, c)];
          assert.deepEqual([inspect.fill(LEDGER, r, c), inspect.note(LEDGER, r, c)], was, `fill and note of ${r},${c}`);
        }
    });

    it("clearRange empties values only inside the block", async () => {
      const { host, inspect } = await makeHost(ledgerSeed());
      await host.apply([{ type: "clearRange", sheet: "说明", row: 2, col: 1, rows: 1, cols: 1 }]);
      assert.equal(inspect.value("说明", 2, 1), null);
      assert.equal(inspect.value("说明", 2, 2), "张三");
      assert.equal(inspect.value("说明", 1, 1), "本表由科技局维护");
    });

    it("select shows a cell; activeSheet follows", async () => {
      const { host, inspect } = await makeHost(ledgerSeed());
      await host.select("说明", 2, 2);
      assert.deepEqual(inspect.selection(), { sheet: "说明", row: 2, col: 2 });
      assert.equal(await host.activeSheet(), "说明");
    });

    it("numberFormat, bold, columnWidths and dataBar apply to their block", async () => {
      const { host, inspect } = await makeHost(ledgerSeed());
      await host.apply([
        { type: "ensureSheet", sheet: "目标完成情况" },
        { type: "setValues", sheet: "目标完成情况", row: 1, col: 1, values: [["指标", "完成率"], ["高新技术企业", 0.5], ["科技型中小企业", 1.2]] },
        { type: "numberFormat", sheet: "目标完成情况", row: 2, col: 2, rows: 2, cols: 1, format: "0.0%" },
        { type: "bold", sheet: "目标完成情况", row: 1, col: 1, rows: 1, cols: 2 },
        { type: "columnWidths", sheet: "目标完成情况", col: 1, widths: [24, 10] },
        { type: "dataBar", sheet: "目标完成情况", row: 2, col: 2, rows: 2, cols: 1, color: "#5B9BD5" },
      ]);
      assert.equal(inspect.numberFormat("目标完成情况", 2, 2), "0.0%");
      assert.equal(inspect.numberFormat("目标完成情况", 3, 2), "0.0%");
      assert.notEqual(inspect.numberFormat("目标完成情况", 2, 1), "0.0%", "outside the block");
      assert.ok(inspect.bold("目标完成情况", 1, 2));
      assert.ok(!inspect.bold("目标完成情况", 2, 1));
      assert.equal(inspect.value("目标完成情况", 3, 2), 1.2);
    });

    it("writes a big block in chunks that each stay under 4 MB", async () => {
      const rows = options.bigRows ?? 20_000;
      const { host, inspect, requests } = await makeHost([{ name: "大表", values: [["标题"]] }]);
      const block: CellValue[][] = Array.from({ length: rows }, (_, i) =>
        Array.from({ length: 10 }, (_, j) => (j % 3 === 2 ? i * 10 + j : `枣庄市薛城区测试企业第${i}号字段${j}`)),
      );
      const before = requests?.().length ?? 0;
      await host.apply([{ type: "setValues", sheet: "大表", row: 2, col: 1, values: block }]);
      for (const i of [0, 1, Math.floor(rows / 2), rows - 1]) {
        assert.equal(inspect.value("大表", 2 + i, 1), block[i][0]);
        assert.equal(inspect.value("大表", 2 + i, 3), block[i][2]);
        assert.ok(inspect.isText("大表", 2 + i, 10));
      }
      const snap = await host.readSheet("大表");
      assert.equal(snap.values.length, rows + 1);
      assert.equal(snap.values[rows][9], block[rows - 1][9]);
      if (requests) {
        const made = requests().slice(before);
        assert.ok(made.length >= 2, `a ${rows}-row block needs several requests, made ${made.length}`);
        for (const r of made) assert.ok(r.requestBytes <= MAX_REQUEST_BYTES, `request of ${r.requestBytes} bytes is over 4 MB`);
      }
    });

    it("changes nothing outside the declared edits (checksum of every cell)", async () => {
      const { host, inspect } = await makeHost(ledgerSeed());
      const before = fingerprint(inspect);
      const edits: Edit[] = [
        { type: "setValues", sheet: LEDGER, row: 2, col: 7, values: [["校验结果"], ["通过"], ["=不是公式"]] },
        { type: "setFormulas", sheet: LEDGER, row: 5, col: 8, formulas: [["=1+1"]] },
        { type: "numberFormat", sheet: LEDGER, row: 3, col: 9, rows: 2, cols: 1, format: "0.00" },
        { type: "bold", sheet: LEDGER, row: 2, col: 7, rows: 1, cols: 1 },
        { type: "ensureSheet", sheet: "调出记录" },
        { type: "setValues", sheet: "调出记录", row: 1, col: 1, values: [["企业名称", "调出原因"]] },
      ];
      await host.apply(edits);
      const declared = [
        { sheet: LEDGER, row: 2, col: 7, rows: 3, cols: 1 },
        { sheet: LEDGER, row: 5, col: 8, rows: 1, cols: 1 },
        { sheet: LEDGER, row: 3, col: 9, rows: 2, cols: 1 },
        { sheet: "调出记录", row: 1, col: 1, rows: 1, cols: 2 },
      ];
      const after = fingerprint(inspect);
      for (const [k, v] of before) {
        const [sheet, rc] = k.split("!");
        const [r, c] = rc.split(",").map(Number);
        if (inside(declared, sheet, r, c)) continue;
        assert.equal(after.get(k), v, `${k} changed`);
      }
      for (const [k, v] of after) {
        const [sheet, rc] = k.split("!");
        const [r, c] = rc.split(",").map(Number);
        if (inside(declared, sheet, r, c)) continue;
        assert.equal(before.get(k), v, `${k} appeared outside the declared edits`);
      }
      assert.equal(inspect.value(LEDGER, 4, 7), "=不是公式");
    });

    it("reports progress while applying", async () => {
      const { host } = await makeHost(ledgerSeed());
      const seen: [number, number][] = [];
      await host.apply(
        [
          { type: "setValues", sheet: "说明", row: 3, col: 1, values: [["a"]] },
          { type: "setValues", sheet: "说明", row: 4, col: 1, values: [["b"]] },
        ],
        (done, total) => seen.push([done, total]),
      );
      assert.ok(seen.length >= 1);
      assert.deepEqual(seen[seen.length - 1], [seen[seen.length - 1][1], seen[seen.length - 1][1]], "the last report says everything is done");
    });
  });
}

export type { SheetSnapshot };

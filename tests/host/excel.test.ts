/**
 * The Excel adapter beyond the contract: the load/sync choreography on office-addin-mock,
 * reading a sheet too big for one response, fills other than solid, comments, and the
 * batching budget on a 100,000-row ledger that is validated with 5% of its rows marked.
 */
import { strict as assert } from "assert";
import { OfficeMockObject } from "office-addin-mock";
import { dayFromParts, DayNumber } from "../../src/dates";
import { MAX_REQUEST_BYTES } from "../../src/host/chunking";
import { ExcelHost } from "../../src/host/excel";
import { NOTE_PREFIX, readWorkbook } from "../../src/host/port";
import { removeFromPool, undoRemoval } from "../../src/jobs/upkeep";
import { validateWorkbook } from "../../src/jobs/validate";
import { withCheckChar } from "../../src/uscc";
import { ENTERPRISE_HEADERS, generateEnterpriseRows } from "../../samples/generate";
import { FakeExcel, PAYLOAD_LIMIT } from "../support/excel-mock";

type AnyMock = OfficeMockObject & Record<string, any>;

/** office-addin-mock's `run`: the callback gets the mocked context. */
function officeMock(workbook: object): AnyMock {
  return new OfficeMockObject({
    context: { workbook },
    run: async function (this: { context: unknown }, cb: (ctx: unknown) => Promise<unknown>) {
      return cb(this.context);
    },
  }) as AnyMock;
}

describe("Excel host on office-addin-mock: load/sync choreography", () => {
  it("reads a sheet with one load of the used range and one sync", async () => {
    const mock = officeMock({
      worksheets: {
        sheet: {
          used: {
            values: [["企业名称", "职工总数"], ["枣庄甲公司", 120]],
            formulas: [["企业名称", "职工总数"], ["枣庄甲公司", "=100+20"]],
            rowIndex: 1,
            columnIndex: 2,
            rowCount: 2,
            columnCount: 2,
          },
          getUsedRangeOrNullObject() {
            return this.used;
          },
        },
        getItemOrNullObject() {
          return this.sheet;
        },
      },
    });
    // office-addin-mock cannot express isNullObject (readable after a sync without a load): set it directly.
    Object.defineProperty(mock.context.workbook.worksheets.sheet, "isNullObject", { value: false });
    Object.defineProperty(mock.context.workbook.worksheets.sheet.used, "isNullObject", { value: false });
    let syncs = 0;
    const sync = mock.context.sync.bind(mock.context);
    mock.context.sync = async () => {
      syncs++;
      return sync();
    };
    const host = new ExcelHost({ run: (cb) => mock.run(cb), notes: true });
    const snap = await host.readSheet("企业培育库");
    assert.equal(syncs, 1);
    assert.equal(snap.firstRow, 2);
    assert.equal(snap.firstCol, 3);
    assert.deepEqual(snap.values, [["企业名称", "职工总数"], ["枣庄甲公司", 120]]);
    assert.deepEqual(snap.formulas, [[null, null], [null, "=100+20"]], "only real formulas are reported");
  });

  it("gives string cells the text format before their values, in one sync", async () => {
    const order: string[] = [];
    const mock = officeMock({
      worksheets: {
        sheet: {
          range: { values: [[]], numberFormat: [[]] },
          getRangeByIndexes(r: number, c: number, rows: number, cols: number) {
            order.push(`range ${r},${c} ${rows}x${cols}`);
            return this.range;
          },
        },
        getItem() {
          return this.sheet;
        },
      },
    });
    const range = mock.context.workbook.worksheets.sheet.range;
    for (const prop of ["values", "numberFormat"]) {
      let stored: unknown;
      Object.defineProperty(range, prop, {
        set(v) {
          order.push(prop);
          stored = v;
        },
        get: () => stored,
      });
    }
    let syncs = 0;
    const sync = mock.context.sync.bind(mock.context);
    mock.context.sync = async () => {
      syncs++;
      return sync();
    };
    const host = new ExcelHost({ run: (cb) => mock.run(cb), notes: true });
    await host.apply([{ type: "setValues", sheet: "说明", row: 3, col: 2, values: [["=1+1", 5, null]] }]);
    assert.deepEqual(order, ["range 2,1 1x3", "numberFormat", "values"]);
    assert.deepEqual(range.numberFormat, [["@", null, null]]);
    assert.deepEqual(range.values, [["=1+1", 5, ""]]);
    assert.equal(syncs, 1);
  });
});

describe("Excel host on the counting fake", () => {
  it("reads a sheet whose values are over 5 MB in chunks, each response under the limit", async () => {
    const rows = Array.from({ length: 40_000 }, (_, i) => Array.from({ length: 8 }, (_, j) => `枣庄市薛城区第${i}号企业字段${j}`));
    const excel = new FakeExcel([{ name: "大表", values: rows }]);
    const host = new ExcelHost({ run: excel.run, notes: true });
    const snap = await host.readSheet("大表");
    assert.equal(snap.values.length, rows.length);
    assert.equal(snap.values[39_999][7], rows[39_999][7]);
    assert.ok(excel.syncs[0].refused, "the whole-range read is refused by the size limit");
    const served = excel.syncs.filter((s) => !s.refused);
    assert.ok(served.length > 2, "then the size and the rows in chunks");
    for (const s of served) assert.ok(s.responseBytes <= PAYLOAD_LIMIT && s.requestBytes <= MAX_REQUEST_BYTES);
  });

  it("writes error values as error formulas and reads them back as errors", async () => {
    const excel = new FakeExcel([{ name: "表", values: [["@"]], numberFormats: [{ row: 2, col: 1, format: "@" }] }]);
    const host = new ExcelHost({ run: excel.run, notes: true });
    await host.apply([{ type: "setValues", sheet: "表", row: 2, col: 1, values: [[{ error: "#N/A" }, { error: "#VALUE!" }]] }]);
    assert.equal(excel.find("表")!.peek(2, 1)?.formula, "=#N/A", "a text-formatted cell is made General first");
    const snap = await host.readSheet("表");
    assert.deepEqual(snap.values[1], [{ error: "#N/A" }, { error: "#VALUE!" }]);
  });

  it("restores a patterned fill and keeps a user's comment, marking through a reply", async () => {
    const excel = new FakeExcel([{ name: "表", values: [["a", "b"]], notes: [{ row: 1, col: 2, text: "用户的评论" }] }], { notes: false });
    excel.find("表")!.cell(1, 1).fill = { color: "#FF0000", pattern: "Gray50", patternColor: "#0000FF" };
    const host = new ExcelHost({ run: excel.run, notes: false });
    await host.apply([{ type: "mark", sheet: "表", marks: [{ row: 1, col: 1, level: "error", note: "错" }, { row: 1, col: 2, level: "warning", note: "注意" }] }]);
    const comment = excel.find("表")!.comments.get(1 * 16_385 + 2)!;
    assert.equal(comment.content, "用户的评论", "nobody edits the user's comment");
    assert.deepEqual(comment.replies, [NOTE_PREFIX + "注意"]);
    await host.apply([{ type: "clearMarks", sheet: "表" }]);
    assert.deepEqual(excel.find("表")!.cell(1, 1).fill, { color: "#FF0000", pattern: "Gray50", patternColor: "#0000FF" });
    assert.deepEqual(comment.replies, []);
    assert.equal(excel.find("表")!.comments.get(1 * 16_385 + 1), undefined);
  });

  for (const notes of [true, false]) {
    it(`removes and restores rows with their fills and ${notes ? "notes" : "comments"} in the same few syncs for 5 rows as for 100`, async () => {
      const asOf = dayFromParts(2025, 1, 1) as DayNumber;
      const counts: number[][] = [];
      for (const k of [5, 100]) {
        const rows = Array.from({ length: k }, (_, i) => 3 + i * 9);
        const excel = new FakeExcel(
          [
            {
              name: "企业培育库",
              values: [["企业培育库"], [...ENTERPRISE_HEADERS], ...generateEnterpriseRows(1000)],
              fills: rows.map((row) => ({ row, col: 1, color: "#FF0000" })),
              notes: rows.map((row) => ({ row, col: 2, text: `用户批注${row}` })),
            },
          ],
          { notes },
        );
        const host = new ExcelHost({ run: excel.run, notes });
        const removal = removeFromPool(await readWorkbook(host), { asOf }, rows);
        excel.resetCounts();
        await host.apply(removal.edits);
        const removed = excel.syncs.length;
        const archive = excel.find("调出记录")!;
        // 调出记录: seven columns of its own and 原公式 (H), then the row's own columns from I.
        assert.equal(archive.peek(2 + k - 1, 9)?.fill?.color, "#FF0000", "the last removed row's fill is archived");
        const noteAt = (sheet: string, row: number, col: number) =>
          notes ? excel.find(sheet)!.notes.get(row * 16_385 + col) : excel.find(sheet)!.comments.get(row * 16_385 + col)?.content;
        assert.equal(noteAt("调出记录", 2 + k - 1, 10), `用户批注${rows[k - 1]}`, "and its note");
        const undo = undoRemoval(await readWorkbook(host), { asOf });
        excel.resetCounts();
        await host.apply(undo.edits);
        counts.push([removed, excel.syncs.length]);
        assert.equal(excel.find("企业培育库")!.peek(rows[k - 1], 1)?.fill?.color, "#FF0000", "the fill is back on the restored row");
        assert.equal(noteAt("企业培育库", rows[k - 1], 2), `用户批注${rows[k - 1]}`, "and the note");
      }
      assert.deepEqual(counts[1], counts[0], `syncs for removal and undo do not grow with the rows: ${JSON.stringify(counts)}`);
      assert.ok(counts[0].every((n) => n <= 8), `a handful of syncs each: ${JSON.stringify(counts)}`);
    });
  }

  it("validates 100,000 rows and marks 5% of them within 10 syncs plus one per 4 MB", async function () {
    this.timeout(300_000);
    const n = 100_000;
    const cols = 12;
    const asOf = dayFromParts(2024, 12, 31) as DayNumber;
    const data = generateEnterpriseRows(n).map((r) => r.slice(0, cols));
    // Every 20th row gets a wrong check character in its 统一社会信用代码.
    for (let i = 0; i < n; i += 20) {
      const code = String(data[i][1]);
      const good = withCheckChar(code.slice(0, 17));
      data[i][1] = code.slice(0, 17) + (good.endsWith("0") ? "1" : "0");
    }
    const excel = new FakeExcel([{ name: "企业培育库", values: [ENTERPRISE_HEADERS.slice(0, cols), ...data] }]);
    const host = new ExcelHost({ run: excel.run, notes: true });

    const snap = await host.readSheet("企业培育库");
    const { report, edits } = validateWorkbook({ sheets: [snap] }, { asOf, mark: true });
    const marked = edits.flatMap((e) => (e.type === "mark" ? e.marks : []));
    assert.ok(marked.length >= n / 20, `at least 5% of the rows are marked (${marked.length})`);
    assert.ok(report.sheets[0].issues.length >= n / 20);
    await host.apply(edits);

    // Only what was served counts as payload; the refused whole-sheet read still counts as a sync.
    const total = excel.syncs.filter((s) => !s.refused).reduce((b, s) => b + s.requestBytes + s.responseBytes, 0);
    const allowed = 10 + Math.ceil(total / MAX_REQUEST_BYTES);
    const biggest = Math.max(...excel.syncs.map((s) => s.requestBytes));
    console.log(`      ${excel.syncs.length} syncs (allowed ${allowed}), ${(total / 1e6).toFixed(1)} MB moved, largest request ${(biggest / 1e6).toFixed(2)} MB, ${marked.length} cells marked`);
    if (process.env.KJ_DEBUG_SYNCS) console.log(excel.syncs.map((s) => `${s.refused ? "R" : ""}${(s.requestBytes / 1e3).toFixed(0)}k/${(s.responseBytes / 1e3).toFixed(0)}k`).join(" "));
    assert.ok(excel.syncs.length <= allowed, `${excel.syncs.length} syncs > ${allowed}`);
    for (const s of excel.syncs) assert.ok(s.requestBytes <= MAX_REQUEST_BYTES, `a request of ${s.requestBytes} bytes`);
    const sheet = excel.find("企业培育库")!;
    assert.equal(sheet.peek(2, 2)?.fill?.color, "#FFC7CE", "the first broken code is marked");
    assert.ok(sheet.notes.get(2 * 16_385 + 2)?.startsWith(NOTE_PREFIX));

    excel.resetCounts();
    await host.apply([{ type: "clearMarks", sheet: "企业培育库" }]);
    assert.equal(sheet.peek(2, 2)?.fill ?? null, null);
    assert.equal(sheet.notes.size, 0);
    const clearTotal = excel.syncs.reduce((b, s) => b + s.requestBytes + s.responseBytes, 0);
    assert.ok(excel.syncs.length <= 10 + Math.ceil(clearTotal / MAX_REQUEST_BYTES), `clearing took ${excel.syncs.length} syncs`);
  });
});

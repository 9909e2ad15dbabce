import assert from "node:assert/strict";
import { MARK_COLORS, NOTE_PREFIX } from "../../src/host/port";
import { bgrFromHex, cellFromValue2, codeFromError, hexFromBgr, matrixFromValue2, prop, WpsHost, XL_NONE } from "../../src/host/wps";
import { FakeApplication, fakeEt, MemberMode, XL_PASTE_COMMENTS, XL_PASTE_FORMATS } from "./fake-et";

describe("WPS host helpers", () => {
  it("converts #RRGGBB mark colours to BGR integers and back", () => {
    assert.equal(bgrFromHex("#FFC7CE"), 0xcec7ff);
    assert.equal(bgrFromHex("#0000FF"), 0xff0000);
    assert.equal(hexFromBgr(0xcec7ff), "#FFC7CE");
    for (const hex of Object.values(MARK_COLORS)) assert.equal(hexFromBgr(bgrFromHex(hex)), hex);
    assert.throws(() => bgrFromHex("red"), /颜色格式错误/);
  });

  it("reads CVErr codes as error values and keeps ordinary numbers", () => {
    assert.deepEqual(cellFromValue2(-2146826246), { error: "#N/A" });
    assert.deepEqual(cellFromValue2(codeFromError("#DIV/0!")), { error: "#DIV/0!" });
    assert.equal(cellFromValue2(-2146826246.5), -2146826246.5);
    assert.equal(cellFromValue2(2042), 2042);
    assert.equal(cellFromValue2(undefined), null);
    assert.equal(cellFromValue2(""), null);
  });

  it("turns scalar and 1-D Value2 results into 2-D arrays", () => {
    assert.deepEqual(matrixFromValue2(5), [[5]]);
    assert.deepEqual(matrixFromValue2([1, 2, 3]), [[1, 2, 3]]);
    assert.deepEqual(matrixFromValue2([1, 2, 3], 3, 1), [[1], [2], [3]]);
    assert.deepEqual(matrixFromValue2([[1], [2]]), [[1], [2]]);
  });

  it("reads members that are properties or methods through one helper", () => {
    const asProperty = { Name: "台账" };
    const asMethod = {
      n: "台账",
      Name() {
        return this.n;
      },
    };
    assert.equal(prop(asProperty, "Name"), "台账");
    assert.equal(prop(asMethod, "Name"), "台账");
  });
});

for (const mode of ["property", "method"] as MemberMode[]) {
  describe(`WpsHost over the fake ET object model (${mode} mode)`, () => {
    const ledger = () =>
      fakeEt(
        {
          企业培育库: [
            ["薛城区企业培育库", null, null],
            ["企业名称", "统一社会信用代码", "注册日期"],
            ["甲科技有限公司", "91370403MA3C000001", 44927],
            ["乙材料有限公司", null, { error: "#N/A" }],
          ],
          空表: [],
        },
        { mode },
      );

    it("reads a sheet with one UsedRange.Value2 read, title row and blanks kept", async () => {
      const app = ledger();
      const host = new WpsHost(app);
      const before = app.log.value2Reads;
      const snap = await host.readSheet("企业培育库");
      assert.equal(app.log.value2Reads - before, 1);
      assert.equal(snap.firstRow, 1);
      assert.equal(snap.firstCol, 1);
      assert.deepEqual(snap.values, [
        ["薛城区企业培育库", null, null],
        ["企业名称", "统一社会信用代码", "注册日期"],
        ["甲科技有限公司", "91370403MA3C000001", 44927],
        ["乙材料有限公司", null, { error: "#N/A" }],
      ]);
      assert.equal(snap.formulas, undefined);
    });

    it("reads a used range that does not start at A1, a single cell and an empty sheet", async () => {
      const app = fakeEt({}, { mode });
      app.workbook.addSheet("偏移", [["名称", "级别"], ["平台", "省级"]], { row: 3, col: 2 });
      app.workbook.addSheet("单格", [[42]]);
      app.workbook.addSheet("空", []);
      const host = new WpsHost(app);
      const off = await host.readSheet("偏移");
      assert.equal(off.firstRow, 3);
      assert.equal(off.firstCol, 2);
      assert.deepEqual(off.values, [["名称", "级别"], ["平台", "省级"]]);
      assert.deepEqual((await host.readSheet("单格")).values, [[42]]);
      assert.deepEqual((await host.readSheet("空")).values, []);
      await assert.rejects(host.readSheet("没有"), /找不到工作表“没有”/);
    });

    it("lists sheets in order and names the active one", async () => {
      const app = ledger();
      const host = new WpsHost(app);
      assert.deepEqual(await host.listSheets(), ["企业培育库", "空表"]);
      assert.equal(await host.activeSheet(), "企业培育库");
    });

    it("writes strings as text, even when they look like formulas or numbers", async () => {
      const app = ledger();
      const host = new WpsHost(app);
      const tricky = ["=1+2", "+86 632 1234567", "-SUM(A1)", "@cmd", "0012", "\tx", "正常文字"];
      await host.apply([{ type: "setValues", sheet: "空表", row: 1, col: 1, values: tricky.map((s) => [s, 7]) }]);
      const ws = app.sheet("空表");
      tricky.forEach((s, i) => {
        const c = ws.peek(i + 1, 1);
        assert.equal(c.value, s, `row ${i + 1}`);
        assert.equal(c.formula, null, `row ${i + 1} must not be a formula`);
        assert.equal(c.numberFormat, "@");
        assert.equal(ws.peek(i + 1, 2).value, 7);
        assert.equal(ws.peek(i + 1, 2).numberFormat, "General", "numbers keep their format");
      });
    });

    it("writes dates as serial numbers and blanks as empty cells", async () => {
      const app = ledger();
      const host = new WpsHost(app);
      await host.apply([
        { type: "setValues", sheet: "企业培育库", row: 3, col: 3, values: [[new Date(Date.UTC(2023, 0, 1))], [null]] },
      ]);
      const ws = app.sheet("企业培育库");
      assert.equal(ws.peek(3, 3).value, 44927);
      assert.equal(ws.peek(4, 3).value, null);
    });

    it("turns screen updating off during writes and always back on", async () => {
      const app = ledger();
      const host = new WpsHost(app);
      await host.apply([{ type: "setValues", sheet: "空表", row: 1, col: 1, values: [["a", "b"]] }]);
      assert.ok(app.screenDuringWrites.length > 0);
      assert.ok(app.screenDuringWrites.every((on) => on === false));
      assert.equal(app.screenUpdatingNow, true);
      await assert.rejects(host.apply([{ type: "setValues", sheet: "没有", row: 1, col: 1, values: [["x"]] }]));
      assert.equal(app.screenUpdatingNow, true, "restored after a failing edit");
    });

    it("writes a block with one assignment and falls back to single cells when it fails", async () => {
      const ok = ledger();
      await new WpsHost(ok).apply([{ type: "setValues", sheet: "空表", row: 2, col: 2, values: [[1, 2], [3, 4]] }]);
      assert.equal(ok.log.blockWrites, 1);
      const failing = fakeEt({ 空表: [] }, { mode, failBlockWrites: true });
      await new WpsHost(failing).apply([{ type: "setValues", sheet: "空表", row: 2, col: 2, values: [[1, "=x"], [3, 4]] }]);
      const ws = failing.sheet("空表");
      assert.deepEqual([ws.peek(2, 2).value, ws.peek(2, 3).value, ws.peek(3, 2).value, ws.peek(3, 3).value], [1, "=x", 3, 4]);
      assert.equal(ws.peek(2, 3).formula, null);
      assert.equal(failing.log.cellWrites, 4);
    });

    it("writes formulas (text-formatted cells first become General); null leaves a cell alone", async () => {
      const app = ledger();
      const ws = app.sheet("企业培育库");
      ws.cell(3, 4).numberFormat = "@";
      ws.cell(3, 5).value = "用户的值";
      const host = new WpsHost(app);
      await host.apply([{ type: "setFormulas", sheet: "企业培育库", row: 3, col: 4, formulas: [['=KJ.AWARD("高企")', null]] }]);
      assert.equal(ws.peek(3, 4).formula, '=KJ.AWARD("高企")');
      assert.equal(ws.peek(3, 4).numberFormat, "General");
      assert.equal(ws.peek(3, 5).value, "用户的值");
      const snap = await host.readSheet("企业培育库");
      assert.equal(snap.formulas?.[2][3], '=KJ.AWARD("高企")');
    });

    it("creates a sheet once, at the end, and keeps the user on their sheet", async () => {
      const app = ledger();
      const host = new WpsHost(app);
      await host.apply([{ type: "ensureSheet", sheet: "调出记录" }, { type: "ensureSheet", sheet: "调出记录" }]);
      assert.deepEqual(await host.listSheets(), ["企业培育库", "空表", "调出记录"]);
      assert.equal(await host.activeSheet(), "企业培育库");
    });

    it("marks with BGR fills and notes, and clearing restores fills and keeps user notes", async () => {
      const app = ledger();
      const ws = app.sheet("企业培育库");
      ws.cell(3, 2).fill = 0x00ffff; // the user's own yellow (BGR)
      ws.cell(4, 1).comment = "用户批注";
      const host = new WpsHost(app);
      await host.apply([
        {
          type: "mark",
          sheet: "企业培育库",
          marks: [
            { row: 3, col: 2, level: "error", note: "代码校验位错误" },
            { row: 4, col: 1, level: "warning", note: "缺少注册日期" },
          ],
        },
      ]);
      assert.equal(ws.peek(3, 2).fill, bgrFromHex(MARK_COLORS.error));
      assert.equal(ws.peek(4, 1).fill, bgrFromHex(MARK_COLORS.warning));
      assert.ok(ws.peek(3, 2).comment?.startsWith(NOTE_PREFIX + "代码校验位错误"));
      assert.ok(ws.peek(4, 1).comment?.startsWith(NOTE_PREFIX));
      assert.ok(ws.peek(4, 1).comment?.includes("用户批注"));
      const registry = app.sheet("KJ标记");
      assert.equal(registry.visible, 0, "registry sheet is hidden");
      assert.equal(await host.activeSheet(), "企业培育库");

      // Marked again: the original fill is still the one remembered.
      await host.apply([{ type: "mark", sheet: "企业培育库", marks: [{ row: 3, col: 2, level: "suggestion", note: "再次" }] }]);
      assert.equal(ws.peek(3, 2).fill, bgrFromHex(MARK_COLORS.suggestion));

      // A new host (the file reopened) clears from the registry in the workbook.
      await new WpsHost(app).apply([{ type: "clearMarks", sheet: "企业培育库" }]);
      assert.equal(ws.peek(3, 2).fill, 0x00ffff);
      assert.equal(ws.peek(4, 1).fill, null);
      assert.equal(ws.peek(3, 2).comment, null);
      assert.equal(ws.peek(4, 1).comment, "用户批注");
    });

    it("keeps registry entries with their rows when rows are deleted and inserted", async () => {
      const app = fakeEt({ 表: [["h"], ["a"], ["b"], ["c"], ["d"]] }, { mode });
      const host = new WpsHost(app);
      const ws = app.sheet("表");
      await host.apply([{ type: "mark", sheet: "表", marks: [{ row: 5, col: 1, level: "error", note: "d 有误" }] }]);
      await host.apply([{ type: "deleteRows", sheet: "表", rows: [2, 3] }]);
      assert.equal(ws.peek(3, 1).value, "d");
      await host.apply([{ type: "insertRows", sheet: "表", row: 2, col: 1, values: [["a"], ["b"]] }]);
      assert.deepEqual([1, 2, 3, 4, 5].map((r) => ws.peek(r, 1).value), ["h", "a", "b", "c", "d"]);
      await host.apply([{ type: "clearMarks", sheet: "表" }]);
      assert.equal(ws.peek(5, 1).fill, null);
      assert.equal(ws.peek(5, 1).comment, null);
    });

    it("copies formats and comments block by block through Copy/PasteSpecial (no call per cell) and empties the clipboard", async () => {
      const rows = Array.from({ length: 40 }, (_, i) => [`企业${i}`, i, `备注${i}`]);
      const app = fakeEt({ 表: rows, 调出记录: [] }, { mode });
      const ws = app.sheet("表");
      ws.cell(5, 1).fill = 0x0000ff;
      ws.cell(5, 3).comment = "用户批注";
      ws.cell(6, 2).numberFormat = "0.00";
      app.sheet("调出记录").cell(2, 1).comment = "旧批注";
      const before = { ...app.log };
      await new WpsHost(app).apply([
        {
          type: "copyFormats",
          sheet: "调出记录",
          blocks: [
            { from: { sheet: "表", row: 5, col: 1, rows: 2, cols: 3 }, row: 1, col: 1 },
            { from: { sheet: "表", row: 10, col: 1, rows: 30, cols: 3 }, row: 3, col: 1 },
          ],
        },
      ]);
      const archive = app.sheet("调出记录");
      assert.equal(archive.peek(1, 1).fill, 0x0000ff);
      assert.equal(archive.peek(1, 3).comment, "用户批注");
      assert.equal(archive.peek(2, 2).numberFormat, "0.00");
      assert.equal(archive.peek(2, 1).comment, null, "a target comment where the source has none is removed");
      assert.deepEqual([app.log.copies - before.copies, app.log.pastes - before.pastes], [2, 4], "one Copy and two PasteSpecial per block");
      assert.equal(app.log.cellWrites - before.cellWrites + app.log.blockWrites - before.blockWrites, 0, "no value is written");
      assert.equal(prop(app, "CutCopyMode"), false, "the clipboard is emptied afterwards");
    });

    it("deletes scattered rows bottom-up", async () => {
      const app = fakeEt({ 表: [["r1"], ["r2"], ["r3"], ["r4"], ["r5"], ["r6"]] }, { mode });
      await new WpsHost(app).apply([{ type: "deleteRows", sheet: "表", rows: [2, 5, 3] }]);
      const ws = app.sheet("表");
      assert.deepEqual([1, 2, 3, 4].map((r) => ws.peek(r, 1).value), ["r1", "r4", "r6", null]);
    });

    it("selects a cell on another sheet by activating it first", async () => {
      const app = ledger();
      const host = new WpsHost(app);
      await host.select("空表", 7, 3);
      assert.equal(await host.activeSheet(), "空表");
      assert.deepEqual(app.sheet("空表").selection, { row: 7, col: 3 });
    });

    it("applies number formats, bold, column widths, data bars and clears ranges", async () => {
      const app = fakeEt({ 表: [[0.5, 0.25], [1, 2]] }, { mode });
      const host = new WpsHost(app);
      const progress: [number, number][] = [];
      await host.apply(
        [
          { type: "numberFormat", sheet: "表", row: 1, col: 1, rows: 1, cols: 2, format: "0.0%" },
          { type: "bold", sheet: "表", row: 1, col: 1, rows: 1, cols: 2 },
          { type: "columnWidths", sheet: "表", col: 1, widths: [20, 12] },
          { type: "dataBar", sheet: "表", row: 1, col: 1, rows: 1, cols: 2, color: "#5B9BD5" },
          { type: "clearRange", sheet: "表", row: 2, col: 1, rows: 1, cols: 2 },
        ],
        (done, total) => progress.push([done, total]),
      );
      const ws = app.sheet("表");
      assert.equal(ws.peek(1, 2).numberFormat, "0.0%");
      assert.equal(ws.peek(1, 1).bold, true);
      assert.equal(ws.columnWidths.get(1), 20);
      assert.equal(ws.columnWidths.get(2), 12);
      assert.deepEqual(ws.dataBars, [{ address: "$A$1:$B$1", color: bgrFromHex("#5B9BD5") }]);
      assert.equal(ws.peek(2, 1).value, null);
      assert.equal(ws.peek(1, 1).value, 0.5);
      assert.deepEqual(progress.at(-1), [5, 5]);
    });

    it("changes nothing outside the declared edits", async () => {
      const app = ledger();
      const ws = app.sheet("企业培育库");
      const before = JSON.stringify([...ws.cells].filter(([k]) => k !== "3,4"));
      await new WpsHost(app).apply([{ type: "setValues", sheet: "企业培育库", row: 3, col: 4, values: [["建议调出"]] }]);
      assert.equal(JSON.stringify([...ws.cells].filter(([k]) => k !== "3,4")), before);
      assert.equal(ws.peek(3, 4).value, "建议调出");
    });
  });
}

describe("the fake ET object model itself", () => {
  it("parses strings like typing unless the cell is text-formatted", () => {
    const app = new FakeApplication();
    const ws = app.workbook.addSheet("表");
    ws.Range("A1").Value2 = "=1+2";
    ws.Range("A2").Value2 = "0012";
    ws.Range("A3").NumberFormat = "@";
    ws.Range("A3").Value2 = "=1+2";
    assert.equal(ws.peek(1, 1).formula, "=1+2");
    assert.equal(ws.peek(2, 1).value, 12);
    assert.equal(ws.peek(3, 1).value, "=1+2");
  });

  it("has 1-based collections, scalar Value2 for one cell, no-fill as xlNone and one comment per cell", () => {
    const app = fakeEt({ 甲: [[1, 2]], 乙: [] });
    const sheets = app.workbook.sheets;
    assert.equal(sheets.Item(1).name, "甲");
    assert.equal(sheets.Item("乙").name, "乙");
    assert.throws(() => sheets.Item(3));
    const ws = sheets.Item(1);
    assert.equal(ws.Range("A1").Value2 as unknown, 1);
    assert.deepEqual(ws.Range("A1:B1").Value2 as unknown, [[1, 2]]);
    assert.equal((ws.Range("A1").Interior as unknown as { ColorIndex: number }).ColorIndex, XL_NONE);
    ws.Range("A1").AddComment("x");
    assert.throws(() => ws.Range("A1").AddComment("y"));
    assert.throws(() => sheets.Item(2).Range("A1").Select(), /未激活/);
  });

  it("pastes formats or comments only from what Copy put on the clipboard, values untouched", () => {
    const app = fakeEt({ 甲: [["a", "b"]], 乙: [["x", "y"]] });
    const from = app.sheet("甲");
    from.cell(1, 1).fill = 255;
    from.cell(1, 2).comment = "批注";
    const to = app.sheet("乙").Range("A1:B1");
    assert.throws(() => to.PasteSpecial(XL_PASTE_FORMATS), /剪贴板/);
    from.Range("A1:B1").Copy();
    assert.equal(prop(app, "CutCopyMode"), 1);
    to.PasteSpecial(XL_PASTE_FORMATS);
    assert.deepEqual([app.sheet("乙").peek(1, 1).fill, app.sheet("乙").peek(1, 2).comment], [255, null], "formats only");
    to.PasteSpecial(XL_PASTE_COMMENTS);
    assert.equal(app.sheet("乙").peek(1, 2).comment, "批注");
    assert.deepEqual([app.sheet("乙").peek(1, 1).value, app.sheet("乙").peek(1, 2).value], ["x", "y"]);
    (app as unknown as { CutCopyMode: unknown }).CutCopyMode = false;
    assert.throws(() => to.PasteSpecial(XL_PASTE_COMMENTS), /剪贴板/);
  });

  it("exposes members as methods in method mode", () => {
    const app = fakeEt({ 甲: [[1]] }, { mode: "method" });
    const ws = app.workbook.sheets.Item(1) as unknown as { Name: () => string; UsedRange: () => { Value2: () => unknown } };
    assert.equal(typeof ws.Name, "function");
    assert.equal(ws.Name(), "甲");
    assert.equal(ws.UsedRange().Value2(), 1);
  });
});

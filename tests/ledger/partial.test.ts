import { strict as assert } from "assert";
import { readEnumList } from "../../src/ledger/cells";
import { CULTIVATION_CATEGORIES, kindDef, TALENT } from "../../src/ledger/catalogue";
import { detectLedger, headerHint, headersNeeded, nearestLedger } from "../../src/ledger/mapping";

describe("ledger headers: what a partial ledger lacks, in words a clerk can act on", () => {
  it("names the kind a partial header comes closest to and the columns it still needs", () => {
    const values = [["2024年企业名单"], ["企业名称", "统一社会信用代码", "所属镇街", "联系人"], ["某公司", "91370403MA3C5X2P1Q", "陶庄镇", "张三"]];
    assert.equal(detectLedger(values), null, "not enough to be recognised");
    const near = nearestLedger(values, "名单");
    assert.ok(near);
    assert.equal(near.kind, "enterprise");
    assert.equal(near.headerRow, 2);
    assert.deepEqual(
      near.found.map((h) => [h.col, h.text]),
      [
        [1, "企业名称"],
        [2, "统一社会信用代码"],
        [3, "所属镇街"],
      ],
    );
    assert.deepEqual(
      near.missing.map((f) => f.name),
      ["注册日期", "培育类别", "入库年度"],
    );
  });

  it("is null for a recognised ledger, a note sheet, a blank sheet and the add-in's own sheets", () => {
    const talent = [["姓名", "人才工程", "入选年度"]];
    assert.ok(detectLedger(talent));
    assert.equal(nearestLedger(talent), null);
    assert.equal(nearestLedger([["说明"], ["本表由办公室填写"]]), null);
    assert.equal(nearestLedger([["备注"]]), null, "one matching word is not a ledger");
    assert.equal(nearestLedger([]), null);
    assert.equal(nearestLedger([["企业名称", "统一社会信用代码"]], "调出记录"), null);
  });

  it("lists each needed column with the other names it may be written as", () => {
    const year = TALENT.fields.find((f) => f.id === "year")!;
    assert.equal(headerHint(year), "入选年度（也可写作：入选年份、入选时间、引进年度、年度）");
    assert.deepEqual(
      headersNeeded(kindDef("award")).map((f) => f.name),
      ["名称", "奖励事项", "认定日期"],
    );
    // Every needed set, once present, makes the header recognised as its own kind.
    for (const kind of ["enterprise", "platform", "talent", "project", "award"] as const) {
      const header = headersNeeded(kindDef(kind)).map((f) => f.name);
      assert.equal(detectLedger([header])?.kind, kind, kind);
    }
  });
});

describe("cell messages quote the cell as typed", () => {
  it("keeps the spaces and slashes of a multi-value cell and names the wrong part", () => {
    const r = readEnumList("科技型中小企业 / 专精特新", CULTIVATION_CATEGORIES);
    assert.equal(r.status, "invalid");
    assert.equal(
      r.status === "invalid" ? r.message : "",
      "“科技型中小企业 / 专精特新”中的“专精特新”不是可选值，可选：科技型中小企业、科技小巨人企业、高新技术企业（可填多个，用顿号分隔）",
    );
  });

  it("a single wrong value is quoted once", () => {
    const r = readEnumList("专精特新企业", CULTIVATION_CATEGORIES);
    assert.equal(r.status === "invalid" ? r.message : "", "“专精特新企业”不是可选值，可选：科技型中小企业、科技小巨人企业、高新技术企业（可填多个，用顿号分隔）");
  });
});

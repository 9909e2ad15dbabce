import { strict as assert } from "assert";
import { imageRun, packDocx, pageField, para, table, textRun } from "../../src/docx/wordml";
import { openDocx, paragraphs, tableRows } from "../support/docx";

const STYLE = { eastAsia: "仿宋", latin: "Times New Roman", halfPoints: 32 };
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

function content(body: string[]) {
  return {
    body,
    images: [],
    footer: [pageField(STYLE)],
    defaults: { ...STYLE, language: "zh-CN" },
    page: { width: 11906, height: 16838, top: 2098, bottom: 1984, left: 1587, right: 1474, footer: 992 },
    fontTableXml: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>',
    properties: { title: "标题 <&>", creator: "某局", description: "说明" },
  };
}

describe("WordprocessingML writer (src/docx/wordml.ts)", () => {
  it("escapes ledger text and drops characters XML cannot hold, in runs, cells and attributes", async () => {
    const nasty = 'A&B <c> "d" \u0001e\u001f';
    const img = { png: PNG, width: 10, height: 5, name: 'x"y', description: nasty };
    const doc = openDocx(
      await packDocx({
        ...content([para([textRun(nasty, STYLE)]), table([1000, 2000], [[{ text: "h&", align: "center", bold: true }, { text: "<k>", align: "left" }], [{ text: nasty, align: "left" }, { text: "2", align: "center" }]], STYLE), para([imageRun(0, img)])]),
        images: [img],
      }),
    );
    const xml = doc.xml("word/document.xml");
    assert.deepEqual(paragraphs(xml).slice(0, 1), ['A&B <c> "d" e']);
    assert.deepEqual(tableRows(xml), [["h&", "<k>"], ['A&B <c> "d" e', "2"]]);
    assert.match(xml, /descr="A&amp;B &lt;c&gt; &quot;d&quot; e"/);
    assert.match(xml, /name="x&quot;y"/);
    assert.match(doc.xml("docProps/core.xml"), /<dc:title>标题 &lt;&amp;&gt;<\/dc:title>/);
    assert.deepEqual(doc.files["word/media/image1.png"], PNG);
    assert.match(doc.xml("word/_rels/document.xml.rels"), /Id="rIdImage1"[^>]*Target="media\/image1\.png"/);
    assert.match(doc.xml("[Content_Types].xml"), /Extension="png"/);
  });

  it("repeats only the first table row on each page, and keeps every row whole", () => {
    const t = table([100], [[{ text: "表头", align: "center" }], [{ text: "1", align: "center" }], [{ text: "2", align: "center" }]], STYLE);
    assert.equal((t.match(/<w:tblHeader\/>/g) ?? []).length, 1);
    assert.equal((t.match(/<w:cantSplit\/>/g) ?? []).length, 3);
    assert.match(t, /<w:trPr><w:cantSplit\/><w:tblHeader\/><\/w:trPr><w:tc>[\s\S]*?表头/);
  });

  it("writes the same bytes for the same content (no timestamps)", async () => {
    const a = await packDocx(content([para([textRun("一", STYLE)])]));
    const b = await packDocx(content([para([textRun("一", STYLE)])]));
    assert.deepEqual(Buffer.from(a), Buffer.from(b));
  });

  it("puts the page number field in the footer and the page setup in the section", async () => {
    const doc = openDocx(await packDocx(content([para([])])));
    assert.match(doc.xml("word/footer1.xml"), /<w:instrText xml:space="preserve"> PAGE <\/w:instrText>/);
    assert.match(doc.xml("word/document.xml"), /<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter1"\/><w:pgSz w:w="11906" w:h="16838"\/>/);
    assert.match(doc.xml("word/styles.xml"), /<w:lang w:val="zh-CN" w:eastAsia="zh-CN"\/>/);
  });
});

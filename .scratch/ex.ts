import ExcelJS from "exceljs";
import JSZip from "jszip";
(async () => {
  const wb = new ExcelJS.Workbook(); const ws = wb.addWorksheet("S"); ws.addRow(["a", 1]); ws.addRow(["b", 2]);
  const bytes = Buffer.from(await wb.xlsx.writeBuffer());
  // 1. no styles part
  let zip = await JSZip.loadAsync(bytes);
  zip.remove("xl/styles.xml");
  let rels = await zip.file("xl/_rels/workbook.xml.rels")!.async("string");
  zip.file("xl/_rels/workbook.xml.rels", rels.replace(/<Relationship [^>]*styles[^>]*\/>/, ""));
  let b1 = await zip.generateAsync({ type: "nodebuffer" });
  try { const w = new ExcelJS.Workbook(); await w.xlsx.load(b1 as any); const out = await w.xlsx.writeBuffer(); const w2 = new ExcelJS.Workbook(); await w2.xlsx.load(out as any); console.log("nostyles ok", w2.worksheets[0].getCell("A1").value); } catch (e) { console.log("nostyles fail", (e as Error).message); }
  // 2. prefixed worksheet
  zip = await JSZip.loadAsync(bytes);
  let x = await zip.file("xl/worksheets/sheet1.xml")!.async("string");
  x = x.replace(/<(\/?)([a-zA-Z])/g, "<$1x:$2").replace('xmlns="http', 'xmlns:x="http').replace(/<\/?x:\?/g, (m) => m);
  zip.file("xl/worksheets/sheet1.xml", x);
  const b2 = await zip.generateAsync({ type: "nodebuffer" });
  try { const w = new ExcelJS.Workbook(); await w.xlsx.load(b2 as any); console.log("prefix ok", w.worksheets[0].getCell("A1").value); } catch (e) { console.log("prefix fail", (e as Error).message); }
})();

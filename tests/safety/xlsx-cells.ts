/**
 * Reads the cells of a saved .xlsx from its XML (not through exceljs): for each cell its
 * type attribute, whether it has an <f> element, and its text (shared or inline strings
 * decoded), so a test sees exactly what Excel will see when it opens the file.
 */
import * as fs from "fs";
import JSZip from "jszip";

export interface XmlCell {
  sheet: string;
  ref: string;
  /** The t attribute: "s", "inlineStr", "str", "n", "b", "e" or null. */
  type: string | null;
  /** The formula text when the cell has an <f> element with text; "" for a shared-formula child. */
  formula: string | null;
  /** The string value for t="s" / "inlineStr" / "str", else the raw <v>. */
  text: string | null;
}

function decodeXml(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-fA-F]+);/g, (_, n) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, "&");
}

/** OOXML's _xHHHH_ escapes (a literal "_x" is written _x005F_x). */
function decodeOoxml(s: string): string {
  return s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}

/** The text of an <si> or <is>: every <t> run joined (phonetic runs left out). */
function runsText(xml: string): string {
  const withoutPhonetic = xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, "");
  let out = "";
  for (const m of withoutPhonetic.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>|<t(?:\s[^>]*)?\/>/g)) out += m[1] ? decodeOoxml(decodeXml(m[1])) : "";
  return out;
}

export async function xlsxCells(file: string): Promise<XmlCell[]> {
  const zip = await JSZip.loadAsync(fs.readFileSync(file));
  const read = async (name: string) => (await zip.file(name)?.async("string")) ?? null;
  const shared: string[] = [];
  const sst = await read("xl/sharedStrings.xml");
  if (sst) for (const m of sst.matchAll(/<si>([\s\S]*?)<\/si>/g)) shared.push(runsText(m[1]));

  // Sheet names by their part, through workbook.xml and its relationships.
  const workbook = (await read("xl/workbook.xml")) ?? "";
  const rels = (await read("xl/_rels/workbook.xml.rels")) ?? "";
  const target = new Map<string, string>();
  for (const m of rels.matchAll(/<Relationship\b[^>]*>/g)) {
    const id = /\bId="([^"]+)"/.exec(m[0])?.[1];
    const t = /\bTarget="([^"]+)"/.exec(m[0])?.[1];
    if (id && t) target.set(id, t.replace(/^\/?(xl\/)?/, "xl/"));
  }
  const cells: XmlCell[] = [];
  for (const m of workbook.matchAll(/<sheet\b[^>]*\/?>/g)) {
    const name = decodeXml(/\bname="([^"]*)"/.exec(m[0])?.[1] ?? "");
    const rid = /\br:id="([^"]+)"/.exec(m[0])?.[1] ?? "";
    const part = target.get(rid);
    const xml = part ? await read(part) : null;
    if (!xml) throw new Error(`sheet ${name}: part ${part} missing`);
    for (const c of xml.matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const attrs = c[1];
      const body = c[2] ?? "";
      const ref = /\br="([^"]+)"/.exec(attrs)?.[1] ?? "";
      const type = /\bt="([^"]+)"/.exec(attrs)?.[1] ?? null;
      const f = /<f\b[^>]*?(?:\/>|>([\s\S]*?)<\/f>)/.exec(body);
      const v = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1];
      let text: string | null = v === undefined ? null : decodeXml(v);
      if (type === "s" && v !== undefined) text = shared[Number(v)] ?? null;
      else if (type === "inlineStr") text = runsText(/<is>([\s\S]*?)<\/is>/.exec(body)?.[1] ?? "");
      else if (type === "str" && text !== null) text = decodeOoxml(text);
      cells.push({ sheet: name, ref, type, formula: f ? decodeXml(f[1] ?? "") : null, text });
    }
  }
  return cells;
}

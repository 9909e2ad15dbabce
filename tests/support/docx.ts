/**
 * Reading a .docx back in tests: its parts (unzipped with fflate), the text of each table row
 * (cells joined from their w:t runs), the text of the body, and a PNG's size from its IHDR.
 */
import { strFromU8, unzipSync } from "fflate";

export interface DocxParts {
  files: Record<string, Uint8Array>;
  xml(path: string): string;
}

export function openDocx(bytes: Uint8Array): DocxParts {
  const files = unzipSync(bytes);
  return {
    files,
    xml: (p) => {
      const f = files[p];
      if (!f) throw new Error(`no part ${p} in the .docx (has ${Object.keys(files).join(", ")})`);
      return strFromU8(f);
    },
  };
}

function decode(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, "&");
}

/** The text of an XML fragment: its w:t runs joined. */
export function textOf(xml: string): string {
  const out: string[] = [];
  const re = /<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) out.push(decode(m[1]));
  return out.join("");
}

/** Every table row of document.xml as its cells' texts. */
export function tableRows(documentXml: string): string[][] {
  const rows: string[][] = [];
  const trs = documentXml.match(/<w:tr[ >][\s\S]*?<\/w:tr>/g) ?? [];
  for (const tr of trs) rows.push((tr.match(/<w:tc>[\s\S]*?<\/w:tc>/g) ?? []).map(textOf));
  return rows;
}

/** The text of each paragraph outside tables, in order. */
export function paragraphs(documentXml: string): string[] {
  const noTables = documentXml.replace(/<w:tbl>[\s\S]*?<\/w:tbl>/g, "");
  return (noTables.match(/<w:p[ >][\s\S]*?<\/w:p>/g) ?? []).map(textOf).filter((t) => t !== "");
}

/** Width and height of a PNG, after checking its signature. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  sig.forEach((b, i) => {
    if (png[i] !== b) throw new Error("not a PNG");
  });
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: dv.getUint32(16), height: dv.getUint32(20) };
}

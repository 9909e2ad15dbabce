/**
 * Recalculation at the level of the .xlsx package: the sheet XML is read for values and formulas,
 * HyperFormula evaluates, and only the cached value (<v>) of each formula cell is rewritten.
 * Every other byte of every other part (styles, widths, validation, charts, pictures, pivot
 * tables, comments) is kept as it was, and a 100,000-row sheet never becomes a cell-object model,
 * which is what keeps large workbooks within memory. No file access here: bytes in, zip out.
 */
import JSZip from "jszip";
import { DayNumber } from "../../dates";
import { ProgressFn } from "../port";
import { attributes, binaryText, decodeAddress, escapeXml, fromBinary, NO_ADDRESSES, PackageNotHandled, readWorkbookPart, richText, SheetPart, putPart, slideFormula, toBinary, writeZip, xmlText } from "./ooxml";
import { openXlsxPackage } from "./package";
import { ComputedValue, evaluateSites, FormulaSite, formulaForEngine, recalcPolicies, RecalcReport } from "./recalc";
import { POLICY_SHEET } from "../../ledger/catalogue";
import { CellValue } from "../../ledger/cells";
import { LoadedPack } from "../../policy/registry";

export { PackageNotHandled, slideFormula, xmlText };

export interface PackageRecalcOptions {
  today: DayNumber;
  /** As RecalcOptions: --policy packs, and the file name for messages. */
  extraPolicies?: readonly LoadedPack[];
  workbookName?: string;
  progress?: ProgressFn;
  maxListed?: number;
}

export interface PackageRecalc {
  report: RecalcReport;
  /** Writes the recalculated package to a stream (not ending it). */
  writeTo(stream: NodeJS.WritableStream): Promise<void>;
}

const CELL = /<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g;
const FORMULA = /<f\b([^>]*?)(?:\/>|>([\s\S]*?)<\/f>)/;
const VALUE = /<v>([\s\S]*?)<\/v>|<v\/>/;
const INLINE = /<is>([\s\S]*?)<\/is>/;
const CELL_REF = /\br\s*=\s*"([^"]+)"/;
const CELL_TYPE = /\bt\s*=\s*"([^"]*)"/;

/** The worksheets (name and part path), the shared strings and the defined names. */
async function readWorkbookParts(zip: JSZip): Promise<{ sheets: SheetPart[]; sharedStrings: string[]; names: { name: string; expression: string }[] }> {
  const { workbookXml, rels, sheets } = await readWorkbookPart(zip);
  const sstRel = rels.find((r) => /\/sharedStrings$/.test(r.type));
  const sstXml = (await binaryText(zip, sstRel?.target ?? "xl/sharedStrings.xml")) ?? "";
  const sharedStrings: string[] = [];
  for (const m of sstXml.matchAll(/<si>([\s\S]*?)<\/si>|<si\/>/g)) sharedStrings.push(m[1] === undefined ? "" : xmlText(fromBinary(richText(m[1]))));
  const names: { name: string; expression: string }[] = [];
  for (const m of workbookXml.matchAll(/<definedName\b([^>]*)>([\s\S]*?)<\/definedName>/g)) {
    const a = attributes(m[1]);
    if (!a.name || a.name.startsWith("_xlnm.") || a.localSheetId !== undefined) continue;
    if (!/^[A-Za-z_\u4e00-\u9fff][\w.\u4e00-\u9fff]*$/.test(a.name)) continue;
    names.push({ name: a.name, expression: "=" + xmlText(m[2]) });
  }
  return { sheets, sharedStrings, names };
}

interface SiteInSheet extends FormulaSite {
  ref: string;
  /** Where the <c> element is in the sheet XML, and its parts, for rewriting it. */
  start: number;
  end: number;
  attrs: string;
  inner: string;
}

/** The formula cells of one sheet, shared formulas expanded (masters come before their clones). */
function formulaSites(sheet: string, xml: string): SiteInSheet[] {
  const sites: SiteInSheet[] = [];
  const masters = new Map<string, { at: { row: number; col: number }; formula: string }>();
  for (const m of xml.matchAll(CELL)) {
    const inner = m[2];
    if (!inner || !inner.includes("<f")) continue;
    const a = attributes(m[1]);
    const at = a.r ? decodeAddress(a.r) : null;
    if (!at) throw new PackageNotHandled("cell without an address", NO_ADDRESSES);
    const f = FORMULA.exec(inner);
    if (!f) continue;
    const fa = attributes(f[1] ?? "");
    if (fa.t === "dataTable") continue; // what-if tables: Excel's own, kept as they are
    let formula = f[2] === undefined ? "" : xmlText(fromBinary(f[2]));
    if (fa.t === "shared" && fa.si !== undefined) {
      if (formula.trim() !== "") masters.set(fa.si, { at, formula });
      else {
        const master = masters.get(fa.si);
        if (!master) throw new PackageNotHandled("shared formula clone before its master", { reason: `工作表“${sheet}”中单元格 ${a.r} 的共享公式写在它的起始单元格之前（某些程序生成的文件这样写），KJ 无法按原样重算。请用 Excel 或 WPS 打开后另存一次再试` });
        formula = slideFormula(master.formula, master.at, at);
      }
    }
    if (formula.trim() === "") continue;
    const start = m.index ?? 0;
    sites.push({ sheet, row: at.row, col: at.col, formula, ref: a.r, start, end: start + m[0].length, attrs: m[1], inner });
  }
  return sites;
}

/** One sheet's cells as engine contents: formulas, and values of the wanted columns. */
function sheetContents(xml: string, sharedStrings: readonly string[], wanted: (col: number) => boolean, formulas: Map<string, string>): unknown[][] {
  const rows: unknown[][] = [];
  for (const m of xml.matchAll(CELL)) {
    // Most cells are neither formulas nor in a wanted column: decide from the address alone.
    const ref = CELL_REF.exec(m[1])?.[1];
    if (ref === undefined) continue;
    const formula = formulas.get(ref);
    let content: unknown;
    if (formula !== undefined) content = formulaForEngine(formula);
    else {
      const at = decodeAddress(ref);
      if (!at || !wanted(at.col) || !m[2]) continue;
      content = cellValue(CELL_TYPE.exec(m[1])?.[1], m[2], sharedStrings);
    }
    const at = decodeAddress(ref) as { row: number; col: number };
    const row = (rows[at.row - 1] ??= []);
    row[at.col - 1] = content;
  }
  for (let r = 0; r < rows.length; r++) {
    const row = (rows[r] ??= []);
    for (let c = 0; c < row.length; c++) if (row[c] === undefined) row[c] = null;
  }
  return rows;
}

/** A stored cell value as engine content (strings with the apostrophe that keeps them text). */
function cellValue(type: string | undefined, inner: string, sharedStrings: readonly string[]): unknown {
  if (type === "inlineStr") {
    const is = INLINE.exec(inner);
    return is ? "'" + xmlText(fromBinary(richText(is[1]))) : null;
  }
  const v = VALUE.exec(inner);
  if (!v || v[1] === undefined) return null;
  switch (type) {
    case "s": {
      const s = sharedStrings[Number(v[1])];
      return s === undefined ? null : "'" + s;
    }
    case "str":
      return "'" + xmlText(fromBinary(v[1]));
    case "b":
      return v[1].trim() === "1";
    case "e":
      return xmlText(v[1]);
    case "d": {
      const ms = Date.parse(v[1]);
      return Number.isFinite(ms) ? 25_569 + ms / 86_400_000 : null;
    }
    default: {
      const n = Number(v[1]);
      return Number.isFinite(n) ? n : null;
    }
  }
}

/** The <c> element with its cached value replaced by `value`; the formula and every other attribute kept. */
function patchedCell(attrs: string, inner: string, value: Exclude<ComputedValue, null>): string {
  let type: string | null;
  let v: string;
  if (typeof value === "number") {
    type = null;
    v = Number.isFinite(value) ? String(value) : "#NUM!";
    if (!Number.isFinite(value)) type = "e";
  } else if (typeof value === "boolean") {
    type = "b";
    v = value ? "1" : "0";
  } else if (typeof value === "string") {
    type = "str";
    v = toBinary(escapeXml(value));
  } else {
    type = "e";
    v = escapeXml(value.error);
  }
  const keptAttrs = attrs.replace(/\s+t\s*=\s*"[^"]*"/, "");
  const f = FORMULA.exec(inner);
  const fPart = f ? f[0] : "";
  const rest = inner.replace(FORMULA, "").replace(VALUE, "").replace(INLINE, "");
  return `<c${keptAttrs}${type ? ` t="${type}"` : ""}>${fPart}<v>${v}</v>${rest}</c>`;
}

/**
 * Recalculates the workbook in `bytes`, opened with the package policy (openXlsxPackage: a
 * refused package throws PackageRefused, every part is verified before any is copied). Throws
 * PackageNotHandled when this path cannot read it; the exceljs path is the fallback.
 */
export async function recalcXlsxPackage(bytes: Buffer, opts: PackageRecalcOptions): Promise<PackageRecalc> {
  return recalcXlsxZip(await openXlsxPackage(bytes).jszip(), opts);
}

/** recalcXlsxPackage on a package already open (e.g. one editXlsxPackage just wrote into); the zip is changed in place. */
export async function recalcXlsxZip(zip: JSZip, opts: PackageRecalcOptions): Promise<PackageRecalc> {
  const progress = opts.progress ?? (() => undefined);
  const { sheets, sharedStrings, names } = await readWorkbookParts(zip);
  if (sheets.length === 0) throw new PackageNotHandled("no worksheets", { reason: "工作簿中没有可读取的工作表" });

  // Pass 1: every formula cell.
  const xmlOf = new Map<string, string>();
  const sitesBySheet = new Map<string, SiteInSheet[]>();
  const allSites: SiteInSheet[] = [];
  for (let i = 0; i < sheets.length; i++) {
    const part = sheets[i];
    const xml = await binaryText(zip, part.path);
    if (xml === null) throw new PackageNotHandled(`missing part ${part.path}`, { reason: `工作表“${part.name}”的内容不在文件中，文件可能已损坏` });
    const sites = formulaSites(part.name, xml);
    if (sites.length > 0) {
      sitesBySheet.set(part.name, sites);
      allSites.push(...sites);
    }
    xmlOf.set(part.name, xml);
    progress(i + 1, sheets.length, "读取工作表");
  }

  const formulasBySheet = new Map<string, Map<string, string>>();
  for (const [sheet, sites] of sitesBySheet) formulasBySheet.set(sheet, new Map(sites.map((s) => [s.ref, s.formula])));
  const contents = (sheet: string, wanted: (col: number) => boolean) =>
    sheetContents(xmlOf.get(sheet) as string, sharedStrings, wanted, formulasBySheet.get(sheet) ?? new Map());
  // The workbook's stored packs (read only when there is a formula to compute).
  const policyXml = xmlOf.get(POLICY_SHEET);
  const policySheet = policyXml === undefined || allSites.length === 0 ? null : (sheetContents(policyXml, sharedStrings, () => true, new Map()).map((r) => r.map((v) => (typeof v === "string" && v.startsWith("'") ? v.slice(1) : v))) as CellValue[][]);
  const policies = allSites.length > 0 ? recalcPolicies(policySheet, opts) : undefined;
  const { values, report } = evaluateSites(
    allSites,
    sheets.map((s) => s.name),
    contents,
    { today: opts.today, progress, maxListed: opts.maxListed, policies },
    names,
  );
  const valueOf = new Map<SiteInSheet, ComputedValue>();
  allSites.forEach((site, i) => valueOf.set(site, values[i]));

  // Pass 2: rewrite the cached values of the formula sheets, copying the XML between formula
  // cells as it is (a few hundred thousand slices, not one piece per cell).
  let done = 0;
  const patchedSheets = sheets.filter((part) => sitesBySheet.has(part.name));
  for (const part of patchedSheets) {
    const xml = xmlOf.get(part.name) as string;
    const chunks: Buffer[] = [];
    let pos = 0;
    for (const site of sitesBySheet.get(part.name) as SiteInSheet[]) {
      const value = valueOf.get(site);
      if (value === undefined || value === null) continue;
      chunks.push(Buffer.from(xml.slice(pos, site.start), "latin1"), Buffer.from(patchedCell(site.attrs, site.inner, value), "latin1"));
      pos = site.end;
    }
    chunks.push(Buffer.from(xml.slice(pos), "latin1"));
    xmlOf.delete(part.name);
    putPart(zip, part.path, Buffer.concat(chunks));
    chunks.length = 0;
    progress(++done, patchedSheets.length, "写回结果");
  }
  xmlOf.clear();

  return {
    report,
    writeTo: (stream: NodeJS.WritableStream) => writeZip(zip, stream),
  };
}

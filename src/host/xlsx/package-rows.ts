/**
 * Deleting and inserting rows of one worksheet at the level of the .xlsx package, keeping every
 * other part of the workbook right (src/host/xlsx/rows.ts says how references move):
 * - the sheet: its rows and cells renumbered (deleted rows dropped), every formula's references
 *   moved (shared formulas written out cell by cell where they have to change), the dimension,
 *   merged cells, conditional formats and data validation (also those in extLst, with their
 *   formulas), hyperlinks, the filter, sort state, protected ranges, ignored errors, page breaks;
 * - its parts: notes (comments and their VML boxes), threaded comments, Excel tables
 *   (ListObjects) and pivot table locations. Pictures and charts stay where they are on the
 *   sheet (their series follow the rows): removing rows and putting them back then leaves them
 *   exactly where they were, which moving them with their rows could not;
 * - the rest of the workbook: formulas, validation and conditional formats of other sheets that
 *   name this sheet, defined names (print areas, filters), chart series, pivot cache sources;
 * No file access here: the package is changed in place.
 */
import JSZip from "jszip";
import { attributes, findPart, NO_ADDRESSES, fromBinary, PackageNotHandled, parseRelationships, putPart, relsPathOf, RowBeyondExcel, slideFormula, toBinary } from "./ooxml";
import { FormulaFrame, MAX_ROW, moveFormulaRows, moveRange, moveSqref, parseRange, RowMove } from "./rows";

const LT = 0x3c;
const SLASH = 0x2f;

/** The workbook part's text, owned by the caller (it also adds sheets). */
export interface WorkbookText {
  get(): string;
  set(xml: string): void;
}

/** Entities of XML text (not OOXML's _xHHHH_ escapes: formulas keep those as typed). */
export function decodeEntities(s: string): string {
  if (s.indexOf("&") < 0) return s;
  return s.replace(/&(lt|gt|quot|apos|amp|#x[0-9a-fA-F]+|#\d+);/g, (_m, e: string) => {
    switch (e) {
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "quot":
        return '"';
      case "apos":
        return "'";
      case "amp":
        return "&";
      default:
        return String.fromCodePoint(e.startsWith("#x") ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    }
  });
}

function escapeText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A formula as stored in XML binary text (see ooxml.fromBinary), moved; null when unchanged. */
function movedXmlFormula(raw: string, home: string, move: RowMove, frame: FormulaFrame, state: { resized: boolean }): string | null {
  const formula = decodeEntities(fromBinary(raw));
  const moved = moveFormulaRows(formula, home, move, frame);
  if (moved.resized) state.resized = true;
  return moved.text === formula ? null : toBinary(escapeText(moved.text));
}

/** Is the byte after a tag name a delimiter? */
function endsName(buf: Buffer, at: number): boolean {
  const b = buf[at];
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x3e || b === SLASH;
}

/** The next start tag `<name` (whole name) in [from, to), or -1; never searches past `to`. */
function nextTag(buf: Buffer, name: string, from: number, to: number): number {
  const window = buf.subarray(0, Math.min(to + name.length + 1, buf.length));
  let at = from;
  for (;;) {
    at = window.indexOf(name, at, "latin1");
    if (at < 0 || at >= to) return -1;
    if (buf[at] === LT && endsName(buf, at + name.length)) return at;
    at += name.length;
  }
}

/** "AB12" -> ["AB", 12]. */
function splitAddress(ref: string): [string, number] | null {
  const m = /^([A-Z]{1,3})(\d+)$/.exec(ref);
  return m ? [m[1], Number(m[2])] : null;
}

function colNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/**
 * Does the (binary) text possibly name the sheet? A cheap test before reading formulas: the name
 * as UTF-8, or with characters beyond ASCII as character references (openpyxl writes &#20225;).
 */
function mentions(text: string, sheet: string): boolean {
  const lower = text.toLowerCase();
  const forms = [
    toBinary(escapeText(sheet)),
    [...escapeText(sheet)].map((ch) => ((ch.codePointAt(0) ?? 0) > 127 ? `&#${ch.codePointAt(0)};` : ch)).join(""),
    [...escapeText(sheet)].map((ch) => ((ch.codePointAt(0) ?? 0) > 127 ? `&#x${(ch.codePointAt(0) ?? 0).toString(16)};` : ch)).join(""),
  ];
  return forms.some((f) => lower.includes(f.toLowerCase()) || lower.includes(f.replace(/'/g, "''").toLowerCase()));
}

/** Replaces (or adds) one attribute of a start tag. */
function withAttribute(tag: string, name: string, value: string): string {
  const re = new RegExp(`(\\s)${name}\\s*=\\s*("[^"]*"|'[^']*')`);
  if (re.test(tag)) return tag.replace(re, `$1${name}="${value}"`);
  const at = /^<[\w:]+/.exec(tag);
  return at ? `${at[0]} ${name}="${value}"${tag.slice(at[0].length)}` : tag;
}

function withoutAttributes(tag: string, names: readonly string[]): string {
  let out = tag;
  for (const n of names) out = out.replace(new RegExp(`\\s+${n}\\s*=\\s*("[^"]*"|'[^']*')`), "");
  return out;
}

interface SharedMaster {
  row: number;
  col: number;
  formula: string;
}

/**
 * One sheet's XML with the rows of `move.sheet` moved. On the moved sheet itself, rows and cells
 * are renumbered and deleted rows dropped; on any sheet, formulas naming the moved sheet's rows
 * change. Returns null when nothing changed.
 */
export function moveRowsInSheet(buf: Buffer, home: string, move: RowMove, state: { resized: boolean }, opts: { unshare?: ReadonlySet<string> } = {}): Buffer | null {
  const isMoved = home.toLowerCase() === move.sheet.toLowerCase();
  const latin = (a: number, b: number) => buf.toString("latin1", a, b);
  if (!isMoved && !mentions(buf.toString("latin1"), move.sheet)) return null;
  const sdStart = nextTag(buf, "<sheetData", 0, buf.length);
  if (sdStart < 0) throw new PackageNotHandled("sheet without sheetData", { reason: `工作表“${home}”的内容不完整（没有 sheetData）` });
  const sdTagEnd = buf.indexOf(">", sdStart, "latin1");
  const emptySheetData = buf[sdTagEnd - 1] === SLASH;
  const sdEnd = emptySheetData ? sdTagEnd + 1 : buf.indexOf("</sheetData>", sdTagEnd, "latin1");
  if (sdEnd < 0) throw new PackageNotHandled("unterminated sheetData", { reason: `工作表“${home}”的内容不完整` });

  let changed = false;
  const head = latin(0, sdTagEnd + 1);
  let headOut = head;
  if (isMoved) {
    headOut = head.replace(/<dimension\b([^>]*?)\/>/, (m, a: string) => {
      const ref = attributes(a).ref;
      if (!ref) return m;
      const moved = moveRange(ref, move) ?? ref.split(":")[0];
      return withAttribute(m, "ref", moved);
    });
  }
  if (headOut !== head) changed = true;

  const chunks: Buffer[] = [Buffer.from(headOut, "latin1")];
  const masters = new Map<string, SharedMaster>();
  /** Shared groups written out cell by cell on this sheet. */
  const unshared = new Set<string>();
  let copied = sdTagEnd + 1;
  let pos = sdTagEnd + 1;
  let prevRow = 0;
  if (!emptySheetData) {
    for (;;) {
      const rowStart = nextTag(buf, "<row", pos, sdEnd);
      if (rowStart < 0) break;
      const rowTagEnd = buf.indexOf(">", rowStart, "latin1");
      const selfClosing = buf[rowTagEnd - 1] === SLASH;
      const rowClose = selfClosing ? rowTagEnd + 1 : buf.indexOf("</row>", rowTagEnd, "latin1");
      if (rowClose < 0) throw new PackageNotHandled("unterminated row", { reason: `工作表“${home}”的内容不完整` });
      const rowEnd = selfClosing ? rowClose : rowClose + 6;
      pos = rowEnd;
      const rowTag = latin(rowStart, rowTagEnd + 1);
      const r = Number(attributes(rowTag.slice(4, -1)).r);
      if (!Number.isInteger(r) || r <= prevRow) throw new PackageNotHandled("rows without numbers or out of order", NO_ADDRESSES);
      if (r > MAX_ROW) throw new RowBeyondExcel(home, r);
      prevRow = r;
      const hasFormula = !selfClosing && nextTag(buf, "<f", rowTagEnd, rowClose) >= 0;
      const newRow = isMoved ? move.point(r) : r;
      if (newRow === r && !hasFormula) continue;
      chunks.push(buf.subarray(copied, rowStart));
      copied = rowEnd;
      changed = true;
      if (newRow === null) {
        // A deleted row: gone, but a shared formula that starts in it still serves the rows below.
        if (hasFormula) noteSharedMasters(latin(rowTagEnd + 1, rowClose), r, masters, unshared);
        continue;
      }
      if (newRow > MAX_ROW) throw new PackageNotHandled("rows pushed past the end of the sheet", { reason: `插入行后工作表“${home}”超过 1,048,576 行` });
      const tag = newRow === r ? rowTag : withAttribute(rowTag, "r", String(newRow));
      if (selfClosing) {
        chunks.push(Buffer.from(tag, "latin1"));
        continue;
      }
      const inner = latin(rowTagEnd + 1, rowClose);
      const cells = inner.replace(/<c\b([^>]*?)(\/>|>([\s\S]*?)<\/c>)/g, (whole, attrText: string, _end: string, content: string | undefined) => {
        const a = attributes(attrText);
        const at = a.r ? splitAddress(a.r) : null;
        if (!at || at[1] !== r) throw new PackageNotHandled("cells without addresses", NO_ADDRESSES);
        const col = colNumber(at[0]);
        let cellTag = `<c${attrText}>`;
        if (newRow !== r) cellTag = withAttribute(cellTag, "r", `${at[0]}${newRow}`);
        if (content === undefined || content.indexOf("<f") < 0) {
          return content === undefined ? cellTag.replace(/>$/, "/>") : `${cellTag}${content}</c>`;
        }
        const body = content.replace(/<f\b([^>]*?)(?:\/>|>([\s\S]*?)<\/f>)/, (fWhole, fAttrText: string, fText: string | undefined) => {
          const fa = attributes(fAttrText);
          let fTag = `<f${fAttrText}>`;
          let text = fText ?? "";
          if (fa.t === "shared" && fa.si !== undefined) {
            if (fText !== undefined && fText !== "") {
              masters.set(fa.si, { row: r, col, formula: decodeEntities(fromBinary(fText)) });
              if (opts.unshare ? opts.unshare.has(fa.si) : isMoved || mentions(fText, move.sheet)) unshared.add(fa.si);
            }
            if (!unshared.has(fa.si)) return fWhole;
            const master = masters.get(fa.si);
            if (!master) throw new PackageNotHandled("shared formula clone before its master", { reason: `工作表“${home}”中的共享公式不完整` });
            const own = master.row === r && master.col === col ? master.formula : slideFormula(master.formula, master, { row: r, col });
            text = toBinary(escapeText(own));
            fTag = withoutAttributes(fTag, ["t", "ref", "si"]);
          } else if (fa.t === "dataTable") {
            throw new PackageNotHandled("a what-if data table", { reason: `工作表“${home}”含模拟运算表，KJ 不能在它所在的表中删除或插入行` });
          } else if (fa.t === "array" && fa.ref && isMoved) {
            const ref = moveRange(fa.ref, move);
            if (ref !== null) fTag = withAttribute(fTag, "ref", ref);
          }
          if (text === "") return fTag.replace(/>$/, "/>");
          const moved = movedXmlFormula(text, home, move, { kind: "cell", row: r }, state);
          return `${fTag}${moved ?? text}</f>`;
        });
        return `${cellTag}${body}</c>`;
      });
      chunks.push(Buffer.from(tag + cells + "</row>", "latin1"));
    }
  }
  chunks.push(buf.subarray(copied, emptySheetData ? sdTagEnd + 1 : sdEnd));
  const tailStart = emptySheetData ? sdTagEnd + 1 : sdEnd;
  const tail = latin(tailStart, buf.length);
  const tailOut = moveTail(tail, home, move, isMoved, state);
  if (tailOut !== tail) changed = true;
  if (!changed) return null;
  chunks.push(Buffer.from(tailOut, "latin1"));
  return Buffer.concat(chunks);
}

/** Registers the shared formulas that start in a row that is deleted (their groups are written out cell by cell). */
function noteSharedMasters(inner: string, r: number, masters: Map<string, SharedMaster>, unshared: Set<string>): void {
  for (const m of inner.matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
    const f = m[2] === undefined ? null : /<f\b([^>]*?)>([\s\S]*?)<\/f>/.exec(m[2]);
    if (!f) continue;
    const a = attributes(m[1]);
    const fa = attributes(f[1]);
    const at = a.r ? splitAddress(a.r) : null;
    if (!at || fa.t !== "shared" || fa.si === undefined || f[2] === "") continue;
    masters.set(fa.si, { row: r, col: colNumber(at[0]), formula: decodeEntities(fromBinary(f[2])) });
    unshared.add(fa.si);
  }
}

/** The first row of the first range of a sqref (where relative references in its formulas are written for). */
function originRow(sqref: string): number | null {
  const first = sqref.trim().split(/\s+/)[0] ?? "";
  const m = /^\$?[A-Z]{0,3}\$?(\d+)/.exec(first);
  return m ? Number(m[1]) : null;
}

/**
 * Formulas of a conditional format or validation (written for the first cell of `sqref`) moved,
 * with the new sqref; null when none of its cells is left.
 */
function movedRule(body: string, sqref: string, home: string, move: RowMove, isMoved: boolean, formulaTag: RegExp, state: { resized: boolean }): { body: string; sqref: string } | null {
  const newSqref = isMoved ? moveSqref(sqref, move) : sqref;
  if (newSqref === null) return null;
  const origin = originRow(sqref);
  const newOrigin = originRow(newSqref);
  const frame: FormulaFrame = isMoved && origin !== null && newOrigin !== null ? { kind: "relative", origin, newOrigin } : { kind: "cell" };
  const out = body.replace(formulaTag, (whole, open: string, text: string, close: string) => {
    const moved = movedXmlFormula(text, home, move, frame, { resized: false });
    return moved === null ? whole : `${open}${moved}${close}`;
  });
  void state;
  return { body: out, sqref: newSqref };
}

/** The XML after <sheetData>: every range and formula that names rows of the moved sheet. */
function moveTail(tail: string, home: string, move: RowMove, isMoved: boolean, state: { resized: boolean }): string {
  let out = tail;
  if (isMoved) {
    // Merged cells: Excel's rule at the edges; a range left with one cell is no merge any more.
    out = out.replace(/<mergeCells\b([^>]*?)>([\s\S]*?)<\/mergeCells>/, (_m, attrs: string, inner: string) => {
      const kept: string[] = [];
      for (const m of inner.matchAll(/<mergeCell\b([^>]*?)\/>/g)) {
        const ref = attributes(m[1]).ref;
        if (!ref) continue;
        const moved = moveRange(ref, move, true);
        if (moved === null || !moved.includes(":")) continue;
        const r = parseRange(moved);
        if (r && r.top === r.bottom && r.left === r.right) continue;
        kept.push(withAttribute(m[0], "ref", moved));
      }
      if (kept.length === 0) return "";
      return `${withAttribute(`<mergeCells${attrs}>`, "count", String(kept.length))}${kept.join("")}</mergeCells>`;
    });
  }
  // Conditional formats (their formulas are written for the first cell of the range).
  out = out.replace(/<conditionalFormatting\b([^>]*?)>([\s\S]*?)<\/conditionalFormatting>/g, (whole, attrs: string, body: string) => {
    const sqref = attributes(attrs).sqref;
    if (sqref === undefined) return whole;
    const moved = movedRule(body, sqref, home, move, isMoved, /(<formula\b[^>]*>)([\s\S]*?)(<\/formula>)/g, state);
    if (moved === null) return "";
    return `${withAttribute(`<conditionalFormatting${attrs}>`, "sqref", moved.sqref)}${moved.body}</conditionalFormatting>`;
  });
  // Data validation.
  out = out.replace(/<dataValidations\b([^>]*?)>([\s\S]*?)<\/dataValidations>/, (_whole, attrs: string, inner: string) => {
    const kept: string[] = [];
    for (const m of inner.matchAll(/<dataValidation\b([^>]*?)(?:\/>|>([\s\S]*?)<\/dataValidation>)/g)) {
      const sqref = attributes(m[1]).sqref;
      if (sqref === undefined) {
        kept.push(m[0]);
        continue;
      }
      const moved = movedRule(m[2] ?? "", sqref, home, move, isMoved, /(<formula[12]\b[^>]*>)([\s\S]*?)(<\/formula[12]>)/g, state);
      if (moved === null) continue;
      const open = withAttribute(`<dataValidation${m[1]}>`, "sqref", moved.sqref);
      kept.push(m[2] === undefined ? open.replace(/>$/, "/>") : `${open}${moved.body}</dataValidation>`);
    }
    if (kept.length === 0) return "";
    return `${withAttribute(`<dataValidations${attrs}>`, "count", String(kept.length))}${kept.join("")}</dataValidations>`;
  });
  if (isMoved) {
    out = out.replace(/<hyperlink\b([^>]*?)(?:\/>|>[\s\S]*?<\/hyperlink>)/g, (whole, attrs: string) => {
      const ref = attributes(attrs).ref;
      if (ref === undefined) return whole;
      const moved = moveSqref(ref, move);
      return moved === null ? "" : whole.replace(/(\sref\s*=\s*)("[^"]*"|'[^']*')/, `$1"${moved}"`);
    });
    out = out.replace(/<hyperlinks\b[^>]*>\s*<\/hyperlinks>/, "");
    out = out.replace(/<(autoFilter|sortState|sortCondition)\b([^>]*?)(\/?)>/g, (whole, _name: string, attrs: string) => {
      const ref = attributes(attrs).ref;
      if (ref === undefined) return whole;
      const moved = moveRange(ref, move);
      return moved === null ? whole : whole.replace(/(\sref\s*=\s*)("[^"]*"|'[^']*')/, `$1"${moved}"`);
    });
    out = out.replace(/<(protectedRange|ignoredError)\b([^>]*?)(?:\/>|>[\s\S]*?<\/\1>)/g, (whole, _name: string, attrs: string) => {
      const sqref = attributes(attrs).sqref;
      if (sqref === undefined) return whole;
      const moved = moveSqref(sqref, move);
      return moved === null ? "" : whole.replace(/(\ssqref\s*=\s*)("[^"]*"|'[^']*')/, `$1"${moved}"`);
    });
    out = out.replace(/<rowBreaks\b([^>]*?)>([\s\S]*?)<\/rowBreaks>/, (_whole, attrs: string, inner: string) => {
      const brks = [...inner.matchAll(/<brk\b([^>]*?)\/>/g)].map((m) => {
        const id = Number(attributes(m[1]).id);
        if (!Number.isInteger(id)) return m[0];
        return withAttribute(m[0], "id", String(move.anchor(id)));
      });
      return `${withAttribute(`<rowBreaks${attrs}>`, "count", String(brks.length))}${brks.join("")}</rowBreaks>`;
    });
  }
  // extLst: x14 conditional formats and validation (list validation naming another sheet) and sparklines.
  out = out.replace(/<(\w+:)?conditionalFormatting\b([^>]*?)>([\s\S]*?)<\/\1conditionalFormatting>/g, (whole, prefix: string | undefined, attrs: string, body: string) => {
    if (!prefix) return whole;
    return extBlock(whole, body, home, move, isMoved, state, (b) => `<${prefix}conditionalFormatting${attrs}>${b}</${prefix}conditionalFormatting>`);
  });
  out = out.replace(/<(\w+:)dataValidation\b([^>]*?)>([\s\S]*?)<\/\1dataValidation>/g, (whole, prefix: string, attrs: string, body: string) =>
    extBlock(whole, body, home, move, isMoved, state, (b) => `<${prefix}dataValidation${attrs}>${b}</${prefix}dataValidation>`),
  );
  out = out.replace(/<(\w+:)sparkline>([\s\S]*?)<\/\1sparkline>/g, (whole, prefix: string, body: string) => {
    let gone = false;
    const b = body
      .replace(/(<(\w+:)?f>)([\s\S]*?)(<\/\2?f>)/g, (fw, open: string, _p: string, text: string, close: string) => {
        const moved = movedXmlFormula(text, home, move, { kind: "cell" }, { resized: false });
        return moved === null ? fw : `${open}${moved}${close}`;
      })
      .replace(/(<(\w+:)?sqref>)([\s\S]*?)(<\/\2?sqref>)/g, (sw, open: string, _p: string, ref: string, close: string) => {
        if (!isMoved) return sw;
        const moved = moveSqref(ref, move);
        if (moved === null) gone = true;
        return `${open}${moved ?? ref}${close}`;
      });
    return gone ? "" : `<${prefix}sparkline>${b}</${prefix}sparkline>`;
  });
  return out;
}

/** An extLst rule (x14): formulas in <xm:f>, the range in <xm:sqref> at its end. */
function extBlock(whole: string, body: string, home: string, move: RowMove, isMoved: boolean, state: { resized: boolean }, wrap: (b: string) => string): string {
  const sq = /<(\w+:)?sqref>([\s\S]*?)<\/\1?sqref>/.exec(body);
  if (!sq) return whole;
  const moved = movedRule(body, sq[2], home, move, isMoved, /(<(?:\w+:)?f>)([\s\S]*?)(<\/(?:\w+:)?f>)/g, state);
  if (moved === null) return "";
  const b = moved.body.replace(/(<(\w+:)?sqref>)([\s\S]*?)(<\/\2?sqref>)/, (_m, open: string, _p: string, _ref: string, close: string) => `${open}${moved.sqref}${close}`);
  return wrap(b);
}

/**
 * The sheet with the shared formulas of groups `sis` written out cell by cell (each cell its own
 * formula, the references moved as Excel fills them), e.g. before the group's first cell is overwritten.
 */
export function unshareFormulas(buf: Buffer, home: string, sis: ReadonlySet<string>): Buffer {
  const still: RowMove = { sheet: home, first: MAX_ROW + 1, point: (r) => r, anchor: (r) => r, area: (t, b) => [t, b], edges: (t, b) => [t, b] };
  return moveRowsInSheet(buf, home, still, { resized: false }, { unshare: sis }) ?? buf;
}

// ---- the moved sheet's own parts ----------------------------------------------------------------

const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/** Notes: each comment's cell moved; comments on deleted rows go, with their VML boxes. */
function moveComments(xml: string, move: RowMove): { xml: string; gone: Set<string> } {
  const gone = new Set<string>();
  const out = xml.replace(/<comment\b([^>]*?)(?:\/>|>[\s\S]*?<\/comment>)/g, (whole, attrs: string) => {
    const ref = attributes(attrs).ref;
    const at = ref ? splitAddress(ref) : null;
    if (!at) return whole;
    const row = move.point(at[1]);
    if (row === null) {
      gone.add(`${at[1]}:${colNumber(at[0])}`);
      return "";
    }
    return row === at[1] ? whole : whole.replace(/(\sref\s*=\s*)("[^"]*"|'[^']*')/, `$1"${at[0]}${row}"`);
  });
  return { xml: out, gone };
}

/** VML shapes: note boxes follow their cell (or go with it), other shapes' anchors move. */
function moveVml(vml: string, move: RowMove, gone: ReadonlySet<string>): string {
  return vml.replace(/<v:shape\b[^>]*>[\s\S]*?<\/v:shape>/g, (shape) => {
    const isNote = /ObjectType\s*=\s*"Note"/.test(shape);
    const rowM = /<x:Row>\s*(\d+)\s*<\/x:Row>/.exec(shape);
    const colM = /<x:Column>\s*(\d+)\s*<\/x:Column>/.exec(shape);
    if (isNote && rowM && colM && gone.has(`${Number(rowM[1]) + 1}:${Number(colM[1]) + 1}`)) return "";
    let out = shape;
    if (rowM) {
      const row = isNote ? move.point(Number(rowM[1]) + 1) : move.anchor(Number(rowM[1]) + 1);
      if (row !== null) out = out.replace(/<x:Row>\s*\d+\s*<\/x:Row>/, `<x:Row>${row - 1}</x:Row>`);
    }
    out = out.replace(/<x:Anchor>([^<]*)<\/x:Anchor>/, (m, text: string) => {
      const n = text.split(",").map((x) => Number(x.trim()));
      if (n.length !== 8 || n.some((x) => !Number.isFinite(x))) return m;
      const height = n[6] - n[2];
      const top = move.anchor(n[2] + 1) - 1;
      const bottom = Math.max(top, (move.area(n[2] + 1, n[6] + 1)?.[1] ?? top + 1 + height) - 1);
      n[2] = top;
      n[6] = bottom;
      return `<x:Anchor>${n.join(", ")}</x:Anchor>`;
    });
    return out;
  });
}

/** An Excel table: its range, filter and sort follow the rows (a table keeps its header and one row at least). */
function moveTable(xml: string, move: RowMove): string {
  const root = /<table\b([^>]*?)>/.exec(xml);
  if (!root) return xml;
  const ref = attributes(root[1]).ref;
  const r = ref ? parseRange(ref) : null;
  if (!ref || !r) return xml;
  const header = Number(attributes(root[1]).headerRowCount ?? "1");
  let moved = moveRange(ref, move);
  if (moved === null || !moved.includes(":")) {
    // Every row deleted: the header stays, with one empty row under it.
    const top = move.anchor(r.top);
    moved = `${ref.split(":")[0].replace(/\d+$/, String(top))}:${(ref.split(":")[1] ?? ref).replace(/\d+$/, String(top + Math.max(header, 1)))}`;
  }
  const fixed = moved;
  return xml.replace(/<(table|autoFilter|sortState|sortCondition)\b([^>]*?)(\/?)>/g, (whole, name: string, attrs: string) => {
    const own = attributes(attrs).ref;
    if (own === undefined) return whole;
    const next = name === "table" ? fixed : own === ref ? fixed : (moveRange(own, move) ?? own);
    return whole.replace(/(\sref\s*=\s*)("[^"]*"|'[^']*')/, `$1"${next}"`);
  });
}

/** Threaded comments (Excel 365): each thread follows its cell; threads on deleted rows go. */
function moveThreaded(xml: string, move: RowMove): string {
  return xml.replace(/<threadedComment\b([^>]*?)(?:\/>|>[\s\S]*?<\/threadedComment>)/g, (whole, attrs: string) => {
    const ref = attributes(attrs).ref;
    const at = ref ? splitAddress(ref) : null;
    if (!at) return whole;
    const row = move.point(at[1]);
    if (row === null) return "";
    return row === at[1] ? whole : whole.replace(/(\sref\s*=\s*)("[^"]*"|'[^']*')/, `$1"${at[0]}${row}"`);
  });
}

async function partText(zip: JSZip, path: string): Promise<string | null> {
  const f = zip.file(path);
  return f ? (await f.async("nodebuffer")).toString("latin1") : null;
}

function putLatin(zip: JSZip, path: string, text: string): void {
  putPart(zip, path, Buffer.from(text, "latin1"));
}

/** The parts of the moved sheet that hold rows: notes, VML, tables, threaded comments, pivot tables. */
async function moveSheetParts(zip: JSZip, sheetPath: string, move: RowMove): Promise<void> {
  const relsXml = await partText(zip, relsPathOf(sheetPath));
  if (relsXml === null) return;
  const rels = parseRelationships(sheetPath, fromBinary(relsXml)).filter((r) => !r.external);
  let gone = new Set<string>();
  for (const rel of rels.filter((r) => r.type === `${REL}/comments`)) {
    const path = findPart(zip, rel.target);
    const xml = path ? await partText(zip, path) : null;
    if (!path || xml === null) continue;
    const moved = moveComments(xml, move);
    gone = moved.gone;
    if (moved.xml !== xml) putLatin(zip, path, moved.xml);
  }
  for (const rel of rels) {
    const path = findPart(zip, rel.target);
    if (!path) continue;
    const type = rel.type;
    if (type === `${REL}/vmlDrawing`) {
      const xml = await partText(zip, path);
      if (xml !== null) {
        const moved = moveVml(xml, move, gone);
        if (moved !== xml) putLatin(zip, path, moved);
      }
    } else if (type === `${REL}/table`) {
      const xml = await partText(zip, path);
      if (xml !== null) {
        const moved = moveTable(xml, move);
        if (moved !== xml) putLatin(zip, path, moved);
      }
    } else if (/threadedComment$/i.test(type)) {
      const xml = await partText(zip, path);
      if (xml !== null) {
        const moved = moveThreaded(xml, move);
        if (moved !== xml) putLatin(zip, path, moved);
      }
    } else if (type === `${REL}/pivotTable`) {
      const xml = await partText(zip, path);
      if (xml !== null) {
        const moved = xml.replace(/<location\b([^>]*?)\/>/, (whole, attrs: string) => {
          const ref = attributes(attrs).ref;
          const m = ref ? moveRange(ref, move) : null;
          return m ? whole.replace(/(\sref\s*=\s*)("[^"]*"|'[^']*')/, `$1"${m}"`) : whole;
        });
        if (moved !== xml) putLatin(zip, path, moved);
      }
    }
  }
}

/**
 * Deletes or inserts rows of sheet `move.sheet` (its part `sheetPath`) everywhere in the package
 * (see the file comment). Returns whether some formula's range changed size or became #REF!
 * (its cached value may be stale: the caller recalculates).
 */
export async function moveRowsInPackage(zip: JSZip, workbook: WorkbookText, sheets: readonly { name: string; path: string }[], move: RowMove): Promise<{ resized: boolean }> {
  const state = { resized: false };
  for (const s of sheets) {
    const file = zip.file(s.path);
    if (!file) continue;
    const buf = await file.async("nodebuffer");
    const moved = moveRowsInSheet(buf, s.name, move, state);
    if (moved) putPart(zip, s.path, moved);
  }
  const own = sheets.find((s) => s.name.toLowerCase() === move.sheet.toLowerCase());
  if (own) await moveSheetParts(zip, own.path, move);

  // Defined names (print areas, filters, names of ranges).
  const xml = workbook.get();
  const names = xml.replace(/(<definedName\b([^>]*)>)([\s\S]*?)(<\/definedName>)/g, (whole, open: string, attrs: string, text: string, close: string) => {
    const local = attributes(attrs).localSheetId;
    const home = local !== undefined ? (sheets[Number(local)]?.name ?? "") : "";
    const moved = movedXmlFormula(toBinary(text), home, move, { kind: "cell" }, state);
    return moved === null ? whole : `${open}${fromBinary(moved)}${close}`;
  });
  if (names !== xml) workbook.set(names);

  // Chart series and pivot cache sources anywhere in the package.
  const parts: string[] = [];
  zip.forEach((p, f) => {
    if (!f.dir && (/^xl\/charts\/chart[^/]*\.xml$/i.test(p) || /^xl\/charts\/chartEx[^/]*\.xml$/i.test(p) || /^xl\/pivotCache\/pivotCacheDefinition[^/]*\.xml$/i.test(p))) parts.push(p);
  });
  for (const p of parts) {
    const text = await partText(zip, p);
    if (text === null || !mentions(text, move.sheet)) continue;
    let out = text.replace(/(<((?:\w+:)?)f\b[^>]*>)([\s\S]*?)(<\/\2f>)/g, (whole, open: string, _p: string, f: string, close: string) => {
      const moved = movedXmlFormula(f, "", move, { kind: "cell" }, { resized: false });
      return moved === null ? whole : `${open}${moved}${close}`;
    });
    out = out.replace(/<worksheetSource\b([^>]*?)\/>/g, (whole, attrs: string) => {
      const a = attributes(attrs);
      if (!a.ref || fromBinary(a.sheet ?? "").toLowerCase() !== move.sheet.toLowerCase()) return whole;
      const m = moveRange(a.ref, move);
      return m ? whole.replace(/(\sref\s*=\s*)("[^"]*"|'[^']*')/, `$1"${m}"`) : whole;
    });
    if (out !== text) putLatin(zip, p, out);
  }

  return { resized: state.resized };
}

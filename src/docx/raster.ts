/**
 * Rasterising a chart drawing (src/docx/chart.ts) to a PNG in pure JavaScript, with no native
 * module: rectangles and axis-aligned lines filled directly, text from glyph outlines (an
 * OutlineFont, e.g. a system font read with fontkit by the CLI) filled with the non-zero rule,
 * anti-aliased (4 sub-scanlines, exact horizontal coverage). Without a font only digits, "." ,
 * "%" and "-" can be drawn, from a small built-in bitmap font: the chart is then numbered
 * (barChart with cjk: false). The PNG is RGB, 8 bits, deflated with fflate, with its DPI set.
 */
import { zlibSync } from "fflate";
import { Drawing, DrawItem } from "./chart";

export type PathCommand = { command: string; args: number[] };

/** A font's outlines, as the CLI reads them (font units, y up). */
export interface OutlineFont {
  unitsPerEm: number;
  /** Each glyph of the text in order: its outline and its advance (font units). */
  shape(text: string): { path: PathCommand[]; advance: number }[];
  /** True when the font has a glyph for every character of the text. */
  covers(text: string): boolean;
}

interface Raster {
  w: number;
  h: number;
  px: Uint8Array;
}

function rgb(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex);
  if (!m) throw new Error(`bad colour ${hex}`);
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function blend(r: Raster, x: number, y: number, c: [number, number, number], a: number): void {
  if (x < 0 || y < 0 || x >= r.w || y >= r.h || a <= 0) return;
  const i = (y * r.w + x) * 3;
  const k = Math.min(1, a);
  for (let j = 0; j < 3; j++) r.px[i + j] = Math.round(r.px[i + j] * (1 - k) + c[j] * k);
}

function fillRect(r: Raster, x: number, y: number, w: number, h: number, color: string): void {
  const c = rgb(color);
  const x0 = Math.max(0, Math.round(x));
  const x1 = Math.min(r.w, Math.round(x + w));
  const y0 = Math.max(0, Math.round(y));
  const y1 = Math.min(r.h, Math.round(y + h));
  for (let yy = y0; yy < y1; yy++) {
    for (let xx = x0; xx < x1; xx++) {
      const i = (yy * r.w + xx) * 3;
      r.px[i] = c[0];
      r.px[i + 1] = c[1];
      r.px[i + 2] = c[2];
    }
  }
}

function drawLine(r: Raster, it: Extract<DrawItem, { t: "line" }>): void {
  const half = it.width / 2;
  if (it.x1 === it.x2) {
    const [a, b] = it.y1 < it.y2 ? [it.y1, it.y2] : [it.y2, it.y1];
    for (let y = a; y < b; y += it.dash ? it.dash * 2 : b - a) fillRect(r, it.x1 - half, y, it.width, Math.min(it.dash ?? b - a, b - y), it.color);
  } else if (it.y1 === it.y2) {
    const [a, b] = it.x1 < it.x2 ? [it.x1, it.x2] : [it.x2, it.x1];
    for (let x = a; x < b; x += it.dash ? it.dash * 2 : b - a) fillRect(r, x, it.y1 - half, Math.min(it.dash ?? b - a, b - x), it.width, it.color);
  } else {
    throw new Error("only horizontal and vertical lines are drawn");
  }
}

// ---------------------------------------------------------------- outlines

type Edge = { x0: number; y0: number; x1: number; y1: number; dir: number };

function flatten(cmds: PathCommand[], tx: (x: number, y: number) => [number, number], out: Edge[]): void {
  let cx = 0;
  let cy = 0;
  let sx = 0;
  let sy = 0;
  const seg = (x: number, y: number) => {
    if (y !== cy) out.push(y > cy ? { x0: cx, y0: cy, x1: x, y1: y, dir: 1 } : { x0: x, y0: y, x1: cx, y1: cy, dir: -1 });
    cx = x;
    cy = y;
  };
  const N = 8;
  for (const c of cmds) {
    const a = c.args;
    switch (c.command) {
      case "moveTo": {
        if (cx !== sx || cy !== sy) seg(sx, sy);
        [cx, cy] = tx(a[0], a[1]);
        [sx, sy] = [cx, cy];
        break;
      }
      case "lineTo": {
        const [x, y] = tx(a[0], a[1]);
        seg(x, y);
        break;
      }
      case "quadraticCurveTo": {
        const [qx, qy] = tx(a[0], a[1]);
        const [x, y] = tx(a[2], a[3]);
        const [px, py] = [cx, cy];
        for (let i = 1; i <= N; i++) {
          const t = i / N;
          const u = 1 - t;
          seg(u * u * px + 2 * u * t * qx + t * t * x, u * u * py + 2 * u * t * qy + t * t * y);
        }
        break;
      }
      case "bezierCurveTo": {
        const [ax, ay] = tx(a[0], a[1]);
        const [bx, by] = tx(a[2], a[3]);
        const [x, y] = tx(a[4], a[5]);
        const [px, py] = [cx, cy];
        for (let i = 1; i <= N; i++) {
          const t = i / N;
          const u = 1 - t;
          seg(u * u * u * px + 3 * u * u * t * ax + 3 * u * t * t * bx + t * t * t * x, u * u * u * py + 3 * u * u * t * ay + 3 * u * t * t * by + t * t * t * y);
        }
        break;
      }
      case "closePath":
        seg(sx, sy);
        break;
      default:
        break;
    }
  }
  if (cx !== sx || cy !== sy) seg(sx, sy);
}

const SUB = 4;

/** Fills edges (non-zero rule) into the raster with anti-aliasing. */
function fillEdges(r: Raster, edges: Edge[], color: string): void {
  if (edges.length === 0) return;
  const c = rgb(color);
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const e of edges) {
    minX = Math.min(minX, e.x0, e.x1);
    maxX = Math.max(maxX, e.x0, e.x1);
    minY = Math.min(minY, e.y0);
    maxY = Math.max(maxY, e.y1);
  }
  const bx0 = Math.max(0, Math.floor(minX));
  const bx1 = Math.min(r.w, Math.ceil(maxX) + 1);
  const by0 = Math.max(0, Math.floor(minY));
  const by1 = Math.min(r.h, Math.ceil(maxY));
  const bw = bx1 - bx0;
  if (bw <= 0 || by1 <= by0) return;
  const cov = new Float32Array(bw);
  const add = (a: number, b: number, w: number) => {
    a = Math.max(a, bx0);
    b = Math.min(b, bx1);
    if (b <= a) return;
    const ia = Math.floor(a);
    const ib = Math.floor(b);
    if (ia === ib) {
      cov[ia - bx0] += (b - a) * w;
      return;
    }
    cov[ia - bx0] += (ia + 1 - a) * w;
    for (let i = ia + 1; i < ib; i++) cov[i - bx0] += w;
    if (ib < bx1) cov[ib - bx0] += (b - ib) * w;
  };
  const xs: { x: number; dir: number }[] = [];
  // Edges by where they start; the active ones are those the sub-scanline crosses.
  const sorted = [...edges].sort((p, q) => p.y0 - q.y0);
  let next = 0;
  let active: Edge[] = [];
  for (let py = by0; py < by1; py++) {
    cov.fill(0);
    for (let s = 0; s < SUB; s++) {
      const y = py + (s + 0.5) / SUB;
      while (next < sorted.length && sorted[next].y0 <= y) active.push(sorted[next++]);
      active = active.filter((e) => e.y1 > y);
      xs.length = 0;
      for (const e of active) {
        if (y < e.y0) continue;
        xs.push({ x: e.x0 + ((y - e.y0) * (e.x1 - e.x0)) / (e.y1 - e.y0), dir: e.dir });
      }
      xs.sort((p, q) => p.x - q.x);
      let wind = 0;
      let start = 0;
      for (const p of xs) {
        const before = wind;
        wind += p.dir;
        if (before === 0 && wind !== 0) start = p.x;
        else if (before !== 0 && wind === 0) add(start, p.x, 1 / SUB);
      }
    }
    for (let i = 0; i < bw; i++) if (cov[i] > 0) blend(r, bx0 + i, py, c, cov[i]);
  }
}

// ---------------------------------------------------------------- built-in digits

/** 5 x 7 bitmaps, one string of five 0/1 per row. */
const DIGITS: Record<string, string[]> = {
  "0": ["01110", "10001", "10011", "10101", "11001", "10001", "01110"],
  "1": ["00100", "01100", "00100", "00100", "00100", "00100", "01110"],
  "2": ["01110", "10001", "00001", "00010", "00100", "01000", "11111"],
  "3": ["11110", "00001", "00001", "01110", "00001", "00001", "11110"],
  "4": ["00010", "00110", "01010", "10010", "11111", "00010", "00010"],
  "5": ["11111", "10000", "11110", "00001", "00001", "10001", "01110"],
  "6": ["00110", "01000", "10000", "11110", "10001", "10001", "01110"],
  "7": ["11111", "00001", "00010", "00100", "01000", "01000", "01000"],
  "8": ["01110", "10001", "10001", "01110", "10001", "10001", "01110"],
  "9": ["01110", "10001", "10001", "01111", "00001", "00010", "01100"],
  ".": ["00000", "00000", "00000", "00000", "00000", "01100", "01100"],
  "%": ["11001", "11010", "00010", "00100", "01000", "01011", "10011"],
  "-": ["00000", "00000", "00000", "11111", "00000", "00000", "00000"],
};

/** Characters the built-in bitmap font can draw. */
export function builtinCovers(text: string): boolean {
  return [...text].every((ch) => ch in DIGITS || ch === " ");
}

function builtinText(r: Raster, it: Extract<DrawItem, { t: "text" }>): void {
  const cell = Math.max(1, Math.round(it.size / 9));
  const adv = 6 * cell;
  const chars = [...it.text];
  const width = chars.length * adv - cell;
  const x0 = it.align === "left" ? it.x : it.align === "right" ? it.x - width : it.x - width / 2;
  const y0 = it.y - 7 * cell;
  chars.forEach((ch, k) => {
    const bm = DIGITS[ch];
    if (!bm) return;
    bm.forEach((row, j) => [...row].forEach((bit, i) => bit === "1" && fillRect(r, x0 + k * adv + i * cell, y0 + j * cell, cell, cell, it.color)));
  });
}

function outlineText(r: Raster, font: OutlineFont, it: Extract<DrawItem, { t: "text" }>): void {
  const k = it.size / font.unitsPerEm;
  const glyphs = font.shape(it.text);
  const width = glyphs.reduce((w, g) => w + g.advance, 0) * k;
  let pen = it.align === "left" ? it.x : it.align === "right" ? it.x - width : it.x - width / 2;
  const edges: Edge[] = [];
  for (const g of glyphs) {
    const x0 = pen;
    flatten(g.path, (x, y) => [x0 + x * k, it.y - y * k], edges);
    pen += g.advance * k;
  }
  fillEdges(r, edges, it.color);
}

// ---------------------------------------------------------------- PNG

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** RGB pixels (w x h x 3) as a PNG file, with `dpi` recorded in pHYs. */
export function encodePng(w: number, h: number, rgbPixels: Uint8Array, dpi = 192): Uint8Array {
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, w);
  dv.setUint32(4, h);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = new Uint8Array(h * (w * 3 + 1));
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    raw.set(rgbPixels.subarray(y * w * 3, (y + 1) * w * 3), y * (w * 3 + 1) + 1);
  }
  const phys = new Uint8Array(9);
  const pdv = new DataView(phys.buffer);
  const ppm = Math.round(dpi / 0.0254);
  pdv.setUint32(0, ppm);
  pdv.setUint32(4, ppm);
  phys[8] = 1;
  const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("pHYs", phys), chunk("IDAT", zlibSync(raw, { level: 6 })), chunk("IEND", new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The pixels of a drawing (RGB). Text the font cannot draw falls back to the built-in digits. */
export function rasterize(d: Drawing, font: OutlineFont | null): { width: number; height: number; rgb: Uint8Array } {
  const r: Raster = { w: d.width, h: d.height, px: new Uint8Array(d.width * d.height * 3) };
  const bg = rgb(d.background);
  const row = new Uint8Array(r.w * 3);
  for (let i = 0; i < r.w; i++) row.set(bg, i * 3);
  for (let y = 0; y < r.h; y++) r.px.set(row, y * r.w * 3);
  for (const it of d.items) {
    if (it.t === "rect") fillRect(r, it.x, it.y, it.w, it.h, it.color);
    else if (it.t === "line") drawLine(r, it);
    else if (font && font.covers(it.text)) outlineText(r, font, it);
    else builtinText(r, it);
  }
  return { width: r.w, height: r.h, rgb: r.px };
}

/** A drawing as a PNG file. */
export function drawingToPng(d: Drawing, font: OutlineFont | null): Uint8Array {
  const { width, height, rgb: px } = rasterize(d, font);
  return encodePng(width, height, px);
}

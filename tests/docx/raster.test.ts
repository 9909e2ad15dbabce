import { strict as assert } from "assert";
import * as fs from "fs";
import { unzlibSync } from "fflate";
import { axisTicks, barChart, Drawing } from "../../src/docx/chart";
import { builtinCovers, encodePng, OutlineFont, rasterize } from "../../src/docx/raster";
import { findChineseFont, loadFont } from "../../src/cli/fonts";
import { pngSize } from "../support/docx";

/** A font whose every glyph is a 1000 x 1000 square (one em), advance 1000. */
const SQUARE: OutlineFont = {
  unitsPerEm: 1000,
  covers: () => true,
  shape: (text) =>
    [...text].map(() => ({
      advance: 1000,
      path: [
        { command: "moveTo", args: [0, 0] },
        { command: "lineTo", args: [1000, 0] },
        { command: "lineTo", args: [1000, 1000] },
        { command: "lineTo", args: [0, 1000] },
        { command: "closePath", args: [] },
      ],
    })),
};

function pixel(r: { width: number; rgb: Uint8Array }, x: number, y: number): number[] {
  const i = (y * r.width + x) * 3;
  return [r.rgb[i], r.rgb[i + 1], r.rgb[i + 2]];
}

/** Decodes our own RGB PNG: chunks checked, IDAT inflated, filter bytes 0. */
function decodePng(png: Uint8Array): { width: number; height: number; rgb: Uint8Array; chunks: string[] } {
  const { width, height } = pngSize(png);
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: string[] = [];
  const idat: Uint8Array[] = [];
  for (let p = 8; p < png.length; ) {
    const len = dv.getUint32(p);
    const type = String.fromCharCode(...png.subarray(p + 4, p + 8));
    chunks.push(type);
    if (type === "IDAT") idat.push(png.subarray(p + 8, p + 8 + len));
    p += 12 + len;
  }
  const raw = unzlibSync(Buffer.concat(idat));
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    assert.equal(raw[y * (width * 3 + 1)], 0, "filter none");
    rgb.set(raw.subarray(y * (width * 3 + 1) + 1, (y + 1) * (width * 3 + 1)), y * width * 3);
  }
  return { width, height, rgb, chunks };
}

describe("chart drawing and pure-JS PNG", () => {
  it("encodes RGB pixels as a PNG that decodes to the same pixels, with IHDR, pHYs, IDAT, IEND", () => {
    const w = 7;
    const h = 5;
    const px = new Uint8Array(w * h * 3).map((_, i) => (i * 37) % 256);
    const d = decodePng(encodePng(w, h, px));
    assert.deepEqual([d.width, d.height], [w, h]);
    assert.deepEqual(d.chunks, ["IHDR", "pHYs", "IDAT", "IEND"]);
    assert.deepEqual(Array.from(d.rgb), Array.from(px));
  });

  it("fills rectangles and outline text (non-zero rule, anti-aliased edges)", () => {
    const drawing: Drawing = {
      width: 60,
      height: 40,
      background: "#FFFFFF",
      numbered: false,
      items: [
        { t: "rect", x: 2, y: 2, w: 10, h: 10, color: "#FF0000" },
        // Two squares of 20 px, baseline at y = 30.5: rows 10.5..30.5 covered, half a pixel at each end.
        { t: "text", x: 15, y: 30.5, text: "中文", size: 20, color: "#000000", align: "left" },
      ],
    };
    const r = rasterize(drawing, SQUARE);
    assert.deepEqual(pixel(r, 5, 5), [255, 0, 0]);
    assert.deepEqual(pixel(r, 13, 5), [255, 255, 255]);
    assert.deepEqual(pixel(r, 20, 20), [0, 0, 0]);
    assert.deepEqual(pixel(r, 50, 20), [0, 0, 0], "second glyph");
    assert.deepEqual(pixel(r, 56, 20), [255, 255, 255]);
    const edge = pixel(r, 20, 10)[0];
    assert.ok(edge > 100 && edge < 155, `half-covered row is grey (${edge})`);
  });

  it("without a font, draws digits and % from the built-in bitmaps and nothing for Chinese", () => {
    assert.ok(builtinCovers("12.5%"));
    assert.ok(!builtinCovers("陶庄镇"));
    const ink = (text: string) => {
      const r = rasterize({ width: 80, height: 30, background: "#FFFFFF", numbered: true, items: [{ t: "text", x: 4, y: 24, text, size: 18, color: "#000000", align: "left" }] }, null);
      let n = 0;
      for (let i = 0; i < r.rgb.length; i += 3) if (r.rgb[i] < 128) n++;
      return n;
    };
    assert.ok(ink("12.5%") > 50);
    assert.equal(ink("陶庄镇"), 0);
  });

  it("lays bars out best first with ticks up to the largest value and a 100% line; numbered without Chinese", () => {
    assert.deepEqual(axisTicks(0.8), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(axisTicks(1.13), [0, 0.2, 0.4, 0.6, 0.8, 1, 1.2]);
    assert.deepEqual(axisTicks(2.25), [0, 0.5, 1, 1.5, 2, 2.5]);
    const bars = [
      { label: "周营镇", value: 1.2, valueText: "120.0%", rank: 1, reached: true },
      { label: "陶庄镇", value: 0.5, valueText: "50.0%", rank: 2, reached: false },
    ];
    const d = barChart(bars);
    const texts = d.items.filter((i) => i.t === "text").map((i) => (i as { text: string }).text);
    for (const t of ["周营镇", "陶庄镇", "120.0%", "50.0%", "0%", "100%", "120%"]) assert.ok(texts.includes(t), t);
    const rects = d.items.filter((i): i is Extract<typeof i, { t: "rect" }> => i.t === "rect" && i.color !== "#FFFFFF");
    assert.equal(rects.length, 2);
    assert.ok(rects[0].y < rects[1].y, "first bar on top");
    assert.ok(Math.abs(rects[0].w / rects[1].w - 1.2 / 0.5) < 1e-9, "lengths proportional to completion");
    assert.ok(d.items.some((i) => i.t === "line" && i.dash !== undefined), "dashed 100% line");
    const n = barChart(bars, { cjk: false });
    assert.equal(n.numbered, true);
    const nTexts = n.items.filter((i) => i.t === "text").map((i) => (i as { text: string }).text);
    assert.ok(nTexts.includes("1") && nTexts.includes("2") && !nTexts.includes("周营镇"));
  });

  it("finds a Chinese font on the machine (KJ_FONT first), or none", function () {
    assert.equal(findChineseFont({ KJ_FONT: "/nonexistent/x.ttf" }, []), null);
    assert.equal(loadFont("/nonexistent/x.ttf"), null);
    const noto = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
    if (!fs.existsSync(noto)) this.skip();
    const found = findChineseFont({ KJ_FONT: noto }, []);
    assert.ok(found);
    assert.ok(found.font.covers("陶庄镇 95.8%"));
    const glyphs = found.font.shape("镇");
    assert.equal(glyphs.length, 1);
    assert.ok(glyphs[0].path.length > 10 && glyphs[0].advance > 0);
  });
});

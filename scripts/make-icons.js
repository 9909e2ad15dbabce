#!/usr/bin/env node
/**
 * Writes the add-in's ribbon and catalogue icons (assets/icon-<size>.png): a rounded blue
 * square with a white "KJ" in block letters. Plain Node (zlib), no image libraries, so the
 * icons can be rebuilt anywhere: `node scripts/make-icons.js`.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");

const SIZES = [16, 32, 64, 80];
const BLUE = [0x1f, 0x5f, 0xaf];
const WHITE = [0xff, 0xff, 0xff];

// "KJ" in a 10 x 7 block font: K, two blank columns, J.
const GLYPH = [
  "X..X....XX",
  "X..X.....X",
  "X.X......X",
  "XX.......X",
  "X.X......X",
  "X..X..X..X",
  "X..X...XX.",
];

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** RGBA pixels of one icon. */
function pixels(size) {
  const px = Buffer.alloc(size * size * 4);
  const radius = Math.max(2, Math.round(size / 8));
  const scale = Math.max(1, Math.floor((size * 0.8) / GLYPH[0].length));
  const gw = GLYPH[0].length * scale;
  const gh = GLYPH.length * scale;
  const gx = Math.floor((size - gw) / 2);
  const gy = Math.floor((size - gh) / 2);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      // Transparent outside the rounded corners.
      const cx = x < radius ? radius - 0.5 : x >= size - radius ? size - radius - 0.5 : x;
      const cy = y < radius ? radius - 0.5 : y >= size - radius ? size - radius - 0.5 : y;
      const inside = (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
      if (!inside) continue;
      const gxi = Math.floor((x - gx) / scale);
      const gyi = Math.floor((y - gy) / scale);
      const ink = x >= gx && y >= gy && gyi < GLYPH.length && gxi < GLYPH[0].length && GLYPH[gyi][gxi] === "X";
      const [r, g, b] = ink ? WHITE : BLUE;
      px[i] = r;
      px[i + 1] = g;
      px[i + 2] = b;
      px[i + 3] = 0xff;
    }
  }
  return px;
}

/** A PNG file (RGBA, 8 bits) for a square icon. */
function png(size) {
  const px = pixels(size);
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0; // filter: none
    px.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(rows, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function main() {
  const dir = path.join(__dirname, "..", "assets");
  fs.mkdirSync(dir, { recursive: true });
  for (const size of SIZES) {
    const file = path.join(dir, `icon-${size}.png`);
    fs.writeFileSync(file, png(size));
    process.stdout.write(`${path.relative(process.cwd(), file)} (${size}x${size})\n`);
  }
}

if (require.main === module) main();
module.exports = { png, SIZES };

/**
 * A Chinese font for the bulletin's chart image in the CLI: a font file already on the machine
 * (Windows, macOS, the usual Linux packages; or the file named by KJ_FONT), read with fontkit
 * (pure JavaScript; .ttf, .otf and .ttc). Without one the chart is drawn with its built-in
 * digits and the bars numbered by rank (the bulletin says so).
 */
import * as fs from "fs";
import * as fontkit from "fontkit";
import { OutlineFont, PathCommand } from "../docx/raster";

/** Font files tried in order (the first that exists and reads wins). */
export const FONT_CANDIDATES: readonly string[] = [
  // Windows
  "C:\\Windows\\Fonts\\simhei.ttf",
  "C:\\Windows\\Fonts\\msyh.ttc",
  "C:\\Windows\\Fonts\\simsun.ttc",
  "C:\\Windows\\Fonts\\simfang.ttf",
  // macOS
  "/System/Library/Fonts/PingFang.ttc",
  "/System/Library/Fonts/STHeiti Medium.ttc",
  "/System/Library/Fonts/Hiragino Sans GB.ttc",
  "/Library/Fonts/Arial Unicode.ttf",
  // Linux (Debian/Ubuntu, Fedora, 统信 UOS / 麒麟)
  "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
  "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
  "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
  "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
  "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
  "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
  "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
  "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
  "/usr/share/fonts/truetype/arphic/uming.ttc",
];

interface FkGlyph {
  path: { commands: PathCommand[] };
  advanceWidth: number;
}
interface FkFont {
  unitsPerEm: number;
  postscriptName?: string;
  familyName?: string;
  hasGlyphForCodePoint(cp: number): boolean;
  glyphForCodePoint(cp: number): FkGlyph;
}

/** Picks the simplified-Chinese face of a collection. */
function faceOf(opened: unknown): FkFont | null {
  const o = opened as { fonts?: FkFont[] } & FkFont;
  const faces = o.fonts ?? [o];
  const sc = faces.find((f) => /sc|gb|simplified|hei|song|yahei/i.test(`${f.postscriptName ?? ""} ${f.familyName ?? ""}`));
  const f = sc ?? faces[0];
  return f && typeof f.glyphForCodePoint === "function" ? f : null;
}

/** An OutlineFont over a fontkit font (one glyph per code point; CJK needs no shaping). */
export function outlineFont(f: FkFont): OutlineFont {
  return {
    unitsPerEm: f.unitsPerEm,
    covers: (text) => [...text].every((ch) => ch === " " || f.hasGlyphForCodePoint(ch.codePointAt(0) as number)),
    shape: (text) =>
      [...text].map((ch) => {
        const g = f.glyphForCodePoint(ch.codePointAt(0) as number);
        return { path: g.path.commands, advance: g.advanceWidth };
      }),
  };
}

/** Reads one font file; null when it is missing, unreadable or has no 汉字. */
export function loadFont(file: string): OutlineFont | null {
  try {
    if (!fs.existsSync(file)) return null;
    const f = faceOf(fontkit.openSync(file));
    if (!f || !f.hasGlyphForCodePoint("镇".codePointAt(0) as number)) return null;
    return outlineFont(f);
  } catch {
    return null;
  }
}

/** The first usable Chinese font: KJ_FONT, then the usual places. */
export function findChineseFont(env: NodeJS.ProcessEnv = process.env, candidates: readonly string[] = FONT_CANDIDATES): { file: string; font: OutlineFont } | null {
  for (const file of [...(env.KJ_FONT ? [env.KJ_FONT] : []), ...candidates]) {
    const font = loadFont(file);
    if (font) return { file, font };
  }
  return null;
}

/**
 * The bulletin's bar chart as a drawing: horizontal bars of completion by unit, best first, a
 * dashed line at 100%, the value at each bar's end, ticks below. Plain shapes and text in pixels,
 * so the same drawing is rasterised by src/docx/raster.ts (CLI, pure JS) or drawn on a canvas
 * (task pane). Deterministic: the same bars give the same drawing.
 */
import { BulletinBar } from "../jobs/bulletin";

export type DrawItem =
  | { t: "rect"; x: number; y: number; w: number; h: number; color: string }
  /** Horizontal or vertical line; dash = on/off length in pixels. */
  | { t: "line"; x1: number; y1: number; x2: number; y2: number; width: number; color: string; dash?: number }
  /** y is the baseline. */
  | { t: "text"; x: number; y: number; text: string; size: number; color: string; align: "left" | "right" | "center" };

export interface Drawing {
  width: number;
  height: number;
  background: string;
  items: DrawItem[];
  /** True when the bars are labelled with their rank instead of the unit's name (no font for Chinese). */
  numbered: boolean;
}

export const CHART_COLORS = { bar: "#5B9BD5", reached: "#70AD47", grid: "#D9D9D9", target: "#7F7F7F", text: "#262626", axis: "#595959" } as const;

/** Pixels per CSS pixel: the image is drawn at twice the size it is shown in the document. */
export const CHART_SCALE = 2;

export interface ChartOptions {
  /** Width in image pixels; default 1160 (shown 580 wide). */
  width?: number;
  /** Can the renderer draw Chinese text? If not, bars are labelled with their rank. */
  cjk?: boolean;
}

/** The ticks of the value axis: 0 .. max in steps of 20% (50% above 150%). */
export function axisTicks(maxValue: number): number[] {
  const top = Math.max(1, maxValue);
  const step = top > 1.5 ? 0.5 : 0.2;
  const n = Math.ceil(top / step - 1e-9);
  return Array.from({ length: n + 1 }, (_, i) => Math.round(i * step * 100) / 100);
}

function tickText(v: number): string {
  return `${Math.round(v * 100)}%`;
}

/** Lays out a horizontal bar chart of completion by unit. */
export function barChart(bars: readonly BulletinBar[], opts: ChartOptions = {}): Drawing {
  const s = CHART_SCALE;
  const width = opts.width ?? 580 * s;
  const cjk = opts.cjk ?? true;
  const labels = bars.map((b, i) => (cjk ? b.label : String(b.rank ?? i + 1)));
  const font = 13 * s;
  const small = 11 * s;
  const labelWidth = Math.max(...labels.map((l) => [...l].length), 2) * font * (cjk ? 1 : 0.6) + 12 * s;
  const top = 12 * s;
  const rowH = 28 * s;
  const barH = 16 * s;
  const left = Math.min(labelWidth, width * 0.35);
  const right = width - 64 * s;
  const ticks = axisTicks(Math.max(0, ...bars.map((b) => b.value)));
  const max = ticks[ticks.length - 1];
  const plotBottom = top + rowH * bars.length;
  const height = plotBottom + 30 * s;
  const x = (v: number) => left + ((right - left) * Math.max(0, v)) / max;
  const items: DrawItem[] = [];
  for (const t of ticks) {
    if (t !== 1) items.push({ t: "line", x1: x(t), y1: top, x2: x(t), y2: plotBottom, width: 1 * s, color: CHART_COLORS.grid });
    items.push({ t: "text", x: x(t), y: plotBottom + 18 * s, text: tickText(t), size: small, color: CHART_COLORS.axis, align: "center" });
  }
  // The 100% line under the bars and their values.
  items.push({ t: "line", x1: x(1), y1: top - 4 * s, x2: x(1), y2: plotBottom, width: 2 * s, color: CHART_COLORS.target, dash: 6 * s });
  bars.forEach((b, i) => {
    const y = top + rowH * i + (rowH - barH) / 2;
    const w = Math.max(0, x(b.value) - left);
    if (w > 0) items.push({ t: "rect", x: left, y, w, h: barH, color: b.reached ? CHART_COLORS.reached : CHART_COLORS.bar });
    items.push({ t: "text", x: left - 8 * s, y: y + barH / 2 + font * 0.36, text: labels[i], size: font, color: CHART_COLORS.text, align: "right" });
    // A white box behind the value, so a grid or 100% line does not run through it.
    items.push({ t: "rect", x: left + w + 3 * s, y: y - 1 * s, w: b.valueText.length * small * 0.58 + 6 * s, h: barH + 2 * s, color: "#FFFFFF" });
    items.push({ t: "text", x: left + w + 6 * s, y: y + barH / 2 + small * 0.36, text: b.valueText, size: small, color: CHART_COLORS.text, align: "left" });
  });
  items.push({ t: "line", x1: left, y1: top, x2: left, y2: plotBottom, width: 2 * s, color: CHART_COLORS.axis });
  items.push({ t: "line", x1: left, y1: plotBottom, x2: right, y2: plotBottom, width: 2 * s, color: CHART_COLORS.axis });
  return { width: Math.round(width), height: Math.round(height), background: "#FFFFFF", items, numbered: !cjk };
}

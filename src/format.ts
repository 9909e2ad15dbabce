/**
 * Numbers as the bureau's clerks write them, in one place for the task pane, the CLI's
 * tables and the sheets KJ writes:
 *   - amounts in 万元: thousands separators and two decimals, 2,337.64 · 10.00 · 357.30;
 *     an amount that needs more places to be exact keeps them, up to four (one yuan):
 *     20% of 12.345 is 2.469, shown 2.469, so shown rows always add up to the shown total;
 *   - ratios as percentages with one decimal: 100.0% · 33.3%;
 *   - counts as whole numbers with thousands separators: 1,234.
 * Cells KJ writes keep the exact number; these number formats only decide how it shows.
 */
import Decimal from "decimal.js";

/** The unit of every amount KJ handles. */
export const WAN_UNIT = "万元";

/** Number format of cells holding 万元 amounts: as formatWan shows them. */
export const WAN_NUMBER_FORMAT = "#,##0.00##";
/** Number format of cells holding ratios (completion): as formatPercent shows them. */
export const PERCENT_NUMBER_FORMAT = "0.0%";
/** Number format of cells holding counts: as formatCount shows them. */
export const COUNT_NUMBER_FORMAT = "#,##0";

/** Fewest and most decimals of an amount in 万元. */
const WAN_MIN_DECIMALS = 2;
const WAN_MAX_DECIMALS = 4;

/** "—": what a table shows for a number that is not known (never 0). */
export const UNKNOWN_NUMBER = "—";

type Numeric = Decimal | number | string;

function toDecimal(x: Numeric): Decimal | null {
  try {
    const d = x instanceof Decimal ? x : new Decimal(typeof x === "string" ? x.trim() : x);
    return d.isFinite() ? d : null;
  } catch {
    return null;
  }
}

/** "1234567" -> "1,234,567" (digits only, no sign). */
function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A fixed-point text ("-1234.50") with thousands separators in its whole part. */
function grouped(fixed: string): string {
  const negative = fixed.startsWith("-");
  const body = negative ? fixed.slice(1) : fixed;
  const [whole, frac] = body.split(".");
  const text = groupDigits(whole) + (frac !== undefined ? "." + frac : "");
  // "-0.00" is not a number anyone writes.
  return negative && /[1-9]/.test(body) ? "-" + text : text;
}

/**
 * An amount in 万元 as a clerk writes it, without the unit.
 * Example: formatWan(new Decimal("2337.64")) -> "2,337.64"; formatWan(10) -> "10.00";
 * formatWan("2.469") -> "2.469"; formatWan(null) -> "—".
 */
export function formatWan(x: Numeric | null | undefined): string {
  if (x === null || x === undefined) return UNKNOWN_NUMBER;
  const d = toDecimal(x);
  if (d === null) return UNKNOWN_NUMBER;
  const rounded = d.toDecimalPlaces(WAN_MAX_DECIMALS, Decimal.ROUND_HALF_UP);
  return grouped(rounded.toFixed(Math.max(WAN_MIN_DECIMALS, rounded.decimalPlaces())));
}

/** An amount with its unit, joined by a no-break space so the two never wrap apart: "2,337.64 万元". */
export function formatWanWithUnit(x: Numeric | null | undefined): string {
  const n = formatWan(x);
  return n === UNKNOWN_NUMBER ? n : `${n}\u00a0${WAN_UNIT}`;
}

/**
 * A ratio (1 = 100%) as a percentage with one decimal.
 * Example: formatPercent(1) -> "100.0%"; formatPercent(1 / 3) -> "33.3%"; formatPercent(null) -> "—".
 */
export function formatPercent(ratio: Numeric | null | undefined, decimals = 1): string {
  if (ratio === null || ratio === undefined) return UNKNOWN_NUMBER;
  const d = toDecimal(ratio);
  if (d === null) return UNKNOWN_NUMBER;
  return grouped(d.times(100).toFixed(decimals, Decimal.ROUND_HALF_UP)) + "%";
}

/**
 * A count as a whole number with thousands separators.
 * Example: formatCount(1234) -> "1,234"; formatCount(null) -> "—".
 */
export function formatCount(n: Numeric | null | undefined): string {
  if (n === null || n === undefined) return UNKNOWN_NUMBER;
  const d = toDecimal(n);
  if (d === null) return UNKNOWN_NUMBER;
  return grouped(d.toFixed(0, Decimal.ROUND_HALF_UP));
}

/** A count with its unit, no-break joined: "60\u00a0家". */
export function formatCountWithUnit(n: Numeric | null | undefined, unit: string): string {
  const t = formatCount(n);
  return t === UNKNOWN_NUMBER || unit === "" ? t : `${t}\u00a0${unit}`;
}

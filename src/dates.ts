/**
 * Calendar dates as whole day numbers (days since 1970-01-01), host-free and time-zone free.
 * The core never asks for "now": callers pass an as-of date.
 */

export type DayNumber = number;

const MS_PER_DAY = 86_400_000;
/** Excel 1900-system serial of 1970-01-01. */
const EXCEL_EPOCH_OFFSET = 25_569;

/** Day number of a calendar date, or null when the date does not exist (2023-02-30). */
export function dayFromParts(year: number, month: number, day: number): DayNumber | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1 || year > 9999) return null;
  const ms = Date.UTC(year, month - 1, day);
  const d = new Date(ms);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return Math.round(ms / MS_PER_DAY);
}

export function partsFromDay(day: DayNumber): { year: number; month: number; day: number } {
  const d = new Date(day * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** "2023-05-01" */
export function formatDay(day: DayNumber): string {
  const p = partsFromDay(day);
  return `${String(p.year).padStart(4, "0")}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

export function yearOf(day: DayNumber): number {
  return partsFromDay(day).year;
}

/**
 * Excel serial (1900 system) to day number. Serials 1..59 are before Excel's phantom
 * 1900-02-29 (serial 60), so they shift by one; serial 60 itself does not exist.
 */
export function dayFromExcelSerial(serial: number): DayNumber | null {
  if (!Number.isFinite(serial)) return null;
  const whole = Math.floor(serial);
  if (whole < 1 || whole === 60 || whole > 2_958_465) return null;
  const adjusted = whole < 60 ? whole + 1 : whole;
  return adjusted - EXCEL_EPOCH_OFFSET;
}

export function excelSerialFromDay(day: DayNumber): number {
  const serial = day + EXCEL_EPOCH_OFFSET;
  return serial < 61 ? serial - 1 : serial;
}

/** Day number of a JavaScript Date, taken by its UTC calendar date (exceljs gives UTC dates). */
export function dayFromDate(d: Date): DayNumber | null {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) return null;
  return Math.floor(ms / MS_PER_DAY);
}

/** Add whole calendar years, keeping month and day; Feb 29 falls back to Feb 28. */
export function addYears(day: DayNumber, years: number): DayNumber {
  const p = partsFromDay(day);
  const y = p.year + years;
  return dayFromParts(y, p.month, p.day) ?? (dayFromParts(y, p.month, p.day - 1) as DayNumber);
}

/** Today's day number from a clock reading; only hosts and the CLI call this, never the core jobs. */
export function dayFromLocalClock(now: Date): DayNumber {
  return dayFromParts(now.getFullYear(), now.getMonth() + 1, now.getDate()) as DayNumber;
}

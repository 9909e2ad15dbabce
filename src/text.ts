/**
 * Text normalisation shared by header matching, lookups and cell reading.
 * NFKC turns full-width letters/digits/brackets into ASCII and Ⅰ into I, which is
 * how people's variants of the same word become one key.
 */

/** NFKC, trimmed, inner runs of whitespace (incl. U+3000) collapsed to one space. */
export function normalizeText(s: string): string {
  return s.normalize("NFKC").replace(/\s+/g, " ").trim();
}

/** A lookup key: NFKC, no whitespace at all, upper-case Latin letters. */
export function lookupKey(s: string): string {
  return s.normalize("NFKC").replace(/\s+/g, "").toUpperCase();
}

/** Column letter(s) for a 1-based column number: 1 -> A, 27 -> AA. */
export function columnLetter(col: number): string {
  let n = col;
  let out = "";
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/** A1-style address for 1-based row and column. */
export function cellAddress(row: number, col: number): string {
  return `${columnLetter(col)}${row}`;
}

/**
 * Strings that a spreadsheet would read as a formula or a command when typed:
 * a leading = + - @, or a tab / carriage return (DDE and CSV injection vectors).
 */
export function looksLikeFormula(s: string): boolean {
  return /^[=+\-@\t\r]/.test(s);
}

/**
 * 统一社会信用代码 (GB 32100-2015): 18 characters over 0-9 and A-Y without I, O, S, V, Z.
 * Positions 3-8 are the administrative division code; the 18th is a check character.
 */
import { KjError } from "./errors";

export const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** 薛城区's division code; other codes are legal but worth a warning in a district pool. */
export const XUECHENG_DIVISION = "370403";

export interface UsccCheck {
  valid: boolean;
  /** The code after NFKC, space removal and upper-casing. */
  normalized: string;
  /** Why it is invalid, in plain Chinese; absent when valid. */
  reason?: string;
  /** Positions 3-8, when the code is long enough. */
  division?: string;
}

/** NFKC (full-width letters/digits), no spaces or dashes, upper case. */
export function normalizeUscc(raw: string): string {
  return raw.normalize("NFKC").replace(/[\s\-]/g, "").toUpperCase();
}

/** The check character for the first 17 characters (which must be in the alphabet). */
export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(first17[i]);
    if (v < 0) throw new KjError("uscc_char", `统一社会信用代码含有不允许的字符“${first17[i]}”`);
    sum += v * WEIGHTS[i];
  }
  const c = 31 - (sum % 31);
  return USCC_ALPHABET[c === 31 ? 0 : c];
}

/**
 * Checks a code as typed. Example: checkUscc("91350100M000100Y43").valid === true.
 */
export function checkUscc(raw: string): UsccCheck {
  const code = normalizeUscc(raw);
  if (code.length !== 18) {
    return { valid: false, normalized: code, reason: `统一社会信用代码应为 18 位，这里是 ${code.length} 位` };
  }
  for (let i = 0; i < 18; i++) {
    if (USCC_ALPHABET.indexOf(code[i]) < 0) {
      const hint = "IOSVZ".includes(code[i]) ? "（代码中不使用字母 I、O、S、V、Z）" : "";
      return { valid: false, normalized: code, reason: `第 ${i + 1} 位“${code[i]}”不是允许的字符${hint}`, division: code.slice(2, 8) };
    }
  }
  const expected = usccCheckChar(code.slice(0, 17));
  if (expected !== code[17]) {
    return {
      valid: false,
      normalized: code,
      reason: `校验位错误：第 18 位应为“${expected}”，填的是“${code[17]}”（可能有字符录错）`,
      division: code.slice(2, 8),
    };
  }
  return { valid: true, normalized: code, division: code.slice(2, 8) };
}

/** True for a well-formed code with the right check character. */
export function isValidUscc(raw: string): boolean {
  return checkUscc(raw).valid;
}

/** Completes 17 characters with their check character (used by the sample generator and tests). */
export function withCheckChar(first17: string): string {
  const body = normalizeUscc(first17);
  if (body.length !== 17) throw new KjError("uscc_length", "需要 17 位代码本体");
  return body + usccCheckChar(body);
}

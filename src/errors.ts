/**
 * One error type for the whole core. `code` is stable (CLI JSON, tests); `message` is
 * plain Chinese for the clerk; `kind` decides the spreadsheet error value a host shows
 * (#VALUE! for bad input, #N/A for "no answer exists", e.g. no applicable policy).
 */
export type KjErrorKind = "value" | "na";

export class KjError extends Error {
  readonly code: string;
  readonly kind: KjErrorKind;

  constructor(code: string, message: string, kind: KjErrorKind = "value") {
    super(message);
    this.name = "KjError";
    this.code = code;
    this.kind = kind;
  }
}

export function isKjError(e: unknown): e is KjError {
  return e instanceof KjError;
}

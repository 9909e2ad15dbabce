/**
 * A stand-in for Excel's CustomFunctions global, enough to run functions/functions.ts in
 * Node: its Error keeps the code and message the wrapper chose.
 */
export const ERROR_CODES = {
  invalidValue: "#VALUE!",
  notAvailable: "#N/A",
  divisionByZero: "#DIV/0!",
  invalidNumber: "#NUM!",
  nullReference: "#NULL!",
  invalidName: "#NAME?",
  invalidReference: "#REF!",
} as const;

export class StubCustomFunctionError extends Error {
  readonly code: string;
  constructor(code: string, message?: string) {
    super(message);
    this.code = code;
  }
}

/** Installs the stub on globalThis (idempotent) and returns it. */
export function installCustomFunctionsStub(): { Error: typeof StubCustomFunctionError; ErrorCode: typeof ERROR_CODES } {
  const g = globalThis as unknown as { CustomFunctions?: unknown };
  const stub = { Error: StubCustomFunctionError, ErrorCode: ERROR_CODES, associate: () => undefined };
  if (!g.CustomFunctions) g.CustomFunctions = stub;
  return g.CustomFunctions as typeof stub;
}

/** Runs fn and returns what it threw (failing when it did not throw). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected an error, got a result");
}

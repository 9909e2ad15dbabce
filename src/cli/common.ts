/**
 * What every kj command shares: exit codes, error output (Chinese on stderr, JSON on stdout
 * with --json), the as-of date. Commands throw CliError or KjError; main turns them into exits.
 */
import { dayFromLocalClock, DayNumber } from "../dates";
import { KjError } from "../errors";
import { readDate } from "../ledger/cells";

/** 0 = done (no errors found), 1 = done and the ledger has errors, 2 = unusable input. */
export const EXIT = { ok: 0, findings: 1, unusable: 2 } as const;

export class CliError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode: number = EXIT.unusable) {
    super(message);
    this.code = code;
    this.exitCode = exitCode;
  }
}

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Today, from the clock: only the CLI asks, never the core. */
  today: () => DayNumber;
  isTTY: boolean;
}

/**
 * Writes lines to stdout or stderr. A reader that stops early (kj check … | head -3) closes
 * the pipe: writing then stops quietly, the command runs on and keeps its exit code, and no
 * EPIPE stack trace reaches the user.
 */
export function lineWriter(stream: NodeJS.WritableStream): (s: string) => void {
  let pipeClosed = false;
  let guarded = false;
  return (s) => {
    if (!guarded) {
      guarded = true;
      stream.on("error", (e: NodeJS.ErrnoException) => {
        if (e.code !== "EPIPE") throw e;
        pipeClosed = true;
      });
    }
    if (pipeClosed) return;
    stream.write(s.endsWith("\n") ? s : s + "\n");
  };
}

export const processIo: Io = {
  out: lineWriter(process.stdout),
  err: lineWriter(process.stderr),
  today: () => dayFromLocalClock(new Date()),
  isTTY: Boolean(process.stderr.isTTY),
};

/** Parses --as-of / --date (YYYY-MM-DD and the other forms people type). */
export function parseDateOption(raw: string | undefined, what = "日期"): DayNumber | undefined {
  if (raw === undefined) return undefined;
  const r = readDate(raw);
  if (r.status !== "ok") {
    throw new CliError("bad_date", `${what}“${raw}”无法识别，请写成 YYYY-MM-DD，例如 2024-01-01`);
  }
  return r.value;
}

/** Prints an error the way every command does and returns the exit code. */
export function reportError(e: unknown, io: Io, json: boolean): number {
  let code = "internal";
  let message = "内部错误";
  let exitCode: number = EXIT.unusable;
  if (e instanceof CliError) {
    code = e.code;
    message = e.message;
    exitCode = e.exitCode;
  } else if (e instanceof KjError) {
    code = e.code;
    message = e.message;
  } else {
    message = `内部错误：${e instanceof Error ? e.message : String(e)}（请把这条信息和所用文件告知技术支持）`;
  }
  if (json) io.out(JSON.stringify({ error: { code, message } }));
  io.err(`错误：${message}`);
  return exitCode;
}

/** Amounts as JSON numbers: Decimal -> number happens only here, at the very last step. */
export function jsonNumber(d: { toNumber(): number } | null | undefined): number | null {
  return d === null || d === undefined ? null : d.toNumber();
}

/**
 * What every kj command shares: exit codes, error output (Chinese on stderr, JSON on stdout
 * with --json), the as-of date. Commands throw CliError or KjError; main turns them into exits.
 */
import { dayFromLocalClock, DayNumber } from "../dates";
import { CliError, EXIT, KjError } from "../errors";
import { readDate } from "../ledger/cells";

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

/**
 * Where and why JSON.parse refused a text, in plain Chinese: the line and column from the
 * position Node reports, or that the text ends too early.
 * Example: jsonErrorReason(e, '{"a": 1,}') -> "第 1 行第 9 个字符附近格式有误（…）".
 */
export function jsonErrorReason(e: unknown, text: string): string {
  const hint = "键和文字要用英文双引号 \"…\"，各项之间用英文逗号，最后一项后面不加逗号";
  const message = e instanceof Error ? e.message : String(e);
  if (/end of JSON input/i.test(message)) return text.trim() === "" ? "内容为空" : `内容不完整，可能缺少结尾的 } 或 "（${hint}）`;
  const at = /position (\d+)/.exec(message);
  if (!at) return `格式有误（${hint}）`;
  const before = text.slice(0, Number(at[1]));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return `第 ${line} 行第 ${column} 个字符附近格式有误（${hint}）`;
}

/** Amounts as JSON numbers: Decimal -> number happens only here, at the very last step. */
export function jsonNumber(d: { toNumber(): number } | null | undefined): number | null {
  return d === null || d === undefined ? null : d.toNumber();
}

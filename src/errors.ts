/**
 * The error types shared by the core, the hosts and the CLI.
 *
 * KjError: one error type for the whole core. `code` is stable (CLI JSON, tests); `message` is
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

/** Exit codes of the kj command: 0 = done (no errors found), 1 = done and the ledger has errors, 2 = unusable input. */
export const EXIT = { ok: 0, findings: 1, unusable: 2 } as const;

/**
 * A refusal of the input as a whole (a file that is not a workbook, an output path that cannot be
 * written, a bad option): the hosts that touch files and the CLI throw it; the CLI maps `exitCode`.
 */
export class CliError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode: number = EXIT.unusable) {
    super(message);
    this.code = code;
    this.exitCode = exitCode;
  }
}

/**
 * Why a file or folder operation failed, in plain Chinese (Node's own message is English).
 * Example: fileErrorReason({ code: "EACCES" }) -> "没有权限".
 */
export function fileErrorReason(e: unknown): string {
  const code = (e as { code?: string } | null)?.code;
  switch (code) {
    case "ENOENT":
      return "路径不存在";
    case "EACCES":
    case "EPERM":
      return "没有权限";
    case "EROFS":
      return "所在磁盘只读";
    case "ENOSPC":
      return "磁盘空间不足";
    case "EEXIST":
    case "ENOTDIR":
      return "路径中有一项是文件而不是文件夹";
    case "EISDIR":
      return "这是一个文件夹";
    case "EBUSY":
      return "正被其他程序占用";
    default:
      return code ? `系统错误 ${code}` : "原因不明";
  }
}

/**
 * Why a policy pack is refused, in Chinese, field by field: the path of the field as it is
 * written in the file (period.from, awards[2].rule.amount), its line when the text is known, and
 * what is wrong, with the value found. Used by `kj policy check`, `--policy`, the pane's 政策 page
 * and the built-in packs' own test alike.
 *
 * Example: a pack whose awards[0].rule.amount is the number 20 is refused with
 *   awards[0].rule.amount（第 14 行，奖励事项 hitech_new）：amount（奖励金额，万元）应为十进制数字文本，带英文双引号，如 "20" …（这里是数字 20）
 */
import { findNodeAtLocation, Node, parse, ParseError, parseTree, printParseErrorCode } from "jsonc-parser";
import { ZodError, ZodIssue } from "zod";
import { KjError } from "../errors";

/** The end of every "no applicable policy" message: how a clerk adds the missing pack. */
export const HOW_TO_ADD_POLICY = "如有新的政策文件，可把它写成政策包（JSON 文件），在任务窗格“政策”页载入并保存到工作簿，或在命令行加 --policy 政策包.json（见 README“政策包”一节）";

/** One thing wrong in a pack. */
export interface PackProblem {
  /** Field path as written in the file: "period.from", "awards[2].rule.amount"; "" for the whole pack. */
  path: string;
  /** 1-based line in the file, when the text is known. */
  line?: number;
  message: string;
}

/** Where a pack comes from, for messages and for `kj policy list`. */
export type PackOrigin = { type: "builtin" } | { type: "file"; name: string } | { type: "workbook"; name: string };

/** "内置", "文件“新政策.json”", "工作簿“台账.xlsx”中保存的". */
export function originText(o: PackOrigin): string {
  if (o.type === "builtin") return "内置";
  if (o.type === "file") return `文件“${o.name}”`;
  return o.name ? `工作簿“${o.name}”中保存的` : "工作簿中保存的";
}

/** A pack refused as a whole, with every problem found. */
export class PackError extends KjError {
  readonly problems: readonly PackProblem[];
  readonly origin: PackOrigin;
  constructor(origin: PackOrigin, problems: readonly PackProblem[], what = "政策包") {
    const lines = problems.map((p) => `  ${problemText(p)}`);
    super("bad_policy_pack", `${originText(origin)}${what}有误，未载入（共 ${problems.length} 处）：\n${lines.join("\n")}`);
    this.problems = problems;
    this.origin = origin;
  }
}

/** "period.from（第 5 行）：…" */
export function problemText(p: PackProblem): string {
  if (p.path === "") return `${p.line !== undefined ? `第 ${p.line} 行` : "整个政策包"}：${p.message}`;
  return `${p.path}${p.line !== undefined ? `（第 ${p.line} 行）` : ""}：${p.message}`;
}

/** ["awards", 2, "rule", "amount"] -> "awards[2].rule.amount". */
export function pathText(path: readonly (string | number)[]): string {
  let s = "";
  for (const k of path) s += typeof k === "number" ? `[${k}]` : s === "" ? k : `.${k}`;
  return s;
}

/** The value at a path of a parsed JSON value (undefined when absent). */
export function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

/** A value as the clerk typed it: 数字 20, “二十”, true, 未填写. */
export function describeValue(v: unknown): string {
  if (v === undefined) return "未填写";
  if (v === null) return "null";
  if (typeof v === "string") return v === "" ? "空文字 \"\"" : `“${v.length > 40 ? v.slice(0, 40) + "…" : v}”`;
  if (typeof v === "number") return `数字 ${v}`;
  if (typeof v === "boolean") return `逻辑值 ${v}`;
  if (Array.isArray(v)) return "一个列表 [ … ]";
  return "一个对象 { … }";
}

const TYPE_NAMES: Record<string, string> = {
  string: "文字（带英文双引号）",
  number: "数字（不带引号）",
  boolean: "true 或 false（不带引号）",
  array: "列表 [ … ]",
  object: "对象 { … }",
  integer: "整数",
};

/** What part of the pack a path is in, for the message: "奖励事项 hitech_new". */
function contextOf(root: unknown, path: readonly (string | number)[]): string | null {
  if (path.length < 2 || typeof path[1] !== "number") return null;
  const item = valueAt(root, path.slice(0, 2)) as Record<string, unknown> | undefined;
  if (!item || typeof item !== "object") return null;
  const label: Record<string, [string, string]> = { awards: ["奖励事项", "key"], targets: ["指标", "key"], conditions: ["条件", "id"], reasons: ["调出原因", "code"] };
  const l = label[String(path[0])];
  if (!l) return null;
  const key = item[l[1]];
  return typeof key === "string" && key !== "" ? `${l[0]} ${key}` : null;
}

/** The Chinese message of one zod issue (schemas carry their own Chinese texts; this fills the generic ones). */
function issueMessage(issue: ZodIssue, root: unknown): string {
  const value = valueAt(root, issue.path);
  const here = `（这里是${describeValue(value)}）`;
  const english = /^(Required|Expected |Invalid |String must|Array must|Number must|Unrecognized)/.test(issue.message);
  switch (issue.code) {
    case "invalid_type":
      if (value === undefined) return english ? "缺少这个字段" : issue.message;
      return english ? `应为${TYPE_NAMES[issue.expected] ?? issue.expected}${here}` : `${issue.message}${here}`;
    case "invalid_union_discriminator":
      return english ? `类型应为 ${issue.options.map(String).join("、")} 之一${here}` : `${issue.message}${here}`;
    case "invalid_enum_value":
      return english ? `应为 ${issue.options.map(String).join("、")} 之一${here}` : `${issue.message}${here}`;
    case "invalid_literal":
      return `应为 ${JSON.stringify(issue.expected)}${here}`;
    case "invalid_string":
    case "not_multiple_of":
      return english ? `格式不对${here}` : `${issue.message}${here}`;
    case "too_small":
      if (!english) return issue.message;
      if (issue.type === "array") return `至少要有 ${String(issue.minimum)} 项`;
      if (issue.type === "string") return `至少要写 ${String(issue.minimum)} 个字${here}`;
      return `应不小于 ${String(issue.minimum)}${here}`;
    case "too_big":
      if (!english) return issue.message;
      if (issue.type === "array") return `最多 ${String(issue.maximum)} 项`;
      return `应不大于 ${String(issue.maximum)}${here}`;
    case "invalid_union":
      return `写法不对${here}`;
    case "custom":
      return issue.params?.showValue ? `${issue.message}${here}` : issue.message;
    default:
      return english ? `写法不对${here}` : issue.message;
  }
}

/** Every problem a zod error holds, unknown fields one by one, in file order of their paths. */
export function problemsFromZod(error: ZodError, root: unknown, text?: string): PackProblem[] {
  const locate = text !== undefined ? lineLocator(text) : null;
  const out: PackProblem[] = [];
  const seen = new Set<string>();
  const push = (path: (string | number)[], message: string) => {
    const ctx = contextOf(root, path);
    const p: PackProblem = { path: pathText(path), message: ctx ? `${message}［${ctx}］` : message };
    const line = locate?.(path);
    if (line !== undefined) p.line = line;
    const k = `${p.path}\u0000${p.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(p);
    }
  };
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) push([...issue.path, key], `未知的字段“${key}”：请检查拼写（字段名区分大小写），或删去这一项`);
      continue;
    }
    push(issue.path, issueMessage(issue, root));
  }
  return out;
}

/** Line numbers of paths in a JSON text; a missing field gives the line of its parent. */
function lineLocator(text: string): (path: readonly (string | number)[]) => number | undefined {
  let tree: Node | undefined;
  try {
    tree = parseTree(text, [], { disallowComments: true, allowTrailingComma: false });
  } catch {
    tree = undefined;
  }
  if (!tree) return () => undefined;
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  return (path) => {
    for (let n = path.length; n >= 0; n--) {
      const node = findNodeAtLocation(tree as Node, path.slice(0, n) as (string | number)[]);
      if (node) return lineOf(node.parent?.type === "property" ? node.parent.offset : node.offset);
    }
    return undefined;
  };
}

const PARSE_ERRORS: Record<string, string> = {
  InvalidSymbol: "这里有无法识别的符号（中文标点、单引号或多余的字？）",
  InvalidNumberFormat: "数字格式不对",
  PropertyNameExpected: "这里应是带英文双引号的字段名（最后一项后面不要加逗号）",
  ValueExpected: "这里缺少值（最后一项后面不要加逗号）",
  ColonExpected: "字段名后应有英文冒号 :",
  CommaExpected: "各项之间应有英文逗号 ,",
  CloseBraceExpected: "缺少结尾的 }",
  CloseBracketExpected: "缺少结尾的 ]",
  EndOfFileExpected: "结尾之后还有多余的内容",
  InvalidCommentToken: "JSON 不能写注释",
  UnexpectedEndOfComment: "JSON 不能写注释",
  UnexpectedEndOfString: "文字缺少结尾的英文双引号",
  UnexpectedEndOfNumber: "数字不完整",
  InvalidUnicode: "\\u 转义写法不对",
  InvalidEscapeCharacter: "反斜杠 \\ 后的转义写法不对",
  InvalidCharacter: "文字中有不能直接出现的控制字符（如换行）",
};

/**
 * Reads a pack file's text: JSON, a leading BOM allowed. Syntax errors and the same field written
 * twice in one object (JSON.parse silently keeps the last) are refused with their lines.
 */
export function parsePackText(text: string, origin: PackOrigin): unknown {
  const body = text.replace(/^\uFEFF/, "");
  if (body.trim() === "") throw new PackError(origin, [{ path: "", message: "文件是空的" }]);
  const errors: ParseError[] = [];
  parse(body, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const lineOf = (offset: number) => body.slice(0, offset).split("\n").length;
  if (errors.length > 0) {
    // Later syntax errors mostly follow from the first: report that one.
    const problems = errors.slice(0, 1).map((e): PackProblem => {
      const line = lineOf(e.offset);
      const col = e.offset - body.lastIndexOf("\n", e.offset - 1);
      return { path: "", line, message: `第 ${col} 个字符附近：${PARSE_ERRORS[printParseErrorCode(e.error)] ?? "格式有误"}（键和文字要用英文双引号，各项之间用英文逗号，最后一项后面不加逗号）` };
    });
    throw new PackError(origin, problems, "政策包（JSON 格式）");
  }
  const tree = parseTree(body, [], { disallowComments: true });
  const dup: PackProblem[] = [];
  const walk = (node: Node, path: (string | number)[]) => {
    if (node.type === "object") {
      const firstLine = new Map<string, number>();
      for (const prop of node.children ?? []) {
        const keyNode = prop.children?.[0];
        const key = keyNode ? String(keyNode.value) : "";
        const prior = firstLine.get(key);
        if (prior !== undefined) {
          dup.push({ path: pathText([...path, key]), line: lineOf(prop.offset), message: `字段“${key}”在同一处写了两次（另一处在第 ${prior} 行）；JSON 只会保留后一个，请删去多余的一个` });
        } else firstLine.set(key, lineOf(prop.offset));
        const child = prop.children?.[1];
        if (child) walk(child, [...path, key]);
      }
    } else if (node.type === "array") {
      (node.children ?? []).forEach((c, i) => walk(c, [...path, i]));
    }
  };
  if (tree) walk(tree, []);
  if (dup.length > 0) throw new PackError(origin, dup);
  return JSON.parse(body) as unknown;
}

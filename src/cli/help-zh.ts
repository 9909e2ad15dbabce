/**
 * Commander in Chinese: the help's section titles and usage words, and the parse errors it
 * prints (unknown option, missing argument …). main.ts installs both on the program; every
 * command inherits them.
 */
import { Command, Help, HelpConfiguration } from "commander";

/** Terminal columns a text takes: CJK and full-width characters count two, ANSI colour codes none. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s.replace(/\u001b\[[\d;]*m/g, "")) {
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  }
  return w;
}

const TITLES: Record<string, string> = {
  "Usage:": "用法：",
  "Arguments:": "参数：",
  "Options:": "选项：",
  "Commands:": "命令：",
  "Global Options:": "全局选项：",
};

/** For program.configureHelp(...). */
export function chineseHelp(): HelpConfiguration {
  return {
    styleTitle: (title: string) => TITLES[title] ?? title,
    styleUsage: (usage: string) => usage.replace(/\[options\]/g, "[选项]").replace(/\[command\]/g, "[命令]"),
    subcommandTerm(this: Help, cmd: Command) {
      return Help.prototype.subcommandTerm.call(this, cmd).replace("[options]", "[选项]");
    },
    // Padding in columns, so Chinese terms line up.
    displayWidth,
    // Chinese has no spaces between words: wrap between any two characters, not only at spaces.
    boxWrap: wrapText,
  };
}

/** Wraps text to `width` columns, breaking at spaces or between CJK characters; existing line breaks stay. */
export function wrapText(text: string, width: number): string {
  if (width < 20) return text;
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = "";
    let used = 0;
    for (const token of raw.match(/[\u2e80-\ufaff\ufe30-\uffef]|[^\s\u2e80-\ufaff\ufe30-\uffef]+|\s+/g) ?? []) {
      const w = displayWidth(token);
      // Closing punctuation never starts a line: it may hang one column over.
      const hangs = /^[，。、；：）」』！？》]$/.test(token);
      if (used + w > width && used > 0 && !hangs) {
        out.push(line.trimEnd());
        line = "";
        used = 0;
        if (/^\s+$/.test(token)) continue;
      }
      line += token;
      used += w;
    }
    out.push(line.trimEnd());
  }
  return out.join("\n");
}

const ERRORS: [RegExp, (...m: string[]) => string][] = [
  [/^error: unknown option '([^']*)'(?:\n\(Did you mean (.*)\?\))?/, (o, s) => `错误：没有这个选项 ${o}${s ? `（是不是 ${s}？）` : ""}`],
  [/^error: unknown command '([^']*)'(?:\n\(Did you mean (.*)\?\))?/, (c, s) => `错误：没有这个命令 ${c}${s ? `（是不是 ${s}？）` : ""}`],
  [/^error: missing required argument '([^']*)'/, (a) => `错误：缺少参数 <${a}>`],
  [/^error: option '([^']*)' argument missing/, (o) => `错误：选项 ${o} 后面需要写上值`],
  [/^error: required option '([^']*)' not specified/, (o) => `错误：必须指定选项 ${o}`],
  [/^error: too many arguments(?: for '([^']*)')?\. Expected (\d+) arguments? but got (\d+)\./, (_c, e, g) => `错误：参数太多：应有 ${e} 个，给了 ${g} 个`],
  [/^error: (.*) cannot be used with (.*)$/, (a, b) => `错误：${a} 不能和 ${b} 一起使用`],
];

/** A commander error message in Chinese (unchanged if it is not one we know). */
export function translateCommanderError(message: string): string {
  const text = message.trimEnd();
  for (const [pattern, say] of ERRORS) {
    const m = pattern.exec(text);
    if (m) return say(...m.slice(1).map((x) => x ?? ""));
  }
  return text;
}

/** The end of `kj --help`: exit codes shared by every command, and where to start. */
export const PROGRAM_HELP_AFTER =
  "\n退出码：0 完成；1 完成，但有需要处理的结果（台账有错误、有建议调出的企业、有指标未达成、有公式结果是错误值等，详见各命令的帮助）；\n" +
  "        2 无法处理（文件不存在、不是 .xlsx、已加密或损坏、参数有误等），原因写在错误信息里。\n" +
  "原文件不会被修改：需要保存结果时用 --out 另存（recalc 可用 --in-place 直接更新，并保留 .bak 备份）。\n" +
  "先试试：npm run demo（生成示例台账并演示全部功能）；某个命令的详细用法：kj help <命令> 或 kj <命令> --help。";

import { strict as assert } from "assert";
import { Io } from "../../src/cli/common";
import { translateCommanderError, wrapText, displayWidth } from "../../src/cli/help-zh";
import { buildProgram, main } from "../../src/cli/main";

async function kj(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (s) => out.push(s), err: (s) => err.push(s), today: () => 19_723, isTTY: false };
  const code = await main(["node", "kj", ...args], io);
  return { code, out: out.join(""), err: err.join("") };
}

const CJK = /[\u4e00-\u9fff]/;
const ENGLISH_TITLES = /Usage:|Options:|Arguments:|Commands:|\[options\]|\[command\]|display help/;

const silentIo: Io = { out: () => undefined, err: () => undefined, today: () => 0, isTTY: false };
const COMMANDS = buildProgram(silentIo).commands.map((c) => c.name());

describe("kj help in Chinese", () => {
  it("kj --help lists every command in Chinese, with the exit codes", async () => {
    const r = await kj("--help");
    assert.equal(r.code, 0);
    assert.match(r.out, /^用法：/);
    assert.doesNotMatch(r.out, ENGLISH_TITLES);
    for (const name of COMMANDS) assert.match(r.out, new RegExp(`\\n  ${name} `), name);
    assert.match(r.out, /退出码/);
    assert.match(r.out, /npm run demo/);
  });

  it("knows at least the commands of the embedded default", () => {
    for (const name of ["award", "check", "recalc", "demo"]) assert.ok(COMMANDS.includes(name), name);
  });

  for (const name of COMMANDS.filter((n) => n !== "help")) {
    it(`kj ${name} --help: Chinese description, every option described, exit codes and an example`, async () => {
      const r = await kj(name, "--help");
      assert.equal(r.code, 0);
      assert.match(r.out, new RegExp(`^用法： kj ${name} `));
      assert.doesNotMatch(r.out, ENGLISH_TITLES);
      const cmd = buildProgram(silentIo).commands.find((c) => c.name() === name)!;
      assert.match(cmd.description(), CJK);
      for (const o of cmd.options) {
        assert.ok(r.out.includes(o.long ?? o.flags), `${name}: option ${o.flags} listed`);
        assert.match(o.description, CJK, `${name}: option ${o.flags} described in Chinese`);
      }
      for (const a of cmd.registeredArguments) assert.match(a.description, CJK, `${name}: argument ${a.name()} described in Chinese`);
      assert.match(r.out, /退出码/);
      assert.match(r.out, /示例/);
    });
  }

  it("kj help <命令> prints the same help as kj <命令> --help", async () => {
    const a = await kj("help", "recalc");
    const b = await kj("recalc", "--help");
    assert.equal(a.out, b.out);
  });

  it("parse errors are Chinese and exit 2", async () => {
    let r = await kj("recalc", "--no-such-option", "a.xlsx");
    assert.equal(r.code, 2);
    assert.match(r.err, /错误：没有这个选项 --no-such-option/);
    r = await kj("recalc");
    assert.equal(r.code, 2);
    assert.match(r.err, /错误：缺少参数 <工作簿\.xlsx>/);
    r = await kj("nosuchcommand");
    assert.equal(r.code, 2);
    assert.match(r.err, /错误：没有这个命令 nosuchcommand/);
    r = await kj("recalc", "a.xlsx", "--out");
    assert.equal(r.code, 2);
    assert.match(r.err, /选项 --out <结果\.xlsx> 后面需要写上值/);
  });

  it("translates commander's messages and keeps unknown ones", () => {
    assert.equal(translateCommanderError("error: unknown command 'chek'\n(Did you mean check?)"), "错误：没有这个命令 chek（是不是 check？）");
    assert.equal(translateCommanderError("error: too many arguments for 'award'. Expected 1 argument but got 2."), "错误：参数太多：应有 1 个，给了 2 个");
    assert.equal(translateCommanderError("something else"), "something else");
  });

  it("wraps Chinese between characters, never putting closing punctuation first", () => {
    const text = "演示：生成虚构的示例台账（五类台账、约 300 家企业），依次运行校验、动态管理、目标完成情况。";
    const lines = wrapText(text, 24).split("\n");
    assert.ok(lines.length > 1);
    for (const l of lines) {
      assert.ok(displayWidth(l) <= 26, l);
      assert.doesNotMatch(l, /^[，。、；：）]/);
    }
    assert.equal(lines.join("").replace(/\s/g, ""), text.replace(/\s/g, ""));
  });
});

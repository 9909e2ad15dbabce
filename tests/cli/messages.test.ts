/** What kj says when a file or folder cannot be used: plain Chinese with the place, never Node's English. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { jsonErrorReason } from "../../src/cli/common";
import { fileErrorReason } from "../../src/errors";
import { dayFromParts, DayNumber } from "../../src/dates";
import { kjRunner } from "../support/cli";

const kj = kjRunner(dayFromParts(2024, 12, 31) as DayNumber);
const ENGLISH = /[A-Za-z]{4,}/;

function parseError(text: string): unknown {
  try {
    JSON.parse(text);
  } catch (e) {
    return e;
  }
  throw new Error(`parsed: ${text}`);
}

describe("kj messages about files and JSON", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kj-messages-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("names the line and column of a JSON mistake", () => {
    const text = '{\n  "职工总数": 120,\n  "科技人员数": 30,\n}';
    assert.match(jsonErrorReason(parseError(text), text), /^第 4 行第 1 个字符附近格式有误（键和文字要用英文双引号/);
    assert.match(jsonErrorReason(parseError("{“职工总数”: 120}"), "{“职工总数”: 120}"), /^第 1 行第 2 个字符附近/);
    assert.match(jsonErrorReason(parseError('{"职工总数":'), '{"职工总数":'), /^内容不完整/);
    assert.equal(jsonErrorReason(parseError(""), ""), "内容为空");
  });

  it("says why a file operation failed in Chinese", () => {
    assert.equal(fileErrorReason({ code: "EACCES" }), "没有权限");
    assert.equal(fileErrorReason({ code: "ENOTDIR" }), "路径中有一项是文件而不是文件夹");
    assert.equal(fileErrorReason({ code: "EWHATEVER" }), "系统错误 EWHATEVER");
  });

  it("kj eligible --row with broken JSON: exit 2, where the mistake is, no English", async () => {
    const row = path.join(dir, "row.json");
    fs.writeFileSync(row, '{"职工总数": 120,, "科技人员数": 30}');
    const r = await kj("eligible", "科小", "--row", row);
    assert.equal(r.code, 2);
    assert.match(r.err, /企业资料“.*row\.json”不是有效的 JSON：第 1 行第 14 个字符附近格式有误/);
    assert.doesNotMatch(r.err.replace(row, "").replace(/JSON/g, ""), ENGLISH);
  });

  it("kj demo --out under a file: exit 2 and a Chinese reason", async () => {
    const file = path.join(dir, "占位.txt");
    fs.writeFileSync(file, "x");
    const r = await kj("demo", "--out", path.join(file, "演示"));
    assert.equal(r.code, 2);
    assert.match(r.err, /无法建立输出目录“.*”：路径中有一项是文件而不是文件夹/);
    assert.doesNotMatch(r.err.replace(dir, ""), ENGLISH);
  });
});

/**
 * CLI file safety, for every command that reads a workbook (check, upkeep, targets, awards,
 * recalc): a file that is not a usable .xlsx, or an output that cannot or must not be written,
 * gives exit 2 and a clear Chinese message on stderr; the input stays byte-identical and the
 * folders hold exactly what they held before (no output, no temporary file).
 */
import { strict as assert } from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Io } from "../../src/cli/common";
import { main } from "../../src/cli/main";
import { AS_OF, safetyFixture } from "./fixture";
import { safetyTempDir, writeSeedXlsx } from "./hosts";

/**
 * A minimal OLE compound file (MS-CFB v3, 512-byte sectors): header, one FAT sector, then the
 * directory, holding the root entry and one stream entry per name (the streams are empty).
 */
function compoundFile(names: readonly string[]): Buffer {
  const entries = ["Root Entry", ...names];
  const dirSectors = Math.ceil(entries.length / 4);
  const buf = Buffer.alloc(512 * (2 + dirSectors));
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(buf, 0);
  buf.writeUInt16LE(0x3e, 0x18); // minor version
  buf.writeUInt16LE(3, 0x1a); // major version 3
  buf.writeUInt16LE(0xfffe, 0x1c); // little-endian
  buf.writeUInt16LE(9, 0x1e); // 512-byte sectors
  buf.writeUInt16LE(6, 0x20); // 64-byte mini sectors
  buf.writeUInt32LE(1, 0x2c); // one FAT sector
  buf.writeUInt32LE(1, 0x30); // the directory starts at sector 1
  buf.writeUInt32LE(4096, 0x38); // mini stream cutoff
  buf.writeUInt32LE(0xfffffffe, 0x3c); // no mini FAT
  buf.writeUInt32LE(0xfffffffe, 0x44); // no DIFAT sectors
  for (let i = 0; i < 109; i++) buf.writeUInt32LE(i === 0 ? 0 : 0xffffffff, 0x4c + i * 4);
  const fat = 512; // sector 0
  for (let i = 0; i < 128; i++) buf.writeUInt32LE(0xffffffff, fat + i * 4);
  buf.writeUInt32LE(0xfffffffd, fat); // sector 0 is the FAT
  for (let s = 0; s < dirSectors; s++) buf.writeUInt32LE(s === dirSectors - 1 ? 0xfffffffe : s + 2, fat + (s + 1) * 4);
  entries.forEach((name, i) => {
    const at = 512 * 2 + i * 128;
    buf.write(name, at, "utf16le");
    buf.writeUInt16LE((name.length + 1) * 2, at + 0x40);
    buf.writeUInt8(i === 0 ? 5 : 2, at + 0x42); // root storage / stream
    buf.writeUInt32LE(0xffffffff, at + 0x44); // left sibling
    buf.writeUInt32LE(i + 1 < entries.length && i > 0 ? i + 1 : 0xffffffff, at + 0x48); // right sibling
    buf.writeUInt32LE(i === 0 && entries.length > 1 ? 1 : 0xffffffff, at + 0x4c); // child
    buf.writeUInt32LE(0xfffffffe, at + 0x74); // start sector
  });
  return buf;
}

const COMMANDS: Record<string, string[]> = {
  check: ["check"],
  upkeep: ["upkeep", "--remove"],
  targets: ["targets"],
  awards: ["awards"],
  recalc: ["recalc"],
};

function sha(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

async function kj(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (s) => out.push(s), err: (s) => err.push(s), today: () => AS_OF, isTTY: false };
  const code = await main(["node", "kj", ...args], io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** Everything in a folder, recursively (names only). */
function listing(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map(String).sort();
}

/** Runs a command that must refuse: exit 2, the Chinese message, the input and folders unchanged. */
async function expectRefused(args: string[], input: string, folders: readonly string[], message: RegExp): Promise<void> {
  const shaBefore = sha(input);
  const before = folders.map(listing);
  const r = await kj(args);
  assert.equal(r.code, 2, `exit code of kj ${args.join(" ")}: ${r.err}`);
  assert.match(r.err, /^错误：/, "the message is on stderr");
  assert.match(r.err, message);
  assert.doesNotMatch(r.err, /内部错误|Error:|at .*\.ts/, "a plain message, not a crash");
  assert.equal(sha(input), shaBefore, "the input is byte-identical");
  folders.forEach((f, i) => assert.deepEqual(listing(f), before[i], `nothing left behind in ${f}`));
}

describe("kj file safety: every command that reads a workbook", function () {
  this.timeout(60_000);
  let root: string;
  let valid: string;

  before(async () => {
    root = fs.mkdtempSync(path.join(safetyTempDir(), "files-"));
    valid = path.join(root, "好的台账.xlsx");
    await writeSeedXlsx(safetyFixture().seed, valid);
  });

  const badInputs: { what: string; name: string; bytes: () => Buffer; message: RegExp }[] = [
    { what: "a 0-byte file", name: "空.xlsx", bytes: () => Buffer.alloc(0), message: /空的（0 字节）/ },
    { what: "a corrupted (truncated) zip", name: "损坏.xlsx", bytes: () => fs.readFileSync(valid).subarray(0, Math.floor(fs.statSync(valid).size / 2)), message: /已损坏/ },
    { what: "an encrypted workbook", name: "加密.xlsx", bytes: () => compoundFile(["EncryptionInfo", "EncryptedPackage", "\u0006DataSpaces"]), message: /文件设有打开密码，请先取消密码后另存/ },
    { what: "a .xls renamed .xlsx", name: "旧版.xlsx", bytes: () => compoundFile(["Workbook", "\u0005SummaryInformation"]), message: /旧版 \.xls/ },
    { what: "a .csv", name: "导出.csv", bytes: () => Buffer.from("企业名称,统一社会信用代码,注册日期\n枣庄甲科技有限公司,91370403MA3C00001X,2019-05-01\n"), message: /CSV/ },
  ];

  for (const [command, args] of Object.entries(COMMANDS)) {
    describe(`kj ${command}`, () => {
      for (const bad of badInputs) {
        it(`refuses ${bad.what}`, async () => {
          const dir = fs.mkdtempSync(path.join(root, `${command}-`));
          const input = path.join(dir, bad.name);
          fs.writeFileSync(input, bad.bytes());
          await expectRefused([...args, input, "--as-of", "2025-01-01", "--out", path.join(dir, "结果.xlsx")], input, [dir], bad.message);
        });
      }

      it("refuses an output folder that is a regular file (unwritable even for root)", async () => {
        const dir = fs.mkdtempSync(path.join(root, `${command}-`));
        const input = path.join(dir, "台账.xlsx");
        fs.copyFileSync(valid, input);
        const notAFolder = path.join(dir, "说明.txt");
        fs.writeFileSync(notAFolder, "一个普通文件");
        await expectRefused([...args, input, "--as-of", "2025-01-01", "--out", path.join(notAFolder, "结果.xlsx")], input, [dir], /不是文件夹/);
        assert.equal(fs.readFileSync(notAFolder, "utf8"), "一个普通文件");
      });

      it("refuses an output under /proc, where nothing can be created, and leaves no temporary file", async function () {
        if (!fs.existsSync("/proc/self")) return this.skip();
        const dir = fs.mkdtempSync(path.join(root, `${command}-`));
        const input = path.join(dir, "台账.xlsx");
        fs.copyFileSync(valid, input);
        const out = `/proc/kj-safety-${process.pid}.xlsx`;
        await expectRefused([...args, input, "--as-of", "2025-01-01", "--out", out], input, [dir], /保存“.*”失败|没有权限写入/);
        assert.ok(!fs.existsSync(out));
        assert.deepEqual(fs.readdirSync("/proc").filter((n) => n.includes("kj-tmp") || n.includes("kj-safety")), []);
      });

      it("refuses a read-only folder (chmod 555) when not running as root", async function () {
        if (process.getuid?.() === 0) return this.skip(); // root writes anyway: the two tests above cover it
        const dir = fs.mkdtempSync(path.join(root, `${command}-`));
        const input = path.join(dir, "台账.xlsx");
        fs.copyFileSync(valid, input);
        const locked = fs.mkdtempSync(path.join(root, "只读-"));
        fs.chmodSync(locked, 0o555);
        try {
          await expectRefused([...args, input, "--as-of", "2025-01-01", "--out", path.join(locked, "结果.xlsx")], input, [dir, locked], /没有权限写入/);
        } finally {
          fs.chmodSync(locked, 0o755);
        }
      });

      it("refuses an output that is the input: the same path, another spelling of it, a link to it", async () => {
        const dir = fs.mkdtempSync(path.join(root, `${command}-`));
        const input = path.join(dir, "台账.xlsx");
        fs.copyFileSync(valid, input);
        const link = path.join(dir, "链接.xlsx");
        fs.symlinkSync(input, link);
        for (const out of [input, `${dir}/./子/../台账.xlsx`, link]) {
          await expectRefused([...args, input, "--as-of", "2025-01-01", "--out", out], input, [dir], /不能与输入文件相同/);
        }
      });
    });
  }
});

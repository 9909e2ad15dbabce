/**
 * The browser's zlib (taskpane/shims/zlib.ts, over fflate) does what the package policy asks of
 * Node's: the same CRC-32, the same inflated bytes, the same refusal past maxOutputLength, a
 * cut stream with Z_SYNC_FLUSH giving what it has, and a streaming inflate.
 */
import { strict as assert } from "assert";
import * as zlib from "zlib";
import * as shim from "../../../taskpane/shims/zlib";

function sample(n: number): Buffer {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(`<row r="${i}"><c r="A${i}" t="inlineStr"><is><t>陶庄镇企业${i * 7919}</t></is></c></row>`);
  return Buffer.from(parts.join(""), "utf8");
}

describe("zlib for the browser bundles (fflate)", () => {
  const data = sample(5000);
  const raw = zlib.deflateRawSync(data);

  it("computes CRC-32 as Node does, also running over chunks", () => {
    assert.equal(shim.crc32(data), zlib.crc32(data));
    const half = Math.floor(data.length / 2);
    assert.equal(shim.crc32(data.subarray(half), shim.crc32(data.subarray(0, half))), zlib.crc32(data));
    assert.equal(shim.crc32(new Uint8Array(0)), 0);
  });

  it("inflates raw deflate data to the same bytes, and refuses more than maxOutputLength", () => {
    assert.ok(shim.inflateRawSync(raw, { maxOutputLength: data.length }).equals(data));
    assert.throws(() => shim.inflateRawSync(raw, { maxOutputLength: data.length - 1 }), (e: Error) => e instanceof RangeError && /larger than/.test(e.message) && (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE");
    assert.throws(() => zlib.inflateRawSync(raw, { maxOutputLength: data.length - 1 }), RangeError);
  });

  it("with Z_SYNC_FLUSH gives the start of a cut stream; without it a cut stream is an error", () => {
    const head = shim.inflateRawSync(raw.subarray(0, 4096), { finishFlush: shim.constants.Z_SYNC_FLUSH, maxOutputLength: 16 * 2 ** 20 });
    assert.ok(head.length > 100);
    assert.ok(data.subarray(0, head.length).equals(head));
    assert.throws(() => shim.inflateRawSync(raw.subarray(0, 4096)));
  });

  it("streams: data events in order, then end; a damaged stream ends in an error", async () => {
    const got: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const s = shim.createInflateRaw();
      s.on("data", (c) => got.push(c as Buffer));
      s.on("error", reject);
      s.on("end", () => resolve());
      s.end(raw);
    });
    assert.ok(Buffer.concat(got).equals(data));
    const bad = Buffer.from(raw);
    bad[10] ^= 0xff;
    bad[11] ^= 0xff;
    await new Promise<void>((resolve) => {
      const s = shim.createInflateRaw();
      s.on("error", () => resolve());
      s.on("end", () => resolve());
      s.end(bad.subarray(0, 2000));
    });
  });
});

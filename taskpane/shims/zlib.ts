/**
 * The part of Node's zlib that the package policy (src/host/xlsx/package.ts) uses, for the task
 * pane, where the user's picked workbooks are opened with the same checks as in the CLI. Built
 * on fflate (pure JavaScript). webpack resolves "zlib" to this file for the browser bundles only;
 * tests/host/xlsx/zlib-shim.test.ts checks it against Node's zlib.
 *
 *   crc32(data, value?)                          running CRC-32, as zlib.crc32
 *   inflateRawSync(data, { maxOutputLength, finishFlush })
 *                                                throws a RangeError "larger than" past the limit;
 *                                                with Z_SYNC_FLUSH a cut stream gives what it has
 *   createInflateRaw()                           on("data" | "error" | "end"), end(data), destroy()
 *   deflateRawSync                               undefined: the writers (src/host/xlsx/ooxml.ts putPart)
 *                                                then let JSZip compress, as in the browser before
 */
import { Buffer } from "buffer";
import { Inflate } from "fflate";

export const constants = { Z_SYNC_FLUSH: 2, Z_FINISH: 4 } as const;

/** No deflate here: putPart checks for it and leaves compressing to JSZip. */
export const deflateRawSync: ((data: Uint8Array, options?: { level?: number }) => Buffer) | undefined = undefined;

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(data: Uint8Array | string, value = 0): number {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let c = (value ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

class TooLarge extends RangeError {
  code = "ERR_BUFFER_TOO_LARGE";
  constructor(limit: number) {
    super(`Cannot create a Buffer larger than ${limit} bytes`);
  }
}

export interface InflateOptions {
  maxOutputLength?: number;
  finishFlush?: number;
  chunkSize?: number;
}

/** Inflates raw deflate data; past maxOutputLength a RangeError (as Node's). */
export function inflateRawSync(data: Uint8Array, options: InflateOptions = {}): Buffer {
  const limit = options.maxOutputLength ?? Number.MAX_SAFE_INTEGER;
  const parts: Uint8Array[] = [];
  let size = 0;
  let ended = false;
  const inflate = new Inflate((chunk, final) => {
    size += chunk.length;
    if (size > limit) throw new TooLarge(limit);
    parts.push(chunk);
    if (final) ended = true;
  });
  // Fed in slices so a bomb is stopped at the limit, not after inflating it all.
  const step = 64 * 1024;
  for (let at = 0; at < data.length; at += step) inflate.push(data.subarray(at, Math.min(data.length, at + step)), false);
  if (options.finishFlush !== constants.Z_SYNC_FLUSH) {
    if (!ended) inflate.push(new Uint8Array(0), true);
    if (!ended) throw Object.assign(new Error("unexpected end of file"), { code: "Z_BUF_ERROR" });
  }
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.length)), size);
}

type Listener = (arg?: unknown) => void;

/** A minimal raw-inflate stream: listeners for data, error and end; end(data) runs it. */
export function createInflateRaw(): {
  on(event: "data" | "error" | "end", cb: Listener): void;
  end(data: Uint8Array): void;
  destroy(): void;
} {
  const listeners: Record<string, Listener[]> = { data: [], error: [], end: [] };
  let destroyed = false;
  const emit = (event: string, arg?: unknown) => listeners[event].forEach((cb) => cb(arg));
  return {
    on: (event, cb) => void listeners[event].push(cb),
    destroy: () => void (destroyed = true),
    end: (data) => {
      // Asynchronous, as a Node stream: listeners are all attached first.
      setTimeout(() => {
        let ended = false;
        try {
          const inflate = new Inflate((chunk, final) => {
            if (destroyed) return;
            if (chunk.length) emit("data", Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
            if (final) ended = true;
          });
          const step = 64 * 1024;
          for (let at = 0; at < data.length && !destroyed; at += step) inflate.push(data.subarray(at, Math.min(data.length, at + step)), at + step >= data.length);
          if (data.length === 0) inflate.push(new Uint8Array(0), true);
        } catch (e) {
          if (!destroyed) emit("error", e);
          return;
        }
        if (destroyed) return;
        if (!ended) emit("error", Object.assign(new Error("unexpected end of file"), { code: "Z_BUF_ERROR" }));
        else emit("end");
      }, 0);
    },
  };
}

/**
 * A raw zip writer for tests: what no well-behaved library writes (two entries of one name,
 * hostile names, sizes that lie, a bad CRC, an encrypted-entry flag), so the package policy
 * (src/host/xlsx/package.ts) can be shown refusing each. Also reads a package's parts back.
 */
import JSZip from "jszip";
import * as zlib from "zlib";

export interface RawEntry {
  name: string;
  data: Buffer | string;
  /** 8 (deflate, default) or 0 (stored). */
  method?: 0 | 8;
  /** The uncompressed size the directory declares (default: the real one). */
  declaredSize?: number;
  /** The CRC-32 the directory declares (default: the real one). */
  crc?: number;
  /** General-purpose flags (bit 0: encrypted). */
  flags?: number;
  /** Already-deflated data to store as this entry's compressed bytes (method 8). */
  rawDeflated?: Buffer;
}

/** A zip of `entries`, in order, written byte by byte. */
export function rawZip(entries: readonly RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = typeof e.data === "string" ? Buffer.from(e.data, "utf8") : e.data;
    const method = e.method ?? 8;
    const compressed = e.rawDeflated ?? (method === 8 ? zlib.deflateRawSync(data) : data);
    const name = Buffer.from(e.name, "utf8");
    const crc = e.crc ?? zlib.crc32(data);
    const size = e.declaredSize ?? data.length;
    const flags = (e.flags ?? 0) | 0x0800;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, compressed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size >>> 0, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + compressed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

/** Every part of a package (read with JSZip), as raw entries in the package's order. */
export async function partsOf(bytes: Buffer): Promise<RawEntry[]> {
  const zip = await JSZip.loadAsync(bytes);
  const out: RawEntry[] = [];
  for (const [name, file] of Object.entries(zip.files)) {
    if (file.dir) continue;
    out.push({ name, data: await file.async("nodebuffer") });
  }
  return out;
}

/** A package rebuilt from `bytes` with some parts replaced (by name) and others added at the end. */
export async function withParts(bytes: Buffer, change: (parts: RawEntry[]) => RawEntry[]): Promise<Buffer> {
  return rawZip(change(await partsOf(bytes)));
}

/**
 * Payload estimates and chunk planning for hosts that talk to a spreadsheet through requests
 * (Excel on the web refuses requests over 5 MB; we stay under 4 MB with a margin for the
 * request envelope). Estimates are UTF-8 bytes of the JSON that carries the data.
 */

/** The ceiling every request must stay under (tests check this). */
export const MAX_REQUEST_BYTES = 4_000_000;
/** What a batch fills up to before it syncs: leaves room for the envelope's own overhead. */
export const DEFAULT_CHUNK_BUDGET = 3_500_000;
/** Rough size of one queued action's envelope (ids, action type, object path) in a request. */
export const OP_OVERHEAD_BYTES = 200;

/** UTF-8 length of a string without encoding it (CJK text is 3 bytes a character). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Bytes of `value` serialised as JSON (Dates count as their ISO text). */
export function jsonBytes(value: unknown): number {
  const s = JSON.stringify(value);
  return s === undefined ? 4 : utf8Length(s);
}

/**
 * Splits a block into consecutive row slices whose JSON stays under `budget` bytes each
 * (a single row larger than the budget is its own slice).
 */
export function splitRowsByBudget<T>(rows: readonly T[][], budget: number, extraBytesPerRow = 0): { offset: number; rows: T[][] }[] {
  const out: { offset: number; rows: T[][] }[] = [];
  let start = 0;
  let size = 2;
  for (let i = 0; i < rows.length; i++) {
    const rowBytes = jsonBytes(rows[i]) + 1 + extraBytesPerRow;
    if (i > start && size + rowBytes > budget) {
      out.push({ offset: start, rows: rows.slice(start, i) as T[][] });
      start = i;
      size = 2;
    }
    size += rowBytes;
  }
  if (rows.length > start) out.push({ offset: start, rows: rows.slice(start) as T[][] });
  return out;
}

/** Row numbers -> maximal runs of consecutive rows, bottom run first (the order to delete them in). */
export function runsBottomUp(rowNumbers: readonly number[]): { start: number; count: number }[] {
  const sorted = [...new Set(rowNumbers.filter((r) => Number.isInteger(r) && r >= 1))].sort((a, b) => a - b);
  const runs: { start: number; count: number }[] = [];
  for (const r of sorted) {
    const last = runs[runs.length - 1];
    if (last && last.start + last.count === r) last.count++;
    else runs.push({ start: r, count: 1 });
  }
  return runs.reverse();
}

/**
 * Collects queued work and flushes it (one sync) whenever the next piece would push the
 * pending payload over the budget.
 */
export class PayloadBatcher {
  private pendingBytes = 0;
  private pendingOps = 0;
  constructor(
    private readonly budget: number,
    private readonly flushFn: () => Promise<void>,
  ) {}

  /** Call before queueing a piece of `bytes`; may flush what is pending first. */
  async reserve(bytes: number): Promise<void> {
    if (this.pendingOps > 0 && this.pendingBytes + bytes > this.budget) await this.flush();
    this.pendingBytes += bytes;
    this.pendingOps++;
  }

  /** Syncs what is pending, if anything; true when it synced. */
  async flush(): Promise<boolean> {
    if (this.pendingOps === 0) return false;
    this.pendingBytes = 0;
    this.pendingOps = 0;
    await this.flushFn();
    return true;
  }

  get pending(): number {
    return this.pendingBytes;
  }
}

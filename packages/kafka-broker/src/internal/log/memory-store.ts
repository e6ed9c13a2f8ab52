/**
 * The in-memory store: segments as arrays of batch copies. The default store
 * of a partition log; nothing outlives the process.
 *
 * Invariants (over `#segments`):
 * - segments are in base-offset order; in each, `bases` increases strictly
 *   and `batches[i]` is the batch whose base offset is `bases[i]`;
 * - every batch is this store's own copy (`slice`), never a view of the
 *   caller's buffer, so a network layer may reuse its read buffer.
 */

import { LogClosedError } from "../../errors.js";
import type { LoadedLog, LogStore, PlacedBatch } from "./store.js";

interface MemorySegment {
  readonly baseOffset: number;
  readonly bases: number[];
  readonly batches: Uint8Array[];
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * A {@link LogStore} in memory.
 *
 * Gotchas: `read` returns the stored arrays themselves (no copy): callers
 * must not write into them.
 */
export class MemoryStore implements LogStore {
  readonly durable = false;
  readonly #segments: MemorySegment[] = [];
  #closed = false;

  load(): LoadedLog {
    return { segments: [], logStartOffset: undefined };
  }

  roll(baseOffset: number): void {
    this.#checkOpen();
    this.#segments.push({ baseOffset, bases: [], batches: [] });
  }

  append(bytes: Uint8Array, batches: readonly PlacedBatch[]): void {
    this.#checkOpen();
    const segment = this.#segments[this.#segments.length - 1]!;
    for (const b of batches) {
      segment.bases.push(b.baseOffset);
      segment.batches.push(bytes.slice(b.position, b.position + b.size));
    }
  }

  read(segmentBase: number, fromOffset: number, byteLength: number): Uint8Array[] {
    this.#checkOpen();
    const segment = this.#segments[lastAtOrBelow(this.#segments, segmentBase, (s) => s.baseOffset)];
    if (segment === undefined || segment.baseOffset !== segmentBase)
      throw new RangeError(`MemoryStore.read: no segment at ${segmentBase}`);
    let i = lastAtOrBelow(segment.bases, fromOffset, (b) => b);
    if (segment.bases[i] !== fromOffset) throw new RangeError(`MemoryStore.read: no batch at ${fromOffset}`);
    const out: Uint8Array[] = [];
    let left = byteLength;
    while (left > 0) {
      const batch = segment.batches[i++];
      if (batch === undefined || batch.byteLength > left)
        throw new RangeError(`MemoryStore.read: ${byteLength} bytes from ${fromOffset} is not a run of whole batches`);
      out.push(batch);
      left -= batch.byteLength;
    }
    return out;
  }

  deleteOldestSegments(count: number): void {
    this.#checkOpen();
    this.#segments.splice(0, count);
  }

  saveLogStartOffset(_offset: number): void {}

  whenDurable(): Promise<void> {
    return RESOLVED;
  }

  flush(): Promise<void> {
    return RESOLVED;
  }

  close(): Promise<void> {
    this.#closed = true;
    return RESOLVED;
  }

  #checkOpen(): void {
    if (this.#closed) throw new LogClosedError("MemoryStore: the store is closed");
  }
}

/** The index of the last element whose key is <= `key` (binary search), or -1. */
export function lastAtOrBelow<T>(items: readonly T[], key: number, keyOf: (item: T) => number): number {
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (keyOf(items[mid]!) <= key) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

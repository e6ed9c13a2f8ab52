/**
 * The interface between a partition log and the place its bytes live: small
 * on purpose, so the in-memory store and the durable segment-file store are
 * interchangeable and pass one contract suite (test/log/store.contract.test.ts).
 *
 * The log owns every decision: offsets, when to roll a segment, which
 * segments retention deletes, the per-batch index, the producer state. A
 * store owns bytes and positions: it appends whole, already-validated batches
 * to its active (last) segment, reads a run of whole batches back by the base
 * offset of the first, deletes its oldest segments, and says when appended
 * bytes are as durable as its flush policy promises.
 *
 * Contract, for every store:
 * - segments are created only by `roll`, at increasing base offsets, and
 *   deleted only oldest first; `append` writes into the newest;
 * - `append` has copied or written the bytes before it returns: the caller may
 *   reuse its buffer at once;
 * - `read(segment, offset, n)` returns exactly the `n` bytes stored from the
 *   batch whose base offset is `offset`, as one or more chunks; the log asks
 *   only for runs of whole batches that lie inside that segment;
 * - `whenDurable()` resolves once everything appended before the call is as
 *   durable as the store's flush policy promises ("always": on disk);
 * - after `close()` resolves every byte appended is on disk (durable store)
 *   and no method but `close` may be called.
 */

import type { BatchHeader } from "./batch-view.js";

/**
 * When a durable store forces its writes to disk (fsync):
 * - `"always"`: before an append's promise resolves (acks=all means on disk);
 *   concurrent appends share one fsync (group commit);
 * - `{ intervalMs }`: at most `intervalMs` after the first unsynced write;
 * - `"never"`: only when a segment is closed and at `close()` (Kafka's default,
 *   which relies on replication).
 * Under every policy a write is in the operating system's page cache when
 * append returns, so a killed broker process loses nothing; the policy
 * decides what a machine crash or power loss can take.
 */
export type FlushPolicy = "always" | "never" | { readonly intervalMs: number };

/** A batch placed in a buffer: where it starts, how long it is, and the base offset the log gave it. */
export interface PlacedBatch {
  /** Where the batch starts in the bytes given to `append`. */
  readonly position: number;
  /** Its length in bytes. */
  readonly size: number;
  /** The base offset the log assigned (already written into the bytes). */
  readonly baseOffset: number;
  /** Its last offset: `baseOffset + lastOffsetDelta`. */
  readonly lastOffset: number;
}

/** One segment as a store found it when opened. */
export interface LoadedSegment {
  readonly baseOffset: number;
  /** Its batches' headers, oldest first (`position` is within the segment). */
  readonly batches: readonly BatchHeader[];
  /** When the segment was last written (ms since the epoch): the age of batches that carry no timestamp. */
  readonly lastModified: number;
}

/** What a store held when it was opened. */
export interface LoadedLog {
  /** Oldest first, contiguous: each segment starts where the previous one ends. */
  readonly segments: readonly LoadedSegment[];
  /** The log start offset last saved with {@link LogStore.saveLogStartOffset}, if any. */
  readonly logStartOffset: number | undefined;
}

/** Where a partition log keeps its batches. See the contract in this file's header. */
export interface LogStore {
  /** Whether the bytes outlive the process (`false` for the memory store). */
  readonly durable: boolean;
  /** What the store holds; called once, by the log, before any other method. */
  load(): LoadedLog;
  /** Starts a new, empty active segment at `baseOffset`. Precondition: above every offset held. */
  roll(baseOffset: number): void;
  /**
   * Appends `batches` (whole, contiguous in `bytes`, in offset order, offsets
   * assigned) to the active segment. Precondition: at least one batch.
   */
  append(bytes: Uint8Array, batches: readonly PlacedBatch[]): void;
  /** The `byteLength` bytes of segment `segmentBase` from the batch whose base offset is `fromOffset`. */
  read(segmentBase: number, fromOffset: number, byteLength: number): Uint8Array[];
  /** Deletes the `count` oldest segments. Precondition: `count` < the number of segments. */
  deleteOldestSegments(count: number): void;
  /** Remembers the log start offset across a restart (a no-op for a store that does not outlive the process). */
  saveLogStartOffset(offset: number): void;
  /** Resolves when everything appended so far is as durable as the flush policy promises. */
  whenDurable(): Promise<void>;
  /** Forces everything appended so far to disk, whatever the policy (a no-op in memory). */
  flush(): Promise<void>;
  /** Flushes and releases the store's files. Idempotent. */
  close(): Promise<void>;
}

/**
 * Where a store reports what recovery found and did. `warn` is for data it
 * had to drop (a torn or corrupt tail, a segment that does not follow its
 * predecessor); `info` for repairs that lose nothing (a rebuilt index).
 */
export interface StoreLogger {
  warn(message: string, details: Readonly<Record<string, unknown>>): void;
  info(message: string, details: Readonly<Record<string, unknown>>): void;
}

/** The logger used when none is given: warnings to `console.warn`, nothing else. */
export const consoleStoreLogger: StoreLogger = {
  warn(message, details) {
    console.warn(`[kafka-broker] ${message}`, details);
  },
  info() {},
};

/**
 * The log of one partition: record batches stored as they arrive (the broker
 * assigns offsets by rewriting `baseOffset` and `partitionLeaderEpoch` in
 * place; records are never re-encoded), read back whole, found by offset or
 * by timestamp, and deleted oldest segment first by retention or by
 * deleteRecords. Bytes live in a {@link LogStore} (memory or segment files);
 * the log keeps the per-batch index and the idempotent-producer state.
 *
 * Map: Invariants · SegmentMeta (per-batch index) · PartitionLog: open,
 * append, read, offsetForTimestamp, retention and deleteRecords, invariants.
 *
 * Invariants (over `#segments`, `#logStart`, `#logEnd`):
 * - `logStart <= highWatermark <= logEnd`, and `highWatermark == logEnd`
 *   (one replica: everything appended is committed);
 * - `#segments` is never empty; segment i+1 starts at segment i's
 *   `nextOffset`; the last ends at `logEnd`; only the last may be empty;
 * - within a segment, batch i+1 starts right after batch i ends (offsets are
 *   contiguous, so a batch's last offset is the next one's base - 1);
 * - `#segments[0].baseOffset <= logStart`, and no segment but the last lies
 *   wholly below `logStart` (deleteRecords and retention delete those);
 * - `#bytes` is the sum of the segments' bytes; every segment's `runningMax`
 *   is the running maximum of its batches' max timestamps;
 * - the producer table holds only batches at or above the first segment's
 *   base offset, below `logEnd`: it is what replaying the stored headers gives.
 *
 * Every method changes the state to completion before it returns or awaits:
 * no user code (no promise reaction) can run while it is half updated. An
 * append's promise settles later, when the store says the bytes are durable.
 */

import { InvalidLogArgumentError, isLogStorageError, LogClosedError, type LogStorageError } from "../../errors.js";
import { assignOffset, type BatchHeader, parseBatches } from "./batch-view.js";
import { LogErrorCode } from "./error-codes.js";
import { type LogConfig, type PartitionLogOptions, validateLogConfig } from "./log-config.js";
import { type ProducerSnapshot, ProducerStateTable } from "./producer-state.js";
import type { LogStore, PlacedBatch } from "./store.js";

/** The ListOffsets timestamp that asks for the log start offset. */
export const EARLIEST_TIMESTAMP = -2;
/** The ListOffsets timestamp that asks for the log end offset (the high watermark). */
export const LATEST_TIMESTAMP = -1;
/** The DeleteRecords offset that means "up to the high watermark". */
export const HIGH_WATERMARK_OFFSET = -1;
const MAX_INT32 = 2_147_483_647;

/** Options of one append. */
export interface AppendOptions {
  /** The broker's clock now (ms since the epoch): the age, for retention, of batches without a timestamp. */
  readonly now: number;
  /** Written into every batch's partitionLeaderEpoch; 0 when absent. */
  readonly leaderEpoch?: number | undefined;
}

/** The answer to an append. */
export type AppendResult =
  /** Every batch was stored; `batchBaseOffsets[i]` is batch i's base offset. */
  | {
      readonly kind: "appended";
      readonly baseOffset: number;
      readonly lastOffset: number;
      readonly batchBaseOffsets: readonly number[];
      readonly logStartOffset: number;
    }
  /** A retried idempotent batch: nothing stored; answer the client with the offsets it got the first time. */
  | {
      readonly kind: "duplicate";
      readonly baseOffset: number;
      readonly lastOffset: number;
      readonly logStartOffset: number;
    }
  /** Nothing stored; answer the client with `errorCode`. */
  | { readonly kind: "rejected"; readonly errorCode: LogErrorCode; readonly message: string };

/** The answer to a read. */
export type ReadResult =
  | {
      readonly kind: "records";
      /** Whole batches, oldest first, as chunks to write back to back; empty at the log end. */
      readonly records: readonly Uint8Array[];
      readonly byteLength: number;
      readonly highWatermark: number;
      readonly logStartOffset: number;
    }
  | {
      readonly kind: "out-of-range";
      readonly errorCode: typeof LogErrorCode.OFFSET_OUT_OF_RANGE;
      readonly logStartOffset: number;
      readonly logEndOffset: number;
    };

/** The answer to a timestamp lookup. */
export interface TimestampOffset {
  /** The offset to start reading at. */
  readonly offset: number;
  /** The timestamp found there: the batch's max timestamp; -1 for the earliest/latest specials. */
  readonly timestamp: number;
}

/** What one retention pass deleted. */
export interface RetentionResult {
  readonly deletedSegments: number;
  readonly deletedBytes: number;
  readonly logStartOffset: number;
}

/** The answer to deleteRecords. */
export type DeleteRecordsResult =
  | { readonly kind: "deleted"; readonly logStartOffset: number }
  | {
      readonly kind: "out-of-range";
      readonly errorCode: typeof LogErrorCode.OFFSET_OUT_OF_RANGE;
      readonly logStartOffset: number;
      readonly highWatermark: number;
    };

// ---------------------------------------------------------------------------
// SegmentMeta: the per-batch index of one segment
// ---------------------------------------------------------------------------

/**
 * What the log knows about one segment's batches, in columns: base offset,
 * size, max timestamp and its running maximum. Appended to by `push` only;
 * dropped whole when its segment is deleted.
 */
class SegmentMeta {
  readonly bases: number[] = [];
  readonly sizes: number[] = [];
  readonly maxTimestamps: number[] = [];
  /** `runningMax[i]` = max of `maxTimestamps[0..i]`: binary-searchable for a timestamp. */
  readonly runningMax: number[] = [];
  /** The offset after the last batch; `baseOffset` while empty. */
  nextOffset: number;
  bytes = 0;
  /** The newest "age" of its batches (max timestamp, or append time when a batch has none); -Infinity while empty. */
  newest = Number.NEGATIVE_INFINITY;

  constructor(readonly baseOffset: number) {
    this.nextOffset = baseOffset;
  }

  get count(): number {
    return this.bases.length;
  }

  /** Precondition: `base === nextOffset`. */
  push(base: number, lastOffset: number, size: number, maxTimestamp: number, age: number): void {
    const n = this.bases.length;
    this.bases.push(base);
    this.sizes.push(size);
    this.maxTimestamps.push(maxTimestamp);
    this.runningMax.push(n === 0 ? maxTimestamp : Math.max(this.runningMax[n - 1]!, maxTimestamp));
    this.nextOffset = lastOffset + 1;
    this.bytes += size;
    if (age > this.newest) this.newest = age;
  }

  /** The index of the batch holding `offset`. Precondition: `baseOffset <= offset < nextOffset`. */
  batchHolding(offset: number): number {
    return lastAtOrBelow(this.bases, offset);
  }
}

/** The index of the last element <= `key` in an ascending array, or -1. */
function lastAtOrBelow(sorted: readonly number[], key: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= key) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

// ---------------------------------------------------------------------------
// PartitionLog
// ---------------------------------------------------------------------------

/**
 * The log of one partition. Open with {@link PartitionLog.open} over a store:
 * `new MemoryStore()` (the default of a broker) or `SegmentStore.open(dir)`.
 *
 * Ordering: appends are assigned offsets in call order, and a batch is
 * readable as soon as `append` returns (before its promise settles).
 *
 * Gotchas: `append` rewrites the caller's bytes in place (baseOffset and
 * partitionLeaderEpoch); the store keeps its own copy, so the caller may
 * reuse the buffer once `append` has returned.
 */
export class PartitionLog {
  readonly #store: LogStore;
  readonly #config: LogConfig;
  readonly #producers = new ProducerStateTable();
  /** Oldest first; see the invariants. Replaced only by retention (splice). */
  readonly #segments: SegmentMeta[] = [];
  #logStart = 0;
  #logEnd = 0;
  #bytes = 0;
  #closed = false;
  /** The storage error that took the log offline; set once, by `#guard`. */
  #failure: LogStorageError | undefined;

  private constructor(store: LogStore, config: LogConfig) {
    this.#store = store;
    this.#config = config;
  }

  /**
   * Opens a log over `store`: loads what the store holds (a durable store
   * recovers its files here), rebuilds the per-batch index and the producer
   * state from the batch headers, and starts a first segment if there is none.
   *
   * @throws InvalidLogConfigError - an option out of range (nothing is read).
   * @throws LogStorageError - the store's files cannot be read or repaired.
   */
  static open(store: LogStore, options: PartitionLogOptions = {}): PartitionLog {
    const log = new PartitionLog(store, validateLogConfig(options));
    const loaded = store.load();
    for (const segment of loaded.segments) {
      const meta = new SegmentMeta(segment.baseOffset);
      for (const h of segment.batches) {
        const age = h.maxTimestamp >= 0 ? h.maxTimestamp : segment.lastModified;
        meta.push(h.baseOffset, h.baseOffset + h.lastOffsetDelta, h.size, h.maxTimestamp, age);
        log.#producers.record(h, h.baseOffset);
      }
      log.#segments.push(meta);
      log.#bytes += meta.bytes;
    }
    if (log.#segments.length === 0) {
      const start = loaded.logStartOffset ?? 0;
      store.roll(start);
      log.#segments.push(new SegmentMeta(start));
    }
    log.#logEnd = log.#segments[log.#segments.length - 1]!.nextOffset;
    const saved = loaded.logStartOffset ?? 0;
    log.#logStart = Math.min(Math.max(saved, log.#segments[0]!.baseOffset), log.#logEnd);
    // A crash between saving a new log start and deleting the segments below it leaves some behind.
    log.#deleteOldest(log.#segmentsBelowLogStart());
    return log;
  }

  /** The first offset a consumer can read. */
  get logStartOffset(): number {
    return this.#logStart;
  }

  /** The offset after the last committed batch; equal to {@link PartitionLog.logEndOffset} (one replica). */
  get highWatermark(): number {
    return this.#logEnd;
  }

  /** The offset the next batch will get. */
  get logEndOffset(): number {
    return this.#logEnd;
  }

  /** Bytes held, all segments together (what `retentionBytes` limits). */
  get sizeInBytes(): number {
    return this.#bytes;
  }

  /** Base offsets of the segments, oldest first. */
  get segmentBaseOffsets(): number[] {
    return this.#segments.map((s) => s.baseOffset);
  }

  /** Whether the bytes outlive the process. */
  get durable(): boolean {
    return this.#store.durable;
  }

  /** A copy of one idempotent producer's state here, or `undefined` if it has none. */
  producer(producerId: bigint): ProducerSnapshot | undefined {
    return this.#producers.get(producerId);
  }

  /** Copies of every idempotent producer's state here, by ascending id. */
  producers(): ProducerSnapshot[] {
    return this.#producers.snapshots();
  }

  // -------------------------------------------------------------------------
  // Append
  // -------------------------------------------------------------------------

  /**
   * Appends the record batches of one produce partition, all or none: checks
   * them (frame, size, CRC-32C, record count; then the idempotence rules of
   * producer-state.ts), assigns offsets from the log end by rewriting each
   * batch's `baseOffset` and `partitionLeaderEpoch` in `records`, and stores
   * them. Offsets are assigned and the batches readable when this returns.
   *
   * Blocking: the returned promise settles when the store says the batches
   * are durable (flush "always": on disk; otherwise at once). A duplicate
   * waits the same way, for the original it points at.
   *
   * @returns "appended" with the base offsets, "duplicate" with the original
   *   offsets of a retried idempotent batch, or "rejected" with the Kafka
   *   error code; only "appended" changed the log.
   * @throws (as a rejected promise) InvalidLogArgumentError for bytes that
   *   are not a Uint8Array or a bad `now` / `leaderEpoch`; LogClosedError;
   *   LogStorageError when the store failed (the log is then offline).
   */
  append(records: Uint8Array, options: AppendOptions): Promise<AppendResult> {
    try {
      return this.#append(records, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #append(records: Uint8Array, options: AppendOptions): Promise<AppendResult> {
    this.#checkUsable();
    if (!(records instanceof Uint8Array))
      throw new InvalidLogArgumentError("PartitionLog.append(records)", records, "must be a Uint8Array");
    const now = options?.now;
    if (typeof now !== "number" || !Number.isFinite(now))
      throw new InvalidLogArgumentError("PartitionLog.append(options.now)", now, "must be a finite number of ms");
    const leaderEpoch = options.leaderEpoch ?? 0;
    if (!Number.isInteger(leaderEpoch) || leaderEpoch < -1 || leaderEpoch > MAX_INT32)
      throw new InvalidLogArgumentError("PartitionLog.append(options.leaderEpoch)", leaderEpoch, "must be an int32");

    const parsed = parseBatches(records, this.#config.maxBatchBytes);
    if (!parsed.ok) return Promise.resolve({ kind: "rejected", errorCode: parsed.errorCode, message: parsed.message });
    const headers = parsed.headers;
    const verdict = this.#producers.check(headers);
    if (verdict.kind === "rejected")
      return Promise.resolve({ kind: "rejected", errorCode: verdict.errorCode, message: verdict.message });
    if (verdict.kind === "duplicate") {
      const result: AppendResult = {
        kind: "duplicate",
        baseOffset: verdict.baseOffset,
        lastOffset: verdict.lastOffset,
        logStartOffset: this.#logStart,
      };
      return this.#durable(result);
    }

    let recordCount = 0;
    for (const h of headers) recordCount += h.lastOffsetDelta + 1;
    if (this.#logEnd + recordCount > Number.MAX_SAFE_INTEGER)
      throw new InvalidLogArgumentError("PartitionLog.append(records)", recordCount, "offsets would pass 2^53 - 1");

    // Assign offsets in place: the CRC does not cover these two fields.
    const placed: PlacedBatch[] = [];
    let next = this.#logEnd;
    for (const h of headers) {
      assignOffset(records, h.position, next, leaderEpoch);
      placed.push({ position: h.position, size: h.size, baseOffset: next, lastOffset: next + h.lastOffsetDelta });
      next += h.lastOffsetDelta + 1;
    }
    const rolled = this.#guard(() => this.#write(records, headers, placed, now));
    for (let i = 0; i < headers.length; i++) this.#producers.record(headers[i]!, placed[i]!.baseOffset);
    this.#logEnd = next;
    // A roll can leave the old active segment wholly below a log start that
    // deleteRecords moved to its end: it holds nothing readable, so it goes now.
    if (rolled) this.#deleteOldest(this.#segmentsBelowLogStart());
    const result: AppendResult = {
      kind: "appended",
      baseOffset: placed[0]!.baseOffset,
      lastOffset: next - 1,
      batchBaseOffsets: placed.map((p) => p.baseOffset),
      logStartOffset: this.#logStart,
    };
    return this.#durable(result);
  }

  /**
   * Writes the placed batches into segments, rolling where the next batch
   * would take the active segment past `segmentBytes`. Precondition: offsets
   * assigned; the batch index is updated as each run is stored. Returns
   * whether a segment was rolled.
   */
  #write(records: Uint8Array, headers: readonly BatchHeader[], placed: readonly PlacedBatch[], now: number): boolean {
    let active = this.#segments[this.#segments.length - 1]!;
    let rolled = false;
    let run: PlacedBatch[] = [];
    const flushRun = (): void => {
      if (run.length > 0) this.#store.append(records, run);
      run = [];
    };
    for (let i = 0; i < placed.length; i++) {
      const p = placed[i]!;
      if (active.bytes > 0 && active.bytes + p.size > this.#config.segmentBytes) {
        flushRun();
        this.#store.roll(p.baseOffset);
        active = new SegmentMeta(p.baseOffset);
        this.#segments.push(active);
        rolled = true;
      }
      run.push(p);
      const maxTimestamp = headers[i]!.maxTimestamp;
      active.push(p.baseOffset, p.lastOffset, p.size, maxTimestamp, maxTimestamp >= 0 ? maxTimestamp : now);
      this.#bytes += p.size;
    }
    flushRun();
    return rolled;
  }

  /** `result` once the store says what came before is durable; a store failure takes the log offline. */
  #durable<T>(result: T): Promise<T> {
    return this.#store.whenDurable().then(
      () => result,
      (error: unknown) => {
        if (isLogStorageError(error)) this.#failure ??= error;
        throw error;
      },
    );
  }

  // -------------------------------------------------------------------------
  // Read
  // -------------------------------------------------------------------------

  /**
   * The batches from the one holding `fetchOffset`, whole, up to `maxBytes`
   * in total — but with `minOneBatch` (the default, KIP-74) at least the
   * first batch even when it alone is larger. A batch that starts before
   * `fetchOffset` is returned whole; the client skips the records it did not ask for.
   *
   * @returns "records" (empty at the log end) or "out-of-range" for an offset
   *   below the log start or above the log end.
   * @throws InvalidLogArgumentError - an offset or `maxBytes` that is not a
   *   safe integer (maxBytes >= 0); LogClosedError; LogStorageError.
   */
  read(fetchOffset: number, maxBytes: number, options: { readonly minOneBatch?: boolean } = {}): ReadResult {
    this.#checkUsable();
    if (!Number.isSafeInteger(fetchOffset))
      throw new InvalidLogArgumentError("PartitionLog.read(fetchOffset)", fetchOffset, "must be a safe integer");
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0)
      throw new InvalidLogArgumentError("PartitionLog.read(maxBytes)", maxBytes, "must be a non-negative integer");
    if (fetchOffset < this.#logStart || fetchOffset > this.#logEnd)
      return {
        kind: "out-of-range",
        errorCode: LogErrorCode.OFFSET_OUT_OF_RANGE,
        logStartOffset: this.#logStart,
        logEndOffset: this.#logEnd,
      };
    const records: Uint8Array[] = [];
    let total = 0;
    if (fetchOffset < this.#logEnd) {
      const minOne = options.minOneBatch ?? true;
      let s = this.#segmentHolding(fetchOffset);
      let i = this.#segments[s]!.batchHolding(fetchOffset);
      let full = false;
      while (!full && s < this.#segments.length) {
        const segment = this.#segments[s]!;
        const first = i;
        let take = 0;
        for (; i < segment.count; i++) {
          const size = segment.sizes[i]!;
          if (total + take + size > maxBytes && !(minOne && total + take === 0)) {
            full = true;
            break;
          }
          take += size;
        }
        if (take > 0) {
          const chunks = this.#guard(() => this.#store.read(segment.baseOffset, segment.bases[first]!, take));
          for (const c of chunks) records.push(c);
          total += take;
        }
        s++;
        i = 0;
      }
    }
    return {
      kind: "records",
      records,
      byteLength: total,
      highWatermark: this.#logEnd,
      logStartOffset: this.#logStart,
    };
  }

  /** The index of the segment holding `offset`. Precondition: some segment does (`offset < logEnd`). */
  #segmentHolding(offset: number): number {
    const segments = this.#segments;
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (segments[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  // -------------------------------------------------------------------------
  // Timestamps
  // -------------------------------------------------------------------------

  /**
   * ListOffsets by time: {@link EARLIEST_TIMESTAMP} (-2) gives the log start
   * offset, {@link LATEST_TIMESTAMP} (-1) the high watermark; a timestamp
   * >= 0 gives the first batch at or after the log start holding a record at
   * or after it (its max timestamp says so), or `undefined` if none does
   * (Kafka answers offset -1 then).
   *
   * Gotchas: the answer is batch-grained: the offset is the batch's base (or
   * the log start, if that lies inside it), and the timestamp the batch's max.
   * The exact record needs the records decoded, which the log never does;
   * a ListOffsets handler with the codecs can refine it within that batch.
   *
   * @throws InvalidLogArgumentError - a timestamp that is not a safe integer,
   *   or a negative one other than -1 and -2 (-3, KIP-734's max timestamp, is not supported).
   */
  offsetForTimestamp(timestamp: number): TimestampOffset | undefined {
    this.#checkUsable();
    if (!Number.isSafeInteger(timestamp) || timestamp < EARLIEST_TIMESTAMP)
      throw new InvalidLogArgumentError(
        "PartitionLog.offsetForTimestamp(timestamp)",
        timestamp,
        "must be a timestamp >= 0 in ms, -1 (latest) or -2 (earliest)",
      );
    if (timestamp === EARLIEST_TIMESTAMP) return { offset: this.#logStart, timestamp: -1 };
    if (timestamp === LATEST_TIMESTAMP) return { offset: this.#logEnd, timestamp: -1 };
    if (this.#logStart === this.#logEnd) return undefined;
    const s0 = this.#segmentHolding(this.#logStart);
    for (let s = s0; s < this.#segments.length; s++) {
      const segment = this.#segments[s]!;
      const n = segment.count;
      if (n === 0 || segment.runningMax[n - 1]! < timestamp) continue;
      const start = s === s0 ? segment.batchHolding(this.#logStart) : 0;
      let found = -1;
      if (start === 0 || segment.runningMax[start - 1]! < timestamp) {
        // No batch before `start` reaches the timestamp, so the running max
        // first reaches it exactly at the first batch from `start` that does.
        let lo = start;
        let hi = n - 1;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (segment.runningMax[mid]! >= timestamp) hi = mid;
          else lo = mid + 1;
        }
        found = lo;
      } else {
        for (let i = start; i < n; i++) {
          if (segment.maxTimestamps[i]! >= timestamp) {
            found = i;
            break;
          }
        }
      }
      if (found >= 0)
        return {
          offset: Math.max(segment.bases[found]!, this.#logStart),
          timestamp: segment.maxTimestamps[found]!,
        };
    }
    return undefined;
  }

  // -------------------------------------------------------------------------
  // Retention and deleteRecords
  // -------------------------------------------------------------------------

  /**
   * One retention pass, in Kafka's order: the segments wholly below the log
   * start, then the oldest segments while the log without them stays at or
   * above `retentionBytes`, then the oldest segments whose newest batch is
   * more than `retentionMs` older than `now`. Whole segments only (a segment
   * is the granularity); the log start moves up to the first one kept. If
   * every segment goes, a new empty one is rolled at the log end first, so
   * the log end (and the next offset) never moves back.
   *
   * @throws InvalidLogArgumentError - `now` not finite; LogClosedError; LogStorageError.
   */
  applyRetention(now: number): RetentionResult {
    this.#checkUsable();
    if (typeof now !== "number" || !Number.isFinite(now))
      throw new InvalidLogArgumentError("PartitionLog.applyRetention(now)", now, "must be a finite number of ms");
    const segments = this.#segments;
    const { retentionBytes, retentionMs } = this.#config;
    let k = this.#segmentsBelowLogStart();
    const deletable = (i: number): boolean =>
      i < segments.length && !(i === segments.length - 1 && segments[i]!.count === 0);
    if (retentionBytes !== Number.POSITIVE_INFINITY) {
      let diff = this.#bytes - retentionBytes;
      for (let i = 0; i < k; i++) diff -= segments[i]!.bytes;
      while (deletable(k) && diff - segments[k]!.bytes >= 0) {
        diff -= segments[k]!.bytes;
        k++;
      }
    }
    if (retentionMs !== Number.POSITIVE_INFINITY) {
      while (deletable(k) && now - segments[k]!.newest > retentionMs) k++;
    }
    let deletedBytes = 0;
    for (let i = 0; i < k; i++) deletedBytes += segments[i]!.bytes;
    this.#deleteOldest(k);
    return { deletedSegments: k, deletedBytes, logStartOffset: this.#logStart };
  }

  /**
   * DeleteRecords: moves the log start offset up to `offset`
   * ({@link HIGH_WATERMARK_OFFSET}, -1, means the high watermark) and deletes
   * the segments that then lie wholly below it. An offset at or below the log
   * start changes nothing. A durable store saves the new log start.
   *
   * @returns "deleted" with the log start now, or "out-of-range" for an
   *   offset above the high watermark or below -1.
   * @throws InvalidLogArgumentError - not a safe integer; LogClosedError; LogStorageError.
   */
  deleteRecordsBefore(offset: number): DeleteRecordsResult {
    this.#checkUsable();
    if (!Number.isSafeInteger(offset))
      throw new InvalidLogArgumentError("PartitionLog.deleteRecordsBefore(offset)", offset, "must be a safe integer");
    const target = offset === HIGH_WATERMARK_OFFSET ? this.#logEnd : offset;
    if (target < 0 || target > this.#logEnd)
      return {
        kind: "out-of-range",
        errorCode: LogErrorCode.OFFSET_OUT_OF_RANGE,
        logStartOffset: this.#logStart,
        highWatermark: this.#logEnd,
      };
    if (target > this.#logStart) {
      this.#guard(() => this.#store.saveLogStartOffset(target));
      this.#logStart = target;
      this.#deleteOldest(this.#segmentsBelowLogStart());
    }
    return { kind: "deleted", logStartOffset: this.#logStart };
  }

  /** How many of the oldest segments lie wholly below the log start (never the last). */
  #segmentsBelowLogStart(): number {
    let k = 0;
    while (k + 1 < this.#segments.length && this.#segments[k + 1]!.baseOffset <= this.#logStart) k++;
    return k;
  }

  /** Deletes the `k` oldest segments, rolling a new one first if that is all of them. */
  #deleteOldest(k: number): void {
    if (k === 0) return;
    this.#guard(() => {
      if (k === this.#segments.length) {
        this.#store.roll(this.#logEnd);
        this.#segments.push(new SegmentMeta(this.#logEnd));
      }
      this.#store.deleteOldestSegments(k);
    });
    for (const s of this.#segments.splice(0, k)) this.#bytes -= s.bytes;
    const first = this.#segments[0]!.baseOffset;
    if (first > this.#logStart) this.#logStart = first;
    this.#producers.forgetBelow(first);
  }

  // -------------------------------------------------------------------------
  // Durability, close, invariants
  // -------------------------------------------------------------------------

  /** Forces everything appended so far to disk, whatever the flush policy (a no-op in memory). */
  flush(): Promise<void> {
    if (this.#closed) return Promise.reject(new LogClosedError("PartitionLog.flush: the log is closed"));
    return this.#store.flush();
  }

  /**
   * Closes the log: waits for the store to flush, then releases it. Appends
   * whose promises are pending settle first. Idempotent.
   */
  close(): Promise<void> {
    this.#closed = true;
    return this.#store.close();
  }

  #checkUsable(): void {
    if (this.#closed) throw new LogClosedError("PartitionLog: the log is closed; open it again to use it");
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Runs a store call; a storage error takes the log offline before it propagates. */
  #guard<T>(operation: () => T): T {
    try {
      return operation();
    } catch (error) {
      if (isLogStorageError(error)) this.#failure ??= error;
      throw error;
    }
  }

  /** Throws if an invariant of the file header does not hold. For tests. */
  assertInvariants(): void {
    const fail = (what: string): never => {
      throw new Error(`PartitionLog invariant: ${what}`);
    };
    const segments = this.#segments;
    if (segments.length === 0) fail("no segment");
    if (!(this.#logStart <= this.highWatermark && this.highWatermark <= this.#logEnd))
      fail(`logStart ${this.#logStart} <= highWatermark ${this.highWatermark} <= logEnd ${this.#logEnd}`);
    if (segments[0]!.baseOffset > this.#logStart) fail("the first segment starts above the log start");
    if (segments[segments.length - 1]!.nextOffset !== this.#logEnd) fail("the last segment does not end at logEnd");
    let bytes = 0;
    for (let s = 0; s < segments.length; s++) {
      const segment = segments[s]!;
      const last = s === segments.length - 1;
      if (!last && segment.count === 0) fail(`segment ${segment.baseOffset} is empty but not the last`);
      if (!last && segments[s + 1]!.baseOffset !== segment.nextOffset) fail(`segment ${s + 1} does not follow on`);
      if (!last && segments[s + 1]!.baseOffset <= this.#logStart) fail(`segment ${s} lies wholly below the log start`);
      let segmentBytes = 0;
      let running = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < segment.count; i++) {
        const expectedBase = i === 0 ? segment.baseOffset : undefined;
        if (expectedBase !== undefined && segment.bases[0] !== expectedBase)
          fail("a segment's first batch is not at its base");
        if (i > 0 && segment.bases[i]! <= segment.bases[i - 1]!) fail("batch offsets do not increase");
        running = Math.max(running, segment.maxTimestamps[i]!);
        if (segment.runningMax[i] !== running) fail("runningMax is not the running maximum");
        segmentBytes += segment.sizes[i]!;
      }
      if (segmentBytes !== segment.bytes) fail(`segment ${segment.baseOffset} bytes`);
      bytes += segmentBytes;
    }
    if (bytes !== this.#bytes) fail(`sizeInBytes ${this.#bytes} != ${bytes}`);
    this.#producers.assertInvariants();
    for (const p of this.#producers.snapshots()) {
      for (const b of p.batches) {
        if (b.baseOffset < segments[0]!.baseOffset || b.lastOffset >= this.#logEnd)
          fail(`producer ${p.producerId} caches batch ${b.baseOffset} outside the stored log`);
      }
    }
  }
}

/**
 * The durable store: one directory per partition, append-only segment files
 * named by base offset, a sparse offset index per segment, a flush policy,
 * and recovery on open that truncates a torn or corrupt tail.
 *
 * Directory layout (names as Kafka's: the base offset in 20 digits):
 *   00000000000000000000.log    the batches as they arrived (offsets assigned), back to back
 *   00000000000000000000.index  sparse offset index: 12-byte entries, baseOffset (int64) → position (uint32)
 *   log-start-offset            the log start offset, once deleteRecords moved it into a segment
 *
 * The index rule (a pure function of a segment's batches, so recovery can
 * tell a good index file from a short or stale one): a batch gets an entry
 * when at least `indexIntervalBytes` bytes were appended since the last entry
 * (or since the segment's start, which needs none: position 0).
 *
 * Recovery (`load`), segment by segment, oldest first:
 *   1. each batch's frame is checked (length, magic 2, base offset where the
 *      previous batch ended); in the last segment also its CRC-32C;
 *   2. at the first bad batch the file is truncated there, and every later
 *      segment is deleted (they no longer follow on) — each drop logged with
 *      `warn` (file, position, bytes dropped, reason);
 *   3. the index file is compared with what the rule gives for the batches
 *      found, and rewritten (logged with `info`) when missing, shorter or different.
 * Every header is read on open because the log rebuilds its per-batch index
 * and its producer state from them; reads go in 1 MiB windows, and CRCs are
 * computed for the last segment only: earlier ones were complete, and were
 * fsynced (unless the policy is "never") when they were rolled.
 *
 * Why synchronous fs calls for writes and reads: offsets are assigned in call
 * order and the bytes must land in the file in that order; a synchronous
 * write makes "assigned, written, readable" one step with no queue to keep in
 * order, and costs a memcpy into the page cache. The one slow call, fsync,
 * is asynchronous and shared by concurrent appends (group-sync.ts). Reads of
 * recent data hit the page cache; a cold read blocks the event loop for a
 * disk read, acceptable for a development broker.
 *
 * Invariants (over `#segments`):
 * - segments are in base-offset order and contiguous; only the last (the
 *   active one) is ever written, and only it has an open index descriptor;
 * - `segment.size` is the length of its file; `segment.index*` hold exactly
 *   the entries the index rule gives for its batches, and the index file
 *   holds the same bytes (the active one's may lag only by an entry being
 *   written when the process died; recovery rewrites it);
 * - a cursor `(cursorOffset, cursorPosition)` names a batch boundary of its
 *   segment, or is (-1, -1);
 * - after `#failure` is set, no method but `close` touches a file.
 */

import {
  closeSync,
  fstatSync,
  fsync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { type Clock, realClock } from "@csp-kit/timers";
import { InvalidLogConfigError, LogClosedError, LogStorageError } from "../../errors.js";
import {
  BATCH_HEADER_SIZE,
  BatchField,
  type BatchHeader,
  headerAt,
  LOG_OVERHEAD,
  MIN_BATCH_LENGTH,
} from "./batch-view.js";
import { GroupSync, type SyncIo } from "./group-sync.js";
import {
  consoleStoreLogger,
  type FlushPolicy,
  type LoadedLog,
  type LoadedSegment,
  type LogStore,
  type PlacedBatch,
  type StoreLogger,
} from "./store.js";

/** Kafka's `index.interval.bytes` default. */
export const DEFAULT_INDEX_INTERVAL_BYTES = 4096;
/** Bytes of one index entry: baseOffset int64, position uint32. */
const INDEX_ENTRY_SIZE = 12;
/** The largest segment file position an index entry can hold. */
const MAX_POSITION = 0xffff_ffff;
/** How much of a segment file recovery reads at once. */
const SCAN_WINDOW = 1 << 20;
/** How much of a segment file a read's index walk reads at once. */
const WALK_WINDOW = 1 << 16;
/** The name of the file holding a log start offset set by deleteRecords. */
export const LOG_START_FILE = "log-start-offset";

const SEGMENT_NAME = /^(\d{20})\.log$/;
const INDEX_NAME = /^(\d{20})\.index$/;

/** Options of {@link SegmentStore.open}. */
export interface SegmentStoreOptions {
  /** When writes are forced to disk; `"never"` (Kafka's default) when absent. See {@link FlushPolicy}. */
  readonly flush?: FlushPolicy | undefined;
  /** Bytes between sparse index entries; {@link DEFAULT_INDEX_INTERVAL_BYTES} when absent. */
  readonly indexIntervalBytes?: number | undefined;
  /** Where recovery reports what it truncated or rebuilt; {@link consoleStoreLogger} when absent. */
  readonly logger?: StoreLogger | undefined;
  /** Schedules the `{ intervalMs }` flushes; the real clock when absent. */
  readonly clock?: Clock | undefined;
  /** Performs fsync; node:fs when absent. A seam for tests. */
  readonly io?: SyncIo | undefined;
}

/** The 20-digit file-name stem of a segment at `baseOffset` (Kafka's naming). */
export function segmentStem(baseOffset: number): string {
  return String(baseOffset).padStart(20, "0");
}

/** One segment's open files and in-memory index. Fields written only by the store's methods. */
interface FileSegment {
  readonly baseOffset: number;
  readonly logPath: string;
  readonly indexPath: string;
  /** Read/write descriptor of the .log file; closed (via retire) when the segment is deleted. */
  readonly fd: number;
  /** Append descriptor of the .index file: the active segment only, else undefined. */
  indexFd: number | undefined;
  /** Length of the .log file. */
  size: number;
  /** Sparse index: base offsets and their positions, ascending. */
  readonly indexOffsets: number[];
  readonly indexPositions: number[];
  /** Bytes appended since the last index entry (or the segment's start). */
  bytesSinceEntry: number;
  /** A known batch boundary (the end of the last read or the last append); -1 when none. */
  cursorOffset: number;
  cursorPosition: number;
}

const defaultIo: SyncIo = {
  fsync: (fd) =>
    new Promise<void>((resolve, reject) => {
      fsync(fd, (error) => (error ? reject(error) : resolve()));
    }),
};

/**
 * A {@link LogStore} in a directory of segment files. Open with
 * {@link SegmentStore.open}; hand it to `PartitionLog.open`, which calls
 * `load()` (recovery) once.
 *
 * Blocking: writes and reads are synchronous file calls (see the file header
 * for why); fsync is asynchronous and grouped.
 *
 * Gotchas: one store per directory, one process per directory: nothing locks
 * the directory against a second writer.
 */
export class SegmentStore implements LogStore {
  readonly durable = true;
  readonly #dir: string;
  readonly #flush: FlushPolicy;
  readonly #interval: number;
  readonly #logger: StoreLogger;
  readonly #clock: Clock;
  readonly #sync: GroupSync;
  /** Oldest first; see the invariants. Empty until `load`. */
  #segments: FileSegment[] = [];
  /** Descriptor of the directory itself (fsync makes created and deleted names durable); undefined where it cannot be opened. */
  #dirFd: number | undefined;
  /** The armed `{ intervalMs }` flush, if any. */
  #timer: unknown;
  #loaded = false;
  #closed = false;
  /** The storage error that took the store offline; set once. */
  #failure: LogStorageError | undefined;
  /** Scratch window of the index walk in `read`. */
  readonly #walk = Buffer.allocUnsafe(WALK_WINDOW);

  private constructor(dir: string, options: SegmentStoreOptions) {
    this.#dir = dir;
    this.#flush = checkFlushPolicy(options.flush ?? "never");
    const interval = options.indexIntervalBytes ?? DEFAULT_INDEX_INTERVAL_BYTES;
    if (!Number.isSafeInteger(interval) || interval < 0 || interval > MAX_POSITION)
      throw new InvalidLogConfigError("indexIntervalBytes", interval, "must be an integer from 0 to 2^32 - 1");
    this.#interval = interval;
    this.#logger = options.logger ?? consoleStoreLogger;
    this.#clock = options.clock ?? realClock;
    this.#sync = new GroupSync(options.io ?? defaultIo, (error) => {
      this.#fail(error, this.#dir, "fsync");
    });
  }

  /**
   * A store over `dataDir` (created if missing). Validates the options; the
   * directory is read and recovered by `load()`.
   *
   * @throws InvalidLogConfigError - a bad flush policy or index interval.
   */
  static open(dataDir: string, options: SegmentStoreOptions = {}): SegmentStore {
    if (typeof dataDir !== "string" || dataDir.length === 0)
      throw new InvalidLogConfigError("dataDir", dataDir, "must be a non-empty directory path");
    return new SegmentStore(dataDir, options);
  }

  /** The directory this store keeps its files in. */
  get dataDir(): string {
    return this.#dir;
  }

  // -------------------------------------------------------------------------
  // Recovery
  // -------------------------------------------------------------------------

  load(): LoadedLog {
    this.#checkUsable();
    if (this.#loaded) throw new Error("SegmentStore.load: called twice");
    this.#loaded = true;
    const names = this.#io(this.#dir, () => {
      mkdirSync(this.#dir, { recursive: true });
      return readdirSync(this.#dir);
    });
    this.#dirFd = openDirectory(this.#dir);
    const bases: number[] = [];
    const indexes = new Set<string>();
    for (const name of names) {
      const seg = SEGMENT_NAME.exec(name);
      if (seg !== null) bases.push(Number(seg[1]));
      else if (INDEX_NAME.test(name)) indexes.add(name);
      else if (name.endsWith(".tmp")) this.#io(join(this.#dir, name), (p) => rmSync(p, { force: true }));
    }
    bases.sort((a, b) => a - b);
    const loaded: LoadedSegment[] = [];
    let expected = bases[0] ?? 0;
    let dropRest = false;
    for (let i = 0; i < bases.length; i++) {
      const base = bases[i]!;
      const stem = segmentStem(base);
      indexes.delete(`${stem}.index`);
      const logPath = join(this.#dir, `${stem}.log`);
      const indexPath = join(this.#dir, `${stem}.index`);
      if (!dropRest && base !== expected) {
        this.#logger.warn("segment does not start where the previous one ends; dropping it and every later segment", {
          file: logPath,
          baseOffset: base,
          expectedBaseOffset: expected,
        });
        dropRest = true;
      }
      if (dropRest) {
        this.#dropFiles(logPath, indexPath, "an earlier segment was truncated or does not follow on");
        continue;
      }
      const fd = this.#io(logPath, (p) => openSync(p, "r+"));
      const stat = this.#io(logPath, () => fstatSync(fd));
      const isLast = i === bases.length - 1;
      let scan = scanSegment(fd, stat.size, base, isLast);
      if (scan.problem !== undefined && !isLast) scan = scanSegment(fd, stat.size, base, true);
      if (scan.problem !== undefined) {
        this.#logger.warn("truncating a torn or corrupt segment tail", {
          file: logPath,
          position: scan.validBytes,
          truncatedBytes: stat.size - scan.validBytes,
          reason: scan.problem,
        });
        this.#io(logPath, () => ftruncateSync(fd, scan.validBytes));
        dropRest = true;
      }
      const segment: FileSegment = {
        baseOffset: base,
        logPath,
        indexPath,
        fd,
        indexFd: undefined,
        size: scan.validBytes,
        indexOffsets: [],
        indexPositions: [],
        bytesSinceEntry: 0,
        cursorOffset: -1,
        cursorPosition: -1,
      };
      for (const h of scan.headers) this.#addIndexEntry(segment, h.baseOffset, h.position, h.size);
      this.#checkIndexFile(segment);
      this.#segments.push(segment);
      loaded.push({ baseOffset: base, batches: scan.headers, lastModified: stat.mtimeMs });
      const last = scan.headers[scan.headers.length - 1];
      expected = last === undefined ? base : last.baseOffset + last.lastOffsetDelta + 1;
    }
    for (const stray of indexes) this.#dropFiles(undefined, join(this.#dir, stray), "no segment file beside it");
    const active = this.#segments[this.#segments.length - 1];
    if (active !== undefined) active.indexFd = this.#io(active.indexPath, (p) => openSync(p, "a"));
    return { segments: loaded, logStartOffset: this.#readLogStart() };
  }

  /** Compares the index file with the segment's in-memory index; rewrites it when they differ. */
  #checkIndexFile(segment: FileSegment): void {
    const expected = encodeIndex(segment);
    let found: Buffer | undefined;
    try {
      found = readFileSync(segment.indexPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw this.#fail(error, segment.indexPath, "read");
    }
    if (found?.equals(expected)) return;
    const reason =
      found === undefined
        ? "missing"
        : found.length < expected.length && expected.subarray(0, found.length).equals(found)
          ? "shorter than its segment"
          : "different from its segment";
    this.#logger.info("rebuilding a segment's offset index", {
      file: segment.indexPath,
      reason,
      entries: segment.indexOffsets.length,
    });
    this.#io(segment.indexPath, (p) => writeFileSync(p, expected));
    this.#markDirDirty();
  }

  #readLogStart(): number | undefined {
    const path = join(this.#dir, LOG_START_FILE);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw this.#fail(error, path, "read");
    }
    const value = Number(text.trim());
    if (Number.isSafeInteger(value) && value >= 0) return value;
    this.#logger.warn("ignoring an unreadable log start offset file", { file: path, content: text.slice(0, 40) });
    return undefined;
  }

  #dropFiles(logPath: string | undefined, indexPath: string, reason: string): void {
    if (logPath !== undefined) this.#logger.warn("deleting a segment", { file: logPath, reason });
    else this.#logger.info("deleting a stray index file", { file: indexPath, reason });
    if (logPath !== undefined) this.#io(logPath, (p) => rmSync(p, { force: true }));
    this.#io(indexPath, (p) => rmSync(p, { force: true }));
    this.#markDirDirty();
  }

  // -------------------------------------------------------------------------
  // Appends, rolls, deletes
  // -------------------------------------------------------------------------

  roll(baseOffset: number): void {
    this.#checkUsable();
    const previous = this.#segments[this.#segments.length - 1];
    const stem = segmentStem(baseOffset);
    const logPath = join(this.#dir, `${stem}.log`);
    const indexPath = join(this.#dir, `${stem}.index`);
    const fd = this.#io(logPath, (p) => openSync(p, "w+"));
    const indexFd = this.#io(indexPath, (p) => openSync(p, "w"));
    if (previous?.indexFd !== undefined) {
      const old = previous.indexFd;
      previous.indexFd = undefined;
      this.#io(previous.indexPath, () => closeSync(old));
    }
    this.#segments.push({
      baseOffset,
      logPath,
      indexPath,
      fd,
      indexFd,
      size: 0,
      indexOffsets: [],
      indexPositions: [],
      bytesSinceEntry: 0,
      cursorOffset: -1,
      cursorPosition: -1,
    });
    this.#markDirDirty();
    // A rolled segment is never written again: under "never", force it out now
    // (Kafka flushes a segment when it rolls); the other policies flush it with
    // their next round anyway. A failure takes the store offline (onError).
    if (this.#flush === "never" && previous !== undefined) this.#sync.sync().catch(() => {});
  }

  append(bytes: Uint8Array, batches: readonly PlacedBatch[]): void {
    this.#checkUsable();
    const segment = this.#segments[this.#segments.length - 1]!;
    const first = batches[0]!;
    const last = batches[batches.length - 1]!;
    const start = segment.size;
    const length = last.position + last.size - first.position;
    if (start + length > MAX_POSITION)
      throw this.#fail(new RangeError("segment file would pass 4 GiB"), segment.logPath, "append");
    this.#io(segment.logPath, () => writeFully(segment.fd, bytes, first.position, length, start));
    segment.size = start + length;
    const entriesBefore = segment.indexOffsets.length;
    for (const b of batches) this.#addIndexEntry(segment, b.baseOffset, start + (b.position - first.position), b.size);
    if (segment.indexOffsets.length > entriesBefore) {
      const entries = encodeIndex(segment, entriesBefore);
      const indexFd = segment.indexFd!;
      this.#io(segment.indexPath, () => writeFully(indexFd, entries, 0, entries.length, null));
    }
    segment.cursorOffset = first.baseOffset;
    segment.cursorPosition = start;
    this.#sync.markDirty(segment.fd);
    this.#armIntervalFlush();
  }

  deleteOldestSegments(count: number): void {
    this.#checkUsable();
    for (const segment of this.#segments.splice(0, count)) {
      this.#io(segment.logPath, (p) => unlinkSync(p));
      this.#io(segment.indexPath, (p) => rmSync(p, { force: true }));
      const { fd, indexFd } = segment;
      this.#sync.retire(fd, () => {
        closeQuietly(fd);
        if (indexFd !== undefined) closeQuietly(indexFd);
      });
    }
    this.#markDirDirty();
  }

  saveLogStartOffset(offset: number): void {
    this.#checkUsable();
    const path = join(this.#dir, LOG_START_FILE);
    const tmp = `${path}.tmp`;
    this.#io(path, () => {
      writeFileSync(tmp, `${offset}\n`);
      renameSync(tmp, path);
    });
    this.#markDirDirty();
  }

  /** Precondition: the index rule is applied to batches in append order. */
  #addIndexEntry(segment: FileSegment, baseOffset: number, position: number, size: number): void {
    if (position > 0 && segment.bytesSinceEntry >= this.#interval) {
      segment.indexOffsets.push(baseOffset);
      segment.indexPositions.push(position);
      segment.bytesSinceEntry = 0;
    }
    segment.bytesSinceEntry += size;
  }

  // -------------------------------------------------------------------------
  // Reads
  // -------------------------------------------------------------------------

  read(segmentBase: number, fromOffset: number, byteLength: number): Uint8Array[] {
    this.#checkUsable();
    const segment = this.#segmentAt(segmentBase);
    const position = this.#locate(segment, fromOffset);
    const buffer = Buffer.allocUnsafe(byteLength);
    const got = this.#io(segment.logPath, () => readFully(segment.fd, buffer, position));
    if (got !== byteLength)
      throw this.#fail(
        new RangeError(`wanted ${byteLength} bytes at ${position}, the file holds ${got}`),
        segment.logPath,
        "read",
      );
    // Remember where the run ends: the next fetch of a consumer that keeps up starts there.
    const view = new DataView(buffer.buffer, buffer.byteOffset, byteLength);
    let p = 0;
    let next = fromOffset;
    while (p < byteLength) {
      next = readInt64(view, p + BatchField.baseOffset) + view.getInt32(p + BatchField.lastOffsetDelta) + 1;
      p += LOG_OVERHEAD + view.getInt32(p + BatchField.batchLength);
    }
    segment.cursorOffset = next;
    segment.cursorPosition = position + byteLength;
    return [new Uint8Array(buffer.buffer, buffer.byteOffset, byteLength)];
  }

  #segmentAt(baseOffset: number): FileSegment {
    const segments = this.#segments;
    let lo = 0;
    let hi = segments.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const base = segments[mid]!.baseOffset;
      if (base === baseOffset) return segments[mid]!;
      if (base < baseOffset) lo = mid + 1;
      else hi = mid - 1;
    }
    throw new RangeError(`SegmentStore.read: no segment at ${baseOffset}`);
  }

  /** The file position of the batch whose base offset is `offset`: the cursor, else the index, then a header walk. */
  #locate(segment: FileSegment, offset: number): number {
    if (offset === segment.baseOffset) return 0;
    if (offset === segment.cursorOffset) return segment.cursorPosition;
    const offsets = segment.indexOffsets;
    let lo = 0;
    let hi = offsets.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (offsets[mid]! <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    let position = found < 0 ? 0 : segment.indexPositions[found]!;
    const win = this.#walk;
    const view = new DataView(win.buffer, win.byteOffset, win.byteLength);
    let winStart = 0;
    let winLength = 0;
    while (position + LOG_OVERHEAD <= segment.size) {
      if (position < winStart || position + LOG_OVERHEAD > winStart + winLength) {
        winStart = position;
        winLength = this.#io(segment.logPath, () =>
          readSync(segment.fd, win, 0, Math.min(win.length, segment.size - position), position),
        );
        if (winLength < LOG_OVERHEAD) break;
      }
      const base = readInt64(view, position - winStart);
      if (base === offset) return position;
      if (base > offset) break;
      position += LOG_OVERHEAD + view.getInt32(position - winStart + BatchField.batchLength);
    }
    throw this.#fail(new RangeError(`no batch starts at offset ${offset}`), segment.logPath, "read");
  }

  // -------------------------------------------------------------------------
  // Durability and close
  // -------------------------------------------------------------------------

  whenDurable(): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return this.#flush === "always" ? this.#syncOrFail() : Promise.resolve();
  }

  flush(): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return this.#syncOrFail();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    let error: unknown;
    if (this.#failure === undefined) {
      try {
        while (this.#sync.pending) await this.#sync.sync();
      } catch (e) {
        error = e;
      }
    }
    for (const segment of this.#segments) {
      closeQuietly(segment.fd);
      if (segment.indexFd !== undefined) closeQuietly(segment.indexFd);
    }
    this.#segments = [];
    if (this.#dirFd !== undefined) closeQuietly(this.#dirFd);
    this.#dirFd = undefined;
    if (error !== undefined) throw this.#failure ?? error;
  }

  #syncOrFail(): Promise<void> {
    return this.#sync.sync().then(undefined, () => {
      throw this.#failure;
    });
  }

  #markDirDirty(): void {
    if (this.#dirFd !== undefined) this.#sync.markDirty(this.#dirFd);
  }

  #armIntervalFlush(): void {
    const flush = this.#flush;
    if (typeof flush !== "object" || this.#timer !== undefined) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      if (!this.#closed && this.#failure === undefined) this.#sync.sync().catch(() => {});
    }, flush.intervalMs);
    // A pending flush must not keep the process alive: the bytes are already
    // in the page cache, and close() flushes whatever is left.
    (this.#timer as { unref?: () => void } | undefined)?.unref?.();
  }

  // -------------------------------------------------------------------------
  // Failure handling
  // -------------------------------------------------------------------------

  #checkUsable(): void {
    if (this.#closed) throw new LogClosedError("SegmentStore: the store is closed; open the directory again");
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Runs a file operation; a thrown error takes the store offline as a LogStorageError. */
  #io<T>(path: string, operation: (path: string) => T): T {
    try {
      return operation(path);
    } catch (error) {
      if (error instanceof LogStorageError) throw error;
      throw this.#fail(error, path, "file operation");
    }
  }

  /** Records the first failure (the store is offline from now on) and returns the error to throw. */
  #fail(error: unknown, path: string, what: string): LogStorageError {
    this.#failure ??= new LogStorageError(
      `${what} failed on ${path}: ${error instanceof Error ? error.message : String(error)}; ` +
        "the log is offline: restart on the same directory and recovery truncates any half-written tail",
      path,
      { cause: error },
    );
    return this.#failure;
  }
}

// ---------------------------------------------------------------------------
// Helpers: validation, scanning, encoding, raw I/O
// ---------------------------------------------------------------------------

/** Checks a flush policy's shape; returns it. */
export function checkFlushPolicy(policy: unknown): FlushPolicy {
  if (policy === "always" || policy === "never") return policy;
  if (typeof policy === "object" && policy !== null && "intervalMs" in policy) {
    const ms = (policy as { intervalMs: unknown }).intervalMs;
    if (typeof ms === "number" && Number.isFinite(ms) && ms > 0) return { intervalMs: ms };
    throw new InvalidLogConfigError("flush.intervalMs", ms, "must be a positive, finite number of milliseconds");
  }
  throw new InvalidLogConfigError("flush", policy, 'must be "always", "never" or { intervalMs: number }');
}

interface ScanResult {
  readonly headers: BatchHeader[];
  /** Bytes from the start of the file up to the end of the last good batch. */
  readonly validBytes: number;
  /** Why scanning stopped before the end of the file, if it did. */
  readonly problem: string | undefined;
}

/**
 * Reads every batch header of a segment file in 1 MiB windows, checking each
 * frame, that base offsets follow on from `baseOffset`, and (with
 * `checkCrc`) each CRC-32C; stops at the first bad batch.
 */
function scanSegment(fd: number, fileSize: number, baseOffset: number, checkCrc: boolean): ScanResult {
  let buffer = Buffer.allocUnsafe(Math.min(SCAN_WINDOW, Math.max(fileSize, BATCH_HEADER_SIZE)));
  let view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let winStart = 0;
  let winLength = 0;
  /** Makes file bytes [pos, pos + n) available in `buffer`; n <= fileSize - pos. */
  const ensure = (pos: number, n: number): number => {
    if (pos < winStart || pos + n > winStart + winLength) {
      if (n > buffer.length) {
        buffer = Buffer.allocUnsafe(n);
        view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      }
      winStart = pos;
      winLength = readFully(fd, buffer.subarray(0, Math.min(buffer.length, fileSize - pos)), pos);
    }
    return pos - winStart;
  };
  const headers: BatchHeader[] = [];
  let expected = baseOffset;
  let pos = 0;
  const stop = (problem: string): ScanResult => ({ headers, validBytes: pos, problem: `at byte ${pos}: ${problem}` });
  while (pos < fileSize) {
    const left = fileSize - pos;
    if (left < LOG_OVERHEAD) return stop(`${left} bytes left, fewer than a batch's length fields (12)`);
    let rel = ensure(pos, LOG_OVERHEAD);
    const batchLength = view.getInt32(rel + BatchField.batchLength);
    if (batchLength < MIN_BATCH_LENGTH) return stop(`batchLength ${batchLength} is below the header's own 49 bytes`);
    const size = LOG_OVERHEAD + batchLength;
    if (size > left) return stop(`batchLength ${batchLength} runs past the end of the file (${left} bytes left)`);
    rel = ensure(pos, size);
    const header = headerAt(buffer, rel, checkCrc, pos);
    if ("problem" in header) return stop(header.problem);
    if (header.baseOffset !== expected) return stop(`base offset ${header.baseOffset} where ${expected} was expected`);
    if (header.lastOffsetDelta < 0) return stop(`lastOffsetDelta ${header.lastOffsetDelta}`);
    headers.push(header);
    expected = header.baseOffset + header.lastOffsetDelta + 1;
    pos += size;
  }
  return { headers, validBytes: pos, problem: undefined };
}

/** The index entries of `segment` from entry `from` on, as file bytes. */
function encodeIndex(segment: FileSegment, from = 0): Buffer {
  const n = segment.indexOffsets.length - from;
  const out = Buffer.alloc(n * INDEX_ENTRY_SIZE);
  for (let i = 0; i < n; i++) {
    const offset = segment.indexOffsets[from + i]!;
    out.writeInt32BE(Math.floor(offset / 4_294_967_296), i * INDEX_ENTRY_SIZE);
    out.writeUInt32BE(offset >>> 0, i * INDEX_ENTRY_SIZE + 4);
    out.writeUInt32BE(segment.indexPositions[from + i]!, i * INDEX_ENTRY_SIZE + 8);
  }
  return out;
}

function readInt64(view: DataView, at: number): number {
  return view.getInt32(at) * 4_294_967_296 + view.getUint32(at + 4);
}

/** Writes all of `bytes[offset, offset + length)` at `position` (null: the current end). */
function writeFully(fd: number, bytes: Uint8Array, offset: number, length: number, position: number | null): void {
  let done = 0;
  while (done < length) {
    done += writeSync(fd, bytes, offset + done, length - done, position === null ? null : position + done);
  }
}

/** Reads until `buffer` is full or the file ends; returns the bytes read. */
function readFully(fd: number, buffer: Uint8Array, position: number): number {
  let done = 0;
  while (done < buffer.length) {
    const n = readSync(fd, buffer, done, buffer.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** A read-only descriptor of a directory (for fsync), or undefined where the platform has none. */
function openDirectory(dir: string): number | undefined {
  try {
    return openSync(dir, "r");
  } catch {
    return undefined;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed, or the descriptor went with a failed device: nothing left to release.
  }
}

import {
  appendFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { ManualClock, settle } from "@csp-kit/timers/testing";
import { describe, expect, it } from "vitest";
import { isInvalidLogConfigError, isLogStorageError } from "../../src/errors.js";
import { assignOffset } from "../../src/internal/log/batch-view.js";
import type { SyncIo } from "../../src/internal/log/group-sync.js";
import { LOG_START_FILE, SegmentStore, type SegmentStoreOptions } from "../../src/internal/log/segment-store.js";
import type { PlacedBatch } from "../../src/internal/log/store.js";
import { makeBatch, valuesOf } from "./support/batches.js";
import { recordingLogger, useTempDirs } from "./support/temp-dir.js";

const tempDir = useTempDirs();

/** One 2-record batch at `offset`, placed. */
function batchAt(offset: number): { bytes: Uint8Array; placed: PlacedBatch[] } {
  const bytes = makeBatch({ values: valuesOf(offset, offset + 1) });
  assignOffset(bytes, 0, offset, 0);
  return { bytes, placed: [{ position: 0, size: bytes.byteLength, baseOffset: offset, lastOffset: offset + 1 }] };
}

/** Opens and loads a store over `dir`; returns it, what it loaded and what it logged. */
function open(dir: string, options: SegmentStoreOptions = {}) {
  const logger = recordingLogger();
  const store = SegmentStore.open(dir, { logger, ...options });
  const loaded = store.load();
  return { store, loaded, logger };
}

/** Writes `count` batches (offsets 0, 2, 4, …) into segments of `perSegment` batches, then closes. */
async function fill(
  dir: string,
  count: number,
  perSegment = count,
  options: SegmentStoreOptions = {},
): Promise<number[]> {
  const { store } = open(dir, options);
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    if (i % perSegment === 0) store.roll(i * 2);
    const b = batchAt(i * 2);
    store.append(b.bytes, b.placed);
    sizes.push(b.bytes.byteLength);
  }
  await store.close();
  return sizes;
}

const offsetsOf = (loaded: ReturnType<typeof open>["loaded"]) =>
  loaded.segments.map((s) => [s.baseOffset, s.batches.map((b) => b.baseOffset)]);

describe("SegmentStore files", () => {
  it("names segments and indexes by their base offset in 20 digits", async () => {
    const dir = tempDir();
    await fill(dir, 4, 2);
    expect(readdirSync(dir).sort()).toEqual([
      "00000000000000000000.index",
      "00000000000000000000.log",
      "00000000000000000004.index",
      "00000000000000000004.log",
    ]);
  });

  it("writes a sparse index: an entry each time indexIntervalBytes have been appended", async () => {
    const dir = tempDir();
    const sizes = await fill(dir, 10, 10, { indexIntervalBytes: 150 });
    const size = sizes[0]!;
    const index = readFileSync(join(dir, "00000000000000000000.index"));
    // Batches are `size` bytes: an entry goes before the first batch that starts >= 150 bytes after the last entry.
    const perEntry = Math.ceil(150 / size);
    const expected: [number, number][] = [];
    for (let i = perEntry; i < 10; i += perEntry) expected.push([i * 2, i * size]);
    const entries: [number, number][] = [];
    for (let p = 0; p < index.length; p += 12)
      entries.push([Number(index.readBigInt64BE(p)), index.readUInt32BE(p + 8)]);
    expect(entries).toEqual(expected);
  });

  it("deletes the files of deleted segments", async () => {
    const dir = tempDir();
    const { store } = open(dir);
    for (const base of [0, 2, 4]) {
      store.roll(base);
      const b = batchAt(base);
      store.append(b.bytes, b.placed);
    }
    store.deleteOldestSegments(2);
    expect(readdirSync(dir).filter((n) => n.endsWith(".log"))).toEqual(["00000000000000000004.log"]);
    await store.close();
  });

  it("rejects a bad flush policy, index interval or directory with InvalidLogConfigError", () => {
    const dir = tempDir();
    for (const options of [
      { flush: { intervalMs: 0 } },
      { flush: { intervalMs: Number.NaN } },
      { flush: "sometimes" as never },
      { indexIntervalBytes: -1 },
      { indexIntervalBytes: 1.5 },
    ]) {
      let thrown: unknown;
      try {
        SegmentStore.open(dir, options);
      } catch (error) {
        thrown = error;
      }
      expect(isInvalidLogConfigError(thrown)).toBe(true);
    }
    expect(() => SegmentStore.open("")).toThrow(/dataDir/);
  });
});

describe("SegmentStore recovery", () => {
  it("reopens a clean directory without a word", async () => {
    const dir = tempDir();
    await fill(dir, 6, 3);
    const { store, loaded, logger } = open(dir);
    expect(offsetsOf(loaded)).toEqual([
      [0, [0, 2, 4]],
      [6, [6, 8, 10]],
    ]);
    expect(logger.events).toEqual([]);
    await store.close();
  });

  it("truncates a half-written batch at the tail and logs what it dropped", async () => {
    const dir = tempDir();
    await fill(dir, 5);
    const file = join(dir, "00000000000000000000.log");
    const good = statSync(file).size;
    appendFileSync(file, batchAt(10).bytes.subarray(0, 30));
    const { store, loaded, logger } = open(dir);
    expect(offsetsOf(loaded)).toEqual([[0, [0, 2, 4, 6, 8]]]);
    expect(statSync(file).size).toBe(good);
    expect(logger.events).toEqual([
      expect.objectContaining({
        level: "warn",
        message: expect.stringContaining("truncating"),
        details: expect.objectContaining({ file, position: good, truncatedBytes: 30 }),
      }),
    ]);
    // The store carries on at the cut: the next append lands there, and a reopen is clean.
    const next = batchAt(10);
    store.append(next.bytes, next.placed);
    await store.close();
    const again = open(dir);
    expect(offsetsOf(again.loaded)).toEqual([[0, [0, 2, 4, 6, 8, 10]]]);
    expect(again.logger.events).toEqual([]);
    await again.store.close();
  });

  it("truncates the last segment at a batch whose CRC does not match", async () => {
    const dir = tempDir();
    const sizes = await fill(dir, 5);
    const file = join(dir, "00000000000000000000.log");
    const bytes = readFileSync(file);
    const third = sizes[0]! + sizes[1]!;
    bytes[third + 70]! ^= 0x01; // a record byte of the third batch
    writeFileSync(file, bytes);
    const { store, loaded, logger } = open(dir);
    expect(offsetsOf(loaded)).toEqual([[0, [0, 2]]]);
    expect(logger.events[0]?.details).toMatchObject({ position: third, reason: expect.stringContaining("CRC") });
    expect(statSync(file).size).toBe(third);
    await store.close();
  });

  it("truncates zeros after the last batch (a preallocated or torn page)", async () => {
    const dir = tempDir();
    await fill(dir, 2);
    const file = join(dir, "00000000000000000000.log");
    const good = statSync(file).size;
    appendFileSync(file, new Uint8Array(4096));
    const { store, loaded, logger } = open(dir);
    expect(offsetsOf(loaded)).toEqual([[0, [0, 2]]]);
    expect(logger.events[0]?.details).toMatchObject({ position: good, truncatedBytes: 4096 });
    await store.close();
  });

  it("cuts an older segment at a torn batch and deletes every later segment", async () => {
    const dir = tempDir();
    const sizes = await fill(dir, 9, 3);
    truncateSync(join(dir, "00000000000000000006.log"), sizes[0]! + 20);
    const { store, loaded, logger } = open(dir);
    expect(offsetsOf(loaded)).toEqual([
      [0, [0, 2, 4]],
      [6, [6]],
    ]);
    expect(existsSync(join(dir, "00000000000000000012.log"))).toBe(false);
    expect(logger.events.filter((e) => e.level === "warn").map((e) => e.message)).toEqual([
      expect.stringContaining("truncating"),
      expect.stringContaining("deleting a segment"),
    ]);
    // The cut segment is now the active one.
    const next = batchAt(8);
    store.append(next.bytes, next.placed);
    await store.close();
    expect(offsetsOf(open(dir).loaded)).toEqual([
      [0, [0, 2, 4]],
      [6, [6, 8]],
    ]);
  });

  it("drops a segment that does not start where the previous one ends", async () => {
    const dir = tempDir();
    await fill(dir, 4, 2);
    // Renaming the second segment leaves a gap: 0..3, then "10".
    writeFileSync(join(dir, "00000000000000000010.log"), readFileSync(join(dir, "00000000000000000004.log")));
    const { loaded, logger, store } = open(dir);
    // Segment 4 still follows on; 10 does not (and its batches say 4 anyway).
    expect(offsetsOf(loaded)).toEqual([
      [0, [0, 2]],
      [4, [4, 6]],
    ]);
    expect(
      logger.events.some((e) => e.level === "warn" && e.details.file === join(dir, "00000000000000000010.log")),
    ).toBe(true);
    await store.close();
  });

  it("rebuilds an index that is missing, shorter than its segment, or wrong", async () => {
    const dir = tempDir();
    await fill(dir, 12, 12, { indexIntervalBytes: 100 });
    const indexFile = join(dir, "00000000000000000000.index");
    const good = readFileSync(indexFile);
    expect(good.length).toBeGreaterThan(24);
    const cases: [string, () => void][] = [
      ["missing", () => unlinkSync(indexFile)],
      ["shorter than its segment", () => writeFileSync(indexFile, good.subarray(0, 12))],
      ["different from its segment", () => writeFileSync(indexFile, Buffer.concat([good, Buffer.alloc(12, 7)]))],
    ];
    for (const [reason, damage] of cases) {
      damage();
      const { store, logger } = open(dir, { indexIntervalBytes: 100 });
      expect(logger.events).toEqual([
        expect.objectContaining({ level: "info", details: expect.objectContaining({ file: indexFile, reason }) }),
      ]);
      expect(readFileSync(indexFile)).toEqual(good);
      await store.close();
    }
  });

  it("removes leftovers: temp files and an index without its segment", async () => {
    const dir = tempDir();
    await fill(dir, 1);
    writeFileSync(join(dir, `${LOG_START_FILE}.tmp`), "12");
    writeFileSync(join(dir, "00000000000000000099.index"), "");
    const { store } = open(dir);
    expect(readdirSync(dir).sort()).toEqual(["00000000000000000000.index", "00000000000000000000.log"]);
    await store.close();
  });

  it("ignores an unreadable log start file, with a warning", async () => {
    const dir = tempDir();
    await fill(dir, 1);
    writeFileSync(join(dir, LOG_START_FILE), "not a number");
    const { store, loaded, logger } = open(dir);
    expect(loaded.logStartOffset).toBeUndefined();
    expect(logger.events.map((e) => e.level)).toEqual(["warn"]);
    await store.close();
  });
});

/** An fsync the test completes by hand. */
function manualIo(): { io: SyncIo; calls: { fd: number; resolve(): void; reject(e: Error): void }[] } {
  const calls: { fd: number; resolve(): void; reject(e: Error): void }[] = [];
  return {
    calls,
    io: {
      fsync: (fd) =>
        new Promise<void>((resolve, reject) => {
          calls.push({ fd, resolve, reject });
        }),
    },
  };
}

describe("SegmentStore flush policies", () => {
  it('"always": whenDurable waits for the fsync; appends during it share the next one', async () => {
    const { io, calls } = manualIo();
    const { store } = open(tempDir(), { flush: "always", io });
    store.roll(0);
    const created = store.flush(); // the directory entry of the new segment
    await settle();
    for (const c of calls.splice(0)) c.resolve();
    await created;
    const first = batchAt(0);
    store.append(first.bytes, first.placed);
    let firstDone = false;
    const firstDurable = store.whenDurable().then(() => {
      firstDone = true;
    });
    await settle();
    expect(calls).toHaveLength(1);
    expect(firstDone).toBe(false);
    // Two more appends while the first fsync runs: neither is covered by it.
    const later: boolean[] = [];
    for (const offset of [2, 4]) {
      const b = batchAt(offset);
      store.append(b.bytes, b.placed);
      const i = later.push(false) - 1;
      store.whenDurable().then(() => {
        later[i] = true;
      });
    }
    calls[0]!.resolve();
    await firstDurable;
    await settle();
    expect(firstDone).toBe(true);
    expect(later).toEqual([false, false]);
    expect(calls).toHaveLength(2); // one round for both
    calls[1]!.resolve();
    await settle();
    expect(later).toEqual([true, true]);
    await store.close();
  });

  it('"interval": fsyncs at most intervalMs after the first unsynced write, never before', async () => {
    const clock = new ManualClock();
    const { io, calls } = manualIo();
    const { store } = open(tempDir(), { flush: { intervalMs: 50 }, io, clock });
    store.roll(0);
    const b = batchAt(0);
    store.append(b.bytes, b.placed);
    await store.whenDurable(); // resolves at once under this policy
    clock.advance(49);
    await settle();
    expect(calls).toHaveLength(0);
    clock.advance(1);
    await settle();
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls.splice(0)) c.resolve();
    await settle();
    const close = store.close();
    await settle();
    expect(calls).toHaveLength(0); // nothing left to sync
    await close;
  });

  it('"never": no fsync for appends, one at close', async () => {
    const { io, calls } = manualIo();
    const { store } = open(tempDir(), { flush: "never", io });
    store.roll(0);
    for (const offset of [0, 2, 4]) {
      const b = batchAt(offset);
      store.append(b.bytes, b.placed);
    }
    await store.whenDurable();
    await settle();
    expect(calls).toHaveLength(0);
    const closing = store.close();
    await settle();
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls.splice(0)) c.resolve();
    await closing;
  });

  it("a failed fsync takes the store offline with LogStorageError", async () => {
    const { io, calls } = manualIo();
    const { store } = open(tempDir(), { flush: "always", io });
    store.roll(0);
    const b = batchAt(0);
    store.append(b.bytes, b.placed);
    const durable = store.whenDurable();
    await settle();
    for (const c of calls.splice(0)) c.reject(Object.assign(new Error("EIO: i/o error"), { code: "EIO" }));
    const error = await durable.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isLogStorageError(error)).toBe(true);
    expect((error as Error).message).toMatch(/EIO.*restart/);
    expect(() => store.append(b.bytes, b.placed)).toThrow(error as Error);
    await store.close();
  });
});

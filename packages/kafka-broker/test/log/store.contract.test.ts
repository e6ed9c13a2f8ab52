/**
 * The contract every LogStore keeps (store.ts's header), run against the
 * memory store and the segment-file store alike.
 */

import { describe, expect, it } from "vitest";
import { isLogClosedError } from "../../src/errors.js";
import { assignOffset } from "../../src/internal/log/batch-view.js";
import { MemoryStore } from "../../src/internal/log/memory-store.js";
import { SegmentStore } from "../../src/internal/log/segment-store.js";
import type { LogStore, PlacedBatch } from "../../src/internal/log/store.js";
import { concat, makeBatch, valuesOf } from "./support/batches.js";
import { recordingLogger, useTempDirs } from "./support/temp-dir.js";

const tempDir = useTempDirs();

interface Kind {
  readonly name: string;
  /** A fresh, loaded store. */
  make(): LogStore;
}

const kinds: Kind[] = [
  {
    name: "memory",
    make() {
      const store = new MemoryStore();
      store.load();
      return store;
    },
  },
  {
    name: "segment files (flush always, index every 100 bytes)",
    make() {
      const store = SegmentStore.open(tempDir(), {
        flush: "always",
        indexIntervalBytes: 100,
        logger: recordingLogger(),
      });
      store.load();
      return store;
    },
  },
];

/** `n` batches with offsets from `base`, concatenated, and their placement. */
function batches(base: number, n: number, recordsEach = 2): { bytes: Uint8Array; placed: PlacedBatch[] } {
  const parts: Uint8Array[] = [];
  const placed: PlacedBatch[] = [];
  let position = 0;
  let offset = base;
  for (let i = 0; i < n; i++) {
    const part = makeBatch({ values: valuesOf(...Array.from({ length: recordsEach }, (_, r) => offset + r)) });
    assignOffset(part, 0, offset, 0);
    parts.push(part);
    placed.push({ position, size: part.byteLength, baseOffset: offset, lastOffset: offset + recordsEach - 1 });
    position += part.byteLength;
    offset += recordsEach;
  }
  return { bytes: concat(...parts), placed };
}

const joined = (chunks: readonly Uint8Array[]) => concat(...chunks);

describe.each(kinds)("the LogStore contract: $name", (kind) => {
  it("reads back exactly the bytes appended, from any batch", async () => {
    const store = kind.make();
    store.roll(0);
    const { bytes, placed } = batches(0, 20);
    store.append(bytes, placed.slice(0, 7));
    store.append(bytes, placed.slice(7));
    await store.whenDurable();
    for (const from of [0, 3, 7, 19]) {
      const start = placed[from]!.position;
      for (const count of new Set([1, Math.min(2, 20 - from), 20 - from])) {
        const end = placed[from + count - 1]!.position + placed[from + count - 1]!.size;
        expect(joined(store.read(0, placed[from]!.baseOffset, end - start))).toEqual(bytes.subarray(start, end));
      }
    }
    await store.close();
  });

  it("keeps its own copy: the caller may reuse its buffer once append returns", async () => {
    const store = kind.make();
    store.roll(0);
    const { bytes, placed } = batches(0, 3);
    const expected = bytes.slice();
    store.append(bytes, placed);
    bytes.fill(0xee);
    expect(joined(store.read(0, 0, expected.byteLength))).toEqual(expected);
    await store.close();
  });

  it("keeps segments apart and deletes the oldest first", async () => {
    const store = kind.make();
    const a = batches(0, 3);
    const b = batches(6, 3);
    const c = batches(12, 3);
    store.roll(0);
    store.append(a.bytes, a.placed);
    store.roll(6);
    store.append(b.bytes, b.placed);
    store.roll(12);
    store.append(c.bytes, c.placed);
    expect(joined(store.read(6, 8, b.bytes.byteLength - b.placed[1]!.position))).toEqual(
      b.bytes.subarray(b.placed[1]!.position),
    );
    store.deleteOldestSegments(2);
    expect(joined(store.read(12, 12, c.bytes.byteLength))).toEqual(c.bytes);
    expect(() => store.read(0, 0, a.bytes.byteLength)).toThrow();
    await store.close();
  });

  it("accepts a batch that lands in the middle of a sparse-index interval", async () => {
    const store = kind.make();
    store.roll(100);
    const { bytes, placed } = batches(100, 40, 1);
    for (const p of placed) store.append(bytes, [p]);
    for (const p of placed)
      expect(joined(store.read(100, p.baseOffset, p.size))).toEqual(bytes.subarray(p.position, p.position + p.size));
    // Backwards too: a read cursor never misleads a later read.
    for (const p of [...placed].reverse()) expect(joined(store.read(100, p.baseOffset, p.size))).toHaveLength(p.size);
    await store.close();
  });

  it("refuses every call but close once closed", async () => {
    const store = kind.make();
    store.roll(0);
    await store.close();
    await store.close();
    const { bytes, placed } = batches(0, 1);
    let thrown: unknown;
    try {
      store.append(bytes, placed);
    } catch (error) {
      thrown = error;
    }
    expect(isLogClosedError(thrown)).toBe(true);
    expect(() => store.read(0, 0, 10)).toThrow(/closed/);
  });
});

describe("durability across reopen (segment files only)", () => {
  it("finds its segments, batches and saved log start again", async () => {
    const dir = tempDir();
    const store = SegmentStore.open(dir, { logger: recordingLogger() });
    store.load();
    const a = batches(0, 4);
    const b = batches(8, 2);
    store.roll(0);
    store.append(a.bytes, a.placed);
    store.roll(8);
    store.append(b.bytes, b.placed);
    store.saveLogStartOffset(3);
    await store.close();
    const again = SegmentStore.open(dir, { logger: recordingLogger() });
    const loaded = again.load();
    expect(loaded.logStartOffset).toBe(3);
    expect(loaded.segments.map((s) => [s.baseOffset, s.batches.map((h) => h.baseOffset)])).toEqual([
      [0, [0, 2, 4, 6]],
      [8, [8, 10]],
    ]);
    expect(joined(again.read(8, 8, b.bytes.byteLength))).toEqual(b.bytes);
    await again.close();
  });

  it("the memory store starts empty every time", () => {
    const store = new MemoryStore();
    expect(store.load()).toEqual({ segments: [], logStartOffset: undefined });
    expect(store.durable).toBe(false);
  });
});

/**
 * Model-based test of PartitionLog: random command sequences (append, read,
 * timestamp lookup, retention, deleteRecords, and for the durable store
 * close-and-reopen) run against a real log and against a naive model — an
 * array of segments, each an array of the batches' bytes — and after every
 * command everything observable is compared: the answer, the log start,
 * high watermark and end, the size, the segment bases, the producer state;
 * and `assertInvariants()` is called.
 *
 * The model restates the rules plainly: a segment rolls when the next batch
 * would take a non-empty one past segmentBytes; retention drops whole
 * segments, oldest first (below the log start, then by bytes, then by age),
 * never the empty last one, and rolls an empty one at the log end when the
 * last goes; producers follow support/producer-model.ts (KAFKA.md §3).
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PartitionLogOptions } from "../../src/internal/log/log-config.js";
import { UNLIMITED } from "../../src/internal/log/log-config.js";
import { MemoryStore } from "../../src/internal/log/memory-store.js";
import { PartitionLog } from "../../src/internal/log/partition-log.js";
import { SegmentStore } from "../../src/internal/log/segment-store.js";
import { concat, makeBatch } from "./support/batches.js";
import { type Intent, intent, type ModelBatch, ProducerModel, resolveIntent } from "./support/producer-model.js";
import { recordingLogger } from "./support/temp-dir.js";

// ---------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------

interface StoredBatch {
  readonly base: number;
  readonly last: number;
  /** The bytes as the log must return them (offset and leader epoch rewritten). */
  readonly bytes: Uint8Array;
  readonly maxTimestamp: number;
}

interface Config {
  readonly segmentBytes: number;
  readonly retentionBytes: number;
  readonly retentionMs: number;
  readonly durable: boolean;
  readonly indexIntervalBytes: number;
}

class LogModel {
  segments: { base: number; batches: StoredBatch[] }[] = [{ base: 0, batches: [] }];
  logStart = 0;
  logEnd = 0;
  readonly producers = new ProducerModel();
  constructor(readonly config: Config) {}

  bytesOf(segment: { batches: StoredBatch[] }): number {
    return segment.batches.reduce((n, b) => n + b.bytes.byteLength, 0);
  }

  get size(): number {
    return this.segments.reduce((n, s) => n + this.bytesOf(s), 0);
  }

  get all(): StoredBatch[] {
    return this.segments.flatMap((s) => s.batches);
  }

  store(batch: StoredBatch): void {
    let active = this.segments[this.segments.length - 1]!;
    const used = this.bytesOf(active);
    if (used > 0 && used + batch.bytes.byteLength > this.config.segmentBytes) {
      active = { base: batch.base, batches: [] };
      this.segments.push(active);
    }
    active.batches.push(batch);
    this.logEnd = batch.last + 1;
  }

  /** Drops the oldest segment (rolling an empty one at the log end first if it is the only one). */
  dropOldest(): void {
    if (this.segments.length === 1) this.segments.push({ base: this.logEnd, batches: [] });
    this.segments.shift();
    this.logStart = Math.max(this.logStart, this.segments[0]!.base);
    this.producers.forgetBelow(this.segments[0]!.base);
  }

  dropBelowLogStart(): number {
    let n = 0;
    while (this.segments.length > 1 && this.segments[1]!.base <= this.logStart) {
      this.dropOldest();
      n++;
    }
    return n;
  }

  firstDeletable(): boolean {
    return !(this.segments.length === 1 && this.segments[0]!.batches.length === 0);
  }

  retention(now: number): number {
    let n = this.dropBelowLogStart();
    const { retentionBytes, retentionMs } = this.config;
    while (
      retentionBytes !== UNLIMITED &&
      this.firstDeletable() &&
      this.size - this.bytesOf(this.segments[0]!) >= retentionBytes
    ) {
      this.dropOldest();
      n++;
    }
    const newest = (s: { batches: StoredBatch[] }) => Math.max(...s.batches.map((b) => b.maxTimestamp));
    while (retentionMs !== UNLIMITED && this.firstDeletable() && now - newest(this.segments[0]!) > retentionMs) {
      this.dropOldest();
      n++;
    }
    return n;
  }

  read(offset: number, maxBytes: number): Uint8Array | "out-of-range" {
    if (offset < this.logStart || offset > this.logEnd) return "out-of-range";
    const all = this.all;
    const from = all.findIndex((b) => b.base <= offset && offset <= b.last);
    const taken: Uint8Array[] = [];
    let total = 0;
    for (let i = from; from >= 0 && i < all.length; i++) {
      const size = all[i]!.bytes.byteLength;
      if (total > 0 && total + size > maxBytes) break;
      taken.push(all[i]!.bytes);
      total += size;
    }
    return concat(...taken);
  }

  timestamp(ts: number): { offset: number; timestamp: number } | undefined {
    if (ts === -2) return { offset: this.logStart, timestamp: -1 };
    if (ts === -1) return { offset: this.logEnd, timestamp: -1 };
    const hit = this.all.find((b) => b.last >= this.logStart && b.maxTimestamp >= ts);
    return hit === undefined ? undefined : { offset: Math.max(hit.base, this.logStart), timestamp: hit.maxTimestamp };
  }
}

/** The real side: a log, and how to reopen it over the same store kind. */
class Real {
  log: PartitionLog;
  readonly dir: string | undefined;
  constructor(readonly config: Config) {
    this.dir = config.durable ? mkdtempSync(join(tmpdir(), "kafka-broker-model-")) : undefined;
    this.log = this.open();
  }

  open(): PartitionLog {
    const store =
      this.dir === undefined
        ? new MemoryStore()
        : SegmentStore.open(this.dir, {
            logger: recordingLogger(),
            indexIntervalBytes: this.config.indexIntervalBytes,
          });
    const options: PartitionLogOptions = {
      segmentBytes: this.config.segmentBytes,
      retentionBytes: this.config.retentionBytes,
      retentionMs: this.config.retentionMs,
    };
    return PartitionLog.open(store, options);
  }

  async dispose(): Promise<void> {
    await this.log.close();
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
  }
}

function compare(m: LogModel, r: Real): void {
  const log = r.log;
  log.assertInvariants();
  expect({
    logStart: log.logStartOffset,
    highWatermark: log.highWatermark,
    logEnd: log.logEndOffset,
    size: log.sizeInBytes,
    segments: log.segmentBaseOffsets,
  }).toEqual({
    logStart: m.logStart,
    highWatermark: m.logEnd,
    logEnd: m.logEnd,
    size: m.size,
    segments: m.segments.map((s) => s.base),
  });
  expect(log.producers()).toEqual(m.producers.snapshots());
}

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

/** What the runs of one test reached, so a vacuous generator fails the test. */
const reached = new Set<string>();

interface BatchPlan {
  readonly records: number;
  readonly valueBytes: number;
  readonly timestamp: number;
  readonly idempotent: Intent | null;
}

type Cmd = fc.AsyncCommand<LogModel, Real>;

class Append implements Cmd {
  constructor(
    readonly plans: readonly BatchPlan[],
    readonly corrupt: number | null,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: LogModel, r: Real): Promise<void> {
    const pending = new Map<bigint, { epoch: number; next: number }>();
    const specs: ModelBatch[] = [];
    const counts: number[] = [];
    const parts = this.plans.map((p) => {
      const id =
        p.idempotent === null ? null : resolveIntent(m.producers, { ...p.idempotent, records: p.records }, pending);
      // A retry of a cached range takes that range's record count.
      const count = id === null ? p.records : id.lastOffsetDelta + 1;
      counts.push(count);
      const values = Array.from({ length: count }, (_, i) => new Uint8Array(p.valueBytes).fill(i + 1));
      const bytes = makeBatch({
        values,
        baseTimestamp: p.timestamp,
        ...(id === null
          ? {}
          : { producerId: id.producerId, producerEpoch: id.producerEpoch, baseSequence: id.baseSequence }),
      });
      const maxTimestamp = p.timestamp + count - 1;
      specs.push(
        id === null
          ? { producerId: -1n, producerEpoch: -1, baseSequence: -1, lastOffsetDelta: count - 1, maxTimestamp }
          : { ...id, maxTimestamp },
      );
      return bytes;
    });
    if (this.corrupt !== null) {
      const victim = parts[this.corrupt % parts.length]!;
      victim[victim.length - 1]! ^= 0x10;
    }
    const records = concat(...parts);
    const result = await r.log.append(records, { now: 0 });
    if (this.corrupt !== null) {
      expect(result).toMatchObject({ kind: "rejected", errorCode: 2 });
      reached.add("corrupt");
      return;
    }
    const verdict = m.producers.check(specs);
    if (verdict.kind === "rejected") {
      expect(result).toMatchObject({ kind: "rejected", errorCode: verdict.errorCode });
      reached.add(`rejected ${verdict.errorCode}`);
      return;
    }
    if (verdict.kind === "duplicate") {
      expect(result).toEqual({
        kind: "duplicate",
        baseOffset: verdict.baseOffset,
        lastOffset: verdict.lastOffset,
        logStartOffset: m.logStart,
      });
      reached.add("duplicate");
      return;
    }
    const bases: number[] = [];
    let position = 0;
    parts.forEach((part, i) => {
      const base = m.logEnd;
      bases.push(base);
      // The real append rewrote `records` in place; the model keeps that copy.
      const stored = records.slice(position, position + part.byteLength);
      position += part.byteLength;
      const count = counts[i]!;
      m.store({ base, last: base + count - 1, bytes: stored, maxTimestamp: this.plans[i]!.timestamp + count - 1 });
      m.producers.commit(specs[i]!, base);
    });
    // No segment but the last may lie wholly below the log start: one a roll leaves there goes at once.
    m.dropBelowLogStart();
    reached.add(parts.length > 1 ? "appended several" : "appended");
    expect(result).toEqual({
      kind: "appended",
      baseOffset: bases[0],
      lastOffset: m.logEnd - 1,
      batchBaseOffsets: bases,
      logStartOffset: m.logStart,
    });
  }
  toString(): string {
    return `append(${JSON.stringify(this.plans)}${this.corrupt === null ? "" : `, corrupt ${this.corrupt}`})`;
  }
}

class Read implements Cmd {
  constructor(
    readonly pick: number,
    readonly maxBytes: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: LogModel, r: Real): Promise<void> {
    const offset = m.logStart - 1 + (this.pick % (m.logEnd - m.logStart + 3));
    const expected = m.read(offset, this.maxBytes);
    const actual = r.log.read(offset, this.maxBytes);
    if (expected === "out-of-range") expect(actual.kind).toBe("out-of-range");
    else {
      expect(actual.kind).toBe("records");
      if (actual.kind === "records") {
        expect(concat(...actual.records)).toEqual(expected);
        expect(actual.byteLength).toBe(expected.byteLength);
        if (actual.records.length > 1) reached.add("read across segments");
        if (expected.byteLength > this.maxBytes) reached.add("read one batch over maxBytes");
      }
    }
  }
  toString(): string {
    return `read(pick ${this.pick}, ${this.maxBytes})`;
  }
}

class Lookup implements Cmd {
  constructor(readonly timestamp: number) {}
  check(): boolean {
    return true;
  }
  async run(m: LogModel, r: Real): Promise<void> {
    expect(r.log.offsetForTimestamp(this.timestamp)).toEqual(m.timestamp(this.timestamp));
  }
  toString(): string {
    return `offsetForTimestamp(${this.timestamp})`;
  }
}

class Retention implements Cmd {
  constructor(readonly now: number) {}
  check(): boolean {
    return true;
  }
  async run(m: LogModel, r: Real): Promise<void> {
    const deleted = m.retention(this.now);
    if (deleted > 0) reached.add("retention deleted");
    expect(r.log.applyRetention(this.now)).toMatchObject({ deletedSegments: deleted, logStartOffset: m.logStart });
  }
  toString(): string {
    return `applyRetention(${this.now})`;
  }
}

class DeleteRecords implements Cmd {
  constructor(readonly pick: number) {}
  check(): boolean {
    return true;
  }
  async run(m: LogModel, r: Real): Promise<void> {
    const offset = -2 + (this.pick % (m.logEnd + 4));
    const result = r.log.deleteRecordsBefore(offset);
    const target = offset === -1 ? m.logEnd : offset;
    if (target < 0 || target > m.logEnd) {
      expect(result).toMatchObject({ kind: "out-of-range", errorCode: 1 });
      return;
    }
    if (target > m.logStart) {
      reached.add("deleteRecords moved");
      m.logStart = target;
      m.dropBelowLogStart();
    }
    expect(result).toEqual({ kind: "deleted", logStartOffset: m.logStart });
  }
  toString(): string {
    return `deleteRecordsBefore(pick ${this.pick})`;
  }
}

class Reopen implements Cmd {
  check(m: Readonly<LogModel>): boolean {
    return m.config.durable;
  }
  async run(_m: LogModel, r: Real): Promise<void> {
    await r.log.close();
    r.log = r.open();
    if (r.log.logEndOffset > 0) reached.add("reopened");
  }
  toString(): string {
    return "close and reopen";
  }
}

/** Wraps a command so the full comparison runs after it. */
class Checked implements Cmd {
  constructor(readonly inner: Cmd) {}
  check(m: Readonly<LogModel>): boolean {
    return this.inner.check(m);
  }
  async run(m: LogModel, r: Real): Promise<void> {
    await this.inner.run(m, r);
    compare(m, r);
  }
  toString(): string {
    return this.inner.toString();
  }
}

/**
 * Intents leaning towards histories that last: mostly the next sequence or a
 * retry of a cached batch, from one of the two producers, so that duplicates
 * and stale epochs meet a producer the log still remembers.
 */
const loggedIntent: fc.Arbitrary<Intent> = fc.record({
  pid: fc.constantFrom<0 | 1 | 2>(1, 2),
  epochStep: fc.constantFrom<-1 | 0 | 1>(0, 0, 0, 0, 0, 1, -1),
  seq: fc.constantFrom<Intent["seq"]>("next", "next", "next", "cached", "cached", "gap", "zero", "wrap"),
  records: fc.integer({ min: 1, max: 4 }),
  pick: fc.nat(),
});

const plan: fc.Arbitrary<BatchPlan> = fc.record({
  records: fc.integer({ min: 1, max: 4 }),
  valueBytes: fc.integer({ min: 0, max: 40 }),
  timestamp: fc.integer({ min: 0, max: 1000 }),
  idempotent: fc.oneof(fc.constant(null), intent, loggedIntent, loggedIntent),
});

const append = fc
  .tuple(
    fc.array(plan, { minLength: 1, maxLength: 3 }),
    // One append in twelve has a flipped byte in one of its batches.
    fc.oneof({ weight: 11, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat() }),
  )
  .map(([plans, corrupt]) => new Checked(new Append(plans, corrupt)));

// Appends weigh three times the others: idempotence rows need a history to meet.
const commands = [
  append,
  append,
  append,
  fc.tuple(fc.nat(), fc.constantFrom(0, 1, 100, 250, 600, 5000)).map(([p, max]) => new Checked(new Read(p, max))),
  fc.integer({ min: -2, max: 1100 }).map((t) => new Checked(new Lookup(t))),
  fc.integer({ min: 0, max: 2000 }).map((now) => new Checked(new Retention(now))),
  fc.nat().map((p) => new Checked(new DeleteRecords(p))),
  fc.constant(new Checked(new Reopen())),
];

const config = (durable: boolean): fc.Arbitrary<Config> =>
  fc.record({
    segmentBytes: fc.integer({ min: 100, max: 700 }),
    retentionBytes: fc.oneof(fc.constant(UNLIMITED), fc.integer({ min: 0, max: 3000 })),
    retentionMs: fc.oneof(fc.constant(UNLIMITED), fc.integer({ min: 100, max: 1800 })),
    durable: fc.constant(durable),
    indexIntervalBytes: fc.constantFrom(0, 64, 300, 4096),
  });

async function runModel(c: Config, cmds: Iterable<Cmd>): Promise<void> {
  const real = new Real(c);
  try {
    await fc.asyncModelRun(() => ({ model: new LogModel(c), real }), cmds);
  } finally {
    await real.dispose();
  }
}

const EXPECTED = [
  "appended",
  "appended several",
  "corrupt",
  "deleteRecords moved",
  "duplicate",
  "read across segments",
  "read one batch over maxBytes",
  "rejected 45",
  "rejected 47",
  "reopened",
  "retention deleted",
].sort();

describe("PartitionLog against an array model", () => {
  it("agrees after every command, in memory", async () => {
    reached.clear();
    await fc.assert(
      fc.asyncProperty(config(false), fc.commands(commands, { maxCommands: 60, size: "medium" }), runModel),
      { numRuns: 150 },
    );
    expect([...reached].sort()).toEqual(EXPECTED.filter((r) => r !== "reopened"));
  });

  it("agrees after every command on segment files, across close and reopen", async () => {
    reached.clear();
    await fc.assert(
      fc.asyncProperty(config(true), fc.commands(commands, { maxCommands: 50, size: "medium" }), runModel),
      { numRuns: 60 },
    );
    expect([...reached].sort(), JSON.stringify([...reached])).toEqual(EXPECTED);
  });
});

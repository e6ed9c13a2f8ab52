/**
 * Property: ProducerStateTable agrees with the reference model of KAFKA.md
 * §3 (support/producer-model.ts) on every verdict, and on the state after
 * every committed append and every forgetBelow, for appends of 1-3 batches
 * whose sequences are drawn relative to the model's state (the next one, a
 * cached range, a gap, 0, near INT32_MAX), over two producers and -1.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_SEQUENCE, ProducerStateTable } from "../../src/internal/log/producer-state.js";
import { type ModelBatch, ProducerModel } from "./support/producer-model.js";

type SeqKind = "next" | "cached" | "gap" | "zero" | "random" | "wrap";

interface Intent {
  readonly pid: 0 | 1 | 2;
  readonly epochStep: -1 | 0 | 1;
  readonly seq: SeqKind;
  readonly records: number;
  readonly pick: number;
}

const intent = fc.record({
  pid: fc.constantFrom<0 | 1 | 2>(0, 1, 1, 2, 2),
  epochStep: fc.constantFrom<-1 | 0 | 1>(0, 0, 0, 0, 1, -1),
  seq: fc.constantFrom<SeqKind>("next", "next", "next", "cached", "cached", "gap", "zero", "random", "wrap"),
  records: fc.integer({ min: 1, max: 4 }),
  pick: fc.nat(),
});

type Command =
  | { readonly op: "append"; readonly batches: readonly Intent[] }
  | { readonly op: "forget"; readonly pick: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.array(intent, { minLength: 1, maxLength: 3 }).map((batches) => ({ op: "append" as const, batches })),
  },
  { weight: 1, arbitrary: fc.nat().map((pick) => ({ op: "forget" as const, pick })) },
);

const PIDS = [-1n, 10n, 11n];

/** Turns an intent into a batch, relative to the model's state (and to earlier batches of the same append). */
function resolve(model: ProducerModel, it: Intent, pending: Map<bigint, { epoch: number; next: number }>): ModelBatch {
  const producerId = PIDS[it.pid]!;
  const known = model.producers.get(producerId);
  const state =
    pending.get(producerId) ??
    (known ? { epoch: known.epoch, next: (known.lastSeq + 1) % 2 ** 31 } : { epoch: 0, next: 0 });
  const producerEpoch = Math.max(0, state.epoch + it.epochStep);
  let baseSequence: number;
  let records = it.records;
  switch (it.seq) {
    case "next":
      baseSequence = producerEpoch > state.epoch ? 0 : state.next;
      break;
    case "cached": {
      const cached = known?.cached ?? [];
      const c = cached[it.pick % Math.max(1, cached.length)];
      baseSequence = c?.firstSeq ?? state.next;
      if (c !== undefined) records = ((c.lastSeq - c.firstSeq + 2 ** 31) % 2 ** 31) + 1;
      break;
    }
    case "gap":
      baseSequence = (state.next + 1 + (it.pick % 3)) % 2 ** 31;
      break;
    case "zero":
      baseSequence = 0;
      break;
    case "random":
      baseSequence = it.pick % 40;
      break;
    case "wrap":
      baseSequence = MAX_SEQUENCE - (it.pick % 4);
      break;
  }
  const batch = { producerId, producerEpoch, baseSequence, lastOffsetDelta: records - 1, maxTimestamp: it.pick % 1000 };
  pending.set(producerId, { epoch: producerEpoch, next: (baseSequence + records) % 2 ** 31 });
  return batch;
}

describe("ProducerStateTable against the §3 reference model", () => {
  it("agrees on every verdict and every state", () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 60 }), (commands) => {
        const table = new ProducerStateTable();
        const model = new ProducerModel();
        let nextOffset = 0;
        for (const c of commands) {
          if (c.op === "forget") {
            const offset = nextOffset === 0 ? 0 : c.pick % (nextOffset + 1);
            table.forgetBelow(offset);
            model.forgetBelow(offset);
          } else {
            const pending = new Map<bigint, { epoch: number; next: number }>();
            const batches = c.batches.map((i) => resolve(model, i, pending));
            const expected = model.check(batches);
            const actual = table.check(batches);
            expect(actual.kind).toBe(expected.kind);
            if (expected.kind === "duplicate") expect(actual).toMatchObject(expected);
            if (expected.kind === "rejected") expect(actual).toMatchObject({ errorCode: expected.errorCode });
            if (expected.kind === "ok") {
              for (const b of batches) {
                table.record(b, nextOffset);
                model.commit(b, nextOffset);
                nextOffset += b.lastOffsetDelta + 1;
              }
            }
          }
          table.assertInvariants();
          expect(table.snapshots()).toEqual(model.snapshots());
        }
      }),
      { numRuns: 300 },
    );
  });

  it("reaches every row of the table (the generator is not vacuous)", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 60 }), (commands) => {
        const model = new ProducerModel();
        let nextOffset = 0;
        for (const c of commands) {
          if (c.op !== "append") continue;
          const pending = new Map<bigint, { epoch: number; next: number }>();
          const batches = c.batches.map((i) => resolve(model, i, pending));
          const v = model.check(batches);
          seen.add(v.kind === "rejected" ? String(v.errorCode) : v.kind);
          if (v.kind === "ok")
            for (const b of batches) {
              model.commit(b, nextOffset);
              nextOffset += b.lastOffsetDelta + 1;
            }
        }
      }),
      { numRuns: 200, seed: 42 },
    );
    expect([...seen].sort()).toEqual(["45", "47", "duplicate", "ok"]);
  });
});

/**
 * Properties of channels under arbitrary interleavings (fast-check's scheduler)
 * and under same-turn races between completion and abort:
 * - conservation: every value whose send succeeded is received exactly once
 *   (or, for ring / overflowing, counted in `dropped`); a send that rejected
 *   was never received; an aborted receive took nothing;
 * - per-producer FIFO order;
 * - nothing is left waiting once everything settled;
 * - abort is atomic with completion;
 * - leaving a `for await` loop early leaves the rest in the channel.
 */

import { flush } from "@csp-kit/testkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Channel, ChannelClosedError } from "../src/index.js";
import { coreOf, drops, KINDS, type KindSpec } from "./support/kinds.js";

const kindArb = fc.constantFrom(...KINDS);

/** Producer p's j-th value; unique, and the producer and position can be read back. */
const valueFor = (p: number, j: number): number => p * 1000 + j;
const producerOf = (v: number): number => Math.floor(v / 1000);

/** Drains what is receivable right now (buffered values and blocked senders' values). */
function drainNow(ch: Channel<number>): number[] {
  const out: number[] = [];
  for (let r = ch.tryRecv(); r !== "would-block" && r.isSome(); r = ch.tryRecv()) out.push(r.value);
  return out;
}

/** Asserts `values` holds no value twice. */
function expectDistinct(values: readonly number[]): void {
  expect(new Set(values).size, `duplicates in ${JSON.stringify(values)}`).toBe(values.length);
}

/** Asserts each producer's values appear in increasing position order. */
function expectPerProducerFifo(received: readonly number[]): void {
  const last = new Map<number, number>();
  for (const v of received) {
    const p = producerOf(v);
    const prev = last.get(p);
    if (prev !== undefined) expect(v, `producer ${p}: ${v} received after ${prev}`).toBeGreaterThan(prev);
    last.set(p, v);
  }
}

/** Asserts the conservation law: received ⊆ sent, no duplicates, and the difference is exactly what the policy dropped. */
function expectConservation(spec: KindSpec, ch: Channel<number>, sent: readonly number[], received: readonly number[]) {
  expectDistinct(sent);
  expectDistinct(received);
  const sentSet = new Set(sent);
  for (const v of received) expect(sentSet.has(v), `${v} received but never successfully sent`).toBe(true);
  if (drops(spec.kind)) expect(sent.length - received.length).toBe(ch.dropped);
  else expect([...received].sort((a, b) => a - b)).toEqual([...sent].sort((a, b) => a - b));
}

// ---------------------------------------------------------------------------
// 1. Producers, consumers, close and aborts in arbitrary interleavings
// ---------------------------------------------------------------------------

interface ConsumerPlan {
  readonly mode: "recv" | "for-await" | "recvBatch";
  /** The `max` of a batch consumer's receives. */
  readonly max: number;
  /** How many of its first operations carry a signal that some scheduled task aborts. */
  readonly abortable: number;
}

const raceArb = fc.record({
  spec: kindArb,
  /** One entry per producer; one boolean per value: whether that send carries a signal that gets aborted. */
  producers: fc.array(fc.array(fc.boolean(), { maxLength: 5 }), { minLength: 1, maxLength: 3 }),
  consumers: fc.array<ConsumerPlan>(
    fc.record({
      mode: fc.constantFrom("recv" as const, "for-await" as const, "recvBatch" as const),
      max: fc.constantFrom(1, 2, Number.POSITIVE_INFINITY),
      abortable: fc.nat(2),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  /** `null`: close once every producer finished; n: close after n scheduler steps (possibly mid-stream). */
  closeAfter: fc.option(fc.nat(30), { nil: null, freq: 2 }),
  scheduler: fc.scheduler(),
});

describe("under arbitrary interleavings of producers, consumers (recv, batch, for await), close and aborts", () => {
  it("every successful send is received exactly once, in per-producer FIFO order, and no waiter is left", async () => {
    await fc.assert(
      fc.asyncProperty(raceArb, async ({ spec, producers, consumers, closeAfter, scheduler: s }) => {
        const ch = spec.make();
        const sent: number[] = [];
        const rejectedSends: number[] = [];
        const received: number[] = [];
        const tasks: Promise<void>[] = [];

        /** A controller whose abort is itself a scheduled task, so it lands anywhere in the interleaving. */
        const abortable = (label: string) => {
          const controller = new AbortController();
          const reason = new Error(`abort ${label}`);
          tasks.push(s.schedule(Promise.resolve(), `abort ${label}`).then(() => controller.abort(reason)));
          return { signal: controller.signal, reason };
        };

        const producerTasks = producers.map(async (plan, p) => {
          const aborts = plan.map((abort, j) => (abort ? abortable(`send ${valueFor(p, j)}`) : undefined));
          for (let j = 0; j < plan.length; j++) {
            const v = valueFor(p, j);
            await s.schedule(Promise.resolve(), `producer ${p} sends ${v}`);
            const abort = aborts[j];
            try {
              await ch.send(v, abort && { signal: abort.signal });
              sent.push(v);
            } catch (error) {
              rejectedSends.push(v);
              if (error instanceof ChannelClosedError) expect(error.value).toBe(v);
              else expect(error).toBe(abort?.reason);
            }
          }
        });
        tasks.push(...producerTasks);

        consumers.forEach((plan, c) => {
          const aborts = Array.from({ length: plan.abortable }, (_, k) => abortable(`consumer ${c} op ${k}`));
          let attempt = 0;
          const nextOptions = () => {
            const abort = aborts[attempt++];
            return { abort, options: abort && { signal: abort.signal } };
          };
          if (plan.mode === "recv") {
            tasks.push(
              (async () => {
                for (;;) {
                  await s.schedule(Promise.resolve(), `consumer ${c} receives`);
                  const { abort, options } = nextOptions();
                  try {
                    const r = await ch.recv(options);
                    if (r.isNone()) return;
                    received.push(r.value);
                  } catch (error) {
                    expect(error).toBe(abort?.reason);
                  }
                }
              })(),
            );
          } else if (plan.mode === "recvBatch") {
            tasks.push(
              (async () => {
                for (;;) {
                  await s.schedule(Promise.resolve(), `consumer ${c} receives a batch of up to ${plan.max}`);
                  const { abort, options } = nextOptions();
                  try {
                    const r = await ch.recvBatch(plan.max, options);
                    if (r.isNone()) return;
                    expect(r.value.length).toBeGreaterThan(0);
                    expect(r.value.length).toBeLessThanOrEqual(plan.max);
                    received.push(...r.value);
                  } catch (error) {
                    expect(error).toBe(abort?.reason);
                  }
                }
              })(),
            );
          } else {
            tasks.push(
              (async () => {
                for (;;) {
                  await s.schedule(Promise.resolve(), `consumer ${c} starts a loop`);
                  const { abort, options } = nextOptions();
                  try {
                    for await (const v of ch.values(options)) {
                      received.push(v);
                      await s.schedule(Promise.resolve(), `consumer ${c} got ${v}`);
                    }
                    return;
                  } catch (error) {
                    expect(error).toBe(abort?.reason);
                  }
                }
              })(),
            );
          }
        });

        tasks.push(
          (async () => {
            if (closeAfter === null) await Promise.all(producerTasks);
            else for (let i = 0; i < closeAfter; i++) await s.schedule(Promise.resolve(), "closer waits");
            ch.close();
          })(),
        );

        await s.waitFor(Promise.all(tasks));
        await flush();

        const core = coreOf(ch);
        core.assertInvariants();
        expect(core.waiting).toEqual({ receivers: 0, senders: 0 });
        expect(ch.len).toBe(0);
        expect(sent.length + rejectedSends.length).toBe(producers.reduce((n, plan) => n + plan.length, 0));
        expectConservation(spec, ch, sent, received);
        const receivedSet = new Set(received);
        for (const v of rejectedSends) expect(receivedSet.has(v), `rejected send ${v} was received`).toBe(false);
        expectPerProducerFifo(received);
      }),
      { numRuns: 150 },
    );
  });
});

// ---------------------------------------------------------------------------
// 2. Abort in the same synchronous turn as completion
// ---------------------------------------------------------------------------

type Action =
  | { readonly t: "send" }
  | { readonly t: "recv" }
  | { readonly t: "trySend" }
  | { readonly t: "tryRecv" }
  | { readonly t: "abort"; readonly pick: number }
  | { readonly t: "close" };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.constant({ t: "send" } as const),
  fc.constant({ t: "recv" } as const),
  fc.constant({ t: "trySend" } as const),
  fc.constant({ t: "tryRecv" } as const),
  fc.nat().map((pick) => ({ t: "abort", pick }) as const),
  fc.nat().map((pick) => ({ t: "abort", pick }) as const),
  fc.constant({ t: "close" } as const),
);

interface Tracked {
  readonly kind: "send" | "recv";
  readonly value: number;
  readonly controller: AbortController;
  readonly reason: Error;
  abortCalled: boolean;
  outcome: { ok: true; got?: number } | { ok: false; error: unknown } | undefined;
}

describe("abort racing completion in the same synchronous turn", () => {
  it("an operation either completed (its value counted) or rejected with signal.reason (nothing delivered), never both", async () => {
    await fc.assert(
      fc.asyncProperty(
        kindArb,
        fc.array(actionArb, { minLength: 1, maxLength: 25 }),
        fc.array(actionArb, { maxLength: 10 }),
        async (spec, setupTurn, raceTurn) => {
          const ch = spec.make();
          const ops: Tracked[] = [];
          const delivered: number[] = []; // values whose send succeeded (blocking or try)
          const received: number[] = [];
          let next = 1;

          const act = (a: Action) => {
            switch (a.t) {
              case "send":
              case "recv": {
                const controller = new AbortController();
                const op: Tracked = {
                  kind: a.t,
                  value: a.t === "send" ? next++ : 0,
                  controller,
                  reason: new Error(`abort #${ops.length}`),
                  abortCalled: false,
                  outcome: undefined,
                };
                ops.push(op);
                const onError = (error: unknown) => {
                  op.outcome = { ok: false, error };
                };
                if (op.kind === "send") {
                  ch.send(op.value, { signal: controller.signal }).then(() => {
                    op.outcome = { ok: true };
                    delivered.push(op.value);
                  }, onError);
                } else {
                  ch.recv({ signal: controller.signal }).then((r) => {
                    op.outcome = r.isSome() ? { ok: true, got: r.value } : { ok: true };
                    if (r.isSome()) received.push(r.value);
                  }, onError);
                }
                return;
              }
              case "trySend": {
                const v = next++;
                if (ch.trySend(v) === "sent") delivered.push(v);
                return;
              }
              case "tryRecv": {
                const r = ch.tryRecv();
                if (r !== "would-block" && r.isSome()) received.push(r.value);
                return;
              }
              case "abort": {
                const op = ops[a.pick % Math.max(ops.length, 1)];
                if (op === undefined) return;
                op.abortCalled = true;
                op.controller.abort(op.reason);
                return;
              }
              case "close":
                if (!ch.closed) ch.close();
                return;
            }
          };

          // Turn 1 builds pending operations; turn 2 completes and aborts them in one synchronous run.
          for (const a of setupTurn) act(a);
          await flush();
          coreOf(ch).assertInvariants();
          for (const a of raceTurn) act(a);
          await flush();
          coreOf(ch).assertInvariants();

          // Settle everything still pending, then take what is left.
          if (!ch.closed) ch.close();
          await flush();
          received.push(...drainNow(ch));
          await flush();

          expect(coreOf(ch).waiting).toEqual({ receivers: 0, senders: 0 });
          for (const op of ops) {
            expect(op.outcome, "every operation settled").toBeDefined();
            if (op.outcome?.ok === false) {
              if (op.kind === "send" && op.outcome.error instanceof ChannelClosedError) {
                expect(op.outcome.error.value).toBe(op.value);
              } else {
                expect(op.abortCalled, "only an aborted operation rejects with something else").toBe(true);
                expect(op.outcome.error).toBe(op.reason);
              }
              if (op.kind === "send") expect(received).not.toContain(op.value);
            }
          }
          expectConservation(spec, ch, delivered, received);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a pending receive aborted in the turn a value arrives either got the value or left it in the channel", async () => {
    await fc.assert(
      fc.asyncProperty(kindArb, fc.boolean(), async (spec, abortFirst) => {
        const ch = spec.make();
        const controller = new AbortController();
        const reason = new Error("abort");
        let outcome: { got: number } | { error: unknown } | undefined;
        ch.recv({ signal: controller.signal }).then(
          (r) => {
            outcome = { got: r.unwrap() };
          },
          (error: unknown) => {
            outcome = { error };
          },
        );
        // One synchronous turn: the abort and the value's arrival, in either order.
        if (abortFirst) controller.abort(reason);
        const send = ch.send(42);
        if (!abortFirst) controller.abort(reason);
        await flush();

        if (abortFirst) {
          // The receive was gone before 42 arrived: 42 stays in the channel (buffered, or its sender blocked).
          expect(outcome).toEqual({ error: reason });
          expect(outcome !== undefined && "error" in outcome && outcome.error).toBe(reason);
          expect(drainNow(ch)).toEqual([42]);
        } else {
          // 42 was handed to the waiting receiver first: the later abort is a no-op.
          expect(outcome).toEqual({ got: 42 });
          expect(drainNow(ch)).toEqual([]);
        }
        await expect(send).resolves.toBeUndefined();
        expect(coreOf(ch).waiting).toEqual({ receivers: 0, senders: 0 });
      }),
      { numRuns: 100 },
    );
  });
});

// ---------------------------------------------------------------------------
// 3. Leaving a for-await loop early
// ---------------------------------------------------------------------------

describe("leaving a for await loop early", () => {
  it("keeps every value the loop did not receive in the channel, in order", async () => {
    await fc.assert(
      fc.asyncProperty(
        kindArb,
        fc.integer({ min: 1, max: 8 }).chain((m) => fc.tuple(fc.constant(m), fc.integer({ min: 1, max: m }))),
        fc.constantFrom("break" as const, "return" as const, "throw" as const),
        async (spec, [m, k], exit) => {
          const ch = spec.make();
          const values = Array.from({ length: m }, (_, i) => i + 1);
          // Fixed kinds: senders beyond the capacity stay blocked; the others accept at once.
          const sends = values.map((v) => ch.send(v));
          for (const p of sends) p.catch(() => {});
          // What the channel holds, in order: ring keeps the newest, overflowing the oldest.
          const inChannel =
            spec.kind === "ring"
              ? values.slice(-spec.cap)
              : spec.kind === "overflowing"
                ? values.slice(0, spec.cap)
                : values;
          const k2 = Math.min(k, inChannel.length);

          const taken: number[] = [];
          const loop = async (): Promise<void> => {
            for await (const v of ch) {
              taken.push(v);
              if (taken.length === k2) {
                if (exit === "break") break;
                if (exit === "return") return;
                throw new Error("leave");
              }
            }
          };
          await loop().catch((error: unknown) => {
            expect((error as Error).message).toBe("leave");
          });
          await flush();

          expect(taken).toEqual(inChannel.slice(0, k2));
          expect(ch.closed).toBe(false);
          expect(drainNow(ch)).toEqual(inChannel.slice(k2));
          await flush();
          const settled = await Promise.allSettled(sends);
          expect(settled.every((r) => r.status === "fulfilled")).toBe(true);
          expect(coreOf(ch).waiting).toEqual({ receivers: 0, senders: 0 });
        },
      ),
      { numRuns: 150 },
    );
  });
});

import { Channel, ChannelClosedError, type Option } from "@csp-kit/channel";
import { flush, type Tracked, track } from "@csp-kit/testkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { recv, type SelectCase, type SelectCases, select, send, trySelect } from "../src/index.js";
import { assertInvariants, waiting } from "./support/harness.js";

// ---------------------------------------------------------------------------
// Fairness (Go's chan_test style: wide statistical bounds, so it never flakes)
// ---------------------------------------------------------------------------

const TRIALS = 10_000;

/** A case that is always ready and changes nothing observable: a send to a ring, or a receive from a closed channel. */
function alwaysReady(i: number): SelectCase {
  if (i % 2 === 0) return send(Channel.ring<number>(1), i);
  const closed = new Channel<number>();
  closed.close();
  return recv(closed);
}

/** Asserts each of `k` counts out of `TRIALS` is within 5 standard deviations of TRIALS / k. */
function expectUniform(counts: Map<string, number>, names: string[]): void {
  const p = 1 / names.length;
  const sd = Math.sqrt(TRIALS * p * (1 - p));
  for (const name of names) {
    const n = counts.get(name) ?? 0;
    expect(Math.abs(n - TRIALS * p), `case ${name} chosen ${n} times of ${TRIALS}`).toBeLessThan(5 * sd);
  }
  expect([...counts.keys()].sort()).toEqual([...names].sort());
}

/** A case set: `ready` always-ready cases among `blocked` never-ready and `nulls` null cases, in shuffled order. */
const caseLayout = fc
  .record({
    ready: fc.integer({ min: 2, max: 6 }),
    blocked: fc.integer({ min: 0, max: 4 }),
    nulls: fc.integer({ min: 0, max: 3 }),
  })
  .chain(({ ready, blocked, nulls }) => {
    const kinds = [
      ...Array.from({ length: ready }, () => "ready" as const),
      ...Array.from({ length: blocked }, () => "blocked" as const),
      ...Array.from({ length: nulls }, () => "null" as const),
    ];
    return fc.shuffledSubarray(kinds, { minLength: kinds.length, maxLength: kinds.length });
  });

function buildCases(layout: readonly ("ready" | "blocked" | "null")[]): { cases: SelectCases; ready: string[] } {
  const cases: Record<string, SelectCase> = {};
  const ready: string[] = [];
  layout.forEach((kind, i) => {
    const name = `k${i}`;
    if (kind === "ready") {
      cases[name] = alwaysReady(i);
      ready.push(name);
    } else if (kind === "blocked") cases[name] = i % 2 === 0 ? recv(new Channel<number>()) : send(new Channel(), i);
    else cases[name] = i % 2 === 0 ? recv(null) : send(undefined, i);
  });
  return { cases, ready };
}

describe("fairness", () => {
  it("chooses each of k ready cases about 1/k of the time, whatever the other cases", () => {
    fc.assert(
      fc.property(caseLayout, (layout) => {
        const { cases, ready } = buildCases(layout);
        const counts = new Map<string, number>();
        for (let t = 0; t < TRIALS; t++) {
          const name = (trySelect(cases) as { case: string }).case;
          counts.set(name, (counts.get(name) ?? 0) + 1);
        }
        expectUniform(counts, ready);
      }),
      { numRuns: 8 },
    );
  });

  it("is uniform on select's fast path too", async () => {
    const { cases, ready } = buildCases(["blocked", "ready", "null", "ready", "ready"]);
    const counts = new Map<string, number>();
    for (let t = 0; t < TRIALS; t++) {
      const name = (await select(cases)).case;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    expectUniform(counts, ready);
  });

  it("is uniform with more cases than fit a bit mask (40 cases, 3 ready)", () => {
    const layout = Array.from({ length: 40 }, (_, i): "ready" | "blocked" =>
      i === 3 || i === 20 || i === 39 ? "ready" : "blocked",
    );
    const { cases, ready } = buildCases(layout);
    const counts = new Map<string, number>();
    for (let t = 0; t < TRIALS; t++) {
      const name = (trySelect(cases) as { case: string }).case;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    expectUniform(counts, ready);
  });

  it("always takes the first ready case in declaration order with priority", () => {
    fc.assert(
      fc.property(caseLayout, (layout) => {
        const { cases, ready } = buildCases(layout);
        for (let t = 0; t < 50; t++) expect(trySelect(cases, { priority: true })?.case).toBe(ready[0]);
      }),
      { numRuns: 50 },
    );
  });
});

// ---------------------------------------------------------------------------
// Atomicity under fc.scheduler(): selects race senders, receivers, close and abort
// ---------------------------------------------------------------------------

type Action =
  | {
      readonly type: "select";
      readonly cases: readonly { dir: "recv" | "send"; ch: number }[];
      readonly priority: boolean;
    }
  | { readonly type: "send"; readonly ch: number }
  | { readonly type: "recv"; readonly ch: number }
  | { readonly type: "close"; readonly ch: number }
  | { readonly type: "abort"; readonly target: number };

const ch2 = fc.integer({ min: 0, max: 1 });
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant("select" as const),
      cases: fc.array(fc.record({ dir: fc.constantFrom("recv" as const, "send" as const), ch: ch2 }), {
        minLength: 1,
        maxLength: 3,
      }),
      priority: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("send" as const), ch: ch2 }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("recv" as const), ch: ch2 }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("close" as const), ch: ch2 }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("abort" as const), target: fc.nat() }) },
);

interface Op {
  readonly tracked: Tracked<unknown>;
  readonly controller: AbortController;
  /** What each case sends (undefined for receive cases); plain sends have one entry. */
  readonly sends: readonly (number | undefined)[];
  readonly kind: "select" | "send" | "recv";
}

describe("atomicity", () => {
  it("loses and duplicates no value, touches no losing case, and leaves no waiter, whatever the interleaving", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(action, { minLength: 1, maxLength: 12 }), async (s, actions) => {
        const chans = [Channel.unbuffered<number>(), Channel.buffered<number>(1)];
        const ops: Op[] = [];
        let nextValue = 1;
        const start = (a: Action): void => {
          const controller = new AbortController();
          const signal = controller.signal;
          if (a.type === "close") {
            const ch = chans[a.ch] as Channel<number>;
            if (!ch.closed) ch.close();
          } else if (a.type === "abort") {
            ops[a.target % Math.max(1, ops.length)]?.controller.abort(new Error(`abort ${a.target}`));
          } else if (a.type === "select") {
            const cases: Record<string, SelectCase> = {};
            const sends = a.cases.map((c, i) => {
              const ch = chans[c.ch] as Channel<number>;
              if (c.dir === "recv") {
                cases[`c${i}`] = recv(ch);
                return undefined;
              }
              const v = nextValue++;
              cases[`c${i}`] = send(ch, v);
              return v;
            });
            ops.push({
              tracked: track(select(cases, { signal, priority: a.priority })),
              controller,
              sends,
              kind: "select",
            });
          } else if (a.type === "send") {
            const v = nextValue++;
            const tracked = track((chans[a.ch] as Channel<number>).send(v, { signal }));
            ops.push({ tracked, controller, sends: [v], kind: "send" });
          } else {
            ops.push({
              tracked: track((chans[a.ch] as Channel<number>).recv({ signal })),
              controller,
              sends: [],
              kind: "recv",
            });
          }
        };
        for (const a of actions) void s.schedule(Promise.resolve(a), a.type).then(start);
        await s.waitAll();
        await flush();
        for (const ch of chans) assertInvariants(ch);
        // Abort whatever still waits; after that nothing may remain queued.
        for (const op of ops) op.controller.abort(new Error("teardown"));
        await flush();
        for (const ch of chans) {
          expect(waiting(ch)).toEqual({ receivers: 0, senders: 0 });
          assertInvariants(ch);
        }
        // Conservation: every delivered value is received exactly once or still buffered.
        const delivered: number[] = [];
        const received: number[] = [];
        for (const op of ops) {
          const { state, value, reason } = op.tracked;
          expect(state).not.toBe("pending");
          if (state === "rejected") {
            if (reason instanceof ChannelClosedError) {
              expect(op.sends).toContain(reason.value);
            } else {
              expect(reason).toBe(op.controller.signal.reason);
            }
            continue;
          }
          if (op.kind === "send") delivered.push(op.sends[0] as number);
          else if (op.kind === "recv") {
            const o = value as Option<number>;
            if (o.isSome()) received.push(o.value);
          } else {
            const r = value as { case: string; value?: Option<number> };
            const i = Number(r.case.slice(1));
            const sent = op.sends[i];
            if (sent !== undefined) {
              expect(r).not.toHaveProperty("value");
              delivered.push(sent);
            } else if (r.value?.isSome()) received.push(r.value.value);
          }
        }
        for (const ch of chans) {
          for (let v = ch.tryRecv(); v !== "would-block" && v.isSome(); v = ch.tryRecv()) received.push(v.value);
        }
        expect(new Set(received).size).toBe(received.length);
        expect([...received].sort((x, y) => x - y)).toEqual([...delivered].sort((x, y) => x - y));
      }),
      { numRuns: 300 },
    );
  });

  it("completes exactly one case of a select whose channels all become ready in the same turn", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.boolean(), async (s, priority) => {
        const a = new Channel<number>();
        const b = new Channel<number>();
        const out = new Channel<number>();
        const sel = track(select({ a: recv(a), b: recv(b), out: send(out, 3) }, { priority }));
        const sa = track(s.schedule(Promise.resolve()).then(() => a.trySend(1)));
        const sb = track(s.schedule(Promise.resolve()).then(() => b.trySend(2)));
        const ro = track(s.schedule(Promise.resolve()).then(() => out.tryRecv()));
        await s.waitAll();
        await flush();
        const outcomes = [sa.value === "sent", sb.value === "sent", ro.value !== "would-block"];
        expect(outcomes.filter(Boolean)).toHaveLength(1);
        const r = sel.value as { case: string };
        expect(r.case).toBe(["a", "b", "out"][outcomes.indexOf(true)]);
        for (const ch of [a, b, out]) expect(waiting(ch)).toEqual({ receivers: 0, senders: 0 });
      }),
      { numRuns: 100 },
    );
  });
});

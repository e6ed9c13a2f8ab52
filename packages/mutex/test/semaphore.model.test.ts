/**
 * Model-based test of Semaphore: random command sequences run against the real
 * semaphore and a small sequential model (FIFO queue with head-of-line
 * blocking); after every step the observed state of every operation, the
 * counters and the engine's invariants must match the model.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSemaphoreReleaseError, type Permit, Semaphore } from "../src/index.js";
import { nth, Ops, type Phase } from "./model-kit.js";

const SIZE = 4;

interface Model {
  held: number;
  /** Waiting acquisitions, oldest first. */
  queue: { id: number; n: number }[];
  /** Granted, not yet released: id → weight. Ids of tryAcquire successes are negative. */
  granted: Map<number, number>;
  aborted: Set<number>;
  nextTryId: number;
}

interface Real {
  sem: Semaphore;
  ops: Ops<Permit>;
}

/** Grants from the head of the model's queue while the head fits. */
function serve(m: Model): void {
  for (let head = m.queue[0]; head !== undefined && head.n <= SIZE - m.held; head = m.queue[0]) {
    m.queue.shift();
    m.held += head.n;
    m.granted.set(head.id, head.n);
  }
}

function phaseOf(m: Model, id: number): Phase {
  if (m.aborted.has(id)) return "aborted";
  if (m.queue.some((w) => w.id === id)) return "pending";
  return "granted"; // granted now, or granted and since released
}

async function verify(m: Model, r: Real): Promise<void> {
  await r.ops.verify((id) => phaseOf(m, id));
  r.sem.assertInvariants();
  expect(r.sem.held).toBe(m.held);
  expect(r.sem.waiting).toBe(m.queue.length);
  expect(r.sem.available).toBe(SIZE - m.held);
}

class Acquire implements fc.AsyncCommand<Model, Real> {
  constructor(readonly n: number) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const id = r.ops.start((signal) => r.sem.acquire(this.n, { signal }));
    if (m.queue.length === 0 && SIZE - m.held >= this.n) {
      m.held += this.n;
      m.granted.set(id, this.n);
    } else {
      m.queue.push({ id, n: this.n });
    }
    await verify(m, r);
  }
  toString(): string {
    return `acquire(${this.n})`;
  }
}

class TryAcquire implements fc.AsyncCommand<Model, Real> {
  constructor(readonly n: number) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const expected = m.queue.length === 0 && SIZE - m.held >= this.n;
    expect(r.sem.tryAcquire(this.n)).toBe(expected);
    if (expected) {
      m.held += this.n;
      m.granted.set(m.nextTryId--, this.n);
    }
    await verify(m, r);
  }
  toString(): string {
    return `tryAcquire(${this.n})`;
  }
}

/** Releases one granted acquisition: through its permit, or with release(n) for tryAcquire successes. */
class Release implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check(m: Readonly<Model>): boolean {
    return m.granted.size > 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    const [id, n] = nth([...m.granted], this.pick);
    if (id >= 0) {
      const permit = r.ops.value(id);
      permit.release();
      permit.release(); // idempotent: must not release twice
    } else {
      r.sem.release(n);
    }
    m.granted.delete(id);
    m.held -= n;
    serve(m);
    await verify(m, r);
  }
  toString(): string {
    return `release(#${this.pick})`;
  }
}

class AbortWaiting implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check(m: Readonly<Model>): boolean {
    return m.queue.length > 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    const { id } = nth(m.queue, this.pick);
    r.ops.get(id).controller.abort();
    const wasHead = m.queue[0]?.id === id;
    m.queue = m.queue.filter((w) => w.id !== id);
    m.aborted.add(id);
    if (wasHead) serve(m);
    await verify(m, r);
  }
  toString(): string {
    return `abortWaiting(#${this.pick})`;
  }
}

/** Aborting the signal of an acquisition that was already granted changes nothing. */
class AbortGranted implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check(m: Readonly<Model>): boolean {
    return [...m.granted.keys()].some((id) => id >= 0);
  }
  async run(m: Model, r: Real): Promise<void> {
    const id = nth(
      [...m.granted.keys()].filter((k) => k >= 0),
      this.pick,
    );
    r.ops.get(id).controller.abort();
    await verify(m, r);
  }
  toString(): string {
    return `abortGranted(#${this.pick})`;
  }
}

class OverRelease implements fc.AsyncCommand<Model, Real> {
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    expect(() => r.sem.release(m.held + 1)).toThrow(expect.objectContaining({ name: "SemaphoreReleaseError" }));
    try {
      r.sem.release(m.held + 1);
    } catch (error) {
      expect(isSemaphoreReleaseError(error)).toBe(true);
    }
    await verify(m, r);
  }
  toString(): string {
    return "overRelease";
  }
}

const weight = fc.integer({ min: 0, max: SIZE });
const commands = fc.commands(
  [
    weight.map((n) => new Acquire(n)),
    weight.map((n) => new TryAcquire(n)),
    fc.nat().map((p) => new Release(p)),
    fc.nat().map((p) => new AbortWaiting(p)),
    fc.nat().map((p) => new AbortGranted(p)),
    fc.constant(new OverRelease()),
  ],
  { maxCommands: 60, size: "+1" },
);

describe("Semaphore (model-based)", () => {
  it("matches a FIFO head-of-line-blocking model under any sequence of acquire, tryAcquire, release and abort", async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const setup = () => ({
          model: { held: 0, queue: [], granted: new Map(), aborted: new Set(), nextTryId: -1 } satisfies Model,
          real: { sem: new Semaphore(SIZE), ops: new Ops<Permit>() } satisfies Real,
        });
        await fc.asyncModelRun(setup, cmds);
      }),
      { numRuns: 150 },
    );
  });
});

/**
 * Model-based test of Mutex: random sequences of lock, acquire (guard), tryLock,
 * unlock, guard release, misuse and abort, checked after every step against a
 * sequential model: one holder, a FIFO queue.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Guard, isUnlockOfUnlockedError, Mutex } from "../src/index.js";
import { nth, Ops, type Phase } from "./model-kit.js";

/** Who holds the lock in the model: an op id, "try" (a tryLock success), or nobody. */
type Holder = number | "try" | undefined;

interface Model {
  holder: Holder;
  queue: number[];
  aborted: Set<number>;
}

interface Real {
  mu: Mutex;
  ops: Ops<Guard | undefined>;
}

function phaseOf(m: Model, id: number): Phase {
  if (m.aborted.has(id)) return "aborted";
  return m.queue.includes(id) ? "pending" : "granted";
}

/** The model's unlock: the lock passes to the oldest waiter, if any. */
function handOff(m: Model): void {
  m.holder = m.queue.shift();
}

async function verify(m: Model, r: Real): Promise<void> {
  await r.ops.verify((id) => phaseOf(m, id));
  r.mu.assertInvariants();
  expect(r.mu.locked).toBe(m.holder !== undefined);
  expect(r.mu.waiting).toBe(m.queue.length);
}

class Lock implements fc.AsyncCommand<Model, Real> {
  constructor(readonly withGuard: boolean) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const id = r.ops.start(
      (signal): Promise<Guard | undefined> =>
        this.withGuard ? r.mu.acquire({ signal }) : r.mu.lock({ signal }).then(() => undefined),
    );
    if (m.holder === undefined && m.queue.length === 0) m.holder = id;
    else m.queue.push(id);
    await verify(m, r);
  }
  toString(): string {
    return this.withGuard ? "acquire" : "lock";
  }
}

class TryLock implements fc.AsyncCommand<Model, Real> {
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const expected = m.holder === undefined && m.queue.length === 0;
    expect(r.mu.tryLock()).toBe(expected);
    if (expected) m.holder = "try";
    await verify(m, r);
  }
  toString(): string {
    return "tryLock";
  }
}

/** The holder unlocks: with its guard when it has one (twice: idempotent), else with unlock(). */
class Unlock implements fc.AsyncCommand<Model, Real> {
  check(m: Readonly<Model>): boolean {
    return m.holder !== undefined;
  }
  async run(m: Model, r: Real): Promise<void> {
    const guard = typeof m.holder === "number" ? r.ops.value(m.holder) : undefined;
    if (guard !== undefined) {
      guard.release();
      handOff(m);
      guard.release();
    } else {
      r.mu.unlock();
      handOff(m);
    }
    await verify(m, r);
  }
  toString(): string {
    return "unlock";
  }
}

class UnlockUnlocked implements fc.AsyncCommand<Model, Real> {
  check(m: Readonly<Model>): boolean {
    return m.holder === undefined;
  }
  async run(m: Model, r: Real): Promise<void> {
    let caught: unknown;
    try {
      r.mu.unlock();
    } catch (error) {
      caught = error;
    }
    expect(isUnlockOfUnlockedError(caught)).toBe(true);
    await verify(m, r);
  }
  toString(): string {
    return "unlockUnlocked";
  }
}

class AbortWaiting implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check(m: Readonly<Model>): boolean {
    return m.queue.length > 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    const id = nth(m.queue, this.pick);
    r.ops.get(id).controller.abort();
    m.queue = m.queue.filter((w) => w !== id);
    m.aborted.add(id);
    await verify(m, r);
  }
  toString(): string {
    return `abortWaiting(#${this.pick})`;
  }
}

class AbortHolder implements fc.AsyncCommand<Model, Real> {
  check(m: Readonly<Model>): boolean {
    return typeof m.holder === "number";
  }
  async run(m: Model, r: Real): Promise<void> {
    r.ops.get(m.holder as number).controller.abort();
    await verify(m, r);
  }
  toString(): string {
    return "abortHolder";
  }
}

const commands = fc.commands(
  [
    fc.boolean().map((g) => new Lock(g)),
    fc.constant(new TryLock()),
    fc.constant(new Unlock()),
    fc.constant(new UnlockUnlocked()),
    fc.nat().map((p) => new AbortWaiting(p)),
    fc.constant(new AbortHolder()),
  ],
  { maxCommands: 60, size: "+1" },
);

describe("Mutex (model-based)", () => {
  it("matches a one-holder FIFO model under any sequence of lock, tryLock, unlock, misuse and abort", async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const setup = () => ({
          model: { holder: undefined, queue: [], aborted: new Set() } as Model,
          real: { mu: new Mutex(), ops: new Ops<Guard | undefined>() } satisfies Real,
        });
        await fc.asyncModelRun(setup, cmds);
      }),
      { numRuns: 150 },
    );
  });
});

/**
 * Model-based test of RWMutex: random sequences of rLock, lock, their try
 * forms, unlocks and aborts, checked after every step against a sequential
 * model of Go's policy (a waiting writer blocks new readers; a writer's unlock
 * admits every waiting reader as a batch; writers FIFO).
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RWMutex } from "../src/index.js";
import { nth, Ops, type Phase } from "./model-kit.js";

interface Model {
  /** The op holding the write lock, "try" for a tryLock success, or undefined. */
  writer: number | "try" | undefined;
  /** Count of read locks held (op ids are not needed: read locks are interchangeable). */
  readers: number;
  readq: number[];
  writeq: number[];
  aborted: Set<number>;
}

interface Real {
  rw: RWMutex;
  ops: Ops<void>;
}

function admitReaders(m: Model): void {
  m.readers += m.readq.length;
  m.readq = [];
}

function grantWriter(m: Model): void {
  const next = m.writeq.shift();
  if (next !== undefined) m.writer = next;
}

function phaseOf(m: Model, id: number): Phase {
  if (m.aborted.has(id)) return "aborted";
  return m.readq.includes(id) || m.writeq.includes(id) ? "pending" : "granted";
}

async function verify(m: Model, r: Real): Promise<void> {
  await r.ops.verify((id) => phaseOf(m, id));
  r.rw.assertInvariants();
  expect(r.rw.readers).toBe(m.readers);
  expect(r.rw.writing).toBe(m.writer !== undefined);
  expect(r.rw.waiting).toEqual({ readers: m.readq.length, writers: m.writeq.length });
  // The model itself must never have a writer and readers at once.
  expect(m.writer !== undefined && m.readers > 0).toBe(false);
}

class RLock implements fc.AsyncCommand<Model, Real> {
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const id = r.ops.start((signal) => r.rw.rLock({ signal }));
    if (m.writer === undefined && m.writeq.length === 0) m.readers++;
    else m.readq.push(id);
    await verify(m, r);
  }
  toString(): string {
    return "rLock";
  }
}

class Lock implements fc.AsyncCommand<Model, Real> {
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const id = r.ops.start((signal) => r.rw.lock({ signal }));
    if (m.writer === undefined && m.readers === 0 && m.writeq.length === 0) m.writer = id;
    else m.writeq.push(id);
    await verify(m, r);
  }
  toString(): string {
    return "lock";
  }
}

class TryLock implements fc.AsyncCommand<Model, Real> {
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const expected = m.writer === undefined && m.readers === 0 && m.writeq.length === 0;
    expect(r.rw.tryLock()).toBe(expected);
    if (expected) m.writer = "try";
    await verify(m, r);
  }
  toString(): string {
    return "tryLock";
  }
}

class TryRLock implements fc.AsyncCommand<Model, Real> {
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const expected = m.writer === undefined && m.writeq.length === 0;
    expect(r.rw.tryRLock()).toBe(expected);
    if (expected) m.readers++;
    await verify(m, r);
  }
  toString(): string {
    return "tryRLock";
  }
}

class Unlock implements fc.AsyncCommand<Model, Real> {
  check(m: Readonly<Model>): boolean {
    return m.writer !== undefined;
  }
  async run(m: Model, r: Real): Promise<void> {
    r.rw.unlock();
    m.writer = undefined;
    admitReaders(m);
    if (m.readers === 0) grantWriter(m);
    await verify(m, r);
  }
  toString(): string {
    return "unlock";
  }
}

class RUnlock implements fc.AsyncCommand<Model, Real> {
  check(m: Readonly<Model>): boolean {
    return m.readers > 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    r.rw.rUnlock();
    m.readers--;
    if (m.readers === 0) grantWriter(m);
    await verify(m, r);
  }
  toString(): string {
    return "rUnlock";
  }
}

class Misuse implements fc.AsyncCommand<Model, Real> {
  check(m: Readonly<Model>): boolean {
    return m.writer === undefined || m.readers === 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    if (m.writer === undefined)
      expect(() => r.rw.unlock()).toThrow(expect.objectContaining({ operation: "RWMutex.unlock" }));
    if (m.readers === 0)
      expect(() => r.rw.rUnlock()).toThrow(expect.objectContaining({ operation: "RWMutex.rUnlock" }));
    await verify(m, r);
  }
  toString(): string {
    return "misuse";
  }
}

class AbortWaiting implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check(m: Readonly<Model>): boolean {
    return m.readq.length + m.writeq.length > 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    const id = nth([...m.readq, ...m.writeq], this.pick);
    r.ops.get(id).controller.abort();
    m.aborted.add(id);
    if (m.readq.includes(id)) {
      m.readq = m.readq.filter((w) => w !== id);
    } else {
      m.writeq = m.writeq.filter((w) => w !== id);
      if (m.writeq.length === 0 && m.writer === undefined) admitReaders(m);
    }
    await verify(m, r);
  }
  toString(): string {
    return `abortWaiting(#${this.pick})`;
  }
}

const commands = fc.commands(
  [
    fc.constant(new RLock()),
    fc.constant(new Lock()),
    fc.constant(new TryLock()),
    fc.constant(new TryRLock()),
    fc.constant(new Unlock()),
    fc.constant(new RUnlock()),
    fc.constant(new Misuse()),
    fc.nat().map((p) => new AbortWaiting(p)),
  ],
  { maxCommands: 60, size: "+1" },
);

describe("RWMutex (model-based)", () => {
  it("matches Go's writer-preferring, reader-batching model under any sequence of operations", async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const setup = () => ({
          model: { writer: undefined, readers: 0, readq: [], writeq: [], aborted: new Set() } as Model,
          real: { rw: new RWMutex(), ops: new Ops<void>() } satisfies Real,
        });
        await fc.asyncModelRun(setup, cmds);
      }),
      { numRuns: 150 },
    );
  });
});

/**
 * Model-based test of WaitGroup: random sequences of add (positive and
 * negative), done, wait and abort, checked after every step against a counter
 * and a list of pending waits.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isNegativeWaitGroupCounterError, WaitGroup } from "../src/index.js";
import { nth, Ops, type Phase } from "./model-kit.js";

interface Model {
  counter: number;
  waiting: number[];
  aborted: Set<number>;
}

interface Real {
  wg: WaitGroup;
  ops: Ops<void>;
}

function phaseOf(m: Model, id: number): Phase {
  if (m.aborted.has(id)) return "aborted";
  return m.waiting.includes(id) ? "pending" : "granted";
}

async function verify(m: Model, r: Real): Promise<void> {
  await r.ops.verify((id) => phaseOf(m, id));
  r.wg.assertInvariants();
  expect(r.wg.count).toBe(m.counter);
  expect(r.wg.waiting).toBe(m.waiting.length);
}

class Add implements fc.AsyncCommand<Model, Real> {
  constructor(readonly delta: number) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    if (m.counter + this.delta < 0) {
      let caught: unknown;
      try {
        r.wg.add(this.delta);
      } catch (error) {
        caught = error;
      }
      expect(isNegativeWaitGroupCounterError(caught)).toBe(true);
    } else {
      r.wg.add(this.delta);
      m.counter += this.delta;
      if (m.counter === 0) m.waiting = [];
    }
    await verify(m, r);
  }
  toString(): string {
    return `add(${this.delta})`;
  }
}

class Done implements fc.AsyncCommand<Model, Real> {
  check(m: Readonly<Model>): boolean {
    return m.counter > 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    r.wg.done();
    m.counter--;
    if (m.counter === 0) m.waiting = [];
    await verify(m, r);
  }
  toString(): string {
    return "done";
  }
}

class Wait implements fc.AsyncCommand<Model, Real> {
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    const id = r.ops.start((signal) => r.wg.wait({ signal }));
    if (m.counter > 0) m.waiting.push(id);
    await verify(m, r);
  }
  toString(): string {
    return "wait";
  }
}

class AbortWait implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check(m: Readonly<Model>): boolean {
    return m.waiting.length > 0;
  }
  async run(m: Model, r: Real): Promise<void> {
    const id = nth(m.waiting, this.pick);
    r.ops.get(id).controller.abort();
    m.waiting = m.waiting.filter((w) => w !== id);
    m.aborted.add(id);
    await verify(m, r);
  }
  toString(): string {
    return `abortWait(#${this.pick})`;
  }
}

const commands = fc.commands(
  [
    fc.integer({ min: -3, max: 3 }).map((d) => new Add(d)),
    fc.constant(new Done()),
    fc.constant(new Wait()),
    fc.nat().map((p) => new AbortWait(p)),
  ],
  { maxCommands: 60, size: "+1" },
);

describe("WaitGroup (model-based)", () => {
  it("matches a counter-and-waiters model under any sequence of add, done, wait and abort", async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const setup = () => ({
          model: { counter: 0, waiting: [], aborted: new Set() } as Model,
          real: { wg: new WaitGroup(), ops: new Ops<void>() } satisfies Real,
        });
        await fc.asyncModelRun(setup, cmds);
      }),
      { numRuns: 150 },
    );
  });
});

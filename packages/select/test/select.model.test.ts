/**
 * Model-based test: random sequences of trySelect, blocking selects, plain
 * sends / receives, closes and aborts over three channels of different kinds
 * (unbuffered, buffered(2), ring(2)), checked after every step against a small
 * sequential model of Go's channel and select rules: what every operation
 * returned, each channel's length, closed flag, drop count and queued waiters,
 * and the engine's own assertInvariants().
 *
 * Random choice: when several cases are ready at once the real select picks one
 * at random; the model checks the pick was one of the ready cases and follows it.
 * Everything after that (who a later send serves, what a close completes) the
 * model predicts exactly. Random-order selects have at most one case per
 * (channel, direction), because the order of their waiters on one queue is
 * random too; priority selects may repeat a channel freely.
 */

import { Channel, ChannelClosedError, None, type Option, Some } from "@csp-kit/channel";
import { flush, type Tracked, track } from "@csp-kit/testkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { recv, type SelectCases, select, send, trySelect } from "../src/index.js";
import { assertInvariants, waiting } from "./support/harness.js";

// --- The model -------------------------------------------------------------

type Dir = "recv" | "send";
interface CaseSpec {
  readonly dir: Dir;
  readonly ch: number | null;
}
type Outcome =
  | { readonly type: "case"; readonly index: number; readonly value?: Option<number> }
  | { readonly type: "closed-error"; readonly value: number }
  | { readonly type: "aborted" };
interface MOp {
  readonly id: number;
  readonly kind: "select" | "send" | "recv";
  readonly cases: readonly CaseSpec[];
  readonly values: readonly number[]; // per case: the value a send case sends
  outcome: Outcome | undefined; // undefined while pending
  verified: boolean;
}
interface Entry {
  readonly op: MOp;
  readonly index: number;
}
interface MChan {
  readonly kind: "unbuffered" | "buffered" | "ring";
  readonly cap: number;
  readonly buf: number[];
  closed: boolean;
  dropped: number;
  recvq: Entry[];
  sendq: Entry[];
}
interface Model {
  readonly chans: MChan[];
  readonly ops: MOp[];
  nextValue: number;
}
interface Real {
  readonly chans: Channel<number>[];
  readonly ops: Map<number, { tracked: Tracked<unknown>; controller: AbortController }>;
}

function isReady(m: Model, c: CaseSpec): boolean {
  if (c.ch === null) return false;
  const ch = m.chans[c.ch] as MChan;
  if (c.dir === "recv") return ch.buf.length > 0 || ch.sendq.length > 0 || ch.closed;
  return ch.closed || ch.recvq.length > 0 || ch.kind === "ring" || ch.buf.length < ch.cap;
}

/** Commits `op`: records its outcome and removes all its waiters from every queue (the cancel pass). */
function commit(m: Model, op: MOp, outcome: Outcome): void {
  op.outcome = outcome;
  for (const ch of m.chans) {
    ch.recvq = ch.recvq.filter((e) => e.op !== op);
    ch.sendq = ch.sendq.filter((e) => e.op !== op);
  }
}

/** Performs case `index` of `op` now. Precondition: the case is ready. */
function apply(m: Model, op: MOp, index: number): void {
  const c = op.cases[index] as CaseSpec;
  const ch = m.chans[c.ch as number] as MChan;
  if (c.dir === "recv") {
    let value: Option<number> = None;
    if (ch.buf.length > 0) {
      value = Some(ch.buf.shift() as number);
      const s = ch.sendq.shift();
      if (s !== undefined) {
        ch.buf.push(s.op.values[s.index] as number);
        commit(m, s.op, { type: "case", index: s.index });
      }
    } else {
      const s = ch.sendq.shift();
      if (s !== undefined) {
        value = Some(s.op.values[s.index] as number);
        commit(m, s.op, { type: "case", index: s.index });
      }
    }
    commit(m, op, { type: "case", index, value });
    return;
  }
  const v = op.values[index] as number;
  if (ch.closed) {
    commit(m, op, { type: "closed-error", value: v });
    return;
  }
  const r = ch.recvq.shift();
  if (r !== undefined) commit(m, r.op, { type: "case", index: r.index, value: Some(v) });
  else {
    if (ch.kind === "ring" && ch.buf.length === ch.cap) {
      ch.buf.shift();
      ch.dropped++;
    }
    ch.buf.push(v);
  }
  commit(m, op, { type: "case", index });
}

function enqueue(m: Model, op: MOp): void {
  op.cases.forEach((c, index) => {
    if (c.ch === null) return;
    const ch = m.chans[c.ch] as MChan;
    (c.dir === "recv" ? ch.recvq : ch.sendq).push({ op, index });
  });
}

function closeModel(m: Model, i: number): void {
  const ch = m.chans[i] as MChan;
  ch.closed = true;
  for (let r = ch.recvq.shift(); r !== undefined; r = ch.recvq.shift()) {
    commit(m, r.op, { type: "case", index: r.index, value: None });
  }
  for (let s = ch.sendq.shift(); s !== undefined; s = ch.sendq.shift()) {
    commit(m, s.op, { type: "closed-error", value: s.op.values[s.index] as number });
  }
}

function newOp(m: Model, kind: MOp["kind"], cases: readonly CaseSpec[]): MOp {
  const op: MOp = {
    id: m.ops.length,
    kind,
    cases,
    values: cases.map(() => m.nextValue++),
    outcome: undefined,
    verified: false,
  };
  m.ops.push(op);
  return op;
}

function realCases(real: Real, op: MOp): SelectCases {
  const cases: Record<string, SelectCases[string]> = {};
  op.cases.forEach((c, i) => {
    const ch = c.ch === null ? null : (real.chans[c.ch] as Channel<number>);
    cases[`c${i}`] = c.dir === "recv" ? recv(ch) : send(ch, op.values[i] as number);
  });
  return cases;
}

/** The index of the case a real select / trySelect reported, given its result or error. */
function reportedIndex(op: MOp, settled: { ok: true; value: unknown } | { ok: false; reason: unknown }): number {
  if (settled.ok) return Number((settled.value as { case: string }).case.slice(1));
  expect(settled.reason).toBeInstanceOf(ChannelClosedError);
  return op.values.indexOf((settled.reason as ChannelClosedError).value as number);
}

/** Checks every operation's real state against the model, then each channel. */
async function verify(m: Model, real: Real): Promise<void> {
  await flush();
  for (const op of m.ops) {
    if (op.verified) continue;
    const r = real.ops.get(op.id);
    if (r === undefined) continue; // trySelect: checked when run
    const { tracked, controller } = r;
    const o = op.outcome;
    if (o === undefined) {
      expect(tracked.state, `op ${op.id} pending`).toBe("pending");
      continue;
    }
    op.verified = true;
    if (o.type === "aborted") {
      expect(tracked.state).toBe("rejected");
      expect(tracked.reason).toBe(controller.signal.reason);
    } else if (o.type === "closed-error") {
      expect(tracked.state).toBe("rejected");
      expect(tracked.reason).toBeInstanceOf(ChannelClosedError);
      expect((tracked.reason as ChannelClosedError).value).toBe(o.value);
    } else {
      expect(tracked.state, `op ${op.id} fulfilled`).toBe("fulfilled");
      if (op.kind === "select") {
        const expected = o.value === undefined ? { case: `c${o.index}` } : { case: `c${o.index}`, value: o.value };
        expect(tracked.value).toEqual(expected);
      } else if (op.kind === "recv") expect(tracked.value).toEqual(o.value);
      else expect(tracked.value).toBeUndefined();
    }
  }
  m.chans.forEach((mc, i) => {
    const ch = real.chans[i] as Channel<number>;
    expect(ch.len).toBe(mc.buf.length);
    expect(ch.closed).toBe(mc.closed);
    expect(ch.dropped).toBe(mc.dropped);
    expect(waiting(ch)).toEqual({ receivers: mc.recvq.length, senders: mc.sendq.length });
    assertInvariants(ch);
  });
}

// --- Commands --------------------------------------------------------------

/** A blocking select (kind "select") or a plain send / recv, started now. */
class StartCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly kind: MOp["kind"],
    readonly cases: readonly CaseSpec[],
    readonly priority: boolean,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, real: Real): Promise<void> {
    const op = newOp(m, this.kind, this.cases);
    const controller = new AbortController();
    const signal = controller.signal;
    const value = op.values[0] as number;
    const ch = real.chans[this.cases[0]?.ch ?? 0] as Channel<number>;
    const promise: Promise<unknown> =
      this.kind === "select"
        ? select(realCases(real, op), { signal, priority: this.priority })
        : this.kind === "send"
          ? ch.send(value, { signal })
          : ch.recv({ signal });
    const tracked = track(promise);
    real.ops.set(op.id, { tracked, controller });
    const ready = this.cases.flatMap((c, i) => (isReady(m, c) ? [i] : []));
    if (ready.length === 0) enqueue(m, op);
    else if (this.priority || this.kind !== "select") apply(m, op, ready[0] as number);
    else {
      await flush();
      expect(tracked.state, "a select with a ready case settles at once").not.toBe("pending");
      const settled =
        tracked.state === "fulfilled"
          ? ({ ok: true, value: tracked.value } as const)
          : ({ ok: false, reason: tracked.reason } as const);
      const index = reportedIndex(op, settled);
      expect(ready).toContain(index);
      apply(m, op, index);
    }
    await verify(m, real);
  }
  toString(): string {
    return `${this.kind}(${this.cases.map((c) => `${c.dir}:${c.ch}`).join(",")}${this.priority ? ",priority" : ""})`;
  }
}

class TrySelectCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly cases: readonly CaseSpec[],
    readonly priority: boolean,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, real: Real): Promise<void> {
    const op = newOp(m, "select", this.cases);
    op.verified = true;
    const ready = this.cases.flatMap((c, i) => (isReady(m, c) ? [i] : []));
    let settled: { ok: true; value: unknown } | { ok: false; reason: unknown };
    try {
      settled = { ok: true, value: trySelect(realCases(real, op), { priority: this.priority }) };
    } catch (reason) {
      settled = { ok: false, reason };
    }
    if (ready.length === 0) {
      expect(settled).toEqual({ ok: true, value: undefined });
    } else {
      const index = reportedIndex(op, settled);
      if (this.priority) expect(index).toBe(ready[0]);
      else expect(ready).toContain(index);
      apply(m, op, index);
      const o = op.outcome as Outcome;
      if (o.type === "case") {
        const expected = o.value === undefined ? { case: `c${index}` } : { case: `c${index}`, value: o.value };
        expect(settled).toEqual({ ok: true, value: expected });
      } else expect(o.type).toBe("closed-error");
    }
    await verify(m, real);
  }
  toString(): string {
    return `trySelect(${this.cases.map((c) => `${c.dir}:${c.ch}`).join(",")}${this.priority ? ",priority" : ""})`;
  }
}

class CloseCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly ch: number) {}
  check(m: Readonly<Model>): boolean {
    return !(m.chans[this.ch] as MChan).closed;
  }
  async run(m: Model, real: Real): Promise<void> {
    closeModel(m, this.ch);
    (real.chans[this.ch] as Channel<number>).close();
    await verify(m, real);
  }
  toString(): string {
    return `close(${this.ch})`;
  }
}

class AbortCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check(m: Readonly<Model>): boolean {
    return m.ops.some((op) => op.outcome === undefined);
  }
  async run(m: Model, real: Real): Promise<void> {
    const pending = m.ops.filter((op) => op.outcome === undefined);
    const op = pending[this.pick % pending.length] as MOp;
    commit(m, op, { type: "aborted" });
    real.ops.get(op.id)?.controller.abort(new Error(`abort ${op.id}`));
    await verify(m, real);
  }
  toString(): string {
    return `abort(#${this.pick})`;
  }
}

// --- Arbitraries -----------------------------------------------------------

const chanIndex = fc.integer({ min: 0, max: 2 });
const caseSpec = fc.record({
  dir: fc.constantFrom<Dir>("recv", "send"),
  ch: fc.option(chanIndex, { nil: null, freq: 6 }),
});
/** Priority selects may repeat a (channel, direction); random ones may not (see the header). */
const caseSet = fc.oneof(
  fc.record({ priority: fc.constant(true), cases: fc.array(caseSpec, { minLength: 1, maxLength: 4 }) }),
  fc.record({
    priority: fc.constant(false),
    cases: fc.uniqueArray(caseSpec, { minLength: 1, maxLength: 4, selector: (c) => `${c.dir}:${c.ch}` }),
  }),
);

const commands = [
  caseSet.map(({ cases, priority }) => new StartCommand("select", cases, priority)),
  caseSet.map(({ cases, priority }) => new TrySelectCommand(cases, priority)),
  chanIndex.map((ch) => new StartCommand("send", [{ dir: "send", ch }], false)),
  chanIndex.map((ch) => new StartCommand("recv", [{ dir: "recv", ch }], false)),
  fc.nat().map((pick) => new AbortCommand(pick)),
  fc.nat().map((pick) => new AbortCommand(pick)),
  chanIndex.map((ch) => new CloseCommand(ch)),
];

function setup(): { model: Model; real: Real } {
  const chan = (kind: MChan["kind"], cap: number): MChan => ({
    kind,
    cap,
    buf: [],
    closed: false,
    dropped: 0,
    recvq: [],
    sendq: [],
  });
  return {
    model: { chans: [chan("unbuffered", 0), chan("buffered", 2), chan("ring", 2)], ops: [], nextValue: 1 },
    real: {
      chans: [Channel.unbuffered<number>(), Channel.buffered<number>(2), Channel.ring<number>(2)],
      ops: new Map(),
    },
  };
}

describe("select against a sequential model", () => {
  it("agrees with the model after every step of random command sequences", async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40 }), async (cmds) => {
        const { model, real } = setup();
        await fc.asyncModelRun(() => ({ model, real }), cmds);
        // Tear down: abort whatever still waits; then nothing may be left queued anywhere.
        for (const op of model.ops) if (op.outcome === undefined) commit(model, op, { type: "aborted" });
        for (const { controller } of real.ops.values()) controller.abort(new Error("teardown"));
        await flush();
        for (const ch of real.chans) expect(waiting(ch)).toEqual({ receivers: 0, senders: 0 });
      }),
      { numRuns: 300 },
    );
  });
});

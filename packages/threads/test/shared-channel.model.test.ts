/**
 * Model-based test of SharedChannel's behaviour on one thread: random command
 * sequences run against a real channel and against a small sequential model of
 * Go's buffered-channel rules. After every command pending reactions are
 * flushed and everything observable is compared — try-operation results, which
 * waiting operations settled and how, the values they got (FIFO), len / closed,
 * the queued waiters — and the engine's and ring's `assertInvariants()` run.
 *
 * Half of the runs drive the channel through a second instance built from the
 * handle (as another thread holds it), so the ring is shared by two engines.
 */

import { flush, type Outcome as Settled, type Tracked, track } from "@csp-kit/testkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ChannelAlreadyClosedError, ChannelClosedError, SharedChannel } from "../src/index.js";
import { assertInvariants, coreOf } from "./support.js";

type Outcome =
  | { readonly state: "pending" }
  | { readonly state: "sent" }
  | { readonly state: "closed" }
  | { readonly state: "received"; readonly value: number }
  | { readonly state: "batch"; readonly values: readonly number[] }
  | { readonly state: "drained" }
  | { readonly state: "aborted" };

interface ModelOp {
  readonly op: "send" | "recv" | "batch";
  readonly value: number;
  /** For a batch receive: the most values it takes. */
  readonly max: number;
  outcome: Outcome;
  abortable: boolean;
}

const PENDING: Outcome = { state: "pending" };

/** Go's buffered channel, sequentially: a buffer plus FIFO queues of waiting operations. */
class Model {
  closed = false;
  readonly buffer: number[] = [];
  sendq: number[] = [];
  recvq: number[] = [];
  readonly ops: ModelOp[] = [];
  nextValue = 1;
  constructor(readonly cap: number) {}

  /** A value arrives (buffer has room or a receiver waits). Precondition: open. */
  private deliver(value: number): void {
    const id = this.recvq.shift();
    if (id === undefined) {
      this.buffer.push(value);
      return;
    }
    const op = this.ops[id]!;
    if (op.op === "recv") op.outcome = { state: "received", value };
    else {
      // A waiting batch receive gets this value and whatever else is buffered (nothing: it waited).
      op.outcome = { state: "batch", values: [value] };
    }
  }

  /** The buffer lost values: move waiting senders' values in, oldest first. */
  private refill(): void {
    while (this.buffer.length < this.cap && this.sendq.length > 0) {
      const op = this.ops[this.sendq.shift()!]!;
      this.buffer.push(op.value);
      op.outcome = { state: "sent" };
    }
  }

  trySend(value: number): "sent" | "would-block" | "closed" {
    if (this.closed) return "closed";
    if (this.recvq.length === 0 && this.buffer.length >= this.cap) return "would-block";
    this.deliver(value);
    return "sent";
  }

  /** Takes up to `max` values now: the values, "empty" or "drained". */
  tryTake(max: number): number[] | "empty" | "drained" {
    if (this.buffer.length === 0) return this.closed ? "drained" : "empty";
    const out = this.buffer.splice(0, Math.min(max, this.buffer.length));
    this.refill();
    return out;
  }

  start(op: "send" | "recv" | "batch", value: number, max: number): void {
    const id = this.ops.length;
    const m: ModelOp = { op, value, max, outcome: PENDING, abortable: true };
    this.ops.push(m);
    if (op === "send") {
      const r = this.trySend(value);
      if (r === "sent") m.outcome = { state: "sent" };
      else if (r === "closed") m.outcome = { state: "closed" };
      else this.sendq.push(id);
      return;
    }
    const r = this.tryTake(op === "recv" ? 1 : max);
    if (r === "drained") m.outcome = { state: "drained" };
    else if (r === "empty") this.recvq.push(id);
    else m.outcome = op === "recv" ? { state: "received", value: r[0]! } : { state: "batch", values: r };
  }

  abort(id: number): void {
    const m = this.ops[id]!;
    m.abortable = false;
    if (m.outcome.state !== "pending") return;
    m.outcome = { state: "aborted" };
    this.sendq = this.sendq.filter((x) => x !== id);
    this.recvq = this.recvq.filter((x) => x !== id);
  }

  close(): boolean {
    if (this.closed) return false;
    this.closed = true;
    for (const id of this.recvq) this.ops[id]!.outcome = { state: "drained" };
    for (const id of this.sendq) this.ops[id]!.outcome = { state: "closed" };
    this.recvq = [];
    this.sendq = [];
    return true;
  }
}

interface Real {
  /** The instance commands run on. */
  readonly ch: SharedChannel<number>;
  /** The creating instance (the same channel; another engine when `ch` was built from the handle). */
  readonly owner: SharedChannel<number>;
  readonly ops: Array<{ readonly box: Tracked<unknown>; readonly ac: AbortController }>;
}

function expectOutcome(m: ModelOp, state: Settled<unknown>): void {
  const o = m.outcome;
  switch (o.state) {
    case "pending":
      expect(state.state).toBe("pending");
      return;
    case "sent":
      expect(state).toEqual({ state: "fulfilled", value: undefined });
      return;
    case "closed":
      expect(state.state).toBe("rejected");
      expect((state as { reason: unknown }).reason).toBeInstanceOf(ChannelClosedError);
      expect((state as { reason: ChannelClosedError }).reason.value).toBe(m.value);
      return;
    case "received":
      expect(state.state).toBe("fulfilled");
      expect((state as { value: { isSome(): boolean; value?: unknown } }).value.isSome()).toBe(true);
      expect((state as { value: { value: unknown } }).value.value).toBe(o.value);
      return;
    case "batch":
      expect(state.state).toBe("fulfilled");
      expect((state as { value: { value: unknown } }).value.value).toEqual(o.values);
      return;
    case "drained":
      expect(state.state).toBe("fulfilled");
      expect((state as { value: { isNone(): boolean } }).value.isNone()).toBe(true);
      return;
    case "aborted":
      expect(state).toEqual({ state: "rejected", reason: "aborted" });
      return;
  }
}

async function settleAndCompare(model: Model, real: Real): Promise<void> {
  await flush();
  for (const [i, m] of model.ops.entries()) expectOutcome(m, real.ops[i]!.box.outcome);
  expect(real.ch.len).toBe(model.buffer.length);
  expect(real.owner.len).toBe(model.buffer.length);
  expect(real.ch.closed).toBe(model.closed);
  const w = coreOf(real.ch).waiting;
  expect(w.receivers).toBe(model.recvq.length);
  expect(w.senders).toBe(model.sendq.length);
  assertInvariants(real.ch);
}

type Cmd = fc.AsyncCommand<Model, Real>;

class TrySend implements Cmd {
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const v = model.nextValue++;
    expect(real.ch.trySend(v)).toBe(model.trySend(v));
    await settleAndCompare(model, real);
  }
  toString = () => "trySend";
}

class TryRecv implements Cmd {
  constructor(readonly max: number | undefined) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const want = model.tryTake(this.max ?? 1);
    if (this.max === undefined) {
      const got = real.ch.tryRecv();
      if (want === "empty") expect(got).toBe("would-block");
      else if (want === "drained") expect(got !== "would-block" && got.isNone()).toBe(true);
      else expect(got !== "would-block" && got.isSome() && got.value).toBe(want[0]);
    } else {
      const got = real.ch.tryRecvBatch(this.max);
      if (want === "empty") expect(got).toBe("would-block");
      else if (want === "drained") expect(got !== "would-block" && got.isNone()).toBe(true);
      else expect(got !== "would-block" && got.isSome() && got.value).toEqual(want);
    }
    await settleAndCompare(model, real);
  }
  toString = () => (this.max === undefined ? "tryRecv" : `tryRecvBatch(${this.max})`);
}

class Start implements Cmd {
  constructor(
    readonly op: "send" | "recv" | "batch",
    readonly max: number,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const v = this.op === "send" ? model.nextValue++ : 0;
    model.start(this.op, v, this.max);
    const ac = new AbortController();
    const signal = ac.signal;
    const p: Promise<unknown> =
      this.op === "send"
        ? real.ch.send(v, { signal })
        : this.op === "recv"
          ? real.ch.recv({ signal })
          : real.ch.recvBatch(this.max, { signal });
    real.ops.push({ box: track(p), ac });
    await settleAndCompare(model, real);
  }
  toString = () => (this.op === "batch" ? `recvBatch(${this.max})` : this.op);
}

class Abort implements Cmd {
  constructor(readonly pick: number) {}
  check = (model: Readonly<Model>) => model.ops.some((m) => m.abortable);
  async run(model: Model, real: Real): Promise<void> {
    const candidates = model.ops.flatMap((m, i) => (m.abortable ? [i] : []));
    const id = candidates[this.pick % candidates.length]!;
    model.abort(id);
    real.ops[id]!.ac.abort("aborted");
    await settleAndCompare(model, real);
  }
  toString = () => `abort(${this.pick})`;
}

class Close implements Cmd {
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    if (model.close()) real.ch.close();
    else expect(() => real.ch.close()).toThrow(ChannelAlreadyClosedError);
    await settleAndCompare(model, real);
  }
  toString = () => "close";
}

const commands = [
  fc.constant(new TrySend()),
  fc.constant(new TryRecv(undefined)),
  fc.integer({ min: 1, max: 4 }).map((n) => new TryRecv(n)),
  fc.constant(new Start("send", 0)),
  fc.constant(new Start("recv", 0)),
  fc.integer({ min: 1, max: 4 }).map((n) => new Start("batch", n)),
  fc.nat().map((n) => new Abort(n)),
  fc.constant(new Close()),
];

describe("SharedChannel on one thread against a sequential model", () => {
  it("matches the model after every command", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.commands(commands, { maxCommands: 40 }),
        async (cap, viaHandle, cmds) => {
          const owner = new SharedChannel<number>(cap);
          const ch = viaHandle ? SharedChannel.from<number>(owner.handle) : owner;
          await fc.asyncModelRun(() => ({ model: new Model(cap), real: { ch, owner, ops: [] } }), cmds);
        },
      ),
      { numRuns: 300 },
    );
  });
});

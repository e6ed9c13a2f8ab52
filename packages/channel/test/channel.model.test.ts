/**
 * Model-based tests: random command sequences run against a real channel and
 * against a small sequential model of Go's channel rules; after every command
 * the microtask queue is flushed and everything observable is compared —
 * try-operation results, which blocking operations settled and how, the values
 * they got (FIFO), len / cap / closed / dropped, the queued waiters, the values
 * a dropping channel reported to `onDrop` (with their reasons, in order) — and
 * the engine's `assertInvariants()` is called. After every command, and in full
 * once the channel is drained at the end of a run, the values are conserved:
 * every value a send handed over was received, reported dropped, or is still
 * buffered — exactly one of the three.
 *
 * Run again with diagnostics on, the parked-waiter inventory
 * (`@csp-kit/channel/diagnostics`) is compared after every command with the
 * operations the model says are still pending, in start order.
 *
 * The model is deliberately naive: a buffer array plus two FIFO arrays of
 * pending operation ids, with each kind's rule written out as a `switch`.
 */

import { flush } from "@csp-kit/testkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diagnosticsEnabled, disableDiagnostics, enableDiagnostics, parkedWaiters } from "../src/diagnostics.js";
import {
  type Channel,
  ChannelAlreadyClosedError,
  ChannelClosedError,
  type ChannelKind,
  type DropReason,
  type ResizableChannel,
} from "../src/index.js";
import type { ChannelCore } from "../src/internal/channel-core.js";
import { coreOf, KINDS, type KindSpec } from "./support/kinds.js";

// ---------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------

/** What a started blocking operation has come to, as the model predicts it. */
type Outcome =
  | { readonly state: "pending" }
  /** A send resolved: its value was delivered (to a receiver or into the buffer). */
  | { readonly state: "sent" }
  /** A send rejected with ChannelClosedError carrying its value. */
  | { readonly state: "closed" }
  /** A receive resolved with this value. */
  | { readonly state: "received"; readonly value: number }
  /** A batch receive resolved with these values. */
  | { readonly state: "batch"; readonly values: readonly number[] }
  /** A receive resolved "closed and drained" (None / iterator done). */
  | { readonly state: "drained" }
  /** The operation rejected with its signal's reason. */
  | { readonly state: "aborted" };

interface ModelOp {
  readonly op: "send" | "recv" | "recvBatch";
  /** How diagnostics name it while it waits: its op, or `values` for an iterator step. */
  readonly parkedAs: string;
  /** The value a send offers; 0 for receives. */
  readonly value: number;
  /** The most values a batch receive takes; 1 for the others. */
  readonly max: number;
  outcome: Outcome;
  /** Whether its AbortController has not been aborted yet (the abort command may pick it). */
  abortable: boolean;
}

const PENDING: Outcome = { state: "pending" };

/** One call of `onDrop`. */
interface Drop {
  readonly value: number;
  readonly reason: DropReason;
}

/** Go's channel rules, sequentially, over plain arrays. */
class ChannelModel {
  closed = false;
  /** Buffered values, oldest first. */
  readonly buffer: number[] = [];
  dropped = 0;
  /** Every value the policy discarded, in order, with the reason `onDrop` must report. */
  readonly dropLog: Drop[] = [];
  /** Ids (indices into `ops`) of blocked senders / receivers, oldest first. */
  sendq: number[] = [];
  recvq: number[] = [];
  /** Every blocking operation started, in start order; the real side keeps the same order. */
  readonly ops: ModelOp[] = [];
  /** Values are 1, 2, 3, … so each one is traceable. */
  nextValue = 1;

  constructor(
    private readonly createdAs: ChannelKind,
    public cap: number,
    readonly resizable = false,
  ) {}

  /** The kind the channel reports: a resizable one reports the kind its current capacity names. */
  get kind(): ChannelKind {
    if (!this.resizable) return this.createdAs;
    return this.cap === 0 ? "unbuffered" : this.cap === Number.POSITIVE_INFINITY ? "infinite" : "buffered";
  }

  /** A resizable channel's new capacity: blocked senders move into the new room, oldest first; nothing is dropped. */
  resize(cap: number): void {
    this.cap = cap;
    while (this.sendq.length > 0 && this.buffer.length < cap) {
      const sender = this.sendq.shift() as number;
      this.buffer.push(this.op(sender).value);
      this.settle(sender, { state: "sent" });
    }
  }

  /** A value arrives and no receiver waits: the kind's buffer rule decides. */
  private store(v: number): "sent" | "would-block" {
    switch (this.resizable ? "buffered" : this.createdAs) {
      case "unbuffered":
      case "buffered":
        if (this.buffer.length >= this.cap) return "would-block";
        this.buffer.push(v);
        return "sent";
      case "infinite":
        this.buffer.push(v);
        return "sent";
      case "ring":
        if (this.buffer.length >= this.cap) {
          this.dropLog.push({ value: this.buffer.shift() as number, reason: "ring-overwrite" });
          this.dropped++;
        }
        this.buffer.push(v);
        return "sent";
      case "overflowing":
        if (this.buffer.length >= this.cap) {
          this.dropLog.push({ value: v, reason: "overflow" });
          this.dropped++;
        } else this.buffer.push(v);
        return "sent";
    }
  }

  /** A non-blocking send. */
  offer(v: number): "sent" | "would-block" | "closed" {
    if (this.closed) return "closed";
    const receiver = this.recvq.shift();
    if (receiver !== undefined) {
      // Handed over directly: the buffer is empty and no sender waits, so a
      // waiting batch receive finds nothing more and gets this value alone.
      const batch = this.op(receiver).op === "recvBatch";
      this.settle(receiver, batch ? { state: "batch", values: [v] } : { state: "received", value: v });
      return "sent";
    }
    return this.store(v);
  }

  /** A non-blocking receive. */
  take(): { value: number } | "would-block" | "drained" {
    const head = this.buffer.shift();
    if (head !== undefined) {
      // A slot just opened: the oldest blocked sender's value moves into the buffer
      // (unless a shrink left the buffer above its capacity: then there is no room yet).
      const sender = this.buffer.length < this.cap ? this.sendq.shift() : undefined;
      if (sender !== undefined) {
        this.buffer.push(this.op(sender).value);
        this.settle(sender, { state: "sent" });
      }
      return { value: head };
    }
    const sender = this.sendq.shift();
    if (sender !== undefined) {
      this.settle(sender, { state: "sent" });
      return { value: this.op(sender).value };
    }
    return this.closed ? "drained" : "would-block";
  }

  /** A non-blocking batch receive: `take()` again and again, up to `max` values. */
  takeBatch(max: number): number[] | "would-block" | "drained" {
    const first = this.take();
    if (first === "would-block" || first === "drained") return first;
    const values = [first.value];
    while (values.length < max) {
      const next = this.take();
      if (next === "would-block" || next === "drained") break;
      values.push(next.value);
    }
    return values;
  }

  startSend(v: number, preAborted: boolean): void {
    const id =
      this.ops.push({ op: "send", parkedAs: "send", value: v, max: 1, outcome: PENDING, abortable: !preAborted }) - 1;
    if (preAborted) this.settle(id, { state: "aborted" });
    else this.arriveSend(id, this.offer(v));
  }

  /** Where a started send goes: settled now, or queued behind the blocked senders. */
  private arriveSend(id: number, result: "sent" | "would-block" | "closed"): void {
    if (result === "sent") this.settle(id, { state: "sent" });
    else if (result === "closed") this.settle(id, { state: "closed" });
    else this.sendq.push(id);
  }

  startRecv(preAborted: boolean, parkedAs: "recv" | "values" = "recv"): void {
    const id = this.ops.push({ op: "recv", parkedAs, value: 0, max: 1, outcome: PENDING, abortable: !preAborted }) - 1;
    if (preAborted) this.settle(id, { state: "aborted" });
    else this.arriveRecv(id, this.take());
  }

  startRecvBatch(max: number, preAborted: boolean): void {
    const id =
      this.ops.push({
        op: "recvBatch",
        parkedAs: "recvBatch",
        value: 0,
        max,
        outcome: PENDING,
        abortable: !preAborted,
      }) - 1;
    if (preAborted) {
      this.settle(id, { state: "aborted" });
      return;
    }
    const result = this.takeBatch(max);
    if (result === "drained") this.settle(id, { state: "drained" });
    else if (result === "would-block") this.recvq.push(id);
    else this.settle(id, { state: "batch", values: result });
  }

  /** Where a started receive goes: settled now, or queued behind the blocked receivers. */
  private arriveRecv(id: number, result: { value: number } | "would-block" | "drained"): void {
    if (result === "drained") this.settle(id, { state: "drained" });
    else if (result !== "would-block") this.settle(id, { state: "received", value: result.value });
    else this.recvq.push(id);
  }

  /** Aborting an operation that already settled changes nothing. */
  abort(id: number): void {
    const op = this.op(id);
    op.abortable = false;
    if (op.outcome.state !== "pending") return;
    this.sendq = this.sendq.filter((x) => x !== id);
    this.recvq = this.recvq.filter((x) => x !== id);
    this.settle(id, { state: "aborted" });
  }

  close(): "closed" | "already-closed" {
    if (this.closed) return "already-closed";
    this.closed = true;
    for (const id of this.recvq) this.settle(id, { state: "drained" });
    for (const id of this.sendq) this.settle(id, { state: "closed" });
    this.recvq = [];
    this.sendq = [];
    return "closed";
  }

  abortableIds(): number[] {
    const ids: number[] = [];
    this.ops.forEach((op, id) => {
      if (op.abortable) ids.push(id);
    });
    return ids;
  }

  private op(id: number): ModelOp {
    const op = this.ops[id];
    if (op === undefined) throw new Error(`model: no operation ${id}`);
    return op;
  }

  private settle(id: number, outcome: Outcome): void {
    const op = this.op(id);
    if (op.outcome.state !== "pending") throw new Error(`model: operation ${id} settled twice`);
    op.outcome = outcome;
  }
}

// ---------------------------------------------------------------------------
// The real system
// ---------------------------------------------------------------------------

/** How a real promise settled, normalised: receives report `some`/`none` whichever API made them. */
type Settled =
  | { readonly ok: true; readonly result: "void" | { some: number } | { batch: number[] } | "none" }
  | { readonly ok: false; readonly error: unknown };

interface RealOp {
  readonly controller: AbortController;
  /** The unique reason its controller aborts with, so a rejection can be traced to it. */
  readonly reason: Error;
  settled: Settled | undefined;
}

interface Real {
  readonly ch: Channel<number>;
  readonly core: ChannelCore<number>;
  readonly ops: RealOp[];
  /** What the channel reported to `onDrop`, in call order. */
  readonly dropLog: Drop[];
  /** Values `trySend` handed over ("sent"). */
  readonly trySent: number[];
  /** Values `tryRecv` / `tryRecvBatch` returned. */
  readonly tryReceived: number[];
}

function startReal(
  r: Real,
  preAborted: boolean,
  start: (signal: AbortSignal) => Promise<Settled & { ok: true }>,
): void {
  const controller = new AbortController();
  const op: RealOp = { controller, reason: new Error(`abort of operation ${r.ops.length}`), settled: undefined };
  r.ops.push(op);
  if (preAborted) controller.abort(op.reason);
  start(controller.signal).then(
    (settled) => {
      if (op.settled !== undefined) throw new Error("a promise settled twice");
      op.settled = settled;
    },
    (error: unknown) => {
      op.settled = { ok: false, error };
    },
  );
}

// ---------------------------------------------------------------------------
// Comparison after every command
// ---------------------------------------------------------------------------

/** Synchronous state: len, cap, closed, dropped, queued waiters, invariants. */
function compareState(m: ChannelModel, r: Real): void {
  r.core.assertInvariants();
  expect({
    kind: r.ch.kind,
    cap: r.ch.cap,
    closed: r.ch.closed,
    len: r.ch.len,
    dropped: r.ch.dropped,
    waiting: r.core.waiting,
    drops: r.dropLog,
  }).toEqual({
    kind: m.kind,
    cap: m.cap,
    closed: m.closed,
    len: m.buffer.length,
    dropped: m.dropped,
    waiting: { receivers: m.recvq.length, senders: m.sendq.length },
    drops: m.dropLog,
  });
}

/**
 * Conservation, on the real side: the values sends handed over (trySend
 * "sent", resolved sends) are exactly the values received, reported to
 * `onDrop`, and still buffered (`buffered`, oldest first), each in one place
 * only. Values are unique (1, 2, 3, …), so multisets are sets.
 */
function checkConservation(m: ChannelModel, r: Real, buffered: readonly number[]): void {
  const accepted = [...r.trySent];
  const received = [...r.tryReceived];
  r.ops.forEach((op, id) => {
    const s = op.settled;
    if (s === undefined || !s.ok) return;
    if (s.result === "void") accepted.push((m.ops[id] as ModelOp).value);
    else if (s.result !== "none") received.push(...("batch" in s.result ? s.result.batch : [s.result.some]));
  });
  const dropped = r.dropLog.map((d) => d.value);
  const accounted = [...received, ...dropped, ...buffered];
  expect(new Set(accounted).size, "a value was received, dropped or buffered twice").toBe(accounted.length);
  expect(accounted.sort((a, b) => a - b)).toEqual(accepted.sort((a, b) => a - b));
}

/** The model's prediction for one operation, as a line of text (so a mismatch reads as a diff). */
function describeExpected(op: ModelOp, id: number): string {
  const o = op.outcome;
  const what = `#${id} ${op.op}${op.op === "send" ? ` ${op.value}` : ""}: `;
  switch (o.state) {
    case "pending":
    case "sent":
    case "drained":
    case "aborted":
      return what + o.state;
    case "received":
      return `${what}received ${o.value}`;
    case "batch":
      return `${what}received [${o.values.join(",")}]`;
    case "closed":
      return `${what}ChannelClosedError(${op.value})`;
  }
}

/** What the real operation did, in the same words. */
function describeActual(model: ModelOp, op: RealOp, id: number): string {
  const what = `#${id} ${model.op}${model.op === "send" ? ` ${model.value}` : ""}: `;
  const s = op.settled;
  if (s === undefined) return `${what}pending`;
  if (s.ok) {
    if (s.result === "void") return `${what}sent`;
    if (s.result === "none") return `${what}drained`;
    if ("batch" in s.result) return `${what}received [${s.result.batch.join(",")}]`;
    return `${what}received ${s.result.some}`;
  }
  if (s.error === op.reason) return `${what}aborted`;
  if (s.error instanceof ChannelClosedError) return `${what}ChannelClosedError(${String(s.error.value)})`;
  return `${what}rejected with ${String(s.error)}`;
}

/**
 * With diagnostics on: the inventory's waiters on this channel are exactly the
 * operations the model says are pending, in the order they started.
 */
function compareInventory(m: ChannelModel, r: Real): void {
  const parked = parkedWaiters().filter((w) => w.target === r.core);
  const pending = m.ops.filter((op) => op.outcome.state === "pending");
  expect(parked.map((w) => w.operation)).toEqual(pending.map((op) => op.parkedAs));
}

/** Flushes promise reactions, then compares every started operation with the model's prediction. */
async function settleAndCompare(m: ChannelModel, r: Real): Promise<void> {
  compareState(m, r);
  await flush();
  compareState(m, r);
  checkConservation(m, r, m.buffer);
  if (diagnosticsEnabled()) compareInventory(m, r);
  expect(r.ops.length).toBe(m.ops.length);
  const actual = m.ops.map((op, id) => describeActual(op, r.ops[id] as RealOp, id));
  expect(actual).toEqual(m.ops.map(describeExpected));
}

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

type ChannelCommand = fc.AsyncCommand<ChannelModel, Real>;

class TrySend implements ChannelCommand {
  check(): boolean {
    return true;
  }
  async run(m: ChannelModel, r: Real): Promise<void> {
    const v = m.nextValue++;
    const expected = m.offer(v);
    const actual = r.ch.trySend(v);
    if (actual === "sent") r.trySent.push(v);
    expect(actual).toBe(expected);
    await settleAndCompare(m, r);
  }
  toString(): string {
    return "trySend";
  }
}

class TryRecv implements ChannelCommand {
  check(): boolean {
    return true;
  }
  async run(m: ChannelModel, r: Real): Promise<void> {
    const expected = m.take();
    const actual = r.ch.tryRecv();
    if (actual !== "would-block" && actual.isSome()) r.tryReceived.push(actual.value);
    if (expected === "would-block") expect(actual).toBe("would-block");
    else if (expected === "drained") expect(actual !== "would-block" && actual.isNone()).toBe(true);
    else expect(actual !== "would-block" && actual.isSome() ? actual.value : "not Some").toBe(expected.value);
    await settleAndCompare(m, r);
  }
  toString(): string {
    return "tryRecv";
  }
}

class TryRecvBatch implements ChannelCommand {
  constructor(readonly max: number) {}
  check(): boolean {
    return true;
  }
  async run(m: ChannelModel, r: Real): Promise<void> {
    const expected = m.takeBatch(this.max);
    const actual = r.ch.tryRecvBatch(this.max);
    if (actual !== "would-block" && actual.isSome()) r.tryReceived.push(...actual.value);
    if (expected === "would-block") expect(actual).toBe("would-block");
    else if (expected === "drained") expect(actual !== "would-block" && actual.isNone()).toBe(true);
    else expect(actual !== "would-block" && actual.isSome() ? actual.value : "not Some").toEqual(expected);
    await settleAndCompare(m, r);
  }
  toString(): string {
    return `tryRecvBatch(${this.max})`;
  }
}

class RecvBatch implements ChannelCommand {
  constructor(
    readonly max: number,
    readonly preAborted: boolean,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: ChannelModel, r: Real): Promise<void> {
    m.startRecvBatch(this.max, this.preAborted);
    startReal(r, this.preAborted, (signal) =>
      r.ch
        .recvBatch(this.max, { signal })
        .then((o) => ({ ok: true, result: o.isSome() ? { batch: o.value } : "none" }) as const),
    );
    await settleAndCompare(m, r);
  }
  toString(): string {
    return `recvBatch(${this.max})${this.preAborted ? "(pre-aborted)" : ""}`;
  }
}

class Send implements ChannelCommand {
  constructor(readonly preAborted: boolean) {}
  check(): boolean {
    return true;
  }
  async run(m: ChannelModel, r: Real): Promise<void> {
    const v = m.nextValue++;
    m.startSend(v, this.preAborted);
    startReal(r, this.preAborted, (signal) =>
      r.ch.send(v, { signal }).then(() => ({ ok: true, result: "void" }) as const),
    );
    await settleAndCompare(m, r);
  }
  toString(): string {
    return this.preAborted ? "send(pre-aborted)" : "send";
  }
}

class Recv implements ChannelCommand {
  constructor(
    readonly via: "recv" | "iterator",
    readonly preAborted: boolean,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: ChannelModel, r: Real): Promise<void> {
    m.startRecv(this.preAborted, this.via === "recv" ? "recv" : "values");
    startReal(r, this.preAborted, (signal) =>
      this.via === "recv"
        ? r.ch.recv({ signal }).then((o) => ({ ok: true, result: o.isSome() ? { some: o.value } : "none" }) as const)
        : r.ch
            .values({ signal })
            .next()
            .then((step) => ({ ok: true, result: step.done ? "none" : { some: step.value } }) as const),
    );
    await settleAndCompare(m, r);
  }
  toString(): string {
    return `${this.via === "recv" ? "recv" : "values().next"}${this.preAborted ? "(pre-aborted)" : ""}`;
  }
}

class Abort implements ChannelCommand {
  constructor(readonly pick: number) {}
  check(m: Readonly<ChannelModel>): boolean {
    return m.abortableIds().length > 0;
  }
  async run(m: ChannelModel, r: Real): Promise<void> {
    const ids = m.abortableIds();
    const id = ids[this.pick % ids.length] as number;
    m.abort(id);
    const op = r.ops[id] as RealOp;
    op.controller.abort(op.reason);
    await settleAndCompare(m, r);
  }
  toString(): string {
    return `abort(#${this.pick})`;
  }
}

class Resize implements ChannelCommand {
  constructor(readonly cap: number) {}
  check(m: Readonly<ChannelModel>): boolean {
    return m.resizable;
  }
  async run(m: ChannelModel, r: Real): Promise<void> {
    m.resize(this.cap);
    (r.ch as ResizableChannel<number>).resize(this.cap);
    await settleAndCompare(m, r);
  }
  toString(): string {
    return `resize(${this.cap})`;
  }
}

class Close implements ChannelCommand {
  check(): boolean {
    return true;
  }
  async run(m: ChannelModel, r: Real): Promise<void> {
    if (m.close() === "already-closed") expect(() => r.ch.close()).toThrow(ChannelAlreadyClosedError);
    else r.ch.close();
    await settleAndCompare(m, r);
  }
  toString(): string {
    return "close";
  }
}

/** Lets time pass with no action: nothing may change on its own. */
class Observe implements ChannelCommand {
  check(): boolean {
    return true;
  }
  async run(m: ChannelModel, r: Real): Promise<void> {
    await settleAndCompare(m, r);
    await settleAndCompare(m, r);
  }
  toString(): string {
    return "observe";
  }
}

const commandArbs = [
  fc.constant(new TrySend()),
  fc.constant(new TrySend()),
  fc.constant(new TryRecv()),
  fc.constant(new TryRecv()),
  fc.boolean().map((pre) => new Send(pre)),
  fc.constant(new Send(false)),
  fc.constant(new Send(false)),
  fc.tuple(fc.constantFrom("recv" as const, "iterator" as const), fc.boolean()).map(([via, pre]) => new Recv(via, pre)),
  fc.constant(new Recv("recv", false)),
  fc.constant(new Recv("recv", false)),
  fc.nat().map((pick) => new Abort(pick)),
  fc.nat().map((pick) => new Abort(pick)),
  fc.constantFrom(1, 2, 3, Number.POSITIVE_INFINITY).map((max) => new TryRecvBatch(max)),
  fc
    .tuple(fc.constantFrom(1, 2, 3, Number.POSITIVE_INFINITY), fc.boolean())
    .map(([max, pre]) => new RecvBatch(max, pre)),
  fc.constantFrom(0, 1, 2, 3, Number.POSITIVE_INFINITY).map((cap) => new Resize(cap)),
  fc.constantFrom(0, 1, 2, 3, Number.POSITIVE_INFINITY).map((cap) => new Resize(cap)),
  fc.constant(new Close()),
  fc.constant(new Observe()),
];

// ---------------------------------------------------------------------------
// The runs
// ---------------------------------------------------------------------------

function runModel(spec: KindSpec, options: { diagnostics?: boolean; numRuns?: number } = {}): Promise<void> {
  return fc.assert(
    fc.asyncProperty(fc.commands(commandArbs, { maxCommands: 50, size: "max" }), async (cmds) => {
      let last: { model: ChannelModel; real: Real } | undefined;
      const setup = () => {
        if (options.diagnostics === true) enableDiagnostics();
        const dropLog: Drop[] = [];
        const ch = spec.make((value, reason) => dropLog.push({ value, reason }));
        last = {
          model: new ChannelModel(spec.kind, spec.cap, spec.resizable === true),
          real: { ch, core: coreOf(ch), ops: [], dropLog, trySent: [], tryReceived: [] },
        };
        return last;
      };
      try {
        await fc.asyncModelRun(setup, cmds);
      } finally {
        disableDiagnostics();
      }
      // Drain what is left (values of blocked senders too) on the real side alone, then account for everything.
      const { model, real } = last as { model: ChannelModel; real: Real };
      for (let batch = real.ch.tryRecvBatch(); batch !== "would-block" && batch.isSome(); ) {
        real.tryReceived.push(...batch.value);
        batch = real.ch.tryRecvBatch();
      }
      await flush();
      checkConservation(model, real, []);
    }),
    { numRuns: options.numRuns ?? 100 },
  );
}

describe("a channel behaves as the sequential Go model after every command", () => {
  for (const spec of KINDS) {
    it(`${spec.label}: try/blocking send, receive, batch receive, resize, abort and close match the model step by step`, async () => {
      await runModel(spec);
    });
  }

  for (const spec of KINDS.filter((k) => ["unbuffered", "buffered(2)", "resizable(2)", "ring(2)"].includes(k.label))) {
    it(`${spec.label}, diagnostics on: the parked-waiter inventory is exactly the pending operations after every command`, async () => {
      await runModel(spec, { diagnostics: true, numRuns: 60 });
    });
  }

  it("the model itself predicts FIFO hand-over, drops and close (sanity check of the oracle)", () => {
    const ring = new ChannelModel("ring", 2);
    for (const v of [1, 2, 3]) expect(ring.offer(v)).toBe("sent");
    expect(ring.buffer).toEqual([2, 3]);
    expect(ring.dropped).toBe(1);

    const unbuffered = new ChannelModel("unbuffered", 0);
    unbuffered.startSend(7, false);
    unbuffered.startSend(8, false);
    expect(unbuffered.take()).toEqual({ value: 7 });
    expect(unbuffered.close()).toBe("closed");
    expect(unbuffered.ops.map((op) => op.outcome.state)).toEqual(["sent", "closed"]);
    expect(unbuffered.take()).toBe("drained");
  });
});

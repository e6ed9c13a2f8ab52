/**
 * The failure model of the shared ring (ring.ts, "The failure model"), step by
 * step and on a manual clock: several `SharedRing` views of one buffer stand
 * for threads, and what a terminated thread leaves behind is built directly in
 * the buffer — a claim whose write never began, a write that never finished,
 * a take whose `DEQ` advance never happened — or by a view whose wake-up was
 * cut off. The real-thread runs are failure-model.workers.test.ts and
 * failure-model.stress.test.ts.
 */

import { flush, track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import { isSharedChannelBrokenError, SharedChannel, type SharedChannelBrokenError } from "../../src/index.js";
import { SlotCodec } from "../../src/internal/codec.js";
import {
  BROKEN,
  CLOSED,
  createRingBuffer,
  EMPTY,
  LAYOUT,
  readRingShape,
  SENT,
  SharedRing,
} from "../../src/internal/ring.js";
import { coreOf } from "../support.js";

const STALL_MS = 100;

/** A manual clock for the stall timers of several views. */
class Clock {
  t = 0;
  readonly now = (): number => this.t;
}

/** `threads` views of one new ring, all timing stalls on `clock`. */
function views(capacity: number, threads: number, clock: Clock): SharedRing[] {
  const buffer = createRingBuffer(capacity, 8, { stallTimeoutMs: STALL_MS });
  const shape = readRingShape(buffer);
  return Array.from({ length: threads }, () => {
    const ring = new SharedRing(buffer, shape, new SlotCodec(buffer, 8, undefined));
    ring.now = clock.now;
    return ring;
  });
}

/** The sequence word of the slot of `pos`. */
function seqWord(ring: SharedRing, pos: number): { index: number; value: number } {
  const shape = readRingShape(ring.buffer);
  const index = (LAYOUT.HEADER_BYTES + (pos % shape.capacity) * shape.slotBytes) >> 2;
  return { index, value: Atomics.load(ring.ctl, index) };
}

/** What a sender terminated right after its claim leaves: `ENQ` moved past `pos`, the slot still FREE(pos). */
function claimAndDie(ring: SharedRing): number {
  const pos = Atomics.load(ring.ctl, LAYOUT.W_ENQ);
  expect(Atomics.compareExchange(ring.ctl, LAYOUT.W_ENQ, pos, pos + 1)).toBe(pos);
  return pos;
}

/** What a sender terminated while copying its value leaves: the claim, and the slot at WRITING(pos). */
function claimBeginAndDie(ring: SharedRing): number {
  const pos = claimAndDie(ring);
  const { index, value } = seqWord(ring, pos);
  expect(value).toBe(4 * pos);
  Atomics.store(ring.ctl, index, 4 * pos + LAYOUT.STATE.WRITING);
  return pos;
}

/** What a receiver terminated right after its take leaves: the slot freed, `DEQ` not advanced. */
function takeAndDie(ring: SharedRing, capacity: number): number {
  const pos = Atomics.load(ring.ctl, LAYOUT.W_DEQ);
  const { index, value } = seqWord(ring, pos);
  expect(value).toBe(4 * pos + LAYOUT.STATE.FULL);
  Atomics.store(ring.ctl, index, 4 * (pos + capacity));
  return pos;
}

describe("a sender terminated after its claim, before its write began", () => {
  it("stalls the receivers for stallTimeout, then its position is skipped and nothing else is lost", () => {
    const clock = new Clock();
    const [dead, sender, receiver] = views(4, 3, clock);
    expect(sender!.enqueue(1)).toBe(SENT);
    claimAndDie(dead!);
    expect(sender!.enqueue(3)).toBe(SENT);
    expect(receiver!.dequeue()).toBe(1);
    // The dead claim is first in line: nothing to take yet, and no time has passed.
    expect(receiver!.dequeue()).toBe(EMPTY);
    clock.t += STALL_MS - 1;
    expect(receiver!.dequeue()).toBe(EMPTY);
    clock.t += 1;
    // Past the bound: the position is revoked (skipped), and the next value comes through.
    expect(receiver!.dequeue()).toBe(3);
    expect(receiver!.brokenAt).toBeUndefined();
    receiver!.assertInvariants();
    // The slot is back in service on the next lap.
    for (let i = 10; i < 20; i++) {
      expect(sender!.enqueue(i)).toBe(SENT);
      expect(receiver!.dequeue()).toBe(i);
    }
    receiver!.assertInvariants();
  });

  it("a producer that was only slow finds its claim revoked and claims again: its value arrives once", () => {
    const clock = new Clock();
    const [slow, receiver] = views(2, 2, clock);
    const pos = claimAndDie(slow!);
    expect(receiver!.dequeue()).toBe(EMPTY);
    clock.t += STALL_MS;
    expect(receiver!.dequeue()).toBe(EMPTY); // revoked; nothing else was sent
    // The slow producer wakes up and tries to begin its write: the slot is no longer FREE(pos).
    const { index } = seqWord(slow!, pos);
    expect(Atomics.compareExchange(slow!.ctl, index, 4 * pos, 4 * pos + 1)).not.toBe(4 * pos);
    // It claims again, as enqueue does, and its value arrives once.
    expect(slow!.enqueue(7)).toBe(SENT);
    expect(receiver!.dequeue()).toBe(7);
    expect(receiver!.dequeue()).toBe(EMPTY);
    receiver!.assertInvariants();
  });

  it("a close after the dead claim still ends in CLOSED for the receivers, not a wedge", () => {
    const clock = new Clock();
    const [dead, sender, receiver] = views(4, 3, clock);
    expect(sender!.enqueue(1)).toBe(SENT);
    claimAndDie(dead!);
    expect(sender!.close()).toBe(true);
    expect(receiver!.dequeue()).toBe(1);
    expect(receiver!.dequeue()).toBe(EMPTY);
    clock.t += STALL_MS;
    expect(receiver!.dequeue()).toBe(CLOSED);
  });

  it("a watcher that was itself stopped for a while (a long gap between looks) starts watching again", () => {
    const clock = new Clock();
    const [dead, sender, receiver] = views(4, 3, clock);
    claimAndDie(dead!);
    expect(sender!.enqueue(2)).toBe(SENT);
    expect(receiver!.dequeue()).toBe(EMPTY);
    // The whole process was stopped (SIGSTOP): the producer could not run either. No verdict yet.
    clock.t += 3 * STALL_MS;
    expect(receiver!.dequeue()).toBe(EMPTY);
    clock.t += STALL_MS - 1;
    expect(receiver!.dequeue()).toBe(EMPTY);
    clock.t += 1;
    expect(receiver!.dequeue()).toBe(2);
  });

  it("with stallTimeout 0 (never) the claim is waited for forever, as before", () => {
    const clock = new Clock();
    const buffer = createRingBuffer(2, 8, { stallTimeoutMs: 0 });
    const shape = readRingShape(buffer);
    const [dead, receiver] = [0, 1].map(() => {
      const r = new SharedRing(buffer, shape, new SlotCodec(buffer, 8, undefined));
      r.now = clock.now;
      return r;
    });
    claimAndDie(dead!);
    expect(receiver!.dequeue()).toBe(EMPTY);
    clock.t += 1e12;
    expect(receiver!.dequeue()).toBe(EMPTY);
  });
});

describe("a sender terminated while writing its value", () => {
  it("breaks the ring after stallTimeout: later published values drain, then BROKEN; sends fail", () => {
    const clock = new Clock();
    const [dead, sender, receiver] = views(4, 3, clock);
    expect(sender!.enqueue(1)).toBe(SENT);
    const pos = claimBeginAndDie(dead!);
    expect(sender!.enqueue(3)).toBe(SENT);
    expect(receiver!.dequeue()).toBe(1);
    expect(receiver!.dequeue()).toBe(EMPTY);
    clock.t += STALL_MS;
    // Abandoned: the ring is broken, but what was published after it is still delivered.
    expect(receiver!.dequeue()).toBe(3);
    expect(receiver!.brokenAt).toEqual({ position: pos });
    expect(receiver!.dequeue()).toBe(BROKEN);
    expect(sender!.enqueue(4)).toBe(BROKEN);
    expect(sender!.close()).toBe(true); // the bits are independent; the channel's close refuses (below)
    expect(receiver!.dequeue()).toBe(BROKEN);
  });

  it("a writer that was only frozen finds its publish refused: its value is not delivered", () => {
    const clock = new Clock();
    const [frozen, receiver] = views(2, 2, clock);
    const pos = claimBeginAndDie(frozen!);
    expect(receiver!.dequeue()).toBe(EMPTY);
    clock.t += STALL_MS;
    expect(receiver!.dequeue()).toBe(BROKEN);
    // The frozen writer resumes and tries its publish CAS (WRITING -> FULL): the slot is ABANDONED.
    const { index, value } = seqWord(frozen!, pos);
    expect(value & 0x3fff_ffff).toBe(4 * pos + LAYOUT.STATE.ABANDONED);
    expect(Atomics.compareExchange(frozen!.ctl, index, 4 * pos + 1, 4 * pos + 2)).not.toBe(4 * pos + 1);
    expect(receiver!.dequeue()).toBe(BROKEN);
  });
});

describe("a receiver terminated right after a take", () => {
  it("leaves DEQ behind; the next receive advances it, and senders never see a full empty ring", () => {
    const clock = new Clock();
    const [sender, dead, receiver] = views(2, 3, clock);
    expect(sender!.enqueue(1)).toBe(SENT);
    expect(sender!.enqueue(2)).toBe(SENT);
    takeAndDie(dead!, 2);
    // The slot is free already: a sender can fill it although DEQ still points at the taken position.
    expect(sender!.enqueue(3)).toBe(SENT);
    expect(receiver!.dequeue()).toBe(2);
    expect(receiver!.dequeue()).toBe(3);
    expect(receiver!.dequeue()).toBe(EMPTY);
    receiver!.assertInvariants();
    for (let i = 10; i < 20; i++) {
      expect(sender!.enqueue(i)).toBe(SENT);
      expect(receiver!.dequeue()).toBe(i);
    }
  });
});

describe("a wake-up a terminated thread never sent", () => {
  it("a receive waiting on the main thread still gets the value within stallTimeout", async () => {
    const ch = new SharedChannel<number>(2, { stallTimeout: 20 });
    // A second view whose wake protocol is cut off: it publishes, then "dies" before notifying.
    const dying = SharedChannel.from<number>(ch.handle);
    (coreOf(dying).ring as unknown as { wakeFor(): void }).wakeFor = () => {};
    const waiting = track(ch.recv());
    await flush();
    expect(coreOf(ch).waiting.recvPump).toBe(true);
    expect(dying.trySend(42)).toBe("sent");
    // Nobody notifies; the bounded wait of the pump re-checks the ring.
    while (waiting.state === "pending") await flush();
    expect(String((waiting.outcome as { value: unknown }).value)).toBe("Some(42)");
  });
});

describe("a broken SharedChannel", () => {
  it("fails every operation on every thread with SharedChannelBrokenError after delivering what was sent", async () => {
    const ch = new SharedChannel<number>(4, { stallTimeout: 10_000 });
    const clock = new Clock();
    coreOf(ch).ring.now = clock.now;
    await ch.send(1);
    const pos = claimBeginAndDie(coreOf(ch).ring);
    await ch.send(3);
    const other = SharedChannel.from<number>(ch.handle);
    coreOf(other).ring.now = clock.now;
    expect(String(await ch.recv())).toBe("Some(1)");
    expect(ch.tryRecv()).toBe("would-block");
    clock.t += 10_000;
    expect(String(ch.tryRecv())).toBe("Some(3)");
    let error: unknown;
    try {
      ch.tryRecv();
    } catch (e) {
      error = e;
    }
    expect(isSharedChannelBrokenError(error)).toBe(true);
    expect(error).toMatchObject({ side: "sender", position: pos });
    expect((error as SharedChannelBrokenError).message).toContain("create a new channel".slice(1));
    await expect(other.recv()).rejects.toMatchObject({ name: "SharedChannelBrokenError" });
    await expect(other.recvBatch()).rejects.toMatchObject({ name: "SharedChannelBrokenError" });
    await expect(ch.send(5)).rejects.toMatchObject({ name: "SharedChannelBrokenError" });
    expect(() => other.trySend(5)).toThrow(/broken/);
    expect(() => ch.close()).toThrow(/broken/);
    const step = ch.values().next();
    await expect(step).rejects.toMatchObject({ name: "SharedChannelBrokenError" });
  });

  it("fails the receives and sends waiting on this thread when it breaks", async () => {
    const ch = new SharedChannel<number>(1, { stallTimeout: 10_000 });
    const clock = new Clock();
    coreOf(ch).ring.now = clock.now;
    claimBeginAndDie(coreOf(ch).ring);
    const waitingSend = track(ch.send(2)); // full: the dead claim holds the only slot
    expect(ch.tryRecv()).toBe("would-block");
    const waitingRecv = track(ch.recv());
    await flush();
    // Another thread's receive sees the stall, and once it has lasted, breaks the ring; its
    // notify-all wakes our pumps.
    const other = SharedChannel.from<number>(ch.handle);
    coreOf(other).ring.now = clock.now;
    expect(other.tryRecv()).toBe("would-block");
    clock.t += 10_000;
    expect(() => other.tryRecv()).toThrow(/broken/);
    while (waitingSend.state === "pending" || waitingRecv.state === "pending") await flush();
    expect(waitingSend.outcome).toMatchObject({ state: "rejected", reason: { name: "SharedChannelBrokenError" } });
    expect(waitingRecv.outcome).toMatchObject({ state: "rejected", reason: { name: "SharedChannelBrokenError" } });
    expect(coreOf(ch).waiting).toMatchObject({ receivers: 0, senders: 0 });
  });
});

import { PORT, portOf, RecvWaiter, SendWaiter } from "@csp-kit/channel/port";
import { flush, track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import {
  ChannelAlreadyClosedError,
  ChannelClosedError,
  InvalidCapacityError,
  InvalidSharedHandleError,
  InvalidTimeoutError,
  isChannelAlreadyClosedError,
  isChannelClosedError,
  isInvalidSharedHandleError,
  isInvalidTimeoutError,
  isSharedBlockingOnMainThreadError,
  isSharedSerializerUnavailableError,
  isSharedValueTooLargeError,
  None,
  SharedBlockingOnMainThreadError,
  SharedChannel,
  type SharedChannelHandle,
  SharedValueTooLargeError,
  Some,
} from "../src/index.js";
import { createRingBuffer } from "../src/internal/ring.js";
import { assertInvariants, coreOf } from "./support.js";

describe("SharedChannel basics", () => {
  it("delivers numbers, strings, booleans, null, undefined and objects in FIFO order", async () => {
    const ch = new SharedChannel<unknown>(8);
    const values: unknown[] = [1.5, -0, Number.NaN, "héllo", "日本語 ✓", true, false, null, undefined, { a: [1, 2n] }];
    const got: unknown[] = [];
    for (const v of values.slice(0, 8)) expect(ch.trySend(v)).toBe("sent");
    for (let i = 0; i < 8; i++) got.push((await ch.recv()).unwrap());
    for (const v of values.slice(8)) await ch.send(v);
    got.push(ch.tryRecv(), ch.tryRecv());
    expect(got.slice(0, 8)).toEqual(values.slice(0, 8));
    expect(Object.is(got[1], -0)).toBe(true);
    expect(got.slice(8)).toEqual([Some(undefined), Some({ a: [1, 2n] })]);
    assertInvariants(ch);
  });

  it("reports len, cap and closed", () => {
    const ch = new SharedChannel<number>(3);
    expect([ch.len, ch.cap, ch.closed]).toEqual([0, 3, false]);
    ch.trySend(1);
    ch.trySend(2);
    expect(ch.len).toBe(2);
    ch.close();
    expect([ch.len, ch.closed]).toEqual([2, true]);
  });

  it("answers would-block from trySend when full and from tryRecv when empty", () => {
    const ch = new SharedChannel<number>(1);
    expect(ch.tryRecv()).toBe("would-block");
    expect(ch.trySend(1)).toBe("sent");
    expect(ch.trySend(2)).toBe("would-block");
    expect(ch.tryRecv()).toEqual(Some(1));
    expect(ch.tryRecv()).toBe("would-block");
  });

  it("works with capacity 1 for many rounds (a full slot never looks free)", () => {
    const ch = new SharedChannel<number>(1);
    for (let i = 0; i < 1000; i++) {
      expect(ch.trySend(i)).toBe("sent");
      expect(ch.trySend(-1)).toBe("would-block");
      expect(ch.tryRecv()).toEqual(Some(i));
    }
    assertInvariants(ch);
  });

  it("keeps FIFO order across many wrap-arounds of the position counter", () => {
    // A ring whose positions wrap every 4 × capacity operations (the default wraps after ~2^28).
    const buffer = createRingBuffer(3, 8, { posLimit: 12 });
    const ch = SharedChannel.from<number>({ kind: "@csp-kit/threads.shared-channel", buffer });
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 200; round++) {
      while (ch.trySend(next) === "sent") next++;
      const take = (round % 3) + 1;
      for (let k = 0; k < take; k++) expect(ch.tryRecv()).toEqual(Some(expected++));
      assertInvariants(ch);
    }
    expect(next).toBeGreaterThan(100);
  });

  it("rejects a capacity that is not a whole number from 1", () => {
    for (const bad of [0, -1, 1.5, Number.POSITIVE_INFINITY, Number.NaN, 2 ** 25]) {
      expect(() => new SharedChannel(bad)).toThrow(InvalidCapacityError);
    }
    expect(() => new SharedChannel(4, { maxValueBytes: 4 })).toThrow(/maxValueBytes/);
  });

  it("rounds maxValueBytes up to a multiple of 8", () => {
    expect(new SharedChannel(1, { maxValueBytes: 9 }).maxValueBytes).toBe(16);
    expect(new SharedChannel(1).maxValueBytes).toBe(120);
  });
});

describe("SharedChannel waiting on one thread", () => {
  it("makes a receive wait until a send, then completes it at once", async () => {
    const ch = new SharedChannel<string>(2);
    const r = track(ch.recv());
    await flush();
    expect(r.state).toBe("pending");
    expect(ch.trySend("x")).toBe("sent");
    await flush();
    expect(r.outcome).toEqual({ state: "fulfilled", value: Some("x") });
    expect(ch.len).toBe(0);
    assertInvariants(ch);
  });

  it("makes a send wait for room, then completes it when a receive frees a slot", async () => {
    const ch = new SharedChannel<number>(1);
    await ch.send(1);
    const s = track(ch.send(2));
    await flush();
    expect(s.state).toBe("pending");
    expect(ch.tryRecv()).toEqual(Some(1));
    await flush();
    expect(s.state).toBe("fulfilled");
    expect(ch.tryRecv()).toEqual(Some(2));
    assertInvariants(ch);
  });

  it("serves waiting receivers in arrival order", async () => {
    const ch = new SharedChannel<number>(4);
    const a = track(ch.recv());
    const b = track(ch.recv());
    ch.trySend(1);
    ch.trySend(2);
    await flush();
    expect([a.outcome, b.outcome]).toEqual([
      { state: "fulfilled", value: Some(1) },
      { state: "fulfilled", value: Some(2) },
    ]);
  });

  it("sends no wake-up for values nobody waits for, and one per wait however many values follow", async () => {
    const ch = new SharedChannel<number>(8);
    // Another instance of the same channel stands for another thread.
    const other = SharedChannel.from<number>(ch.handle);
    const ring = coreOf(ch).ring;
    const before = ring.wakeWords.data;
    for (let i = 0; i < 4; i++) other.trySend(i);
    for (let i = 0; i < 4; i++) ch.tryRecv();
    expect(ring.wakeWords.data).toBe(before);
    const r = track(ch.recv());
    await flush();
    expect(coreOf(ch).waiting.recvPump).toBe(true);
    for (let i = 10; i < 13; i++) other.trySend(i);
    expect(ring.wakeWords.data).toBe(before + 1);
    for (let i = 0; i < 10 && r.state === "pending"; i++) await flush();
    expect(r.outcome).toEqual({ state: "fulfilled", value: Some(10) });
    expect([ch.tryRecv(), ch.tryRecv()]).toEqual([Some(11), Some(12)]);
    expect(ring.registered).toEqual({ receivers: 0, senders: 0, dataWoken: 0, roomWoken: 0 });
    assertInvariants(ch);
  });

  it("does not let tryRecv overtake a receiver that is already waiting", async () => {
    const ch = new SharedChannel<number>(4);
    const waiting = track(ch.recv());
    // Write behind the engine's back, as another thread would: the value is in the ring
    // but this thread's pump has not run yet.
    coreOf(ch).ring.enqueue(7);
    expect(ch.tryRecv()).toBe("would-block");
    await flush();
    expect(waiting.outcome).toEqual({ state: "fulfilled", value: Some(7) });
  });
});

describe("SharedChannel close", () => {
  it("throws ChannelAlreadyClosedError on a second close", () => {
    const ch = new SharedChannel<number>(1);
    ch.close();
    expect(() => ch.close()).toThrow(ChannelAlreadyClosedError);
    try {
      ch.close();
    } catch (error) {
      expect(isChannelAlreadyClosedError(error)).toBe(true);
    }
  });

  it("rejects a send after close with ChannelClosedError carrying the value", async () => {
    const ch = new SharedChannel<string>(1);
    ch.close();
    const error = await ch.send("lost?").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelClosedError);
    expect(isChannelClosedError(error) && error.value).toBe("lost?");
    expect(ch.trySend("x")).toBe("closed");
  });

  it("lets receivers drain buffered values, then answers None forever", async () => {
    const ch = new SharedChannel<number>(3);
    ch.trySend(1);
    ch.trySend(2);
    ch.close();
    expect(await ch.recv()).toEqual(Some(1));
    expect(ch.tryRecv()).toEqual(Some(2));
    expect(await ch.recv()).toBe(None);
    expect(ch.tryRecv()).toBe(None);
    expect(ch.tryRecvBatch()).toBe(None);
  });

  it("rejects senders blocked at close and completes blocked receivers with None", async () => {
    const full = new SharedChannel<number>(1);
    full.trySend(0);
    const s = track(full.send(1));
    const empty = new SharedChannel<number>(1);
    const r = track(empty.recv());
    await flush();
    full.close();
    empty.close();
    await flush();
    expect(s.state).toBe("rejected");
    expect((s.outcome as { reason: unknown }).reason).toBeInstanceOf(ChannelClosedError);
    expect(r.outcome).toEqual({ state: "fulfilled", value: None });
    expect(full.tryRecv()).toEqual(Some(0));
    assertInvariants(full);
    assertInvariants(empty);
  });

  it("is seen by every instance built from the same handle", () => {
    const a = new SharedChannel<number>(2);
    const b = SharedChannel.from<number>(a.handle);
    a.trySend(5);
    b.close();
    expect(a.closed).toBe(true);
    expect(() => a.close()).toThrow(ChannelAlreadyClosedError);
    expect(a.tryRecv()).toEqual(Some(5));
    expect(b.tryRecv()).toBe(None);
  });
});

describe("SharedChannel cancellation", () => {
  it("rejects an aborted receive with the signal's reason and takes no value", async () => {
    const ch = new SharedChannel<number>(2);
    const ac = new AbortController();
    const r = track(ch.recv({ signal: ac.signal }));
    await flush();
    ac.abort(new Error("stop"));
    await flush();
    expect(r.outcome).toEqual({ state: "rejected", reason: new Error("stop") });
    expect(coreOf(ch).waiting.receivers).toBe(0);
    ch.trySend(1);
    expect(ch.tryRecv()).toEqual(Some(1));
    assertInvariants(ch);
  });

  it("rejects an aborted send with the signal's reason and does not send the value", async () => {
    const ch = new SharedChannel<number>(1);
    ch.trySend(1);
    const ac = new AbortController();
    const s = track(ch.send(2, { signal: ac.signal }));
    ac.abort("timeout");
    expect(ch.tryRecv()).toEqual(Some(1));
    expect(ch.tryRecv()).toBe("would-block");
    await flush();
    expect(s.outcome).toEqual({ state: "rejected", reason: "timeout" });
  });

  it("rejects at once for an already-aborted signal without touching the channel", async () => {
    const ch = new SharedChannel<number>(1);
    ch.trySend(1);
    const signal = AbortSignal.abort("early");
    await expect(ch.recv({ signal })).rejects.toBe("early");
    await expect(ch.send(2, { signal })).rejects.toBe("early");
    expect(ch.len).toBe(1);
  });

  it("ignores an abort that comes after the value was delivered", async () => {
    const ch = new SharedChannel<number>(1);
    const ac = new AbortController();
    const r = track(ch.recv({ signal: ac.signal }));
    ch.trySend(9);
    ac.abort();
    await flush();
    expect(r.outcome).toEqual({ state: "fulfilled", value: Some(9) });
  });

  it("keeps nothing after many aborted waits: no queued waiter and one registration at most", async () => {
    const ch = new SharedChannel<number>(1);
    for (let i = 0; i < 20_000; i++) {
      const ac = new AbortController();
      const p = ch.recv({ signal: ac.signal });
      ac.abort();
      await p.catch(() => undefined);
    }
    const w = coreOf(ch).waiting;
    expect([w.receivers, w.senders]).toEqual([0, 0]);
    expect(coreOf(ch).ring.registered.receivers).toBeLessThanOrEqual(1);
    // The idle pump still passes a value on: the channel works as before.
    ch.trySend(3);
    expect(await ch.recv()).toEqual(Some(3));
    assertInvariants(ch);
  });
});

describe("SharedChannel wake-ups between engines (each instance stands for a thread)", () => {
  /** Lets the pumps run; fails instead of hanging if `done` never holds. */
  async function settleUntil(done: () => boolean): Promise<void> {
    for (let i = 0; i < 50 && !done(); i++) await flush();
  }

  it("passes on a wake-up that reached an idle pump, so a receiver of another instance gets the value", async () => {
    const a = new SharedChannel<number>(2);
    const b = SharedChannel.from<number>(a.handle);
    const c = SharedChannel.from<number>(a.handle);
    const ac = new AbortController();
    const first = a.recv({ signal: ac.signal }).catch(() => "aborted");
    const r = track(b.recv());
    await flush();
    ac.abort();
    expect(await first).toBe("aborted");
    // a's pump is idle but still first in line for the notify; it must hand the wake-up on to b.
    expect(c.trySend(7)).toBe("sent");
    await settleUntil(() => r.state !== "pending");
    expect(r.outcome).toEqual({ state: "fulfilled", value: Some(7) });
    await settleUntil(() => coreOf(a).ring.registered.receivers === 0);
    expect(coreOf(a).ring.registered).toEqual({ receivers: 0, senders: 0, dataWoken: 0, roomWoken: 0 });
  });

  it("wakes a waiting receiver of another instance with None when one instance closes", async () => {
    const a = new SharedChannel<number>(1);
    const b = SharedChannel.from<number>(a.handle);
    const r = track(b.recv());
    const batch = track(b.recvBatch());
    await flush();
    a.close();
    await settleUntil(() => r.state !== "pending" && batch.state !== "pending");
    expect(r.outcome).toEqual({ state: "fulfilled", value: None });
    expect(batch.outcome).toEqual({ state: "fulfilled", value: None });
  });

  it("fails a waiting sender of another instance when one instance closes", async () => {
    const a = new SharedChannel<number>(1);
    const c = SharedChannel.from<number>(a.handle);
    a.trySend(2);
    const s = track(c.send(3));
    await flush();
    a.close();
    await settleUntil(() => s.state !== "pending");
    expect((s.outcome as { reason: unknown }).reason).toBeInstanceOf(ChannelClosedError);
    expect(a.tryRecv()).toEqual(Some(2));
    expect(a.tryRecv()).toBe(None);
  });

  it("moves a sender of one instance forward when another instance receives", async () => {
    const a = new SharedChannel<string>(1);
    const b = SharedChannel.from<string>(a.handle);
    a.trySend("x");
    const s = track(a.send("y"));
    await flush();
    expect(b.tryRecv()).toEqual(Some("x"));
    await settleUntil(() => s.state !== "pending");
    expect(s.state).toBe("fulfilled");
    expect(b.tryRecv()).toEqual(Some("y"));
  });
});

describe("SharedChannel iteration and batches", () => {
  it("iterates with for await until closed and drained", async () => {
    const ch = new SharedChannel<number>(4);
    const seen: number[] = [];
    const loop = (async () => {
      for await (const v of ch) seen.push(v);
    })();
    for (let i = 0; i < 10; i++) await ch.send(i);
    ch.close();
    await loop;
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("iterates over buffered values without arming a pump, and arms one only when the channel runs empty", async () => {
    const ch = new SharedChannel<number>(8);
    for (let i = 0; i < 5; i++) ch.trySend(i);
    const seen: Array<[number, boolean]> = [];
    const loop = (async () => {
      for await (const v of ch) seen.push([v, coreOf(ch).waiting.recvPump]);
    })();
    await flush();
    expect(seen).toEqual([0, 1, 2, 3, 4].map((v) => [v, false]));
    expect(coreOf(ch).waiting.recvPump).toBe(true);
    ch.close();
    await loop;
    // The close woke the pump; it unregisters when its wait's outcome arrives (a task later).
    for (let i = 0; i < 10 && coreOf(ch).ring.registered.receivers > 0; i++) await flush();
    expect(coreOf(ch).ring.registered).toEqual({ receivers: 0, senders: 0, dataWoken: 0, roomWoken: 0 });
  });

  it("neither closes the channel nor takes a value when the loop is left early", async () => {
    const ch = new SharedChannel<number>(4);
    for (const v of [1, 2, 3]) ch.trySend(v);
    for await (const v of ch) if (v === 1) break;
    expect(ch.closed).toBe(false);
    expect(ch.tryRecv()).toEqual(Some(2));
  });

  it("rejects the pending step of values({ signal }) on abort", async () => {
    const ch = new SharedChannel<number>(1);
    const ac = new AbortController();
    const it = ch.values({ signal: ac.signal });
    const step = track(it.next());
    ac.abort("done");
    await flush();
    expect(step.outcome).toEqual({ state: "rejected", reason: "done" });
  });

  it("receives everything buffered, up to max, as one array", async () => {
    const ch = new SharedChannel<number>(8);
    for (let i = 0; i < 6; i++) ch.trySend(i);
    expect(ch.tryRecvBatch(4)).toEqual(Some([0, 1, 2, 3]));
    expect(await ch.recvBatch()).toEqual(Some([4, 5]));
    expect(ch.tryRecvBatch()).toBe("would-block");
    expect(() => ch.tryRecvBatch(0)).toThrow(InvalidCapacityError);
  });

  it("makes recvBatch wait for the first value and then take what is buffered", async () => {
    const ch = new SharedChannel<string>(4);
    const r = track(ch.recvBatch(3));
    await flush();
    expect(r.state).toBe("pending");
    ch.trySend("a");
    await flush();
    expect(r.outcome).toEqual({ state: "fulfilled", value: Some(["a"]) });
    ch.close();
    expect(await ch.recvBatch()).toBe(None);
  });
});

describe("SharedChannel values that do not fit", () => {
  it("refuses a string longer than a slot with SharedValueTooLargeError and sends nothing", async () => {
    const ch = new SharedChannel<string>(2, { maxValueBytes: 16 });
    expect(ch.trySend("a".repeat(16))).toBe("sent");
    expect(ch.trySend("é".repeat(16))).toBe("sent");
    expect(ch.tryRecv()).toEqual(Some("a".repeat(16)));
    expect(() => ch.trySend("a".repeat(17))).toThrow(SharedValueTooLargeError);
    expect(() => ch.trySend("日".repeat(9))).toThrow(/18 bytes/);
    const error = await ch.send("x".repeat(100)).catch((e: unknown) => e);
    expect(isSharedValueTooLargeError(error)).toBe(true);
    expect(error).toMatchObject({ byteLength: 100, maxValueBytes: 16 });
    expect((error as Error).message).toMatch(/maxValueBytes/);
    expect(ch.len).toBe(1);
  });

  it("refuses a value whose serialization is too large", () => {
    const ch = new SharedChannel<object>(2, { maxValueBytes: 16 });
    expect(() => ch.trySend({ items: Array.from({ length: 50 }, (_, i) => i) })).toThrow(SharedValueTooLargeError);
    expect(ch.len).toBe(0);
  });

  it("passes the serializer's error for an unclonable value and sends nothing", () => {
    const ch = new SharedChannel<unknown>(2);
    expect(() => ch.trySend(() => 1)).toThrow(/could not be cloned/);
    expect(ch.len).toBe(0);
  });

  it("uses a serializer given in the options, and needs one for objects where node:v8 is missing", () => {
    const json = {
      serialize: (v: unknown) => new TextEncoder().encode(JSON.stringify(v)),
      deserialize: (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as unknown,
    };
    const ch = new SharedChannel<unknown>(2, { serializer: json });
    ch.trySend({ n: 1 });
    expect(SharedChannel.from(ch.handle, { serializer: json }).tryRecv()).toEqual(Some({ n: 1 }));
    expect(isSharedSerializerUnavailableError(new Error())).toBe(false);
  });
});

describe("SharedChannel handles", () => {
  it("survives structured clone and rebuilds the same channel", () => {
    const ch = new SharedChannel<number>(2);
    const copy = structuredClone(ch.handle) as SharedChannelHandle;
    expect(Object.isFrozen(ch.handle)).toBe(true);
    const other = SharedChannel.from<number>(copy);
    other.trySend(4);
    expect(ch.tryRecv()).toEqual(Some(4));
    expect(other.cap).toBe(2);
  });

  it("rejects what is not a handle with InvalidSharedHandleError", () => {
    const bad: unknown[] = [
      null,
      {},
      { kind: "@csp-kit/threads.shared-channel", buffer: new ArrayBuffer(256) },
      { kind: "@csp-kit/threads.shared-channel", buffer: new SharedArrayBuffer(256) },
      { kind: "@csp-kit/threads.shared-channel", buffer: new SharedArrayBuffer(8) },
    ];
    for (const h of bad) {
      expect(() => SharedChannel.from(h as SharedChannelHandle)).toThrow(InvalidSharedHandleError);
    }
    try {
      SharedChannel.from({} as SharedChannelHandle);
    } catch (error) {
      expect(isInvalidSharedHandleError(error)).toBe(true);
    }
  });
});

describe("SharedChannel stallTimeout option", () => {
  it("accepts milliseconds > 0 up to 2^31 - 1, and Infinity; refuses anything else with InvalidTimeoutError", () => {
    for (const ok of [1, 0.5, 1000, 2 ** 31 - 1, Number.POSITIVE_INFINITY]) {
      expect(new SharedChannel<number>(1, { stallTimeout: ok }).cap).toBe(1);
    }
    for (const bad of [0, -1, Number.NaN, 2 ** 31, "5" as unknown as number]) {
      expect(() => new SharedChannel<number>(1, { stallTimeout: bad })).toThrow(InvalidTimeoutError);
      expect(() => new SharedChannel<number>(1, { stallTimeout: bad })).toThrow(/stallTimeout .*Infinity/);
    }
  });

  it("is kept in the buffer: a thread that attaches uses the creator's", () => {
    const ch = new SharedChannel<number>(1, { stallTimeout: 250 });
    expect(coreOf(SharedChannel.from<number>(ch.handle)).ring.stallTimeoutMs).toBe(250);
    const never = new SharedChannel<number>(1, { stallTimeout: Number.POSITIVE_INFINITY });
    expect(coreOf(SharedChannel.from<number>(never.handle)).ring.stallTimeoutMs).toBe(Number.POSITIVE_INFINITY);
    expect(coreOf(new SharedChannel<number>(1)).ring.stallTimeoutMs).toBe(1000);
  });
});

describe("SharedChannel blocking calls", () => {
  it("rejects a timeout that is not a number of milliseconds >= 0 before anything happens, saying what to pass", () => {
    const ch = new SharedChannel<number>(1);
    for (const bad of [-1, Number.NaN, "5" as unknown as number]) {
      expect(() => ch.recvSync({ timeout: bad })).toThrow(InvalidTimeoutError);
      expect(() => ch.sendSync(1, { timeout: bad })).toThrow(/milliseconds >= 0 .*Infinity/);
    }
    try {
      ch.recvSync({ timeout: -5 });
    } catch (error) {
      expect(isInvalidTimeoutError(error)).toBe(true);
      expect(error).toBeInstanceOf(RangeError);
      expect((error as InvalidTimeoutError).timeout).toBe(-5);
    }
    expect(ch.len).toBe(0);
    // A valid timeout still refuses to block the main thread.
    expect(() => ch.recvSync({ timeout: 0 })).toThrow(SharedBlockingOnMainThreadError);
  });

  it("refuses sendSync and recvSync on the main thread", () => {
    const ch = new SharedChannel<number>(1);
    expect(() => ch.sendSync(1)).toThrow(SharedBlockingOnMainThreadError);
    expect(() => ch.recvSync()).toThrow(/main thread/);
    try {
      ch.recvSync();
    } catch (error) {
      expect(isSharedBlockingOnMainThreadError(error)).toBe(true);
    }
    expect(ch.len).toBe(0);
  });
});

describe("SharedChannel as a select port", () => {
  /** A receive case of a hand-rolled select (the port protocol of port.ts). */
  class Case<T> extends RecvWaiter<T> {
    result: { value: T | undefined; ok: boolean } | undefined;
    constructor(
      token: { done: boolean },
      private readonly onDone: (c: Case<T>) => void,
    ) {
      super(token);
    }
    complete(value: T | undefined, ok: boolean): void {
      this.result = { value, ok };
      this.onDone(this);
    }
  }

  class SendCase<T> extends SendWaiter<T> {
    ok: boolean | undefined;
    complete(ok: boolean): void {
      this.ok = ok;
    }
  }

  /** Polls, then enqueues, both channels for one operation; the winner cancels the other. */
  function selectRecv<T>(a: SharedChannel<T>, b: SharedChannel<T>): [Case<T>, Case<T>] {
    const token = { done: false };
    const cases: Case<T>[] = [];
    const chans = [a, b];
    const onDone = (winner: Case<T>) => {
      cases.forEach((c, i) => {
        if (c !== winner) portOf(chans[i]!).cancelRecv(c);
      });
    };
    for (const _ of chans) cases.push(new Case<T>(token, onDone));
    for (let i = 0; i < 2; i++) if (portOf(chans[i]!).pollRecv(cases[i]!)) return cases as [Case<T>, Case<T>];
    for (let i = 0; i < 2; i++) portOf(chans[i]!).enqueueRecv(cases[i]!);
    return cases as [Case<T>, Case<T>];
  }

  it("exposes its port under PORT", () => {
    const ch = new SharedChannel<number>(1);
    expect(ch[PORT]).toBe(portOf(ch));
    expect(portOf(ch).closed).toBe(false);
  });

  it("completes exactly one case when both channels become ready in the same turn", async () => {
    const a = new SharedChannel<string>(2);
    const b = new SharedChannel<string>(2);
    const [ca, cb] = selectRecv(a, b);
    await flush();
    a.trySend("from a");
    b.trySend("from b");
    await flush();
    expect(ca.result).toEqual({ value: "from a", ok: true });
    expect(cb.result).toBeUndefined();
    // The losing channel kept its value.
    expect(b.tryRecv()).toEqual(Some("from b"));
    expect(coreOf(b).waiting.receivers).toBe(0);
    assertInvariants(a);
    assertInvariants(b);
  });

  it("takes nothing from a channel whose case lost to an abort", async () => {
    const a = new SharedChannel<number>(1);
    const b = new SharedChannel<number>(1);
    const [ca, cb] = selectRecv(a, b);
    // The operation's owner cancels (as an abort would): token first, then every queue.
    ca.token.done = true;
    portOf(a).cancelRecv(ca);
    portOf(b).cancelRecv(cb);
    a.trySend(1);
    await flush();
    expect(ca.result).toBeUndefined();
    expect(a.tryRecv()).toEqual(Some(1));
  });

  it("commits a value that another thread published while the case waited (through the pump)", async () => {
    const a = new SharedChannel<number>(1);
    const b = new SharedChannel<number>(1);
    const [, cb] = selectRecv(a, b);
    // Another thread's send: straight into the shared ring, waking this thread's pump.
    coreOf(b).ring.enqueue(5);
    expect(cb.result).toBeUndefined();
    for (let i = 0; i < 5 && cb.result === undefined; i++) await flush();
    expect(cb.result).toEqual({ value: 5, ok: true });
    expect(coreOf(a).waiting.receivers).toBe(0);
  });

  it("polls a send case: delivered, would block, or closed", () => {
    const ch = new SharedChannel<number>(1);
    const first = new SendCase(1);
    expect(portOf(ch).pollSend(first)).toBe(true);
    expect(first.ok).toBe(true);
    expect(portOf(ch).pollSend(new SendCase(2))).toBe(false);
    ch.tryRecv();
    ch.close();
    const late = new SendCase(3);
    expect(portOf(ch).pollSend(late)).toBe(true);
    expect(late.ok).toBe(false);
  });
});

import { flush, track } from "@csp-kit/testkit/core";
import { None, Some } from "ts-results-es";
import { describe, expect, it } from "vitest";
import {
  Channel,
  ChannelClosedError,
  InvalidCapacityError,
  isChannelClosedError,
  isChannelError,
  isInvalidCapacityError,
  UNBOUNDED,
} from "../src/index.js";
import type { ChannelCore } from "../src/internal/channel-core.js";
import { portOf } from "../src/port.js";

function core<T>(ch: Channel<T>): ChannelCore<T> {
  return portOf(ch) as ChannelCore<T>;
}

describe("unbuffered channel", () => {
  it("makes a send wait until a receiver takes the value", async () => {
    const ch = new Channel<string>();
    const sent = track(ch.send("hello"));
    await flush();
    expect(sent.state).toBe("pending");
    expect(ch.len).toBe(0);
    expect(await ch.recv()).toEqual(Some("hello"));
    await flush();
    expect(sent.state).toBe("fulfilled");
  });

  it("completes a send at once when a receiver is already waiting", async () => {
    const ch = Channel.unbuffered<number>();
    const r = track(ch.recv());
    expect(ch.trySend(1)).toBe("sent");
    await flush();
    expect(r.value).toEqual(Some(1));
  });

  it("reports would-block from trySend and tryRecv when nobody is waiting", () => {
    const ch = new Channel<number>();
    expect(ch.trySend(1)).toBe("would-block");
    expect(ch.tryRecv()).toBe("would-block");
    expect(ch.kind).toBe("unbuffered");
    expect(ch.cap).toBe(0);
  });

  it("lets tryRecv take the value of a waiting sender and completes that send", async () => {
    const ch = new Channel<number>();
    const sent = track(ch.send(42));
    expect(ch.tryRecv()).toEqual(Some(42));
    await flush();
    expect(sent.state).toBe("fulfilled");
  });

  it("rejects senders blocked at close with ChannelClosedError and keeps their values", async () => {
    const ch = new Channel<string>();
    const a = track(ch.send("a"));
    const b = track(ch.send("b"));
    ch.close();
    await flush();
    expect(a.state).toBe("rejected");
    expect(isChannelClosedError(a.reason)).toBe(true);
    expect((a.reason as ChannelClosedError).value).toBe("a");
    expect((b.reason as ChannelClosedError).value).toBe("b");
    expect(await ch.recv()).toBe(None);
  });

  it("removes an aborted sender at once so its value is never delivered", async () => {
    const ch = new Channel<number>();
    const controller = new AbortController();
    const s = track(ch.send(1, { signal: controller.signal }));
    controller.abort();
    expect(core(ch).waiting.senders).toBe(0);
    expect(ch.tryRecv()).toBe("would-block");
    await flush();
    expect(s.state).toBe("rejected");
    expect((s.reason as Error).name).toBe("AbortError");
  });
});

describe("buffered channel", () => {
  it("accepts sends without waiting until it is full, then makes the next send wait", async () => {
    const ch = Channel.buffered<number>(2);
    await ch.send(1);
    await ch.send(2);
    const third = track(ch.send(3));
    await flush();
    expect(third.state).toBe("pending");
    expect(ch.len).toBe(2);
    expect(ch.trySend(4)).toBe("would-block");
  });

  it("moves the oldest blocked sender's value into the buffer when a receive makes room", async () => {
    const ch = new Channel<number>(1);
    await ch.send(1);
    const second = track(ch.send(2));
    const third = track(ch.send(3));
    expect(await ch.recv()).toEqual(Some(1));
    await flush();
    expect(second.state).toBe("fulfilled");
    expect(third.state).toBe("pending");
    expect(ch.len).toBe(1);
    expect(await ch.recv()).toEqual(Some(2));
    expect(await ch.recv()).toEqual(Some(3));
    core(ch).assertInvariants();
  });

  it("keeps buffered values receivable after close while rejecting blocked senders", async () => {
    const ch = Channel.buffered<number>(1);
    await ch.send(1);
    const blocked = track(ch.send(2));
    ch.close();
    await flush();
    expect(blocked.reason).toBeInstanceOf(ChannelClosedError);
    expect(await ch.recv()).toEqual(Some(1));
    expect(await ch.recv()).toBe(None);
  });

  it("treats buffered(0) as unbuffered, as Go's make(chan T, 0)", () => {
    const ch = Channel.buffered<number>(0);
    expect(ch.kind).toBe("unbuffered");
    expect(ch.trySend(1)).toBe("would-block");
  });

  it("reports len, cap and kind", async () => {
    const ch = new Channel<number>(3);
    await ch.send(1);
    expect([ch.kind, ch.len, ch.cap, ch.closed, ch.dropped]).toEqual(["buffered", 1, 3, false, 0]);
  });
});

describe("infinite channel", () => {
  it("never makes a send wait and keeps every value in order", async () => {
    const ch = Channel.infinite<number>();
    for (let i = 0; i < 10_000; i++) expect(ch.trySend(i)).toBe("sent");
    expect(ch.len).toBe(10_000);
    expect(ch.cap).toBe(UNBOUNDED);
    for (let i = 0; i < 10_000; i++) expect(ch.tryRecv()).toEqual(Some(i));
    expect(ch.tryRecv()).toBe("would-block");
  });
});

describe("ring channel", () => {
  it("drops the oldest buffered value when full and counts the drops", () => {
    const ch = Channel.ring<number>(3);
    for (let i = 1; i <= 5; i++) expect(ch.trySend(i)).toBe("sent");
    expect(ch.dropped).toBe(2);
    expect([ch.tryRecv(), ch.tryRecv(), ch.tryRecv()]).toEqual([Some(3), Some(4), Some(5)]);
  });

  it("hands a value straight to a waiting receiver without dropping anything", async () => {
    const ch = Channel.ring<number>(1);
    const r = track(ch.recv());
    await ch.send(1);
    await flush();
    expect(r.value).toEqual(Some(1));
    expect(ch.dropped).toBe(0);
  });
});

describe("overflowing channel", () => {
  it("discards the new value when full and counts the discards", () => {
    const ch = Channel.overflowing<number>(2);
    for (let i = 1; i <= 5; i++) expect(ch.trySend(i)).toBe("sent");
    expect(ch.dropped).toBe(3);
    expect([ch.tryRecv(), ch.tryRecv(), ch.tryRecv()]).toEqual([Some(1), Some(2), "would-block"]);
  });
});

describe("batch receive", () => {
  it("takes every buffered value, then the blocked senders' values, in channel order", async () => {
    const ch = new Channel<number>(2);
    for (const v of [1, 2]) ch.trySend(v);
    const blocked = [track(ch.send(3)), track(ch.send(4))];
    expect(ch.tryRecvBatch()).toEqual(Some([1, 2, 3, 4]));
    await flush();
    expect(blocked.map((t) => t.state)).toEqual(["fulfilled", "fulfilled"]);
    expect(ch.tryRecvBatch()).toBe("would-block");
  });

  it("stops at max and leaves the rest for the next receive", () => {
    const ch = Channel.infinite<number>();
    for (let v = 1; v <= 5; v++) ch.trySend(v);
    expect(ch.tryRecvBatch(3)).toEqual(Some([1, 2, 3]));
    expect(ch.tryRecv()).toEqual(Some(4));
    expect(ch.tryRecvBatch(Number.POSITIVE_INFINITY)).toEqual(Some([5]));
  });

  it("waits for the first value, then also takes the rest of a burst sent in the same turn", async () => {
    const ch = new Channel<number>(8);
    const batch = track(ch.recvBatch(4));
    await flush();
    expect(batch.state).toBe("pending");
    for (let v = 1; v <= 6; v++) ch.trySend(v);
    await flush();
    expect(batch.value).toEqual(Some([1, 2, 3, 4]));
    expect(ch.len).toBe(2);
  });

  it("returns what is buffered after close, then None forever", async () => {
    const ch = new Channel<number>(4);
    ch.trySend(1);
    ch.trySend(2);
    ch.close();
    expect(await ch.recvBatch()).toEqual(Some([1, 2]));
    expect(await ch.recvBatch()).toBe(None);
    expect(ch.tryRecvBatch()).toBe(None);
  });

  it("resolves a waiting batch receive with None when the channel closes", async () => {
    const ch = new Channel<number>();
    const batch = track(ch.recvBatch());
    ch.close();
    await flush();
    expect(batch.value).toBe(None);
  });

  it("removes an aborted batch receive at once so no value is taken", async () => {
    const ch = new Channel<number>(1);
    const controller = new AbortController();
    const batch = track(ch.recvBatch(10, { signal: controller.signal }));
    controller.abort(new Error("stop"));
    await flush();
    expect(batch.state).toBe("rejected");
    expect(core(ch).waiting).toEqual({ receivers: 0, senders: 0 });
    ch.trySend(7);
    expect(ch.tryRecv()).toEqual(Some(7));
  });

  it("rejects a max that is not a whole number >= 1 or Infinity, saying what to pass", async () => {
    const ch = new Channel<number>(1);
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => ch.tryRecvBatch(bad)).toThrow(InvalidCapacityError);
      expect(() => ch.recvBatch(bad)).toThrow(/whole number >= 1 or Infinity .*omit it/);
    }
    ch.trySend(1);
    expect(ch.len).toBe(1);
  });
});

describe("resizable channel", () => {
  it("lets blocked senders into new room at once, oldest first, when it grows", async () => {
    const ch = Channel.resizable<number>(1);
    ch.trySend(1);
    const blocked = [track(ch.send(2)), track(ch.send(3)), track(ch.send(4))];
    ch.resize(3);
    await flush();
    expect(blocked.map((t) => t.state)).toEqual(["fulfilled", "fulfilled", "pending"]);
    expect(ch.len).toBe(3);
    expect(ch.tryRecvBatch()).toEqual(Some([1, 2, 3, 4]));
  });

  it("drops nothing when it shrinks below its length, and stores nothing until drained below the new capacity", async () => {
    const ch = Channel.resizable<number>(4);
    for (const v of [1, 2, 3, 4]) ch.trySend(v);
    ch.resize(1);
    expect(ch.len).toBe(4);
    expect(ch.trySend(5)).toBe("would-block");
    const sending = track(ch.send(5));
    for (const v of [1, 2, 3]) expect(ch.tryRecv()).toEqual(Some(v));
    await flush();
    expect(sending.state).toBe("pending"); // 4 is still buffered: the one slot is taken
    expect(ch.tryRecv()).toEqual(Some(4));
    await flush();
    expect(sending.state).toBe("fulfilled");
    expect(ch.tryRecv()).toEqual(Some(5));
    core(ch).assertInvariants();
  });

  it("reports the kind its capacity names: unbuffered at 0, buffered, infinite at Infinity", () => {
    const ch = Channel.resizable<number>();
    expect([ch.kind, ch.cap]).toEqual(["unbuffered", 0]);
    expect(ch.trySend(1)).toBe("would-block");
    ch.resize(2);
    expect([ch.kind, ch.cap]).toEqual(["buffered", 2]);
    ch.resize(UNBOUNDED);
    expect([ch.kind, ch.cap]).toEqual(["infinite", UNBOUNDED]);
    for (let v = 0; v < 100; v++) expect(ch.trySend(v)).toBe("sent");
  });

  it("keeps FIFO order while it is resized again and again under a producer and a consumer (eapache's online test)", async () => {
    const ch = Channel.resizable<number>(1);
    const n = 1000;
    const producer = (async () => {
      for (let v = 0; v < n; v++) await ch.send(v);
      ch.close();
    })();
    let resizes = 0;
    const resizer = (async () => {
      while (!ch.closed) {
        ch.resize([0, 1, 7, 50, UNBOUNDED][resizes++ % 5] as number);
        await Promise.resolve();
      }
    })();
    const got: number[] = [];
    for await (const v of ch) got.push(v);
    await Promise.all([producer, resizer]);
    expect(got).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(resizes).toBeGreaterThan(10);
  });

  it("rejects a capacity that is not a whole number >= 0 or Infinity, and keeps the old one", () => {
    expect(() => Channel.resizable<number>(-1)).toThrow(InvalidCapacityError);
    const ch = Channel.resizable<number>(3);
    for (const bad of [-1, 1.5, Number.NaN]) {
      expect(() => ch.resize(bad)).toThrow(/whole number >= 0, or Infinity/);
    }
    expect(ch.cap).toBe(3);
  });
});

describe("capacity validation", () => {
  const bad: [string, () => unknown, RegExp][] = [
    ["a negative capacity", () => new Channel(-1), /whole number >= 0 \(got -1\)/],
    ["a fractional capacity", () => Channel.buffered(1.5), /whole number >= 0 \(got 1.5\)/],
    ["NaN", () => Channel.buffered(Number.NaN), /got NaN/],
    ["Infinity, pointing at Channel.infinite()", () => new Channel(Number.POSITIVE_INFINITY), /Channel.infinite\(\)/],
    ["a string", () => new Channel("3" as unknown as number), /got a string/],
    ["a ring of capacity 0", () => Channel.ring(0), /Channel.ring\(capacity\): capacity must be a whole number >= 1/],
    ["an overflowing channel of capacity -2", () => Channel.overflowing(-2), /whole number >= 1 \(got -2\)/],
  ];
  it.each(bad)("rejects %s with InvalidCapacityError saying what is allowed", (_what, make, message) => {
    let error: unknown;
    try {
      make();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidCapacityError);
    expect(error).toBeInstanceOf(RangeError);
    expect(isInvalidCapacityError(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});

describe("error guards", () => {
  it("recognise errors from another copy of the package by name", () => {
    const foreign = Object.assign(new Error("send on closed channel"), { name: "ChannelClosedError" });
    expect(isChannelClosedError(foreign)).toBe(true);
    expect(isChannelError(foreign)).toBe(true);
    expect(isChannelClosedError(new Error("other"))).toBe(false);
    expect(isChannelError("ChannelClosedError")).toBe(false);
  });

  it("give every error a stable name", () => {
    expect(new ChannelClosedError(1).name).toBe("ChannelClosedError");
    expect(new InvalidCapacityError("m", -1).name).toBe("InvalidCapacityError");
  });
});

describe("iteration", () => {
  it("ends a for-await loop when the channel is closed and drained", async () => {
    const ch = Channel.buffered<number>(4);
    await ch.send(1);
    await ch.send(2);
    ch.close();
    const seen: number[] = [];
    for await (const v of ch) seen.push(v);
    expect(seen).toEqual([1, 2]);
  });

  it("rejects the pending step of values({ signal }) on abort without losing a value", async () => {
    const ch = new Channel<number>();
    const controller = new AbortController();
    const it = ch.values({ signal: controller.signal });
    const step = track(it.next());
    controller.abort(new Error("stop"));
    await flush();
    expect(step.state).toBe("rejected");
    const r = track(ch.recv());
    await ch.send(9);
    await flush();
    expect(r.value).toEqual(Some(9));
  });

  it("reports done after return() without taking further values", async () => {
    const ch = Channel.buffered<number>(2);
    await ch.send(1);
    const it = ch[Symbol.asyncIterator]();
    await it.return?.();
    expect(await it.next()).toEqual({ done: true, value: undefined });
    expect(ch.len).toBe(1);
  });
});

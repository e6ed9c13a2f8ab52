import { getEventListeners } from "node:events";
import { Channel, ChannelClosedError, isChannelClosedError, None, Some } from "@csp-kit/channel";
import { flush, track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import {
  EmptySelectError,
  InvalidSelectCaseError,
  isEmptySelectError,
  isInvalidSelectCaseError,
  isSelectError,
  recv,
  SelectError,
  select,
  send,
  trySelect,
} from "../src/index.js";
import { FakeTimer } from "./support/fake-timer.js";
import { assertInvariants, waiting } from "./support/harness.js";

const idle = { receivers: 0, senders: 0 };

describe("receive cases", () => {
  it("resolves at once with a ready receive case and takes exactly its value", async () => {
    const a = new Channel<number>(1);
    const b = new Channel<string>(1);
    await a.send(7);
    const r = await select({ a: recv(a), b: recv(b) });
    expect(r).toEqual({ case: "a", value: Some(7) });
    expect(a.len).toBe(0);
    expect(waiting(a)).toEqual(idle);
    expect(waiting(b)).toEqual(idle);
  });

  it("waits until a sender arrives and reports that case", async () => {
    const a = new Channel<number>();
    const b = new Channel<number>();
    const r = track(select({ a: recv(a), b: recv(b) }));
    await flush();
    expect(r.state).toBe("pending");
    expect(waiting(a)).toEqual({ receivers: 1, senders: 0 });
    expect(waiting(b)).toEqual({ receivers: 1, senders: 0 });
    await b.send(42);
    await flush();
    expect(r.value).toEqual({ case: "b", value: Some(42) });
    expect(waiting(a)).toEqual(idle);
    expect(waiting(b)).toEqual(idle);
  });

  it("reports a closed channel's receive case at once with None", async () => {
    const open = new Channel<number>();
    const closed = new Channel<number>();
    closed.close();
    expect(await select({ open: recv(open), closed: recv(closed) })).toEqual({ case: "closed", value: None });
    expect(waiting(open)).toEqual(idle);
  });

  it("drains buffered values before reporting closed", async () => {
    const ch = new Channel<number>(2);
    await ch.send(1);
    ch.close();
    expect(await select({ v: recv(ch) })).toEqual({ case: "v", value: Some(1) });
    expect(await select({ v: recv(ch) })).toEqual({ case: "v", value: None });
  });

  it("completes a waiting receive case with None when its channel is closed", async () => {
    const a = new Channel<number>();
    const b = new Channel<number>();
    const r = track(select({ a: recv(a), b: recv(b) }));
    b.close();
    await flush();
    expect(r.value).toEqual({ case: "b", value: None });
    expect(waiting(a)).toEqual(idle);
  });

  it("tells Some(undefined) from None", async () => {
    const ch = new Channel<undefined>(1);
    await ch.send(undefined);
    ch.close();
    expect(await select({ v: recv(ch) })).toEqual({ case: "v", value: Some(undefined) });
    expect(await select({ v: recv(ch) })).toEqual({ case: "v", value: None });
  });
});

describe("send cases", () => {
  it("delivers to a waiting receiver at once", async () => {
    const ch = new Channel<string>();
    const got = track(ch.recv());
    expect(await select({ out: send(ch, "hi") })).toEqual({ case: "out" });
    await flush();
    expect(got.value).toEqual(Some("hi"));
  });

  it("waits for room and then reports the send case", async () => {
    const ch = new Channel<number>(1);
    await ch.send(1);
    const r = track(select({ out: send(ch, 2) }));
    await flush();
    expect(r.state).toBe("pending");
    expect(waiting(ch)).toEqual({ receivers: 0, senders: 1 });
    expect(await ch.recv()).toEqual(Some(1));
    await flush();
    expect(r.value).toEqual({ case: "out" });
    expect(await ch.recv()).toEqual(Some(2));
  });

  it("rejects with ChannelClosedError carrying the unsent value when the target is closed", async () => {
    const ch = new Channel<number>();
    ch.close();
    const error = await select({ out: send(ch, 5) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelClosedError);
    expect(isChannelClosedError(error) && error.value).toBe(5);
  });

  it("rejects with ChannelClosedError when the target closes while waiting, and no other case happens", async () => {
    const out = new Channel<number>();
    const other = new Channel<number>();
    const r = track(select({ out: send(out, 9), other: recv(other) }));
    out.close();
    await flush();
    expect(r.state).toBe("rejected");
    expect(isChannelClosedError(r.reason) && r.reason.value).toBe(9);
    expect(waiting(other)).toEqual(idle);
    expect(other.trySend(1)).toBe("would-block");
  });
});

describe("exactly one case happens", () => {
  it("takes a value from only one of two ready channels", async () => {
    const a = new Channel<number>(1);
    const b = new Channel<number>(1);
    await a.send(1);
    await b.send(2);
    const r = await select({ a: recv(a), b: recv(b) });
    expect(a.len + b.len).toBe(1);
    expect(r.case === "a" ? b.len : a.len).toBe(1);
  });

  it("sends to only one of two targets with room", async () => {
    const a = new Channel<number>(1);
    const b = new Channel<number>(1);
    const r = await select({ a: send(a, 1), b: send(b, 2) });
    expect(a.len + b.len).toBe(1);
    expect((r.case === "a" ? a : b).len).toBe(1);
  });

  it("withdraws every losing waiter when a blocked select wins, leaving other waiters untouched", async () => {
    const a = new Channel<number>();
    const b = new Channel<number>();
    const out = new Channel<number>();
    const otherReceiver = track(b.recv());
    const r = track(select({ a: recv(a), b: recv(b), out: send(out, 3) }));
    expect(waiting(b)).toEqual({ receivers: 2, senders: 0 });
    await a.send(1);
    await flush();
    expect(r.value).toEqual({ case: "a", value: Some(1) });
    expect(waiting(a)).toEqual(idle);
    expect(waiting(out)).toEqual(idle);
    expect(waiting(b)).toEqual({ receivers: 1, senders: 0 });
    await b.send(2);
    await flush();
    expect(otherReceiver.value).toEqual(Some(2));
    for (const ch of [a, b, out]) assertInvariants(ch);
  });

  it("serves a blocked select in FIFO order with plain receivers", async () => {
    const ch = new Channel<number>();
    const first = track(ch.recv());
    const sel = track(select({ v: recv(ch) }));
    await ch.send(1);
    await ch.send(2);
    await flush();
    expect(first.value).toEqual(Some(1));
    expect(sel.value).toEqual({ case: "v", value: Some(2) });
  });
});

describe("null cases (Go's nil channel)", () => {
  it("never picks a null receive or send case", async () => {
    const ready = new Channel<number>(1);
    await ready.send(1);
    for (let i = 0; i < 20; i++) {
      const r = await select({ off: recv<number>(null), out: send<number>(undefined, 1), on: recv(ready) });
      expect(r.case).toBe("on");
      await ready.send(1);
    }
  });

  it("waits on only null cases until aborted, holding no timer or other handle", async () => {
    const before = process.getActiveResourcesInfo().length;
    const ac = new AbortController();
    const r = track(select({ a: recv<number>(null), b: send<string>(null, "x") }, { signal: ac.signal }));
    await flush();
    expect(r.state).toBe("pending");
    expect(process.getActiveResourcesInfo().length).toBe(before);
    ac.abort(new Error("stop"));
    await flush();
    expect(r.state).toBe("rejected");
    expect((r.reason as Error).message).toBe("stop");
  });

  it("lets a loop switch its output off until a batch is ready (the aggregator idiom)", async () => {
    const input = new Channel<number>();
    const output = new Channel<number[]>();
    const flushTick = new FakeTimer();
    const done = (async () => {
      let batch: number[] = [];
      let out: Channel<number[]> | null = null;
      for (;;) {
        const r = await select({ msg: recv(input), flush: recv(flushTick), out: send(out, batch) });
        if (r.case === "msg") {
          if (r.value.isNone()) return batch;
          batch.push(r.value.value);
        } else if (r.case === "flush") {
          if (batch.length > 0) out = output;
        } else {
          batch = [];
          out = null;
        }
      }
    })();
    await input.send(1);
    await input.send(2);
    await flush();
    expect(output.tryRecv()).toBe("would-block");
    flushTick.fire(new Date(0));
    expect(await output.recv()).toEqual(Some([1, 2]));
    await input.send(3);
    input.close();
    expect(await done).toEqual([3]);
    expect(flushTick.isArmed).toBe(false);
  });
});

describe("choice among ready cases", () => {
  async function readyPair(): Promise<[Channel<number>, Channel<number>, Channel<number>]> {
    const chs: [Channel<number>, Channel<number>, Channel<number>] = [new Channel(1), new Channel(1), new Channel(1)];
    for (const ch of chs) await ch.send(1);
    return chs;
  }

  it("takes the first ready case in declaration order with { priority: true }", async () => {
    const [a, b, c] = await readyPair();
    const empty = new Channel<number>();
    for (let i = 0; i < 10; i++) {
      const r = await select({ e: recv(empty), b: recv(b), a: recv(a), c: recv(c) }, { priority: true });
      expect(r.case).toBe("b");
      await b.send(1);
    }
  });

  it("uses the injected random source to choose", async () => {
    const [a, b, c] = await readyPair();
    expect((await select({ a: recv(a), b: recv(b), c: recv(c) }, { random: () => 0 })).case).toBe("a");
    await a.send(1);
    expect((await select({ a: recv(a), b: recv(b), c: recv(c) }, { random: () => 0.99 })).case).toBe("c");
    expect(trySelect({ a: recv(a), b: recv(b), c: recv(c) }, { random: () => 0.5 })?.case).toBe("b");
  });

  it("tolerates a random source that returns out-of-range numbers", async () => {
    const [a, b] = await readyPair();
    expect(trySelect({ a: recv(a), b: recv(b) }, { random: () => 1 })?.case).toBe("b");
    expect(trySelect({ a: recv(a) }, { random: () => Number.NaN })?.case).toBe("a");
  });
});

describe("cancellation", () => {
  it("rejects at once with the reason of an already-aborted signal, taking nothing", async () => {
    const ch = new Channel<number>(1);
    await ch.send(1);
    const reason = new Error("gone");
    await expect(select({ v: recv(ch) }, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(ch.len).toBe(1);
  });

  it("rejects with signal.reason when aborted while waiting and leaves no waiter", async () => {
    const a = new Channel<number>();
    const b = new Channel<number>(1);
    await b.send(0);
    const ac = new AbortController();
    const r = track(select({ a: recv(a), b: send(b, 1), c: recv(a) }, { signal: ac.signal }));
    expect(waiting(a)).toEqual({ receivers: 2, senders: 0 });
    ac.abort("why");
    await flush();
    expect(r.reason).toBe("why");
    expect(waiting(a)).toEqual(idle);
    expect(waiting(b)).toEqual(idle);
    expect(getEventListeners(ac.signal, "abort")).toHaveLength(0);
  });

  it("keeps the result when a case won before the abort in the same turn", async () => {
    const ch = new Channel<number>();
    const ac = new AbortController();
    const r = track(select({ v: recv(ch) }, { signal: ac.signal }));
    expect(ch.trySend(5)).toBe("sent");
    ac.abort();
    await flush();
    expect(r.value).toEqual({ case: "v", value: Some(5) });
  });

  it("shares one abort listener per signal across all its selects, so a long-lived signal collects nothing", async () => {
    const ch = new Channel<number>();
    const ac = new AbortController();
    for (let i = 0; i < 100; i++) {
      const r = select({ v: recv(ch) }, { signal: ac.signal });
      await ch.send(i);
      await r;
    }
    expect(getEventListeners(ac.signal, "abort")).toHaveLength(1);
    const pending = track(select({ v: recv(ch) }, { signal: ac.signal }));
    ac.abort("stop");
    await flush();
    expect(pending.state).toBe("rejected");
    expect(pending.reason).toBe("stop");
    expect(waiting(ch)).toEqual({ receivers: 0, senders: 0 });
  });
});

describe("two cases on the same channel", () => {
  it("never matches its own receive and send on one unbuffered channel; a sender completes the receive", async () => {
    const ch = new Channel<number>();
    const r = track(select({ in: recv(ch), out: send(ch, 1) }));
    await flush();
    expect(r.state).toBe("pending");
    expect(waiting(ch)).toEqual({ receivers: 1, senders: 1 });
    assertInvariants(ch);
    await ch.send(2);
    await flush();
    expect(r.value).toEqual({ case: "in", value: Some(2) });
    expect(waiting(ch)).toEqual(idle);
  });

  it("lets a receiver complete the send case of a select waiting on both sides of one channel", async () => {
    const ch = new Channel<number>();
    const r = track(select({ in: recv(ch), out: send(ch, 1) }));
    expect(await ch.recv()).toEqual(Some(1));
    await flush();
    expect(r.value).toEqual({ case: "out" });
    expect(waiting(ch)).toEqual(idle);
  });

  it("reports the receive case as closed, without ChannelClosedError, when such a channel closes", async () => {
    const ch = new Channel<number>();
    const r = track(select({ in: recv(ch), out: send(ch, 1) }));
    ch.close();
    await flush();
    expect(r.value).toEqual({ case: "in", value: None });
    expect(waiting(ch)).toEqual(idle);
  });

  it("pairs two selects waiting on both sides of one channel with each other", async () => {
    const ch = new Channel<number>();
    const first = track(select({ in: recv(ch), out: send(ch, 1) }));
    const second = await select({ in: recv(ch), out: send(ch, 2) }, { priority: true });
    await flush();
    expect(second).toEqual({ case: "in", value: Some(1) });
    expect(first.value).toEqual({ case: "out" });
    expect(waiting(ch)).toEqual(idle);
  });

  it("receives one value once with two receive cases on one channel, the declared-first winning under priority", async () => {
    const ch = new Channel<number>();
    const r = track(select({ x: recv(ch), y: recv(ch) }, { priority: true }));
    expect(waiting(ch)).toEqual({ receivers: 2, senders: 0 });
    await ch.send(1);
    await flush();
    expect(r.value).toEqual({ case: "x", value: Some(1) });
    expect(waiting(ch)).toEqual(idle);
    expect(ch.trySend(2)).toBe("would-block");
  });

  it("on a buffered channel, takes whichever side is ready", async () => {
    const ch = new Channel<number>(1);
    expect(await select({ in: recv(ch), out: send(ch, 1) })).toEqual({ case: "out" });
    expect(await select({ in: recv(ch), out: send(ch, 2) }, { priority: true })).toEqual({
      case: "in",
      value: Some(1),
    });
  });
});

describe("trySelect (Go's default:)", () => {
  it("returns undefined and changes nothing when no case is ready", () => {
    const a = new Channel<number>();
    const b = new Channel<number>(1);
    b.trySend(0);
    expect(trySelect({ a: recv(a), b: send(b, 1), n: recv(null) })).toBeUndefined();
    expect(waiting(a)).toEqual(idle);
    expect(waiting(b)).toEqual(idle);
    expect(b.tryRecv()).toEqual(Some(0));
  });

  it("performs the one ready case", () => {
    const a = new Channel<number>(1);
    a.trySend(3);
    expect(trySelect({ a: recv(a), b: recv(new Channel<number>()) })).toEqual({ case: "a", value: Some(3) });
  });

  it("returns undefined for an empty case set (select { default: })", () => {
    expect(trySelect({})).toBeUndefined();
  });

  it("throws ChannelClosedError when it picks a send case on a closed channel", () => {
    const ch = new Channel<string>();
    ch.close();
    expect(() => trySelect({ out: send(ch, "x") })).toThrow(ChannelClosedError);
  });
});

describe("custom sources on the port protocol (timers)", () => {
  it("arms a lazily armed source only while a select waits, and disarms it when another case wins", async () => {
    const timer = new FakeTimer();
    const ch = new Channel<number>();
    const r = track(select({ tick: recv(timer), v: recv(ch) }));
    expect(timer.arms).toBe(1);
    await ch.send(1);
    await flush();
    expect(r.value).toEqual({ case: "v", value: Some(1) });
    expect(timer.isArmed).toBe(false);
    expect(timer.disarms).toBe(1);
  });

  it("reports the source's value when it fires first", async () => {
    const timer = new FakeTimer();
    const ch = new Channel<number>();
    const r = track(select({ tick: recv(timer), v: recv(ch) }));
    timer.fire(new Date(5));
    await flush();
    expect(r.value).toEqual({ case: "tick", value: Some(new Date(5)) });
    expect(waiting(ch)).toEqual(idle);
  });

  it("takes an already fired source in the poll pass without arming it", () => {
    const timer = new FakeTimer();
    timer.fire(new Date(1));
    expect(trySelect({ tick: recv(timer) })).toEqual({ case: "tick", value: Some(new Date(1)) });
    expect(timer.arms).toBe(0);
  });
});

describe("errors", () => {
  it("rejects with InvalidSelectCaseError naming a property that is not a case", async () => {
    const ch = new Channel<number>();
    const error = await select({ ok: recv(ch), bad: ch } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidSelectCaseError);
    expect(isInvalidSelectCaseError(error) && error.caseName).toBe("bad");
    expect((error as Error).message).toMatch(/case "bad" is an object \(Channel\).*recv\(ch\)/);
    expect(waiting(ch)).toEqual(idle);
  });

  it("rejects with EmptySelectError for a blocking select without cases", async () => {
    const error = await select({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmptySelectError);
    expect(isEmptySelectError(error)).toBe(true);
    expect((error as Error).message).toMatch(/trySelect/);
  });

  it("never throws synchronously from select", () => {
    const p = select(null as never);
    expect(p).toBeInstanceOf(Promise);
    return expect(p).rejects.toBeInstanceOf(InvalidSelectCaseError);
  });

  it("throws InvalidSelectCaseError from recv and send for something that is not a channel", () => {
    expect(() => recv(42 as never)).toThrow(InvalidSelectCaseError);
    expect(() => send({} as never, 1)).toThrow(/expected a channel/);
    expect(() => trySelect({ bad: 1 } as never)).toThrow(InvalidSelectCaseError);
  });

  it("gives every error a stable name and a guard that recognises it by name", () => {
    const errors = [new InvalidSelectCaseError("m", "c"), new EmptySelectError()];
    expect(errors.map((e) => e.name)).toEqual(["InvalidSelectCaseError", "EmptySelectError"]);
    for (const e of errors) {
      expect(e).toBeInstanceOf(SelectError);
      expect(isSelectError(e)).toBe(true);
    }
    const foreign = Object.assign(new Error("x"), { name: "EmptySelectError" });
    expect(isEmptySelectError(foreign)).toBe(true);
    expect(isSelectError(foreign)).toBe(true);
    expect(isSelectError(new Error("x"))).toBe(false);
    expect(isInvalidSelectCaseError(new EmptySelectError())).toBe(false);
  });
});

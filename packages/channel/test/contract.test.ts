/**
 * The contract every channel kind keeps (eapache/channels' shared channel test):
 * FIFO, close/drain, value-vs-closed, abort atomicity, iteration. Run once per kind.
 */

import {
  channelKinds,
  drops,
  flush,
  type KindSpec as KitKindSpec,
  receiveContract,
  track,
} from "@csp-kit/testkit/core";
import { None, Some } from "ts-results-es";
import { describe, expect, it } from "vitest";
import {
  Channel,
  ChannelAlreadyClosedError,
  ChannelClosedError,
  type DropReason,
  isChannelAlreadyClosedError,
  isChannelClosedError,
} from "../src/index.js";
import type { ChannelCore } from "../src/internal/channel-core.js";
import { portOf } from "../src/port.js";

type KindSpec = KitKindSpec<Channel<number>, DropReason>;

/** Every kind at capacities 1 and 8 (and resizable), as the testkit lists them. */
const KINDS_1_8: readonly KindSpec[] = channelKinds<Channel<number>, DropReason>(Channel, [1, 8]);

/**
 * The kinds the cases below run on, `make` at any element type. The cases send up to
 * four values with no receiver, so a dropping kind needs room for them: ring(8) and
 * overflowing(8), not ring(1).
 */
const kinds: [string, <T>() => Channel<T>][] = KINDS_1_8.filter((spec) => !drops(spec.kind) || spec.cap >= 8).map(
  (spec) => [spec.label, <T>() => spec.make() as unknown as Channel<T>],
);

function core<T>(ch: Channel<T>): ChannelCore<T> {
  return portOf(ch) as ChannelCore<T>;
}

describe.each(kinds)("every channel kind keeps the contract: %s", (_name, make) => {
  it("delivers values in the order they were sent to a receiver that keeps up", async () => {
    const ch = make<number>();
    const received: number[] = [];
    const consumer = (async () => {
      for await (const v of ch) received.push(v);
    })();
    for (let i = 0; i < 100; i++) await ch.send(i);
    ch.close();
    await consumer;
    expect(received).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it("serves blocked receivers in arrival order", async () => {
    const ch = make<string>();
    const first = track(ch.recv());
    const second = track(ch.recv());
    await ch.send("a");
    await ch.send("b");
    await flush();
    expect(first.value).toEqual(Some("a"));
    expect(second.value).toEqual(Some("b"));
  });

  it("tells a sent undefined from closed", async () => {
    const ch = make<undefined>();
    const r = track(ch.recv());
    await ch.send(undefined);
    await flush();
    expect(r.value?.isSome()).toBe(true);
    ch.close();
    const after = await ch.recv();
    expect(after.isNone()).toBe(true);
  });

  it("lets receivers drain buffered values after close, then reports closed forever", async () => {
    const ch = make<number>();
    const sent: number[] = [];
    for (let i = 0; i < 3; i++) if (ch.trySend(i) === "sent") sent.push(i);
    ch.close();
    for (const v of sent) expect(await ch.recv()).toEqual(Some(v));
    expect(await ch.recv()).toBe(None);
    expect(await ch.recv()).toBe(None);
    expect(ch.tryRecv()).toBe(None);
    expect(ch.closed).toBe(true);
  });

  it("rejects a send on a closed channel with ChannelClosedError carrying the value", async () => {
    const ch = make<{ id: number }>();
    ch.close();
    const value = { id: 7 };
    const error = await ch.send(value).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelClosedError);
    expect(isChannelClosedError(error)).toBe(true);
    expect((error as ChannelClosedError).value).toBe(value);
    expect(ch.trySend(value)).toBe("closed");
  });

  it("throws ChannelAlreadyClosedError when closed twice", () => {
    const ch = make<number>();
    ch.close();
    expect(() => ch.close()).toThrow(ChannelAlreadyClosedError);
    try {
      ch.close();
    } catch (e) {
      expect(isChannelAlreadyClosedError(e)).toBe(true);
      expect((e as Error).message).toMatch(/closed once/);
    }
  });

  it("completes receivers waiting at close with None", async () => {
    const ch = make<number>();
    const waiting = [track(ch.recv()), track(ch.recv())];
    ch.close();
    await flush();
    for (const w of waiting) expect(w.value).toBe(None);
    core(ch).assertInvariants();
  });

  it("rejects a receive aborted while waiting with the signal's reason and takes nothing", async () => {
    const ch = make<number>();
    const controller = new AbortController();
    const aborted = track(ch.recv({ signal: controller.signal }));
    const reason = new Error("stop waiting");
    controller.abort(reason);
    await flush();
    expect(aborted.state).toBe("rejected");
    expect(aborted.reason).toBe(reason);
    expect(core(ch).waiting).toEqual({ receivers: 0, senders: 0 });
    const next = track(ch.recv());
    await ch.send(1);
    await flush();
    expect(next.value).toEqual(Some(1));
  });

  it("ignores an abort that arrives after the receive completed", async () => {
    const ch = make<number>();
    const controller = new AbortController();
    const r = track(ch.recv({ signal: controller.signal }));
    await ch.send(5);
    controller.abort();
    await flush();
    expect(r.state).toBe("fulfilled");
    expect(r.value).toEqual(Some(5));
  });

  it("rejects at once, without receiving, when the signal is already aborted", async () => {
    const ch = make<number>();
    ch.trySend(1);
    const controller = new AbortController();
    controller.abort("early");
    await expect(ch.recv({ signal: controller.signal })).rejects.toBe("early");
    await expect(ch.send(2, { signal: controller.signal })).rejects.toBe("early");
    if (ch.kind !== "unbuffered") expect(ch.len).toBe(1);
  });

  it("does not swallow a value when a for-await loop exits early", async () => {
    const ch = make<number>();
    const producer = (async () => {
      for (let i = 0; i < 4; i++) await ch.send(i);
    })();
    const seen: number[] = [];
    for await (const v of ch) {
      seen.push(v);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual([0, 1]);
    expect(ch.closed).toBe(false);
    expect(await ch.recv()).toEqual(Some(2));
    expect(await ch.recv()).toEqual(Some(3));
    await producer;
  });

  it("keeps its invariants through a burst of mixed operations", async () => {
    const ch = make<number>();
    const pending = [];
    for (let i = 0; i < 20; i++) {
      if (i % 3 === 0) pending.push(track(ch.recv()));
      else pending.push(track(ch.send(i)));
      core(ch).assertInvariants();
    }
    while (ch.tryRecv() !== "would-block") core(ch).assertInvariants();
    await flush();
    core(ch).assertInvariants();
  });

  it("reports no waiters once every blocked operation has settled", async () => {
    const ch = make<number>();
    const receivers = [track(ch.recv()), track(ch.recv())];
    await ch.send(1);
    await ch.send(2);
    await flush();
    expect(receivers.map((r) => r.state)).toEqual(["fulfilled", "fulfilled"]);
    expect(core(ch).waiting).toEqual({ receivers: 0, senders: 0 });
  });
});

// The behaviour every receivable shares (timers and threads run the same suite on theirs).
// Every kind, the dropping ones at capacity 1 too: one value at a time never drops.
for (const spec of KINDS_1_8) {
  receiveContract(spec.label, () => {
    const ch = spec.make();
    const deliver = (): number => {
      void ch.send(7);
      return 7;
    };
    return { rx: ch, deliver, close: () => ch.close() };
  });
}

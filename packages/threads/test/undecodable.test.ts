/**
 * A value whose bytes this thread cannot decode (the threads disagree on the
 * serializer) fails the receive that took it with the decoder's error — a
 * waiting `select` and a waiting `recvBatch` as much as `recv` — and never
 * escapes as an uncaught exception. A batch never takes an undecodable value
 * after its first: it ends before it, and the value fails the next receive.
 * Two instances over one buffer stand for two threads here.
 */

import { recv, select } from "@csp-kit/select";
import { flush, track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import { type Serializer, SharedChannel } from "../src/index.js";
import { coreOf } from "./support.js";

const json: Serializer = {
  serialize: (v) => new TextEncoder().encode(JSON.stringify(v)),
  deserialize: (b) => JSON.parse(new TextDecoder().decode(b)),
};

class DecodeError extends Error {
  override name = "DecodeError";
}

/** Decodes JSON, but refuses any value with a `bad` property. */
const picky: Serializer = {
  serialize: json.serialize,
  deserialize: (b) => {
    const v = json.deserialize(b) as { bad?: unknown };
    if (v.bad !== undefined) throw new DecodeError(`cannot decode ${JSON.stringify(v)}`);
    return v;
  },
};

/** A sender and a receiver view of one channel, with different serializers. */
function pair(capacity = 8): { tx: SharedChannel<unknown>; rx: SharedChannel<unknown> } {
  const tx = new SharedChannel<unknown>(capacity, { serializer: json });
  const rx = SharedChannel.from<unknown>(tx.handle, { serializer: picky });
  return { tx, rx };
}

describe("an undecodable value", () => {
  it("rejects a waiting select with the decoder's error, and the channel goes on", async () => {
    const { tx, rx } = pair();
    const waiting = track(select({ r: recv(rx) }));
    await flush();
    expect(waiting.state).toBe("pending");
    expect(tx.trySend({ bad: 1 })).toBe("sent");
    while (waiting.state === "pending") await flush();
    expect(waiting.state).toBe("rejected");
    expect((waiting.outcome as { reason: unknown }).reason).toBeInstanceOf(DecodeError);
    expect(coreOf(rx).waiting.receivers).toBe(0);
    expect(tx.trySend({ ok: 1 })).toBe("sent");
    expect(await select({ r: recv(rx) })).toMatchObject({ case: "r" });
  });

  it("rejects a waiting recvBatch whose first value does not decode", async () => {
    const { tx, rx } = pair();
    const waiting = track(rx.recvBatch(4));
    await flush();
    tx.trySend({ bad: 1 });
    while (waiting.state === "pending") await flush();
    expect((waiting.outcome as { reason: unknown }).reason).toBeInstanceOf(DecodeError);
    tx.trySend({ ok: 1 });
    expect((await rx.recv()).unwrap()).toEqual({ ok: 1 });
  });

  it("ends a waiting recvBatch before a later value that does not decode; that value fails the next receive", async () => {
    const { tx, rx } = pair();
    const waiting = track(rx.recvBatch(4));
    await flush();
    tx.trySend({ ok: 1 });
    tx.trySend({ bad: 2 });
    tx.trySend({ ok: 3 });
    while (waiting.state === "pending") await flush();
    expect(waiting.outcome).toMatchObject({ state: "fulfilled" });
    const batch = (waiting.outcome as { value: { unwrap(): unknown[] } }).value.unwrap();
    expect(batch).toEqual([{ ok: 1 }]);
    await expect(rx.recv()).rejects.toBeInstanceOf(DecodeError);
    expect((await rx.recv()).unwrap()).toEqual({ ok: 3 });
    expect(rx.len).toBe(0);
  });

  it("ends a tryRecvBatch before a value that does not decode; a batch starting with one throws the decoder's error", () => {
    const { tx, rx } = pair();
    for (const v of [{ ok: 1 }, { ok: 2 }, { bad: 3 }, { ok: 4 }]) tx.trySend(v);
    const first = rx.tryRecvBatch(10);
    expect(first !== "would-block" && first.unwrap()).toEqual([{ ok: 1 }, { ok: 2 }]);
    expect(() => rx.tryRecvBatch(10)).toThrow(DecodeError);
    const last = rx.tryRecvBatch(10);
    expect(last !== "would-block" && last.unwrap()).toEqual([{ ok: 4 }]);
  });

  it("rejects a waiting recv and a for-await step, as before", async () => {
    const { tx, rx } = pair();
    const waiting = track(rx.recv());
    await flush();
    tx.trySend({ bad: 1 });
    while (waiting.state === "pending") await flush();
    expect((waiting.outcome as { reason: unknown }).reason).toBeInstanceOf(DecodeError);
    const it = rx.values();
    const step = track(it.next());
    await flush();
    tx.trySend({ bad: 2 });
    while (step.state === "pending") await flush();
    expect((step.outcome as { reason: unknown }).reason).toBeInstanceOf(DecodeError);
  });
});

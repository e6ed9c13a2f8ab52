import { Some } from "ts-results-es";
import { describe, expect, it } from "vitest";
import { Channel, CLOSED, InvalidSignalError, WOULD_BLOCK } from "../src/index.js";
import type { ChannelCore } from "../src/internal/channel-core.js";
import { portOf } from "../src/port.js";
import { flush, track } from "./support/settle.js";

function core<T>(ch: Channel<T>): ChannelCore<T> {
  return portOf(ch) as ChannelCore<T>;
}

describe("recvValue / tryRecvValue", () => {
  it("resolves a waiting receive with the value itself when a sender arrives", async () => {
    const ch = new Channel<number>();
    const got = track(ch.recvValue());
    await flush();
    expect(got.state).toBe("pending");
    expect(ch.trySend(7)).toBe("sent");
    expect(await got.promise).toBe(7);
    core(ch).assertInvariants();
  });

  it("takes buffered values first, then a blocked sender's, in FIFO order", async () => {
    const ch = new Channel<number>(2);
    await ch.send(1);
    await ch.send(2);
    const third = track(ch.send(3));
    expect(ch.tryRecvValue()).toBe(1);
    expect(await ch.recvValue()).toBe(2);
    await flush();
    expect(third.state).toBe("fulfilled");
    expect(ch.tryRecvValue()).toBe(3);
    expect(ch.tryRecvValue()).toBe(WOULD_BLOCK);
  });

  it("answers CLOSED once closed and drained, for waiting and later receives", async () => {
    const ch = new Channel<number>(1);
    const waiting = new Channel<number>();
    const parked = waiting.recvValue();
    waiting.close();
    expect(await parked).toBe(CLOSED);
    await ch.send(5);
    ch.close();
    expect(await ch.recvValue()).toBe(5);
    expect(await ch.recvValue()).toBe(CLOSED);
    expect(ch.tryRecvValue()).toBe(CLOSED);
  });

  it("delivers undefined as a value, distinct from CLOSED", async () => {
    const ch = new Channel<undefined>();
    const got = ch.recvValue();
    await ch.send(undefined);
    expect(await got).toBeUndefined();
  });

  it("shares one FIFO queue with recv", async () => {
    const ch = new Channel<string>();
    const a = ch.recv();
    const b = ch.recvValue();
    const c = ch.recv();
    expect(ch.trySend("x")).toBe("sent");
    expect(ch.trySend("y")).toBe("sent");
    expect(ch.trySend("z")).toBe("sent");
    expect(await a).toEqual(Some("x"));
    expect(await b).toBe("y");
    expect(await c).toEqual(Some("z"));
  });

  it("removes an aborted receive at once, so the next value goes to the next receiver", async () => {
    const ch = new Channel<number>();
    const ac = new AbortController();
    const aborted = ch.recvValue({ signal: ac.signal });
    const next = ch.recvValue();
    ac.abort(new Error("stop"));
    await expect(aborted).rejects.toThrow("stop");
    expect(ch.trySend(1)).toBe("sent");
    expect(await next).toBe(1);
    expect(core(ch).waiting).toEqual({ receivers: 0, senders: 0 });
  });

  it("rejects with the reason of a signal that is already aborted, and takes nothing", async () => {
    const ch = new Channel<number>(1);
    await ch.send(1);
    await expect(ch.recvValue({ signal: AbortSignal.abort("early") })).rejects.toBe("early");
    expect(ch.len).toBe(1);
  });

  it("rejects a signal that is not an AbortSignal with InvalidSignalError", async () => {
    const ch = new Channel<number>();
    const bad = { signal: new AbortController() } as unknown as { signal: AbortSignal };
    await expect(ch.recvValue(bad)).rejects.toBeInstanceOf(InvalidSignalError);
    expect(core(ch).waiting.receivers).toBe(0);
  });

  it("uses registered symbols, so every copy of the package agrees", () => {
    expect(CLOSED).toBe(Symbol.for("@csp-kit/channel.closed"));
    expect(WOULD_BLOCK).toBe(Symbol.for("@csp-kit/channel.would-block"));
  });

  it("adopts a thenable value, as every promise does (the documented reason to keep recv for promises)", async () => {
    const ch = new Channel<Promise<number>>(1);
    await ch.send(Promise.resolve(3));
    expect(await ch.recvValue()).toBe(3);
  });
});

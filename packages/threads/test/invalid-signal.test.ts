/**
 * A `signal` that is not an AbortSignal (the AbortController itself, null, 0,
 * "x", true, a plain object) is refused by every SharedChannel and SharedMutex
 * operation that takes `{ signal }`, before it touches any queue: the promise
 * rejects with InvalidSignalError (no synchronous throw), nothing is queued,
 * taken or locked, and a value sent afterwards is not lost.
 */

import { isInvalidSignalError } from "@csp-kit/channel/port";
import { flush, INVALID_SIGNALS, invalidSignalCheck, rejection } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import { SharedChannel, SharedMutex } from "../src/index.js";
import { coreOf } from "./support.js";

const expectInvalidSignal = invalidSignalCheck({ is: isInvalidSignalError });

describe("a signal that is not an AbortSignal", () => {
  describe.each(INVALID_SIGNALS)("given $label", (bad) => {
    const options = { signal: bad.signal as AbortSignal };

    it("SharedChannel.recv rejects and queues no receiver, so the next value reaches the next receive", async () => {
      const ch = new SharedChannel<string>(2);
      expectInvalidSignal(await rejection(() => ch.recv(options)), bad, "SharedChannel.recv");
      expect(coreOf(ch).waiting.receivers).toBe(0);
      await ch.send("v");
      await flush();
      expect(String(await ch.recv())).toBe("Some(v)");
      // The same object is refused again: a failure leaves nothing behind that accepts it later.
      expectInvalidSignal(await rejection(() => ch.recv(options)), bad, "SharedChannel.recv");
      expect(coreOf(ch).waiting.receivers).toBe(0);
    });

    it("SharedChannel.recv is refused even when a value is ready, taking nothing", async () => {
      const ch = new SharedChannel<number>(2);
      await ch.send(1);
      expectInvalidSignal(await rejection(() => ch.recv(options)), bad, "SharedChannel.recv");
      expect(ch.len).toBe(1);
    });

    it("SharedChannel.recvBatch rejects, takes nothing and queues nothing", async () => {
      const ch = new SharedChannel<number>(2);
      expectInvalidSignal(await rejection(() => ch.recvBatch(2, options)), bad, "SharedChannel.recvBatch");
      await ch.send(1);
      expectInvalidSignal(await rejection(() => ch.recvBatch(2, options)), bad, "SharedChannel.recvBatch");
      expect(ch.len).toBe(1);
      expect(coreOf(ch).waiting.receivers).toBe(0);
    });

    it("SharedChannel.send rejects and sends nothing, whether the channel has room or not", async () => {
      const ch = new SharedChannel<number>(1);
      expectInvalidSignal(await rejection(() => ch.send(1, options)), bad, "SharedChannel.send");
      expect(ch.len).toBe(0);
      await ch.send(2);
      expectInvalidSignal(await rejection(() => ch.send(3, options)), bad, "SharedChannel.send");
      expect(coreOf(ch).waiting.senders).toBe(0);
      expect(String(ch.tryRecv())).toBe("Some(2)");
      expect(ch.tryRecv()).toBe("would-block");
    });

    it("SharedChannel.values throws at once, before any step", () => {
      const ch = new SharedChannel<number>(1);
      let caught: unknown;
      try {
        ch.values(options);
      } catch (error) {
        caught = error;
      }
      expectInvalidSignal(caught, bad, "SharedChannel.values");
    });

    it("SharedMutex.lock, acquire and runExclusive reject without taking a free mutex", async () => {
      const mu = new SharedMutex();
      expectInvalidSignal(await rejection(() => mu.lock(options)), bad, "SharedMutex.lock");
      expect(mu.locked).toBe(false);
      expectInvalidSignal(await rejection(() => mu.acquire(options)), bad, "SharedMutex.lock");
      expect(mu.locked).toBe(false);
      let ran = false;
      const run = () =>
        mu.runExclusive(() => {
          ran = true;
        }, options);
      expectInvalidSignal(await rejection(run), bad, "SharedMutex.lock");
      expect(ran).toBe(false);
      expect(mu.locked).toBe(false);
    });

    it("SharedMutex.lock on a held mutex rejects and leaves no waiter behind", async () => {
      const mu = new SharedMutex();
      expect(mu.tryLock()).toBe(true);
      expectInvalidSignal(await rejection(() => mu.lock(options)), bad, "SharedMutex.lock");
      mu.unlock();
      // Nobody waits: the mutex is free and the word is back at "unlocked" (0), not "contended" (2).
      expect(Atomics.load(new Int32Array(mu.buffer, mu.byteOffset, 1), 0)).toBe(0);
    });
  });
});

/**
 * A `signal` that is not an AbortSignal (the AbortController itself, null, 0,
 * "x", true, a plain object) is refused by every SharedChannel and SharedMutex
 * operation that takes `{ signal }`, before it touches any queue: the promise
 * rejects with InvalidSignalError (no synchronous throw), nothing is queued,
 * taken or locked, and a value sent afterwards is not lost.
 */

import { type InvalidSignalError, isInvalidSignalError } from "@csp-kit/channel/port";
import { describe, expect, it } from "vitest";
import { SharedChannel, SharedMutex } from "../src/index.js";
import { coreOf, flush } from "./support.js";

const BAD_SIGNALS: readonly [string, unknown][] = [
  ["the AbortController", new AbortController()],
  ["null", null],
  ["0", 0],
  ['"x"', "x"],
  ["true", true],
  ["a plain object", {}],
];

/** Runs `op`, which must not throw synchronously, and returns what its promise rejected with. */
async function rejection(op: () => Promise<unknown>): Promise<unknown> {
  let promise: Promise<unknown>;
  try {
    promise = op();
  } catch (error) {
    throw new Error(`threw synchronously instead of rejecting: ${String(error)}`);
  }
  return promise.then(
    () => {
      throw new Error("resolved instead of rejecting");
    },
    (error: unknown) => error,
  );
}

function expectInvalidSignal(error: unknown, operation: string, given: unknown): void {
  expect(isInvalidSignalError(error)).toBe(true);
  expect((error as InvalidSignalError).operation).toBe(operation);
  if (given instanceof AbortController) {
    expect((error as Error).message).toContain("pass controller.signal, not the controller");
  }
}

describe("a signal that is not an AbortSignal", () => {
  describe.each(BAD_SIGNALS)("given %s", (_label, bad) => {
    const options = { signal: bad as AbortSignal };

    it("SharedChannel.recv rejects and queues no receiver, so the next value reaches the next receive", async () => {
      const ch = new SharedChannel<string>(2);
      expectInvalidSignal(await rejection(() => ch.recv(options)), "SharedChannel.recv", bad);
      expect(coreOf(ch).waiting.receivers).toBe(0);
      await ch.send("v");
      await flush();
      expect(String(await ch.recv())).toBe("Some(v)");
      // The same object is refused again: a failure leaves nothing behind that accepts it later.
      expectInvalidSignal(await rejection(() => ch.recv(options)), "SharedChannel.recv", bad);
      expect(coreOf(ch).waiting.receivers).toBe(0);
    });

    it("SharedChannel.recv is refused even when a value is ready, taking nothing", async () => {
      const ch = new SharedChannel<number>(2);
      await ch.send(1);
      expectInvalidSignal(await rejection(() => ch.recv(options)), "SharedChannel.recv", bad);
      expect(ch.len).toBe(1);
    });

    it("SharedChannel.recvBatch rejects, takes nothing and queues nothing", async () => {
      const ch = new SharedChannel<number>(2);
      expectInvalidSignal(await rejection(() => ch.recvBatch(2, options)), "SharedChannel.recvBatch", bad);
      await ch.send(1);
      expectInvalidSignal(await rejection(() => ch.recvBatch(2, options)), "SharedChannel.recvBatch", bad);
      expect(ch.len).toBe(1);
      expect(coreOf(ch).waiting.receivers).toBe(0);
    });

    it("SharedChannel.send rejects and sends nothing, whether the channel has room or not", async () => {
      const ch = new SharedChannel<number>(1);
      expectInvalidSignal(await rejection(() => ch.send(1, options)), "SharedChannel.send", bad);
      expect(ch.len).toBe(0);
      await ch.send(2);
      expectInvalidSignal(await rejection(() => ch.send(3, options)), "SharedChannel.send", bad);
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
      expectInvalidSignal(caught, "SharedChannel.values", bad);
    });

    it("SharedMutex.lock, acquire and runExclusive reject without taking a free mutex", async () => {
      const mu = new SharedMutex();
      expectInvalidSignal(await rejection(() => mu.lock(options)), "SharedMutex.lock", bad);
      expect(mu.locked).toBe(false);
      expectInvalidSignal(await rejection(() => mu.acquire(options)), "SharedMutex.lock", bad);
      expect(mu.locked).toBe(false);
      let ran = false;
      const run = () =>
        mu.runExclusive(() => {
          ran = true;
        }, options);
      expectInvalidSignal(await rejection(run), "SharedMutex.lock", bad);
      expect(ran).toBe(false);
      expect(mu.locked).toBe(false);
    });

    it("SharedMutex.lock on a held mutex rejects and leaves no waiter behind", async () => {
      const mu = new SharedMutex();
      expect(mu.tryLock()).toBe(true);
      expectInvalidSignal(await rejection(() => mu.lock(options)), "SharedMutex.lock", bad);
      mu.unlock();
      // Nobody waits: the mutex is free and the word is back at "unlocked" (0), not "contended" (2).
      expect(Atomics.load(new Int32Array(mu.buffer, mu.byteOffset, 1), 0)).toBe(0);
    });
  });
});

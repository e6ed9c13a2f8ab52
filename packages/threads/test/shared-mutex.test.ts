import { InvalidAtomicLayoutError } from "@csp-kit/atomic";
import { flush, track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import { isUnlockOfUnlockedError, SharedMutex } from "../src/index.js";

describe("SharedMutex (one thread)", () => {
  it("tryLock takes a free mutex and fails on a held one", () => {
    const mu = new SharedMutex();
    expect(mu.tryLock()).toBe(true);
    expect(mu.locked).toBe(true);
    expect(mu.tryLock()).toBe(false);
    mu.unlock();
    expect(mu.locked).toBe(false);
  });

  it("an uncontended lock resolves with a shared promise", async () => {
    const mu = new SharedMutex();
    const first = mu.lock();
    mu.unlock();
    const second = mu.lock();
    expect(second).toBe(first);
    await second;
    mu.unlock();
  });

  it("a waiting lock lets the event loop run and is granted after the unlock", async () => {
    const mu = new SharedMutex();
    await mu.lock();
    const waiting = track(mu.lock());
    let ticks = 0;
    for (let i = 0; i < 3; i++) {
      await flush(); // a macrotask turn: only possible if lock() did not block the thread
      ticks++;
    }
    expect(ticks).toBe(3);
    expect(waiting.state).toBe("pending");
    mu.unlock();
    while (waiting.state === "pending") await flush();
    expect(waiting.state).toBe("fulfilled");
    expect(mu.locked).toBe(true);
    mu.unlock();
  });

  it("unlocking an unlocked SharedMutex throws UnlockOfUnlockedError", () => {
    const mu = new SharedMutex();
    let caught: unknown;
    try {
      mu.unlock();
    } catch (error) {
      caught = error;
    }
    expect(isUnlockOfUnlockedError(caught)).toBe(true);
    expect(caught).toMatchObject({ operation: "SharedMutex.unlock" });
    expect(mu.locked).toBe(false);
  });

  it("an aborted lock rejects with the reason and does not swallow the wake-up meant for the next waiter", async () => {
    const mu = new SharedMutex();
    await mu.lock();
    const controller = new AbortController();
    const aborted = mu.lock({ signal: controller.signal });
    const next = mu.lock();
    await flush();
    controller.abort("gave up");
    await expect(aborted).rejects.toBe("gave up");
    // The aborted waiter went to sleep first, so the unlock's single wake-up lands on it; it must pass it on.
    mu.unlock();
    await next;
    expect(mu.locked).toBe(true);
    mu.unlock();
  });

  it("an already-aborted signal rejects at once even when the mutex is free", async () => {
    const mu = new SharedMutex();
    await expect(mu.lock({ signal: AbortSignal.abort("no") })).rejects.toBe("no");
    expect(mu.locked).toBe(false);
  });

  it("lockSync takes a free mutex without blocking", () => {
    const mu = new SharedMutex();
    mu.lockSync();
    expect(mu.locked).toBe(true);
    mu.unlock();
  });

  it("runExclusive, runExclusiveSync and the guards release the lock when done", async () => {
    const mu = new SharedMutex();
    expect(await mu.runExclusive(() => mu.locked)).toBe(true);
    expect(mu.runExclusiveSync(() => mu.locked)).toBe(true);
    expect(() =>
      mu.runExclusiveSync(() => {
        throw new Error("inside");
      }),
    ).toThrow("inside");
    {
      using _ = await mu.acquire();
      expect(mu.locked).toBe(true);
    }
    {
      using guard = mu.acquireSync();
      guard.release();
      guard.release();
    }
    expect(mu.locked).toBe(false);
  });

  it("from rebuilds a mutex over the same word: both see the same state", () => {
    const a = new SharedMutex();
    const b = SharedMutex.from(a.buffer, a.byteOffset);
    expect(a.tryLock()).toBe(true);
    expect(b.locked).toBe(true);
    expect(b.tryLock()).toBe(false);
    b.unlock();
    expect(a.locked).toBe(false);
  });

  it("several mutexes live independently at different offsets of one buffer", () => {
    const buffer = new SharedArrayBuffer(3 * SharedMutex.BYTES);
    const mutexes = [0, 4, 8].map((offset) => SharedMutex.from(buffer, offset));
    expect(mutexes[1]?.tryLock()).toBe(true);
    expect(mutexes[0]?.locked).toBe(false);
    expect(mutexes[2]?.locked).toBe(false);
    expect(mutexes[1]?.byteOffset).toBe(4);
  });

  it("lives in a buffer whose length is not a multiple of 4", () => {
    const mu = SharedMutex.from(new SharedArrayBuffer(7), 0);
    expect(mu.tryLock()).toBe(true);
    mu.unlock();
  });

  it("rejects a plain ArrayBuffer and misaligned or out-of-range offsets with InvalidAtomicLayoutError", () => {
    expect(() => SharedMutex.from(new ArrayBuffer(4) as unknown as SharedArrayBuffer)).toThrow(
      /must be a SharedArrayBuffer/,
    );
    expect(() => SharedMutex.from(new SharedArrayBuffer(8), 2)).toThrow(InvalidAtomicLayoutError);
    expect(() => SharedMutex.from(new SharedArrayBuffer(8), 8)).toThrow(/multiple of 4 in \[0, 4\]/);
  });
});

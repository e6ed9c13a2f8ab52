import { flush, track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import { isSyncError, isUnlockOfUnlockedError, Mutex, UnlockOfUnlockedError } from "../src/index.js";

describe("Mutex", () => {
  it("an uncontended lock resolves at once with a shared promise (no allocation)", async () => {
    const mu = new Mutex();
    const first = mu.lock();
    mu.unlock();
    const second = mu.lock();
    expect(second).toBe(first);
    await second;
    expect(mu.locked).toBe(true);
    mu.unlock();
  });

  it("a lock on a held mutex waits until it is unlocked", async () => {
    const mu = new Mutex();
    await mu.lock();
    const second = track(mu.lock());
    await flush();
    expect(second.state).toBe("pending");
    mu.unlock();
    await flush();
    expect(second.state).toBe("fulfilled");
    expect(mu.locked).toBe(true);
    mu.assertInvariants();
  });

  it("waiters get the lock in arrival order and a newcomer never barges past them", async () => {
    const mu = new Mutex();
    await mu.lock();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((i) => mu.lock().then(() => order.push(i)));
    mu.unlock();
    // The lock now belongs to waiter 1, even though its continuation has not run yet.
    expect(mu.tryLock()).toBe(false);
    await flush();
    mu.unlock();
    await flush();
    mu.unlock();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    mu.unlock();
    expect(mu.locked).toBe(false);
  });

  it("tryLock takes a free mutex and fails on a held one", () => {
    const mu = new Mutex();
    expect(mu.tryLock()).toBe(true);
    expect(mu.tryLock()).toBe(false);
    mu.unlock();
    expect(mu.locked).toBe(false);
  });

  it("unlocking an unlocked mutex throws UnlockOfUnlockedError with a message that says what to do", () => {
    const mu = new Mutex();
    let caught: unknown;
    try {
      mu.unlock();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UnlockOfUnlockedError);
    expect(isUnlockOfUnlockedError(caught)).toBe(true);
    expect(isSyncError(caught)).toBe(true);
    expect(caught).toMatchObject({ name: "UnlockOfUnlockedError", operation: "Mutex.unlock" });
    expect((caught as Error).message).toMatch(/call unlock once per successful lock/);
    expect(mu.locked).toBe(false);
  });

  it("aborting a waiting lock rejects with the reason and removes the waiter at once", async () => {
    const mu = new Mutex();
    await mu.lock();
    const controller = new AbortController();
    const waiting = track(mu.lock({ signal: controller.signal }));
    expect(mu.waiting).toBe(1);
    controller.abort("stop");
    expect(mu.waiting).toBe(0);
    await flush();
    expect(waiting.outcome).toEqual({ state: "rejected", reason: "stop" });
    mu.unlock();
    expect(mu.locked).toBe(false);
  });

  it("an aborted waiter in the middle of the queue does not disturb the order of the others", async () => {
    const mu = new Mutex();
    await mu.lock();
    const controller = new AbortController();
    const order: string[] = [];
    const a = mu.lock().then(() => order.push("a"));
    const b = mu.lock({ signal: controller.signal }).catch(() => order.push("b aborted"));
    const c = mu.lock().then(() => order.push("c"));
    controller.abort();
    mu.unlock();
    await a;
    mu.unlock();
    await Promise.all([b, c]);
    expect(order).toEqual(["b aborted", "a", "c"]);
    mu.unlock();
  });

  it("a waiter whose signal aborts during the hand-off is skipped, and the lock goes to the next waiter", async () => {
    const mu = new Mutex();
    await mu.lock();
    const controller = new AbortController();
    // The first listener on the signal unlocks the mutex before the waiter's own listener runs.
    controller.signal.addEventListener("abort", () => mu.unlock());
    const first = track(mu.lock({ signal: controller.signal }));
    const second = track(mu.lock());
    controller.abort();
    await flush();
    expect(first.state).toBe("rejected");
    expect(second.state).toBe("fulfilled");
    expect(mu.locked).toBe(true);
    mu.assertInvariants();
  });

  it("acquire returns a guard that `using` releases at the end of the block", async () => {
    const mu = new Mutex();
    {
      using guard = await mu.acquire();
      expect(mu.locked).toBe(true);
      expect(guard.released).toBe(false);
    }
    expect(mu.locked).toBe(false);
  });

  it("a guard released early is not released again by `using`", async () => {
    const mu = new Mutex();
    {
      using guard = await mu.acquire();
      guard.release();
      await mu.lock(); // someone else takes it
    } // disposing the released guard must not unlock the new holder
    expect(mu.locked).toBe(true);
    mu.unlock();
  });

  it("runExclusive serialises critical sections that await in the middle", async () => {
    const mu = new Mutex();
    let inside = 0;
    let maxInside = 0;
    const log: number[] = [];
    await Promise.all(
      [1, 2, 3, 4].map((i) =>
        mu.runExclusive(async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await flush();
          log.push(i);
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(log).toEqual([1, 2, 3, 4]);
    expect(mu.locked).toBe(false);
  });

  it("runExclusive returns the function's value and unlocks when it throws", async () => {
    const mu = new Mutex();
    expect(await mu.runExclusive(() => "value")).toBe("value");
    await expect(
      mu.runExclusive(() => {
        throw new Error("sync throw");
      }),
    ).rejects.toThrow("sync throw");
    expect(mu.locked).toBe(false);
  });

  it("runExclusive does not run the function when the wait is aborted", async () => {
    const mu = new Mutex();
    await mu.lock();
    let ran = false;
    const run = mu.runExclusive(
      () => {
        ran = true;
      },
      { signal: AbortSignal.abort() },
    );
    await expect(run).rejects.toBeDefined();
    expect(ran).toBe(false);
    mu.unlock();
    expect(mu.locked).toBe(false);
  });

  it("runExclusive runs the function when the lock was granted before the abort", async () => {
    const mu = new Mutex();
    await mu.lock();
    const controller = new AbortController();
    let ran = false;
    const run = mu.runExclusive(
      () => {
        ran = true;
      },
      { signal: controller.signal },
    );
    mu.unlock(); // grants the waiter synchronously
    controller.abort();
    await run;
    expect(ran).toBe(true);
    expect(mu.locked).toBe(false);
  });
});

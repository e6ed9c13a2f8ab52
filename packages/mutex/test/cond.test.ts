import { flush, track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import {
  Cond,
  InvalidArgumentError,
  isUnlockOfUnlockedError,
  Mutex,
  RWMutex,
  type UnlockOfUnlockedError,
} from "../src/index.js";

/** Starts a task that locks `mu`, waits on `cond` once, records `name`, and unlocks. */
function waitOnce(mu: Mutex, cond: Cond, log: string[], name: string, signal?: AbortSignal) {
  return (async () => {
    await mu.lock();
    try {
      await cond.wait(signal ? { signal } : undefined);
      log.push(name);
      expect(mu.locked).toBe(true);
    } finally {
      mu.unlock();
    }
  })();
}

describe("Cond", () => {
  it("wait unlocks the mutex while waiting and holds it again when it returns", async () => {
    const mu = new Mutex();
    const cond = new Cond(mu);
    const log: string[] = [];
    const task = waitOnce(mu, cond, log, "woke");
    await flush();
    expect(mu.locked).toBe(false);
    expect(cond.waiting).toBe(1);
    cond.signal();
    await task;
    expect(log).toEqual(["woke"]);
    expect(mu.locked).toBe(false);
  });

  it("signal wakes the longest waiting task, one at a time", async () => {
    const mu = new Mutex();
    const cond = new Cond(mu);
    const log: string[] = [];
    const tasks = ["a", "b", "c"].map((name) => waitOnce(mu, cond, log, name));
    await flush();
    cond.signal();
    await flush();
    expect(log).toEqual(["a"]);
    cond.signal();
    cond.signal();
    await Promise.all(tasks);
    expect(log).toEqual(["a", "b", "c"]);
  });

  it("broadcast wakes every waiting task", async () => {
    const mu = new Mutex();
    const cond = new Cond(mu);
    const log: string[] = [];
    const tasks = ["a", "b", "c"].map((name) => waitOnce(mu, cond, log, name));
    await flush();
    cond.broadcast();
    await Promise.all(tasks);
    expect(log).toEqual(["a", "b", "c"]);
    expect(cond.waiting).toBe(0);
  });

  it("a signal with nobody waiting is not remembered", async () => {
    const mu = new Mutex();
    const cond = new Cond(mu);
    cond.signal();
    const log: string[] = [];
    const task = track(waitOnce(mu, cond, log, "late"));
    await flush();
    expect(task.state).toBe("pending");
    cond.signal();
    await flush();
    expect(task.state).toBe("fulfilled");
  });

  it("an aborted wait re-locks the mutex before rejecting with the reason", async () => {
    const mu = new Mutex();
    const cond = new Cond(mu);
    await mu.lock();
    const controller = new AbortController();
    const waiting = cond.wait({ signal: controller.signal });
    expect(mu.locked).toBe(false);
    await mu.lock(); // someone else holds the lock when the abort comes
    controller.abort("timeout");
    const settled = track(waiting);
    await flush();
    expect(settled.state).toBe("pending"); // still re-acquiring the lock
    mu.unlock();
    await flush();
    expect(settled.outcome).toEqual({ state: "rejected", reason: "timeout" });
    expect(mu.locked).toBe(true); // the aborted waiter owns it now
    mu.unlock();
  });

  it("a signal is never spent on an aborted waiter", async () => {
    const mu = new Mutex();
    const cond = new Cond(mu);
    const log: string[] = [];
    const controller = new AbortController();
    const aborted = waitOnce(mu, cond, log, "aborted", controller.signal).catch(() => log.push("abort"));
    const live = waitOnce(mu, cond, log, "live");
    await flush();
    controller.abort();
    cond.signal();
    await Promise.all([aborted, live]);
    expect(log).toEqual(["abort", "live"]);
  });

  it("wait without holding the lock rejects with UnlockOfUnlockedError and queues nothing", async () => {
    const cond = new Cond(new Mutex());
    const error = await cond.wait().catch((e: unknown) => e);
    expect(isUnlockOfUnlockedError(error)).toBe(true);
    expect(cond.waiting).toBe(0);
  });

  it("an already-aborted signal rejects at once and keeps the lock held", async () => {
    const mu = new Mutex();
    const cond = new Cond(mu);
    await mu.lock();
    await expect(cond.wait({ signal: AbortSignal.abort("no") })).rejects.toBe("no");
    expect(mu.locked).toBe(true);
  });

  it("works over the read side of an RWMutex", async () => {
    const rw = new RWMutex();
    const cond = new Cond(rw.rLocker());
    await rw.rLock();
    const waiting = cond.wait();
    expect(rw.readers).toBe(0);
    cond.signal();
    await waiting;
    expect(rw.readers).toBe(1);
    rw.rUnlock();
  });

  it("a producer/consumer queue built on Cond delivers every item in order", async () => {
    const mu = new Mutex();
    const nonEmpty = new Cond(mu);
    const queue: number[] = [];
    const received: number[] = [];
    const consumer = (async () => {
      for (let i = 0; i < 5; i++) {
        await mu.lock();
        try {
          while (queue.length === 0) await nonEmpty.wait();
          received.push(queue.shift()!);
        } finally {
          mu.unlock();
        }
      }
    })();
    for (let i = 0; i < 5; i++) {
      await mu.runExclusive(() => {
        queue.push(i);
        nonEmpty.signal();
      });
      await flush();
    }
    await consumer;
    expect(received).toEqual([0, 1, 2, 3, 4]);
    nonEmpty.assertInvariants();
  });
});

describe("Cond under misuse", () => {
  it("new Cond(x) refuses what is not a Locker at once, instead of failing later in wait()", () => {
    for (const bad of [5, undefined, null, {}, { lock() {} }]) {
      expect(() => new Cond(bad as never)).toThrow(InvalidArgumentError);
    }
    expect(() => new Cond(5 as never)).toThrow(/^new Cond\(locker\): .*lock\(\) and unlock\(\).*\(got 5\)$/);
  });

  it("wait() without holding the lock names Cond.wait, and queues nothing", async () => {
    const mu = new Mutex();
    const cond = new Cond(mu);
    let error: unknown;
    try {
      await cond.wait();
    } catch (e) {
      error = e;
    }
    expect(isUnlockOfUnlockedError(error)).toBe(true);
    expect((error as UnlockOfUnlockedError).operation).toBe("Cond.wait");
    expect((error as Error).message).toMatch(/^Cond\.wait: .*hold/);
    expect((error as Error).cause).toBeDefined();
    expect(cond.waiting).toBe(0);
    expect(mu.locked).toBe(false);
  });
});

/** The sync primitives in the parked-waiter inventory (`@csp-kit/channel/diagnostics`). */
import { assertNoParked, disableDiagnostics, enableDiagnostics, parkedWaiters } from "@csp-kit/channel/diagnostics";
import { flush } from "@csp-kit/testkit/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Cond, ErrGroup, Mutex, Once, RWMutex, Semaphore, WaitGroup } from "../src/index.js";

beforeEach(() => {
  enableDiagnostics({ stacks: true });
});
afterEach(() => {
  disableDiagnostics();
});

function inventory(): string[] {
  return parkedWaiters().map((w) => `#${w.id} ${w.primitive}: ${w.operation}`);
}

describe("sync primitives in the diagnostics inventory", () => {
  it("every blocked wait is listed under its primitive and operation, until it is granted", async () => {
    const mu = new Mutex();
    const rw = new RWMutex();
    const sem = new Semaphore(3);
    const wg = new WaitGroup();
    const condLock = new Mutex();
    const cond = new Cond(condLock);
    const once = new Once();
    await mu.lock();
    const locked = mu.lock();
    const guarded = mu.acquire();
    await rw.lock();
    const reading = rw.rLock();
    await sem.acquire(2);
    const permits = sem.acquire(2);
    wg.add(1);
    const waited = wg.wait();
    await condLock.lock();
    const signalled = cond.wait();
    let finish: () => void = () => {};
    const first = once.do(() => new Promise<void>((resolve) => (finish = resolve)));
    const second = once.do(() => {});
    expect(inventory()).toEqual([
      "#1 Mutex: lock",
      "#1 Mutex: acquire",
      "#2 RWMutex: rLock",
      "#3 Semaphore: acquire(2)",
      "#4 WaitGroup: wait",
      "#5 Cond: wait",
      "#6 Once: do",
    ]);
    expect(parkedWaiters()[0]?.stack?.split("\n")[0]).toMatch(/diagnostics\.test\.ts/);
    mu.unlock();
    rw.unlock();
    sem.release(2);
    wg.done();
    cond.signal();
    finish();
    await flush();
    // The first lock was granted; the guard acquisition queued behind it still waits. The
    // Cond waiter re-locked its mutex at once (wait() had unlocked it).
    expect(inventory()).toEqual(["#1 Mutex: acquire"]);
    mu.unlock();
    condLock.unlock();
    await Promise.all([locked, guarded, reading, permits, waited, signalled, first, second]);
    assertNoParked();
  });

  it("an ErrGroup lists its queued go() calls and its waits under one id", async () => {
    const group = new ErrGroup({ limit: 1 });
    let release: () => void = () => {};
    group.tryGo(() => new Promise<void>((resolve) => (release = resolve)));
    const queued = group.go(() => {});
    const waited = group.wait();
    expect(inventory()).toEqual(["#1 ErrGroup: go", "#1 ErrGroup: wait"]);
    release();
    await Promise.all([queued, waited]);
    assertNoParked();
  });

  it("an aborted lock leaves the inventory at once", () => {
    const mu = new Mutex();
    mu.tryLock();
    const controller = new AbortController();
    void mu.lock({ signal: controller.signal }).catch(() => {});
    expect(parkedWaiters()).toHaveLength(1);
    controller.abort();
    expect(parkedWaiters()).toHaveLength(0);
  });
});

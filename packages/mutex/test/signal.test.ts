import { isInvalidSignalError } from "@csp-kit/channel";
import { flush, INVALID_SIGNALS, invalidSignalCheck, rejection, track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import { Cond, Mutex, Once, RWMutex, Semaphore, WaitGroup } from "../src/index.js";

const expectInvalidSignal = invalidSignalCheck({ is: isInvalidSignalError });

describe("waits given a signal that is not an AbortSignal", () => {
  describe.each(INVALID_SIGNALS)("given $label", (bad) => {
    const options = { signal: bad.signal as AbortSignal };

    it("Mutex.lock / acquire / runExclusive reject and take nothing, free or held", async () => {
      const mu = new Mutex();
      expectInvalidSignal(await rejection(() => mu.lock(options)), bad, "Mutex.lock");
      expectInvalidSignal(await rejection(() => mu.acquire(options)), bad, "Mutex.acquire");
      let ran = false;
      expectInvalidSignal(
        await rejection(() =>
          mu.runExclusive(() => {
            ran = true;
          }, options),
        ),
        bad,
        "Mutex.lock",
      );
      expect(ran).toBe(false);
      expect(mu.locked).toBe(false);
      await mu.lock();
      expectInvalidSignal(await rejection(() => mu.lock(options)), bad, "Mutex.lock");
      expect(mu.waiting).toBe(0);
      // The next waiter is served normally: no dead waiter ahead of it took the unlock.
      const next = track(mu.lock());
      mu.unlock();
      await flush();
      expect(next.state).toBe("fulfilled");
    });

    it("Semaphore.acquire and withPermits reject and take no permit", async () => {
      const sem = new Semaphore(2);
      expectInvalidSignal(await rejection(() => sem.acquire(1, options)), bad, "Semaphore.acquire");
      expectInvalidSignal(await rejection(() => sem.withPermits(1, () => 1, options)), bad, "Semaphore.acquire");
      expect(sem.tryAcquire(2)).toBe(true);
      expect(sem.waiting).toBe(0);
    });

    it("RWMutex lock, rLock, acquire, acquireRead reject and take nothing", async () => {
      const rw = new RWMutex();
      expectInvalidSignal(await rejection(() => rw.lock(options)), bad, "RWMutex.lock");
      expectInvalidSignal(await rejection(() => rw.rLock(options)), bad, "RWMutex.rLock");
      expectInvalidSignal(await rejection(() => rw.acquire(options)), bad, "RWMutex.acquire");
      expectInvalidSignal(await rejection(() => rw.acquireRead(options)), bad, "RWMutex.acquireRead");
      expect(rw.tryLock()).toBe(true);
    });

    it("Cond.wait rejects before unlocking: the caller still holds the lock and nobody is queued", async () => {
      const mu = new Mutex();
      const cond = new Cond(mu);
      await mu.lock();
      expectInvalidSignal(await rejection(() => cond.wait(options)), bad, "Cond.wait");
      expect(mu.locked).toBe(true);
      expect(cond.waiting).toBe(0);
      mu.unlock();
    });

    it("WaitGroup.wait and Once.do reject, run nothing and queue nothing", async () => {
      const wg = new WaitGroup();
      expectInvalidSignal(await rejection(() => wg.wait(options)), bad, "WaitGroup.wait");
      wg.add(1);
      expectInvalidSignal(await rejection(() => wg.wait(options)), bad, "WaitGroup.wait");
      wg.done();
      const once = new Once();
      let runs = 0;
      expectInvalidSignal(
        await rejection(() =>
          once.do(() => {
            runs++;
          }, options),
        ),
        bad,
        "Once.do",
      );
      expect(runs).toBe(0);
      expect(once.done).toBe(false);
    });
  });

  it("an object that failed once is refused again, not silently accepted", async () => {
    const controller = new AbortController();
    const mu = new Mutex();
    await mu.lock();
    for (let i = 0; i < 3; i++) {
      expect(isInvalidSignalError(await rejection(() => mu.lock({ signal: controller as never })))).toBe(true);
    }
    expect(mu.waiting).toBe(0);
  });
});

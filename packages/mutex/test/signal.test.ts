import { type InvalidSignalError, isInvalidSignalError } from "@csp-kit/channel";
import { describe, expect, it } from "vitest";
import { Cond, Mutex, Once, RWMutex, Semaphore, WaitGroup } from "../src/index.js";
import { flush, probe } from "./helpers.js";

const BAD_SIGNALS: readonly [string, unknown][] = [
  ["the AbortController", new AbortController()],
  ["null", null],
  ["0", 0],
  ['"x"', "x"],
  ["true", true],
  ["a plain object", {}],
];

/** Runs `op`, which must not throw synchronously, and returns its rejection. */
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

describe("waits given a signal that is not an AbortSignal", () => {
  describe.each(BAD_SIGNALS)("given %s", (_label, bad) => {
    const options = { signal: bad as AbortSignal };

    it("Mutex.lock / acquire / runExclusive reject and take nothing, free or held", async () => {
      const mu = new Mutex();
      expectInvalidSignal(await rejection(() => mu.lock(options)), "Mutex.lock", bad);
      expectInvalidSignal(await rejection(() => mu.acquire(options)), "Mutex.acquire", bad);
      let ran = false;
      expectInvalidSignal(
        await rejection(() =>
          mu.runExclusive(() => {
            ran = true;
          }, options),
        ),
        "Mutex.lock",
        bad,
      );
      expect(ran).toBe(false);
      expect(mu.locked).toBe(false);
      await mu.lock();
      expectInvalidSignal(await rejection(() => mu.lock(options)), "Mutex.lock", bad);
      expect(mu.waiting).toBe(0);
      // The next waiter is served normally: no dead waiter ahead of it took the unlock.
      const next = probe(mu.lock());
      mu.unlock();
      await flush();
      expect(next.current.state).toBe("resolved");
    });

    it("Semaphore.acquire and withPermits reject and take no permit", async () => {
      const sem = new Semaphore(2);
      expectInvalidSignal(await rejection(() => sem.acquire(1, options)), "Semaphore.acquire", bad);
      expectInvalidSignal(await rejection(() => sem.withPermits(1, () => 1, options)), "Semaphore.acquire", bad);
      expect(sem.tryAcquire(2)).toBe(true);
      expect(sem.waiting).toBe(0);
    });

    it("RWMutex lock, rLock, acquire, acquireRead reject and take nothing", async () => {
      const rw = new RWMutex();
      expectInvalidSignal(await rejection(() => rw.lock(options)), "RWMutex.lock", bad);
      expectInvalidSignal(await rejection(() => rw.rLock(options)), "RWMutex.rLock", bad);
      expectInvalidSignal(await rejection(() => rw.acquire(options)), "RWMutex.acquire", bad);
      expectInvalidSignal(await rejection(() => rw.acquireRead(options)), "RWMutex.acquireRead", bad);
      expect(rw.tryLock()).toBe(true);
    });

    it("Cond.wait rejects before unlocking: the caller still holds the lock and nobody is queued", async () => {
      const mu = new Mutex();
      const cond = new Cond(mu);
      await mu.lock();
      expectInvalidSignal(await rejection(() => cond.wait(options)), "Cond.wait", bad);
      expect(mu.locked).toBe(true);
      expect(cond.waiting).toBe(0);
      mu.unlock();
    });

    it("WaitGroup.wait and Once.do reject, run nothing and queue nothing", async () => {
      const wg = new WaitGroup();
      expectInvalidSignal(await rejection(() => wg.wait(options)), "WaitGroup.wait", bad);
      wg.add(1);
      expectInvalidSignal(await rejection(() => wg.wait(options)), "WaitGroup.wait", bad);
      wg.done();
      const once = new Once();
      let runs = 0;
      expectInvalidSignal(
        await rejection(() =>
          once.do(() => {
            runs++;
          }, options),
        ),
        "Once.do",
        bad,
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

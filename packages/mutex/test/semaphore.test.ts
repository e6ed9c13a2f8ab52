import { getEventListeners } from "node:events";
import { flush, track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError, isInvalidArgumentError, isSemaphoreReleaseError, Semaphore } from "../src/index.js";

describe("Semaphore", () => {
  it("an acquisition that fits resolves at once and counts its permits as held", async () => {
    const sem = new Semaphore(3);
    const permit = await sem.acquire(2);
    expect(permit.weight).toBe(2);
    expect(sem.held).toBe(2);
    expect(sem.available).toBe(1);
    sem.assertInvariants();
  });

  it("an acquisition that does not fit waits until enough permits are released", async () => {
    const sem = new Semaphore(2);
    const first = await sem.acquire(2);
    const second = track(sem.acquire(1));
    await flush();
    expect(second.state).toBe("pending");
    expect(sem.waiting).toBe(1);
    first.release();
    await flush();
    expect(second.state).toBe("fulfilled");
    expect(sem.held).toBe(1);
    sem.assertInvariants();
  });

  it("a large request at the head is not overtaken by later small ones (head-of-line blocking)", async () => {
    const sem = new Semaphore(4);
    const order: string[] = [];
    await sem.acquire(3);
    const big = sem.acquire(4).then((p) => {
      order.push("big");
      return p;
    });
    const small = sem.acquire(1).then((p) => {
      order.push("small");
      return p;
    });
    await flush();
    // One permit is free, enough for `small`, but `big` is first in line.
    expect(order).toEqual([]);
    expect(sem.tryAcquire(1)).toBe(false);
    sem.release(3);
    await flush();
    expect(order).toEqual(["big"]);
    (await big).release();
    await flush();
    expect(order).toEqual(["big", "small"]);
    (await small).release();
    expect(sem.held).toBe(0);
    sem.assertInvariants();
  });

  it("waiters are served in arrival order", async () => {
    const sem = new Semaphore(1);
    await sem.acquire();
    const order: number[] = [];
    const all = [1, 2, 3, 4].map((i) =>
      sem.acquire().then((p) => {
        order.push(i);
        return p;
      }),
    );
    for (let i = 0; i < 4; i++) {
      sem.release();
      await flush();
    }
    expect(order).toEqual([1, 2, 3, 4]);
    (await all[3])?.release();
    expect(sem.available).toBe(1);
  });

  it("one release can let several waiters through, stopping at the first that does not fit", async () => {
    const sem = new Semaphore(5);
    await sem.acquire(5);
    const a = track(sem.acquire(2));
    const b = track(sem.acquire(2));
    const c = track(sem.acquire(3));
    const d = track(sem.acquire(1));
    sem.release(5);
    await flush();
    expect([a, b, c, d].map((p) => p.state)).toEqual(["fulfilled", "fulfilled", "pending", "pending"]);
    expect(sem.held).toBe(4);
    sem.assertInvariants();
  });

  it("aborting a waiting acquisition rejects with the signal's reason and takes no permit", async () => {
    const sem = new Semaphore(1);
    await sem.acquire();
    const controller = new AbortController();
    const waiting = track(sem.acquire(1, { signal: controller.signal }));
    const reason = new Error("give up");
    controller.abort(reason);
    await flush();
    expect(waiting.outcome).toEqual({ state: "rejected", reason });
    expect(sem.waiting).toBe(0);
    sem.release();
    expect(sem.held).toBe(0);
    sem.assertInvariants();
  });

  it("aborting the head waiter lets the waiters behind it through when they fit", async () => {
    const sem = new Semaphore(3);
    await sem.acquire(2);
    const controller = new AbortController();
    const big = track(sem.acquire(3, { signal: controller.signal }));
    const small = track(sem.acquire(1));
    await flush();
    expect(small.state).toBe("pending");
    controller.abort();
    await flush();
    expect(big.state).toBe("rejected");
    expect(small.state).toBe("fulfilled");
    expect(sem.held).toBe(3);
    sem.assertInvariants();
  });

  it("an already-aborted signal rejects at once even when permits are free", async () => {
    const sem = new Semaphore(1);
    const reason = new Error("already");
    await expect(sem.acquire(1, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(sem.held).toBe(0);
  });

  it("an abort after the grant changes nothing: the caller owns the permits", async () => {
    const sem = new Semaphore(1);
    await sem.acquire();
    const controller = new AbortController();
    const waiting = sem.acquire(1, { signal: controller.signal });
    sem.release(); // grants synchronously
    controller.abort();
    const permit = await waiting;
    expect(sem.held).toBe(1);
    permit.release();
    expect(sem.held).toBe(0);
  });

  it("a permit's release is idempotent: the second call does nothing", async () => {
    const sem = new Semaphore(2);
    const permit = await sem.acquire(2);
    permit.release();
    expect(permit.released).toBe(true);
    const other = await sem.acquire(2);
    permit.release(); // must not release `other`'s permits
    expect(sem.held).toBe(2);
    other.release();
  });

  it("`using` releases the permit at the end of the block, even on throw", async () => {
    const sem = new Semaphore(2);
    await expect(
      (async () => {
        using _ = await sem.acquire(2);
        expect(sem.held).toBe(2);
        throw new Error("boom");
      })(),
    ).rejects.toThrow("boom");
    expect(sem.held).toBe(0);
  });

  it("releasing more than held throws SemaphoreReleaseError and changes nothing", async () => {
    const sem = new Semaphore(3);
    await sem.acquire(1);
    let caught: unknown;
    try {
      sem.release(2);
    } catch (error) {
      caught = error;
    }
    expect(isSemaphoreReleaseError(caught)).toBe(true);
    expect(caught).toMatchObject({ name: "SemaphoreReleaseError", released: 2, held: 1 });
    expect((caught as Error).message).toMatch(/release exactly the weight/);
    expect(sem.held).toBe(1);
  });

  it("a request larger than the semaphore rejects with InvalidArgumentError instead of hanging", async () => {
    const sem = new Semaphore(2);
    await expect(sem.acquire(3)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(() => sem.tryAcquire(3)).toThrow(InvalidArgumentError);
    expect(sem.waiting).toBe(0);
  });

  it("fractional, negative and non-numeric weights and sizes are rejected with InvalidArgumentError", async () => {
    expect(() => new Semaphore(0)).toThrow(InvalidArgumentError);
    expect(() => new Semaphore(1.5)).toThrow(/whole number >= 1/);
    const sem = new Semaphore(2);
    await expect(sem.acquire(0.5)).rejects.toSatisfy(isInvalidArgumentError);
    expect(() => sem.release(-1)).toThrow(InvalidArgumentError);
    expect(() => sem.tryAcquire(Number.NaN)).toThrow(InvalidArgumentError);
  });

  it("an acquisition of zero permits succeeds at once when nobody waits, and queues behind waiters otherwise", async () => {
    const sem = new Semaphore(1);
    await sem.acquire(0);
    await sem.acquire(1);
    const big = track(sem.acquire(1));
    const zero = track(sem.acquire(0));
    await flush();
    expect(zero.state).toBe("pending");
    sem.release(1);
    await flush();
    expect(big.state).toBe("fulfilled");
    expect(zero.state).toBe("fulfilled");
  });

  it("tryAcquire succeeds when permits are free and nobody waits, and fails otherwise", async () => {
    const sem = new Semaphore(2);
    expect(sem.tryAcquire(2)).toBe(true);
    expect(sem.tryAcquire(1)).toBe(false);
    sem.release(2);
    expect(sem.tryAcquire()).toBe(true);
    expect(sem.held).toBe(1);
  });

  it("withPermits runs the function holding the permits and releases them when it settles", async () => {
    const sem = new Semaphore(3);
    const value = await sem.withPermits(2, async () => {
      expect(sem.held).toBe(2);
      return 42;
    });
    expect(value).toBe(42);
    expect(sem.held).toBe(0);
    await expect(sem.withPermits(3, () => Promise.reject(new Error("fail")))).rejects.toThrow("fail");
    expect(sem.held).toBe(0);
  });

  it("withPermits does not run the function when the wait is aborted", async () => {
    const sem = new Semaphore(1);
    await sem.acquire();
    const controller = new AbortController();
    let ran = false;
    const run = sem.withPermits(
      1,
      () => {
        ran = true;
      },
      { signal: controller.signal },
    );
    controller.abort();
    await expect(run).rejects.toBeDefined();
    expect(ran).toBe(false);
    expect(sem.held).toBe(1);
  });

  it("a thousand waits aborted by one signal leave no waiter behind and share one abort listener", async () => {
    const sem = new Semaphore(1);
    await sem.acquire();
    const controller = new AbortController();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < 1000; i++) pending.push(sem.acquire(1, { signal: controller.signal }).catch(() => undefined));
    expect(sem.waiting).toBe(1000);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    controller.abort();
    expect(sem.waiting).toBe(0);
    await Promise.all(pending);
    sem.assertInvariants();
  });

  it("an abort of the head that lets later waiters on the same signal through fails them all, granting none", async () => {
    const sem = new Semaphore(3);
    const one = await sem.acquire(1);
    await sem.acquire(2);
    const controller = new AbortController();
    const head = track(sem.acquire(3, { signal: controller.signal }));
    const fits = track(sem.acquire(1, { signal: controller.signal }));
    const tooBig = track(sem.acquire(3, { signal: controller.signal }));
    one.release(); // 1 permit free, but the head (3) blocks everyone behind it
    await flush();
    expect(sem.waiting).toBe(3);
    // The head leaves first; while it does, the next waiter fits and is failed
    // (its signal is aborted); the last still does not fit and must be failed too.
    controller.abort(new Error("shutdown"));
    await flush();
    expect([head, fits, tooBig].map((p) => p.state)).toEqual(["rejected", "rejected", "rejected"]);
    expect(sem.held).toBe(2);
    expect(sem.waiting).toBe(0);
    sem.assertInvariants();
  });
});

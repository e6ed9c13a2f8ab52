import { flush, track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import { isUnlockOfUnlockedError, RWMutex } from "../src/index.js";

describe("RWMutex", () => {
  it("many readers hold the lock at once", async () => {
    const rw = new RWMutex();
    await rw.rLock();
    await rw.rLock();
    expect(rw.tryRLock()).toBe(true);
    expect(rw.readers).toBe(3);
    expect(rw.tryLock()).toBe(false);
    rw.assertInvariants();
  });

  it("a writer waits for the readers to leave", async () => {
    const rw = new RWMutex();
    await rw.rLock();
    await rw.rLock();
    const writer = track(rw.lock());
    rw.rUnlock();
    await flush();
    expect(writer.state).toBe("pending");
    rw.rUnlock();
    await flush();
    expect(writer.state).toBe("fulfilled");
    expect(rw.writing).toBe(true);
    rw.assertInvariants();
  });

  it("a waiting writer blocks new readers", async () => {
    const rw = new RWMutex();
    await rw.rLock();
    const writer = track(rw.lock());
    expect(rw.tryRLock()).toBe(false);
    const lateReader = track(rw.rLock());
    await flush();
    expect(lateReader.state).toBe("pending");
    rw.rUnlock();
    await flush();
    expect(writer.state).toBe("fulfilled");
    expect(lateReader.state).toBe("pending");
    rw.unlock();
    await flush();
    expect(lateReader.state).toBe("fulfilled");
    rw.assertInvariants();
  });

  it("when a writer unlocks, every waiting reader is admitted as one batch before the next writer", async () => {
    const rw = new RWMutex();
    await rw.lock();
    const r1 = track(rw.rLock());
    const w2 = track(rw.lock());
    const r2 = track(rw.rLock());
    rw.unlock();
    await flush();
    expect(r1.state).toBe("fulfilled");
    expect(r2.state).toBe("fulfilled");
    expect(w2.state).toBe("pending");
    expect(rw.readers).toBe(2);
    rw.rUnlock();
    rw.rUnlock();
    await flush();
    expect(w2.state).toBe("fulfilled");
    rw.assertInvariants();
  });

  it("writers are served in arrival order", async () => {
    const rw = new RWMutex();
    await rw.lock();
    const order: number[] = [];
    const writers = [1, 2, 3].map((i) => rw.lock().then(() => order.push(i)));
    for (let i = 0; i < 3; i++) {
      rw.unlock();
      await flush();
    }
    await Promise.all(writers);
    expect(order).toEqual([1, 2, 3]);
  });

  it("aborting the only waiting writer lets the readers queued behind it in", async () => {
    const rw = new RWMutex();
    await rw.rLock();
    const controller = new AbortController();
    const writer = track(rw.lock({ signal: controller.signal }));
    const reader = track(rw.rLock());
    await flush();
    expect(reader.state).toBe("pending");
    controller.abort();
    await flush();
    expect(writer.state).toBe("rejected");
    expect(reader.state).toBe("fulfilled");
    expect(rw.readers).toBe(2);
    rw.assertInvariants();
  });

  it("aborting a waiting reader removes it without admitting anyone", async () => {
    const rw = new RWMutex();
    await rw.lock();
    const controller = new AbortController();
    const reader = track(rw.rLock({ signal: controller.signal }));
    controller.abort();
    await flush();
    expect(reader.state).toBe("rejected");
    expect(rw.waiting).toEqual({ readers: 0, writers: 0 });
    rw.unlock();
    expect(rw.readers).toBe(0);
    expect(rw.writing).toBe(false);
  });

  it("unlock without a writer and rUnlock without a reader throw UnlockOfUnlockedError", async () => {
    const rw = new RWMutex();
    expect(() => rw.unlock()).toThrow(expect.objectContaining({ operation: "RWMutex.unlock" }));
    expect(() => rw.rUnlock()).toThrow(expect.objectContaining({ operation: "RWMutex.rUnlock" }));
    await rw.rLock();
    let caught: unknown;
    try {
      rw.unlock();
    } catch (error) {
      caught = error;
    }
    expect(isUnlockOfUnlockedError(caught)).toBe(true);
    expect(rw.readers).toBe(1);
  });

  it("runShared lets readers overlap and runExclusive excludes everyone", async () => {
    const rw = new RWMutex();
    let readersInside = 0;
    let maxReaders = 0;
    let writerOverlap = false;
    const read = () =>
      rw.runShared(async () => {
        readersInside++;
        maxReaders = Math.max(maxReaders, readersInside);
        await flush();
        readersInside--;
      });
    const write = () =>
      rw.runExclusive(async () => {
        if (readersInside > 0) writerOverlap = true;
        await flush();
      });
    await Promise.all([read(), read(), read(), write(), read()]);
    expect(maxReaders).toBe(3);
    expect(writerOverlap).toBe(false);
    expect(rw.readers).toBe(0);
    expect(rw.writing).toBe(false);
  });

  it("acquire and acquireRead return guards for `using`", async () => {
    const rw = new RWMutex();
    {
      using _read = await rw.acquireRead();
      expect(rw.readers).toBe(1);
    }
    {
      using write = await rw.acquire();
      expect(rw.writing).toBe(true);
      write.release();
      write.release();
    }
    expect(rw.writing).toBe(false);
    expect(rw.readers).toBe(0);
  });

  it("rLocker locks and unlocks the read side and is always the same object", async () => {
    const rw = new RWMutex();
    const locker = rw.rLocker();
    expect(rw.rLocker()).toBe(locker);
    await locker.lock();
    expect(rw.readers).toBe(1);
    locker.unlock();
    expect(rw.readers).toBe(0);
  });
});

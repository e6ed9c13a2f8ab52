import { flush, track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import { isInvalidArgumentError, Once, onceValue } from "../src/index.js";

describe("Once", () => {
  it("do runs the function exactly once", async () => {
    const once = new Once();
    let calls = 0;
    await once.do(() => calls++);
    await once.do(() => calls++);
    expect(calls).toBe(1);
    expect(once.done).toBe(true);
  });

  it("concurrent callers wait for the running function to finish", async () => {
    const once = new Once();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = track(once.do(() => gate));
    const second = track(once.do(() => expect.unreachable()));
    await flush();
    expect(first.state).toBe("pending");
    expect(second.state).toBe("pending");
    release();
    await flush();
    expect(first.state).toBe("fulfilled");
    expect(second.state).toBe("fulfilled");
    once.assertInvariants();
  });

  it("a synchronous function is called within the first do call", () => {
    const once = new Once();
    let called = false;
    void once.do(() => {
      called = true;
    });
    expect(called).toBe(true);
    expect(once.done).toBe(true);
  });

  it("a failing function counts as done: its caller gets the error, waiters resolve, nothing is retried", async () => {
    const once = new Once();
    let fail!: (error: Error) => void;
    const running = new Promise<void>((_, reject) => {
      fail = reject;
    });
    const runner = track(once.do(() => running));
    const waiter = track(once.do(() => undefined));
    const error = new Error("init failed");
    fail(error);
    await flush();
    expect(runner.outcome).toEqual({ state: "rejected", reason: error });
    expect(waiter.state).toBe("fulfilled");
    expect(once.done).toBe(true);
    let retried = false;
    await once.do(() => {
      retried = true;
    });
    expect(retried).toBe(false);
  });

  it("a synchronous throw rejects the caller's promise instead of throwing", async () => {
    const once = new Once();
    const result = once.do(() => {
      throw new Error("sync");
    });
    await expect(result).rejects.toThrow("sync");
    expect(once.done).toBe(true);
  });

  it("an aborted waiter stops waiting while the function keeps running", async () => {
    const once = new Once();
    let release!: () => void;
    const runner = track(
      once.do(
        () =>
          new Promise<void>((resolve) => {
            release = resolve;
          }),
      ),
    );
    const controller = new AbortController();
    const waiter = track(once.do(() => undefined, { signal: controller.signal }));
    controller.abort("bored");
    await flush();
    expect(waiter.outcome).toEqual({ state: "rejected", reason: "bored" });
    release();
    await flush();
    expect(runner.state).toBe("fulfilled");
    expect(once.done).toBe(true);
  });

  it("an already-aborted signal rejects without running the function", async () => {
    const once = new Once();
    let ran = false;
    await expect(
      once.do(
        () => {
          ran = true;
        },
        { signal: AbortSignal.abort() },
      ),
    ).rejects.toBeDefined();
    expect(ran).toBe(false);
    expect(once.done).toBe(false);
  });
});

describe("onceValue", () => {
  it("runs the function once and gives every caller the same value", async () => {
    let calls = 0;
    const get = onceValue(async () => ({ n: ++calls }));
    const [a, b] = await Promise.all([get(), get()]);
    expect(a).toBe(b);
    expect(await get()).toBe(a);
    expect(calls).toBe(1);
  });

  it("caches a failure and gives it to every caller", async () => {
    let calls = 0;
    const get = onceValue((): number => {
      calls++;
      throw new Error("no config");
    });
    await expect(get()).rejects.toThrow("no config");
    await expect(get()).rejects.toThrow("no config");
    expect(calls).toBe(1);
  });
});

describe("Once under misuse", () => {
  it("a result whose then getter throws rejects that caller and completes the Once, instead of leaving it stuck", async () => {
    const once = new Once();
    const boom = new Error("then getter");
    const hostile = {
      // biome-ignore lint/suspicious/noThenProperty: the hostile thenable is what this test is about
      get then(): never {
        throw boom;
      },
    };
    let outcome: unknown;
    try {
      await once.do(() => hostile);
    } catch (error) {
      outcome = error;
    }
    expect(outcome).toBe(boom);
    expect(once.done).toBe(true);
    // Later callers are not stuck behind a run that never finishes.
    const later = track(once.do(() => 1));
    await flush();
    expect(later.state).toBe("fulfilled");
  });

  it("do(undefined) rejects with InvalidArgumentError and changes nothing: the next do still runs its function", async () => {
    const once = new Once();
    let error: unknown;
    try {
      await once.do(undefined as never);
    } catch (e) {
      error = e;
    }
    expect(isInvalidArgumentError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^Once\.do\(fn\): fn must be a function \(got undefined\)/);
    expect(once.done).toBe(false);
    let ran = false;
    await once.do(() => {
      ran = true;
    });
    expect(ran).toBe(true);
  });
});

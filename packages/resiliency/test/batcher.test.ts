import { getEventListeners } from "node:events";
import { InvalidSignalError } from "@csp-kit/channel";
import { InvalidClockError, InvalidDurationError } from "@csp-kit/timers";
import { ManualClock } from "@csp-kit/timers/testing";
import { describe, expect, it } from "vitest";
import { Batcher, InvalidOptionError } from "../src/index.js";

/** A batcher on a manual clock whose doWork records each batch and answers with its index. */
function recording(timeout = 10) {
  const clock = new ManualClock();
  const batches: (readonly string[])[] = [];
  const batcher = new Batcher<string, number>(
    timeout,
    (params) => {
      batches.push(params);
      return batches.length - 1;
    },
    { clock },
  );
  return { batcher, batches, clock };
}

describe("Batcher", () => {
  it("gathers the calls made within the window into one doWork call, in arrival order; all get its result", async () => {
    const { batcher, batches, clock } = recording();
    const a = batcher.run("a");
    clock.advance(5);
    const b = batcher.run("b");
    const c = batcher.run("c");
    expect(batcher.pending).toBe(3);
    expect(batches).toEqual([]);
    clock.advance(5);
    expect(batches).toEqual([["a", "b", "c"]]);
    await expect(Promise.all([a, b, c])).resolves.toEqual([0, 0, 0]);
    expect(Object.isFrozen(batches[0])).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it("a call after the window closed opens the next window", async () => {
    const { batcher, batches, clock } = recording();
    const first = batcher.run("a");
    clock.advance(10);
    const second = batcher.run("b");
    clock.advance(10);
    expect(await Promise.all([first, second])).toEqual([0, 1]);
    expect(batches).toEqual([["a"], ["b"]]);
  });

  it("a rejected or throwing doWork rejects every caller of that batch with the same error", async () => {
    const clock = new ManualClock();
    const error = new Error("insert failed");
    const async = new Batcher<number>(10, () => Promise.reject(error), { clock });
    const p = [async.run(1), async.run(2)].map((x) => x.catch((e: unknown) => e));
    clock.advance(10);
    expect(await Promise.all(p)).toEqual([error, error]);
    expect((await p[0]) === (await p[1])).toBe(true);

    const sync = new Batcher<number>(
      10,
      () => {
        throw error;
      },
      { clock },
    );
    const q = sync.run(3).catch((e: unknown) => e);
    clock.advance(10);
    expect(await q).toBe(error);
  });

  it("waits for an async doWork; a new window opens while it runs (batches may overlap, as in Go)", async () => {
    const clock = new ManualClock();
    const finish: (() => void)[] = [];
    const batcher = new Batcher<number, string>(
      10,
      (params) => new Promise<string>((r) => finish.push(() => r(params.join("+")))),
      { clock },
    );
    const a = batcher.run(1);
    clock.advance(10);
    const b = batcher.run(2);
    clock.advance(10);
    expect(batcher.running).toBe(2);
    finish[1]?.();
    await expect(b).resolves.toBe("2");
    finish[0]?.();
    await expect(a).resolves.toBe("1");
    expect(batcher.running).toBe(0);
  });

  it("a timeout of 0 turns batching off: each run calls doWork with its own parameter at once", async () => {
    const { batcher, batches, clock } = recording(0);
    const a = batcher.run("a");
    const b = batcher.run("b");
    expect(batches).toEqual([["a"], ["b"]]);
    expect(await Promise.all([a, b])).toEqual([0, 1]);
    expect(clock.totalScheduled).toBe(0);
  });

  it("an abort while the window is open withdraws the parameter and rejects with signal.reason", async () => {
    const { batcher, batches, clock } = recording();
    const controller = new AbortController();
    const a = batcher.run("a");
    const b = batcher.run("b", { signal: controller.signal }).catch((e: unknown) => e);
    controller.abort("changed my mind");
    expect(await b).toBe("changed my mind");
    expect(batcher.pending).toBe(1);
    clock.advance(10);
    expect(batches).toEqual([["a"]]);
    await expect(a).resolves.toBe(0);
    batcher.assertInvariants();
  });

  it("withdrawing the last parameter closes the window without calling doWork", async () => {
    const { batcher, batches, clock } = recording();
    const controller = new AbortController();
    const b = batcher.run("b", { signal: controller.signal }).catch((e: unknown) => e);
    expect(clock.pending).toBe(1);
    controller.abort(new Error("bye"));
    await b;
    expect(clock.pending).toBe(0);
    expect(batcher.pending).toBe(0);
    clock.advance(100);
    expect(batches).toEqual([]);
  });

  it("an abort after the batch started changes nothing: the caller gets the batch's outcome", async () => {
    const clock = new ManualClock();
    let finish!: (v: string) => void;
    const batcher = new Batcher<string, string>(10, () => new Promise<string>((r) => (finish = r)), { clock });
    const controller = new AbortController();
    const p = batcher.run("x", { signal: controller.signal });
    clock.advance(10);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    controller.abort("too late");
    finish("written");
    await expect(p).resolves.toBe("written");
  });

  it("an already-aborted signal joins nothing; a bad signal is a typed error", async () => {
    const { batcher, clock } = recording();
    await expect(batcher.run("a", { signal: AbortSignal.abort("no") })).rejects.toBe("no");
    await expect(batcher.run("a", { signal: {} as never })).rejects.toBeInstanceOf(InvalidSignalError);
    expect(batcher.pending).toBe(0);
    expect(clock.totalScheduled).toBe(0);
  });

  it("a prefilter that throws refuses the parameter (Go's Prefilter)", async () => {
    const clock = new ManualClock();
    const seen: number[][] = [];
    const batcher = new Batcher<number>(10, (p) => void seen.push([...p]), {
      clock,
      prefilter: (n) => {
        if (n < 0) throw new RangeError(`negative: ${n}`);
      },
    });
    await expect(batcher.run(-1)).rejects.toThrow("negative: -1");
    const ok = batcher.run(1);
    clock.advance(10);
    await ok;
    expect(seen).toEqual([[1]]);
  });

  it("flush() starts the open batch now and resolves when its doWork settled; idle, it resolves at once", async () => {
    const clock = new ManualClock();
    let finish!: () => void;
    const order: string[] = [];
    const batcher = new Batcher<string>(1_000, () => new Promise<void>((r) => (finish = r)), { clock });
    await batcher.flush();
    const p = batcher.run("a").then(() => order.push("caller"));
    const flushed = batcher.flush().then(() => order.push("flush"));
    expect(clock.pending).toBe(0);
    expect(batcher.running).toBe(1);
    finish();
    await Promise.all([p, flushed]);
    expect(order).toEqual(["caller", "flush"]);
  });

  it("flush() never rejects: the batch's callers get its error", async () => {
    const batcher = new Batcher<number>(1_000, () => Promise.reject(new Error("x")), { clock: new ManualClock() });
    const p = batcher.run(1).catch((e: unknown) => e);
    await expect(batcher.flush()).resolves.toBeUndefined();
    expect(await p).toEqual(new Error("x"));
  });

  it("rejects bad options with typed errors", () => {
    const work = () => undefined;
    expect(() => new Batcher(-1, work)).toThrow(InvalidDurationError);
    expect(() => new Batcher(Number.NaN, work)).toThrow(/timeout must be a finite number/);
    expect(() => new Batcher(10, null as never)).toThrow(InvalidOptionError);
    expect(() => new Batcher(10, work, { prefilter: 1 as never })).toThrow(/prefilter must be a function/);
    expect(() => new Batcher(10, work, { clock: null as never })).toThrow(InvalidClockError);
  });
});

import { flush, track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import {
  ErrGroup,
  ErrGroupActiveError,
  InvalidArgumentError,
  isErrGroupActiveError,
  isSyncError,
} from "../src/index.js";

/** A task the test finishes by hand: `ok()` resolves it, `fail(e)` rejects it. */
function manual(): {
  task: (signal: AbortSignal) => Promise<void>;
  ok(): void;
  fail(e: unknown): void;
  seen: AbortSignal | undefined;
} {
  let settle: { resolve(): void; reject(e: unknown): void } | undefined;
  const m = {
    task: (signal: AbortSignal) => {
      m.seen = signal;
      return new Promise<void>((resolve, reject) => {
        settle = { resolve, reject };
      });
    },
    ok: () => settle?.resolve(),
    fail: (e: unknown) => settle?.reject(e),
    seen: undefined as AbortSignal | undefined,
  };
  return m;
}

describe("ErrGroup", () => {
  it("runs every task with the group signal and wait() resolves once all have succeeded", async () => {
    const g = new ErrGroup();
    const a = manual();
    const b = manual();
    await g.go(a.task);
    await g.go(b.task);
    expect([g.active, a.seen, b.seen]).toEqual([2, g.signal, g.signal]);
    const waited = track(g.wait());
    a.ok();
    await flush();
    expect(waited.state).toBe("pending");
    b.ok();
    await flush();
    expect(waited.outcome).toEqual({ state: "fulfilled", value: undefined });
    expect(g.signal.aborted).toBe(false);
    g.assertInvariants();
  });

  it("the first failure aborts the signal with its error; wait() rejects with it, now and later; later failures are ignored", async () => {
    const g = new ErrGroup();
    const tasks = [manual(), manual(), manual()];
    for (const t of tasks) g.tryGo(t.task);
    let aborts = 0;
    g.signal.addEventListener("abort", () => aborts++);
    const waited = track(g.wait());
    const first = new Error("first");
    tasks[1]?.fail(first);
    await flush();
    expect([g.signal.aborted, g.signal.reason, aborts]).toEqual([true, first, 1]);
    expect(waited.state).toBe("pending"); // the others still run
    tasks[0]?.fail(new Error("second"));
    tasks[2]?.ok();
    await flush();
    expect(waited.outcome).toEqual({ state: "rejected", reason: first });
    expect(aborts).toBe(1);
    await expect(g.wait()).rejects.toBe(first);
    g.assertInvariants();
  });

  it("a synchronous throw, and a throw of undefined, are failures too", async () => {
    const g = new ErrGroup();
    g.tryGo(() => {
      throw undefined;
    });
    g.tryGo(() => 42); // a plain value is a success
    await expect(g.wait()).rejects.toBeUndefined();
    expect(g.signal.aborted).toBe(true);
  });

  it("with a limit, go() waits in line for a slot and resolves once its task has started; tryGo refuses", async () => {
    const g = new ErrGroup({ limit: 2 });
    const t = [manual(), manual(), manual(), manual()];
    await g.go(t[0]!.task);
    await g.go(t[1]!.task);
    const third = track(g.go(t[2]!.task));
    const fourth = track(g.go(t[3]!.task));
    await flush();
    expect([g.active, g.queued, third.state, t[2]!.seen]).toEqual([2, 2, "pending", undefined]);
    expect(g.tryGo(() => {})).toBe(false);
    t[0]!.ok();
    await flush();
    expect([third.state, fourth.state, t[2]!.seen, g.active, g.queued]).toEqual([
      "fulfilled",
      "pending",
      g.signal,
      2,
      1,
    ]);
    t[1]!.ok();
    await flush();
    expect([fourth.state, t[3]!.seen, g.queued]).toEqual(["fulfilled", g.signal, 0]);
    t[2]!.ok();
    t[3]!.ok();
    await g.wait();
    expect([g.active, g.queued]).toEqual([0, 0]);
    g.assertInvariants();
  });

  it("a go() aborted while it waits for a slot never runs its task, and wait() does not wait for it", async () => {
    const g = new ErrGroup({ limit: 1 });
    const running = manual();
    await g.go(running.task);
    const controller = new AbortController();
    let ran = false;
    const queued = track(
      g.go(
        () => {
          ran = true;
        },
        { signal: controller.signal },
      ),
    );
    const waited = track(g.wait());
    controller.abort("gave up");
    await flush();
    expect([queued.outcome, g.queued]).toEqual([{ state: "rejected", reason: "gave up" }, 0]);
    running.ok();
    await flush();
    expect([waited.state, ran]).toEqual(["fulfilled", false]);
    g.assertInvariants();
  });

  it("setLimit throws ErrGroupActiveError while tasks run, accepts Infinity, refuses 0", async () => {
    const g = new ErrGroup();
    const t = manual();
    g.tryGo(t.task);
    let error: unknown;
    try {
      g.setLimit(3);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ErrGroupActiveError);
    expect(isErrGroupActiveError(error) && isSyncError(error)).toBe(true);
    expect((error as ErrGroupActiveError).active).toBe(1);
    expect((error as Error).message).toMatch(/set the limit before the first go\(\)/);
    expect(g.limit).toBe(Number.POSITIVE_INFINITY);
    t.ok();
    await g.wait();
    g.setLimit(3);
    expect(g.limit).toBe(3);
    g.setLimit(Number.POSITIVE_INFINITY);
    expect(() => g.setLimit(0)).toThrow(InvalidArgumentError);
    expect(() => g.setLimit(1.5)).toThrow(/whole number >= 1, or Infinity/);
    expect(() => new ErrGroup({ limit: -1 })).toThrow(InvalidArgumentError);
  });

  it("a parent signal's abort aborts the group signal with its reason, but is not a failure", async () => {
    const parent = new AbortController();
    const g = new ErrGroup({ signal: parent.signal });
    const t = manual();
    await g.go(t.task);
    parent.abort("shutdown");
    expect([g.signal.aborted, g.signal.reason]).toEqual([true, "shutdown"]);
    t.ok(); // this task ignored the abort and succeeded
    await expect(g.wait()).resolves.toBeUndefined();
    const late = new ErrGroup({ signal: parent.signal });
    expect(late.signal.reason).toBe("shutdown");
  });

  it("an idle group sees a parent abort at its next go()", async () => {
    const parent = new AbortController();
    const g = new ErrGroup({ signal: parent.signal });
    g.tryGo(() => {});
    await g.wait(); // idle again: the group no longer watches the parent
    parent.abort("later");
    let seen: unknown;
    g.tryGo((signal) => {
      seen = signal.reason;
    });
    expect(seen).toBe("later");
    await g.wait();
  });

  it("a group that succeeded can run another round", async () => {
    const g = new ErrGroup({ limit: 1 });
    const log: number[] = [];
    for (const n of [1, 2]) await g.go(async () => void log.push(n));
    await g.wait();
    for (const n of [3, 4]) await g.go(async () => void log.push(n));
    await g.wait();
    expect(log).toEqual([1, 2, 3, 4]);
    expect(g.signal.aborted).toBe(false);
  });

  it("wait({ signal }) stops only that wait", async () => {
    const g = new ErrGroup();
    const t = manual();
    g.tryGo(t.task);
    const controller = new AbortController();
    const waited = track(g.wait({ signal: controller.signal }));
    controller.abort("impatient");
    await flush();
    expect(waited.outcome).toEqual({ state: "rejected", reason: "impatient" });
    expect(g.active).toBe(1);
    t.ok();
    await g.wait();
  });

  it("refuses a task that is not a function and a signal that is not an AbortSignal, before anything runs", async () => {
    const g = new ErrGroup();
    await expect(g.go(42 as never)).rejects.toThrow(/ErrGroup.go\(fn\): must be a function/);
    expect(() => g.tryGo(undefined as never)).toThrow(InvalidArgumentError);
    await expect(g.go(() => {}, { signal: new AbortController() as never })).rejects.toThrow(/signal/);
    expect(() => new ErrGroup({ signal: {} as never })).toThrow(/signal/);
    expect([g.active, g.queued]).toEqual([0, 0]);
  });

  it("a task that starts synchronously many times over does not recurse: 10,000 queued sync tasks on limit 1", async () => {
    const g = new ErrGroup({ limit: 1 });
    let n = 0;
    const starts: Promise<void>[] = [];
    for (let i = 0; i < 10_000; i++) starts.push(g.go(() => void n++));
    await Promise.all(starts);
    await g.wait();
    expect(n).toBe(10_000);
  });
});

import { flush, track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError, isNegativeWaitGroupCounterError, WaitGroup } from "../src/index.js";

describe("WaitGroup", () => {
  it("wait on a zero counter resolves at once", async () => {
    const wg = new WaitGroup();
    await wg.wait();
    expect(wg.count).toBe(0);
  });

  it("wait resolves when the last done brings the counter to zero", async () => {
    const wg = new WaitGroup();
    wg.add(2);
    const a = track(wg.wait());
    const b = track(wg.wait());
    wg.done();
    await flush();
    expect(a.state).toBe("pending");
    wg.done();
    await flush();
    expect(a.state).toBe("fulfilled");
    expect(b.state).toBe("fulfilled");
    wg.assertInvariants();
  });

  it("a negative counter throws NegativeWaitGroupCounterError and leaves the counter unchanged", () => {
    const wg = new WaitGroup();
    wg.add(1);
    let caught: unknown;
    try {
      wg.add(-2);
    } catch (error) {
      caught = error;
    }
    expect(isNegativeWaitGroupCounterError(caught)).toBe(true);
    expect(caught).toMatchObject({ name: "NegativeWaitGroupCounterError", counter: 1, delta: -2 });
    expect((caught as Error).message).toMatch(/done\(\) exactly once per task/);
    expect(wg.count).toBe(1);
    wg.done();
    expect(() => wg.done()).toThrow(/counter would become -1/);
  });

  it("a fractional delta is rejected with InvalidArgumentError", () => {
    const wg = new WaitGroup();
    expect(() => wg.add(0.5)).toThrow(InvalidArgumentError);
    expect(wg.count).toBe(0);
  });

  it("aborting a wait rejects it and leaves the counter and the other waiters alone", async () => {
    const wg = new WaitGroup();
    wg.add(1);
    const controller = new AbortController();
    const aborted = track(wg.wait({ signal: controller.signal }));
    const other = track(wg.wait());
    controller.abort();
    await flush();
    expect(aborted.state).toBe("rejected");
    expect(wg.waiting).toBe(1);
    wg.done();
    await flush();
    expect(other.state).toBe("fulfilled");
  });

  it("go runs the task, counts it and returns its result", async () => {
    const wg = new WaitGroup();
    const results: number[] = [];
    const tasks = [1, 2, 3].map((i) =>
      wg.go(async () => {
        await flush();
        results.push(i);
        return i * 10;
      }),
    );
    expect(wg.count).toBe(3);
    await wg.wait();
    expect(results.sort()).toEqual([1, 2, 3]);
    expect(await Promise.all(tasks)).toEqual([10, 20, 30]);
  });

  it("go counts a task as done even when it throws", async () => {
    const wg = new WaitGroup();
    const failed = wg.go(() => {
      throw new Error("task failed");
    });
    await expect(failed).rejects.toThrow("task failed");
    expect(wg.count).toBe(0);
    await wg.wait();
  });

  it("a WaitGroup can be reused after its counter returns to zero", async () => {
    const wg = new WaitGroup();
    wg.add(1);
    wg.done();
    await wg.wait();
    wg.add(1);
    const second = track(wg.wait());
    await flush();
    expect(second.state).toBe("pending");
    wg.done();
    await flush();
    expect(second.state).toBe("fulfilled");
  });
});

describe("WaitGroup under misuse", () => {
  it("refuses an add that would take the counter past the largest safe integer, and keeps the counter", () => {
    const wg = new WaitGroup();
    wg.add(Number.MAX_SAFE_INTEGER);
    expect(() => wg.add(Number.MAX_SAFE_INTEGER)).toThrow(InvalidArgumentError);
    expect(() => wg.add(1)).toThrow(/counter is 9007199254740991/);
    expect(wg.count).toBe(Number.MAX_SAFE_INTEGER);
    wg.add(-Number.MAX_SAFE_INTEGER);
    expect(wg.count).toBe(0);
  });

  it("done() below zero names done(), not add(-1)", () => {
    const wg = new WaitGroup();
    let error: unknown;
    try {
      wg.done();
    } catch (e) {
      error = e;
    }
    expect(isNegativeWaitGroupCounterError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^WaitGroup\.done\(\): /);
    expect((error as Error).message).not.toContain("add(-1)");
    expect(() => wg.add(-2)).toThrow(/^WaitGroup\.add\(-2\): /);
  });

  it("a fractional delta says a whole number is expected, without a meaningless lower bound", () => {
    const wg = new WaitGroup();
    expect(() => wg.add(1.5)).toThrow(/^WaitGroup\.add\(delta\): must be a whole number \(got 1\.5\)$/);
    expect(() => wg.add("1" as never)).toThrow(/\(got the string "1"\)$/);
  });
});

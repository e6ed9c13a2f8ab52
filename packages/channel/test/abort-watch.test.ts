import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { type AbortLinks, unwatchAbort, watchAbort } from "../src/internal/abort-watch.js";

/** An operation that records what it was told and may run an action when aborted. */
class Op implements AbortLinks {
  abortList: object | undefined = undefined;
  abortPrev: AbortLinks | undefined = undefined;
  abortNext: AbortLinks | undefined = undefined;
  told: unknown[] = [];
  constructor(private readonly onTold: () => void = () => {}) {}
  onAbort(reason: unknown): void {
    this.told.push(reason);
    this.onTold();
  }
}

describe("abort watch", () => {
  it("registers one listener per signal however many operations watch it", () => {
    const controller = new AbortController();
    const ops = Array.from({ length: 100 }, () => new Op());
    for (const op of ops) watchAbort(controller.signal, op);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    for (const op of ops.slice(0, 50)) unwatchAbort(op);
    controller.abort("stop");
    expect(ops.map((op) => op.told.length)).toEqual([...Array(50).fill(0), ...Array(50).fill(1)]);
  });

  it("tells every operation once, oldest first, even when a callback unwatches a later one", () => {
    const controller = new AbortController();
    const order: string[] = [];
    const third = new Op(() => order.push("third"));
    const second = new Op(() => order.push("second"));
    // The first operation's callback settles the second one, which leaves the list.
    const first = new Op(() => {
      order.push("first");
      unwatchAbort(second);
    });
    for (const op of [first, second, third]) watchAbort(controller.signal, op);
    controller.abort("stop");
    expect(order).toEqual(["first", "second", "third"]);
    expect([first, second, third].map((op) => op.told)).toEqual([["stop"], ["stop"], ["stop"]]);
    expect([first, second, third].every((op) => op.abortList === undefined)).toBe(true);
  });
});

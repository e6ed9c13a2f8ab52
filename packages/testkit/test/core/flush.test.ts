import { describe, expect, it } from "vitest";
import { isInvalidTurnsError } from "../../src/core/errors.js";
import { flush } from "../../src/core/flush.js";
import { track } from "../../src/core/track.js";

describe("flush", () => {
  it("runs every queued reaction, and the reactions those queue", async () => {
    const seen: string[] = [];
    void Promise.resolve()
      .then(() => seen.push("a"))
      .then(() => seen.push("b"))
      .then(() => seen.push("c"));
    await flush();
    expect(seen).toEqual(["a", "b", "c"]);
  });

  it("flush(n) lets n macrotask turns pass", async () => {
    let turns = 0;
    const tick = (): void => {
      turns++;
      if (turns < 5) setImmediate(tick);
    };
    setImmediate(tick);
    await flush(3);
    expect(turns).toBe(3);
  });

  it("flush(0) waits for no macrotask", async () => {
    let ran = false;
    setImmediate(() => {
      ran = true;
    });
    await flush(0);
    expect(ran).toBe(false);
  });

  it("refuses a turn count that is not a non-negative integer", async () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = await flush(bad).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isInvalidTurnsError(error)).toBe(true);
      expect((error as Error).message).toContain("non-negative integer");
    }
  });
});

describe("track", () => {
  it("reports pending, then the value and the outcome once fulfilled", async () => {
    let resolve!: (v: number) => void;
    const t = track(new Promise<number>((r) => (resolve = r)));
    expect(t.outcome).toEqual({ state: "pending" });
    resolve(7);
    expect(t.state).toBe("pending");
    await flush();
    expect([t.state, t.value, t.reason]).toEqual(["fulfilled", 7, undefined]);
    expect(t.outcome).toEqual({ state: "fulfilled", value: 7 });
  });

  it("reports the reason once rejected, and marks the rejection handled", async () => {
    const reason = new Error("no");
    const t = track(Promise.reject(reason));
    await flush();
    expect([t.state, t.value, t.reason]).toEqual(["rejected", undefined, reason]);
    expect(t.outcome).toEqual({ state: "rejected", reason });
  });
});

import { Channel, Some } from "@csp-kit/channel";
import { settle } from "@csp-kit/timers/testing";
import { describe, expect, it } from "vitest";
import { type RetryBufferOptions, retryBuffer } from "./retry-buffer.js";

/** A retry buffer between an unbuffered retry channel and `input` (unbuffered unless given). */
function setup(options: Omit<RetryBufferOptions<number>, "signal"> = {}, input = new Channel<number>()) {
  const retries = new Channel<number>();
  const stop = new AbortController();
  const done = retryBuffer(retries, input, { ...options, signal: stop.signal });
  done.catch(() => {}); // observed by the tests that care
  /** Offers a retry without waiting: "sent" proves the loop was ready to take it. */
  const retry = async (n: number) => {
    await settle(); // let the loop get back to its select
    const outcome = retries.trySend(n);
    await settle(); // let it act on the retry
    return outcome;
  };
  return { retries, input, stop, done, retry };
}

/** Receives everything the input offers now, without waiting for more. */
async function drain(input: Channel<number>): Promise<number[]> {
  const got: number[] = [];
  for (;;) {
    await settle();
    const r = input.tryRecv();
    if (r === "would-block" || r.isNone()) return got;
    got.push(r.value);
  }
}

describe("the retry buffer", () => {
  it("takes every retry at once while nobody reads the input: the retry path never waits", async () => {
    const { retry, stop } = setup();
    const outcomes: string[] = [];
    for (let i = 0; i < 200; i++) outcomes.push(await retry(i));
    expect(outcomes.every((o) => o === "sent")).toBe(true);
    stop.abort();
  });

  it("hands the retries to the input in the order they failed", async () => {
    const { retry, input, stop } = setup();
    for (let i = 0; i < 50; i++) await retry(i);
    expect(await drain(input)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    stop.abort();
  });

  it("offers nothing to the input while the queue is empty", async () => {
    const { retry, input, stop } = setup();
    let got: number | undefined;
    void input.recv().then((r) => {
      got = r.unwrapOr(undefined);
    });
    await settle();
    expect(got).toBeUndefined(); // a send(null, …) case is never ready
    await retry(7);
    expect(got).toBe(7);
    stop.abort();
  });

  it("with a limit, hands the oldest retry on when the input has room, and fails it when not — without waiting", async () => {
    const failed: number[] = [];
    const input = Channel.buffered<number>(1);
    const { retry, stop } = setup({ limit: 3, onOverflow: (n) => failed.push(n) }, input);
    input.trySend(-1); // the input is full: the loop's forward case is not ready
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) outcomes.push(await retry(i));
    expect(outcomes).toEqual(["sent", "sent", "sent", "sent", "sent"]);
    expect(failed).toEqual([0, 1]); // over the limit, and the input had no room
    expect(input.tryRecv()).toEqual(Some(-1));
    expect(await drain(input)).toEqual([2, 3, 4]);
    stop.abort();
  });

  it("with a limit, hands the oldest retry on instead of failing it when the input has room at that moment", async () => {
    const failed: number[] = [];
    const input = Channel.buffered<number>(1);
    const { retries, retry, stop } = setup({ limit: 1, onOverflow: (n) => failed.push(n) }, input);
    input.trySend(-1); // full
    expect(await retry(0)).toBe("sent"); // queued, at the limit
    // In one synchronous turn: the retry case wins the loop's select, then the input gets room
    // before the loop runs again — so the over-limit check finds room for the oldest.
    expect(retries.trySend(1)).toBe("sent");
    expect(input.tryRecv()).toEqual(Some(-1));
    expect(await drain(input)).toEqual([0, 1]);
    expect(failed).toEqual([]);
    stop.abort();
  });

  it("delivers what is queued after the retry channel closes, then returns", async () => {
    const { retries, retry, input, done } = setup();
    for (let i = 0; i < 3; i++) await retry(i);
    retries.close();
    expect(await drain(input)).toEqual([0, 1, 2]);
    await expect(done).resolves.toBeUndefined();
  });

  it("rejects with the abort reason when stopped, and offers nothing more to the input", async () => {
    const { retry, input, stop, done } = setup();
    await retry(1);
    const reason = new Error("producer closed");
    stop.abort(reason);
    await expect(done).rejects.toBe(reason);
    expect(await drain(input)).toEqual([]);
  });

  it("refuses a finite limit without onOverflow", async () => {
    await expect(retryBuffer(new Channel<number>(), new Channel<number>(), { limit: 10 })).rejects.toThrow(
      /needs onOverflow/,
    );
  });
});

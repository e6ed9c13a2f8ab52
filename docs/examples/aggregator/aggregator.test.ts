import { Channel, Some } from "@csp-kit/channel";
import { ManualClock, settle } from "@csp-kit/timers/testing";
import { describe, expect, it } from "vitest";
import { aggregator } from "./aggregator.js";

const FREQUENCY = 100;

/** An aggregator on a manual clock, with an unbuffered input and output. */
function setup(maxMessages = 3) {
  const clock = new ManualClock();
  const input = new Channel<string>();
  const output = new Channel<string[]>();
  const stop = new AbortController();
  const done = aggregator(input, output, { maxMessages, frequency: FREQUENCY, clock, signal: stop.signal });
  done.catch(() => {}); // observed by the tests that care
  /** Sends `m` and lets the loop act on it (arm its timer) before the test moves the clock. */
  const put = async (m: string) => {
    await input.send(m);
    await settle();
  };
  return { clock, input, output, stop, done, put };
}

describe("the aggregator loop", () => {
  it("sends a batch as soon as it holds maxMessages, without waiting for the timer", async () => {
    const { clock, input, output, stop } = setup(3);
    for (const m of ["a", "b", "c"]) await input.send(m);
    expect(await output.recv()).toEqual(Some(["a", "b", "c"]));
    expect(clock.now()).toBe(0);
    stop.abort();
  });

  it("holds a partial batch until the flush timer fires, then offers it", async () => {
    const { clock, output, stop, put } = setup(3);
    await put("a");
    await put("b");
    expect(output.tryRecv()).toBe("would-block");
    clock.advance(FREQUENCY - 1);
    await settle();
    expect(output.tryRecv()).toBe("would-block");
    clock.advance(1);
    await settle();
    expect(output.tryRecv()).toEqual(Some(["a", "b"]));
    stop.abort();
  });

  it("times a batch from its first message, not from its last", async () => {
    const { clock, output, stop, put } = setup(10);
    await put("a");
    clock.advance(60);
    await put("b");
    clock.advance(40); // 100 ms after "a", 40 ms after "b"
    await settle();
    expect(output.tryRecv()).toEqual(Some(["a", "b"]));
    stop.abort();
  });

  it("arms no timer while the batch is empty, so an idle loop sends nothing", async () => {
    const { clock, output, stop } = setup(3);
    await settle();
    clock.advance(FREQUENCY * 10);
    await settle();
    expect(output.tryRecv()).toBe("would-block");
    expect(clock.totalScheduled).toBe(0);
    stop.abort();
  });

  it("keeps filling the batch while the output is slow, and stops taking input once it is full", async () => {
    const { input, output, stop } = setup(3);
    await input.send("a");
    await input.send("b");
    await input.send("c"); // ready, but nobody reads the output yet
    await settle();
    expect(input.trySend("d")).toBe("would-block"); // the input case is switched off
    expect(await output.recv()).toEqual(Some(["a", "b", "c"]));
    await settle();
    expect(input.trySend("d")).toBe("sent");
    stop.abort();
  });

  it("starts a fresh timer for the next batch after one went out", async () => {
    const { clock, output, stop, put } = setup(3);
    await put("a");
    clock.advance(FREQUENCY);
    expect(await output.recv()).toEqual(Some(["a"]));
    await put("b");
    clock.advance(FREQUENCY - 1);
    await settle();
    expect(output.tryRecv()).toBe("would-block");
    clock.advance(1);
    await settle();
    expect(output.tryRecv()).toEqual(Some(["b"]));
    stop.abort();
  });

  it("sends the last partial batch and closes the output when the input closes", async () => {
    const { input, output, done } = setup(3);
    const batches: string[][] = [];
    const reader = (async () => {
      for await (const batch of output) batches.push(batch);
    })();
    for (const m of ["a", "b", "c", "d"]) await input.send(m);
    input.close();
    await reader;
    expect(batches).toEqual([["a", "b", "c"], ["d"]]);
    await expect(done).resolves.toBeUndefined();
  });

  it("rejects with the abort reason when stopped, and takes nothing more from the input", async () => {
    const { input, stop, done } = setup(3);
    await input.send("a");
    const reason = new Error("shutdown");
    stop.abort(reason);
    await expect(done).rejects.toBe(reason);
    expect(input.trySend("b")).toBe("would-block");
  });
});

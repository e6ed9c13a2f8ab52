import { ManualClock, settle } from "@csp-kit/timers/testing";
import { describe, expect, it } from "vitest";
import { type ApplierOptions, runApplier } from "./applier.js";
import { SimulatedSource } from "./simulated-source.js";

const RETRY_DELAY = 1_000;

function setup(options: Partial<ApplierOptions> = {}) {
  const clock = new ManualClock();
  const source = new SimulatedSource();
  const stop = new AbortController();
  const applied: string[] = [];
  const run = runApplier({
    connect: (position, signal) => source.connect(position, signal),
    apply: (event) => {
      applied.push(event.statement);
    },
    signal: stop.signal,
    retryDelay: RETRY_DELAY,
    clock,
    ...options,
  });
  run.catch(() => {}); // observed by the tests that care
  return { clock, source, stop, applied, run };
}

/** Whether `promise` is settled after one turn of the event loop, without waiting for it. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await settle();
  return settled;
}

describe("the stoppable applier", () => {
  it("applies the source's events in order, and says where it stopped", async () => {
    const { source, stop, applied, run } = setup();
    source.append("insert 1");
    source.append("insert 2");
    await settle();
    source.append("insert 3");
    await settle();
    expect(applied).toEqual(["insert 1", "insert 2", "insert 3"]);
    stop.abort();
    await expect(run).resolves.toEqual({ position: 4, applied: 3 });
  });

  it("returns at once when stopped while a read is pending, without waiting for the read", async () => {
    const { source, stop, applied, run } = setup();
    await settle();
    expect(source.pendingReads).toBe(1); // the producer task is blocked in read()
    stop.abort();
    expect(await isSettled(run)).toBe(true);
    expect(source.pendingReads).toBe(1); // the read is still blocked: nobody waited for it
    source.append("arrives after the stop");
    await settle();
    expect(source.pendingReads).toBe(0);
    expect(applied).toEqual([]); // the late event was dropped, not applied
    await expect(run).resolves.toEqual({ position: 1, applied: 0 });
  });

  it("retries a failed connection after retryDelay, as the clock measures it", async () => {
    const { clock, source, stop, run } = setup();
    source.failNextConnect(new Error("connection refused"));
    await settle();
    expect(source.connects).toBe(1);
    clock.advance(RETRY_DELAY - 1);
    await settle();
    expect(source.connects).toBe(1);
    clock.advance(1);
    await settle();
    expect(source.connects).toBe(2);
    expect(source.connectedFrom).toEqual([1]);
    stop.abort();
    await run;
  });

  it("returns at once when stopped during the backoff, without advancing the clock", async () => {
    const { clock, source, stop, run } = setup();
    source.failNextConnect(new Error("connection refused"));
    await settle();
    expect(clock.pending).toBe(1); // the backoff sleep
    stop.abort();
    expect(await isSettled(run)).toBe(true);
    expect(clock.now()).toBe(0);
    expect(clock.pending).toBe(0); // the sleep's timer was cleared
    expect(source.connects).toBe(1);
    await expect(run).resolves.toEqual({ position: 1, applied: 0 });
  });

  it("reconnects from the position after the last applied event when the stream breaks", async () => {
    const { clock, source, stop, applied, run } = setup();
    source.append("a");
    source.append("b");
    await settle();
    source.breakConnections(new Error("connection reset"));
    await settle();
    source.append("c"); // while the applier backs off
    clock.advance(RETRY_DELAY);
    await settle();
    expect(source.connectedFrom).toEqual([1, 3]);
    expect(applied).toEqual(["a", "b", "c"]);
    stop.abort();
    await expect(run).resolves.toEqual({ position: 4, applied: 3 });
  });

  it("gives up after maxAttempts failed connections, with the last error as the cause", async () => {
    const last = new Error("no route to host");
    const { clock, source, run } = setup({ maxAttempts: 2 });
    source.failNextConnect(new Error("connection refused"));
    source.failNextConnect(last);
    await settle();
    clock.advance(RETRY_DELAY);
    await expect(run).rejects.toThrow(/gave up after 2 failed connection attempts/);
    await expect(run).rejects.toHaveProperty("cause", last);
  });

  it("serves a stop before an event that is ready at the same time", async () => {
    let finishApply = () => {};
    const applied: string[] = [];
    const { source, stop, run } = setup({
      apply: (event) =>
        new Promise<void>((resolve) => {
          applied.push(event.statement);
          finishApply = resolve;
        }),
    });
    source.append("first");
    source.append("second");
    await settle(); // "first" is being applied; the producer holds "second", ready to hand over
    expect(applied).toEqual(["first"]);
    stop.abort();
    finishApply(); // the applier's next select finds both the stop and "second" ready
    await expect(run).resolves.toEqual({ position: 2, applied: 1 });
    expect(applied).toEqual(["first"]);
  });
});

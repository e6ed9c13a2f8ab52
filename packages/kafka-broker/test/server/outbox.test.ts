import { isChannelClosedError } from "@csp-kit/channel";
import { ManualClock } from "@csp-kit/timers/testing";
import { describe, expect, it } from "vitest";
import { Outbox, type PendingResponse } from "../../src/internal/server/outbox.js";
import { hardLimit, softLimit, unlimited } from "../../src/internal/server/slow-client.js";

function outbox(options: Partial<ConstructorParameters<typeof Outbox>[0]> = {}) {
  const reasons: string[] = [];
  const clock = new ManualClock();
  const box = new Outbox({
    capacity: 4,
    pauseBytes: 100,
    monitor: unlimited.monitor(),
    onSlow: (reason) => reasons.push(reason),
    clock,
    ...options,
  });
  return { box, reasons, clock };
}

const bytes = (n: number) => new Uint8Array(n);

describe("Outbox", () => {
  it("hands responses to the writer in push order, whatever order they complete in", async () => {
    const { box } = outbox();
    let finishFirst!: (f: Uint8Array) => void;
    const first = new Promise<Uint8Array | null>((resolve) => {
      finishFirst = resolve;
    });
    await box.push(first);
    await box.push(bytes(2));
    await box.push(null);
    const taken = await box.take();
    expect(taken.isSome()).toBe(true);
    const queue = taken.unwrap();
    expect(queue).toHaveLength(3);
    expect(queue[0]).toBe(first);
    finishFirst(bytes(1));
    expect(await queue[0]).toEqual(bytes(1));
  });

  it("counts a response's bytes from when it exists until the socket has written it", async () => {
    const { box } = outbox();
    let finish!: (f: Uint8Array) => void;
    await box.push(bytes(30));
    await box.push(
      new Promise<Uint8Array | null>((resolve) => {
        finish = resolve;
      }),
    );
    expect(box.bytes).toBe(30); // the promised one does not exist yet
    finish(bytes(50));
    await Promise.resolve();
    await Promise.resolve();
    expect(box.bytes).toBe(80);
    box.written(30);
    expect(box.bytes).toBe(50);
    expect(box.peakBytes).toBe(80);
  });

  it("holds the reader while more than the pause limit is untaken, and lets it go when it drains", async () => {
    const { box } = outbox({ pauseBytes: 100 });
    await box.push(bytes(150));
    expect(box.overLimit).toBe(true);
    let released = false;
    const waiting = box.waitForRoom().then(() => {
      released = true;
    });
    await Promise.resolve();
    expect(released).toBe(false);
    box.written(60); // 90 left: at or under the limit
    await waiting;
    expect(released).toBe(true);
  });

  it("waits for room in the queue when the pipelining depth is reached", async () => {
    const { box } = outbox({ capacity: 1 });
    await box.push(null);
    let second = false;
    const pushed = box.push(null).then(() => {
      second = true;
    });
    await Promise.resolve();
    expect(second).toBe(false);
    await box.take();
    await pushed;
    expect(second).toBe(true);
  });

  it("disconnects under a hard limit as soon as a response takes the outbox over it", async () => {
    const { box, reasons } = outbox({ monitor: hardLimit(100).monitor() });
    await box.push(bytes(100));
    expect(reasons).toEqual([]);
    await box.push(bytes(1));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/hard limit/);
  });

  it("disconnects under a soft limit only after the time, measured on its clock", async () => {
    const { box, reasons, clock } = outbox({ monitor: softLimit(100, 5000).monitor() });
    await box.push(bytes(200));
    clock.advance(4999);
    expect(reasons).toEqual([]);
    clock.advance(1);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/soft limit of 100 bytes for 5 s/);
  });

  it("forgives a client that drains before the soft limit's time", async () => {
    const { box, reasons, clock } = outbox({ monitor: softLimit(100, 5000).monitor() });
    await box.push(bytes(200));
    clock.advance(3000);
    box.written(200);
    clock.advance(10_000);
    expect(reasons).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it("after close: push fails, take drains then says closed, the reader is released, no timer is left", async () => {
    const { box, clock } = outbox({ monitor: softLimit(10, 1000).monitor(), pauseBytes: 10 });
    await box.push(bytes(50));
    const reader = box.waitForRoom();
    box.close();
    await reader;
    await expect(box.push(null as PendingResponse)).rejects.toSatisfy(isChannelClosedError);
    expect((await box.take()).unwrap()).toHaveLength(1);
    expect((await box.take()).isNone()).toBe(true);
    expect(clock.pending).toBe(0);
    box.close(); // idempotent
  });
});

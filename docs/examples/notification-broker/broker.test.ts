import { None, Some } from "@csp-kit/channel";
import type { Receiver } from "@csp-kit/timers";
import { ManualClock, settle } from "@csp-kit/timers/testing";
import { describe, expect, it } from "vitest";
import { type BrokerOptions, NotificationBroker } from "./broker.js";

const GRACE = 1_000;

function setup(options: Partial<BrokerOptions> = {}) {
  const clock = new ManualClock();
  const broker = new NotificationBroker<number>({
    hardLimit: 100,
    softLimit: 5,
    softGrace: GRACE,
    maxBatch: 50,
    clock,
    ...options,
  });
  /** Publishes `count` numbered notes on "t", starting at `from`, then lets the writers run. */
  const publish = async (count: number, from = 1) => {
    for (let i = from; i < from + count; i++) broker.publish("t", i);
    await settle();
  };
  return { clock, broker, publish };
}

/** Takes one batch if the writer offers one now (after letting it run). */
async function take(batches: Receiver<number[]>) {
  await settle();
  return batches.tryRecv();
}

describe("the notification broker", () => {
  it("gathers everything queued for a client into one batch", async () => {
    const { broker, publish } = setup();
    const alice = broker.subscribe("alice", ["t"]);
    await publish(4);
    expect(await take(alice.batches)).toEqual(Some([1, 2, 3, 4]));
    expect(alice.backlog).toBe(0);
  });

  it("caps a batch at maxBatch and keeps the order across batches", async () => {
    const { broker, publish } = setup({ maxBatch: 3 });
    const alice = broker.subscribe("alice", ["t"]);
    await publish(5);
    const got = [await take(alice.batches), await take(alice.batches), await take(alice.batches)];
    expect(got).toEqual([Some([1, 2, 3]), Some([4, 5]), "would-block"]);
  });

  it("delivers only the topics a client subscribed to", async () => {
    const { broker } = setup();
    const alice = broker.subscribe("alice", ["news"]);
    expect(broker.publish("prices", 1)).toBe(0);
    expect(broker.publish("news", 2)).toBe(1);
    expect(await take(alice.batches)).toEqual(Some([2]));
  });

  it("keeps serving a fast client while another never reads: publish never waits", async () => {
    const { broker, publish } = setup({ softLimit: 1_000, hardLimit: 1_000 });
    const stuck = broker.subscribe("stuck", ["t"]);
    const fast = broker.subscribe("fast", ["t"]);
    const got: number[] = [];
    for (let round = 0; round < 10; round++) {
      await publish(10, round * 10 + 1);
      const r = await take(fast.batches);
      if (r !== "would-block" && r.isSome()) got.push(...r.value);
    }
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(stuck.backlog).toBe(100);
    expect(stuck.reason).toBeUndefined();
  });

  it("disconnects a client over the hard limit at once, and only that client", async () => {
    const { broker, publish } = setup({ hardLimit: 10, softLimit: 10 });
    const stuck = broker.subscribe("stuck", ["t"]);
    const fast = broker.subscribe("fast", ["t"]);
    await publish(10);
    expect(await take(fast.batches)).toEqual(Some([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect([stuck.reason, stuck.backlog]).toEqual([undefined, 10]);
    broker.publish("t", 11);
    expect(stuck.reason).toBe("hard-limit"); // synchronously, inside publish
    expect(await stuck.batches.recv()).toEqual(None); // its end is closed
    expect(await take(fast.batches)).toEqual(Some([11]));
    expect(fast.reason).toBeUndefined();
    expect(broker.clients).toBe(1);
    await publish(1, 12);
    expect(await take(fast.batches)).toEqual(Some([12]));
  });

  it("disconnects a client that stays over the soft limit for the grace period", async () => {
    const { clock, broker, publish } = setup();
    const slow = broker.subscribe("slow", ["t"]);
    await publish(6); // over the soft limit of 5
    clock.advance(GRACE - 1);
    await settle();
    expect(slow.reason).toBeUndefined();
    clock.advance(1);
    await settle();
    expect(slow.reason).toBe("soft-limit");
    expect(slow.batches.closed).toBe(true);
    expect(broker.clients).toBe(0);
  });

  it("forgives a client that drops back under the soft limit before the grace period ends", async () => {
    const { clock, broker, publish } = setup();
    const slow = broker.subscribe("slow", ["t"]);
    await publish(6);
    clock.advance(GRACE / 2);
    expect(await take(slow.batches)).toEqual(Some([1, 2, 3, 4, 5, 6]));
    await settle();
    expect(clock.pending).toBe(0); // the grace timer was stopped
    clock.advance(GRACE * 2);
    await settle();
    expect(slow.reason).toBeUndefined();
  });

  it("gives a client that falls behind again a whole new grace period", async () => {
    const { clock, broker, publish } = setup();
    const slow = broker.subscribe("slow", ["t"]);
    await publish(6);
    clock.advance(GRACE - 1);
    await take(slow.batches); // caught up just in time
    await publish(6, 7); // behind again
    clock.advance(GRACE - 1);
    await settle();
    expect(slow.reason).toBeUndefined();
    clock.advance(1);
    await settle();
    expect(slow.reason).toBe("soft-limit");
  });

  it("close() disconnects every client and leaves no timer armed", async () => {
    const { clock, broker, publish } = setup();
    const a = broker.subscribe("a", ["t"]);
    const b = broker.subscribe("b", ["t"]);
    await publish(6); // both in their grace period
    broker.close();
    expect([a.reason, b.reason]).toEqual(["broker-closed", "broker-closed"]);
    await settle();
    expect(clock.pending).toBe(0);
    expect(broker.publish("t", 99)).toBe(0);
  });
});

import { ManualClock, settle } from "@csp-kit/timers/testing";
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../src/config.js";
import type { BrokerConsumer } from "../../src/internal/broker-consumer.js";
import { Child } from "../../src/internal/child.js";
import type { ConsumerCore } from "../../src/internal/consumer-core.js";
import { dispatcher } from "../../src/internal/dispatcher.js";

const BACKOFF = 50;

/** A child on a fake core whose leader answers come from `leaders` (an Error fails that dispatch). */
function setup(leaders: (number | Error)[], backoffFn?: (retries: number) => number) {
  const clock = new ManualClock();
  const config = validateConfig({
    bootstrap: ["127.0.0.1:9"],
    clock,
    returnErrors: true,
    retry: { backoff: BACKOFF, backoffFn },
  });
  const log: string[] = [];
  const fakeBc = (nodeId: number) =>
    ({
      nodeId,
      subscribe: async () => {
        log.push(`subscribe ${nodeId}`);
      },
    }) as unknown as BrokerConsumer;
  const core = {
    config,
    leader: async () => {
      const next = leaders.shift();
      if (next === undefined || next instanceof Error) throw next ?? new Error("no leader");
      return next;
    },
    refBrokerConsumer: async (nodeId: number) => {
      log.push(`ref ${nodeId}`);
      return fakeBc(nodeId);
    },
    unrefBrokerConsumer: async (bc: BrokerConsumer) => {
      log.push(`unref ${bc.nodeId}`);
    },
    listOffset: async () => 42n,
  } as unknown as ConsumerCore;
  const child = new Child(core, "t", 0, 7n);
  child.broker = fakeBc(1); // the first dispatch, done by consumePartition
  return { clock, child, log, done: dispatcher(child) };
}

describe("the dispatcher", () => {
  it("waits for a trigger, backs off, then moves the reference to the new leader and subscribes", async () => {
    const { clock, child, log, done } = setup([2]);
    await settle();
    expect(log).toEqual([]);
    child.redispatch();
    await settle();
    clock.advance(BACKOFF - 1);
    await settle();
    expect(log).toEqual([]); // still backing off
    clock.advance(1);
    await settle();
    expect(log).toEqual(["unref 1", "ref 2", "subscribe 2"]);
    child.die();
    await done;
    expect(log.at(-1)).toBe("unref 2");
  });

  it("coalesces the triggers that arrive during a dispatch into one more", async () => {
    const { clock, child, log, done } = setup([2, 3, 4]);
    child.redispatch(); // taken at once: the dispatcher backs off
    await settle();
    child.redispatch(); // these three, during the backoff, fill the one slot once
    child.redispatch();
    child.redispatch();
    for (let i = 0; i < 5; i++) {
      clock.advance(BACKOFF);
      await settle();
    }
    expect(log.filter((l) => l.startsWith("subscribe"))).toEqual(["subscribe 2", "subscribe 3"]);
    child.die();
    await done;
  });

  it("reports a failed dispatch and tries again after the next backoff, growing it with backoffFn", async () => {
    const waits: number[] = [];
    const { clock, child, log, done } = setup([new Error("no leader yet"), new Error("still none"), 3], (n) => {
      waits.push(n);
      return n * BACKOFF;
    });
    child.redispatch();
    for (let i = 1; i <= 3; i++) {
      await settle();
      clock.advance(i * BACKOFF);
      await settle();
    }
    expect(waits).toEqual([1, 2, 3]);
    expect(log).toEqual(["unref 1", "ref 3", "subscribe 3"]);
    const errors = [child.errors.tryRecv(), child.errors.tryRecv()].map((e) =>
      e === "would-block" || e.isNone() ? undefined : (e.value.cause as Error).message,
    );
    expect(errors).toEqual(["no leader yet", "still none"]);
    child.die();
    await done;
  });

  it("resets the offset first when the feeder asked for it (OFFSET_OUT_OF_RANGE with resetOnOutOfRange)", async () => {
    const { clock, child, done } = setup([1]);
    child.resetTo = "oldest";
    child.redispatch();
    await settle();
    clock.advance(BACKOFF);
    await settle();
    expect(child.offset).toBe(42n);
    expect(child.resetTo).toBeUndefined();
    child.die();
    await done;
  });

  it("ends at once when the partition consumer dies during a backoff, leaving no timer", async () => {
    const { clock, child, log, done } = setup([2]);
    child.redispatch();
    await settle();
    child.die();
    await done;
    expect(log).toEqual(["unref 1"]);
    await settle();
    clock.advance(BACKOFF);
    await settle();
    expect(log).toEqual(["unref 1"]);
  });
});

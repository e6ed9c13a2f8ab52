import { describe, expectTypeOf, it } from "vitest";
import type { Broker, Cluster, PartitionLeader } from "../src/index.js";
import {
  type ErrorCodeLike,
  type FaultHandle,
  FaultInjector,
  injectFaults,
  type RecordedRequest,
  type StallHandle,
} from "../src/testing.js";

declare const cluster: Cluster;
declare const broker: Broker;
declare const faults: FaultInjector;

describe("types", () => {
  it("attaches to a cluster or a single broker, nothing else", () => {
    expectTypeOf(injectFaults(cluster)).toEqualTypeOf<FaultInjector>();
    expectTypeOf(injectFaults(broker)).toEqualTypeOf<FaultInjector>();
    // @ts-expect-error any object is not a cluster
    injectFaults({ port: 9092 });
    // @ts-expect-error the injector comes from injectFaults only
    new FaultInjector();
  });

  it("takes error codes as numbers or Kafka's names, and checks the names", () => {
    expectTypeOf<6>().toExtend<ErrorCodeLike>();
    expectTypeOf<"NOT_LEADER_OR_FOLLOWER">().toExtend<ErrorCodeLike>();
    faults.pushErrors(0, ["NOT_LEADER_OR_FOLLOWER", 0, 7]);
    // @ts-expect-error not a Kafka error name
    faults.pushErrors(0, ["NOT_A_LEADER"]);
    expectTypeOf(faults.setError(1, "OFFSET_OUT_OF_RANGE")).toEqualTypeOf<FaultHandle>();
  });

  it("returns handles, leaders and recorded requests", () => {
    expectTypeOf(faults.stall()).toEqualTypeOf<StallHandle>();
    expectTypeOf(faults.stall().release).toEqualTypeOf<() => void>();
    expectTypeOf(faults.leaderOf("t", 0)).toEqualTypeOf<PartitionLeader>();
    expectTypeOf(faults.moveLeader("t", 0, 2)).toEqualTypeOf<number>();
    expectTypeOf(faults.brokerDown(1)).toEqualTypeOf<Promise<void>>();
    expectTypeOf(faults.history.waitFor({ apiKey: 0 })).toEqualTypeOf<Promise<RecordedRequest>>();
    expectTypeOf(faults.history.waitFor((r) => r.broker === 2, { count: 2, timeoutMs: 100 })).toEqualTypeOf<
      Promise<RecordedRequest>
    >();
    // @ts-expect-error count belongs to waitFor's options
    faults.history.waitFor({ apiKey: 0, count: 2 });
    // @ts-expect-error when is "before-handling" or "after-handling"
    faults.dropConnection({ when: "after-append" });
  });
});

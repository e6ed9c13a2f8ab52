import { Channel } from "@csp-kit/channel";
import type { BrokerPool, MetadataCache } from "@csp-kit/kafka-client";
import { decodeRecordBatch, type ProduceRequest, type ProduceResponse } from "@csp-kit/kafka-protocol";
import { WaitGroup } from "@csp-kit/mutex";
import { ManualClock } from "@csp-kit/timers/testing";
import { describe, expect, it } from "vitest";
import type { ProducerOptions } from "../../../src/config.js";
import type { PartitionEnvelope } from "../../../src/internal/envelope.js";
import { BrokerProducer } from "../../../src/internal/pipeline/broker-producer.js";
import { ProducerCore } from "../../../src/internal/producer-core.js";
import type { ProducedMessage } from "../../../src/message.js";
import { config, envelope } from "../helpers.js";

/** A success for every partition of `request`, offsets counted per partition from 0. */
function answer(request: ProduceRequest, next: Map<string, bigint>): ProduceResponse {
  return {
    throttleTimeMs: 0,
    nodeEndpoints: [],
    responses: request.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => {
        const key = `${t.name}/${p.index}`;
        const baseOffset = next.get(key) ?? 0n;
        return {
          index: p.index,
          errorCode: 0,
          baseOffset,
          logAppendTimeMs: -1n,
          logStartOffset: 0n,
          recordErrors: [],
          errorMessage: null,
          currentLeader: { leaderId: -1, leaderEpoch: -1 },
        };
      }),
    })),
  };
}

/** One broker producer on a ManualClock whose transport records every request and answers with success. */
function harness(options: Omit<ProducerOptions, "bootstrap">) {
  const clock = new ManualClock();
  const cfg = config({ ...options, clock, returnSuccesses: true });
  const inFlight = new WaitGroup();
  const successes = Channel.infinite<ProducedMessage>();
  const core = new ProducerCore({
    config: cfg,
    inFlight,
    // The broker producer never touches the pool or metadata: its transport is injected.
    pool: {} as BrokerPool,
    metadata: {} as MetadataCache,
    retries: new Channel<PartitionEnvelope>(),
    successes,
    errors: new Channel(),
    makeBrokerProducer: () => {
      throw new Error("not used");
    },
  });
  const requests: ProduceRequest[] = [];
  const offsets = new Map<string, bigint>();
  const bp = new BrokerProducer(core, 1, async () => async (request) => {
    requests.push(request);
    return answer(request, offsets);
  });
  const send = async (e: PartitionEnvelope) => {
    inFlight.add(1);
    await bp.input.send(e);
  };
  /** How many records each request carried, decoded from its batches. */
  const recordsPerRequest = async () =>
    Promise.all(
      requests.map(async (r) => {
        let n = 0;
        for (const t of r.topicData)
          for (const p of t.partitionData) n += (await decodeRecordBatch(p.records as Uint8Array)).records.length;
        return n;
      }),
    );
  return { clock, bp, send, requests, recordsPerRequest, successes, inFlight };
}

describe("BrokerProducer's aggregator, on a ManualClock", () => {
  it("sends a batch flush.frequency ms after its first message, not before", async () => {
    const h = harness({ flush: { frequency: 100 } });
    await h.send(envelope("t", 0, "a"));
    await h.clock.advanceAsync(60);
    await h.send(envelope("t", 1, "b"));
    await h.clock.advanceAsync(39);
    expect(h.requests).toHaveLength(0);
    // 100 ms after "a", not after "b": the timer is armed by a batch's first message.
    await h.clock.advanceAsync(1);
    await h.clock.settle();
    expect(h.requests).toHaveLength(1);
    expect(await h.recordsPerRequest()).toEqual([2]);
    await h.inFlight.wait();

    // The next batch arms a fresh timer from its own first message.
    await h.send(envelope("t", 0, "c"));
    await h.clock.advanceAsync(99);
    expect(h.requests).toHaveLength(1);
    await h.clock.advanceAsync(1);
    await h.clock.settle();
    expect(await h.recordsPerRequest()).toEqual([2, 1]);
    await h.inFlight.wait();
    h.bp.input.close();
    await h.bp.done;
    h.successes.close();
    const got: string[] = [];
    for await (const s of h.successes) got.push(String(s.value));
    expect(got.sort()).toEqual(["a", "b", "c"]);
  });

  it("with flush.messages set, the count sends early and the timer covers the rest", async () => {
    const h = harness({ flush: { frequency: 100, messages: 3 } });
    for (const v of ["a", "b", "c"]) await h.send(envelope("t", 0, v));
    await h.clock.settle();
    expect(await h.recordsPerRequest()).toEqual([3]);
    await h.inFlight.wait();
    await h.send(envelope("t", 0, "d"));
    await h.clock.advanceAsync(99);
    expect(h.requests).toHaveLength(1);
    await h.clock.advanceAsync(1);
    await h.clock.settle();
    expect(await h.recordsPerRequest()).toEqual([3, 1]);
    await h.inFlight.wait();
    h.bp.input.close();
    await h.bp.done;
  });

  it("on shutdown sends what it holds at once, without waiting for the timer", async () => {
    const h = harness({ flush: { frequency: 10_000 } });
    await h.send(envelope("t", 0, "a"));
    await h.send(envelope("t", 0, "b"));
    await h.clock.settle();
    expect(h.requests).toHaveLength(0);
    h.bp.input.close();
    await h.bp.done;
    expect(await h.recordsPerRequest()).toEqual([2]);
    expect(h.clock.now()).toBe(0);
  });
});

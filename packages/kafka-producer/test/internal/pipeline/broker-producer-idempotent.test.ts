import { Channel } from "@csp-kit/channel";
import type { BrokerPool, MetadataCache } from "@csp-kit/kafka-client";
import {
  ApiKey,
  decodeRecordBatch,
  KafkaErrorCode,
  type ProduceRequest,
  type ProduceResponse,
} from "@csp-kit/kafka-protocol";
import { WaitGroup } from "@csp-kit/mutex";
import { ManualClock } from "@csp-kit/timers/testing";
import { describe, expect, it } from "vitest";
import type { MessageEnvelope, PartitionEnvelope } from "../../../src/internal/envelope.js";
import { BrokerProducer } from "../../../src/internal/pipeline/broker-producer.js";
import { ProducerCore } from "../../../src/internal/producer-core.js";
import type { ProducedMessage } from "../../../src/message.js";
import { config, envelope } from "../helpers.js";

function response(request: ProduceRequest, errorCode: number): ProduceResponse {
  return {
    throttleTimeMs: 0,
    nodeEndpoints: [],
    responses: request.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => ({
        index: p.index,
        errorCode,
        baseOffset: errorCode === 0 ? 0n : -1n,
        logAppendTimeMs: -1n,
        logStartOffset: 0n,
        recordErrors: [],
        errorMessage: null,
        currentLeader: { leaderId: -1, leaderEpoch: -1 },
      })),
    })),
  };
}

/** An idempotent broker producer whose transport answers with `codes` in turn (then success). */
function harness(codes: number[], initProducerId: { producerId: bigint; producerEpoch: number }) {
  const clock = new ManualClock();
  const cfg = config({ clock, returnSuccesses: true, idempotent: true, requiredAcks: -1, maxOpenRequests: 1 });
  const inits: { producerId: bigint; producerEpoch: number }[] = [];
  const connection = {
    version: () => 4,
    request: async (apiKey: number, body: { producerId: bigint; producerEpoch: number }) => {
      if (apiKey !== ApiKey.InitProducerId) throw new Error(`unexpected API ${apiKey}`);
      inits.push({ producerId: body.producerId, producerEpoch: body.producerEpoch });
      return { throttleTimeMs: 0, errorCode: 0, ...initProducerId };
    },
  };
  const retries = Channel.infinite<PartitionEnvelope>();
  const inFlight = new WaitGroup();
  const core = new ProducerCore({
    config: cfg,
    inFlight,
    pool: { any: async () => connection } as unknown as BrokerPool,
    metadata: {} as MetadataCache,
    retries,
    successes: Channel.infinite<ProducedMessage>(),
    errors: Channel.infinite(),
    makeBrokerProducer: () => {
      throw new Error("not used");
    },
  });
  core.producerId = 10n;
  core.producerEpoch = 3;
  const sent: { producerId: bigint; epoch: number; baseSequence: number; values: string[] }[] = [];
  const bp = new BrokerProducer(core, 1, async () => async (request) => {
    for (const t of request.topicData)
      for (const p of t.partitionData) {
        const b = await decodeRecordBatch(p.records as Uint8Array);
        sent.push({
          producerId: b.producerId,
          epoch: b.producerEpoch,
          baseSequence: b.baseSequence,
          values: b.records.map((r) => new TextDecoder().decode(r.value ?? new Uint8Array())),
        });
      }
    return response(request, codes.shift() ?? 0);
  });
  const send = async (e: PartitionEnvelope) => {
    inFlight.add(1);
    await bp.input.send(e);
  };
  return { clock, core, bp, send, sent, retries, inits };
}

describe("BrokerProducer, idempotent: an answer that says the sequence can never arrive", () => {
  it.each([
    ["OUT_OF_ORDER_SEQUENCE_NUMBER", KafkaErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER],
    ["UNKNOWN_PRODUCER_ID", KafkaErrorCode.UNKNOWN_PRODUCER_ID],
  ])(
    "%s: bumps the epoch with the current id and epoch, clears the batch's sequences and retries it",
    async (_name, code) => {
      const h = harness([code], { producerId: 10n, producerEpoch: 4 });
      await h.send(envelope("t", 0, "a"));
      await h.send(envelope("t", 0, "b"));
      await h.clock.settle();
      // The first request numbered "a" (and perhaps "b") in epoch 3 from 0.
      expect(h.sent[0]).toMatchObject({ producerId: 10n, epoch: 3, baseSequence: 0 });
      const back: MessageEnvelope[] = [];
      while (back.length < 2) {
        const r = await h.retries.recv();
        if (r.isSome() && r.value.kind === "message") back.push(r.value);
      }
      // InitProducerId asked to bump (pid 10, epoch 3); the messages come back unnumbered, one level up.
      expect(h.inits).toEqual([{ producerId: 10n, producerEpoch: 3 }]);
      expect(h.core.producerEpoch).toBe(4);
      expect(back.map((m) => [String(m.message.value), m.sequence, m.retries])).toEqual([
        ["a", -1, 1],
        ["b", -1, 1],
      ]);
      // Sent again (after the syn of a new attachment), they are numbered from 0 in the new epoch.
      h.core.inFlight.add(1);
      await h.bp.input.send({ kind: "syn", topic: "t", partition: 0 });
      for (const m of back) await h.bp.input.send(m);
      await h.clock.settle();
      const again = h.sent.slice(1);
      expect(again[0]).toMatchObject({ producerId: 10n, epoch: 4, baseSequence: 0 });
      expect(again.every((s) => s.epoch === 4)).toBe(true);
      expect(again.flatMap((s) => s.values)).toEqual(["a", "b"]);
      h.bp.input.close();
      await h.bp.done;
    },
  );

  it("a numbered message that fails for good starts one bump; a failure from the old epoch starts none", async () => {
    const h = harness([KafkaErrorCode.MESSAGE_TOO_LARGE], { producerId: 11n, producerEpoch: 0 });
    await h.send(envelope("t", 0, "a"));
    await h.clock.settle();
    await h.core.bumping;
    expect(h.inits).toEqual([{ producerId: 10n, producerEpoch: 3 }]);
    expect([h.core.producerId, h.core.producerEpoch, h.core.epochBumps]).toEqual([11n, 0, 1]);
    // A late failure numbered under the old id does not bump again.
    await h.core.bumpEpoch(10n, 3);
    expect(h.inits).toHaveLength(1);
    h.bp.input.close();
    await h.bp.done;
  });
});

/**
 * Every API × version of the plan (src/api-keys.ts) against the real Kafka
 * broker of the interop tier: each request is encoded by this package, framed
 * by it, sent over a socket, and the broker's answer decoded by it; the fields
 * are checked, and both frames must re-encode to the bytes on the wire.
 *
 * One topic carries the story: created with CreateTopics, described with
 * Metadata, written with Produce (one batch per version, the codecs in turn),
 * measured with ListOffsets (-2 earliest, -1 latest), read back with Fetch
 * (every record, offset and codec checked), written once more with the
 * producer id each InitProducerId version hands out, and deleted with
 * DeleteTopics; FindCoordinator finds the broker for a group. Versions the
 * broker does not serve are asserted to lie outside its advertised range, so
 * the matrix is exact. The run writes test/interop/MATRIX.md.
 */

import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { kafkaBootstrap } from "@csp-kit/testkit/kafka";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  API_VERSIONS,
  decodeRecordBatches,
  deleteTopicsRequest,
  encodeRecordBatch,
  fetchRequest,
  findCoordinatorRequest,
  type ImplementedApi,
  initProducerIdRequest,
  KafkaErrorCode,
  listOffsetsRequest,
  type MessageApiKey,
  metadataRequest,
  produceRequest,
  type RequestBodies,
  type ResponseBodies,
} from "../../src/index.js";
import { KafkaConnection } from "./connection.js";
import { checkExchange } from "./golden.js";
import { Matrix } from "./matrix.js";
import { createTopics, until, ZERO_UUID } from "./topics.js";

/** The broker this matrix is written against (the interop tier's; scripts/kafka/version.ts). */
const BROKER = "Apache Kafka 4.1.1 (one KRaft node on loopback)";

/**
 * What that broker advertises for the plan's APIs. Checked against its
 * ApiVersions answer first, so that "not served" below is a fact about the
 * broker, not an assumption.
 */
const ADVERTISED: Readonly<Record<ImplementedApi, readonly [number, number]>> = {
  Produce: [0, 13],
  Fetch: [4, 18],
  ListOffsets: [1, 10],
  Metadata: [0, 13],
  FindCoordinator: [0, 6],
  ApiVersions: [0, 4],
  CreateTopics: [2, 7],
  DeleteTopics: [1, 6],
  InitProducerId: [0, 5],
};

/**
 * Advertised yet refused: Kafka 4 removed Produce v0–2 (KIP-896) but still
 * advertises Produce from v0, because librdkafka before 2.10 stops compressing
 * when Produce's minimum is above 0 (KAFKA-18659); a v0–2 request closes the
 * connection.
 */
const REFUSED: Partial<Record<ImplementedApi, readonly [number, number]>> = { Produce: [0, 2] };

const INT32_MIN = -(2 ** 31);
const CODECS = ["none", "gzip", "snappy", "lz4", "zstd"] as const;
const text = new TextEncoder();
const utf8 = new TextDecoder();

const run = randomUUID().slice(0, 8);
const topic = `matrix-${run}`;
const matrix = new Matrix();

let conn: KafkaConnection;
let broker: { host: string; port: number };
let advertised = new Map<number, readonly [number, number]>();
let topicId = ZERO_UUID;
const NODE_ID = 1;

/** What was produced to `topic`, in offset order. */
const produced: { key: string; value: string; version: number }[] = [];
/** The codec of each batch produced to `topic`, in order. */
const batchCodecs: number[] = [];
/** Topics created by the CreateTopics tests, by version: DeleteTopics vN deletes the one of v(N+1). */
const created = new Map<number, { name: string; topicId: string }>();

/** One round trip through the codec: the decoded response body, after both frames were re-encoded byte for byte. */
async function call<K extends MessageApiKey>(
  apiKey: K,
  version: number,
  body: RequestBodies[K],
  on: KafkaConnection = conn,
): Promise<ResponseBodies[K]> {
  const x = await on.request(apiKey, version, body);
  const response = new Uint8Array(4 + x.responseFrame.length);
  new DataView(response.buffer).setInt32(0, x.responseFrame.length);
  response.set(x.responseFrame, 4);
  checkExchange({
    client: "csp-kit",
    scenario: "api matrix",
    apiKey,
    apiVersion: version,
    correlationId: x.response.correlationId,
    request: x.requestFrame,
    response,
  });
  return x.response.body;
}

function expectAdvertised(api: ImplementedApi, version: number): void {
  const range = advertised.get(API_VERSIONS[api].apiKey);
  expect(range, `${api} is advertised`).toBeDefined();
  expect(version).toBeGreaterThanOrEqual(range![0]);
  expect(version).toBeLessThanOrEqual(range![1]);
}

/**
 * Declares one test per version of `api` in the plan: versions outside
 * {@link ADVERTISED} assert that the broker's range excludes them, versions in
 * {@link REFUSED} that the broker closes the connection, and the rest run
 * `roundTrip`, which returns the proof sentence for the matrix.
 */
function versions(api: ImplementedApi, roundTrip: (version: number) => Promise<string>): void {
  const plan = API_VERSIONS[api];
  const [min, max] = ADVERTISED[api];
  const refused = REFUSED[api];
  for (let v = plan.minVersion; v <= plan.maxVersion; v++) {
    if (v < min || v > max) {
      test(`${api} v${v} is not served: outside the broker's range ${min}–${max}`, () => {
        const range = advertised.get(plan.apiKey)!;
        expect(v < range[0] || v > range[1]).toBe(true);
        matrix.record(api, v, "not served", `not served by Kafka 4.1.1 (it advertises ${range[0]}–${range[1]})`);
      });
    } else if (refused !== undefined && v >= refused[0] && v <= refused[1]) {
      test(`${api} v${v} is advertised, but the broker closes the connection when it arrives`, async () => {
        expectAdvertised(api, v);
        const fresh = await KafkaConnection.open(broker.host, broker.port);
        try {
          const body = { ...produceRequest.defaults(v), acks: -1, timeoutMs: 10_000, topicData: [] };
          await expect(fresh.request(0, v, body)).rejects.toThrow(/closed the connection/);
        } finally {
          fresh.close();
        }
        matrix.record(
          api,
          v,
          "advertised, refused",
          "advertised only for librdkafka's sake (KAFKA-18659); a well-formed request closes the connection, no response",
        );
      });
    } else {
      test(`${api} v${v} round-trips`, async () => {
        expectAdvertised(api, v);
        matrix.record(api, v, "round trip", await roundTrip(v));
      });
    }
  }
}

beforeAll(async () => {
  broker = kafkaBootstrap();
  conn = await KafkaConnection.open(broker.host, broker.port);
  const versionsAnswer = await call(18, 3, { clientSoftwareName: "csp-kit", clientSoftwareVersion: "0.1.0" });
  advertised = new Map(versionsAnswer.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion] as const]));
  topicId = (await createTopics(conn, [topic])).get(topic)!;
});

afterAll(async () => {
  try {
    if (conn !== undefined) {
      await call(20, 6, { topics: [{ name: null, topicId }], topicNames: [], timeoutMs: 30_000 }).catch(() => {});
      conn.close();
    }
  } finally {
    const markdown = matrix.render(BROKER, advertised);
    process.stdout.write(`\n${markdown}`);
    if (matrix.complete()) writeFileSync(new URL("./MATRIX.md", import.meta.url), markdown);
    else process.stderr.write("MATRIX.md not written: some versions were not proven in this run\n");
  }
});

describe("the broker's ApiVersions answer, decoded by this package", () => {
  test("advertises exactly the ranges this matrix expects for every API of the plan", () => {
    const actual = Object.fromEntries(
      Object.entries(API_VERSIONS).map(([api, r]) => [api, advertised.get(r.apiKey) ?? null]),
    );
    expect(actual).toEqual(ADVERTISED);
  });
});

describe("ApiVersions (18)", () => {
  versions("ApiVersions", async (v) => {
    const body = await call(18, v, { clientSoftwareName: "csp-kit", clientSoftwareVersion: "0.1.0" });
    expect(body.errorCode).toBe(0);
    expect(body.throttleTimeMs).toBe(0);
    for (const [api, [min, max]] of Object.entries(ADVERTISED)) {
      expect(body.apiKeys, api).toContainEqual({
        apiKey: API_VERSIONS[api as ImplementedApi].apiKey,
        minVersion: min,
        maxVersion: max,
      });
    }
    expect(body.apiKeys.length).toBeGreaterThan(50);
    if (v >= 3) {
      expect(body.finalizedFeaturesEpoch).toBeGreaterThan(0n);
      expect(body.supportedFeatures.map((f) => f.name)).toContain("metadata.version");
      expect(body.finalizedFeatures.map((f) => f.name)).toContain("metadata.version");
      return `error 0, ${body.apiKeys.length} API ranges incl. the plan's 9, tagged features (epoch, supported, finalized) decoded`;
    }
    return `error 0, ${body.apiKeys.length} API ranges incl. the plan's 9`;
  });
});

describe("CreateTopics (19)", () => {
  versions("CreateTopics", async (v) => {
    const name = `matrix-${run}-ct-v${v}`;
    const body = await call(19, v, {
      topics: [
        {
          name,
          numPartitions: 1,
          replicationFactor: 1,
          assignments: [],
          configs: [{ name: "retention.ms", value: "3600000" }],
        },
      ],
      timeoutMs: 30_000,
      validateOnly: false,
    });
    const [result] = body.topics;
    expect(result).toMatchObject({ name, errorCode: 0 });
    if (v >= 1) expect(result!.errorMessage).toBeNull();
    if (v >= 5) {
      expect(result).toMatchObject({ numPartitions: 1, replicationFactor: 1 });
      expect(result!.configs).toContainEqual(expect.objectContaining({ name: "retention.ms", value: "3600000" }));
    }
    if (v >= 7) expect(result!.topicId).not.toBe(ZERO_UUID);
    created.set(v, { name, topicId: result!.topicId });
    return [
      "topic created (error 0, name echoed)",
      v >= 5 ? "partitions, replication and the retention.ms config echoed" : "",
      v >= 7 ? "topic id returned" : "",
    ]
      .filter(Boolean)
      .join("; ");
  });
});

describe("Metadata (3)", () => {
  versions("Metadata", async (v) => {
    const byId = v >= 12;
    const body = await call(3, v, {
      ...metadataRequest.defaults(v),
      topics: [byId ? { topicId, name: null } : { topicId: ZERO_UUID, name: topic }],
      allowAutoTopicCreation: v < 4, // v4+ only; before, the broker's setting applies (the topic exists anyway)
    });
    expect(body.brokers).toEqual([{ nodeId: NODE_ID, host: broker.host, port: broker.port, rack: null }]);
    if (v >= 1) expect(body.controllerId).toBe(NODE_ID);
    if (v >= 2) expect(body.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const [t] = body.topics;
    expect(t).toMatchObject({ errorCode: 0, name: topic });
    if (v >= 1) expect(t!.isInternal).toBe(false);
    if (v >= 8) expect(t!.topicAuthorizedOperations).toBe(INT32_MIN);
    if (v >= 10) expect(t!.topicId).toBe(topicId);
    expect(t!.partitions).toHaveLength(1);
    const [p] = t!.partitions;
    expect(p).toMatchObject({
      errorCode: 0,
      partitionIndex: 0,
      leaderId: NODE_ID,
      replicaNodes: [NODE_ID],
      isrNodes: [NODE_ID],
    });
    if (v >= 7) expect(p!.leaderEpoch).toBeGreaterThanOrEqual(0);
    if (v === 10 || v === 11) {
      // Kafka serves lookups by topic id from v12 only: at v10–11 it answers INVALID_REQUEST per topic.
      const refused = await call(3, v, {
        ...metadataRequest.defaults(v),
        topics: [{ topicId, name: null }],
        allowAutoTopicCreation: false,
      });
      expect(refused.topics[0]).toMatchObject({ errorCode: KafkaErrorCode.INVALID_REQUEST, topicId });
    }
    return [
      byId ? "topic looked up by id" : "topic looked up by name",
      "the one broker (id, host, port), the partition's leader, replicas and ISR",
      v >= 2 ? "cluster id" : "",
      v >= 10 ? "topic id" : "",
      v === 10 || v === 11 ? "a lookup by id answers INVALID_REQUEST (ids from v12)" : "",
    ]
      .filter(Boolean)
      .join("; ");
  });
});

describe("Produce (0)", () => {
  versions("Produce", async (v) => {
    const codec = (v - 3) % CODECS.length;
    const records = [0, 1].map((i) => ({
      key: `p${v}-${i}`,
      value: `value of record ${i} sent with Produce v${v}`,
      version: v,
    }));
    const batch = await encodeRecordBatch(
      {
        baseTimestamp: 1_700_000_000_000 + v,
        records: records.map((r) => ({
          key: text.encode(r.key),
          value: text.encode(r.value),
          headers: [{ key: "produce-version", value: text.encode(String(v)) }],
        })),
      },
      { compression: codec },
    );
    const body = await call(0, v, {
      ...produceRequest.defaults(v),
      acks: -1,
      timeoutMs: 10_000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }],
    });
    expect(body.throttleTimeMs).toBe(0);
    expect(body.responses).toHaveLength(1);
    expect(body.responses[0]!.name).toBe(topic);
    const [p] = body.responses[0]!.partitionResponses;
    expect(p).toMatchObject({ index: 0, errorCode: 0, baseOffset: BigInt(produced.length) });
    expect(p!.logAppendTimeMs).toBe(-1n);
    if (v >= 5) expect(p!.logStartOffset).toBe(0n);
    if (v >= 8) expect(p).toMatchObject({ recordErrors: [], errorMessage: null });
    produced.push(...records);
    batchCodecs.push(codec);
    const kind = codec === 0 ? "an uncompressed" : `a ${CODECS[codec]}`;
    return `${kind} batch of 2 records appended: error 0, base offset ${p!.baseOffset}${v >= 5 ? ", log start 0" : ""}`;
  });
});

describe("ListOffsets (2)", () => {
  versions("ListOffsets", async (v) => {
    const ask = async (timestamp: bigint) => {
      const body = await call(2, v, {
        ...listOffsetsRequest.defaults(v),
        replicaId: -1,
        isolationLevel: v >= 2 ? 1 : 0,
        topics: [
          { name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 }] },
        ],
        ...(v >= 10 ? { timeoutMs: 10_000 } : {}),
      });
      expect(body.topics).toHaveLength(1);
      expect(body.topics[0]!.name).toBe(topic);
      const [p] = body.topics[0]!.partitions;
      expect(p).toMatchObject({ partitionIndex: 0, errorCode: 0 });
      if (v >= 4) expect(p!.leaderEpoch).toBeGreaterThanOrEqual(0);
      return p!.offset;
    };
    expect(await ask(-2n)).toBe(0n);
    expect(await ask(-1n)).toBe(BigInt(produced.length));
    return `earliest (-2) = 0 and latest (-1) = ${produced.length} (the records produced)${v >= 2 ? ", read_committed" : ""}`;
  });
});

describe("Fetch (1)", () => {
  versions("Fetch", async (v) => {
    const byId = v >= 13;
    const body = await call(1, v, {
      ...fetchRequest.defaults(v),
      maxWaitMs: 100,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      topics: [
        {
          topic: byId ? "" : topic,
          topicId: byId ? topicId : ZERO_UUID,
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: -1,
              fetchOffset: 0n,
              lastFetchedEpoch: -1,
              logStartOffset: -1n,
              partitionMaxBytes: 1 << 20,
              replicaDirectoryId: ZERO_UUID,
            },
          ],
        },
      ],
    });
    expect(body.throttleTimeMs).toBe(0);
    if (v >= 7) expect(body).toMatchObject({ errorCode: 0, sessionId: 0 });
    expect(body.responses).toHaveLength(1);
    const t = body.responses[0]!;
    if (byId) expect(t.topicId).toBe(topicId);
    else expect(t.topic).toBe(topic);
    const [p] = t.partitions;
    const total = BigInt(produced.length);
    expect(p).toMatchObject({ partitionIndex: 0, errorCode: 0, highWatermark: total, lastStableOffset: total });
    if (v >= 5) expect(p!.logStartOffset).toBe(0n);
    if (v >= 11) expect(p!.preferredReadReplica).toBe(-1);
    const { batches, incomplete } = await decodeRecordBatches(p!.records!);
    expect(incomplete).toBeNull();
    expect(batches.map((b) => b.compression)).toEqual(batchCodecs);
    const got = batches.flatMap((b) =>
      b.records.map((r) => ({
        offset: b.baseOffset + BigInt(r.offsetDelta),
        key: utf8.decode(r.key!),
        value: utf8.decode(r.value!),
        headers: r.headers.map((h) => [h.key, utf8.decode(h.value!)]),
      })),
    );
    expect(got).toEqual(
      produced.map((r, i) => ({
        offset: BigInt(i),
        key: r.key,
        value: r.value,
        headers: [["produce-version", String(r.version)]],
      })),
    );
    return `${produced.length} records of ${batches.length} batches (none, gzip, snappy, lz4, zstd) decode to what was produced, offsets 0–${produced.length - 1}${byId ? "; topic by id" : ""}`;
  });
});

describe("FindCoordinator (10)", () => {
  versions("FindCoordinator", async (v) => {
    const key = `matrix-${run}-group`;
    let body: ResponseBodies[10] | undefined;
    // The first lookup creates __consumer_offsets; until it has a leader the answer is COORDINATOR_NOT_AVAILABLE.
    await until("the group coordinator is available", async () => {
      body = await call(10, v, {
        ...findCoordinatorRequest.defaults(v),
        ...(v >= 4 ? { coordinatorKeys: [key] } : { key }),
        keyType: 0,
      });
      const code = v >= 4 ? body.coordinators[0]?.errorCode : body.errorCode;
      return code !== KafkaErrorCode.COORDINATOR_NOT_AVAILABLE;
    });
    const found = v >= 4 ? body!.coordinators[0] : body!;
    expect(found).toMatchObject({ errorCode: 0, nodeId: NODE_ID, host: broker.host, port: broker.port });
    // Kafka 4.1.1 answers success with error message "" in the batched form, "NONE" in v1–3.
    if (v >= 4) expect(body!.coordinators).toEqual([expect.objectContaining({ key, errorMessage: "" })]);
    else if (v >= 1) expect(body!.errorMessage).toBe("NONE");
    return `the group's coordinator is the broker (node ${NODE_ID}, its host and port)${v >= 4 ? "; batched form, key echoed" : ""}`;
  });
});

describe("InitProducerId (22)", () => {
  versions("InitProducerId", async (v) => {
    let body: ResponseBodies[22] | undefined;
    // The broker's first allocation fetches a block of ids from the controller: COORDINATOR_LOAD_IN_PROGRESS until then.
    await until("a producer id is handed out", async () => {
      body = await call(22, v, {
        ...initProducerIdRequest.defaults(v),
        transactionalId: null,
        transactionTimeoutMs: 60_000,
        producerId: -1n,
        producerEpoch: -1,
      });
      return body.errorCode !== KafkaErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    });
    expect(body).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    expect(body!.producerId).toBeGreaterThanOrEqual(0n);
    // The id is real: an idempotent batch with it and sequence 0 is appended.
    const batch = await encodeRecordBatch({
      producerId: body!.producerId,
      producerEpoch: body!.producerEpoch,
      baseSequence: 0,
      records: [{ key: text.encode(`pid-v${v}`), value: text.encode("idempotent") }],
    });
    const produce = await call(0, 11, {
      ...produceRequest.defaults(11),
      acks: -1,
      timeoutMs: 10_000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }],
    });
    expect(produce.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: 0 });
    return "a new producer id with epoch 0; an idempotent batch with it (sequence 0) is accepted";
  });
});

describe("DeleteTopics (20)", () => {
  versions("DeleteTopics", async (v) => {
    const target = created.get(v + 1);
    expect(target, `the topic CreateTopics v${v + 1} created`).toBeDefined();
    const byId = v >= 6;
    const body = await call(20, v, {
      ...deleteTopicsRequest.defaults(v),
      ...(byId ? { topics: [{ name: null, topicId: target!.topicId }] } : { topicNames: [target!.name] }),
      timeoutMs: 30_000,
    });
    expect(body.responses).toHaveLength(1);
    expect(body.responses[0]).toMatchObject({ name: target!.name, errorCode: 0 });
    if (v >= 5) expect(body.responses[0]!.errorMessage).toBeNull();
    if (byId) expect(body.responses[0]!.topicId).toBe(target!.topicId);
    return `the topic CreateTopics v${v + 1} made is deleted (error 0, name echoed${byId ? "; by topic id" : ""})`;
  });
});

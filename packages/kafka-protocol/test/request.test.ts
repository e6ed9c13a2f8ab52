import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ApiKey,
  apiVersionRange,
  apiVersionsFallback,
  type DecodedRequest,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  isProtocolError,
  KafkaErrorCode,
  type ProtocolError,
  REQUEST_CODECS,
  RESPONSE_CODECS,
  Writer,
} from "../src/index.js";

interface Fixture {
  name: string;
  hex: string;
}
const fixtures: Fixture[] = JSON.parse(
  readFileSync(new URL("./fixtures/client-requests.json", import.meta.url), "utf8"),
).requests;
const batches: { name: string; hex: string }[] = JSON.parse(
  readFileSync(new URL("./fixtures/kcat-record-batches.json", import.meta.url), "utf8"),
).batches;

const bytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, "hex"));
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const fixture = (name: string): Uint8Array => bytes(fixtures.find((f) => f.name === name)!.hex);
const NO_TOPIC_ID = "AAAAAAAAAAAAAAAAAAAAAA";

function thrown(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (e) {
    if (isProtocolError(e)) return e;
    throw new Error(`expected a ProtocolError, got ${String(e)}`);
  }
  throw new Error("expected a ProtocolError, nothing was thrown");
}

/** The frame `encodeRequest` builds for a decoded request: its size prefix, then the bytes decoded. */
function reencode(req: DecodedRequest): Uint8Array {
  return encodeRequest(req.header as never, req.body as never);
}

const expected: Record<string, { header: object; body: object }> = {
  "kcat-api-versions-v3": {
    header: { apiKey: 18, apiVersion: 3, correlationId: 1, clientId: "rdkafka" },
    body: { clientSoftwareName: "librdkafka", clientSoftwareVersion: "2.0.2" },
  },
  "kcat-api-versions-v0": {
    header: { apiKey: 18, apiVersion: 0, correlationId: 2, clientId: "rdkafka" },
    body: { clientSoftwareName: "", clientSoftwareVersion: "" },
  },
  "kafkajs-api-versions-v2": {
    header: { apiKey: 18, apiVersion: 2, correlationId: 0, clientId: "kjs-probe" },
    body: { clientSoftwareName: "", clientSoftwareVersion: "" },
  },
  "kcat-metadata-v4": {
    header: { apiKey: 3, apiVersion: 4, correlationId: 2, clientId: "rdkafka" },
    body: {
      topics: [{ topicId: NO_TOPIC_ID, name: "h" }],
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    },
  },
  "kcat-init-producer-id-v4": {
    header: { apiKey: 22, apiVersion: 4, correlationId: 3, clientId: "rdkafka" },
    body: { transactionalId: null, transactionTimeoutMs: -1, producerId: -1n, producerEpoch: -1 },
  },
  "kcat-produce-v7": {
    header: { apiKey: 0, apiVersion: 7, correlationId: 4, clientId: "rdkafka" },
    body: {
      transactionalId: null,
      acks: -1,
      timeoutMs: 30000,
      topicData: [{ name: "t3", partitionData: [{ index: 0, records: bytes(batches[0]!.hex) }] }],
    },
  },
  "kcat-list-offsets-v2": {
    header: { apiKey: 2, apiVersion: 2, correlationId: 5, clientId: "rdkafka" },
    body: {
      replicaId: -1,
      isolationLevel: 1,
      topics: [
        { name: "t3", partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n, maxNumOffsets: 1 }] },
      ],
      timeoutMs: 0,
    },
  },
  "kcat-fetch-v11": {
    header: { apiKey: 1, apiVersion: 11, correlationId: 6, clientId: "rdkafka" },
    body: {
      clusterId: null,
      replicaId: -1,
      replicaState: { replicaId: -1, replicaEpoch: -1n },
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 52428800,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic: "t3",
          topicId: NO_TOPIC_ID,
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: -1,
              fetchOffset: 0n,
              lastFetchedEpoch: -1,
              logStartOffset: -1n,
              partitionMaxBytes: 1048576,
              replicaDirectoryId: NO_TOPIC_ID,
            },
          ],
        },
      ],
      forgottenTopicsData: [],
      rackId: "",
    },
  },
};

describe("requests captured from kcat and kafkajs", () => {
  it("every fixture has its expected fields listed here", () => {
    expect(fixtures.map((f) => f.name).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const f of fixtures) {
    it(`${f.name} decodes to the expected header and body and re-encodes byte for byte`, () => {
      const frame = bytes(f.hex);
      const req = decodeRequest(frame);
      expect(req.apiKey).toBe(req.header.apiKey);
      expect(req.header).toStrictEqual(expected[f.name]!.header);
      expect(req.body).toStrictEqual(expected[f.name]!.body);
      const again = reencode(req);
      expect(hexOf(again.subarray(0, 4))).toBe(frame.length.toString(16).padStart(8, "0"));
      expect(hexOf(again.subarray(4))).toBe(f.hex);
    });
  }

  it("narrows the body's type on apiKey", () => {
    const req = decodeRequest(fixture("kcat-produce-v7"));
    if (req.apiKey !== ApiKey.Produce) throw new Error("not a produce request");
    // Type-checked: body is a ProduceRequest here.
    expect(req.body.topicData[0]!.partitionData[0]!.records!.length).toBe(75);
  });
});

describe("decodeRequest", () => {
  it("refuses trailing bytes, an API without a codec, and a version outside the range", () => {
    const frame = fixture("kcat-metadata-v4");
    const trailing = thrown(() => decodeRequest(new Uint8Array([...frame, 0])));
    expect(trailing.kind).toBe("invalid-value");
    expect(trailing.message).toMatch(/MetadataRequest v4: 1 unexpected trailing byte/);
    // JoinGroup (11) is a Kafka API this package has no codec for; 99 is no Kafka API at all.
    for (const key of [11, 99]) {
      const other = new Uint8Array(frame);
      other[1] = key;
      expect(thrown(() => decodeRequest(other)).kind).toBe("invalid-value");
    }
    const v13 = new Uint8Array(frame);
    v13[3] = 13;
    const e = thrown(() => decodeRequest(v13));
    expect(e.kind).toBe("unsupported-version");
    expect(e.message).toMatch(/MetadataRequest v13 is not supported: this package implements v0 to v12/);
    const fetch3 = fixture("kcat-fetch-v11");
    fetch3[3] = 3;
    expect(thrown(() => decodeRequest(fetch3)).kind).toBe("unsupported-version");
  });

  it("refuses a frame cut anywhere with a ProtocolError", () => {
    for (const f of fixtures) {
      const frame = bytes(f.hex);
      for (let n = 0; n < frame.length; n++) {
        const e = thrown(() => decodeRequest(frame.subarray(0, n)));
        expect(["truncated", "invalid-value"]).toContain(e.kind);
      }
    }
  });
});

describe("responses", () => {
  it("ApiVersions answers carry header v0 even at flexible versions, others header v1", () => {
    const body = { ...RESPONSE_CODECS[18].defaults(3), apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }] };
    const frame = encodeResponse(ApiKey.ApiVersions, 3, 7, body);
    // size, correlation id 7, then the body's error code at once: no header tag byte.
    expect(hexOf(frame.subarray(0, 10))).toBe(`${(frame.length - 4).toString(16).padStart(8, "0")}000000070000`);
    expect(decodeResponse(ApiKey.ApiVersions, 3, frame.subarray(4))).toStrictEqual({ correlationId: 7, body });

    const init = { throttleTimeMs: 0, errorCode: 0, producerId: 1000n, producerEpoch: 0 };
    const v4 = encodeResponse(ApiKey.InitProducerId, 4, 3, init);
    expect(hexOf(v4.subarray(4))).toBe("00000003" + "00" + "00000000" + "0000" + "00000000000003e8" + "0000" + "00");
    expect(decodeResponse(ApiKey.InitProducerId, 4, v4.subarray(4))).toStrictEqual({ correlationId: 3, body: init });
    const v1 = encodeResponse(ApiKey.InitProducerId, 1, 3, init);
    expect(hexOf(v1.subarray(4))).toBe("00000003" + "00000000" + "0000" + "00000000000003e8" + "0000");
  });

  it("the ApiVersions fallback is a v0 body with UNSUPPORTED_VERSION", () => {
    const body = apiVersionsFallback([{ apiKey: 18, minVersion: 0, maxVersion: 4 }]);
    const frame = encodeResponse(ApiKey.ApiVersions, 0, 9, body);
    expect(hexOf(frame)).toBe("00000010" + "00000009" + "0023" + "00000001" + "0012" + "0000" + "0004");
    expect(decodeResponse(ApiKey.ApiVersions, 0, frame.subarray(4)).body.errorCode).toBe(
      KafkaErrorCode.UNSUPPORTED_VERSION,
    );
  });

  it("refuses trailing bytes and unknown APIs, and leaves a given writer as it was on failure", () => {
    const frame = encodeResponse(ApiKey.FindCoordinator, 2, 1, RESPONSE_CODECS[10].defaults(2));
    expect(
      thrown(() => decodeResponse(ApiKey.FindCoordinator, 2, new Uint8Array([...frame.subarray(4), 1]))).kind,
    ).toBe("invalid-value");
    expect(thrown(() => decodeResponse(11 as never, 0, frame.subarray(4))).kind).toBe("invalid-value");
    const w = new Writer();
    w.int8(1);
    const bad = { ...RESPONSE_CODECS[10].defaults(2), host: 5 };
    expect(thrown(() => encodeResponse(ApiKey.FindCoordinator, 2, 1, bad as never, w)).message).toMatch(
      /FindCoordinatorResponse v2: host: a string field needs a string/,
    );
    expect(w.offset).toBe(1);
  });

  it("appends a frame at a given writer's offset", () => {
    const w = new Writer();
    w.int8(1);
    const frame = encodeRequest(
      { apiKey: ApiKey.ApiVersions, apiVersion: 3, correlationId: 1, clientId: "rdkafka" },
      { clientSoftwareName: "librdkafka", clientSoftwareVersion: "2.0.2" },
      w,
    );
    expect(hexOf(frame)).toBe(`00000024${fixtures[0]!.hex}`);
    expect(w.offset).toBe(41);
  });

  it("has a request and a response codec for the same API keys, agreeing with the version plan", () => {
    expect(Object.keys(REQUEST_CODECS)).toEqual(Object.keys(RESPONSE_CODECS));
    for (const [key, codec] of Object.entries(REQUEST_CODECS)) {
      const response = RESPONSE_CODECS[Number(key) as keyof typeof RESPONSE_CODECS];
      expect([codec.apiKey, codec.minVersion, codec.maxVersion, codec.flexibleFrom]).toEqual([
        response.apiKey,
        response.minVersion,
        response.maxVersion,
        response.flexibleFrom,
      ]);
      expect(codec.apiKey).toBe(Number(key));
      const plan = apiVersionRange(codec.apiKey)!;
      expect([codec.minVersion, codec.maxVersion, codec.flexibleFrom]).toEqual([
        plan.minVersion,
        plan.maxVersion,
        plan.flexibleFrom,
      ]);
    }
  });
});

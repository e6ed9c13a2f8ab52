/**
 * The interop tier itself: the broker the global setup started is a real Kafka
 * that answers hand-written frames, kcat can list, produce to and consume from it,
 * and the recording proxy captures a real client's frames in order.
 */

import { randomUUID } from "node:crypto";
import { describe, expect, inject, test } from "vitest";
import {
  API_VERSIONS_KEY,
  apiVersionsV0Request,
  kafkaBootstrap,
  kcat,
  parseApiVersionsV0Response,
  rawRequest,
  requestHeader,
  responseCorrelationId,
  startRecordingProxy,
} from "../../packages/testkit/src/kafka.js";

const PRODUCE_KEY = 0;
const METADATA_KEY = 3;

describe("the real broker", () => {
  test("the global setup provides the bootstrap address and exports it to the workers", () => {
    const { host, port } = kafkaBootstrap();
    expect(host).toBe("127.0.0.1");
    expect(port).toBeGreaterThan(0);
    expect(inject("kafkaBootstrap")).toBe(`${host}:${port}`);
    expect(process.env.CSP_KIT_KAFKA_BOOTSTRAP).toBe(`${host}:${port}`);
  });

  test("answers a hand-written ApiVersions v0 with error 0, listing Produce and ApiVersions", async () => {
    const { host, port } = kafkaBootstrap();
    const response = parseApiVersionsV0Response(await rawRequest(host, port, apiVersionsV0Request(0x5eed)));
    expect(response.correlationId).toBe(0x5eed);
    expect(response.errorCode).toBe(0);
    const keys = response.apiKeys.map((range) => range.apiKey);
    expect(keys).toContain(PRODUCE_KEY);
    expect(keys).toContain(API_VERSIONS_KEY);
    const apiVersions = response.apiKeys.find((range) => range.apiKey === API_VERSIONS_KEY)!;
    expect(apiVersions.minVersion).toBe(0);
    expect(apiVersions.maxVersion).toBeGreaterThanOrEqual(3);
  });

  test("kcat -L lists the one broker at the bootstrap address", async () => {
    const { host, port } = kafkaBootstrap();
    const { code, stdout, stderr } = await kcat(["-L", "-J", "-b", `${host}:${port}`]);
    expect(code, stderr).toBe(0);
    const metadata = JSON.parse(stdout.toString("utf8")) as { brokers: { id: number; name: string }[] };
    expect(metadata.brokers).toEqual([{ id: 1, name: `${host}:${port}` }]);
  });

  test("three lines produced with kcat -P come back from kcat -C in order", async () => {
    const { host, port } = kafkaBootstrap();
    const topic = `interop-infra-${randomUUID()}`;
    const produced = await kcat(["-P", "-b", `${host}:${port}`, "-t", topic], "one\ntwo\nthree\n");
    expect(produced.code, produced.stderr).toBe(0);
    const consumed = await kcat(["-C", "-b", `${host}:${port}`, "-t", topic, "-e", "-o", "beginning", "-c", "3"]);
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout.toString("utf8")).toBe("one\ntwo\nthree\n");
  });
});

describe("the recording proxy", () => {
  test("records kcat -L: ApiVersions first, then Metadata, each answered on its connection", async () => {
    const proxy = await startRecordingProxy({ target: kafkaBootstrap() });
    try {
      const { code, stdout, stderr } = await kcat(["-L", "-J", "-b", `127.0.0.1:${proxy.port}`]);
      expect(code, stderr).toBe(0);
      expect(JSON.parse(stdout.toString("utf8")).brokers).toHaveLength(1);

      const frames = proxy.frames();
      const first = frames[0]!;
      expect(first.direction).toBe("request");
      expect(first.connection).toBe(0);
      expect(requestHeader(first.bytes)?.apiKey).toBe(API_VERSIONS_KEY);

      const requests = frames.filter((f) => f.direction === "request" && f.connection === 0);
      expect(requests.map((f) => requestHeader(f.bytes)?.apiKey)).toContain(METADATA_KEY);
      for (const frame of frames) {
        const size = new DataView(frame.bytes.buffer, frame.bytes.byteOffset).getInt32(0);
        expect(frame.bytes.length).toBe(4 + size);
      }
      // Every request kcat sent through the proxy was answered, with its correlation id.
      const answered = new Set(
        frames
          .filter((f) => f.direction === "response")
          .map((f) => `${f.connection}/${responseCorrelationId(f.bytes)}`),
      );
      for (const request of frames.filter((f) => f.direction === "request")) {
        expect(answered).toContain(`${request.connection}/${requestHeader(request.bytes)?.correlationId}`);
      }
    } finally {
      await proxy.close();
    }
  });
});

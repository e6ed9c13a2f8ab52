/**
 * Golden bytes without Java: the exchanges kcat (librdkafka 2.0.2) and
 * kafkajs 2.2.4 had with a real Apache Kafka 4.1.1, recorded by
 * test/interop/captures.interop.test.ts into test/fixtures/captures/*.json.
 * Every request and response frame must decode with this package's codec and
 * re-encode to the same bytes; the record batches inside must carry the
 * codecs recorded with them and decode (CRC-32C checked, decompressed); a
 * frame cut short must be a ProtocolError.
 */

import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { apiName, decodeRequest, decodeResponse, isProtocolError, type MessageApiKey } from "../src/index.js";
import { batchCodecsOf, batchesOf, type CaptureFixture, checkExchange, fromFixture } from "./interop/golden.js";

const dir = new URL("./fixtures/captures/", import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => ({ file: f, fixture: JSON.parse(readFileSync(new URL(f, dir), "utf8")) as CaptureFixture }));
const entries = fixtures.flatMap(({ fixture }) => fixture.exchanges);

/** `client api vN` for every exchange, e.g. `kcat Produce v7`. */
const seen = new Set(entries.map((e) => `${e.client} ${e.api} v${e.apiVersion}`));

describe("the capture fixtures", () => {
  test("cover what kcat and kafkajs send to Kafka 4.1.1: each client's APIs and versions, and every kcat codec", () => {
    expect(fixtures.map((f) => f.file)).toEqual(["kafkajs.json", "kcat.json"]);
    for (const api of [
      "kcat ApiVersions v3",
      "kcat Metadata v4",
      "kcat Produce v7",
      "kcat InitProducerId v4",
      "kcat ListOffsets v2",
      "kcat Fetch v11",
      "kafkajs ApiVersions v2",
      "kafkajs Metadata v6",
      "kafkajs CreateTopics v3",
      "kafkajs Produce v7",
    ]) {
      expect(seen, api).toContain(api);
    }
    const kcatProduce = entries.filter((e) => e.client === "kcat" && e.api === "Produce");
    expect(new Set(kcatProduce.flatMap((e) => e.batchCodecs ?? []))).toEqual(new Set([0, 1, 2, 3, 4]));
    expect(entries.every((e) => e.response !== null)).toBe(true);
  });
});

for (const { file, fixture } of fixtures) {
  describe(file, () => {
    fixture.exchanges.forEach((entry, i) => {
      test(`#${i} ${entry.scenario}: ${entry.api} v${entry.apiVersion} decodes and re-encodes byte for byte`, async () => {
        const exchange = fromFixture(entry);
        const checked = checkExchange(exchange);
        expect(checked.request.apiKey).toBe(entry.apiKey);
        expect(checked.request.header).toMatchObject({
          apiVersion: entry.apiVersion,
          correlationId: entry.correlationId,
        });
        expect(checked.response?.correlationId).toBe(entry.correlationId);
        expect(batchCodecsOf(checked)).toEqual(entry.batchCodecs);
        const batches = await batchesOf(checked);
        expect(batches.map((b) => b.compression)).toEqual(entry.batchCodecs ?? []);
        for (const batch of batches) {
          expect(batch.records.length).toBe(batch.lastOffsetDelta + 1);
          for (const record of batch.records) expect(record.value?.length).toBeGreaterThan(0);
        }
      });
    });

    test("every frame cut short by one byte is a ProtocolError, never another error", () => {
      for (const entry of fixture.exchanges) {
        const { request, response } = fromFixture(entry);
        const attempts = [
          () => decodeRequest(request.subarray(4, request.length - 1)),
          () =>
            decodeResponse(
              entry.apiKey as MessageApiKey,
              entry.apiVersion,
              response!.subarray(4, response!.length - 1),
            ),
        ];
        for (const attempt of attempts) {
          let thrown: unknown;
          try {
            attempt();
          } catch (error) {
            thrown = error;
          }
          expect(isProtocolError(thrown), `${apiName(entry.apiKey)} v${entry.apiVersion}: ${String(thrown)}`).toBe(
            true,
          );
        }
      }
    });
  });
}

/**
 * What the broker advertises in ApiVersions: per API the version range it
 * serves, chosen from what @csp-kit/kafka-protocol encodes and decodes
 * (`API_VERSIONS`), with the traps of KAFKA.md §2.8 in mind:
 *
 * | API (key)            | served | why this range                                                      |
 * |----------------------|--------|---------------------------------------------------------------------|
 * | Produce (0)          | 0–11   | min 0, or librdkafka 2.0.2 stops compressing gzip/snappy/lz4 (#4956); a v0–2 request (legacy message sets) closes the connection, as Kafka 4.1 does (KAFKA-18659 advertises v0 for the same reason) |
 * | Fetch (1)            | 4–17   | 4: the first with RecordBatch v2 (librdkafka's MsgVer2); 10 must be in range for zstd; 12+ for @platformatic/kafka |
 * | ListOffsets (2)      | 1–10   | v0 (old-style offset arrays) left out, as Kafka 4 does; 10 is what Kafka 4's Java client sends |
 * | Metadata (3)         | 0–12   | librdkafka 4, kafkajs 6, @platformatic/kafka 9–12 (flexible)         |
 * | FindCoordinator (10) | 0–6    | librdkafka gates LZ4 on FindCoordinator being advertised; answered with this broker |
 * | ApiVersions (18)     | 0–4    | a version above 4 gets the v0-shaped UNSUPPORTED_VERSION body        |
 * | CreateTopics (19)    | 0–7    | admin clients                                                       |
 * | DeleteTopics (20)    | 0–6    | admin clients                                                       |
 * | InitProducerId (22)  | 0–5    | idempotent producers; librdkafka uses 4, kafkajs 1                  |
 *
 * Nothing group- or transaction-related is advertised: a client that needs
 * consumer groups (kcat -G, the kafkajs consumer) finds out from ApiVersions.
 *
 * Invariants: every range lies inside the protocol package's implemented
 * range for that API (checked by a test), so whatever a client may send
 * within it can be decoded; every served range ({@link servedRange}) lies
 * inside its advertised range.
 */

import { API_VERSIONS, ApiKey, type ApiVersion } from "@csp-kit/kafka-protocol";

/** The ranges the broker advertises, by API key ascending (ApiVersions lists them in this order). */
export const ADVERTISED_VERSIONS: readonly ApiVersion[] = Object.freeze([
  { apiKey: ApiKey.Produce, minVersion: 0, maxVersion: API_VERSIONS.Produce.maxVersion },
  { apiKey: ApiKey.Fetch, minVersion: 4, maxVersion: API_VERSIONS.Fetch.maxVersion },
  { apiKey: ApiKey.ListOffsets, minVersion: 1, maxVersion: API_VERSIONS.ListOffsets.maxVersion },
  { apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: API_VERSIONS.Metadata.maxVersion },
  { apiKey: ApiKey.FindCoordinator, minVersion: 0, maxVersion: API_VERSIONS.FindCoordinator.maxVersion },
  { apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: API_VERSIONS.ApiVersions.maxVersion },
  { apiKey: ApiKey.CreateTopics, minVersion: 0, maxVersion: API_VERSIONS.CreateTopics.maxVersion },
  { apiKey: ApiKey.DeleteTopics, minVersion: 0, maxVersion: API_VERSIONS.DeleteTopics.maxVersion },
  { apiKey: ApiKey.InitProducerId, minVersion: 0, maxVersion: API_VERSIONS.InitProducerId.maxVersion },
]);

const BY_KEY: ReadonlyMap<number, ApiVersion> = new Map(ADVERTISED_VERSIONS.map((v) => [v.apiKey, v]));

/** The advertised range of `apiKey`, or undefined when the broker does not serve that API. */
export function advertisedRange(apiKey: number): ApiVersion | undefined {
  return BY_KEY.get(apiKey);
}

/**
 * The versions the broker answers: the advertised range, except Produce,
 * advertised from v0 but served from v3 (RecordBatch v2). A request below
 * its served range closes the connection.
 */
export function servedRange(apiKey: number): ApiVersion | undefined {
  const r = BY_KEY.get(apiKey);
  if (r === undefined || apiKey !== ApiKey.Produce) return r;
  return PRODUCE_SERVED;
}

const PRODUCE_SERVED: ApiVersion = Object.freeze({
  apiKey: ApiKey.Produce,
  minVersion: 3,
  maxVersion: API_VERSIONS.Produce.maxVersion,
});

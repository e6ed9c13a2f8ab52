/**
 * Kafka's API keys by name, the version plan of the APIs this package
 * implements, and where every API becomes "flexible" (compact types, tagged
 * fields, request header v2 / response header v1).
 *
 * Source of truth: apache/kafka's message schemas
 * (`clients/src/main/resources/common/message/<Name>{Request,Response}.json`,
 * snapshot of October 2024, the 4.0 development line), fields `apiKey`,
 * `validVersions` and `flexibleVersions`. Every request schema and its
 * response schema agree on `flexibleVersions` (checked for all 88 keys).
 *
 * The version plan (what the messages of this package encode and decode,
 * both directions), checked against those schemas:
 *
 * | API (key)            | plan  | schema validVersions | flexible from | clients that use it                                  |
 * |----------------------|-------|----------------------|---------------|------------------------------------------------------|
 * | Produce (0)          | 0–11  | 0–11                 | 9             | librdkafka 2.0.2: 7, kafkajs: 7, platformatic: 7–11   |
 * | Fetch (1)            | 4–17  | 0–17 (0–3 deprecated)| 12            | librdkafka: 11, kafkajs: 11, platformatic: 12–17      |
 * | ListOffsets (2)      | 0–10  | 0–10 (0 deprecated)  | 6             | librdkafka: 2, kafkajs: 3, platformatic: 5–9, Java 4.x: 10 |
 * | Metadata (3)         | 0–12  | 0–12 (0–3 deprecated)| 9             | librdkafka: 4, kafkajs: 6, platformatic: 9–12         |
 * | FindCoordinator (10) | 0–6   | 0–6                  | 3             | librdkafka: 2, kafkajs: 2, platformatic: 4–6          |
 * | ApiVersions (18)     | 0–4   | 0–4                  | 3             | librdkafka: 3 (falls back to 0), kafkajs: 2, platformatic: 3–4 |
 * | CreateTopics (19)    | 0–7   | 0–7 (0–1 deprecated) | 5             | admin clients                                        |
 * | DeleteTopics (20)    | 0–6   | 0–6 (0 deprecated)   | 4             | admin clients                                        |
 * | InitProducerId (22)  | 0–5   | 0–5                  | 2             | librdkafka: 4, kafkajs: 1, platformatic: 3–5          |
 *
 * Notes on the plan:
 * - Produce v0–2 carry legacy message sets; the request and response shapes
 *   are still encoded and decoded (the broker must advertise Produce from v0,
 *   or librdkafka 2.0.2 stops compressing; see KAFKA.md §2.8).
 * - ListOffsets goes to v10, one past the first draft's 9: v10 (KIP-1075)
 *   only adds the request's `TimeoutMs`, it is stable in Kafka 4.0's schema,
 *   and Kafka 4's own Java clients send it; the plan is the union of what
 *   the clients above and Kafka 4 itself use.
 * - Fetch starts at v4, the first version guaranteed to carry RecordBatch v2.
 * - Kafka releases after this snapshot may add versions (a newer broker
 *   advertising, say, Produce 12 is fine: clients clamp to the overlap).
 *
 * Invariants:
 * - For every entry of {@link API_VERSIONS}:
 *   `0 <= minVersion <= maxVersion`, and `flexibleFrom` equals
 *   {@link FLEXIBLE_FROM}'s entry for the same key.
 * - {@link ApiKey} maps each name to a distinct key; {@link apiName} is its
 *   inverse on known keys.
 */

/**
 * Every API key Kafka defines, by the name its schema gives it.
 *
 * Only some are implemented by this package (see {@link API_VERSIONS}); the
 * others are here so that logs and errors can name what a peer sent.
 *
 * @example
 * ```ts run
 * import { ApiKey, apiName } from "@csp-kit/kafka-protocol";
 *
 * console.log(ApiKey.Produce, apiName(18)); // → 0 ApiVersions
 * if (ApiKey.Produce !== 0 || apiName(18) !== "ApiVersions") throw new Error(`got ${ApiKey.Produce} ${apiName(18)}`);
 * ```
 */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  LeaderAndIsr: 4,
  StopReplica: 5,
  UpdateMetadata: 6,
  ControlledShutdown: 7,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  InitProducerId: 22,
  OffsetForLeaderEpoch: 23,
  AddPartitionsToTxn: 24,
  AddOffsetsToTxn: 25,
  EndTxn: 26,
  WriteTxnMarkers: 27,
  TxnOffsetCommit: 28,
  DescribeAcls: 29,
  CreateAcls: 30,
  DeleteAcls: 31,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  AlterReplicaLogDirs: 34,
  DescribeLogDirs: 35,
  SaslAuthenticate: 36,
  CreatePartitions: 37,
  CreateDelegationToken: 38,
  RenewDelegationToken: 39,
  ExpireDelegationToken: 40,
  DescribeDelegationToken: 41,
  DeleteGroups: 42,
  ElectLeaders: 43,
  IncrementalAlterConfigs: 44,
  AlterPartitionReassignments: 45,
  ListPartitionReassignments: 46,
  OffsetDelete: 47,
  DescribeClientQuotas: 48,
  AlterClientQuotas: 49,
  DescribeUserScramCredentials: 50,
  AlterUserScramCredentials: 51,
  Vote: 52,
  BeginQuorumEpoch: 53,
  EndQuorumEpoch: 54,
  DescribeQuorum: 55,
  AlterPartition: 56,
  UpdateFeatures: 57,
  Envelope: 58,
  FetchSnapshot: 59,
  DescribeCluster: 60,
  DescribeProducers: 61,
  BrokerRegistration: 62,
  BrokerHeartbeat: 63,
  UnregisterBroker: 64,
  DescribeTransactions: 65,
  ListTransactions: 66,
  AllocateProducerIds: 67,
  ConsumerGroupHeartbeat: 68,
  ConsumerGroupDescribe: 69,
  ControllerRegistration: 70,
  GetTelemetrySubscriptions: 71,
  PushTelemetry: 72,
  AssignReplicasToDirs: 73,
  ListClientMetricsResources: 74,
  DescribeTopicPartitions: 75,
  ShareGroupHeartbeat: 76,
  ShareGroupDescribe: 77,
  ShareFetch: 78,
  ShareAcknowledge: 79,
  AddRaftVoter: 80,
  RemoveRaftVoter: 81,
  UpdateRaftVoter: 82,
  InitializeShareGroupState: 83,
  ReadShareGroupState: 84,
  WriteShareGroupState: 85,
  DeleteShareGroupState: 86,
  ReadShareGroupStateSummary: 87,
} as const;

/** A known API key (a value of {@link ApiKey}). */
export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];

/** A known API's name (a key of {@link ApiKey}). */
export type ApiName = keyof typeof ApiKey;

/** The "never flexible" sentinel of {@link FLEXIBLE_FROM}: no version is `>=` it (SaslHandshake, OffsetDelete). */
export const NEVER_FLEXIBLE: number = Number.POSITIVE_INFINITY;

const F = NEVER_FLEXIBLE;

/**
 * The first flexible version of every known API key, from its schema's
 * `flexibleVersions` (`"9+"` → 9; `"none"` → {@link NEVER_FLEXIBLE}).
 * Indexed by API key.
 *
 * Gotchas: this says how a version is *framed* (request header v2, response
 * header v1 from this version on), not that this package can decode it; see
 * {@link API_VERSIONS} for that.
 */
// biome-ignore format: ten keys per row, so a key's entry is easy to find
export const FLEXIBLE_FROM: readonly number[] = Object.freeze([
  9, 12, 6, 9, 4, 2, 6, 3, 8, 6, // 0-9
  3, 6, 4, 4, 4, 5, 3, F, 3, 5, // 10-19
  4, 2, 2, 4, 3, 3, 3, 1, 3, 2, // 20-29
  2, 2, 4, 2, 2, 2, 2, 2, 2, 2, // 30-39
  2, 2, 2, 2, 1, 0, 0, F, 1, 1, // 40-49
  0, 0, 0, 1, 1, 0, 0, 0, 0, 0, // 50-59
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 60-69
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 70-79
  0, 0, 0, 0, 0, 0, 0, 0, // 80-87
]);

/** The versions of one API that this package implements, and where that API turns flexible. */
export interface ApiVersionRange {
  /** The API key. */
  readonly apiKey: ApiKey;
  /** Lowest version encoded and decoded. */
  readonly minVersion: number;
  /** Highest version encoded and decoded. */
  readonly maxVersion: number;
  /** First flexible version (compact types, tagged fields, header v2/v1); may be above `maxVersion` for an API never flexible in the plan. */
  readonly flexibleFrom: number;
}

/** The names of the APIs this package implements (the keys of {@link API_VERSIONS}). */
export type ImplementedApi =
  | "Produce"
  | "Fetch"
  | "ListOffsets"
  | "Metadata"
  | "FindCoordinator"
  | "ApiVersions"
  | "CreateTopics"
  | "DeleteTopics"
  | "InitProducerId";

const range = (apiKey: ApiKey, minVersion: number, maxVersion: number): ApiVersionRange =>
  Object.freeze({ apiKey, minVersion, maxVersion, flexibleFrom: FLEXIBLE_FROM[apiKey] as number });

/**
 * The version plan: per implemented API, the versions its message file
 * encodes and decodes (requests and responses alike) and its first flexible
 * version. The table in this file's header says where each number comes from.
 *
 * Gotchas: a broker *advertises* what it chooses from these (a broker may
 * advertise less); a client clamps to the overlap with the broker's
 * ApiVersions answer.
 *
 * @example
 * ```ts run
 * import { API_VERSIONS } from "@csp-kit/kafka-protocol";
 *
 * const { minVersion, maxVersion, flexibleFrom } = API_VERSIONS.Metadata;
 * console.log(minVersion, maxVersion, flexibleFrom); // → 0 12 9
 * if (`${minVersion} ${maxVersion} ${flexibleFrom}` !== "0 12 9") throw new Error(`got ${minVersion} ${maxVersion} ${flexibleFrom}`);
 * ```
 */
export const API_VERSIONS: Readonly<Record<ImplementedApi, ApiVersionRange>> = Object.freeze({
  Produce: range(ApiKey.Produce, 0, 11),
  Fetch: range(ApiKey.Fetch, 4, 17),
  ListOffsets: range(ApiKey.ListOffsets, 0, 10),
  Metadata: range(ApiKey.Metadata, 0, 12),
  FindCoordinator: range(ApiKey.FindCoordinator, 0, 6),
  ApiVersions: range(ApiKey.ApiVersions, 0, 4),
  CreateTopics: range(ApiKey.CreateTopics, 0, 7),
  DeleteTopics: range(ApiKey.DeleteTopics, 0, 6),
  InitProducerId: range(ApiKey.InitProducerId, 0, 5),
});

const NAMES: readonly string[] = Object.freeze(
  Object.entries(ApiKey)
    .sort((a, b) => a[1] - b[1])
    .map(([name]) => name),
);

const BY_KEY: ReadonlyMap<number, ApiVersionRange> = new Map(Object.values(API_VERSIONS).map((r) => [r.apiKey, r]));

/** Whether `apiKey` is one of Kafka's API keys (an integer in {@link ApiKey}'s range). */
export function isKnownApiKey(apiKey: number): apiKey is ApiKey {
  return Number.isInteger(apiKey) && apiKey >= 0 && apiKey < NAMES.length;
}

/**
 * The name of an API key, for logs and error messages: `"Produce"` for 0;
 * `"UnknownApi(99)"` for a key Kafka does not define (never throws).
 */
export function apiName(apiKey: number): string {
  return isKnownApiKey(apiKey) ? (NAMES[apiKey] as string) : `UnknownApi(${apiKey})`;
}

/** The implemented version range of `apiKey`, or `undefined` when this package does not implement that API. */
export function apiVersionRange(apiKey: number): ApiVersionRange | undefined {
  return BY_KEY.get(apiKey);
}

/** Whether this package encodes and decodes version `apiVersion` of `apiKey`. */
export function isSupportedVersion(apiKey: number, apiVersion: number): boolean {
  const r = BY_KEY.get(apiKey);
  return r !== undefined && Number.isInteger(apiVersion) && apiVersion >= r.minVersion && apiVersion <= r.maxVersion;
}

/**
 * Whether version `apiVersion` of `apiKey` is flexible (compact strings,
 * arrays and bytes; tagged fields; request header v2 and response header v1).
 * Defined for every known key, implemented or not; `false` for unknown keys.
 */
export function isFlexibleVersion(apiKey: number, apiVersion: number): boolean {
  return isKnownApiKey(apiKey) && apiVersion >= (FLEXIBLE_FROM[apiKey] as number);
}

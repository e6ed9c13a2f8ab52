/**
 * CreateTopics (19), v0–7: topics created at once (there is no controller
 * to wait for), each answered on its own:
 *
 * | situation                                              | error                                |
 * |--------------------------------------------------------|--------------------------------------|
 * | the same name twice in one request                     | INVALID_REQUEST (42), every copy     |
 * | illegal name                                           | INVALID_TOPIC_EXCEPTION (17)         |
 * | exists                                                 | TOPIC_ALREADY_EXISTS (36)            |
 * | partitions 0, below -1 or above 10,000                 | INVALID_PARTITIONS (37)              |
 * | replication factor other than 1 or -1                  | INVALID_REPLICATION_FACTOR (38)      |
 * | assignments with a count or factor, another broker, gaps | INVALID_REQUEST / INVALID_REPLICA_ASSIGNMENT (39) |
 * | unknown or unsupported config (see topic-config.ts)    | INVALID_CONFIG (40)                  |
 *
 * `num_partitions` -1 means the broker's `defaultPartitions`; replication
 * factor -1 means 1. `validate_only` checks everything and creates nothing.
 * From v5 the answer carries the partition count, the replication factor
 * and the topic's effective configs.
 *
 * Invariants: a topic answered with an error was not created; topics are
 * checked and created one by one in request order, so an earlier topic of
 * the same request already exists when a later one is checked.
 */

import {
  ApiKey,
  type CreatableTopic,
  type CreatableTopicConfigs,
  type CreatableTopicResult,
  type CreateTopicsRequest,
  KafkaErrorCode,
  type RequestHeader,
} from "@csp-kit/kafka-protocol";
import { MAX_PARTITIONS } from "../../config.js";
import { type TopicLogSettings, topicLogSettings, topicNameProblem } from "../topics/topic-config.js";
import { type BrokerContext, respond, ZERO_UUID } from "./context.js";

/** Kafka's ConfigSource values used here. */
const TOPIC_CONFIG = 1;
const DEFAULT_CONFIG = 5;

function limit(n: number): string {
  return n === Number.POSITIVE_INFINITY ? "-1" : String(n);
}

/** The topic's effective configs, as DescribeConfigs would list them. */
function effectiveConfigs(
  settings: TopicLogSettings,
  given: Readonly<Record<string, string>>,
): CreatableTopicConfigs[] {
  const values: Record<string, string> = {
    "cleanup.policy": "delete",
    "compression.type": "producer",
    "max.message.bytes": String(settings.maxMessageBytes),
    "message.timestamp.type": "CreateTime",
    "min.insync.replicas": given["min.insync.replicas"] ?? "1",
    "retention.bytes": limit(settings.retentionBytes),
    "retention.ms": limit(settings.retentionMs),
    "segment.bytes": String(settings.segmentBytes),
    "unclean.leader.election.enable": given["unclean.leader.election.enable"] ?? "false",
  };
  return Object.entries(values).map(([name, value]) => ({
    name,
    value,
    readOnly: false,
    configSource: name in given ? TOPIC_CONFIG : DEFAULT_CONFIG,
    isSensitive: false,
  }));
}

type Plan =
  | {
      readonly ok: true;
      readonly partitions: number;
      readonly configs: Record<string, string>;
      readonly settings: TopicLogSettings;
    }
  | { readonly ok: false; readonly errorCode: number; readonly message: string };

/** Checks one topic of the request; says how to create it or why not. */
function plan(ctx: BrokerContext, t: CreatableTopic): Plan {
  const fail = (errorCode: number, message: string): Plan => ({ ok: false, errorCode, message });
  const nameProblem = topicNameProblem(t.name);
  if (nameProblem !== undefined) return fail(KafkaErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem);
  if (ctx.topics.get(t.name) !== undefined)
    return fail(KafkaErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`);
  let partitions: number;
  if (t.assignments.length > 0) {
    if (t.numPartitions !== -1 || t.replicationFactor !== -1)
      return fail(
        KafkaErrorCode.INVALID_REQUEST,
        "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.",
      );
    const indexes = t.assignments.map((a) => a.partitionIndex).sort((a, b) => a - b);
    if (indexes.some((index, i) => index !== i))
      return fail(KafkaErrorCode.INVALID_REPLICA_ASSIGNMENT, "partitions must be numbered 0 to n-1, each once");
    for (const a of t.assignments)
      if (a.brokerIds.length !== 1 || a.brokerIds[0] !== ctx.nodeId)
        return fail(
          KafkaErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `partition ${a.partitionIndex}: the only broker is ${ctx.nodeId}, with one replica (got [${a.brokerIds.join(", ")}])`,
        );
    partitions = t.assignments.length;
  } else {
    partitions = t.numPartitions === -1 ? ctx.config.defaultPartitions : t.numPartitions;
    if (!(partitions >= 1))
      return fail(KafkaErrorCode.INVALID_PARTITIONS, "Number of partitions must be larger than 0.");
    const factor = t.replicationFactor === -1 ? 1 : t.replicationFactor;
    if (factor !== 1)
      return fail(
        KafkaErrorCode.INVALID_REPLICATION_FACTOR,
        factor < 1
          ? "Replication factor must be larger than 0."
          : `Unable to replicate the partition ${factor} time(s): The target replication factor of ${factor} cannot be reached because only 1 broker(s) are registered.`,
      );
  }
  if (partitions > MAX_PARTITIONS)
    return fail(KafkaErrorCode.INVALID_PARTITIONS, `this broker allows at most ${MAX_PARTITIONS} partitions per topic`);
  const configs: Record<string, string> = {};
  const asked: Record<string, string | null> = {};
  for (const c of t.configs) {
    asked[c.name] = c.value;
    if (c.value !== null) configs[c.name] = c.value;
  }
  const settings = topicLogSettings(
    {
      retentionMs: ctx.config.retentionMs,
      retentionBytes: ctx.config.retentionBytes,
      segmentBytes: ctx.config.segmentBytes,
      maxMessageBytes: ctx.config.maxMessageBytes,
    },
    asked,
  );
  if (!settings.ok) return fail(KafkaErrorCode.INVALID_CONFIG, settings.message);
  return { ok: true, partitions, configs, settings: settings.settings };
}

/** Creates the topics of the request (or, validate_only, checks them). */
export function handleCreateTopics(ctx: BrokerContext, header: RequestHeader, body: CreateTopicsRequest): Uint8Array {
  const counts = new Map<string, number>();
  for (const t of body.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  const failed = (name: string, errorCode: number, errorMessage: string): CreatableTopicResult => ({
    name,
    topicId: ZERO_UUID,
    errorCode,
    errorMessage,
    topicConfigErrorCode: 0,
    numPartitions: -1,
    replicationFactor: -1,
    configs: null,
  });
  const topics = body.topics.map((t): CreatableTopicResult => {
    if ((counts.get(t.name) ?? 0) > 1)
      return failed(t.name, KafkaErrorCode.INVALID_REQUEST, `the request names topic ${t.name} more than once`);
    const p = plan(ctx, t);
    if (!p.ok) return failed(t.name, p.errorCode, p.message);
    let topicId = ZERO_UUID;
    if (!body.validateOnly) {
      try {
        topicId = ctx.topics.create(t.name, p.partitions, p.configs).id;
      } catch (error) {
        ctx.logger.error("topic creation failed", { topic: t.name, error: String(error) });
        return failed(t.name, KafkaErrorCode.KAFKA_STORAGE_ERROR, `the topic could not be stored: ${String(error)}`);
      }
    }
    return {
      name: t.name,
      topicId,
      errorCode: 0,
      errorMessage: null,
      topicConfigErrorCode: 0,
      numPartitions: p.partitions,
      replicationFactor: 1,
      configs: effectiveConfigs(p.settings, p.configs),
    };
  });
  return respond(ApiKey.CreateTopics, header.apiVersion, header.correlationId, { throttleTimeMs: 0, topics });
}

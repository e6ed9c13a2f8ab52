/**
 * The errors of the cluster and of its test controls (`./testing`): a
 * broker id or a topic-partition that the cluster does not have. Each has a
 * stable `name` and an `is…Error` guard that also recognises instances from
 * another copy of the package (by `name`). They are thrown at once, before
 * anything changed.
 */

import { hasErrorName } from "@csp-kit/channel/port";

/** A broker id that is not one of the cluster's. The message lists the ids there are. */
export class UnknownBrokerError extends RangeError {
  /** Always `"UnknownBrokerError"`. */
  override name = "UnknownBrokerError";
  /** The id asked for. */
  readonly brokerId: unknown;
  /** The cluster's node ids, ascending. */
  readonly knownIds: readonly number[];
  constructor(brokerId: unknown, knownIds: readonly number[]) {
    super(
      `there is no broker ${String(brokerId)} in this cluster: its node ids are ${knownIds.join(", ")} (cluster.brokers lists them)`,
    );
    this.brokerId = brokerId;
    this.knownIds = knownIds;
  }
}

/**
 * A topic the cluster does not have, or a partition index outside it.
 * Create the topic first (`createTopic`, CreateTopics, or a Metadata request
 * that auto-creates it).
 */
export class UnknownTopicError extends RangeError {
  /** Always `"UnknownTopicError"`. */
  override name = "UnknownTopicError";
  /** The topic asked for. */
  readonly topic: string;
  /** The partition asked for, when one was. */
  readonly partition: number | undefined;
  constructor(topic: string, partition: number | undefined, partitions: number | undefined) {
    super(
      partitions === undefined
        ? `there is no topic ${JSON.stringify(topic)}: create it first (createTopic, or a client's CreateTopics or auto-creating Metadata)`
        : `topic ${JSON.stringify(topic)} has partitions 0 to ${partitions - 1}, not ${String(partition)}`,
    );
    this.topic = topic;
    this.partition = partition;
  }
}

/** Whether `error` is an {@link UnknownBrokerError}. */
export function isUnknownBrokerError(error: unknown): error is UnknownBrokerError {
  return error instanceof UnknownBrokerError || hasErrorName(error, "UnknownBrokerError");
}

/** Whether `error` is an {@link UnknownTopicError}. */
export function isUnknownTopicError(error: unknown): error is UnknownTopicError {
  return error instanceof UnknownTopicError || hasErrorName(error, "UnknownTopicError");
}

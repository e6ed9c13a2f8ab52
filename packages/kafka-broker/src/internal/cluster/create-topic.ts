/**
 * `createTopic` of a broker's or a cluster's handle: the checks a
 * CreateTopics request would make, as typed errors, then the topic.
 */

import type { CreateTopicOptions } from "../../broker.js";
import { type BrokerConfig, InvalidBrokerConfigError, MAX_PARTITIONS } from "../../config.js";
import { topicLogSettings, topicNameProblem } from "../topics/topic-config.js";
import type { TopicRegistry } from "../topics/topic-registry.js";

/**
 * Creates `name` in `topics` with the defaults of `config`.
 *
 * @throws InvalidBrokerConfigError - an illegal name, an existing topic, a
 *   partition count out of range, an unsupported config; nothing created.
 */
export function createTopicChecked(
  topics: TopicRegistry,
  config: BrokerConfig,
  name: string,
  options: CreateTopicOptions = {},
): void {
  const problem = topicNameProblem(name);
  if (problem !== undefined) throw new InvalidBrokerConfigError("name", name, problem);
  if (topics.get(name) !== undefined) throw new InvalidBrokerConfigError("name", name, "the topic exists");
  const partitions = options.partitions ?? config.defaultPartitions;
  if (!Number.isSafeInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS)
    throw new InvalidBrokerConfigError("partitions", partitions, `must be an integer from 1 to ${MAX_PARTITIONS}`);
  const configs = options.configs ?? {};
  const checked = topicLogSettings(
    {
      retentionMs: config.retentionMs,
      retentionBytes: config.retentionBytes,
      segmentBytes: config.segmentBytes,
      maxMessageBytes: config.maxMessageBytes,
    },
    configs,
  );
  if (!checked.ok) throw new InvalidBrokerConfigError("configs", configs, checked.message);
  topics.create(name, partitions, configs);
}

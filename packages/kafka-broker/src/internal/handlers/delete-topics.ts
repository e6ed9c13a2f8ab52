/**
 * DeleteTopics (20), v0–6: topics deleted by name (v0–5: `topic_names`;
 * v6: `topics`, by name or by id). A topic is gone for every request at
 * once; the answer waits until its logs are closed and, with a data
 * directory, its files removed. Unknown: UNKNOWN_TOPIC_OR_PARTITION (3), or
 * UNKNOWN_TOPIC_ID (100) by id.
 */

import {
  ApiKey,
  type DeletableTopicResult,
  type DeleteTopicsRequest,
  KafkaErrorCode,
  type RequestHeader,
} from "@csp-kit/kafka-protocol";
import { type BrokerContext, respond, ZERO_UUID } from "./context.js";

/** Deletes the topics of the request; answers when all are gone. */
export async function handleDeleteTopics(
  ctx: BrokerContext,
  header: RequestHeader,
  body: DeleteTopicsRequest,
): Promise<Uint8Array> {
  const wanted =
    header.apiVersion >= 6
      ? body.topics.map((t) => ({ name: t.name, topicId: t.topicId }))
      : body.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
  const responses = await Promise.all(
    wanted.map(async ({ name, topicId }): Promise<DeletableTopicResult> => {
      const topic = name !== null ? ctx.topics.get(name) : ctx.topics.getById(topicId);
      if (topic === undefined)
        return {
          name,
          topicId,
          errorCode: name !== null ? KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION : KafkaErrorCode.UNKNOWN_TOPIC_ID,
          errorMessage: name !== null ? `This server does not host topic ${name}.` : `No topic has id ${topicId}.`,
        };
      try {
        await ctx.topics.delete(topic.name);
      } catch (error) {
        ctx.logger.error("topic deletion failed", { topic: topic.name, error: String(error) });
        return {
          name: topic.name,
          topicId: topic.id,
          errorCode: KafkaErrorCode.KAFKA_STORAGE_ERROR,
          errorMessage: String(error),
        };
      }
      return { name: topic.name, topicId: topic.id, errorCode: 0, errorMessage: null };
    }),
  );
  return respond(ApiKey.DeleteTopics, header.apiVersion, header.correlationId, { throttleTimeMs: 0, responses });
}

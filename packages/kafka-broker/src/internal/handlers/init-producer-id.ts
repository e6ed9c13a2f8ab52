/**
 * InitProducerId (22), v0–5: a producer id for an idempotent producer.
 *
 * Kafka's rule for a null transactional id: always a new producer id with
 * epoch 0, whatever id and epoch the request carries (KAFKA.md §2.4). A
 * transactional id needs a transaction coordinator, which this broker does
 * not have: it is refused with TRANSACTIONAL_ID_AUTHORIZATION_FAILED (53),
 * which no client retries, and the transaction APIs are not advertised.
 */

import { ApiKey, type InitProducerIdRequest, KafkaErrorCode, type RequestHeader } from "@csp-kit/kafka-protocol";
import { type BrokerContext, respond } from "./context.js";

/** Allocates a producer id (or refuses a transactional one). */
export function handleInitProducerId(
  ctx: BrokerContext,
  header: RequestHeader,
  body: InitProducerIdRequest,
): Uint8Array {
  const refuse = body.transactionalId !== null;
  if (refuse)
    ctx.logger.info("refused a transactional producer: this broker has no transaction coordinator", {
      transactionalId: body.transactionalId,
    });
  return respond(ApiKey.InitProducerId, header.apiVersion, header.correlationId, {
    throttleTimeMs: 0,
    errorCode: refuse ? KafkaErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED : 0,
    producerId: refuse ? -1n : ctx.topics.allocateProducerId(),
    producerEpoch: refuse ? -1 : 0,
  });
}

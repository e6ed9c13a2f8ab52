/**
 * The response feeder — sarama's `partitionConsumer.responseFeeder`, idiom 5
 * of the spec (rehearsed in docs/examples/response-feeder).
 *
 * Cardinality: one per partition consumer.
 * Job: take this partition's part of each fetch response, decode it, and
 *   hand its messages to the user on `messages`, in offset order; then ack
 *   the part so the broker consumer can fetch again.
 * Never blocks on: the user for longer than `maxProcessingTime` per message
 *   while the broker waits. A message the user has not taken within that
 *   time makes the feeder ack at once ("timed-out"), so the broker's other
 *   partitions go on; it then finishes delivering this response at the
 *   user's pace (nothing is lost or fetched twice: the offset already points
 *   past it) and re-subscribes to the same broker consumer.
 *   Fast path: while `messages` has room, a message is handed over with
 *   `trySend` — no select, no timer; the expiry timer is armed only when
 *   the buffer is full.
 * Channels: `child.feeder` in (from the broker consumer), `child.messages`
 *   out (to the user), `child.dying` (shutdown).
 * Shutdown: when `dying` closes: acks what it holds ("dying") and returns;
 *   the partition consumer then closes `messages` and `errors`.
 *
 * What a part's error code leads to (sarama's `handleResponses`):
 * - OFFSET_OUT_OF_RANGE: reset to `offsets.resetOnOutOfRange` through a
 *   re-dispatch, or, without it, an `OffsetOutOfRangeError` and close;
 * - a leader change (NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION,
 *   LEADER_NOT_AVAILABLE, REPLICA_NOT_AVAILABLE, FENCED_LEADER_EPOCH,
 *   UNKNOWN_LEADER_EPOCH): a silent re-dispatch;
 * - anything else: the error is reported, then a re-dispatch.
 */

import { KafkaError, KafkaErrorCode } from "@csp-kit/kafka-protocol";
import { recv, select, send } from "@csp-kit/select";
import { Timer } from "@csp-kit/timers";
import { MessageTooLargeError, OffsetOutOfRangeError } from "../errors.js";
import type { ConsumerMessage } from "../message.js";
import type { Child, FetchPart } from "./child.js";
import { decodePart } from "./decode.js";

/** Error codes that only mean "the leader moved": re-dispatch without reporting (sarama's list). */
const LEADER_MOVED: ReadonlySet<number> = new Set([
  KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  KafkaErrorCode.LEADER_NOT_AVAILABLE,
  KafkaErrorCode.NOT_LEADER_OR_FOLLOWER,
  KafkaErrorCode.REPLICA_NOT_AVAILABLE,
  KafkaErrorCode.FENCED_LEADER_EPOCH,
  KafkaErrorCode.UNKNOWN_LEADER_EPOCH,
]);

/** Runs the feeder of `child` until it dies. See the module header. */
export async function responseFeeder(child: Child): Promise<void> {
  const { maxProcessingTime, clock } = child.core.config;
  /** The expiry timer: armed only on the slow path, re-armed per message; stopped otherwise. */
  const expiry = new Timer(maxProcessingTime, { clock });
  expiry.stop();
  try {
    for (;;) {
      const r = await select({ part: recv(child.feeder), dying: recv(child.dying) });
      if (r.case === "dying" || r.value.isNone()) break;
      await feed(child, r.value.value, expiry);
    }
  } finally {
    expiry.stop();
  }
}

/** Handles one part, acking it exactly once. */
async function feed(child: Child, part: FetchPart, expiry: Timer): Promise<void> {
  const { data } = part;
  if (data.errorCode !== 0) {
    part.ack("redispatch");
    await afterError(child, data.errorCode, data.logStartOffset, data.highWatermark);
    return;
  }
  let messages: ConsumerMessage[];
  try {
    const decoded = await decodePart(
      child.topic,
      child.partition,
      data.records,
      child.offset,
      child.core.config.checkCrcs,
    );
    if (data.highWatermark >= 0n) child.highWaterMark = data.highWatermark;
    if (decoded.partialOnly) {
      // One batch is larger than the fetch size: ask for more next time (sarama doubles it).
      const max = child.core.config.fetch.max;
      if (max > 0 && child.fetchSize >= max) {
        const skipped = child.offset;
        child.offset++;
        part.ack("ok");
        await child.sendError(new MessageTooLargeError(skipped, max));
        return;
      }
      child.fetchSize = max > 0 ? Math.min(child.fetchSize * 2, max) : child.fetchSize * 2;
    } else {
      child.fetchSize = child.core.config.fetch.default;
    }
    child.offset = decoded.nextOffset;
    child.retries = 0;
    messages = decoded.messages;
  } catch (error) {
    part.ack("redispatch");
    await child.failAndRedispatch(error);
    return;
  }
  await deliver(child, part, messages, expiry);
}

/** Hands `messages` to the user, then acks; acks early on a time-out. See the module header. */
async function deliver(child: Child, part: FetchPart, messages: ConsumerMessage[], expiry: Timer): Promise<void> {
  const out = child.messages;
  const { maxProcessingTime } = child.core.config;
  const n = messages.length;
  for (let i = 0; i < n; i++) {
    if (child.isDying) {
      part.ack("dying");
      return;
    }
    const m = messages[i]!;
    // Fast path: room in the buffer (or a reader waiting) — no select, no timer.
    if (out.trySend(m) === "sent") continue;
    expiry.reset(maxProcessingTime);
    const r = await select({ sent: send(out, m), expired: recv(expiry.c), dying: recv(child.dying) });
    expiry.stop();
    if (r.case === "sent") continue;
    if (r.case === "dying") {
      part.ack("dying");
      return;
    }
    // The user is too slow: release the broker, finish at the user's pace, then subscribe again.
    part.ack("timed-out");
    for (let j = i; j < n; j++) {
      const rest = await select({ sent: send(out, messages[j]!), dying: recv(child.dying) });
      if (rest.case === "dying") return;
    }
    await part.from.subscribe(child);
    return;
  }
  part.ack("ok");
}

/** After a part with `code`: re-dispatch, reset, or close. Precondition: the part is acked (not "ok"). */
async function afterError(child: Child, code: number, oldest: bigint, newest: bigint): Promise<void> {
  if (code === KafkaErrorCode.OFFSET_OUT_OF_RANGE) {
    const reset = child.core.config.offsets.resetOnOutOfRange;
    if (reset !== undefined) {
      child.resetTo = reset;
      child.redispatch();
      return;
    }
    // No point retrying: it would fail the same way. The user must choose a valid offset (sarama).
    await child.sendError(new OffsetOutOfRangeError(child.topic, child.partition, child.offset, oldest, newest));
    child.die();
    return;
  }
  const error = new KafkaError(code, { apiKey: 1, topic: child.topic, partition: child.partition });
  if (LEADER_MOVED.has(code)) child.redispatch();
  else await child.failAndRedispatch(error);
}

/**
 * The response feeder — idiom 5 of the spec: hand messages to the user, give
 * up after a timeout, and re-subscribe the rest.
 *
 * Go original: `responseFeeder` of sarama's partition consumer (`consumer.go`).
 * One broker connection fetches for many partitions at once and hands each
 * partition's part of the response to that partition's feeder; the broker
 * waits (`acks.Wait()`) until every feeder is done before it fetches again. A
 * user who stops reading one partition would stall every partition on the
 * broker — so the feeder gives each message `MaxProcessingTime` to be taken,
 * with an expiry timer reset per message, and when it expires it releases the
 * broker and re-subscribes, so the rest is fetched again on a later round.
 *
 * Stage: one per partition. Responsibility: deliver a response's messages in
 * order. It must never hold the broker longer than `maxProcessingTime` per
 * message: every hand-off is a select against the expiry timer.
 */

import type { Channel } from "@csp-kit/channel";
import { recv, select, send } from "@csp-kit/select";
import { type Clock, Timer } from "@csp-kit/timers";

/** What the feeder tells the broker about one response, once it is done with it. */
export interface FeedResult<T> {
  /** How many messages of the response the user took, from the front. */
  readonly delivered: number;
  /**
   * The messages the user did not take in time, in order; empty when the whole
   * response was delivered. Non-empty means: re-subscribe — fetch these again later.
   */
  readonly rest: readonly T[];
}

/** Settings of {@link responseFeeder}. */
export interface FeederOptions {
  /** How long the user may take to receive ONE message before the feeder gives up (sarama's `MaxProcessingTime`). */
  readonly maxProcessingTime: number;
  /** The clock of the expiry timer; the real clock when absent (tests pass a `ManualClock`). */
  readonly clock?: Clock;
}

/**
 * Feeds each response (an array of messages) from `responses` to the user on
 * `messages`, one by one, and reports on `acks` how far it got — sarama's
 * partition consumer `responseFeeder`.
 *
 * **Blocking:** each hand-off waits at most `maxProcessingTime` for the user
 * (the expiry timer is reset before every message, so a user that is slow in
 * total but quick per message is never cut off). When it expires, the message
 * is not sent — exactly one select case happens — and the ack carries it and
 * the rest. The send on `acks` waits for the broker.
 *
 * **On close:** when `responses` is closed and drained, `messages` is closed and
 * the promise resolves.
 *
 * **Ordering:** messages are delivered in response order; `rest` starts with the
 * first message not delivered, so feeding it again keeps the order.
 *
 * @example
 * ```ts
 * void responseFeeder(responses, messages, acks, { maxProcessingTime: 100 });
 * await responses.send(fetched);
 * const { rest } = (await acks.recv()).unwrap();
 * if (rest.length > 0) resubscribe(rest);
 * ```
 */
export async function responseFeeder<T>(
  responses: Channel<readonly T[]>,
  messages: Channel<T>,
  acks: Channel<FeedResult<T>>,
  options: FeederOptions,
): Promise<void> {
  const { maxProcessingTime } = options;
  /** The expiry timer: re-armed for each message; stopped between responses. */
  const expiry = new Timer(maxProcessingTime, options);
  expiry.stop();

  for await (const response of responses) {
    let delivered = 0;
    for (const msg of response) {
      // Go 1.23 rules: reset discards a stale expiry, no stop-and-drain dance.
      expiry.reset(maxProcessingTime);
      const r = await select({ delivered: send(messages, msg), expired: recv(expiry.c) });
      if (r.case === "expired") break; // the user is too slow: give the rest back
      delivered++;
    }
    expiry.stop();
    // Release the broker: it is waiting for every feeder before its next fetch.
    await acks.send({ delivered, rest: response.slice(delivered) });
  }
  messages.close();
}

/**
 * The retry buffer — idiom 4 of the spec: a loop that never blocks the retry
 * path, with an infinite or a bounded queue.
 *
 * Go original: the retry handler of sarama's AsyncProducer (`retryHandler` in
 * `async_producer.go`). Messages that failed are sent back to the producer's
 * own input. The producer's stages form a cycle (input → … → broker → retries →
 * input), so a blocking send anywhere on the way back deadlocks the producer:
 * the broker waits on the retry path, the retry path waits on the input, and
 * the input's reader waits on the broker. The retry handler breaks the cycle by
 * always being ready to take a retry and queueing it until the input has room.
 * With `Retry.MaxBufferLength` set, sarama bounds the queue: at the limit it
 * hands the oldest message on if the input takes it at once, and otherwise
 * fails it with `ErrProducerRetryBufferOverflow` — it still never waits.
 *
 * Stage: one per producer. Responsibility: carry retries back to the input in
 * order. It must never block the retry path: the only operations that may
 * wait are inside one select whose retry case is always live while the
 * channel is open.
 */

import type { Channel } from "@csp-kit/channel";
import { recv, select, send } from "@csp-kit/select";

/** Settings of {@link retryBuffer}. */
export interface RetryBufferOptions<T> {
  /**
   * Most retries queued at once; `Infinity` (the default) for sarama's
   * unbounded queue. At the limit, the oldest queued retry is handed to the
   * input if it takes it without waiting, or else given to `onOverflow`.
   */
  readonly limit?: number;
  /**
   * Called with a retry that neither fits the queue nor could be handed on at
   * once (sarama: `returnError(msg, ErrProducerRetryBufferOverflow)`). It must
   * not block. Required when `limit` is finite.
   */
  readonly onOverflow?: (message: T) => void;
  /** Stops the loop: it rejects with `signal.reason`; queued retries are dropped. */
  readonly signal?: AbortSignal;
}

/**
 * Carries the messages of `retries` back to `input`, queueing them so that a
 * send on `retries` never waits — sarama's retry handler.
 *
 * **Blocking:** a send on `retries` completes as soon as this loop runs: the
 * retry case is live in every round, and taking a retry never waits. The loop
 * itself waits in one select, on "a retry arrives" or "the input takes the
 * oldest queued retry"; the second case is switched off (`send(null, …)`)
 * while the queue is empty.
 *
 * **On close:** when `retries` closes, its case is switched off, the queue is
 * delivered to `input` (these sends may wait for the input's reader), and the
 * promise resolves. `input` is not closed: other stages send to it too.
 *
 * **Cancellation:** `signal` rejects the promise with `signal.reason`; the
 * queued retries are dropped, nothing is half-sent.
 *
 * **Ordering:** retries reach `input` in the order they arrived on `retries`
 * (with a finite limit, minus those given to `onOverflow`).
 *
 * @throws RangeError (the promise rejects) for a limit that is not a whole
 *   number >= 1 or `Infinity`, or a finite limit without `onOverflow`.
 *
 * @example
 * ```ts
 * const retries = new Channel<Message>();      // unbuffered: the buffer is this loop
 * void retryBuffer(retries, input, { signal });
 * await retries.send(failed);                  // never waits for the input
 * ```
 */
export async function retryBuffer<T>(
  retries: Channel<T>,
  input: Channel<T>,
  options: RetryBufferOptions<T> = {},
): Promise<void> {
  const { limit = Number.POSITIVE_INFINITY, onOverflow, signal } = options;
  if (limit !== Number.POSITIVE_INFINITY && !(Number.isSafeInteger(limit) && limit >= 1)) {
    throw new RangeError(`retryBuffer: limit must be a whole number >= 1 or Infinity (got ${limit})`);
  }
  if (limit !== Number.POSITIVE_INFINITY && onOverflow === undefined) {
    throw new RangeError("retryBuffer: a finite limit needs onOverflow, to fail the retries that do not fit");
  }
  /** Retries waiting for the input, oldest first. Only this loop touches it. */
  const queue: T[] = [];
  /** `retries`, or `null` once it closed (a closed channel's receive case would be ready forever). */
  let from: Channel<T> | null = retries;

  for (;;) {
    if (from === null && queue.length === 0) return;
    const r = await select(
      {
        retry: recv(from),
        // Off while the queue is empty: then `queue[0]` is never read by anyone.
        forward: send(queue.length > 0 ? input : null, queue[0] as T),
      },
      { signal },
    );
    if (r.case === "forward") {
      queue.shift();
      continue;
    }
    if (r.value.isNone()) {
      from = null; // retries closed: deliver what is queued, then stop
      continue;
    }
    queue.push(r.value.value);
    if (queue.length <= limit) continue;
    // Over the limit: the oldest goes to the input if it has room now, or fails. Never wait here.
    const oldest = queue.shift() as T;
    if (input.trySend(oldest) !== "sent") onOverflow?.(oldest);
  }
}

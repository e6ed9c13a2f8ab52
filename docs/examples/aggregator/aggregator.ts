/**
 * The aggregator loop — idiom 1 of the spec: one `select` over the input, a
 * flush timer and an output case that is switched off (`null`) until a batch
 * is ready.
 *
 * Go original: the aggregator of sarama's AsyncProducer (`async_producer.go`,
 * one per broker), which batches messages by count (`Flush.Messages`) and by
 * time (`Flush.Frequency`) before the flusher sends them as one request.
 *
 * Stage: one per destination. Responsibility: turn a stream of messages into
 * batches. It must never block on the output while it could still take input —
 * the output is a select case, not a plain send — and it never sends an empty
 * batch: the output case is off until the batch is full or its timer fired.
 */

import type { Channel } from "@csp-kit/channel";
import { recv, select, send } from "@csp-kit/select";
import { after, type Clock, type Receiver } from "@csp-kit/timers";

/** Settings of {@link aggregator}: sarama's `Producer.Flush` settings. */
export interface AggregatorOptions {
  /**
   * A batch is ready when it holds this many messages (sarama's `Flush.Messages`);
   * a full batch also stops the loop from taking more input until it goes out.
   */
  readonly maxMessages: number;
  /** A batch is ready this many ms after its FIRST message arrived, however small (sarama's `Flush.Frequency`). */
  readonly frequency: number;
  /** The clock of the flush timer; the real clock when absent (tests pass a `ManualClock`). */
  readonly clock?: Clock;
  /** Stops the loop: it rejects with `signal.reason`; the batch being built is dropped. */
  readonly signal?: AbortSignal;
}

/**
 * Batches the messages of `input` onto `output` — sarama's aggregator loop.
 *
 * A batch goes out when it holds `maxMessages` messages, or `frequency` ms after
 * its first message, whichever comes first. While the output is slow, the loop
 * keeps taking input into the current batch, up to `maxMessages`; then it stops
 * receiving (backpressure reaches the senders of `input`).
 *
 * **Blocking:** never on one channel alone: every round is one `select` over
 * the live cases. The output case is `send(null, …)` — never ready — until the
 * batch is ready; the input case is `recv(null)` while the batch is full.
 *
 * **On close:** when `input` is closed and drained, the last partial batch is
 * sent (this send may wait for the reader), `output` is closed, and the promise
 * resolves.
 *
 * **Cancellation:** `signal` rejects the promise with `signal.reason`; no
 * message is lost from `input` (a select takes nothing when aborted), but the
 * batch being built is dropped and `output` is left open.
 *
 * **Ordering:** messages keep their input order, within and across batches.
 *
 * @example
 * ```ts
 * const input = new Channel<string>();
 * const output = new Channel<string[]>();
 * void aggregator(input, output, { maxMessages: 100, frequency: 10 });
 * for await (const batch of output) await produce(batch);
 * ```
 */
export async function aggregator<T>(
  input: Channel<T>,
  output: Channel<T[]>,
  options: AggregatorOptions,
): Promise<void> {
  const { maxMessages, frequency, signal } = options;
  if (!Number.isSafeInteger(maxMessages) || maxMessages < 1) {
    throw new RangeError(`aggregator: maxMessages must be a whole number >= 1 (got ${maxMessages})`);
  }
  /** The batch being built; replaced (never cleared in place) once it went out. */
  let batch: T[] = [];
  /** The flush timer: `null` while the batch is empty; set by its first message; delivers once. */
  let timer: Receiver<number> | null = null;
  /** `output` once the batch is ready, `null` before (Go: `output = nil`): the send case is off. */
  let out: Channel<T[]> | null = null;

  for (;;) {
    const r = await select(
      {
        msg: recv(batch.length < maxMessages ? input : null),
        flush: recv(timer),
        out: send(out, batch),
      },
      { signal },
    );
    switch (r.case) {
      case "msg":
        if (r.value.isNone()) {
          // Input closed and drained: the last batch goes out with a plain send, then we are done.
          if (batch.length > 0) await output.send(batch, options); // options carries { signal }
          output.close();
          return;
        }
        batch.push(r.value.value);
        if (batch.length >= maxMessages) out = output;
        else if (timer === null) timer = after(frequency, options); // options carries { clock }
        break;
      case "flush":
        // The timer delivers once and is not armed again until the next batch starts.
        out = output;
        break;
      case "out":
        // The batch went out: start a new one, with the timer and the output off.
        batch = [];
        timer = null;
        out = null;
        break;
    }
  }
}

/**
 * The retry handler — sarama's `retryHandler`.
 *
 * Cardinality: one per producer.
 * Job: carry retried envelopes (messages and fins) from the broker producers
 *   back to the dispatcher's input. The stages form a cycle (dispatcher →
 *   … → broker producer → dispatcher); a retry path that could block would
 *   deadlock it, so this loop is always ready to take a retry and holds it
 *   in a FIFO until the input has room.
 * Never blocks on: the input. Every round is one `select` over "take a
 *   retry" and "hand the oldest one on", whose send case is off (`null`)
 *   while the queue is empty (rehearsed in docs/examples/retry-buffer).
 * Channels: `retries` (in, from broker and partition producers), `input`
 *   (out, the dispatcher's input).
 * Bound: `retry.maxBufferLength` messages / `retry.maxBufferBytes` bytes
 *   (0: unlimited). Past either, the oldest *message* is failed with a
 *   `RetryBufferOverflowError` through `overflow` (a fin is never dropped:
 *   its partition's order depends on it) — still without waiting.
 * Shutdown: when `retries` is closed and the queue is empty, it returns.
 *   The producer closes `retries` only after its in-flight WaitGroup reached
 *   zero, so nothing is queued then.
 *
 * Invariants:
 * - `queue[head..]` holds the envelopes taken and not yet handed on, in the
 *   order taken; `bytes` is the sum of the message sizes among them;
 * - an envelope is handed on at most once, in FIFO order.
 */

import type { Receiver, Sender } from "@csp-kit/channel";
import { recv, select, send } from "@csp-kit/select";
import { RetryBufferOverflowError } from "../../errors.js";
import type { Envelope, MessageEnvelope, PartitionEnvelope } from "../envelope.js";

/** Settings and channels of {@link retryHandler}. */
export interface RetryHandlerOptions {
  readonly retries: Receiver<PartitionEnvelope>;
  readonly input: Sender<Envelope>;
  /** 0 for unlimited. */
  readonly maxBufferLength: number;
  /** 0 for unlimited. */
  readonly maxBufferBytes: number;
  /** Fails a message dropped at the bound (the producer's `returnError`); must not block. */
  readonly overflow: (m: MessageEnvelope, error: RetryBufferOverflowError) => void;
}

/** Runs the retry handler until `retries` is closed and drained. See the module header. */
export async function retryHandler(options: RetryHandlerOptions): Promise<void> {
  const { retries, input, maxBufferLength, maxBufferBytes, overflow } = options;
  let queue: PartitionEnvelope[] = [];
  let head = 0;
  let bytes = 0;
  let open = true;
  while (open || head < queue.length) {
    const next = queue[head];
    const r = await select({
      take: recv(open ? retries : null),
      give: send(next === undefined ? null : input, next as Envelope),
    });
    if (r.case === "give") {
      queue[head] = undefined as never;
      head++;
      if (next?.kind === "message") bytes -= next.size;
      if (head > 1024 && head * 2 > queue.length) {
        queue = queue.slice(head);
        head = 0;
      }
      continue;
    }
    if (r.value.isNone()) {
      open = false;
      continue;
    }
    const e = r.value.value;
    queue.push(e);
    if (e.kind === "message") bytes += e.size;
    while (
      (maxBufferLength > 0 && queue.length - head > maxBufferLength) ||
      (maxBufferBytes > 0 && bytes > maxBufferBytes)
    ) {
      const i = oldestMessage(queue, head);
      if (i < 0) break;
      const dropped = queue.splice(i, 1)[0] as MessageEnvelope;
      bytes -= dropped.size;
      overflow(dropped, new RetryBufferOverflowError(queue.length - head + 1, bytes + dropped.size));
    }
  }
}

function oldestMessage(queue: readonly PartitionEnvelope[], head: number): number {
  for (let i = head; i < queue.length; i++) if (queue[i]?.kind === "message") return i;
  return -1;
}

/**
 * The state of one partition consumer that its three tasks share: the
 * dispatcher, the broker consumer it is subscribed to, and its response
 * feeder — sarama's `partitionConsumer` struct.
 *
 * ```
 *            trigger (1 slot)                 feeder (unbuffered)
 *  anyone ──────────────────► dispatcher ─┐   broker consumer ──────► response feeder ──► messages (user)
 *                               │ ref +   │     ▲  (one per broker,        │ ack            errors (user)
 *                               ▼ input   └─────┘   ref-counted)  ◄──────┘ (WaitGroup)
 * ```
 *
 * Invariants:
 * - the child is in at most one broker consumer's subscriptions (or on its
 *   way there through that broker consumer's `input`) at a time, and it is
 *   triggered for a re-dispatch only when it is in none: the broker consumer
 *   drops it from its subscriptions whenever the feeder's ack is not "ok",
 *   before its next fetch, and whoever triggers after such an ack does so
 *   after acking;
 * - `offset` is the next offset to fetch: written by the feeder after it
 *   decoded a response (before delivering it), and by the dispatcher when
 *   it resets after OFFSET_OUT_OF_RANGE; read by the broker consumer when it
 *   builds a fetch (never while the feeder holds a part of this child);
 * - `dying` is closed once, by `asyncClose()`; after that nothing is sent
 *   on `messages`, and `errors` receives nothing new once `finished`.
 */

import { Channel, isChannelClosedError } from "@csp-kit/channel";
import type { FetchPartitionData } from "@csp-kit/kafka-protocol";
import { recv, select, send } from "@csp-kit/select";
import { ConsumerError } from "../errors.js";
import type { ConsumerMessage } from "../message.js";
import type { BrokerConsumer } from "./broker-consumer.js";
import type { ConsumerCore } from "./consumer-core.js";

/** How a feeder finished with one part of a response: the broker consumer keeps the subscription only on "ok". */
export type PartResult = "ok" | "timed-out" | "dying" | "redispatch";

/** One partition's part of a fetch response, handed to its feeder; `ack` exactly once. */
export interface FetchPart {
  readonly data: FetchPartitionData;
  /** The broker consumer that fetched it (the one to re-subscribe to after a time-out). */
  readonly from: BrokerConsumer;
  /** Releases the broker consumer's WaitGroup for this part. Idempotent. */
  readonly ack: (result: PartResult) => void;
}

/** The shared state of one partition consumer. See the module header. */
export class Child {
  readonly topic: string;
  readonly partition: number;
  readonly core: ConsumerCore;
  readonly messages: Channel<ConsumerMessage>;
  readonly errors: Channel<ConsumerError>;
  /** Wakes the dispatcher to find the leader again; one slot, so triggers coalesce. */
  readonly trigger: Channel<void> = new Channel<void>(1);
  /** Parts of fetch responses, from the broker consumer (unbuffered: a hand-off). */
  readonly feeder: Channel<FetchPart> = new Channel<FetchPart>();
  /** Closed by `asyncClose()`: every task of this child watches it. */
  readonly dying: Channel<void> = new Channel<void>();
  /** The next offset to fetch. See the invariants. */
  offset: bigint;
  /** Bytes asked for per fetch; doubled for a batch that did not fit, reset after a good response. */
  fetchSize: number;
  /** The last high watermark a fetch reported; -1n before the first. */
  highWaterMark = -1n;
  /** The broker consumer this child holds a reference to (the dispatcher's), or null. */
  broker: BrokerConsumer | null = null;
  /** Consecutive failed dispatches, for `retry.backoffFn`; reset by a good response. */
  retries = 0;
  /** Set by the feeder after OFFSET_OUT_OF_RANGE with `resetOnOutOfRange`: the dispatcher resets there first. */
  resetTo: "oldest" | "newest" | undefined;
  /** True once `dying` is closed. */
  isDying = false;
  /** True once `messages` and `errors` are closed (both tasks ended). */
  finished = false;

  constructor(core: ConsumerCore, topic: string, partition: number, offset: bigint) {
    this.core = core;
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.fetchSize = core.config.fetch.default;
    this.messages = new Channel(core.config.channelBufferSize);
    this.errors = new Channel(core.config.channelBufferSize);
  }

  /** `topic/partition`, the key of the consumer's child map. */
  get key(): string {
    return childKey(this.topic, this.partition);
  }

  /** Begins shutdown: closes `dying` once. */
  die(): void {
    if (this.isDying) return;
    this.isDying = true;
    this.dying.close();
  }

  /**
   * Reports `cause` on `errors` (when `returnErrors` is on; may wait for the
   * reader, but never past `dying`). Dropped once the child is finished.
   */
  async sendError(cause: unknown): Promise<void> {
    if (!this.core.config.returnErrors || this.finished) return;
    const e = new ConsumerError(this.topic, this.partition, cause);
    try {
      const tried = this.errors.trySend(e);
      if (tried !== "would-block") return;
      if (this.isDying) return;
      await select({ sent: send(this.errors, e), dying: recv(this.dying) });
    } catch (error) {
      if (!isChannelClosedError(error)) throw error;
    }
  }

  /** Asks the dispatcher to find the leader again (coalesces with a pending trigger). */
  redispatch(): void {
    if (!this.isDying) this.trigger.trySend();
  }

  /** Reports `cause`, then asks for a re-dispatch. Precondition: the child is in no subscription. */
  async failAndRedispatch(cause: unknown): Promise<void> {
    await this.sendError(cause);
    this.redispatch();
  }
}

/** The key of a partition in the consumer's child map. */
export function childKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/**
 * A connection's outbox: the responses its handler has started, in request
 * order, waiting for the writer; and the count of response bytes the client
 * has not yet taken, which decides when the reader pauses and when the
 * slow-client policy disconnects.
 *
 * ```
 *  handler ──push(pending)──► queue: Channel<PendingResponse> (bounded: max in flight) ──take()──► writer
 *     │                                                                                  │
 *     └── bytes += size when a response exists ─────── bytes -= size when the socket ◄───┘
 *                                                      has handed it to the kernel
 *  reader ──waitForRoom()──► returns once bytes <= pauseBytes (a token on `room`)
 * ```
 *
 * A pending response is a frame, `null` (no response: Produce with acks=0),
 * or a promise of one (a Produce waiting for its flush, a Fetch long-polling).
 * The writer awaits them in queue order, so responses leave in request order
 * whatever order they complete in.
 *
 * Invariants (over `#bytes`, `#timer`, `#closed`):
 * - `#bytes` is the size of every response that exists (its frame was
 *   built) and whose write the socket has not yet completed; each response is
 *   added once and removed once;
 * - the reader may read on only while `#bytes <= pauseBytes` or after close;
 *   every decrease that brings `#bytes` to or below `pauseBytes` offers
 *   `#room` a token, so a waiting reader is never stranded;
 * - `#timer` is armed iff the monitor last answered "recheck";
 * - after `close()`, `push` fails, `take` drains then answers None, nothing
 *   is re-armed, and the slow-client verdict is never delivered again.
 */

import { Channel, type Option } from "@csp-kit/channel";
import { type Clock, type ClockHandle, realClock } from "@csp-kit/timers";
import type { SlowClientMonitor } from "./slow-client.js";

/** A response as the handler leaves it for the writer: a frame, none, or a promise of either. */
export type PendingResponse = Uint8Array | null | Promise<Uint8Array | null>;

/** Options of an {@link Outbox}. */
export interface OutboxOptions {
  /** Most responses queued at once (the pipelining depth); `push` waits beyond it. */
  readonly capacity: number;
  /** The reader waits while more response bytes than this are untaken. */
  readonly pauseBytes: number;
  /** This connection's slow-client monitor. */
  readonly monitor: SlowClientMonitor;
  /** Called once, with the policy's reason, when the client must be disconnected. */
  readonly onSlow: (reason: string) => void;
  readonly clock?: Clock | undefined;
}

/** One connection's outbox. See the file header. */
export class Outbox {
  readonly #queue: Channel<PendingResponse>;
  /** One-slot wake-up for a reader waiting in `waitForRoom`. */
  readonly #room = Channel.buffered<void>(1);
  readonly #monitor: SlowClientMonitor;
  readonly #onSlow: (reason: string) => void;
  readonly #clock: Clock;
  readonly #pauseBytes: number;
  #bytes = 0;
  /** The most bytes ever held at once (stats). */
  #peak = 0;
  /** The re-check timer, armed iff the monitor last said "recheck"; `#timerAt` is when it fires. */
  #timer: ClockHandle | undefined;
  #timerAt = 0;
  #closed = false;

  constructor(options: OutboxOptions) {
    this.#queue = Channel.buffered<PendingResponse>(options.capacity);
    this.#monitor = options.monitor;
    this.#onSlow = options.onSlow;
    this.#clock = options.clock ?? realClock;
    this.#pauseBytes = options.pauseBytes;
  }

  /** Response bytes the client has not taken yet. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The largest {@link Outbox.bytes} so far. */
  get peakBytes(): number {
    return this.#peak;
  }

  /** Responses queued for the writer (started, not yet taken). */
  get length(): number {
    return this.#queue.len;
  }

  /** Whether the reader should stop reading: more untaken bytes than the pause limit. */
  get overLimit(): boolean {
    return this.#bytes > this.#pauseBytes;
  }

  /** Whether `close` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Queues a response behind every earlier one.
   *
   * Blocking: waits while the queue is full (the writer is behind).
   * On close: rejects with ChannelClosedError.
   */
  push(pending: PendingResponse): Promise<void> {
    if (pending instanceof Uint8Array) this.#add(pending.byteLength);
    else if (pending !== null)
      pending.then(
        (frame) => {
          if (frame !== null) this.#add(frame.byteLength);
        },
        () => {}, // the writer sees the rejection when it awaits this response
      );
    return this.#queue.send(pending);
  }

  /** The writer's side: every queued response, oldest first; None once closed and drained. */
  take(): Promise<Option<PendingResponse[]>> {
    return this.#queue.recvBatch();
  }

  /** The socket has handed `size` bytes of a response to the kernel. */
  written(size: number): void {
    this.#bytes -= size;
    if (this.#bytes <= this.#pauseBytes && !this.#room.closed) this.#room.trySend(undefined);
    this.#evaluate();
  }

  /**
   * The reader's side: resolves once the untaken bytes are at or below the
   * pause limit, or the outbox is closed.
   */
  async waitForRoom(): Promise<void> {
    while (this.overLimit && !this.#closed) await this.#room.recv();
  }

  /** Ends the outbox: no more pushes; the writer drains what is queued. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#disarm();
    this.#queue.close();
    this.#room.close();
  }

  #add(size: number): void {
    this.#bytes += size;
    if (this.#bytes > this.#peak) this.#peak = this.#bytes;
    this.#evaluate();
  }

  /** Asks the monitor about the current size; acts on its verdict. */
  #evaluate(): void {
    if (this.#closed) return;
    const verdict = this.#monitor.observe(this.#bytes, this.#clock.now());
    if (verdict.kind === "recheck") {
      if (this.#timer !== undefined && this.#timerAt === verdict.at) return; // already armed for that time
      this.#disarm();
      this.#timerAt = verdict.at;
      this.#timer = this.#clock.setTimeout(
        () => {
          this.#timer = undefined;
          this.#evaluate();
        },
        Math.max(0, verdict.at - this.#clock.now()),
      );
      return;
    }
    this.#disarm();
    if (verdict.kind === "disconnect") this.#onSlow(verdict.reason);
  }

  #disarm(): void {
    if (this.#timer !== undefined) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }
}

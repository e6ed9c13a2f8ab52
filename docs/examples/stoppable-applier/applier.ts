/**
 * The stoppable applier — idiom 6 of the spec: blocking I/O isolated in its own
 * task, a stop signal served at once even while a read is pending, and a retry
 * backoff that a stop interrupts.
 *
 * Go original: Dolt's binlog replica applier (`binlog_replica_applier.go`) and
 * its event producer (`binlog_producer.go`). `conn.ReadBinlogEvent()` blocks
 * until the source sends something — possibly forever on an idle source — so
 * Dolt reads in a separate goroutine that hands events and errors over
 * channels, and the applier selects over those channels AND the
 * `STOP REPLICA` channel. Connection attempts are retried after a delay, in a
 * select against the stop channel, so a stop never waits for the backoff.
 *
 * Stages: one producer task per connection (owns the blocking read; may
 * outlive a stop, and then drops what it read), one applier loop (owns the
 * position; never awaits the read itself, only a select that includes stop).
 */

import { Channel } from "@csp-kit/channel";
import { recv, select } from "@csp-kit/select";
import { type Clock, done, sleep } from "@csp-kit/timers";
import type { BinlogEvent, SourceConnection } from "./simulated-source.js";

export type { BinlogEvent, SourceConnection } from "./simulated-source.js";

/** Settings of {@link runApplier}. */
export interface ApplierOptions {
  /** Opens a stream of events from `position` on; `signal` is the stop signal (abort the attempt on stop). */
  readonly connect: (position: number, signal: AbortSignal) => Promise<SourceConnection>;
  /** Applies one event; the next one is applied after it settles. */
  readonly apply: (event: BinlogEvent) => void | Promise<void>;
  /** The stop signal (Dolt's `STOP REPLICA`): the applier returns as soon as it aborts. */
  readonly signal: AbortSignal;
  /** Backoff in ms before reconnecting after a failed connect or a broken stream. */
  readonly retryDelay: number;
  /** Consecutive failed connects before giving up; `Infinity` (the default) never gives up. */
  readonly maxAttempts?: number;
  /** The first position to apply (default 1). */
  readonly from?: number;
  /** The clock of the backoff; the real clock when absent (tests pass a `ManualClock`). */
  readonly clock?: Clock;
  /** Called with a line for each connection event worth logging. */
  readonly log?: (line: string) => void;
}

/** Where a stopped applier left off. */
export interface ApplierResult {
  /** The next position to apply (resume from here). */
  readonly position: number;
  /** Events applied by this run. */
  readonly applied: number;
}

/**
 * Reads events from one connection in a task of its own and hands them over
 * channels — Dolt's `binlogEventProducer`. It exists so that nobody else ever
 * awaits `conn.read()`.
 */
class EventProducer {
  /** Events read, one at a time (unbuffered: the producer reads the next one only after a hand-off). */
  readonly events = new Channel<BinlogEvent>();
  /** The error that ended the stream, at most one. */
  readonly errors = new Channel<unknown>();
  /** Aborted by `stop()`: ends a pending hand-off; a pending read cannot be ended. */
  readonly #stop = new AbortController();

  constructor(private readonly conn: SourceConnection) {}

  /** Starts the reading task; it ends on a read error or after `stop()`. */
  start(): void {
    this.#run().catch(() => {}); // its sends reject with the stop reason: the expected way out
  }

  async #run(): Promise<void> {
    const { signal } = this.#stop;
    while (!signal.aborted) {
      let event: BinlogEvent;
      try {
        event = await this.conn.read(); // blocks, possibly forever: the reason this task exists
      } catch (error) {
        if (!signal.aborted) await this.errors.send(error, { signal });
        return;
      }
      if (signal.aborted) return; // stopped while blocked in read: drop what it returned
      await this.events.send(event, { signal });
    }
  }

  /** Stops the task: a pending hand-off is withdrawn, the connection closed. Never waits. */
  stop(): void {
    this.#stop.abort();
    this.conn.close();
  }
}

/**
 * Applies a replication stream until stopped — Dolt's binlog replica applier.
 *
 * **Blocking:** the loop waits only in a select over "event", "stream error"
 * and "stop", or in a backoff sleep that the stop signal interrupts. It never
 * awaits a read: reads happen in a producer task per connection.
 *
 * **Cancellation:** aborting `signal` (the stop) makes the applier return
 * promptly — within the same turn of the event loop it is waiting in, even
 * while a read is pending and will never return. The event being applied, if
 * any, is finished first; an event read after the stop is dropped.
 *
 * **Ordering:** events are applied in stream order; after a broken stream the
 * applier reconnects from the position after the last applied event, so
 * nothing is applied twice or skipped.
 *
 * @returns where it left off, once stopped.
 * @throws (rejects) when `maxAttempts` consecutive connects failed, with the
 *   last error as `cause`; or with what `apply` threw.
 *
 * @example
 * ```ts
 * const stop = new AbortController();
 * const run = runApplier({ connect, apply, signal: stop.signal, retryDelay: 1000 });
 * // STOP REPLICA:
 * stop.abort();
 * const { position } = await run;
 * ```
 */
export async function runApplier(options: ApplierOptions): Promise<ApplierResult> {
  const { signal, retryDelay, maxAttempts = Number.POSITIVE_INFINITY, log } = options;
  const stopped = done(signal);
  let position = options.from ?? 1;
  let applied = 0;
  let failures = 0;

  /** Sleeps `retryDelay` on the clock; `false` if the stop came first. */
  const backoff = async (): Promise<boolean> => {
    try {
      await sleep(retryDelay, options); // options carries { signal, clock }
      return true;
    } catch (error) {
      if (signal.aborted) return false;
      throw error;
    }
  };

  while (!signal.aborted) {
    // Connect. A failed attempt backs off; the stop interrupts both the attempt and the backoff.
    let conn: SourceConnection;
    try {
      conn = await options.connect(position, signal);
    } catch (error) {
      if (signal.aborted) break;
      failures++;
      log?.(`connect from position ${position} failed (${String(error)}), attempt ${failures}`);
      if (failures >= maxAttempts) {
        throw new Error(`applier: gave up after ${failures} failed connection attempts`, { cause: error });
      }
      if (await backoff()) continue;
      break;
    }
    failures = 0;
    log?.(`connected, streaming from position ${position}`);

    // Apply. The read happens in the producer's task; here we only ever wait in this select.
    const producer = new EventProducer(conn);
    producer.start();
    let broken = false;
    while (!broken) {
      // Stop first: when events keep coming, a stop is still served at once.
      const r = await select(
        { stop: recv(stopped), event: recv(producer.events), error: recv(producer.errors) },
        { priority: true },
      );
      if (r.case === "stop") break;
      if (r.case === "error") {
        log?.(`stream broke at position ${position} (${String(r.value.unwrapOr("closed"))})`);
        broken = true;
      } else if (r.value.isSome()) {
        await options.apply(r.value.value);
        position = r.value.value.position + 1;
        applied++;
      }
    }
    producer.stop(); // never waits: a pending read is left to finish on its own, and dropped
    if (!broken || !(await backoff())) break;
  }
  return { position, applied };
}

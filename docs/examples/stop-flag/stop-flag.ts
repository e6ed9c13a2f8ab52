/**
 * The stop flag across threads: an `AtomicBool` named `running`, set by the
 * main thread, read by a worker thread whose reads block. The worker checks
 * the flag before every read and again after it returns, so it stops within
 * one read slice and never acts on what it read after the stop; the main
 * thread then joins it.
 *
 * Go original: Dolt's binlog event producer (`binlog_producer.go`): a
 * goroutine loops `for p.running.Load()` around `conn.ReadBinlogEvent()`,
 * which blocks until the source sends something; `Stop()` is
 * `p.running.Store(false)`, and the loop re-checks the flag after every read
 * ("stopped while we were blocked: drop it"). Here the goroutine is a real
 * worker thread, the flag lives in a SharedArrayBuffer, and the blocking read
 * is `Atomics.wait` on a shared log (event-log.ts).
 *
 * Stages: one reader thread (blocking reads, applying events — it never
 * blocks longer than one read slice); the main thread (writes the log, sets
 * the flag, joins — it never blocks at all: progress reaches it as messages,
 * on an infinite channel).
 *
 * Why a read slice: a thread blocked in `Atomics.wait` cannot be interrupted
 * by anything but a notify on the word it waits on. Dolt closes the connection
 * to break a blocked read; here the read gives up after `readSlice` ms and the
 * loop re-checks the flag, so a stop is noticed within one slice whatever the
 * source does.
 */

import { Worker } from "node:worker_threads";
import { AtomicBool } from "@csp-kit/atomic";
import { Channel, type Receiver } from "@csp-kit/channel";
import type { SharedEventLog } from "./event-log.js";

/** Starts reader-thread.ts in a thread (through boot.mjs, which registers tsx there). */
const BOOT = new URL("./boot.mjs", import.meta.url);
const READER_ENTRY = new URL("./reader-thread.ts", import.meta.url).href;

/** What the reader thread reports while it runs. */
export type ReaderEvent =
  /** It applied the event at `position`; `state` is what applying it led to (the reader's own summary). */
  | { readonly kind: "applied"; readonly position: number; readonly event: number; readonly state: number }
  /** It has read everything published, and its next read will block (Dolt: "Waiting for source to send event"). */
  | { readonly kind: "caught-up"; readonly position: number };

/** How the reader thread ended: where it stopped, and how many read slices timed out on the way. */
export interface ReaderReport {
  /** The position of the next event it would have read (= events applied). */
  readonly position: number;
  /** Reads that gave up after a whole slice with nothing new. */
  readonly slices: number;
}

/** Every message the reader thread posts. */
export type ReaderMessage = ReaderEvent | ({ readonly kind: "stopped" } & ReaderReport);

/** What the reader thread receives as `workerData`. */
export interface ReaderData {
  readonly entry: string;
  readonly log: SharedArrayBuffer;
  readonly running: { readonly buffer: SharedArrayBuffer; readonly byteOffset: number };
  readonly readSlice: number;
}

/** What {@link runReader} calls back on the reader thread. */
export interface ReaderHooks {
  /** Applies the event at `position`. */
  apply(event: number, position: number): void;
  /**
   * Called once each time the reader goes idle: it has applied everything
   * before `position`, nothing is published at `position` yet, and it has
   * checked the flag and is about to block in a read.
   */
  caughtUp?(position: number): void;
}

/**
 * The reader loop — Dolt's `for p.running.Load() { conn.ReadBinlogEvent() … }`.
 * Runs on the reader thread and blocks it.
 *
 * **Blocking:** each read blocks the thread for at most `readSlice` ms.
 *
 * **Cancellation:** the loop ends when `running` is false: checked before each
 * read, and after each read returns — an event read after the stop is dropped,
 * not applied. A stop is noticed at most one slice after it was stored.
 *
 * **Ordering:** events are applied in log order, each once.
 *
 * @returns where it stopped, and how many slices timed out.
 */
export function runReader(
  running: AtomicBool,
  log: SharedEventLog,
  readSlice: number,
  hooks: ReaderHooks,
): ReaderReport {
  let position = 0;
  let slices = 0;
  /** The position `caughtUp` was last called for (-1: never), so it is called once per idle period. */
  let announced = -1;
  while (running.load()) {
    if (announced !== position && log.length <= position) {
      hooks.caughtUp?.(position); // nothing to read: the next read will block
      announced = position;
    }
    const event = log.readSync(position, readSlice); // blocks this thread for at most one slice
    if (!running.load()) break; // stopped while we were blocked: drop what we read
    if (event === "timed-out") {
      slices++;
      continue;
    }
    hooks.apply(event, position);
    position++;
  }
  return { position, slices };
}

/** Settings of {@link ReaderThread.start}. */
export interface ReaderOptions {
  /** How long one blocking read waits before the loop re-checks the flag (ms; default 100). */
  readonly readSlice?: number;
}

/**
 * The main thread's handle on a reader thread: the `running` flag it shares
 * with the thread, the thread's progress as a channel, and a join.
 *
 * **Blocking:** nothing here blocks the main thread.
 *
 * **On close:** `events` is closed when the thread exits; `join()` then
 * resolves with the thread's report.
 *
 * **Ordering:** the thread's events arrive in the order it posted them, and
 * all of them before `join()` resolves.
 *
 * Gotchas: `stop()` only asks; the thread notices within one read slice. Call
 * `join()` to know it is gone — and to learn how far it got.
 *
 * @example
 * ```ts
 * const log = new SharedEventLog(1024);
 * const reader = ReaderThread.start(log, { readSlice: 50 });
 * log.append(100);
 * reader.stop();                      // Dolt: p.running.Store(false)
 * const { position } = await reader.join();
 * ```
 */
export class ReaderThread {
  /** The flag the thread loops on; true from start until `stop()`. Shared memory, written only by this thread. */
  readonly #running: AtomicBool;
  /** What the thread reported so far; closed when it exits. Never blocks the message handler (infinite). */
  readonly #events = Channel.infinite<ReaderEvent>();
  /** Settles when the thread has exited: its report, or why it has none. */
  readonly #exited: Promise<ReaderReport>;

  private constructor(log: SharedEventLog, readSlice: number) {
    this.#running = new AtomicBool(true);
    const workerData: ReaderData = {
      entry: READER_ENTRY,
      log: log.buffer,
      running: { buffer: this.#running.buffer, byteOffset: this.#running.byteOffset },
      readSlice,
    };
    // The condition makes the thread resolve workspace packages to their sources, as the main thread does.
    const thread = new Worker(BOOT, { workerData, execArgv: ["--conditions=@csp-kit/source"] });
    let report: ReaderReport | undefined;
    let crash: unknown;
    thread.on("message", (message: ReaderMessage) => {
      if (message.kind === "stopped") report = { position: message.position, slices: message.slices };
      else this.#events.trySend(message); // infinite: always "sent"
    });
    thread.once("error", (error) => {
      crash = error;
    });
    this.#exited = new Promise<ReaderReport>((resolve, reject) => {
      thread.once("exit", (code) => {
        this.#events.close();
        if (report !== undefined && code === 0) resolve(report);
        else reject(crash ?? new Error(`the reader thread exited with code ${code} before reporting`));
      });
    });
    this.#exited.catch(() => {}); // observed by join()
  }

  /**
   * Starts a reader thread on `log`, with its `running` flag up.
   * @throws {RangeError} unless `readSlice` is a finite number > 0.
   */
  static start(log: SharedEventLog, options: ReaderOptions = {}): ReaderThread {
    const readSlice = options.readSlice ?? 100;
    if (!(Number.isFinite(readSlice) && readSlice > 0)) {
      throw new RangeError(`ReaderThread: readSlice must be a finite number of ms > 0 (got ${readSlice})`);
    }
    return new ReaderThread(log, readSlice);
  }

  /** What the thread reports as it goes: applied events, and when it caught up. Closed when it exits. */
  get events(): Receiver<ReaderEvent> {
    return this.#events;
  }

  /** Whether the flag is still up (it is down from `stop()` on, even while the thread finishes its slice). */
  get running(): boolean {
    return this.#running.load();
  }

  /** Asks the thread to stop — Dolt's `Stop()`: `running.Store(false)`. Idempotent; never blocks. */
  stop(): void {
    this.#running.store(false);
  }

  /**
   * Waits for the thread to exit — Go's `wg.Wait()` on the producer goroutine.
   * @returns the thread's report: where it stopped, and how many slices timed out.
   * @throws the thread's uncaught error, if it crashed (or an Error if it exited without reporting).
   */
  join(): Promise<ReaderReport> {
    return this.#exited;
  }
}

/**
 * Retrier — eapache/go-resiliency's `retrier`: run an action, and when the
 * classifier says so, wait a backoff and run it again, a bounded number of times.
 *
 * One `run` is a loop over attempts (nothing is shared between runs, so one
 * Retrier serves any number of concurrent runs):
 *
 * ```
 *   ┌─────────────────────────────────────────────────────────────┐
 *   ▼                                                             │
 *  attempt(retries) ──► classify ──► "retry" and retries left ──► wait backoff[retries]
 *                          │                                     (· jitter factor; aborts
 *                          │ "succeed" / "fail" / out of retries   with signal.reason)
 *                          ▼
 *               settle as the attempt did (value or error)
 * ```
 *
 * Invariants (per run):
 * - attempts = 1 + the number of backoff waits completed; with `infinite` off,
 *   attempts <= backoff.length + 1.
 * - wait `i` (0-based) is `backoff[min(i, backoff.length - 1)]` scaled by a
 *   factor in `[1 - jitter, 1 + jitter)` drawn from `random()` — Go's formula;
 *   with jitter 0 it is exactly the schedule's entry.
 * - once the signal is aborted, no new attempt starts and no new wait begins:
 *   the run rejects with `signal.reason` at the next step (an attempt in
 *   progress is not abandoned; it has the signal and should stop).
 * - every wait is a `sleep` on the Retrier's clock, so a ManualClock drives it.
 */

import { signalFault } from "@csp-kit/channel/port";
import { type Clock, type ClockOptions, sleep } from "@csp-kit/timers";
import { type AttemptOutcome, type Classifier, defaultClassifier, type RetryAction } from "./classifier.js";
import { InvalidOptionError } from "./errors.js";
import { checkClock, checkDuration, checkFunction, describe } from "./internal/options.js";

/** Options of {@link Retrier}. */
export interface RetrierOptions extends ClockOptions {
  /** Decides after each attempt whether to retry ({@link defaultClassifier}: retry every error). */
  readonly classifier?: Classifier | undefined;
  /**
   * Spreads each wait over `[wait · (1 - jitter), wait · (1 + jitter))`, a
   * number in [0, 1] (default 0) — Go's `SetJitter`. Retriers started at the
   * same moment then do not retry in lockstep.
   */
  readonly jitter?: number | undefined;
  /** The random source of the jitter: returns a number in [0, 1) (default `Math.random`). Inject it in tests. */
  readonly random?: (() => number) | undefined;
  /**
   * Retry without end, waiting the schedule's last entry once it is used up —
   * Go's `WithInfiniteRetry`. Only a success, a `"fail"`, or the signal ends a run.
   */
  readonly infinite?: boolean | undefined;
}

/** What an attempt is told. */
export interface Attempt {
  /** Retries before this attempt: 0 for the first (Go's `RunFn` `retries`). */
  readonly retries: number;
  /**
   * The run's signal (a never-aborted one when the run has none): pass it on
   * to the I/O of the attempt so that an abort stops it.
   */
  readonly signal: AbortSignal;
}

/** Options of {@link Retrier.run}. */
export interface RetryRunOptions {
  /** Stops the run: the current backoff wait ends at once and the run rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * A retry policy — Go's `retrier.Retrier`: a backoff schedule, a classifier,
 * and optional jitter; `run(work)` applies it to one action.
 *
 * **Blocking:** `run` resolves or rejects once an attempt's outcome stops the
 * loop (a `"succeed"` or `"fail"`, or a `"retry"` with no retries left: the
 * outcome of that last attempt is passed along unchanged, as in Go). Between
 * attempts it waits on the clock.
 *
 * **Cancellation:** `run(work, { signal })`: an abort ends the current backoff
 * wait at once (its timer is cleared) and the run rejects with `signal.reason`;
 * an aborted signal starts no attempt. An attempt already running receives the
 * signal (`attempt.signal`) and is awaited, not abandoned.
 *
 * **Ordering:** attempts of one run never overlap: attempt `i + 1` starts after
 * attempt `i` settled and its wait elapsed.
 *
 * **Gotchas:** the schedule's length is the number of *retries*, so
 * `constantBackoff(3, 100)` makes up to four attempts. A Retrier holds no
 * per-run state; share it. Go's `WithTimeout` is a composition here:
 * `deadline(ms, (signal) => retrier.run(work, { signal }))`.
 *
 * @see {@link constantBackoff}, {@link exponentialBackoff}, {@link Classifier}
 * @example
 * ```ts run
 * import { exponentialBackoff, failWhen, Retrier } from "@csp-kit/resiliency";
 * import { ManualClock } from "@csp-kit/timers/testing";
 *
 * let dials = 0;
 * async function dial(addr: string, { signal }: { signal: AbortSignal }): Promise<string> {
 *   signal.throwIfAborted();
 *   if (++dials < 3) throw new Error("connection refused"); // down for the first two dials
 *   return `connected to ${addr}`;
 * }
 * const isFatal = (e: unknown) => e instanceof Error && e.message === "no such host";
 * const addr = "127.0.0.1:9092";
 * const shutdown = new AbortController().signal;
 * const clock = new ManualClock(); // leave { clock } out for real time
 *
 * const retrier = new Retrier(exponentialBackoff(5, 100), { jitter: 0.2, classifier: failWhen(isFatal), clock });
 * const pending = retrier.run(({ signal }) => dial(addr, { signal }), { signal: shutdown });
 * await clock.runAllAsync(); // the two backoff waits
 * const conn = await pending;
 * console.log(conn, dials); // → connected to 127.0.0.1:9092 3
 * if (dials !== 3 || conn !== `connected to ${addr}`) throw new Error(`${conn} after ${dials} dials`);
 * ```
 */
export class Retrier {
  /** The backoff schedule (ms before each retry), frozen. Fixed at construction. */
  readonly backoff: readonly number[];
  /** The jitter factor in [0, 1]. Fixed at construction. */
  readonly jitter: number;
  /** Whether runs retry without end on the last wait. Fixed at construction. */
  readonly infinite: boolean;
  readonly #classifier: Classifier;
  readonly #random: () => number;
  readonly #clock: Clock;

  /**
   * @param backoff - the waits before each retry, in ms; its length is the
   *   number of retries (see {@link constantBackoff}, {@link exponentialBackoff}).
   * @param options - `{ classifier, jitter, random, infinite, clock }`.
   * @throws {@link InvalidOptionError} if `backoff` is not an array, `jitter` is
   *   not in [0, 1], `classifier` or `random` is not a function, or `infinite`
   *   is set with an empty schedule; `InvalidDurationError` (from
   *   `@csp-kit/timers`) if a wait is not a finite number >= 0;
   *   `InvalidClockError` if `clock` is not a Clock.
   */
  constructor(backoff: readonly number[], options?: RetrierOptions) {
    const where = "new Retrier(backoff, options)";
    if (!Array.isArray(backoff)) {
      throw new InvalidOptionError(
        `${where}: backoff must be an array of waits in ms, one per retry (got ${describe(backoff)}); ` +
          "build one with constantBackoff(n, ms) or exponentialBackoff(n, ms), or pass [] to never retry",
        "backoff",
        backoff,
      );
    }
    this.backoff = Object.freeze(backoff.map((ms: unknown, i) => checkDuration(where, `backoff[${i}]`, ms)));
    const jitter = options?.jitter ?? 0;
    if (typeof jitter !== "number" || !(jitter >= 0 && jitter <= 1)) {
      throw new InvalidOptionError(
        `${where}: jitter must be a number in [0, 1] (got ${describe(jitter)}); ` +
          "0.2 spreads each wait over ±20%, 0 (the default) turns jitter off",
        "jitter",
        jitter,
      );
    }
    this.jitter = jitter;
    this.#classifier = checkFunction(
      where,
      "classifier",
      options?.classifier ?? defaultClassifier,
      "pass (outcome) => 'succeed' | 'retry' | 'fail', e.g. retryWhen(isTransient)",
    );
    this.#random = checkFunction(where, "random", options?.random ?? Math.random, "pass () => a number in [0, 1)");
    this.infinite = options?.infinite === true;
    if (this.infinite && this.backoff.length === 0) {
      throw new InvalidOptionError(
        `${where}: infinite retries need at least one wait in backoff (got []); ` +
          "pass e.g. constantBackoff(1, 1000) to retry every second",
        "infinite",
        options?.infinite,
      );
    }
    this.#clock = checkClock(where, options?.clock);
  }

  /**
   * Runs `work` until the classifier stops it or the retries run out — Go's
   * `Retrier.RunFn(ctx, work)`.
   *
   * **Blocking:** see the class. A synchronous throw of `work` is an error
   * outcome like a rejection.
   *
   * **Cancellation:** `{ signal }`; an already-aborted signal rejects with its
   * reason before the first attempt; a `signal` that is not an AbortSignal
   * rejects with `InvalidSignalError` (from `@csp-kit/channel`) and runs nothing.
   *
   * @param work - one attempt; told `{ retries, signal }`.
   * @returns the value of the attempt that stopped the loop, or its error as a rejection;
   *   rejects with {@link InvalidOptionError} if the classifier answers something
   *   other than a {@link RetryAction} or `random()` leaves [0, 1].
   * @throws {@link InvalidOptionError} (synchronously) if `work` is not a function.
   * @example
   * ```ts run
   * import { constantBackoff, Retrier } from "@csp-kit/resiliency";
   *
   * const logged: string[] = [];
   * const log = (line: string) => void logged.push(line);
   * const mirrors = ["unknown-scheme://mirror-1", "data:text/plain,ok"]; // the first fetch fails
   * const retrier = new Retrier(constantBackoff(3, 0));
   *
   * const body = await retrier.run(async ({ retries, signal }) => {
   *   if (retries > 0) log(`retry ${retries}`);
   *   const url = mirrors[retries] ?? "";
   *   return (await fetch(url, { signal })).text();
   * });
   * console.log(body, logged); // → ok ["retry 1"]
   * if (body !== "ok" || logged.join() !== "retry 1") throw new Error(`${body} ${logged.join()}`);
   * ```
   */
  run<T>(work: (attempt: Attempt) => T | PromiseLike<T>, options?: RetryRunOptions): Promise<Awaited<T>> {
    checkFunction("Retrier.run(work)", "work", work, "pass the action to retry, e.g. retrier.run(() => connect())");
    const signal = options?.signal;
    const fault = signalFault(signal, "Retrier.run");
    if (fault !== undefined) return Promise.reject(fault);
    return this.#loop(work, signal ?? new AbortController().signal);
  }

  /** The attempt loop of one run. Precondition: `work` is a function and `signal` a valid AbortSignal. */
  async #loop<T>(work: (attempt: Attempt) => T | PromiseLike<T>, signal: AbortSignal): Promise<Awaited<T>> {
    for (let retries = 0; ; retries++) {
      if (signal.aborted) throw signal.reason;
      let outcome: AttemptOutcome;
      try {
        outcome = { ok: true, value: await work({ retries, signal }) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      const action = this.#classify(outcome);
      if (action !== "retry" || (!this.infinite && retries >= this.backoff.length)) {
        if (outcome.ok) return outcome.value as Awaited<T>;
        throw outcome.error;
      }
      // sleep rejects with signal.reason at once if the signal is (or becomes) aborted.
      await sleep(this.#wait(retries), { signal, clock: this.#clock });
    }
  }

  /** The classifier's answer for `outcome`, checked. */
  #classify(outcome: AttemptOutcome): RetryAction {
    const action: unknown = this.#classifier(outcome);
    if (action === "retry" || action === "succeed" || action === "fail") return action;
    throw new InvalidOptionError(
      `Retrier.run: the classifier answered ${describe(action)}; it must answer "succeed", "retry" or "fail"`,
      "classifier",
      action,
    );
  }

  /** The wait before retry `retries + 1`. Precondition: the schedule is not empty and a retry is due. */
  #wait(retries: number): number {
    const base = this.backoff[Math.min(retries, this.backoff.length - 1)] as number;
    if (this.jitter === 0) return base;
    const r: unknown = this.#random();
    if (typeof r !== "number" || !(r >= 0 && r <= 1)) {
      throw new InvalidOptionError(
        `Retrier.run: options.random() returned ${describe(r)}; it must return a number in [0, 1), as Math.random does`,
        "random",
        r,
      );
    }
    // Go: base + (r·2 − 1) · jitter · base, a factor in [1 − jitter, 1 + jitter).
    return base + (r * 2 - 1) * this.jitter * base;
  }
}

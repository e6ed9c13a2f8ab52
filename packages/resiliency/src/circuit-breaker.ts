/**
 * CircuitBreaker — eapache/go-resiliency's `breaker`: stop calling a dependency
 * that keeps failing, and probe it again after a pause.
 *
 * The states (Go's rules; the union below encodes them, each state carrying
 * only its own fields):
 *
 * ```
 *                 errorThreshold failures, each within
 *                 `timeout` of the one before
 *   ┌────────────┐ ───────────────────────────────────► ┌────────────┐
 *   │   closed   │                                      │    open    │ run() rejects at once
 *   │  errors n  │                                      │  openedAt  │ with BreakerOpenError;
 *   └────────────┘                                      └────────────┘ results are ignored
 *         ▲                                               │        ▲
 *         │ successThreshold                    `timeout` │        │ the first
 *         │ successes                      after opening  ▼        │ failure
 *         │                                         ┌──────────────┐
 *         └──────────────────────────────────────── │  half-open   │ run() calls fn
 *                                                   │  successes n │ (every caller)
 *                                                   └──────────────┘
 * ```
 *
 * Time is read from the clock lazily, when a call or a read of `state` needs
 * it: the open → half-open change happens at the first look at or after
 * `halfOpenAt`, and errors older than `timeout` are forgotten at the first look
 * after they expired. No timer is ever armed, so an open breaker holds nothing
 * and keeps no process alive. Go arms a goroutine timer; since nothing can be
 * observed between the deadline and the next look, the two are equivalent.
 *
 * Invariants (over `#state`):
 * - closed: `0 <= errors < errorThreshold`; `lastErrorAt` is defined iff
 *   `errors > 0`, and then it is the time of the latest counted failure.
 * - open: `halfOpenAt === openedAt + timeout`; after `#look()`, `now < halfOpenAt`.
 * - half-open: `0 <= successes < successThreshold`.
 * - every state object is frozen and replaced, never mutated: a snapshot read
 *   from `state` stays what it was.
 * - user code (`fn`) never runs while `#state` is half-updated: each
 *   transition is one assignment, made after `fn` returned or settled.
 */

import type { Clock, ClockOptions } from "@csp-kit/timers";
import { BreakerOpenError } from "./errors.js";
import { checkClock, checkCount, checkDuration, checkFunction, isThenable } from "./internal/options.js";

/**
 * Where a {@link CircuitBreaker} is, with the fields of that state only (a
 * discriminated union: test `kind`, and TypeScript narrows to the fields).
 *
 * - `"closed"`: calls go through; `errors` failures are counted (the latest at
 *   `lastErrorAt`, `undefined` when `errors` is 0).
 * - `"open"`: calls are refused with {@link BreakerOpenError} until `halfOpenAt`.
 * - `"half-open"`: calls go through; `successes` in a row so far.
 */
export type BreakerState =
  | { readonly kind: "closed"; readonly errors: number; readonly lastErrorAt: number | undefined }
  | { readonly kind: "open"; readonly openedAt: number; readonly halfOpenAt: number }
  | { readonly kind: "half-open"; readonly successes: number };

/** Options of {@link CircuitBreaker} — Go's `breaker.New(errorThreshold, successThreshold, timeout)`. */
export interface CircuitBreakerOptions extends ClockOptions {
  /** Failures that open a closed breaker, each within `timeout` of the one before. A whole number >= 1. */
  readonly errorThreshold: number;
  /** Successes in a row that close a half-open breaker. A whole number >= 1. */
  readonly successThreshold: number;
  /**
   * Milliseconds an open breaker stays open before it turns half-open; also the
   * error-free gap after which a closed breaker forgets its failures. Finite, >= 0.
   */
  readonly timeout: number;
}

const CLOSED: BreakerState = Object.freeze({ kind: "closed", errors: 0, lastErrorAt: undefined });
const HALF_OPEN: BreakerState = Object.freeze({ kind: "half-open", successes: 0 });

/**
 * A circuit breaker — Go's `breaker.Breaker` from eapache/go-resiliency.
 *
 * From closed, it opens after `errorThreshold` failures with no error-free gap
 * longer than `timeout` between them. From open, it turns half-open `timeout`
 * ms later. From half-open, it closes after `successThreshold` successes in a
 * row and opens again on the first failure.
 *
 * **Blocking:** never waits. `run(fn)` either refuses at once or runs `fn` and
 * passes its outcome along.
 *
 * **Cancellation:** nothing to cancel; give `fn` its own signal (or wrap it in
 * `deadline`) to bound a slow call.
 *
 * **Ordering:** a result counts when it arrives, in the order results arrive,
 * against the state at that moment — as in Go. A success in closed counts for
 * nothing (only time forgets failures); results that arrive while open are
 * ignored; a slow call started before the breaker opened counts in half-open
 * if it ends there.
 *
 * **Gotchas:** half-open lets every caller through, not one probe (Go's rule):
 * bound concurrency yourself if a probe storm would hurt. A thrown error and a
 * rejected promise are both failures; a resolved value is always a success.
 *
 * @see {@link BreakerState}, {@link BreakerOpenError}
 * @example
 * ```ts run
 * import { CircuitBreaker, isBreakerOpenError } from "@csp-kit/resiliency";
 * import { ManualClock } from "@csp-kit/timers/testing";
 *
 * const clock = new ManualClock(); // leave { clock } out for real time
 * const breaker = new CircuitBreaker({ errorThreshold: 2, successThreshold: 1, timeout: 10_000, clock });
 * const down = () => Promise.reject(new Error("broker not available"));
 * for (let i = 0; i < 2; i++) await breaker.run(down).catch(() => {}); // two failures: open
 * const refused = await breaker.run(() => "not called").catch((e: unknown) => e);
 * if (!isBreakerOpenError(refused) || refused.retryAfter !== 10_000) throw new Error(`got ${String(refused)}`);
 * clock.advance(10_000);
 * console.log(breaker.state.kind); // half-open: the next call is a probe
 * const probe = await breaker.run(() => "metadata");
 * if (probe !== "metadata" || breaker.state.kind !== "closed") throw new Error(`got ${probe}, ${breaker.state.kind}`);
 * ```
 */
export class CircuitBreaker {
  /** The failures that open a closed breaker. Fixed at construction. */
  readonly errorThreshold: number;
  /** The successes in a row that close a half-open breaker. Fixed at construction. */
  readonly successThreshold: number;
  /** How long the breaker stays open, and the gap that forgets failures (ms). Fixed at construction. */
  readonly timeout: number;
  readonly #clock: Clock;
  /** The current state; replaced (never mutated) by `#look`, `#success` and `#failure` only. */
  #state: BreakerState = CLOSED;

  /**
   * @throws {@link InvalidOptionError} if a threshold is not a whole number >= 1;
   *   `InvalidDurationError` (from `@csp-kit/timers`) if `timeout` is not a
   *   finite number >= 0; `InvalidClockError` if `clock` is not a Clock.
   */
  constructor(options: CircuitBreakerOptions) {
    const where = "new CircuitBreaker(options)";
    this.errorThreshold = checkCount(
      where,
      "errorThreshold",
      options?.errorThreshold,
      1,
      "it is how many failures open the breaker (Go's breaker.New(errorThreshold, …))",
    );
    this.successThreshold = checkCount(
      where,
      "successThreshold",
      options?.successThreshold,
      1,
      "it is how many successes in a row close a half-open breaker",
    );
    this.timeout = checkDuration(where, "timeout", options?.timeout);
    this.#clock = checkClock(where, options?.clock);
  }

  /**
   * The state now, as a frozen snapshot (reading it applies the time-based
   * changes that are due: open → half-open, and forgetting expired failures).
   *
   * @example
   * ```ts run
   * import { CircuitBreaker } from "@csp-kit/resiliency";
   * import { ManualClock } from "@csp-kit/timers/testing";
   *
   * const clock = new ManualClock(); // leave { clock } out for real time
   * const breaker = new CircuitBreaker({ errorThreshold: 1, successThreshold: 1, timeout: 5_000, clock });
   * await breaker.run(() => Promise.reject(new Error("down"))).catch(() => {}); // one failure: open
   * const s = breaker.state;
   * if (s.kind === "open") console.log(`closed for business until ${s.halfOpenAt}`); // → … until 5000
   * if (s.kind !== "open" || s.halfOpenAt !== 5_000) throw new Error(`state ${s.kind}`);
   * ```
   */
  get state(): BreakerState {
    return this.#look();
  }

  /**
   * Runs `fn` unless the breaker is open, and counts its outcome — Go's
   * `Breaker.Run(fn)`.
   *
   * **Blocking:** when open, rejects at once with a {@link BreakerOpenError}
   * and does not call `fn`. Otherwise calls `fn` synchronously; a synchronous
   * result (or throw) is counted before `run` returns, a promise's when it
   * settles.
   *
   * **Ordering:** the returned promise settles after the outcome was counted,
   * so `breaker.state` seen by its reactions already includes it.
   *
   * **Gotchas:** `fn`'s own error is passed along unchanged (Go re-panics the
   * same value); wrap the call if you need to tell the two apart
   * ({@link isBreakerOpenError}).
   *
   * @param fn - the call to protect; may return a value or a promise.
   * @returns `fn`'s value, or its error as a rejection.
   * @throws {@link InvalidOptionError} (synchronously) if `fn` is not a function.
   */
  run<T>(fn: () => T | PromiseLike<T>): Promise<Awaited<T>> {
    checkFunction("CircuitBreaker.run(fn)", "fn", fn, "pass the call to protect, e.g. breaker.run(() => fetch(url))");
    const state = this.#look();
    if (state.kind === "open") return Promise.reject(new BreakerOpenError(state.halfOpenAt, this.#clock.now()));
    let result: T | PromiseLike<T>;
    try {
      result = fn();
    } catch (error) {
      this.#failure();
      return Promise.reject(error);
    }
    if (!isThenable(result)) {
      this.#success();
      return Promise.resolve(result as Awaited<T>);
    }
    return Promise.resolve(result).then(
      (value) => {
        this.#success();
        return value as Awaited<T>;
      },
      (error: unknown) => {
        this.#failure();
        throw error;
      },
    );
  }

  /** Checks the invariants at the top of this file; throws on the first violation. For tests. */
  assertInvariants(): void {
    const fail = (message: string): never => {
      throw new Error(`CircuitBreaker invariant violated: ${message} (state ${JSON.stringify(this.#state)})`);
    };
    const s = this.#state;
    if (!Object.isFrozen(s)) fail("the state object is not frozen");
    switch (s.kind) {
      case "closed":
        if (!Number.isSafeInteger(s.errors) || s.errors < 0 || s.errors >= this.errorThreshold) fail("errors");
        if ((s.lastErrorAt === undefined) !== (s.errors === 0)) fail("lastErrorAt defined iff errors > 0");
        break;
      case "open":
        if (s.halfOpenAt !== s.openedAt + this.timeout) fail("halfOpenAt !== openedAt + timeout");
        break;
      case "half-open":
        if (!Number.isSafeInteger(s.successes) || s.successes < 0 || s.successes >= this.successThreshold) {
          fail("successes");
        }
        break;
    }
  }

  /** Applies the time-based changes due by now and returns the resulting state. Calls no user code. */
  #look(): BreakerState {
    const s = this.#state;
    if (s.kind === "open") {
      if (this.#clock.now() >= s.halfOpenAt) this.#state = HALF_OPEN;
    } else if (s.kind === "closed" && s.lastErrorAt !== undefined) {
      // Go: an error more than `timeout` after the previous one starts the count afresh.
      if (this.#clock.now() - s.lastErrorAt > this.timeout) this.#state = CLOSED;
    }
    return this.#state;
  }

  /** Counts a success against the state now. */
  #success(): void {
    const s = this.#look();
    if (s.kind !== "half-open") return;
    const successes = s.successes + 1;
    this.#state = successes >= this.successThreshold ? CLOSED : Object.freeze({ kind: "half-open", successes });
  }

  /** Counts a failure against the state now. */
  #failure(): void {
    const s = this.#look();
    if (s.kind === "open") return;
    const now = this.#clock.now();
    const errors = s.kind === "closed" ? s.errors + 1 : this.errorThreshold;
    this.#state =
      errors >= this.errorThreshold
        ? Object.freeze({ kind: "open", openedAt: now, halfOpenAt: now + this.timeout })
        : Object.freeze({ kind: "closed", errors, lastErrorAt: now });
  }
}

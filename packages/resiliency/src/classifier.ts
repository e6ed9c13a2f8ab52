/**
 * Classifiers for {@link Retrier}: they decide, from the outcome of one
 * attempt, whether the retrier stops or tries again — eapache/go-resiliency's
 * `Classifier`, `DefaultClassifier`, `WhitelistClassifier` and
 * `BlacklistClassifier`.
 *
 * Go classifies the work's `error` (nil for success). Here an attempt either
 * returns a value or throws, so a classifier sees an {@link AttemptOutcome}
 * and may also retry on a value (an HTTP 503 response, an empty poll). As in
 * Go, `"succeed"` and `"fail"` both stop the retrier and pass the attempt's
 * outcome along unchanged; the two names say why it stopped.
 *
 * Invariants: the classifiers here are pure functions of the outcome: they
 * never throw (a predicate they were given may) and answer one of the three
 * {@link RetryAction}s.
 */

import { checkFunction } from "./internal/options.js";

/** What a {@link Classifier} answers — Go's `retrier.Action`. */
export type RetryAction = "succeed" | "retry" | "fail";

/**
 * The outcome of one attempt: a value (`ok: true`) or a thrown / rejected
 * error (`ok: false`). Test `ok`, and TypeScript narrows to `value` or `error`.
 */
export type AttemptOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: unknown };

/**
 * Decides what a {@link Retrier} does after an attempt — Go's `retrier.Classifier`.
 *
 * - `"retry"`: wait the next backoff and try again (if retries are left;
 *   otherwise stop and pass this outcome along);
 * - `"succeed"` / `"fail"`: stop now and pass this outcome along.
 *
 * **Gotchas:** called synchronously after every attempt; if it throws, the
 * retrier's `run` rejects with that error.
 */
export type Classifier = (outcome: AttemptOutcome) => RetryAction;

/**
 * Values succeed, every error is retried — Go's `DefaultClassifier`. The
 * classifier a {@link Retrier} uses when none is given.
 *
 * @example
 * ```ts run
 * import { constantBackoff, defaultClassifier, Retrier } from "@csp-kit/resiliency";
 * import { ManualClock } from "@csp-kit/timers/testing";
 *
 * const clock = new ManualClock(); // leave { clock } out for real time
 * const retrier = new Retrier(constantBackoff(3, 100), { classifier: defaultClassifier, clock });
 * let attempts = 0;
 * const failing = retrier.run(() => Promise.reject(new Error(`down ${++attempts}`))).catch((e: unknown) => e);
 * await clock.runAllAsync();
 * console.log(((await failing) as Error).message); // → down 4: every error was retried, 3 times
 * if (attempts !== 4) throw new Error(`attempts ${attempts}`);
 * ```
 */
export const defaultClassifier: Classifier = (outcome) => (outcome.ok ? "succeed" : "retry");

/**
 * Retries the errors `isRetriable` accepts and fails fast on the others; values
 * succeed — Go's `WhitelistClassifier`, with a predicate instead of a list of
 * sentinel errors.
 *
 * @param isRetriable - called with each error; `true` retries it.
 * @throws {@link InvalidOptionError} if `isRetriable` is not a function.
 * @see {@link failWhen}
 * @example
 * ```ts run
 * import { retryWhen } from "@csp-kit/resiliency";
 *
 * const classifier = retryWhen((e) => e instanceof Error && "code" in e && e.code === "ECONNREFUSED");
 * const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
 * console.log(classifier({ ok: false, error: refused })); // → retry
 * console.log(classifier({ ok: false, error: new Error("bad request") })); // → fail
 * if (classifier({ ok: false, error: refused }) !== "retry" || classifier({ ok: false, error: new Error("x") }) !== "fail") {
 *   throw new Error("retry ECONNREFUSED, fail the rest");
 * }
 * ```
 */
export function retryWhen(isRetriable: (error: unknown) => boolean): Classifier {
  checkFunction("retryWhen(isRetriable)", "isRetriable", isRetriable, "pass (error) => boolean, true to retry");
  return (outcome) => (outcome.ok ? "succeed" : isRetriable(outcome.error) ? "retry" : "fail");
}

/**
 * Fails fast on the errors `isFatal` accepts and retries the others; values
 * succeed — Go's `BlacklistClassifier`, with a predicate.
 *
 * @param isFatal - called with each error; `true` stops the retrier.
 * @throws {@link InvalidOptionError} if `isFatal` is not a function.
 * @see {@link retryWhen}
 * @example
 * ```ts run
 * import { BreakerOpenError, failWhen, isBreakerOpenError } from "@csp-kit/resiliency";
 *
 * const classifier = failWhen(isBreakerOpenError); // an open breaker will not close during a 100 ms backoff
 * const open = new BreakerOpenError(10_000, 0); // what an open CircuitBreaker rejects with
 * console.log(classifier({ ok: false, error: open })); // → fail
 * console.log(classifier({ ok: false, error: new Error("timeout") })); // → retry
 * if (classifier({ ok: false, error: open }) !== "fail" || classifier({ ok: true, value: 1 }) !== "succeed") {
 *   throw new Error("fail on an open breaker, succeed on a value");
 * }
 * ```
 */
export function failWhen(isFatal: (error: unknown) => boolean): Classifier {
  checkFunction("failWhen(isFatal)", "isFatal", isFatal, "pass (error) => boolean, true to stop retrying");
  return (outcome) => (outcome.ok ? "succeed" : isFatal(outcome.error) ? "fail" : "retry");
}

/**
 * `track(promise)`: observe whether and how a promise settled, without awaiting it.
 *
 * Invariants: `state` moves from "pending" to "fulfilled" or "rejected" once and
 * never back; `value` is set only when fulfilled, `reason` only when rejected;
 * `outcome` is always the same fact as a union snapshot. Tracking a promise marks
 * its rejection as handled (the record is where the test reads it).
 */

/** How a tracked promise has settled so far, as one union (for `toEqual`). */
export type Outcome<T> =
  | { readonly state: "pending" }
  | { readonly state: "fulfilled"; readonly value: T }
  | { readonly state: "rejected"; readonly reason: unknown };

/** A promise's observed state, updated by the promise's own reactions (read it after `flush()`). */
export interface Tracked<T> {
  /** The promise being observed. */
  readonly promise: Promise<T>;
  /** "pending" until it settles. Written only by the promise's reactions. */
  readonly state: "pending" | "fulfilled" | "rejected";
  /** The fulfilment value; `undefined` unless `state` is "fulfilled". */
  readonly value: T | undefined;
  /** The rejection reason; `undefined` unless `state` is "rejected". */
  readonly reason: unknown;
  /** The same as a discriminated union, so one `toEqual` checks state and payload together. */
  readonly outcome: Outcome<T>;
}

/**
 * Starts observing `promise`; the record reflects its state once its reactions have run.
 *
 * **Ordering:** the record is updated in a promise reaction, so it lags the promise by
 * at least one microtask: read it after `await flush()`, never right after the act.
 *
 * @example
 * ```ts
 * const lock = track(mu.lock());
 * await flush();
 * expect(lock.outcome).toEqual({ state: "fulfilled", value: undefined });
 * ```
 */
export function track<T>(promise: Promise<T>): Tracked<T> {
  const t = {
    promise,
    state: "pending" as Tracked<T>["state"],
    value: undefined as T | undefined,
    reason: undefined as unknown,
    outcome: { state: "pending" } as Outcome<T>,
  };
  promise.then(
    (value) => {
      t.state = "fulfilled";
      t.value = value;
      t.outcome = { state: "fulfilled", value };
    },
    (reason: unknown) => {
      t.state = "rejected";
      t.reason = reason;
      t.outcome = { state: "rejected", reason };
    },
  );
  return t;
}

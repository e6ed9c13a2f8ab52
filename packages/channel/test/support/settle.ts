/** Test helpers: observe promise settlement without racing real time. */

/** Lets every queued promise reaction run (a macrotask boundary drains the microtask queue). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A promise's observed state, updated as it settles. */
export interface Tracked<T> {
  readonly promise: Promise<T>;
  state: "pending" | "fulfilled" | "rejected";
  value: T | undefined;
  reason: unknown;
}

/** Starts observing `promise`; the returned record reflects its state after the next `flush()`. */
export function track<T>(promise: Promise<T>): Tracked<T> {
  const t: Tracked<T> = { promise, state: "pending", value: undefined, reason: undefined };
  promise.then(
    (value) => {
      t.state = "fulfilled";
      t.value = value;
    },
    (reason: unknown) => {
      t.state = "rejected";
      t.reason = reason;
    },
  );
  return t;
}

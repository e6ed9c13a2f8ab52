/**
 * Helpers for the SharedChannel tests: observing promise state without
 * sleeping, and reaching the engine of a channel.
 */

import { coreOf, type SharedChannel } from "../src/shared-channel.js";

export { coreOf };

/** Lets pending promise reactions and already-posted tasks run (one event-loop turn). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** What a promise has done so far. */
export type State<T> =
  | { status: "pending" }
  | { status: "fulfilled"; value: T }
  | { status: "rejected"; reason: unknown };

/** Tracks a promise's outcome synchronously readable after a flush. Also marks the rejection handled. */
export function track<T>(p: Promise<T>): { readonly state: State<T> } {
  const box: { state: State<T> } = { state: { status: "pending" } };
  p.then(
    (value) => {
      box.state = { status: "fulfilled", value };
    },
    (reason: unknown) => {
      box.state = { status: "rejected", reason };
    },
  );
  return box;
}

/** Checks the engine's and the ring's invariants of `ch` (one thread, nothing in flight). */
export function assertInvariants(ch: SharedChannel<unknown>): void {
  coreOf(ch).assertInvariants();
}

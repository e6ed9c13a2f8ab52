/**
 * Helpers for the SharedChannel tests: reaching the engine of a channel.
 * Promise settling and tracking come from `@csp-kit/testkit/core`.
 */

import { coreOf, type SharedChannel } from "../src/shared-channel.js";

export { coreOf };

/** Checks the engine's and the ring's invariants of `ch` (one thread, nothing in flight). */
export function assertInvariants(ch: SharedChannel<unknown>): void {
  coreOf(ch).assertInvariants();
}

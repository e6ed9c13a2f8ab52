/**
 * The channel configurations every model and property test runs against: each
 * kind from `@csp-kit/testkit/core`'s list (small capacities, so that "full" is
 * reached often), bound to this package's `Channel`; and a peek at the engine.
 */

import { channelKinds, type KindSpec as KitKindSpec } from "@csp-kit/testkit/core";
import { Channel, type DropReason } from "../../src/index.js";
import type { ChannelCore } from "../../src/internal/channel-core.js";
import { portOf } from "../../src/port.js";

export { drops } from "@csp-kit/testkit/core";

/** One channel configuration under test. */
export type KindSpec = KitKindSpec<Channel<number>, DropReason>;

/** unbuffered, buffered(1..4), infinite, resizable(0) and (2), ring(1..4), overflowing(1..4). */
export const KINDS: readonly KindSpec[] = channelKinds<Channel<number>, DropReason>(Channel);

/** The engine behind a channel, for `assertInvariants()` and `waiting`. */
export function coreOf<T>(ch: Channel<T>): ChannelCore<T> {
  return portOf(ch) as ChannelCore<T>;
}

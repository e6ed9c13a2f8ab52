/**
 * The channel configurations every model and property test runs against: each
 * of the five kinds, with small capacities so that "full" is reached often.
 */

import { Channel, type ChannelKind, type DropReason } from "../../src/index.js";
import type { ChannelCore } from "../../src/internal/core.js";
import { portOf } from "../../src/port.js";

/** One channel configuration under test. */
export interface KindSpec {
  /** Human-readable name, used in test titles: `buffered(2)`. */
  readonly label: string;
  /** The kind the channel must report. */
  readonly kind: ChannelKind;
  /** The capacity the channel must report (`Infinity` for infinite). */
  readonly cap: number;
  /**
   * Creates a fresh channel of this configuration; a dropping kind (`ring`,
   * `overflowing`) reports each value it discards to `onDrop`, the others
   * never drop and ignore it.
   */
  readonly make: (onDrop?: (value: number, reason: DropReason) => void) => Channel<number>;
  /** A `Channel.resizable` channel (it behaves as `kind` until resized). */
  readonly resizable?: boolean;
}

const SMALL_CAPACITIES = [1, 2, 3, 4] as const;

/** unbuffered, buffered(1..4), infinite, resizable(0) and (2), ring(1..4), overflowing(1..4). */
export const KINDS: readonly KindSpec[] = [
  { label: "unbuffered", kind: "unbuffered", cap: 0, make: () => Channel.unbuffered<number>() },
  ...SMALL_CAPACITIES.map(
    (n): KindSpec => ({ label: `buffered(${n})`, kind: "buffered", cap: n, make: () => Channel.buffered<number>(n) }),
  ),
  { label: "infinite", kind: "infinite", cap: Number.POSITIVE_INFINITY, make: () => Channel.infinite<number>() },
  { label: "resizable(0)", kind: "unbuffered", cap: 0, resizable: true, make: () => Channel.resizable<number>(0) },
  { label: "resizable(2)", kind: "buffered", cap: 2, resizable: true, make: () => Channel.resizable<number>(2) },
  ...SMALL_CAPACITIES.map(
    (n): KindSpec => ({
      label: `ring(${n})`,
      kind: "ring",
      cap: n,
      make: (onDrop) => Channel.ring<number>(n, { onDrop }),
    }),
  ),
  ...SMALL_CAPACITIES.map(
    (n): KindSpec => ({
      label: `overflowing(${n})`,
      kind: "overflowing",
      cap: n,
      make: (onDrop) => Channel.overflowing<number>(n, { onDrop }),
    }),
  ),
];

/** Whether the kind discards values by policy (so "sent" does not imply "received"). */
export function drops(kind: ChannelKind): boolean {
  return kind === "ring" || kind === "overflowing";
}

/** The engine behind a channel, for `assertInvariants()` and `waiting`. */
export function coreOf<T>(ch: Channel<T>): ChannelCore<T> {
  return portOf(ch) as ChannelCore<T>;
}

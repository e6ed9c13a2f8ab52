/**
 * The buffer-policy strategy a channel delegates to. The channel owns its wait
 * queues and close state; a buffer owns only the values in flight and decides
 * what a send does when the buffer is at capacity.
 *
 * Contract (checked by each strategy's own tests, without a channel):
 * - `items` holds the values in flight, oldest first; `length === items.length`.
 * - below capacity every policy behaves alike: `full()` is false, `add(v)` is
 *   `items.push(v)` and `remove()` is `items.shift()`. The channel relies on
 *   this and works on `items` directly on that path (one concrete class, so
 *   the hot path stays monomorphic however many kinds a program uses); it calls
 *   the policy only when `items.length >= capacity`.
 * - `full()` true means a send must wait for room. Only the fixed policies
 *   (`unbuffered`, `buffered`) are ever full; the others never block a sender.
 * - `add(v)` is called only when `full()` is false. A policy at capacity that
 *   never blocks makes room by its own rule (`ring` drops the oldest value,
 *   `overflowing` drops `v`) and counts what it dropped in `dropped`; then,
 *   with its own state complete, it reports the dropped value to its
 *   {@link DropCallback} if it was given one ({@link reportDrop}).
 * - `remove()` is called only when `length > 0` and returns the oldest value.
 * - memory follows `length`, never `capacity`.
 */

import type { Deque } from "../deque.js";

export interface ChannelBuffer<T> {
  /** Which of the five channel kinds this policy implements. */
  readonly kind: ChannelKind;
  /** Most values held at once; {@link UNBOUNDED} for `infinite`. */
  readonly capacity: number;
  /** The values held now, oldest first. Created with the policy, never replaced. */
  readonly items: Deque<T>;
  /** Values held now: `items.length`. */
  readonly length: number;
  /** Values discarded by the policy so far (`ring`, `overflowing`); 0 for the others. */
  readonly dropped: number;
  /** Whether a send must wait for room. */
  full(): boolean;
  /** Stores `value`. Precondition: `!full()`. */
  add(value: T): void;
  /** Removes and returns the oldest value. Precondition: `length > 0`. */
  remove(): T;
}

/**
 * Why a dropping channel discarded a value: `"ring-overwrite"` — a send to a
 * full `ring` evicted the OLDEST buffered value; `"overflow"` — a send to a
 * full `overflowing` channel refused the NEW value.
 */
export type DropReason = "ring-overwrite" | "overflow";

/** Called with each value a dropping policy discards (see {@link reportDrop}). */
export type DropCallback<T> = (value: T, reason: DropReason) => void;

/**
 * Calls `onDrop(value, reason)`. Precondition: the policy's state is complete
 * (the value is already out, `dropped` counted), so the callback sees a
 * consistent channel and may use it. A callback that throws does not undo or
 * interrupt the send that caused the drop: its error is rethrown from a
 * microtask, as an uncaught exception (loud, like a Go panic, never swallowed).
 */
export function reportDrop<T>(onDrop: DropCallback<T>, value: T, reason: DropReason): void {
  try {
    onDrop(value, reason);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

/** The five channel kinds. */
export type ChannelKind = "unbuffered" | "buffered" | "infinite" | "ring" | "overflowing";

/** The capacity of an `infinite` channel: no limit. A named sentinel, never -1. */
export const UNBOUNDED: number = Number.POSITIVE_INFINITY;

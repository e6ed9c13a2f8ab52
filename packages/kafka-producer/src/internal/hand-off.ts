/**
 * The stages' send: a value goes to the next stage's channel without an
 * await when the channel takes it at once.
 *
 * Why it is correct: `trySend` succeeds exactly when `send` would complete
 * without waiting (room in the buffer, or a receiver waiting), and when it
 * does not, `send` queues behind the senders already waiting, so FIFO order
 * and backpressure are those of `send`. What it saves is the promise and
 * the microtask turn per value, which at a million messages a second is
 * most of a stage's cost.
 */

import type { Channel } from "@csp-kit/channel";

/**
 * Sends `value` on `ch`: synchronously when the channel takes it now
 * (returns undefined), else the pending `send` (await it).
 *
 * @throws the `ChannelClosedError` of `send` (as a rejected promise) when `ch` is closed.
 */
export function handOff<T>(ch: Channel<T>, value: T): Promise<void> | undefined {
  return ch.trySend(value) === "sent" ? undefined : ch.send(value);
}

/** `done()`: an AbortSignal as a channel that closes on abort (Go's `ctx.Done()`). */

import { checkSignal, InvalidSignalError } from "@csp-kit/channel/port";
import { DoneChannel } from "./internal/done-channel.js";
import type { Receiver } from "./receiver.js";

/**
 * A receive-only channel that closes when `signal` aborts — Go's `ctx.Done()`.
 * It never delivers a value: a receive waits, then reports "closed" (`None`).
 *
 * **Blocking:** `recv()` waits until the signal aborts; if it already has,
 * it completes at once. Use it as a `select` case to stop a loop.
 *
 * **On close:** `closed` is `signal.aborted`; every receive after the abort
 * returns `None` at once, and `for await` over it ends. The reason is
 * `signal.reason` (Go's `ctx.Err()`).
 *
 * **Cancellation:** a receive on it may take its own `{ signal }`.
 *
 * **Ordering:** receivers queued at the abort are completed in arrival order,
 * during the `abort()` call (their promise reactions run later).
 *
 * Gotchas: the abort listener is added only while a receive waits on the
 * channel and removed when the last one leaves, so creating `done(signal)` in
 * every iteration of a select loop leaks no listeners on a long-lived signal.
 *
 * @param signal - the signal to watch.
 * @throws `InvalidSignalError` (from `@csp-kit/channel`) when `signal` is not
 *   an AbortSignal — the controller instead of `controller.signal`, `undefined`.
 * @see {@link sleep}
 * @example
 * ```ts run
 * import { Channel } from "@csp-kit/channel";
 * import { recv, select } from "@csp-kit/select";
 * import { done } from "@csp-kit/timers";
 *
 * const handled: string[] = [];
 * async function worker(signal: AbortSignal, jobs: Channel<string>): Promise<void> {
 *   // Go: for { select { case <-ctx.Done(): return; case j := <-jobs: handle(j) } }
 *   for (;;) {
 *     const r = await select({ stop: recv(done(signal)), job: recv(jobs) });
 *     if (r.case === "stop") return;
 *     if (r.value.isSome()) handled.push(r.value.value);
 *   }
 * }
 * const ctx = new AbortController();
 * const jobs = new Channel<string>();
 * const running = worker(ctx.signal, jobs);
 * await jobs.send("a");
 * await jobs.send("b");
 * ctx.abort();
 * await running; // returned on stop
 * if (handled.join() !== "a,b") throw new Error(`handled ${handled.join()}`);
 * ```
 */
export function done(signal: AbortSignal): Receiver<never> {
  const checked = checkSignal(signal, "done(signal)");
  if (checked === undefined) {
    throw new InvalidSignalError(
      "done(signal): signal must be an AbortSignal, such as controller.signal (got undefined)",
      "done(signal)",
      signal,
    );
  }
  return new DoneChannel(checked);
}

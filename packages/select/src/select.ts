/**
 * `select` and `trySelect` — Go's `select` statement over named cases. The
 * passes themselves live in `internal/selection.ts`; this file is the public
 * entry: validate, poll (the fast path), then either settle at once or wait.
 *
 * Invariants:
 * - a select either completes exactly one case or none: every case is validated
 *   before the first poll, and after a case wins no other case is touched.
 * - `trySelect` never enqueues and never allocates a promise.
 * - when a `select` promise settles, none of its waiters is left on any port and
 *   its abort listener is removed (see the Selection invariants).
 * - nothing here starts a timer or holds a handle: a select that waits forever
 *   keeps nothing alive but its own waiters.
 * - every call that does not wait releases its Selection before returning
 *   (`trySelect` in `finally`; `select` on each path that returns a settled
 *   promise), and only then: a released Selection has nothing queued anywhere.
 * - a waiting select is one entry of the diagnostics inventory when it is on
 *   (`@csp-kit/channel/diagnostics`), not one per case: the channels' own
 *   queues record only their `send` / `recv`, never a select's waiters.
 */

import { DIAGNOSTICS, describeParkTarget, recordParked } from "@csp-kit/channel/diagnostics";
import { checkSignal, type Port } from "@csp-kit/channel/port";
import type { SelectCases, SelectOptions, SelectResult, TrySelectOptions } from "./cases.js";
import { Selection } from "./internal/selection.js";

/**
 * Waits until one case can happen, performs exactly that case, and reports
 * which — Go's `select { case v, ok := <-a: … case b <- x: … }`.
 *
 * **Blocking:** resolves at once (an already-settled promise, nothing enqueued)
 * when a case is ready now; otherwise waits on every live case at once until the
 * first one can happen. Cases on `null` / `undefined` are never ready; a select
 * whose cases are all null waits until aborted (Go's nil channels), and holds
 * nothing that keeps the process alive.
 *
 * **On close:** a receive case on a closed, drained source is ready and reports
 * `value: None`. A send case on a closed target, if picked (at once or because
 * the target closes while the select waits), rejects with `ChannelClosedError`
 * (from `@csp-kit/channel`, carrying the unsent value); no other case happened.
 *
 * **Cancellation:** `{ signal }`. Abort is atomic: either a case happened first
 * and the select resolves with it, or no case happened, every waiter was removed,
 * and the promise rejects with `signal.reason`. An already-aborted signal rejects
 * at once without polling any case.
 *
 * **Ordering:** when several cases are ready, one is chosen uniformly at random
 * (Go); with `{ priority: true }` the first ready case in declaration order wins
 * (core.async's `:priority`). The case that happens is ordered exactly like the
 * corresponding `recv` / `send`; the losing cases establish nothing.
 *
 * **Gotchas:** exactly one case happens; losing receives take nothing and losing
 * sends send nothing, so a value is never lost. Build send cases with the value
 * you mean to send this round — a case captures its value when made. Case names
 * are string keys; integer-like keys ("0", "1") come first in property order.
 *
 * @param cases - named cases made by {@link recv} and {@link send}, e.g.
 *   `{ msg: recv(input), out: send(output, batch) }`.
 * @param options - `signal`, `priority`, `random` (see {@link SelectOptions}).
 * @returns the winning case: `{ case: name, value: Option<T> }` for a receive,
 *   `{ case: name }` for a send — a union that narrows on `case`.
 * @throws (rejects) `InvalidSelectCaseError` for a property that is not a case,
 *   `EmptySelectError` for `{}`, `InvalidSignalError` (from `@csp-kit/channel`)
 *   for a `signal` that is not an AbortSignal — say the controller instead of
 *   `controller.signal` — before any case is polled, `ChannelClosedError` for a picked send case on a
 *   closed target, `signal.reason` on abort. Never throws synchronously.
 * @see {@link trySelect} (Go's `default:`), {@link recv}, {@link send}
 *
 * @example
 * ```ts run
 * import { Channel } from "@csp-kit/channel";
 * import { recv, select, send } from "@csp-kit/select";
 *
 * const input = new Channel<string>(2);
 * const timer = new Channel<number>(1);
 * const downstream = new Channel<string[]>(1);
 * const { signal } = new AbortController();
 * await input.send("a");
 * await input.send("b");
 * await timer.send(1); // a flush tick
 * let output: Channel<string[]> | null = null; // null: the send case is off until a flush
 * let batch: string[] = [];
 * for (let flushed = false; !flushed; ) {
 *   // priority: the first ready case in declaration order wins (default: a random one)
 *   const r = await select({ msg: recv(input), flush: recv(timer), out: send(output, batch) }, { signal, priority: true });
 *   switch (r.case) {
 *     case "msg": if (r.value.isSome()) batch.push(r.value.value); break;
 *     case "flush": output = batch.length > 0 ? downstream : null; break;
 *     case "out": batch = []; flushed = true; break;
 *   }
 * }
 * const sent = (await downstream.recv()).unwrap();
 * console.log(sent); // → ["a", "b"]
 * if (sent.join() !== "a,b") throw new Error(`sent ${sent.join()}`);
 * ```
 */
export function select<C extends SelectCases>(cases: C, options?: SelectOptions): Promise<SelectResult<C>> {
  const sel = Selection.acquire();
  try {
    sel.collect(cases, "select(cases)", true);
  } catch (error) {
    // An invalid case throws before anything happened: report it the promise way.
    sel.releaseAll();
    return Promise.reject(error);
  }
  return run<C>(sel, options, "select");
}

/**
 * The body of every blocking select, plain or prepared: check the signal, poll
 * (the fast path), then settle at once or wait. Precondition: `sel` was just
 * acquired and its cases are validated.
 */
export function run<C extends SelectCases>(
  sel: Selection,
  options: SelectOptions | undefined,
  where: string,
): Promise<SelectResult<C>> {
  let signal: AbortSignal | undefined;
  let won: boolean;
  try {
    // Before any poll: a signal that cannot be watched would otherwise fail in the
    // enqueue pass, after waiters were queued (and the next value sent was lost).
    signal = checkSignal(options?.signal, where);
    if (signal?.aborted) {
      sel.releaseAll();
      return Promise.reject(signal.reason);
    }
    // Fast path. When a poll commits a case, that case happened exactly as a plain
    // `recv`/`send` would have (the port applied its own FIFO and buffer rules), and
    // no other case has been touched: the polls before it changed nothing, and the
    // polls after it never run. Nothing of this select was enqueued, so there is
    // nothing to cancel, no listener to remove, and no way for an abort to race the
    // result: returning an already-settled promise is exactly Go's pass-1 return.
    won = sel.pollPass(options?.priority === true, options?.random ?? Math.random);
    // The random source is user code and may have aborted the signal while we polled.
    // Nothing is queued yet: an abort seen now rejects, as an already-aborted signal
    // does (had a case won, it happened first and stands). Enqueueing would watch a
    // signal that has already fired, and the select would never settle.
    if (!won && signal?.aborted) {
      sel.release();
      return Promise.reject(signal.reason);
    }
  } catch (error) {
    // A port that rejects the operation (a send case on a receive-only source built
    // around the types) throws before anything happened: report it the promise way.
    sel.releaseAll();
    return Promise.reject(error);
  }
  if (won) {
    const settled = sel.failed() ? Promise.reject(sel.closedError()) : Promise.resolve(sel.result() as SelectResult<C>);
    sel.release(); // nothing of this use is queued anywhere: the Selection is free again
    return settled;
  }
  // Slow path: this select keeps its Selection (never released). The executor runs
  // synchronously and stores the resolving functions on the Selection (TurboFan
  // inlines it: no closure is allocated in optimized code), so the enqueue pass
  // happens in the same turn as the failed polls and nothing can have become
  // ready in between.
  sel.keep();
  const promise = new Promise<SelectResult<C>>((resolve, reject) => {
    sel.resolve = resolve as (result: unknown) => void;
    sel.reject = reject;
  });
  sel.enqueuePass(signal);
  if (DIAGNOSTICS.on) recordParked(sel, sel.describe(labelPort), "select", sel);
  return promise;
}

/** How the diagnostics inventory names a port a select waits on: `#1 Channel "jobs" buffered(16)`. */
function labelPort(port: Port<unknown>): string {
  return describeParkTarget(port, port.constructor.name);
}

/**
 * Performs one case if one is ready now, without waiting — Go's
 * `select { case …: … default: }`. Returns `undefined` (the `default:` branch)
 * when no case is ready; nothing happened then.
 *
 * **Blocking:** never; no promise is allocated, nothing is enqueued.
 *
 * **On close:** a receive case on a closed, drained source is ready (`value:
 * None`); a send case on a closed target, if picked, throws `ChannelClosedError`
 * (from `@csp-kit/channel`, carrying the unsent value).
 *
 * **Ordering:** as {@link select}: uniformly random among ready cases, or the
 * first ready in declaration order with `{ priority: true }`.
 *
 * **Gotchas:** `trySelect({})` is valid and returns `undefined` (Go's
 * `select { default: }`). Null cases are never ready.
 *
 * @returns the winning case, or `undefined` when nothing was ready.
 * @throws `InvalidSelectCaseError` for a property that is not a case;
 *   `ChannelClosedError` for a picked send case on a closed target.
 * @see {@link select}
 *
 * @example
 * ```ts run
 * import { Channel } from "@csp-kit/channel";
 * import { recv, trySelect } from "@csp-kit/select";
 *
 * const jobs = new Channel<string>(1);
 * const done = new Channel<void>();
 * if (trySelect({ job: recv(jobs), quit: recv(done) }) !== undefined) throw new Error("nothing is ready yet");
 * await jobs.send("build");
 * const r = trySelect({ job: recv(jobs), quit: recv(done) });
 * if (r === undefined) console.log("idle");   // default:
 * else if (r.case === "job") console.log(r.value.unwrap()); // → build
 * if (r?.case !== "job") throw new Error("the job case is ready");
 * ```
 */
export function trySelect<C extends SelectCases>(cases: C, options?: TrySelectOptions): SelectResult<C> | undefined {
  const sel = Selection.acquire();
  try {
    sel.collect(cases, "trySelect(cases)", false);
  } catch (error) {
    sel.releaseAll();
    throw error;
  }
  return poll<C>(sel, options);
}

/** The body of every trySelect, plain or prepared. Precondition: `sel` was just acquired and its cases are validated. */
export function poll<C extends SelectCases>(
  sel: Selection,
  options: TrySelectOptions | undefined,
): SelectResult<C> | undefined {
  let won: boolean;
  try {
    won = sel.pollPass(options?.priority === true, options?.random ?? Math.random);
  } catch (error) {
    sel.releaseAll();
    throw error;
  }
  if (!won) {
    sel.release(); // a trySelect never queues anything
    return undefined;
  }
  if (sel.failed()) {
    const error = sel.closedError();
    sel.release();
    throw error;
  }
  const result = sel.result() as SelectResult<C>;
  sel.release();
  return result;
}

/**
 * Combinators over channels — eapache/channels' Pipe, Tee and Multiplex,
 * fan-out, and map/filter stages: `pipe`, `tee`, `merge`, `distribute`,
 * `map`, `filter`. They take any `Receiver` /
 * `Sender` (a `Channel`, a timer channel, a `SharedChannel` on this thread). Each runs as one
 * async task per input or output (the goroutines of the Go versions) and
 * returns a promise that settles when the work ends, so a caller can await it
 * and see its errors.
 *
 * One contract for all six, chosen so that no value is ever lost:
 * - **Completion:** resolves once every input is closed and drained and every
 *   value taken from it was delivered; then closes the output(s), unless
 *   `{ close: false }` (eapache's "weak" variants).
 * - **Cancellation:** `{ signal }` stops taking values (a `signal` that is not
 *   an AbortSignal rejects with `InvalidSignalError` before anything starts): a receive waiting on
 *   an input is cancelled (nothing taken) and the promise rejects with
 *   `signal.reason`. A value already taken is still delivered first — its send
 *   is not cancelled; close that output to give up on it (see next point).
 *   Outputs are not closed.
 * - **Failure:** if an output is closed under a send, the promise rejects
 *   with the {@link ChannelClosedError} carrying the undelivered value. The
 *   first failure stops the other tasks at once: a receive they are waiting
 *   on is cancelled (nothing taken), they take no further value, and the
 *   promise settles as soon as the sends already under way have finished —
 *   it does not wait for an idle input's next value. When several tasks fail with different errors
 *   (several values undelivered), it rejects with an `AggregateError` of all
 *   of them. Values not yet taken stay in their input. A `map` or `filter`
 *   function that throws rejects it with a {@link TransformError} carrying
 *   the value it failed on (the function's error is its `cause`).
 *
 * Invariants:
 * - (per task) it holds at most one value taken from an input and not yet
 *   delivered, and it never takes the next value before that one is
 *   delivered or reported in an error.
 * - (per run) every receive a task waits on uses `tasks.stop.signal`; that
 *   signal aborts exactly once — with the caller's reason when the caller's
 *   signal aborts, with `tasks` itself (the "stopped" mark, never reported)
 *   at the first failure. So after a failure no task is waiting on an input.
 */

import { None, type Option } from "ts-results-es";
import type { TryRecvResult, WaitOptions } from "./channel.js";
import type { Receiver, Sender } from "./directions.js";
import { TransformError } from "./errors.js";
import { type AbortLinks, unwatchAbort, watchAbort } from "./internal/abort-watch.js";
import { checkSignal } from "./internal/check-signal.js";

/** Options of the combinators. */
export interface CombinatorOptions extends WaitOptions {
  /**
   * Whether to close the output(s) once every input is closed and drained
   * (default `true`). `false` is eapache's "weak" variant, for an output that
   * other producers still use.
   */
  readonly close?: boolean;
}

/**
 * Forwards every value of `input` to `output`, in order, until `input` is
 * closed and drained — eapache's `Pipe`, Go's `for v := range in { out <- v }`.
 *
 * **Blocking:** runs in the background; the promise settles when it ends.
 * Each value waits for room in `output` before the next is taken.
 *
 * **On close:** closing `input` ends the pipe (after draining) and closes
 * `output` (unless `{ close: false }`); an `output` closed under it rejects
 * with {@link ChannelClosedError} carrying the undelivered value.
 *
 * **Cancellation:** `{ signal }` stops taking values (see the module).
 *
 * @example
 * ```ts run
 * import { Channel, pipe } from "@csp-kit/channel";
 *
 * const parsed = new Channel<string>(2);
 * const toDatabase = new Channel<string>(2);
 * const shutdown = new AbortController();
 * await parsed.send("row 1");
 * await parsed.send("row 2");
 * parsed.close();
 * const done = pipe(parsed, toDatabase, { signal: shutdown.signal });
 * await done; // parsed closed and drained, toDatabase closed
 * const rows: string[] = [];
 * for await (const row of toDatabase) rows.push(row);
 * if (!toDatabase.closed || rows.join() !== "row 1,row 2") throw new Error(`got ${rows.join()}`);
 * ```
 */
export function pipe<T>(input: Receiver<T>, output: Sender<T>, options?: CombinatorOptions): Promise<void> {
  return run("pipe", [output], options, (tasks) => [forward(input, output, tasks)]);
}

/**
 * Forwards the values of every input to `output` as they come — fan-in,
 * eapache's `Multiplex`, Go's `merge` of the pipelines article. Values of one
 * input stay in their order; values of different inputs interleave.
 *
 * **Blocking:** one task per input; the promise settles when all have ended.
 *
 * **On close:** `output` is closed (unless `{ close: false }`) once every
 * input is closed and drained.
 *
 * **Cancellation:** `{ signal }` stops taking values (see the module).
 *
 * @throws `RangeError` (synchronously) for an empty `inputs`.
 *
 * @example
 * ```ts run
 * import { Channel, merge } from "@csp-kit/channel";
 *
 * const [nodeA, nodeB, nodeC] = ["a", "b", "c"].map((node) => {
 *   const lines = new Channel<string>(1);
 *   void lines.send(`${node}: up`).then(() => lines.close());
 *   return lines;
 * }) as [Channel<string>, Channel<string>, Channel<string>];
 * const all = new Channel<string>();
 * void merge([nodeA, nodeB, nodeC], all);
 * const printed: string[] = [];
 * for await (const line of all) printed.push(line); // ends once every node is closed
 * if (printed.sort().join() !== "a: up,b: up,c: up") throw new Error(`got ${printed.join()}`);
 * ```
 */
export function merge<T>(
  inputs: readonly Receiver<T>[],
  output: Sender<T>,
  options?: CombinatorOptions,
): Promise<void> {
  if (inputs.length === 0) throw new RangeError("merge(inputs, output): inputs must hold at least one channel");
  return run("merge", [output], options, (tasks) => inputs.map((input) => forward(input, output, tasks)));
}

/**
 * Delivers every value of `input` to every output — eapache's `Tee`. Each
 * output gets all values in order; the next value is taken only when every
 * output has taken the current one, so the slowest output sets the pace.
 *
 * **On close:** every output is closed (unless `{ close: false }`) once
 * `input` is closed and drained. An output closed under it rejects with
 * {@link ChannelClosedError} (the other outputs still got that value).
 *
 * **Cancellation:** `{ signal }` stops taking values (see the module).
 *
 * @throws `RangeError` (synchronously) for an empty `outputs`.
 *
 * @example
 * ```ts run
 * import { Channel, tee } from "@csp-kit/channel";
 *
 * const events = new Channel<string>(2);
 * const auditLog = new Channel<string>(2);
 * const metrics = new Channel<string>(2);
 * await events.send("login");
 * await events.send("logout");
 * events.close();
 * await tee(events, [auditLog, metrics]); // each output gets every value
 * const audited = [...(await auditLog.recvBatch()).unwrap()];
 * const counted = [...(await metrics.recvBatch()).unwrap()];
 * if (audited.join() !== "login,logout" || counted.join() !== "login,logout") throw new Error("each output gets both");
 * ```
 */
export function tee<T>(input: Receiver<T>, outputs: readonly Sender<T>[], options?: CombinatorOptions): Promise<void> {
  if (outputs.length === 0) throw new RangeError("tee(input, outputs): outputs must hold at least one channel");
  return run("tee", outputs, options, (tasks) => [broadcast(input, outputs, tasks)]);
}

/**
 * Delivers each value of `input` to exactly one output — fan-out, done as
 * Go's idiom of several goroutines ranging over one channel: one task per
 * output takes the next value once its output took the previous one, so a
 * slow output gets fewer values. Values of one output keep the input's order.
 *
 * **On close:** every output is closed (unless `{ close: false }`) once
 * `input` is closed and drained.
 *
 * **Cancellation:** `{ signal }` stops taking values (see the module).
 *
 * Gotchas: unlike a select over all outputs, a value taken for a full output
 * waits for that output even if another has room (each output's task holds at
 * most one such value).
 *
 * @throws `RangeError` (synchronously) for an empty `outputs`.
 *
 * @example
 * ```ts run
 * import { Channel, distribute } from "@csp-kit/channel";
 *
 * const jobs = new Channel<number>(4);
 * for (const job of [1, 2, 3, 4]) await jobs.send(job);
 * jobs.close();
 * const shards = [new Channel<number>(16), new Channel<number>(16)];
 * await distribute(jobs, shards); // each job goes to exactly one shard
 * const got: number[] = [];
 * for (const shard of shards) for await (const job of shard) got.push(job);
 * if (got.sort().join() !== "1,2,3,4") throw new Error(`got ${got.join()}`);
 * ```
 */
export function distribute<T>(
  input: Receiver<T>,
  outputs: readonly Sender<T>[],
  options?: CombinatorOptions,
): Promise<void> {
  if (outputs.length === 0) throw new RangeError("distribute(input, outputs): outputs must hold at least one channel");
  return run("distribute", outputs, options, (tasks) => outputs.map((output) => forward(input, output, tasks)));
}

/**
 * Sends `fn(value)` to `output` for every value of `input`, in order — a
 * pipeline stage, Go's `for v := range in { out <- f(v) }`. `fn` may be async;
 * the next value is taken once the current result was delivered.
 *
 * **On close:** as {@link pipe}. **Cancellation:** `{ signal }` (see the module).
 *
 * @throws (the promise) {@link TransformError} when `fn` throws; the value it
 *   failed on is `error.value`, its error `error.cause`; `output` is not closed.
 *
 * @example
 * ```ts run
 * import { Channel, map } from "@csp-kit/channel";
 *
 * interface Row { id: number }
 * const lines = new Channel<string>(1);
 * const records = new Channel<Row>(1);
 * void map(lines, records, (line) => JSON.parse(line) as Row);
 * await lines.send('{"id":7}');
 * const r = await records.recv();
 * console.log(r.unwrap().id); // → 7
 * if (r.unwrap().id !== 7) throw new Error("expected id 7");
 * lines.close();
 * ```
 */
export function map<T, U>(
  input: Receiver<T>,
  output: Sender<U>,
  fn: (value: T) => U | PromiseLike<U>,
  options?: CombinatorOptions,
): Promise<void> {
  return run("map", [output], options, (tasks) => [mapValues(input, output, tasks, fn)]);
}

/**
 * Forwards to `output` the values of `input` for which `keep` returns true, in
 * order — a filtering pipeline stage. `keep` may be async.
 *
 * **On close:** as {@link pipe}. **Cancellation:** `{ signal }` (see the module).
 *
 * @throws (the promise) {@link TransformError} when `keep` throws; as {@link map}.
 *
 * @example
 * ```ts run
 * import { Channel, filter } from "@csp-kit/channel";
 *
 * enum Severity { Info, Warn, Error }
 * interface Event { severity: Severity; text: string }
 * const events = new Channel<Event>(3);
 * const alerts = new Channel<Event>(3);
 * void filter(events, alerts, (e) => e.severity >= Severity.Error);
 * await events.send({ severity: Severity.Info, text: "started" });
 * await events.send({ severity: Severity.Error, text: "disk full" });
 * events.close();
 * const kept: string[] = [];
 * for await (const e of alerts) kept.push(e.text);
 * console.log(kept); // → ["disk full"]
 * if (kept.join() !== "disk full") throw new Error(`kept ${kept.join()}`);
 * ```
 */
export function filter<T>(
  input: Receiver<T>,
  output: Sender<T>,
  keep: (value: T) => boolean | PromiseLike<boolean>,
  options?: CombinatorOptions,
): Promise<void> {
  return run("filter", [output], options, (tasks) => [filterValues(input, output, tasks, keep)]);
}

// ---------------------------------------------------------------------------
// The tasks
// ---------------------------------------------------------------------------

/**
 * Shared by the tasks of one combinator run. `failed` is set by the first
 * failure (never reset), which also aborts `stop` with this object as the
 * reason, so that the receives the other tasks wait on are cancelled. `stop`
 * also aborts, with the caller's reason, when the caller's signal does: the
 * run watches it (one shared watch per signal) until it ends.
 */
class Tasks implements AbortLinks {
  failed = false;
  readonly stop = new AbortController();
  /** `{ signal: stop.signal }`, the options of every waiting receive of the run. */
  readonly wait: { readonly signal: AbortSignal } = { signal: this.stop.signal };
  abortList: object | undefined = undefined;
  abortPrev: AbortLinks | undefined = undefined;
  abortNext: AbortLinks | undefined = undefined;

  /** The caller's signal aborted: stop every task with its reason (ignored after a failure). */
  onAbort(reason: unknown): void {
    if (!this.stop.signal.aborted) this.stop.abort(reason);
  }

  /** A task failed: mark it and cancel the receives the others wait on. */
  fail(): void {
    this.failed = true;
    if (!this.stop.signal.aborted) this.stop.abort(this);
  }
}

/**
 * The next value of `input` if it is there now: its `Option` (`None` also once
 * a sibling task failed), or "would-block" — then the caller awaits
 * {@link waitFor}. An `Option`, not the bare value, so a channel of promises
 * is never awaited into.
 */
function take<T>(input: Receiver<T>, tasks: Tasks): TryRecvResult<T> {
  const signal = tasks.stop.signal;
  if (signal.aborted) {
    if (signal.reason === tasks) return None;
    throw signal.reason;
  }
  return input.tryRecv();
}

/**
 * Waits for the next value of `input`; `None` when closed and drained, or
 * when a sibling task failed meanwhile (the receive was cancelled, nothing
 * taken). Rejects with the caller's reason when the caller's signal aborts.
 */
function waitFor<T>(input: Receiver<T>, tasks: Tasks): Promise<Option<T>> {
  return input.recv(tasks.wait).catch((error: unknown) => {
    if (error === tasks) return None;
    throw error;
  });
}

/**
 * Sends `value`: `undefined` when it was taken at once, else a promise of the
 * send. No signal: a taken value is always delivered, or reported in the
 * rejection (which also marks the tasks failed).
 */
function deliver<T>(output: Sender<T>, value: T, tasks: Tasks): Promise<void> | undefined {
  if (output.trySend(value) === "sent") return undefined;
  return output.send(value).catch((error: unknown) => {
    tasks.fail();
    throw error;
  });
}

/** Forwards values; awaits only where a receive or a send has to wait. */
async function forward<T>(input: Receiver<T>, output: Sender<T>, tasks: Tasks) {
  for (;;) {
    let r = take(input, tasks);
    if (r === "would-block") r = await waitFor(input, tasks);
    if (r.isNone()) return;
    const sending = deliver(output, r.value, tasks);
    if (sending !== undefined) await sending;
  }
}

/** Forwards `fn(value)` for every value. */
async function mapValues<T, U>(
  input: Receiver<T>,
  output: Sender<U>,
  tasks: Tasks,
  fn: (value: T) => U | PromiseLike<U>,
) {
  for (;;) {
    let r = take(input, tasks);
    if (r === "would-block") r = await waitFor(input, tasks);
    if (r.isNone()) return;
    const sending = deliver(output, await apply(fn, r.value, tasks), tasks);
    if (sending !== undefined) await sending;
  }
}

/** Forwards the values `keep` accepts. */
async function filterValues<T>(
  input: Receiver<T>,
  output: Sender<T>,
  tasks: Tasks,
  keep: (value: T) => boolean | PromiseLike<boolean>,
) {
  for (;;) {
    let r = take(input, tasks);
    if (r === "would-block") r = await waitFor(input, tasks);
    if (r.isNone()) return;
    if (!(await apply(keep, r.value, tasks))) continue;
    const sending = deliver(output, r.value, tasks);
    if (sending !== undefined) await sending;
  }
}

/** `fn(value)`, awaited; a throw or rejection becomes a TransformError carrying `value` (and marks the tasks failed). */
async function apply<T, R>(fn: (value: T) => R | PromiseLike<R>, value: T, tasks: Tasks): Promise<R> {
  try {
    return await fn(value);
  } catch (cause) {
    tasks.fail();
    throw new TransformError(value, cause);
  }
}

async function broadcast<T>(input: Receiver<T>, outputs: readonly Sender<T>[], tasks: Tasks) {
  for (;;) {
    let r = take(input, tasks);
    if (r === "would-block") r = await waitFor(input, tasks);
    if (r.isNone()) return;
    const value = r.value;
    const sending: Promise<void>[] = [];
    for (const output of outputs) {
      const s = deliver(output, value, tasks);
      if (s !== undefined) sending.push(s);
    }
    if (sending.length > 0) await settleAll(sending);
  }
}

/** Starts the tasks, waits for all of them, closes the outputs on success. */
async function run<T>(
  operation: string,
  outputs: readonly Sender<T>[],
  options: CombinatorOptions | undefined,
  start: (tasks: Tasks) => Promise<void>[],
): Promise<void> {
  // Inside the async function: a bad signal rejects the promise, and no task has started.
  const signal = checkSignal(options?.signal, operation);
  if (signal?.aborted) throw signal.reason;
  const tasks = new Tasks();
  if (signal !== undefined) watchAbort(signal, tasks);
  try {
    await settleAll(start(tasks));
  } finally {
    unwatchAbort(tasks);
  }
  if (options?.close !== false) for (const output of outputs) if (!output.closed) output.close();
}

/** Waits for every promise; rethrows the one distinct error, or an AggregateError of several. */
async function settleAll(promises: readonly Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  const errors: unknown[] = [];
  for (const r of results) if (r.status === "rejected" && !errors.includes(r.reason)) errors.push(r.reason);
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) {
    throw new AggregateError(
      errors,
      `${errors.length} tasks failed (each ChannelClosedError in .errors carries a value that was not delivered)`,
    );
  }
}

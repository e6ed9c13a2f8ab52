/**
 * ErrGroup — Go's `golang.org/x/sync/errgroup`: a group of async tasks that
 * share one AbortSignal, which the first failure aborts; `wait()` reports that
 * first failure; an optional limit on how many tasks run at once.
 *
 * Built from this package's own parts: a {@link WaitGroup} counts the tasks
 * that are running or queued for a slot (so `wait` is WaitGroup's wait), and
 * the slot queue is a FIFO of the package's abortable waiters.
 *
 * State of one group (`#failure` is write-once; the group signal aborts once):
 *
 *   ok ──first task failure──▶ failed (#failure set, signal aborted with its error)
 *    │                           ▲
 *    └─parent signal aborts──▶ ok, signal aborted (a later task failure still
 *                              becomes #failure; the signal is not aborted again)
 *
 * Invariants (over `#active`, `#limit`, `#queue`, `#count`, `#failure`):
 * - `0 <= #active <= #limit`: a task takes a slot before it starts and gives
 *   it back in the reaction to its settlement, never earlier.
 * - if `#queue.size > 0` then `#active === #limit`: a slot freed is handed to
 *   the head of the queue in the same synchronous turn (`#serve`), and
 *   `tryGo` / `go` never overtake a queued `go`.
 * - `#count.count === #active + #queue.size`: every started or queued task is
 *   counted once, and uncounted when it settles or its `go` is aborted.
 * - `#failure` is set at most once, by the first task to fail (in settlement
 *   order), and never cleared; the group signal is aborted at most once.
 * - the group watches its parent signal only while `#count.count > 0`, so an
 *   idle group is not retained by a long-lived parent — Go's `Wait` cancels
 *   the derived context for the same reason. An idle group catches up with a
 *   parent that aborted meanwhile (`#catchUp`) before it starts a task, in
 *   `wait`, and when `signal` is read, so no task ever runs under a signal
 *   that missed its parent's abort.
 */

import { DIAGNOSTIC_LABEL } from "@csp-kit/channel/diagnostics";
import { type AbortLinks, signalFault, unwatchAbort, WaiterList, watchAbort } from "@csp-kit/channel/port";
import { InvalidArgumentError, SyncError } from "./errors.js";
import { refusedBySignal } from "./internal/util.js";
import { DIAGNOSTICS, noteParked, RESOLVED, Waiter, type WaiterOwner } from "./internal/waiter.js";
import type { WaitOptions } from "./types.js";
import { WaitGroup } from "./wait-group.js";

/** A task of an {@link ErrGroup}: runs under the group's signal; it fails by throwing or rejecting. */
export type GroupTask = (signal: AbortSignal) => unknown;

/** Options of `new ErrGroup(options)`. */
export interface ErrGroupOptions {
  /**
   * A parent signal (Go: the `ctx` of `errgroup.WithContext`): when it aborts,
   * the group's signal aborts with the same reason. A parent abort is not a
   * failure of the group: `wait()` reports only what tasks threw.
   */
  readonly signal?: AbortSignal | undefined;
  /** The most tasks that run at once: a whole number >= 1, or `Infinity` (the default: no limit). */
  readonly limit?: number | undefined;
}

/**
 * `ErrGroup.setLimit` was called while tasks are running or waiting for a
 * slot (Go panics: "errgroup: modify limit while N goroutines in the group are
 * still active"). Nothing changed.
 */
export class ErrGroupActiveError extends SyncError {
  override name = "ErrGroupActiveError";
  /** Tasks running when the call was made. */
  readonly active: number;
  /** `go` calls waiting for a slot when the call was made. */
  readonly queued: number;
  constructor(active: number, queued: number, options?: ErrorOptions) {
    super(
      `ErrGroup.setLimit(n): ${active} task(s) are running and ${queued} wait for a slot; ` +
        "set the limit before the first go() (or pass { limit } to the constructor), or after wait() has settled",
      options,
    );
    this.active = active;
    this.queued = queued;
  }
}

/** Whether `error` is an {@link ErrGroupActiveError} (also from another copy of this package, by `name`). */
export function isErrGroupActiveError(error: unknown): error is ErrGroupActiveError {
  return error instanceof ErrGroupActiveError || (error instanceof Error && error.name === "ErrGroupActiveError");
}

/** The recorded first failure: boxed, because a task may throw `undefined`. */
interface Failure {
  readonly error: unknown;
}

/**
 * A group of tasks that share one AbortSignal, which the first failure
 * aborts — Go's `errgroup.Group` (with `WithContext`, `SetLimit`, `TryGo`).
 *
 * **Blocking:** {@link ErrGroup.go} starts the task at once, or — when
 * {@link ErrGroup.limit} tasks run already — waits for a slot, FIFO, and
 * resolves when the task has started (so `await group.go(task)` in a loop is
 * backpressure). {@link ErrGroup.tryGo} never waits. {@link ErrGroup.wait}
 * waits until every task started or queued has settled.
 *
 * **Failure:** the first task to fail — to throw or reject, in the order the
 * failures happen — aborts {@link ErrGroup.signal} with its error as the
 * reason, and `wait()` rejects with that error (every later `wait` too: the
 * failure is sticky, as Go's). Later failures are ignored. Tasks already
 * running go on: they see the aborted signal and should stop.
 *
 * **Why `wait()` rejects** (Go's `Wait()` returns the error): in JavaScript an
 * error handed back as a value is silently dropped when the caller forgets to
 * look, while a rejection propagates through `await` and is reported when
 * unhandled — the convention of `Promise.all`, which this replaces.
 *
 * **Cancellation:** the `signal` option links the group to a parent (Go's
 * `WithContext(ctx)`): while the group has tasks, a parent abort aborts the
 * group signal at once; an idle group holds no listener on the parent (Go's
 * `Wait` cancels the derived context for the same reason: a long-lived parent
 * must not collect every group ever made) and takes over the parent's abort
 * before its next task starts, in `wait()`, and when `signal` is read. `go(fn, { signal })` and `wait({ signal })` abort only
 * that wait, atomically: a go() either started its task or did not queue it.
 *
 * **Ordering:** a task's settlement happens before the `wait()` it unblocks
 * returns; the failure `wait()` reports is the first in settlement order.
 *
 * **Gotchas:** unlike Go's `WithContext` group, a group that succeeded does not
 * abort its signal when `wait()` returns (a JavaScript signal needs no cancel
 * to be freed), so the group can run another round. After a failure, `go`
 * still runs new tasks, with the aborted signal (as Go does): check
 * `signal.aborted`.
 *
 * @example
 * ```ts run
 * import { ErrGroup } from "@csp-kit/mutex";
 *
 * const urls = ["/a", "/b", "/missing"];
 * const aborted: string[] = [];
 * async function download(url: string, { signal }: { signal: AbortSignal }): Promise<void> {
 *   if (url === "/missing") throw new Error(`404 ${url}`);
 *   await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true })); // slow: ends on abort
 *   aborted.push(url);
 * }
 *
 * const group = new ErrGroup({ limit: 4 });
 * for (const url of urls) await group.go((signal) => download(url, { signal }));
 * const error = await group.wait().catch((e: unknown) => e); // rejects with the first download error; the others saw the abort
 * console.log((error as Error).message, aborted); // → 404 /missing ["/a", "/b"]
 * if ((error as Error).message !== "404 /missing" || aborted.join() !== "/a,/b") throw new Error(String(error));
 * ```
 */
export class ErrGroup {
  /** Aborted once: by the first failure (reason: its error) or by the parent (its reason). Set at construction. */
  readonly #controller = new AbortController();
  /** The parent signal; undefined when none. Set at construction. */
  readonly #parent: AbortSignal | undefined;
  /** Joins the parent's watch list while the group is busy; see the invariants. */
  readonly #parentWatch: ParentWatch;
  /** Tasks running now. Written by `#start` (+1) and `#settled` (-1). */
  #active = 0;
  /** The most tasks at once; `Infinity` without a limit. Written by the constructor and `setLimit`. */
  #limit: number;
  /** `go` calls waiting for a slot, oldest first. Pushed by `go`; shifted by `#serve`; aborts remove. */
  readonly #queue = new WaiterList<Waiter<undefined>>();
  /** The abort hook of the queue's waiters: an aborted `go` leaves the queue (and the count). */
  readonly #owner: WaiterOwner = { cancel: (w) => void this.#queue.remove(w as Waiter<undefined>) };
  /**
   * Running + queued tasks: `wait` is this WaitGroup's wait. Diagnostics list
   * its waits, and the queued `go` calls, on it, named "ErrGroup".
   */
  readonly #count = Object.defineProperty(new WaitGroup(), DIAGNOSTIC_LABEL, { value: errGroupLabel });
  /** The first failure; undefined while none. Written once, by `#settled`. */
  #failure: Failure | undefined = undefined;

  /**
   * @param options - `{ signal, limit }`, see {@link ErrGroupOptions}.
   * @throws {@link InvalidArgumentError} for a `limit` that is not a whole number >= 1 or `Infinity`.
   * @throws `InvalidSignalError` (from `@csp-kit/channel`) for a `signal` that is not an AbortSignal.
   */
  constructor(options?: ErrGroupOptions) {
    this.#limit = checkLimit("new ErrGroup({ limit })", options?.limit ?? Number.POSITIVE_INFINITY);
    const parent = options?.signal;
    if (parent !== undefined) {
      const fault = signalFault(parent, "new ErrGroup({ signal })");
      if (fault !== undefined) throw fault;
    }
    this.#parent = parent;
    this.#parentWatch = new ParentWatch(this.#controller);
    if (parent?.aborted) this.#controller.abort(parent.reason);
  }

  /**
   * The signal every task receives (Go: the context `WithContext` returns).
   * Aborted by the first failure, with its error as `reason`, or by the
   * parent signal, with the parent's reason — whichever comes first, once.
   */
  get signal(): AbortSignal {
    this.#catchUp();
    return this.#controller.signal;
  }

  /** The most tasks that run at once; `Infinity` when there is no limit. */
  get limit(): number {
    return this.#limit;
  }

  /** Tasks running now. */
  get active(): number {
    return this.#active;
  }

  /** `go` calls waiting for a slot now. */
  get queued(): number {
    return this.#queue.size;
  }

  /**
   * Runs `fn(signal)` as a task of this group — Go's `g.Go(f)`.
   *
   * **Blocking:** when fewer than `limit` tasks run and no other `go` waits,
   * `fn` starts synchronously, inside this call, and the returned promise is
   * already resolved; otherwise this waits in line for a slot and `fn` starts
   * the moment one frees. The promise resolves once `fn` has started; it never
   * reports `fn`'s outcome (that is for {@link ErrGroup.wait}).
   *
   * **Cancellation:** `{ signal }` gives up waiting for a slot: the promise
   * rejects with `signal.reason`, and `fn` never runs. Once started, a task is
   * stopped only by its own code, through the group signal.
   *
   * @param fn - the task: it fails by throwing or by rejecting; its value is ignored.
   * @returns a promise that resolves when `fn` has started.
   * @throws (rejects) {@link InvalidArgumentError} when `fn` is not a function;
   *   `InvalidSignalError` for a `signal` that is not an AbortSignal.
   */
  go(fn: GroupTask, options?: WaitOptions): Promise<void> {
    if (typeof fn !== "function") return Promise.reject(notATask("ErrGroup.go(fn)", fn));
    const signal = options?.signal;
    if (signal !== undefined) {
      const refused = refusedBySignal(signal, "ErrGroup.go");
      if (refused !== undefined) return refused;
    }
    if (this.#queue.size === 0 && this.#active < this.#limit) {
      this.#start(fn);
      return RESOLVED;
    }
    return new Promise<void>((resolve, reject) => {
      this.#enter();
      const started = () => {
        this.#begin(fn);
        resolve();
      };
      const refused = (reason: unknown) => {
        this.#leave();
        reject(reason);
      };
      const w = new Waiter<undefined>(this.#owner, 1, undefined, started, refused, signal);
      this.#queue.push(w);
      if (DIAGNOSTICS.on) noteParked(this.#count, "ErrGroup.go", w as Waiter<unknown>);
    });
  }

  /**
   * Starts `fn(signal)` now if a slot is free and no `go` waits for one — Go's
   * `g.TryGo(f)`. Never waits.
   *
   * @returns `true` if the task started, `false` (nothing happened) if the group is at its limit.
   * @throws {@link InvalidArgumentError} when `fn` is not a function.
   */
  tryGo(fn: GroupTask): boolean {
    if (typeof fn !== "function") throw notATask("ErrGroup.tryGo(fn)", fn);
    if (this.#queue.size > 0 || this.#active >= this.#limit) return false;
    this.#start(fn);
    return true;
  }

  /**
   * Waits until every task started or queued has settled — Go's `g.Wait()` —
   * and reports the first failure.
   *
   * **Blocking:** resolves at once (a shared resolved promise) when no task is
   * running or queued and none has failed.
   *
   * **Cancellation:** `{ signal }` stops this wait (it rejects with
   * `signal.reason`); the tasks are unaffected.
   *
   * **Ordering:** every task that was started or queued before this call has
   * settled before the returned promise settles.
   *
   * @returns a promise that resolves when all tasks succeeded, and rejects with
   *   the error of the first task that failed (also when called again later).
   */
  wait(options?: WaitOptions): Promise<void> {
    const signal = options?.signal;
    if (signal !== undefined) {
      const refused = refusedBySignal(signal, "ErrGroup.wait");
      if (refused !== undefined) return refused;
    }
    this.#catchUp();
    if (this.#count.count > 0) return this.#count.wait(options).then(() => this.#report());
    const failure = this.#failure;
    return failure === undefined ? RESOLVED : Promise.reject(failure.error);
  }

  /**
   * Sets the most tasks that run at once — Go's `g.SetLimit(n)`.
   *
   * @param n - a whole number >= 1, or `Infinity` for no limit (Go: a negative n).
   * @throws {@link ErrGroupActiveError} while tasks run or wait for a slot (Go panics); nothing changes.
   * @throws {@link InvalidArgumentError} for any other `n` (0 would block every `go`); nothing changes.
   */
  setLimit(n: number): void {
    const limit = checkLimit("ErrGroup.setLimit(n)", n);
    if (this.#active > 0 || this.#queue.size > 0) throw new ErrGroupActiveError(this.#active, this.#queue.size);
    this.#limit = limit;
  }

  /** Rejects with the first failure, if any. The continuation of a `wait` that waited. */
  #report(): void {
    const failure = this.#failure;
    if (failure !== undefined) throw failure.error;
  }

  /** Counts a task (running or queued); the first one of a busy period watches the parent. */
  #enter(): void {
    this.#count.add(1);
    if (this.#count.count !== 1 || this.#parent === undefined || this.#controller.signal.aborted) return;
    if (this.#parent.aborted) this.#controller.abort(this.#parent.reason);
    else watchAbort(this.#parent, this.#parentWatch);
  }

  /** An idle group does not watch its parent: takes over a parent abort that happened meanwhile. */
  #catchUp(): void {
    const parent = this.#parent;
    if (parent?.aborted && !this.#controller.signal.aborted) this.#controller.abort(parent.reason);
  }

  /** Uncounts a task; the last one of a busy period stops watching the parent. */
  #leave(): void {
    if (this.#count.count === 1) unwatchAbort(this.#parentWatch);
    this.#count.done();
  }

  /** Counts and runs `fn` in a free slot. Precondition: a slot is free and nobody waits for one. */
  #start(fn: GroupTask): void {
    this.#enter();
    this.#begin(fn);
  }

  /**
   * Runs an already counted task in a slot. Its settlement is observed in a
   * promise reaction, even when `fn` returns or throws synchronously, so the
   * slot is given back — and the next queued task started — outside this
   * call: no recursion however many tasks wait.
   */
  #begin(fn: GroupTask): void {
    this.#active++;
    let outcome: unknown;
    try {
      outcome = fn(this.#controller.signal);
    } catch (error) {
      outcome = Promise.reject(error);
    }
    Promise.resolve(outcome).then(
      () => this.#settled(undefined),
      (error: unknown) => this.#settled({ error }),
    );
  }

  /**
   * A task settled (`failure` undefined: it succeeded). State first — the
   * failure recorded, the slot freed and handed on, the count dropped — then
   * the abort, whose listeners are user code.
   */
  #settled(failure: Failure | undefined): void {
    const first = failure !== undefined && this.#failure === undefined;
    if (first) this.#failure = failure;
    this.#active--;
    this.#serve();
    this.#leave();
    if (first && !this.#controller.signal.aborted) this.#controller.abort(failure.error);
  }

  /** Hands free slots to the oldest queued `go` calls. A waiter found aborted is dropped (its `refused` runs). */
  #serve(): void {
    while (this.#active < this.#limit) {
      const w = this.#queue.shift();
      if (w === undefined) return;
      w.tryGrant();
    }
  }

  /** Checks the invariants at the top of this file; throws on the first violation. For tests. */
  assertInvariants(): void {
    const fail = (message: string): never => {
      throw new Error(`ErrGroup invariant violated: ${message}`);
    };
    if (this.#active < 0 || this.#active > this.#limit) fail(`active = ${this.#active}, limit = ${this.#limit}`);
    if (this.#queue.size > 0 && this.#active < this.#limit) fail("a go() waits although a slot is free");
    if (this.#count.count !== this.#active + this.#queue.size) {
      fail(`count ${this.#count.count} != active ${this.#active} + queued ${this.#queue.size}`);
    }
    if (this.#failure !== undefined && !this.#controller.signal.aborted) fail("a failure did not abort the signal");
    for (const w of this.#queue) if (w.settled) fail("a settled go() is still queued");
    this.#count.assertInvariants();
  }
}

/** The group's node on its parent signal's watch list: a parent abort aborts the group signal. */
class ParentWatch implements AbortLinks {
  /** Links of the parent's watch list: written only by watchAbort / unwatchAbort. */
  abortList: object | undefined = undefined;
  abortPrev: AbortLinks | undefined = undefined;
  abortNext: AbortLinks | undefined = undefined;
  constructor(private readonly controller: AbortController) {}
  onAbort(reason: unknown): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }
}

/** The diagnostics label of a group's WaitGroup. */
function errGroupLabel(): string {
  return "ErrGroup";
}

/** Validates a limit: a whole number >= 1, or Infinity. Returns it. */
function checkLimit(where: string, n: unknown): number {
  if (n === Number.POSITIVE_INFINITY) return n;
  if (typeof n === "number" && Number.isSafeInteger(n) && n >= 1) return n;
  throw new InvalidArgumentError(
    where,
    n,
    "must be a whole number >= 1, or Infinity for no limit (0 would block every go(); Go's negative limit is Infinity here)",
  );
}

function notATask(where: string, fn: unknown): InvalidArgumentError {
  return new InvalidArgumentError(where, fn, "must be a function (signal) => unknown, the task to run");
}

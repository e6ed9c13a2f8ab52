/**
 * Batcher — eapache/go-resiliency's `batcher`: calls that arrive within a
 * time window are gathered into one call of `doWork` with all their
 * parameters, and every caller gets that one call's outcome.
 *
 * The window's states (`#gathering`):
 *
 * ```
 *            run(p)                          run(p): joins
 *   ┌──────┐ ─────────────► ┌─────────────────────┐ ◄──┐
 *   │ idle │                │ gathering           │ ───┘
 *   │      │ ◄───────────── │ entries, timer, due │
 *   └──────┘  the last      └─────────────────────┘
 *      ▲      entry aborted         │
 *      │      (timer cleared)       │ the timer fires at `due`, or flush()
 *      │                            ▼
 *      └────────────────── doWork(params) starts; the batch leaves the window
 *                          (it runs on; the next run opens a new window)
 * ```
 *
 * Invariants (over `#gathering`, `#running`):
 * - if `#gathering` is defined, it has at least one entry and exactly one
 *   pending clock callback (`handle`); when it is undefined, no callback of
 *   ours is pending.
 * - every entry is in at most one batch, ever: it joins the window that is
 *   open when it arrives, and leaves it only by starting with it or by its
 *   abort (then it is in none, and its caller was rejected with the reason).
 * - a caller's promise settles once: with its batch's outcome if the entry
 *   started with the batch, with `signal.reason` if it aborted before.
 * - `#running` counts the batches whose `doWork` was called and has not
 *   settled; batches may overlap (a new window opens while one runs), as in Go.
 * - `doWork` is called only from `#start`, after the window is closed
 *   (`#gathering` cleared, timer cleared, abort listeners removed), so user
 *   code never sees a half-closed window.
 */

import { signalFault } from "@csp-kit/channel/port";
import type { Clock, ClockHandle, ClockOptions } from "@csp-kit/timers";
import { checkClock, checkDuration, checkFunction, isThenable } from "./internal/options.js";

/** Options of {@link Batcher}. */
export interface BatcherOptions<P> extends ClockOptions {
  /**
   * Checks each parameter before it joins a batch — Go's `Prefilter`: if it
   * throws, `run` rejects with that error and the parameter joins nothing.
   */
  readonly prefilter?: ((param: P) => void) | undefined;
}

/** Options of {@link Batcher.run}. */
export interface BatchRunOptions {
  /**
   * Withdraws the parameter while its batch is still gathering: `run` rejects
   * with `signal.reason` and the parameter is in no batch. Once the batch has
   * started, the abort is ignored and the caller gets the batch's outcome.
   */
  readonly signal?: AbortSignal | undefined;
}

/** One caller's parameter and the settlement of its promise. */
class Entry<P, R> {
  /** The listener on `signal` while the entry waits in a window; undefined once it left. */
  onAbort: (() => void) | undefined = undefined;
  constructor(
    readonly param: P,
    readonly resolve: (value: R) => void,
    readonly reject: (error: unknown) => void,
    readonly signal: AbortSignal | undefined,
  ) {}
}

/** The open window: the entries gathered so far, in arrival order, and its timer. */
class Window<P, R> {
  readonly entries = new Set<Entry<P, R>>();
  /** The pending clock callback. Written by `#open` and by an early callback that re-arms. */
  handle: ClockHandle | undefined = undefined;
  constructor(readonly due: number) {}
}

/**
 * Gathers concurrent calls into batches — Go's `batcher.Batcher`.
 *
 * The first `run(param)` opens a window of `timeout` ms; every `run` until it
 * closes joins it; then `doWork(params)` is called once with all their
 * parameters in arrival order, and each of those callers gets its outcome
 * (the same value, or the same error). A `timeout` of 0 turns batching off:
 * each `run` calls `doWork([param])` at once, as in Go.
 *
 * **Blocking:** `run` resolves or rejects when its batch's `doWork` settles,
 * at the earliest `timeout` ms after the window opened.
 *
 * **Cancellation:** `run(param, { signal })`: an abort while the window is
 * open withdraws the parameter (the caller rejects with `signal.reason`; if it
 * was the last one, the window closes without calling `doWork`); after the
 * batch started it changes nothing. An already-aborted signal rejects at once
 * and joins nothing; a `signal` that is not an AbortSignal rejects with
 * `InvalidSignalError` (from `@csp-kit/channel`).
 *
 * **Ordering:** batches start in the order their windows opened; within a
 * batch, parameters are in arrival order. Everything a caller did before
 * `run` happens before `doWork` sees its parameter.
 *
 * **Gotchas:** `doWork` may run concurrently with itself — a new window opens
 * while the previous batch still runs (Go's rule); serialise it yourself if it
 * must not. A thrown or rejected `doWork` rejects every caller of that batch
 * with the same error object.
 *
 * @typeParam P - a caller's parameter.
 * @typeParam R - what `doWork` returns, and so what every caller of the batch gets.
 * @see {@link Batcher.flush}
 * @example
 * ```ts run
 * import { Batcher } from "@csp-kit/resiliency";
 * import { ManualClock } from "@csp-kit/timers/testing";
 *
 * interface Row { id: number }
 * const inserts: number[][] = [];
 * const db = { insertMany: async (rows: readonly Row[]) => void inserts.push(rows.map((r) => r.id)) };
 * const [a, b] = [{ id: 1 }, { id: 2 }];
 * const clock = new ManualClock(); // leave { clock } out for real time
 *
 * const writes = new Batcher(10, (rows: readonly Row[]) => db.insertMany(rows), { clock }); // one INSERT per 10 ms
 * const both = Promise.all([writes.run(a), writes.run(b)]); // both rows, one insertMany call
 * clock.advance(10);
 * await both;
 * console.log(inserts); // → [[1, 2]]
 * if (inserts.length !== 1 || inserts[0]?.join() !== "1,2") throw new Error(`inserts ${JSON.stringify(inserts)}`);
 * ```
 */
export class Batcher<P, R = void> {
  /** The window length in ms (0: no batching). Fixed at construction. */
  readonly timeout: number;
  readonly #doWork: (params: readonly P[]) => R | PromiseLike<R>;
  readonly #prefilter: ((param: P) => void) | undefined;
  readonly #clock: Clock;
  /** The open window, or undefined when idle. Written by `#open`, `#withdraw` and `#close` only. */
  #gathering: Window<P, Awaited<R>> | undefined = undefined;
  /** Batches whose doWork was called and has not settled. Written by `#start` only. */
  #running = 0;

  /**
   * @param timeout - the window in ms; finite, >= 0 (0: each run is its own batch, at once).
   * @param doWork - runs one batch; called with the parameters (a frozen array, arrival order).
   * @param options - `{ prefilter, clock }`.
   * @throws {@link InvalidOptionError} if `doWork` or `prefilter` is not a function;
   *   `InvalidDurationError` (from `@csp-kit/timers`) if `timeout` is not a finite
   *   number >= 0; `InvalidClockError` if `clock` is not a Clock.
   */
  constructor(timeout: number, doWork: (params: readonly P[]) => R | PromiseLike<R>, options?: BatcherOptions<P>) {
    const where = "new Batcher(timeout, doWork, options)";
    this.timeout = checkDuration(where, "timeout", timeout);
    this.#doWork = checkFunction(where, "doWork", doWork, "pass (params) => the work for one batch");
    const prefilter = options?.prefilter;
    this.#prefilter =
      prefilter === undefined
        ? undefined
        : checkFunction(where, "prefilter", prefilter, "pass (param) => void that throws to refuse a parameter");
    this.#clock = checkClock(where, options?.clock);
  }

  /** Parameters waiting in the open window now (0 when idle). */
  get pending(): number {
    return this.#gathering?.entries.size ?? 0;
  }

  /** Batches whose `doWork` has started and not settled yet. */
  get running(): number {
    return this.#running;
  }

  /**
   * Adds `param` to the open window (opening one if none is) and waits for
   * its batch — Go's `Batcher.Run(param)`.
   *
   * **Blocking / Cancellation:** see the class.
   *
   * @returns the outcome of the batch `param` ran in: `doWork`'s value, or its
   *   error as a rejection; the prefilter's error if it refused `param`.
   */
  run(param: P, options?: BatchRunOptions): Promise<Awaited<R>> {
    const signal = options?.signal;
    const fault = signalFault(signal, "Batcher.run");
    if (fault !== undefined) return Promise.reject(fault);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#prefilter !== undefined) {
      try {
        this.#prefilter(param);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise<Awaited<R>>((resolve, reject) => {
      const entry = new Entry<P, Awaited<R>>(param, resolve, reject, signal);
      if (this.timeout === 0) {
        void this.#start([entry]);
        return;
      }
      const window = this.#gathering ?? this.#open();
      window.entries.add(entry);
      if (signal !== undefined) {
        entry.onAbort = () => this.#withdraw(window, entry);
        signal.addEventListener("abort", entry.onAbort, { once: true });
      }
    });
  }

  /**
   * Closes the open window now and starts its batch — Go's `Shutdown(true)`
   * (and the flush it does). Later `run`s open a new window.
   *
   * **Blocking:** resolves when that batch's `doWork` has settled (at once
   * when no window is open). Never rejects: the batch's callers get its error.
   */
  flush(): Promise<void> {
    const window = this.#gathering;
    return window === undefined ? Promise.resolve() : this.#close(window);
  }

  /** Checks the invariants at the top of this file; throws on the first violation. For tests. */
  assertInvariants(): void {
    const fail = (message: string): never => {
      throw new Error(`Batcher invariant violated: ${message}`);
    };
    const w = this.#gathering;
    if (w !== undefined) {
      if (w.entries.size === 0) fail("an open window has no entries");
      if (w.handle === undefined) fail("an open window has no timer");
      for (const e of w.entries) if (e.signal?.aborted === true) fail("an aborted entry is still in the window");
    }
    if (!Number.isSafeInteger(this.#running) || this.#running < 0) fail(`running = ${this.#running}`);
  }

  /** Opens a window and arms its timer. Precondition: none is open and `timeout > 0`. */
  #open(): Window<P, Awaited<R>> {
    const window = new Window<P, Awaited<R>>(this.#clock.now() + this.timeout);
    const onTimer = (): void => {
      window.handle = undefined;
      if (this.#gathering !== window) return;
      const rest = window.due - this.#clock.now();
      // A clock may call back early (the Clock contract allows it): wait the rest.
      if (rest > 0) window.handle = this.#clock.setTimeout(onTimer, rest);
      else void this.#close(window);
    };
    window.handle = this.#clock.setTimeout(onTimer, this.timeout);
    this.#gathering = window;
    return window;
  }

  /** An entry's abort: it leaves its window, if it is still there. */
  #withdraw(window: Window<P, Awaited<R>>, entry: Entry<P, Awaited<R>>): void {
    if (this.#gathering !== window || !window.entries.delete(entry)) return;
    entry.onAbort = undefined;
    if (window.entries.size === 0) {
      if (window.handle !== undefined) this.#clock.clearTimeout(window.handle);
      window.handle = undefined;
      this.#gathering = undefined;
    }
    entry.reject((entry.signal as AbortSignal).reason);
  }

  /** Closes `window` and starts its batch. Precondition: `window` is the open one. */
  #close(window: Window<P, Awaited<R>>): Promise<void> {
    this.#gathering = undefined;
    if (window.handle !== undefined) this.#clock.clearTimeout(window.handle);
    window.handle = undefined;
    const entries = [...window.entries];
    for (const e of entries) {
      if (e.onAbort !== undefined) e.signal?.removeEventListener("abort", e.onAbort);
      e.onAbort = undefined;
    }
    return this.#start(entries);
  }

  /** Calls doWork for `entries` and settles each with its outcome. Precondition: the entries left every window. */
  #start(entries: readonly Entry<P, Awaited<R>>[]): Promise<void> {
    this.#running++;
    const done = (): void => {
      this.#running--;
    };
    const resolveAll = (value: Awaited<R>): void => {
      done();
      for (const e of entries) e.resolve(value);
    };
    const rejectAll = (error: unknown): void => {
      done();
      for (const e of entries) e.reject(error);
    };
    let result: R | PromiseLike<R>;
    try {
      result = this.#doWork(Object.freeze(entries.map((e) => e.param)));
    } catch (error) {
      rejectAll(error);
      return Promise.resolve();
    }
    if (!isThenable(result)) {
      resolveAll(result as Awaited<R>);
      return Promise.resolve();
    }
    return Promise.resolve(result).then(resolveAll, rejectAll);
  }
}

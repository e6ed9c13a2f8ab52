/**
 * Once — Go's `sync.Once` — and `onceValue`, Go's `sync.OnceValue`.
 *
 * `Once` states (a discriminated union in `#state`):
 *
 *   idle ──do(fn): fn starts──▶ running(waiters) ──fn settles──▶ done
 *
 * Invariants:
 * - `fn` is called at most once per `Once`: only a `do` that finds `idle` calls it,
 *   and it moves to `running` before calling it (so a re-entrant `do` from inside
 *   a synchronous `fn` sees `running`, not `idle`).
 * - in `running`, `waiters` holds exactly the pending `do` calls that did not
 *   run `fn`, each with `settled === false`; leaving `running` releases them all
 *   in the same synchronous turn.
 * - `done` is final.
 */

import { WaiterList } from "@csp-kit/channel/port";
import { InvalidArgumentError } from "./errors.js";
import { refusedBySignal } from "./internal/util.js";
import { DIAGNOSTICS, noteParked, RESOLVED, Waiter, type WaiterOwner } from "./internal/waiter.js";
import type { WaitOptions } from "./types.js";

type OnceState =
  | { readonly kind: "idle" }
  | { readonly kind: "running"; readonly waiters: WaiterList<Waiter<undefined>> }
  | { readonly kind: "done" };

const IDLE: OnceState = { kind: "idle" };
const DONE: OnceState = { kind: "done" };

/**
 * Runs a function exactly once — Go's `sync.Once`.
 *
 * **Blocking:** the first `do(fn)` calls `fn` (synchronously, within the call);
 * every `do` made while `fn` is still running waits until it settles; every
 * `do` after that resolves at once without calling its argument.
 *
 * **On failure (Go's semantics on panic):** if `fn` throws or rejects, the Once
 * still counts as done — `fn` is never retried. The error goes to the caller
 * whose `fn` ran (its promise rejects with it); callers that were waiting
 * resolve normally, as Go's do after a panic. If every caller must see the
 * failure, use {@link onceValue}, which caches the error.
 *
 * **Cancellation:** `do(fn, { signal })` — an already-aborted signal rejects at
 * once without calling `fn` (even when the Once is done, like every wait here).
 * A caller waiting for another caller's `fn` stops waiting on abort (rejects
 * with `signal.reason`); `fn` keeps running. The caller that runs `fn` is not
 * waiting: its promise is `fn`'s outcome.
 *
 * **Ordering:** the return of `fn` happens before any `do` returns (Go's memory model).
 *
 * **Gotchas:** calling `do` on the same Once from inside `fn` and awaiting it
 * deadlocks (Go deadlocks too).
 *
 * @example
 * ```ts run
 * import { Once } from "@csp-kit/mutex";
 *
 * let connects = 0;
 * const connectDatabase = async (): Promise<void> => void connects++; // a stand-in for a real connect
 * const query = async (req: string) => `rows for ${req}`;
 *
 * const init = new Once();
 * async function handle(req: string) {
 *   await init.do(() => connectDatabase());   // connects once, others wait for it
 *   return query(req);
 * }
 * await Promise.all([handle("a"), handle("b"), handle("c")]);
 * console.log(connects); // → 1
 * if (connects !== 1) throw new Error(`connected ${connects} times`);
 * ```
 */
export class Once {
  /** See the state diagram above. Written only by `do` (idle → running) and `#finish` (running → done). */
  #state: OnceState = IDLE;
  /** The abort hook of this Once's waiters: an aborted wait just leaves the queue. */
  readonly #owner: WaiterOwner = {
    cancel: (w) => {
      if (this.#state.kind === "running") this.#state.waiters.remove(w as Waiter<undefined>);
    },
  };

  /** Whether `fn` has run to completion (successfully or not). */
  get done(): boolean {
    return this.#state.kind === "done";
  }

  /**
   * Calls `fn` if and only if this is the first `do` on this Once — Go's `Do(f)`.
   * See the class for blocking, failure and cancellation rules.
   *
   * @returns resolves when `fn` has completed (`fn`'s own rejection for the caller that ran it).
   */
  do(fn: () => unknown, options?: WaitOptions): Promise<void> {
    // Argument errors change nothing: checked before the state moves.
    if (typeof fn !== "function")
      return Promise.reject(new InvalidArgumentError("Once.do(fn)", fn, "fn must be a function"));
    const signal = options?.signal;
    if (signal !== undefined) {
      const refused = refusedBySignal(signal, "Once.do");
      if (refused !== undefined) return refused;
    }
    const state = this.#state;
    if (state.kind === "done") return RESOLVED;
    if (state.kind === "running") {
      return new Promise<void>((resolve, reject) => {
        const w = new Waiter<undefined>(this.#owner, 0, undefined, resolve, reject, signal);
        state.waiters.push(w);
        if (DIAGNOSTICS.on) noteParked(this, "Once.do", w as Waiter<unknown>);
      });
    }
    const running: OnceState = { kind: "running", waiters: new WaiterList() };
    this.#state = running;
    let result: unknown;
    try {
      result = fn();
    } catch (error) {
      this.#finish(running);
      return Promise.reject(error);
    }
    let thenable: boolean;
    try {
      thenable = isPromiseLike(result);
    } catch (error) {
      // A `then` getter that throws: fn returned, so the run is over; report the
      // getter's error to this caller rather than leave the Once running forever.
      this.#finish(running);
      return Promise.reject(error);
    }
    if (!thenable) {
      this.#finish(running);
      return RESOLVED;
    }
    return Promise.resolve(result).then(
      () => this.#finish(running),
      (error: unknown) => {
        this.#finish(running);
        throw error;
      },
    );
  }

  /** Moves `running` → `done` and releases the waiters of that run. */
  #finish(running: OnceState): void {
    this.#state = DONE;
    if (running.kind !== "running") return;
    const waiters = running.waiters;
    for (let w = waiters.shift(); w !== undefined; w = waiters.shift()) w.tryGrant();
  }

  /** Checks the invariants at the top of this file; throws on the first violation. For tests. */
  assertInvariants(): void {
    if (this.#state.kind !== "running") return;
    for (const w of this.#state.waiters) {
      if (w.settled) throw new Error("Once invariant violated: a settled waiter is still queued");
    }
  }
}

/**
 * Wraps `fn` so that it runs at most once and every call returns its outcome —
 * Go's `sync.OnceValue`. The first call runs `fn`; every call (concurrent or
 * later) gets a promise of the same value, or the same rejection: a failure is
 * cached, not retried (Go re-panics with the same value on every call).
 *
 * **Ordering:** the return of `fn` happens before any call returns.
 *
 * **Gotchas:** a cached rejection stays cached: to retry after a failure, create
 * a new wrapper. The wrapper keeps the value alive as long as it is reachable.
 *
 * @example
 * ```ts run
 * import { onceValue } from "@csp-kit/mutex";
 *
 * let reads = 0;
 * // A stand-in for `readFile` from "node:fs/promises".
 * const readFile = async (_path: string, _encoding: "utf8") => (reads++, '{"port":8080}');
 *
 * const config = onceValue(() => readFile("config.json", "utf8").then(JSON.parse));
 * const a = await config();   // reads the file
 * const b = await config();   // same object, no second read
 * if (a !== b || reads !== 1) throw new Error(`read ${reads} times`);
 * ```
 */
export function onceValue<T>(fn: () => T | PromiseLike<T>): () => Promise<Awaited<T>> {
  let result: Promise<Awaited<T>> | undefined;
  return () => {
    if (result === undefined) {
      try {
        result = Promise.resolve(fn()) as Promise<Awaited<T>>;
      } catch (error) {
        result = Promise.reject(error);
      }
    }
    return result;
  };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * `prepareSelect` — a select over a fixed set of cases, validated once: the
 * form for a loop that selects over the same cases again and again.
 *
 * Why: `select(cases)` reads and checks its cases object on every call (a
 * `for…in` over it, an own-property and a brand check per case) and empties
 * its bookkeeping afterwards, because the object may change between calls.
 * A prepared select reads the object once, when it is made, and keeps the
 * cases (and the waiters it builds for them) for every later call, so a call
 * that finds a case ready costs the poll and the result object only.
 *
 * Invariants:
 * - the cases are the ones the object held when `prepareSelect` ran, in the
 *   same order; later changes to the object are not seen.
 * - each call is one select or trySelect with exactly the semantics of
 *   `select(cases, options)` / `trySelect(cases, options)` on those cases;
 *   calls are independent (several may wait at once).
 */

import type { SelectCases, SelectOptions, SelectResult, TrySelectOptions } from "./cases.js";
import { EmptySelectError } from "./errors.js";
import { type CaseSet, prepare, Selection } from "./internal/selection.js";
import { poll, run } from "./select.js";

/**
 * A select over cases validated once, made by {@link prepareSelect}. Each
 * `select()` / `trySelect()` call behaves exactly as `select(cases, options)` /
 * `trySelect(cases, options)` over the cases it was prepared with.
 *
 * @typeParam C - the cases object's type: results narrow on its names, as `select`'s do.
 */
export class PreparedSelect<C extends SelectCases> {
  /** The cases, validated and in declaration order; never changes. */
  readonly #set: CaseSet;

  /** @internal made by {@link prepareSelect}. */
  constructor(set: CaseSet) {
    this.#set = set;
  }

  /** How many cases (null ones included) this select has. */
  get size(): number {
    return this.#set.count;
  }

  /**
   * Waits until one case can happen and performs exactly that one — `select(cases, options)`.
   *
   * **Blocking, close, cancellation, ordering:** exactly as `select`: settled at
   * once when a case is ready; otherwise waits on every live case; `{ signal }`
   * aborts atomically; uniformly random among ready cases unless `priority`.
   *
   * @returns the winning case, `{ case, value }` for a receive, `{ case }` for a send.
   * @throws (rejects) `EmptySelectError` when prepared from `{}`,
   *   `InvalidSignalError` for a `signal` that is not an AbortSignal,
   *   `ChannelClosedError` for a picked send case on a closed target,
   *   `signal.reason` on abort. Never throws synchronously.
   *
   * @example
   * ```ts run
   * import { Channel } from "@csp-kit/channel";
   * import { prepareSelect, recv } from "@csp-kit/select";
   *
   * const c0 = new Channel<number>();
   * const c1 = new Channel<number>();
   * void (async () => {
   *   await c0.send(1);
   *   await c1.send(2);
   *   c0.close();
   *   c1.close();
   * })();
   * const { signal } = new AbortController();
   * const handled: string[] = [];
   * const next = prepareSelect({ a: recv(c0), b: recv(c1) });
   * for (;;) {
   *   const r = next.trySelect() ?? (await next.select({ signal }));
   *   if (r.value.isNone()) break;
   *   handled.push(`${r.case}=${r.value.value}`);
   * }
   * console.log(handled); // → ["a=1", "b=2"]
   * if (handled.join() !== "a=1,b=2") throw new Error(`handled ${handled.join()}`);
   * ```
   */
  select(options?: SelectOptions): Promise<SelectResult<C>> {
    const set = this.#set;
    if (set.count === 0) return Promise.reject(new EmptySelectError());
    return run<C>(Selection.acquireFor(set), options, "PreparedSelect.select");
  }

  /**
   * Performs one case if one is ready now, without waiting — `trySelect(cases, options)`.
   * Returns `undefined` (Go's `default:`) when no case is ready; nothing happened then.
   *
   * @returns the winning case, or `undefined` when nothing was ready.
   * @throws `ChannelClosedError` for a picked send case on a closed target.
   *
   * @example
   * ```ts run
   * import { Channel } from "@csp-kit/channel";
   * import { prepareSelect, recv } from "@csp-kit/select";
   *
   * const jobs = new Channel<string>(1);
   * const done = new Channel<void>();
   * const ready = prepareSelect({ job: recv(jobs), quit: recv(done) });
   * const r = ready.trySelect();
   * if (r === undefined) console.log("idle"); // default: → idle
   * await jobs.send("build");
   * const again = ready.trySelect(); // the same cases, checked once
   * if (r !== undefined || again?.case !== "job") throw new Error("idle first, then the job");
   * ```
   */
  trySelect(options?: TrySelectOptions): SelectResult<C> | undefined {
    return poll<C>(Selection.acquireFor(this.#set), options);
  }
}

/**
 * Validates a cases object once and returns a select over those cases that a
 * loop can call again and again — `select(cases)` without re-reading and
 * re-checking the object on every call.
 *
 * **What is read:** the object's own properties, now, in declaration order;
 * later changes to the object are not seen (build a new prepared select, or use
 * `select(cases)`, when the cases change from one round to the next — a send
 * case captures its value when made, so a send of a new value each round is
 * a new case). `{}` is accepted: its `trySelect()` returns `undefined` and its
 * `select()` rejects with `EmptySelectError`, as `trySelect({})` and `select({})` do.
 *
 * **Cost:** a call that finds a case ready allocates only its result; see the
 * package README, "Loops over the same cases".
 *
 * @param cases - named cases made by `recv` and `send`.
 * @returns a {@link PreparedSelect}.
 * @throws `InvalidSelectCaseError` (synchronously) for a non-object or a
 *   property that is not a case.
 *
 * @example
 * ```ts run
 * import { Channel } from "@csp-kit/channel";
 * import { prepareSelect, recv } from "@csp-kit/select";
 *
 * const [c0, c1, c2] = [new Channel<number>(), new Channel<number>(), new Channel<number>()];
 * void c0.send(1);
 * void c1.send(2);
 * void c2.send(3);
 * const n = 3;
 * let total = 0;
 * const fanIn = prepareSelect({ a: recv(c0), b: recv(c1), c: recv(c2) });
 * for (let i = 0; i < n; i++) {
 *   const r = fanIn.trySelect() ?? (await fanIn.select());
 *   if (r.value.isSome()) total += r.value.value;
 * }
 * console.log(total); // → 6
 * if (total !== 6) throw new Error(`total ${total}`);
 * ```
 */
export function prepareSelect<C extends SelectCases>(cases: C): PreparedSelect<C> {
  return new PreparedSelect<C>(prepare(cases, "prepareSelect(cases)"));
}

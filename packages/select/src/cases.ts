/**
 * The cases of a select — `recv(ch)` and `send(ch, value)` — and the types that
 * turn an object of named cases into the discriminated union a select returns.
 *
 * A case is an immutable descriptor: which port, which direction, and for a send
 * the value. It holds no per-select state (the waiters live in the select that
 * uses it), so one case object may be reused by any number of selects, even
 * concurrently.
 *
 * Invariants:
 * - `port === undefined` iff the case was made from `null` / `undefined` (a Go
 *   nil channel): such a case is never ready and is never enqueued anywhere.
 * - `port` is resolved once, here, through `portOf`; a select never reads the
 *   source object again, so no user getter runs while a select is half done.
 */

import type { Option } from "@csp-kit/channel";
import { type HasPort, PORT, type Port } from "@csp-kit/channel/port";
import { InvalidSelectCaseError } from "./errors.js";
import { describe } from "./internal/describe.js";

/** Brands the two case classes: module-private, so no other object carries it. */
const CASE: unique symbol = Symbol("csp-kit.select-case");

/**
 * A receive case, made by {@link recv}. Go: `case v, ok := <-ch:`.
 * @typeParam T - the values the source carries.
 */
export class RecvCase<T> {
  /** Discriminates the two case kinds. */
  readonly kind = "recv" as const;
  /**
   * @param port - the source's port, or `undefined` for a case that is never ready.
   * @internal made by {@link recv}.
   */
  constructor(readonly port: Port<T> | undefined) {}
  /** @internal the brand {@link isSelectCase} checks. */
  get [CASE](): true {
    return true;
  }
}

/**
 * A send case, made by {@link send}. Go: `case ch <- value:`.
 * @typeParam T - the values the target carries.
 */
export class SendCase<T> {
  /** Discriminates the two case kinds. */
  readonly kind = "send" as const;
  /**
   * @param port - the target's port, or `undefined` for a case that is never ready.
   * @param value - the value sent if this case wins.
   * @internal made by {@link send}.
   */
  constructor(
    readonly port: Port<T> | undefined,
    readonly value: T,
  ) {}
  /** @internal the brand {@link isSelectCase} checks. */
  get [CASE](): true {
    return true;
  }
}

/** Any case of a select. */
export type SelectCase = RecvCase<unknown> | SendCase<unknown>;

/**
 * Whether `c` is a case made by {@link recv} or {@link send}: checks the
 * module-private brand. A select validates every case on every call, so this is
 * on its hot path; `instanceof` on a module's class binding runs as a generic
 * `Symbol.hasInstance` lookup in optimized code, and `Object.getPrototypeOf` as
 * a runtime call, while a branded property load is an inline-cached load.
 * @internal
 */
export function isSelectCase(c: unknown): c is SelectCase {
  return typeof c === "object" && c !== null && (c as { [CASE]?: unknown })[CASE] === true;
}

/**
 * The cases of one select, keyed by the names the result reports. Declaration
 * order (the object's property order) is the order `{ priority: true }` uses.
 */
export type SelectCases = { readonly [name: string]: SelectCase };

/** The result of a winning receive case: its name, and `Some(value)` or `None` (the source is closed and drained). */
export interface RecvResult<K extends string, T> {
  /** The name of the case that happened. */
  readonly case: K;
  /** `Some(value)` received, or `None` when the source is closed and drained (Go's `ok == false`). */
  readonly value: Option<T>;
}

/** The result of a winning send case: the value was delivered. */
export interface SendResult<K extends string> {
  /** The name of the case that happened. */
  readonly case: K;
}

/** The result for one case `X` named `K` (distributes over a union of cases). */
type CaseResult<K extends string, X> =
  X extends SendCase<unknown> ? SendResult<K> : X extends RecvCase<infer T> ? RecvResult<K, T> : never;

/**
 * What a select over `C` returns: a union with one member per case, which
 * TypeScript narrows on `result.case`.
 *
 * @example
 * ```ts run
 * import { Channel } from "@csp-kit/channel";
 * import { type RecvCase, recv, type SelectResult, type SendCase, send, trySelect } from "@csp-kit/select";
 *
 * const input = new Channel<string>(1);
 * const output = new Channel<string[]>();
 * await input.send("hi");
 * // SelectResult<{ msg: RecvCase<string>; out: SendCase<string[]> }>
 * //   = { case: "msg"; value: Option<string> } | { case: "out" }
 * const r: SelectResult<{ msg: RecvCase<string>; out: SendCase<string[]> }> | undefined =
 *   trySelect({ msg: recv(input), out: send(output, ["batch"]) });
 * if (r?.case === "msg") console.log(r.value.unwrap()); // → hi  (r narrowed: it has a value)
 * if (r?.case !== "msg") throw new Error("only the receive is ready");
 * ```
 */
export type SelectResult<C extends SelectCases> = {
  [K in keyof C & string]: CaseResult<K, C[K]>;
}[keyof C & string];

/** Options of {@link trySelect} (and of `select`). */
export interface TrySelectOptions {
  /**
   * `true`: when several cases are ready, the first in declaration order wins
   * (core.async's `:priority`). Default `false`: a uniformly random ready case
   * wins (Go).
   */
  readonly priority?: boolean | undefined;
  /**
   * The random source for the uniform choice: returns a number in `[0, 1)`,
   * like `Math.random` (the default). For tests. It must not touch channels: it
   * runs between the polls of one select.
   */
  readonly random?: (() => number) | undefined;
}

/** Options of `select`. */
export interface SelectOptions extends TrySelectOptions {
  /**
   * Cancels the wait. Abort is atomic: either one case happened before the abort
   * (and the select resolves with it) or none did, every waiter of the select
   * was removed, and the promise rejects with `signal.reason`.
   */
  readonly signal?: AbortSignal | undefined;
}

/** Resolves a case's source to its port; `null` / `undefined` give `undefined` (never ready). */
function portFor<T>(source: HasPort<T> | null | undefined, where: string): Port<T> | undefined {
  if (source === null || source === undefined) return undefined;
  const port = (source as Partial<HasPort<T>>)[PORT];
  if (typeof port === "object" && port !== null && typeof port.pollRecv === "function") return port;
  throw new InvalidSelectCaseError(
    `${where}: expected a channel (an object with a port, such as a Channel or a timer's channel) ` +
      `or null / undefined for a case that is never ready; got ${describe(source)}`,
  );
}

/**
 * What a send case can target: a port that also offers a channel's non-blocking
 * send. Every `Channel` (and `SharedChannel`) is one; receive-only sources such as
 * timer channels are not, so `send(after(1), x)` does not compile.
 */
export type SendTarget<T> = HasPort<T> & { trySend(value: T): unknown };

/**
 * A receive case: wins when a value can be received from `source` now, or
 * `source` is closed and drained. Go: `case v, ok := <-ch:`.
 *
 * **Blocking:** a case, not an operation: nothing happens until a select runs it.
 *
 * **On close:** a closed, drained source makes this case ready at once; it then
 * reports `value: None` — every time, so a loop should switch it off
 * (`recv(closed ? null : ch)`) or stop.
 *
 * **Gotchas:** `recv(null)` / `recv(undefined)` is never ready (Go's nil
 * channel): the way a loop switches a case off. The source's port is read now,
 * once; the case may be reused by later selects.
 *
 * @param source - a channel (anything with a port), or `null` / `undefined`.
 * @throws {@link InvalidSelectCaseError} if `source` is neither.
 * @see {@link send}, `select`, `trySelect`
 *
 * @example
 * ```ts run
 * import { Channel } from "@csp-kit/channel";
 * import { recv, select } from "@csp-kit/select";
 *
 * const input = new Channel<string>(1);
 * const done = new Channel<void>();
 * await input.send("hello");
 * const r = await select({ msg: recv(input), stop: recv(done) });
 * if (r.case === "msg" && r.value.isSome()) console.log(r.value.value); // → hello
 * if (r.case !== "msg") throw new Error("the message is ready, stop is not");
 * ```
 */
export function recv<T>(source: HasPort<T> | null | undefined): RecvCase<T> {
  return new RecvCase(portFor(source, "recv(source)"));
}

/**
 * A send case: wins when `target` can take `value` now (a waiting receiver, or
 * room in its buffer). Go: `case ch <- value:`.
 *
 * **Blocking:** a case, not an operation: nothing is sent unless a select picks it.
 *
 * **On close:** if a select picks a send case whose target is closed (at once, or
 * while it waits), the select fails with `ChannelClosedError` from
 * `@csp-kit/channel`, whose `value` is the unsent value — Go panics here.
 *
 * **Gotchas:** `send(null, v)` is never ready: sarama's aggregator switches its
 * output off this way (`output = nil`) until a batch is ready. The value is
 * captured now; a new value needs a new case.
 *
 * @param target - a channel (anything with a port and `trySend`), or `null` /
 *   `undefined`. Receive-only sources such as timer channels are rejected at
 *   compile time.
 * @param value - the value to send; its type is taken from `target`.
 * @throws {@link InvalidSelectCaseError} if `target` is neither.
 * @see {@link recv}, `select`, `trySelect`
 *
 * @example
 * ```ts run
 * import { Channel } from "@csp-kit/channel";
 * import { recv, select, send } from "@csp-kit/select";
 *
 * const input = new Channel<string>(1);
 * const output = new Channel<string[]>(1);
 * const batch: string[] = [];
 * await input.send("a");
 * // An empty batch: send(null, …) is never ready, so only the receive can win.
 * const r = await select({ out: send(batch.length > 0 ? output : null, batch), msg: recv(input) });
 * if (r.case !== "msg" || output.len !== 0) throw new Error("the receive wins; nothing is sent");
 * ```
 */
export function send<T>(
  target: SendTarget<T> | null | undefined,
  // `NoInfer<T>` (TypeScript 5.4+) spelled so TypeScript 5.0 reads it: T comes from `target` only.
  value: [T][T extends unknown ? 0 : never],
): SendCase<T> {
  return new SendCase(portFor(target, "send(target, value)"), value);
}

/**
 * How a completed receive becomes what its caller gets: the `wrap` functions
 * a {@link PendingReceive} (`../port.ts`) is built with, one copy for every
 * engine of the toolkit (`Channel`, `SharedChannel`, the timers' channels).
 * Each takes the `(value, ok)` pair a port commits — `ok = false`: closed and
 * drained, `value` undefined — and allocates nothing for "closed".
 */

import { None, type Option, Some } from "ts-results-es";
import { CLOSED } from "./sentinels.js";

/** The iterator step "done", frozen and shared: what every receive iterator of the toolkit returns once closed and drained. */
export const ITER_DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/** `recv`'s answer: `Some(value)`, or `None` once closed and drained. */
export function toOption<T>(value: T | undefined, ok: boolean): Option<T> {
  return ok ? new Some(value as T) : None;
}

/** `recvValue`'s answer: the value itself, or {@link CLOSED} once closed and drained. */
export function toValue<T>(value: T | undefined, ok: boolean): T | typeof CLOSED {
  return ok ? (value as T) : CLOSED;
}

/** An iterator step: `{ done: false, value }`, or {@link ITER_DONE} once closed and drained. */
export function toIterResult<T>(value: T | undefined, ok: boolean): IteratorResult<T, undefined> {
  return ok ? { done: false, value: value as T } : ITER_DONE;
}

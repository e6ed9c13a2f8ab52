/**
 * The async iterator of a channel (`for await`, `values()`), shared by
 * `Channel` and `SharedChannel`: each step is one receive from the engine.
 * After `return()` it reports done without receiving; a step already pending
 * when `return()` is called still delivers its value to whoever awaits it, so
 * nothing is swallowed.
 */

import type { ValuesIterator } from "../directions.js";
import { ITER_DONE } from "./results.js";

/** What the iterator needs from an engine: one receive as an iterator step. */
export interface StepSource<T> {
  next(signal: AbortSignal | undefined): Promise<IteratorResult<T, undefined>>;
}

/**
 * The one receive iterator of the toolkit (`Channel`, `SharedChannel`, the
 * timers' channels): each `next()` is one step of its source, with the
 * iterator's signal; after `return()` every `next()` reports done without
 * receiving.
 */
export class ChannelIterator<T> implements ValuesIterator<T> {
  /** Set by `return()`; afterwards `next()` takes nothing. */
  #finished = false;
  constructor(
    private readonly source: StepSource<T>,
    private readonly signal: AbortSignal | undefined,
  ) {}
  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#finished) return Promise.resolve(ITER_DONE);
    return this.source.next(this.signal);
  }
  return(): Promise<IteratorResult<T, undefined>> {
    this.#finished = true;
    return Promise.resolve(ITER_DONE);
  }
  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * The async iterator of a channel (`for await`, `values()`), shared by
 * `Channel` and `SharedChannel`: each step is one receive from the engine.
 * After `return()` it reports done without receiving; a step already pending
 * when `return()` is called still delivers its value to whoever awaits it, so
 * nothing is swallowed.
 */

import type { ValuesIterator } from "../directions.js";

/** What the iterator needs from an engine: one receive as an iterator step. */
export interface StepSource<T> {
  next(signal: AbortSignal | undefined): Promise<IteratorResult<T, undefined>>;
}

export class ChannelIterator<T> implements ValuesIterator<T> {
  /** Set by `return()`; afterwards `next()` takes nothing. */
  #finished = false;
  constructor(
    private readonly source: StepSource<T>,
    private readonly signal: AbortSignal | undefined,
  ) {}
  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#finished) return Promise.resolve({ done: true, value: undefined });
    return this.source.next(this.signal);
  }
  return(): Promise<IteratorResult<T, undefined>> {
    this.#finished = true;
    return Promise.resolve({ done: true, value: undefined });
  }
  [Symbol.asyncIterator](): this {
    return this;
  }
}

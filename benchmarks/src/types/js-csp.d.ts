/**
 * The part of js-csp's API the benchmarks use (the package ships no types).
 * js-csp is CommonJS; its module object is the default import.
 */
declare module "js-csp" {
  /** A js-csp channel. */
  export interface Channel<T> {
    close(): void;
    /** Phantom: the value type. */
    readonly __value?: T;
  }
  /** A buffer policy for `chan`. */
  export interface Buffer<T> {
    /** Phantom: the value type. */
    readonly __value?: T;
  }
  /** What a go process yields: an operation for the dispatcher to perform. */
  export interface Instruction<R> {
    /** Phantom: what the `yield` evaluates to. */
    readonly __result?: R;
  }
  /** What `yield alts(…)` evaluates to: the value and the channel of the operation that completed. */
  export interface AltResult<T> {
    readonly value: T;
    readonly channel: Channel<T>;
  }
  interface Csp {
    chan<T>(bufferOrSize?: number | Buffer<T>): Channel<T>;
    go<R>(body: () => Generator<Instruction<unknown>, R, unknown>): Channel<R>;
    put<T>(ch: Channel<T>, value: T): Instruction<boolean>;
    take<T>(ch: Channel<T>): Instruction<T>;
    takeAsync<T>(ch: Channel<T>, callback: (value: T) => void): void;
    /** Takes from the first ready channel (chosen at random among ready ones unless `priority`). */
    alts<T>(operations: readonly Channel<T>[], options?: { priority?: boolean }): Instruction<AltResult<T>>;
    /** A channel that closes after `ms` milliseconds (an uncancellable `setTimeout`). */
    timeout(ms: number): Channel<never>;
    readonly CLOSED: unknown;
    readonly buffers: {
      fixed<T>(n: number): Buffer<T>;
      sliding<T>(n: number): Buffer<T>;
      dropping<T>(n: number): Buffer<T>;
    };
  }
  const csp: Csp;
  export default csp;
}

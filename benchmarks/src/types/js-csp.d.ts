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
  interface Csp {
    chan<T>(bufferOrSize?: number | Buffer<T>): Channel<T>;
    go<R>(body: () => Generator<Instruction<unknown>, R, unknown>): Channel<R>;
    put<T>(ch: Channel<T>, value: T): Instruction<boolean>;
    take<T>(ch: Channel<T>): Instruction<T>;
    takeAsync<T>(ch: Channel<T>, callback: (value: T) => void): void;
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

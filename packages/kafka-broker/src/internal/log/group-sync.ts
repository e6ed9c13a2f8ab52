/**
 * Group commit for a durable store: which open files hold writes not yet
 * forced to disk, and one fsync round at a time that covers all of them.
 *
 * Writes themselves are synchronous (`writeSync` in the segment store): when
 * one returns, the bytes are in the page cache and readable, and a killed
 * process loses nothing. Only the fsync that makes them survive a machine
 * crash is asynchronous, on libuv's thread pool, so the event loop never
 * waits for the disk.
 *
 * Invariants (over `#dirty`, `#round`, `#next`):
 * - a file written after the current round started is in `#dirty` again, so
 *   a caller of `sync()` is resolved only by a round that started after its
 *   writes: either the running one (when nothing is dirty: its writes were
 *   taken by it) or the next;
 * - at most one round runs; if `#next` has waiters when it ends, the next
 *   round starts at once with whatever is dirty then;
 * - a retired file is never synced again and is closed only when no round
 *   runs, so an fsync never meets a closed (or reused) descriptor.
 */

/** The one file-system call group commit needs; a seam for tests (a deferred fsync). */
export interface SyncIo {
  /** Forces the file's written data to disk (`fs.fsync`). */
  fsync(fd: number): Promise<void>;
}

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A round may fail with nobody waiting on it yet; the failure still reaches
  // every later waiter through `then`, so an unobserved one is not an error.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

const RESOLVED: Promise<void> = Promise.resolve();

/** Group commit over a set of file descriptors. */
export class GroupSync {
  /** Descriptors written since the round that last took them. */
  readonly #dirty = new Set<number>();
  /** The running round's promise, or undefined when none runs. */
  #round: Promise<void> | undefined;
  /** Waiters for the round after the running one; undefined when none wait. */
  #next: Deferred | undefined;
  /** Retired descriptors waiting for the running round to end before `close` is called. */
  readonly #retired: Array<() => void> = [];

  /**
   * @param io - performs the fsyncs.
   * @param onError - told of a failed round (the store goes offline); the round's waiters reject too.
   */
  constructor(
    private readonly io: SyncIo,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Whether some file holds writes not yet covered by a finished round. */
  get pending(): boolean {
    return this.#dirty.size > 0 || this.#round !== undefined;
  }

  /** Notes that `fd` was written. */
  markDirty(fd: number): void {
    this.#dirty.add(fd);
  }

  /** Resolves when every write made before this call is on disk; rejects if the covering round fails. */
  sync(): Promise<void> {
    if (this.#dirty.size === 0) return this.#round ?? RESOLVED;
    this.#next ??= deferred();
    const waiting = this.#next.promise;
    if (this.#round === undefined) this.#startRound();
    return waiting;
  }

  /**
   * Stops syncing `fd` (its file was deleted) and calls `close` once no round
   * can be using it: now, or when the running round ends.
   */
  retire(fd: number, close: () => void): void {
    this.#dirty.delete(fd);
    if (this.#round === undefined) close();
    else this.#retired.push(close);
  }

  /** Precondition: no round runs and `#next` holds the waiters this round will settle. */
  #startRound(): void {
    const fds = [...this.#dirty];
    this.#dirty.clear();
    const waiters = this.#next ?? deferred();
    this.#next = undefined;
    const round = Promise.all(fds.map((fd) => this.io.fsync(fd))).then(
      () => undefined,
      (error: unknown) => {
        this.onError(error);
        throw error;
      },
    );
    this.#round = round;
    round.then(
      () => this.#endRound(waiters, undefined),
      (error: unknown) => this.#endRound(waiters, error),
    );
  }

  #endRound(waiters: Deferred, error: unknown): void {
    this.#round = undefined;
    for (const close of this.#retired.splice(0)) close();
    // Start the next round before settling, so a waiter that syncs again joins a later round.
    if (this.#next !== undefined) this.#startRound();
    if (error === undefined) waiters.resolve();
    else waiters.reject(error);
  }
}

/**
 * The one implementation behind every {@link Guard} and {@link Permit}: an object
 * that remembers what to release and forgets it on first use, which is what
 * makes release idempotent.
 */

import type { Permit } from "../types.js";

/** Something a guard releases into: the primitive, or a small adapter for one of its modes. */
export interface GuardTarget {
  /** Releases `weight` (permits; 1 for a lock). Throws the primitive's misuse error if not held. */
  releaseGuarded(weight: number): void;
}

export class ReleaseGuard implements Permit {
  /** What to release into; set at construction, cleared by the first `release()`. Undefined means released. */
  #target: GuardTarget | undefined;

  constructor(
    target: GuardTarget,
    readonly weight: number,
  ) {
    this.#target = target;
  }

  get released(): boolean {
    return this.#target === undefined;
  }

  release(): void {
    const target = this.#target;
    if (target === undefined) return;
    // Cleared first: if releaseGuarded throws (the lock was already released with
    // the Go-style unlock), a retry must not try again.
    this.#target = undefined;
    target.releaseGuarded(this.weight);
  }

  [Symbol.dispose](): void {
    this.release();
  }
}

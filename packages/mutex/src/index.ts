/**
 * @csp-kit/mutex — Go's `sync` for TypeScript: Mutex, RWMutex, weighted
 * Semaphore, WaitGroup, Once, Cond, and x/sync's ErrGroup — abortable, FIFO-fair, with `using`. (The
 * cross-thread SharedMutex is in `@csp-kit/threads`.)
 * @packageDocumentation
 * @module @csp-kit/mutex
 */

export { Cond } from "./cond.js";
export {
  ErrGroup,
  ErrGroupActiveError,
  type ErrGroupOptions,
  type GroupTask,
  isErrGroupActiveError,
} from "./err-group.js";
export {
  InvalidArgumentError,
  isInvalidArgumentError,
  isNegativeWaitGroupCounterError,
  isSemaphoreReleaseError,
  isSyncError,
  isUnlockOfUnlockedError,
  NegativeWaitGroupCounterError,
  SemaphoreReleaseError,
  SyncError,
  UnlockOfUnlockedError,
} from "./errors.js";
export { Mutex } from "./mutex.js";
export { Once, onceValue } from "./once.js";
export { RWMutex } from "./rw-mutex.js";
export { Semaphore } from "./semaphore.js";
export type { Guard, Locker, Permit, WaitOptions } from "./types.js";
export { WaitGroup } from "./wait-group.js";

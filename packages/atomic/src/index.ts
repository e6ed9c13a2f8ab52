/**
 * @csp-kit/atomic — Go's `sync/atomic` for TypeScript: AtomicBool, AtomicInt32,
 * AtomicUint32, AtomicInt64 and AtomicUint64 on SharedArrayBuffer, shareable
 * with worker threads, and AtomicLayout to pack several in one buffer.
 * @packageDocumentation
 * @module @csp-kit/atomic
 */

export { AtomicBool } from "./atomic-bool.js";
export { AtomicInt32 } from "./atomic-int32.js";
export { AtomicInt64 } from "./atomic-int64.js";
export { AtomicUint32 } from "./atomic-uint32.js";
export { AtomicUint64 } from "./atomic-uint64.js";
export {
  InvalidAtomicLayoutError,
  InvalidAtomicValueError,
  isInvalidAtomicLayoutError,
  isInvalidAtomicValueError,
} from "./errors.js";
export { type AtomicFields, type AtomicKind, type AtomicKinds, AtomicLayout, type AtomicSchema } from "./layout.js";

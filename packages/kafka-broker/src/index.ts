// @csp-kit/kafka-broker: the public surface. This file only re-exports.
// So far the package holds its storage layer (src/internal/log/), which the
// broker's handlers will use; the broker, its config and ./testing come next.
export {
  InvalidLogArgumentError,
  InvalidLogConfigError,
  isInvalidLogArgumentError,
  isInvalidLogConfigError,
  isLogClosedError,
  isLogStorageError,
  LogClosedError,
  LogStorageError,
} from "./errors.js";
export type { FlushPolicy } from "./internal/log/store.js";

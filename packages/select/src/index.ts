/**
 * @csp-kit/select — Go's `select` for csp-kit channels: exactly one case happens,
 * chosen uniformly at random among the ready ones (or by priority), abortable,
 * with a result type that narrows on the case name.
 * @packageDocumentation
 * @module @csp-kit/select
 */

export {
  type RecvCase,
  type RecvResult,
  recv,
  type SelectCase,
  type SelectCases,
  type SelectOptions,
  type SelectResult,
  type SendCase,
  type SendResult,
  type SendTarget,
  send,
  type TrySelectOptions,
} from "./cases.js";
export {
  EmptySelectError,
  InvalidSelectCaseError,
  isEmptySelectError,
  isInvalidSelectCaseError,
  isSelectError,
  SelectError,
} from "./errors.js";
export { PreparedSelect, prepareSelect } from "./prepared.js";
export { select, trySelect } from "./select.js";

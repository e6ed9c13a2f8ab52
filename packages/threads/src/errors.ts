/**
 * The errors of `@csp-kit/threads`. Sending on a closed SharedChannel and
 * closing it twice reuse `ChannelClosedError` and `ChannelAlreadyClosedError`
 * from `@csp-kit/channel`, so one `catch` serves both kinds of channel; the
 * classes here cover what only a channel over shared memory can get wrong: a
 * value too big for a slot, a value that cannot be serialized here, a handle
 * that is not a handle, and a blocking call on the main thread — and the
 * SharedMutex's unlock of an unlocked mutex. Each has a stable `name` and an
 * `is…Error` guard that also recognises instances from another copy of the
 * package (by `name`).
 */

import { ChannelError } from "@csp-kit/channel";
import { describeValue, hasErrorName } from "@csp-kit/channel/port";

/**
 * A value does not fit in one slot of a SharedChannel. Nothing was sent.
 *
 * Every slot holds at most `maxValueBytes` bytes of encoded value (chosen when
 * the channel is created; 120 by default). Numbers, booleans, `null` and
 * `undefined` always fit; a string takes one byte per character when every
 * character is below U+0100, two otherwise; any other value takes the length of
 * its serialization.
 */
export class SharedValueTooLargeError extends ChannelError {
  override name = "SharedValueTooLargeError";
  /** How many bytes the value needs. */
  readonly byteLength: number;
  /** How many bytes a slot of this channel holds. */
  readonly maxValueBytes: number;
  constructor(byteLength: number, maxValueBytes: number, options?: ErrorOptions) {
    super(
      `value too large for a SharedChannel slot: it encodes to ${byteLength} bytes but slots hold at most ` +
        `${maxValueBytes} (create the channel with a larger { maxValueBytes }, or send a reference instead — ` +
        "e.g. an index into a SharedArrayBuffer handed to the worker once)",
      options,
    );
    this.byteLength = byteLength;
    this.maxValueBytes = maxValueBytes;
  }
}

/**
 * A value that is not a number, string, boolean, `null` or `undefined` was sent
 * on a SharedChannel that has no serializer: this runtime has no `node:v8`
 * module and none was passed in the options. Nothing was sent.
 */
export class SharedSerializerUnavailableError extends ChannelError {
  override name = "SharedSerializerUnavailableError";
  constructor(options?: ErrorOptions) {
    super(
      "SharedChannel cannot serialize this value: only numbers, strings, booleans, null and undefined are built in, " +
        "and this runtime has no node:v8 serializer (pass { serializer: { serialize, deserialize } } to " +
        "new SharedChannel(…) and SharedChannel.from(…), the same one on every thread)",
      options,
    );
  }
}

/**
 * The serializer could not encode a value for a SharedChannel: the default
 * `node:v8` serializer's "could not be cloned" (a function, a symbol, a
 * WeakMap, a promise, an object with such a property), or whatever a custom
 * `serialize` threw. The serializer's error is the `cause`. Nothing was sent.
 */
export class SharedSerializationError extends ChannelError {
  override name = "SharedSerializationError";
  constructor(cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      `SharedChannel could not serialize the value: ${why} (values cross threads by structured clone: ` +
        "functions, symbols, WeakMaps, promises and class prototypes do not; send plain data, " +
        "or pass a { serializer } that can encode it)",
      { cause },
    );
  }
}

/**
 * A custom serializer's `serialize` returned something that is not a
 * `Uint8Array` (a `number[]`, an `ArrayBuffer`, another typed array, a
 * string…). It was refused before any slot was touched; nothing was sent.
 * A TypeError.
 */
export class InvalidSerializerResultError extends TypeError {
  override name = "InvalidSerializerResultError";
  /** What `serialize` returned. */
  readonly result: unknown;
  constructor(result: unknown, options?: ErrorOptions) {
    super(
      `SharedChannel: serializer.serialize returned ${describeValue(result)}, not a Uint8Array; ` +
        "return the encoded bytes as a Uint8Array (a Buffer is one; wrap an ArrayBuffer as new Uint8Array(buffer))",
      options,
    );
    this.result = result;
  }
}

/**
 * A SharedChannel can no longer be used: a sending thread stopped in the
 * middle of copying a value into its slot (it was terminated, or frozen for
 * longer than the channel's `stallTimeout`), so that slot can never be reused
 * safely. Every send on every thread fails with this error from then on;
 * receivers first get every value that was completely sent, then this error
 * instead of `None`. No value whose send succeeded is lost, and the value of
 * the stopped send was not delivered (if its thread was only frozen, its
 * `send` fails with this error too). Receivers never break a channel: a
 * thread terminated while receiving takes at most the values of that receive
 * with it.
 *
 * What to do: create a new channel. To shut workers down without this, close
 * the channel and let them finish instead of terminating them mid-send.
 */
export class SharedChannelBrokenError extends ChannelError {
  override name = "SharedChannelBrokenError";
  /** Which side stopped: always a sender (see the class notes). */
  readonly side = "sender" as const;
  /** The position in the channel's sequence of sends whose write was abandoned. */
  readonly position: number;
  constructor(position: number, stallTimeoutMs: number, options?: ErrorOptions) {
    super(
      `SharedChannel is broken: a sending thread stopped while writing the value of send #${position} ` +
        `into its slot (terminated, or frozen for longer than stallTimeout = ${stallTimeoutMs} ms), ` +
        "so the slot cannot be reused; every value sent before it was delivered. Create a new channel; " +
        "to stop workers without this, close the channel and let them finish instead of terminating them",
      options,
    );
    this.position = position;
  }
}

/** `SharedChannel.from(handle)` was given something that is not a SharedChannel's `handle`. */
export class InvalidSharedHandleError extends TypeError {
  override name = "InvalidSharedHandleError";
  constructor(reason: string, options?: ErrorOptions) {
    super(
      `SharedChannel.from(handle): ${reason} (pass the object from channel.handle, ` +
        "structured-cloned to this thread through workerData or postMessage)",
      options,
    );
  }
}

/**
 * `sendSync` or `recvSync` was called on Node's main thread, where blocking
 * would freeze the event loop. Use `await send(…)` / `await recv()` there; the
 * blocking calls are for worker threads.
 */
export class SharedBlockingOnMainThreadError extends ChannelError {
  override name = "SharedBlockingOnMainThreadError";
  constructor(method: string, options?: ErrorOptions) {
    super(
      `SharedChannel.${method}() blocks the calling thread and is not allowed on the main thread, ` +
        "whose event loop it would freeze: use the async form (await send / await recv) here, " +
        "and the blocking form only inside worker threads",
      options,
    );
  }
}

/**
 * A timeout option was not a number of milliseconds in its range: a blocking
 * call's `timeout` (>= 0; `Infinity` is the same as giving none), or a new
 * channel's `stallTimeout` (> 0 and at most 2^31 - 1; `Infinity`: never). A RangeError.
 */
export class InvalidTimeoutError extends RangeError {
  override name = "InvalidTimeoutError";
  /** The timeout that was rejected. */
  readonly timeout: unknown;
  /**
   * @param method - the call, e.g. `"sendSync"`; its option is `{ timeout }` unless `option` says otherwise.
   * @param timeout - the rejected value.
   */
  constructor(method: string, timeout: unknown, options?: ErrorOptions & { readonly option?: "stallTimeout" }) {
    const got = typeof timeout === "number" ? String(timeout) : `a ${typeof timeout}`;
    super(
      options?.option === "stallTimeout"
        ? `new SharedChannel(capacity, { stallTimeout }): stallTimeout must be a number of milliseconds > 0 and ` +
            `at most 2147483647 (got ${got}); omit it for the default (1000), or pass Infinity to never presume ` +
            "a thread dead"
        : `SharedChannel.${method}({ timeout }): timeout must be a number of milliseconds >= 0 (got ${got}); ` +
            "omit it, or pass Infinity, to wait without a limit",
      options,
    );
    this.timeout = timeout;
  }
}

/**
 * `SharedMutex.unlock()` was called on a mutex that is not locked (Go panics
 * with "sync: unlock of unlocked mutex"). Nothing changed. It has the `name`
 * of `@csp-kit/mutex`'s error of the same meaning, so either package's
 * `isUnlockOfUnlockedError` recognises both.
 */
export class UnlockOfUnlockedError extends Error {
  override name = "UnlockOfUnlockedError";
  /** Which operation failed: `"SharedMutex.unlock"`. */
  readonly operation: string;
  constructor(operation: string, options?: ErrorOptions) {
    super(
      `${operation}: the mutex is not locked, so there is nothing to release ` +
        "(call unlock once per successful lock; prefer `using guard = await mu.acquire()` or runExclusive, " +
        "whose release happens exactly once)",
      options,
    );
    this.operation = operation;
  }
}

/** Whether `error` is a {@link SharedValueTooLargeError}. */
export function isSharedValueTooLargeError(error: unknown): error is SharedValueTooLargeError {
  return error instanceof SharedValueTooLargeError || hasErrorName(error, "SharedValueTooLargeError");
}

/** Whether `error` is a {@link SharedSerializerUnavailableError}. */
export function isSharedSerializerUnavailableError(error: unknown): error is SharedSerializerUnavailableError {
  return error instanceof SharedSerializerUnavailableError || hasErrorName(error, "SharedSerializerUnavailableError");
}

/** Whether `error` is an {@link InvalidSharedHandleError}. */
export function isInvalidSharedHandleError(error: unknown): error is InvalidSharedHandleError {
  return error instanceof InvalidSharedHandleError || hasErrorName(error, "InvalidSharedHandleError");
}

/** Whether `error` is an {@link InvalidTimeoutError}. */
export function isInvalidTimeoutError(error: unknown): error is InvalidTimeoutError {
  return error instanceof InvalidTimeoutError || hasErrorName(error, "InvalidTimeoutError");
}

/** Whether `error` is a {@link SharedBlockingOnMainThreadError}. */
export function isSharedBlockingOnMainThreadError(error: unknown): error is SharedBlockingOnMainThreadError {
  return error instanceof SharedBlockingOnMainThreadError || hasErrorName(error, "SharedBlockingOnMainThreadError");
}

/** Whether `error` is an {@link UnlockOfUnlockedError} (this package's or `@csp-kit/mutex`'s). */
export function isUnlockOfUnlockedError(error: unknown): error is UnlockOfUnlockedError {
  return error instanceof UnlockOfUnlockedError || hasErrorName(error, "UnlockOfUnlockedError");
}

/** Whether `error` is a {@link SharedSerializationError}. */
export function isSharedSerializationError(error: unknown): error is SharedSerializationError {
  return error instanceof SharedSerializationError || hasErrorName(error, "SharedSerializationError");
}

/** Whether `error` is an {@link InvalidSerializerResultError}. */
export function isInvalidSerializerResultError(error: unknown): error is InvalidSerializerResultError {
  return error instanceof InvalidSerializerResultError || hasErrorName(error, "InvalidSerializerResultError");
}

/** Whether `error` is a {@link SharedChannelBrokenError}. */
export function isSharedChannelBrokenError(error: unknown): error is SharedChannelBrokenError {
  return error instanceof SharedChannelBrokenError || hasErrorName(error, "SharedChannelBrokenError");
}

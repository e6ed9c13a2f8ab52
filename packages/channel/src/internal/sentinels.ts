/**
 * The two answers of the value-returning receives (`recvValue`,
 * `tryRecvValue`) that are not a value: "closed and drained" and "would
 * block". Registered symbols, so every copy of the package (ESM and
 * CommonJS, two versions in one node_modules) answers with the same ones.
 * The channel engine uses them as its own internal answers too, so
 * `tryRecvValue` returns what the engine's `take` returns, unchanged.
 */

/**
 * What {@link Channel.recvValue} and {@link Channel.tryRecvValue} return for a
 * channel that is closed and drained — the `ok == false` of Go's
 * `v, ok := <-ch`. A registered symbol: compare with `===`.
 */
export const CLOSED: unique symbol = Symbol.for("@csp-kit/channel.closed");

/**
 * What {@link Channel.tryRecvValue} returns when a receive would have to wait
 * (nothing buffered, no sender waiting, not closed). A registered symbol:
 * compare with `===`.
 */
export const WOULD_BLOCK: unique symbol = Symbol.for("@csp-kit/channel.would-block");

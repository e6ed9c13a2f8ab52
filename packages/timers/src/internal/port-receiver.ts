/**
 * The receive API (`recv`, `tryRecv`, `values`, `for await`) built once on top
 * of the port protocol, for any receive-only port of this package: a subclass
 * implements `pollRecv` / `enqueueRecv` / `cancelRecv` and `closed`, and gets
 * the rest; `receive` (which `sleep` reuses too) drives the protocol's
 * promise-backed waiter, `PendingReceive` from `@csp-kit/channel/port`.
 *
 * Invariants:
 * - a `PendingReceive` is queued on its port only after a failed `pollRecv` in
 *   the same synchronous turn, and listens for abort only while queued;
 * - it settles its promise exactly once: by `complete` (a port committed it) or
 *   by `onAbort` (abort), whichever sets `done` first;
 * - the send half of the protocol is refused: `pollSend` / `enqueueSend` throw
 *   `ReceiveOnlyError`, `cancelSend` reports "not queued here".
 * - a queued `PendingReceive` is recorded in the diagnostics inventory when it
 *   is on (`@csp-kit/channel/diagnostics`), as `recv`, `values` or `sleep` on
 *   the port's `describe()` ("a timer channel").
 */

import { None, type Option, Some, type TryRecvResult, type ValuesIterator, type WaitOptions } from "@csp-kit/channel";
import { DIAGNOSTIC_LABEL, DIAGNOSTICS, recordParked } from "@csp-kit/channel/diagnostics";
import {
  ChannelIterator,
  checkSignal,
  PendingReceive,
  PORT,
  type Port,
  RecvWaiter,
  type SendWaiter,
  type StepSource,
  signalFault,
  toIterResult,
  toOption,
} from "@csp-kit/channel/port";
import { ReceiveOnlyError } from "../errors.js";
import type { Receiver } from "../receiver.js";

/**
 * Receives once from `port`: resolves with `wrap(value, ok)` when a value (or
 * close) is delivered, rejects with `signal.reason` on abort. Completes
 * synchronously inside the promise executor when the port is ready.
 * A `signal` that is not an AbortSignal rejects with `InvalidSignalError`
 * naming `operation`, before the port is polled (so no waiter is queued).
 */
export function receive<T, R>(
  port: Port<T>,
  wrap: (value: T | undefined, ok: boolean) => R,
  signal: AbortSignal | undefined,
  operation: string,
): Promise<R> {
  if (signal !== undefined) {
    const fault = signalFault(signal, operation);
    if (fault !== undefined) return Promise.reject(fault);
    if (signal.aborted) return Promise.reject(signal.reason);
  }
  return new Promise<R>((resolve, reject) => {
    const w = new PendingReceive<T, R>(port, wrap, resolve, reject);
    if (port.pollRecv(w)) return;
    w.wait(signal);
    if (DIAGNOSTICS.on) recordParked(port, "timer", operation.startsWith("recv") ? "recv" : operation, w);
  });
}

/** A waiter that records what a successful poll delivered (for `tryRecv`). */
class CaptureReceive<T> extends RecvWaiter<T> {
  /** Valid after `complete`: the delivered value (undefined when closed). */
  value: T | undefined = undefined;
  /** Valid after `complete`: `true` for a value, `false` for closed. */
  ok = false;
  complete(value: T | undefined, ok: boolean): void {
    this.value = value;
    this.ok = ok;
  }
}

/**
 * Base of every receive-only channel of this package: it is its own port, and
 * offers the receive API of a `Channel` on top of the three receive methods a
 * subclass implements.
 */
export abstract class PortReceiver<T> implements Receiver<T>, Port<T> {
  /** Whether the channel has closed (see the subclass). */
  abstract get closed(): boolean;
  abstract pollRecv(w: RecvWaiter<T>): boolean;
  abstract enqueueRecv(w: RecvWaiter<T>): void;
  abstract cancelRecv(w: RecvWaiter<T>): boolean;
  /** What this channel is, for error messages: "a timer channel". */
  protected abstract describe(): string;

  /** This object is its own port. */
  get [PORT](): Port<T> {
    return this;
  }

  /** How the diagnostics inventory names this channel: its `describe()`. */
  [DIAGNOSTIC_LABEL](): string {
    return this.describe();
  }

  /** Refused: a receive-only channel. Throws {@link ReceiveOnlyError}. */
  pollSend(_w: SendWaiter<T>): boolean {
    throw new ReceiveOnlyError(this.describe());
  }

  /** Refused: a receive-only channel. Throws {@link ReceiveOnlyError}. */
  enqueueSend(_w: SendWaiter<T>): void {
    throw new ReceiveOnlyError(this.describe());
  }

  /** No sender is ever queued here. */
  cancelSend(_w: SendWaiter<T>): boolean {
    return false;
  }

  recv(options?: WaitOptions): Promise<Option<T>> {
    const signal = options?.signal;
    return receive(this, toOption, signal, signal === undefined ? "recv" : `recv on ${this.describe()}`);
  }

  tryRecv(): TryRecvResult<T> {
    const w = new CaptureReceive<T>();
    if (!this.pollRecv(w)) return "would-block";
    return w.ok ? Some(w.value as T) : None;
  }

  /** @throws `InvalidSignalError` (synchronously) when `signal` is not an AbortSignal. */
  values(options?: WaitOptions): ValuesIterator<T> {
    const signal = options?.signal;
    if (signal !== undefined) checkSignal(signal, `values on ${this.describe()}`);
    return new ChannelIterator(new PortSteps(this), signal);
  }

  [Symbol.asyncIterator](): ValuesIterator<T> {
    return new ChannelIterator(new PortSteps(this), undefined);
  }
}

/** One receive as an iterator step, for the shared {@link ChannelIterator}. */
class PortSteps<T> implements StepSource<T> {
  constructor(private readonly port: Port<T>) {}
  next(signal: AbortSignal | undefined): Promise<IteratorResult<T, undefined>> {
    return receive(this.port, toIterResult, signal, "values");
  }
}

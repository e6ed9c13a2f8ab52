/**
 * `receiveContract(name, make)`: the behaviour every receivable shares — a
 * `Channel` of any kind, a `SharedChannel`, a timer's or a `done()` channel —
 * written once and run by each package's tests over its own receivables.
 *
 * The contract (each case runs only where the subject has what it needs):
 * - `tryRecv()` on an empty one says "would-block";
 * - a value delivered is received once: the receive after it would block;
 * - `recv()` with an already-aborted signal rejects with the signal's reason and
 *   takes nothing: the value waiting is there for the next receive (`deliver`);
 * - `recv()` aborted while it waits rejects with the reason, and the next value
 *   goes to the next receive, not to the aborted one (`deliver`);
 * - on a closed, empty one `recv()` gives None (again and again) and `tryRecv()`
 *   gives None too, not "would-block" (`close`);
 * - `for await` yields what was delivered and ends on close (`close`).
 *
 * Values are compared through `isSome()`/`isNone()` and `.value` (ts-results'
 * `Option`), so this module depends on no csp-kit package.
 */

import { afterEach, describe, expect, it } from "vitest";
import { flush } from "./flush.js";

/** The `Option` a receive returns, as far as the contract reads it. */
export interface OptionView<T> {
  isSome(): boolean;
  isNone(): boolean;
  readonly value?: T | undefined;
}

/** The receive side of a channel, as far as the contract uses it. */
export interface Receivable<T> {
  recv(options?: { signal?: AbortSignal }): Promise<OptionView<T>>;
  tryRecv(): OptionView<T> | "would-block";
  [Symbol.asyncIterator](): AsyncIterator<T>;
}

/** One fresh receivable under test, and how to act on it from the sending side. */
export interface ReceiveSubject<T> {
  /** The receivable, empty and open. */
  readonly rx: Receivable<T>;
  /**
   * Makes one value available to a receive — sends it (the send may wait for a receiver, as an
   * unbuffered one does; it must not reject) or fires the timer — and returns the value a receive
   * must then get. Called at most once per subject. Absent: the subject never delivers a value (a
   * `done()` channel).
   */
  readonly deliver?: () => T;
  /** Closes it. Absent: the subject never closes (a timer's channel). */
  readonly close?: () => void;
  /** Called after each case (stops a ticker, releases a buffer). */
  readonly dispose?: () => void;
}

/** How a subject differs from a plain channel. */
export interface ReceiveContractOptions {
  /** Macrotask turns to wait for a delivery to reach a waiting receive (default 1; more for a cross-thread hop). */
  readonly turns?: number;
}

function expectSome<T>(got: OptionView<T> | "would-block", value: T): void {
  expect(got).not.toBe("would-block");
  const option = got as OptionView<T>;
  expect(option.isSome()).toBe(true);
  expect(option.value).toEqual(value);
}

function expectNone<T>(got: OptionView<T> | "would-block"): void {
  expect(got).not.toBe("would-block");
  expect((got as OptionView<T>).isNone()).toBe(true);
}

/**
 * Registers the receive contract's cases as a `describe` block named `name`.
 *
 * @param name the block's title: the kind under test (`buffered(2)`, `SharedChannel(4)`).
 * @param make builds a fresh subject for each case.
 * @example
 * ```ts
 * for (const spec of channelKinds<Channel<number>, DropReason>(Channel)) {
 *   receiveContract(spec.label, () => {
 *     const ch = spec.make();
 *     return { rx: ch, deliver: () => (void ch.send(7), 7), close: () => ch.close() };
 *   });
 * }
 * ```
 */
export function receiveContract<T>(
  name: string,
  make: () => ReceiveSubject<T>,
  options: ReceiveContractOptions = {},
): void {
  const turns = options.turns ?? 1;
  describe(`the receive contract: ${name}`, () => {
    let current: ReceiveSubject<T> | undefined;
    const fresh = (): ReceiveSubject<T> => {
      current = make();
      return current;
    };
    afterEach(() => {
      current?.dispose?.();
      current = undefined;
    });

    it("tryRecv on an empty one says would-block", () => {
      expect(fresh().rx.tryRecv()).toBe("would-block");
    });

    const probe = make();
    probe.dispose?.();
    const { deliver, close } = probe;

    if (deliver !== undefined) {
      it("a value delivered is received once", async () => {
        const s = fresh();
        const value = s.deliver!();
        await flush(turns);
        expectSome(await s.rx.recv(), value);
        await flush(turns);
        expect(s.rx.tryRecv()).toBe("would-block");
      });

      it("recv with an already-aborted signal rejects with the signal's reason and takes nothing", async () => {
        const s = fresh();
        const value = s.deliver!();
        await flush(turns);
        const controller = new AbortController();
        const reason = new Error("aborted first");
        controller.abort(reason);
        await expect(s.rx.recv({ signal: controller.signal })).rejects.toBe(reason);
        expectSome(await s.rx.recv(), value);
      });

      it("recv aborted while waiting rejects with the reason; the next value goes to the next receive", async () => {
        const s = fresh();
        const controller = new AbortController();
        const reason = new Error("gave up");
        const aborted = s.rx.recv({ signal: controller.signal });
        await flush(turns);
        controller.abort(reason);
        await expect(aborted).rejects.toBe(reason);
        const value = s.deliver!();
        await flush(turns);
        expectSome(await s.rx.recv(), value);
      });
    } else {
      it("recv with an already-aborted signal rejects with the signal's reason", async () => {
        const s = fresh();
        const controller = new AbortController();
        const reason = new Error("aborted first");
        controller.abort(reason);
        await expect(s.rx.recv({ signal: controller.signal })).rejects.toBe(reason);
        expect(s.rx.tryRecv()).toBe("would-block");
      });
    }

    if (close !== undefined) {
      it("recv on a closed, empty one gives None, again and again; tryRecv gives None too", async () => {
        const s = fresh();
        s.close!();
        await flush(turns);
        expectNone(await s.rx.recv());
        expectNone(await s.rx.recv());
        expectNone(s.rx.tryRecv());
      });

      it("a recv waiting when it closes gives None", async () => {
        const s = fresh();
        const waiting = s.rx.recv();
        await flush(turns);
        s.close!();
        expectNone(await waiting);
      });

      it("for await yields what was delivered and ends on close", async () => {
        const s = fresh();
        const got: T[] = [];
        const loop = (async () => {
          for await (const v of s.rx) got.push(v);
        })();
        const expected: T[] = [];
        if (s.deliver !== undefined) expected.push(s.deliver());
        await flush(turns);
        s.close!();
        await loop;
        expect(got).toEqual(expected);
      });
    }
  });
}

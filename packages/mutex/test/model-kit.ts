/**
 * Shared pieces of the model-based tests: a registry of the operations a
 * command sequence started (each with its abort controller and a probe of its
 * promise), and the check that compares their observed state with the model's.
 */

import { setMaxListeners } from "node:events";
import { flush, type Tracked, track } from "@csp-kit/testkit/core";
import { expect } from "vitest";

/** What the model says about one started operation. */
export type Phase = "pending" | "granted" | "aborted";

export interface Op<V> {
  readonly id: number;
  readonly controller: AbortController;
  readonly probe: Tracked<V>;
}

export class Ops<V> {
  #next = 0;
  readonly #ops = new Map<number, Op<V>>();

  /** Starts an operation with a fresh abort controller; returns its id. */
  start(run: (signal: AbortSignal) => Promise<V>): number {
    const id = this.#next++;
    const controller = new AbortController();
    setMaxListeners(0, controller.signal);
    this.#ops.set(id, { id, controller, probe: track(run(controller.signal)) });
    return id;
  }

  get(id: number): Op<V> {
    const op = this.#ops.get(id);
    if (op === undefined) throw new Error(`no op ${id}`);
    return op;
  }

  /** The resolved value of a granted operation. */
  value(id: number): V {
    const state = this.get(id).probe.outcome;
    if (state.state !== "fulfilled") throw new Error(`op ${id} is ${state.state}, not fulfilled`);
    return state.value;
  }

  /** Lets reactions run, then asserts every operation is in the phase the model gives it. */
  async verify(phaseOf: (id: number) => Phase): Promise<void> {
    await flush();
    for (const [id, op] of this.#ops) {
      const expected = phaseOf(id);
      const actual = op.probe.state;
      const as: Phase = actual === "fulfilled" ? "granted" : actual === "rejected" ? "aborted" : "pending";
      expect(as, `op ${id}`).toBe(expected);
    }
  }
}

/** Picks the `pick`-th element of `items` modulo its length (commands carry a random index). */
export function nth<T>(items: readonly T[], pick: number): T {
  const item = items[pick % items.length];
  if (item === undefined) throw new Error("nth on an empty list");
  return item;
}

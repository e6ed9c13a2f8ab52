/**
 * The parked-waiter inventory against the operations that are really pending:
 * random locks, read locks, acquisitions, WaitGroup waits, ErrGroup slot
 * waits, their releases and aborts, over a Mutex, an RWMutex, a Semaphore(3),
 * a WaitGroup and an ErrGroup({ limit: 1 }). After every command (and a
 * flush), the inventory lists exactly the operations whose promises are still
 * pending, in the order they started, each under its primitive and operation.
 */

import { disableDiagnostics, enableDiagnostics, parkedWaiters } from "@csp-kit/channel/diagnostics";
import { flush } from "@csp-kit/testkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ErrGroup, type Guard, Mutex, type Permit, RWMutex, Semaphore, WaitGroup } from "../src/index.js";

interface Op {
  /** How the inventory must name it while it waits. */
  readonly parkedAs: string;
  readonly controller: AbortController;
  state: "pending" | "granted" | "aborted";
}

interface World {
  readonly mu: Mutex;
  readonly rw: RWMutex;
  readonly sem: Semaphore;
  readonly wg: WaitGroup;
  readonly group: ErrGroup;
  readonly ops: Op[];
  /** What granted operations hold, to be released by `release`. */
  readonly held: (Guard | Permit)[];
  /** Ends the ErrGroup task holding its one slot, if any. */
  finishTask: (() => void) | undefined;
}

type Command =
  | { readonly kind: "lock" | "rLock" | "wLock" | "wait" | "go" }
  | { readonly kind: "acquire"; readonly n: number }
  | { readonly kind: "release" | "abort"; readonly pick: number }
  | { readonly kind: "add" | "done" | "finishTask" };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.constantFrom(
    { kind: "lock" as const },
    { kind: "rLock" as const },
    { kind: "wLock" as const },
    { kind: "wait" as const },
    { kind: "go" as const },
    { kind: "add" as const },
    { kind: "done" as const },
    { kind: "finishTask" as const },
  ),
  fc.integer({ min: 1, max: 3 }).map((n) => ({ kind: "acquire" as const, n })),
  fc.nat().map((pick) => ({ kind: "release" as const, pick })),
  fc.nat().map((pick) => ({ kind: "abort" as const, pick })),
);

/** Starts a tracked operation; a granted one may hand over something to release. */
function start(w: World, parkedAs: string, begin: (signal: AbortSignal) => Promise<unknown>): void {
  const op: Op = { parkedAs, controller: new AbortController(), state: "pending" };
  w.ops.push(op);
  begin(op.controller.signal).then(
    (held) => {
      op.state = "granted";
      if (held !== undefined) w.held.push(held as Guard);
    },
    () => {
      op.state = "aborted";
    },
  );
}

function run(w: World, c: Command): void {
  switch (c.kind) {
    case "lock":
      start(w, "Mutex: acquire", (signal) => w.mu.acquire({ signal }));
      return;
    case "rLock":
      start(w, "RWMutex: acquireRead", (signal) => w.rw.acquireRead({ signal }));
      return;
    case "wLock":
      start(w, "RWMutex: acquire", (signal) => w.rw.acquire({ signal }));
      return;
    case "acquire":
      start(w, `Semaphore: acquire(${c.n})`, (signal) => w.sem.acquire(c.n, { signal }));
      return;
    case "wait":
      start(w, "WaitGroup: wait", (signal) => w.wg.wait({ signal }).then(() => undefined));
      return;
    case "go":
      start(w, "ErrGroup: go", (signal) =>
        w.group
          .go(
            () =>
              new Promise<void>((resolve) => {
                w.finishTask = resolve;
              }),
            { signal },
          )
          .then(() => undefined),
      );
      return;
    case "release": {
      const i = w.held.length === 0 ? -1 : c.pick % w.held.length;
      if (i >= 0) w.held.splice(i, 1)[0]?.release();
      return;
    }
    case "abort": {
      const pending = w.ops.filter((op) => op.state === "pending" && !op.controller.signal.aborted);
      pending[c.pick % Math.max(1, pending.length)]?.controller.abort("abort");
      return;
    }
    case "add":
      w.wg.add(1);
      return;
    case "done":
      if (w.wg.count > 0) w.wg.done();
      return;
    case "finishTask": {
      const finish = w.finishTask;
      w.finishTask = undefined;
      finish?.();
      return;
    }
  }
}

describe("the diagnostics inventory of the sync primitives", () => {
  it("after every command it lists exactly the still-pending operations, oldest first", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 40 }), async (commands) => {
        enableDiagnostics();
        try {
          const w: World = {
            mu: new Mutex(),
            rw: new RWMutex(),
            sem: new Semaphore(3),
            wg: new WaitGroup(),
            group: new ErrGroup({ limit: 1 }),
            ops: [],
            held: [],
            finishTask: undefined,
          };
          // The ErrGroup's slot is taken by a task that the commands finish.
          w.group.tryGo(
            () =>
              new Promise<void>((resolve) => {
                w.finishTask = resolve;
              }),
          );
          for (const c of commands) {
            run(w, c);
            await flush();
            const expected = w.ops.filter((op) => op.state === "pending").map((op) => op.parkedAs);
            expect(parkedWaiters().map((p) => `${p.primitive}: ${p.operation}`)).toEqual(expected);
          }
        } finally {
          disableDiagnostics();
        }
      }),
      { numRuns: 200 },
    );
  });
});

/**
 * Stress: three producers (two blocking, one async) and five consumers (blocking,
 * async, batched, and the main thread) on tiny rings, so that nearly every
 * operation waits and wakes someone. Every value must arrive exactly once and in
 * order per producer, and every waiter and wake-up count must return to zero.
 * Scaled by the environment variable CSP_STRESS (default 1).
 */

import { stressScale } from "@csp-kit/testkit/core";
import { afterEach, describe, expect, it } from "vitest";
import { SharedChannel } from "../src/index.js";
import { type FixtureWorker, startWorker } from "./fixtures/start-worker.js";
import { coreOf } from "./support.js";

const SCALE = stressScale();
const PER_PRODUCER = 3000 * SCALE;

const started: FixtureWorker[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((w) => w.worker.terminate()));
});

describe("SharedChannel under contention", () => {
  for (const capacity of [1, 3]) {
    it(
      `loses and duplicates nothing with capacity ${capacity}, 3 producers and 5 consumers`,
      async () => {
        const ch = new SharedChannel<number>(capacity);
        const run = (name: string, data: Record<string, unknown>) => {
          const w = startWorker(name, { handle: ch.handle, ...data });
          started.push(w);
          return w;
        };
        const producers = [1, 2, 3].map((id) =>
          run("producer", { id, count: PER_PRODUCER, mode: id === 3 ? "async" : "sync" }),
        );
        const consumers = (["sync", "async", "batch", "sync"] as const).map((mode) => run("consumer", { mode }));
        const mainGot: number[] = [];
        const mainLoop = (async () => {
          for (let r = await ch.recvBatch(2); r.isSome(); r = await ch.recvBatch(2)) mainGot.push(...r.value);
        })();
        await Promise.all(producers.map((p) => p.message((m) => m === "done")));
        ch.close();
        await mainLoop;
        const lists = [mainGot];
        for (const c of consumers) {
          lists.push(((await c.message((m) => typeof m === "object" && m !== null)) as { got: number[] }).got);
        }
        await Promise.all(consumers.map((c) => c.exited));

        const all = lists.flat().sort((a, b) => a - b);
        expect(all).toEqual([1, 2, 3].flatMap((id) => Array.from({ length: PER_PRODUCER }, (_, i) => id * 1e6 + i)));
        for (const list of lists) {
          const last = new Map<number, number>();
          for (const v of list) {
            const id = Math.floor(v / 1e6);
            expect(v).toBeGreaterThan(last.get(id) ?? -1);
            last.set(id, v);
          }
        }
        // Every thread that waited has gone: no registration and no unacknowledged wake-up is left.
        expect(coreOf(ch).ring.registered).toEqual({ receivers: 0, senders: 0, dataWoken: 0, roomWoken: 0 });
      },
      60_000 * SCALE,
    );
  }
});

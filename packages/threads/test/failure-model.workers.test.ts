/**
 * The SharedChannel failure model with real `worker.terminate()`: a thread
 * killed in the middle of a receive or a send never wedges the survivors, and
 * nothing acknowledged is lost. (docs/design/shared-channel.md, "Failure
 * model"; the deterministic cases are in test/internal/stall.test.ts, the
 * hundreds-of-kills run in failure-model.stress.test.ts.)
 *
 * Each case kills a victim after a random number of its operations, so the
 * kill lands anywhere in its loop, and repeats that many times.
 */

import { flush, stressScale } from "@csp-kit/testkit/core";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { isSharedChannelBrokenError, SharedChannel } from "../src/index.js";
import { removeBundles } from "./fixtures/bundle.js";
import { startVictim, type Victim, VictimBoard, type VictimRole } from "./fixtures/victims.js";

const SCALE = stressScale();
const KILLS = 16 * SCALE;
/** Short, so that recovering a dead sender's claim does not dominate the run time. */
const STALL_MS = 30;
/** Large enough that the victim is mostly busy taking or sending rather than waiting. */
const CAPACITY = 64;

const started: Victim[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((v) => v.worker.terminate()));
});
afterAll(() => removeBundles());

/** Waits (yielding to the event loop, no timers) until `victim` has done `n` operations or exited. */
async function untilProgress(board: VictimBoard, victim: Victim, n: number, work: () => void): Promise<void> {
  let exited = false;
  void victim.gone.then(() => {
    exited = true;
  });
  while (Atomics.load(board.progress, victim.id) < n && !exited) {
    work();
    await flush();
  }
}

/** Everything this thread can take now, without waiting. */
function drainNow(ch: SharedChannel<number>): number[] {
  const got: number[] = [];
  for (let r = ch.tryRecv(); r !== "would-block" && r.isSome(); r = ch.tryRecv()) got.push(r.value);
  return got;
}

/** The channel still works through two wrap-arounds: every trySend on an empty channel is "sent". */
function expectWorking(ch: SharedChannel<number>): void {
  expect(ch.len).toBe(0);
  for (let i = 0; i < 2 * ch.cap + 1; i++) {
    expect(ch.trySend(-1 - i), `trySend #${i} on an empty channel`).toBe("sent");
    expect(String(ch.tryRecv())).toBe(`Some(${-1 - i})`);
  }
}

describe("a thread terminated in the middle of an operation", () => {
  for (const role of ["recv-try", "recv-sync", "recv-batch"] as const satisfies readonly VictimRole[]) {
    it(`a receiver killed while it takes values (${role}) never leaves "would-block" on an empty channel; ` +
      "at most one receive's values go with it", async () => {
      for (let kill = 0; kill < KILLS; kill++) {
        const ch = new SharedChannel<number>(CAPACITY, { stallTimeout: STALL_MS });
        const board = new VictimBoard(1);
        let next = 0;
        const refill = () => {
          while (ch.trySend(next) === "sent") next++;
        };
        refill();
        const victim = await startVictim(board, ch, 0, role);
        started.push(victim);
        await victim.ready;
        board.release();
        await untilProgress(board, victim, 1 + Math.floor(Math.random() * 300), refill);
        await victim.worker.terminate();
        const drained = drainNow(ch);
        // No wedge: the channel is empty and takes values again, all the way round.
        expectWorking(ch);
        // No loss beyond what the killed receive took, and no duplicate.
        const got = [...board.received(0), ...drained];
        expect(new Set(got).size).toBe(got.length);
        expect(next - got.length).toBeGreaterThanOrEqual(0);
        expect(next - got.length).toBeLessThanOrEqual(role === "recv-batch" ? 3 : 1);
      }
    }, 120_000);
  }

  for (const role of ["send-try", "send-sync", "send-async"] as const satisfies readonly VictimRole[]) {
    it(`a sender killed while it sends (${role}) never wedges the receivers; every send it saw return is received once`, async () => {
      for (let kill = 0; kill < KILLS; kill++) {
        const ch = new SharedChannel<number>(CAPACITY, { stallTimeout: STALL_MS });
        const board = new VictimBoard(1);
        const got: number[] = [];
        const take = () => got.push(...drainNow(ch));
        const victim = await startVictim(board, ch, 0, role);
        started.push(victim);
        await victim.ready;
        board.release();
        await untilProgress(board, victim, 1 + Math.floor(Math.random() * 300), take);
        await victim.worker.terminate();
        const acked = Atomics.load(board.acked, 0);
        // Whatever the killed send left behind, the receivers get past it: drain to the end.
        ch.close();
        let broken = false;
        try {
          for (let r = await ch.recv(); r.isSome(); r = await ch.recv()) got.push(r.value);
        } catch (error) {
          if (!isSharedChannelBrokenError(error)) throw error;
          broken = true;
        }
        expect(new Set(got).size).toBe(got.length);
        // Every acknowledged send arrived, in order; at most the one in flight arrived besides.
        expect(got.slice(0, acked)).toEqual(Array.from({ length: acked }, (_, i) => i));
        expect(got.length - acked).toBeLessThanOrEqual(1);
        if (broken) expect(() => ch.trySend(0)).toThrow(/broken/);
      }
    }, 120_000);
  }
});

/**
 * Stress: hundreds of real `worker.terminate()` calls at random points on
 * senders and receivers of SharedChannels (docs/design/shared-channel.md,
 * "Failure model"). Each round makes a small channel and runs, at once:
 *
 * - victims: six threads with random roles (trySend / sendSync / await send,
 *   tryRecv / recvSync / await recv / await recvBatch), each terminated after
 *   a random number of its operations — wherever that leaves it;
 * - survivors: a sending and a receiving thread on the blocking calls (they
 *   live through every round), and the main thread sending and receiving
 *   with the async calls.
 *
 * Checked every round:
 * - no wedge: once the victims are dead, every survivor's operations complete
 *   or fail with SharedChannelBrokenError, and the round ends within a bound;
 * - no silent loss: every value whose send returned (survivors count theirs,
 *   victims record theirs in shared memory) is received exactly once — by a
 *   survivor, or by a victim that recorded it — except at most the values of
 *   one receive per killed receiver (the receive in flight when it died);
 * - no duplicate, and nothing received that was never sent.
 *
 * Scaled by the environment variable CSP_STRESS (default 1: 35 rounds, 210 kills).
 */

import { Worker } from "node:worker_threads";
import { flush, stressScale } from "@csp-kit/testkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSharedChannelBrokenError, SharedChannel } from "../src/index.js";
import { bundledFixture, removeBundles } from "./fixtures/bundle.js";
import { startVictim, type Victim, VictimBoard, type VictimRole } from "./fixtures/victims.js";

const SCALE = stressScale();
const ROUNDS = 35 * SCALE;
const VICTIMS = 6;
const ROLES: readonly VictimRole[] = [
  "send-try",
  "send-sync",
  "send-async",
  "recv-try",
  "recv-sync",
  "recv-async",
  "recv-batch",
];
/** Short, so that a lost wake-up or a dead claim costs the round little; long enough that a
 * preempted (live) writer is rarely taken for a dead one on a loaded machine. */
const STALL_MS = 50;
/** A round that has not ended this long after its victims died is wedged (a wedge is forever;
 * the bound is generous because CI runs this beside other test files on two cores). */
const ROUND_LIMIT_MS = 30_000;
const SURVIVOR_SENDS = 300;
const MAIN_SENDER = 50;
const SYNC_SENDER = 51;

/** A long-lived survivor thread (fixtures/survivor.ts) and its next reply. */
class Survivor {
  constructor(readonly worker: Worker) {}
  static async start(): Promise<Survivor> {
    const worker = new Worker(await bundledFixture("survivor"));
    await new Promise<void>((resolve, reject) => {
      worker.once("message", () => resolve());
      worker.once("error", reject);
    });
    return new Survivor(worker);
  }
  run<R>(job: Record<string, unknown>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.worker.once("message", (m: { error?: string } & R) => {
        if (m.error !== undefined) reject(new Error(`survivor failed: ${m.error}`));
        else resolve(m);
      });
      this.worker.postMessage(job);
    });
  }
}

let syncSender: Survivor;
let syncReceiver: Survivor;
beforeAll(async () => {
  [syncSender, syncReceiver] = await Promise.all([Survivor.start(), Survivor.start()]);
}, 30_000);
afterAll(async () => {
  await Promise.all([syncSender?.worker.terminate(), syncReceiver?.worker.terminate()]);
  removeBundles();
});

function pick<T>(xs: readonly T[]): T {
  return xs[Math.floor(Math.random() * xs.length)] as T;
}

/** Rejects after `ms` with a "wedged" error naming `what`; the timer is cleared when `p` settles. */
function within<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`wedged: ${what()} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

interface RoundReport {
  readonly broken: boolean;
  readonly kills: number;
}

async function round(index: number): Promise<RoundReport> {
  const capacity = pick([1, 2, 4, 8]);
  const ch = new SharedChannel<number>(capacity, { stallTimeout: STALL_MS });
  const board = new VictimBoard(VICTIMS);
  const roles = Array.from({ length: VICTIMS }, () => pick(ROLES));
  const victims: Victim[] = await Promise.all(roles.map((role, id) => startVictim(board, ch, id, role)));
  let phase = "starting the survivors";
  try {
    // Survivors: blocking ones in their threads, async ones here.
    const syncSent = syncSender.run<{ acked: number }>({
      role: "send",
      handle: ch.handle,
      id: SYNC_SENDER,
      count: SURVIVOR_SENDS,
    });
    const syncGot = syncReceiver.run<{ got: number[]; broken: boolean }>({ role: "recv", handle: ch.handle });
    let mainAcked = 0;
    const mainSent = (async () => {
      try {
        for (; mainAcked < SURVIVOR_SENDS; mainAcked++) await ch.send(MAIN_SENDER * 2 ** 20 + mainAcked);
      } catch (error) {
        if (!isSharedChannelBrokenError(error)) throw error;
      }
    })();
    const mainGot: number[] = [];
    let mainBroken = false;
    const mainRecv = (async () => {
      try {
        for (let r = await ch.recv(); r.isSome(); r = await ch.recv()) mainGot.push(r.value);
      } catch (error) {
        if (!isSharedChannelBrokenError(error)) throw error;
        mainBroken = true;
      }
    })();

    // Kill every victim after a random number of its operations.
    phase = "killing the victims";
    await Promise.all(victims.map((v) => v.ready.catch(() => {})));
    board.release();
    // A victim dies after a random number of its operations, or of our event-loop turns if it is
    // blocked meanwhile (killed while it waits: a random point too).
    const targets = victims.map(() => 1 + Math.floor(Math.random() * 200));
    const turns = victims.map(() => Math.floor(Math.random() * 20));
    let turn = 0;
    const killed = victims.map(() => false);
    const dying: Promise<number>[] = [];
    let exited = victims.map(() => false);
    victims.forEach((v, i) => {
      void v.gone.then(() => {
        exited = exited.map((e, j) => e || j === i);
      });
    });
    await within(
      (async () => {
        while (killed.some((k) => !k)) {
          for (let i = 0; i < victims.length; i++) {
            if (killed[i]) continue;
            const v = victims[i] as Victim;
            if (
              exited[i] ||
              turn >= (turns[i] as number) ||
              Atomics.load(board.progress, v.id) >= (targets[i] as number)
            ) {
              killed[i] = true;
              dying.push(v.worker.terminate());
            }
          }
          await flush();
          turn++;
        }
        await Promise.all(dying);
      })(),
      ROUND_LIMIT_MS,
      () => `round ${index}: the victims' progress (${Array.from(board.progress).join(",")})`,
    );

    // The survivors finish their sends (or find the channel broken), then the channel is closed.
    phase = "the survivors' sends";
    const [{ acked: syncAcked }] = await within(Promise.all([syncSent, mainSent]), ROUND_LIMIT_MS, () => {
      return `round ${index} (capacity ${capacity}, victims ${roles.join(",")}): the survivors' sends`;
    });
    try {
      ch.close();
    } catch (error) {
      if (!isSharedChannelBrokenError(error)) throw error;
    }
    phase = "the survivors' receives";
    const [{ got: syncList, broken: syncBroken }] = await within(
      Promise.all([syncGot, mainRecv]),
      ROUND_LIMIT_MS,
      () => {
        return `round ${index} (capacity ${capacity}, victims ${roles.join(",")}): the survivors' receives`;
      },
    );
    const broken = syncBroken || mainBroken;

    // Accounting.
    phase = "accounting";
    const received = [...mainGot, ...syncList];
    let allowance = 0;
    for (const v of victims) {
      if (!v.role.startsWith("recv")) continue;
      received.push(...board.received(v.id));
      allowance += v.role === "recv-batch" ? 3 : 1;
    }
    const where = `round ${index} (capacity ${capacity}, victims ${roles.join(",")}, broken ${broken})`;
    expect(new Set(received).size, `${where}: a value was received twice`).toBe(received.length);
    const acked = new Map<number, number>([
      [MAIN_SENDER, mainAcked],
      [SYNC_SENDER, syncAcked],
    ]);
    for (const v of victims) if (v.role.startsWith("send")) acked.set(v.id, Atomics.load(board.acked, v.id));
    const got = new Set(received);
    let missing = 0;
    for (const [id, n] of acked) {
      for (let seq = 0; seq < n; seq++) if (!got.has(id * 2 ** 20 + seq)) missing++;
    }
    expect(missing, `${where}: acknowledged values missing beyond what killed receives took`).toBeLessThanOrEqual(
      allowance,
    );
    for (const value of received) {
      const id = Math.floor(value / 2 ** 20);
      const seq = value % 2 ** 20;
      // At most the one send in flight when its thread was killed arrives unacknowledged.
      expect(acked.has(id) && seq <= (acked.get(id) as number), `${where}: ${value} was never sent`).toBe(true);
    }
    return { broken, kills: victims.length };
  } catch (error) {
    throw new Error(`round ${index} failed in ${phase}: ${(error as Error).message}`, { cause: error });
  } finally {
    await Promise.all(victims.map((v) => v.worker.terminate()));
  }
}

describe("SharedChannel with threads terminated at random points", () => {
  it(
    `loses nothing acknowledged and wedges no survivor over ${ROUNDS} rounds of ${VICTIMS} kills`,
    async () => {
      let kills = 0;
      let broken = 0;
      const started = performance.now();
      for (let i = 0; i < ROUNDS; i++) {
        const r = await round(i);
        kills += r.kills;
        if (r.broken) broken++;
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`failure model: ${kills} kills in ${ROUNDS} rounds, ${broken} channels broken, ${seconds} s`);
      expect(kills).toBe(ROUNDS * VICTIMS);
    },
    120_000 * SCALE,
  );
});

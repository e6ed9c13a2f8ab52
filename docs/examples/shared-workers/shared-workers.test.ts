import { settle } from "@csp-kit/timers/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SharedWorkers, WorkerNotHeldError } from "./shared-workers.js";

/** A worker of the fake factory: which key, which incarnation, and whether it was stopped. */
interface FakeWorker {
  readonly key: string;
  readonly id: number;
  stopped: boolean;
}

/**
 * A factory that checks "one live worker per key" itself: a start while the key
 * has a live worker (or one starting or stopping) throws, and so does a second stop.
 * The `start` / `stop` hooks let a test hold a start or a stop in the middle, or fail a start.
 */
function fakeFactory(
  hooks: { start?: (key: string) => Promise<unknown>; stop?: (key: string) => Promise<unknown> } = {},
) {
  /** Keys whose worker is starting, live or stopping: added when a start begins, removed when its stop ends. */
  const alive = new Set<string>();
  const workers: FakeWorker[] = [];
  const factory = {
    async start(key: string): Promise<FakeWorker> {
      if (alive.has(key)) throw new Error(`a second worker was started for ${key}`);
      alive.add(key);
      try {
        await hooks.start?.(key);
      } catch (error) {
        alive.delete(key); // a failed start leaves nothing running
        throw error;
      }
      const worker = { key, id: workers.length + 1, stopped: false };
      workers.push(worker);
      return worker;
    },
    async stop(worker: FakeWorker, key: string): Promise<void> {
      if (worker.stopped) throw new Error(`worker ${worker.id} was stopped twice`);
      await hooks.stop?.(key);
      worker.stopped = true;
      alive.delete(key);
    },
  };
  return { factory, alive, workers };
}

/** A promise the test opens by hand (Node 20 has no `Promise.withResolvers`). */
function gate(): { readonly opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe("a reference-counted map of shared workers", () => {
  it("starts a key's worker on its first acquire, and shares it with later acquires, counting references", async () => {
    const { factory, workers } = fakeFactory();
    const registry = new SharedWorkers(factory);
    expect(registry.size).toBe(0);
    const a1 = await registry.acquire("broker-1");
    const a2 = await registry.acquire("broker-1");
    const b1 = await registry.acquire("broker-2");
    expect(a2).toBe(a1);
    expect(b1).not.toBe(a1);
    expect(workers.map((w) => w.key)).toEqual(["broker-1", "broker-2"]);
    expect(registry.refs("broker-1")).toBe(2);
    expect(registry.refs("broker-2")).toBe(1);
    expect(registry.size).toBe(2);
  });

  it("stops a worker when its last reference is released, and forgets its key", async () => {
    const { factory } = fakeFactory();
    const registry = new SharedWorkers(factory);
    const w = await registry.acquire("broker-1");
    await registry.acquire("broker-1");
    await registry.release("broker-1", w);
    expect(w.stopped).toBe(false);
    expect(registry.refs("broker-1")).toBe(1);
    await registry.release("broker-1", w);
    expect(w.stopped).toBe(true);
    expect(registry.refs("broker-1")).toBe(0);
    expect(registry.size).toBe(0);
  });

  it("starts a fresh worker for a key acquired again after its worker stopped", async () => {
    const { factory } = fakeFactory();
    const registry = new SharedWorkers(factory);
    const first = await registry.acquire("broker-1");
    await registry.release("broker-1", first);
    const second = await registry.acquire("broker-1");
    expect(second).not.toBe(first);
    expect(second.id).toBe(2);
    expect(second.stopped).toBe(false);
  });

  it("gives every acquire that arrives while a key's worker is starting that same worker", async () => {
    const dialing = gate();
    const { factory, workers } = fakeFactory({ start: () => dialing.opened });
    const registry = new SharedWorkers(factory);
    const acquires = [registry.acquire("broker-1"), registry.acquire("broker-1"), registry.acquire("broker-1")];
    await settle();
    expect(registry.size).toBe(0); // still dialing: not registered yet
    dialing.open();
    const got = await Promise.all(acquires);
    expect(new Set(got).size).toBe(1);
    expect(workers).toHaveLength(1);
    expect(registry.refs("broker-1")).toBe(3);
  });

  it("makes an acquire that races with the last release wait for the stop, then start a new worker", async () => {
    const draining = gate();
    const { factory } = fakeFactory({ stop: () => draining.opened });
    const registry = new SharedWorkers(factory);
    const old = await registry.acquire("broker-1");
    const release = registry.release("broker-1", old);
    const next = registry.acquire("broker-1");
    await settle();
    expect(old.stopped).toBe(false); // still draining, and the acquire waits behind it
    draining.open();
    await release;
    const fresh = await next;
    expect(old.stopped).toBe(true);
    expect(fresh).not.toBe(old);
    expect(fresh.stopped).toBe(false);
  });

  it("rejects a release of a worker that is not held with WorkerNotHeldError, and changes nothing", async () => {
    const { factory } = fakeFactory();
    const registry = new SharedWorkers(factory);
    const a = await registry.acquire("broker-1");
    const b = await registry.acquire("broker-2");
    await expect(registry.release("broker-1", b)).rejects.toBeInstanceOf(WorkerNotHeldError);
    await registry.release("broker-1", a);
    await expect(registry.release("broker-1", a)).rejects.toThrow(WorkerNotHeldError);
    expect(registry.refs("broker-2")).toBe(1);
    expect(b.stopped).toBe(false);
  });

  it("registers nothing when a worker fails to start, and starts one on the next acquire", async () => {
    let refuse = true;
    const { factory, workers } = fakeFactory({
      start: async () => {
        if (refuse) throw new Error("connection refused");
      },
    });
    const registry = new SharedWorkers(factory);
    await expect(registry.acquire("broker-1")).rejects.toThrow("connection refused");
    expect(registry.size).toBe(0);
    expect(workers).toHaveLength(0);
    refuse = false;
    const w = await registry.acquire("broker-1");
    expect(w.id).toBe(1);
    expect(registry.refs("broker-1")).toBe(1);
  });

  it("takes no reference for an acquire aborted while it waits for the lock", async () => {
    const dialing = gate();
    const { factory } = fakeFactory({ start: () => dialing.opened });
    const registry = new SharedWorkers(factory);
    const first = registry.acquire("broker-1"); // holds the lock while dialing
    const stop = new AbortController();
    const second = registry.acquire("broker-1", { signal: stop.signal });
    stop.abort(new Error("caller gave up"));
    await expect(second).rejects.toThrow("caller gave up");
    dialing.open();
    await first;
    expect(registry.refs("broker-1")).toBe(1);
  });

  it("never runs two workers for a key nor stops one in use, and stops every worker, whatever the interleaving", async () => {
    const user = fc.record({
      key: fc.constantFrom("broker-1", "broker-2"),
      rounds: fc.integer({ min: 1, max: 3 }),
      abort: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(user, { minLength: 1, maxLength: 6 }), async (s, users) => {
        /** References each worker holds in the users' view, checked when the registry stops it. */
        const held = new Map<FakeWorker, number>();
        const { factory, alive, workers } = fakeFactory({
          start: (key) => s.schedule(Promise.resolve(), `start ${key}`),
          stop: (key) => s.schedule(Promise.resolve(), `stop ${key}`),
        });
        const registry = new SharedWorkers<string, FakeWorker>({
          start: (key) => factory.start(key),
          stop: async (worker, key) => {
            expect(held.get(worker) ?? 0).toBe(0); // nobody holds the worker being stopped
            await factory.stop(worker, key);
          },
        });

        const run = async ({ key, rounds, abort }: (typeof users)[number], i: number) => {
          const controller = new AbortController();
          if (abort) void s.schedule(Promise.resolve(), `abort ${i}`).then(() => controller.abort());
          for (let round = 0; round < rounds; round++) {
            await s.schedule(Promise.resolve(), `user ${i} acquires ${key}`);
            let worker: FakeWorker;
            try {
              worker = await registry.acquire(key, { signal: controller.signal });
            } catch (reason) {
              expect(reason).toBe(controller.signal.reason); // only an abort may fail an acquire
              return;
            }
            expect(worker.key).toBe(key);
            expect(worker.stopped).toBe(false);
            held.set(worker, (held.get(worker) ?? 0) + 1);
            registry.assertInvariants();
            await s.schedule(Promise.resolve(), `user ${i} uses ${key}`);
            held.set(worker, held.get(worker)! - 1);
            await registry.release(key, worker);
            registry.assertInvariants();
          }
        };

        await s.waitFor(Promise.all(users.map(run)));
        expect(registry.size).toBe(0);
        expect(alive.size).toBe(0);
        expect(workers.every((w) => w.stopped)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

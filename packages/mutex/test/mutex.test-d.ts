import { describe, expectTypeOf, it } from "vitest";
import {
  Cond,
  ErrGroup,
  type Guard,
  type Locker,
  Mutex,
  Once,
  onceValue,
  type Permit,
  RWMutex,
  Semaphore,
  WaitGroup,
} from "../src/index.js";

describe("types", () => {
  it("acquire returns a Disposable guard; lock returns Promise<void>", () => {
    const mu = new Mutex();
    expectTypeOf(mu.acquire()).toEqualTypeOf<Promise<Guard>>();
    expectTypeOf<Guard>().toMatchTypeOf<Disposable>();
    expectTypeOf(mu.lock()).toEqualTypeOf<Promise<void>>();
    expectTypeOf(mu.tryLock()).toEqualTypeOf<boolean>();
  });

  it("a semaphore permit knows its weight", () => {
    const sem = new Semaphore(2);
    expectTypeOf(sem.acquire(2)).toEqualTypeOf<Promise<Permit>>();
    expectTypeOf<Permit["weight"]>().toEqualTypeOf<number>();
    expectTypeOf<Permit>().toMatchTypeOf<Guard>();
  });

  it("run helpers return the callback's awaited result", () => {
    const mu = new Mutex();
    expectTypeOf(mu.runExclusive(() => 1)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(mu.runExclusive(async () => "s")).toEqualTypeOf<Promise<string>>();
    const rw = new RWMutex();
    expectTypeOf(rw.runShared(() => [1] as const)).toEqualTypeOf<Promise<readonly [1]>>();
    expectTypeOf(new Semaphore(1).withPermits(1, async () => true)).toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(new WaitGroup().go(async () => 3)).toEqualTypeOf<Promise<number>>();
  });

  it("every lock is a Locker, so Cond accepts it", () => {
    expectTypeOf<Mutex>().toMatchTypeOf<Locker>();
    expectTypeOf<RWMutex>().toMatchTypeOf<Locker>();
    expectTypeOf(new RWMutex().rLocker()).toEqualTypeOf<Locker>();
    expectTypeOf(Cond).constructorParameters.toEqualTypeOf<[locker: Locker]>();
  });

  it("once helpers keep the value type", () => {
    expectTypeOf(onceValue(async () => ({ port: 1 }))).toEqualTypeOf<() => Promise<{ port: number }>>();
    expectTypeOf(new Once().do(() => 1)).toEqualTypeOf<Promise<void>>();
  });

  it("wait options take only an AbortSignal", () => {
    const mu = new Mutex();
    // @ts-expect-error a timeout number is not an option: use AbortSignal.timeout(ms)
    void mu.lock({ timeout: 5 });
    expectTypeOf(mu.lock).parameter(0).toEqualTypeOf<{ readonly signal?: AbortSignal | undefined } | undefined>();
  });

  it("an ErrGroup task takes the group signal and may return anything; wait() resolves void", () => {
    const g = new ErrGroup({ limit: 2 });
    expectTypeOf(g.go(async (signal) => signal.aborted)).toEqualTypeOf<Promise<void>>();
    expectTypeOf(g.tryGo(() => 42)).toEqualTypeOf<boolean>();
    expectTypeOf(g.wait()).toEqualTypeOf<Promise<void>>();
    expectTypeOf(g.signal).toEqualTypeOf<AbortSignal>();
    // @ts-expect-error the limit is a number (Infinity for none), not a string
    void new ErrGroup({ limit: "4" });
  });
});

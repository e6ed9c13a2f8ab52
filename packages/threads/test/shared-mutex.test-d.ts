import { Cond, type Locker } from "@csp-kit/mutex";
import { describe, expectTypeOf, it } from "vitest";
import { type Guard, SharedMutex } from "../src/index.js";

describe("SharedMutex types", () => {
  it("is a Locker of @csp-kit/mutex, so Cond accepts it", () => {
    expectTypeOf<SharedMutex>().toMatchTypeOf<Locker>();
    expectTypeOf(new Cond(new SharedMutex())).toEqualTypeOf<Cond>();
  });

  it("run helpers return the callback's result; acquire returns a Disposable guard", () => {
    expectTypeOf(new SharedMutex().runExclusiveSync(() => 1n)).toEqualTypeOf<bigint>();
    expectTypeOf(new SharedMutex().runExclusive(async () => "s")).toEqualTypeOf<Promise<string>>();
    expectTypeOf(new SharedMutex().acquire()).toEqualTypeOf<Promise<Guard>>();
    expectTypeOf<Guard>().toMatchTypeOf<Disposable>();
  });
});

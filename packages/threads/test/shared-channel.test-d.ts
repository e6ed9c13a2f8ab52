import { describe, expectTypeOf, it } from "vitest";
import {
  type Option,
  type SharedChannel,
  SharedChannel as SharedChannelClass,
  type SharedChannelHandle,
  type SharedTryRecvResult,
  type SharedTrySendResult,
} from "../src/index.js";

declare const ch: SharedChannel<number>;

describe("SharedChannel types", () => {
  it("types receives as Option and try-operations as the Channel shapes", () => {
    expectTypeOf(ch.recv()).toEqualTypeOf<Promise<Option<number>>>();
    expectTypeOf(ch.recvSync()).toEqualTypeOf<Option<number>>();
    expectTypeOf(ch.recvSync({ timeout: 10 })).toEqualTypeOf<Option<number> | "timed-out">();
    expectTypeOf(ch.sendSync(1)).toEqualTypeOf<void>();
    expectTypeOf(ch.sendSync(1, { timeout: 10 })).toEqualTypeOf<"sent" | "timed-out">();
    expectTypeOf(ch.recvBatch()).toEqualTypeOf<Promise<Option<number[]>>>();
    expectTypeOf(ch.tryRecv()).toEqualTypeOf<SharedTryRecvResult<number>>();
    expectTypeOf(ch.tryRecv()).toEqualTypeOf<Option<number> | "would-block">();
    expectTypeOf(ch.trySend(1)).toEqualTypeOf<SharedTrySendResult>();
    expectTypeOf<SharedTrySendResult>().toEqualTypeOf<"sent" | "would-block" | "closed">();
    expectTypeOf(ch.send).parameter(0).toEqualTypeOf<number>();
  });

  it("rebuilds a typed channel from a handle", () => {
    expectTypeOf(ch.handle).toEqualTypeOf<SharedChannelHandle>();
    expectTypeOf(SharedChannelClass.from<string>(ch.handle)).toEqualTypeOf<SharedChannel<string>>();
    expectTypeOf<SharedChannelHandle["buffer"]>().toEqualTypeOf<SharedArrayBuffer>();
  });

  it("iterates values of T", () => {
    expectTypeOf(ch[Symbol.asyncIterator]().next()).resolves.toEqualTypeOf<IteratorResult<number, undefined>>();
  });
});

import type { None, Option } from "ts-results-es";
import { describe, expectTypeOf, it } from "vitest";
import { Channel, CLOSED, type DropReason, type TryRecvResult, type TrySendResult, WOULD_BLOCK } from "../src/index.js";

describe("Channel types", () => {
  it("recv resolves an Option of the element type", () => {
    const ch = new Channel<number | undefined>();
    expectTypeOf(ch.recv()).toEqualTypeOf<Promise<Option<number | undefined>>>();
  });

  it("tryRecv narrows from would-block to Some / None", () => {
    const ch = new Channel<string>();
    const r = ch.tryRecv();
    expectTypeOf(r).toEqualTypeOf<TryRecvResult<string>>();
    if (r !== "would-block") {
      expectTypeOf(r).toEqualTypeOf<Option<string>>();
      if (r.isSome()) expectTypeOf(r.value).toEqualTypeOf<string>();
      else expectTypeOf(r).toExtend<None>();
    }
  });

  it("the value-returning receives narrow to the element type once the sentinels are ruled out", async () => {
    const ch = new Channel<number>();
    expectTypeOf(ch.recvValue()).toEqualTypeOf<Promise<number | typeof CLOSED>>();
    let v = ch.tryRecvValue();
    expectTypeOf(v).toEqualTypeOf<number | typeof CLOSED | typeof WOULD_BLOCK>();
    if (v === WOULD_BLOCK) v = await ch.recvValue();
    expectTypeOf(v).toEqualTypeOf<number | typeof CLOSED>();
    if (v !== CLOSED) expectTypeOf(v).toEqualTypeOf<number>();
  });

  it("batch receives narrow to an array of the element type", () => {
    const ch = new Channel<string>();
    expectTypeOf(ch.recvBatch()).toEqualTypeOf<Promise<Option<string[]>>>();
    const r = ch.tryRecvBatch(10);
    expectTypeOf(r).toEqualTypeOf<TryRecvResult<string[]>>();
    if (r !== "would-block" && r.isSome()) expectTypeOf(r.value).toEqualTypeOf<string[]>();
  });

  it("onDrop gets the element type and a DropReason, and exists only on the dropping kinds", () => {
    Channel.ring<Uint8Array>(4, {
      onDrop: (value, reason) => {
        expectTypeOf(value).toEqualTypeOf<Uint8Array>();
        expectTypeOf(reason).toEqualTypeOf<DropReason>();
        expectTypeOf(reason).toEqualTypeOf<"ring-overwrite" | "overflow">();
      },
    });
    Channel.overflowing<string>(4, { onDrop: (value) => expectTypeOf(value).toEqualTypeOf<string>() });
    // @ts-expect-error a buffered channel never drops: it takes no onDrop
    Channel.buffered<string>(4, { onDrop: () => {} });
  });

  it("only a resizable channel can be resized", () => {
    const r = Channel.resizable<number>(2);
    expectTypeOf(r).toExtend<Channel<number>>();
    expectTypeOf(r.resize).toEqualTypeOf<(capacity: number) => void>();
    // @ts-expect-error a plain channel has a fixed capacity
    new Channel<number>(2).resize(3);
  });

  it("trySend reports one of three outcomes", () => {
    expectTypeOf(new Channel<number>().trySend(1)).toEqualTypeOf<TrySendResult>();
    expectTypeOf<TrySendResult>().toEqualTypeOf<"sent" | "would-block" | "closed">();
  });

  it("send accepts only the element type", () => {
    const ch = new Channel<number>();
    // @ts-expect-error a string is not a number
    void ch.send("1");
    expectTypeOf(ch.send(1)).toEqualTypeOf<Promise<void>>();
  });

  it("for-await yields the element type", async () => {
    const ch = new Channel<{ id: number }>();
    ch.close();
    for await (const v of ch) expectTypeOf(v).toEqualTypeOf<{ id: number }>();
  });
});

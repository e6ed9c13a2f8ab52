import type { Channel, Option } from "@csp-kit/channel";
import type { HasPort } from "@csp-kit/channel/port";
import { describe, expectTypeOf, it } from "vitest";
import {
  type PreparedSelect,
  prepareSelect,
  type RecvCase,
  type RecvResult,
  recv,
  type SelectResult,
  type SendCase,
  type SendResult,
  select,
  send,
  trySelect,
} from "../src/index.js";

declare const input: Channel<string>;
declare const output: Channel<string[]> | null;
declare const timer: HasPort<Date>;
declare const signal: AbortSignal | undefined;

describe("select types", () => {
  it("recv and send cases carry the channel's element type", () => {
    expectTypeOf(recv(input)).toEqualTypeOf<RecvCase<string>>();
    expectTypeOf(send(output, ["a"])).toEqualTypeOf<SendCase<string[]>>();
    expectTypeOf(recv(timer)).toEqualTypeOf<RecvCase<Date>>();
  });

  it("a send case takes its value type from the channel, not from the value", () => {
    // @ts-expect-error a number is not a string[]
    send(output, 1);
    // @ts-expect-error a string is not a Date
    recv<Date>(input);
  });

  it("resolves a union with one member per case, named by the object's keys", () => {
    const r = select({ msg: recv(input), flush: recv(timer), out: send(output, []) }, { signal });
    expectTypeOf(r).toEqualTypeOf<Promise<RecvResult<"msg", string> | RecvResult<"flush", Date> | SendResult<"out">>>();
  });

  it("narrows on r.case to that case's value type", async () => {
    const r = await select({ msg: recv(input), flush: recv(timer), out: send(output, []) });
    expectTypeOf(r.case).toEqualTypeOf<"msg" | "flush" | "out">();
    if (r.case === "msg") {
      expectTypeOf(r.value).toEqualTypeOf<Option<string>>();
      if (r.value.isSome()) expectTypeOf(r.value.value).toEqualTypeOf<string>();
    } else if (r.case === "flush") {
      expectTypeOf(r.value).toEqualTypeOf<Option<Date>>();
    } else {
      expectTypeOf(r).toEqualTypeOf<SendResult<"out">>();
      // @ts-expect-error a send result has no value
      void r.value;
    }
    switch (r.case) {
      case "msg":
        expectTypeOf(r).toEqualTypeOf<RecvResult<"msg", string>>();
        break;
      case "flush":
        expectTypeOf(r).toEqualTypeOf<RecvResult<"flush", Date>>();
        break;
      case "out":
        expectTypeOf(r).toEqualTypeOf<SendResult<"out">>();
        break;
      default:
        expectTypeOf(r).toBeNever();
    }
  });

  it("makes the value of an un-narrowed result inaccessible", async () => {
    const r = await select({ msg: recv(input), out: send(output, []) });
    // @ts-expect-error not every case has a value
    void r.value;
    // @ts-expect-error "nope" is not a case name
    if (r.case === "nope") return;
  });

  it("adds undefined to trySelect's result for the default branch", () => {
    const r = trySelect({ msg: recv(input) });
    expectTypeOf(r).toEqualTypeOf<RecvResult<"msg", string> | undefined>();
    expectTypeOf(trySelect({})).toEqualTypeOf<undefined>();
  });

  it("types a dynamic case set by its value type", () => {
    const cases: Record<string, RecvCase<number>> = {};
    expectTypeOf<SelectResult<typeof cases>>().toEqualTypeOf<RecvResult<string, number>>();
  });

  it("distributes over a case that is either a receive or a send", () => {
    const c = Math.random() > 0.5 ? recv(input) : send(output, []);
    expectTypeOf<SelectResult<{ x: typeof c }>>().toEqualTypeOf<RecvResult<"x", string> | SendResult<"x">>();
  });

  it("accepts only cases as properties and only known options", () => {
    // @ts-expect-error a channel is not a case: wrap it in recv()
    void select({ msg: input });
    // @ts-expect-error unknown option
    void select({ msg: recv(input) }, { timeout: 5 });
    void select({ msg: recv(input) }, { priority: true, random: Math.random, signal: AbortSignal.timeout(1) });
  });

  it("accepts null and undefined channels for cases that are switched off", () => {
    expectTypeOf(recv<number>(null)).toEqualTypeOf<RecvCase<number>>();
    expectTypeOf(send<number>(undefined, 1)).toEqualTypeOf<SendCase<number>>();
  });
});

describe("send targets", () => {
  it("reject a receive-only source (a port without trySend) at compile time", () => {
    const receiveOnly = {} as HasPort<number>;
    expectTypeOf(recv(receiveOnly)).toEqualTypeOf<RecvCase<number>>();
    // @ts-expect-error a receive-only source cannot be a send target
    send(receiveOnly, 1);
  });
});

describe("prepareSelect types", () => {
  it("narrows its results on the case names, as select does", async () => {
    const sel = prepareSelect({ msg: recv(input), out: send(output, ["x"]) });
    expectTypeOf(sel).toEqualTypeOf<PreparedSelect<{ msg: RecvCase<string>; out: SendCase<string[]> }>>();
    const r = sel.trySelect() ?? (await sel.select({ signal }));
    if (r.case === "msg") expectTypeOf(r.value).toEqualTypeOf<Option<string>>();
    else expectTypeOf(r).toEqualTypeOf<SendResult<"out">>();
  });
});

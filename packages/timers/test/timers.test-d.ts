import { Channel, type Option, type TryRecvResult } from "@csp-kit/channel";
import type { HasPort } from "@csp-kit/channel/port";
import { recv, select, send, trySelect } from "@csp-kit/select";
import { describe, expectTypeOf, it } from "vitest";
import {
  after,
  type Clock,
  type ClockOptions,
  done,
  InvalidDurationError,
  isInvalidDurationError,
  type Receiver,
  realClock,
  type SleepOptions,
  sleep,
  Ticker,
  Timer,
} from "../src/index.js";
import { ManualClock, settle } from "../src/testing.js";

describe("timer channel types", () => {
  it("after, Timer.c and Ticker.c are receivers of the due time, done() a receiver of nothing", () => {
    expectTypeOf(after(1)).toEqualTypeOf<Receiver<number>>();
    expectTypeOf(new Timer(1).c).toEqualTypeOf<Receiver<number>>();
    expectTypeOf(new Ticker(1).c).toEqualTypeOf<Receiver<number>>();
    expectTypeOf(done(new AbortController().signal)).toEqualTypeOf<Receiver<never>>();
  });

  it("a receiver has the receive API of a Channel", () => {
    const c = after(1);
    expectTypeOf(c.recv()).toEqualTypeOf<Promise<Option<number>>>();
    expectTypeOf(c.recv({ signal: AbortSignal.timeout(1) })).toEqualTypeOf<Promise<Option<number>>>();
    expectTypeOf(c.tryRecv()).toEqualTypeOf<TryRecvResult<number>>();
    expectTypeOf(c.closed).toEqualTypeOf<boolean>();
    expectTypeOf(c).toExtend<AsyncIterable<number>>();
    expectTypeOf(c).toExtend<HasPort<number>>();
  });

  it("a receiver has no send API, and its closed flag is read-only", () => {
    expectTypeOf<Receiver<number>>().not.toHaveProperty("send");
    expectTypeOf<Receiver<number>>().not.toHaveProperty("trySend");
    expectTypeOf<Receiver<number>>().not.toHaveProperty("close");
    const c = after(1);
    // @ts-expect-error a timer channel cannot be sent to
    void c.send(1);
    // @ts-expect-error closed is read-only
    c.closed = true;
  });

  it("a Channel is a Receiver, so code that only receives accepts both", () => {
    expectTypeOf<Channel<string>>().toExtend<Receiver<string>>();
    const drain = (source: Receiver<number>) => source.tryRecv();
    drain(new Channel<number>());
    drain(after(5));
    // @ts-expect-error element types must match
    drain(new Channel<string>());
  });

  it("a timer's receive case narrows to its due time in a select result", async () => {
    const r = await select({ msg: recv(new Channel<string>()), timeout: recv(after(1)) });
    if (r.case === "timeout") expectTypeOf(r.value).toEqualTypeOf<Option<number>>();
    else expectTypeOf(r.value).toEqualTypeOf<Option<string>>();
    const t = trySelect({ stop: recv(done(new AbortController().signal)) });
    if (t !== undefined) expectTypeOf(t.value).toEqualTypeOf<Option<never>>();
  });
});

describe("controls and options", () => {
  it("Timer.stop and reset report whether the timer was pending; Ticker's return nothing", () => {
    expectTypeOf(new Timer(1).stop()).toEqualTypeOf<boolean>();
    expectTypeOf(new Timer(1).reset(2)).toEqualTypeOf<boolean>();
    expectTypeOf(new Ticker(1).stop()).toEqualTypeOf<void>();
    expectTypeOf(new Ticker(1).reset(2)).toEqualTypeOf<void>();
    expectTypeOf<Timer>().toExtend<Disposable>();
    expectTypeOf<Ticker>().toExtend<Disposable>();
  });

  it("sleep resolves nothing and takes a signal and a clock", () => {
    expectTypeOf(sleep(1)).toEqualTypeOf<Promise<void>>();
    expectTypeOf<SleepOptions>().toExtend<ClockOptions>();
    expectTypeOf<SleepOptions["signal"]>().toEqualTypeOf<AbortSignal | undefined>();
  });

  it("durations are numbers; the clock option takes any Clock, ManualClock included", () => {
    // @ts-expect-error durations are numbers of milliseconds
    after("1");
    // @ts-expect-error not a clock
    after(1, { clock: Date });
    const clock = new ManualClock();
    expectTypeOf(clock).toExtend<Clock>();
    expectTypeOf(realClock).toEqualTypeOf<Clock>();
    after(1, { clock });
    new Ticker(1, { clock });
    expectTypeOf(settle()).toEqualTypeOf<Promise<void>>();
    expectTypeOf(clock.advance(1)).toEqualTypeOf<number>();
  });

  it("the error guard narrows", () => {
    const e: unknown = new InvalidDurationError("m", 1);
    if (isInvalidDurationError(e)) expectTypeOf(e.duration).toEqualTypeOf<unknown>();
  });
});

describe("select send cases", () => {
  it("cannot target a timer channel: timer channels are receive-only", () => {
    const clock = new ManualClock();
    // @ts-expect-error a timer channel has no trySend, so it is not a SendTarget
    send(after(1, { clock }), 1);
    // @ts-expect-error the same for a Timer's channel
    send(new Timer(1, { clock }).c, 1);
    expectTypeOf(recv(after(1, { clock }))).not.toBeNever();
  });
});

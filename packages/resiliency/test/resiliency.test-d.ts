import { describe, expectTypeOf, it } from "vitest";
import {
  type AttemptOutcome,
  Batcher,
  type BreakerState,
  CircuitBreaker,
  type Classifier,
  deadline,
  isBreakerOpenError,
  isDeadlineExceededError,
  Retrier,
  type RetryAction,
} from "../src/index.js";

describe("types", () => {
  it("BreakerState narrows on kind to the fields of that state", () => {
    const s = new CircuitBreaker({ errorThreshold: 1, successThreshold: 1, timeout: 1 }).state;
    if (s.kind === "open") {
      expectTypeOf(s.halfOpenAt).toEqualTypeOf<number>();
      // @ts-expect-error an open breaker has no success count
      void s.successes;
    } else if (s.kind === "closed") {
      expectTypeOf(s.lastErrorAt).toEqualTypeOf<number | undefined>();
    } else {
      expectTypeOf(s).toEqualTypeOf<{ readonly kind: "half-open"; readonly successes: number }>();
    }
    expectTypeOf<BreakerState["kind"]>().toEqualTypeOf<"closed" | "open" | "half-open">();
  });

  it("run() resolves with what fn returns or resolves with", () => {
    const breaker = new CircuitBreaker({ errorThreshold: 1, successThreshold: 1, timeout: 1 });
    expectTypeOf(breaker.run(() => 1)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(breaker.run(async () => "s")).toEqualTypeOf<Promise<string>>();
    const retrier = new Retrier([]);
    expectTypeOf(retrier.run(async ({ retries }) => retries)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(deadline(1, (signal) => signal)).toEqualTypeOf<Promise<AbortSignal>>();
    expectTypeOf(deadline(1, async () => [1, 2])).toEqualTypeOf<Promise<number[]>>();
  });

  it("AttemptOutcome narrows on ok; a Classifier answers only the three actions", () => {
    const c: Classifier = (o) => {
      if (o.ok) {
        expectTypeOf(o.value).toBeUnknown();
        // @ts-expect-error a value outcome has no error
        void o.error;
        return "succeed";
      }
      expectTypeOf(o).toEqualTypeOf<{ readonly ok: false; readonly error: unknown }>();
      return "retry";
    };
    expectTypeOf(c).returns.toEqualTypeOf<RetryAction>();
    // @ts-expect-error "maybe" is not a RetryAction
    const bad: Classifier = () => "maybe";
    void bad;
    expectTypeOf<AttemptOutcome>().toHaveProperty("ok");
  });

  it("Batcher<P, R>: run takes a P and resolves with R; doWork sees readonly P[]", () => {
    const b = new Batcher(10, (ids: readonly number[]) => ids.length);
    expectTypeOf(b).toEqualTypeOf<Batcher<number, number>>();
    expectTypeOf(b.run(1)).toEqualTypeOf<Promise<number>>();
    // @ts-expect-error the parameter type is number
    void b.run("1");
    const v = new Batcher<string>(10, async () => {});
    expectTypeOf(v.run("x")).toEqualTypeOf<Promise<void>>();
    expectTypeOf(v.flush()).toEqualTypeOf<Promise<void>>();
  });

  it("the guards narrow unknown to the error classes and their data", () => {
    const e: unknown = undefined;
    if (isBreakerOpenError(e)) expectTypeOf(e.retryAfter).toEqualTypeOf<number>();
    if (isDeadlineExceededError(e)) expectTypeOf(e.ms).toEqualTypeOf<number>();
  });

  it("options are checked: thresholds are required, jitter is a number", () => {
    // @ts-expect-error successThreshold and timeout are required
    void new CircuitBreaker({ errorThreshold: 1 });
    // @ts-expect-error jitter is a number
    void new Retrier([], { jitter: "0.1" });
  });
});

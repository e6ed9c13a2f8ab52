import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isInvalidBrokerConfigError } from "../../src/errors.js";
import { hardLimit, softLimit, unlimited } from "../../src/internal/server/slow-client.js";

describe("hardLimit", () => {
  it("disconnects the moment the outbox passes the limit, and only then", () => {
    const monitor = hardLimit(1000).monitor();
    expect(monitor.observe(1000, 0)).toEqual({ kind: "ok" });
    const verdict = monitor.observe(1001, 0);
    expect(verdict.kind).toBe("disconnect");
    if (verdict.kind === "disconnect") expect(verdict.reason).toContain("hard limit of 1000 bytes");
  });

  it("describes itself in binary units", () => {
    expect(hardLimit(32 * 1024 * 1024).description).toBe("hard 32 MiB");
  });

  it("refuses a negative or fractional limit with a typed error", () => {
    expect(() => hardLimit(-1)).toThrow(/non-negative integer/);
    expect(() => hardLimit(1.5)).toSatisfy((f: () => unknown) => {
      try {
        f();
        return false;
      } catch (error) {
        return isInvalidBrokerConfigError(error);
      }
    });
  });
});

describe("softLimit", () => {
  it("forgives a burst that drains before the time runs out", () => {
    const monitor = softLimit(100, 1000).monitor();
    expect(monitor.observe(500, 0)).toEqual({ kind: "recheck", at: 1000 });
    expect(monitor.observe(50, 999)).toEqual({ kind: "ok" });
    // Over again: the clock starts afresh.
    expect(monitor.observe(500, 1500)).toEqual({ kind: "recheck", at: 2500 });
    expect(monitor.observe(500, 2499)).toEqual({ kind: "recheck", at: 2500 });
  });

  it("disconnects once the outbox has stayed over the limit for the whole time", () => {
    const monitor = softLimit(100, 1000).monitor();
    monitor.observe(101, 10);
    const verdict = monitor.observe(101, 1010);
    expect(verdict.kind).toBe("disconnect");
    if (verdict.kind === "disconnect") expect(verdict.reason).toMatch(/soft limit of 100 bytes for 1 s/);
  });

  it("keeps one state per connection: monitors do not share the time over the limit", () => {
    const policy = softLimit(100, 1000);
    const a = policy.monitor();
    const b = policy.monitor();
    a.observe(200, 0);
    expect(b.observe(200, 900)).toEqual({ kind: "recheck", at: 1900 });
    expect(a.observe(200, 1000).kind).toBe("disconnect");
  });

  it("says disconnect exactly when every size since going over was over and the time has passed", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 400 })), { maxLength: 40 }),
        (steps) => {
          const limit = 100;
          const ms = 1000;
          const monitor = softLimit(limit, ms).monitor();
          let now = 0;
          let overSince: number | undefined;
          for (const [size, dt] of steps) {
            now += dt;
            if (size <= limit) overSince = undefined;
            else overSince ??= now;
            const verdict = monitor.observe(size, now);
            const expected = overSince === undefined ? "ok" : now - overSince >= ms ? "disconnect" : "recheck";
            expect(verdict.kind).toBe(expected);
            if (verdict.kind === "recheck") expect(verdict.at).toBe(overSince! + ms);
          }
        },
      ),
    );
  });

  it("refuses a time that is not a positive number", () => {
    expect(() => softLimit(1, 0)).toThrow(/positive/);
    expect(() => softLimit(1, Number.NaN)).toThrow(/positive/);
  });
});

describe("unlimited", () => {
  it("never disconnects", () => {
    expect(unlimited.monitor().observe(Number.MAX_SAFE_INTEGER, 1e12)).toEqual({ kind: "ok" });
  });
});

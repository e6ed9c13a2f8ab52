/**
 * timeoutSignal(): Go's context.WithTimeout as an AbortSignal — aborts at the
 * deadline with a TimeoutError, not before, on any clock; cancel() / dispose
 * clear the timer; and (the reason it exists) a wait on it keeps the process
 * alive, where AbortSignal.timeout() lets Node exit with code 13.
 *
 * The process-level check runs a fixture in a child process with the real
 * clock; its wall-time bound is only a liveness watchdog.
 */

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Channel } from "@csp-kit/channel";
import { describe, expect, it } from "vitest";
import { InvalidClockError, InvalidDurationError, timeoutSignal } from "../src/index.js";
import { ManualClock, settle } from "../src/testing.js";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const WATCHDOG_MS = 20_000;

function runFixture(kind: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--conditions=@csp-kit/source",
        "--import",
        "tsx",
        fileURLToPath(new URL("fixtures/timeout-signal.ts", import.meta.url)),
        kind,
      ],
      { cwd: PACKAGE_DIR, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    const watchdog = setTimeout(() => child.kill("SIGKILL"), WATCHDOG_MS);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(watchdog);
      resolve({ code, stdout });
    });
  });
}

describe("timeoutSignal", () => {
  it("aborts at the deadline with a TimeoutError, and not a moment before", async () => {
    const clock = new ManualClock();
    const signal = timeoutSignal(1000, { clock });
    clock.advance(999);
    await settle();
    expect(signal.aborted).toBe(false);
    clock.advance(1);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(DOMException);
    expect((signal.reason as DOMException).name).toBe("TimeoutError");
  });

  it("rejects a pending channel receive with its reason, taking no value", async () => {
    const clock = new ManualClock();
    const ch = new Channel<number>(1);
    const pending = ch.recv({ signal: timeoutSignal(10, { clock }) });
    clock.advance(10);
    await expect(pending).rejects.toMatchObject({ name: "TimeoutError" });
    ch.trySend(7);
    expect(ch.tryRecv()).toMatchObject({ value: 7 });
  });

  it("cancel() clears the timer and aborts with an AbortError; later deadlines change nothing", () => {
    const clock = new ManualClock();
    const signal = timeoutSignal(1000, { clock });
    expect(clock.pending).toBe(1);
    signal.cancel();
    expect(clock.pending).toBe(0);
    expect((signal.reason as DOMException).name).toBe("AbortError");
    clock.advance(5000);
    expect((signal.reason as DOMException).name).toBe("AbortError");
    signal.cancel();
    expect((signal.reason as DOMException).name).toBe("AbortError");
  });

  it("`using` cancels when the block ends", () => {
    const clock = new ManualClock();
    let kept: AbortSignal | undefined;
    {
      using signal = timeoutSignal(1000, { clock });
      kept = signal;
      expect(signal.aborted).toBe(false);
    }
    expect(kept.aborted).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it("cancel() after the deadline does nothing", () => {
    const clock = new ManualClock();
    const signal = timeoutSignal(5, { clock });
    clock.advance(5);
    signal.cancel();
    expect((signal.reason as DOMException).name).toBe("TimeoutError");
  });

  it("a negative or zero duration aborts on the clock's next callback, not synchronously", () => {
    const clock = new ManualClock();
    const signal = timeoutSignal(-5, { clock });
    expect(signal.aborted).toBe(false);
    clock.advance(0);
    expect(signal.aborted).toBe(true);
  });

  it("rejects a duration that is not a finite number and a clock that is not a Clock", () => {
    expect(() => timeoutSignal(Number.NaN)).toThrow(InvalidDurationError);
    expect(() => timeoutSignal("5" as unknown as number)).toThrow(InvalidDurationError);
    expect(() => timeoutSignal(5, { clock: {} as never })).toThrow(InvalidClockError);
  });

  it("keeps the process alive while a receive waits on it; AbortSignal.timeout() does not", async () => {
    const ours = await runFixture("csp-kit");
    expect(ours).toEqual({ code: 0, stdout: "timeout-signal: gave up with TimeoutError\n" });
    const node = await runFixture("node");
    expect(node).toEqual({ code: 13, stdout: "" });
  });
});

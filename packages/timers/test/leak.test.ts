/**
 * The leak issue's figures (Go 1.23's timer rules), checked end to end:
 * 1. a timer that lost a select, or was abandoned, neither keeps the process
 *    alive nor holds a host timer;
 * 2. a receive pending on a timer keeps the process alive until it fires.
 *
 * The process-level checks run a fixture in a child process with the real
 * clock and observe whether it exits; a wall-time bound is used only as a
 * liveness watchdog (a leaked one-hour timer would keep the child alive for an
 * hour), never to measure speed. The in-process checks count armed callbacks
 * on a ManualClock.
 */

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { track } from "@csp-kit/testkit/core";
import { describe, expect, it } from "vitest";
import { after, sleep, Ticker, Timer } from "../src/index.js";
import { ManualClock, settle } from "../src/testing.js";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
/** Generous: the child normally exits in well under a second. A leaked timer would hold it for an hour. */
const WATCHDOG_MS = 20_000;

interface ChildResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
  readonly killed: boolean;
}

/** Runs a fixture with tsx, workspace packages resolved to source; kills it after the watchdog. */
function runFixture(name: string): Promise<ChildResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--conditions=@csp-kit/source", "--import", "tsx", fileURLToPath(new URL(`fixtures/${name}`, import.meta.url))],
      { cwd: PACKAGE_DIR, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    let killed = false;
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const watchdog = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, WATCHDOG_MS);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(watchdog);
      resolve({ code, stdout, stderr, wallMs: performance.now() - started, killed });
    });
  });
}

describe("figure 1: lost and abandoned timers hold nothing", () => {
  it(
    "a process that ran 100,000 selects losing to after(1 hour), and abandoned timers, exits at once",
    async () => {
      const r = await runFixture("lost-selects.ts");
      expect(r.killed, `child still alive after ${WATCHDOG_MS} ms: a timer leaked\n${r.stdout}${r.stderr}`).toBe(false);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^lost-selects: 100000\/100000 ready wins; armed-then-lost 1000 armed, 0 live;/);
      expect(r.wallMs).toBeLessThan(WATCHDOG_MS);
    },
    WATCHDOG_MS + 10_000,
  );

  it("a timer armed by a receive and then cancelled releases its clock callback", async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const t = after(3_600_000, { clock });
    const got = track(t.recv({ signal: controller.signal }));
    expect(clock.pending).toBe(1);
    controller.abort();
    await settle();
    expect(got.state).toBe("rejected");
    expect(clock.pending).toBe(0);
    expect(clock.totalScheduled).toBe(1);
  });

  it("abandoned timers, tickers and aborted sleeps leave no clock callback behind", async () => {
    const clock = new ManualClock();
    const controllers: AbortController[] = [];
    for (let i = 0; i < 1_000; i++) {
      const { signal } = controllers[controllers.push(new AbortController()) - 1] as AbortController;
      after(1_000, { clock });
      new Timer(1_000, { clock });
      new Ticker(10, { clock });
      void new Timer(1_000, { clock }).c.recv({ signal }).catch(() => {});
      void sleep(1_000, { clock, signal }).catch(() => {});
    }
    expect(clock.pending).toBe(2_000);
    for (const c of controllers) c.abort();
    await settle();
    expect(clock.pending).toBe(0);
    expect(clock.runAll()).toBe(0);
  });

  it("an unreferenced, unstopped timer that nobody waits on is garbage-collected", async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, "tests run with --expose-gc").toBeTypeOf("function");
    let collected = 0;
    const registry = new FinalizationRegistry<string>(() => {
      collected++;
    });
    (() => {
      for (let i = 0; i < 100; i++) {
        registry.register(new Timer(3_600_000), "timer");
        registry.register(after(3_600_000), "after");
        registry.register(new Ticker(1_000), "ticker");
      }
    })();
    for (let i = 0; i < 10 && collected < 300; i++) {
      gc?.();
      await settle();
    }
    expect(collected).toBe(300);
  });
});

describe("figure 2: a pending receive keeps the process alive", () => {
  it(
    "a process whose only work is a receive on a real 50 ms after() waits for it to fire",
    async () => {
      const r = await runFixture("pending-after.ts");
      expect(r.killed).toBe(false);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe("pending-after: fired=true notEarly=true");
    },
    WATCHDOG_MS + 10_000,
  );
});

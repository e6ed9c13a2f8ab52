import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatSummary, runDemo } from "./demo.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const main = fileURLToPath(new URL("./main.ts", import.meta.url));

describe("broker demo", () => {
  it("produces and consumes through the broker; nothing lost or duplicated", async () => {
    let dashboardSeen = "";
    const { summary, broker } = await runDemo({
      durationMs: 1_000,
      producers: 2,
      consumers: 2,
      onStarted: (_, dashboard) => {
        dashboardSeen = dashboard;
      },
    });
    try {
      expect(summary.produced).toBeGreaterThan(0);
      expect(summary.produced % 100).toBe(0);
      expect(summary.consumed).toBe(summary.produced);
      expect(summary.stored).toBe(summary.produced);
      expect(summary.producedPerSecond).toBeGreaterThan(0);
      expect(summary.dashboard).toBe(dashboardSeen);
      expect(summary.dashboard).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      // The dashboard is up while the broker is.
      const page = await fetch(summary.dashboard);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("csp-kit-broker");
      expect(formatSummary(summary)).toMatch(/none lost, none duplicated/);
    } finally {
      await broker.close();
    }
  });

  it("`pnpm demo --duration 1` prints the dashboard address and the summary, and exits 0", async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ["--import", "tsx", "--conditions=@csp-kit/source", main, "--duration", "1", "--producers", "1"],
        { cwd: root, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
      );
    });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^dashboard: http:\/\/127\.0\.0\.1:\d+\/ /m);
    const produced = /^produced ([\d,]+) messages in [\d.]+ s \(([\d,]+) msg\/s\) from 1 kafkajs producers/m.exec(
      stdout,
    );
    const consumed = /^consumed ([\d,]+) messages \(([\d,]+) msg\/s/m.exec(stdout);
    expect(produced?.[1]).toBeDefined();
    expect(consumed?.[1]).toBe(produced?.[1]);
    expect(stdout).toMatch(/none lost, none duplicated/);
    expect(stdout.trimEnd().endsWith("broker stopped")).toBe(true);
  }, 90_000);

  it("rejects a bad option with exit code 2", async () => {
    const code = await new Promise<number>((resolve) => {
      execFile(
        process.execPath,
        ["--import", "tsx", "--conditions=@csp-kit/source", main, "--duration", "soon"],
        { cwd: root, timeout: 60_000 },
        (error) => resolve(error === null ? 0 : Number(error.code ?? 1)),
      );
    });
    expect(code).toBe(2);
  }, 90_000);
});

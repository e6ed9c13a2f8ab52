import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";

/** A fresh directory under the system temp dir, removed after the current test. */
export function useTempDirs(): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), "kafka-broker-log-"));
    made.push(dir);
    return dir;
  };
}

/** A logger that records what it is told. */
export function recordingLogger(): {
  warn(message: string, details: Readonly<Record<string, unknown>>): void;
  info(message: string, details: Readonly<Record<string, unknown>>): void;
  readonly events: { level: "warn" | "info"; message: string; details: Readonly<Record<string, unknown>> }[];
} {
  const events: { level: "warn" | "info"; message: string; details: Readonly<Record<string, unknown>> }[] = [];
  return {
    events,
    warn(message, details) {
      events.push({ level: "warn", message, details });
    },
    info(message, details) {
      events.push({ level: "info", message, details });
    },
  };
}

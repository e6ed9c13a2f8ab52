/**
 * Brokers for tests: on a free port of 127.0.0.1, logging into a list the
 * test can inspect, closed after each test.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { type Broker, type BrokerOptions, startBroker } from "../../src/index.js";
import type { BrokerLogger, LogDetails } from "../../src/internal/server/logger.js";

/** One recorded log line. */
export interface LogEvent {
  readonly level: "error" | "warn" | "info" | "debug";
  readonly message: string;
  readonly details: LogDetails;
}

/** A logger that keeps every line. */
export function recordingLogger(): BrokerLogger & { readonly events: LogEvent[] } {
  const events: LogEvent[] = [];
  const at =
    (level: LogEvent["level"]) =>
    (message: string, details: LogDetails): void => {
      events.push({ level, message, details });
    };
  return { events, error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug") };
}

/** A test broker, its log, and where it listens. */
export interface TestBroker {
  readonly broker: Broker;
  readonly port: number;
  readonly log: LogEvent[];
}

/** Starts brokers that are closed after the current test; `start(options)` gives one. */
export function useBrokers(): (options?: BrokerOptions) => Promise<TestBroker> {
  const started: Broker[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((b) => b.close()));
  });
  return async (options = {}) => {
    const logger = recordingLogger();
    const broker = await startBroker({ port: 0, logger, ...options });
    started.push(broker);
    return { broker, port: broker.port, log: logger.events };
  };
}

/** Fresh directories under the system temp dir, removed after the current test. */
export function useTempDirs(): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), "kafka-broker-test-"));
    made.push(dir);
    return dir;
  };
}

/** Resolves once `condition()` holds, polling on the event loop; rejects after `limit` turns. */
export async function eventually(condition: () => boolean, what: string, limit = 2_000): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never happened: ${what}`);
}

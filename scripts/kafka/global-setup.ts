/**
 * vitest global setup of the interop tier (vitest.interop.config.ts): one real
 * Kafka broker per run, shared by every interop test file.
 *
 * - checks that kcat is on PATH (fails the run with an install hint if not);
 * - reuses the broker named by CSP_KIT_KAFKA_BOOTSTRAP when set (checked with one
 *   ApiVersions request), else prepares the jars and starts a broker of its own;
 * - provides `kafkaBootstrap` and `kcatPath` to the tests (vitest `inject`; typed
 *   in packages/testkit/src/kafka/interop-support.ts) and exports
 *   CSP_KIT_KAFKA_BOOTSTRAP to the workers;
 * - its teardown stops the broker it started, never one it was given; if vitest
 *   exits without tearing down, an exit hook kills that JVM.
 */

import type { TestProject } from "vitest/node";
import { parseBootstrap } from "../../packages/testkit/src/kafka/bootstrap.js";
import { apiVersionsV0Request, parseApiVersionsV0Response, rawRequest } from "../../packages/testkit/src/kafka/wire.js";
import { startKafka, stopKafka } from "./broker.js";
import { KafkaStartError } from "./errors.js";
import { requireKcat } from "./tools.js";

const log = (line: string) => process.stderr.write(`[interop] ${line}\n`);

/** Checks that a broker we were given answers ApiVersions with error code 0. */
async function checkGivenBroker(bootstrap: string): Promise<void> {
  const { host, port } = parseBootstrap(bootstrap);
  try {
    const frame = await rawRequest(host, port, apiVersionsV0Request(1), { timeoutMs: 10_000 });
    const { errorCode } = parseApiVersionsV0Response(frame);
    if (errorCode !== 0) throw new Error(`ApiVersions answered error code ${errorCode}`);
  } catch (error) {
    throw new KafkaStartError(
      `the broker at CSP_KIT_KAFKA_BOOTSTRAP=${bootstrap} does not answer ApiVersions (${(error as Error).message}); ` +
        "start it (`npx tsx scripts/kafka/kafka.ts start`) or unset the variable",
      undefined,
      { cause: error },
    );
  }
}

/** Starts (or adopts) the broker; returns the teardown that stops what it started. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const kcatPath = requireKcat();
  const given = process.env.CSP_KIT_KAFKA_BOOTSTRAP;
  let teardown = async () => {};
  let bootstrap: string;
  if (given !== undefined && given !== "") {
    await checkGivenBroker(given);
    bootstrap = given;
    log(`using the broker at ${bootstrap} (CSP_KIT_KAFKA_BOOTSTRAP)`);
  } else {
    const broker = await startKafka({ log });
    bootstrap = broker.bootstrap;
    log(`Kafka answered ApiVersions ${(broker.startupMs / 1000).toFixed(1)} s after launch, at ${bootstrap}`);
    // If vitest exits without running the teardown (a crash, process.exit), do not leave the JVM behind.
    const killOnExit = () => {
      try {
        process.kill(broker.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    process.once("exit", killOnExit);
    teardown = async () => {
      process.off("exit", killOnExit);
      const result = await stopKafka(broker);
      log(`Kafka stopped in ${(result.elapsedMs / 1000).toFixed(1)} s${result.killed ? " (SIGKILL)" : ""}`);
    };
  }
  process.env.CSP_KIT_KAFKA_BOOTSTRAP = bootstrap;
  project.provide("kafkaBootstrap", bootstrap);
  project.provide("kcatPath", kcatPath);
  return teardown;
}

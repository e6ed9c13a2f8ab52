/**
 * The interop tier's real Apache Kafka: prepare (fetch jars once), start (a
 * one-node KRaft broker on loopback), stop, status. Importable, and a CLI:
 *
 *   npx tsx scripts/kafka/kafka.ts prepare   fetch Kafka's jars into the cache (once)
 *   npx tsx scripts/kafka/kafka.ts start     start a broker; prints its bootstrap address
 *   npx tsx scripts/kafka/kafka.ts status    running or not (exit code 0 / 1)
 *   npx tsx scripts/kafka/kafka.ts stop      stop the broker `start` started
 *
 * The CLI's start, status and stop share one state file (`broker.json` in the
 * cache directory), so they work across processes; stdout carries only results
 * (the bootstrap address, the status JSON), progress goes to stderr.
 *
 * Environment: CSP_KIT_KAFKA_HOME overrides the cache directory
 * ($XDG_CACHE_HOME/csp-kit/kafka-<version> or ~/.cache/csp-kit/kafka-<version>).
 */

import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defaultStateFile, kafkaStatus, readState, startKafka, stopKafka } from "./broker.js";
import { prepareKafka } from "./prepare.js";

export {
  defaultStateFile,
  KAFKA_HOST,
  type KafkaBroker,
  type KafkaStatus,
  kafkaStatus,
  readState,
  type StartOptions,
  type StopResult,
  startKafka,
  stopKafka,
} from "./broker.js";
export * from "./errors.js";
export { isPrepared, kafkaLibDir, type PreparedKafka, type PrepareOptions, prepareKafka } from "./prepare.js";
export { KAFKA_VERSION, kafkaHome } from "./version.js";

const USAGE = "usage: npx tsx scripts/kafka/kafka.ts prepare|start|stop|status";

const progress = (line: string) => process.stderr.write(`kafka: ${line}\n`);

/** Runs one CLI command; resolves with the process exit code. */
export async function main(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  if (rest.length > 0 || command === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  switch (command) {
    case "prepare": {
      const prepared = await prepareKafka({ log: progress });
      progress(
        `Kafka ${prepared.version} ${prepared.fetched ? "fetched" : "already cached"} in ${prepared.libDir} ` +
          `(${(prepared.elapsedMs / 1000).toFixed(1)} s)`,
      );
      return 0;
    }
    case "start": {
      const stateFile = defaultStateFile();
      const status = await kafkaStatus(stateFile);
      if (status.state === "running") {
        progress(`already running (pid ${status.broker.pid}); \`stop\` first to restart`);
        process.stdout.write(`${status.broker.bootstrap}\n`);
        return 0;
      }
      const stale = await readState(stateFile);
      if (stale !== undefined) await stopKafka(stale);
      const broker = await startKafka({ stateFile, log: progress });
      progress(`pid ${broker.pid} answered ApiVersions ${(broker.startupMs / 1000).toFixed(1)} s after launch`);
      process.stdout.write(`${broker.bootstrap}\n`);
      return 0;
    }
    case "status": {
      const status = await kafkaStatus();
      process.stdout.write(
        `${JSON.stringify(status.state === "running" ? { ...status.broker, state: status.state, answering: status.answering } : status)}\n`,
      );
      return status.state === "running" && status.answering ? 0 : 1;
    }
    case "stop": {
      const result = await stopKafka();
      progress(
        result.stopped
          ? `stopped in ${(result.elapsedMs / 1000).toFixed(1)} s${result.killed ? " (SIGKILL after the SIGTERM bound)" : ""}`
          : "no broker was running",
      );
      return 0;
    }
    default:
      process.stderr.write(`unknown command ${JSON.stringify(command)}; ${USAGE}\n`);
      return 2;
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`kafka: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

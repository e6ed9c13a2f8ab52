/**
 * Which Kafka the interop tier runs, and where its jars are cached.
 *
 * Invariants:
 * - one pinned version: every path under the cache names it, so changing
 *   KAFKA_VERSION fetches afresh and never mixes jars of two releases.
 * - the cache lives outside the clone (XDG cache or ~/.cache), so a fresh clone
 *   on the same machine finds it warm.
 */

import { homedir } from "node:os";
import { join, resolve } from "node:path";

/**
 * The Apache Kafka release the interop tier runs (`org.apache.kafka:kafka_2.13`).
 * 4.1.1 runs on Java 17 (Kafka 4 brokers need 17+) and is served by Maven Central.
 */
export const KAFKA_VERSION = "4.1.1";

/** The Scala binary version of the `kafka_<scala>` server artifact. */
export const SCALA_BINARY_VERSION = "2.13";

/**
 * The log4j2 release Kafka 4.1.1 is built against; its SLF4J 1.x binding
 * (`log4j-slf4j-impl`) is added to the classpath, since `kafka_2.13`'s pom brings
 * log4j-core and slf4j-api but no binding between them.
 */
export const LOG4J_VERSION = "2.24.3";

/**
 * The directory holding this Kafka version's jars and configs:
 * `$CSP_KIT_KAFKA_HOME` when set, else `$XDG_CACHE_HOME/csp-kit/kafka-<version>`,
 * else `~/.cache/csp-kit/kafka-<version>`.
 */
export function kafkaHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CSP_KIT_KAFKA_HOME) return resolve(env.CSP_KIT_KAFKA_HOME);
  const cacheRoot = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), ".cache");
  return join(cacheRoot, "csp-kit", `kafka-${KAFKA_VERSION}`);
}

/**
 * prepare: fetches `org.apache.kafka:kafka_<scala>:<version>` and its runtime
 * dependencies into the cache with `mvn dependency:copy-dependencies` on a pom
 * written here, plus the SLF4J → log4j2 binding the broker needs to log quietly.
 *
 * Invariants:
 * - `<home>/libs` exists only complete: Maven copies into a private temporary
 *   directory, a `.complete` marker is written last, then the directory is renamed
 *   into place. A run that dies half-way leaves only a temporary directory behind,
 *   which the next run ignores.
 * - if `<home>/libs/.complete` names KAFKA_VERSION, prepare does nothing (offline,
 *   milliseconds); Maven's own cache (~/.m2) makes a re-fetch after a wipe fast too.
 * - two prepares racing each produce a complete copy; the first rename wins and the
 *   loser deletes its copy.
 */

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { KafkaPrepareError } from "./errors.js";
import { requireJava, requireMaven } from "./tools.js";
import { KAFKA_VERSION, kafkaHome, LOG4J_VERSION, SCALA_BINARY_VERSION } from "./version.js";

/** How long one Maven run may take before it is killed (a cold fetch is ~45 MB). */
const MAVEN_TIMEOUT_MS = 20 * 60_000;

/** What {@link prepareKafka} found or fetched. */
export interface PreparedKafka {
  /** The Kafka version whose jars are in `libDir`. */
  readonly version: string;
  /** The cache directory for this version (see `kafkaHome()`). */
  readonly home: string;
  /** The directory of jars; `java -cp "<libDir>/*"` runs the broker. */
  readonly libDir: string;
  /** True if this call ran Maven; false if the jars were already there. */
  readonly fetched: boolean;
  /** Wall time of this call in milliseconds. */
  readonly elapsedMs: number;
}

/** Options of {@link prepareKafka}. */
export interface PrepareOptions {
  /** The cache directory; defaults to `kafkaHome()`. */
  readonly home?: string;
  /** Called with one-line progress messages (default: none). */
  readonly log?: (line: string) => void;
}

/** The jar whose presence says the server artifact itself was copied. */
function serverJarName(): string {
  return `kafka_${SCALA_BINARY_VERSION}-${KAFKA_VERSION}.jar`;
}

/** The jar directory of a prepared cache; call only after {@link prepareKafka} resolved. */
export function kafkaLibDir(home: string = kafkaHome()): string {
  return join(home, "libs");
}

/** True if `libDir` holds a complete copy of KAFKA_VERSION's jars. */
export function isPrepared(libDir: string): boolean {
  const marker = join(libDir, ".complete");
  if (!existsSync(marker)) return false;
  try {
    const recorded = JSON.parse(readFileSync(marker, "utf8")) as { version?: unknown };
    return recorded.version === KAFKA_VERSION && existsSync(join(libDir, serverJarName()));
  } catch {
    return false;
  }
}

/** The pom whose runtime dependencies are exactly what the broker's classpath needs. */
function fetchPom(): string {
  const dependency = (groupId: string, artifactId: string, version: string) =>
    `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId>` +
    `<version>${version}</version></dependency>`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<!-- Written by scripts/kafka/prepare.ts: fetches Kafka's broker classpath. -->`,
    `<project xmlns="http://maven.apache.org/POM/4.0.0">`,
    `  <modelVersion>4.0.0</modelVersion>`,
    `  <groupId>dev.csp-kit.interop</groupId>`,
    `  <artifactId>kafka-classpath</artifactId>`,
    `  <version>${KAFKA_VERSION}</version>`,
    `  <packaging>pom</packaging>`,
    `  <dependencies>`,
    dependency("org.apache.kafka", `kafka_${SCALA_BINARY_VERSION}`, KAFKA_VERSION),
    dependency("org.apache.logging.log4j", "log4j-slf4j-impl", LOG4J_VERSION),
    `  </dependencies>`,
    `</project>`,
    ``,
  ].join("\n");
}

/** Runs Maven to completion; resolves with its combined output or rejects with a KafkaPrepareError. */
function runMaven(mvn: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(mvn, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), MAVEN_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new KafkaPrepareError(`could not run ${mvn}: ${error.message}`, { cause: error }));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolveRun(output);
        return;
      }
      const why = signal === null ? `exit code ${code}` : `signal ${signal} (bound: ${MAVEN_TIMEOUT_MS / 60_000} min)`;
      reject(
        new KafkaPrepareError(
          `mvn ${args.join(" ")} failed with ${why}. Is Maven Central reachable (see ~/.m2/settings.xml ` +
            `for mirrors and proxies)? Maven said:\n${output.trim().split("\n").slice(-40).join("\n")}`,
        ),
      );
    });
  });
}

/**
 * Makes sure the jars of Kafka KAFKA_VERSION are in the cache: returns at once when
 * they are, else fetches them with Maven (about 45 MB from Maven Central, or from
 * ~/.m2 when it has them).
 *
 * Blocking: a cold fetch takes tens of seconds; a warm call reads one small file.
 *
 * @throws MissingToolError when Java 17+ or Maven is missing (only if a fetch is needed).
 * @throws KafkaPrepareError when Maven fails; the message ends with Maven's output.
 * @example
 * const { libDir } = await prepareKafka();
 */
export async function prepareKafka(options: PrepareOptions = {}): Promise<PreparedKafka> {
  const started = performance.now();
  const home = options.home ?? kafkaHome();
  const libDir = kafkaLibDir(home);
  const done = (fetched: boolean): PreparedKafka => ({
    version: KAFKA_VERSION,
    home,
    libDir,
    fetched,
    elapsedMs: Math.round(performance.now() - started),
  });
  if (isPrepared(libDir)) return done(false);

  requireJava();
  const mvn = requireMaven();
  await mkdir(home, { recursive: true });
  const pom = join(home, "pom.xml");
  await writeFile(pom, fetchPom());
  const staging = join(home, `libs.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
  options.log?.(`fetching Kafka ${KAFKA_VERSION} jars with Maven into ${libDir}`);
  try {
    await runMaven(
      mvn,
      ["-q", "-B", "-f", pom, "dependency:copy-dependencies", "-DincludeScope=runtime", `-DoutputDirectory=${staging}`],
      home,
    );
    const jars = (await readdir(staging)).filter((name) => name.endsWith(".jar")).sort();
    if (!jars.includes(serverJarName())) {
      throw new KafkaPrepareError(
        `Maven finished but ${serverJarName()} is not among the ${jars.length} jars it copied; ` +
          `delete ${home} and run prepare again`,
      );
    }
    await writeFile(join(staging, ".complete"), `${JSON.stringify({ version: KAFKA_VERSION, jars }, null, 2)}\n`);
    if (existsSync(libDir) && !isPrepared(libDir)) await rm(libDir, { recursive: true, force: true });
    try {
      await rename(staging, libDir);
    } catch (error) {
      // Another prepare renamed its complete copy first: keep that one.
      if (!isPrepared(libDir)) throw error;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return done(true);
}

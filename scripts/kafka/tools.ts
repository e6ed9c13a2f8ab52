/**
 * Finds the external tools the interop tier needs — Java 17+, Maven, kcat — and
 * fails with one message that says how to install them.
 *
 * Invariants:
 * - a `require…` function either returns an absolute path to an executable file or
 *   throws a MissingToolError naming the tool; it never returns a bare name.
 * - nothing here starts a long-running process: `java -version` and nothing else.
 */

import { spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import { MissingToolError } from "./errors.js";

/** The oldest Java feature release that runs Kafka 4.x brokers. */
export const MIN_JAVA_MAJOR = 17;

const INSTALL_HINT =
  "the interop tier needs Java 17 and Maven (for fetching Kafka's jars) and kcat: " +
  "on Debian or Ubuntu run `apt-get install openjdk-17-jre-headless maven kcat`, " +
  "or run only `pnpm test`, which needs Node alone";

/**
 * The absolute path of `name` on PATH (or `name` itself when it is already an
 * absolute path to an executable), or `undefined` when there is none.
 */
export function findOnPath(name: string, path: string = process.env.PATH ?? ""): string | undefined {
  const candidates = isAbsolute(name) ? [name] : path.split(delimiter).map((dir) => join(dir || ".", name));
  for (const candidate of candidates) {
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}

/**
 * The Java feature release named in `java -version` output: `17` for
 * `openjdk version "17.0.15"`, `8` for `java version "1.8.0_392"`, or `undefined`.
 */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (match === null) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

/**
 * The `java` to run Kafka with (`$JAVA_HOME/bin/java` when set, else PATH), checked
 * to be Java 17 or newer.
 *
 * @throws MissingToolError when there is no java, or it is older than 17.
 */
export function requireJava(): { path: string; major: number } {
  const fromHome = process.env.JAVA_HOME ? findOnPath(join(process.env.JAVA_HOME, "bin", "java")) : undefined;
  const path = fromHome ?? findOnPath("java");
  if (path === undefined) throw new MissingToolError("java", `java is not on PATH; ${INSTALL_HINT}`);
  const run = spawnSync(path, ["-version"], { encoding: "utf8", timeout: 30_000 });
  const major = parseJavaMajor(`${run.stderr ?? ""}${run.stdout ?? ""}`);
  if (major === undefined || major < MIN_JAVA_MAJOR) {
    throw new MissingToolError(
      "java",
      `${path} is Java ${major ?? "(unknown version)"}, Kafka 4 needs ${MIN_JAVA_MAJOR} or newer; ${INSTALL_HINT}`,
    );
  }
  return { path, major };
}

/**
 * The `mvn` on PATH.
 *
 * @throws MissingToolError when there is none.
 */
export function requireMaven(): string {
  const path = findOnPath("mvn");
  if (path === undefined) throw new MissingToolError("mvn", `mvn (Maven) is not on PATH; ${INSTALL_HINT}`);
  return path;
}

/**
 * The `kcat` on PATH (or `kafkacat`, Debian's older name for it).
 *
 * @throws MissingToolError when there is neither.
 */
export function requireKcat(): string {
  const path = findOnPath("kcat") ?? findOnPath("kafkacat");
  if (path === undefined) throw new MissingToolError("kcat", `kcat is not on PATH; ${INSTALL_HINT}`);
  return path;
}

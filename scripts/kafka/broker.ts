/**
 * start / stop / status of a one-node Apache Kafka broker in KRaft combined mode
 * (broker and controller in one JVM) on loopback, for the interop tier.
 *
 * Lifecycle, as a state file sees it:
 *
 *   (none) ──startKafka──► starting ──ApiVersions v0 answers──► running ──stopKafka──► (none)
 *                              │                                    │
 *                              └─ JVM exits / 90 s pass ─► KafkaStartError (JVM killed, log kept)
 *
 * Invariants:
 * - the broker listens only on 127.0.0.1, on two ports that were free when start
 *   ran (PLAINTEXT for clients, CONTROLLER for the KRaft quorum).
 * - the state file is written as soon as the JVM has a pid, so a stop from another
 *   process can end a broker whose starter died; it is removed only after the JVM
 *   is gone.
 * - stop signals a pid only if /proc says it is the `kafka.Kafka` JVM started with
 *   this broker's config (where /proc exists), so a stale state file cannot make it
 *   kill an unrelated process that reused the pid.
 * - all broker files (config, data, log) live in one temporary directory, removed
 *   by stop; a failed start keeps only the log there, for reading.
 * - class data sharing: the first broker of a cache dumps the classes it loaded
 *   into `<home>/kafka.jsa.tmp-…` when it exits cleanly; stop renames that to
 *   `<home>/kafka.jsa` (atomic, same directory) only if none is there yet, and
 *   later brokers map it, which cuts JVM start-up by about a third. A killed JVM
 *   leaves no archive; stop removes the partial file. The JVM checks the archive
 *   against the classpath and ignores it (with a warning in the log) on mismatch.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { apiVersionsV0Request, parseApiVersionsV0Response, rawRequest } from "../../packages/testkit/src/kafka/wire.js";
import { KafkaStartError } from "./errors.js";
import { prepareKafka } from "./prepare.js";
import { requireJava } from "./tools.js";
import { kafkaHome } from "./version.js";

/** The only interface the broker binds. */
export const KAFKA_HOST = "127.0.0.1";

/** What a running broker is; also the JSON content of its state file. */
export interface KafkaBroker {
  /** The broker JVM's process id. */
  readonly pid: number;
  /** Always {@link KAFKA_HOST}. */
  readonly host: string;
  /** The client (PLAINTEXT) port. */
  readonly port: number;
  /** The KRaft controller port (not for clients). */
  readonly controllerPort: number;
  /** `host:port`, what clients take as bootstrap servers. */
  readonly bootstrap: string;
  /** The random KRaft cluster id the storage was formatted with. */
  readonly clusterId: string;
  /** The temporary directory holding config, data and log; removed by stop. */
  readonly workDir: string;
  /** The JVM's stdout and stderr (log4j writes warnings and errors there). */
  readonly logPath: string;
  /** Where this description is stored as JSON. */
  readonly stateFile: string;
  /** Milliseconds from launching the JVM to the first ApiVersions answer. */
  readonly startupMs: number;
  /**
   * The class-data-sharing archive this JVM dumps at exit, for stop to move into
   * place (`pending` → `archive`); `null` when it maps an existing archive or runs
   * without one.
   */
  readonly classArchiveDump: { readonly pending: string; readonly archive: string } | null;
}

/** Options of {@link startKafka}. */
export interface StartOptions {
  /** The jar cache (default `kafkaHome()`); prepared first if it is not. */
  readonly home?: string;
  /** Where to write the state file (default: `broker.json` in the work directory). */
  readonly stateFile?: string;
  /** The JVM's maximum heap, as `-Xmx` takes it (default `"512m"`). */
  readonly heap?: string;
  /** Bound on the wait for ApiVersions, in milliseconds (default 90 000). */
  readonly readyTimeoutMs?: number;
  /**
   * Use (or, on first start, create) a class-data-sharing archive in the cache to
   * start the JVM faster (default true).
   */
  readonly classDataSharing?: boolean;
  /** Called with one-line progress messages (default: none). */
  readonly log?: (line: string) => void;
}

/** The state file the CLI's `start`, `stop` and `status` share. */
export function defaultStateFile(): string {
  return join(kafkaHome(), "broker.json");
}

/** A KRaft cluster id: 16 random bytes, base64url without padding, not starting with "-" (Kafka's rule). */
export function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

/** `count` distinct TCP ports that were free on {@link KAFKA_HOST} a moment ago. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolveServer, reject) => {
          const server = createServer();
          server.once("error", reject);
          server.listen(0, KAFKA_HOST, () => resolveServer(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("a TCP server has no port");
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  return ports;
}

/** The broker's server.properties: one combined node, every replication factor 1. */
function serverProperties(port: number, controllerPort: number, dataDir: string): string {
  const settings: Record<string, string | number | boolean> = {
    "process.roles": "broker,controller",
    "node.id": 1,
    "controller.quorum.voters": `1@${KAFKA_HOST}:${controllerPort}`,
    listeners: `PLAINTEXT://${KAFKA_HOST}:${port},CONTROLLER://${KAFKA_HOST}:${controllerPort}`,
    "advertised.listeners": `PLAINTEXT://${KAFKA_HOST}:${port}`,
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "log.dirs": dataDir,
    "num.partitions": 1,
    "default.replication.factor": 1,
    "min.insync.replicas": 1,
    "offsets.topic.replication.factor": 1,
    // One partition each: creating the internal topics is the slow part of a first group or transaction.
    "offsets.topic.num.partitions": 1,
    "transaction.state.log.replication.factor": 1,
    "transaction.state.log.min.isr": 1,
    "transaction.state.log.num.partitions": 1,
    "share.coordinator.state.topic.replication.factor": 1,
    "share.coordinator.state.topic.min.isr": 1,
    "group.initial.rebalance.delay.ms": 0,
    "auto.create.topics.enable": true,
  };
  const lines = Object.entries(settings).map(([key, value]) => `${key}=${value}`);
  return `# Written by scripts/kafka/broker.ts for one interop test run.\n${lines.join("\n")}\n`;
}

/** log4j2 config: warnings and errors to stdout (the broker log), plus the "started" line. */
const LOG4J2_PROPERTIES = `# Written by scripts/kafka/broker.ts: a quiet broker log.
status = error
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.out.ref = OUT
logger.started.name = kafka.server.KafkaRaftServer
logger.started.level = info
`;

/** The last `lines` lines of a text file, or "" if it cannot be read. */
function tail(path: string, lines = 30): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** Runs a short-lived JVM tool to completion with its output appended to `logPath`. */
function runJavaTool(java: string, args: string[], logPath: string, timeoutMs: number): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const fd = openSync(logPath, "a");
    const child = spawn(java, args, { stdio: ["ignore", fd, fd] });
    closeSync(fd);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolveRun();
      else reject(new Error(signal === null ? `exit code ${code}` : `killed by ${signal} after ${timeoutMs} ms`));
    });
  });
}

/** True if a process with this pid exists (a zombie counts; our own children are reaped by Node). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * True if `pid` is this broker's JVM: where /proc exists, its command line must name
 * kafka.Kafka and this broker's work directory; elsewhere, that the pid is alive.
 */
function isOurBroker(broker: KafkaBroker): boolean {
  if (!isAlive(broker.pid)) return false;
  const cmdline = `/proc/${broker.pid}/cmdline`;
  if (!existsSync("/proc/self/cmdline")) return true;
  try {
    const args = readFileSync(cmdline, "utf8").split("\0");
    return args.includes("kafka.Kafka") && args.some((arg) => arg.startsWith(broker.workDir));
  } catch {
    return false;
  }
}

/** Resolves once `pid` is gone (true) or `timeoutMs` passed (false); polls every 100 ms. */
async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((wake) => setTimeout(wake, 100));
  }
  return true;
}

/**
 * Waits until the broker answers ApiVersions v0 with error code 0.
 * Requires the JVM to be launched; rejects as soon as it exits.
 */
async function waitForApiVersions(child: ChildProcess, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  child.once("exit", (code, signal) => {
    exited = signal === null ? `exit code ${code}` : `signal ${signal}`;
  });
  let lastProblem = "no answer yet";
  for (let correlationId = 1; ; correlationId += 1) {
    if (exited !== undefined) throw new Error(`the broker JVM exited (${exited}) before answering ApiVersions`);
    const remaining = deadline - Date.now();
    if (remaining <= 0)
      throw new Error(`the broker did not answer ApiVersions within ${timeoutMs} ms (${lastProblem})`);
    try {
      const frame = await rawRequest(KAFKA_HOST, port, apiVersionsV0Request(correlationId), {
        timeoutMs: Math.min(5_000, remaining),
      });
      const response = parseApiVersionsV0Response(frame);
      if (response.correlationId === correlationId && response.errorCode === 0) return;
      lastProblem = `answered with correlation id ${response.correlationId}, error code ${response.errorCode}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await new Promise((wake) => setTimeout(wake, 200));
  }
}

/**
 * Starts a one-node KRaft broker on loopback and resolves once it answers
 * ApiVersions: prepares the jars if needed, writes the config into a fresh
 * temporary directory, formats the storage with a random cluster id, launches
 * `java -cp "<libs>/*" kafka.Kafka` in the background (it outlives this process
 * until {@link stopKafka}), and writes the state file.
 *
 * Blocking: about 5–15 s on a warm cache (mostly JVM start-up), bounded by
 * `readyTimeoutMs`.
 *
 * @throws MissingToolError when Java 17+ (or, on a cold cache, Maven) is missing.
 * @throws KafkaStartError when formatting fails, the JVM exits, or it does not
 *   answer in time; the JVM is killed and the message ends with the log's tail.
 * @example
 * const broker = await startKafka();
 * console.log(broker.bootstrap); // "127.0.0.1:41234"
 * await stopKafka(broker);
 */
export async function startKafka(options: StartOptions = {}): Promise<KafkaBroker> {
  const prepared = await prepareKafka({ ...(options.home === undefined ? {} : { home: options.home }) });
  const java = requireJava().path;
  const workDir = await mkdtemp(join(tmpdir(), "csp-kit-kafka-"));
  const dataDir = join(workDir, "data");
  const configPath = join(workDir, "server.properties");
  const log4jPath = join(workDir, "log4j2.properties");
  const logPath = join(workDir, "broker.log");
  const stateFile = options.stateFile ?? join(workDir, "broker.json");
  const [port, controllerPort] = (await freePorts(2)) as [number, number];
  const clusterId = randomClusterId();
  await writeFile(configPath, serverProperties(port, controllerPort, dataDir));
  await writeFile(log4jPath, LOG4J2_PROPERTIES);
  const classpath = ["-cp", join(prepared.libDir, "*")];
  const logging = [`-Dlog4j2.configurationFile=${log4jPath}`, `-Dkafka.logs.dir=${workDir}`];

  try {
    await runJavaTool(
      java,
      ["-Xmx256m", ...logging, ...classpath, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", configPath],
      logPath,
      60_000,
    );
  } catch (error) {
    throw new KafkaStartError(
      `formatting the broker storage failed (${(error as Error).message}); log ${logPath}:\n${tail(logPath)}`,
      logPath,
      { cause: error },
    );
  }

  const heap = options.heap ?? "512m";
  const archive = join(prepared.home, "kafka.jsa");
  let classArchiveDump: KafkaBroker["classArchiveDump"] = null;
  const sharing: string[] = [];
  if (options.classDataSharing ?? true) {
    if (existsSync(archive)) {
      sharing.push(`-XX:SharedArchiveFile=${archive}`);
    } else {
      classArchiveDump = { pending: `${archive}.tmp-${randomBytes(4).toString("hex")}`, archive };
      sharing.push(`-XX:ArchiveClassesAtExit=${classArchiveDump.pending}`);
    }
  }
  const jvm = [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
    ...sharing,
    ...logging,
    ...classpath,
    "kafka.Kafka",
    configPath,
  ];
  options.log?.(`starting Kafka ${prepared.version} on ${KAFKA_HOST}:${port} (log ${logPath})`);
  const launched = performance.now();
  const fd = openSync(logPath, "a");
  const child = spawn(java, jvm, { detached: true, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  child.unref();
  const pid = await new Promise<number>((resolvePid, reject) => {
    child.once("spawn", () => resolvePid(child.pid!));
    child.once("error", reject);
  });
  const starting: KafkaBroker = {
    pid,
    host: KAFKA_HOST,
    port,
    controllerPort,
    bootstrap: `${KAFKA_HOST}:${port}`,
    clusterId,
    workDir,
    logPath,
    stateFile,
    startupMs: 0,
    classArchiveDump,
  };
  await writeState(starting);

  try {
    await waitForApiVersions(child, port, options.readyTimeoutMs ?? 90_000);
  } catch (error) {
    if (isAlive(pid)) process.kill(pid, "SIGKILL");
    await waitForExit(pid, 10_000);
    await rm(dataDir, { recursive: true, force: true });
    await rm(stateFile, { force: true });
    if (classArchiveDump !== null) await rm(classArchiveDump.pending, { force: true });
    throw new KafkaStartError(`${(error as Error).message}; log ${logPath}:\n${tail(logPath)}`, logPath, {
      cause: error,
    });
  }
  const broker = { ...starting, startupMs: Math.round(performance.now() - launched) };
  await writeState(broker);
  return broker;
}

async function writeState(broker: KafkaBroker): Promise<void> {
  await mkdir(dirname(broker.stateFile), { recursive: true });
  await writeFile(broker.stateFile, `${JSON.stringify(broker, null, 2)}\n`);
}

/** The broker a state file describes, or `undefined` when there is no (readable) state file. */
export async function readState(stateFile: string = defaultStateFile()): Promise<KafkaBroker | undefined> {
  try {
    return JSON.parse(await readFile(stateFile, "utf8")) as KafkaBroker;
  } catch {
    return undefined;
  }
}

/** What {@link kafkaStatus} found. */
export type KafkaStatus =
  | { readonly state: "stopped" }
  | { readonly state: "running"; readonly broker: KafkaBroker; readonly answering: boolean };

/**
 * Whether the broker of a state file is running, and whether it answers ApiVersions.
 * A state file whose JVM is gone counts as stopped.
 */
export async function kafkaStatus(stateFile: string = defaultStateFile()): Promise<KafkaStatus> {
  const broker = await readState(stateFile);
  if (broker === undefined || !isOurBroker(broker)) return { state: "stopped" };
  let answering = false;
  try {
    const frame = await rawRequest(broker.host, broker.port, apiVersionsV0Request(1), { timeoutMs: 5_000 });
    answering = parseApiVersionsV0Response(frame).errorCode === 0;
  } catch {
    answering = false;
  }
  return { state: "running", broker, answering };
}

/** What {@link stopKafka} did. */
export interface StopResult {
  /** True if a running broker JVM was signalled; false if there was none. */
  readonly stopped: boolean;
  /** True if SIGTERM was not enough within the bound and SIGKILL was sent. */
  readonly killed: boolean;
  /** Wall time of the stop, in milliseconds. */
  readonly elapsedMs: number;
}

/**
 * Stops a broker: SIGTERM, up to `termTimeoutMs` (default 30 s) for a clean
 * shutdown, then SIGKILL; then moves a freshly dumped class-data-sharing archive
 * into the cache and removes the broker's temporary directory and state file.
 * Takes the broker itself or the path of its state file (default: the CLI's).
 * Stopping a broker that is not running only cleans up; it is not an error.
 *
 * @example
 * await stopKafka(broker);
 */
export async function stopKafka(
  target: KafkaBroker | string = defaultStateFile(),
  termTimeoutMs = 30_000,
): Promise<StopResult> {
  const started = performance.now();
  const broker = typeof target === "string" ? await readState(target) : target;
  if (broker === undefined) return { stopped: false, killed: false, elapsedMs: 0 };
  let stopped = false;
  let killed = false;
  if (isOurBroker(broker)) {
    stopped = true;
    process.kill(broker.pid, "SIGTERM");
    if (!(await waitForExit(broker.pid, termTimeoutMs))) {
      killed = true;
      if (isAlive(broker.pid)) process.kill(broker.pid, "SIGKILL");
      await waitForExit(broker.pid, 10_000);
    }
  }
  const dump = broker.classArchiveDump;
  if (dump !== null && dump !== undefined) {
    if (!killed && existsSync(dump.pending) && !existsSync(dump.archive)) await rename(dump.pending, dump.archive);
    await rm(dump.pending, { force: true });
  }
  await rm(broker.workDir, { recursive: true, force: true });
  await rm(broker.stateFile, { force: true });
  return { stopped, killed, elapsedMs: Math.round(performance.now() - started) };
}

/**
 * What interop tests (`*.interop.test.ts`, run by `pnpm test:interop`) use to talk
 * to the real Kafka broker the global setup started: its address, kcat, raw
 * frames, and a recording proxy that captures real clients' and the broker's bytes.
 *
 * This file depends only on Node and vitest, never on csp-kit's Kafka packages:
 * it is the oracle those packages are checked against.
 *
 * Invariants:
 * - every helper that waits is bounded (kcat: 30 s by default; rawRequest: 10 s)
 *   and leaves no process or socket behind when the bound runs out.
 */

import { spawn } from "node:child_process";
import { inject } from "vitest";
import { parseBootstrap } from "./bootstrap.js";
import { InvalidBootstrapError, ProcessTimeoutError } from "./errors.js";

declare module "vitest" {
  /** What scripts/kafka/global-setup.ts provides to every interop test. */
  export interface ProvidedContext {
    /** The real broker's bootstrap address, `host:port`. */
    kafkaBootstrap: string;
    /** The absolute path of kcat. */
    kcatPath: string;
  }
}

/** Reads a value the global setup provided, or `undefined` outside a vitest worker. */
function provided<K extends "kafkaBootstrap" | "kcatPath">(key: K): string | undefined {
  try {
    return inject(key);
  } catch {
    return undefined;
  }
}

/**
 * The real broker's address: what the global setup provided, else
 * `process.env.CSP_KIT_KAFKA_BOOTSTRAP`.
 *
 * @throws InvalidBootstrapError when neither is set (the test ran outside
 *   `pnpm test:interop`) or the address is malformed.
 */
export function kafkaBootstrap(): { host: string; port: number } {
  const value = provided("kafkaBootstrap") ?? process.env.CSP_KIT_KAFKA_BOOTSTRAP;
  if (value === undefined || value === "") {
    throw new InvalidBootstrapError(
      "no Kafka broker: run interop tests with `pnpm test:interop` (it starts one), " +
        "or set CSP_KIT_KAFKA_BOOTSTRAP=host:port",
      undefined,
    );
  }
  return parseBootstrap(value);
}

/** What a kcat run produced. */
export interface KcatResult {
  /** The exit code (`null` if kcat died of a signal). */
  readonly code: number | null;
  /** Everything kcat wrote to stdout, as bytes (messages may be binary). */
  readonly stdout: Buffer;
  /** Everything kcat wrote to stderr. */
  readonly stderr: string;
}

/** Options of {@link kcat}. */
export interface KcatOptions {
  /** Bound on the whole run in milliseconds (default 30 000); past it kcat is killed. */
  readonly timeoutMs?: number;
}

/**
 * Runs kcat with `args` (add `-b` yourself, e.g. from {@link kafkaBootstrap}),
 * writes `input` to its stdin and closes it (so `kcat -P` ends), and resolves
 * when it exits. A non-zero exit is a result, not an error.
 *
 * Blocking: until kcat exits, at most `timeoutMs`.
 *
 * @throws ProcessTimeoutError when kcat runs past the bound (it is killed first).
 * @example
 * const { host, port } = kafkaBootstrap();
 * const { code, stdout } = await kcat(["-L", "-J", "-b", `${host}:${port}`]);
 */
export function kcat(args: readonly string[], input?: string | Buffer, options: KcatOptions = {}): Promise<KcatResult> {
  const path = provided("kcatPath") ?? process.env.CSP_KIT_KCAT ?? "kcat";
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolveRun, reject) => {
    const child = spawn(path, args, { stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new ProcessTimeoutError(`kcat ${args.join(" ")} ran past ${timeoutMs} ms and was killed`, stderr));
        return;
      }
      resolveRun({ code, stdout: Buffer.concat(stdout), stderr });
    });
    child.stdin.on("error", () => {
      // kcat may exit before reading all input (e.g. a bad argument); its exit code says why.
    });
    child.stdin.end(input);
  });
}

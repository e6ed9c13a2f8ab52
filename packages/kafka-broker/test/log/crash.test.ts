/**
 * Crash test: "acks mean what they say". A child process appends with flush
 * "always" and prints each acknowledged batch; the parent SIGKILLs it after a
 * random number of acknowledgements, reopens the directory and checks that
 * every batch ever acknowledged is there, byte for byte, that everything the
 * log holds is whole batches (nothing half there), and that the child's next
 * run finds the idempotent producer's state (its retry of the last batch is
 * a duplicate). Twenty kills on one directory; between some of them the
 * test tears the tail by hand (half a batch, a batch with a flipped CRC byte)
 * and checks recovery truncates exactly that.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseBatches } from "../../src/internal/log/batch-view.js";
import { PartitionLog } from "../../src/internal/log/partition-log.js";
import { SegmentStore } from "../../src/internal/log/segment-store.js";
import { concat, makeBatch, splitBatches } from "./support/batches.js";
import { recordingLogger, useTempDirs } from "./support/temp-dir.js";

const tempDir = useTempDirs();
const packageDir = fileURLToPath(new URL("../..", import.meta.url));
const writer = fileURLToPath(new URL("./fixtures/crash-writer.ts", import.meta.url));
const KILLS = 20;
/** The writer's segment size (fixtures/crash-writer.ts): small, so the runs roll segments. */
const SEGMENT_BYTES = 2048;

/** A small seeded PRNG (mulberry32), so a failing run can be replayed with CRASH_SEED. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Run {
  readonly ready: string;
  readonly acks: { base: number; last: number; sha: string }[];
  readonly errors: string[];
}

/** Starts the writer, SIGKILLs it after `killAfter` acknowledgements; resolves once it is gone. */
function runAndKill(dir: string, run: number, killAfter: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      ["--conditions=@csp-kit/source", "--import", "tsx", writer, dir, String(run)],
      { cwd: packageDir, stdio: ["ignore", "pipe", "pipe"] },
    );
    const result: Run & { ready: string } = { ready: "", acks: [], errors: [] };
    let buffered = "";
    let stderr = "";
    const watchdog = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`writer run ${run} produced ${result.acks.length} acks in 60 s; stderr: ${stderr}`));
    }, 60_000);
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout!.on("data", (d: Buffer) => {
      buffered += d.toString();
      let nl = buffered.indexOf("\n");
      while (nl >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        nl = buffered.indexOf("\n");
        const [kind, ...rest] = line.split(" ");
        if (kind === "ready") result.ready = rest.join(" ");
        else if (kind === "ack") {
          result.acks.push({ base: Number(rest[0]), last: Number(rest[1]), sha: rest[2]! });
          if (result.acks.length === killAfter) child.kill("SIGKILL");
        } else result.errors.push(line);
      }
    });
    child.on("exit", (code, signal) => {
      clearTimeout(watchdog);
      if (signal !== "SIGKILL") reject(new Error(`writer run ${run} exited (${code}, ${signal}); stderr: ${stderr}`));
      else resolve(result);
    });
  });
}

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

function lastSegmentFile(dir: string): string {
  const logs = readdirSync(dir)
    .filter((n) => n.endsWith(".log"))
    .sort();
  return join(dir, logs[logs.length - 1]!);
}

describe("a durable log killed while it appends with flush always", () => {
  it("keeps every acknowledged batch intact and nothing half written, across 20 kills", async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
    const random = prng(seed);
    const dir = tempDir();
    const acked = new Map<number, { last: number; sha: string }>();
    let runsWithState = 0;
    for (let run = 0; run < KILLS; run++) {
      const where = `seed ${seed}, run ${run}`;
      const result = await runAndKill(dir, run, 1 + Math.floor(random() * 40));
      expect(result.errors, where).toEqual([]);
      const [, dupCheck] = result.ready.split(" ");
      if (run > 0) {
        expect(dupCheck, `${where}: the restarted writer's retry of its last batch`).toBe("dup-ok");
        runsWithState++;
      }
      for (const a of result.acks) acked.set(a.base, { last: a.last, sha: a.sha });

      // Between some runs, tear the tail by hand: half a batch, or a whole one with a bad CRC.
      let torn = 0;
      if (run % 5 === 2) {
        const half = makeBatch({ values: [new Uint8Array(50).fill(7)] }).subarray(0, 40);
        appendFileSync(lastSegmentFile(dir), half);
        torn = half.byteLength;
      } else if (run % 5 === 4) {
        const bad = makeBatch({ values: [new Uint8Array(50).fill(9)] });
        bad[bad.length - 3]! ^= 0x20;
        appendFileSync(lastSegmentFile(dir), bad);
        torn = bad.byteLength;
      }

      const logger = recordingLogger();
      const log = PartitionLog.open(SegmentStore.open(dir, { logger }), {
        segmentBytes: SEGMENT_BYTES,
        retentionMs: Number.POSITIVE_INFINITY,
      });
      log.assertInvariants();
      if (torn > 0)
        expect(
          logger.events.some((e) => e.level === "warn" && e.details.truncatedBytes === torn),
          `${where}: recovery truncated the ${torn} torn bytes`,
        ).toBe(true);
      // Every acknowledged batch is there, byte for byte.
      for (const [base, a] of acked) {
        const read = log.read(base, 0);
        expect(read.kind, `${where}: offset ${base}`).toBe("records");
        if (read.kind !== "records") continue;
        const batch = splitBatches(concat(...read.records))[0]!;
        expect(sha(batch), `${where}: batch ${base}`).toBe(a.sha);
      }
      // Everything held is whole, CRC-checked batches with contiguous offsets, and the files hold nothing else.
      const all = log.read(0, Number.MAX_SAFE_INTEGER);
      expect(all.kind).toBe("records");
      if (all.kind === "records") {
        const bytes = concat(...all.records);
        const parsed = parseBatches(bytes, 1 << 30);
        expect(parsed.ok, `${where}: ${parsed.ok ? "" : parsed.message}`).toBe(true);
        if (parsed.ok) {
          let next = 0;
          for (const h of parsed.headers) {
            expect(h.baseOffset).toBe(next);
            next = h.baseOffset + h.lastOffsetDelta + 1;
          }
          expect(next).toBe(log.logEndOffset);
        }
        const onDisk = readdirSync(dir)
          .filter((n) => n.endsWith(".log"))
          .reduce((n, f) => n + statSync(join(dir, f)).size, 0);
        expect(onDisk).toBe(bytes.byteLength);
      }
      const maxAcked = Math.max(...[...acked.values()].map((a) => a.last));
      expect(log.logEndOffset).toBeGreaterThan(maxAcked);
      await log.close();
    }
    expect(runsWithState).toBe(KILLS - 1);
    expect(acked.size).toBeGreaterThan(KILLS);
  }, 240_000);
});

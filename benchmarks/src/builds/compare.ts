/**
 * `pnpm bench:builds` (in benchmarks/, after `pnpm build` at the root): is
 * what ships as fast as what the suite measures? Runs one loop — 1e6 values
 * through `new Channel(64)`, a try-first producer and a `for await` consumer
 * (the loop of the issue that found the CommonJS build ~1.5x slower) —
 * against csp-kit's TypeScript source, its built ESM package and its built
 * CommonJS package, each in its own child process, in interleaved rounds, and
 * prints the median and minimum per build and the CommonJS / ESM ratio. It also
 * prints `Channel.name` per build (a mangled name means the build renamed classes).
 *
 * Options: `--n N` (default 1e6), `--runs R` timed runs per child (default 5),
 * `--rounds K` (default 3), `--smoke` (n = 20000, 1 run, 1 round: CI's check
 * that all three load and agree on the checksum).
 *
 * Invariants: a child verifies the sum of what it received, so a lost or
 * duplicated value fails the run instead of producing a number.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    n: { type: "string" },
    runs: { type: "string" },
    rounds: { type: "string" },
    smoke: { type: "boolean", default: false },
    child: { type: "boolean", default: false },
  },
  strict: true,
});
const n = values.n !== undefined ? Number(values.n) : values.smoke ? 20_000 : 1_000_000;
const runs = values.runs !== undefined ? Number(values.runs) : values.smoke ? 1 : 5;
const rounds = values.rounds !== undefined ? Number(values.rounds) : values.smoke ? 1 : 3;

if (values.child) {
  const { Channel } = await import("@csp-kit/channel");
  const once = async (): Promise<number> => {
    const ch = new Channel<number>(64);
    const started = performance.now();
    const producer = (async () => {
      for (let v = 0; v < n; v++) if (ch.trySend(v) !== "sent") await ch.send(v);
      ch.close();
    })();
    let sum = 0;
    for await (const v of ch) sum += v;
    await producer;
    const ms = performance.now() - started;
    if (sum !== (n * (n - 1)) / 2) throw new Error(`checksum: got ${sum}, want ${(n * (n - 1)) / 2}`);
    return ms;
  };
  if (!values.smoke) for (let i = 0; i < 2; i++) await once();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push(await once());
  process.stdout.write(`${JSON.stringify({ ms, name: Channel.name })}\n`);
} else {
  const builds = {
    source: ["--conditions=@csp-kit/source"],
    esm: [],
    cjs: ["--import", fileURLToPath(new URL("./register-cjs.mjs", import.meta.url))],
  } as const;
  const samples = new Map<string, { ms: number[]; name: string }>();
  const order = Object.keys(builds) as (keyof typeof builds)[];
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < order.length; i++) {
      const build = order[(i + round) % order.length] as keyof typeof builds;
      const r = spawnSync(
        process.execPath,
        [
          ...builds[build],
          "--import",
          "tsx",
          fileURLToPath(import.meta.url),
          "--child",
          "--n",
          String(n),
          "--runs",
          String(runs),
          ...(values.smoke ? ["--smoke"] : []),
        ],
        { encoding: "utf8" },
      );
      if (r.status !== 0) {
        process.stderr.write(`${build}: the child failed\n${r.stderr}`);
        process.exit(1);
      }
      const out = JSON.parse(r.stdout.trim().split("\n").pop() as string) as { ms: number[]; name: string };
      const seen = samples.get(build) ?? { ms: [], name: out.name };
      seen.ms.push(...out.ms);
      samples.set(build, seen);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  process.stdout.write(`Channel(64), try-first producer, for-await consumer, n=${n}, ${rounds} × ${runs} runs\n`);
  for (const build of order) {
    const s = samples.get(build) as { ms: number[]; name: string };
    process.stdout.write(
      `${build.padEnd(7)} median ${median(s.ms).toFixed(0).padStart(6)} ms  min ${Math.min(...s.ms)
        .toFixed(0)
        .padStart(6)} ms  Channel.name=${s.name}\n`,
    );
  }
  const esm = samples.get("esm") as { ms: number[] };
  const cjs = samples.get("cjs") as { ms: number[] };
  process.stdout.write(
    `cjs / esm: median ${(median(cjs.ms) / median(esm.ms)).toFixed(2)}, min ${(Math.min(...cjs.ms) / Math.min(...esm.ms)).toFixed(2)}\n`,
  );
  const names = [...samples.values()].map((s) => s.name);
  if (names.some((name) => name !== "Channel")) {
    process.stderr.write(`a build renamed Channel: ${names.join(", ")}\n`);
    process.exit(1);
  }
}

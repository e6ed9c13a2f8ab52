/**
 * `pnpm demo`: the broker demo. Usage:
 *
 *   pnpm demo [--duration SECONDS] [--keep] [--producers N] [--consumers N] [--port P] [--http-port P]
 *
 * Starts csp-kit's Kafka-compatible broker with its live dashboard, runs
 * producers and consumers for `--duration` seconds (default 10), prints a
 * summary and exits; with `--keep` the broker and the dashboard stay up
 * until Ctrl-C.
 */
import { parseArgs } from "node:util";
import { formatSummary, runDemo } from "./demo.js";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    keep: { type: "boolean", default: false },
    producers: { type: "string", default: "3" },
    consumers: { type: "string", default: "2" },
    port: { type: "string", default: "0" },
    "http-port": { type: "string", default: "0" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(
    "usage: pnpm demo [--duration SECONDS] [--keep] [--producers N] [--consumers N] [--port P] [--http-port P]",
  );
  process.exit(0);
}
function count(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min) {
    console.error(`demo: --${name} must be a number >= ${min}, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return n;
}
const durationMs = count("duration", values.duration, 0.1) * 1000;

const { summary, broker } = await runDemo({
  durationMs,
  producers: Math.floor(count("producers", values.producers, 1)),
  consumers: Math.floor(count("consumers", values.consumers, 1)),
  port: Math.floor(count("port", values.port, 0)),
  httpPort: Math.floor(count("http-port", values["http-port"], 0)),
  onStarted: (b, dashboard) => {
    console.log(`csp-kit-broker listening on ${b.bootstrap}`);
    console.log(`dashboard: ${dashboard}   (open it in a browser)`);
    console.log(`producing for ${durationMs / 1000} s ...`);
  },
});
console.log("");
console.log(formatSummary(summary));
if (values.keep) {
  console.log("");
  console.log(`the broker stays up at ${summary.bootstrap}, the dashboard at ${summary.dashboard}; Ctrl-C stops it`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
}
await broker.close();
console.log("broker stopped");

/**
 * `pnpm demo:sieve`: the concurrent prime sieve. Usage: `pnpm demo:sieve [count]` (default 1000).
 */
import { sieve } from "./sieve.js";

const count = Number(process.argv[2] ?? 1000);
const started = performance.now();
const { primes, filters, handoffs } = await sieve(count);
const ms = performance.now() - started;

console.log(`csp-kit concurrent prime sieve: the first ${primes.length} primes`);
console.log("");
const width = String(primes.at(-1)).length;
for (let i = 0; i < primes.length; i += 20) {
  console.log(
    primes
      .slice(i, i + 20)
      .map((p) => String(p).padStart(width))
      .join(" "),
  );
}
console.log("");
console.log(`${filters + 1} tasks (1 generator + ${filters} filters) chained by ${filters + 1} unbuffered channels`);
console.log(`${handoffs.toLocaleString("en-US")} channel hand-offs in ${ms.toFixed(0)} ms`);
console.log(`(${((ms * 1e6) / handoffs).toFixed(0)} ns per hand-off, including task scheduling)`);

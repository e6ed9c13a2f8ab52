/**
 * Runs the pool on the real clock against an echo server on loopback TCP: a
 * burst of 6 concurrent workers (the pool of 2 dials extra connections, then
 * closes the surplus when it stays full), then a quiet phase of sequential
 * requests that reuse the pooled connections without dialing.
 *
 * Run: npx tsx --conditions=@csp-kit/source docs/examples/backend-pool/main.ts
 */

import { EchoConnection, startEchoServer } from "./echo.js";
import { Pool } from "./pool.js";

const server = await startEchoServer();
const pool = new Pool<EchoConnection>({
  dial: () => EchoConnection.connect(server.port),
  close: (conn) => conn.close(),
  size: 2,
  dialAfter: 5,
  returnTimeout: 20,
});
console.log(`echo server on 127.0.0.1:${server.port}; pool of 2, dial after 5 ms, give back within 20 ms`);

/** One unit of work: borrow a connection, one round trip, give it back. */
async function call(worker: string, n: number): Promise<string> {
  const conn = await pool.get();
  try {
    const reply = await conn.request(`${worker} request ${n}`);
    return `conn ${conn.id}: ${reply}`;
  } finally {
    await pool.put(conn);
  }
}

// A burst: more concurrent callers than pooled connections.
const burst = await Promise.all(
  ["w1", "w2", "w3", "w4", "w5", "w6"].map(async (w) => {
    const lines: string[] = [];
    for (let n = 1; n <= 3; n++) lines.push(await call(w, n));
    return lines;
  }),
);
await server.whenOpen(pool.idle); // the server has seen the surplus closed
console.log("\nburst, 6 workers x 3 requests:");
for (const line of burst.flat()) console.log(`  ${line}`);
console.log(`  ${JSON.stringify(pool.stats)}; pooled now: ${pool.idle}; open at the server: ${server.open}`);

// Quiet: one caller at a time reuses what the pool kept.
const before = pool.stats.dialed;
for (let n = 1; n <= 5; n++) await call("solo", n);
console.log(`\nquiet, 5 sequential requests: ${pool.stats.dialed - before} new dials; ${JSON.stringify(pool.stats)}`);

pool.close();
await server.whenOpen(0);
await server.close();
console.log(`\npool closed; the server accepted ${server.accepted} connections in all and has none open`);

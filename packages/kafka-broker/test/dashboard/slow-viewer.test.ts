/**
 * A dashboard viewer that never reads its socket: the broker's produce and
 * fetch go on at the same pace, the feed drops the snapshots that viewer
 * cannot take (its ring holds one), the bytes buffered for it stay bounded,
 * and it is disconnected — by the buffer bound or by the stall timeout.
 *
 * The feed samples every 5 ms and the broker has 300 topics, so snapshots
 * are large (tens of KB) and fill the loopback socket buffers in seconds
 * rather than minutes; everything else is the broker's own code.
 */

import { connect, type Socket } from "node:net";
import { ApiKey } from "@csp-kit/kafka-protocol";
import { realClock } from "@csp-kit/timers";
import { afterEach, describe, expect, it } from "vitest";
import { DashboardFeed } from "../../src/internal/dashboard/feed.js";
import { DisconnectLog } from "../../src/internal/dashboard/snapshot.js";
import { TrafficMeter } from "../../src/internal/dashboard/traffic.js";
import { HttpFrontend } from "../../src/internal/http/http-server.js";
import { recordingLogger, useBrokers } from "../support/broker.js";
import { batchOf, fetchBody, produceBody, RawClient } from "../support/client.js";
import { openViewer } from "./events.js";

const start = useBrokers();
const frontends: HttpFrontend[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(frontends.splice(0).map((f) => f.close()));
});

function percentile(values: number[], p: number): number {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number;
}

/** A viewer that sends its GET and never reads a byte of the answer. */
function stuckViewer(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.pause();
      socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      resolve(socket);
    });
    sockets.push(socket);
    socket.on("error", () => {});
    socket.once("error", reject);
  });
}

async function setup(tuning: { maxBufferedBytes: number; stallMs: number }) {
  const { broker, port } = await start();
  for (let i = 0; i < 300; i++) broker.createTopic(`padding-topic-${String(i).padStart(4, "0")}`);
  broker.createTopic("work");
  const logger = recordingLogger();
  const counter = { disconnected: 0 };
  const feed = new DashboardFeed({
    sampleIntervalMs: 5,
    clock: realClock,
    meter: new TrafficMeter(),
    disconnects: new DisconnectLog(50, () => Date.now()),
    stats: () => broker.stats(),
    outboxPauseBytes: broker.config.outboxPauseBytes,
    viewersDisconnected: () => counter.disconnected,
  });
  const frontend = await HttpFrontend.listen(
    { host: "127.0.0.1", port: 0, feed, state: () => broker.stats(), logger, clock: realClock, ...tuning },
    counter,
  );
  frontends.push(frontend);
  const client = await RawClient.connect(port);
  let offset = 0n;
  /** One produce and one fetch of what it wrote; resolves with the round trip's ms. */
  const roundTrip = async (): Promise<number> => {
    const t0 = performance.now();
    await client.request(ApiKey.Produce, 7, produceBody("work", 0, batchOf(["a", "b", "c", "d"])));
    const fetched = await client.request(ApiKey.Fetch, 11, fetchBody("work", 0, offset));
    if (fetched.responses[0]?.partitions[0]?.errorCode !== 0) throw new Error("fetch failed");
    offset += 4n;
    return performance.now() - t0;
  };
  const snapshotBytes = JSON.stringify(feed.snapshot()).length;
  return { feed, frontend, counter, logger, roundTrip, snapshotBytes, client };
}

async function scenario(
  tuning: { maxBufferedBytes: number; stallMs: number },
  reason: RegExp,
  stall: boolean,
): Promise<void> {
  const { feed, frontend, counter, logger, roundTrip, snapshotBytes, client } = await setup(tuning);
  expect(snapshotBytes).toBeGreaterThan(30_000);

  const before: number[] = [];
  for (let i = 0; i < 200; i++) before.push(await roundTrip());

  // A healthy viewer beside it (not with a bound below one snapshot: that would cut any viewer off).
  const healthy = stall ? await openViewer(frontend.port) : undefined;
  await stuckViewer(frontend.port);
  let healthySeen = 0;
  const watching = (async () => {
    try {
      await healthy?.until(() => {
        healthySeen++;
        return false;
      }, 1_000_000);
    } catch {
      // the stream ends when the frontend closes
    }
  })();

  // Produce and fetch on, measuring, until the stuck viewer is gone (bounded).
  const during: number[] = [];
  for (let i = 0; i < 200_000 && counter.disconnected === 0; i++) during.push(await roundTrip());
  expect(counter.disconnected).toBe(1);
  const seenAtDisconnect = healthySeen;
  for (let i = 0; i < 50; i++) during.push(await roundTrip());

  const line = logger.events.find((e) => e.message === "dashboard viewer disconnected");
  expect(String(line?.details.reason)).toMatch(reason);
  // Memory: what the server buffered for one viewer stayed within the bound plus one snapshot.
  expect(frontend.peakBufferedBytes).toBeLessThanOrEqual(tuning.maxBufferedBytes + snapshotBytes + 1024);
  if (stall) {
    // While its writer waited for 'drain', the stalled viewer's ring replaced the snapshots it could not take.
    expect(feed.dropped).toBeGreaterThan(0);
    // It held one snapshot beyond the socket's own high-water mark, never a queue.
    expect(frontend.peakBufferedBytes).toBeLessThanOrEqual(2 * snapshotBytes + 64 * 1024);
    // The healthy viewer kept receiving all along.
    expect(seenAtDisconnect).toBeGreaterThan(3);
    expect(frontend.viewers).toBe(1);
  } else {
    expect(frontend.viewers).toBe(0);
  }
  // The broker's pace: the median round trip with the stuck viewer is of the same order as without it.
  const p50Before = percentile(before, 50);
  const p50During = percentile(during, 50);
  expect(p50During).toBeLessThan(p50Before * 4 + 10);
  healthy?.close();
  client.close();
  await watching;
}

describe("a dashboard viewer that never reads", () => {
  it("is disconnected once the bytes buffered for it pass the bound (here below one snapshot); produce and fetch carry on", async () => {
    await scenario({ maxBufferedBytes: 16 * 1024, stallMs: 120_000 }, /buffered, over the bound of 16384/, false);
  }, 90_000);

  it("is disconnected when its socket stays full for the stall timeout; it holds one snapshot meanwhile", async () => {
    await scenario({ maxBufferedBytes: 4 << 20, stallMs: 300 }, /stayed full for 300 ms/, true);
  }, 90_000);
});

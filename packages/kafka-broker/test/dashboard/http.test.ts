import { request } from "node:http";
import { ApiKey } from "@csp-kit/kafka-protocol";
import { describe, expect, it } from "vitest";
import { useBrokers } from "../support/broker.js";
import { batchOf, fetchBody, produceBody, RawClient } from "../support/client.js";
import { openViewer } from "./events.js";

const start = useBrokers();

function http(
  port: number,
  path: string,
  options: { method?: string; host?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: options.method ?? "GET",
        headers: options.host === undefined ? {} : { host: options.host },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (c: string) => {
          body += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("the dashboard", () => {
  it("serves one self-contained page with a policy that allows only its own script and style", async () => {
    const { broker } = await start({ httpPort: 0 });
    const page = await http(broker.httpPort!, "/");
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.body).toContain("<svg");
    expect(page.body).toContain('new EventSource("/api/events")');
    // Nothing from elsewhere: no src/href attribute, no URL but the SVG namespace.
    expect(page.body).not.toMatch(/\s(src|href)=/);
    expect(page.body.match(/https?:\/\/[^"]+/g)).toEqual(["http://www.w3.org/2000/svg"]);
    const csp = String(page.headers["content-security-policy"]);
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toMatch(/connect-src 'self'/);
  });

  it("answers GET only, and only requests addressed to this machine", async () => {
    const { broker } = await start({ httpPort: 0 });
    const post = await http(broker.httpPort!, "/api/state", { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET");
    expect((await http(broker.httpPort!, "/", { method: "DELETE" })).status).toBe(405);
    expect((await http(broker.httpPort!, "/", { host: "attacker.example:80" })).status).toBe(403);
    expect((await http(broker.httpPort!, "/healthz", { host: `localhost:${broker.httpPort}` })).status).toBe(200);
    expect((await http(broker.httpPort!, "/healthz", { host: `[::1]:${broker.httpPort}` })).status).toBe(200);
    expect((await http(broker.httpPort!, "/nope")).status).toBe(404);
  });

  it("streams snapshots: topics with offsets, throughput, clients, and disconnects with their reasons", async () => {
    const { broker, port } = await start({ httpPort: 0 });
    broker.createTopic("dash", { partitions: 2 });
    const viewer = await openViewer(broker.httpPort!);
    expect(viewer.status).toBe(200);
    expect(viewer.contentType).toBe("text/event-stream; charset=utf-8");
    const first = await viewer.until(() => true);
    expect(first.topics).toMatchObject([{ name: "dash", partitions: [{ highWatermark: 0 }, { highWatermark: 0 }] }]);
    expect(first.viewers.connected).toBe(1);

    const client = await RawClient.connect(port);
    const values = Array.from({ length: 10 }, (_, i) => `v${i}`);
    await client.request(ApiKey.Produce, 7, produceBody("dash", 1, batchOf(values)));
    await client.request(ApiKey.Fetch, 11, fetchBody("dash", 1, 0n));
    const seen = await viewer.until(
      (s) => s.throughput.totals.fetchedRecords === 10 && s.throughput.now.producedRecords > 0,
    );
    expect(seen.topics[0]?.partitions[1]).toMatchObject({ partition: 1, logStartOffset: 0, highWatermark: 10 });
    expect(seen.throughput.totals).toMatchObject({ producedRecords: 10, fetchedRecords: 10 });
    expect(seen.throughput.totals.producedBytes).toBeGreaterThan(10 * 2);
    expect(seen.throughput.totals.fetchedBytes).toBe(seen.throughput.totals.producedBytes);
    expect(seen.clients).toMatchObject([{ clientId: "raw-test", requests: 2, outboxBytes: 0, slow: false }]);

    // A malformed frame: the broker closes that connection and says why.
    client.writeRaw(new Uint8Array([0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff]));
    await client.closed;
    const gone = await viewer.until((s) => s.disconnects.length > 0);
    expect(gone.clients).toEqual([]);
    expect(gone.disconnects[0]).toMatchObject({ clientId: "raw-test", requests: 2 });
    expect(gone.disconnects[0]?.reason).toMatch(/malformed/);

    // The rate decays once traffic stops: the "now" rate covers the last second only.
    await viewer.until((s) => s.throughput.now.producedRecords === 0 && s.throughput.series.length > 0, 40);
    viewer.close();
  });

  it("ends every stream when the broker closes", async () => {
    const { broker } = await start({ httpPort: 0 });
    const viewer = await openViewer(broker.httpPort!);
    await viewer.until(() => true);
    await broker.close();
    await expect(viewer.until(() => false)).rejects.toThrow(/ended/);
  });
});

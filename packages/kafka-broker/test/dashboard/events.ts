/**
 * A test viewer of the dashboard's event stream: a GET of /api/events whose
 * snapshots are parsed and queued on a channel, and `until(predicate)` that
 * takes snapshots until one matches (bounded by a count, not by time).
 */

import { request } from "node:http";
import { Channel } from "@csp-kit/channel";
import type { DashboardSnapshot } from "../../src/internal/dashboard/snapshot.js";

/** One open event stream. */
export interface Viewer {
  /** The response's status and content type. */
  readonly status: number;
  readonly contentType: string;
  /** Takes snapshots until `match` holds; throws after `limit` snapshots or when the stream ends. */
  until(match: (s: DashboardSnapshot) => boolean, limit?: number): Promise<DashboardSnapshot>;
  close(): void;
}

/** Opens /api/events on 127.0.0.1:`port`. */
export function openViewer(port: number): Promise<Viewer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/api/events" }, (res) => {
      const snapshots = Channel.infinite<DashboardSnapshot>();
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          for (const line of event.split("\n"))
            if (line.startsWith("data: ")) snapshots.trySend(JSON.parse(line.slice(6)) as DashboardSnapshot);
        }
      });
      res.on("close", () => {
        if (!snapshots.closed) snapshots.close();
      });
      resolve({
        status: res.statusCode ?? 0,
        contentType: String(res.headers["content-type"]),
        async until(match, limit = 200) {
          for (let i = 0; i < limit; i++) {
            const next = await snapshots.recv();
            if (next.isNone()) throw new Error("the event stream ended");
            if (match(next.value)) return next.value;
          }
          throw new Error(`no snapshot matched in ${limit}`);
        },
        close: () => req.destroy(),
      });
    });
    req.on("error", reject);
    req.end();
  });
}

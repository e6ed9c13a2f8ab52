/**
 * The broker's HTTP side (0 or 1 per broker, on `httpPort` of the broker's
 * own host): the live dashboard and the JSON state.
 *
 * ```
 *  GET /             the dashboard page (one self-contained HTML file)
 *  GET /api/events   text/event-stream: one snapshot per feed tick  ◄── DashboardFeed (ring(1) per viewer)
 *  GET /api/state    the broker's stats, JSON
 *  GET /healthz      "ok"
 * ```
 *
 * Safe by default: it listens where the broker listens (127.0.0.1 unless
 * told otherwise); it answers GET only (405 otherwise); when bound to a
 * loopback address it answers only requests whose Host header names a
 * loopback address (a page on another site cannot reach it by DNS
 * rebinding); it keeps at most `maxConnections` sockets and
 * `maxViewers` event streams (503 beyond); the page is served with a
 * Content-Security-Policy that allows its own inline script and style
 * (by hash) and connections to itself, nothing else.
 *
 * One event-stream writer per viewer: it takes snapshots from its ring and
 * writes them. When the socket's buffer is full it waits for 'drain', while
 * the ring keeps replacing the snapshot it has not taken (so a stalled
 * viewer holds one snapshot beyond the socket's high-water mark, never a
 * queue). A viewer whose socket stays full for `stallMs` is disconnected
 * and counted; so is one whose buffered bytes pass `maxBufferedBytes`
 * (a safety net: waiting for 'drain' keeps a viewer below one snapshot
 * plus the high-water mark, so only a snapshot larger than the bound
 * reaches it).
 *
 * - never blocks the broker: the feed's sends never wait, the writers only
 *   wait on their own socket;
 * - shutdown (`close`): stop the feed (ends every stream), close every
 *   socket, stop listening.
 *
 * Invariants: `#streams` holds exactly the writers that have not ended;
 * every viewer subscribed is unsubscribed when its writer ends.
 */

import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { isIP } from "node:net";
import { Channel } from "@csp-kit/channel";
import { recv, select } from "@csp-kit/select";
import { after, type Clock, done } from "@csp-kit/timers";
import type { DashboardFeed } from "../dashboard/feed.js";
import { DASHBOARD_PAGE, PAGE_SCRIPT, PAGE_STYLE } from "../dashboard/page.js";
import type { BrokerLogger } from "../server/logger.js";

/** Options of {@link HttpFrontend.listen}. */
export interface HttpFrontendOptions {
  readonly host: string;
  readonly port: number;
  readonly feed: DashboardFeed;
  /** The JSON of `/api/state`. */
  readonly state: () => unknown;
  readonly logger: BrokerLogger;
  readonly clock: Clock;
  /** Most open sockets. Default 64. */
  readonly maxConnections?: number;
  /** Most event streams at once. Default 16. */
  readonly maxViewers?: number;
  /** A viewer with more bytes than this buffered is disconnected. Default 4 MiB. */
  readonly maxBufferedBytes?: number;
  /** A viewer whose socket stays full this long is disconnected. Default 10 s. */
  readonly stallMs?: number;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("base64");
}

const CSP = [
  "default-src 'none'",
  `script-src 'sha256-${sha256(PAGE_SCRIPT)}'`,
  `style-src 'sha256-${sha256(PAGE_STYLE)}'`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const COMMON_HEADERS = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
} as const;

/** Whether `host` (an address or a name) is this machine's loopback. */
function isLoopback(host: string): boolean {
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

/** The host part of a Host header (`[::1]:8080` → `::1`, `a:80` → `a`). */
function hostOf(header: string): string {
  if (header.startsWith("[")) return header.slice(1, header.indexOf("]"));
  const colon = header.lastIndexOf(":");
  return colon < 0 ? header : header.slice(0, colon);
}

/** Viewers disconnected for not taking their stream; a counter the feed reads. */
export interface ViewerCounter {
  disconnected: number;
}

/** The HTTP server of one broker. See the file header. */
export class HttpFrontend {
  readonly #server: Server;
  readonly #options: HttpFrontendOptions;
  readonly #streams = new Set<Promise<void>>();
  readonly #counter: ViewerCounter;
  readonly #loopbackOnly: boolean;
  #closing: Promise<void> | undefined;
  /** The most bytes any one viewer's response has held buffered (tests read it). */
  #peakBuffered = 0;

  private constructor(server: Server, options: HttpFrontendOptions, counter: ViewerCounter) {
    this.#server = server;
    this.#options = options;
    this.#counter = counter;
    this.#loopbackOnly = isLoopback(options.host);
  }

  /**
   * Listens on `host:port` (0: a free one); `counter` is where viewer
   * disconnects are counted.
   *
   * @throws the server's error (EADDRINUSE, …) when it cannot listen.
   */
  static async listen(options: HttpFrontendOptions, counter: ViewerCounter): Promise<HttpFrontend> {
    const server = createServer();
    server.maxConnections = options.maxConnections ?? 64;
    const frontend = new HttpFrontend(server, options, counter);
    server.on("request", (req, res) => {
      // A throw in a request listener would end the process: answer 500 and log instead.
      try {
        frontend.#route(req, res);
      } catch (error) {
        options.logger.error("http request failed", { url: req.url, error: String(error) });
        if (!res.headersSent) res.writeHead(500, COMMON_HEADERS);
        res.end();
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: options.host, port: options.port }, () => {
        server.off("error", reject);
        server.on("error", (error) => options.logger.error("http server error", { error: String(error) }));
        resolve();
      });
    });
    return frontend;
  }

  /** The port listened on. */
  get port(): number {
    const address = this.#server.address();
    return typeof address === "object" && address !== null ? address.port : 0;
  }

  /** The most bytes one viewer's stream has held buffered at once, so far. */
  get peakBufferedBytes(): number {
    return this.#peakBuffered;
  }

  /** Event streams open now. */
  get viewers(): number {
    return this.#streams.size;
  }

  #route(req: IncomingMessage, res: ServerResponse): void {
    if (this.#closing !== undefined) {
      res.writeHead(503, COMMON_HEADERS).end();
      return;
    }
    if (req.method !== "GET") {
      res.writeHead(405, { ...COMMON_HEADERS, allow: "GET", "content-type": "text/plain" }).end("GET only\n");
      return;
    }
    if (this.#loopbackOnly && !isLoopback(hostOf(req.headers.host ?? ""))) {
      res
        .writeHead(403, { ...COMMON_HEADERS, "content-type": "text/plain" })
        .end("this dashboard answers requests addressed to this machine only (Host: 127.0.0.1 or localhost)\n");
      return;
    }
    const path = (req.url ?? "/").split("?")[0];
    switch (path) {
      case "/":
      case "/index.html":
        res
          .writeHead(200, {
            ...COMMON_HEADERS,
            "content-type": "text/html; charset=utf-8",
            "content-security-policy": CSP,
            "x-frame-options": "DENY",
          })
          .end(DASHBOARD_PAGE);
        return;
      case "/api/events":
        this.#events(req, res);
        return;
      case "/api/state":
        res
          .writeHead(200, { ...COMMON_HEADERS, "content-type": "application/json" })
          .end(`${JSON.stringify(this.#options.state())}\n`);
        return;
      case "/favicon.ico":
        res.writeHead(204, COMMON_HEADERS).end(); // no icon, and no 404 in the browser's console
        return;
      case "/healthz":
        res.writeHead(200, { ...COMMON_HEADERS, "content-type": "text/plain" }).end("ok\n");
        return;
      default:
        res
          .writeHead(404, { ...COMMON_HEADERS, "content-type": "text/plain" })
          .end("not found: try /, /api/events, /api/state or /healthz\n");
    }
  }

  #events(req: IncomingMessage, res: ServerResponse): void {
    const maxViewers = this.#options.maxViewers ?? 16;
    if (this.#streams.size >= maxViewers) {
      res
        .writeHead(503, { ...COMMON_HEADERS, "content-type": "text/plain", "retry-after": "5" })
        .end(`${maxViewers} dashboard viewers are connected; close one and retry\n`);
      return;
    }
    const viewer = this.#options.feed.subscribe();
    if (viewer === undefined) {
      res.writeHead(503, COMMON_HEADERS).end();
      return;
    }
    const stream = this.#stream(req, res, viewer).finally(() => {
      this.#options.feed.unsubscribe(viewer);
      this.#streams.delete(stream);
    });
    this.#streams.add(stream);
  }

  /**
   * One viewer's writer: snapshots from `viewer` onto `res` until the viewer
   * goes, the feed closes, or the viewer is too slow. Never rejects.
   */
  async #stream(req: IncomingMessage, res: ServerResponse, viewer: Channel<string>): Promise<void> {
    const o = this.#options;
    const maxBuffered = o.maxBufferedBytes ?? 4 << 20;
    const stallMs = o.stallMs ?? 10_000;
    const gone = new AbortController();
    const drain = Channel.buffered<void>(1);
    const onDrain = (): void => void drain.trySend(undefined);
    const onClose = (): void => gone.abort();
    res.on("drain", onDrain);
    res.on("close", onClose);
    req.socket.setNoDelay(true);
    const remote = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    const tooSlow = (reason: string): void => {
      this.#counter.disconnected++;
      o.logger.warn("dashboard viewer disconnected", { remote, reason });
      res.destroy();
    };
    try {
      res.writeHead(200, {
        ...COMMON_HEADERS,
        "content-type": "text/event-stream; charset=utf-8",
        connection: "keep-alive",
      });
      res.write("retry: 2000\n\n");
      const closed = done(gone.signal);
      for (;;) {
        const r = await select({ snapshot: recv(viewer), gone: recv(closed) });
        if (r.case === "gone" || r.value.isNone()) break;
        res.write(`data: ${r.value.value}\n\n`);
        if (res.writableLength > this.#peakBuffered) this.#peakBuffered = res.writableLength;
        if (res.writableLength > maxBuffered) {
          tooSlow(`${res.writableLength} bytes buffered, over the bound of ${maxBuffered}`);
          return;
        }
        if (res.writableNeedDrain) {
          const w = await select({
            drain: recv(drain),
            stall: recv(after(stallMs, { clock: o.clock })),
            gone: recv(closed),
          });
          if (w.case === "stall") {
            tooSlow(`its socket stayed full for ${stallMs} ms`);
            return;
          }
          if (w.case === "gone") break;
        }
      }
      if (!res.destroyed) res.end();
    } catch (error) {
      o.logger.debug("dashboard stream ended", { remote, error: String(error) });
      res.destroy();
    } finally {
      res.off("drain", onDrain);
      res.off("close", onClose);
      drain.close();
    }
  }

  /** Ends every stream, closes every socket, stops listening. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      await this.#options.feed.close();
      await Promise.all([...this.#streams]);
      this.#server.closeAllConnections();
      await stopped;
    })();
    return this.#closing;
  }
}

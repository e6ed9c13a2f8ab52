/**
 * One client connection: three tasks joined by channels, as Kafka's
 * SocketServer splits a connection between a processor and the request
 * handlers, in the CSP form of the seed's non-blocking broker.
 *
 * ```
 *  socket 'data' ─► chunks ─► reader ─► requests ─► handler ─► outbox ─► writer ─► socket.write
 *   (paused while     (infinite)  frames → decoded  (bounded)  dispatch   (bounded,   awaits each response
 *    chunks pile up)              requests                     in order   in order)   in order
 * ```
 *
 * - reader (one per connection): splits the byte stream into frames and
 *   decodes each into a request. Never blocks on anything but the
 *   `requests` channel (the handler is behind) and the outbox's room (the
 *   client is not taking its responses). A malformed frame, an API or
 *   version the broker does not serve, a body that does not parse: the
 *   connection is closed with a logged reason (KAFKA.md §2.6); an
 *   ApiVersions request of a version above 4 is answered in the v0 shape.
 * - handler (one per connection): takes requests in order and starts each
 *   one's handler, which returns its response or a promise of it (a Fetch
 *   long-polls, a Produce waits for its flush); the pending response goes
 *   into the outbox at once, so the next request starts without waiting.
 *   Never blocks on anything but the outbox's capacity.
 * - writer (one per connection): awaits the pending responses in queue
 *   order and writes them; while the socket's buffer is full it waits for
 *   'drain'. Never blocks on another connection.
 * - shutdown: the client's end of stream ends the reader, which closes
 *   `requests`; the handler finishes what was queued and closes the outbox;
 *   the writer writes what is left and ends the socket. `close(reason)`
 *   (malformed input, a slow client, the broker closing) instead destroys
 *   the socket and closes every channel at once; pending long polls end
 *   through the connection's AbortSignal.
 *
 * Invariants:
 * - responses leave in request order: the handler pushes in request order
 *   and the writer awaits in queue order;
 * - each request's memory (its frame) is referenced until its handler's
 *   synchronous part has run, and each response's until it is written;
 * - the reader reads on only while the outbox holds at most its pause limit
 *   of untaken bytes, and the socket is paused while more than
 *   `CHUNK_QUEUE_HIGH` chunks wait for the reader;
 * - after `#closing` is set, nothing more is decoded, dispatched or written.
 */

import type { Socket } from "node:net";
import { Channel, isChannelClosedError } from "@csp-kit/channel";
import {
  ApiKey,
  apiName,
  type DecodedRequest,
  decodeRequest,
  decodeRequestHeader,
  FrameSplitter,
  Reader,
} from "@csp-kit/kafka-protocol";
import type { Clock } from "@csp-kit/timers";
import type { BrokerLogger } from "./logger.js";
import { Outbox, type PendingResponse } from "./outbox.js";
import type { SlowClientPolicy } from "./slow-client.js";
import { servedRange } from "./versions.js";

/** Pause the socket once this many chunks wait for the reader. */
const CHUNK_QUEUE_HIGH = 16;
/** Capacity of the reader → handler channel. */
const REQUEST_QUEUE = 8;

/** A request as the reader hands it to the handler. */
export type InboundRequest =
  /** A request of a served API and version, decoded. */
  | { readonly kind: "request"; readonly request: DecodedRequest; readonly frameBytes: number }
  /** An ApiVersions request of a version above the broker's: answered with the v0 fallback body. */
  | { readonly kind: "api-versions-fallback"; readonly correlationId: number; readonly apiVersion: number };

/** What a request handler may know of and do to its connection. */
export interface ConnectionContext {
  /** A number unique within this broker, for logs. */
  readonly id: number;
  /** `address:port` of the client. */
  readonly remote: string;
  /** The client id of the connection's last request (null until one came, or when the client sends none). */
  readonly clientId: string | null;
  /** Aborted when the connection closes: a long poll stops waiting. */
  readonly signal: AbortSignal;
  /** Closes the connection now (see {@link Connection.close}); a fault injector drops connections with it. */
  close(reason: string, level?: "warn" | "info" | "debug"): void;
}

/**
 * Rejecting a pending response with this closes the connection after every
 * earlier response was written, logging `message` at `info` (Kafka closes an
 * acks=0 producer's connection when a partition failed: it has no other way
 * to tell the client).
 */
export class CloseConnectionSignal extends Error {
  override name = "CloseConnectionSignal";
}

/** Starts a request's handler; returns its response, or a promise of it. Must not throw for what a client sends. */
export type Dispatch = (request: InboundRequest, connection: ConnectionContext) => PendingResponse;

/** What a connection needs from the broker. */
export interface ConnectionOptions {
  readonly id: number;
  readonly socket: Socket;
  readonly dispatch: Dispatch;
  readonly logger: BrokerLogger;
  readonly maxFrameBytes: number;
  readonly maxInFlightRequests: number;
  readonly outboxPauseBytes: number;
  readonly slowClient: SlowClientPolicy;
  readonly clock: Clock | undefined;
}

/** A snapshot of a connection, for the stats. */
export interface ConnectionStats {
  /** A number unique within this broker (the one its log lines carry). */
  readonly id: number;
  /** The client's `address:port`. */
  readonly remote: string;
  /** The client id of its last request, or null. */
  readonly clientId: string | null;
  /** Requests read and decoded so far. */
  readonly requests: number;
  /** Bytes received. */
  readonly bytesIn: number;
  /** Response bytes written. */
  readonly bytesOut: number;
  /** Response bytes produced and not yet taken by the client. */
  readonly outboxBytes: number;
  /** The most `outboxBytes` ever held. */
  readonly outboxPeakBytes: number;
  /** Responses started and not yet written. */
  readonly outboxResponses: number;
}

/** One client connection. Create it, then `run()`. See the file header. */
export class Connection implements ConnectionContext {
  readonly id: number;
  readonly remote: string;
  readonly #socket: Socket;
  readonly #options: ConnectionOptions;
  readonly #logger: BrokerLogger;
  readonly #splitter: FrameSplitter;
  /** Chunks from the socket's 'data' events, for the reader; closed at end of stream or on close. */
  readonly #chunks = Channel.infinite<Uint8Array>();
  readonly #requests = Channel.buffered<InboundRequest>(REQUEST_QUEUE);
  readonly #outbox: Outbox;
  /** A token when the socket emits 'drain'; closed on close. */
  readonly #drain = Channel.buffered<void>(1);
  readonly #abort = new AbortController();
  /** Set by the 'close' event of the socket; resolves `run`'s last wait. */
  readonly #socketClosed: Promise<void>;
  /** Whether the socket is paused by the 'data' handler (resumed by the reader). */
  #paused = false;
  /** The reason the connection is closing, once it is; nothing is decoded, dispatched or written after. */
  #closing: string | undefined;
  #clientId: string | null = null;
  #requestCount = 0;
  #bytesIn = 0;
  #bytesOut = 0;

  constructor(options: ConnectionOptions) {
    this.id = options.id;
    this.#options = options;
    this.#socket = options.socket;
    this.#logger = options.logger;
    this.remote = `${options.socket.remoteAddress ?? "?"}:${options.socket.remotePort ?? "?"}`;
    this.#splitter = new FrameSplitter({ maxFrameBytes: options.maxFrameBytes });
    this.#outbox = new Outbox({
      capacity: options.maxInFlightRequests,
      pauseBytes: options.outboxPauseBytes,
      monitor: options.slowClient.monitor(),
      clock: options.clock,
      onSlow: (reason) => this.close(`slow client (${options.slowClient.description}): ${reason}`, "warn"),
    });
    this.#socketClosed = new Promise((resolve) => this.#socket.once("close", () => resolve()));
  }

  get clientId(): string | null {
    return this.#clientId;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Why the connection closed or is closing, if it is. */
  get closeReason(): string | undefined {
    return this.#closing;
  }

  /** A snapshot of the counters and the outbox. */
  stats(): ConnectionStats {
    return {
      id: this.id,
      remote: this.remote,
      clientId: this.#clientId,
      requests: this.#requestCount,
      bytesIn: this.#bytesIn,
      bytesOut: this.#bytesOut,
      outboxBytes: this.#outbox.bytes,
      outboxPeakBytes: this.#outbox.peakBytes,
      outboxResponses: this.#outbox.length,
    };
  }

  /** Runs the connection's three tasks; resolves when they have ended and the socket is closed. Never rejects. */
  async run(): Promise<void> {
    const socket = this.#socket;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      this.#bytesIn += chunk.byteLength;
      if (this.#chunks.trySend(chunk) !== "sent") return; // closed: the connection is going
      if (this.#chunks.len >= CHUNK_QUEUE_HIGH && !this.#paused) {
        this.#paused = true;
        socket.pause();
      }
    });
    socket.on("end", () => {
      if (!this.#chunks.closed) this.#chunks.close();
    });
    socket.on("drain", () => {
      if (!this.#drain.closed) this.#drain.trySend(undefined);
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      this.close(`socket error: ${error.code ?? error.message}`, "debug");
    });
    socket.on("close", () => this.close("the client closed the connection", "debug"));
    await Promise.all([this.#reader(), this.#handler(), this.#writer()]);
    if (!socket.destroyed && this.#closing !== undefined) socket.destroy();
    await this.#socketClosed;
  }

  /**
   * Closes the connection now: logs `reason` at `level` (the first reason
   * only), destroys the socket, ends every task and aborts long polls.
   * Responses not yet written are dropped. Idempotent.
   */
  close(reason: string, level: "warn" | "info" | "debug" = "info"): void {
    if (this.#closing !== undefined) return;
    this.#closing = reason;
    this.#logger[level]("connection closed", {
      connection: this.id,
      remote: this.remote,
      clientId: this.#clientId,
      reason,
      requests: this.#requestCount,
      bytesIn: this.#bytesIn,
      bytesOut: this.#bytesOut,
    });
    this.#abort.abort(new Error(`connection closed: ${reason}`));
    if (!this.#chunks.closed) this.#chunks.close();
    if (!this.#requests.closed) this.#requests.close();
    if (!this.#drain.closed) this.#drain.close();
    this.#outbox.close();
    this.#socket.destroy();
  }

  // -------------------------------------------------------------------------
  // reader: chunks → frames → requests
  // -------------------------------------------------------------------------

  async #reader(): Promise<void> {
    try {
      for (;;) {
        const batch = await this.#chunks.recvBatch();
        if (batch.isNone()) break;
        for (const chunk of batch.value) {
          if (this.#closing !== undefined) return;
          let frames: Uint8Array[];
          try {
            frames = this.#splitter.push(chunk);
          } catch (error) {
            this.close(`malformed frame: ${(error as Error).message}`, "warn");
            return;
          }
          for (const frame of frames) {
            const inbound = this.#decode(frame);
            if (typeof inbound === "string") {
              this.close(inbound, "warn");
              return;
            }
            await this.#requests.send(inbound);
          }
        }
        await this.#outbox.waitForRoom();
        if (this.#paused && this.#closing === undefined) {
          this.#paused = false;
          this.#socket.resume();
        }
      }
      if (this.#closing === undefined && this.#splitter.pending > 0)
        this.#logger.debug("the client ended its stream inside a frame", {
          connection: this.id,
          remote: this.remote,
          bytes: this.#splitter.pending,
        });
    } catch (error) {
      if (!isChannelClosedError(error)) this.close(`reader failed: ${String(error)}`, "warn");
    } finally {
      if (!this.#requests.closed) this.#requests.close();
    }
  }

  /** A decoded request, or the reason to close the connection. */
  #decode(frame: Uint8Array): InboundRequest | string {
    let header: ReturnType<typeof decodeRequestHeader>;
    try {
      header = decodeRequestHeader(new Reader(frame));
    } catch (error) {
      return `malformed request header: ${(error as Error).message}`;
    }
    this.#clientId = header.clientId;
    this.#requestCount++;
    const { apiKey, apiVersion } = header;
    const range = servedRange(apiKey);
    if (range === undefined)
      return `${apiName(apiKey)} (API key ${apiKey}) is not served by this broker (see its ApiVersions answer)`;
    if (apiVersion < range.minVersion || apiVersion > range.maxVersion) {
      if (apiKey === ApiKey.ApiVersions)
        return { kind: "api-versions-fallback", correlationId: header.correlationId, apiVersion };
      return `${apiName(apiKey)} v${apiVersion} is outside the served range v${range.minVersion}-v${range.maxVersion}`;
    }
    try {
      return { kind: "request", request: decodeRequest(frame), frameBytes: frame.byteLength };
    } catch (error) {
      return `malformed ${apiName(apiKey)} v${apiVersion} request: ${(error as Error).message}`;
    }
  }

  // -------------------------------------------------------------------------
  // handler: requests → pending responses, in order
  // -------------------------------------------------------------------------

  async #handler(): Promise<void> {
    try {
      for (;;) {
        const next = await this.#requests.recv();
        if (next.isNone() || this.#closing !== undefined) break;
        let pending: PendingResponse;
        try {
          pending = this.#options.dispatch(next.value, this);
        } catch (error) {
          this.#internalError(next.value, error);
          break;
        }
        await this.#outbox.push(pending);
      }
    } catch (error) {
      if (!isChannelClosedError(error)) this.close(`handler failed: ${String(error)}`, "warn");
    } finally {
      this.#outbox.close();
    }
  }

  #internalError(inbound: InboundRequest | undefined, error: unknown): void {
    const what =
      inbound === undefined
        ? "a request"
        : inbound.kind === "request"
          ? `${apiName(inbound.request.apiKey)} v${inbound.request.header.apiVersion}`
          : "ApiVersions";
    this.#logger.error("internal error handling a request", {
      connection: this.id,
      request: what,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    this.close(`internal error handling ${what}: ${error instanceof Error ? error.message : String(error)}`, "warn");
  }

  // -------------------------------------------------------------------------
  // writer: pending responses → socket, in order
  // -------------------------------------------------------------------------

  async #writer(): Promise<void> {
    const socket = this.#socket;
    // Responses that complete together (pipelined produces) go out in one
    // write: the socket is corked while a batch is written and uncorked at
    // its end, or at the next turn of the event loop if the batch waits on
    // a slow response first (a long poll must not hold earlier ones back).
    let corked = false;
    const uncork = (): void => {
      if (corked) {
        corked = false;
        socket.uncork();
      }
    };
    try {
      for (;;) {
        const batch = await this.#outbox.take();
        if (batch.isNone()) break;
        for (const pending of batch.value) {
          let frame: Uint8Array | null;
          try {
            frame = pending instanceof Promise ? await pending : pending;
          } catch (error) {
            if (error instanceof CloseConnectionSignal) this.close(error.message, "info");
            else this.#internalError(undefined, error);
            return;
          }
          if (this.#closing !== undefined) return;
          if (frame === null) continue;
          const size = frame.byteLength;
          this.#bytesOut += size;
          if (!corked) {
            corked = true;
            socket.cork();
            setImmediate(uncork);
          }
          socket.write(frame, () => this.#outbox.written(size));
          if (socket.writableNeedDrain) {
            uncork();
            while (socket.writableNeedDrain && this.#closing === undefined) {
              if ((await this.#drain.recv()).isNone()) return;
            }
          }
        }
        uncork();
      }
      if (this.#closing === undefined) socket.end();
    } catch (error) {
      if (!isChannelClosedError(error)) this.close(`writer failed: ${String(error)}`, "warn");
    }
  }
}

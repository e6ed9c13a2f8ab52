/**
 * The accept loop: one per broker. The TCP server's 'connection' events
 * feed an infinite channel (an event handler cannot wait); one loop takes
 * each socket, refuses it when the connection limit is reached (logged),
 * and otherwise starts a {@link Connection} and counts it in a WaitGroup.
 *
 * - never blocks on a connection: it starts `run()` and goes on;
 * - shutdown (`close`): stop listening, close the accepted channel (the loop
 *   destroys whatever was still queued in it), close every connection, wait
 *   for the WaitGroup.
 * - `suspend()` / `resume()` (a test taking a broker down and up, see
 *   `./testing`): suspend stops listening (a client's connect is refused)
 *   and closes every connection, keeping the port; resume listens on that
 *   port again. The accept loop runs on through both.
 *
 * Invariants:
 * - `#connections` holds exactly the connections whose `run()` has not
 *   resolved; the WaitGroup's counter equals its size;
 * - after `close()` begins, no connection is started; while suspended,
 *   none either (a socket accepted just before is destroyed);
 * - `#port` is the port of the first listen and never changes after;
 * - `suspend`, `resume` and `close` run one after another (`#transition`).
 */

import { createServer, type Server, type Socket } from "node:net";
import { Channel } from "@csp-kit/channel";
import { WaitGroup } from "@csp-kit/mutex";
import type { Clock } from "@csp-kit/timers";
import { Connection, type Dispatch } from "./connection.js";
import type { BrokerLogger } from "./logger.js";
import type { SlowClientPolicy } from "./slow-client.js";

/** Options of {@link Listener.listen}. */
export interface ListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly maxConnections: number;
  readonly maxFrameBytes: number;
  readonly maxInFlightRequests: number;
  readonly outboxPauseBytes: number;
  readonly slowClient: SlowClientPolicy;
  readonly dispatch: Dispatch;
  readonly logger: BrokerLogger;
  readonly clock: Clock | undefined;
  /** Called once per connection, after its `run()` resolved (the dashboard's disconnect list). Must not throw. */
  readonly onClosed?: ((connection: Connection) => void) | undefined;
}

/** The broker's TCP listener and its connections. */
export class Listener {
  readonly #server: Server;
  readonly #options: ListenerOptions;
  readonly #accepted = Channel.infinite<Socket>();
  readonly #connections = new Set<Connection>();
  readonly #group = new WaitGroup();
  readonly #loop: Promise<void>;
  #nextId = 1;
  #closing: Promise<void> | undefined;
  /** Whether `suspend()` stopped the listening (until `resume()`). */
  #suspended = false;
  /** The port of the first listen, kept while suspended. */
  readonly #port: number;
  /** The last suspend or resume; the next one waits for it. */
  #transition: Promise<void> = Promise.resolve();
  /** Connections refused because the limit was reached (stats). */
  #refused = 0;

  private constructor(server: Server, options: ListenerOptions) {
    this.#server = server;
    this.#options = options;
    const address = server.address();
    this.#port = typeof address === "object" && address !== null ? address.port : options.port;
    server.on("connection", (socket) => {
      if (this.#accepted.trySend(socket) !== "sent") socket.destroy();
    });
    this.#loop = this.#acceptLoop();
  }

  /**
   * Listens on `host:port` (port 0: a free one).
   *
   * @throws the server's error (EADDRINUSE, EADDRNOTAVAIL, …) when it cannot listen.
   */
  static listen(options: ListenerOptions): Promise<Listener> {
    const server = createServer({ allowHalfOpen: true, noDelay: true });
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      server.once("error", onError);
      server.listen({ host: options.host, port: options.port }, () => {
        server.off("error", onError);
        server.on("error", (error) => options.logger.error("listener error", { error: String(error) }));
        resolve(new Listener(server, options));
      });
    });
  }

  /** The port listened on. */
  get port(): number {
    return this.#port;
  }

  /** Whether it is listening now (not suspended, not closed). */
  get listening(): boolean {
    return !this.#suspended && this.#closing === undefined;
  }

  /** The open connections. */
  connections(): IterableIterator<Connection> {
    return this.#connections.values();
  }

  /** How many connections were refused at the limit. */
  get refused(): number {
    return this.#refused;
  }

  async #acceptLoop(): Promise<void> {
    for await (const socket of this.#accepted) {
      if (this.#closing !== undefined || this.#suspended) {
        socket.destroy();
        continue;
      }
      if (this.#connections.size >= this.#options.maxConnections) {
        this.#refused++;
        this.#options.logger.warn("connection refused", {
          remote: `${socket.remoteAddress}:${socket.remotePort}`,
          reason: `${this.#options.maxConnections} connections are open (maxConnections)`,
        });
        socket.destroy();
        continue;
      }
      const connection = new Connection({
        id: this.#nextId++,
        socket,
        dispatch: this.#options.dispatch,
        logger: this.#options.logger,
        maxFrameBytes: this.#options.maxFrameBytes,
        maxInFlightRequests: this.#options.maxInFlightRequests,
        outboxPauseBytes: this.#options.outboxPauseBytes,
        slowClient: this.#options.slowClient,
        clock: this.#options.clock,
      });
      this.#connections.add(connection);
      this.#group.add(1);
      this.#options.logger.debug("connection opened", { connection: connection.id, remote: connection.remote });
      void connection.run().finally(() => {
        this.#connections.delete(connection);
        this.#group.done();
        this.#options.onClosed?.(connection);
      });
    }
  }

  /**
   * Stops listening and closes every open connection, keeping the port for
   * `resume()`. Resolves when the port is released. No-op when suspended or closing.
   */
  suspend(): Promise<void> {
    const next = this.#transition.then(async () => {
      if (this.#suspended || this.#closing !== undefined) return;
      this.#suspended = true;
      const stopped = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      for (const connection of this.#connections) connection.close("the broker was taken down", "debug");
      await stopped;
    });
    this.#transition = next.catch(() => {});
    return next;
  }

  /**
   * Listens again on the port of the first listen. No-op unless suspended.
   *
   * @throws the server's error (EADDRINUSE: another process took the port meanwhile); it stays suspended.
   */
  resume(): Promise<void> {
    const next = this.#transition.then(async () => {
      if (!this.#suspended || this.#closing !== undefined) return;
      const server = this.#server;
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        server.once("error", onError);
        server.listen({ host: this.#options.host, port: this.#port }, () => {
          server.off("error", onError);
          resolve();
        });
      });
      this.#suspended = false;
    });
    this.#transition = next.catch(() => {});
    return next;
  }

  /** Stops listening and closes every connection; resolves when all are gone. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#transition;
      const stopped = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      this.#accepted.close();
      await this.#loop;
      for (const connection of this.#connections) connection.close("the broker is shutting down", "debug");
      await this.#group.wait();
      await stopped;
    })();
    return this.#closing;
  }
}

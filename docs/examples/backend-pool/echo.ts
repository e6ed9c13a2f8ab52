/**
 * The backend of the pool example, over real loopback TCP: a line echo server
 * and a client connection that sends a line and reads the echoed line.
 * Nothing here is about channels; it is the "backend" the pool connects to.
 */

import { createConnection, createServer, type Server, type Socket } from "node:net";

/** A running echo server on 127.0.0.1. */
export interface EchoServer {
  /** The port it listens on (chosen by the system). */
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections open now (accepted and not yet closed by either side). */
  readonly open: number;
  /** Resolves once exactly `n` connections are open (event-driven, no polling). */
  whenOpen(n: number): Promise<void>;
  /** Stops listening and destroys every open connection. */
  close(): Promise<void>;
}

/** Starts a line echo server on 127.0.0.1 on a free port. */
export async function startEchoServer(): Promise<EchoServer> {
  const sockets = new Set<Socket>();
  const watchers: { n: number; resolve: () => void }[] = [];
  let accepted = 0;
  const notify = () => {
    for (const w of watchers.filter((w) => w.n === sockets.size)) {
      watchers.splice(watchers.indexOf(w), 1);
      w.resolve();
    }
  };
  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      notify();
    });
    socket.on("error", () => {}); // a client that vanishes is not the server's problem
    socket.pipe(socket);
    notify();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("echo server: no TCP address");
  return {
    port: address.port,
    get accepted() {
      return accepted;
    },
    get open() {
      return sockets.size;
    },
    whenOpen(n) {
      if (sockets.size === n) return Promise.resolve();
      return new Promise((resolve) => watchers.push({ n, resolve }));
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A client connection to the echo server: one request at a time, line by line. */
export class EchoConnection {
  static #nextId = 1;
  /** A number to tell connections apart in output. */
  readonly id = EchoConnection.#nextId++;
  /** The reply being waited for, if any. Set by `request`, cleared when a line arrives. */
  #pending: { resolve: (line: string) => void; reject: (error: Error) => void } | undefined;
  /** Bytes received after the last complete line. */
  #buffered = "";

  private constructor(private readonly socket: Socket) {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      this.#buffered += chunk;
      const newline = this.#buffered.indexOf("\n");
      if (newline < 0) return;
      const line = this.#buffered.slice(0, newline);
      this.#buffered = this.#buffered.slice(newline + 1);
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.resolve(line);
    });
    socket.on("close", () => this.#pending?.reject(new Error(`connection ${this.id} closed`)));
    socket.on("error", () => {}); // reported through "close"
  }

  /** Dials 127.0.0.1:`port`; resolves once connected. */
  static connect(port: number): Promise<EchoConnection> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: "127.0.0.1", port });
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new EchoConnection(socket));
      });
    });
  }

  /** Sends `line` and resolves with the line the server sends back. One request at a time. */
  request(line: string): Promise<string> {
    if (this.#pending !== undefined) return Promise.reject(new Error("one request at a time"));
    if (this.closed) return Promise.reject(new Error(`connection ${this.id} is closed`));
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.socket.write(`${line}\n`);
    });
  }

  /** Whether `close()` was called or the peer went away. */
  get closed(): boolean {
    return this.socket.destroyed;
  }

  /** Closes the socket at once. */
  close(): void {
    this.socket.destroy();
  }
}

/**
 * A loopback TCP proxy that forwards Kafka traffic both ways unchanged and records
 * every complete frame it sees, per connection, in arrival order: what a real
 * client sends (requests) and what a real broker answers (responses).
 *
 * Invariants:
 * - bytes are forwarded as they arrive, never held back for framing; recording is
 *   a side copy, so the proxy changes no timing beyond one event-loop hop. The one
 *   exception is opt-in: with `rewriteResponse`, responses are forwarded frame by
 *   frame (each as the hook returns it), while the recording keeps the bytes the
 *   broker sent.
 * - a request frame is recorded before it is forwarded, and a response frame
 *   before it is forwarded back, so once a client has read a response, that
 *   response (and the request it answers) are in `frames()`.
 * - connections are numbered 0, 1, 2, … in accept order; each record carries its
 *   connection's number.
 * - closing either side of a pair closes the other; close() ends every pair and
 *   the listener.
 */

import { createServer, connect as netConnect, type Socket } from "node:net";
import { FrameSplitter, requestHeader, responseCorrelationId } from "./wire.js";

/** One recorded Kafka frame; `bytes` include the 4-byte size prefix. */
export interface RecordedFrame {
  /** Which accepted connection it travelled on (0 for the first). */
  readonly connection: number;
  /** `"request"`: client → broker; `"response"`: broker → client. */
  readonly direction: "request" | "response";
  readonly bytes: Uint8Array;
}

/** A running recording proxy. */
export interface RecordingProxy {
  /** The loopback port clients connect to (on 127.0.0.1). */
  readonly port: number;
  /** A copy of every frame recorded so far, in arrival order. */
  frames(): RecordedFrame[];
  /** Stops accepting, closes every connection, resolves when the listener is closed. */
  close(): Promise<void>;
}

/**
 * Replaces a response frame before it is forwarded to the client. `response` is the
 * frame the broker sent (size prefix included); `request` the request frame with the
 * same correlation id on the same connection (`undefined` if there is none). Return
 * `response` itself to forward it unchanged.
 */
export type ResponseRewriter = (response: Uint8Array, request: Uint8Array | undefined) => Uint8Array;

/** Options of {@link startRecordingProxy}. */
export interface RecordingProxyOptions {
  /** Where to forward each connection (a Kafka broker). */
  readonly target: { readonly host: string; readonly port: number };
  /**
   * Rewrites response frames on their way to the client (the recording keeps the
   * original). The use: a broker advertises its own address in Metadata, so a client
   * would open its later connections around the proxy; rewriting the advertised port
   * to the proxy's keeps every connection in the recording. A hook that throws ends
   * the connection pair.
   */
  readonly rewriteResponse?: ResponseRewriter;
}

/**
 * Starts a recording proxy on 127.0.0.1 (a free port) in front of `target`.
 *
 * Gotchas: a Kafka client learns the broker's advertised address from Metadata and
 * may open later connections to it directly, around the proxy; only what goes
 * through the bootstrap connection (ApiVersions, Metadata) is then recorded —
 * unless `rewriteResponse` points the advertised address at the proxy.
 *
 * @example
 * const proxy = await startRecordingProxy({ target: kafkaBootstrap() });
 * await kcat(["-L", "-b", `127.0.0.1:${proxy.port}`]);
 * const [first] = proxy.frames(); // kcat's ApiVersions request
 * await proxy.close();
 */
export async function startRecordingProxy(options: RecordingProxyOptions): Promise<RecordingProxy> {
  const records: RecordedFrame[] = [];
  const sockets = new Set<Socket>();
  let nextConnection = 0;

  const server = createServer((client) => {
    const connection = nextConnection;
    nextConnection += 1;
    const upstream = netConnect({ host: options.target.host, port: options.target.port });
    sockets.add(client);
    sockets.add(upstream);
    /** This connection's requests by correlation id, for `rewriteResponse`; written by the request pipe. */
    const requests = new Map<number, Uint8Array>();
    const pipe = (from: Socket, to: Socket, direction: RecordedFrame["direction"]) => {
      const splitter = new FrameSplitter();
      const rewrite = direction === "response" ? options.rewriteResponse : undefined;
      let framing = true;
      from.on("data", (chunk: Buffer) => {
        if (framing) {
          try {
            const frames = splitter.push(chunk);
            for (const bytes of frames) {
              records.push({ connection, direction, bytes });
              const header = direction === "request" ? requestHeader(bytes) : undefined;
              if (header !== undefined && options.rewriteResponse !== undefined)
                requests.set(header.correlationId, bytes);
            }
            if (rewrite !== undefined) {
              for (const bytes of frames) {
                const id = responseCorrelationId(bytes);
                const request = id === undefined ? undefined : requests.get(id);
                if (id !== undefined) requests.delete(id);
                to.write(rewrite(bytes, request));
              }
              return;
            }
          } catch {
            if (rewrite !== undefined) {
              from.destroy(); // a bad frame or a failing hook: nothing sensible can be forwarded
              return;
            }
            framing = false; // not Kafka framing: keep forwarding, stop recording this direction
          }
        }
        to.write(chunk);
      });
      from.on("end", () => to.end());
      from.on("close", () => {
        sockets.delete(from);
        to.destroy();
      });
      from.on("error", () => to.destroy());
    };
    pipe(client, upstream, "request");
    pipe(upstream, client, "response");
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolveListen());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the recording proxy has no TCP port");

  return {
    port: address.port,
    frames: () => records.slice(),
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolveClose());
      }),
  };
}

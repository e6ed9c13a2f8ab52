/**
 * One TCP (or TLS) connection to one broker: framing, correlation ids,
 * ApiVersions negotiation, and a read timeout per request.
 *
 * Cardinality: one per broker per client (the pool keeps it).
 * Job: turn `request(apiKey, body)` into a frame on the socket and the
 *   matching response frame into a decoded body. Nothing here knows about
 *   producing or consuming: the producer and the consumer share it.
 * Never blocks on: the socket's readers. A response is matched by its
 *   correlation id (Kafka answers in request order on a connection; the map
 *   also tolerates a broker that does not).
 * Shutdown: `end()` is the graceful one: it refuses new requests, waits
 *   for the answers already owed, then ends the socket, so every byte
 *   written (an acks-0 Produce has no answer to wait for) leaves before the
 *   FIN. `close()` (or a socket error, end, or a read timeout) is the abrupt
 *   one: it destroys the socket, rejects every outstanding request with a
 *   `BrokerConnectionError` and refuses new ones; the pool then drops the
 *   connection.
 *
 * Invariants:
 * - `#pending` holds exactly the requests written and not yet answered,
 *   each with an armed read timer; after close it is empty forever;
 * - once `#ending` is set no request is written; the socket is ended
 *   (never destroyed) as soon as `#pending` is empty;
 * - `versions` is set once, before `connect()` resolves: the broker's
 *   range per API key as ApiVersions reported it; `version()` clamps a
 *   request to the intersection of the broker's and this client's ranges.
 */

import * as net from "node:net";
import * as tls from "node:tls";
import {
  ApiKey,
  decodeResponse,
  encodeRequest,
  FrameSplitter,
  KafkaErrorCode,
  type MessageApiKey,
  peekCorrelationId,
  type RequestBodies,
  type ResponseBodies,
} from "@csp-kit/kafka-protocol";
import type { Clock, ClockHandle } from "@csp-kit/timers";
import { BrokerConnectionError } from "./errors.js";

/** The versions this client speaks, per API (the produce path needs RecordBatch v2, so Produce >= 3). */
export const CLIENT_VERSIONS: Readonly<Partial<Record<MessageApiKey, readonly [number, number]>>> = Object.freeze({
  [ApiKey.Produce]: [3, 9],
  [ApiKey.Metadata]: [1, 12],
  [ApiKey.ApiVersions]: [0, 3],
  [ApiKey.InitProducerId]: [0, 4],
  [ApiKey.Fetch]: [4, 12],
  [ApiKey.ListOffsets]: [1, 7],
});

/** How a connection is made. */
export interface ConnectionOptions {
  readonly clientId: string;
  readonly dialTimeout: number;
  readonly readTimeout: number;
  readonly tls: tls.ConnectionOptions | undefined;
  readonly clock: Clock;
}

interface Pending {
  readonly apiKey: MessageApiKey;
  readonly version: number;
  readonly resolve: (body: unknown) => void;
  readonly reject: (e: unknown) => void;
  readonly timer: ClockHandle;
}

/** Splits `host:port`. Precondition: validated by validateConfig or from metadata. */
export function parseAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(":");
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

/** A connection to one broker. Made by {@link BrokerConnection.connect}. */
export class BrokerConnection {
  /** `host:port`. */
  readonly address: string;
  /** The broker's version range per API key; set by connect. */
  versions: Map<number, readonly [number, number]> = new Map<number, readonly [number, number]>();
  readonly #socket: net.Socket;
  readonly #options: ConnectionOptions;
  readonly #splitter = new FrameSplitter();
  readonly #pending = new Map<number, Pending>();
  #nextCorrelationId = 0;
  /** The reason the connection ended, or null while it is usable. */
  #closed: BrokerConnectionError | null = null;
  readonly #onClose: Array<(e: BrokerConnectionError) => void> = [];
  /** Set by `end()`: resolved once `#pending` is empty (so the socket can be ended). Null until then. */
  #ending: { readonly drained: () => void } | null = null;

  private constructor(address: string, socket: net.Socket, options: ConnectionOptions) {
    this.address = address;
    this.#socket = socket;
    this.#options = options;
    socket.on("data", (chunk: Buffer) => this.#data(chunk));
    socket.on("error", (e) =>
      this.#fail(new BrokerConnectionError(address, `socket error: ${e.message}`, { cause: e })),
    );
    socket.on("close", () => this.#fail(new BrokerConnectionError(address, "the connection closed")));
  }

  /**
   * Dials `address` and negotiates versions (ApiVersions v3, v0 when the
   * broker refuses v3).
   *
   * @throws {@link BrokerConnectionError} when the dial fails or times out,
   *   or the broker's ApiVersions answer is an error.
   */
  static async connect(address: string, options: ConnectionOptions): Promise<BrokerConnection> {
    const { host, port } = parseAddress(address);
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s =
        options.tls === undefined
          ? net.connect({ host, port, noDelay: true })
          : tls.connect({ host, port, servername: net.isIP(host) === 0 ? host : undefined, ...options.tls });
      const ready = options.tls === undefined ? "connect" : "secureConnect";
      const timer = options.clock.setTimeout(() => {
        s.destroy();
        reject(
          new BrokerConnectionError(address, `connect timed out after ${options.dialTimeout} ms (net.dialTimeout)`),
        );
      }, options.dialTimeout);
      s.once(ready, () => {
        options.clock.clearTimeout(timer);
        s.removeAllListeners("error");
        resolve(s);
      });
      s.once("error", (e) => {
        options.clock.clearTimeout(timer);
        reject(new BrokerConnectionError(address, `connect failed: ${e.message}`, { cause: e }));
      });
    });
    const c = new BrokerConnection(address, socket, options);
    try {
      await c.#negotiate();
    } catch (e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** Whether the connection has ended. */
  get closed(): boolean {
    return this.#closed !== null;
  }

  /** Requests written and not yet answered. */
  get inFlight(): number {
    return this.#pending.size;
  }

  /** Calls `fn` once when the connection ends (at once if it has). */
  onClose(fn: (e: BrokerConnectionError) => void): void {
    if (this.#closed !== null) fn(this.#closed);
    else this.#onClose.push(fn);
  }

  /**
   * The version to send `apiKey` at: the highest both sides speak.
   *
   * @throws {@link BrokerConnectionError} when the ranges do not meet.
   */
  version(apiKey: MessageApiKey): number {
    const ours = CLIENT_VERSIONS[apiKey];
    const theirs = this.versions.get(apiKey);
    if (ours === undefined || theirs === undefined || theirs[1] < ours[0] || theirs[0] > ours[1]) {
      throw new BrokerConnectionError(
        this.address,
        `the broker does not speak API ${apiKey} in a version this client does ` +
          `(broker ${theirs ? `${theirs[0]}–${theirs[1]}` : "none"}, client ${ours ? `${ours[0]}–${ours[1]}` : "none"})`,
      );
    }
    return Math.min(ours[1], theirs[1]);
  }

  /**
   * Sends a request and resolves with the response body — or with
   * `undefined` at once when `expectResponse` is false (Produce with acks 0).
   *
   * @throws {@link BrokerConnectionError} when the connection is closed or
   *   closes before the answer, or the answer takes longer than
   *   `readTimeout` (the connection is then closed: its stream is out of sync).
   */
  request<K extends MessageApiKey>(
    apiKey: K,
    body: RequestBodies[K],
    options: { readonly version?: number; readonly expectResponse?: boolean } = {},
  ): Promise<ResponseBodies[K] | undefined> {
    if (this.#closed !== null) return Promise.reject(this.#closed);
    if (this.#ending !== null) {
      return Promise.reject(new BrokerConnectionError(this.address, "the connection is ending: no new requests"));
    }
    const version = options.version ?? this.version(apiKey);
    const correlationId = this.#nextCorrelationId;
    this.#nextCorrelationId = (this.#nextCorrelationId + 1) | 0;
    const frame = encodeRequest({ apiKey, apiVersion: version, correlationId, clientId: this.#options.clientId }, body);
    if (options.expectResponse === false) {
      this.#socket.write(frame);
      return Promise.resolve(undefined);
    }
    return new Promise<ResponseBodies[K] | undefined>((resolve, reject) => {
      const timer = this.#options.clock.setTimeout(() => {
        this.#fail(
          new BrokerConnectionError(
            this.address,
            `no response to correlation id ${correlationId} within ${this.#options.readTimeout} ms (net.readTimeout)`,
          ),
        );
      }, this.#options.readTimeout);
      this.#pending.set(correlationId, {
        apiKey,
        version,
        resolve: resolve as (body: unknown) => void,
        reject,
        timer,
      });
      this.#socket.write(frame);
    });
  }

  /**
   * Ends the connection gracefully and resolves once it has closed: new
   * requests are refused, the answers already owed are awaited (each within
   * its read timeout), then the socket is ended — not destroyed — so every
   * queued write reaches the broker before the FIN. This is what makes
   * acks-0 produce requests, which have no answer to wait for, arrive at all
   * when a producer closes. If the broker has not closed its side
   * `readTimeout` ms after the FIN, the socket is destroyed. Idempotent;
   * never rejects.
   */
  async end(): Promise<void> {
    if (this.#closed !== null) return;
    if (this.#ending === null) {
      let drained!: () => void;
      const empty = new Promise<void>((resolve) => {
        drained = resolve;
      });
      this.#ending = { drained };
      if (this.#pending.size === 0) drained();
      await empty;
      if (this.#closed === null) {
        const timer = this.#options.clock.setTimeout(() => this.close(), this.#options.readTimeout);
        this.onClose(() => this.#options.clock.clearTimeout(timer));
        this.#socket.end();
      }
    }
    await new Promise<void>((resolve) => this.onClose(() => resolve()));
  }

  /** Ends the connection at once (the socket is destroyed); outstanding requests reject. Idempotent. */
  close(): void {
    this.#fail(new BrokerConnectionError(this.address, "the connection was closed by the client"));
  }

  async #negotiate(): Promise<void> {
    const ask = (version: number) =>
      this.request(
        ApiKey.ApiVersions,
        { clientSoftwareName: "csp-kit", clientSoftwareVersion: "0.1.0" },
        { version },
      ) as Promise<ResponseBodies[18]>;
    let response = await ask(3);
    if (response.errorCode === KafkaErrorCode.UNSUPPORTED_VERSION) response = await ask(0);
    if (response.errorCode !== 0) {
      throw new BrokerConnectionError(this.address, `ApiVersions failed with error code ${response.errorCode}`);
    }
    this.versions = new Map(response.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion] as const]));
  }

  #data(chunk: Buffer): void {
    let frames: Uint8Array[];
    try {
      frames = this.#splitter.push(chunk);
    } catch (e) {
      this.#fail(new BrokerConnectionError(this.address, "a malformed response frame", { cause: e }));
      return;
    }
    for (const frame of frames) {
      const id = peekCorrelationId(frame);
      const p = this.#pending.get(id);
      if (p === undefined) {
        this.#fail(new BrokerConnectionError(this.address, `a response to unknown correlation id ${id}`));
        return;
      }
      this.#pending.delete(id);
      this.#options.clock.clearTimeout(p.timer);
      if (this.#pending.size === 0) this.#ending?.drained();
      try {
        p.resolve(decodeResponse(p.apiKey, p.version, frame).body);
      } catch (e) {
        // A broker that refuses our ApiVersions version answers in v0 (KIP-511).
        if (p.apiKey === ApiKey.ApiVersions && p.version !== 0) {
          try {
            p.resolve(decodeResponse(ApiKey.ApiVersions, 0, frame).body);
            continue;
          } catch {}
        }
        p.reject(new BrokerConnectionError(this.address, "an undecodable response", { cause: e }));
      }
    }
  }

  #fail(e: BrokerConnectionError): void {
    if (this.#closed !== null) return;
    this.#closed = e;
    this.#socket.destroy();
    this.#ending?.drained();
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) {
      this.#options.clock.clearTimeout(p.timer);
      p.reject(e);
    }
    for (const fn of this.#onClose.splice(0)) fn(e);
  }
}

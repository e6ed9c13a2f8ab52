/**
 * A minimal Kafka client connection for the interop tier, built on this
 * package only: requests are framed with `encodeRequest`, responses are split
 * with `FrameSplitter` and decoded with `decodeResponse`, keyed by the
 * correlation id each request was sent with.
 *
 * Invariants:
 * - requests on one connection carry correlation ids 1, 2, 3, … in send order,
 *   and each pending request is settled exactly once: by its response, by the
 *   connection closing, or by its timeout (then the connection is closed, since
 *   a late response would be out of step);
 * - a response whose correlation id no request is waiting for is a failure of
 *   every pending request (the stream is not what we think it is);
 * - `close()` destroys the socket and fails whatever is still pending.
 */

import { connect, type Socket } from "node:net";
import {
  type DecodedResponse,
  decodeResponse,
  encodeRequest,
  FrameSplitter,
  type MessageApiKey,
  peekCorrelationId,
  type RequestBodies,
} from "../../src/index.js";

/** Bound on one request's round trip (a Fetch long-poll included). */
const REQUEST_TIMEOUT_MS = 15_000;

interface Pending {
  readonly resolve: (frame: Uint8Array) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** What {@link KafkaConnection.request} returns: the decoded response and the frames on the wire. */
export interface Exchange<K extends MessageApiKey> {
  readonly response: DecodedResponse<K>;
  /** The request frame as sent (size prefix included). */
  readonly requestFrame: Uint8Array;
  /** The response frame as received (without its size prefix). */
  readonly responseFrame: Uint8Array;
}

/** One TCP connection to a Kafka broker, speaking through this package's codec. */
export class KafkaConnection {
  /** The last correlation id used; written only by `send`. */
  #correlationId = 0;
  /** Requests waiting for their response, by correlation id. */
  readonly #pending = new Map<number, Pending>();
  readonly #socket: Socket;
  /** Set once the socket closed or failed; after that every send fails at once. */
  #closed: Error | null = null;

  private constructor(socket: Socket) {
    this.#socket = socket;
    const splitter = new FrameSplitter();
    socket.on("data", (chunk: Buffer) => {
      try {
        for (const frame of splitter.push(chunk)) this.#deliver(frame.slice());
      } catch (error) {
        this.#fail(error as Error);
      }
    });
    socket.on("error", (error) => this.#fail(error));
    socket.on("close", () => this.#fail(new Error("the broker closed the connection")));
  }

  /** Connects to `host:port` (bounded at 10 s). */
  static open(host: string, port: number): Promise<KafkaConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no TCP connection to ${host}:${port} within 10 s`));
      }, 10_000);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeListener("error", reject);
        resolve(new KafkaConnection(socket));
      });
      socket.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  /**
   * Sends `body` as version `version` of `apiKey` and resolves with the
   * decoded response (and both frames).
   *
   * Blocking: until the response arrives, at most 15 s.
   */
  async request<K extends MessageApiKey>(apiKey: K, version: number, body: RequestBodies[K]): Promise<Exchange<K>> {
    const correlationId = this.#nextId();
    const requestFrame = encodeRequest(
      { apiKey, apiVersion: version, correlationId, clientId: "csp-kit-interop" },
      body,
    ).slice();
    const responseFrame = await this.#roundTrip(correlationId, requestFrame);
    const response = decodeResponse(apiKey, version, responseFrame);
    return { response, requestFrame, responseFrame };
  }

  /**
   * Sends a request frame built elsewhere (size prefix included) whose
   * correlation id is `correlationId`, and resolves with the raw response
   * frame (without its size prefix).
   */
  sendRaw(correlationId: number, requestFrame: Uint8Array): Promise<Uint8Array> {
    return this.#roundTrip(correlationId, requestFrame);
  }

  /** A fresh correlation id for {@link sendRaw}. */
  nextCorrelationId(): number {
    return this.#nextId();
  }

  /** Destroys the socket; pending requests fail. */
  close(): void {
    this.#socket.destroy();
    this.#fail(new Error("the connection was closed by the test"));
  }

  #nextId(): number {
    this.#correlationId += 1;
    return this.#correlationId;
  }

  #roundTrip(correlationId: number, frame: Uint8Array): Promise<Uint8Array> {
    if (this.#closed !== null) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#fail(new Error(`no response to correlation id ${correlationId} within ${REQUEST_TIMEOUT_MS} ms`));
        this.#socket.destroy();
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(correlationId, { resolve, reject, timer });
      this.#socket.write(frame);
    });
  }

  #deliver(frame: Uint8Array): void {
    const id = peekCorrelationId(frame);
    const pending = this.#pending.get(id);
    if (pending === undefined) {
      this.#fail(new Error(`a response with correlation id ${id} that no request is waiting for`));
      this.#socket.destroy();
      return;
    }
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    pending.resolve(frame);
  }

  #fail(error: Error): void {
    this.#closed ??= error;
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
      this.#pending.delete(id);
    }
  }
}

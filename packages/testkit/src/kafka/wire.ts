/**
 * Just enough of Kafka's wire format for the tooling: split a byte stream into
 * size-prefixed frames, build an ApiVersions v0 request by hand, read its response,
 * and send one raw request on a fresh socket. (The real codec is
 * @csp-kit/kafka-protocol; this file must not depend on it, since it checks it.)
 *
 * Frame: int32 size (big-endian, not counting itself), then `size` bytes.
 * ApiVersions v0 request (header v1): api_key int16 = 18, api_version int16 = 0,
 *   correlation_id int32, client_id nullable string (int16 length, -1 = null); empty body.
 * ApiVersions v0 response (header v0): correlation_id int32, error_code int16,
 *   api_keys array (int32 count) of { api_key int16, min_version int16, max_version int16 }.
 *
 * Invariants:
 * - FrameSplitter: the bytes it returned, concatenated, followed by `pending()`
 *   bytes still held, equal the bytes pushed, in order; each returned frame
 *   includes its 4-byte prefix and is exactly `4 + size` long.
 * - rawRequest settles exactly once and always destroys its socket.
 */

import { connect } from "node:net";
import { FrameSizeError, RawRequestError } from "./errors.js";

/** Kafka's ApiVersions api key. */
export const API_VERSIONS_KEY = 18;

/**
 * Cuts a TCP byte stream into complete Kafka frames (size prefix included).
 *
 * Ordering: frames come out in stream order; a frame split across pushes comes out
 * on the push that completes it.
 *
 * @example
 * const splitter = new FrameSplitter();
 * socket.on("data", (chunk) => { for (const frame of splitter.push(chunk)) handle(frame); });
 */
export class FrameSplitter {
  /** Bytes received but not yet part of a returned frame; written only by push(). */
  private chunks: Uint8Array[] = [];
  /** Sum of `chunks` lengths. */
  private held = 0;

  /**
   * Adds `chunk` and returns every frame it completes (possibly none).
   *
   * @throws FrameSizeError when a size prefix is negative; the splitter is then unusable.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.held += chunk.length;
    }
    const frames: Uint8Array[] = [];
    while (this.held >= 4) {
      const head = this.peek(4);
      const size = new DataView(head.buffer, head.byteOffset, 4).getInt32(0);
      if (size < 0) throw new FrameSizeError(size);
      if (this.held < 4 + size) break;
      frames.push(this.take(4 + size));
    }
    return frames;
  }

  /** How many bytes are held towards the next, incomplete frame. */
  pending(): number {
    return this.held;
  }

  /** The first `n` held bytes, without consuming them. Requires `n <= held`. */
  private peek(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    this.chunks = [concat(this.chunks, this.held)];
    return this.chunks[0]!.subarray(0, n);
  }

  /** Removes and returns the first `n` held bytes as a fresh copy. Requires `n <= held`. */
  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const first = this.chunks[0]!;
      const used = Math.min(first.length, n - filled);
      out.set(first.subarray(0, used), filled);
      filled += used;
      if (used === first.length) this.chunks.shift();
      else this.chunks[0] = first.subarray(used);
    }
    this.held -= n;
    return out;
  }
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * The api key (int16 at offset 4), api version (int16 at 6) and correlation id (int32 at 8) of a
 * request frame, or `undefined` when the frame is too short to have them.
 */
export function requestHeader(
  frame: Uint8Array,
): { apiKey: number; apiVersion: number; correlationId: number } | undefined {
  if (frame.length < 12) return undefined;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.length);
  return { apiKey: view.getInt16(4), apiVersion: view.getInt16(6), correlationId: view.getInt32(8) };
}

/** The correlation id (int32 at offset 4) of a response frame, or `undefined` if it is too short. */
export function responseCorrelationId(frame: Uint8Array): number | undefined {
  if (frame.length < 8) return undefined;
  return new DataView(frame.buffer, frame.byteOffset, frame.length).getInt32(4);
}

/** An ApiVersions v0 request frame (size prefix included). */
export function apiVersionsV0Request(correlationId: number, clientId = "csp-kit-interop"): Uint8Array {
  const id = new TextEncoder().encode(clientId);
  const frame = new Uint8Array(4 + 2 + 2 + 4 + 2 + id.length);
  const view = new DataView(frame.buffer);
  view.setInt32(0, frame.length - 4);
  view.setInt16(4, API_VERSIONS_KEY);
  view.setInt16(6, 0);
  view.setInt32(8, correlationId);
  view.setInt16(12, id.length);
  frame.set(id, 14);
  return frame;
}

/** One entry of an ApiVersions response: the versions the broker serves for one api key. */
export interface ApiVersionRange {
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
}

/** An ApiVersions v0 response, decoded. */
export interface ApiVersionsV0Response {
  readonly correlationId: number;
  readonly errorCode: number;
  readonly apiKeys: readonly ApiVersionRange[];
}

/**
 * Decodes an ApiVersions v0 response frame (size prefix included).
 *
 * @throws RangeError when the frame is shorter than its fields say.
 */
export function parseApiVersionsV0Response(frame: Uint8Array): ApiVersionsV0Response {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.length);
  const correlationId = view.getInt32(4);
  const errorCode = view.getInt16(8);
  const count = view.getInt32(10);
  const apiKeys: ApiVersionRange[] = [];
  for (let i = 0, at = 14; i < count; i += 1, at += 6) {
    apiKeys.push({ apiKey: view.getInt16(at), minVersion: view.getInt16(at + 2), maxVersion: view.getInt16(at + 4) });
  }
  return { correlationId, errorCode, apiKeys };
}

/** Options of {@link rawRequest}. */
export interface RawRequestOptions {
  /** Bound on connect + write + the whole response, in milliseconds (default 10 000). */
  readonly timeoutMs?: number;
}

/**
 * Sends one request frame on a fresh TCP connection and resolves with the first
 * complete response frame (size prefix included); then closes the connection.
 *
 * Blocking: up to `timeoutMs`. Ordering: the frame is written in one `write`.
 *
 * @throws RawRequestError `"connect"` when the connection fails (e.g. refused),
 *   `"closed"` when the peer closes before a full frame, `"timeout"` past the bound.
 * @example
 * const response = await rawRequest("127.0.0.1", 9092, apiVersionsV0Request(7));
 */
export function rawRequest(
  host: string,
  port: number,
  frame: Uint8Array,
  options: RawRequestOptions = {},
): Promise<Uint8Array> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolveRequest, reject) => {
    const socket = connect({ host, port });
    const splitter = new FrameSplitter();
    let connected = false;
    let settled = false;
    const settle = (outcome: { frame: Uint8Array } | { error: Error }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if ("frame" in outcome) resolveRequest(outcome.frame);
      else reject(outcome.error);
    };
    const timer = setTimeout(() => {
      settle({
        error: new RawRequestError(
          "timeout",
          `no complete response from ${host}:${port} within ${timeoutMs} ms (${splitter.pending()} bytes received)`,
        ),
      });
    }, timeoutMs);
    socket.on("connect", () => {
      connected = true;
      socket.write(frame);
    });
    socket.on("data", (chunk: Buffer) => {
      try {
        const [first] = splitter.push(chunk);
        if (first !== undefined) settle({ frame: first });
      } catch (error) {
        settle({ error: error as Error });
      }
    });
    socket.on("error", (error) => {
      const reason = connected ? "closed" : "connect";
      settle({ error: new RawRequestError(reason, `${host}:${port}: ${error.message}`, { cause: error }) });
    });
    socket.on("close", () => {
      settle({
        error: new RawRequestError(
          "closed",
          `${host}:${port} closed the connection before a complete response (${splitter.pending()} bytes received)`,
        ),
      });
    });
  });
}

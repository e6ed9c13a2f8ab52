/**
 * The recording proxy in front of a fake broker on 127.0.0.1 (no Kafka needed):
 * it records both directions, and with `rewriteResponse` it forwards what the hook
 * returns while recording what the broker sent.
 */

import { createServer, connect as netConnect, type Server } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { type RecordingProxy, startRecordingProxy } from "../../src/kafka/recording-proxy.js";
import { FrameSplitter, requestHeader, responseCorrelationId } from "../../src/kafka/wire.js";

/** A request frame: size, api key 3, version 0, correlation id, null client id, then `extra` bytes. */
function request(correlationId: number, extra: readonly number[] = []): Uint8Array {
  const frame = new Uint8Array(4 + 10 + extra.length);
  const view = new DataView(frame.buffer);
  view.setInt32(0, frame.length - 4);
  view.setInt16(4, 3);
  view.setInt16(6, 0);
  view.setInt32(8, correlationId);
  view.setInt16(12, -1);
  frame.set(extra, 14);
  return frame;
}

/** A response frame: size, correlation id, one body byte. */
function response(correlationId: number, body: number): Uint8Array {
  const frame = new Uint8Array(9);
  const view = new DataView(frame.buffer);
  view.setInt32(0, 5);
  view.setInt32(4, correlationId);
  frame[8] = body;
  return frame;
}

/** A fake broker: answers each request frame with `response(correlationId, 0x11)`. */
async function fakeBroker(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    const splitter = new FrameSplitter();
    socket.on("data", (chunk: Buffer) => {
      for (const frame of splitter.push(chunk)) socket.write(response(requestHeader(frame)!.correlationId, 0x11));
    });
    socket.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { server, port: address.port };
}

/** Connects to the proxy, writes `frames` in one write, resolves with the first `count` response frames. */
function exchange(port: number, frames: readonly Uint8Array[], count: number): Promise<Uint8Array[]> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: "127.0.0.1", port });
    const splitter = new FrameSplitter();
    const got: Uint8Array[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`only ${got.length} of ${count} responses within 5 s`));
    }, 5_000);
    socket.on("connect", () => socket.write(Buffer.concat(frames)));
    socket.on("data", (chunk: Buffer) => {
      got.push(...splitter.push(chunk));
      if (got.length >= count) {
        clearTimeout(timer);
        socket.destroy();
        resolve(got);
      }
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      reject(new Error(`the proxy closed the connection after ${got.length} of ${count} responses`));
    });
  });
}

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function setup(options: Omit<Parameters<typeof startRecordingProxy>[0], "target">): Promise<RecordingProxy> {
  const broker = await fakeBroker();
  cleanup.push(() => new Promise<void>((resolve) => broker.server.close(() => resolve())));
  const proxy = await startRecordingProxy({ target: { host: "127.0.0.1", port: broker.port }, ...options });
  cleanup.push(() => proxy.close());
  return proxy;
}

describe("startRecordingProxy", () => {
  test("forwards responses unchanged and records every frame of both directions", async () => {
    const proxy = await setup({});
    const got = await exchange(proxy.port, [request(7), request(8, [1, 2, 3])], 2);
    expect(got.map((f) => [...f])).toEqual([[...response(7, 0x11)], [...response(8, 0x11)]]);
    const frames = proxy.frames();
    expect(frames.filter((f) => f.direction === "request").map((f) => requestHeader(f.bytes)?.correlationId)).toEqual([
      7, 8,
    ]);
    expect(frames.filter((f) => f.direction === "response").map((f) => responseCorrelationId(f.bytes))).toEqual([7, 8]);
    expect(new Set(frames.map((f) => f.connection))).toEqual(new Set([0]));
  });

  test("with rewriteResponse, the client gets what the hook returns, paired with its request; the recording keeps the original", async () => {
    const seen: Array<[number | undefined, number | undefined]> = [];
    const proxy = await setup({
      rewriteResponse: (frame, req) => {
        const id = responseCorrelationId(frame);
        seen.push([id, req === undefined ? undefined : requestHeader(req)?.correlationId]);
        return id === 8 ? response(8, 0x22) : frame;
      },
    });
    const got = await exchange(proxy.port, [request(7), request(8)], 2);
    expect(got.map((f) => [...f])).toEqual([[...response(7, 0x11)], [...response(8, 0x22)]]);
    expect(seen).toEqual([
      [7, 7],
      [8, 8],
    ]);
    const recorded = proxy.frames().filter((f) => f.direction === "response");
    expect(recorded.map((f) => f.bytes[8])).toEqual([0x11, 0x11]);
  });

  test("a rewrite hook that throws ends the connection pair instead of forwarding garbage", async () => {
    const proxy = await setup({
      rewriteResponse: () => {
        throw new Error("cannot rewrite");
      },
    });
    await expect(exchange(proxy.port, [request(1)], 1)).rejects.toThrow(/closed the connection after 0 of 1/);
  });
});

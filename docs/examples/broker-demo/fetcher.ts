/**
 * The demo's consumers: a partition fetcher over one TCP connection,
 * speaking Fetch v11 with @csp-kit/kafka-protocol (the broker serves no
 * consumer groups, so kafkajs's group consumer cannot be used here). One
 * request at a time: send, wait for the answer, advance each partition's
 * offset past the batches it returned.
 */

import { connect, type Socket } from "node:net";
import {
  ApiKey,
  decodeResponse,
  encodeRequest,
  FrameSplitter,
  type RequestBodies,
  readBatchHeaders,
} from "@csp-kit/kafka-protocol";

const FETCH_VERSION = 11;
const NO_UUID = "AAAAAAAAAAAAAAAAAAAAAA";

/** One partition a fetcher reads, and where it is. */
export interface Assignment {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to fetch. */
  offset: bigint;
  /** The partition's high watermark in the last answer. */
  highWatermark: bigint;
}

/** A fetch connection: `fetch()` reads every assignment once (long-polling up to `maxWaitMs`). */
export class Fetcher {
  readonly #socket: Socket;
  readonly #splitter = new FrameSplitter();
  readonly #clientId: string;
  #waiting: { resolve(frame: Uint8Array): void; reject(error: Error): void } | undefined;
  #correlation = 0;
  /** Records received so far. */
  records = 0;
  /** Record bytes received so far. */
  bytes = 0;

  private constructor(socket: Socket, clientId: string) {
    this.#socket = socket;
    this.#clientId = clientId;
    socket.on("data", (chunk: Buffer) => {
      for (const frame of this.#splitter.push(chunk)) {
        const w = this.#waiting;
        this.#waiting = undefined;
        w?.resolve(frame);
      }
    });
    socket.on("close", () => this.#waiting?.reject(new Error("the broker closed the connection")));
    socket.on("error", () => {});
  }

  /** Connects to `host:port`. */
  static connect(host: string, port: number, clientId: string): Promise<Fetcher> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port }, () => {
        socket.off("error", reject);
        resolve(new Fetcher(socket, clientId));
      });
      socket.once("error", reject);
    });
  }

  /** One Fetch of every assignment; advances their offsets; resolves with the records it got. */
  async fetch(assignments: readonly Assignment[], maxWaitMs: number): Promise<number> {
    const body: RequestBodies[1] = {
      clusterId: null,
      replicaId: -1,
      replicaState: { replicaId: -1, replicaEpoch: -1n },
      maxWaitMs,
      minBytes: 1,
      maxBytes: 8 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...new Set(assignments.map((a) => a.topic))].map((topic) => ({
        topic,
        topicId: NO_UUID,
        partitions: assignments
          .filter((a) => a.topic === topic)
          .map((a) => ({
            partition: a.partition,
            currentLeaderEpoch: -1,
            fetchOffset: a.offset,
            lastFetchedEpoch: -1,
            logStartOffset: -1n,
            partitionMaxBytes: 1 << 20,
            replicaDirectoryId: NO_UUID,
          })),
      })),
      forgottenTopicsData: [],
      rackId: "",
    };
    const correlationId = ++this.#correlation;
    const answer = new Promise<Uint8Array>((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
    this.#socket.write(
      encodeRequest({ apiKey: ApiKey.Fetch, apiVersion: FETCH_VERSION, correlationId, clientId: this.#clientId }, body),
    );
    const response = decodeResponse(ApiKey.Fetch, FETCH_VERSION, await answer).body;
    let got = 0;
    for (const t of response.responses)
      for (const p of t.partitions) {
        const a = assignments.find((x) => x.topic === t.topic && x.partition === p.partitionIndex);
        if (a === undefined || p.errorCode !== 0) continue;
        a.highWatermark = p.highWatermark;
        if (p.records === null) continue;
        for (const h of readBatchHeaders(p.records, { verifyCrc: false }).headers) {
          const last = h.baseOffset + BigInt(h.lastOffsetDelta);
          if (last < a.offset) continue;
          got += h.recordsCount;
          this.bytes += h.byteLength;
          a.offset = last + 1n;
        }
      }
    this.records += got;
    return got;
  }

  close(): void {
    this.#socket.destroy();
  }
}

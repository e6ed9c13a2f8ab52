/**
 * A raw Kafka client for the broker's tests: one socket, requests encoded
 * with @csp-kit/kafka-protocol, pipelined, and responses checked to come
 * back in request order (the correlation id of each must be the next one
 * expected). Also sends arbitrary bytes, for malformed-frame tests.
 */

import { connect, type Socket } from "node:net";
import {
  type DecodedResponse,
  decodeResponse,
  encodeRecordBatchSync,
  encodeRequest,
  FrameSplitter,
  type MessageApiKey,
  type RecordInput,
  type RequestBodies,
} from "@csp-kit/kafka-protocol";

interface Expected {
  readonly apiKey: MessageApiKey;
  readonly version: number;
  readonly correlationId: number;
  resolve(frame: Uint8Array): void;
  reject(error: Error): void;
}

/** A client connection to a broker under test. */
export class RawClient {
  readonly #socket: Socket;
  readonly #splitter = new FrameSplitter();
  readonly #expected: Expected[] = [];
  #nextCorrelation = 1;
  /** Resolves when the broker closes the connection (or it errors). */
  readonly closed: Promise<void>;
  #isClosed = false;

  private constructor(socket: Socket) {
    this.#socket = socket;
    this.closed = new Promise((resolve) => {
      socket.on("close", () => {
        this.#isClosed = true;
        for (const e of this.#expected.splice(0)) e.reject(new Error("the broker closed the connection"));
        resolve();
      });
    });
    socket.on("error", () => {});
    socket.on("data", (chunk) => {
      for (const frame of this.#splitter.push(chunk)) {
        const next = this.#expected.shift();
        if (next === undefined) throw new Error("a response nobody asked for");
        next.resolve(frame);
      }
    });
  }

  /**
   * Connects to the broker at `port` on 127.0.0.1. `noDelay` turns Nagle off:
   * a test that counts event-loop turns needs it after a request with no
   * response (acks=0), or its next small frame waits for the delayed ACK.
   */
  static connect(port: number, options: { readonly noDelay?: boolean } = {}): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port, noDelay: options.noDelay ?? false }, () => {
        socket.off("error", reject);
        resolve(new RawClient(socket));
      });
      socket.once("error", reject);
    });
  }

  /** Whether the broker has closed the connection. */
  get isClosed(): boolean {
    return this.#isClosed;
  }

  /**
   * Sends one request and resolves with its decoded response body. Calls may
   * overlap (pipelining); each response must carry the correlation id of the
   * oldest unanswered request, or the promise rejects.
   */
  request<K extends MessageApiKey>(
    apiKey: K,
    version: number,
    body: RequestBodies[K],
  ): Promise<DecodedResponse<K>["body"]> {
    const correlationId = this.#nextCorrelation++;
    const frame = encodeRequest({ apiKey, apiVersion: version, correlationId, clientId: "raw-test" }, body);
    const answered = new Promise<DecodedResponse<K>["body"]>((resolve, reject) => {
      this.#expected.push({
        apiKey,
        version,
        correlationId,
        resolve: (bytes) => {
          try {
            const decoded = decodeResponse(apiKey, version, bytes);
            if (decoded.correlationId !== correlationId)
              throw new Error(
                `response out of order: got correlation id ${decoded.correlationId}, expected ${correlationId}`,
              );
            resolve(decoded.body);
          } catch (error) {
            reject(error as Error);
          }
        },
        reject,
      });
    });
    this.#socket.write(frame);
    return answered;
  }

  /** Sends a request that gets no response (Produce with acks=0). */
  fireAndForget<K extends MessageApiKey>(apiKey: K, version: number, body: RequestBodies[K]): void {
    const correlationId = this.#nextCorrelation++;
    this.#socket.write(encodeRequest({ apiKey, apiVersion: version, correlationId, clientId: "raw-test" }, body));
  }

  /** Writes raw bytes; `expectFrame` resolves with the next response frame's body (size prefix removed). */
  writeRaw(bytes: Uint8Array): void {
    this.#socket.write(bytes);
  }

  /** The next response frame, whatever it is (for raw requests). */
  nextFrame(): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      this.#expected.push({ apiKey: 18, version: 0, correlationId: -1, resolve, reject });
    });
  }

  /** Stops reading from the socket (a client that does not take its responses). */
  pauseReading(): void {
    this.#socket.pause();
  }

  close(): void {
    this.#socket.destroy();
  }
}

/** One RecordBatch with the given values (string or bytes), keys optional. */
export function batchOf(
  values: readonly (string | Uint8Array)[],
  options: {
    readonly keys?: readonly (string | null)[];
    readonly baseTimestamp?: number;
    readonly producerId?: bigint;
    readonly producerEpoch?: number;
    readonly baseSequence?: number;
  } = {},
): Uint8Array {
  const enc = new TextEncoder();
  const records: RecordInput[] = values.map((v, i) => {
    const key = options.keys?.[i];
    return {
      value: typeof v === "string" ? enc.encode(v) : v,
      key: key === undefined || key === null ? null : enc.encode(key),
      timestampDelta: i,
    };
  });
  const baseTimestamp = options.baseTimestamp ?? 1_700_000_000_000;
  return encodeRecordBatchSync({
    records,
    baseTimestamp,
    maxTimestamp: baseTimestamp + values.length - 1,
    ...(options.producerId === undefined
      ? {}
      : {
          producerId: options.producerId,
          producerEpoch: options.producerEpoch ?? 0,
          baseSequence: options.baseSequence ?? 0,
        }),
  });
}

/** A Produce v7 body for one partition. */
export function produceBody(topic: string, partition: number, records: Uint8Array | null, acks = -1): RequestBodies[0] {
  return {
    transactionalId: null,
    acks,
    timeoutMs: 30_000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  };
}

/** A Fetch body for one partition. */
export function fetchBody(
  topic: string,
  partition: number,
  offset: bigint,
  options: {
    readonly maxWaitMs?: number;
    readonly minBytes?: number;
    readonly maxBytes?: number;
    readonly partitionMaxBytes?: number;
    readonly topicId?: string;
    readonly isolationLevel?: number;
  } = {},
): RequestBodies[1] {
  return {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: options.maxWaitMs ?? 0,
    minBytes: options.minBytes ?? 1,
    maxBytes: options.maxBytes ?? 50 * 1024 * 1024,
    isolationLevel: options.isolationLevel ?? 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        topicId: options.topicId ?? "AAAAAAAAAAAAAAAAAAAAAA",
        partitions: [
          {
            partition,
            currentLeaderEpoch: -1,
            fetchOffset: offset,
            lastFetchedEpoch: -1,
            logStartOffset: -1n,
            partitionMaxBytes: options.partitionMaxBytes ?? 1024 * 1024,
            replicaDirectoryId: "AAAAAAAAAAAAAAAAAAAAAA",
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: "",
  };
}

/** A Metadata body naming `topics` (null: every topic). */
export function metadataBody(topics: readonly string[] | null, allowAutoTopicCreation = true): RequestBodies[3] {
  return {
    topics: topics === null ? null : topics.map((name) => ({ topicId: "AAAAAAAAAAAAAAAAAAAAAA", name })),
    allowAutoTopicCreation,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  };
}

/** A ListOffsets body for one partition at `timestamp`. */
export function listOffsetsBody(topic: string, partition: number, timestamp: bigint): RequestBodies[2] {
  return {
    replicaId: -1,
    isolationLevel: 0,
    topics: [
      { name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 }] },
    ],
    timeoutMs: 30_000,
  };
}

/**
 * The dashboard's traffic meter: running totals of the records and bytes
 * clients produce and fetch, counted by wrapping the broker's request
 * router (one meter per broker, and only when the dashboard is on).
 *
 * ```
 *  connection handler ──► metered dispatch ──► dispatch (the handlers)
 *                              │ Produce: count the request's batches
 *                              │ Fetch:   when the response exists, count its batches
 *                              ▼
 *                         TrafficTotals (four counters; the sampler reads them)
 * ```
 *
 * What is counted: the records of every RecordBatch a Produce request
 * carries (whatever the partition then answers) and of every batch a Fetch
 * response returns (a batch may start before the fetch offset: its earlier
 * records count too, as they cross the wire); the bytes are those of the
 * batches. Only the RecordBatch v2 header is read (`batchLength`,
 * `recordsCount`): nothing is decompressed.
 *
 * - never blocks, and never changes a request or its response: the wrapper
 *   returns the router's pending response itself and only adds a reaction
 *   to it;
 * - a response it cannot read (which would be a broker bug) is not counted,
 *   never thrown.
 *
 * Invariants: the totals only grow; each batch is counted once, when its
 * request was routed (Produce) or its response was built (Fetch).
 */

import { ApiKey, decodeResponse, FRAME_PREFIX_BYTES } from "@csp-kit/kafka-protocol";
import type { ConnectionContext, Dispatch, InboundRequest } from "../server/connection.js";
import type { PendingResponse } from "../server/outbox.js";

/** Byte offset of `batchLength` in a RecordBatch (after `baseOffset`). */
const BATCH_LENGTH_AT = 8;
/** Byte offset of `recordsCount`. */
const RECORDS_COUNT_AT = 57;
/** A batch's header through `recordsCount`; a shorter tail is not a batch. */
const HEADER_BYTES = 61;
/** Bytes before `batchLength` starts counting. */
const LOG_OVERHEAD = 12;

/** Records and bytes counted so far, one pair per direction. */
export interface TrafficTotals {
  /** Records in the batches of Produce requests. */
  producedRecords: number;
  /** Bytes of those batches. */
  producedBytes: number;
  /** Records in the batches of Fetch responses. */
  fetchedRecords: number;
  /** Bytes of those batches. */
  fetchedBytes: number;
}

/**
 * Adds the records and bytes of the whole RecordBatches in `records` to
 * `into`. Precondition: none (a truncated or garbled run stops the count
 * where it stops making sense; nothing reads out of bounds).
 */
export function countBatches(records: Uint8Array, into: { records: number; bytes: number }): void {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  let at = 0;
  while (records.byteLength - at >= HEADER_BYTES) {
    const size = LOG_OVERHEAD + view.getInt32(at + BATCH_LENGTH_AT);
    if (size < HEADER_BYTES || at + size > records.byteLength) return;
    into.records += Math.max(0, view.getInt32(at + RECORDS_COUNT_AT));
    into.bytes += size;
    at += size;
  }
}

/** One broker's traffic totals and the router wrapper that keeps them. */
export class TrafficMeter {
  /** The totals; only this class writes them, the sampler reads them. */
  readonly totals: TrafficTotals = { producedRecords: 0, producedBytes: 0, fetchedRecords: 0, fetchedBytes: 0 };
  readonly #scratch = { records: 0, bytes: 0 };

  /** `dispatch`, counting what Produce requests bring and Fetch responses take away. */
  wrap(dispatch: Dispatch): Dispatch {
    return (inbound: InboundRequest, connection: ConnectionContext): PendingResponse => {
      const pending = dispatch(inbound, connection);
      if (inbound.kind !== "request") return pending;
      const request = inbound.request;
      if (request.apiKey === ApiKey.Produce) {
        const c = this.#reset();
        for (const topic of request.body.topicData)
          for (const partition of topic.partitionData)
            if (partition.records !== null) countBatches(partition.records, c);
        this.totals.producedRecords += c.records;
        this.totals.producedBytes += c.bytes;
      } else if (request.apiKey === ApiKey.Fetch) {
        const version = request.header.apiVersion;
        if (pending instanceof Promise)
          pending.then(
            (frame) => this.#countFetch(version, frame),
            () => {}, // the writer sees the rejection
          );
        else this.#countFetch(version, pending);
      }
      return pending;
    };
  }

  #reset(): { records: number; bytes: number } {
    this.#scratch.records = 0;
    this.#scratch.bytes = 0;
    return this.#scratch;
  }

  /** Counts the batches of one Fetch response frame (with its size prefix), if there is one. */
  #countFetch(version: number, frame: Uint8Array | null): void {
    if (frame === null) return;
    let body: ReturnType<typeof decodeResponse<typeof ApiKey.Fetch>>["body"];
    try {
      body = decodeResponse(ApiKey.Fetch, version, frame.subarray(FRAME_PREFIX_BYTES)).body;
    } catch {
      return;
    }
    const c = this.#reset();
    for (const topic of body.responses)
      for (const partition of topic.partitions) if (partition.records !== null) countBatches(partition.records, c);
    this.totals.fetchedRecords += c.records;
    this.totals.fetchedBytes += c.bytes;
  }
}

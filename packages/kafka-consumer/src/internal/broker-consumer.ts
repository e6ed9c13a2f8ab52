/**
 * The broker consumer — sarama's `brokerConsumer`: a subscription manager
 * and one fetch loop for every partition led by one broker.
 *
 * Cardinality: one per broker, shared by the partition consumers whose
 *   leader it is and reference-counted by their dispatchers
 *   (`ConsumerCore.refBrokerConsumer`).
 * Job: fetch for all subscribed partitions with ONE Fetch request, hand each
 *   partition its part, wait until every part is acknowledged (a WaitGroup
 *   of acks), drop the partitions whose feeder did not answer "ok", and go
 *   again.
 * Never blocks on: new subscriptions. The subscription manager always
 *   accepts them (even while a fetch is in flight) and batches what arrives
 *   meanwhile; the fetch loop takes that batch without waiting
 *   (`tryRecv`) when it has partitions to fetch, and waits only when it has
 *   none. It never blocks on a user either: feeders ack within
 *   `maxProcessingTime` of a message not being taken (the response feeder).
 * Channels: `input` (from dispatchers and re-subscribing feeders),
 *   `#newSubscriptions` (manager → fetch loop, unbuffered: the manager's
 *   send case is switched off, `null`, while it has nothing), and each
 *   child's `feeder` (one part per round).
 * Shutdown: the last reference closes `input`; the manager then closes
 *   `#newSubscriptions`, and the fetch loop ends after its current round.
 *   A failed fetch (the connection broke) abandons the broker consumer:
 *   every subscribed partition, and every one that subscribes later, is
 *   sent back to its dispatcher (an error and a trigger) until the last
 *   reference goes.
 *
 * ```
 *  dispatchers ──input──► manager ──newSubscriptions──► fetch loop ──feeder──► response feeders
 *                         (batches)   (when it has some)   │  ▲  acks (WaitGroup)      │
 *                                                          └──┴────────────────────────┘
 * ```
 *
 * Invariants:
 * - `#subscriptions` holds the partitions fetched next round; a partition
 *   leaves it whenever its feeder's ack is not "ok" (and after that only
 *   its own dispatcher or feeder brings it back, through `input`);
 * - between sending the parts of a round and `#acks.wait()` resolving, the
 *   fetch loop reads no child's `offset`: each feeder owns its child then;
 * - once `#aborted` is set it stays set, and nothing is fetched again.
 */

import { Channel } from "@csp-kit/channel";
import {
  ApiKey,
  type FetchPartition,
  type FetchPartitionData,
  type FetchRequest,
  type FetchResponse,
  KafkaError,
} from "@csp-kit/kafka-protocol";
import { WaitGroup } from "@csp-kit/mutex";
import { recv, select, send } from "@csp-kit/select";
import type { Child, FetchPart, PartResult } from "./child.js";
import type { ConsumerCore } from "./consumer-core.js";

const ZERO_UUID = "AAAAAAAAAAAAAAAAAAAAAA";

/** One broker's subscription manager and fetch loop. See the module header. */
export class BrokerConsumer {
  readonly nodeId: number;
  /** Subscriptions in; closed by the core when the last reference goes. */
  readonly input: Channel<Child> = new Channel<Child>();
  /** Resolves when both loops have ended. */
  readonly done: Promise<void>;
  readonly #core: ConsumerCore;
  readonly #newSubscriptions = new Channel<Child[]>();
  readonly #subscriptions = new Set<Child>();
  readonly #acks = new WaitGroup();
  /** The error that abandoned this broker consumer, or undefined while it is healthy. */
  #aborted: unknown;

  constructor(core: ConsumerCore, nodeId: number) {
    this.#core = core;
    this.nodeId = nodeId;
    this.done = Promise.all([this.#manage(), this.#fetchLoop()]).then(() => undefined);
  }

  /**
   * Subscribes `child` (the dispatcher after attaching, or the feeder after a
   * time-out). Waits for the manager, which always takes subscriptions
   * promptly; gives up if the child dies. A broker consumer whose input is
   * already closed sends the child back to its dispatcher instead.
   */
  async subscribe(child: Child): Promise<void> {
    if (this.input.closed) {
      child.redispatch();
      return;
    }
    await select({ subscribed: send(this.input, child), dying: recv(child.dying) });
  }

  // ---- the subscription manager ----------------------------------------------

  async #manage(): Promise<void> {
    let pending: Child[] = [];
    for (;;) {
      const r = await select({
        subscribe: recv(this.input),
        handOver: send(pending.length > 0 ? this.#newSubscriptions : null, pending),
      });
      if (r.case === "handOver") {
        pending = [];
        continue;
      }
      if (r.value.isNone()) break;
      pending.push(r.value.value);
    }
    // No references are left, so every child that was pending has let go of this broker consumer too.
    this.#newSubscriptions.close();
  }

  // ---- the fetch loop ----------------------------------------------------------

  async #fetchLoop(): Promise<void> {
    for (;;) {
      if (this.#subscriptions.size === 0) {
        const batch = await this.#newSubscriptions.recv();
        if (batch.isNone()) break;
        this.#add(batch.value);
      } else {
        const batch = this.#newSubscriptions.tryRecv();
        if (batch !== "would-block") {
          if (batch.isNone()) break;
          this.#add(batch.value);
        }
      }
      for (const child of this.#subscriptions) if (child.isDying) this.#subscriptions.delete(child);
      if (this.#aborted !== undefined) {
        for (const child of this.#subscriptions) void child.failAndRedispatch(this.#aborted);
        this.#subscriptions.clear();
        continue;
      }
      if (this.#subscriptions.size === 0) continue;

      const children = [...this.#subscriptions];
      let response: FetchResponse;
      try {
        response = await this.#fetch(children);
      } catch (error) {
        this.#abort(error);
        continue;
      }
      if (response.errorCode !== 0) {
        // A top-level error (fetch sessions, which this consumer does not use): every partition re-dispatches.
        const error = new KafkaError(response.errorCode, { apiKey: ApiKey.Fetch });
        for (const child of children) void child.failAndRedispatch(error);
        this.#subscriptions.clear();
        continue;
      }
      const results = await this.#feedAll(children, response);
      for (const [child, result] of results) if (result !== "ok") this.#subscriptions.delete(child);
    }
  }

  #add(children: readonly Child[]): void {
    for (const child of children) {
      if (this.#aborted !== undefined) void child.failAndRedispatch(this.#aborted);
      else this.#subscriptions.add(child);
    }
  }

  /** The connection failed: leave the map, and send every partition back to its dispatcher. */
  #abort(error: unknown): void {
    this.#aborted = error;
    this.#core.abandon(this);
    for (const child of this.#subscriptions) void child.failAndRedispatch(error);
    this.#subscriptions.clear();
  }

  /** One Fetch request for every child. Precondition: no feeder holds a part of these children. */
  async #fetch(children: readonly Child[]): Promise<FetchResponse> {
    const { config } = this.#core;
    const byTopic = new Map<string, FetchPartition[]>();
    for (const child of children) {
      let partitions = byTopic.get(child.topic);
      if (partitions === undefined) {
        partitions = [];
        byTopic.set(child.topic, partitions);
      }
      partitions.push({
        partition: child.partition,
        currentLeaderEpoch: -1,
        fetchOffset: child.offset,
        lastFetchedEpoch: -1,
        logStartOffset: -1n,
        partitionMaxBytes: child.fetchSize,
        replicaDirectoryId: ZERO_UUID,
      });
    }
    const request: FetchRequest = {
      clusterId: null,
      replicaId: -1,
      replicaState: { replicaId: -1, replicaEpoch: -1n },
      maxWaitMs: config.maxWaitTime,
      minBytes: config.fetch.min,
      maxBytes: config.maxResponseSize,
      isolationLevel: config.isolationLevel === "read-committed" ? 1 : 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...byTopic].map(([topic, partitions]) => ({ topic, topicId: ZERO_UUID, partitions })),
      forgottenTopicsData: [],
      rackId: "",
    };
    const connection = await this.#core.fetchConnection(this.nodeId);
    const response = await connection.request(ApiKey.Fetch, request);
    if (response === undefined) throw new Error("a Fetch request got no response");
    return response;
  }

  /**
   * Hands every child its part of `response` and waits for every ack — the
   * WaitGroup of sarama's `bc.acks`. A child that dies before taking its
   * part is acked for at once.
   */
  async #feedAll(children: readonly Child[], response: FetchResponse): Promise<Map<Child, PartResult>> {
    const results = new Map<Child, PartResult>();
    const byTopic = new Map<string, FetchPartitionData[]>();
    for (const t of response.responses) byTopic.set(t.topic, t.partitions);
    this.#acks.add(children.length);
    for (const child of children) {
      const data = byTopic.get(child.topic)?.find((p) => p.partitionIndex === child.partition) ?? emptyPart(child);
      let acked = false;
      const part: FetchPart = {
        data,
        from: this,
        ack: (result) => {
          if (acked) return;
          acked = true;
          results.set(child, result);
          this.#acks.done();
        },
      };
      if (child.feeder.trySend(part) !== "sent") void this.#handOver(child, part);
    }
    await this.#acks.wait();
    return results;
  }

  async #handOver(child: Child, part: FetchPart): Promise<void> {
    const r = await select({ fed: send(child.feeder, part), dying: recv(child.dying) });
    if (r.case === "dying") part.ack("dying");
  }
}

/** The part of a partition the broker left out of its response: nothing new, fetch again. */
function emptyPart(child: Child): FetchPartitionData {
  return {
    partitionIndex: child.partition,
    errorCode: 0,
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    divergingEpoch: { epoch: -1, endOffset: -1n },
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1n, epoch: -1 },
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: null,
  };
}

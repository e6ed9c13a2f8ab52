/**
 * The broker producer — sarama's `brokerProducer`: an aggregator and a
 * flusher for one broker.
 *
 * Cardinality: one per broker, shared by the partition producers whose
 *   leader it is and reference-counted by them (`ProducerCore`).
 * Job: batch messages by count, bytes and time (the aggregator), send the
 *   batches as Produce requests with up to `maxOpenRequests` in flight (the
 *   flusher), and turn each response into successes, retries and errors.
 * Never blocks on: the network. The aggregator is the seed's select loop —
 *   input, the flush timer, the response queue, and an output case that is
 *   `null` until a batch is ready (rehearsed in docs/examples/aggregator) —
 *   and all I/O is in the flusher, whose results come back through an
 *   unbounded channel (sarama's response forwarder), so a network callback
 *   never waits for the aggregator.
 * Channels: `input` (from partition producers: messages, syn, fin;
 *   buffered, `channelBufferSize`: the aggregator takes what is buffered
 *   in one go, without a select per message),
 *   `#toFlusher` (aggregator → flusher, unbuffered: the null-output case),
 *   `#responses` (flusher → aggregator, unbounded), plus `core.retries`.
 * Shutdown: once the producer begins to shut down (`core.shuttingDown`
 *   closes) every batch is ready whatever its size, so nothing waits for a
 *   trigger that may never come. The last reference closes `input`; the
 *   aggregator then sends what it holds, waits for every response, closes
 *   `#toFlusher`, and `done` resolves once the flusher has finished too.
 *
 * Partition muting (sarama v1.48): a partition with a batch in flight is
 * muted — its newer messages stay in the accumulating set until the answer
 * came back — so with `maxOpenRequests > 1` a later batch can never overtake
 * one that is about to be retried.
 *
 * Idempotence: batches are numbered in the flusher as they leave
 * (`core.stampSequences`, after any epoch bump in progress). An answer that
 * says the batch was not stored and its sequence can never be
 * (OUT_OF_ORDER_SEQUENCE_NUMBER, UNKNOWN_PRODUCER_ID, or
 * INVALID_PRODUCER_EPOCH for a batch of an older epoch) bumps the epoch,
 * clears the batch's sequences and retries it like a retriable error; a
 * numbered message that fails for good starts a bump too (`failMessage`).
 *
 * Retries off (`retry.max` 0): a retriable answer fails the messages and
 * marks this broker producer `abandoned` (sarama's): the partition
 * producers attached look the leader up again before their next message.
 *
 * Invariants:
 * - `#retrying` holds the partitions whose last response was a retriable
 *   error (or all, once `#closing`): their messages are bounced to retry
 *   until a syn (a new attachment) or their fin clears the mark; it is
 *   checked for every message when it is taken, and again after a
 *   hand-over that waited (a response may have set it meanwhile);
 * - a partition goes out only when not muted and, if it holds a retried
 *   idempotent batch, when all of that batch is back (`ProduceSet.complete`);
 * - `#muted` is exactly the set of partitions in `#inFlightSets`;
 * - every message taken from `input` is in the accumulating set, in a set
 *   in flight, or has been handed to success, error or retry.
 */

import { Channel } from "@csp-kit/channel";
import {
  ApiKey,
  errorByCode,
  KafkaError,
  KafkaErrorCode,
  type ProduceRequest,
  type ProduceResponse,
} from "@csp-kit/kafka-protocol";
import { recv, select, send } from "@csp-kit/select";
import { after, type Receiver } from "@csp-kit/timers";
import { ShuttingDownError } from "../../errors.js";
import { type MessageEnvelope, type PartitionEnvelope, tpKey } from "../envelope.js";
import { buildRecords, type PartitionSet, ProduceSet } from "../produce-set.js";
import type { ProducerCore } from "../producer-core.js";

/** Answers meaning "not stored, and this sequence never will be in its epoch": renumber and retry. */
const RENUMBER: ReadonlySet<number> = new Set([
  KafkaErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
  KafkaErrorCode.UNKNOWN_PRODUCER_ID,
  KafkaErrorCode.INVALID_PRODUCER_EPOCH,
]);

/** Sends one Produce request to the broker: resolves with the response, or undefined for acks 0. */
export type ProduceTransport = (request: ProduceRequest) => Promise<ProduceResponse | undefined>;

interface Outcome {
  readonly set: ProduceSet;
  readonly result:
    | { readonly ok: true; readonly response: ProduceResponse | undefined }
    | { readonly ok: false; readonly error: unknown };
}

/** One broker's aggregator and flusher. See the module header. */
export class BrokerProducer {
  readonly nodeId: number;
  /** From the partition producers; closed by the core when the last reference goes. */
  readonly input: Channel<PartitionEnvelope>;
  /** Resolves when both loops have ended. */
  readonly done: Promise<void>;
  readonly #core: ProducerCore;
  readonly #transport: () => Promise<ProduceTransport>;
  readonly #toFlusher = new Channel<ProduceSet>();
  readonly #responses = Channel.infinite<Outcome>();
  readonly #retrying = new Map<string, unknown>();
  readonly #muted = new Set<string>();
  #inFlightSets = 0;
  /** The connection error that ended this broker producer, or undefined while healthy. */
  #closing: unknown;
  /** The accumulating set (the aggregator's; replaced when handed over whole). */
  #acc!: ProduceSet;
  /** The flush.frequency timer of the accumulating set, armed by its first message; null when none. */
  #timer: Receiver<number> | null = null;
  /** Whether that timer fired (the set is ready whatever its size). */
  #timerFired = false;
  /** Set when a retriable error arrived with retries disabled: attach elsewhere (see `abandoned`). */
  #abandoned = false;
  /** Set once the producer shuts down: every set is ready whatever its size (see ProducerCore.shuttingDown). */
  #flushAll = false;

  constructor(core: ProducerCore, nodeId: number, transport: () => Promise<ProduceTransport>) {
    this.#core = core;
    this.nodeId = nodeId;
    this.#transport = transport;
    this.input = new Channel(core.config.channelBufferSize);
    this.done = Promise.all([this.#aggregate(), this.#flush()]).then(() => undefined);
  }

  /**
   * Whether this broker producer was given up because a retriable error
   * came with retries disabled (`retry.max` 0): a partition producer
   * attached to it looks its leader up again before its next message.
   * (With retries on, a failing broker producer bounces what reaches it to
   * the retry path instead, and the partition producer detaches when the
   * first retried message raises its retry level: detaching earlier would
   * let new messages overtake the retried ones.)
   */
  get abandoned(): boolean {
    return this.#abandoned;
  }

  // ---- the aggregator ----------------------------------------------------------

  async #aggregate(): Promise<void> {
    const { config } = this.#core;
    this.#acc = new ProduceSet(config);
    let inputOpen = true;
    for (;;) {
      const acc = this.#acc;
      // The output case: on only when a batch is ready and some of it is not muted.
      const ready = acc.readyToFlush() || (!acc.empty && (this.#timerFired || !inputOpen || this.#flushAll));
      const candidate = ready ? this.#unmuted(acc) : null;
      if (!inputOpen && acc.empty && this.#inFlightSets === 0) break;
      const r = await select({
        msg: recv(inputOpen ? this.input : null),
        tick: recv(this.#timer),
        out: send(candidate === null ? null : this.#toFlusher, candidate as ProduceSet),
        response: recv(this.#inFlightSets > 0 ? this.#responses : null),
        shutdown: recv(this.#flushAll ? null : this.#core.shuttingDown),
      });
      switch (r.case) {
        case "shutdown":
          this.#flushAll = true;
          break;
        case "msg": {
          if (r.value.isNone()) {
            inputOpen = false;
            break;
          }
          await this.#take(r.value.value);
          // The fast path: take what else is buffered now without a select per message. Correct
          // because a select would pick "msg" for each of them anyway unless another case is ready,
          // and the other cases lose nothing by waiting: the timer and responses stay queued, and a
          // batch that became ready is checked again as soon as the buffer is empty (or at once when
          // it would overflow, in #take). Bounded so responses are answered at least every 4096.
          for (let n = 0; n < 4096; n++) {
            const more = this.input.tryRecv();
            if (more === "would-block") break;
            if (more.isNone()) {
              inputOpen = false;
              break;
            }
            await this.#take(more.value);
          }
          break;
        }
        case "tick":
          this.#timerFired = true;
          this.#timer = null;
          break;
        case "out": {
          const sent = candidate as ProduceSet;
          if (sent === acc) this.#acc = new ProduceSet(config);
          else for (const p of sent.each()) acc.dropPartition(p.topic, p.partition);
          this.#mute(sent);
          if (this.#acc.empty) {
            this.#timer = null;
            this.#timerFired = false;
          }
          break;
        }
        case "response":
          if (r.value.isSome()) await this.#handle(r.value.value, this.#acc);
          break;
      }
    }
    this.#toFlusher.close();
  }

  /** Handles one envelope from `input` (the aggregator's "msg" case). */
  async #take(e: PartitionEnvelope): Promise<void> {
    const { config } = this.#core;
    if (e.kind === "syn") {
      this.#retrying.delete(tpKey(e.topic, e.partition));
      this.#core.inFlight.done();
      return;
    }
    const key = tpKey(e.topic, e.partition);
    const reason = this.#closing ?? this.#retrying.get(key);
    if (reason !== undefined || this.#retrying.has(key)) {
      await this.#core.retryMessage(e, reason);
      if (e.kind === "fin" && this.#closing === undefined) this.#retrying.delete(key);
      return;
    }
    if (e.kind === "fin") {
      // Nothing of its partition is failing here: bounce it so it chases what was sent before it.
      // Messages of its level still here (accumulating or in flight) come back first only if they fail;
      // if they succeed, their order is already kept.
      await this.#core.retryMessage(e, new ShuttingDownError());
      return;
    }
    const acc = this.#acc;
    if (!acc.empty && acc.wouldOverflow(e)) {
      // A hard limit: the current set must go first. A retried idempotent batch not all back yet
      // stays (sent in pieces, the broker would not recognise it); the rest is handed over
      // (waiting for the flusher), and the new set starts with what stayed.
      const stay = new ProduceSet(config);
      for (const p of [...acc.each()]) {
        if (!ProduceSet.complete(p)) for (const m of acc.dropPartition(p.topic, p.partition)) stay.add(m);
      }
      if (!acc.empty) {
        await this.#handOver(acc);
        this.#acc = new ProduceSet(config);
        this.#timer = null;
        this.#timerFired = false;
        // Responses were handled while waiting: a partition may be retrying now, or the connection
        // gone. Decide again for what stayed and for `e`, as if they had just been taken.
        for (const m of [...stay.messages()]) await this.#take(m);
        await this.#take(e);
        return;
      }
      // Only unfinished retried batches here: they are within the limits they first went out
      // under, so `e` joins them (the set may pass flush.maxMessages until they are whole).
      this.#acc = stay;
    }
    this.#acc.add(e);
    if (config.flush.frequency > 0 && this.#timer === null && !this.#timerFired) {
      this.#timer = after(config.flush.frequency, config);
    }
  }

  /**
   * The partitions of `acc` that may go now, as a set of their own (`acc`
   * itself when all may); null when none may. A partition may not while it
   * is muted, or while it holds part of a retried idempotent batch
   * (`ProduceSet.complete`).
   */
  #unmuted(acc: ProduceSet): ProduceSet | null {
    const held = (p: PartitionSet) => this.#muted.has(tpKey(p.topic, p.partition)) || !ProduceSet.complete(p);
    let anyHeld = false;
    for (const p of acc.each()) if (held(p)) anyHeld = true;
    if (!anyHeld) return acc;
    const out = new ProduceSet(this.#core.config);
    for (const p of acc.each()) {
      if (held(p)) continue;
      for (const m of p.messages) out.add(m);
    }
    return out.empty ? null : out;
  }

  #mute(set: ProduceSet): void {
    this.#inFlightSets++;
    for (const p of set.each()) this.#muted.add(tpKey(p.topic, p.partition));
  }

  /**
   * Hands `set` over whole: waits for the flusher (while answering
   * responses, so the flusher can make room). A response that sends a
   * partition to retry takes that partition's messages out of `set` too (as
   * from the accumulating set), or they would overtake the retried ones;
   * when nothing is left, nothing is sent.
   */
  async #handOver(set: ProduceSet): Promise<void> {
    for (;;) {
      if (set.empty) return;
      const muted = [...set.each()].some((p) => this.#muted.has(tpKey(p.topic, p.partition)));
      const r = await select({
        out: send(muted ? null : this.#toFlusher, set),
        response: recv(this.#inFlightSets > 0 ? this.#responses : null),
      });
      if (r.case === "out") {
        this.#mute(set);
        return;
      }
      if (r.value.isSome()) await this.#handle(r.value.value, set);
    }
  }

  /** Turns one outcome into successes, retries and errors. */
  async #handle(o: Outcome, acc: ProduceSet | null): Promise<void> {
    this.#inFlightSets--;
    for (const p of o.set.each()) this.#muted.delete(tpKey(p.topic, p.partition));
    const core = this.#core;
    if (!o.result.ok) {
      // The connection failed: abandon this broker, retry everything it holds.
      this.#closing ??= o.result.error;
      core.abandon(this);
      for (const m of o.set.messages()) await core.retryMessage(m, o.result.error);
      if (acc !== null) for (const m of [...acc.messages()]) await this.#retryOut(acc, m, o.result.error);
      return;
    }
    const response = o.result.response;
    for (const p of o.set.each()) {
      const key = tpKey(p.topic, p.partition);
      if (response === undefined) {
        if (!core.config.returnSuccesses) core.inFlight.add(-p.messages.length);
        else
          for (const m of p.messages) {
            const w = core.returnSuccess(m, -1n, m.timestamp);
            if (w !== undefined) await w;
          }
        continue;
      }
      const pr = response.responses
        .find((t) => t.name === p.topic)
        ?.partitionResponses.find((x) => x.index === p.partition);
      const code = pr === undefined ? KafkaErrorCode.UNKNOWN_SERVER_ERROR : pr.errorCode;
      if (code === 0 || code === KafkaErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
        if (!core.config.returnSuccesses) {
          // Nobody reads successes: the whole batch is done at once (no per-message await).
          core.inFlight.add(-p.messages.length);
          continue;
        }
        const base = pr?.baseOffset ?? -1n;
        const appendTime = pr === undefined || pr.logAppendTimeMs < 0n ? undefined : Number(pr.logAppendTimeMs);
        const messages = p.messages;
        for (let i = 0; i < messages.length; i++) {
          const m = messages[i] as MessageEnvelope;
          const w = core.returnSuccess(m, base < 0n ? -1n : base + BigInt(i), appendTime ?? m.timestamp);
          if (w !== undefined) await w;
        }
        continue;
      }
      const error = new KafkaError(code, {
        apiKey: ApiKey.Produce,
        topic: p.topic,
        partition: p.partition,
        brokerMessage: pr?.errorMessage ?? null,
      });
      if (core.config.idempotent && RENUMBER.has(code)) {
        // Not stored, and never will be in this epoch: a new epoch, new sequences, then a retry.
        const first = p.messages[0] as MessageEnvelope;
        await core.bumpEpoch(first.producerId, first.epoch).catch(() => {});
        this.#retrying.set(key, error);
        for (const m of p.messages) {
          m.sequence = -1;
          m.epoch = -1;
          m.producerId = -1n;
          await core.retryMessage(m, error);
        }
        if (acc !== null) for (const m of acc.dropPartition(p.topic, p.partition)) await core.retryMessage(m, error);
      } else if (errorByCode(code).retriable && core.config.retry.max === 0) {
        // Retries disabled (sarama's `abandoned`): the messages fail, and the partition producers
        // attached here notice `abandoned` on their next message and look the leader up again.
        this.#abandoned = true;
        core.abandon(this);
        for (const m of p.messages) await core.failMessage(m, error);
        if (acc !== null) for (const m of acc.dropPartition(p.topic, p.partition)) await core.failMessage(m, error);
      } else if (errorByCode(code).retriable) {
        // Decided from the protocol table's `retriable` column, never a hand-written list.
        this.#retrying.set(key, error);
        for (const m of p.messages) await core.retryMessage(m, error);
        if (acc !== null) for (const m of acc.dropPartition(p.topic, p.partition)) await core.retryMessage(m, error);
      } else {
        for (const m of p.messages) await core.failMessage(m, error);
      }
    }
  }

  async #retryOut(acc: ProduceSet, m: MessageEnvelope, error: unknown): Promise<void> {
    acc.dropPartition(m.topic, m.partition);
    await this.#core.retryMessage(m, error);
  }

  // ---- the flusher -------------------------------------------------------------

  async #flush(): Promise<void> {
    const { config } = this.#core;
    const slots = new Channel<void>(config.maxOpenRequests);
    const running: Promise<void>[] = [];
    for await (const set of this.#toFlusher) {
      await slots.send(); // at most maxOpenRequests in flight; a slot frees when a response is queued
      const outcome = this.#send(set).then((result) => {
        slots.tryRecv();
        this.#responses.trySend({ set, result });
      });
      running.push(outcome);
      if (running.length > 64) running.splice(0, running.length - 64);
    }
    await Promise.all(running);
    this.#responses.close();
  }

  /** One request: encode every partition's batch, send, await the answer. Never rejects. */
  async #send(set: ProduceSet): Promise<Outcome["result"]> {
    const core = this.#core;
    const { config } = core;
    try {
      if (config.idempotent) {
        if (core.bumping !== undefined) await core.bumping.catch(() => {});
        // Numbered now, as the batch leaves: with no await until buildRecords reads the sequences.
        for (const p of set.each()) core.stampSequences(p);
      }
      const transport = await this.#transport();
      const topics = new Map<string, { index: number; records: Uint8Array }[]>();
      for (const p of set.each()) {
        const records = await buildRecords(p, {
          compression: config.compression,
          compressionLevel: config.compressionLevel,
        });
        let list = topics.get(p.topic);
        if (list === undefined) {
          list = [];
          topics.set(p.topic, list);
        }
        list.push({ index: p.partition, records });
      }
      const response = await transport({
        transactionalId: null,
        acks: config.requiredAcks,
        timeoutMs: config.timeout,
        topicData: [...topics].map(([name, partitionData]) => ({ name, partitionData })),
      });
      return { ok: true, response };
    } catch (error) {
      return { ok: false, error };
    }
  }
}

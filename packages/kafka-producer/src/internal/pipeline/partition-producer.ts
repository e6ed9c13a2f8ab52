/**
 * The partition producer — sarama's `partitionProducer`.
 *
 * Cardinality: one per topic-partition, created lazily by its topic producer.
 * Job: keep the partition's order across retries. It finds the leader,
 *   attaches to that broker's producer (sending a syn), and runs the retry
 *   levels with the fin "chaser". (Idempotent sequence numbers are given
 *   later, when a batch is sent: see ProducerCore.stampSequences.)
 * Never blocks on: metadata for longer than one refresh (a breaker-guarded
 *   refresh in `updateLeader`), nor on the retry path. It does wait on its
 *   broker producer's input: that is the backpressure reaching the user.
 * Channels: `input` (from the topic producer: new messages, and retried
 *   messages and fins from the retry handler); out to a broker producer's
 *   input.
 * Shutdown: when `input` is closed (the topic producer closed it after the
 *   in-flight count reached zero), it drops its broker producer reference
 *   and returns.
 *
 * Retry levels (sarama's high-watermark, `hwm`):
 *
 * ```
 *            message at level > hwm                 fin at level == hwm
 *  normal ───────────────────────────► retrying(n) ─────────────────────► flushing(n)
 *  (hwm 0)   send fin(n-1) to the old      │  ▲     hwm-1; send buffered    │
 *     ▲      broker, detach, back off      │  └─────────────────────────────┘
 *     │                                    │   stops at a level still waiting for its fin
 *     └────────────────────────────────────┘   or at level 0 (normal)
 *  message below hwm: buffered at its level; fin below hwm: that level's chaser is back
 * ```
 *
 * Invariants:
 * - `levels[l].buffer` holds messages of level l < hwm, in arrival order,
 *   not yet sent; every level above 0 up to hwm with `expectChaser` has a
 *   fin outstanding;
 * - a message reaches a broker producer only at level == hwm, so no
 *   message overtakes an earlier one of its partition: earlier ones are
 *   either sent already (same broker producer, kept in order by it) or
 *   wait in a lower level's buffer until that level's fin has returned.
 */

import { Channel } from "@csp-kit/channel";
import { sleep } from "@csp-kit/timers";
import { MetadataError } from "../../errors.js";
import type { MessageEnvelope, PartitionEnvelope } from "../envelope.js";
import { handOff } from "../hand-off.js";
import type { ProducerCore } from "../producer-core.js";
import type { BrokerProducer } from "./broker-producer.js";

/** The retry state of one level. */
interface Level {
  buffer: MessageEnvelope[];
  expectChaser: boolean;
}

/** Where a partition producer finds its leader (the topic producer's metadata, behind its breaker). */
export type LeaderLookup = (refresh: boolean) => Promise<number>;

/** One partition's producer. See the module header. */
export class PartitionProducer {
  readonly topic: string;
  readonly partition: number;
  readonly input: Channel<PartitionEnvelope>;
  readonly done: Promise<void>;
  readonly #core: ProducerCore;
  readonly #leader: LeaderLookup;
  #hwm = 0;
  readonly #levels: Level[];
  #bp: BrokerProducer | null = null;

  constructor(core: ProducerCore, topic: string, partition: number, leader: LeaderLookup) {
    this.#core = core;
    this.topic = topic;
    this.partition = partition;
    this.#leader = leader;
    this.input = new Channel(core.config.channelBufferSize);
    this.#levels = Array.from({ length: core.config.retry.max + 2 }, () => ({ buffer: [], expectChaser: false }));
    this.done = this.#run();
  }

  async #run(): Promise<void> {
    const core = this.#core;
    for (let batch = await this.input.recvBatch(); batch.isSome(); batch = await this.input.recvBatch()) {
      for (const e of batch.value) {
        // The common case, without an async call: a new message, no retry running, attached.
        const bp = this.#bp;
        if (bp !== null && e.kind === "message" && e.retries === 0 && this.#hwm === 0 && !bp.abandoned) {
          const p = handOff(bp.input, e);
          if (p !== undefined) await p;
        } else {
          await this.#one(e);
        }
      }
    }
    if (this.#bp !== null) await core.unrefBrokerProducer(this.#bp);
  }

  /** Handles one envelope from `input`. */
  async #one(e: PartitionEnvelope): Promise<void> {
    const core = this.#core;
    if (e.kind === "syn") return; // never sent here
    if (e.retries > this.#hwm) {
      await this.#newHighWatermark(e.retries);
      await this.#backoff(e.retries);
    } else if (this.#hwm > 0) {
      if (e.retries < this.#hwm) {
        if (e.kind === "fin") {
          this.#level(e.retries).expectChaser = false;
          core.inFlight.done();
        } else {
          this.#level(e.retries).buffer.push(e);
        }
        return;
      }
      if (e.kind === "fin") {
        this.#level(this.#hwm).expectChaser = false;
        await this.#flushRetryBuffers();
        core.inFlight.done();
        return;
      }
    }
    if (e.kind === "fin") {
      // A fin at level 0 with nothing outstanding (hwm 0): its work is done.
      core.inFlight.done();
      return;
    }
    await this.#forward(e);
  }

  #level(l: number): Level {
    return this.#levels[Math.min(l, this.#levels.length - 1)] as Level;
  }

  /** Sends `m` on at the current level, attaching first when detached. */
  async #forward(m: MessageEnvelope): Promise<void> {
    const core = this.#core;
    let refresh = m.retries > 0;
    if (this.#bp?.abandoned === true) {
      // Its broker producer gave up (sarama's `abandoned`): detach, then find the leader afresh.
      const old = this.#bp;
      this.#bp = null;
      await core.unrefBrokerProducer(old);
      refresh = true;
    }
    if (this.#bp === null) {
      try {
        await this.#updateLeader(refresh);
      } catch (error) {
        await core.failMessage(m, error);
        await this.#backoff(m.retries);
        return;
      }
    }
    const p = handOff((this.#bp as BrokerProducer).input, m);
    if (p !== undefined) await p;
  }

  /** A higher retry level arrived: send a fin behind the old broker's messages and detach. */
  async #newHighWatermark(level: number): Promise<void> {
    this.#hwm = level;
    const bp = this.#bp;
    if (bp === null) return; // detached already: nothing of ours is in flight at a broker to chase
    this.#level(level).expectChaser = true;
    this.#core.inFlight.add(1);
    await bp.input.send({ kind: "fin", topic: this.topic, partition: this.partition, retries: level - 1 });
    this.#bp = null;
    await this.#core.unrefBrokerProducer(bp);
  }

  /** A level's fin is back: go down, sending each level's buffer, until a level still waits for its fin. */
  async #flushRetryBuffers(): Promise<void> {
    for (;;) {
      this.#hwm--;
      const level = this.#level(this.#hwm);
      const buffered = level.buffer;
      level.buffer = [];
      if (buffered.length > 0) {
        let failed: unknown;
        if (this.#bp === null) {
          try {
            await this.#updateLeader(true);
          } catch (error) {
            failed = error;
          }
        }
        for (const m of buffered) {
          if (failed === undefined) await this.#forward(m);
          else await this.#core.failMessage(m, failed);
        }
      }
      if (level.expectChaser || this.#hwm === 0) return;
    }
  }

  /** Finds the leader (refreshing metadata when asked) and attaches to its broker producer with a syn. */
  async #updateLeader(refresh: boolean): Promise<void> {
    const core = this.#core;
    if (core.config.idempotent) await core.initProducerId();
    const leader = await this.#leader(refresh);
    if (leader < 0) {
      throw new MetadataError(`topic "${this.topic}" partition ${this.partition} has no leader`);
    }
    const bp = await core.getBrokerProducer(leader);
    core.inFlight.add(1);
    await bp.input.send({ kind: "syn", topic: this.topic, partition: this.partition });
    this.#bp = bp;
  }

  async #backoff(retries: number): Promise<void> {
    const { retry, clock } = this.#core.config;
    const ms = retry.backoffFn === undefined ? retry.backoff : retry.backoffFn(retries, retry.max);
    if (ms > 0) await sleep(ms, { clock });
  }
}

/** Makes a partition producer (injectable for tests). */
export type PartitionProducerFactory = (
  core: ProducerCore,
  topic: string,
  partition: number,
  leader: LeaderLookup,
) => { readonly input: Channel<PartitionEnvelope>; readonly done: Promise<void> };

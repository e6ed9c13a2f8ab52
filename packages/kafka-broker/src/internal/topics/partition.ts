/**
 * One partition as the handlers see it: its log, and the long polls waiting
 * for that log to grow. A Fetch that found too few bytes watches the
 * partitions it asked for with a one-slot wake-up channel and selects on it,
 * a timer and its connection's done channel; every append that moved the log
 * end offers that channel a token.
 *
 * Invariants:
 * - a watcher is in `#watchers` from `watch` until `unwatch` (the Fetch
 *   removes it whichever case of its select won), so nothing is kept after
 *   a long poll ends;
 * - a token is offered with `trySend` to a channel of capacity 1: the
 *   appender never waits, and a watcher woken twice before it looks finds
 *   one token (it re-reads the log either way);
 * - `notify` runs after the appended batches are readable (the log makes
 *   them readable before `append` returns);
 * - `leaderEpoch` only grows: each change of `leader` (a cluster's
 *   `moveLeader`) adds one, so a client holding an older epoch is fenced.
 */

import type { Channel } from "@csp-kit/channel";
import type { AppendOptions, AppendResult, PartitionLog } from "../log/partition-log.js";

/** One partition of a topic: its index, its log, and its watchers. */
export class Partition {
  /** Long polls waiting for this log to grow; see the invariants. */
  readonly #watchers = new Set<Channel<void>>();
  /**
   * The node id of the broker that leads this partition: set when the topic
   * is created (the cluster's placement), changed only by {@link moveLeader}.
   * The log belongs to the partition, not to a broker, so a move keeps every
   * record; brokers that do not lead it answer NOT_LEADER_OR_FOLLOWER.
   */
  #leader: number;
  /** The leader epoch: 0 at creation, one more on every leader move. */
  #leaderEpoch = 0;

  constructor(
    /** The topic's name. */
    readonly topic: string,
    /** The partition index, from 0. */
    readonly index: number,
    /** The log; owned by this partition, closed by the registry. */
    readonly log: PartitionLog,
    /** The node id of its first leader. */
    leader: number,
  ) {
    this.#leader = leader;
  }

  /** The node id of the broker that leads this partition now. */
  get leader(): number {
    return this.#leader;
  }

  /** The current leader epoch (see the invariants). */
  get leaderEpoch(): number {
    return this.#leaderEpoch;
  }

  /**
   * Makes `nodeId` the leader with a new epoch, and wakes the long polls
   * watching this partition (on the old leader they now answer
   * NOT_LEADER_OR_FOLLOWER). Moving to the current leader still bumps the
   * epoch, as a Kafka re-election does. Returns the new epoch.
   */
  moveLeader(nodeId: number): number {
    this.#leader = nodeId;
    this.#leaderEpoch++;
    this.notify();
    return this.#leaderEpoch;
  }

  /**
   * Appends one produce partition's record batches (see `PartitionLog.append`)
   * and wakes the long polls watching this partition if the log grew.
   */
  append(records: Uint8Array, options: AppendOptions): Promise<AppendResult> {
    const before = this.log.logEndOffset;
    const result = this.log.append(records, options);
    if (this.log.logEndOffset !== before) this.notify();
    return result;
  }

  /** Starts offering `wake` a token on every append. */
  watch(wake: Channel<void>): void {
    this.#watchers.add(wake);
  }

  /** Stops offering `wake` tokens. */
  unwatch(wake: Channel<void>): void {
    this.#watchers.delete(wake);
  }

  /** How many long polls watch this partition (for the stats). */
  get watchers(): number {
    return this.#watchers.size;
  }

  /** Offers every watcher a token (an append, or the topic being deleted). Never waits. */
  notify(): void {
    for (const wake of this.#watchers) wake.trySend(undefined);
  }
}

/**
 * What a cluster's (or a single broker's) public handle hides and the
 * fault injector (`./testing`) needs: the nodes, the shared topics and the
 * clock. Kept in a WeakMap keyed by the handle, so the public interfaces
 * carry no testing members and a handle that is dropped takes its entry with it.
 *
 * Invariants: a handle has an entry from the moment it is returned to the
 * caller; `nodes` is by node id ascending and never changes; `injector` is
 * the one fault injector attached now, or undefined.
 */

import type { Clock } from "@csp-kit/timers";
import type { Partition } from "../topics/partition.js";
import type { TopicRegistry } from "../topics/topic-registry.js";
import { UnknownBrokerError, UnknownTopicError } from "./errors.js";
import type { BrokerNode } from "./node.js";

/** The internals of a cluster or a single broker. */
export interface ClusterControl {
  readonly nodes: readonly BrokerNode[];
  readonly topics: TopicRegistry;
  readonly clock: Clock;
  /** The attached fault injector, if any (written by its attach and detach only). */
  injector: object | undefined;
}

const controls = new WeakMap<object, ClusterControl>();

/** Makes `control` reachable from `handle`. Called once, by the code that creates the handle. */
export function registerControl(handle: object, control: ClusterControl): void {
  controls.set(handle, control);
}

/** The internals behind `handle`, or undefined when it is not a cluster or broker of this package. */
export function controlOf(handle: object): ClusterControl | undefined {
  return controls.get(handle);
}

/**
 * The node with id `nodeId`.
 *
 * @throws UnknownBrokerError - no such node.
 */
export function nodeOf(control: ClusterControl, nodeId: number): BrokerNode {
  const node = control.nodes.find((n) => n.nodeId === nodeId);
  if (node === undefined)
    throw new UnknownBrokerError(
      nodeId,
      control.nodes.map((n) => n.nodeId),
    );
  return node;
}

/**
 * The partition `topic`-`partition`.
 *
 * @throws UnknownTopicError - no such topic, or no such partition of it.
 */
export function partitionOf(control: ClusterControl, topic: string, partition: number): Partition {
  const t = control.topics.get(topic);
  if (t === undefined) throw new UnknownTopicError(topic, partition, undefined);
  const p = Number.isInteger(partition) ? t.partitions[partition] : undefined;
  if (p === undefined) throw new UnknownTopicError(topic, partition, t.partitions.length);
  return p;
}

/**
 * Makes broker `toBroker` the leader of `topic`-`partition` with a new
 * leader epoch, which it returns. The data stays where it is (it belongs to
 * the partition); long polls on the old leader end with NOT_LEADER_OR_FOLLOWER.
 *
 * @throws UnknownBrokerError, UnknownTopicError - nothing changed.
 */
export function moveLeader(control: ClusterControl, topic: string, partition: number, toBroker: number): number {
  const p = partitionOf(control, topic, partition);
  nodeOf(control, toBroker);
  return p.moveLeader(toBroker);
}

/**
 * Where a new topic's partition leaders go: round-robin over the brokers,
 * each topic starting one broker further than the topic before it (as
 * Kafka's replica assignment starts each topic at a different broker), so
 * that one-partition topics spread over the cluster too.
 *
 * The k-th topic placed (k from 0) puts partition p on broker
 * `nodeIds[(k + p) % nodeIds.length]`. A single broker leads everything.
 *
 * Invariants: every id returned is one of `nodeIds`; within one topic,
 * partitions p and p+1 are on consecutive brokers (mod the count).
 */

/** A placement function for TopicRegistry's `placeLeaders` over `nodeIds` (non-empty, ascending). */
export function roundRobinPlacement(nodeIds: readonly number[]): (partitions: number) => readonly number[] {
  let topicsPlaced = 0;
  return (partitions) => {
    const start = topicsPlaced++;
    return Array.from({ length: partitions }, (_, p) => nodeIds[(start + p) % nodeIds.length]!);
  };
}

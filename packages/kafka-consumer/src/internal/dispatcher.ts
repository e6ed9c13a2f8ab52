/**
 * The dispatcher — sarama's `partitionConsumer.dispatcher`.
 *
 * Cardinality: one per partition consumer.
 * Job: when triggered, find the partition's leader again (after a backoff),
 *   move the child's reference from its old broker consumer to the
 *   leader's, and subscribe there. The first dispatch is done by
 *   `consumePartition` itself, so its errors reach the caller.
 * Never blocks on: a broker consumer's fetch (subscribing goes through the
 *   manager, which always accepts), nor past `dying`: the backoff is a
 *   select against it.
 * Channels: `child.trigger` in (one slot: triggers that arrive while a
 *   dispatch is pending coalesce into one), `child.dying`.
 * Shutdown: when `dying` closes it drops its broker consumer reference and
 *   returns.
 *
 * On a failed dispatch (no leader yet, the broker unreachable, ListOffsets
 * failing) the error is reported and the dispatcher triggers itself: it
 * tries again after the next backoff, for as long as the partition consumer
 * lives (`retry.backoffFn(retries)` grows the wait when given).
 */

import { recv, select } from "@csp-kit/select";
import { after } from "@csp-kit/timers";
import type { Child } from "./child.js";

/** Runs the dispatcher of `child` until it dies. See the module header. */
export async function dispatcher(child: Child): Promise<void> {
  const { config } = child.core;
  try {
    for (;;) {
      const r = await select({ trigger: recv(child.trigger), dying: recv(child.dying) });
      if (r.case === "dying") break;
      child.retries++;
      const wait = config.retry.backoffFn?.(child.retries) ?? config.retry.backoff;
      if (wait > 0) {
        const b = await select({ waited: recv(after(wait, { clock: config.clock })), dying: recv(child.dying) });
        if (b.case === "dying") break;
      }
      await release(child);
      try {
        await dispatch(child);
      } catch (error) {
        await child.sendError(error);
        child.redispatch();
      }
    }
  } finally {
    await release(child);
  }
}

/** Drops the child's broker consumer reference, if it holds one. */
async function release(child: Child): Promise<void> {
  const bc = child.broker;
  if (bc === null) return;
  child.broker = null;
  await child.core.unrefBrokerConsumer(bc);
}

/**
 * One dispatch: reset the offset if asked, find the leader, take a reference
 * to its broker consumer and subscribe. Precondition: the child holds no
 * broker consumer reference and is in no subscription.
 *
 * @throws what finding the leader or listing offsets throws.
 */
export async function dispatch(child: Child): Promise<void> {
  const { core } = child;
  if (child.resetTo !== undefined) {
    child.offset = await core.listOffset(child.topic, child.partition, child.resetTo);
    child.resetTo = undefined;
  }
  const leader = await core.leader(child.topic, child.partition);
  if (child.isDying) return;
  const bc = await core.refBrokerConsumer(leader);
  child.broker = bc;
  await bc.subscribe(child);
}

/**
 * Test helpers: look inside a channel's engine (its wait queues and invariants)
 * through its port. Promise settling and tracking come from `@csp-kit/testkit/core`.
 */

import { type HasPort, portOf } from "@csp-kit/channel/port";

/** What a channel's engine (ChannelCore in @csp-kit/channel) exposes for tests. */
interface CoreView {
  readonly waiting: { receivers: number; senders: number };
  readonly closed: boolean;
  readonly buffer: { readonly length: number; readonly capacity: number };
  assertInvariants(): void;
}

interface Node {
  token: object;
  next: Node | undefined;
}

function core(ch: HasPort<unknown>): CoreView {
  return portOf(ch) as unknown as CoreView;
}

/** Queued receivers and senders of a channel. */
export function waiting(ch: HasPort<unknown>): { receivers: number; senders: number } {
  return core(ch).waiting;
}

/** The commit tokens of every waiter queued on `ch` (test-only peek at the private lists). */
function tokens(ch: HasPort<unknown>): object[] {
  const c = core(ch) as unknown as { recvq: { head: Node | undefined }; sendq: { head: Node | undefined } };
  const out: object[] = [];
  for (const list of [c.recvq, c.sendq]) for (let n = list.head; n !== undefined; n = n.next) out.push(n.token);
  return out;
}

/**
 * Checks the channel's invariants. One documented exception (Go's chan.go has
 * it too): an unbuffered channel may hold waiting receivers AND senders when all
 * of them belong to ONE select that has both a receive and a send case on it.
 */
export function assertInvariants(ch: HasPort<unknown>): void {
  const c = core(ch);
  try {
    c.assertInvariants();
  } catch (error) {
    if (!(error instanceof Error) || !error.message.includes("receivers and senders wait at once")) throw error;
    const owners = new Set(tokens(ch));
    if (c.buffer.capacity !== 0 || owners.size !== 1) throw error;
    if (c.closed) throw new Error("channel invariant violated: waiters remain after close");
  }
}

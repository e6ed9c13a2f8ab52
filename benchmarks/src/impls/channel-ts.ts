/**
 * channel-ts's side of the workloads. Its only channel, `SimpleChannel`, is
 * unbounded: `send(v)` is synchronous and never waits; `await receive()`.
 * So it takes part only where an unbounded channel is the subject (W9).
 */

import { SimpleChannel } from "channel-ts";
import { Checksum } from "../checksum.js";

/** One producer sends 0..n-1 (synchronously: it never waits); one consumer receives n. */
export async function spsc(n: number): Promise<Checksum> {
  const ch = new SimpleChannel<number>();
  const ck = new Checksum();
  const consumer = (async () => {
    for (let i = 0; i < n; i++) ck.add(await ch.receive());
  })();
  const producer = (async () => {
    for (let v = 0; v < n; v++) ch.send(v);
  })();
  await Promise.all([consumer, producer]);
  return ck;
}

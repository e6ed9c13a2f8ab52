/**
 * The floor with the Option API's price: the floor channel of ./floor.ts
 * carrying each value as the `Some` object csp-kit's `recv()` returns (the same
 * class, from ts-results-es through `@csp-kit/channel`). Every message
 * allocates one `Some`, and a blocked receive resolves its promise with an
 * object, so V8 looks up `then` on it (a promise resolved with an object must
 * check whether it is a thenable) — the two costs an `Option`-returning receive
 * cannot avoid. csp-kit ÷ this column is csp-kit's own overhead; this column ÷
 * the floor is what the API shape costs.
 *
 * The `Some` is made by the sender rather than by the receive; the work per
 * message is the same (one allocation, one object resolved), and the floor
 * channel itself stays exactly the one of the "floor" column.
 */

import { Some } from "@csp-kit/channel";
import { Checksum } from "../checksum.js";
import { EMPTY, FloorChannel } from "./floor.js";

/** A floor channel of `Some`s; what the workloads' factories make. */
type Ch = FloorChannel<Some<number>>;

/** A floor channel of `capacity` (0: rendezvous, `Infinity`: unbounded) carrying `Some`s. */
export function channel(capacity: number): Ch {
  return new FloorChannel<Some<number>>(capacity);
}

async function produce(ch: Ch, first: number, step: number, n: number): Promise<void> {
  for (let v = first; v < n; v += step) {
    const s = new Some(v);
    if (!ch.trySend(s)) await ch.send(s);
  }
}

async function consume(ch: Ch, count: number, ck: Checksum): Promise<void> {
  for (let i = 0; i < count; i++) {
    let r = ch.tryRecv();
    if (r === EMPTY) r = await ch.recv();
    ck.add(r.value);
  }
}

/** As ./floor.ts `pipeline`, each value carried as a `Some`. */
export async function pipeline(n: number, producers: number, consumers: number, make: () => Ch): Promise<Checksum> {
  const ch = make();
  const ck = new Checksum();
  const tasks: Promise<void>[] = [];
  for (let c = 0; c < consumers; c++) tasks.push(consume(ch, n / consumers, ck));
  for (let p = 0; p < producers; p++) tasks.push(produce(ch, p, producers, n));
  await Promise.all(tasks);
  return ck;
}

/** As ./floor.ts `pingPong`, each value carried as a `Some`. */
export async function pingPong(n: number, make: () => Ch): Promise<Checksum> {
  const a = make();
  const b = make();
  const ck = new Checksum();
  const pong = async () => {
    for (let k = 0; k < n / 2; k++) {
      let r = a.tryRecv();
      if (r === EMPTY) r = await a.recv();
      ck.add(r.value);
      const s = new Some(r.value + 1);
      if (!b.trySend(s)) await b.send(s);
    }
  };
  const ping = async () => {
    for (let k = 0; k < n; k += 2) {
      const s = new Some(k);
      if (!a.trySend(s)) await a.send(s);
      let r = b.tryRecv();
      if (r === EMPTY) r = await b.recv();
      ck.add(r.value);
    }
  };
  await Promise.all([pong(), ping()]);
  return ck;
}

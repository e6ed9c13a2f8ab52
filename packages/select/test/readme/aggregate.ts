import type { Channel } from "@csp-kit/channel";
import { recv, select, send } from "@csp-kit/select";

/** Batches `input`; offers the batch on `output` after a `flush` tick; returns the rest when `input` closes. */
export async function aggregate<T>(input: Channel<T>, flush: Channel<Date>, output: Channel<T[]>): Promise<T[]> {
  let batch: T[] = [];
  let out: Channel<T[]> | null = null; // switched off until a batch is ready (sarama: output = nil)
  for (;;) {
    const r = await select({ msg: recv(input), flush: recv(flush), out: send(out, batch) });
    if (r.case === "msg") {
      if (r.value.isNone()) return batch; // input closed and drained
      batch.push(r.value.value);
    } else if (r.case === "flush") out = batch.length > 0 ? output : null;
    else [batch, out] = [[], null]; // the batch went out: start a new one
  }
}

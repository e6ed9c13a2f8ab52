/** Test helpers: reach a timer channel's engine, and drive a port directly. Promise tracking comes from `@csp-kit/testkit/core`. */

import { portOf, RecvWaiter } from "@csp-kit/channel/port";
import type { DoneChannel } from "../../src/internal/done-channel.js";
import type { TimerCore } from "../../src/internal/timer-core.js";
import type { Receiver } from "../../src/receiver.js";

/** The engine behind a timer or ticker channel, for `assertInvariants()`, `isArmed` and `waiting`. */
export function coreOf(c: Receiver<number>): TimerCore {
  return portOf(c) as TimerCore;
}

/** The engine behind a `done()` channel. */
export function doneCoreOf(c: Receiver<never>): DoneChannel {
  return portOf(c) as DoneChannel;
}

/** One value a port delivered to a {@link RecordingWaiter}, with the clock reading at that moment. */
export interface Delivery {
  readonly value: number | undefined;
  readonly ok: boolean;
  readonly at: number;
}

/** A waiter that records its delivery synchronously: drives a port directly, as `select` does. */
export class RecordingWaiter extends RecvWaiter<number> {
  constructor(
    private readonly log: Delivery[],
    private readonly now: () => number,
  ) {
    super();
  }
  complete(value: number | undefined, ok: boolean): void {
    this.log.push({ value, ok, at: this.now() });
  }
}

/**
 * The notification broker with slow clients — idiom 9 of the spec: per-client
 * inboxes that batch, and the policy that disconnects a client that stays too
 * slow, so that no client can stall the others.
 *
 * Go original: the non-blocking broker of the Go talks (one goroutine per
 * client draining its own queue), with Redis's output-buffer policy for
 * pub/sub clients (`client-output-buffer-limit pubsub <hard> <soft> <seconds>`):
 * a client whose backlog passes the hard limit is disconnected at once; one
 * that stays over the soft limit for the grace period is disconnected then.
 *
 * Stages: `publish` (one per broker, synchronous) and a writer per client.
 * `publish` must never block: it only appends to each client's inbox (an
 * infinite channel, whose sends never wait) and checks the limits. A writer
 * may wait on its own client and on nothing else.
 *
 * Invariants (per client, between turns of the event loop):
 * - `backlog` = notifications published to the client and not yet delivered
 *   (those in its inbox plus those in the writer's current batch).
 * - `backlog <= hardLimit` while the client is connected.
 * - the grace timer runs iff `graceRunning`, and then `backlog > softLimit`
 *   held at some moment since it started, with no delivery bringing
 *   `backlog` back to `softLimit` or below.
 */

import { Channel } from "@csp-kit/channel";
import { recv, select, send } from "@csp-kit/select";
import { type Clock, type Receiver, Timer } from "@csp-kit/timers";

/** Why a client was disconnected. */
export type DisconnectReason = "hard-limit" | "soft-limit" | "unsubscribed" | "broker-closed";

/** The slow-client policy and batching of a {@link NotificationBroker}. */
export interface BrokerOptions {
  /** Backlog above which a client is disconnected at once (Redis: the hard limit). */
  readonly hardLimit: number;
  /** Backlog above which a client gets `softGrace` ms to catch up (Redis: the soft limit). */
  readonly softLimit: number;
  /** How long, in ms, a client may stay over the soft limit (Redis: the soft seconds). */
  readonly softGrace: number;
  /** Most notifications delivered in one batch. */
  readonly maxBatch: number;
  /** The clock of the grace timers; the real clock when absent (tests pass a `ManualClock`). */
  readonly clock?: Clock;
}

/** A connected client, as the client sees it. */
export interface Subscription<N> {
  /** The client's name, unique in its broker. */
  readonly id: string;
  /**
   * Where the client receives its notifications, in batches (the client's
   * socket). Closed when the client is disconnected; see `reason`.
   */
  readonly batches: Receiver<N[]>;
  /** Notifications published to this client and not yet delivered. */
  readonly backlog: number;
  /** Why the client was disconnected; `undefined` while connected. */
  readonly reason: DisconnectReason | undefined;
}

/** One client's state. Written by `publish`, by the client's writer and by `#disconnect` only. */
class Client<N> implements Subscription<N> {
  /** Notifications waiting for the writer. Never closed; infinite, so a send never waits. */
  readonly inbox = Channel.infinite<N>();
  /** The client's end: unbuffered, so a batch counts as delivered when the client takes it. */
  readonly out = new Channel<N[]>();
  /** Fires when the client stayed over the soft limit for the grace period. Stopped when not running. */
  readonly grace: Timer;
  /** Whether `grace` runs. Set by `publish` when the backlog passes the soft limit; cleared on a delivery that brings it back. */
  graceRunning = false;
  /** Aborted on disconnect: ends the writer's select. */
  readonly kick = new AbortController();
  backlog = 0;
  reason: DisconnectReason | undefined;

  constructor(
    readonly id: string,
    readonly topics: ReadonlySet<string>,
    options: BrokerOptions,
  ) {
    this.grace = new Timer(options.softGrace, options); // options carries { clock }
    this.grace.stop();
  }

  get batches(): Receiver<N[]> {
    return this.out;
  }
}

/**
 * Fans notifications out to subscribed clients, each through its own inbox and
 * writer, and disconnects clients that fall too far behind.
 *
 * **Blocking:** `publish` never waits. A client that does not read holds up
 * only its own writer; its backlog grows until the policy disconnects it.
 *
 * **Ordering:** each client gets the notifications of its topics in publish
 * order; a batch is everything queued for it (up to `maxBatch`) when it is
 * ready to take more.
 *
 * @example
 * ```ts
 * const broker = new NotificationBroker<string>({ hardLimit: 1000, softLimit: 100, softGrace: 5000, maxBatch: 64 });
 * const sub = broker.subscribe("alice", ["news"]);
 * broker.publish("news", "hello");
 * for await (const batch of sub.batches) render(batch);
 * console.log("disconnected:", sub.reason);
 * ```
 */
export class NotificationBroker<N> {
  /** Connected clients by id. A client leaves it exactly once, in `#disconnect`. */
  readonly #clients = new Map<string, Client<N>>();
  readonly #options: BrokerOptions;

  /** @throws RangeError unless 1 <= softLimit <= hardLimit and maxBatch >= 1 are whole numbers. */
  constructor(options: BrokerOptions) {
    const { softLimit, hardLimit, maxBatch } = options;
    const whole = (n: number) => Number.isSafeInteger(n) && n >= 1;
    if (!whole(softLimit) || !whole(hardLimit) || !whole(maxBatch) || softLimit > hardLimit) {
      throw new RangeError("NotificationBroker: need whole numbers 1 <= softLimit <= hardLimit and maxBatch >= 1");
    }
    this.#options = options;
  }

  /** Clients connected now. */
  get clients(): number {
    return this.#clients.size;
  }

  /**
   * Connects a client to the given topics and starts its writer.
   *
   * @throws Error if a client with this id is connected.
   */
  subscribe(id: string, topics: readonly string[]): Subscription<N> {
    if (this.#clients.has(id)) throw new Error(`NotificationBroker.subscribe: "${id}" is already connected`);
    const client = new Client<N>(id, new Set(topics), this.#options);
    this.#clients.set(id, client);
    void this.#write(client);
    return client;
  }

  /**
   * Queues `note` for every client subscribed to `topic`, and applies the
   * slow-client policy. Never waits; returns how many clients it was queued for.
   */
  publish(topic: string, note: N): number {
    const { hardLimit, softLimit, softGrace } = this.#options;
    let queued = 0;
    for (const client of this.#clients.values()) {
      if (!client.topics.has(topic)) continue;
      client.inbox.trySend(note); // infinite: "sent", never waits
      client.backlog++;
      queued++;
      if (client.backlog > hardLimit) {
        this.#disconnect(client, "hard-limit");
      } else if (client.backlog > softLimit && !client.graceRunning) {
        client.graceRunning = true;
        client.grace.reset(softGrace);
      }
    }
    return queued;
  }

  /** Disconnects the client `id`, if connected (its reason becomes `"unsubscribed"`). */
  unsubscribe(id: string): void {
    const client = this.#clients.get(id);
    if (client !== undefined) this.#disconnect(client, "unsubscribed");
  }

  /** Disconnects every client (reason `"broker-closed"`). Never waits. */
  close(): void {
    for (const client of this.#clients.values()) this.#disconnect(client, "broker-closed");
  }

  /**
   * The writer of one client: gathers its inbox into batches and hands them to
   * the client. It may wait on this client only — that is what keeps a slow
   * client from stalling anybody else.
   */
  async #write(client: Client<N>): Promise<void> {
    const { maxBatch, softLimit } = this.#options;
    let batch: N[] = [];
    try {
      for (;;) {
        // Priority order: the policy first, then gather everything queued, then deliver.
        const r = await select(
          {
            tooSlow: recv(client.grace.c),
            note: recv(batch.length < maxBatch ? client.inbox : null),
            deliver: send(batch.length > 0 ? client.out : null, batch),
          },
          { priority: true, signal: client.kick.signal },
        );
        if (r.case === "tooSlow") {
          this.#disconnect(client, "soft-limit");
          return;
        }
        if (r.case === "note") {
          if (r.value.isSome()) batch.push(r.value.value);
          continue;
        }
        client.backlog -= batch.length;
        batch = [];
        if (client.graceRunning && client.backlog <= softLimit) {
          client.grace.stop(); // caught up in time: forgiven
          client.graceRunning = false;
        }
      }
    } catch (error) {
      if (!client.kick.signal.aborted) throw error; // a disconnect ends the writer; anything else is a bug
    }
  }

  /** Removes the client, ends its writer and closes its end. Synchronous; does nothing if already gone. */
  #disconnect(client: Client<N>, reason: DisconnectReason): void {
    if (this.#clients.get(client.id) !== client) return;
    this.#clients.delete(client.id);
    client.reason = reason;
    client.kick.abort(new Error(`client ${client.id} disconnected: ${reason}`)); // first: the writer leaves `out`
    client.grace.stop();
    client.graceRunning = false;
    client.out.close(); // the client's loop ends
  }
}

/**
 * The fault injector: the request hooks (handlers/hooks.ts) a test attaches
 * to a cluster or a single broker, modelled on librdkafka's MockCluster
 * (push request errors, set a partition's leader, take a broker down and
 * up, add round-trip time) and sarama's MockBroker (a request history).
 *
 * Per request, on the broker that decoded it (synchronously, in request
 * order), the injector walks its rules in the order they were added and
 * builds one plan:
 *
 * ```
 *   drop rules ─ the first that matches: before handling (it alone is used up, nothing
 *                else happens to the request) or after handling
 *   error rules ─ every one that matches gives up one code for its partitions (or the
 *                 whole request); for a top-level error the first non-zero code wins
 *   latency rules ─ the delays add up;  stall rules ─ held until released
 *   record the request in the history, with the faults applied
 * ```
 *
 * A rule that matches a request uses up one of its `remaining` uses (sticky
 * rules have Infinity) and is dropped at zero. A rule matches when every
 * part of its scope does: API key, broker, client id, and (if it names
 * topic-partitions) the request names at least one of them — then only
 * those partitions get its error.
 *
 * Invariants:
 * - the injector's hooks are on every node's context exactly while it is
 *   attached (`#attached`); after `detach()` the brokers are as if it had
 *   never been (zero cost), the history stays readable;
 * - `#rules` holds the rules with `remaining > 0` and not cleared, in the
 *   order they were added;
 * - a hold always settles: on release (stall), on its timer (latency), or
 *   when the connection closes; `detach()` and `clearFaults()` release
 *   every stall.
 */

import { ApiKey, type DecodedRequest, errorByName, type KafkaErrorName } from "@csp-kit/kafka-protocol";
import type { Broker } from "../../broker.js";
import type { Cluster, PartitionLeader } from "../../cluster.js";
import { type ClusterControl, controlOf, moveLeader, nodeOf, partitionOf } from "../cluster/control.js";
import type { BrokerContext } from "../handlers/context.js";
import type { PartitionFaults, RequestHooks, RequestPlan } from "../handlers/hooks.js";
import type { ConnectionContext } from "../server/connection.js";
import { FaultInjectorError } from "./errors.js";
import { type AppliedFault, namedBy, RequestHistory, type TopicPartition } from "./history.js";

/** A Kafka error code (an int16, 0 for "no error") or its name, `"NOT_LEADER_OR_FOLLOWER"`. */
export type ErrorCodeLike = number | KafkaErrorName;

/** A topic's partition, or (partition omitted) every partition of the topic. */
export interface PartitionRef {
  /** The topic's name. */
  readonly topic: string;
  /** The partition index; omitted: all of the topic's partitions. */
  readonly partition?: number | undefined;
}

/** Which requests a fault applies to: every field given must match. */
export interface FaultScope {
  /** Only requests to this broker (or these brokers). Default: any broker. */
  readonly broker?: number | readonly number[] | undefined;
  /**
   * Only requests naming one of these partitions; errors then go to those
   * partitions only, the others are served. Default: any request, every
   * partition of it. Metadata matches by topic.
   */
  readonly partitions?: readonly PartitionRef[] | undefined;
  /** Only requests whose header carries this client id. */
  readonly clientId?: string | undefined;
}

/** A {@link FaultScope} that also picks API keys (latency, stalls, dropped connections). */
export interface ApiFaultScope extends FaultScope {
  /** Only requests of this API (or these). Default: every API. */
  readonly apiKey?: number | readonly number[] | undefined;
}

/** Options of {@link FaultInjector.dropConnection}. */
export interface DropOptions extends ApiFaultScope {
  /**
   * `"before-handling"` (default): the connection closes when the request
   * arrives; it is not handled (a Produce appends nothing). `"after-handling"`:
   * the request is handled — a Produce's records are appended — and the
   * connection closes before the response is written: an ack lost after the
   * append, which an idempotent producer must survive without duplicates.
   */
  readonly when?: "before-handling" | "after-handling" | undefined;
  /** How many matching requests drop their connection. Default 1 (the next one). */
  readonly count?: number | undefined;
}

/** One partition of a {@link FaultInjector.failPartitions} call and its error. */
export interface PartitionFailure {
  /** The topic's name. */
  readonly topic: string;
  /** The partition index. */
  readonly partition: number;
  /** The error it answers with. */
  readonly error: ErrorCodeLike;
}

/** Options of {@link FaultInjector.failPartitions}. */
export interface FailPartitionsOptions {
  /** How many matching requests fail (default 1), or `"sticky"` until the handle is cleared. */
  readonly count?: number | "sticky" | undefined;
  /** The API whose requests fail. Default Produce (0); Fetch and ListOffsets work the same way. */
  readonly apiKey?: number | undefined;
}

/** A fault that stays until cleared (or until its uses run out). */
export interface FaultHandle {
  /** Whether it still applies to new requests. */
  readonly active: boolean;
  /** How many requests it applied to so far. */
  readonly applied: number;
  /** Stops it applying to new requests (held responses of a stall: see {@link StallHandle.release}). Idempotent. */
  clear(): void;
}

/** A stall: responses of matching requests are held until `release()`. */
export interface StallHandle extends FaultHandle {
  /** Responses held now. */
  readonly held: number;
  /** Lets every held response go and stops holding new ones. Idempotent. */
  release(): void;
}

/** Options of {@link injectFaults}. */
export interface InjectFaultsOptions {
  /** The most requests the history keeps (the oldest are dropped first). Default 100,000. */
  readonly historyLimit?: number | undefined;
  /**
   * The most record bytes the kept Produce requests may hold (each entry's
   * `request` references its frame), oldest dropped first. Default 64 MiB.
   */
  readonly historyMaxBytes?: number | undefined;
}

type Rule = ErrorRule | LatencyRule | StallRule | DropRule;

interface RuleBase {
  /** What the test asked for, for `unused()` and `assertAllUsed()`: `pushErrors(Produce, [6, 6])`. */
  readonly what: string;
  readonly scope: CompiledScope;
  remaining: number;
  applied: number;
}
interface ErrorRule extends RuleBase {
  readonly kind: "error";
  /** The code for the request the rule applies to now, or per partition. */
  readonly next: () => number | ReadonlyMap<string, number>;
}
interface LatencyRule extends RuleBase {
  readonly kind: "latency";
  readonly ms: number;
}
interface StallRule extends RuleBase {
  readonly kind: "stall";
  readonly stall: Stall;
}
interface DropRule extends RuleBase {
  readonly kind: "drop";
  readonly when: "before-handling" | "after-handling";
}

interface CompiledScope {
  readonly apiKeys: ReadonlySet<number> | undefined;
  readonly brokers: ReadonlySet<number> | undefined;
  readonly clientId: string | undefined;
  /** topic → its partitions, or "all" of them. */
  readonly partitions: ReadonlyMap<string, ReadonlySet<number> | "all"> | undefined;
}

/** A stall's held responses; `released` once let go. */
class Stall {
  readonly #waiting = new Set<() => void>();
  released = false;

  get held(): number {
    return this.#waiting.size;
  }

  /** A promise that settles at release (or at once, released already). */
  hold(): Promise<void> {
    if (this.released) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.#waiting.delete(done);
        resolve();
      };
      this.#waiting.add(done);
    });
  }

  release(): void {
    this.released = true;
    for (const done of [...this.#waiting]) done();
  }
}

const PARTITIONED = new Set<number>([ApiKey.Produce, ApiKey.Fetch, ApiKey.ListOffsets, ApiKey.Metadata]);

function key(topic: string, partition: number): string {
  return `${partition}:${topic}`;
}

/** Whether `scope` covers `topic`-`partition` (partition -1: the topic, for Metadata). */
function covers(scope: CompiledScope, topic: string, partition: number): boolean {
  if (scope.partitions === undefined) return true;
  const parts = scope.partitions.get(topic);
  if (parts === undefined) return false;
  return partition === -1 || parts === "all" || parts.has(partition);
}

/**
 * The fault injector of a cluster (or of a single broker). Get one with
 * {@link injectFaults}; `detach()` it (or `using`) at the end of the test.
 * Every method throws FaultInjectorError after `detach()`.
 */
export class FaultInjector implements Disposable {
  /** Every request the brokers decoded while attached. */
  readonly history: RequestHistory;
  readonly #control: ClusterControl;
  #rules: Rule[] = [];
  #attached = true;

  /** The hooks on every node's context while attached: they call {@link FaultInjector.#onRequest}. */
  readonly #hooks: RequestHooks;

  private constructor(control: ClusterControl, options: InjectFaultsOptions) {
    const limit = options.historyLimit ?? 100_000;
    if (!Number.isSafeInteger(limit) || limit < 0)
      throw new FaultInjectorError(`historyLimit must be a non-negative integer (got ${String(limit)})`);
    const maxBytes = options.historyMaxBytes ?? 64 * 1024 * 1024;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0)
      throw new FaultInjectorError(`historyMaxBytes must be a non-negative integer (got ${String(maxBytes)})`);
    this.#control = control;
    this.history = new RequestHistory(limit, maxBytes);
    this.#hooks = { onRequest: (request, connection, broker) => this.#onRequest(request, connection, broker) };
    control.injector = this;
    for (const node of control.nodes) node.ctx.hooks = this.#hooks;
  }

  /** @internal Attaches a new injector to `control` (see {@link injectFaults}). */
  static attach(control: ClusterControl, options: InjectFaultsOptions = {}): FaultInjector {
    return new FaultInjector(control, options);
  }

  /** The node ids of the brokers, ascending. */
  get brokerIds(): readonly number[] {
    return this.#control.nodes.map((n) => n.nodeId);
  }

  /** Whether it is attached (until `detach()`). */
  get attached(): boolean {
    return this.#attached;
  }

  // -------------------------------------------------------------------------
  // errors
  // -------------------------------------------------------------------------

  /**
   * The next `codes.length` requests of `apiKey` that match `scope` get one
   * code each, in order (librdkafka's `push_request_errors`); a 0 in the
   * list lets that request through. Produce, Fetch and ListOffsets answer
   * the code per partition (only the scope's partitions when it names
   * some), Metadata per topic, the others in their top-level error field.
   *
   * @throws FaultInjectorError - a code that is neither an int16 nor a Kafka error name.
   * @throws UnknownBrokerError, UnknownTopicError - the scope names what the cluster lacks.
   * @example
   * ```ts run
   * import { startCluster } from "@csp-kit/kafka-broker";
   * import { injectFaults } from "@csp-kit/kafka-broker/testing";
   * import { SyncProducer } from "@csp-kit/kafka-producer";
   * import { ApiKey } from "@csp-kit/kafka-protocol";
   *
   * const cluster = await startCluster({ brokers: 1, logLevel: "silent" });
   * const faults = injectFaults(cluster);
   * faults.pushErrors(ApiKey.Produce, ["NOT_LEADER_OR_FOLLOWER", "NOT_LEADER_OR_FOLLOWER"]); // the next two Produce requests
   * const producer = new SyncProducer({ bootstrap: [...cluster.bootstrapServers], retry: { backoff: 10 } });
   * const { offset } = await producer.send({ topic: "orders", value: "{}" }); // retried past both
   * const third = await faults.history.waitFor({ apiKey: ApiKey.Produce }, { count: 3 });
   * console.log(offset, third.faults.length); // → 0n 0
   * await producer.close();
   * faults.detach();
   * await cluster.close();
   * if (offset !== 0n || third.faults.length !== 0) throw new Error(`offset ${offset}`);
   * ```
   */
  pushErrors(apiKey: number, codes: readonly ErrorCodeLike[], scope: FaultScope = {}): FaultHandle {
    this.#checkAttached();
    if (!Array.isArray(codes) || codes.length === 0)
      throw new FaultInjectorError("pushErrors: codes must be a non-empty array of error codes or names");
    const queue = codes.map((c) => this.#code(c));
    let at = 0;
    return this.#add({
      what: `pushErrors(${apiNameOf(apiKey)}, [${queue.join(", ")}])${describeScope(scope)}`,
      kind: "error",
      scope: this.#scope({ ...scope, apiKey }),
      remaining: queue.length,
      applied: 0,
      next: () => queue[at++]!,
    });
  }

  /**
   * Every request of `apiKey` matching `scope` gets `code` until the
   * handle is cleared: the sticky form of {@link pushErrors}.
   *
   * @throws FaultInjectorError, UnknownBrokerError, UnknownTopicError - as pushErrors.
   */
  setError(apiKey: number, code: ErrorCodeLike, scope: FaultScope = {}): FaultHandle {
    this.#checkAttached();
    const c = this.#code(code);
    return this.#add({
      what: `setError(${apiNameOf(apiKey)}, ${c})${describeScope(scope)}`,
      kind: "error",
      scope: this.#scope({ ...scope, apiKey }),
      remaining: Number.POSITIVE_INFINITY,
      applied: 0,
      next: () => c,
    });
  }

  /**
   * Fails part of a batch: the next `count` (default 1) Produce requests
   * naming any of `failures`' partitions answer each of those partitions
   * with its error, appending nothing to them, while every other partition
   * of the same request is appended and answered as usual.
   *
   * @throws FaultInjectorError, UnknownTopicError - a bad code or count, an unknown partition.
   */
  failPartitions(failures: readonly PartitionFailure[], options: FailPartitionsOptions = {}): FaultHandle {
    this.#checkAttached();
    if (!Array.isArray(failures) || failures.length === 0)
      throw new FaultInjectorError("failPartitions: failures must be a non-empty array of { topic, partition, error }");
    const codes = new Map<string, number>();
    for (const f of failures) {
      partitionOf(this.#control, f.topic, f.partition);
      codes.set(key(f.topic, f.partition), this.#code(f.error));
    }
    return this.#add({
      what: `failPartitions([${failures.map((f) => `${f.topic}-${f.partition}: ${codes.get(key(f.topic, f.partition))}`).join(", ")}])`,
      kind: "error",
      scope: this.#scope({
        apiKey: options.apiKey ?? ApiKey.Produce,
        partitions: failures.map((f) => ({ topic: f.topic, partition: f.partition })),
      }),
      remaining: this.#count("failPartitions", options.count ?? 1),
      applied: 0,
      next: () => codes,
    });
  }

  // -------------------------------------------------------------------------
  // leaders and brokers
  // -------------------------------------------------------------------------

  /**
   * Makes broker `toBroker` lead `topic`-`partition`, with a new leader
   * epoch (returned); see `Cluster.moveLeader`.
   *
   * @throws UnknownTopicError, UnknownBrokerError - nothing changed.
   */
  moveLeader(topic: string, partition: number, toBroker: number): number {
    this.#checkAttached();
    return moveLeader(this.#control, topic, partition, toBroker);
  }

  /**
   * Which broker leads `topic`-`partition`, and its epoch.
   *
   * @throws UnknownTopicError - no such partition.
   */
  leaderOf(topic: string, partition: number): PartitionLeader {
    const p = partitionOf(this.#control, topic, partition);
    return { leader: p.leader, leaderEpoch: p.leaderEpoch };
  }

  /**
   * Takes broker `nodeId` down: its listener closes (a client's connect is
   * refused) and its connections drop. It keeps its partitions' leadership
   * (as librdkafka's mock does): move them with `moveLeader` to make a
   * client fail over. Metadata still lists it; the controller and the
   * coordinator become the lowest broker still up. No-op when it is down.
   *
   * @throws UnknownBrokerError - no such broker.
   */
  async brokerDown(nodeId: number): Promise<void> {
    this.#checkAttached();
    await nodeOf(this.#control, nodeId).takeDown();
  }

  /**
   * Brings broker `nodeId` up again on the same port. No-op when it is up.
   *
   * @throws UnknownBrokerError - no such broker; or the listener's error
   *   (another process took the port meanwhile).
   */
  async brokerUp(nodeId: number): Promise<void> {
    this.#checkAttached();
    await nodeOf(this.#control, nodeId).bringUp();
  }

  // -------------------------------------------------------------------------
  // latency, stalls, dropped connections
  // -------------------------------------------------------------------------

  /**
   * Delays the responses of matching requests by `ms` (by the cluster's
   * clock: a ManualClock's `advance` lets them go) until cleared
   * (librdkafka's `broker_set_rtt`, per broker or per API). The request is
   * handled at once; only its response waits, so the connection's later
   * responses queue behind it (Kafka answers in order) while other
   * connections are not held up. Several matching rules add up.
   *
   * @throws FaultInjectorError - `ms` not a non-negative finite number.
   * @throws UnknownBrokerError, UnknownTopicError - the scope names what the cluster lacks.
   */
  addLatency(ms: number, scope: ApiFaultScope = {}): FaultHandle {
    this.#checkAttached();
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0)
      throw new FaultInjectorError(`addLatency: ms must be a non-negative finite number (got ${String(ms)})`);
    return this.#add({
      what: `addLatency(${ms})${describeScope(scope)}`,
      kind: "latency",
      scope: this.#scope(scope),
      remaining: Number.POSITIVE_INFINITY,
      applied: 0,
      ms,
    });
  }

  /**
   * Holds the responses of matching requests until `release()` (requests
   * are still handled at once; see addLatency for the ordering). A
   * connection that closes ends its held responses. `clear()` stops holding
   * new ones but keeps those held; `release()` lets them go.
   *
   * @throws UnknownBrokerError, UnknownTopicError - the scope names what the cluster lacks.
   */
  stall(scope: ApiFaultScope = {}): StallHandle {
    this.#checkAttached();
    const stall = new Stall();
    const rule: StallRule = {
      what: `stall()${describeScope(scope)}`,
      kind: "stall",
      scope: this.#scope(scope),
      remaining: Number.POSITIVE_INFINITY,
      applied: 0,
      stall,
    };
    const handle = this.#add(rule);
    return {
      get active() {
        return handle.active;
      },
      get applied() {
        return rule.applied;
      },
      get held() {
        return stall.held;
      },
      clear: () => handle.clear(),
      release: () => {
        handle.clear();
        stall.release();
      },
    };
  }

  /**
   * Drops the connection of the next matching request (or the next
   * `count`), before handling it or, with `when: "after-handling"`, after
   * handling it and before its response (see DropOptions).
   *
   * @throws FaultInjectorError - a bad `when` or `count`.
   * @throws UnknownBrokerError, UnknownTopicError - the scope names what the cluster lacks.
   */
  dropConnection(options: DropOptions = {}): FaultHandle {
    this.#checkAttached();
    const when = options.when ?? "before-handling";
    if (when !== "before-handling" && when !== "after-handling")
      throw new FaultInjectorError(
        `dropConnection: when must be "before-handling" or "after-handling" (got ${String(when)})`,
      );
    return this.#add({
      what: `dropConnection(${when})${describeScope(options)}`,
      kind: "drop",
      scope: this.#scope(options),
      remaining: this.#count("dropConnection", options.count ?? 1),
      applied: 0,
      when,
    });
  }

  /**
   * The faults with uses left that a test asked to happen a given number of
   * times (pushed errors, failed partitions, dropped connections), each as
   * `pushErrors(Produce, [6, 6]): 1 of 2 left`. Sticky faults (setError,
   * latency, stalls) are not listed.
   */
  unused(): readonly string[] {
    return this.#rules
      .filter((r) => Number.isFinite(r.remaining) && r.remaining > 0)
      .map((r) => `${r.what}: ${r.remaining} of ${r.remaining + r.applied} left`);
  }

  /**
   * Throws when a counted fault was not used up: the client never sent the
   * requests the test expected (sarama's MockBroker fails at close the same
   * way). Call it at the end of a test, before `detach()`.
   *
   * @throws FaultInjectorError - listing {@link FaultInjector.unused}.
   */
  assertAllUsed(): void {
    const left = this.unused();
    if (left.length > 0)
      throw new FaultInjectorError(
        `faults not used up (the client did not send the requests they were waiting for): ${left.join("; ")}`,
      );
  }

  /** Removes every fault and releases every stall; the history is kept. */
  clearFaults(): void {
    for (const rule of this.#rules) if (rule.kind === "stall") rule.stall.release();
    this.#rules = [];
  }

  /** Removes every fault, releases every stall and detaches from the brokers (zero cost again). Idempotent. */
  detach(): void {
    if (!this.#attached) return;
    this.clearFaults();
    this.#attached = false;
    for (const node of this.#control.nodes) if (node.ctx.hooks === this.#hooks) node.ctx.hooks = undefined;
    if (this.#control.injector === this) this.#control.injector = undefined;
  }

  /** `detach()`, for `using faults = injectFaults(cluster)`. */
  [Symbol.dispose](): void {
    this.detach();
  }

  // -------------------------------------------------------------------------
  // the hook: one plan per request
  // -------------------------------------------------------------------------

  /** The broker's hook (handlers/hooks.ts): builds the plan and records the request. */
  #onRequest(request: DecodedRequest, connection: ConnectionContext, broker: BrokerContext): RequestPlan | undefined {
    const topics = this.#control.topics;
    const named = namedBy(request, (id) => topics.getById(id)?.name);
    if (request.apiKey === ApiKey.Metadata && request.body.topics === null)
      for (const t of topics.topics()) named.topics.push(t.name);
    const faults: AppliedFault[] = [];
    let drop: RequestPlan["drop"];
    let topLevelError: number | undefined;
    const partitionRules: { readonly scope: CompiledScope; readonly code: number | ReadonlyMap<string, number> }[] = [];
    let latency = 0;
    const stalls: Stall[] = [];
    const partitioned = PARTITIONED.has(request.apiKey);
    const matching = this.#rules.filter(
      (rule) =>
        rule.remaining > 0 &&
        this.#matches(rule.scope, request, connection, broker, named.topicPartitions, named.topics),
    );
    // A request dropped before handling uses up that drop only: nothing else happens to it.
    const dropRule = matching.find((rule): rule is DropRule => rule.kind === "drop");
    const used = dropRule?.when === "before-handling" ? [dropRule] : matching;
    for (const rule of used) {
      if (rule.kind === "drop") {
        if (rule !== dropRule) continue; // the first drop rule decides; later ones wait for a later request
        drop = rule.when;
      } else if (rule.kind === "error") {
        const code = rule.next();
        if (partitioned) partitionRules.push({ scope: rule.scope, code });
        else if (topLevelError === undefined && typeof code === "number" && code !== 0) topLevelError = code;
      } else if (rule.kind === "latency") {
        latency += rule.ms;
      } else {
        stalls.push(rule.stall);
      }
      rule.remaining--;
      rule.applied++;
    }
    this.#rules = this.#rules.filter((r) => r.remaining > 0);

    let partitionError: PartitionFaults | undefined;
    if (partitionRules.length > 0) {
      partitionError = (topic, partition) => {
        for (const { scope, code } of partitionRules) {
          if (!covers(scope, topic, partition)) continue;
          const c = typeof code === "number" ? code : code.get(key(topic, partition));
          if (c !== undefined && c !== 0) return c;
        }
        return undefined;
      };
      const hit =
        request.apiKey === ApiKey.Metadata
          ? named.topics.some((t) => partitionError!(t, -1) !== undefined)
          : named.topicPartitions.some((tp) => partitionError!(tp.topic, tp.partition) !== undefined);
      if (!hit) partitionError = undefined;
    }
    if (drop === "before-handling") faults.push("drop-before-handling");
    else {
      if (partitionError !== undefined || topLevelError !== undefined) faults.push("error");
      if (latency > 0) faults.push("latency");
      if (stalls.length > 0) faults.push("stall");
      if (drop === "after-handling") faults.push("drop-after-handling");
    }
    this.history.record({
      apiKey: request.apiKey,
      apiName: apiNameOf(request.apiKey),
      apiVersion: request.header.apiVersion,
      correlationId: request.header.correlationId,
      clientId: request.header.clientId,
      broker: broker.nodeId,
      connection: connection.id,
      topicPartitions: named.topicPartitions,
      topics: named.topics,
      at: broker.clock.now(),
      faults,
      request,
    });
    if (faults.length === 0) return undefined;
    if (drop === "before-handling") return { drop };
    const holds: Promise<void>[] = stalls.map((s) => s.hold());
    if (latency > 0)
      holds.push(
        new Promise((resolve) => {
          broker.clock.setTimeout(resolve, latency);
        }),
      );
    return {
      partitionError,
      topLevelError,
      drop,
      hold: holds.length === 0 ? undefined : untilClosed(Promise.all(holds), connection.signal),
    };
  }

  // -------------------------------------------------------------------------
  // helpers
  // -------------------------------------------------------------------------

  #matches(
    scope: CompiledScope,
    request: DecodedRequest,
    connection: ConnectionContext,
    broker: BrokerContext,
    topicPartitions: readonly TopicPartition[],
    topics: readonly string[],
  ): boolean {
    if (scope.apiKeys !== undefined && !scope.apiKeys.has(request.apiKey)) return false;
    if (scope.brokers !== undefined && !scope.brokers.has(broker.nodeId)) return false;
    if (scope.clientId !== undefined && connection.clientId !== scope.clientId) return false;
    if (scope.partitions === undefined) return true;
    if (topicPartitions.length > 0) return topicPartitions.some((tp) => covers(scope, tp.topic, tp.partition));
    return topics.some((t) => covers(scope, t, -1));
  }

  #add(rule: Rule): FaultHandle {
    this.#rules.push(rule);
    const rules = (): Rule[] => this.#rules;
    return {
      get active() {
        return rule.remaining > 0 && rules().includes(rule);
      },
      get applied() {
        return rule.applied;
      },
      clear: () => {
        rule.remaining = 0;
        this.#rules = this.#rules.filter((r) => r !== rule);
      },
    };
  }

  #scope(scope: ApiFaultScope): CompiledScope {
    if (typeof scope !== "object" || scope === null)
      throw new FaultInjectorError("a fault's scope must be an object ({ broker, partitions, clientId, apiKey })");
    const list = <T>(v: T | readonly T[] | undefined): readonly T[] | undefined =>
      v === undefined ? undefined : Array.isArray(v) ? (v as readonly T[]) : [v as T];
    const apiKeys = list(scope.apiKey);
    for (const k of apiKeys ?? [])
      if (!Number.isInteger(k) || k < 0)
        throw new FaultInjectorError(`apiKey must be an API key number (got ${String(k)})`);
    const brokers = list(scope.broker);
    for (const b of brokers ?? []) nodeOf(this.#control, b);
    let partitions: Map<string, Set<number> | "all"> | undefined;
    if (scope.partitions !== undefined) {
      partitions = new Map();
      for (const ref of scope.partitions) {
        if (ref.partition === undefined) {
          if (this.#control.topics.get(ref.topic) === undefined) partitionOf(this.#control, ref.topic, 0);
          partitions.set(ref.topic, "all");
          continue;
        }
        partitionOf(this.#control, ref.topic, ref.partition);
        const existing = partitions.get(ref.topic);
        if (existing === "all") continue;
        if (existing === undefined) partitions.set(ref.topic, new Set([ref.partition]));
        else existing.add(ref.partition);
      }
    }
    return {
      apiKeys: apiKeys === undefined ? undefined : new Set(apiKeys),
      brokers: brokers === undefined ? undefined : new Set(brokers),
      clientId: scope.clientId,
      partitions,
    };
  }

  #code(code: ErrorCodeLike): number {
    if (typeof code === "string") {
      const info = errorByName(code);
      if (info === undefined)
        throw new FaultInjectorError(
          `unknown Kafka error name ${JSON.stringify(code)}: use a name like "NOT_LEADER_OR_FOLLOWER" or a code`,
        );
      return info.code;
    }
    if (!Number.isInteger(code) || code < -32768 || code > 32767)
      throw new FaultInjectorError(`an error code must be an int16 or a Kafka error name (got ${String(code)})`);
    return code;
  }

  #count(what: string, count: number | "sticky"): number {
    if (count === "sticky") return Number.POSITIVE_INFINITY;
    if (!Number.isSafeInteger(count) || count < 1)
      throw new FaultInjectorError(`${what}: count must be a positive integer or "sticky" (got ${String(count)})`);
    return count;
  }

  #checkAttached(): void {
    if (!this.#attached)
      throw new FaultInjectorError("this fault injector was detached: call injectFaults(cluster) for a new one");
  }
}

/** `hold`, or sooner if `signal` aborts (the connection closed: nothing will be written). */
function untilClosed(hold: Promise<unknown>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done, { once: true });
    void hold.then(done);
  });
}

/** ` on broker 2 for t-0` and the like, for a rule's description. */
function describeScope(scope: ApiFaultScope): string {
  const parts: string[] = [];
  if (scope.apiKey !== undefined)
    parts.push(
      (Array.isArray(scope.apiKey) ? (scope.apiKey as readonly number[]) : [scope.apiKey as number])
        .map(apiNameOf)
        .join("/"),
    );
  if (scope.broker !== undefined) parts.push(`on broker ${String(scope.broker)}`);
  if (scope.partitions !== undefined)
    parts.push(
      `for ${scope.partitions.map((p) => (p.partition === undefined ? p.topic : `${p.topic}-${p.partition}`)).join(",")}`,
    );
  if (scope.clientId !== undefined) parts.push(`from ${scope.clientId}`);
  return parts.length === 0 ? "" : ` ${parts.join(" ")}`;
}

const API_NAMES = new Map<number, string>(Object.entries(ApiKey).map(([name, k]) => [k as number, name]));

function apiNameOf(apiKey: number): string {
  return API_NAMES.get(apiKey) ?? `api-${apiKey}`;
}

/**
 * Attaches a fault injector to a cluster (`startCluster`) or a single
 * broker (`startBroker`: a cluster of one). From now on every request any
 * of its brokers decodes goes through the injector's rules and into its
 * history; `detach()` (or `using`) takes it off again, leaving the brokers
 * exactly as before.
 *
 * Gotchas: one injector per cluster at a time; the rules apply to requests
 * decoded after they were added (a request already being handled is not
 * affected).
 *
 * @throws FaultInjectorError - `target` is not a cluster or broker of this
 *   package, or another injector is attached to it.
 * @example
 * ```ts run
 * import { startCluster } from "@csp-kit/kafka-broker";
 * import { injectFaults } from "@csp-kit/kafka-broker/testing";
 * import { SyncProducer } from "@csp-kit/kafka-producer";
 * import { ApiKey } from "@csp-kit/kafka-protocol";
 *
 * const cluster = await startCluster({ brokers: 3, logLevel: "silent" });
 * cluster.createTopic("orders", { partitions: 1 }); // led by broker 1
 * {
 *   using faults = injectFaults(cluster); // detached at the end of the block
 *   faults.pushErrors(ApiKey.Produce, ["NOT_LEADER_OR_FOLLOWER"]);
 *   await faults.brokerDown(2);
 *   const producer = new SyncProducer({ bootstrap: [cluster.broker(1).bootstrap], retry: { backoff: 10 } });
 *   await producer.send({ topic: "orders", value: "{}" });
 *   const produce = await faults.history.waitFor({ apiKey: ApiKey.Produce });
 *   console.log(produce.faults.length > 0); // → true: the first Produce got the injected error
 *   await producer.close();
 *   if (produce.faults.length === 0) throw new Error("no fault was applied");
 * }
 * await cluster.close();
 * ```
 */
export function injectFaults(target: Cluster | Broker, options: InjectFaultsOptions = {}): FaultInjector {
  const control = typeof target === "object" && target !== null ? controlOf(target) : undefined;
  if (control === undefined)
    throw new FaultInjectorError(
      "injectFaults: the target must be a Cluster from startCluster or a Broker from startBroker",
    );
  if (control.injector !== undefined)
    throw new FaultInjectorError(
      "injectFaults: a fault injector is already attached to this cluster: detach() it first, or keep using it",
    );
  return FaultInjector.attach(control, options);
}

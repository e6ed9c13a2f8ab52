/**
 * `defineMessage`: turns a message schema into a codec — the one object a
 * client or a broker uses to encode and decode that message body at any
 * version it supports.
 *
 * Invariants:
 * - A version outside `[minVersion, maxVersion]` (or not an integer) is
 *   refused with a `ProtocolError` of kind `unsupported-version`, before
 *   anything is read or written.
 * - A plan is compiled the first time a version is used and cached; no code is
 *   generated at run time (no `eval`, no `new Function`: browsers with a CSP
 *   run this too).
 * - A failed `encode` leaves the writer's `offset` where it was.
 */

import { isProtocolError, ProtocolError } from "../../errors.js";
import type { Reader } from "../../reader.js";
import type { Writer } from "../../writer.js";
import { decodeStruct, defaultStruct } from "./decode.js";
import { encodeStruct, failurePath } from "./encode.js";
import { compile, flexibleFrom, type StructPlan } from "./plan.js";
import type { MessageSchema } from "./types.js";
import { parseVersions } from "./versions.js";

/**
 * Encodes and decodes one message body (a request's or a response's, without
 * the frame size and the header) at every version in its range.
 *
 * Ordering: `encode` appends at the writer's offset; `decode` reads from the
 * reader's offset and leaves it just after the body — it does not demand that
 * the reader be exhausted (call `r.complete()` for that).
 *
 * Gotchas: decoded byte fields (`records`, bytes) are views into the reader's
 * buffer; copy them to keep them past the frame. Decoded objects carry every
 * field of the message: those the version does not have hold their defaults.
 *
 * @example
 * ```ts run
 * import { findCoordinatorRequest, Reader, Writer } from "@csp-kit/kafka-protocol";
 *
 * const w = new Writer();
 * findCoordinatorRequest.encode(w, 2, { key: "group-1", keyType: 0, coordinatorKeys: [] });
 * const back = findCoordinatorRequest.decode(new Reader(w.finish()), 2);
 * console.log(back.key); // → group-1
 * if (back.key !== "group-1") throw new Error(`got ${back.key}`);
 * ```
 */
export interface MessageCodec<T> {
  /** The API key (0 for Produce). */
  readonly apiKey: number;
  /** Kafka's name for the message, e.g. `"ProduceRequest"`. */
  readonly name: string;
  /** Which direction the message travels. */
  readonly type: "request" | "response";
  /** The lowest version this codec implements. */
  readonly minVersion: number;
  /** The highest version this codec implements. */
  readonly maxVersion: number;
  /** The first flexible version (compact forms, tagged fields, request header v2, response header v1); `Infinity` if none. */
  readonly flexibleFrom: number;
  /** The schema the codec interprets (tests derive values from it). */
  readonly schema: MessageSchema;
  /**
   * Appends `value` as the body at `version`.
   *
   * Throws a `ProtocolError`: `unsupported-version` for a version outside the
   * range; `invalid-value` for a value the version cannot carry (the message
   * names the field: `ProduceRequest v7: topicData[0].name: …`).
   */
  encode(w: Writer, version: number, value: T): void;
  /**
   * Reads a body at `version`.
   *
   * Throws a `ProtocolError` (and nothing else) for bytes that are not a valid
   * body: `truncated`, `invalid-value`, `bad-varint`; `unsupported-version` for
   * a version outside the range.
   */
  decode(r: Reader, version: number): T;
  /** A value whose every field holds its default at `version` (a starting point to fill in). */
  defaults(version: number): T;
}

/** The range of versions a codec implements (a subrange of the schema's `validVersions`). */
export interface VersionSpan {
  readonly minVersion: number;
  readonly maxVersion: number;
}

/**
 * The codec for `schema`, implementing `span` (by default every version the
 * schema defines).
 *
 * Throws a `TypeError` when the span lies outside the schema's versions, and
 * when the schema itself is malformed — at the first use of a version, naming
 * the field. Both are mistakes in this package's definitions, never bad input.
 */
export function defineMessage<T>(schema: MessageSchema, span?: VersionSpan): MessageCodec<T> {
  const valid = parseVersions(schema.validVersions, `${schema.name}.validVersions`);
  const minVersion = span?.minVersion ?? valid.min;
  const maxVersion = span?.maxVersion ?? valid.max;
  if (!(minVersion >= valid.min && maxVersion <= valid.max && minVersion <= maxVersion)) {
    throw new TypeError(
      `${schema.name}: versions ${minVersion}-${maxVersion} lie outside the schema's ${String(schema.validVersions)}`,
    );
  }
  const plans: (StructPlan | undefined)[] = [];
  const planFor = (version: number): StructPlan => {
    if (!(Number.isInteger(version) && version >= minVersion && version <= maxVersion)) {
      throw new ProtocolError(
        "unsupported-version",
        `${schema.name} v${String(version)} is not supported: this package implements v${minVersion} to v${maxVersion}`,
      );
    }
    let plan = plans[version];
    if (plan === undefined) {
      plan = compile(schema, version);
      plans[version] = plan;
    }
    return plan;
  };
  return {
    apiKey: schema.apiKey,
    name: schema.name,
    type: schema.type,
    minVersion,
    maxVersion,
    flexibleFrom: flexibleFrom(schema),
    schema,
    encode(w, version, value) {
      const plan = planFor(version);
      const start = w.offset;
      try {
        encodeStruct(w, plan, value);
      } catch (e) {
        w.offset = start;
        if (!isProtocolError(e)) throw e;
        const path = failurePath(e);
        const where = path === "" ? "" : ` ${path.startsWith(".") ? path.slice(1) : path}:`;
        throw new ProtocolError(e.kind, `${schema.name} v${version}:${where} ${e.message}`, -1, { cause: e });
      }
    },
    decode(r, version) {
      const plan = planFor(version);
      try {
        return decodeStruct(r, plan) as T;
      } catch (e) {
        // Prefix the message in place: a second error would capture a second stack, and a
        // broker fed garbage (or a fuzzer) pays for every one.
        if (isProtocolError(e)) e.message = `${schema.name} v${version}: ${e.message}`;
        throw e;
      }
    },
    defaults(version) {
      return defaultStruct(planFor(version)) as T;
    },
  };
}

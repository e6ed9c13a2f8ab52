/**
 * The decoding half of the schema interpreter: reads a value of a
 * {@link StructPlan} from a {@link Reader}.
 *
 * Invariants:
 * - Nothing but a `ProtocolError` escapes (every read goes through the
 *   bounds-checked Reader; an array count is checked against the bytes left
 *   before its array is built, using the element's minimum wire size).
 * - The decoded object has every field of the struct, in declaration order
 *   (so objects of one struct and version share one shape): a field absent at
 *   this version, or a tagged field not sent, holds its default.
 * - Allocation is the result only: the objects, arrays, strings and byte views
 *   it holds, plus one bounded Reader per known tagged field that was sent.
 * - Unknown tags are skipped; tags must ascend (Kafka writes them in order).
 */

import { ProtocolError } from "../../errors.js";
import { Reader } from "../../reader.js";
import { type FieldPlan, INLINE, K, type StructPlan } from "./plan.js";

const EMPTY_BYTES = new Uint8Array(0);

/** Reads one struct (or a message body) laid out as `plan`. */
export function decodeStruct(r: Reader, plan: StructPlan): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const fields = plan.fields;
  const flexible = plan.flexible;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    out[f.name] = f.mode === INLINE ? readField(r, f, flexible) : defaultOf(f);
  }
  if (flexible) readTaggedFields(r, plan, out);
  return out;
}

/** The value a field holds when it is not on the wire: a fresh one for arrays and structs. */
export function defaultOf(f: FieldPlan): unknown {
  const d = f.defaultValue;
  if (d !== undefined) return d;
  switch (f.kind) {
    case K.array:
      return [];
    case K.struct:
      return defaultStruct(f.struct!);
    default:
      return EMPTY_BYTES; // bytes; immutable (length 0), so one is shared
  }
}

/** A struct whose every field holds its default. */
export function defaultStruct(plan: StructPlan): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of plan.fields) out[f.name] = defaultOf(f);
  return out;
}

function readField(r: Reader, f: FieldPlan, flexible: boolean): unknown {
  switch (f.kind) {
    case K.bool:
      return r.bool();
    case K.int8:
      return r.int8();
    case K.int16:
      return r.int16();
    case K.uint16:
      return r.uint16();
    case K.int32:
      return r.int32();
    case K.uint32:
      return r.uint32();
    case K.int64:
      return r.int64();
    case K.float64:
      return r.float64();
    case K.uuid:
      return r.uuid();
    case K.string:
      if (flexible) return f.nullable ? r.compactNullableString() : r.compactString();
      return f.nullable ? r.nullableString() : r.string();
    case K.bytes:
    case K.records:
      if (flexible) return f.nullable ? r.compactNullableBytes() : r.compactBytes();
      return f.nullable ? r.nullableBytes() : r.bytesField();
    case K.array:
      return readArray(r, f, flexible);
    default:
      return readStruct(r, f);
  }
}

function readArray(r: Reader, f: FieldPlan, flexible: boolean): unknown[] | null {
  const at = r.offset;
  const element = f.element!;
  const n = flexible ? r.compactArrayLength(element.minBytes) : r.arrayLength(element.minBytes);
  if (n === null) {
    if (f.nullable) return null;
    throw new ProtocolError(
      "invalid-value",
      `${f.path}: the array is null, but it is not nullable at this version`,
      at,
    );
  }
  const out: unknown[] = [];
  if (element.kind === K.struct) {
    const plan = element.struct!;
    for (let i = 0; i < n; i++) out.push(decodeStruct(r, plan));
  } else {
    for (let i = 0; i < n; i++) out.push(readField(r, element, flexible));
  }
  return out;
}

function readStruct(r: Reader, f: FieldPlan): Record<string, unknown> | null {
  // A nullable struct is preceded by a marker byte: -1 for null, 1 for present (Kafka's rule).
  if (f.nullable && r.int8() < 0) return null;
  return decodeStruct(r, f.struct!);
}

function readTaggedFields(r: Reader, plan: StructPlan, out: Record<string, unknown>): void {
  const count = r.uvarint();
  if (count === 0) return;
  const start = r.offset;
  // Each tagged field takes at least two bytes (its tag and its size).
  if (count > (r.end - start) / 2) r.need(count * 2, `${count} tagged fields of ${plan.name}`);
  let last = -1;
  for (let i = 0; i < count; i++) {
    const at = r.offset;
    const tag = r.uvarint();
    if (tag <= last) {
      throw new ProtocolError(
        "invalid-value",
        `${plan.name}: tagged field ${tag} follows tag ${last}: tags must ascend`,
        at,
      );
    }
    last = tag;
    const size = r.uvarint();
    r.need(size, `tagged field ${tag} of ${plan.name}`);
    const o = r.offset;
    const f = plan.byTag[tag];
    if (f !== undefined) {
      const field = new Reader(r.bytes, o, o + size);
      out[f.name] = readField(field, f, true);
      field.complete(`${f.path} (tag ${tag})`);
    }
    r.offset = o + size;
  }
}

/**
 * The encoding half of the schema interpreter: writes a value of a
 * {@link StructPlan} to a {@link Writer}.
 *
 * Rules (Kafka's generated writers follow the same ones):
 * - An inline field must be present on the value (`undefined` is refused, so a
 *   misspelt or forgotten field fails loudly); `null` only where the field is
 *   nullable at this version.
 * - A field the version does not have is skipped — but when it is not
 *   `ignorable` and holds something other than its default, the value cannot
 *   be represented at this version and is refused.
 * - A tagged field is written only when it differs from its default, in
 *   ascending tag order; an `undefined` tagged field counts as its default.
 * - Every string, compact or classic, holds at most 32,767 UTF-8 bytes.
 *
 * Invariants:
 * - Every refusal is a `ProtocolError` of kind `invalid-value`, whose path
 *   (`topicData[0].partitionData[1].records`) the codec puts in the message.
 * - No allocation besides the writer's own growth: a tagged field's size is
 *   written after its bytes, moving them right when the size takes more than
 *   the one byte reserved for it.
 */

import { ProtocolError } from "../../errors.js";
import { utf8Length, uvarintSize, type Writer } from "../../writer.js";
import { ABSENT, type FieldPlan, INLINE, K, type StructPlan } from "./plan.js";

/** Where, below the codec, an encoding failure happened; kept beside the error until the codec reports it. */
const paths = new WeakMap<object, string>();

/** The field path recorded for an encoding failure, or `""`. */
export function failurePath(error: unknown): string {
  return typeof error === "object" && error !== null ? (paths.get(error) ?? "") : "";
}

function withSegment(error: unknown, segment: string): unknown {
  if (error instanceof ProtocolError) paths.set(error, segment + (paths.get(error) ?? ""));
  return error;
}

/** Writes `value` laid out as `plan`. */
export function encodeStruct(w: Writer, plan: StructPlan, value: unknown): void {
  if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw invalid(`expected an object (${plan.name}), got ${describe(value)}`);
  }
  const v = value as Record<string, unknown>;
  const fields = plan.fields;
  const flexible = plan.flexible;
  let i = 0;
  try {
    for (; i < fields.length; i++) {
      const f = fields[i]!;
      const x = v[f.name];
      if (f.mode === INLINE) {
        if (x === undefined) throw invalid(`the field is missing (it needs a value of type ${typeLabel(f)})`);
        writeField(w, f, flexible, x);
      } else if (f.mode === ABSENT && !f.ignorable && x !== undefined && !isDefault(f, x)) {
        throw invalid(
          `the field exists only in versions ${f.versions}; at this version it must hold its default (${describeDefault(f)}), got ${describe(x)}`,
        );
      }
    }
  } catch (e) {
    throw withSegment(e, `.${fields[i]!.name}`);
  }
  if (flexible) writeTaggedFields(w, plan, v);
}

/** Whether `x` equals the field's default (deeply, for structs). Tagged fields at their default are not written. */
export function isDefault(f: FieldPlan, x: unknown): boolean {
  const d = f.defaultValue;
  switch (f.kind) {
    case K.array:
      return d === null ? x === null : Array.isArray(x) && x.length === 0;
    case K.struct:
      return d === null ? x === null : isDefaultStruct(f.struct!, x);
    case K.bytes:
      return d === null ? x === null : x instanceof Uint8Array && x.length === 0;
    default:
      return x === d;
  }
}

function isDefaultStruct(plan: StructPlan, x: unknown): boolean {
  if (typeof x !== "object" || x === null) return false;
  const v = x as Record<string, unknown>;
  for (const f of plan.fields) {
    const y = v[f.name];
    if (y !== undefined && !isDefault(f, y)) return false;
  }
  return true;
}

function writeTaggedFields(w: Writer, plan: StructPlan, v: Record<string, unknown>): void {
  const tagged = plan.tagged;
  let count = 0;
  for (let i = 0; i < tagged.length; i++) {
    const x = v[tagged[i]!.name];
    if (x !== undefined && !isDefault(tagged[i]!, x)) count++;
  }
  w.uvarint(count);
  if (count === 0) return;
  let i = 0;
  try {
    for (; i < tagged.length; i++) {
      const f = tagged[i]!;
      const x = v[f.name];
      if (x === undefined || isDefault(f, x)) continue;
      w.uvarint(f.tag);
      // Reserve one byte for the size, write the field, then fill the size in
      // (moving the field right if its size needs more than one byte).
      w.ensure(1);
      const sizeAt = w.offset++;
      writeField(w, f, true, x);
      const size = w.offset - sizeAt - 1;
      const extra = uvarintSize(size) - 1;
      if (extra > 0) {
        w.ensure(extra);
        w.buffer.copyWithin(sizeAt + 1 + extra, sizeAt + 1, w.offset);
        w.offset += extra;
      }
      // Fill the size in place (not with w.uvarint at sizeAt: a growth there would keep only the bytes before it).
      const b = w.buffer;
      let o = sizeAt;
      let n = size;
      while (n >= 0x80) {
        b[o++] = (n & 0x7f) | 0x80;
        n >>>= 7;
      }
      b[o] = n;
    }
  } catch (e) {
    throw withSegment(e, `.${tagged[i]!.name}`);
  }
}

function writeField(w: Writer, f: FieldPlan, flexible: boolean, x: unknown): void {
  switch (f.kind) {
    case K.bool:
      w.bool(x as boolean);
      return;
    case K.int8:
      w.int8(x as number);
      return;
    case K.int16:
      w.int16(x as number);
      return;
    case K.uint16:
      w.uint16(x as number);
      return;
    case K.int32:
      w.int32(x as number);
      return;
    case K.uint32:
      w.uint32(x as number);
      return;
    case K.int64:
      w.int64(x as bigint);
      return;
    case K.float64:
      w.float64(x as number);
      return;
    case K.uuid:
      w.uuid(x as string);
      return;
    case K.string:
      writeString(w, f, flexible, x);
      return;
    case K.bytes:
    case K.records:
      if (x === null) {
        if (!f.nullable) throw notNullable(f);
        if (flexible) w.uvarint(0);
        else w.int32(-1);
      } else if (flexible) w.compactBytes(x as Uint8Array);
      else w.bytesField(x as Uint8Array);
      return;
    case K.array:
      writeArray(w, f, flexible, x);
      return;
    default:
      if (x === null) {
        if (!f.nullable) throw notNullable(f);
        w.int8(-1);
        return;
      }
      if (f.nullable) w.int8(1);
      encodeStruct(w, f.struct!, x);
  }
}

function writeString(w: Writer, f: FieldPlan, flexible: boolean, x: unknown): void {
  if (x === null) {
    if (!f.nullable) throw notNullable(f);
    if (flexible) w.uvarint(0);
    else w.int16(-1);
    return;
  }
  if (!flexible) {
    w.string(x as string);
    return;
  }
  // Compact strings are capped like classic ones (Kafka refuses longer ones on both sides).
  // At most 3 UTF-8 bytes per UTF-16 unit: only long strings need counting.
  if (typeof x === "string" && x.length > 10922 && utf8Length(x) > 32767) {
    throw invalid(`a string holds at most 32,767 UTF-8 bytes, got ${utf8Length(x)}`);
  }
  w.compactString(x as string);
}

function writeArray(w: Writer, f: FieldPlan, flexible: boolean, x: unknown): void {
  if (x === null) {
    if (!f.nullable) throw notNullable(f);
    if (flexible) w.uvarint(0);
    else w.int32(-1);
    return;
  }
  if (!Array.isArray(x)) throw invalid(`an array field needs an array, got ${describe(x)}`);
  const n = x.length;
  if (flexible) w.uvarint(n + 1);
  else w.int32(n);
  const element = f.element!;
  let j = 0;
  try {
    if (element.kind === K.struct) {
      const plan = element.struct!;
      for (; j < n; j++) encodeStruct(w, plan, x[j]);
    } else {
      for (; j < n; j++) {
        const e: unknown = x[j];
        if (e === null || e === undefined) throw invalid(`an array element cannot be ${e}`);
        writeField(w, element, flexible, e);
      }
    }
  } catch (e) {
    throw withSegment(e, `[${j}]`);
  }
}

function notNullable(f: FieldPlan): ProtocolError {
  return invalid(`the field is not nullable at this version (it needs a value of type ${typeLabel(f)}), got null`);
}

function typeLabel(f: FieldPlan): string {
  switch (f.kind) {
    case K.array:
      return "array";
    case K.struct:
      return f.struct!.name;
    default:
      return KIND_NAMES[f.kind]!;
  }
}

const KIND_NAMES = [
  "boolean",
  "int8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64 bigint",
  "float64",
  "string",
  "Uint8Array",
  "records Uint8Array",
  "UUID string",
];

function describeDefault(f: FieldPlan): string {
  const d = f.defaultValue;
  if (d !== undefined) return describe(d);
  if (f.kind === K.array) return "[]";
  if (f.kind === K.struct) return `a ${f.struct!.name} of defaults`;
  return "empty bytes";
}

function invalid(message: string): ProtocolError {
  return new ProtocolError("invalid-value", message);
}

function describe(v: unknown): string {
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (v === null || typeof v !== "object") return String(v);
  return "an object";
}

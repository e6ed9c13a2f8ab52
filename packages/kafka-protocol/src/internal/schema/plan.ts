/**
 * Compiles a message schema, at one version, into a plan: per struct, its
 * fields in wire order, each marked inline, tagged or absent at that version,
 * with everything the interpreter needs precomputed (nullability, the minimum
 * wire size an array element takes, the default an absent field holds). The
 * interpreter (decode.ts, encode.ts) then walks plans and never looks at
 * version ranges again.
 *
 * Invariants:
 * - A plan is immutable once built and built at most once per codec and
 *   version (the codec caches it).
 * - `minBytes` of a struct is the least number of bytes any encoding of it
 *   takes at this version (inline fields' minimums, plus one byte for the
 *   tagged-field section when flexible). Every array element's minimum is at
 *   least 1, so a decoder can refuse an array count the remaining bytes cannot
 *   hold before it allocates anything (compile fails otherwise).
 * - Schema mistakes (a bad type, a default of the wrong type, a duplicate tag)
 *   throw a `TypeError` at compile time, naming the field's path: they are bugs
 *   in this package, never bad input.
 */

import type { DefaultValue, FieldSchema, MessageSchema, PrimitiveType } from "./types.js";
import { inVersions, NO_VERSIONS, parseVersions, type Versions } from "./versions.js";

/** How a field travels at the plan's version. */
export const ABSENT = 0;
/** In line, in declaration order. */
export const INLINE = 1;
/** In the struct's tagged-field section. */
export const TAGGED = 2;
/** One of {@link ABSENT}, {@link INLINE}, {@link TAGGED}. */
export type Mode = typeof ABSENT | typeof INLINE | typeof TAGGED;

/** Value kinds, numbered so the interpreter's switch is dense. */
export const K = {
  bool: 0,
  int8: 1,
  int16: 2,
  uint16: 3,
  int32: 4,
  uint32: 5,
  int64: 6,
  float64: 7,
  string: 8,
  bytes: 9,
  records: 10,
  uuid: 11,
  array: 12,
  struct: 13,
} as const;
/** A value kind; see {@link K}. */
export type Kind = (typeof K)[keyof typeof K];

/** The UUID whose 16 bytes are all zero, as Kafka prints it: the default of a uuid field. */
export const ZERO_UUID = "AAAAAAAAAAAAAAAAAAAAAA";

/** One field (or an array's element) at one version. */
export interface FieldPlan {
  /** The property name on the value. */
  readonly name: string;
  /** Where the field sits in the schema (`ProduceRequest.topicData[].name`), for messages. */
  readonly path: string;
  /** The versions in which it exists, as the schema wrote them, for messages. */
  readonly versions: string;
  readonly mode: Mode;
  readonly kind: Kind;
  /** May the value be `null` at this version. */
  readonly nullable: boolean;
  /** An array's element (always inline, never nullable); `null` for other kinds. */
  readonly element: FieldPlan | null;
  /** A struct's (or a struct array element's) plan; `null` for other kinds. */
  readonly struct: StructPlan | null;
  /** The tag, when {@link TAGGED}; -1 otherwise. */
  readonly tag: number;
  readonly ignorable: boolean;
  /**
   * The default of a primitive field; for arrays, structs, bytes and records
   * `null` when the default is null and `undefined` when it is the empty value
   * (a fresh `[]`, a struct of defaults, empty bytes).
   */
  readonly defaultValue: DefaultValue | undefined;
  /** The least bytes the field takes in line (for an element: in its array). */
  readonly minBytes: number;
}

/** One struct (or the message body) at one version. */
export interface StructPlan {
  /** The struct's type name (`TopicProduceData`), or the message's name. */
  readonly name: string;
  /** All fields in declaration order, whatever their mode. */
  readonly fields: readonly FieldPlan[];
  /** The {@link TAGGED} fields in ascending tag order. */
  readonly tagged: readonly FieldPlan[];
  /** {@link TAGGED} fields indexed by tag (sparse). */
  readonly byTag: readonly (FieldPlan | undefined)[];
  /** Compact forms and a tagged-field section at this version. */
  readonly flexible: boolean;
  readonly minBytes: number;
}

const PRIMITIVES: Record<PrimitiveType, Kind> = {
  bool: K.bool,
  int8: K.int8,
  int16: K.int16,
  uint16: K.uint16,
  int32: K.int32,
  uint32: K.uint32,
  int64: K.int64,
  float64: K.float64,
  string: K.string,
  bytes: K.bytes,
  records: K.records,
  uuid: K.uuid,
};

const FIXED_SIZE: Partial<Record<Kind, number>> = {
  [K.bool]: 1,
  [K.int8]: 1,
  [K.int16]: 2,
  [K.uint16]: 2,
  [K.int32]: 4,
  [K.uint32]: 4,
  [K.int64]: 8,
  [K.float64]: 8,
  [K.uuid]: 16,
};

const INT_RANGE: Partial<Record<Kind, readonly [number, number]>> = {
  [K.int8]: [-128, 127],
  [K.int16]: [-32768, 32767],
  [K.uint16]: [0, 65535],
  [K.int32]: [-2147483648, 2147483647],
  [K.uint32]: [0, 4294967295],
};

/** The first flexible version of a schema; `Infinity` when it has none. */
export function flexibleFrom(schema: MessageSchema): number {
  const v = parseVersions(schema.flexibleVersions, `${schema.name}.flexibleVersions`);
  return v.min > v.max ? Number.POSITIVE_INFINITY : v.min;
}

/** Compiles `schema`'s body at `version`. Precondition: `version` is one the codec supports. */
export function compile(schema: MessageSchema, version: number): StructPlan {
  const flexible = version >= flexibleFrom(schema);
  return compileStruct(schema.name, schema.name, schema.fields, version, flexible);
}

function compileStruct(
  name: string,
  path: string,
  fields: readonly FieldSchema[],
  version: number,
  flexible: boolean,
): StructPlan {
  const plans: FieldPlan[] = [];
  const tagged: FieldPlan[] = [];
  const byTag: (FieldPlan | undefined)[] = [];
  const tags = new Set<number>();
  const names = new Set<string>();
  let minBytes = flexible ? 1 : 0;
  for (const field of fields) {
    const where = `${path}.${field.name}`;
    if (names.has(field.name)) throw new TypeError(`${where}: a second field of this name`);
    names.add(field.name);
    const plan = compileField(field, where, version, flexible);
    if (field.tag !== undefined) {
      if (tags.has(field.tag)) throw new TypeError(`${where}: tag ${field.tag} is used twice in ${name}`);
      tags.add(field.tag);
    }
    plans.push(plan);
    if (plan.mode === INLINE) minBytes += plan.minBytes;
    else if (plan.mode === TAGGED) {
      tagged.push(plan);
      byTag[plan.tag] = plan;
    }
  }
  tagged.sort((a, b) => a.tag - b.tag);
  return { name, fields: plans, tagged, byTag, flexible, minBytes };
}

function compileField(field: FieldSchema, where: string, version: number, flexible: boolean): FieldPlan {
  const versions = parseVersions(field.versions, where);
  const nullableVersions =
    field.nullableVersions === undefined ? NO_VERSIONS : parseVersions(field.nullableVersions, `${where} (nullable)`);
  const taggedVersions =
    field.taggedVersions === undefined ? NO_VERSIONS : parseVersions(field.taggedVersions, `${where} (tagged)`);
  if ((field.tag === undefined) !== (field.taggedVersions === undefined)) {
    throw new TypeError(`${where}: "tag" and "taggedVersions" come together`);
  }
  if (field.tag !== undefined && !(Number.isInteger(field.tag) && field.tag >= 0)) {
    throw new TypeError(`${where}: tag ${field.tag} is not a non-negative integer`);
  }
  if (
    taggedVersions.min <= taggedVersions.max &&
    !(taggedVersions.min >= versions.min && taggedVersions.max <= versions.max)
  ) {
    throw new TypeError(`${where}: taggedVersions ${field.taggedVersions} lie outside versions ${field.versions}`);
  }
  const present = inVersions(versions, version);
  const mode: Mode = !present ? ABSENT : inVersions(taggedVersions, version) ? TAGGED : INLINE;
  if (mode === TAGGED && !flexible) throw new TypeError(`${where}: tagged at v${version}, which is not flexible`);

  const isArray = field.type.startsWith("[]");
  const typeName = isArray ? field.type.slice(2) : field.type;
  const isStruct = field.fields !== undefined;
  const kind: Kind = isArray ? K.array : isStruct ? K.struct : primitiveKind(typeName, where);
  if (nullableVersions.min <= nullableVersions.max && !nullableKind(kind)) {
    throw new TypeError(`${where}: a ${field.type} field cannot be nullable`);
  }
  if (kind === K.records && field.tag !== undefined) throw new TypeError(`${where}: a records field cannot be tagged`);
  const defaultValue = checkDefault(field, kind, versions, nullableVersions, where);

  let element: FieldPlan | null = null;
  let struct: StructPlan | null = null;
  if (isStruct) struct = compileStruct(typeName, isArray ? `${where}[]` : where, field.fields!, version, flexible);
  if (isArray) {
    const elementKind = isStruct ? K.struct : primitiveKind(typeName, where);
    const elementMin = elementKind === K.struct ? struct!.minBytes : inlineMin(elementKind, false, flexible, null);
    if (mode !== ABSENT && elementMin < 1)
      throw new TypeError(`${where}: an element takes no bytes at v${version}, so a count is unbounded`);
    element = {
      name: field.name,
      path: `${where}[]`,
      versions: String(field.versions),
      mode: INLINE,
      kind: elementKind,
      nullable: false,
      element: null,
      struct,
      tag: -1,
      ignorable: false,
      defaultValue: undefined,
      minBytes: elementMin,
    };
  }
  const nullable = inVersions(nullableVersions, version);
  return {
    name: field.name,
    path: where,
    versions: String(field.versions),
    mode,
    kind,
    nullable,
    element,
    struct,
    tag: mode === TAGGED ? field.tag! : -1,
    ignorable: field.ignorable === true,
    defaultValue,
    minBytes: inlineMin(kind, nullable, flexible, struct),
  };
}

function primitiveKind(type: string, where: string): Kind {
  const kind = PRIMITIVES[type as PrimitiveType];
  if (kind === undefined)
    throw new TypeError(`${where}: unknown type ${JSON.stringify(type)} (a struct needs "fields")`);
  return kind;
}

function nullableKind(kind: Kind): boolean {
  return kind === K.string || kind === K.bytes || kind === K.records || kind === K.array || kind === K.struct;
}

function inlineMin(kind: Kind, nullable: boolean, flexible: boolean, struct: StructPlan | null): number {
  const fixed = FIXED_SIZE[kind];
  if (fixed !== undefined) return fixed;
  switch (kind) {
    case K.string:
      return flexible ? 1 : 2;
    case K.bytes:
    case K.records:
    case K.array:
      return flexible ? 1 : 4;
    default:
      // A struct: a nullable one may be just its marker byte.
      return nullable ? 1 : struct!.minBytes;
  }
}

/** Validates a declared default against the field's type and returns the default the plan holds. */
function checkDefault(
  field: FieldSchema,
  kind: Kind,
  versions: Versions,
  nullableVersions: Versions,
  where: string,
): DefaultValue | undefined {
  const d = field.default;
  if (d === null) {
    const allNullable = nullableVersions.min <= versions.min && nullableVersions.max >= versions.max;
    if (!allNullable) throw new TypeError(`${where}: a null default needs the field nullable in all its versions`);
    return null;
  }
  const wrong = (): TypeError => new TypeError(`${where}: default ${String(d)} does not fit a ${field.type} field`);
  switch (kind) {
    case K.bool:
      if (d === undefined) return false;
      if (typeof d !== "boolean") throw wrong();
      return d;
    case K.int64:
      if (d === undefined) return 0n;
      if (typeof d !== "bigint" || d < -(2n ** 63n) || d >= 2n ** 63n) throw wrong();
      return d;
    case K.float64:
      if (d === undefined) return 0;
      if (typeof d !== "number") throw wrong();
      return d;
    case K.string:
      if (d === undefined) return "";
      if (typeof d !== "string") throw wrong();
      return d;
    case K.uuid:
      if (d === undefined) return ZERO_UUID;
      if (typeof d !== "string" || d.length !== 22) throw wrong();
      return d;
    case K.records:
      // Kafka: a records field always defaults to null.
      if (d !== undefined) throw wrong();
      if (!(nullableVersions.min <= versions.min && nullableVersions.max >= versions.max)) {
        throw new TypeError(`${where}: a records field must be nullable in all its versions (its default is null)`);
      }
      return null;
    case K.bytes:
    case K.array:
    case K.struct:
      // Only null (handled above) or the empty value.
      if (d !== undefined) throw wrong();
      return undefined;
    default: {
      const range = INT_RANGE[kind]!;
      if (d === undefined) return 0;
      if (typeof d !== "number" || !Number.isInteger(d) || d < range[0] || d > range[1]) throw wrong();
      return d;
    }
  }
}

/**
 * The schema language: a Kafka message declared as data, the way apache/kafka's
 * `clients/src/main/resources/common/message/*.json` files declare it, plus the
 * type-level mapping from a schema to the TypeScript value it describes.
 *
 * A schema is transcribed field for field from Kafka's JSON: the same field
 * order, types, `versions`, `nullableVersions`, `default`, `ignorable`, `tag`
 * and `taggedVersions`. Only the spelling differs: names are camelCase
 * (`TransactionalId` → `transactionalId`) and defaults are typed values
 * (`"-1"` → `-1`, or `-1n` for int64; `"null"` → `null`).
 *
 * Invariants (checked when a schema is first compiled; a violation is a bug in
 * the schema, reported with the field's path):
 * - A field with `fields` is a struct (`type: "Name"`) or an array of structs
 *   (`type: "[]Name"`); any other field has a primitive or `[]primitive` type.
 * - `nullableVersions` is only given to string, bytes, records, array and
 *   struct fields; a `null` default needs the field nullable in all its versions.
 * - `tag` and `taggedVersions` come together, and tags are unique per struct.
 * - Records fields are never tagged (Kafka forbids it too).
 */

/**
 * A version range, as Kafka writes it: `"3+"` (3 and up), `"0-8"`, `"5"` (just 5),
 * `"none"`, or an inclusive pair `[3, 8]`.
 */
export type VersionRange = string | readonly [number, number];

/** The primitive field types Kafka's message schemas use. */
export type PrimitiveType =
  | "bool"
  | "int8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "float64"
  | "string"
  | "bytes"
  | "records"
  | "uuid";

/** A default value a schema may declare: typed as the field (`bigint` for int64, `null` for a nullable field). */
export type DefaultValue = number | bigint | boolean | string | null;

/**
 * One field of a message or struct.
 *
 * Gotchas: `versions` of a nested struct's fields are still message versions
 * (Kafka has one version number per message); the parent field's range gates
 * them all.
 */
export interface FieldSchema {
  /** The field's name on the TypeScript value (camelCase of Kafka's name). */
  readonly name: string;
  /** A primitive (`"int32"`), an array of one (`"[]int32"`), or a struct name (`"Name"`, `"[]Name"`) with `fields`. */
  readonly type: string;
  /** The message versions in which the field exists. Outside them it holds its default. */
  readonly versions: VersionRange;
  /** The versions in which the field may be `null`. Absent: never. */
  readonly nullableVersions?: VersionRange;
  /** The value the field holds where it is absent (and the value a tagged field is omitted at). Absent: Kafka's type default. */
  readonly default?: DefaultValue;
  /** When true, a non-default value at a version without the field is dropped on encode instead of refused. */
  readonly ignorable?: boolean;
  /** The tag of a tagged field (with `taggedVersions`). */
  readonly tag?: number;
  /** The versions in which the field is carried in the tagged-field section instead of in line. */
  readonly taggedVersions?: VersionRange;
  /** A struct's (or a struct array's element's) fields. */
  readonly fields?: readonly FieldSchema[];
  /** What the field means (Kafka's `about`). */
  readonly about?: string;
}

/** A whole request or response body. */
export interface MessageSchema {
  /** Kafka's name for it: `"ProduceRequest"`. */
  readonly name: string;
  /** The API key (0 for Produce). */
  readonly apiKey: number;
  /** Which direction the message travels. */
  readonly type: "request" | "response";
  /** The versions Kafka defines (the codec may support a narrower range). */
  readonly validVersions: VersionRange;
  /** The first flexible version, as Kafka writes it (`"9+"`), or `"none"`. */
  readonly flexibleVersions: VersionRange;
  /** The body's fields, in wire order. */
  readonly fields: readonly FieldSchema[];
}

// ---- schema → TypeScript value -------------------------------------------------

/** The TypeScript type of one primitive. */
export type PrimitiveValue<T extends string> = T extends "bool"
  ? boolean
  : T extends "int64"
    ? bigint
    : T extends "string" | "uuid"
      ? string
      : T extends "bytes" | "records"
        ? Uint8Array
        : T extends PrimitiveType
          ? number
          : never;

type NonNull<F extends FieldSchema> = F extends { readonly fields: infer Fs extends readonly FieldSchema[] }
  ? F["type"] extends `[]${string}`
    ? StructValue<Fs>[]
    : StructValue<Fs>
  : F["type"] extends `[]${infer E}`
    ? PrimitiveValue<E>[]
    : PrimitiveValue<F["type"]>;

/** The TypeScript type of one field's value: its type, `| null` when it has `nullableVersions`. */
export type FieldValue<F extends FieldSchema> = F extends { readonly nullableVersions: VersionRange }
  ? NonNull<F> | null
  : NonNull<F>;

/** The object a list of fields describes: every field present (a field absent in a version holds its default). */
export type StructValue<Fs extends readonly FieldSchema[]> = {
  [F in Fs[number] as F["name"]]: FieldValue<F>;
};

/** The TypeScript value a message schema describes (what its codec decodes to and encodes from). */
export type SchemaValue<S extends MessageSchema> = StructValue<S["fields"]>;

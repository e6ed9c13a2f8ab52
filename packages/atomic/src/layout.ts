/**
 * AtomicLayout — several atomics packed in one SharedArrayBuffer, described by
 * a schema that both sides of a thread boundary import.
 *
 * Packing rule: the 8-byte kinds (int64, uint64) first, then the 4-byte kinds
 * (bool, int32, uint32), each group in the schema's key order. Every field is
 * then naturally aligned with no padding, and the offsets depend only on the
 * schema — so the main thread and a worker that build the layout from the same
 * schema agree on every offset.
 *
 * Invariants:
 * - fields never overlap, every offset is a multiple of its kind's size, and
 *   `byteLength` is the sum of the field sizes.
 * - `alignment` is 8 if any field is 8 bytes wide, else 4; `bind` requires the
 *   base offset to be a multiple of it, which keeps every field aligned.
 */

import { AtomicBool } from "./atomic-bool.js";
import { AtomicInt32 } from "./atomic-int32.js";
import { AtomicInt64 } from "./atomic-int64.js";
import { AtomicUint32 } from "./atomic-uint32.js";
import { AtomicUint64 } from "./atomic-uint64.js";
import { InvalidAtomicLayoutError } from "./errors.js";
import { checkSlot } from "./internal/check.js";

/** The kinds of atomic a layout can hold. */
export type AtomicKind = "bool" | "int32" | "uint32" | "int64" | "uint64";

/** The atomic class for each {@link AtomicKind}. */
export interface AtomicKinds {
  bool: AtomicBool;
  int32: AtomicInt32;
  uint32: AtomicUint32;
  int64: AtomicInt64;
  uint64: AtomicUint64;
}

/** A layout's schema: field name → kind. */
export type AtomicSchema = Readonly<Record<string, AtomicKind>>;

/** What {@link AtomicLayout.bind} returns: one atomic per schema field, typed by its kind. */
export type AtomicFields<S extends AtomicSchema> = { readonly [K in keyof S]: AtomicKinds[S[K]] };

interface KindInfo {
  readonly bytes: 4 | 8;
  readonly from: (buffer: SharedArrayBuffer, byteOffset: number) => AtomicKinds[AtomicKind];
}

const KINDS: Readonly<Record<AtomicKind, KindInfo>> = {
  bool: { bytes: 4, from: (b, o) => AtomicBool.from(b, o) },
  int32: { bytes: 4, from: (b, o) => AtomicInt32.from(b, o) },
  uint32: { bytes: 4, from: (b, o) => AtomicUint32.from(b, o) },
  int64: { bytes: 8, from: (b, o) => AtomicInt64.from(b, o) },
  uint64: { bytes: 8, from: (b, o) => AtomicUint64.from(b, o) },
};

/**
 * Packs several atomics into one SharedArrayBuffer — one buffer to send to a
 * worker instead of one per atomic.
 *
 * **Usage:** define the layout once, in a module both threads import; the
 * creator calls `allocate()` and `bind()`, sends the buffer, and the worker
 * calls `bind()` on it. A new buffer is zero-filled: every field starts at its
 * zero value (false, 0, 0n).
 *
 * **Ordering:** each field is an ordinary atomic (sequentially consistent);
 * fields do not share words, so operations on one never disturb another.
 *
 * **Gotchas:** both sides must use the same schema (same keys, same kinds —
 * the order of keys matters within each size group). Binding a buffer of a
 * different layout is not detected beyond size and alignment.
 *
 * @example
 * ```ts
 * // shared.ts
 * export const stats = new AtomicLayout({ stop: "bool", jobs: "int32", bytes: "int64" });
 * // main.ts
 * const buffer = stats.allocate();
 * const { stop, bytes } = stats.bind(buffer);
 * new Worker(url, { workerData: { buffer } });
 * // worker.ts
 * const { stop, jobs, bytes } = stats.bind(workerData.buffer);
 * while (!stop.load()) { jobs.add(1); bytes.add(BigInt(doJob())); }
 * ```
 *
 * @typeParam S - the schema; written inline, its kinds are inferred as literals.
 */
export class AtomicLayout<const S extends AtomicSchema> {
  /** Bytes the layout occupies. */
  readonly byteLength: number;
  /** Alignment the base offset of `bind` needs: 8 if any field is 8 bytes wide, else 4. */
  readonly alignment: 4 | 8;
  /** Field name → byte offset (relative to the layout's base), in packing order. Set at construction. */
  readonly #offsets: ReadonlyMap<string, { readonly kind: AtomicKind; readonly offset: number }>;

  /**
   * @param schema - field name → kind; at least one field.
   * @throws {@link InvalidAtomicLayoutError} on an empty schema or an unknown kind.
   */
  constructor(schema: S) {
    const entries = Object.entries(schema);
    if (entries.length === 0) throw new InvalidAtomicLayoutError("new AtomicLayout(schema): the schema has no fields");
    for (const [name, kind] of entries) {
      if (!Object.hasOwn(KINDS, kind)) {
        throw new InvalidAtomicLayoutError(
          `new AtomicLayout(schema): field ${JSON.stringify(name)} has kind ${JSON.stringify(kind)}; ` +
            `use one of ${Object.keys(KINDS).join(", ")}`,
        );
      }
    }
    const offsets = new Map<string, { kind: AtomicKind; offset: number }>();
    let offset = 0;
    for (const size of [8, 4] as const) {
      for (const [name, kind] of entries) {
        if (KINDS[kind].bytes !== size) continue;
        offsets.set(name, { kind, offset });
        offset += size;
      }
    }
    this.#offsets = offsets;
    this.byteLength = offset;
    this.alignment = entries.some(([, kind]) => KINDS[kind].bytes === 8) ? 8 : 4;
  }

  /** The byte offset of `field`, relative to the layout's base. */
  offsetOf(field: keyof S & string): number {
    const entry = this.#offsets.get(field);
    if (entry === undefined)
      throw new InvalidAtomicLayoutError(`AtomicLayout.offsetOf: no field ${JSON.stringify(field)}`);
    return entry.offset;
  }

  /** A new zero-filled SharedArrayBuffer of exactly `byteLength` bytes: every field at its zero value. */
  allocate(): SharedArrayBuffer {
    return new SharedArrayBuffer(this.byteLength);
  }

  /**
   * The layout's atomics over `buffer`, starting at `byteOffset` — the same call
   * on every thread. Binding changes no value.
   *
   * @throws {@link InvalidAtomicLayoutError} unless `buffer` is a
   *   SharedArrayBuffer with `byteLength` bytes from `byteOffset`, and
   *   `byteOffset` is a multiple of `alignment`.
   */
  bind(buffer: SharedArrayBuffer, byteOffset = 0): AtomicFields<S> {
    checkSlot("AtomicLayout.bind", buffer, byteOffset, this.byteLength, this.alignment);
    const fields: Record<string, AtomicKinds[AtomicKind]> = {};
    // defineProperty, not assignment: a field named "__proto__" must be an own
    // field, not the object's prototype (assignment would call the setter).
    for (const [name, { kind, offset }] of this.#offsets) {
      Object.defineProperty(fields, name, {
        value: KINDS[kind].from(buffer, byteOffset + offset),
        enumerable: true,
        writable: false,
        configurable: false,
      });
    }
    return Object.freeze(fields) as AtomicFields<S>;
  }
}

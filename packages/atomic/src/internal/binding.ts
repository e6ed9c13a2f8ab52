/**
 * How `Atomic*.from(buffer, byteOffset)` reaches the constructor: the public
 * constructor's only parameter is the initial value (Go's zero value by
 * default), so `from` validates the slot and passes it to the constructor's
 * internal overload, which binds to it instead of allocating.
 */

/** A validated place for one atomic: its buffer and byte offset. */
export interface Slot {
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
}

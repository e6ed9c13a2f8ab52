/**
 * How `Atomic*.from(buffer, byteOffset)` reaches the constructor: the public
 * constructor's only parameter is the initial value (Go's zero value by
 * default), so `from` validates the slot, parks it here, and calls `new`; the
 * constructor takes the parked slot and binds to it instead of allocating.
 *
 * Invariant: `parked` is set only by `park` and cleared by the very next
 * `takeParked`, with nothing in between that could throw or re-enter (`from`
 * validates before parking, and a constructor takes the slot first thing).
 */

/** A validated place for one atomic: its buffer and byte offset. */
export interface ParkedSlot {
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
}

/** The slot a `from` call is binding now; undefined otherwise. */
let parked: ParkedSlot | undefined;

/** Parks a validated slot for the constructor about to be called. */
export function park(buffer: SharedArrayBuffer, byteOffset: number): void {
  parked = { buffer, byteOffset };
}

/** Takes (and clears) the parked slot, if a `from` call is in progress. */
export function takeParked(): ParkedSlot | undefined {
  const slot = parked;
  parked = undefined;
  return slot;
}

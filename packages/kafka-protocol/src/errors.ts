/**
 * The one error every decoder and encoder of this package throws: `ProtocolError`.
 *
 * A decoder fed bytes that are not a valid message — cut short, a length or
 * count larger than the frame, a varint that never ends, a CRC that does not
 * match, a version outside the range a message supports — throws a
 * `ProtocolError` whose `kind` says which, and nothing else: never a
 * `RangeError` from a typed array, never an allocation driven by a count the
 * frame cannot hold. An encoder handed a value the wire cannot carry (a
 * string longer than 32,767 bytes in a classic string, an int32 field given
 * 2**31) throws one too, with kind `"invalid-value"`.
 *
 * Kafka's own error codes (the `error_code` fields of responses) are not
 * protocol errors: they are values, described by the error-code table.
 */

/**
 * What went wrong, as a closed set a caller can switch on.
 *
 * - `truncated`: the bytes end before the message does (also: a length or an
 *   array count that promises more bytes than remain).
 * - `too-large`: a frame or field larger than the configured maximum.
 * - `bad-varint`: a varint longer than its type allows (5 bytes for 32 bits, 10
 *   for 64), or a value outside the range its field can hold.
 * - `bad-crc`: a RecordBatch whose CRC-32C does not match its contents.
 * - `bad-magic`: a record batch whose magic byte is not 2.
 * - `unsupported-version`: an API version this package does not implement.
 * - `unsupported-compression`: a compression codec that is unknown or not registered.
 * - `invalid-value`: a value that cannot be encoded (wrong type, out of range),
 *   or a decoded field whose value the protocol forbids (a negative length other
 *   than the null sentinel, an unknown API key, trailing bytes).
 */
export type ProtocolErrorKind =
  | "truncated"
  | "too-large"
  | "bad-varint"
  | "bad-crc"
  | "bad-magic"
  | "unsupported-version"
  | "unsupported-compression"
  | "invalid-value";

/**
 * A malformed, truncated or unsupported Kafka message, or a value the wire
 * cannot carry.
 *
 * Gotchas: a broker that receives a frame which fails with a `ProtocolError`
 * should close that connection (Kafka does: it cannot answer a request it
 * cannot parse); a client that receives one should drop the connection and
 * retry elsewhere.
 */
export class ProtocolError extends Error {
  override name = "ProtocolError";
  /** Which kind of failure this is; see {@link ProtocolErrorKind}. */
  readonly kind: ProtocolErrorKind;
  /** The byte offset, within the buffer being read, where the problem was found; -1 when encoding. */
  readonly offset: number;
  constructor(kind: ProtocolErrorKind, message: string, offset = -1, options?: ErrorOptions) {
    super(message, options);
    this.kind = kind;
    this.offset = offset;
  }
}

/** Whether `error` is a {@link ProtocolError} (also one from another copy of this package, by `name`). */
export function isProtocolError(error: unknown): error is ProtocolError {
  return error instanceof ProtocolError || (error instanceof Error && error.name === "ProtocolError");
}

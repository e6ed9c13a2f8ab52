/**
 * The errors of the client transport: a broker that cannot be reached or
 * whose connection broke, and metadata that cannot be had.
 *
 * Both have a stable `name` and an `is…Error` guard that also recognises an
 * instance from another copy of the package (by `name`). The producer and
 * the consumer re-export them, so a user imports them from the package they
 * use.
 */

function hasName(e: unknown, name: string): boolean {
  return e instanceof Error && e.name === name;
}

/**
 * A broker could not be reached or its connection broke: the dial failed or
 * timed out, the socket closed with requests outstanding, or a response did
 * not arrive within `net.readTimeout`. The producer and the consumer retry
 * what it affects; it is the `cause` once their retries run out.
 *
 * @see {@link isBrokerConnectionError}
 */
export class BrokerConnectionError extends Error {
  override name = "BrokerConnectionError";
  /** `host:port` of the broker. */
  readonly address: string;
  constructor(address: string, message: string, options?: ErrorOptions) {
    super(`broker ${address}: ${message}`, options);
    this.address = address;
  }
}

/** Whether `e` is a {@link BrokerConnectionError}. */
export function isBrokerConnectionError(e: unknown): e is BrokerConnectionError {
  return hasName(e, "BrokerConnectionError");
}

/**
 * No broker of the bootstrap list (nor any known one) answered a metadata
 * request, or the topic or partition has no leader after the metadata
 * retries. The producer and the consumer report it as the `cause` of
 * their own errors.
 *
 * @see {@link isMetadataError}
 */
export class MetadataError extends Error {
  override name = "MetadataError";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** Whether `e` is a {@link MetadataError}. */
export function isMetadataError(e: unknown): e is MetadataError {
  return hasName(e, "MetadataError");
}

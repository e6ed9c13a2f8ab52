/**
 * The channel kinds the core tests iterate: unbuffered, buffered(n), infinite,
 * resizable, ring(n) and overflowing(n), each as a constructor, with small
 * capacities so that "full" is reached often.
 *
 * The list is built from the `Channel` class the test passes in (its static
 * constructors), so this module depends on no csp-kit package and a package's
 * tests can use it without a cycle in the build graph.
 */

/** The kinds a channel reports (`Channel.kind`). */
export type KindName = "unbuffered" | "buffered" | "infinite" | "ring" | "overflowing";

/** A dropping kind's callback for each value it discards; `R` is the channel's `DropReason`. */
export type OnDrop<R> = (value: number, reason: R) => void;

/**
 * The static constructors of `Channel` at element type `number`: `C` is the channel type
 * (`Channel<number>`), `R` its `DropReason`.
 */
export interface ChannelConstructors<C, R> {
  unbuffered(): C;
  buffered(capacity: number): C;
  infinite(): C;
  resizable(capacity: number): C;
  ring(capacity: number, options: { onDrop?: OnDrop<R> }): C;
  overflowing(capacity: number, options: { onDrop?: OnDrop<R> }): C;
}

/** One channel configuration under test. */
export interface KindSpec<C, R = string> {
  /** Human-readable name, used in test titles: `buffered(2)`. */
  readonly label: string;
  /** The kind the channel must report. */
  readonly kind: KindName;
  /** The capacity the channel must report (`Infinity` for infinite). */
  readonly cap: number;
  /**
   * Creates a fresh channel of this configuration; a dropping kind (`ring`,
   * `overflowing`) reports each value it discards to `onDrop`, the others
   * never drop and ignore it.
   */
  readonly make: (onDrop?: OnDrop<R>) => C;
  /** A `Channel.resizable` channel (it behaves as `kind` until resized). */
  readonly resizable?: boolean;
}

/** The capacities {@link channelKinds} uses unless told otherwise. */
export const SMALL_CAPACITIES: readonly number[] = [1, 2, 3, 4];

/**
 * Every kind, once per capacity: unbuffered, buffered(each), infinite, resizable(0) and
 * resizable(2), ring(each), overflowing(each).
 *
 * @param Channel the `Channel` class: `channelKinds<Channel<number>, DropReason>(Channel)`.
 * @param capacities the capacities of the bounded kinds (default {@link SMALL_CAPACITIES}).
 */
export function channelKinds<C, R>(
  Channel: ChannelConstructors<C, R>,
  capacities: readonly number[] = SMALL_CAPACITIES,
): readonly KindSpec<C, R>[] {
  const dropping = (onDrop: OnDrop<R> | undefined) => (onDrop === undefined ? {} : { onDrop });
  return [
    { label: "unbuffered", kind: "unbuffered", cap: 0, make: () => Channel.unbuffered() },
    ...capacities.map(
      (n): KindSpec<C, R> => ({ label: `buffered(${n})`, kind: "buffered", cap: n, make: () => Channel.buffered(n) }),
    ),
    { label: "infinite", kind: "infinite", cap: Number.POSITIVE_INFINITY, make: () => Channel.infinite() },
    { label: "resizable(0)", kind: "unbuffered", cap: 0, resizable: true, make: () => Channel.resizable(0) },
    { label: "resizable(2)", kind: "buffered", cap: 2, resizable: true, make: () => Channel.resizable(2) },
    ...capacities.map(
      (n): KindSpec<C, R> => ({
        label: `ring(${n})`,
        kind: "ring",
        cap: n,
        make: (onDrop) => Channel.ring(n, dropping(onDrop)),
      }),
    ),
    ...capacities.map(
      (n): KindSpec<C, R> => ({
        label: `overflowing(${n})`,
        kind: "overflowing",
        cap: n,
        make: (onDrop) => Channel.overflowing(n, dropping(onDrop)),
      }),
    ),
  ];
}

/** Whether the kind discards values by policy (so "sent" does not imply "received"). */
export function drops(kind: KindName): boolean {
  return kind === "ring" || kind === "overflowing";
}

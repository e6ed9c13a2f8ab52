/**
 * The name check behind every `is…Error` guard of the toolkit: an `instanceof`
 * test fails for an error from another copy of a package (ESM and CommonJS
 * twins, two installed versions), so each guard also accepts an `Error` whose
 * stable `name` matches.
 */

/** Whether `error` is an `Error` whose `name` is `name`. Never throws. */
export function hasErrorName(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

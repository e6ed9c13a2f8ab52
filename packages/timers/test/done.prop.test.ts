import { None } from "@csp-kit/channel";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { done } from "../src/index.js";
import { settle } from "../src/testing.js";
import { doneCoreOf } from "./support/track.js";

describe("done() under arbitrary interleavings of receives, their aborts and the signal's abort", () => {
  it("every receive ends exactly once — closed after the abort, or rejected by its own signal — and no listener is left", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (s, ownAbort, aborts) => {
          const parent = new AbortController();
          const c = done(parent.signal);
          const outcomes: ("closed" | "aborted" | "pending")[] = ownAbort.map(() => "pending");
          ownAbort.forEach((canAbort, i) => {
            const own = new AbortController();
            const reason = new Error(`own ${i}`);
            void s.schedule(Promise.resolve(), `receive ${i}`).then(() =>
              c.recv({ signal: own.signal }).then(
                (r) => {
                  expect(r).toEqual(None);
                  outcomes[i] = "closed";
                },
                (error: unknown) => {
                  expect(error).toBe(reason);
                  outcomes[i] = "aborted";
                },
              ),
            );
            if (canAbort) void s.schedule(Promise.resolve(), `own abort ${i}`).then(() => own.abort(reason));
          });
          if (aborts) void s.schedule(Promise.resolve(), "parent abort").then(() => parent.abort());
          await s.waitAll();
          await settle();
          doneCoreOf(c).assertInvariants();
          ownAbort.forEach((canAbort, i) => {
            // A receive that could not be aborted by its own signal ends iff the parent aborted.
            if (!canAbort) expect(outcomes[i]).toBe(aborts ? "closed" : "pending");
            else expect(outcomes[i]).not.toBe(aborts ? "pending" : "closed");
          });
          expect(c.closed).toBe(aborts);
        },
      ),
      { numRuns: 200 },
    );
  });
});

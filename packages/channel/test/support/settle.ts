/** The shared promise helpers, for the test files that import them from here; new tests import `@csp-kit/testkit/core`. */
export { flush, type Tracked, track } from "@csp-kit/testkit/core";

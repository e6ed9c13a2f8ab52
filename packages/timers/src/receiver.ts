/**
 * `Receiver<T>` — Go's `<-chan T` — is defined by `@csp-kit/channel`; every
 * channel this package hands out (`after()`, `Timer.c`, `Ticker.c`, `done()`)
 * implements it. Timer and ticker channels never close (as in Go); a `done()`
 * channel closes when its signal aborts. Re-exported here for convenience.
 */
export type { Receiver } from "@csp-kit/channel";

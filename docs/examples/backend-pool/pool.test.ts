/**
 * The pool over real loopback TCP: a tiny echo server, connections dialed with
 * node:net. The timeouts run on a ManualClock; the sockets are real, so the
 * tests await socket events (connected, closed) and never a duration.
 */

import { ManualClock, settle } from "@csp-kit/timers/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EchoConnection, type EchoServer, startEchoServer } from "./echo.js";
import { Pool } from "./pool.js";

const DIAL_AFTER = 10;
const RETURN_TIMEOUT = 50;

let server: EchoServer;
let clock: ManualClock;
let pool: Pool<EchoConnection>;
let dials: number;
const opened: EchoConnection[] = [];

beforeEach(async () => {
  server = await startEchoServer();
  clock = new ManualClock();
  dials = 0;
  opened.length = 0;
  pool = new Pool<EchoConnection>({
    dial: async () => {
      dials++;
      const conn = await EchoConnection.connect(server.port);
      opened.push(conn);
      return conn;
    },
    close: (conn) => conn.close(),
    size: 1,
    dialAfter: DIAL_AFTER,
    returnTimeout: RETURN_TIMEOUT,
    clock,
  });
});

afterEach(async () => {
  pool.close();
  for (const conn of opened) conn.close();
  await server.close();
});

/** Gets a freshly dialed connection: the pool is empty, so this waits out dialAfter. */
async function dialed(): Promise<EchoConnection> {
  const got = pool.get();
  await settle();
  clock.advance(DIAL_AFTER);
  return got;
}

describe("the backend pool", () => {
  it("dials a new connection only after waiting dialAfter for an idle one", async () => {
    const got = pool.get();
    await settle();
    clock.advance(DIAL_AFTER - 1);
    await settle();
    expect(dials).toBe(0);
    clock.advance(1);
    const conn = await got;
    expect(dials).toBe(1);
    expect(await conn.request("ping")).toBe("ping");
    expect(server.accepted).toBe(1);
  });

  it("hands out an idle connection at once, without dialing or waiting", async () => {
    const conn = await dialed();
    expect(await pool.put(conn)).toBe("pooled");
    expect(await pool.get()).toBe(conn);
    expect(dials).toBe(1);
    expect(clock.now()).toBe(DIAL_AFTER); // the second get did not wait on the clock
    expect(pool.stats).toEqual({ dialed: 1, reused: 1, closedOnReturn: 0 });
  });

  it("gives a connection put back to a get that is waiting, before the get would dial", async () => {
    const conn = await dialed();
    const waiting = pool.get();
    await settle();
    expect(await pool.put(conn)).toBe("pooled");
    expect(await waiting).toBe(conn);
    expect(dials).toBe(1);
    expect(await conn.request("still open")).toBe("still open");
  });

  it("closes a connection given back to a full pool once returnTimeout passes", async () => {
    const first = await dialed();
    const second = await dialed();
    await server.whenOpen(2);
    expect(await pool.put(first)).toBe("pooled"); // the pool (size 1) is full now
    const returning = pool.put(second);
    await settle();
    clock.advance(RETURN_TIMEOUT - 1);
    await settle();
    expect(second.closed).toBe(false);
    clock.advance(1);
    expect(await returning).toBe("closed");
    expect(second.closed).toBe(true);
    await server.whenOpen(1); // the server saw it go; the pooled one stays open
    expect(first.closed).toBe(false);
    expect(pool.stats.closedOnReturn).toBe(1);
  });

  it("lets a waiting put in when a get takes the idle connection, before its timeout", async () => {
    const first = await dialed();
    const second = await dialed();
    await pool.put(first);
    const returning = pool.put(second);
    await settle();
    expect(await pool.get()).toBe(first);
    expect(await returning).toBe("pooled");
    expect(second.closed).toBe(false);
    expect(pool.idle).toBe(1);
  });

  it("closes every idle connection, and every connection given back, once the pool is closed", async () => {
    const first = await dialed();
    const second = await dialed();
    await pool.put(first);
    const returning = pool.put(second); // waits for room
    await settle();
    pool.close();
    expect(await returning).toBe("closed");
    expect(first.closed && second.closed).toBe(true);
    await server.whenOpen(0);
    await expect(pool.get()).rejects.toThrow(/closed/);
  });
});

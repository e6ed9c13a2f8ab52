/**
 * W6 on the mutex libraries that are not channel libraries, each in its
 * README's style: `tasks` tasks each lock n/tasks times and, inside, add their
 * next value (task t: t, t+T, …) to the shared checksum — the shared counter.
 * None of them has a `tryLock` fast path except @esfx/async-mutex, whose README
 * shows `await lock()`; that is what is measured.
 */

import { AsyncMutex } from "@esfx/async-mutex";
import { Mutex as AsyncMutexLib } from "async-mutex";
import PMutex from "p-mutex";
import { Checksum } from "../checksum.js";

/** Starts `tasks` tasks, task t running `body(t)`, and waits for all. */
async function all(tasks: number, body: (first: number) => Promise<void>): Promise<void> {
  const running: Promise<void>[] = [];
  for (let t = 0; t < tasks; t++) running.push(body(t));
  await Promise.all(running);
}

/** async-mutex: `const release = await mutex.acquire(); …; release()`. */
export async function asyncMutex(n: number, tasks: number): Promise<Checksum> {
  const mutex = new AsyncMutexLib();
  const ck = new Checksum();
  await all(tasks, async (first) => {
    for (let v = first; v < n; v += tasks) {
      const release = await mutex.acquire();
      ck.add(v);
      release();
    }
  });
  return ck;
}

/** p-mutex: `await mutex.lock(); …; mutex.unlock()`. */
export async function pMutex(n: number, tasks: number): Promise<Checksum> {
  const mutex = new PMutex();
  const ck = new Checksum();
  await all(tasks, async (first) => {
    for (let v = first; v < n; v += tasks) {
      await mutex.lock();
      ck.add(v);
      mutex.unlock();
    }
  });
  return ck;
}

/** @esfx/async-mutex: `await mutex.lock(); …; mutex.unlock()`. */
export async function esfxMutex(n: number, tasks: number): Promise<Checksum> {
  const mutex = new AsyncMutex();
  const ck = new Checksum();
  await all(tasks, async (first) => {
    for (let v = first; v < n; v += tasks) {
      await mutex.lock();
      ck.add(v);
      mutex.unlock();
    }
  });
  return ck;
}

/**
 * The shared ring's waiting protocol (ring.ts, "Waiting without lost
 * wake-ups"), step by step on one thread: several `SharedRing` views of one
 * buffer stand for threads. A notify reaches no one here (nobody sleeps), so
 * what the tests watch is the futex words (`wakeWords`): a word moves exactly
 * when a wake-up is sent, and a sleeper whose key is stale would not sleep.
 */

import { describe, expect, it } from "vitest";
import { SlotCodec } from "../../src/internal/codec.js";
import { CLOSED, createRingBuffer, EMPTY, FULL, readRingShape, SENT, SharedRing } from "../../src/internal/ring.js";

/** `threads` views of one new ring of `capacity` slots. */
function views(capacity: number, threads: number): SharedRing[] {
  const buffer = createRingBuffer(capacity, 8);
  const shape = readRingShape(buffer);
  return Array.from({ length: threads }, () => new SharedRing(buffer, shape, new SlotCodec(buffer, 8, undefined)));
}

describe("SharedRing wake-ups", () => {
  it("sends no wake-up for sends and receives nobody waits for", () => {
    const [a, b] = views(4, 2);
    const before = a!.wakeWords;
    for (let i = 0; i < 100; i++) {
      expect(a!.enqueue(i)).toBe(SENT);
      expect(b!.dequeue()).toBe(i);
    }
    expect(a!.wakeWords).toEqual(before);
    a!.assertInvariants();
  });

  it("wakes a receiver that marked the empty slot when a send fills it, once", () => {
    const [receiver, sender] = views(4, 2);
    const key = receiver!.registerReceiver();
    expect(receiver!.dequeue()).toBe(EMPTY);
    expect(receiver!.armData()).toBe(true);
    receiver!.assertInvariants();
    expect(sender!.enqueue(1)).toBe(SENT);
    // The send reported the mark: the data word moved past the key, so the receiver does not sleep.
    expect(receiver!.wakeWords.data).toBe(key + 1);
    // The mark went with that transition: the next send wakes no one.
    expect(sender!.enqueue(2)).toBe(SENT);
    expect(receiver!.wakeWords.data).toBe(key + 1);
    receiver!.unregisterReceiver();
    expect([receiver!.dequeue(), receiver!.dequeue()]).toEqual([1, 2]);
    receiver!.assertInvariants();
  });

  it("wakes a sender that marked the full slot when a receive frees it, also through a batch receive", () => {
    for (const batch of [false, true]) {
      const [sender, receiver] = views(2, 2);
      sender!.enqueue(1);
      sender!.enqueue(2);
      const key = sender!.registerSender();
      expect(sender!.enqueue(3)).toBe(FULL);
      expect(sender!.armRoom()).toBe(true);
      sender!.assertInvariants();
      if (batch) expect(receiver!.dequeueMany(2, [], true)).toBe(2);
      else expect(receiver!.dequeue()).toBe(1);
      expect(sender!.wakeWords.room).toBe(key + 1);
      sender!.unregisterSender();
      expect(sender!.enqueue(3)).toBe(SENT);
      sender!.assertInvariants();
    }
  });

  it("tells a waiter to retry instead of sleeping when its slot is ready already", () => {
    const [a] = views(1, 1);
    a!.registerReceiver();
    a!.enqueue(7);
    expect(a!.armData()).toBe(false);
    a!.unregisterReceiver();
    a!.registerSender();
    expect(a!.armRoom()).toBe(true);
    a!.unregisterSender();
    expect(a!.dequeue()).toBe(7);
    // The receive released the slot and reported the sender's mark.
    a!.registerSender();
    expect(a!.armRoom()).toBe(false);
    a!.unregisterSender();
  });

  it("tells a sender to retry on a closed ring, where the retry reports CLOSED", () => {
    const [a] = views(1, 1);
    a!.enqueue(1);
    a!.registerSender();
    expect(a!.enqueue(2)).toBe(FULL);
    expect(a!.close()).toBe(true);
    expect(a!.armRoom()).toBe(false);
    expect(a!.enqueue(2)).toBe(CLOSED);
    a!.unregisterSender();
  });

  it("wakes every waiter on both words when the ring closes", () => {
    const [a] = views(2, 1);
    const before = a!.wakeWords;
    expect(a!.close()).toBe(true);
    expect(a!.wakeWords).toEqual({ data: before.data + 1, room: before.room + 1 });
    expect(a!.close()).toBe(false);
  });

  it("hands the mark on: a woken receiver that leaves marks the slot the others now wait for", () => {
    const [first, second, sender] = views(4, 3);
    // Two receivers wait for the same (empty) slot; their marks are one bit.
    first!.registerReceiver();
    const key = second!.registerReceiver();
    expect(first!.armData()).toBe(true);
    expect(second!.armData()).toBe(true);
    expect(sender!.enqueue(1)).toBe(SENT);
    expect(sender!.wakeWords.data).toBe(key + 1);
    // `first` takes the value and leaves; `second` still waits, and the mark is gone.
    expect(first!.dequeue()).toBe(1);
    first!.unregisterReceiver();
    first!.handOffData();
    first!.assertInvariants();
    expect(sender!.enqueue(2)).toBe(SENT);
    expect(sender!.wakeWords.data).toBe(key + 2);
    second!.unregisterReceiver();
  });

  it("hands off by waking another waiter when the slot it needs is full already", () => {
    const [first, second, sender] = views(4, 3);
    first!.registerReceiver();
    const key = second!.registerReceiver();
    first!.armData();
    sender!.enqueue(1);
    sender!.enqueue(2);
    expect(first!.dequeue()).toBe(1);
    first!.unregisterReceiver();
    first!.handOffData();
    // Value 2 is there for `second`: the hand-off sent it a wake-up rather than a mark.
    expect(sender!.wakeWords.data).toBe(key + 2);
    second!.unregisterReceiver();
    expect(second!.dequeue()).toBe(2);
  });

  it("hands off nothing when no other waiter is registered", () => {
    const [first, sender] = views(4, 2);
    const key = first!.registerReceiver();
    first!.armData();
    sender!.enqueue(1);
    first!.unregisterReceiver();
    expect(first!.dequeue()).toBe(1);
    first!.handOffData();
    sender!.enqueue(2);
    expect(sender!.wakeWords.data).toBe(key + 1);
    first!.assertInvariants();
  });
});

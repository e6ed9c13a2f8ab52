import { encodeRecordBatchSync } from "@csp-kit/kafka-protocol";
import { describe, expect, it } from "vitest";
import { Throughput } from "../../src/internal/dashboard/throughput.js";
import { countBatches, type TrafficTotals } from "../../src/internal/dashboard/traffic.js";

const totals = (produced: number, fetched = 0): TrafficTotals => ({
  producedRecords: produced,
  producedBytes: produced * 100,
  fetchedRecords: fetched,
  fetchedBytes: fetched * 100,
});

describe("Throughput", () => {
  it("rates the last second of samples, and keeps one point per second for a minute", () => {
    const t = new Throughput();
    expect(t.rateNow().producedRecords).toBe(0);
    // 4 samples a second, 1000 records a second, for 90 seconds.
    for (let ms = 0; ms <= 90_000; ms += 250) t.sample(ms, totals(ms, ms / 2));
    expect(t.rateNow()).toMatchObject({
      t: 90_000,
      producedRecords: 1000,
      producedBytes: 100_000,
      fetchedRecords: 500,
    });
    const series = t.series();
    expect(series).toHaveLength(60);
    expect(series[0]?.t).toBe(31_000);
    expect(series[59]?.t).toBe(90_000);
    expect(series.every((p) => p.producedRecords === 1000 && p.fetchedBytes === 50_000)).toBe(true);
  });

  it("falls to zero a second after traffic stops", () => {
    const t = new Throughput();
    t.sample(0, totals(0));
    t.sample(250, totals(500));
    expect(t.rateNow().producedRecords).toBe(2000);
    for (let ms = 500; ms <= 1500; ms += 250) t.sample(ms, totals(500));
    expect(t.rateNow().producedRecords).toBe(0);
  });
});

describe("countBatches", () => {
  const batch = (n: number) =>
    encodeRecordBatchSync({
      records: Array.from({ length: n }, (_, i) => ({ value: new Uint8Array(10), key: null, timestampDelta: i })),
      baseTimestamp: 0,
      maxTimestamp: n - 1,
    });

  it("counts the records and bytes of whole batches and stops at a torn tail", () => {
    const a = batch(3);
    const b = batch(5);
    const run = new Uint8Array(a.byteLength + b.byteLength + 20);
    run.set(a, 0);
    run.set(b, a.byteLength);
    run.set(b.subarray(0, 20), a.byteLength + b.byteLength);
    const c = { records: 0, bytes: 0 };
    countBatches(run, c);
    expect(c).toEqual({ records: 8, bytes: a.byteLength + b.byteLength });
    const none = { records: 0, bytes: 0 };
    countBatches(new Uint8Array(61).fill(0xff), none);
    expect(none).toEqual({ records: 0, bytes: 0 });
  });
});

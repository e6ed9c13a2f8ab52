import { ManualClock } from "@csp-kit/timers/testing";
import { describe, expect, it } from "vitest";
import { DEFAULTS, type ProducerOptions, validateConfig } from "../src/config.js";
import { isInvalidProducerConfigError } from "../src/errors.js";
import { roundRobinPartitioner } from "../src/partitioner.js";

const bootstrap = ["127.0.0.1:9092"];

function refusal(options: unknown): { field: string; message: string } {
  try {
    validateConfig(options as ProducerOptions);
  } catch (e) {
    if (isInvalidProducerConfigError(e)) return { field: e.field, message: e.message };
    throw e;
  }
  throw new Error("validateConfig accepted the options");
}

describe("validateConfig", () => {
  it("fills in sarama's defaults", () => {
    const c = validateConfig({ bootstrap });
    expect(c.maxMessageBytes).toBe(1_048_576);
    expect(c.requiredAcks).toBe(1);
    expect(c.timeout).toBe(10_000);
    expect(c.compression).toBe("none");
    expect(c.retry).toMatchObject({ max: 3, backoff: 100, maxBufferLength: 0, maxBufferBytes: 0 });
    expect(c.flush).toEqual({ bytes: 0, messages: 0, frequency: 0, maxMessages: 0 });
    expect(c.maxOpenRequests).toBe(5);
    expect(c.channelBufferSize).toBe(256);
    expect(c.returnSuccesses).toBe(false);
    expect(c.returnErrors).toBe(true);
    expect(c.idempotent).toBe(false);
    expect(c.clientId).toBe(DEFAULTS.clientId);
    expect(c.partitioner.requiresConsistency).toBe(true);
    expect(c.net.tls).toBeUndefined();
  });

  it("keeps what it is given, and a custom partitioner and clock", () => {
    const partitioner = roundRobinPartitioner();
    const clock = new ManualClock();
    const c = validateConfig({
      bootstrap,
      partitioner,
      clock,
      compression: "zstd",
      compressionLevel: 19,
      flush: { messages: 10, maxMessages: 10 },
      net: { tls: true },
    });
    expect(c.partitioner).toBe(partitioner);
    expect(c.clock).toBe(clock);
    expect(c.compressionLevel).toBe(19);
    expect(c.net.tls).toEqual({});
  });

  it("raises nonzero retry buffer caps to sarama's minimums", () => {
    const c = validateConfig({ bootstrap, retry: { maxBufferLength: 10, maxBufferBytes: 1 } });
    expect(c.retry.maxBufferLength).toBe(4096);
    expect(c.retry.maxBufferBytes).toBe(32 * 1024 * 1024);
  });

  it.each([
    [{}, "bootstrap"],
    [{ bootstrap: [] }, "bootstrap"],
    [{ bootstrap: ["localhost"] }, "bootstrap[0]"],
    [{ bootstrap: ["h:70000"] }, "bootstrap[0]"],
    [{ bootstrap, maxMessageBytes: 0 }, "maxMessageBytes"],
    [{ bootstrap, requiredAcks: 2 }, "requiredAcks"],
    [{ bootstrap, timeout: 0 }, "timeout"],
    [{ bootstrap, compression: "brotli" }, "compression"],
    [{ bootstrap, compression: "snappy", compressionLevel: 3 }, "compressionLevel"],
    [{ bootstrap, compression: "gzip", compressionLevel: 10 }, "compressionLevel"],
    [{ bootstrap, partitioner: "crc" }, "partitioner"],
    [{ bootstrap, returnSuccesses: "yes" }, "returnSuccesses"],
    [{ bootstrap, flush: { bytes: -1 } }, "flush.bytes"],
    [{ bootstrap, flush: { frequency: 1.5 } }, "flush.frequency"],
    [{ bootstrap, flush: { messages: 10, maxMessages: 5 } }, "flush.maxMessages"],
    [{ bootstrap, retry: { max: -1 } }, "retry.max"],
    [{ bootstrap, retry: { backoffFn: 5 } }, "retry.backoffFn"],
    [{ bootstrap, idempotent: true }, "requiredAcks"],
    [{ bootstrap, idempotent: true, requiredAcks: -1, retry: { max: 0 }, maxOpenRequests: 1 }, "retry.max"],
    [{ bootstrap, idempotent: true, requiredAcks: -1 }, "maxOpenRequests"],
    [{ bootstrap, maxOpenRequests: 0 }, "maxOpenRequests"],
    [{ bootstrap, channelBufferSize: -1 }, "channelBufferSize"],
    [{ bootstrap, metadata: { retryMax: -1 } }, "metadata.retryMax"],
    [{ bootstrap, net: { tls: "on" } }, "net.tls"],
    [{ bootstrap, clock: {} }, "clock"],
  ])("refuses %j naming %s", (options, field) => {
    expect(refusal(options).field).toBe(field);
  });

  it("accepts an idempotent producer configured as sarama requires", () => {
    const c = validateConfig({ bootstrap, idempotent: true, requiredAcks: -1, maxOpenRequests: 1 });
    expect(c.idempotent).toBe(true);
  });

  it("says what to do in the message", () => {
    expect(refusal({ bootstrap, idempotent: true, requiredAcks: -1 }).message).toMatch(/must be 1 when idempotent/);
    expect(refusal({ bootstrap: "h:1" }).message).toMatch(/e\.g\. \["127\.0\.0\.1:9092"\]/);
  });
});

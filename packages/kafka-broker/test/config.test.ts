import { describe, expect, it } from "vitest";
import {
  type BrokerOptions,
  DEFAULT_MAX_FRAME_BYTES,
  hardLimit,
  isInvalidBrokerConfigError,
  validateConfig,
} from "../src/index.js";

function rejected(options: BrokerOptions): { option: string; message: string } {
  try {
    validateConfig(options);
  } catch (error) {
    if (!isInvalidBrokerConfigError(error)) throw error;
    return { option: error.option, message: error.message };
  }
  throw new Error("accepted");
}

describe("validateConfig", () => {
  it("fills in Kafka's defaults and keeps the broker on loopback", () => {
    const c = validateConfig();
    expect(c).toMatchObject({
      host: "127.0.0.1",
      port: 0,
      advertisedHost: "127.0.0.1",
      nodeId: 1,
      defaultPartitions: 1,
      autoCreateTopics: true,
      maxMessageBytes: 1_048_588,
      maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
      flush: "never",
      dataDir: undefined,
      retentionMs: 604_800_000,
      retentionBytes: Number.POSITIVE_INFINITY,
    });
    expect(c.slowClient.description).toBe("soft 64 MiB for 60 s");
  });

  it("advertises loopback when listening on every interface", () => {
    expect(validateConfig({ host: "0.0.0.0" }).advertisedHost).toBe("127.0.0.1");
    expect(validateConfig({ host: "0.0.0.0", advertisedHost: "kafka.local" }).advertisedHost).toBe("kafka.local");
  });

  it.each<[BrokerOptions, string, RegExp]>([
    [{ port: -1 }, "port", /from 0 to 65535/],
    [{ port: 1.5 }, "port", /integer/],
    [{ defaultPartitions: 0 }, "defaultPartitions", /from 1 to 10000/],
    [{ maxMessageBytes: 10 }, "maxMessageBytes", /from 61/],
    [{ flush: "sometimes" as never, dataDir: "/tmp/x" }, "flush", /"always", "never"/],
    [{ flush: "always" }, "flush", /needs dataDir/],
    [{ logLevel: "loud" as never }, "logLevel", /silent, error, warn, info, debug/],
    [{ host: "" }, "host", /non-empty/],
    [{ autoCreateTopics: "yes" as never }, "autoCreateTopics", /true or false/],
    [{ slowClient: {} as never }, "slowClient", /hardLimit\(bytes\)/],
    [{ retentionMs: -5 }, "retentionMs", /or Infinity/],
  ])("refuses %j, naming %s and what it must be", (options, option, message) => {
    const r = rejected(options);
    expect(r.option).toBe(option);
    expect(r.message).toMatch(message);
  });

  it("takes a flush interval and a slow-client strategy", () => {
    const c = validateConfig({ dataDir: "/tmp/d", flush: { intervalMs: 100 }, slowClient: hardLimit(1024) });
    expect(c.flush).toEqual({ intervalMs: 100 });
    expect(c.slowClient.description).toBe("hard 1 KiB");
  });
});

import { describe, expect, it } from "vitest";
import { ApiKey, isKafkaError, isProtocolError, KafkaError, KafkaErrorCode, kafkaErrorFor } from "../src/index.js";

describe("KafkaError", () => {
  it("carries the code, Kafka's name, retriable and the context, with a message that says all of it", () => {
    const e = new KafkaError(KafkaErrorCode.NOT_LEADER_OR_FOLLOWER, {
      apiKey: ApiKey.Produce,
      topic: "t3",
      partition: 0,
    });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("KafkaError");
    expect(e.code).toBe(6);
    expect(e.kafkaName).toBe("NOT_LEADER_OR_FOLLOWER");
    expect(e.retriable).toBe(true);
    expect(e.apiKey).toBe(0);
    expect(e.api).toBe("Produce");
    expect(e.topic).toBe("t3");
    expect(e.partition).toBe(0);
    expect(e.brokerMessage).toBeUndefined();
    expect(e.message).toMatch(/^NOT_LEADER_OR_FOLLOWER \(6\) in Produce for t3-0: For requests intended only/);
  });

  it("prefers the broker's message to Kafka's default, and ignores an empty or null one", () => {
    const e = new KafkaError(45, { brokerMessage: "expected 5, got 7" });
    expect(e.retriable).toBe(false);
    expect(e.brokerMessage).toBe("expected 5, got 7");
    expect(e.message).toBe("OUT_OF_ORDER_SEQUENCE_NUMBER (45): expected 5, got 7");
    expect(new KafkaError(45, { brokerMessage: null }).message).toBe(
      "OUT_OF_ORDER_SEQUENCE_NUMBER (45): The broker received an out of order sequence number.",
    );
    expect(new KafkaError(45, { brokerMessage: "" }).brokerMessage).toBeUndefined();
  });

  it("keeps an unknown code, with a synthetic name, not retriable", () => {
    const e = new KafkaError(999, { partition: 3 });
    expect(e.kafkaName).toBe("UNKNOWN_ERROR_CODE_999");
    expect(e.retriable).toBe(false);
    expect(e.message).toMatch(/^UNKNOWN_ERROR_CODE_999 \(999\) for partition 3: /);
  });

  it("passes cause on", () => {
    const cause = new Error("socket");
    expect(new KafkaError(13, { cause }).cause).toBe(cause);
  });

  it("refuses NONE and codes outside int16 with a ProtocolError", () => {
    for (const bad of [0, 40000, 1.5]) {
      try {
        new KafkaError(bad);
        expect.unreachable();
      } catch (e) {
        expect(isProtocolError(e)).toBe(true);
      }
    }
  });

  it("isKafkaError recognizes KafkaErrors, also by name from another copy, and nothing else", () => {
    expect(isKafkaError(new KafkaError(1))).toBe(true);
    const foreign = Object.assign(new Error("x"), { name: "KafkaError" });
    expect(isKafkaError(foreign)).toBe(true);
    expect(isKafkaError(new Error("x"))).toBe(false);
    expect(isKafkaError({ name: "KafkaError" })).toBe(false);
  });

  it("kafkaErrorFor gives null for NONE and an error otherwise", () => {
    expect(kafkaErrorFor(0)).toBeNull();
    expect(kafkaErrorFor(3, { topic: "x" })?.kafkaName).toBe("UNKNOWN_TOPIC_OR_PARTITION");
  });
});

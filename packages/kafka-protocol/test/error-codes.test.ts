import { describe, expect, it } from "vitest";
import { errorByCode, errorByName, KAFKA_ERRORS, KafkaErrorCode } from "../src/index.js";

describe("the error-code table", () => {
  it("is sorted by code, from -1 with no gaps, and has no duplicate code or name", () => {
    const codes = KAFKA_ERRORS.map((e) => e.code);
    expect(codes[0]).toBe(-1);
    expect(codes).toEqual(Array.from({ length: codes.length }, (_, i) => i - 1));
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(KAFKA_ERRORS.map((e) => e.name)).size).toBe(codes.length);
  });

  it("goes up to Kafka 4.1's SHARE_SESSION_LIMIT_REACHED (133)", () => {
    expect(KAFKA_ERRORS.at(-1)).toMatchObject({ code: 133, name: "SHARE_SESSION_LIMIT_REACHED" });
    expect(KAFKA_ERRORS).toHaveLength(135);
  });

  it("names every entry in UPPER_SNAKE and gives a message to all but NONE", () => {
    for (const e of KAFKA_ERRORS) {
      expect(e.name).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(e.known).toBe(true);
      if (e.code !== 0) expect(e.message.length).toBeGreaterThan(5);
    }
    expect(errorByCode(0)).toMatchObject({ name: "NONE", message: "", retriable: false });
  });

  it("agrees with Kafka's Errors.java on retriable (spot checks)", () => {
    const retriable: Record<string, boolean> = {
      UNKNOWN_SERVER_ERROR: false,
      OFFSET_OUT_OF_RANGE: false,
      CORRUPT_MESSAGE: true,
      UNKNOWN_TOPIC_OR_PARTITION: true,
      LEADER_NOT_AVAILABLE: true,
      NOT_LEADER_OR_FOLLOWER: true,
      REQUEST_TIMED_OUT: true,
      MESSAGE_TOO_LARGE: false,
      NETWORK_EXCEPTION: true,
      COORDINATOR_LOAD_IN_PROGRESS: true,
      NOT_COORDINATOR: true,
      NOT_ENOUGH_REPLICAS: true,
      NOT_ENOUGH_REPLICAS_AFTER_APPEND: true,
      INVALID_REQUIRED_ACKS: false,
      TOPIC_AUTHORIZATION_FAILED: false,
      UNSUPPORTED_VERSION: false,
      TOPIC_ALREADY_EXISTS: false,
      NOT_CONTROLLER: true,
      OUT_OF_ORDER_SEQUENCE_NUMBER: false,
      DUPLICATE_SEQUENCE_NUMBER: false,
      INVALID_PRODUCER_EPOCH: false,
      CONCURRENT_TRANSACTIONS: true,
      KAFKA_STORAGE_ERROR: true,
      UNKNOWN_PRODUCER_ID: false,
      FENCED_LEADER_EPOCH: true,
      UNKNOWN_LEADER_EPOCH: true,
      UNSUPPORTED_COMPRESSION_TYPE: false,
      OFFSET_NOT_AVAILABLE: true,
      THROTTLING_QUOTA_EXCEEDED: true,
      PRODUCER_FENCED: false,
      UNKNOWN_TOPIC_ID: true,
      TRANSACTION_ABORTABLE: false,
    };
    for (const [name, want] of Object.entries(retriable)) expect(errorByName(name)?.retriable, name).toBe(want);
    expect(KAFKA_ERRORS.filter((e) => e.retriable)).toHaveLength(32);
  });

  it("KafkaErrorCode maps each name to its code", () => {
    expect(KafkaErrorCode.NOT_LEADER_OR_FOLLOWER).toBe(6);
    expect(KafkaErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER).toBe(45);
    expect(KafkaErrorCode.UNKNOWN_SERVER_ERROR).toBe(-1);
    expect(KafkaErrorCode.NONE).toBe(0);
    for (const e of KAFKA_ERRORS) expect((KafkaErrorCode as Record<string, number>)[e.name]).toBe(e.code);
  });

  it("errorByCode gives a synthetic, non-retriable entry for an unknown code, never undefined", () => {
    expect(errorByCode(6).name).toBe("NOT_LEADER_OR_FOLLOWER");
    for (const code of [134, 999, -2, 1.5, Number.NaN]) {
      const e = errorByCode(code);
      expect(e.known).toBe(false);
      expect(e.retriable).toBe(false);
      expect(e.name).toBe(`UNKNOWN_ERROR_CODE_${String(code)}`);
      expect(e.code).toBe(code);
    }
    expect(errorByName("NO_SUCH_ERROR")).toBeUndefined();
  });

  it("keeps Kafka's default messages", () => {
    expect(errorByCode(7).message).toBe("The request timed out.");
    expect(errorByCode(35).message).toBe("The version of API is not supported.");
    expect(errorByCode(6).message).toMatch(/^For requests intended only for the leader/);
  });
});

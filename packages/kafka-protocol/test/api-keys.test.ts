import { describe, expect, it } from "vitest";
import {
  API_VERSIONS,
  ApiKey,
  apiName,
  apiVersionRange,
  FLEXIBLE_FROM,
  isFlexibleVersion,
  isKnownApiKey,
  isSupportedVersion,
  NEVER_FLEXIBLE,
} from "../src/api-keys.js";

describe("ApiKey", () => {
  it("names every key from 0 to 87 exactly once", () => {
    const keys = Object.values(ApiKey).sort((a, b) => a - b);
    expect(keys).toEqual(Array.from({ length: 88 }, (_, i) => i));
  });

  it("has the keys the version plan names", () => {
    expect([
      ApiKey.Produce,
      ApiKey.Fetch,
      ApiKey.ListOffsets,
      ApiKey.Metadata,
      ApiKey.FindCoordinator,
      ApiKey.ApiVersions,
      ApiKey.CreateTopics,
      ApiKey.DeleteTopics,
      ApiKey.InitProducerId,
    ]).toEqual([0, 1, 2, 3, 10, 18, 19, 20, 22]);
  });

  it("apiName inverts ApiKey and names unknown keys without throwing", () => {
    for (const [name, key] of Object.entries(ApiKey)) expect(apiName(key)).toBe(name);
    expect(apiName(88)).toBe("UnknownApi(88)");
    expect(apiName(-1)).toBe("UnknownApi(-1)");
    expect(isKnownApiKey(1.5)).toBe(false);
  });
});

describe("FLEXIBLE_FROM", () => {
  it("has one entry per key", () => {
    expect(FLEXIBLE_FROM.length).toBe(Object.keys(ApiKey).length);
  });

  it("matches the schemas' flexibleVersions (spot checks)", () => {
    expect(FLEXIBLE_FROM[ApiKey.Produce]).toBe(9);
    expect(FLEXIBLE_FROM[ApiKey.Fetch]).toBe(12);
    expect(FLEXIBLE_FROM[ApiKey.ListOffsets]).toBe(6);
    expect(FLEXIBLE_FROM[ApiKey.Metadata]).toBe(9);
    expect(FLEXIBLE_FROM[ApiKey.ControlledShutdown]).toBe(3);
    expect(FLEXIBLE_FROM[ApiKey.OffsetCommit]).toBe(8);
    expect(FLEXIBLE_FROM[ApiKey.JoinGroup]).toBe(6);
    expect(FLEXIBLE_FROM[ApiKey.SaslHandshake]).toBe(NEVER_FLEXIBLE);
    expect(FLEXIBLE_FROM[ApiKey.ApiVersions]).toBe(3);
    expect(FLEXIBLE_FROM[ApiKey.WriteTxnMarkers]).toBe(1);
    expect(FLEXIBLE_FROM[ApiKey.OffsetDelete]).toBe(NEVER_FLEXIBLE);
    expect(FLEXIBLE_FROM[ApiKey.Vote]).toBe(0);
    expect(FLEXIBLE_FROM[ApiKey.BeginQuorumEpoch]).toBe(1);
    expect(FLEXIBLE_FROM[ApiKey.ReadShareGroupStateSummary]).toBe(0);
  });
});

describe("API_VERSIONS", () => {
  it("is the version plan, with the schemas' flexible boundaries", () => {
    const plan = Object.fromEntries(
      Object.entries(API_VERSIONS).map(([name, r]) => [name, [r.minVersion, r.maxVersion, r.flexibleFrom]]),
    );
    expect(plan).toEqual({
      Produce: [0, 11, 9],
      Fetch: [4, 17, 12],
      ListOffsets: [0, 10, 6],
      Metadata: [0, 12, 9],
      FindCoordinator: [0, 6, 3],
      ApiVersions: [0, 4, 3],
      CreateTopics: [0, 7, 5],
      DeleteTopics: [0, 6, 4],
      InitProducerId: [0, 5, 2],
    });
  });

  it("keys each range by the name of its api key", () => {
    for (const [name, r] of Object.entries(API_VERSIONS)) {
      expect(apiName(r.apiKey)).toBe(name);
      expect(apiVersionRange(r.apiKey)).toBe(r);
      expect(r.flexibleFrom).toBe(FLEXIBLE_FROM[r.apiKey]);
    }
  });

  it("isSupportedVersion follows the ranges and refuses unimplemented APIs", () => {
    expect(isSupportedVersion(ApiKey.Fetch, 3)).toBe(false);
    expect(isSupportedVersion(ApiKey.Fetch, 4)).toBe(true);
    expect(isSupportedVersion(ApiKey.Fetch, 17)).toBe(true);
    expect(isSupportedVersion(ApiKey.Fetch, 18)).toBe(false);
    expect(isSupportedVersion(ApiKey.Fetch, 4.5)).toBe(false);
    expect(isSupportedVersion(ApiKey.JoinGroup, 0)).toBe(false);
    expect(apiVersionRange(ApiKey.JoinGroup)).toBeUndefined();
  });

  it("isFlexibleVersion turns on at the boundary, for every known key", () => {
    expect(isFlexibleVersion(ApiKey.Metadata, 8)).toBe(false);
    expect(isFlexibleVersion(ApiKey.Metadata, 9)).toBe(true);
    expect(isFlexibleVersion(ApiKey.JoinGroup, 6)).toBe(true);
    expect(isFlexibleVersion(ApiKey.SaslHandshake, 1)).toBe(false);
    expect(isFlexibleVersion(99, 0)).toBe(false);
  });
});

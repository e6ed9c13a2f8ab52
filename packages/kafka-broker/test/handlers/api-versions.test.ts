import { API_VERSIONS, ApiKey } from "@csp-kit/kafka-protocol";
import { describe, expect, it } from "vitest";
import { ADVERTISED_VERSIONS, servedRange } from "../../src/internal/server/versions.js";
import { useBrokers } from "../support/broker.js";
import { RawClient } from "../support/client.js";

const start = useBrokers();

describe("ApiVersions", () => {
  it("advertises only ranges the protocol package can decode, and serves inside what it advertises", () => {
    const implemented = new Map(Object.values(API_VERSIONS).map((r) => [r.apiKey, r]));
    for (const v of ADVERTISED_VERSIONS) {
      const r = implemented.get(v.apiKey as never);
      expect(r, `API ${v.apiKey}`).toBeDefined();
      expect(v.minVersion).toBeGreaterThanOrEqual(r!.minVersion);
      expect(v.maxVersion).toBeLessThanOrEqual(r!.maxVersion);
      const served = servedRange(v.apiKey)!;
      expect(served.minVersion).toBeGreaterThanOrEqual(v.minVersion);
      expect(served.maxVersion).toBeLessThanOrEqual(v.maxVersion);
    }
  });

  it("keeps the traps of KAFKA.md: Produce from v0, FindCoordinator advertised, zstd's Produce 7 and Fetch 10 in range", () => {
    const byKey = new Map(ADVERTISED_VERSIONS.map((v) => [v.apiKey, v]));
    expect(byKey.get(ApiKey.Produce)!.minVersion).toBe(0);
    expect(byKey.get(ApiKey.Produce)!.maxVersion).toBeGreaterThanOrEqual(7);
    expect(byKey.has(ApiKey.FindCoordinator)).toBe(true);
    expect(byKey.get(ApiKey.Fetch)!.minVersion).toBeLessThanOrEqual(10);
    expect(byKey.get(ApiKey.Fetch)!.maxVersion).toBeGreaterThanOrEqual(10);
    expect(byKey.get(ApiKey.Metadata)!.maxVersion).toBeGreaterThanOrEqual(9); // @platformatic/kafka
    for (const groupApi of [ApiKey.JoinGroup, ApiKey.OffsetCommit, ApiKey.EndTxn])
      expect(byKey.has(groupApi)).toBe(false);
  });

  it.each([0, 1, 2, 3, 4])("answers v%i with every advertised range", async (version) => {
    const { port } = await start();
    const client = await RawClient.connect(port);
    const body = await client.request(ApiKey.ApiVersions, version, {
      clientSoftwareName: "test",
      clientSoftwareVersion: "1.0",
    });
    expect(body.errorCode).toBe(0);
    expect(body.apiKeys).toEqual(ADVERTISED_VERSIONS);
    client.close();
  });
});

import { describe, expect, it } from "vitest";
import { CLIENT_DEFAULTS, type ClientOptions, type ConfigFailure, validateClientOptions } from "../src/options.js";

class Refused extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    message: string,
  ) {
    super(`${field} ${message}`);
  }
}

const fail: ConfigFailure = (field, value, message) => {
  throw new Refused(field, value, message);
};

const bootstrap = ["127.0.0.1:9092"];

function refusal(options: unknown): Refused {
  try {
    validateClientOptions(options as ClientOptions, fail);
  } catch (e) {
    if (e instanceof Refused) return e;
    throw e;
  }
  throw new Error("validateClientOptions accepted the options");
}

describe("validateClientOptions", () => {
  it("fills in sarama's defaults", () => {
    const c = validateClientOptions({ bootstrap }, fail);
    expect(c).toEqual({
      bootstrap,
      clientId: "csp-kit",
      metadata: { refreshFrequency: 600_000, retryMax: 3, retryBackoff: 250 },
      net: { dialTimeout: 30_000, readTimeout: 30_000, tls: undefined },
    });
    expect(c.clientId).toBe(CLIENT_DEFAULTS.clientId);
  });

  it("keeps what it is given, copies bootstrap and freezes the result", () => {
    const list = ["a:1", "b:65535"];
    const c = validateClientOptions(
      {
        bootstrap: list,
        clientId: "app",
        metadata: { refreshFrequency: 0, retryMax: 0, retryBackoff: 0 },
        net: { dialTimeout: 1, readTimeout: 2, tls: { servername: "kafka" } },
      },
      fail,
    );
    expect(c.bootstrap).toEqual(list);
    expect(c.bootstrap).not.toBe(list);
    expect(c.metadata).toEqual({ refreshFrequency: 0, retryMax: 0, retryBackoff: 0 });
    expect(c.net).toEqual({ dialTimeout: 1, readTimeout: 2, tls: { servername: "kafka" } });
    expect(c.clientId).toBe("app");
    for (const part of [c, c.bootstrap, c.metadata, c.net]) expect(Object.isFrozen(part)).toBe(true);
  });

  it("turns net.tls true into Node's defaults and false into plaintext", () => {
    expect(validateClientOptions({ bootstrap, net: { tls: true } }, fail).net.tls).toEqual({});
    expect(validateClientOptions({ bootstrap, net: { tls: false } }, fail).net.tls).toBeUndefined();
  });

  it.each([
    [null, "options"],
    [{}, "bootstrap"],
    [{ bootstrap: [] }, "bootstrap"],
    [{ bootstrap: "h:1" }, "bootstrap"],
    [{ bootstrap: ["localhost"] }, "bootstrap[0]"],
    [{ bootstrap: ["a:1", "h:70000"] }, "bootstrap[1]"],
    [{ bootstrap: ["h:0"] }, "bootstrap[0]"],
    [{ bootstrap, clientId: 7 }, "clientId"],
    [{ bootstrap, metadata: 5 }, "metadata"],
    [{ bootstrap, metadata: { refreshFrequency: -1 } }, "metadata.refreshFrequency"],
    [{ bootstrap, metadata: { retryMax: 1.5 } }, "metadata.retryMax"],
    [{ bootstrap, metadata: { retryBackoff: "1" } }, "metadata.retryBackoff"],
    [{ bootstrap, net: [] }, "net"],
    [{ bootstrap, net: { dialTimeout: 0 } }, "net.dialTimeout"],
    [{ bootstrap, net: { readTimeout: 0 } }, "net.readTimeout"],
    [{ bootstrap, net: { tls: "on" } }, "net.tls"],
    [{ bootstrap, net: { tls: null } }, "net.tls"],
  ])("reports %j through fail, naming %s", (options, field) => {
    expect(refusal(options).field).toBe(field);
  });

  it("says what to do in its messages and passes the refused value", () => {
    expect(refusal({ bootstrap: "h:1" }).message).toMatch(/e\.g\. \["127\.0\.0\.1:9092"\]/);
    expect(refusal({ bootstrap: ["h:70000"] }).message).toMatch(/port from 1 to 65535 \(got "h:70000"\)/);
    const r = refusal({ bootstrap, net: { readTimeout: -5 } });
    expect(r.value).toBe(-5);
    expect(r.message).toBe("net.readTimeout must be a whole number >= 1 (got -5); it is the response timeout in ms");
  });

  it("ignores the fields it does not own", () => {
    const options = { bootstrap, maxWaitTime: "not mine" } as ClientOptions;
    expect(validateClientOptions(options, fail).bootstrap).toEqual(bootstrap);
  });

  it("runs the TSDoc example", () => {
    const config = validateClientOptions({ bootstrap: ["127.0.0.1:9092"] }, (field, _value, message) => {
      throw new Error(`${field} ${message}`);
    });
    expect(config.net.readTimeout).toBe(30000);
  });
});

import { describe, expect, it } from "vitest";
import { defaultClassifier, failWhen, InvalidOptionError, retryWhen } from "../src/index.js";

const value = { ok: true, value: 1 } as const;
const error = (e: unknown) => ({ ok: false, error: e }) as const;

describe("classifiers", () => {
  it("defaultClassifier: values succeed, every error is retried (Go's DefaultClassifier)", () => {
    expect(defaultClassifier(value)).toBe("succeed");
    expect(defaultClassifier(error(new Error("x")))).toBe("retry");
    expect(defaultClassifier(error(undefined))).toBe("retry");
  });

  it("retryWhen: the accepted errors retry, the others fail (Go's WhitelistClassifier)", () => {
    const c = retryWhen((e) => e === "transient");
    expect(c(value)).toBe("succeed");
    expect(c(error("transient"))).toBe("retry");
    expect(c(error("other"))).toBe("fail");
  });

  it("failWhen: the accepted errors fail, the others retry (Go's BlacklistClassifier)", () => {
    const c = failWhen((e) => e === "fatal");
    expect(c(value)).toBe("succeed");
    expect(c(error("fatal"))).toBe("fail");
    expect(c(error("other"))).toBe("retry");
  });

  it("a predicate that is not a function is refused when the classifier is made", () => {
    expect(() => retryWhen(undefined as never)).toThrow(InvalidOptionError);
    expect(() => failWhen("fatal" as never)).toThrow(/isFatal must be a function/);
  });
});

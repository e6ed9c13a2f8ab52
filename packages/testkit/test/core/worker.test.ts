import { describe, expect, it } from "vitest";
import { nextMessage, startWorker } from "../../src/core/worker.js";

describe("startWorker / nextMessage", () => {
  it("runs a TypeScript fixture with its workerData and returns its next message", async () => {
    const worker = startWorker(new URL("./fixtures/echo.ts", import.meta.url), { n: 21 });
    try {
      expect(await nextMessage<number>(worker)).toBe(42);
    } finally {
      await worker.terminate();
    }
  });

  it("rejects when the worker fails before it posts", async () => {
    const worker = startWorker(new URL("./fixtures/fail.ts", import.meta.url));
    try {
      await expect(nextMessage(worker)).rejects.toThrow("fixture failed on purpose");
    } finally {
      await worker.terminate();
    }
  });
});

/**
 * The dashboard in a real browser (the system's Chromium through
 * playwright-core): the page loads under its own Content-Security-Policy
 * with no error, goes live over its event stream, shows a topic's offsets
 * as records arrive, and its throughput figure moves while a client
 * produces. In the interop tier: it needs a browser, not only Node.
 */

import { ApiKey } from "@csp-kit/kafka-protocol";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useBrokers } from "../support/broker.js";
import { batchOf, produceBody, RawClient } from "../support/client.js";
import { launchChromium } from "./browser.js";

const start = useBrokers();
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe("the dashboard in Chromium", () => {
  it("shows the topic, its offsets, and throughput that moves while a client produces", async () => {
    const { broker, port } = await start({ httpPort: 0 });
    broker.createTopic("browser-test", { partitions: 2 });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });
    await page.goto(`http://127.0.0.1:${broker.httpPort}/`);
    await page.waitForFunction(() => document.getElementById("status")?.textContent === "live");
    const cell = (partition: number, column: string) =>
      page.locator(`tr[data-topic="browser-test"][data-partition="${partition}"] .${column}`);
    await expect.poll(() => cell(1, "high-watermark").textContent()).toBe("0");
    expect(await page.locator("#produce-rate").textContent()).toBe("0");

    // Produce until the page has shown a non-zero rate (bounded), 50 records a request.
    const client = await RawClient.connect(port);
    let produced = 0;
    let rateSeen = "0";
    for (let i = 0; i < 5_000 && (rateSeen === "0" || produced < 1_000); i++) {
      await client.request(ApiKey.Produce, 7, produceBody("browser-test", 1, batchOf(Array(50).fill("v"))));
      produced += 50;
      if (i % 20 === 0) rateSeen = (await page.locator("#produce-rate").textContent()) ?? "0";
    }
    expect(rateSeen).not.toBe("0");
    await expect.poll(() => cell(1, "high-watermark").textContent(), { timeout: 10_000 }).toBe(String(produced));
    expect(await cell(1, "log-start").textContent()).toBe("0");
    expect(await cell(0, "high-watermark").textContent()).toBe("0");
    // The client is listed with its client id; the chart has its two lines.
    await expect.poll(() => page.locator("#clients").textContent()).toContain("raw-test");
    expect(await page.locator("#chart-msgs polyline").count()).toBe(2);

    // The client goes: the page lists the disconnect; the rate falls back to zero.
    client.close();
    await expect.poll(() => page.locator("#disconnects").textContent(), { timeout: 10_000 }).toContain("raw-test");
    await expect.poll(() => page.locator("#produce-rate").textContent(), { timeout: 10_000 }).toBe("0");
    expect(problems).toEqual([]);
    await page.close();
  });
});

/**
 * The system's Chromium, driven by playwright-core (which never downloads a
 * browser here): found on PATH (Debian's `chromium`), or named by
 * CHROMIUM_PATH. Headless, no sandbox (CI runs as root), no GPU, no
 * background traffic.
 */

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

const CANDIDATES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/** The Chromium executable, or an error that says how to get one. */
export function findChromium(): string {
  const given = process.env.CHROMIUM_PATH;
  if (given !== undefined && given !== "") {
    if (!existsSync(given)) throw new Error(`CHROMIUM_PATH=${given} does not exist`);
    return given;
  }
  for (const name of CANDIDATES) {
    try {
      const path = execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
      if (path !== "") return path;
    } catch {
      // not this one
    }
  }
  throw new Error(
    "no Chromium found: install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH to its executable",
  );
}

/** Launches headless Chromium. Close it when done. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(),
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

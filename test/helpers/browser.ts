// Debian's Chromium driven by playwright-core (no browser download): .ci/run installs the
// `chromium` package when it is missing. Screenshots go under test-output/ (not committed).
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const TEST_OUTPUT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "test-output");

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install chromium (.ci/run does this)`);
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
}

export function screenshotPath(name: string): string {
  const dir = join(TEST_OUTPUT, "console");
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}

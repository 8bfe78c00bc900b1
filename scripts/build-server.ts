// Bundles the Node server entry (src/main.ts) with esbuild into dist/server/, what the container
// runs: one pass over a few files instead of resolving and type-stripping ~200 modules at start-up
// (first served request ~150 ms instead of ~230 ms here). The same slimmed dependencies as the
// Lambda bundle; code that runs only sometimes (Secrets Manager / SSM clients, Redis, PostgreSQL,
// metrics, tokenizers) stays in chunks loaded on first use. better-sqlite3 is a native module and
// is loaded from node_modules, so dist/server must sit inside the project (or next to node_modules).
// Usage: node scripts/build-server.ts   (npm run build)
import { build } from "esbuild";
import { cpSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { builtinFacadeShim } from "./builtin-facade-shim.ts";
import { LAMBDA_NODE_TARGET, slimDependencies } from "./build-lambda.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const SERVER_OUTDIR = resolve(ROOT, "dist/server");
/** The bundled entry, relative to the project root (the container's start command runs it). */
export const SERVER_ENTRY = "dist/server/main.mjs";

export async function buildServer(outdir = SERVER_OUTDIR): Promise<string> {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: { main: "src/main.ts" },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: LAMBDA_NODE_TARGET,
    mainFields: ["module", "main"],
    plugins: [slimDependencies, builtinFacadeShim],
    // pino-pretty: a dev dependency for LOG_FORMAT=pretty at a terminal, never part of a bundle.
    external: ["better-sqlite3", "pg-native", "pino-pretty"],
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "eof",
    logLevel: "warning",
    banner: {
      js: 'import { createRequire as __gatewayCreateRequire } from "node:module"; const require = __gatewayCreateRequire(import.meta.url);',
    },
  });
  // The console's own stylesheet and scripts, served as files (src/console/console-assets.ts
  // looks for them in console-assets/ beside the bundle; Chart.js comes from node_modules).
  cpSync(resolve(ROOT, "src/console/assets"), resolve(outdir, "console-assets"), { recursive: true });
  return resolve(outdir, "main.mjs");
}

if (import.meta.main) {
  const entry = await buildServer();
  process.stdout.write(`${entry}\n`);
}

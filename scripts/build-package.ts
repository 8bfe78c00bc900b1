// Builds what the npm package runs (`npm pack` runs this through "prepack"): the server bundle
// (dist/server, as the container runs it), the CLI (dist/cli) and the demo (dist/demo: the gateway
// plus the Bedrock stand-in, one file, because the stand-in finds the Smithy models it validates
// against at ../../spec/ relative to itself). The launcher bin/bedrock-gateway.mjs picks them up.
// Usage: node scripts/build-package.ts
import { build } from "esbuild";
import type { BuildOptions } from "esbuild";
import { rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { LAMBDA_NODE_TARGET, slimDependencies } from "./build-lambda.ts";
import { buildServer } from "./build-server.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const common: BuildOptions = {
  absWorkingDir: ROOT,
  bundle: true,
  format: "esm",
  platform: "node",
  target: LAMBDA_NODE_TARGET,
  mainFields: ["module", "main"],
  plugins: [slimDependencies],
  // A native module (loaded from node_modules) and pg's optional native binding.
  external: ["better-sqlite3", "pg-native"],
  outExtension: { ".js": ".mjs" },
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "eof",
  logLevel: "warning",
  banner: { js: 'import { createRequire as __gatewayCreateRequire } from "node:module"; const require = __gatewayCreateRequire(import.meta.url);' },
};

export async function buildPackage(): Promise<string[]> {
  const server = await buildServer();
  const out: string[] = [server];
  for (const [name, entry, splitting] of [
    ["cli", "src/cli/main.ts", true],
    ["demo", "scripts/demo.ts", false],
  ] as const) {
    const outdir = resolve(ROOT, "dist", name);
    rmSync(outdir, { recursive: true, force: true });
    await build({ ...common, entryPoints: { main: entry }, outdir, splitting, chunkNames: "chunks/[name]-[hash]" });
    out.push(resolve(outdir, "main.mjs"));
  }
  return out;
}

if (import.meta.main) {
  for (const f of await buildPackage()) process.stdout.write(`${f}\n`);
}

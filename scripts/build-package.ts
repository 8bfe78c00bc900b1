// Builds what the npm package runs (`npm pack` runs this through "prepack"): the server bundle
// (dist/server, as the container runs it), the CLI (dist/cli) and the demo (dist/demo: the gateway
// plus the Bedrock stand-in, one file, because the stand-in finds the Smithy models it validates
// against at ../../spec/ relative to itself). The launcher bin/bedrock-gateway.mjs picks them up.
// Usage: node scripts/build-package.ts [server] [cli] [demo]
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
  banner: {
    js: 'import { createRequire as __gatewayCreateRequire } from "node:module"; const require = __gatewayCreateRequire(import.meta.url);',
  },
};

export type PackagePart = "server" | "cli" | "demo";

/** Builds the parts into `outRoot`/dist (the project itself by default; a staging copy in tests). */
export async function buildPackage(outRoot = ROOT, parts: PackagePart[] = ["server", "cli", "demo"]): Promise<string[]> {
  const out: string[] = [];
  if (parts.includes("server")) out.push(await buildServer(resolve(outRoot, "dist", "server")));
  for (const [name, entry, splitting] of [
    ["cli", "src/cli/main.ts", true],
    ["demo", "scripts/demo.ts", false],
  ] as const) {
    if (!parts.includes(name)) continue;
    const outdir = resolve(outRoot, "dist", name);
    rmSync(outdir, { recursive: true, force: true });
    await build({ ...common, entryPoints: { main: entry }, outdir, splitting, chunkNames: "chunks/[name]-[hash]" });
    out.push(resolve(outdir, "main.mjs"));
  }
  return out;
}

if (import.meta.main) {
  // node scripts/build-package.ts [server] [cli] [demo]   (all three by default; the image skips the demo)
  const parts = process.argv.slice(2) as PackagePart[];
  for (const f of await buildPackage(ROOT, parts.length ? parts : undefined)) process.stdout.write(`${f}\n`);
}

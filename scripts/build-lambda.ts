// Bundles the Lambda entry (src/lambda.ts) with esbuild into dist/lambda/ and zips it into
// dist/bedrock-gateway-lambda.zip, the artefact the Lambda stack deploys (handler `index.handler`).
// Code splitting keeps what runs only sometimes (Secrets Manager / SSM clients, the SSO, profile and
// web-identity credential providers) in chunks that are loaded on first use, not at init.
// Usage: node scripts/build-lambda.ts [outdir]   (prints sizes as JSON)
import { build } from "esbuild";
import type { Metafile, Plugin } from "esbuild";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeZip } from "./zip.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The handler setting of the Lambda function: <entry file without extension>.<export>. */
export const LAMBDA_HANDLER = "index.handler";
export const LAMBDA_ENTRY_FILE = "index.mjs";
export const LAMBDA_ZIP_NAME = "bedrock-gateway-lambda.zip";
/** Oldest Node.js the bundle targets; the Lambda runtime (nodejs24.x) must be at least this. */
export const LAMBDA_NODE_TARGET = "node22";

export interface LambdaBuild {
  outdir: string;
  entry: string;
  /** Every emitted file with its size in bytes. */
  files: { file: string; bytes: number }[];
  totalBytes: number;
  /** The entry plus every chunk it imports statically: the code Lambda loads at init. */
  initFiles: string[];
  initBytes: number;
  /** Input modules that end up in the init files (for checks that the SDK clients stay out). */
  initInputs: string[];
  zip: string;
  zipBytes: number;
}

/**
 * Two packages ship much more than the gateway runs, and their CommonJS / namespace exports defeat
 * tree shaking: undici's index loads fetch, WebSocket, mocks and caches (the gateway needs Agent and
 * errors), and zod's `z` namespace pulls in every locale (only English is used). Replacing their
 * entry modules cuts the init code by ~40% (~0.7 MB) and the init time by about a third.
 */
const UNDICI_SHIM = `
const Dispatcher = require("undici/lib/dispatcher/dispatcher.js");
Object.assign(Dispatcher.prototype, require("undici/lib/api/index.js"));
module.exports = { Agent: require("undici/lib/dispatcher/agent.js"), errors: require("undici/lib/core/errors.js"), Dispatcher };
`;
export const UNDICI_SHIM_EXPORTS = ["Agent", "errors", "Dispatcher"];
const ZOD_LOCALES_SHIM = `export { default as en } from "zod/v4/locales/en.js";`;

export const slimDependencies: Plugin = {
  name: "slim-dependencies",
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: "undici", namespace: "gateway-shim" }));
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: "zod-locales", namespace: "gateway-shim" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "gateway-shim" }, (args) => ({
      contents: args.path === "undici" ? UNDICI_SHIM : ZOD_LOCALES_SHIM,
      loader: "js",
      resolveDir: ROOT,
    }));
  },
};

/** Named imports of "undici" in src/ that the shim would not provide (they would be undefined at run time). */
export function missingUndiciExports(): string[] {
  const missing = new Set<string>();
  for (const file of listFiles(join(ROOT, "src")).filter((f) => f.endsWith(".ts"))) {
    const text = readFileSync(join(ROOT, "src", file), "utf8");
    for (const m of text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+"undici"/g)) {
      if (m[1]) continue;
      for (const spec of m[2]!.split(",")) {
        const name = spec
          .trim()
          .replace(/^type\s+/, "")
          .split(/\s+as\s+/)[0]!
          .trim();
        if (name && !spec.trim().startsWith("type ") && !UNDICI_SHIM_EXPORTS.includes(name)) missing.add(name);
      }
    }
  }
  return [...missing];
}

function staticClosure(meta: Metafile, entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imp of meta.outputs[file]?.imports ?? []) if (imp.kind === "import-statement" && !imp.external) visit(imp.path);
  };
  visit(entry);
  return seen;
}

export async function buildLambda(outdir = join(ROOT, "dist", "lambda")): Promise<LambdaBuild> {
  const missing = missingUndiciExports();
  if (missing.length) throw new Error(`scripts/build-lambda.ts: the undici shim lacks ${missing.join(", ")}; add them to UNDICI_SHIM`);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { index: "src/lambda.ts" },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: LAMBDA_NODE_TARGET,
    // ES module builds of the AWS SDK: real dynamic import() for the lazily loaded credential
    // providers and clients, so they become chunks outside the init path.
    mainFields: ["module", "main"],
    plugins: [slimDependencies],
    // A native module cannot be bundled: on Lambda the Responses store defaults to memory and the
    // keys-and-usage store to none (or PostgreSQL); SQLite chunks keep a plain import never evaluated.
    // pino-pretty: a dev dependency for LOG_FORMAT=pretty at a terminal, never part of a bundle.
    external: ["better-sqlite3", "pino-pretty"],
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    // Whitespace and syntax only: identifiers stay readable in stack traces in the function's log.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "eof",
    metafile: true,
    logLevel: "warning",
    // CommonJS dependencies call require() for Node built-ins; an ES module has none of its own.
    banner: {
      js: 'import { createRequire as __gatewayCreateRequire } from "node:module"; const require = __gatewayCreateRequire(import.meta.url);',
    },
  });

  const meta = result.metafile;
  const outputs = Object.keys(meta.outputs).filter((f) => !f.endsWith(".map"));
  const entryKey = outputs.find((f) => meta.outputs[f]!.entryPoint === "src/lambda.ts");
  if (!entryKey) throw new Error("esbuild produced no entry output");
  const abs = (f: string) => resolve(ROOT, f);
  const closure = staticClosure(meta, entryKey);

  const files = outputs
    .map((f) => ({ file: relative(outdir, abs(f)), bytes: statSync(abs(f)).size }))
    .sort((a, b) => a.file.localeCompare(b.file));
  const initFiles = [...closure].map((f) => relative(outdir, abs(f)));
  const initInputs = [...new Set([...closure].flatMap((f) => Object.keys(meta.outputs[f]!.inputs)))];

  const zip = join(dirname(outdir), LAMBDA_ZIP_NAME);
  writeZip(
    zip,
    files.map(({ file }) => ({ name: file, data: readFileSync(join(outdir, file)) })),
  );

  return {
    outdir,
    entry: join(outdir, LAMBDA_ENTRY_FILE),
    files,
    totalBytes: files.reduce((n, f) => n + f.bytes, 0),
    initFiles,
    initBytes: files.filter((f) => initFiles.includes(f.file)).reduce((n, f) => n + f.bytes, 0),
    initInputs,
    zip,
    zipBytes: statSync(zip).size,
  };
}

/** Every file below `dir`, relative to it. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)));
}

if (import.meta.main) {
  const out = await buildLambda(process.argv[2] ? resolve(process.argv[2]) : undefined);
  const summary = {
    handler: LAMBDA_HANDLER,
    zip: relative(ROOT, out.zip),
    zipBytes: out.zipBytes,
    totalBytes: out.totalBytes,
    initBytes: out.initBytes,
    files: out.files.length,
  };
  writeFileSync(join(dirname(out.outdir), "lambda-build.json"), JSON.stringify({ ...summary, initFiles: out.initFiles }, null, 2) + "\n");
  console.log(JSON.stringify(summary));
}

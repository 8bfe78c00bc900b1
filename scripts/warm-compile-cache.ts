// Image build step (see Dockerfile): starts the gateway once with the image's own start command,
// waits until /health answers, stops it with SIGTERM and expects a clean exit. With NODE_COMPILE_CACHE
// set, Node writes its compile cache for every module the start-up loaded, so containers start from
// a warm cache; it also compiles the lazily loaded Secrets Manager / SSM clients. A server that
// cannot start fails the image build here rather than in production.
// Usage (in the image): NODE_COMPILE_CACHE=/app/.compile-cache node scripts/warm-compile-cache.ts
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { enableCompileCache, flushCompileCache } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The container's start command (Dockerfile CMD, the bundle of npm run build); a test keeps the two identical. */
export const IMAGE_COMMAND = ["node", "dist/server/main.mjs"] as const;

export interface RunningServer {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** SIGTERM, then the exit code (null when killed by a signal). */
  stop: (timeoutMs?: number) => Promise<number | null>;
}

/** Starts IMAGE_COMMAND in the repository root with this environment on an ephemeral port. */
export async function startImageCommand(env: NodeJS.ProcessEnv, timeoutMs = 15_000): Promise<RunningServer> {
  const child = spawn(process.execPath, IMAGE_COMMAND.slice(1), {
    cwd: ROOT,
    env: { ...env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: env.LOG_LEVEL ?? "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
  child.stderr.on("data", (d: Buffer) => (out += d.toString("utf8")));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));

  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      const m = /"port":(\d+)[^\n]*"msg":"bedrock-gateway listening"/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout.off("data", check);
        resolvePort(Number(m[1]));
      }
    };
    child.stdout.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before listening:\n${out}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    child,
    output: () => out,
    async stop(stopTimeoutMs = 10_000) {
      child.kill("SIGTERM");
      let t: NodeJS.Timeout | undefined;
      const code = await Promise.race([exited, new Promise<"timeout">((r) => (t = setTimeout(() => r("timeout"), stopTimeoutMs)))]);
      clearTimeout(t);
      if (code === "timeout") {
        child.kill("SIGKILL");
        throw new Error(`the server did not stop within ${stopTimeoutMs} ms after SIGTERM`);
      }
      return code;
    },
  };
}

if (import.meta.main) {
  const dir = process.env.NODE_COMPILE_CACHE;
  if (!dir) throw new Error("set NODE_COMPILE_CACHE to the directory the image will use");
  enableCompileCache(dir);
  await import("@aws-sdk/client-secrets-manager");
  await import("@aws-sdk/client-ssm");
  flushCompileCache();

  // Nothing real is called: Bedrock endpoints point at a closed local port (the catalog stays
  // empty, /health says "degraded") and the credentials are placeholders.
  const server = await startImageCommand({
    PATH: process.env.PATH,
    NODE_COMPILE_CACHE: dir,
    API_KEY: "compile-cache-warm-up",
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIAWARMUP",
    AWS_SECRET_ACCESS_KEY: "warm-up",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ENDPOINT_URL_BEDROCK: "http://127.0.0.1:9",
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: "http://127.0.0.1:9",
    AWS_ENDPOINT_URL_BEDROCK_MANTLE: "http://127.0.0.1:9",
    UPSTREAM_RETRY_MAX_TIME: "0",
  });
  const health = await fetch(`${server.url}/health`);
  const models = await fetch(`${server.url}/v1/models`, { headers: { authorization: "Bearer compile-cache-warm-up" } });
  const code = await server.stop();
  if (health.status !== 200 || code !== 0) {
    throw new Error(`warm-up failed: /health ${health.status}, /v1/models ${models.status}, exit ${code}\n${server.output()}`);
  }
  console.log(`compile cache warmed in ${dir} (/health ${health.status}, /v1/models ${models.status}, exit ${code})`);
}

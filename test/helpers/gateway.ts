// Starts the real gateway (config → dependencies → createApp → Node server) on an ephemeral port
// against a Bedrock test double reached through the standard AWS endpoint variables, with a real
// `openai` client pointed at it. Logs are captured so tests can assert what was (not) logged.
import { serve } from "@hono/node-server";
import type { ServerType } from "@hono/node-server";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import OpenAI from "openai";
import { createApp } from "../../src/app.ts";
import type { ApiKeyVerifier } from "../../src/auth/api-key-verifier.ts";
import { loadConfig } from "../../src/config/config.ts";
import { createRuntime } from "../../src/dependencies.ts";
import type { Runtime } from "../../src/dependencies.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { httpServerOptions } from "../../src/server/http-server-options.ts";
import { startFakeBedrock, TEST_CREDENTIALS } from "../fake-bedrock/fake-bedrock.ts";
import type { FakeBedrock, FakeBedrockOptions } from "../fake-bedrock/fake-bedrock.ts";

export const TEST_API_KEY = "sk-test-gateway-key-0123456789";

export interface TestGateway {
  url: string;
  baseURL: string;
  fake: FakeBedrock;
  runtime: Runtime;
  logs: Record<string, unknown>[];
  logText: () => string;
  openai: OpenAI;
  /** fetch relative to the gateway origin, with the test key unless headers say otherwise. */
  request: (path: string, init?: RequestInit & { noAuth?: boolean }) => Promise<Response>;
  close: () => Promise<void>;
}

export interface GatewayOptions {
  env?: Record<string, string | undefined>;
  fake?: FakeBedrock;
  fakeOptions?: FakeBedrockOptions;
  /** Wait for the model catalog before returning (default true). */
  waitForCatalog?: boolean;
  /** Replace the key verifier (e.g. several keys, to test per-key scoping). */
  auth?: ApiKeyVerifier;
}

/** The SDK's credential chain reads these from the process environment, as in production. */
export function useTestCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = TEST_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = TEST_CREDENTIALS.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  process.env.AWS_EC2_METADATA_DISABLED = "true";
}

/** The environment of a gateway child process pointed at the test double: endpoints and test credentials. */
export function fakeBedrockEnv(fake: FakeBedrock): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    AWS_REGION: fake.region,
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fake.url,
    AWS_ENDPOINT_URL_BEDROCK_MANTLE: fake.mantleUrl,
    AWS_ENDPOINT_URL_BEDROCK: fake.url,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: "true",
    LOG_LEVEL: "warn",
  };
}

export async function startGateway(opts: GatewayOptions = {}): Promise<TestGateway> {
  useTestCredentials();
  const fake = opts.fake ?? (await startFakeBedrock(opts.fakeOptions));
  // Each gateway keeps its files (Responses store, generated key) in a directory of its own.
  const dataDir = opts.env?.DATA_DIR === undefined ? mkdtempSync(join(tmpdir(), "bgw-test-")) : undefined;
  const env = {
    ...(dataDir ? { DATA_DIR: dataDir } : {}),
    API_KEY: TEST_API_KEY,
    AWS_REGION: fake.region,
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fake.url,
    AWS_ENDPOINT_URL_BEDROCK: fake.url,
    AWS_ENDPOINT_URL_BEDROCK_MANTLE: fake.mantleUrl,
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "info",
    ...opts.env,
  };
  const config = loadConfig(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)));
  const logs: Record<string, unknown>[] = [];
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (!line) continue;
        lines.push(line);
        logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      cb();
    },
  });
  const logger = createLogger(config.log.level, sink);
  const runtime = await createRuntime(config, logger);
  if (opts.auth) runtime.deps.auth = opts.auth;
  const app = createApp(runtime.deps);
  await runtime.start();
  if (opts.waitForCatalog !== false) await runtime.deps.catalog.ready(5000);

  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1", serverOptions: httpServerOptions(config.server) }, () =>
      resolve(s),
    );
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const baseURL = `${url}/v1`;
  const openai = new OpenAI({ baseURL, apiKey: TEST_API_KEY, maxRetries: 0, timeout: 20_000 });

  return {
    url,
    baseURL,
    fake,
    runtime,
    logs,
    logText: () => lines.join("\n"),
    openai,
    request: (path, init = {}) => {
      const headers = new Headers(init.headers);
      if (!init.noAuth && !headers.has("authorization")) headers.set("authorization", `Bearer ${TEST_API_KEY}`);
      return fetch(url + path, { ...init, headers });
    },
    async close() {
      await new Promise<void>((r) => {
        server.close(() => r());
        (server as import("node:http").Server).closeAllConnections();
      });
      await runtime.stop();
      if (!opts.fake) await fake.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

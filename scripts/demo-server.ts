// The demo, as a function: the tests and the doc tests start it the way `npm run demo` does.
import { serve } from "@hono/node-server";
import type { ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { createApp } from "../src/app.ts";
import { seedConsoleDemo } from "../src/console/demo-traffic.ts";
import { loadConfig } from "../src/config/config.ts";
import { createRuntime } from "../src/dependencies.ts";
import { createLogger } from "../src/logging/logger.ts";
import { HTTP_SERVER_OPTIONS } from "../src/server/http-server-options.ts";
import { demoInvoke, demoReply } from "../test/fake-bedrock/demo-model.ts";
import { startFakeBedrock, TEST_CREDENTIALS } from "../test/fake-bedrock/fake-bedrock.ts";

export const DEMO_KEY = "demo-key";
/** The demo's admin API key (keys and usage under /admin/), unless ADMIN_API_KEY names another. */
export const DEMO_ADMIN_KEY = "demo-admin-key";

export interface Demo {
  url: string;
  port: number;
  banner: string;
  close: () => Promise<void>;
}

export async function startDemo(opts: {
  port: number;
  env?: Record<string, string | undefined>;
  logLevel?: string;
  seedConsole?: boolean;
}): Promise<Demo> {
  const fake = await startFakeBedrock();
  fake.setDefault(demoReply);
  fake.onInvoke(demoInvoke);
  // The SDK's credential chain reads these; they only work against the double.
  process.env.AWS_ACCESS_KEY_ID = TEST_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = TEST_CREDENTIALS.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  const config = loadConfig({
    ...process.env,
    ...opts.env,
    API_KEY: DEMO_KEY,
    ADMIN_API_KEY: opts.env?.ADMIN_API_KEY ?? DEMO_ADMIN_KEY,
    API_KEY_SECRET_ARN: undefined,
    API_KEY_PARAM_NAME: undefined,
    HOST: "127.0.0.1",
    PORT: String(opts.port),
    AWS_REGION: fake.region,
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fake.url,
    AWS_ENDPOINT_URL_BEDROCK: fake.url,
    AWS_ENDPOINT_URL_BEDROCK_MANTLE: fake.mantleUrl,
    ...(opts.logLevel ? { LOG_LEVEL: opts.logLevel } : {}),
  });
  const logger = createLogger(config.log.level);
  const runtime = await createRuntime(config, logger);
  await runtime.start();
  await runtime.deps.catalog.ready(5000);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve(
      { fetch: createApp(runtime.deps).fetch, port: opts.port, hostname: "127.0.0.1", serverOptions: HTTP_SERVER_OPTIONS },
      () => resolve(s),
    );
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  // A little traffic and history for the console's charts (once per data directory).
  const d = runtime.deps;
  const seeded =
    d.keys && d.store && d.console && opts.seedConsole !== false
      ? await seedConsoleDemo({
          url,
          keys: d.keys,
          store: d.store,
          catalog: d.catalog,
          pricing: d.console.pricing,
          region: d.console.region,
        }).catch((err: unknown) => {
          logger.warn({ err }, "console demo data not seeded");
          return { seeded: false, requests: 0 };
        })
      : { seeded: false, requests: 0 };
  const banner =
    [
      "",
      "bedrock-gateway demo: the gateway in front of a local stand-in for Bedrock (no AWS account needed).",
      "The stand-in is deterministic: it calls tools, fills JSON schemas, reasons, embeds and ranks, but it is not a real model.",
      `  export OPENAI_BASE_URL=${url}/v1 OPENAI_API_KEY=${DEMO_KEY}`,
      `  export ANTHROPIC_BASE_URL=${url} ANTHROPIC_API_KEY=${DEMO_KEY}`,
      `  export ADMIN_API_KEY=${config.admin.apiKey}    # /admin/keys, /admin/usage`,
      '  curl $OPENAI_BASE_URL/models -H "Authorization: Bearer $OPENAI_API_KEY"',
      `  console: ${url}/console   (log in with the admin key above)`,
      ...(seeded.seeded ? [`  console demo data: 3 keys, ${seeded.requests} requests, 30 days of generated history`] : []),
      "",
    ].join("\n") + "\n";
  return {
    url,
    port,
    banner,
    async close() {
      await new Promise<void>((r) => {
        server.close(() => r());
        (server as import("node:http").Server).closeAllConnections();
      });
      await runtime.stop();
      await fake.close();
    },
  };
}

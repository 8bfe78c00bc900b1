// The Node server: configuration → dependencies → HTTP server, with a graceful drain on SIGTERM/SIGINT.
import { serve } from "@hono/node-server";
import type { ServerType } from "@hono/node-server";
import { createApp } from "./app.ts";
import { ConfigError, loadConfig } from "./config/config.ts";
import { createRuntime } from "./dependencies.ts";
import { createLogger } from "./logging/logger.ts";
import { prettyDestination } from "./logging/pretty-destination.ts";
import { drainOnSignals } from "./server/graceful-shutdown.ts";
import { httpServerOptions } from "./server/http-server-options.ts";
import { InflightRequests } from "./server/inflight-requests.ts";
import { VERSION } from "./version.ts";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`bedrock-gateway: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.log.level, config.log.format === "pretty" ? await prettyDestination() : undefined);
  if (config.log.debugBodies) {
    logger.warn("DEBUG=true: request and response bodies are logged. Do not use in production.");
  }
  if (config.auth.disabled) {
    logger.warn("DISABLE_AUTH=true: clients are NOT authenticated. Loopback only, never in production.");
  }

  const runtime = await createRuntime(config, logger);
  // Aborted at the drain deadline: the app ends its open streams with a terminal event and
  // records their usage (see server/graceful-shutdown.ts).
  const drainController = new AbortController();
  const inflight = new InflightRequests(drainController.signal);
  // The tracker runs first so that a request cut by the shutdown is marked before it is recorded.
  const app = createApp({ ...runtime.deps, drain: drainController.signal, observers: [inflight, ...(runtime.deps.observers ?? [])] });
  const startPromise = runtime.start();

  const serverOptions = httpServerOptions(config.server);
  const server: ServerType = serve(
    { fetch: inflight.wrap(app.fetch), port: config.server.port, hostname: config.server.host, serverOptions },
    (info) => {
      logger.info(
        {
          version: VERSION,
          address: info.address,
          port: info.port,
          region: runtime.region,
          // Process start → listening (Node's performance clock starts with the process).
          startupMs: Math.round(performance.now()),
          ...(runtime.telemetry ? { telemetry: runtime.telemetry.summary } : {}),
        },
        "bedrock-gateway listening",
      );
    },
  );
  drainOnSignals(server, {
    timeoutMs: config.server.shutdownTimeoutMs,
    logger,
    inflight,
    abort: () => drainController.abort(),
    onClosed: async () => {
      await runtime.stop();
      logger.flush();
    },
  });
  await startPromise;
}

main().catch((err: unknown) => {
  process.stderr.write(`bedrock-gateway: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

// AWS Lambda entry (response streaming; Function URL with InvokeMode RESPONSE_STREAM, or API Gateway
// REST with responseTransferMode STREAM). Init builds configuration, dependencies and the app and
// makes no network call: Lambda may run init long before the first request (provisioned
// concurrency, proactive init) and freezes the sandbox after it, so connections opened here could
// be dead by the time they are used. The first invocation starts the background work (model
// catalog, key from Secrets Manager / SSM); both are then cached across invocations, and a request
// that arrives before they are loaded waits briefly for them (catalog.ready, verifier.ready).
import pino from "pino";
import { createApp } from "./app.ts";
import { ConfigError, loadConfig } from "./config/config.ts";
import { createRuntime } from "./dependencies.ts";
import { awsLambdaRuntime } from "./lambda/lambda-types.ts";
import { createStreamHandler } from "./lambda/stream-handler.ts";
import { createLogger } from "./logging/logger.ts";
import { STREAM_END_GRACE_MS } from "./server/graceful-shutdown.ts";
import { InflightRequests } from "./server/inflight-requests.ts";

function lambdaConfig() {
  try {
    // Lambda's file system is read-only but for /tmp, and an instance's disk is not shared or
    // kept: keys, usage and stored responses need PostgreSQL (DATABASE_URL); without it stored
    // responses live in memory per instance. There is no process to scrape metrics from.
    const config = loadConfig(process.env, {
      DATA_DIR: "/tmp/bedrock-gateway",
      DATABASE_URL: "none",
      ENABLE_METRICS: "false",
      CONSOLE_ENABLED: "false",
    });
    // better-sqlite3 is not in the bundle (a native module).
    if (config.store.kind === "sqlite")
      throw new ConfigError("Invalid configuration:\n  DATABASE_URL: SQLite is not available on AWS Lambda; use postgres://… or none");
    // A function URL or API is reachable from outside whatever HOST says: never run it open.
    if (config.auth.disabled) throw new ConfigError("Invalid configuration:\n  DISABLE_AUTH: not allowed on AWS Lambda");
    return config;
  } catch (err) {
    // Lambda reports an init error with this message in the function's log.
    if (err instanceof ConfigError) process.stderr.write(`bedrock-gateway: ${err.message}\n`);
    throw err;
  }
}

const lambda = awsLambdaRuntime();
const config = lambdaConfig();
// Synchronous writes: Lambda freezes the sandbox when an invocation ends, and an asynchronous
// write still queued then would reach CloudWatch only at the next invocation.
const logger = createLogger(config.log.level, pino.destination({ dest: 1, sync: true }));
if (config.log.debugBodies) logger.warn("DEBUG=true: request and response bodies are logged. Do not use in production.");
const runtime = await createRuntime(config, logger);
// Aborted when the runtime announces the sandbox's shutdown (SIGTERM, below). The function
// deadline of each invocation is handled by the stream handler (a terminal timeout event).
const drainController = new AbortController();
const inflight = new InflightRequests(drainController.signal);
const app = createApp({ ...runtime.deps, drain: drainController.signal, observers: [inflight, ...(runtime.deps.observers ?? [])] });

let started = false;
function startOnce(): void {
  if (started) return;
  started = true;
  void runtime.start();
}

// With a store (DATABASE_URL=postgres://…), usage records are written before the sandbox can
// freeze — once the request has reported its end: a stream cut by the client or the function
// deadline reports it a few turns after its body stops, possibly after the response was ended.
// So are the spans and metrics of the invocation when OpenTelemetry is configured.
const afterResponse = async () => {
  await inflight.idle(STREAM_END_GRACE_MS);
  await Promise.all([
    runtime.usage?.flush(),
    runtime.telemetry?.flush().catch((err: unknown) => logger.warn({ err }, "telemetry flush failed")),
  ]);
};

// Lambda sends SIGTERM before it shuts a sandbox down when an extension is registered (then it
// gives the runtime ~300-500 ms): end anything open, write what is queued, close the pools
// (PostgreSQL connections are not left for the server to time out).
process.once("SIGTERM", () => {
  drainController.abort();
  void inflight
    .idle(200)
    .then(() => runtime.stop())
    .catch((err: unknown) => logger.error({ err }, "lambda: shutdown failed"))
    .finally(() => process.exit(0));
});

export const handler = lambda.streamifyResponse(
  createStreamHandler(lambda, inflight.wrap(app.fetch), { logger, onInvoke: startOnce, afterResponse }),
);

// Builds the gateway's long-lived parts from Config: the Bedrock transport (signer, pools), the
// model catalog and the key verifier. Shared by the Node entry, the Lambda entry and the demo.
import { loadConfig as loadSharedConfig, NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS } from "@smithy/core/config";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import type { Logger } from "pino";
import type { ApiKeyVerifier } from "./auth/api-key-verifier.ts";
import { refreshingKeyVerifier, staticKeyVerifier } from "./auth/api-key-verifier.ts";
import { secretsManagerLoader, ssmLoader } from "./auth/secret-loaders.ts";
import { BedrockHttp } from "./bedrock/transport/bedrock-http.ts";
import { defaultMantleEndpoint } from "./bedrock/transport/endpoints.ts";
import { createBearerSigner, createSigV4Signer } from "./bedrock/transport/request-signer.ts";
import type { Config } from "./config/config.ts";
import { ConfigError, DEFAULT_REGION } from "./config/config.ts";
import { isRegionShaped, regionWarning } from "./config/aws-regions.ts";
import type { AppDeps } from "./http/app-env.ts";
import { createKeyService } from "./keys/key-service.ts";
import { storeKeyVerifier } from "./keys/store-key-verifier.ts";
import { createAdmission } from "./limits/admission.ts";
import { guardLimiter } from "./limits/guarded-limiter.ts";
import { memoryLimiter } from "./limits/memory-limiter.ts";
import type { RateLimiter } from "./limits/rate-limiter.ts";
import { spendTracker } from "./limits/spend-tracker.ts";
import { recentRequests } from "./console/recent-requests.ts";
import { openStore } from "./store/open-store.ts";
import { loadPricing } from "./usage/pricing.ts";
import { requestEndObserver } from "./usage/request-end.ts";
import { createUsageRecorder } from "./usage/usage-recorder.ts";
import type { UsageRecorder } from "./usage/usage-recorder.ts";
import type { UsageRecord } from "./store/store.ts";
import { createUpstreams } from "./upstreams/create-upstreams.ts";
import type { Upstreams } from "./upstreams/create-upstreams.ts";
import { ThinkingStore } from "./converse/thinking-store.ts";
import { openResponsesState } from "./responses/open-response-store.ts";
import { createBatchJobsClient } from "./bedrock/batch-jobs-client.ts";
import type { BatchPoller } from "./batch/batch-poller.ts";
import { startTelemetry } from "./telemetry/telemetry.ts";
import type { Telemetry } from "./telemetry/telemetry.ts";
import { VERSION } from "./version.ts";
import { createNativeClient } from "./upstreams/native/native-client.ts";
import type { NativeClient } from "./upstreams/native/native-client.ts";

export interface Runtime {
  deps: AppDeps;
  region: string;
  /** Batched usage writer (absent with DATABASE_URL=none). */
  usage: UsageRecorder | undefined;
  /** OpenTelemetry export (absent unless an OTLP endpoint is configured). */
  telemetry: Telemetry | undefined;
  /** Begin background work (catalog refresh, key refresh). Does not wait for Bedrock. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface DependencyOverrides {
  credentials?: AwsCredentialIdentityProvider;
}

/** Region from config, else the AWS profile (as the SDK reads it), else us-west-2 like BAG. */
async function resolveRegion(config: Config): Promise<string> {
  if (config.aws.region) return config.aws.region;
  try {
    return await loadSharedConfig(NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS)();
  } catch {
    return DEFAULT_REGION;
  }
}

function createVerifier(config: Config, region: string, logger: Logger): ApiKeyVerifier | null {
  const s = config.auth.source;
  switch (s.kind) {
    case "static":
      return staticKeyVerifier(s.key);
    case "secrets-manager":
      return refreshingKeyVerifier(secretsManagerLoader(s.secretId, region), config.auth.refreshIntervalMs, logger, "secrets-manager");
    case "ssm":
      return refreshingKeyVerifier(ssmLoader(s.parameterName, region), config.auth.refreshIntervalMs, logger, "ssm");
    case "none":
      return null;
  }
}

export async function createRuntime(config: Config, logger: Logger, overrides: DependencyOverrides = {}): Promise<Runtime> {
  const region = await resolveRegion(config);
  // AWS_REGION is checked by config.ts; a region from the AWS profile is checked here.
  if (!isRegionShaped(region))
    throw new ConfigError(`Invalid configuration:\n  region: "${region}" (from the AWS profile) is not an AWS region name`);
  const noBedrock = regionWarning(region);
  if (noBedrock) logger.warn({ region }, noBedrock);
  // Prometheus is imported only when enabled; upstream series exist only with several targets.
  const built: { upstreams?: Upstreams } = {};
  const metrics = config.metrics.enabled
    ? (await import("./metrics/gateway-metrics.ts")).createGatewayMetrics({
        knownModel: (id) => built.upstreams?.catalog.snapshot?.lookup.has(id) === true || config.models.aliases.has(id),
      })
    : undefined;
  const events =
    metrics && config.upstreams.targets
      ? (await import("./upstreams/upstream-metrics.ts")).upstreamMetrics(metrics.registry, () => built.upstreams?.targets ?? [])
      : undefined;
  // Bedrock's OpenAI-compatible endpoints: the runtime's /openai/v1 shares the default target's
  // runtime pool; Mantle is another host with its own pool and SigV4 signing name.
  const retry = { maxElapsedMs: config.aws.retryMaxElapsedMs, baseDelayMs: 200, maxDelayMs: 2000 };
  const mantleHttp = config.native.enabled
    ? new BedrockHttp(
        config.aws.mantleEndpoint ?? defaultMantleEndpoint(region),
        config.aws.bearerToken
          ? createBearerSigner(config.aws.bearerToken)
          : createSigV4Signer(region, overrides.credentials, "bedrock-mantle"),
        config.aws.timeouts,
        retry,
      )
    : undefined;
  const nativeRef: { client?: NativeClient } = {};
  const nativeCatalog = mantleHttp
    ? {
        listMantleModels: () => nativeRef.client!.listMantleModels({ signal: AbortSignal.timeout(30_000) }),
        forceModels: config.native.forceModels,
      }
    : undefined;
  const upstreams = await createUpstreams(config, region, logger, {
    ...(overrides.credentials ? { credentials: overrides.credentials } : {}),
    ...(events ? { events } : {}),
    ...(nativeCatalog ? { native: nativeCatalog } : {}),
  });
  const native = mantleHttp ? createNativeClient({ runtime: upstreams.targets[0]!.runtimeHttp, mantle: mantleHttp }) : undefined;
  nativeRef.client = native;
  built.upstreams = upstreams;
  const { catalog } = upstreams;
  const staticAuth = createVerifier(config, region, logger);

  // Keys, limits, usage and metrics (README "API keys, limits and usage").
  const pricing = loadPricing(config.usage.pricingFile);
  const store = (await openStore(config.store)) ?? undefined;
  const auth =
    store && !config.auth.disabled ? storeKeyVerifier(store, staticAuth, { ttlMs: config.limits.keyCacheTtlMs }, logger) : staticAuth;
  let limiter: RateLimiter = memoryLimiter();
  if (config.limits.redisUrl) {
    // Imported only when used: ioredis and prom-client stay out of deployments (and bundles) that do not.
    const { redisLimiter } = await import("./limits/redis-limiter.ts");
    const shared = redisLimiter({ url: config.limits.redisUrl, timeoutMs: config.limits.redisTimeoutMs });
    // Start with a connection when Redis is up; if it is not, the fail mode applies until it is.
    if (!(await shared.ready(5_000)))
      logger.error({ failMode: config.limits.failMode }, "Redis is not reachable yet: rate limits fail " + config.limits.failMode);
    limiter = shared;
  }
  const spend = store ? spendTracker(store, config.limits.keyCacheTtlMs) : undefined;
  const admission = createAdmission(guardLimiter(limiter, config.limits.failMode, logger), spend, config.models.aliases);
  const usage = store
    ? createUsageRecorder(store, spend, logger, {
        flushIntervalMs: config.usage.flushIntervalMs,
        onDropped: (n) => metrics?.usageDropped(n),
      })
    : undefined;
  // The console's Requests page: a ring of recent requests, only when the console is served.
  const recent = config.console.enabled ? recentRequests(config.console.recentRequests) : undefined;
  const observers = [requestEndObserver({ pricing, region, recorder: usage, metrics, admission, recent })];
  // Rotations and revocations made here reach this process's key cache at once (deps.auth is read
  // when a key changes: tests may replace the verifier after start-up).
  const keys = store ? createKeyService(store, Date.now, (id) => deps.auth?.forget?.(id)) : undefined;

  const thinkingStore = new ThinkingStore(config.chat.thinkingStoreTtlMs, config.chat.thinkingStoreMaxEntries);
  const responses = await openResponsesState(config.responses, store, logger);

  // OpenTelemetry: the SDK is imported only when configured; otherwise the runtime is undecorated.
  const telemetry = config.telemetry ? await startTelemetry(config.telemetry, { version: VERSION }) : undefined;
  // One span per call through the router (the region of the default target; see docs/observability.md).
  const bedrock = upstreams.runtime;
  const runtime = telemetry ? telemetry.traceRuntime(bedrock, { endpoint: upstreams.targets[0]!.runtimeHttp.endpoint, region }) : bedrock;

  // DEBUG=true logs bodies whatever LOG_LEVEL says: a child logger with its own level.
  const bodyLogger = config.log.debugBodies ? logger.child({ kind: "body" }, { level: "debug" }) : undefined;
  const deps: AppDeps = {
    config,
    logger,
    catalog,
    auth,
    runtime,
    upstreams,
    native,
    thinkingStore,
    responses,
    admission,
    observers,
    store,
    keys,
    metrics,
    bodyLogger,
    console: recent ? { recent, pricing, region } : undefined,
    tracing: telemetry?.requests,
  };

  // Files and Batch APIs (docs/batch.md): only with a bucket and a store. Without them nothing of
  // batch is loaded (the S3 client, the poller) and the routes answer 400 naming the missing setting.
  let poller: BatchPoller | undefined;
  let closeObjects = () => {};
  if (store && config.batch.bucket) {
    const [{ createBatchService }, { createBatchPoller }, { s3ObjectStore }] = await Promise.all([
      import("./batch/batch-service.ts"),
      import("./batch/batch-poller.ts"),
      import("./batch/object-store.ts"),
    ]);
    const objects = s3ObjectStore({
      bucket: config.batch.bucket,
      region,
      endpoint: config.batch.s3Endpoint,
      credentials: overrides.credentials,
    });
    closeObjects = () => objects.close();
    const batchDeps = {
      config: config.batch,
      chat: config.chat,
      models: config.models,
      logger,
      catalog,
      runtime,
      jobs: createBatchJobsClient(upstreams.targets[0]!.controlHttp),
      objects,
      store: store.batches,
      getKey: (id: string) => store.getKey(id),
      limiter: guardLimiter(limiter, config.limits.failMode, logger),
      spend,
      pricing,
      region,
      recordUsage: (r: UsageRecord) => usage?.add(r),
    };
    deps.batch = createBatchService(batchDeps);
    poller = createBatchPoller(batchDeps, deps.batch);
  }

  return {
    deps,
    region,
    usage,
    telemetry,
    async start() {
      catalog.start();
      await auth?.start();
      poller?.start();
    },
    async stop() {
      catalog.stop();
      auth?.stop();
      await poller?.stop();
      closeObjects();
      // Requests cut by the drain deadline report their end on the next turn; then write everything.
      await new Promise((r) => setImmediate(r));
      await usage?.stop();
      // Spans of the requests that just finished are exported before the process goes.
      await telemetry?.shutdown().catch((err: unknown) => logger.warn({ err }, "telemetry export at shutdown failed"));
      await Promise.all([upstreams.close(), mantleHttp?.close(), responses.store.close(), limiter.close(), store?.close()]);
    },
  };
}

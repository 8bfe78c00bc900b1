// Builds the gateway's long-lived parts from Config: the Bedrock transport (signer, pools), the
// model catalog and the key verifier. Shared by the Node entry, the Lambda entry and the demo.
import { loadConfig as loadSharedConfig, NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS } from "@smithy/core/config";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import type { Logger } from "pino";
import type { ApiKeyVerifier } from "./auth/api-key-verifier.ts";
import { refreshingKeyVerifier, staticKeyVerifier } from "./auth/api-key-verifier.ts";
import { secretsManagerLoader, ssmLoader } from "./auth/secret-loaders.ts";
import { createBedrockControlPlane } from "./bedrock/control-plane-client.ts";
import { createBedrockRuntime } from "./bedrock/runtime-client.ts";
import { BedrockHttp } from "./bedrock/transport/bedrock-http.ts";
import { defaultEndpoint, defaultMantleEndpoint } from "./bedrock/transport/endpoints.ts";
import { createBearerSigner, createSigV4Signer } from "./bedrock/transport/request-signer.ts";
import type { Config } from "./config/config.ts";
import { DEFAULT_REGION } from "./config/config.ts";
import type { AppDeps } from "./http/app-env.ts";
import { createKeyService } from "./keys/key-service.ts";
import { storeKeyVerifier } from "./keys/store-key-verifier.ts";
import { createAdmission } from "./limits/admission.ts";
import { guardLimiter } from "./limits/guarded-limiter.ts";
import { memoryLimiter } from "./limits/memory-limiter.ts";
import type { RateLimiter } from "./limits/rate-limiter.ts";
import { spendTracker } from "./limits/spend-tracker.ts";
import { ModelCatalog } from "./models/model-catalog.ts";
import { openStore } from "./store/open-store.ts";
import { loadPricing } from "./usage/pricing.ts";
import { requestEndObserver } from "./usage/request-end.ts";
import { createUsageRecorder } from "./usage/usage-recorder.ts";
import type { UsageRecorder } from "./usage/usage-recorder.ts";
import { ThinkingStore } from "./converse/thinking-store.ts";
import { openResponsesState } from "./responses/open-response-store.ts";
import { createNativeClient } from "./upstreams/native/native-client.ts";

export interface Runtime {
  deps: AppDeps;
  region: string;
  /** Batched usage writer (absent with DATABASE_URL=none). */
  usage: UsageRecorder | undefined;
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
  const sign = config.aws.bearerToken
    ? createBearerSigner(config.aws.bearerToken)
    : createSigV4Signer(region, overrides.credentials);
  const retry = { maxElapsedMs: config.aws.retryMaxElapsedMs, baseDelayMs: 200, maxDelayMs: 2000 };
  const runtimeHttp = new BedrockHttp(
    config.aws.runtimeEndpoint ?? defaultEndpoint("runtime", region, config.aws.useFips),
    sign,
    config.aws.timeouts,
    retry,
  );
  const controlHttp = new BedrockHttp(
    config.aws.controlPlaneEndpoint ?? defaultEndpoint("control", region, config.aws.useFips),
    sign,
    { ...config.aws.timeouts, firstByteMs: 30_000, idleMs: 30_000 },
    retry,
  );
  // Bedrock's OpenAI-compatible endpoints: the runtime's /openai/v1 shares the runtime pool;
  // Mantle is another host with its own pool and SigV4 signing name.
  const mantleHttp = config.native.enabled
    ? new BedrockHttp(
        config.aws.mantleEndpoint ?? defaultMantleEndpoint(region),
        config.aws.bearerToken ? sign : createSigV4Signer(region, overrides.credentials, "bedrock-mantle"),
        config.aws.timeouts,
        retry,
      )
    : undefined;
  const native = mantleHttp ? createNativeClient({ runtime: runtimeHttp, mantle: mantleHttp }) : undefined;
  const catalog = new ModelCatalog(
    createBedrockControlPlane(controlHttp),
    {
      region,
      ttlMs: config.models.cacheTtlMs,
      includeSystemProfiles: config.models.crossRegionInference,
      includeApplicationProfiles: config.models.applicationInferenceProfiles,
      native: native && {
        listMantleModels: () => native.listMantleModels({ signal: AbortSignal.timeout(30_000) }),
        forceModels: config.native.forceModels,
      },
    },
    logger,
  );
  const staticAuth = createVerifier(config, region, logger);

  // Keys, limits, usage and metrics (README "API keys, limits and usage").
  const pricing = loadPricing(config.usage.pricingFile);
  const store = (await openStore(config.store)) ?? undefined;
  const auth =
    store && !config.auth.disabled
      ? storeKeyVerifier(store, staticAuth, { ttlMs: config.limits.keyCacheTtlMs }, logger)
      : staticAuth;
  let limiter: RateLimiter = memoryLimiter();
  if (config.limits.redisUrl) {
    // Imported only when used: ioredis and prom-client stay out of deployments (and bundles) that do not.
    const { redisLimiter } = await import("./limits/redis-limiter.ts");
    const shared = redisLimiter({ url: config.limits.redisUrl, timeoutMs: config.limits.redisTimeoutMs });
    // Start with a connection when Redis is up; if it is not, the fail mode applies until it is.
    if (!(await shared.ready(5_000))) logger.error({ failMode: config.limits.failMode }, "Redis is not reachable yet: rate limits fail " + config.limits.failMode);
    limiter = shared;
  }
  const spend = store ? spendTracker(store, config.limits.keyCacheTtlMs) : undefined;
  const admission = createAdmission(guardLimiter(limiter, config.limits.failMode, logger), spend, config.models.aliases);
  const metrics = config.metrics.enabled ? (await import("./metrics/gateway-metrics.ts")).createGatewayMetrics() : undefined;
  const usage = store
    ? createUsageRecorder(store, spend, logger, { flushIntervalMs: config.usage.flushIntervalMs, onDropped: (n) => metrics?.usageDropped(n) })
    : undefined;
  const observers = [requestEndObserver({ pricing, region, recorder: usage, metrics, admission })];
  const keys = store ? createKeyService(store) : undefined;

  const thinkingStore = new ThinkingStore(config.chat.thinkingStoreTtlMs, config.chat.thinkingStoreMaxEntries);
  const responses = await openResponsesState(config.responses, store, logger);

  // DEBUG=true logs bodies whatever LOG_LEVEL says: a child logger with its own level.
  const bodyLogger = config.log.debugBodies ? logger.child({ kind: "body" }, { level: "debug" }) : undefined;
  const deps: AppDeps = {
    config, logger, catalog, auth, runtime: createBedrockRuntime(runtimeHttp), native, thinkingStore, responses, admission, observers, store, keys, metrics, bodyLogger,
  };

  return {
    deps,
    region,
    usage,
    async start() {
      catalog.start();
      await auth?.start();
    },
    async stop() {
      catalog.stop();
      auth?.stop();
      // Requests cut by the drain deadline report their end on the next turn; then write everything.
      await new Promise((r) => setImmediate(r));
      await usage?.stop();
      await Promise.all([runtimeHttp.close(), controlHttp.close(), mantleHttp?.close(), responses.store.close(), limiter.close(), store?.close()]);
    },
  };
}

// The one reader of process.env. Everything the gateway can be told lives here, with its
// default and unit; the rest of the code receives the parsed, typed Config object.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { parseFallbacks, parseTargets } from "../upstreams/target-spec.ts";
import type { TargetSpec } from "../upstreams/target-spec.ts";
import { isRegionShaped } from "./aws-regions.ts";
import { parseAliasMap, parseBoolean, parseByteSize, parseDuration, parseKeyList, parseKeyValueList, parseList } from "./parse-values.ts";

export class ConfigError extends Error {
  override name = "ConfigError";
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
const OTLP_PROTOCOLS = ["http/protobuf", "http/json", "grpc"] as const;
const TRACE_SAMPLERS = [
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
] as const;

function textual<T>(parse: (s: string) => T) {
  return z.string().transform((s, ctx) => {
    try {
      return parse(s);
    } catch (e) {
      ctx.addIssue({ code: "custom", message: (e as Error).message });
      return z.NEVER;
    }
  });
}

const optionalText = z
  .string()
  .transform((s) => s.trim())
  .optional()
  .transform((s) => (s ? s : undefined));

const endpointUrl = z
  .string()
  .trim()
  .optional()
  .transform((s, ctx) => {
    if (!s) return undefined;
    try {
      const u = new URL(s);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
      return u.origin + u.pathname.replace(/\/+$/, "");
    } catch {
      ctx.addIssue({ code: "custom", message: `"${s}" is not an http(s) URL` });
      return z.NEVER;
    }
  });

const routePrefix = z
  .string()
  .optional()
  .transform((s, ctx) => {
    const t = (s ?? "").trim().replace(/\/+$/, "");
    if (t === "") return undefined;
    if (!/^\/[A-Za-z0-9._~\-/]*$/.test(t)) {
      ctx.addIssue({ code: "custom", message: `"${s}" must be a path such as /gateway/v1` });
      return z.NEVER;
    }
    return t;
  });

/** A region name of AWS's shape (us-west-2), or unset. */
const awsRegion = optionalText.refine((r) => r === undefined || isRegionShaped(r), {
  message: "is not an AWS region name (examples: us-east-1, eu-central-1, ap-northeast-1)",
});

/** Environment variable → typed value. Names follow bedrock-access-gateway where it has one. */
export const envSchema = z.object({
  // Server
  /** TCP port to listen on (0: any free port). */
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Address to listen on: 0.0.0.0 (all interfaces) or 127.0.0.1 (this machine only). */
  HOST: z.string().trim().min(1).default("0.0.0.0"),

  // AWS and Bedrock
  /** Bedrock region (checked for a region's shape; a region without Bedrock is warned about). Unset: AWS_DEFAULT_REGION, then the AWS profile's region, then us-west-2. */
  AWS_REGION: awsRegion,
  /** Fallback for AWS_REGION (the AWS CLI's name). */
  AWS_DEFAULT_REGION: awsRegion,
  /** Endpoint for every AWS service the gateway calls (the AWS SDK's standard variable; e.g. a VPC endpoint or a local stand-in). */
  AWS_ENDPOINT_URL: endpointUrl,
  /** Endpoint for Bedrock Runtime only (Converse, InvokeModel). */
  AWS_ENDPOINT_URL_BEDROCK_RUNTIME: endpointUrl,
  /** Endpoint for the Bedrock control plane only (model and inference-profile listings). */
  AWS_ENDPOINT_URL_BEDROCK: endpointUrl,
  /** Ignore the AWS_ENDPOINT_URL* variables (the AWS SDK's standard switch). */
  /** Bedrock's Mantle endpoint (OpenAI- and Anthropic-compatible APIs); default https://bedrock-mantle.{region}.api.aws. */
  AWS_ENDPOINT_URL_BEDROCK_MANTLE: endpointUrl,
  /** Ignore the AWS_ENDPOINT_URL* variables (the AWS SDK's standard switch). */
  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: textual(parseBoolean).default(false),
  /** Call Bedrock's FIPS endpoints. */
  AWS_USE_FIPS_ENDPOINT: textual(parseBoolean).default(false),
  /** A Bedrock API key: sent as a bearer token instead of SigV4-signing with AWS credentials. */
  AWS_BEARER_TOKEN_BEDROCK: optionalText,

  // Client authentication
  /** The key clients send (Authorization: Bearer … or x-api-key). One of the key sources is required unless keys live in the store. */
  API_KEY: optionalText,
  /** Secrets Manager secret holding the client key (plain string or JSON {"api_key": …}); re-read every API_KEY_REFRESH_INTERVAL. */
  API_KEY_SECRET_ARN: optionalText,
  /** SSM Parameter Store parameter (SecureString) holding the client key; re-read every API_KEY_REFRESH_INTERVAL. */
  API_KEY_PARAM_NAME: optionalText,
  /** How often a key from Secrets Manager / SSM is re-read, so rotation needs no restart. */
  API_KEY_REFRESH_INTERVAL: textual(parseDuration).default(300_000),
  /** Unsafe: serve without client authentication. Only honoured when HOST is loopback. */
  DISABLE_AUTH: textual(parseBoolean).default(false),

  // Models and requests
  /** Serve the API under this path too (bedrock-access-gateway clients use /api/v1). */
  API_ROUTE_PREFIX: routePrefix,
  /** Chat model used when a request names none, and for OpenAI names such as gpt-4o. */
  DEFAULT_MODEL: z.string().trim().min(1).default("anthropic.claude-sonnet-4-5-20250929-v1:0"),
  /** Embedding model used when a request names none, and for OpenAI names such as text-embedding-3-small. */
  DEFAULT_EMBEDDING_MODEL: z.string().trim().min(1).default("cohere.embed-multilingual-v3"),
  /** Extra model names, listed in /v1/models. Anthropic's public names (claude-sonnet-4-5…) are built in. An alias to a missing model is logged as a warning when the catalog loads. */
  MODEL_ALIASES: textual(parseAliasMap).default(new Map()),

  /** List and use system-defined (cross-region) inference profiles such as us.anthropic.… and global.…. */
  ENABLE_CROSS_REGION_INFERENCE: textual(parseBoolean).default(true),
  /** List and use the account's application inference profiles (by name or ARN). */
  ENABLE_APPLICATION_INFERENCE_PROFILES: textual(parseBoolean).default(true),
  /** Add Bedrock cache points automatically (system prompt, tools, conversation) on models that support them. */
  ENABLE_PROMPT_CACHING: textual(parseBoolean).default(false),
  /** Serve the models Bedrock exposes only through its OpenAI-compatible endpoints (Mantle,
   * bedrock-runtime /openai/v1): listed in /v1/models and routed there. See docs/native-endpoints.md. */
  ENABLE_NATIVE_ENDPOINTS: textual(parseBoolean).default(true),
  /** Globs of models Converse serves that should go to the native endpoint instead (e.g. openai.gpt-oss-*). */
  NATIVE_MODELS: textual(parseList).default([]),
  /** Reject (400) parameters Bedrock cannot honour instead of dropping them. */
  STRICT_PARAMS: textual(parseBoolean).default(false),
  /** InvokeModel calls one /v1/embeddings request may have in flight (Titan and Nova take one input per call). */
  EMBEDDINGS_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),

  /** Browser origins allowed by CORS (`*` for any). Empty: no CORS headers. */
  ALLOWED_ORIGINS: textual(parseList).default([]),
  /** pino log level (JSON lines on stdout). */
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  /** json (one JSON object per line, the default) or pretty (colourised, for a terminal; needs the
   * dev dependency pino-pretty). */
  LOG_FORMAT: z.enum(["json", "pretty"]).default("json"),
  /** Log request and response bodies at debug level (secrets are still redacted). */
  DEBUG: textual(parseBoolean).default(false),

  /** Model catalog refresh period. */
  MODELS_CACHE_TTL: textual(parseDuration).default(600_000),
  /** Bedrock TCP/TLS connect timeout. */
  UPSTREAM_CONNECT_TIMEOUT: textual(parseDuration).default(10_000),
  /** Request sent → Bedrock's response headers (for a non-streaming call, the whole generation). */
  UPSTREAM_FIRST_BYTE_TIMEOUT: textual(parseDuration).default(600_000),
  /** Longest silence inside a Bedrock response. */
  UPSTREAM_IDLE_TIMEOUT: textual(parseDuration).default(300_000),
  /** Total time spent retrying throttled / unavailable calls before the first byte (0 = no retries). */
  UPSTREAM_RETRY_MAX_TIME: textual(parseDuration).default(5_000),
  /** Upstream targets (regions / accounts / VPC endpoints): a JSON array, or the path of a JSON
   * file holding one. Unset: one target from AWS_REGION and the default credential chain. */
  BEDROCK_TARGETS: textual(parseTargetsOrFile).optional(),
  /** `{"model or alias": ["fallback", …]}`: models tried when every target of a model is throttled
   * or unavailable (each still subject to the key's allow-list). Off by default. */
  MODEL_FALLBACKS: textual(parseFallbacks).default(new Map()),
  /** Circuit breaker per target and model: this many upstream failures within the window open it;
   * after the cool-down one probe is let through (half-open); a success closes it. */
  CIRCUIT_BREAKER_FAILURES: z.coerce.number().int().min(1).max(10_000).default(5),
  /** The window in which CIRCUIT_BREAKER_FAILURES failures open a breaker. */
  CIRCUIT_BREAKER_WINDOW: textual(parseDuration).default(30_000),
  /** How long an open breaker waits before letting one probe through. */
  CIRCUIT_BREAKER_COOLDOWN: textual(parseDuration).default(30_000),
  /** Fetch http(s) image URLs that resolve to private, loopback or link-local addresses (unsafe). */
  ALLOW_PRIVATE_IMAGE_URLS: textual(parseBoolean).default(false),
  /** Time limit for fetching an http(s) image URL given in a request. */
  IMAGE_FETCH_TIMEOUT: textual(parseDuration).default(10_000),
  /** Most image URLs one request may make the gateway fetch (Bedrock takes 20 images per request). */
  MAX_MEDIA_URLS: z.coerce.number().int().min(0).max(1000).default(20),
  /** Image fetches one request may have in flight. */
  MEDIA_FETCH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Image fetches the whole process may have in flight (requests beyond it wait their turn). */
  MEDIA_FETCH_GLOBAL_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(64),
  /** Most bytes of fetched images per request, all images together. */
  MAX_MEDIA_BYTES: textual(parseByteSize).default(50 * 1_048_576),
  /** Silence after which a streaming response gets an SSE keep-alive. */
  SSE_KEEPALIVE_INTERVAL: textual(parseDuration).default(15_000),
  /** Where reasoning text goes: reasoning_content (default), <think> tags inside content, or nowhere. */
  REASONING_OUTPUT: z.enum(["reasoning_content", "think-tags", "omit"]).default("reasoning_content"),
  /** Default guardrail for chat requests that name none (set GUARDRAIL_ID and GUARDRAIL_VERSION together). */
  GUARDRAIL_ID: optionalText,
  /** Version of GUARDRAIL_ID (a number or DRAFT). */
  GUARDRAIL_VERSION: optionalText,
  /** Guardrail trace for the default guardrail (returned in bedrock.trace). */
  GUARDRAIL_TRACE: z.enum(["enabled", "disabled", "enabled_full"]).optional(),
  /** How long signed thinking blocks are kept for clients that do not replay them. */
  THINKING_STORE_TTL: textual(parseDuration).default(3_600_000),
  /** Largest number of signed thinking blocks kept (0 turns the store off). */
  THINKING_STORE_MAX_ENTRIES: z.coerce.number().int().min(0).default(10_000),
  /** Directory for files the gateway keeps (the SQLite database gateway.db, the generated
   * encryption key), created on first start. */
  DATA_DIR: z.string().trim().min(1).default("./data"),
  /** Where stored Responses (store: true) live: the DATABASE_URL database (SQLite or PostgreSQL;
   * the default when there is one) or a bounded in-memory map (the default with DATABASE_URL=none). */
  RESPONSES_STORE: z.enum(["database", "memory"]).optional(),
  /** How long stored Responses are kept (OpenAI keeps them 30 days). */
  RESPONSES_RETENTION: textual(parseDuration).default(30 * 86_400_000),
  /** Largest number of Responses the in-memory store keeps (oldest evicted first). */
  RESPONSES_MEMORY_MAX_ENTRIES: z.coerce.number().int().min(1).default(10_000),
  /** 32-byte keys (base64 or hex), comma-separated: the first encrypts reasoning, all decrypt. */
  RESPONSES_ENCRYPTION_KEY: textual(parseKeyList).optional(),
  /** Largest request body accepted. */
  MAX_REQUEST_BODY: textual(parseByteSize).default(20 * 1_048_576),
  /** Longest time to receive a whole request (headers and body); slower clients get 408 and the
   * connection is closed. Responses and streams are not limited by it. 0 disables (not advised). */
  REQUEST_TIMEOUT: textual(parseDuration).default(60_000),
  /** How long in-flight requests and streams may run after SIGTERM before connections are cut. */
  SHUTDOWN_TIMEOUT: textual(parseDuration).default(30_000),
  /** How long an idle keep-alive connection stays open. Behind a load balancer it must exceed the
   * balancer's idle timeout (ALB: 60 s by default), or the balancer reuses a closing connection (502). */
  KEEP_ALIVE_TIMEOUT: textual(parseDuration).default(65_000),

  // Keys, usage and limits (multi-tenant; docs/multi-tenancy.md)
  /** postgres://… (PostgreSQL), sqlite:/path/to/file.db, or "none" (no store: static key only, no
   * usage records, stored Responses in memory). */
  DATABASE_URL: optionalText,
  /** Largest number of pooled PostgreSQL connections per gateway process. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),
  /** redis://… : share rate-limit counters across replicas. Unset: in-process counters. */
  REDIS_URL: optionalText,
  /** When Redis cannot be reached: "open" admits requests (logged), "closed" answers 503. */
  RATE_LIMIT_FAIL_MODE: z.enum(["open", "closed"]).default("open"),
  /** Longest wait for a Redis answer before the fail mode applies. */
  REDIS_TIMEOUT: textual(parseDuration).default(500),
  /** Guards the /admin/ API (key management, usage). Unset: the admin API is disabled. */
  ADMIN_API_KEY: optionalText,
  /** How long a verified key (and its limits) is cached: revocations and limit changes reach
   * every replica within this time. */
  KEY_CACHE_TTL: textual(parseDuration).default(5_000),
  /** Usage records are written in batches at this period (and on graceful shutdown). */
  USAGE_FLUSH_INTERVAL: textual(parseDuration).default(1_000),
  /** JSON file whose prices replace or extend the built-in Bedrock price table. */
  PRICING_FILE: optionalText,
  /** Serve Prometheus metrics at GET /metrics. */
  ENABLE_METRICS: textual(parseBoolean).default(true),
  /** /metrics requires `Authorization: Bearer <METRICS_API_KEY>` (or ADMIN_API_KEY). */
  METRICS_API_KEY: optionalText,
  /** Serve /metrics without a key when neither METRICS_API_KEY nor ADMIN_API_KEY is set (else 404). */
  METRICS_PUBLIC: textual(parseBoolean).default(false),

  // Files and Batch APIs over Bedrock batch inference (docs/batch.md).
  /** S3 bucket for uploaded files, job inputs and outputs. Unset: /v1/files and /v1/batches answer 400 naming it. */
  BATCH_S3_BUCKET: optionalText,
  /** Key prefix inside the bucket (several gateways can share one bucket). */
  BATCH_S3_PREFIX: z.string().trim().default("bedrock-gateway/"),
  /** Service role Bedrock assumes to read job inputs from and write outputs to the bucket. */
  BATCH_ROLE_ARN: optionalText,
  /** S3 endpoint (the standard AWS variable); path-style addressing is used when it is set. */
  AWS_ENDPOINT_URL_S3: endpointUrl,
  /** Largest file accepted by POST /v1/files (it is validated line by line in memory). */
  BATCH_MAX_FILE_SIZE: textual(parseByteSize).default(100 * 1_048_576),
  /** Most lines one batch input file may have (OpenAI's limit). */
  BATCH_MAX_LINES: z.coerce.number().int().min(1).max(1_000_000).default(50_000),
  /** Bedrock's minimum records per batch job: a model's group below it runs on demand instead. */
  BATCH_MIN_RECORDS: z.coerce.number().int().min(1).default(100),
  /** How often the background poller looks at running batch jobs. */
  BATCH_POLL_INTERVAL: textual(parseDuration).default(60_000),
  /** On-demand calls in flight for one small batch (low priority: kept small). */
  BATCH_SMALL_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** The operator console at /console is served when ADMIN_API_KEY is set; false turns it off. */
  CONSOLE_ENABLED: textual(parseBoolean).default(true),
  /** How long a console login lasts. */
  CONSOLE_SESSION_TTL: textual(parseDuration).default(8 * 3_600_000),
  /** Finished requests the console's Requests page keeps in memory (per process). */
  CONSOLE_RECENT_REQUESTS: z.coerce.number().int().min(10).max(100_000).default(1000),
  // OpenTelemetry (docs/observability.md). The standard OTEL_* variables; telemetry is on only
  // when an OTLP endpoint is set, and the OTel SDK is not even loaded otherwise.
  /** OpenTelemetry off, whatever else is set. */
  OTEL_SDK_DISABLED: textual(parseBoolean).default(false),
  /** service.name of spans and metrics (default bedrock-gateway). */
  OTEL_SERVICE_NAME: optionalText,
  /** Extra resource attributes, key=value,key=value. */
  OTEL_RESOURCE_ATTRIBUTES: textual(parseKeyValueList).default({}),
  /** OTLP/HTTP base URL (…/v1/traces and …/v1/metrics are appended); setting it turns telemetry on. */
  OTEL_EXPORTER_OTLP_ENDPOINT: endpointUrl,
  /** OTLP/HTTP URL for traces only, used as given. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpointUrl,
  /** OTLP/HTTP URL for metrics only, used as given. */
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: endpointUrl,
  /** Headers sent to the collector, key=value,key=value (never logged). */
  OTEL_EXPORTER_OTLP_HEADERS: textual(parseKeyValueList).default({}),
  /** Headers for the traces exporter only. */
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: textual(parseKeyValueList).default({}),
  /** Headers for the metrics exporter only. */
  OTEL_EXPORTER_OTLP_METRICS_HEADERS: textual(parseKeyValueList).default({}),
  /** http/protobuf (default) or http/json; grpc is refused. */
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(OTLP_PROTOCOLS).optional(),
  /** The protocol for traces only. */
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.enum(OTLP_PROTOCOLS).optional(),
  /** The protocol for metrics only. */
  OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: z.enum(OTLP_PROTOCOLS).optional(),
  /** Milliseconds, as in the OTel specification (not this file's duration syntax). */
  OTEL_EXPORTER_OTLP_TIMEOUT: z.coerce.number().int().min(1).default(10_000),
  /** cumulative (default), delta or lowmemory. */
  OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: z.enum(["cumulative", "delta", "lowmemory"]).default("cumulative"),
  /** otlp (default) or none. */
  OTEL_TRACES_EXPORTER: z.enum(["otlp", "none"]).default("otlp"),
  /** otlp (default) or none. */
  OTEL_METRICS_EXPORTER: z.enum(["otlp", "none"]).default("otlp"),
  /** The OTel sampler (default parentbased_always_on: a client's traceparent decides; use traceidratio for untrusted clients). */
  OTEL_TRACES_SAMPLER: z.enum(TRACE_SAMPLERS).default("parentbased_always_on"),
  /** The ratio for the *traceidratio samplers, 0 to 1. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
  /** Milliseconds between span batch exports. */
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().min(1).default(5_000),
  /** Spans kept waiting for export at most (more are dropped). */
  OTEL_BSP_MAX_QUEUE_SIZE: z.coerce.number().int().min(1).default(2_048),
  /** Spans per export at most. */
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: z.coerce.number().int().min(1).default(512),
  /** Milliseconds between metric exports. */
  OTEL_METRIC_EXPORT_INTERVAL: z.coerce.number().int().min(1).default(60_000),
  /** Record prompts and completions on GenAI spans (opt-in: they are the users' data). */
  OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: textual(parseBoolean).default(false),
});

type Env = z.infer<typeof envSchema>;

/** Every environment variable the gateway reads (deployment templates are checked against it). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

export type ApiKeySource =
  | { kind: "static"; key: string }
  | { kind: "secrets-manager"; secretId: string }
  | { kind: "ssm"; parameterName: string }
  | { kind: "none" };

export type StoreConfig = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string; poolSize: number } | { kind: "none" };

export type OtlpProtocol = "http/protobuf" | "http/json";
export type TraceSampler = (typeof TRACE_SAMPLERS)[number];

/** Where one signal (traces or metrics) is exported: a full URL, as the OTLP exporter posts it. */
export interface OtlpTarget {
  url: string;
  protocol: OtlpProtocol;
  headers: Record<string, string>;
  timeoutMs: number;
}

export interface TelemetryConfig {
  serviceName: string;
  resourceAttributes: Record<string, string>;
  /** Undefined: no traces (no endpoint, OTEL_TRACES_EXPORTER=none or OTEL_SDK_DISABLED). */
  traces:
    | (OtlpTarget & {
        sampler: TraceSampler;
        samplerRatio: number;
        scheduleDelayMs: number;
        maxQueueSize: number;
        maxExportBatchSize: number;
      })
    | undefined;
  metrics: (OtlpTarget & { exportIntervalMs: number; temporality: "cumulative" | "delta" | "lowmemory" }) | undefined;
  captureMessageContent: boolean;
}

export interface Config {
  server: {
    port: number;
    host: string;
    shutdownTimeoutMs: number;
    maxRequestBodyBytes: number;
    keepAliveTimeoutMs: number;
    requestTimeoutMs: number;
  };
  aws: {
    /** Undefined when the SDK's profile chain must supply it (resolved at start-up). */
    region: string | undefined;
    runtimeEndpoint: string | undefined;
    controlPlaneEndpoint: string | undefined;
    /** Mantle base URL (AWS_ENDPOINT_URL_BEDROCK_MANTLE); undefined: derived from the region. */
    mantleEndpoint: string | undefined;
    useFips: boolean;
    /** Bedrock API key (bearer token); replaces SigV4 when set, as in the AWS SDKs. */
    bearerToken: string | undefined;
    timeouts: { connectMs: number; firstByteMs: number; idleMs: number };
    retryMaxElapsedMs: number;
  };
  upstreams: {
    /** Undefined: the single target of `aws` (today's behaviour, no breakers). */
    targets: TargetSpec[] | undefined;
    fallbacks: Map<string, string[]>;
    breaker: { failures: number; windowMs: number; cooldownMs: number };
  };
  auth: { source: ApiKeySource; refreshIntervalMs: number; disabled: boolean };
  routes: { prefixes: string[] };
  models: {
    defaultModel: string;
    defaultEmbeddingModel: string;
    aliases: Map<string, string>;
    crossRegionInference: boolean;
    applicationInferenceProfiles: boolean;
    cacheTtlMs: number;
  };
  /** Bedrock's own OpenAI-compatible endpoints (docs/native-endpoints.md). */
  native: {
    enabled: boolean;
    /** Globs: Converse-served models forced onto the native endpoint. */
    forceModels: string[];
  };
  chat: {
    promptCaching: boolean;
    strictParams: boolean;
    allowPrivateImageUrls: boolean;
    imageFetchTimeoutMs: number;
    /** Bounds on image fetching per request and per process. */
    media: { maxUrls: number; concurrency: number; maxTotalBytes: number; globalConcurrency: number };
    keepAliveMs: number;
    reasoningOutput: "reasoning_content" | "think-tags" | "omit";
    defaultGuardrail:
      { guardrailIdentifier: string; guardrailVersion: string; trace?: "enabled" | "disabled" | "enabled_full" } | undefined;
    thinkingStoreTtlMs: number;
    thinkingStoreMaxEntries: number;
  };
  responses: {
    /** "database": in the store's database (there is one); "memory": a bounded map per process. */
    store: "database" | "memory";
    dataDir: string;
    retentionMs: number;
    memoryMaxEntries: number;
    /** Configured keys (first encrypts); empty: generate one under dataDir on first start. */
    encryptionKeys: Buffer[];
  };
  embeddings: { concurrency: number };
  cors: { allowedOrigins: string[] };
  log: { level: (typeof LOG_LEVELS)[number]; debugBodies: boolean; format: "json" | "pretty" };
  /** Undefined when no OTLP endpoint is configured: the OTel SDK is then never loaded. */
  telemetry: TelemetryConfig | undefined;
  store: StoreConfig;
  admin: { apiKey: string | undefined };
  limits: { redisUrl: string | undefined; failMode: "open" | "closed"; redisTimeoutMs: number; keyCacheTtlMs: number };
  usage: { flushIntervalMs: number; pricingFile: string | undefined };
  /** apiKeys: bearer tokens accepted on /metrics (METRICS_API_KEY, ADMIN_API_KEY); none and not
   * public → /metrics answers 404. */
  metrics: { enabled: boolean; apiKeys: string[]; public: boolean };
  batch: BatchConfig;
  /** The operator console (src/console); enabled only with an admin key. */
  console: { enabled: boolean; sessionTtlMs: number; recentRequests: number };
}

export interface BatchConfig {
  bucket: string | undefined;
  prefix: string;
  roleArn: string | undefined;
  s3Endpoint: string | undefined;
  maxFileBytes: number;
  maxLines: number;
  minRecords: number;
  pollIntervalMs: number;
  smallConcurrency: number;
}

function fail(issues: z.core.$ZodIssue[]): never {
  const lines = issues.map((i) => {
    const name = i.path.join(".") || "(environment)";
    return `  ${name}: ${i.message}`;
  });
  throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
}

/**
 * Parse and validate the environment. Throws ConfigError naming each bad variable.
 * `runtimeDefaults` lets an entry point change defaults for its runtime (Lambda: in-memory
 * Responses store, data under /tmp); the environment still wins.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, runtimeDefaults: Record<string, string> = {}): Config {
  const result = envSchema.safeParse({ ...runtimeDefaults, ...env });
  if (!result.success) fail(result.error.issues);
  const e: Env = result.data;

  const sources = [e.API_KEY, e.API_KEY_SECRET_ARN, e.API_KEY_PARAM_NAME].filter(Boolean);
  if (sources.length > 1) {
    throw new ConfigError("Invalid configuration:\n  API_KEY, API_KEY_SECRET_ARN, API_KEY_PARAM_NAME: set only one key source");
  }
  const source: ApiKeySource = e.API_KEY
    ? { kind: "static", key: e.API_KEY }
    : e.API_KEY_SECRET_ARN
      ? { kind: "secrets-manager", secretId: e.API_KEY_SECRET_ARN }
      : e.API_KEY_PARAM_NAME
        ? { kind: "ssm", parameterName: e.API_KEY_PARAM_NAME }
        : { kind: "none" };

  const store = storeConfig(e);
  // Keys managed in the store (CLI or admin API) are a key source of their own, but only when the
  // operator has asked for them explicitly; a bare start with nothing configured is still a mistake.
  const managedKeys = store.kind !== "none" && (e.ADMIN_API_KEY !== undefined || e.DATABASE_URL !== undefined);
  if (source.kind === "none" && !e.DISABLE_AUTH && !managedKeys) {
    throw new ConfigError(
      "Invalid configuration:\n  API_KEY: no client key source is configured. Set API_KEY, API_KEY_SECRET_ARN or " +
        "API_KEY_PARAM_NAME, or manage keys in the store (set ADMIN_API_KEY or DATABASE_URL), " +
        "or DISABLE_AUTH=true with HOST=127.0.0.1 for local experiments only.",
    );
  }
  if (e.DISABLE_AUTH && !LOOPBACK_HOSTS.has(e.HOST)) {
    throw new ConfigError(`Invalid configuration:\n  DISABLE_AUTH: only allowed when HOST is a loopback address (HOST is ${e.HOST})`);
  }

  if (e.RESPONSES_STORE === "database" && store.kind === "none") {
    throw new ConfigError(
      "Invalid configuration:\n  RESPONSES_STORE: `database` needs a database, but DATABASE_URL is none (use memory, or set DATABASE_URL)",
    );
  }
  if (Boolean(e.GUARDRAIL_ID) !== Boolean(e.GUARDRAIL_VERSION)) {
    throw new ConfigError(
      "Invalid configuration:\n  GUARDRAIL_ID, GUARDRAIL_VERSION: set both (the version is a number or DRAFT) or neither",
    );
  }
  const ignoreEndpoints = e.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS;
  const prefixes = ["/v1", "/api/v1"];
  if (e.API_ROUTE_PREFIX && !prefixes.includes(e.API_ROUTE_PREFIX)) prefixes.push(e.API_ROUTE_PREFIX);

  return {
    server: {
      port: e.PORT,
      host: e.HOST,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT,
      keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT,
      maxRequestBodyBytes: e.MAX_REQUEST_BODY,
      requestTimeoutMs: e.REQUEST_TIMEOUT,
    },
    aws: {
      region: e.AWS_REGION ?? e.AWS_DEFAULT_REGION,
      runtimeEndpoint: ignoreEndpoints ? undefined : (e.AWS_ENDPOINT_URL_BEDROCK_RUNTIME ?? e.AWS_ENDPOINT_URL),
      controlPlaneEndpoint: ignoreEndpoints ? undefined : (e.AWS_ENDPOINT_URL_BEDROCK ?? e.AWS_ENDPOINT_URL),
      // Not AWS_ENDPOINT_URL: Mantle is a different host and API from the runtime and control plane.
      mantleEndpoint: ignoreEndpoints ? undefined : e.AWS_ENDPOINT_URL_BEDROCK_MANTLE,
      useFips: e.AWS_USE_FIPS_ENDPOINT,
      bearerToken: e.AWS_BEARER_TOKEN_BEDROCK,
      timeouts: {
        connectMs: e.UPSTREAM_CONNECT_TIMEOUT,
        firstByteMs: e.UPSTREAM_FIRST_BYTE_TIMEOUT,
        idleMs: e.UPSTREAM_IDLE_TIMEOUT,
      },
      retryMaxElapsedMs: e.UPSTREAM_RETRY_MAX_TIME,
    },
    upstreams: {
      targets: e.BEDROCK_TARGETS,
      fallbacks: e.MODEL_FALLBACKS,
      breaker: { failures: e.CIRCUIT_BREAKER_FAILURES, windowMs: e.CIRCUIT_BREAKER_WINDOW, cooldownMs: e.CIRCUIT_BREAKER_COOLDOWN },
    },
    auth: { source, refreshIntervalMs: e.API_KEY_REFRESH_INTERVAL, disabled: e.DISABLE_AUTH },
    routes: { prefixes },
    models: {
      defaultModel: e.DEFAULT_MODEL,
      defaultEmbeddingModel: e.DEFAULT_EMBEDDING_MODEL,
      aliases: e.MODEL_ALIASES,
      crossRegionInference: e.ENABLE_CROSS_REGION_INFERENCE,
      applicationInferenceProfiles: e.ENABLE_APPLICATION_INFERENCE_PROFILES,
      cacheTtlMs: e.MODELS_CACHE_TTL,
    },
    native: { enabled: e.ENABLE_NATIVE_ENDPOINTS, forceModels: e.NATIVE_MODELS },
    chat: {
      promptCaching: e.ENABLE_PROMPT_CACHING,
      strictParams: e.STRICT_PARAMS,
      allowPrivateImageUrls: e.ALLOW_PRIVATE_IMAGE_URLS,
      imageFetchTimeoutMs: e.IMAGE_FETCH_TIMEOUT,
      media: {
        maxUrls: e.MAX_MEDIA_URLS,
        concurrency: e.MEDIA_FETCH_CONCURRENCY,
        maxTotalBytes: e.MAX_MEDIA_BYTES,
        globalConcurrency: e.MEDIA_FETCH_GLOBAL_CONCURRENCY,
      },
      keepAliveMs: e.SSE_KEEPALIVE_INTERVAL,
      reasoningOutput: e.REASONING_OUTPUT,
      defaultGuardrail: e.GUARDRAIL_ID
        ? {
            guardrailIdentifier: e.GUARDRAIL_ID,
            guardrailVersion: e.GUARDRAIL_VERSION!,
            ...(e.GUARDRAIL_TRACE ? { trace: e.GUARDRAIL_TRACE } : {}),
          }
        : undefined,
      thinkingStoreTtlMs: e.THINKING_STORE_TTL,
      thinkingStoreMaxEntries: e.THINKING_STORE_MAX_ENTRIES,
    },
    responses: {
      store: e.RESPONSES_STORE ?? (store.kind === "none" ? "memory" : "database"),
      dataDir: e.DATA_DIR,
      retentionMs: e.RESPONSES_RETENTION,
      memoryMaxEntries: e.RESPONSES_MEMORY_MAX_ENTRIES,
      encryptionKeys: e.RESPONSES_ENCRYPTION_KEY ?? [],
    },
    embeddings: { concurrency: e.EMBEDDINGS_CONCURRENCY },
    cors: { allowedOrigins: e.ALLOWED_ORIGINS },
    log: { level: e.LOG_LEVEL, debugBodies: e.DEBUG, format: e.LOG_FORMAT },
    telemetry: telemetryConfig(e),
    store,
    admin: { apiKey: e.ADMIN_API_KEY },
    limits: {
      redisUrl: e.REDIS_URL,
      failMode: e.RATE_LIMIT_FAIL_MODE,
      redisTimeoutMs: e.REDIS_TIMEOUT,
      keyCacheTtlMs: e.KEY_CACHE_TTL,
    },
    usage: { flushIntervalMs: e.USAGE_FLUSH_INTERVAL, pricingFile: e.PRICING_FILE },
    metrics: {
      enabled: e.ENABLE_METRICS,
      apiKeys: [e.METRICS_API_KEY, e.ADMIN_API_KEY].filter((k): k is string => k !== undefined),
      public: e.METRICS_PUBLIC,
    },
    batch: {
      bucket: e.BATCH_S3_BUCKET,
      prefix: e.BATCH_S3_PREFIX === "" || e.BATCH_S3_PREFIX.endsWith("/") ? e.BATCH_S3_PREFIX : `${e.BATCH_S3_PREFIX}/`,
      roleArn: e.BATCH_ROLE_ARN,
      s3Endpoint: ignoreEndpoints ? undefined : (e.AWS_ENDPOINT_URL_S3 ?? e.AWS_ENDPOINT_URL),
      maxFileBytes: e.BATCH_MAX_FILE_SIZE,
      maxLines: e.BATCH_MAX_LINES,
      minRecords: e.BATCH_MIN_RECORDS,
      pollIntervalMs: e.BATCH_POLL_INTERVAL,
      smallConcurrency: e.BATCH_SMALL_CONCURRENCY,
    },
    console: {
      enabled: e.CONSOLE_ENABLED && e.ADMIN_API_KEY !== undefined,
      sessionTtlMs: e.CONSOLE_SESSION_TTL,
      recentRequests: e.CONSOLE_RECENT_REQUESTS,
    },
  };
}

/** BEDROCK_TARGETS holds JSON (starts with "[") or names a file that does. */
function parseTargetsOrFile(text: string): TargetSpec[] {
  const t = text.trim();
  if (t.startsWith("[") || t.startsWith("{")) return parseTargets(t);
  let body: string;
  try {
    body = readFileSync(t, "utf8");
  } catch (err) {
    throw new Error(`cannot read the file "${t}" (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseTargets(body);
}

/**
 * The OTel exporter variables as the specification defines them: the signal-specific endpoint is
 * used as given, the generic one gets /v1/traces or /v1/metrics appended; signal-specific headers
 * and protocol win over the generic ones. gRPC is refused (only the HTTP exporters are bundled).
 */
function telemetryConfig(e: Env): TelemetryConfig | undefined {
  if (e.OTEL_SDK_DISABLED) return undefined;
  const target = (
    specific: string | undefined,
    path: string,
    headers: Record<string, string>,
    protocol: Env["OTEL_EXPORTER_OTLP_PROTOCOL"],
    name: string,
  ): OtlpTarget | undefined => {
    const url = specific ?? (e.OTEL_EXPORTER_OTLP_ENDPOINT ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT}${path}` : undefined);
    if (!url) return undefined;
    const p = protocol ?? e.OTEL_EXPORTER_OTLP_PROTOCOL ?? "http/protobuf";
    if (p === "grpc") {
      throw new ConfigError(
        `Invalid configuration:\n  ${name}: grpc is not supported by the gateway; use http/protobuf (the default, port 4318) or http/json`,
      );
    }
    return { url, protocol: p, headers: { ...e.OTEL_EXPORTER_OTLP_HEADERS, ...headers }, timeoutMs: e.OTEL_EXPORTER_OTLP_TIMEOUT };
  };
  const traces =
    e.OTEL_TRACES_EXPORTER === "none"
      ? undefined
      : target(
          e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
          "/v1/traces",
          e.OTEL_EXPORTER_OTLP_TRACES_HEADERS,
          e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL,
          e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ? "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL" : "OTEL_EXPORTER_OTLP_PROTOCOL",
        );
  const metrics =
    e.OTEL_METRICS_EXPORTER === "none"
      ? undefined
      : target(
          e.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
          "/v1/metrics",
          e.OTEL_EXPORTER_OTLP_METRICS_HEADERS,
          e.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL,
          e.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL ? "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL" : "OTEL_EXPORTER_OTLP_PROTOCOL",
        );
  if (!traces && !metrics) return undefined;
  const resourceAttributes = e.OTEL_RESOURCE_ATTRIBUTES;
  return {
    // OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES, as the specification says.
    serviceName: e.OTEL_SERVICE_NAME ?? resourceAttributes["service.name"] ?? "bedrock-gateway",
    resourceAttributes,
    traces: traces && {
      ...traces,
      sampler: e.OTEL_TRACES_SAMPLER,
      samplerRatio: e.OTEL_TRACES_SAMPLER_ARG ?? 1,
      scheduleDelayMs: e.OTEL_BSP_SCHEDULE_DELAY,
      maxQueueSize: e.OTEL_BSP_MAX_QUEUE_SIZE,
      maxExportBatchSize: Math.min(e.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, e.OTEL_BSP_MAX_QUEUE_SIZE),
    },
    metrics: metrics && {
      ...metrics,
      exportIntervalMs: e.OTEL_METRIC_EXPORT_INTERVAL,
      temporality: e.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE,
    },
    captureMessageContent: e.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT,
  };
}

function storeConfig(e: Pick<Env, "DATA_DIR" | "DATABASE_URL" | "DATABASE_POOL_SIZE">): StoreConfig {
  const url = e.DATABASE_URL;
  if (url === undefined) return { kind: "sqlite", path: join(e.DATA_DIR, "gateway.db") };
  if (url === "none") return { kind: "none" };
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: "postgres", url, poolSize: e.DATABASE_POOL_SIZE };
  const sqlite = /^sqlite:(.+)$/i.exec(url);
  if (sqlite) return { kind: "sqlite", path: sqlite[1]!.replace(/^\/\/(?=\/)/, "") };
  throw new ConfigError(
    "Invalid configuration:\n  DATABASE_URL: expected postgres://user:password@host:5432/db, sqlite:/path/to/file.db or none",
  );
}

const storeEnvSchema = envSchema.pick({ DATA_DIR: true, DATABASE_URL: true, DATABASE_POOL_SIZE: true, PRICING_FILE: true });

/** The part of the configuration the command-line tool needs (store and prices), without a key source. */
export function loadStoreConfig(env: NodeJS.ProcessEnv = process.env): { store: StoreConfig; pricingFile: string | undefined } {
  const result = storeEnvSchema.safeParse(env);
  if (!result.success) fail(result.error.issues);
  return { store: storeConfig(result.data), pricingFile: result.data.PRICING_FILE };
}

/** Region fallback used when neither the environment nor the AWS profile names one (as BAG does). */
export const DEFAULT_REGION = "us-west-2";

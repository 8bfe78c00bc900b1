// The one reader of process.env. Everything the gateway can be told lives here, with its
// default and unit; the rest of the code receives the parsed, typed Config object.
import { join } from "node:path";
import { z } from "zod";
import { parseAliasMap, parseBoolean, parseByteSize, parseDuration, parseKeyList, parseList } from "./parse-values.ts";

export class ConfigError extends Error {
  override name = "ConfigError";
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

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

/** Environment variable → typed value. Names follow bedrock-access-gateway where it has one. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().trim().min(1).default("0.0.0.0"),

  AWS_REGION: optionalText,
  AWS_DEFAULT_REGION: optionalText,
  AWS_ENDPOINT_URL: endpointUrl,
  AWS_ENDPOINT_URL_BEDROCK_RUNTIME: endpointUrl,
  AWS_ENDPOINT_URL_BEDROCK: endpointUrl,
  /** Bedrock's Mantle endpoint (OpenAI- and Anthropic-compatible APIs); default https://bedrock-mantle.{region}.api.aws. */
  AWS_ENDPOINT_URL_BEDROCK_MANTLE: endpointUrl,
  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: textual(parseBoolean).default(false),
  AWS_USE_FIPS_ENDPOINT: textual(parseBoolean).default(false),
  AWS_BEARER_TOKEN_BEDROCK: optionalText,

  API_KEY: optionalText,
  API_KEY_SECRET_ARN: optionalText,
  API_KEY_PARAM_NAME: optionalText,
  /** How often a key from Secrets Manager / SSM is re-read, so rotation needs no restart. */
  API_KEY_REFRESH_INTERVAL: textual(parseDuration).default(300_000),
  /** Unsafe: serve without client authentication. Only honoured when HOST is loopback. */
  DISABLE_AUTH: textual(parseBoolean).default(false),

  API_ROUTE_PREFIX: routePrefix,
  DEFAULT_MODEL: z.string().trim().min(1).default("anthropic.claude-sonnet-4-5-20250929-v1:0"),
  DEFAULT_EMBEDDING_MODEL: z.string().trim().min(1).default("cohere.embed-multilingual-v3"),
  MODEL_ALIASES: textual(parseAliasMap).default(new Map()),

  ENABLE_CROSS_REGION_INFERENCE: textual(parseBoolean).default(true),
  ENABLE_APPLICATION_INFERENCE_PROFILES: textual(parseBoolean).default(true),
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

  ALLOWED_ORIGINS: textual(parseList).default([]),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  DEBUG: textual(parseBoolean).default(false),

  /** Model catalog refresh period. */
  MODELS_CACHE_TTL: textual(parseDuration).default(600_000),
  /** Upstream (Bedrock) timeouts: TCP/TLS connect; request sent → response headers (for a
   * non-streaming call that is the whole generation); longest silence inside a response. */
  UPSTREAM_CONNECT_TIMEOUT: textual(parseDuration).default(10_000),
  UPSTREAM_FIRST_BYTE_TIMEOUT: textual(parseDuration).default(600_000),
  UPSTREAM_IDLE_TIMEOUT: textual(parseDuration).default(300_000),
  /** Total time spent retrying throttled / unavailable calls before the first byte (0 = no retries). */
  UPSTREAM_RETRY_MAX_TIME: textual(parseDuration).default(5_000),
  /** Fetch http(s) image URLs that resolve to private, loopback or link-local addresses (unsafe). */
  ALLOW_PRIVATE_IMAGE_URLS: textual(parseBoolean).default(false),
  IMAGE_FETCH_TIMEOUT: textual(parseDuration).default(10_000),
  /** Silence after which a streaming response gets an SSE keep-alive. */
  SSE_KEEPALIVE_INTERVAL: textual(parseDuration).default(15_000),
  /** Where reasoning text goes: reasoning_content (default), <think> tags inside content, or nowhere. */
  REASONING_OUTPUT: z.enum(["reasoning_content", "think-tags", "omit"]).default("reasoning_content"),
  /** Default guardrail for chat requests that name none (both or neither). */
  GUARDRAIL_ID: optionalText,
  GUARDRAIL_VERSION: optionalText,
  GUARDRAIL_TRACE: z.enum(["enabled", "disabled", "enabled_full"]).optional(),
  /** How long signed thinking blocks are kept for clients that do not replay them. */
  THINKING_STORE_TTL: textual(parseDuration).default(3_600_000),
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
  /** How long in-flight requests and streams may run after SIGTERM before connections are cut. */
  SHUTDOWN_TIMEOUT: textual(parseDuration).default(30_000),
  /** How long an idle keep-alive connection stays open. Behind a load balancer it must exceed the
   * balancer's idle timeout (ALB: 60 s by default), or the balancer reuses a closing connection (502). */
  KEEP_ALIVE_TIMEOUT: textual(parseDuration).default(65_000),

  // Keys, usage, limits (multi-tenant). See README "API keys, limits and usage".
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
  /** When set, /metrics requires `Authorization: Bearer <METRICS_API_KEY>`. */
  METRICS_API_KEY: optionalText,
});

type Env = z.infer<typeof envSchema>;

/** Every environment variable the gateway reads (deployment templates are checked against it). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

export type ApiKeySource =
  | { kind: "static"; key: string }
  | { kind: "secrets-manager"; secretId: string }
  | { kind: "ssm"; parameterName: string }
  | { kind: "none" };

export type StoreConfig =
  | { kind: "sqlite"; path: string }
  | { kind: "postgres"; url: string; poolSize: number }
  | { kind: "none" };

export interface Config {
  server: { port: number; host: string; shutdownTimeoutMs: number; maxRequestBodyBytes: number; keepAliveTimeoutMs: number };
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
    keepAliveMs: number;
    reasoningOutput: "reasoning_content" | "think-tags" | "omit";
    defaultGuardrail: { guardrailIdentifier: string; guardrailVersion: string; trace?: "enabled" | "disabled" | "enabled_full" } | undefined;
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
  log: { level: (typeof LOG_LEVELS)[number]; debugBodies: boolean };
  store: StoreConfig;
  admin: { apiKey: string | undefined };
  limits: { redisUrl: string | undefined; failMode: "open" | "closed"; redisTimeoutMs: number; keyCacheTtlMs: number };
  usage: { flushIntervalMs: number; pricingFile: string | undefined };
  metrics: { enabled: boolean; apiKey: string | undefined };
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
    throw new ConfigError(
      "Invalid configuration:\n  API_KEY, API_KEY_SECRET_ARN, API_KEY_PARAM_NAME: set only one key source",
    );
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
    throw new ConfigError(
      `Invalid configuration:\n  DISABLE_AUTH: only allowed when HOST is a loopback address (HOST is ${e.HOST})`,
    );
  }

  if (e.RESPONSES_STORE === "database" && store.kind === "none") {
    throw new ConfigError("Invalid configuration:\n  RESPONSES_STORE: `database` needs a database, but DATABASE_URL is none (use memory, or set DATABASE_URL)");
  }
  if (Boolean(e.GUARDRAIL_ID) !== Boolean(e.GUARDRAIL_VERSION)) {
    throw new ConfigError("Invalid configuration:\n  GUARDRAIL_ID, GUARDRAIL_VERSION: set both (the version is a number or DRAFT) or neither");
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
      keepAliveMs: e.SSE_KEEPALIVE_INTERVAL,
      reasoningOutput: e.REASONING_OUTPUT,
      defaultGuardrail: e.GUARDRAIL_ID
        ? { guardrailIdentifier: e.GUARDRAIL_ID, guardrailVersion: e.GUARDRAIL_VERSION!, ...(e.GUARDRAIL_TRACE ? { trace: e.GUARDRAIL_TRACE } : {}) }
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
    log: { level: e.LOG_LEVEL, debugBodies: e.DEBUG },
    store,
    admin: { apiKey: e.ADMIN_API_KEY },
    limits: {
      redisUrl: e.REDIS_URL,
      failMode: e.RATE_LIMIT_FAIL_MODE,
      redisTimeoutMs: e.REDIS_TIMEOUT,
      keyCacheTtlMs: e.KEY_CACHE_TTL,
    },
    usage: { flushIntervalMs: e.USAGE_FLUSH_INTERVAL, pricingFile: e.PRICING_FILE },
    metrics: { enabled: e.ENABLE_METRICS, apiKey: e.METRICS_API_KEY },
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

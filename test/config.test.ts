import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../src/config/config.ts";
import { parseAliasMap, parseByteSize, parseDuration } from "../src/config/parse-values.ts";

const base = { API_KEY: "k" };

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const c = loadConfig(base);
    assert.equal(c.server.port, 8080);
    assert.equal(c.server.host, "0.0.0.0");
    assert.equal(c.server.maxRequestBodyBytes, 20 * 1024 * 1024);
    assert.deepEqual(c.routes.prefixes, ["/v1", "/api/v1"]);
    assert.equal(c.models.crossRegionInference, true);
    assert.equal(c.models.applicationInferenceProfiles, true);
    assert.equal(c.chat.promptCaching, false);
    assert.equal(c.models.cacheTtlMs, 600_000);
    assert.deepEqual(c.cors.allowedOrigins, []);
    assert.deepEqual(c.auth.source, { kind: "static", key: "k" });
    assert.equal(c.aws.region, undefined);
  });

  it("reads the bedrock-access-gateway variable names", () => {
    const c = loadConfig({
      ...base,
      PORT: "9000",
      AWS_REGION: "eu-central-1",
      API_ROUTE_PREFIX: "/gateway/v1/",
      DEFAULT_MODEL: "us.amazon.nova-lite-v1:0",
      DEFAULT_EMBEDDING_MODEL: "amazon.titan-embed-text-v2:0",
      MODEL_ALIASES: "gpt-4o=us.anthropic.claude-sonnet-4-5-20250929-v1:0,fast=amazon.nova-micro-v1:0",
      ENABLE_CROSS_REGION_INFERENCE: "false",
      ENABLE_APPLICATION_INFERENCE_PROFILES: "false",
      ENABLE_PROMPT_CACHING: "true",
      ALLOWED_ORIGINS: "https://a.example, https://b.example",
      MODELS_CACHE_TTL: "5m",
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: "http://127.0.0.1:9999/",
    });
    assert.equal(c.server.port, 9000);
    assert.equal(c.aws.region, "eu-central-1");
    assert.deepEqual(c.routes.prefixes, ["/v1", "/api/v1", "/gateway/v1"]);
    assert.equal(c.models.defaultModel, "us.amazon.nova-lite-v1:0");
    assert.equal(c.models.aliases.get("fast"), "amazon.nova-micro-v1:0");
    assert.equal(c.models.crossRegionInference, false);
    assert.equal(c.models.applicationInferenceProfiles, false);
    assert.equal(c.chat.promptCaching, true);
    assert.deepEqual(c.cors.allowedOrigins, ["https://a.example", "https://b.example"]);
    assert.equal(c.models.cacheTtlMs, 300_000);
    assert.equal(c.aws.runtimeEndpoint, "http://127.0.0.1:9999");
    assert.equal(c.aws.controlPlaneEndpoint, undefined);
  });

  it("falls back to AWS_ENDPOINT_URL and honours AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", () => {
    assert.equal(loadConfig({ ...base, AWS_ENDPOINT_URL: "http://h:1" }).aws.controlPlaneEndpoint, "http://h:1");
    assert.equal(
      loadConfig({ ...base, AWS_ENDPOINT_URL: "http://h:1", AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" }).aws.runtimeEndpoint,
      undefined,
    );
  });

  it("reads the native endpoint settings (on by default; Mantle's URL only from its own variable)", () => {
    const d = loadConfig({ ...base, AWS_ENDPOINT_URL: "http://h:1" });
    assert.deepEqual(d.native, { enabled: true, forceModels: [] });
    assert.equal(d.aws.mantleEndpoint, undefined, "AWS_ENDPOINT_URL names the runtime and control plane, not Mantle");
    const c = loadConfig({
      ...base,
      ENABLE_NATIVE_ENDPOINTS: "false",
      NATIVE_MODELS: "openai.gpt-oss-*, qwen.*",
      AWS_ENDPOINT_URL_BEDROCK_MANTLE: "https://vpce-1.bedrock-mantle.us-east-1.vpce.amazonaws.com/",
    });
    assert.deepEqual(c.native, { enabled: false, forceModels: ["openai.gpt-oss-*", "qwen.*"] });
    assert.equal(c.aws.mantleEndpoint, "https://vpce-1.bedrock-mantle.us-east-1.vpce.amazonaws.com");
    assert.equal(
      loadConfig({ ...base, AWS_ENDPOINT_URL_BEDROCK_MANTLE: "http://m:1", AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" }).aws
        .mantleEndpoint,
      undefined,
    );
    assert.throws(() => loadConfig({ ...base, AWS_ENDPOINT_URL_BEDROCK_MANTLE: "ftp://x" }), /AWS_ENDPOINT_URL_BEDROCK_MANTLE/);
    assert.throws(() => loadConfig({ ...base, ENABLE_NATIVE_ENDPOINTS: "maybe" }), /ENABLE_NATIVE_ENDPOINTS/);
  });

  it("names the variable when a value is invalid", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ ...base, PORT: "eighty" }, /PORT/],
      [{ ...base, PORT: "70000" }, /PORT/],
      [{ ...base, MODELS_CACHE_TTL: "soon" }, /MODELS_CACHE_TTL: "soon" is not a duration/],
      [{ ...base, ENABLE_PROMPT_CACHING: "maybe" }, /ENABLE_PROMPT_CACHING: "maybe" is not a boolean/],
      [{ ...base, MODEL_ALIASES: "{not json" }, /MODEL_ALIASES/],
      [{ ...base, LOG_LEVEL: "loud" }, /LOG_LEVEL/],
      [{ ...base, AWS_ENDPOINT_URL_BEDROCK: "ftp://x" }, /AWS_ENDPOINT_URL_BEDROCK/],
      [{ ...base, MAX_REQUEST_BODY: "big" }, /MAX_REQUEST_BODY/],
      [{ ...base, API_ROUTE_PREFIX: "no-slash" }, /API_ROUTE_PREFIX/],
    ];
    for (const [env, re] of cases) {
      assert.throws(
        () => loadConfig(env),
        (e: unknown) => e instanceof ConfigError && re.test(e.message),
        JSON.stringify(env),
      );
    }
  });

  it("refuses to start without a key source unless auth is explicitly disabled on loopback", () => {
    assert.throws(() => loadConfig({}), /API_KEY: no client key source is configured/);
    assert.throws(() => loadConfig({ DISABLE_AUTH: "true" }), /DISABLE_AUTH: only allowed when HOST is a loopback address/);
    const c = loadConfig({ DISABLE_AUTH: "true", HOST: "127.0.0.1" });
    assert.equal(c.auth.disabled, true);
    assert.equal(c.auth.source.kind, "none");
  });

  it("accepts exactly one key source", () => {
    assert.deepEqual(loadConfig({ API_KEY_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:1:secret:x" }).auth.source, {
      kind: "secrets-manager",
      secretId: "arn:aws:secretsmanager:us-east-1:1:secret:x",
    });
    assert.deepEqual(loadConfig({ API_KEY_PARAM_NAME: "/gw/key" }).auth.source, { kind: "ssm", parameterName: "/gw/key" });
    assert.throws(() => loadConfig({ API_KEY: "a", API_KEY_PARAM_NAME: "/p" }), /set only one key source/);
  });
});

describe("value parsers", () => {
  it("parses durations", () => {
    assert.equal(parseDuration("600"), 600_000);
    assert.equal(parseDuration("10m"), 600_000);
    assert.equal(parseDuration("250ms"), 250);
    assert.equal(parseDuration("1.5h"), 5_400_000);
    assert.throws(() => parseDuration("-1s"));
  });
  it("parses sizes", () => {
    assert.equal(parseByteSize("20MiB"), 20 * 1024 * 1024);
    assert.equal(parseByteSize("512kb"), 512_000);
    assert.equal(parseByteSize("100"), 100);
  });
  it("parses alias maps in both forms", () => {
    assert.deepEqual([...parseAliasMap('{"a":"b"}')], [["a", "b"]]);
    assert.deepEqual(
      [...parseAliasMap("a=b, c = d")],
      [
        ["a", "b"],
        ["c", "d"],
      ],
    );
    assert.throws(() => parseAliasMap("a"), /not of the form alias=model/);
    assert.throws(() => parseAliasMap('{"a":1}'), /must map to a non-empty string/);
  });
});

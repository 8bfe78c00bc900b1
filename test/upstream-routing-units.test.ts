// Pure parts of multi-target routing, with fixtures: BEDROCK_TARGETS / MODEL_FALLBACKS parsing,
// the breaker state machine, model id per target, the catalog union, error classification and
// the permitted fallbacks.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BedrockError } from "../src/bedrock/bedrock-error.ts";
import { ConfigError, loadConfig } from "../src/config/config.ts";
import { buildCatalog } from "../src/models/build-catalog.ts";
import type { CatalogModel } from "../src/models/build-catalog.ts";
import { resolveModel } from "../src/models/resolve-model.ts";
import { CircuitBreaker } from "../src/upstreams/circuit-breaker.ts";
import { classifyUpstreamError } from "../src/upstreams/failover-policy.ts";
import { mergeSnapshots } from "../src/upstreams/merge-snapshots.ts";
import { modelForTarget, regionOfArn } from "../src/upstreams/model-for-target.ts";
import { permittedFallbacks } from "../src/upstreams/permitted-fallbacks.ts";
import { parseFallbacks, parseTargets } from "../src/upstreams/target-spec.ts";
import { createPricing, parsePriceTable } from "../src/usage/pricing.ts";
import { toUsageRecord } from "../src/usage/to-usage-record.ts";
import type { CompletedRequest } from "../src/http/app-env.ts";
import { foundationModelSummaries, systemProfileSummaries, applicationProfileSummaries } from "./fake-bedrock/fake-models.ts";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const snapshotOf = (region: string) =>
  buildCatalog(foundationModelSummaries(region), systemProfileSummaries(region), applicationProfileSummaries(region), {
    region,
    includeSystemProfiles: true,
    includeApplicationProfiles: true,
  });

describe("BEDROCK_TARGETS parsing", () => {
  it("accepts the issue's example fields and fills defaults", () => {
    const t = parseTargets(
      JSON.stringify([
        { name: "east", region: "us-east-1", weight: 2 },
        {
          name: "west",
          region: "us-west-2",
          roleArn: "arn:aws:iam::123456789012:role/bedrock",
          externalId: "ext-1",
          profile: "prod",
          models: ["anthropic.*"],
          endpoints: {
            "bedrock-runtime": "https://vpce-1.bedrock-runtime.us-west-2.vpce.amazonaws.com/",
            sts: "https://sts.us-west-2.amazonaws.com",
          },
        },
      ]),
    );
    assert.equal(t[0]!.weight, 2);
    assert.deepEqual(t[0]!.endpoints, {});
    assert.equal(t[1]!.weight, 1);
    assert.equal(t[1]!.endpoints["bedrock-runtime"], "https://vpce-1.bedrock-runtime.us-west-2.vpce.amazonaws.com");
    assert.deepEqual(t[1]!.models, ["anthropic.*"]);
  });

  it("refuses typos, bad regions, duplicate names, an externalId without a role and all-standby weights", () => {
    const bad = (v: unknown) => assert.throws(() => parseTargets(JSON.stringify(v)));
    bad([{ name: "a", region: "us-east-1", weigth: 2 }]);
    bad([{ name: "a", region: "useast1" }]);
    bad([
      { name: "a", region: "us-east-1" },
      { name: "a", region: "us-west-2" },
    ]);
    bad([{ name: "a", region: "us-east-1", externalId: "x1" }]);
    bad([{ name: "a", region: "us-east-1", weight: 0 }]);
    bad([{ name: "a b", region: "us-east-1" }]);
    bad([{ name: "a", region: "us-east-1", roleArn: "arn:aws:iam::123:role/x" }]);
    bad([{ name: "a", region: "us-east-1", endpoints: { "bedrock-runtime": "ftp://x" } }]);
    bad([{ name: "a", region: "us-east-1", endpoints: { lambda: "https://x" } }]);
    bad([]);
    assert.throws(() => parseTargets("[{"), /not valid JSON/);
  });

  it("reads a file path, and names the variable in configuration errors", () => {
    const dir = mkdtempSync(join(tmpdir(), "bgw-targets-"));
    const file = join(dir, "targets.json");
    writeFileSync(file, JSON.stringify([{ name: "east", region: "us-east-1" }]));
    const base = { API_KEY: "k", HOST: "127.0.0.1" };
    const c = loadConfig({ ...base, BEDROCK_TARGETS: file });
    assert.equal(c.upstreams.targets?.[0]?.name, "east");
    assert.equal(loadConfig(base).upstreams.targets, undefined);
    assert.throws(
      () => loadConfig({ ...base, BEDROCK_TARGETS: join(dir, "missing.json") }),
      (e: unknown) => e instanceof ConfigError && /BEDROCK_TARGETS: cannot read/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ ...base, BEDROCK_TARGETS: '[{"name":"x","region":"nowhere"}]' }),
      (e: unknown) => e instanceof ConfigError && /BEDROCK_TARGETS: \[0.region\]/.test(e.message),
    );
    assert.throws(() => loadConfig({ ...base, CIRCUIT_BREAKER_FAILURES: "0" }), ConfigError);
  });

  it("parses MODEL_FALLBACKS and refuses self-references", () => {
    assert.deepEqual([...parseFallbacks('{"a":["b","c"]}')], [["a", ["b", "c"]]]);
    assert.equal(parseFallbacks("").size, 0);
    assert.throws(() => parseFallbacks('{"a":["a"]}'), /itself/);
    assert.throws(() => parseFallbacks('{"a":[]}'));
    assert.throws(() => parseFallbacks('{"a":"b"}'));
  });
});

describe("circuit breaker", () => {
  const opts = { failures: 3, windowMs: 1000, cooldownMs: 500 };

  it("opens after N failures within the window, not when they are spread out", () => {
    const b = new CircuitBreaker(opts);
    b.failure(0);
    b.failure(600);
    b.failure(1200); // the first one left the window
    assert.equal(b.snapshot(1200).state, "closed");
    b.failure(1300);
    assert.equal(b.snapshot(1300).state, "open");
    assert.equal(b.tryAcquire(1400), false);
    assert.equal(b.retryInMs(1400), 400);
  });

  it("lets one probe through after the cool-down; success closes, failure re-opens", () => {
    const seen: string[] = [];
    const b = new CircuitBreaker(opts);
    b.onChange = (from, to) => seen.push(`${from}>${to}`);
    for (const t of [0, 1, 2]) b.failure(t);
    assert.equal(b.available(400), false);
    assert.equal(b.available(502), true);
    assert.equal(b.tryAcquire(502), true); // the probe
    assert.equal(b.tryAcquire(503), false); // only one at a time
    b.failure(600);
    assert.equal(b.snapshot(600).state, "open");
    assert.equal(b.tryAcquire(1101), true);
    b.success();
    assert.equal(b.snapshot(1101).state, "closed");
    assert.equal(b.tryAcquire(1102), true);
    assert.deepEqual(seen, ["closed>open", "open>half-open", "half-open>open", "open>half-open", "half-open>closed"]);
    assert.equal(b.snapshot(1200).openedCount, 2);
  });

  it("a probe that ends without a verdict frees the probe slot", () => {
    const b = new CircuitBreaker(opts);
    for (const t of [0, 1, 2]) b.failure(t);
    assert.equal(b.tryAcquire(600), true);
    b.release();
    assert.equal(b.tryAcquire(601), true);
  });
});

describe("model id per target", () => {
  const east = snapshotOf("us-east-1");
  const eu = snapshotOf("eu-west-1");

  it("maps a geographic profile to the region's own profile, or the model on demand", () => {
    const sonnet = "anthropic.claude-sonnet-4-5-20250929-v1:0";
    assert.equal(modelForTarget(east, `us.${sonnet}`), `us.${sonnet}`);
    // The doubles' EU region has no eu. profile for it, only global.
    assert.equal(modelForTarget(eu, `us.${sonnet}`), `global.${sonnet}`);
    assert.equal(modelForTarget(eu, sonnet), `global.${sonnet}`);
    assert.equal(modelForTarget(east, "amazon.nova-lite-v1:0"), "amazon.nova-lite-v1:0");
    assert.equal(modelForTarget(eu, "us.amazon.nova-lite-v1:0"), "amazon.nova-lite-v1:0");
    // Served only through a us. profile: not in the EU region.
    assert.equal(modelForTarget(eu, "us.anthropic.claude-3-7-sonnet-20250219-v1:0"), undefined);
    assert.equal(modelForTarget(east, "no.such-model"), undefined);
    assert.equal(modelForTarget(undefined, "anything"), "anything");
  });

  it("keeps ARNs with the target whose catalog lists them", () => {
    const app = [...east.lookup.values()].find((m) => m.source === "application-profile")!;
    assert.equal(modelForTarget(east, app.bedrockId), app.bedrockId);
    const other = app.bedrockId.replace(/\d{12}/, "999999999999");
    assert.equal(modelForTarget(east, other), undefined);
    assert.equal(regionOfArn("arn:aws:bedrock:eu-west-1:123456789012:provisioned-model/abc"), "eu-west-1");
  });

  it("merges catalogs: the union, listed where any target lists it, resolved in the first region", () => {
    const merged = mergeSnapshots([east, eu], "us-east-1");
    assert.ok(merged.lookup.has("us.anthropic.claude-sonnet-4-5-20250929-v1:0"));
    assert.ok(merged.models.length >= east.models.length);
    assert.equal(new Set(merged.models.map((m) => m.id)).size, merged.models.length, "no duplicate ids");
    const r = resolveModel(merged, "anthropic.claude-sonnet-4-5-20250929-v1:0", "chat", {
      aliases: new Map(),
      defaultModel: "x",
      defaultEmbeddingModel: "y",
    });
    assert.equal(r.bedrockId, "us.anthropic.claude-sonnet-4-5-20250929-v1:0");
    assert.equal(mergeSnapshots([east], "us-east-1"), east);
  });
});

describe("failover classification", () => {
  const e = (name: string, status: number) => new BedrockError(name, "m", status);
  it("separates target failures, not-here answers and final errors", () => {
    for (const [n, s] of [
      ["ThrottlingException", 429],
      ["ServiceUnavailableException", 503],
      ["ModelNotReadyException", 429],
      ["InternalServerException", 500],
      ["TransportError", 503],
      ["TimeoutError", 504],
      ["Http502", 502],
    ] as const) {
      assert.equal(classifyUpstreamError(e(n, s)), "target-failure", n);
    }
    assert.equal(classifyUpstreamError(e("AccessDeniedException", 403)), "not-here");
    assert.equal(classifyUpstreamError(e("ResourceNotFoundException", 404)), "not-here");
    for (const [n, s] of [
      ["ValidationException", 400],
      ["ServiceQuotaExceededException", 400],
      ["ModelErrorException", 424],
      ["ModelStreamErrorException", 424],
      ["ModelTimeoutException", 408],
    ] as const) {
      assert.equal(classifyUpstreamError(e(n, s)), "final", n);
    }
  });
});

describe("permitted fallbacks", () => {
  const snap = snapshotOf("us-east-1");
  const opts = { aliases: new Map([["fast", "amazon.nova-micro-v1:0"]]), defaultModel: "x", defaultEmbeddingModel: "y" };
  const primary = resolveModel(snap, "amazon.nova-pro-v1:0", "chat", opts);
  const table = new Map([["amazon.nova-pro-v1:0", ["fast", "amazon.nova-lite-v1:0", "no.such-model", "amazon.titan-embed-text-v2:0"]]]);

  it("resolves fallbacks (aliases too), drops unknown and other-kind models", () => {
    const all = permittedFallbacks(table, primary, snap, "chat", opts, () => true);
    assert.deepEqual(
      all.map((f) => [f.name, f.bedrockId]),
      [
        ["fast", "amazon.nova-micro-v1:0"],
        ["amazon.nova-lite-v1:0", "amazon.nova-lite-v1:0"],
      ],
    );
  });

  it("keeps only what the key's allow-list permits", () => {
    const onlyLite = (m: CatalogModel) => m.baseModelId === "amazon.nova-lite-v1:0";
    assert.deepEqual(
      permittedFallbacks(table, primary, snap, "chat", opts, onlyLite).map((f) => f.name),
      ["amazon.nova-lite-v1:0"],
    );
    assert.deepEqual(
      permittedFallbacks(table, primary, snap, "chat", opts, () => false),
      [],
    );
    assert.deepEqual(
      permittedFallbacks(new Map(), primary, snap, "chat", opts, () => true),
      [],
    );
  });
});

describe("usage record of a routed call", () => {
  it("carries region and target and is priced at the serving region", () => {
    const pricing = createPricing(
      parsePriceTable(
        { models: { "amazon.nova-lite-v1:0": { input: 1, output: 2, regions: { "eu-west-1": { input: 10, output: 20 } } } } },
        "test",
      ),
    );
    const done = (fields: Record<string, unknown>): CompletedRequest => ({
      requestId: "r",
      method: "POST",
      path: "/v1/chat/completions",
      status: 200,
      startedAt: 0,
      latencyMs: 1,
      streamed: false,
      principal: undefined,
      admission: undefined,
      fields: {
        endpoint: "chat.completions",
        model: "amazon.nova-lite-v1:0",
        bedrockModel: "amazon.nova-lite-v1:0",
        baseModelId: "amazon.nova-lite-v1:0",
        inputTokens: 1_000_000,
        outputTokens: 1_000_000,
        ...fields,
      },
    });
    const eu = toUsageRecord(done({ region: "eu-west-1", target: "eu" }), pricing, "us-east-1")!;
    assert.equal(eu.costUsd, 30);
    assert.equal(eu.region, "eu-west-1");
    assert.equal(eu.target, "eu");
    const home = toUsageRecord(done({}), pricing, "us-east-1")!;
    assert.equal(home.costUsd, 3);
    assert.equal(home.region, null);
  });
});

// Cost per request from the price table: profile kinds priced as Bedrock prices them, unknown
// prices recorded as unknown (null), and the override file.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { costOf, loadPricing, profileKindOf } from "../src/usage/pricing.ts";

const SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const tokens = (inputTokens: number, outputTokens: number, cacheReadTokens = 0, cacheWriteTokens = 0) => ({
  inputTokens,
  outputTokens,
  cacheReadTokens,
  cacheWriteTokens,
});
const close = (a: number | null, b: number) => assert.ok(a !== null && Math.abs(a - b) < 1e-12, `${a} ≈ ${b}`);

describe("pricing", () => {
  const pricing = loadPricing(undefined);

  it("names every model once in the built-in table (JSON.parse would keep only the last entry)", () => {
    const text = readFileSync(new URL("../src/usage/bedrock-prices.json", import.meta.url), "utf8");
    const keys = [...text.matchAll(/^ {4}"([^"]+)":/gm)].map((m) => m[1]!);
    assert.ok(keys.length > 30, `${keys.length} models found`);
    const repeated = keys.filter((k, i) => keys.indexOf(k) !== i);
    assert.deepEqual(repeated, []);
    // The entries a merge once duplicated without their batch rates keep them.
    const table = (JSON.parse(text) as { models: Record<string, { batch?: unknown }> }).models;
    for (const id of ["deepseek.r1-v1:0", "deepseek.v3-v1:0", "openai.gpt-oss-120b-1:0", "openai.gpt-oss-20b-1:0"])
      assert.ok(table[id]?.batch, `${id} has batch rates`);
  });

  it("tells profile kinds apart", () => {
    assert.equal(profileKindOf(`global.${SONNET}`), "global");
    assert.equal(profileKindOf(`us.${SONNET}`), "geographic");
    assert.equal(profileKindOf(`eu.${SONNET}`), "geographic");
    assert.equal(profileKindOf(`apac.amazon.nova-lite-v1:0`), "geographic");
    assert.equal(profileKindOf("amazon.nova-lite-v1:0"), "in-region");
    assert.equal(profileKindOf("arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc"), "application");
  });

  it("prices global profiles of 4.5-generation Claude ~10% below geographic ones", () => {
    close(pricing.cost(SONNET, `global.${SONNET}`, "us-east-1", tokens(1_000_000, 1_000_000)), 3 + 15);
    close(pricing.cost(SONNET, `us.${SONNET}`, "us-east-1", tokens(1_000_000, 1_000_000)), 3.3 + 16.5);
    close(pricing.cost(SONNET, `us.${SONNET}`, "us-east-1", tokens(0, 0, 1_000_000, 1_000_000)), 0.33 + 4.125);
  });

  it("prices in-region and geographic calls of older models at the same on-demand price", () => {
    const nova = "amazon.nova-lite-v1:0";
    const a = pricing.cost(nova, nova, "us-east-1", tokens(1000, 500));
    const b = pricing.cost(nova, `us.${nova}`, "us-east-1", tokens(1000, 500));
    close(a, (1000 * 0.06 + 500 * 0.24) / 1e6);
    assert.equal(a, b);
  });

  it("records unknown prices as unknown, not zero", () => {
    assert.equal(pricing.cost("acme.mystery-v1:0", "acme.mystery-v1:0", "us-east-1", tokens(10, 10)), null);
    assert.equal(pricing.cost(undefined, undefined, "us-east-1", tokens(10, 0)), null);
    // Claude 3 Haiku has no cache prices in the table: a cache read makes the cost unknown.
    assert.equal(
      pricing.cost("anthropic.claude-3-haiku-20240307-v1:0", "anthropic.claude-3-haiku-20240307-v1:0", "us-east-1", tokens(10, 10, 5)),
      null,
    );
    assert.equal(pricing.cost("acme.mystery-v1:0", "acme.mystery-v1:0", "us-east-1", tokens(0, 0)), 0, "no tokens, no cost");
  });

  it("applies an override file: new models, replaced prices, source-region prices", () => {
    const dir = mkdtempSync(join(tmpdir(), "bgw-prices-"));
    const file = join(dir, "prices.json");
    writeFileSync(
      file,
      JSON.stringify({
        models: {
          "acme.mystery-v1:0": { input: 1, output: 2 },
          "amazon.nova-lite-v1:0": {
            input: 0.1,
            output: 0.4,
            regions: { "eu-west-1": { input: 0.2 } },
            global: { input: 0.05, output: 0.2 },
          },
        },
      }),
    );
    const p = loadPricing(file);
    close(p.cost("acme.mystery-v1:0", "acme.mystery-v1:0", "us-east-1", tokens(1_000_000, 1_000_000)), 3);
    close(p.cost("amazon.nova-lite-v1:0", "amazon.nova-lite-v1:0", "us-east-1", tokens(1_000_000, 0)), 0.1);
    close(p.cost("amazon.nova-lite-v1:0", "eu.amazon.nova-lite-v1:0", "eu-west-1", tokens(1_000_000, 1_000_000)), 0.2 + 0.4);
    close(p.cost("amazon.nova-lite-v1:0", "global.amazon.nova-lite-v1:0", "eu-west-1", tokens(1_000_000, 1_000_000)), 0.05 + 0.2);
    close(p.cost(SONNET, SONNET, "us-east-1", tokens(1_000_000, 0)), 3.3);
    writeFileSync(file, JSON.stringify({ models: { x: { input: -1 } } }));
    assert.throws(() => loadPricing(file), /PRICING_FILE .*x\.input/);
    assert.throws(() => loadPricing(join(dir, "missing.json")), /PRICING_FILE: cannot read/);
  });

  it("costOf is plain arithmetic", () => {
    assert.equal(costOf({ input: 2, output: 4 }, tokens(500_000, 250_000)), 2);
    assert.equal(costOf(undefined, tokens(1, 0)), null);
  });
});

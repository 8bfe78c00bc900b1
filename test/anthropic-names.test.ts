import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { anthropicNames } from "../src/models/anthropic-names.ts";
import { startGateway, TEST_API_KEY } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

describe("Anthropic public model names (pure)", () => {
  const names = anthropicNames([
    "anthropic.claude-3-5-sonnet-20240620-v1:0",
    "anthropic.claude-3-5-sonnet-20241022-v2:0",
    "anthropic.claude-sonnet-4-20250514-v1:0",
    "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "amazon.nova-lite-v1:0",
    "anthropic.claude-v2:1",
  ]);

  it("gives dated, undated and -latest forms; the newest release wins the undated name", () => {
    assert.equal(names.get("claude-sonnet-4-5-20250929")?.baseModelId, "anthropic.claude-sonnet-4-5-20250929-v1:0");
    assert.equal(names.get("claude-sonnet-4-5")?.baseModelId, "anthropic.claude-sonnet-4-5-20250929-v1:0");
    assert.equal(names.get("claude-3-5-sonnet")?.baseModelId, "anthropic.claude-3-5-sonnet-20241022-v2:0");
    assert.equal(names.get("claude-3-5-sonnet-latest")?.baseModelId, "anthropic.claude-3-5-sonnet-20241022-v2:0");
    assert.equal(names.get("claude-3-5-sonnet-20240620")?.baseModelId, "anthropic.claude-3-5-sonnet-20240620-v1:0");
    assert.equal(names.get("claude-sonnet-4-0")?.baseModelId, "anthropic.claude-sonnet-4-20250514-v1:0");
    assert.equal(names.get("claude-sonnet-4-5-latest")?.listed, false);
  });

  it("names nothing that is not a Claude model with a version suffix", () => {
    assert.ok([...names.values()].every((n) => n.baseModelId.startsWith("anthropic.claude-")));
    assert.ok(!names.has("claude"));
    assert.ok(!names.has("claude-sonnet-4-5-2"), "no partial names");
  });
});

describe("Anthropic public model names through the gateway", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { MODEL_ALIASES: "fast=amazon.nova-micro-v1:0,typo=amazon.nova-mikro-v1:0" } });
  });
  after(() => gw.close());

  it("the Anthropic SDK reaches claude-sonnet-4-5 and claude-haiku-4-5 without configuration", async () => {
    const client = new Anthropic({ baseURL: gw.url, apiKey: TEST_API_KEY, maxRetries: 0 });
    for (const [asked, called] of [
      ["claude-sonnet-4-5", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"],
      ["claude-haiku-4-5-20251001", "us.anthropic.claude-haiku-4-5-20251001-v1:0"],
      ["claude-opus-4-1", "us.anthropic.claude-opus-4-1-20250805-v1:0"],
    ] as const) {
      gw.fake.requests.length = 0;
      const msg = await client.messages.create({ model: asked, max_tokens: 50, messages: [{ role: "user", content: "hi" }] });
      assert.equal(msg.model, asked, "the name asked for is echoed");
      const sent = gw.fake.requests.find((r) => r.operation === "Converse");
      assert.equal(sent?.modelId, called, `${asked} is sent to Bedrock as the region's profile`);
    }
  });

  it("chat completions accept the names too", async () => {
    const res = await gw.openai.chat.completions.create({ model: "claude-3-7-sonnet-latest", messages: [{ role: "user", content: "hi" }] });
    assert.equal(res.model, "claude-3-7-sonnet-latest");
  });

  it("/v1/models lists built-in and configured aliases with the model they reach", async () => {
    const body: any = await (await gw.request("/v1/models")).json();
    const byId = new Map<string, any>(body.data.map((m: any) => [m.id, m]));
    assert.equal(byId.get("claude-sonnet-4-5")?.alias_for, "us.anthropic.claude-sonnet-4-5-20250929-v1:0");
    assert.equal(byId.get("claude-sonnet-4-5-20250929")?.owned_by, "anthropic");
    assert.equal(byId.get("fast")?.alias_for, "amazon.nova-micro-v1:0");
    assert.ok(!byId.has("typo"), "an alias to a missing model is not listed");
    assert.ok(!byId.has("claude-sonnet-4-5-latest"), "-latest spellings are accepted, not listed");
    const one: any = await (await gw.request("/v1/models/claude-opus-4-1")).json();
    assert.equal(one.id, "claude-opus-4-1");
  });

  it("warns once, when the catalog loads, about an alias whose target does not exist", () => {
    const warnings = gw.logs.filter((l) => l.alias === "typo");
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.target, "amazon.nova-mikro-v1:0");
    assert.equal(warnings[0]!.level, "warn");
    assert.ok(!gw.logs.some((l) => l.alias === "fast"), "a good alias is not warned about");
  });

  it("a Claude-looking name that no model has is still a 404", async () => {
    const res = await gw.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "claude-sonnet-4-5-nope", messages: [{ role: "user", content: "hi" }] }),
    });
    assert.equal(res.status, 404);
  });
});

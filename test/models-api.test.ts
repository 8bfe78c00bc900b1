import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { openaiSchemaErrors } from "./helpers/openapi-schemas.ts";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

describe("Models API through the openai SDK", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { MODEL_ALIASES: "fast=amazon.nova-micro-v1:0" } });
  });
  after(() => gw.close());

  it("lists on-demand models, system profiles and application profiles by name", async () => {
    const ids: string[] = [];
    for await (const m of gw.openai.models.list()) ids.push(m.id);
    assert.ok(ids.includes("us.anthropic.claude-sonnet-4-5-20250929-v1:0"), "geographic profile");
    assert.ok(ids.includes("global.anthropic.claude-sonnet-4-5-20250929-v1:0"), "global profile");
    assert.ok(ids.includes("team-a-claude"), "application profile by readable name");
    assert.ok(ids.includes("amazon.nova-lite-v1:0"), "on-demand foundation model");
    assert.ok(ids.includes("amazon.titan-embed-text-v2:0"), "embedding model");
    assert.ok(ids.includes("amazon.nova-canvas-v1:0"), "image model");
    assert.ok(!ids.includes("anthropic.claude-sonnet-4-5-20250929-v1:0"), "profile-only base ids are not listed");
    assert.ok(!ids.includes("amazon.nova-reel-v1:0"), "video models are not served");
    // The double pages ListInferenceProfiles 5 at a time: the last pages must be there too.
    assert.ok(ids.includes("us.meta.llama4-maverick-17b-instruct-v1:0"));
    assert.ok(ids.includes("us.cohere.embed-v4:0"));
  });

  it("answers in the OpenAI ListModelsResponse shape", async () => {
    const res = await gw.request("/v1/models");
    assert.equal(res.status, 200);
    const body: any = await res.json();
    assert.deepEqual(openaiSchemaErrors("ListModelsResponse", body), []);
    const claude = body.data.find((m: { id: string }) => m.id === "us.anthropic.claude-sonnet-4-5-20250929-v1:0");
    assert.equal(claude.owned_by, "anthropic");
    assert.equal(claude.created, Date.parse("2025-09-29T00:00:00Z") / 1000);
  });

  it("retrieves ids containing ':' and '/' (ARNs), and base ids served through a profile", async () => {
    const byId = await gw.openai.models.retrieve("us.anthropic.claude-sonnet-4-5-20250929-v1:0");
    assert.equal(byId.id, "us.anthropic.claude-sonnet-4-5-20250929-v1:0");
    const arn = `arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6`;
    const res = await gw.request(`/v1/models/${arn}`);
    assert.equal(res.status, 200);
    const body: any = await res.json();
    assert.equal(body.id, arn);
    assert.deepEqual(openaiSchemaErrors("Model", body), []);
    const base = await gw.openai.models.retrieve("anthropic.claude-sonnet-4-5-20250929-v1:0");
    assert.equal(base.owned_by, "anthropic");
    const alias = await gw.openai.models.retrieve("fast");
    assert.equal(alias.id, "fast");
  });

  it("raises NotFoundError for an unknown model, in OpenAI's error shape", async () => {
    await assert.rejects(gw.openai.models.retrieve("no-such-model"), (e: unknown) => {
      assert.ok(e instanceof OpenAI.NotFoundError);
      assert.equal(e.status, 404);
      assert.equal(e.code, "model_not_found");
      assert.ok(e.requestID, "x-request-id is read by the SDK");
      return true;
    });
    const res = await gw.request("/v1/models/no-such-model");
    assert.deepEqual(openaiSchemaErrors("ErrorResponse", await res.json()), []);
  });

  it("serves the same API under /api/v1 (bedrock-access-gateway's prefix)", async () => {
    const res = await gw.request("/api/v1/models");
    assert.equal(res.status, 200);
    assert.ok(((await res.json()) as any).data.length > 10);
  });

  it("never calls Bedrock per request: the catalog is cached", async () => {
    const before = gw.fake.calls("ListFoundationModels").length;
    for (let i = 0; i < 5; i++) await gw.request("/v1/models");
    assert.equal(gw.fake.calls("ListFoundationModels").length, before);
  });
});

describe("Models API with profile listing switched off", () => {
  it("hides system and application profiles", async () => {
    const gw = await startGateway({
      env: { ENABLE_CROSS_REGION_INFERENCE: "false", ENABLE_APPLICATION_INFERENCE_PROFILES: "false", API_ROUTE_PREFIX: "/gw/v1" },
    });
    try {
      const body: any = await (await gw.request("/gw/v1/models")).json();
      const ids: string[] = body.data.map((m: { id: string }) => m.id);
      assert.ok(ids.includes("amazon.nova-lite-v1:0"));
      assert.ok(!ids.some((id) => id.startsWith("us.") || id.startsWith("global.")));
      assert.ok(!ids.includes("team-a-claude"));
      assert.equal(
        gw.fake.calls("ListInferenceProfiles").every((r) => r.query.type === "SYSTEM_DEFINED"),
        true,
      );
    } finally {
      await gw.close();
    }
  });
});

// POST /v1/images/generations through the real gateway and the Bedrock test double, with the
// official openai SDK as the client, for every image family: Titan Image Generator, Nova Canvas
// and the Stability models.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import OpenAI from "openai";
import { fakeImageComment } from "./fake-bedrock/invoke/fake-images.ts";
import { openaiSchemaErrors } from "./helpers/openapi-schemas.ts";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const TITAN = "amazon.titan-image-generator-v2:0";
const NOVA = "amazon.nova-canvas-v1:0";
const SD35 = "stability.sd3-5-large-v1:0";
const CORE = "stability.stable-image-core-v1:1";
const ULTRA = "stability.stable-image-ultra-v1:1";

/** What the double wrote into a generated image: the request as the model saw it. */
function described(b64: string): Record<string, unknown> {
  const comment = fakeImageComment(Buffer.from(b64, "base64"));
  assert.ok(comment, "a fake image with its description");
  return JSON.parse(comment) as Record<string, unknown>;
}

async function post(gw: TestGateway, body: unknown) {
  const res = await gw.request("/v1/images/generations", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe("POST /v1/images/generations", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { UPSTREAM_RETRY_MAX_TIME: "0" } });
  });
  after(() => gw.close());
  beforeEach(() => gw.fake.reset());

  for (const model of [TITAN, NOVA, SD35, CORE, ULTRA]) {
    it(`generates base64 PNGs in OpenAI's shape with ${model}`, async () => {
      const before = Math.floor(Date.now() / 1000);
      const res = await gw.openai.images.generate({ model, prompt: "a lighthouse at dusk", n: 2, size: "1024x1024" });
      assert.equal(res.data?.length, 2);
      assert.ok(res.created >= before);
      assert.deepEqual(openaiSchemaErrors("ImagesResponse", res), []);
      for (const img of res.data ?? []) {
        assert.ok(img.b64_json?.startsWith("iVBORw0KGgo"), "base64 PNG by default");
        assert.equal(img.url, undefined);
        assert.equal(described(img.b64_json ?? "").prompt, "a lighthouse at dusk");
      }
      assert.equal(gw.fake.calls("InvokeModel").length, model.startsWith("stability.") ? 2 : 1);
    });
  }

  it("maps size, quality, negative prompt, seed and cfg_scale into Titan's body", async () => {
    await post(gw, {
      model: TITAN,
      prompt: "a red bicycle",
      size: "1152x768",
      quality: "hd",
      negative_prompt: "people",
      seed: 7,
      cfg_scale: 6.5,
      n: 3,
    });
    assert.deepEqual(gw.fake.lastCall("InvokeModel")?.body, {
      taskType: "TEXT_IMAGE",
      textToImageParams: { text: "a red bicycle", negativeText: "people" },
      imageGenerationConfig: { numberOfImages: 3, width: 1152, height: 768, quality: "premium", cfgScale: 6.5, seed: 7 },
    });
    await post(gw, { model: TITAN, prompt: "a red bicycle", quality: "standard" });
    assert.deepEqual(gw.fake.lastCall("InvokeModel")?.body.imageGenerationConfig, {
      numberOfImages: 1,
      width: 1024,
      height: 1024,
      quality: "standard",
    });
  });

  it("passes Nova Canvas styles and any valid Nova Canvas size; OpenAI's vivid/natural have no equivalent", async () => {
    const { status, body } = await post(gw, { model: NOVA, prompt: "a fox", style: "PHOTOREALISM", size: "1792x1024" });
    assert.equal(status, 200);
    assert.deepEqual(described(body.data[0].b64_json), {
      model: NOVA,
      prompt: "a fox",
      negative: null,
      style: "PHOTOREALISM",
      size: "1792x1024",
      quality: "standard",
      seed: 12,
      index: 0,
    });
    await post(gw, { model: NOVA, prompt: "a fox", style: "vivid" });
    assert.equal(gw.fake.lastCall("InvokeModel")?.body.textToImageParams.style, undefined);
  });

  it("maps sizes to Stability's aspect ratios and honours output_format", async () => {
    const wide = await post(gw, { model: ULTRA, prompt: "mountains", size: "1792x1024", output_format: "jpeg", response_format: "url" });
    assert.equal(wide.status, 200);
    assert.deepEqual(gw.fake.lastCall("InvokeModel")?.body, { prompt: "mountains", aspect_ratio: "16:9", output_format: "jpeg" });
    assert.match(wide.body.data[0].url, /^data:image\/jpeg;base64,\/9j\//);
    await post(gw, { model: CORE, prompt: "mountains", size: "1024x1536", negative_prompt: "fog" });
    assert.deepEqual(gw.fake.lastCall("InvokeModel")?.body, {
      prompt: "mountains",
      aspect_ratio: "2:3",
      output_format: "png",
      negative_prompt: "fog",
    });
  });

  it("answers response_format url with data: URLs", async () => {
    const res = await gw.openai.images.generate({ model: TITAN, prompt: "a cat", response_format: "url" });
    assert.match(res.data![0]!.url!, /^data:image\/png;base64,iVBORw0KGgo/);
    assert.equal(res.data![0]!.b64_json, undefined);
    assert.deepEqual(openaiSchemaErrors("ImagesResponse", res), []);
  });

  it("splits n over several calls without repeating seeds", async () => {
    // Titan makes at most 5 per call: 7 → 5 + 2, with seed, seed+1.
    const seeded = await post(gw, { model: TITAN, prompt: "stars", n: 7, seed: 100 });
    assert.equal(seeded.body.data.length, 7);
    assert.deepEqual(
      gw.fake
        .calls("InvokeModel")
        .map((c) => [c.body.imageGenerationConfig.numberOfImages, c.body.imageGenerationConfig.seed])
        .sort(),
      [
        [2, 101],
        [5, 100],
      ],
    );
    gw.fake.reset();
    // Without a seed every call gets its own random one (Titan's default seed is fixed).
    await post(gw, { model: TITAN, prompt: "stars", n: 10 });
    const seeds = gw.fake.calls("InvokeModel").map((c) => c.body.imageGenerationConfig.seed);
    assert.equal(seeds.length, 2);
    assert.ok(seeds.every((s) => Number.isInteger(s)) && seeds[0] !== seeds[1], String(seeds));
    gw.fake.reset();
    // Stability makes one per call.
    const sd = await post(gw, { model: SD35, prompt: "stars", n: 3, seed: 5 });
    assert.deepEqual(sd.body.data.map((d: any) => described(d.b64_json).seed).sort(), [5, 6, 7]);
  });

  it("records the image count, size and quality in the request log", async () => {
    await gw.openai.images.generate(
      { model: NOVA, prompt: "log me", n: 2, size: "512x512", quality: "high" },
      { headers: { "x-request-id": "img-log-1" } },
    );
    const line = gw.logs.find((l) => l.requestId === "img-log-1");
    assert.ok(line);
    assert.equal(line.endpoint, "images.generations");
    assert.equal(line.model, NOVA);
    assert.equal(line.bedrockModel, NOVA);
    assert.equal(line.images, 2);
    assert.equal(line.imageSize, "512x512");
    assert.equal(line.imageQuality, "premium");
  });
});

describe("images errors", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { UPSTREAM_RETRY_MAX_TIME: "0" } });
  });
  after(() => gw.close());
  beforeEach(() => gw.fake.reset());

  async function expectError(body: unknown, status: number, code: string, param?: string | null) {
    const { status: got, body: json } = await post(gw, body);
    assert.equal(got, status, JSON.stringify(json));
    assert.deepEqual(openaiSchemaErrors("ErrorResponse", json), []);
    assert.equal(json.error.code, code, JSON.stringify(json));
    if (param !== undefined) assert.equal(json.error.param, param);
    return json.error as { message: string };
  }

  it("400 for sizes the model cannot make, listing what it can", async () => {
    const titan = await expectError({ model: TITAN, prompt: "x", size: "256x256" }, 400, "invalid_value", "size");
    assert.match(titan.message, /Supported sizes: 1024x1024, 768x768/);
    const nova = await expectError({ model: NOVA, prompt: "x", size: "1000x1000" }, 400, "invalid_value", "size");
    assert.match(nova.message, /divisible by 16/);
    await expectError({ model: NOVA, prompt: "x", size: "4096x4096" }, 400, "invalid_value", "size");
    const sd = await expectError({ model: SD35, prompt: "x", size: "1000x100" }, 400, "invalid_value", "size");
    assert.match(sd.message, /1:1, 16:9/);
    await expectError({ model: SD35, prompt: "x", size: "big" }, 400, "invalid_value", "size");
    assert.equal(gw.fake.calls("InvokeModel").length, 0);
  });

  it("400 for prompts that are missing, empty or too long for the model", async () => {
    await expectError({ model: TITAN }, 400, "missing_required_parameter", "prompt");
    await expectError({ model: TITAN, prompt: "  " }, 400, "invalid_value", "prompt");
    const long = await expectError({ model: TITAN, prompt: "p".repeat(513) }, 400, "invalid_value", "prompt");
    assert.match(long.message, /at most 512/);
    await expectError({ model: NOVA, prompt: "p".repeat(1025) }, 400, "invalid_value", "prompt");
  });

  it("400 for options the model has no equivalent for", async () => {
    await expectError({ model: TITAN, prompt: "x", style: "PHOTOREALISM" }, 400, "invalid_value", "style");
    await expectError({ model: NOVA, prompt: "x", style: "CUBISM" }, 400, "invalid_value", "style");
    await expectError({ model: TITAN, prompt: "x", output_format: "jpeg" }, 400, "invalid_value", "output_format");
    await expectError({ model: CORE, prompt: "x", cfg_scale: 7 }, 400, "invalid_value", "cfg_scale");
    await expectError({ model: NOVA, prompt: "x", seed: 900_000_000 }, 400, "invalid_value", "seed");
    await expectError({ model: TITAN, prompt: "x", stream: true }, 400, "invalid_value", "stream");
    await expectError({ model: TITAN, prompt: "x", background: "transparent" }, 400, "invalid_value", "background");
    await expectError({ model: TITAN, prompt: "x", n: 11 }, 400, "invalid_value", "n");
    await expectError({ model: TITAN, prompt: "x", steps: 30 }, 400, "unknown_parameter", "steps");
  });

  it("400 for a model of another kind, a model without a mapping, or none; 404 for an unknown one", async () => {
    const chat = await expectError({ model: "anthropic.claude-3-haiku-20240307-v1:0", prompt: "x" }, 400, "model_not_supported", "model");
    assert.match(chat.message, /chat model.*\/v1\/chat\/completions/);
    await expectError({ model: "amazon.titan-embed-text-v2:0", prompt: "x" }, 400, "model_not_supported", "model");
    // A provisioned-throughput ARN is passed through; the gateway cannot tell its body format.
    const arn = await expectError(
      { model: "arn:aws:bedrock:us-east-1:111122223333:provisioned-model/abc123", prompt: "x" },
      400,
      "model_not_supported",
      "model",
    );
    assert.match(arn.message, /no image-generation mapping.*Supported: amazon\.titan-image-generator-v2\*/);
    await expectError({ prompt: "x" }, 400, "missing_required_parameter", "model");
    await expectError({ model: "dall-e-3", prompt: "x" }, 404, "model_not_found", "model");
    await assert.rejects(
      gw.openai.images.generate({ model: "amazon.nova-lite-v1:0", prompt: "x" }),
      (e: unknown) => e instanceof OpenAI.BadRequestError,
    );
  });

  it("reports filtered prompts: Stability's finish reason as content_policy_violation, Bedrock's refusal as 400", async () => {
    const sd = await expectError({ model: ULTRA, prompt: "BLOCKED content" }, 400, "content_policy_violation", "prompt");
    assert.match(sd.message, /Filter reason: prompt/);
    const titan = await expectError({ model: TITAN, prompt: "BLOCKED content" }, 400, "invalid_request");
    assert.match(titan.message, /content filters/);
    gw.fake.onInvoke(() => ({ body: { images: [], error: "The generated image was blocked by our content filters." } }));
    await expectError({ model: NOVA, prompt: "fine" }, 400, "content_policy_violation");
  });

  it("maps Bedrock failures: throttling 429, a body without images 502", async () => {
    gw.fake.onInvoke(() => ({ error: { exception: "ThrottlingException", message: "Too many requests", status: 429 } }));
    await expectError({ model: SD35, prompt: "x", n: 2 }, 429, "rate_limit_exceeded");
    gw.fake.onInvoke(() => ({ body: { images: [] } }));
    await expectError({ model: TITAN, prompt: "x" }, 502, "upstream_invalid_response");
  });

  it("405 with Allow for GET", async () => {
    const res = await gw.request("/v1/images/generations");
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "POST");
  });
});

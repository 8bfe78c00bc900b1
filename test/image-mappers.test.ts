// The pure pieces of the images endpoint: each family's body, size rules and answer, and the
// plan that turns OpenAI's options into calls.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { familyFor } from "../src/bedrock/family-table.ts";
import { IMAGE_FAMILIES } from "../src/bedrock/images/image-families.ts";
import type { ImageOptions } from "../src/bedrock/images/image-family.ts";
import { novaCanvas, novaCanvasSizeProblem, prepareNovaCanvas } from "../src/bedrock/images/nova-canvas.ts";
import { aspectRatioFor, parseStabilityResponse, prepareStabilityImage, stabilityImage } from "../src/bedrock/images/stability-image.ts";
import { prepareTitanImage, titanImage } from "../src/bedrock/images/titan-image.ts";
import { GatewayError } from "../src/errors/gateway-error.ts";
import { imageMediaType, imageOptionsFrom, seedsFor, splitCount } from "../src/images/image-plan.ts";

const base: ImageOptions = {
  prompt: "p",
  negativePrompt: undefined,
  size: undefined,
  quality: undefined,
  style: undefined,
  cfgScale: undefined,
  outputFormat: undefined,
};
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return `${(e as GatewayError).status} ${(e as GatewayError).param}`;
  }
  return "ok";
};

describe("image options from OpenAI's request", () => {
  it("maps quality, drops vivid/natural, keeps Bedrock extras", () => {
    assert.deepEqual(
      imageOptionsFrom({ prompt: "p", quality: "hd", style: "natural", negative_prompt: "", seed: 3, cfg_scale: 5, size: "512x512" }),
      {
        prompt: "p",
        negativePrompt: undefined,
        size: "512x512",
        quality: "premium",
        style: undefined,
        cfgScale: 5,
        outputFormat: undefined,
      },
    );
    assert.equal(imageOptionsFrom({ prompt: "p", quality: "low" }).quality, "standard");
    assert.equal(imageOptionsFrom({ prompt: "p", quality: "auto" }).quality, undefined);
    assert.equal(imageOptionsFrom({ prompt: "p", style: "MAXIMALISM" }).style, "MAXIMALISM");
  });

  it("splits n into calls and gives each call its own seed", () => {
    assert.deepEqual(splitCount(7, 5), [5, 2]);
    assert.deepEqual(splitCount(3, 1), [1, 1, 1]);
    assert.deepEqual(splitCount(5, 5), [5]);
    assert.deepEqual(seedsFor(1, undefined, 10), [undefined]);
    assert.deepEqual(seedsFor(1, 4, 10), [4]);
    assert.deepEqual(seedsFor(3, 9, 10), [9, 10, 0]);
    const r = [0.1, 0.5];
    assert.deepEqual(
      seedsFor(2, undefined, 99, () => r.shift()!),
      [10, 50],
    );
  });

  it("tells PNG, JPEG and WebP apart by their first bytes", () => {
    assert.equal(imageMediaType("iVBORw0KGgoAAAA"), "image/png");
    assert.equal(imageMediaType("/9j/4AAQ"), "image/jpeg");
    assert.equal(imageMediaType("UklGRiQAAABXRUJQ"), "image/webp");
  });
});

describe("Titan Image Generator mapping", () => {
  it("builds TEXT_IMAGE with the size, count and seed of the call", () => {
    const { build, size } = prepareTitanImage({ ...base, size: "768x1152", negativePrompt: "n", quality: "premium", cfgScale: 8 });
    assert.equal(size, "768x1152");
    assert.deepEqual(build(2, 11), {
      taskType: "TEXT_IMAGE",
      textToImageParams: { text: "p", negativeText: "n" },
      imageGenerationConfig: { numberOfImages: 2, width: 768, height: 1152, quality: "premium", cfgScale: 8, seed: 11 },
    });
    assert.deepEqual(prepareTitanImage(base).build(1, undefined), {
      taskType: "TEXT_IMAGE",
      textToImageParams: { text: "p" },
      imageGenerationConfig: { numberOfImages: 1, width: 1024, height: 1024 },
    });
  });

  it("accepts only its listed sizes, PNG and no style", () => {
    assert.equal(
      code(() => prepareTitanImage({ ...base, size: "1792x1024" })),
      "400 size",
    );
    assert.equal(
      code(() => prepareTitanImage({ ...base, size: "1173x640" })),
      "ok",
    );
    assert.equal(
      code(() => prepareTitanImage({ ...base, outputFormat: "webp" })),
      "400 output_format",
    );
    assert.equal(
      code(() => prepareTitanImage({ ...base, style: "DESIGN_SKETCH" })),
      "400 style",
    );
  });

  it("reads images, and reports the model's error field as a content-policy refusal", () => {
    assert.deepEqual(titanImage.parseResponse({ images: ["a", "b"], error: null }), ["a", "b"]);
    assert.throws(
      () => titanImage.parseResponse({ images: [], error: "blocked" }),
      (e: unknown) => e instanceof GatewayError && e.code === "content_policy_violation",
    );
    assert.throws(
      () => titanImage.parseResponse({ images: "x" }),
      (e: unknown) => e instanceof GatewayError && e.status === 502,
    );
  });
});

describe("Nova Canvas mapping", () => {
  it("checks Nova Canvas's size rules", () => {
    assert.equal(novaCanvasSizeProblem({ width: 1792, height: 1024 }), undefined);
    assert.equal(novaCanvasSizeProblem({ width: 2048, height: 2048 }), undefined);
    assert.match(novaCanvasSizeProblem({ width: 1000, height: 1000 })!, /divisible by 16/);
    assert.match(novaCanvasSizeProblem({ width: 2048, height: 320 })!, /aspect ratio/);
    assert.match(novaCanvasSizeProblem({ width: 4096, height: 2048 })!, /pixels/);
    assert.match(novaCanvasSizeProblem({ width: 256, height: 256 })!, /320 to 4096/);
  });

  it("sends its visual style", () => {
    const body = prepareNovaCanvas({ ...base, style: "PHOTOREALISM" }).build(1, undefined) as { textToImageParams: unknown };
    assert.deepEqual(body.textToImageParams, { text: "p", style: "PHOTOREALISM" });
    assert.equal(
      code(() => prepareNovaCanvas({ ...base, style: "photorealism" })),
      "400 style",
    );
    assert.equal(novaCanvas.maxPerCall, 5);
  });
});

describe("Stability mapping", () => {
  it("maps sizes to the nearest supported aspect ratio within 3%", () => {
    assert.equal(aspectRatioFor(undefined), "1:1");
    assert.equal(aspectRatioFor("1792x1024"), "16:9");
    assert.equal(aspectRatioFor("1024x1792"), "9:16");
    assert.equal(aspectRatioFor("1536x1024"), "3:2");
    assert.equal(aspectRatioFor("1280x1024"), "5:4");
    assert.equal(
      code(() => aspectRatioFor("1000x100")),
      "400 size",
    );
  });

  it("builds one-image bodies and reads finish reasons", () => {
    const { build } = prepareStabilityImage({ ...base, size: "1024x1024", negativePrompt: "n", outputFormat: "webp" });
    assert.deepEqual(build(1, 9), { prompt: "p", aspect_ratio: "1:1", output_format: "webp", negative_prompt: "n", seed: 9 });
    assert.deepEqual(parseStabilityResponse({ seeds: [1], finish_reasons: [null], images: ["x"] }), ["x"]);
    assert.throws(
      () => parseStabilityResponse({ finish_reasons: ["Filter reason: output image"] }),
      (e: unknown) => e instanceof GatewayError && e.code === "content_policy_violation",
    );
    assert.throws(
      () => parseStabilityResponse({ finish_reasons: ["Inference error"] }),
      (e: unknown) => e instanceof GatewayError && e.status === 502,
    );
    assert.equal(stabilityImage.maxPerCall, 1);
  });
});

describe("image family table", () => {
  it("picks the mapper by foundation-model id prefix", () => {
    assert.equal(familyFor(IMAGE_FAMILIES, "amazon.titan-image-generator-v2:0"), titanImage);
    assert.equal(familyFor(IMAGE_FAMILIES, "amazon.nova-canvas-v1:0"), novaCanvas);
    assert.equal(familyFor(IMAGE_FAMILIES, "stability.stable-image-ultra-v1:1"), stabilityImage);
    assert.equal(familyFor(IMAGE_FAMILIES, "stability.stable-diffusion-xl-v1"), undefined);
  });
});

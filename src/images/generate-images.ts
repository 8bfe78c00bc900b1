// POST /v1/images/generations, after validation: pick the model family, check the options
// against it, split `n` into calls of the family's size (concurrently), and answer in OpenAI's
// shape: base64 by default, a data: URL when `url` is asked for (the gateway stores no files).
import type { SendOptions } from "../bedrock/transport/bedrock-http.ts";
import { familyFor, knownPrefixes } from "../bedrock/family-table.ts";
import { IMAGE_FAMILIES } from "../bedrock/images/image-families.ts";
import type { ImageFamily } from "../bedrock/images/image-family.ts";
import type { BedrockRuntime } from "../bedrock/runtime-client.ts";
import { errors } from "../errors/gateway-error.ts";
import type { ResolvedModel } from "../models/resolve-model.ts";
import type { ImagesRequest, ImagesResponse } from "../openai/images-request.ts";
import { mapWithConcurrency } from "../util/map-with-concurrency.ts";
import { imageMediaType, imageOptionsFrom, seedsFor, splitCount } from "./image-plan.ts";

export interface ImagesOutcome {
  response: ImagesResponse;
  images: number;
  /** The size or aspect ratio generated, for the log and usage records. */
  size: string;
  quality: string;
  bedrockCalls: number;
}

export function imageFamilyOf(model: ResolvedModel): ImageFamily {
  const family = familyFor(IMAGE_FAMILIES, model.baseModelId);
  if (!family) {
    throw errors.modelNotSupported(
      model.requested,
      `the gateway has no image-generation mapping for '${model.baseModelId}'. Supported: ${knownPrefixes(IMAGE_FAMILIES)}.`,
    );
  }
  return family;
}

function checkRequest(req: ImagesRequest, family: ImageFamily): void {
  if (req.stream)
    throw errors.invalidRequest("Streaming image generation is not supported by Bedrock's image models.", "stream", "invalid_value");
  if (req.background === "transparent") {
    throw errors.invalidRequest("Transparent backgrounds are not available from text-to-image on Bedrock.", "background", "invalid_value");
  }
  if (req.prompt.trim() === "") throw errors.invalidRequest("'prompt' cannot be empty.", "prompt", "invalid_value");
  if (req.prompt.length > family.maxPromptChars) {
    throw errors.invalidRequest(
      `'prompt' is ${req.prompt.length} characters long; ${family.name} accepts at most ${family.maxPromptChars}.`,
      "prompt",
      "invalid_value",
    );
  }
  if (req.negative_prompt && req.negative_prompt.length > family.maxPromptChars) {
    throw errors.invalidRequest(
      `'negative_prompt' may be at most ${family.maxPromptChars} characters for ${family.name}.`,
      "negative_prompt",
      "invalid_value",
    );
  }
  if (req.seed !== undefined && req.seed !== null && req.seed > family.maxSeed) {
    throw errors.invalidRequest(`'seed' must be between 0 and ${family.maxSeed} for ${family.name}.`, "seed", "invalid_value");
  }
}

export async function generateImages(
  runtime: BedrockRuntime,
  req: ImagesRequest,
  model: ResolvedModel,
  signal?: AbortSignal,
  onServed?: SendOptions["onServed"],
): Promise<ImagesOutcome> {
  const family = imageFamilyOf(model);
  checkRequest(req, family);
  const opts = imageOptionsFrom(req);
  const { build, size } = family.prepare(opts);
  const counts = splitCount(req.n ?? 1, family.maxPerCall);
  const seeds = seedsFor(counts.length, req.seed ?? undefined, family.maxSeed);

  const batches = await mapWithConcurrency(
    counts,
    counts.length,
    async (count, i, callSignal) => {
      const res = await runtime.invokeModel(model.bedrockId, build(count, seeds[i]), {
        signal: callSignal,
        ...(onServed ? { onServed } : {}),
      });
      return family.parseResponse(res.body);
    },
    signal,
  );
  const asUrl = req.response_format === "url";
  const data = batches.flat().map((b64) => (asUrl ? { url: `data:${imageMediaType(b64)};base64,${b64}` } : { b64_json: b64 }));
  return {
    response: { created: Math.floor(Date.now() / 1000), data },
    images: data.length,
    size,
    quality: opts.quality ?? "default",
    bedrockCalls: counts.length,
  };
}

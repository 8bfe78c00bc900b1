// The text-to-image body shared by Titan Image Generator and Nova Canvas, and their answer
// `{images: [base64], error}`.
import { z } from "zod";
import { errors } from "../../errors/gateway-error.ts";
import type { Dimensions, ImageOptions } from "./image-family.ts";

export interface AmazonImageBody {
  taskType: "TEXT_IMAGE";
  textToImageParams: { text: string; negativeText?: string; style?: string };
  imageGenerationConfig: {
    numberOfImages: number;
    width: number;
    height: number;
    quality?: "standard" | "premium";
    cfgScale?: number;
    seed?: number;
  };
}

export function buildAmazonImageBody(
  opts: ImageOptions,
  size: Dimensions,
  count: number,
  seed: number | undefined,
  style?: string,
): AmazonImageBody {
  const params: AmazonImageBody["textToImageParams"] = { text: opts.prompt };
  if (opts.negativePrompt !== undefined) params.negativeText = opts.negativePrompt;
  if (style !== undefined) params.style = style;
  const config: AmazonImageBody["imageGenerationConfig"] = { numberOfImages: count, width: size.width, height: size.height };
  if (opts.quality !== undefined) config.quality = opts.quality;
  if (opts.cfgScale !== undefined) config.cfgScale = opts.cfgScale;
  if (seed !== undefined) config.seed = seed;
  return { taskType: "TEXT_IMAGE", textToImageParams: params, imageGenerationConfig: config };
}

const amazonImageResponse = z.object({
  images: z.array(z.string()).nullish(),
  error: z.string().nullish(),
});

export function parseAmazonImageResponse(body: unknown, family: string): string[] {
  const r = amazonImageResponse.safeParse(body);
  if (!r.success) throw errors.upstreamInvalidResponse(`${family}: ${r.error.issues[0]?.message ?? "unexpected body"}`);
  if (r.data.error) throw errors.contentPolicyViolation(r.data.error);
  if (!r.data.images?.length) throw errors.upstreamInvalidResponse(`${family} returned no images`);
  return r.data.images;
}

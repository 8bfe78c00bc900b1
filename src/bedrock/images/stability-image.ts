// Stability AI text-to-image on Bedrock (Stable Diffusion 3.5 Large, Stable Image Core and
// Ultra): one image per call, a fixed set of aspect ratios instead of sizes (the size the client
// asks for picks the ratio it matches), prompts up to 10,000 characters, PNG, JPEG or WebP.
// Filtered prompts or images are reported in `finish_reasons`.
import { z } from "zod";
import { errors } from "../../errors/gateway-error.ts";
import type { ImageFamily, ImageFormat, ImageOptions } from "./image-family.ts";
import { parseSize, refuseStyle, requireFormat } from "./image-family.ts";

export const STABILITY_ASPECT_RATIOS = ["1:1", "16:9", "9:16", "21:9", "9:21", "3:2", "2:3", "5:4", "4:5"] as const;
export type StabilityAspectRatio = (typeof STABILITY_ASPECT_RATIOS)[number];

const NAME = "Stability AI image models";
/** How far a requested size's ratio may be from a supported one (1792x1024 is 16:9 within 1.6%). */
const RATIO_TOLERANCE = 0.03;

export function aspectRatioFor(size: string | undefined): StabilityAspectRatio {
  const { width, height } = parseSize(size, { width: 1024, height: 1024 });
  const wanted = width / height;
  let best: { ratio: StabilityAspectRatio; off: number } | undefined;
  for (const ratio of STABILITY_ASPECT_RATIOS) {
    const [w, h] = ratio.split(":").map(Number) as [number, number];
    const off = Math.abs(wanted / (w / h) - 1);
    if (!best || off < best.off) best = { ratio, off };
  }
  if (!best || best.off > RATIO_TOLERANCE) {
    throw errors.invalidRequest(
      `${NAME} generate fixed aspect ratios; '${width}x${height}' matches none of ${STABILITY_ASPECT_RATIOS.join(", ")}.`,
      "size",
      "invalid_value",
    );
  }
  return best.ratio;
}

export interface StabilityBody {
  prompt: string;
  negative_prompt?: string;
  aspect_ratio: StabilityAspectRatio;
  output_format: ImageFormat;
  seed?: number;
}

export function prepareStabilityImage(opts: ImageOptions) {
  const ratio = aspectRatioFor(opts.size);
  refuseStyle(NAME, opts.style);
  if (opts.cfgScale !== undefined) throw errors.invalidRequest(`${NAME} on Bedrock take no cfg_scale.`, "cfg_scale", "invalid_value");
  const format = requireFormat(NAME, opts.outputFormat, ["png", "jpeg", "webp"]);
  // `quality` has no equivalent: Core, Ultra and SD3.5 are each one quality level.
  const build = (_count: number, seed: number | undefined): StabilityBody => {
    const body: StabilityBody = { prompt: opts.prompt, aspect_ratio: ratio, output_format: format };
    if (opts.negativePrompt !== undefined) body.negative_prompt = opts.negativePrompt;
    if (seed !== undefined) body.seed = seed;
    return body;
  };
  return { size: ratio, build };
}

const stabilityResponse = z.object({
  images: z.array(z.string()).nullish(),
  finish_reasons: z.array(z.string().nullable()).nullish(),
});

export function parseStabilityResponse(body: unknown): string[] {
  const r = stabilityResponse.safeParse(body);
  if (!r.success) throw errors.upstreamInvalidResponse(`${NAME}: ${r.error.issues[0]?.message ?? "unexpected body"}`);
  const reason = r.data.finish_reasons?.find((f) => f !== null);
  if (reason?.startsWith("Filter reason")) throw errors.contentPolicyViolation(reason);
  if (reason) throw errors.upstreamInvalidResponse(`${NAME} did not finish: ${reason}`);
  if (!r.data.images?.length) throw errors.upstreamInvalidResponse(`${NAME} returned no images`);
  return r.data.images;
}

export const stabilityImage: ImageFamily = {
  name: NAME,
  maxPerCall: 1,
  maxPromptChars: 10_000,
  maxSeed: 4_294_967_294,
  prepare: prepareStabilityImage,
  parseResponse: parseStabilityResponse,
};

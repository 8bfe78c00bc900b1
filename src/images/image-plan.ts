// Pure helpers of the images endpoint: OpenAI's options in Bedrock's vocabulary, how `n` images
// split into calls, which seed each call gets, and the media type of a base64 image.
import type { ImageFormat, ImageOptions } from "../bedrock/images/image-family.ts";
import type { ImagesRequest } from "../openai/images-request.ts";

export function imageOptionsFrom(req: ImagesRequest): ImageOptions {
  return {
    prompt: req.prompt,
    negativePrompt: req.negative_prompt || undefined,
    size: req.size ?? undefined,
    quality: qualityOf(req.quality),
    // OpenAI's vivid/natural describe DALL·E's rendering; no Bedrock model has an equivalent.
    style: req.style === "vivid" || req.style === "natural" ? undefined : (req.style ?? undefined),
    cfgScale: req.cfg_scale ?? undefined,
    outputFormat: req.output_format ?? undefined,
  };
}

function qualityOf(q: ImagesRequest["quality"]): ImageOptions["quality"] {
  switch (q) {
    case "hd":
    case "high":
      return "premium";
    case "standard":
    case "medium":
    case "low":
      return "standard";
    case "auto":
    case null:
    case undefined:
      return undefined;
  }
}

/** n images → images per call, each call at most maxPerCall. */
export function splitCount(n: number, maxPerCall: number): number[] {
  const out: number[] = [];
  for (let left = n; left > 0; left -= maxPerCall) out.push(Math.min(left, maxPerCall));
  return out;
}

/**
 * The seed of each call. One call keeps the client's seed (or the model's default). Several calls
 * must not repeat each other: a client seed s gives s, s+1, …; without one each call gets a
 * random seed, because Titan and Nova otherwise use the same default seed every time.
 */
export function seedsFor(
  calls: number,
  seed: number | undefined,
  maxSeed: number,
  random: () => number = Math.random,
): (number | undefined)[] {
  if (calls === 1) return [seed];
  return Array.from({ length: calls }, (_, k) => (seed === undefined ? Math.floor(random() * (maxSeed + 1)) : (seed + k) % (maxSeed + 1)));
}

const SIGNATURES: [prefix: string, mime: string, format: ImageFormat][] = [
  ["iVBORw0KGgo", "image/png", "png"],
  ["/9j/", "image/jpeg", "jpeg"],
  ["UklGR", "image/webp", "webp"],
];

/** The media type of base64 image data, from its first bytes (PNG when unrecognised). */
export function imageMediaType(b64: string): string {
  return SIGNATURES.find(([p]) => b64.startsWith(p))?.[1] ?? "image/png";
}

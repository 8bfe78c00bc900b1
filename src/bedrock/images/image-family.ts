// What the images service needs to know about one Bedrock image model family: how many images
// one call makes, the prompt and seed limits, how the request's options become its native body
// (refusing what the model cannot do), and how to read the images back.
import { errors } from "../../errors/gateway-error.ts";

export type ImageFormat = "png" | "jpeg" | "webp";

/** The request's image options, after OpenAI's names were mapped to Bedrock's vocabulary. */
export interface ImageOptions {
  prompt: string;
  negativePrompt: string | undefined;
  /** As the client sent it ("1024x1024", "auto", …); each family maps it to what it accepts. */
  size: string | undefined;
  quality: "standard" | "premium" | undefined;
  /** OpenAI's vivid/natural have no Bedrock equivalent and arrive here as undefined. */
  style: string | undefined;
  cfgScale: number | undefined;
  outputFormat: ImageFormat | undefined;
}

/** Builds the body of one call for `count` images (≤ maxPerCall) and an optional seed. */
export type ImageBodyBuilder = (count: number, seed: number | undefined) => unknown;

export interface ImageFamily {
  readonly name: string;
  readonly maxPerCall: number;
  readonly maxPromptChars: number;
  readonly maxSeed: number;
  /** Checks the options against the model (400 for what it cannot do) and returns the body builder. */
  prepare(opts: ImageOptions): { build: ImageBodyBuilder; size: string };
  /** The base64 images of one answer; a filtered prompt or image is a content-policy error. */
  parseResponse(body: unknown): string[];
}

export interface Dimensions {
  width: number;
  height: number;
}

/** "1024x768" → {width, height}; undefined or "auto" → the model's default. */
export function parseSize(size: string | undefined, fallback: Dimensions): Dimensions {
  if (size === undefined || size === "auto") return fallback;
  const m = /^(\d{2,5})x(\d{2,5})$/.exec(size.trim());
  if (!m) throw errors.invalidRequest(`Invalid value for 'size': '${size}'. Use WIDTHxHEIGHT, e.g. 1024x1024.`, "size", "invalid_value");
  return { width: Number(m[1]), height: Number(m[2]) };
}

export function refuseStyle(family: string, style: string | undefined): void {
  if (style !== undefined) {
    throw errors.invalidRequest(
      `${family} has no style '${style}'. Visual styles are supported by Nova Canvas only.`,
      "style",
      "invalid_value",
    );
  }
}

export function requireFormat(family: string, format: ImageFormat | undefined, allowed: readonly ImageFormat[]): ImageFormat {
  const f = format ?? allowed[0]!;
  if (!allowed.includes(f)) {
    throw errors.invalidRequest(
      `${family} returns ${allowed.join(", ")} images; output_format '${f}' is not available.`,
      "output_format",
      "invalid_value",
    );
  }
  return f;
}

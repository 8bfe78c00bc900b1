// Amazon Nova Canvas: any size with sides of 320–4096 pixels divisible by 16, an aspect ratio
// between 1:4 and 4:1 and at most 4,194,304 pixels; prompts up to 1,024 characters; up to 5
// images per call; eight visual styles; PNG only.
import { errors } from "../../errors/gateway-error.ts";
import { buildAmazonImageBody, parseAmazonImageResponse } from "./amazon-image-body.ts";
import type { Dimensions, ImageFamily, ImageOptions } from "./image-family.ts";
import { parseSize, requireFormat } from "./image-family.ts";

export const NOVA_CANVAS_STYLES = [
  "3D_ANIMATED_FAMILY_FILM",
  "DESIGN_SKETCH",
  "FLAT_VECTOR_ILLUSTRATION",
  "GRAPHIC_NOVEL_ILLUSTRATION",
  "MAXIMALISM",
  "MIDCENTURY_RETRO",
  "PHOTOREALISM",
  "SOFT_DIGITAL_PAINTING",
] as const;

const NAME = "Nova Canvas";
const MAX_PIXELS = 4_194_304;

export function novaCanvasSizeProblem({ width: w, height: h }: Dimensions): string | undefined {
  if (w < 320 || h < 320 || w > 4096 || h > 4096) return "each side must be 320 to 4096 pixels";
  if (w % 16 !== 0 || h % 16 !== 0) return "width and height must be divisible by 16";
  if (w / h > 4 || h / w > 4) return "the aspect ratio must be between 1:4 and 4:1";
  if (w * h > MAX_PIXELS) return `the image may have at most ${MAX_PIXELS} pixels`;
  return undefined;
}

export function prepareNovaCanvas(opts: ImageOptions) {
  const size = parseSize(opts.size, { width: 1024, height: 1024 });
  const problem = novaCanvasSizeProblem(size);
  if (problem)
    throw errors.invalidRequest(`${NAME} does not support size '${size.width}x${size.height}': ${problem}.`, "size", "invalid_value");
  const style = opts.style;
  if (style !== undefined && !(NOVA_CANVAS_STYLES as readonly string[]).includes(style)) {
    throw errors.invalidRequest(`${NAME} has no style '${style}'. Styles: ${NOVA_CANVAS_STYLES.join(", ")}.`, "style", "invalid_value");
  }
  requireFormat(NAME, opts.outputFormat, ["png"]);
  return {
    size: `${size.width}x${size.height}`,
    build: (count: number, seed: number | undefined) => buildAmazonImageBody(opts, size, count, seed, style),
  };
}

export const novaCanvas: ImageFamily = {
  name: NAME,
  maxPerCall: 5,
  maxPromptChars: 1024,
  maxSeed: 858_993_459,
  prepare: prepareNovaCanvas,
  parseResponse: (body) => parseAmazonImageResponse(body, NAME),
};

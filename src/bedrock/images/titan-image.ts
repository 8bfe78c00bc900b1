// Amazon Titan Image Generator G1 (v1, v2): a fixed list of sizes, prompts up to 512
// characters, up to 5 images per call, PNG only, no visual styles.
import { errors } from "../../errors/gateway-error.ts";
import { buildAmazonImageBody, parseAmazonImageResponse } from "./amazon-image-body.ts";
import type { ImageFamily, ImageOptions } from "./image-family.ts";
import { parseSize, refuseStyle, requireFormat } from "./image-family.ts";

export const TITAN_IMAGE_SIZES = [
  "1024x1024",
  "768x768",
  "512x512",
  "768x1152",
  "384x576",
  "1152x768",
  "576x384",
  "768x1280",
  "384x640",
  "1280x768",
  "640x384",
  "896x1152",
  "448x576",
  "1152x896",
  "576x448",
  "768x1408",
  "384x704",
  "1408x768",
  "704x384",
  "640x1408",
  "320x704",
  "1408x640",
  "704x320",
  "1152x640",
  "1173x640",
] as const;

const NAME = "Titan Image Generator";

export function prepareTitanImage(opts: ImageOptions) {
  const size = parseSize(opts.size, { width: 1024, height: 1024 });
  const label = `${size.width}x${size.height}`;
  if (!(TITAN_IMAGE_SIZES as readonly string[]).includes(label)) {
    throw errors.invalidRequest(
      `${NAME} does not support size '${label}'. Supported sizes: ${TITAN_IMAGE_SIZES.join(", ")}.`,
      "size",
      "invalid_value",
    );
  }
  refuseStyle(NAME, opts.style);
  requireFormat(NAME, opts.outputFormat, ["png"]);
  return { size: label, build: (count: number, seed: number | undefined) => buildAmazonImageBody(opts, size, count, seed) };
}

export const titanImage: ImageFamily = {
  name: NAME,
  maxPerCall: 5,
  maxPromptChars: 512,
  maxSeed: 2_147_483_646,
  prepare: prepareTitanImage,
  parseResponse: (body) => parseAmazonImageResponse(body, NAME),
};

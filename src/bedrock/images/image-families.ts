// Which mapper serves which image model, by foundation-model id prefix. Stable Diffusion XL
// (a different, older body format) and Stability's editing services are not text-to-image here.
import type { FamilyTable } from "../family-table.ts";
import type { ImageFamily } from "./image-family.ts";
import { novaCanvas } from "./nova-canvas.ts";
import { stabilityImage } from "./stability-image.ts";
import { titanImage } from "./titan-image.ts";

export const IMAGE_FAMILIES: FamilyTable<ImageFamily> = [
  ["amazon.titan-image-generator-v2", titanImage],
  ["amazon.titan-image-generator-v1", titanImage],
  ["amazon.nova-canvas", novaCanvas],
  ["stability.sd3-5-large", stabilityImage],
  ["stability.sd3-large", stabilityImage],
  ["stability.stable-image-core", stabilityImage],
  ["stability.stable-image-ultra", stabilityImage],
];

// POST /v1/images/generations request: OpenAI's fields plus documented extras for what Bedrock's
// image models offer and OpenAI's API lacks: `negative_prompt`, `seed`, `cfg_scale`. `style`
// takes OpenAI's vivid/natural or one of Nova Canvas's visual styles.
import { z } from "zod";

export const imagesRequestSchema = z.strictObject({
  prompt: z.string(),
  model: z.string().nullish(),
  n: z.number().int().min(1).max(10).nullish(),
  quality: z.enum(["standard", "hd", "low", "medium", "high", "auto"]).nullish(),
  response_format: z.enum(["url", "b64_json"]).nullish(),
  output_format: z.enum(["png", "jpeg", "webp"]).nullish(),
  output_compression: z.number().int().min(0).max(100).nullish(),
  size: z.string().nullish(),
  style: z.string().nullish(),
  background: z.enum(["transparent", "opaque", "auto"]).nullish(),
  moderation: z.enum(["low", "auto"]).nullish(),
  stream: z.boolean().nullish(),
  partial_images: z.number().int().min(0).max(3).nullish(),
  user: z.string().nullish(),
  negative_prompt: z.string().nullish(),
  seed: z.number().int().min(0).nullish(),
  cfg_scale: z.number().nullish(),
});

export type ImagesRequest = z.output<typeof imagesRequestSchema>;

export interface ImageObject {
  b64_json?: string;
  url?: string;
  revised_prompt?: string;
}

export interface ImagesResponse {
  created: number;
  data: ImageObject[];
}

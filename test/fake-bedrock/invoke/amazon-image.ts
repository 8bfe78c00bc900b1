// Titan Image Generator G1 v1/v2 and Nova Canvas, text-to-image: `taskType` TEXT_IMAGE,
// `textToImageParams` and `imageGenerationConfig`. Titan takes a fixed list of sizes and prompts
// of 512 characters; Nova Canvas any size with sides 320–4096 divisible by 16, an aspect ratio
// within 1:4..4:1 and at most 4,194,304 pixels, prompts of 1,024 characters and a `style`.
// Both answer `{images: [base64 PNG], error}`; a prompt containing "BLOCKED" trips the content
// filter the way Bedrock reports it.
import type { Rule } from "./body-rules.ts";
import { check } from "./body-rules.ts";
import { fakePng } from "./fake-images.ts";
import type { InvokeOutcome } from "./invoke-outcome.ts";
import { guarded, validationError } from "./invoke-outcome.ts";

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
];
const NOVA_STYLES = [
  "3D_ANIMATED_FAMILY_FILM",
  "DESIGN_SKETCH",
  "FLAT_VECTOR_ILLUSTRATION",
  "GRAPHIC_NOVEL_ILLUSTRATION",
  "MAXIMALISM",
  "MIDCENTURY_RETRO",
  "PHOTOREALISM",
  "SOFT_DIGITAL_PAINTING",
];

function rules(nova: boolean): Rule {
  const text: Rule = { type: "string", minLength: 1, maxLength: nova ? 1024 : 512 };
  const params: Record<string, Rule> = { text, negativeText: text };
  if (nova) params.style = { type: "string", enum: NOVA_STYLES };
  return {
    type: "object",
    required: ["taskType"],
    properties: {
      taskType: { type: "string", enum: ["TEXT_IMAGE"] },
      textToImageParams: { type: "object", required: ["text"], properties: params },
      imageGenerationConfig: {
        type: "object",
        properties: {
          numberOfImages: { type: "integer", minimum: 1, maximum: 5 },
          width: { type: "integer", minimum: nova ? 320 : 320, maximum: 4096 },
          height: { type: "integer", minimum: nova ? 320 : 320, maximum: 4096 },
          quality: { type: "string", enum: ["standard", "premium"] },
          cfgScale: { type: "number", minimum: 1.1, maximum: 10 },
          seed: { type: "integer", minimum: 0, maximum: nova ? 858_993_459 : 2_147_483_646 },
        },
      },
    },
  };
}

function sizeProblem(nova: boolean, w: number, h: number): string | undefined {
  if (!nova) return TITAN_IMAGE_SIZES.includes(`${w}x${h}`) ? undefined : `The provided image size ${w}x${h} is not supported.`;
  if (w % 16 !== 0 || h % 16 !== 0) return "Image width and height must be divisible by 16.";
  if (w / h > 4 || h / w > 4) return "The aspect ratio of the image must be between 1:4 and 4:1.";
  if (w * h > 4_194_304) return "The total pixel count of the image must be less than 4,194,304.";
  return undefined;
}

export function amazonImage(variant: "titan" | "nova", modelId: string, body: any): InvokeOutcome {
  return guarded(() => {
    const nova = variant === "nova";
    check(rules(nova), body);
    if (!body.textToImageParams) return validationError("Malformed input request: #: required key [textToImageParams] not found");
    const cfg = body.imageGenerationConfig ?? {};
    const w = cfg.width ?? 1024;
    const h = cfg.height ?? 1024;
    const problem = sizeProblem(nova, w, h);
    if (problem) return validationError(problem);
    const prompt: string = body.textToImageParams.text;
    if (prompt.includes("BLOCKED")) return validationError("This request has been blocked by our content filters.");
    const n = cfg.numberOfImages ?? 1;
    const seed = cfg.seed ?? (nova ? 12 : 42);
    const images = Array.from({ length: n }, (_, i) =>
      fakePng(
        JSON.stringify({
          model: modelId,
          prompt,
          negative: body.textToImageParams.negativeText ?? null,
          style: body.textToImageParams.style ?? null,
          size: `${w}x${h}`,
          quality: cfg.quality ?? "standard",
          seed,
          index: i,
        }),
      ).toString("base64"),
    );
    return { body: { images, error: null } };
  });
}

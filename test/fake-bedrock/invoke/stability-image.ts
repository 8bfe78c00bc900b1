// Stability AI text-to-image on Bedrock (SD3.5 Large, Stable Image Core, Stable Image Ultra): one
// image per call, `aspect_ratio` from a fixed list, `output_format` jpeg/png/webp, prompts up to
// 10,000 characters. Answers `{seeds, finish_reasons, images}`; a prompt containing "BLOCKED" is
// filtered, which Stability reports in `finish_reasons` with no image.
import type { Rule } from "./body-rules.ts";
import { check } from "./body-rules.ts";
import { fakeJpeg, fakePng, fakeWebp } from "./fake-images.ts";
import type { InvokeOutcome } from "./invoke-outcome.ts";
import { guarded } from "./invoke-outcome.ts";

export const STABILITY_ASPECT_RATIOS = ["16:9", "1:1", "21:9", "2:3", "3:2", "4:5", "5:4", "9:16", "9:21"];

const STABILITY: Rule = {
  type: "object",
  required: ["prompt"],
  properties: {
    prompt: { type: "string", minLength: 1, maxLength: 10_000 },
    negative_prompt: { type: "string", maxLength: 10_000 },
    mode: { type: "string", enum: ["text-to-image", "image-to-image"] },
    aspect_ratio: { type: "string", enum: STABILITY_ASPECT_RATIOS },
    seed: { type: "integer", minimum: 0, maximum: 4_294_967_294 },
    output_format: { type: "string", enum: ["jpeg", "png", "webp"] },
  },
};

export function stabilityImage(modelId: string, body: any): InvokeOutcome {
  return guarded(() => {
    check(STABILITY, body);
    const prompt: string = body.prompt;
    if (prompt.includes("BLOCKED")) return { body: { seeds: [0], finish_reasons: ["Filter reason: prompt"], images: [] } };
    const seed: number = body.seed ?? 1234567;
    const format: string = body.output_format ?? "png";
    const comment = JSON.stringify({
      model: modelId,
      prompt,
      negative: body.negative_prompt ?? null,
      aspect_ratio: body.aspect_ratio ?? "1:1",
      seed,
      format,
    });
    const bytes = format === "jpeg" ? fakeJpeg(comment) : format === "webp" ? fakeWebp(comment) : fakePng(comment);
    return { body: { seeds: [seed], finish_reasons: [null], images: [bytes.toString("base64")] } };
  });
}

// Pure: OpenAI's service_tier (Chat Completions and Responses name it the same) → Bedrock's
// serviceTier. "auto" and "default" leave Bedrock's default; "scale" is its priority tier.
import { errors } from "../errors/gateway-error.ts";

export function parseServiceTier(tier: string | null | undefined): "flex" | "priority" | undefined {
  if (tier === "flex") return "flex";
  if (tier === "priority" || tier === "scale") return "priority";
  if (tier === undefined || tier === null || tier === "auto" || tier === "default") return undefined;
  throw errors.invalidRequest(`Unsupported service_tier '${tier}'. Use auto, default, flex or priority.`, "service_tier");
}

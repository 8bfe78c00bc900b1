// Pure: OpenAI reasoning_effort (or a raw Anthropic `thinking` object) → each family's Bedrock
// reasoning setting, with the inference-parameter rules reasoning imposes:
// - Claude (budget): thinking.budget_tokens ≥ 1024 and < maxTokens; the budget shrinks to fit the
//   client's limit, which is raised only when even 1024 does not fit (reported in a header);
//   temperature must be unset (or 1) and
//   top_p ≥ 0.95 or unset; a forced tool choice is not allowed.
// - Claude (adaptive): thinking {type: adaptive} plus output_config.effort.
// - Nova 2: reasoningConfig.maxReasoningEffort; at "high" temperature / top_p / maxTokens must be unset.
// - gpt-oss: reasoning_effort. DeepSeek R1 always reasons. Other models: listed as dropped.
import type { InferenceConfiguration, JsonValue } from "../bedrock/converse-types.ts";
import { errors } from "../errors/gateway-error.ts";
import type { ModelCapabilities } from "../models/capabilities.ts";
import { thinksLikeClaude } from "../models/capabilities.ts";

export type Effort = "none" | "minimal" | "low" | "medium" | "high" | "xhigh";

/** Thinking budgets per effort for budget-style Claude models. */
export const CLAUDE_BUDGETS: Record<Exclude<Effort, "none">, number> = {
  minimal: 1024,
  low: 4096,
  medium: 10_000,
  high: 20_000,
  xhigh: 32_000,
};
/** Room left for the answer when the gateway has to raise maxTokens above the thinking budget. */
export const ANSWER_ROOM = 4096;
const MIN_BUDGET = 1024;

export interface ReasoningInput {
  effort: Effort | undefined;
  /** A raw Anthropic thinking object from the client (Claude only). */
  thinking: Record<string, unknown> | undefined;
  inference: InferenceConfiguration;
}

export interface ReasoningPlan {
  /** Fields for additionalModelRequestFields. */
  fields: Record<string, JsonValue>;
  inference: InferenceConfiguration;
  /** Claude thinking is on: signed thinking must be replayed, forced tool choice is not allowed. */
  claudeThinking: boolean;
  dropped: string[];
  notes: Record<string, string>;
}

const EFFORTS = new Set(["none", "minimal", "low", "medium", "high", "xhigh"]);

export function parseEffort(value: unknown): Effort | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string" && EFFORTS.has(value)) return value as Effort;
  throw errors.invalidRequest("reasoning_effort must be one of none, minimal, low, medium, high, xhigh.", "reasoning_effort");
}

/**
 * A Claude thinking budget under the client's output cap. The cap is what the client agreed to
 * pay for, so the budget shrinks to fit below it (leaving room for the answer) rather than the cap
 * growing; the cap is raised only when not even the minimum budget fits, and a header says so.
 */
function claudeBudget(budget: number, inference: InferenceConfiguration, caps: ModelCapabilities, notes: Record<string, string>) {
  const limit = caps.maxOutputTokens ?? 64_000;
  let b = Math.max(MIN_BUDGET, Math.floor(budget));
  if (b >= limit) b = Math.max(MIN_BUDGET, limit - ANSWER_ROOM);
  const asked = inference.maxTokens;
  if (asked === undefined) {
    const maxTokens = Math.min(limit, b + ANSWER_ROOM);
    if (maxTokens <= b) b = Math.max(MIN_BUDGET, maxTokens - 1);
    notes["x-bedrock-gateway-max-tokens"] = `set to ${maxTokens} to leave room above the thinking budget of ${b}`;
    return { budget: b, maxTokens };
  }
  if (asked > b) return { budget: b, maxTokens: asked };
  if (asked > MIN_BUDGET) {
    const shrunk = Math.max(MIN_BUDGET, Math.min(b, asked - Math.min(ANSWER_ROOM, Math.floor(asked / 2))));
    notes["x-bedrock-gateway-thinking-budget"] = `reduced ${b} to ${shrunk} to fit below the output limit of ${asked}`;
    return { budget: shrunk, maxTokens: asked };
  }
  const maxTokens = Math.min(limit, MIN_BUDGET + asked);
  notes["x-bedrock-gateway-max-tokens"] =
    `raised ${asked} to ${maxTokens}: the smallest thinking budget (${MIN_BUDGET}) does not fit below it`;
  return { budget: MIN_BUDGET, maxTokens };
}

/** Temperature and top_p rules while Claude thinks. */
function thinkingSampling(inference: InferenceConfiguration, dropped: string[]): InferenceConfiguration {
  const out = { ...inference };
  if (out.temperature !== undefined && out.temperature !== 1) {
    delete out.temperature;
    dropped.push("temperature");
  }
  if (out.topP !== undefined && out.topP < 0.95) {
    delete out.topP;
    dropped.push("top_p");
  }
  return out;
}

export function planReasoning(input: ReasoningInput, caps: ModelCapabilities): ReasoningPlan {
  const dropped: string[] = [];
  const notes: Record<string, string> = {};
  const fields: Record<string, JsonValue> = {};
  let inference = { ...input.inference };
  const { effort, thinking } = input;
  const claude = thinksLikeClaude(caps);

  if (thinking !== undefined) {
    if (!claude) return { fields, inference, claudeThinking: false, dropped: ["thinking"], notes };
    const type = thinking.type;
    if (type === "disabled") return { fields, inference, claudeThinking: false, dropped, notes };
    if (type === "enabled" || (type === "adaptive" && caps.reasoning === "claude-budget")) {
      // Adaptive thinking on a model that only takes a budget: give it the medium budget.
      const asked = typeof thinking.budget_tokens === "number" ? thinking.budget_tokens : CLAUDE_BUDGETS.medium;
      const { budget, maxTokens } = claudeBudget(asked, inference, caps, notes);
      fields.thinking = { type: "enabled", budget_tokens: budget };
      inference = thinkingSampling({ ...inference, maxTokens }, dropped);
      return { fields, inference, claudeThinking: true, dropped, notes };
    }
    if (type === "adaptive") {
      fields.thinking = { type: "adaptive" };
      inference = thinkingSampling(inference, dropped);
      return { fields, inference, claudeThinking: true, dropped, notes };
    }
    throw errors.invalidRequest("thinking.type must be enabled, adaptive or disabled.", "thinking.type");
  }

  if (effort === undefined) return { fields, inference, claudeThinking: false, dropped, notes };
  switch (caps.reasoning) {
    case "claude-budget": {
      if (effort === "none") break;
      const { budget, maxTokens } = claudeBudget(CLAUDE_BUDGETS[effort], inference, caps, notes);
      fields.thinking = { type: "enabled", budget_tokens: budget };
      inference = thinkingSampling({ ...inference, maxTokens }, dropped);
      return { fields, inference, claudeThinking: true, dropped, notes };
    }
    case "claude-adaptive": {
      if (effort === "none") break;
      fields.thinking = { type: "adaptive" };
      fields.output_config = { effort: effort === "minimal" ? "low" : effort === "xhigh" ? "max" : effort };
      inference = thinkingSampling(inference, dropped);
      return { fields, inference, claudeThinking: true, dropped, notes };
    }
    case "nova": {
      if (effort === "none") break;
      const level = effort === "minimal" ? "low" : effort === "xhigh" ? "high" : effort;
      fields.reasoningConfig = { type: "enabled", maxReasoningEffort: level };
      if (level === "high") {
        for (const [k, name] of [
          ["temperature", "temperature"],
          ["topP", "top_p"],
          ["maxTokens", "max_tokens"],
        ] as const) {
          if (inference[k] !== undefined) {
            delete inference[k];
            dropped.push(name);
          }
        }
      }
      break;
    }
    case "gpt-oss":
      if (effort !== "none") fields.reasoning_effort = effort === "minimal" ? "low" : effort === "xhigh" ? "high" : effort;
      break;
    case "always":
      if (effort === "none") dropped.push("reasoning_effort");
      break;
    case "none":
      dropped.push("reasoning_effort");
      break;
  }
  return { fields, inference, claudeThinking: false, dropped, notes };
}

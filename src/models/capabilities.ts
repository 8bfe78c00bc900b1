// Model knowledge in one table keyed by model family. The gateway's mappers ask this table (never
// string checks scattered in code) what a model accepts. Families match by pattern on the
// foundation model id, so a new model of a known family works without a code change; an unknown
// model gets safe defaults. Where the catalog reports input modalities, they win over the table.
import type { CatalogModel } from "./build-catalog.ts";

export type ReasoningStyle =
  /** Claude extended thinking: thinking.budget_tokens (≥ 1024, < maxTokens). */
  | "claude-budget"
  /** Claude models that take adaptive thinking with an effort level instead of a budget. */
  | "claude-adaptive"
  /** Amazon Nova 2: reasoningConfig with maxReasoningEffort. */
  | "nova"
  /** OpenAI gpt-oss: reasoning_effort. */
  | "gpt-oss"
  /** DeepSeek R1: always reasons, no setting. */
  | "always"
  | "none";

export interface ModelCapabilities {
  family: string;
  imageInput: boolean;
  documentInput: boolean;
  videoInput: boolean;
  audioInput: boolean;
  tools: boolean;
  /** Tool choice kinds beyond "auto" the model accepts ("any" = required, "tool" = named). */
  toolChoiceAny: boolean;
  toolChoiceTool: boolean;
  /** Tool use allowed with ConverseStream (otherwise the gateway calls Converse and replays it as a stream). */
  streamingTools: boolean;
  /** Tool-call ids the model insists on: Mistral wants exactly 9 letters/digits. */
  toolIdFormat: "any" | "alnum9";
  /** ToolSpecification.strict understood. */
  strictTools: boolean;
  systemPrompt: boolean;
  promptCaching: boolean;
  reasoning: ReasoningStyle;
  /** Rejects temperature and top_p together (newer Claude models): top_p is dropped. */
  temperatureTopPConflict: boolean;
  /** Largest maxTokens the model accepts; undefined when unknown (then never clamped). */
  maxOutputTokens: number | undefined;
  /** Converse outputConfig.textFormat (native JSON-schema output). */
  structuredOutput: boolean;
  citations: boolean;
}

const SAFE_DEFAULTS: ModelCapabilities = {
  family: "unknown",
  imageInput: false,
  documentInput: false,
  videoInput: false,
  audioInput: false,
  tools: true,
  toolChoiceAny: false,
  toolChoiceTool: false,
  streamingTools: true,
  toolIdFormat: "any",
  strictTools: false,
  systemPrompt: true,
  promptCaching: false,
  reasoning: "none",
  temperatureTopPConflict: false,
  maxOutputTokens: undefined,
  structuredOutput: false,
  citations: false,
};

type Row = [pattern: RegExp, caps: Partial<ModelCapabilities> & { family: string }];

const CLAUDE: Partial<ModelCapabilities> = {
  imageInput: true,
  documentInput: true,
  toolChoiceAny: true,
  toolChoiceTool: true,
  citations: true,
};

/** First match wins: specific families before their general fallbacks. */
const TABLE: Row[] = [
  // Claude ids carry the version before an 8-digit date: claude-sonnet-4-5-20250929, claude-sonnet-4-20250514.
  // Claude 4.5 and later (and Opus 4.1) accept only one of temperature / top_p.
  [
    /^anthropic\.claude-(?:sonnet|haiku|opus)-4-[5-9]-/,
    {
      ...CLAUDE,
      family: "claude-4.5",
      promptCaching: true,
      reasoning: "claude-budget",
      temperatureTopPConflict: true,
      maxOutputTokens: 64_000,
      structuredOutput: true,
      strictTools: true,
    },
  ],
  [
    /^anthropic\.claude-opus-4-1-/,
    {
      ...CLAUDE,
      family: "claude-opus-4.1",
      promptCaching: true,
      reasoning: "claude-budget",
      temperatureTopPConflict: true,
      maxOutputTokens: 32_000,
    },
  ],
  [
    /^anthropic\.claude-opus-4-\d{8}/,
    { ...CLAUDE, family: "claude-opus-4", promptCaching: true, reasoning: "claude-budget", maxOutputTokens: 32_000 },
  ],
  [
    /^anthropic\.claude-(?:sonnet|haiku)-4-\d{8}/,
    { ...CLAUDE, family: "claude-4", promptCaching: true, reasoning: "claude-budget", maxOutputTokens: 64_000 },
  ],
  [
    /^anthropic\.claude-(?:sonnet|haiku|opus)-[5-9]/,
    {
      ...CLAUDE,
      family: "claude-next",
      promptCaching: true,
      reasoning: "claude-budget",
      temperatureTopPConflict: true,
      maxOutputTokens: 64_000,
      structuredOutput: true,
      strictTools: true,
    },
  ],
  [/^anthropic\.claude-3-7/, { ...CLAUDE, family: "claude-3.7", promptCaching: true, reasoning: "claude-budget", maxOutputTokens: 64_000 }],
  [
    /^anthropic\.claude-3-5-haiku/,
    { ...CLAUDE, family: "claude-3.5-haiku", imageInput: false, promptCaching: true, maxOutputTokens: 8192 },
  ],
  [/^anthropic\.claude-3-5-sonnet/, { ...CLAUDE, family: "claude-3.5-sonnet", maxOutputTokens: 8192 }],
  [/^anthropic\.claude-3/, { ...CLAUDE, family: "claude-3", maxOutputTokens: 4096 }],
  [/^anthropic\./, { ...CLAUDE, family: "claude", promptCaching: true, reasoning: "claude-budget", maxOutputTokens: undefined }],
  [
    /^amazon\.nova-2/,
    {
      family: "nova-2",
      imageInput: true,
      documentInput: true,
      videoInput: true,
      toolChoiceAny: true,
      toolChoiceTool: true,
      promptCaching: true,
      reasoning: "nova",
      maxOutputTokens: 65_536,
      structuredOutput: true,
    },
  ],
  [/^amazon\.nova-micro/, { family: "nova", toolChoiceAny: true, toolChoiceTool: true, promptCaching: true, maxOutputTokens: 10_000 }],
  [
    /^amazon\.nova-premier/,
    {
      family: "nova-premier",
      imageInput: true,
      documentInput: true,
      videoInput: true,
      toolChoiceAny: true,
      toolChoiceTool: true,
      promptCaching: true,
      maxOutputTokens: 32_000,
    },
  ],
  [
    /^amazon\.nova/,
    {
      family: "nova",
      imageInput: true,
      documentInput: true,
      videoInput: true,
      toolChoiceAny: true,
      toolChoiceTool: true,
      promptCaching: true,
      maxOutputTokens: 10_000,
    },
  ],
  [/^amazon\.titan-text/, { family: "titan-text", tools: false, systemPrompt: false, maxOutputTokens: 8192 }],
  [/^meta\.llama3-1/, { family: "llama-3.1", documentInput: true, streamingTools: false, maxOutputTokens: 8192 }],
  [/^meta\.llama3-2-(?:11|90)b/, { family: "llama-3.2-vision", imageInput: true, documentInput: true, maxOutputTokens: 8192 }],
  [/^meta\.llama4/, { family: "llama-4", imageInput: true, documentInput: true, maxOutputTokens: 8192 }],
  [/^meta\.llama/, { family: "llama", documentInput: true, maxOutputTokens: 8192 }],
  [
    /^mistral\.mistral-large-2402/,
    {
      family: "mistral-large-2402",
      documentInput: true,
      toolChoiceAny: true,
      toolIdFormat: "alnum9",
      streamingTools: false,
      maxOutputTokens: 8192,
    },
  ],
  [
    /^mistral\.pixtral/,
    { family: "pixtral", imageInput: true, documentInput: true, toolChoiceAny: true, toolIdFormat: "alnum9", maxOutputTokens: 8192 },
  ],
  [/^mistral\./, { family: "mistral", documentInput: true, toolChoiceAny: true, toolIdFormat: "alnum9", maxOutputTokens: 8192 }],
  [/^deepseek\.r1/, { family: "deepseek-r1", tools: false, reasoning: "always", maxOutputTokens: 32_768 }],
  [/^deepseek\./, { family: "deepseek", documentInput: true, maxOutputTokens: 8192 }],
  [
    /^openai\.gpt-oss/,
    {
      family: "gpt-oss",
      reasoning: "gpt-oss",
      toolChoiceAny: true,
      toolChoiceTool: true,
      maxOutputTokens: 128_000,
      structuredOutput: true,
    },
  ],
  [/^cohere\.command/, { family: "cohere-command", documentInput: true, maxOutputTokens: 4096 }],
  [/^ai21\./, { family: "ai21", documentInput: true, maxOutputTokens: 4096 }],
];

// Keyed by model id: catalog models, but also whatever ARN (or, before the catalog loads, any
// name) a client sends, so the map is bounded — past the bound it starts over (a table scan per miss).
const cache = new Map<string, ModelCapabilities>();
const CACHE_MAX = 2_000;

/** Capabilities for a foundation model id (profile prefixes already stripped by resolution). */
export function capabilitiesFor(baseModelId: string, entry?: CatalogModel): ModelCapabilities {
  const key = entry ? `${baseModelId}|${entry.inputModalities.join(",")}` : baseModelId;
  let caps = cache.get(key);
  if (caps) return caps;
  const row = TABLE.find(([re]) => re.test(baseModelId));
  caps = { ...SAFE_DEFAULTS, ...row?.[1] };
  if (entry && entry.inputModalities.length > 0) {
    // Bedrock's own listing is the better source for what a model can see.
    caps.imageInput = entry.inputModalities.includes("IMAGE");
    caps.videoInput = entry.inputModalities.includes("VIDEO");
    caps.audioInput = entry.inputModalities.includes("AUDIO") || entry.inputModalities.includes("SPEECH");
  }
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, caps);
  return caps;
}

/** Claude's thinking: signed blocks that must be replayed, and a forced tool choice forbidden. */
export function thinksLikeClaude(caps: ModelCapabilities): boolean {
  return caps.reasoning === "claude-budget" || caps.reasoning === "claude-adaptive";
}

// The account the test double pretends to be: foundation models, system-defined and application
// inference profiles as ListFoundationModels / ListInferenceProfiles return them, plus the model
// behaviour Bedrock enforces (which inputs a model takes, what it rejects).

export const FAKE_ACCOUNT = "111122223333";

type Inference = "ON_DEMAND" | "INFERENCE_PROFILE" | "PROVISIONED";

export interface FakeModel {
  id: string;
  name: string;
  provider: string;
  input: string[];
  output: string[];
  inference: Inference[];
  streaming?: boolean;
  /** Geographies with a system-defined profile (us, eu, apac, global, …). */
  profiles?: string[];
  lifecycle?: "ACTIVE" | "LEGACY";
  launched?: string;
}

const chat = (
  id: string,
  name: string,
  provider: string,
  input: string[],
  inference: Inference[],
  profiles: string[] = [],
  launched = "2024-06-01T00:00:00Z",
): FakeModel => ({
  id,
  name,
  provider,
  input,
  output: ["TEXT"],
  inference,
  profiles,
  launched,
  streaming: true,
});

export const FAKE_MODELS: FakeModel[] = [
  chat(
    "anthropic.claude-3-haiku-20240307-v1:0",
    "Claude 3 Haiku",
    "Anthropic",
    ["TEXT", "IMAGE"],
    ["ON_DEMAND"],
    ["us"],
    "2024-03-07T00:00:00Z",
  ),
  chat(
    "anthropic.claude-3-5-sonnet-20240620-v1:0",
    "Claude 3.5 Sonnet",
    "Anthropic",
    ["TEXT", "IMAGE"],
    ["ON_DEMAND"],
    ["us"],
    "2024-06-20T00:00:00Z",
  ),
  chat(
    "anthropic.claude-3-7-sonnet-20250219-v1:0",
    "Claude 3.7 Sonnet",
    "Anthropic",
    ["TEXT", "IMAGE"],
    ["INFERENCE_PROFILE"],
    ["us"],
    "2025-02-19T00:00:00Z",
  ),
  chat(
    "anthropic.claude-sonnet-4-20250514-v1:0",
    "Claude Sonnet 4",
    "Anthropic",
    ["TEXT", "IMAGE"],
    ["INFERENCE_PROFILE"],
    ["us", "global"],
    "2025-05-14T00:00:00Z",
  ),
  chat(
    "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "Claude Sonnet 4.5",
    "Anthropic",
    ["TEXT", "IMAGE"],
    ["INFERENCE_PROFILE"],
    ["us", "global"],
    "2025-09-29T00:00:00Z",
  ),
  chat(
    "anthropic.claude-haiku-4-5-20251001-v1:0",
    "Claude Haiku 4.5",
    "Anthropic",
    ["TEXT", "IMAGE"],
    ["INFERENCE_PROFILE"],
    ["us", "global"],
    "2025-10-01T00:00:00Z",
  ),
  chat(
    "anthropic.claude-opus-4-1-20250805-v1:0",
    "Claude Opus 4.1",
    "Anthropic",
    ["TEXT", "IMAGE"],
    ["INFERENCE_PROFILE"],
    ["us"],
    "2025-08-05T00:00:00Z",
  ),
  chat(
    "anthropic.claude-opus-4-5-20251101-v1:0",
    "Claude Opus 4.5",
    "Anthropic",
    ["TEXT", "IMAGE"],
    ["INFERENCE_PROFILE"],
    ["us", "global"],
    "2025-11-01T00:00:00Z",
  ),
  chat("amazon.nova-micro-v1:0", "Nova Micro", "Amazon", ["TEXT"], ["ON_DEMAND"], ["us"], "2024-12-03T00:00:00Z"),
  chat("amazon.nova-lite-v1:0", "Nova Lite", "Amazon", ["TEXT", "IMAGE", "VIDEO"], ["ON_DEMAND"], ["us"], "2024-12-03T00:00:00Z"),
  chat("amazon.nova-pro-v1:0", "Nova Pro", "Amazon", ["TEXT", "IMAGE", "VIDEO"], ["ON_DEMAND"], ["us"], "2024-12-03T00:00:00Z"),
  chat(
    "amazon.nova-premier-v1:0",
    "Nova Premier",
    "Amazon",
    ["TEXT", "IMAGE", "VIDEO"],
    ["INFERENCE_PROFILE"],
    ["us"],
    "2025-04-30T00:00:00Z",
  ),
  chat(
    "amazon.nova-2-lite-v1:0",
    "Nova 2 Lite",
    "Amazon",
    ["TEXT", "IMAGE", "VIDEO"],
    ["INFERENCE_PROFILE"],
    ["us", "global"],
    "2025-12-02T00:00:00Z",
  ),
  chat("meta.llama3-1-8b-instruct-v1:0", "Llama 3.1 8B Instruct", "Meta", ["TEXT"], ["ON_DEMAND"], ["us"]),
  chat("meta.llama3-1-70b-instruct-v1:0", "Llama 3.1 70B Instruct", "Meta", ["TEXT"], ["ON_DEMAND"], ["us"]),
  chat("meta.llama3-2-11b-instruct-v1:0", "Llama 3.2 11B Instruct", "Meta", ["TEXT", "IMAGE"], ["INFERENCE_PROFILE"], ["us"]),
  chat("meta.llama3-3-70b-instruct-v1:0", "Llama 3.3 70B Instruct", "Meta", ["TEXT"], ["INFERENCE_PROFILE"], ["us"]),
  chat("meta.llama4-maverick-17b-instruct-v1:0", "Llama 4 Maverick 17B Instruct", "Meta", ["TEXT", "IMAGE"], ["INFERENCE_PROFILE"], ["us"]),
  chat("mistral.mistral-large-2402-v1:0", "Mistral Large (24.02)", "Mistral AI", ["TEXT"], ["ON_DEMAND"]),
  chat("mistral.mistral-small-2402-v1:0", "Mistral Small (24.02)", "Mistral AI", ["TEXT"], ["ON_DEMAND"]),
  chat("mistral.pixtral-large-2502-v1:0", "Pixtral Large (25.02)", "Mistral AI", ["TEXT", "IMAGE"], ["INFERENCE_PROFILE"], ["us"]),
  chat("deepseek.r1-v1:0", "DeepSeek-R1", "DeepSeek", ["TEXT"], ["INFERENCE_PROFILE"], ["us"]),
  chat("deepseek.v3-v1:0", "DeepSeek-V3.1", "DeepSeek", ["TEXT"], ["ON_DEMAND"]),
  chat("openai.gpt-oss-120b-1:0", "gpt-oss-120b", "OpenAI", ["TEXT"], ["ON_DEMAND"]),
  chat("openai.gpt-oss-20b-1:0", "gpt-oss-20b", "OpenAI", ["TEXT"], ["ON_DEMAND"]),
  {
    id: "amazon.titan-embed-text-v1",
    name: "Titan Embeddings G1 - Text",
    provider: "Amazon",
    input: ["TEXT"],
    output: ["EMBEDDING"],
    inference: ["ON_DEMAND"],
  },
  {
    id: "amazon.titan-embed-text-v2:0",
    name: "Titan Text Embeddings V2",
    provider: "Amazon",
    input: ["TEXT"],
    output: ["EMBEDDING"],
    inference: ["ON_DEMAND"],
  },
  {
    id: "amazon.titan-embed-image-v1",
    name: "Titan Multimodal Embeddings G1",
    provider: "Amazon",
    input: ["TEXT", "IMAGE"],
    output: ["EMBEDDING"],
    inference: ["ON_DEMAND"],
  },
  {
    id: "cohere.embed-english-v3",
    name: "Embed English",
    provider: "Cohere",
    input: ["TEXT"],
    output: ["EMBEDDING"],
    inference: ["ON_DEMAND"],
  },
  {
    id: "cohere.embed-multilingual-v3",
    name: "Embed Multilingual",
    provider: "Cohere",
    input: ["TEXT"],
    output: ["EMBEDDING"],
    inference: ["ON_DEMAND"],
  },
  {
    id: "cohere.embed-v4:0",
    name: "Embed v4",
    provider: "Cohere",
    input: ["TEXT", "IMAGE"],
    output: ["EMBEDDING"],
    inference: ["ON_DEMAND", "INFERENCE_PROFILE"],
    profiles: ["us", "global"],
  },
  {
    id: "amazon.nova-2-multimodal-embeddings-v1:0",
    name: "Nova Multimodal Embeddings",
    provider: "Amazon",
    input: ["TEXT", "IMAGE", "AUDIO", "VIDEO"],
    output: ["EMBEDDING"],
    inference: ["ON_DEMAND"],
  },
  {
    id: "amazon.titan-image-generator-v2:0",
    name: "Titan Image Generator G1 v2",
    provider: "Amazon",
    input: ["TEXT", "IMAGE"],
    output: ["IMAGE"],
    inference: ["ON_DEMAND"],
  },
  {
    id: "amazon.nova-canvas-v1:0",
    name: "Nova Canvas",
    provider: "Amazon",
    input: ["TEXT", "IMAGE"],
    output: ["IMAGE"],
    inference: ["ON_DEMAND"],
  },
  {
    id: "stability.sd3-5-large-v1:0",
    name: "Stable Diffusion 3.5 Large",
    provider: "Stability AI",
    input: ["TEXT", "IMAGE"],
    output: ["IMAGE"],
    inference: ["ON_DEMAND"],
  },
  {
    id: "stability.stable-image-core-v1:1",
    name: "Stable Image Core 1.0",
    provider: "Stability AI",
    input: ["TEXT"],
    output: ["IMAGE"],
    inference: ["ON_DEMAND"],
  },
  {
    id: "stability.stable-image-ultra-v1:1",
    name: "Stable Image Ultra 1.0",
    provider: "Stability AI",
    input: ["TEXT"],
    output: ["IMAGE"],
    inference: ["ON_DEMAND"],
  },
  { id: "cohere.rerank-v3-5:0", name: "Rerank 3.5", provider: "Cohere", input: ["TEXT"], output: ["TEXT"], inference: ["ON_DEMAND"] },
  { id: "amazon.rerank-v1:0", name: "Rerank 1.0", provider: "Amazon", input: ["TEXT"], output: ["TEXT"], inference: ["ON_DEMAND"] },
  {
    id: "amazon.nova-reel-v1:0",
    name: "Nova Reel",
    provider: "Amazon",
    input: ["TEXT", "IMAGE"],
    output: ["VIDEO"],
    inference: ["ON_DEMAND"],
  },
  {
    id: "amazon.nova-sonic-v1:0",
    name: "Nova Sonic",
    provider: "Amazon",
    input: ["SPEECH"],
    output: ["SPEECH", "TEXT"],
    inference: ["ON_DEMAND"],
  },
];

/** Regions each geography's profiles route to (for the profile's `models` list). */
const GEO_REGIONS: Record<string, string[]> = {
  us: ["us-east-1", "us-east-2", "us-west-2"],
  eu: ["eu-central-1", "eu-west-1", "eu-west-3"],
  apac: ["ap-northeast-1", "ap-southeast-1", "ap-southeast-2"],
  global: ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "ap-northeast-1"],
};

export interface FakeApplicationProfile {
  name: string;
  id: string;
  /** The system profile or foundation model it was copied from. */
  copyFrom: string;
}

export const FAKE_APP_PROFILES: FakeApplicationProfile[] = [
  { name: "team-a-claude", id: "a1b2c3d4e5f6", copyFrom: "us.anthropic.claude-sonnet-4-5-20250929-v1:0" },
  { name: "nova-lite-billing", id: "f6e5d4c3b2a1", copyFrom: "amazon.nova-lite-v1:0" },
];

export function foundationModelSummaries(region: string) {
  return FAKE_MODELS.map((m) => ({
    modelArn: `arn:aws:bedrock:${region}::foundation-model/${m.id}`,
    modelId: m.id,
    modelName: m.name,
    providerName: m.provider,
    inputModalities: m.input,
    outputModalities: m.output,
    responseStreamingSupported: m.output.includes("TEXT"),
    customizationsSupported: [],
    inferenceTypesSupported: m.inference,
    modelLifecycle: { status: m.lifecycle ?? "ACTIVE", startOfLifeTime: m.launched ?? "2024-01-01T00:00:00Z" },
  }));
}

export function systemProfileSummaries(region: string) {
  const geo = region.split("-")[0] === "us" ? "us" : region.startsWith("eu-") ? "eu" : "apac";
  const out = [];
  for (const m of FAKE_MODELS) {
    for (const g of m.profiles ?? []) {
      if (g !== geo && g !== "global") continue;
      const id = `${g}.${m.id}`;
      out.push({
        inferenceProfileName: `${g === "global" ? "Global" : g.toUpperCase()} ${m.name}`
          .replace(/[^0-9a-zA-Z _-]+/g, " ")
          .replace(/\s+/g, " ")
          .trim(),
        description: `Routes requests to ${m.name} in ${g === "global" ? "commercial AWS Regions" : `${g.toUpperCase()} regions`}.`,
        createdAt: m.launched ?? "2024-08-01T00:00:00Z",
        updatedAt: m.launched ?? "2024-08-01T00:00:00Z",
        inferenceProfileArn: `arn:aws:bedrock:${region}:${FAKE_ACCOUNT}:inference-profile/${id}`,
        models: (GEO_REGIONS[g] ?? [region]).map((r) => ({ modelArn: `arn:aws:bedrock:${r}::foundation-model/${m.id}` })),
        inferenceProfileId: id,
        status: "ACTIVE",
        type: "SYSTEM_DEFINED",
      });
    }
  }
  return out;
}

export function applicationProfileSummaries(region: string, extra: FakeApplicationProfile[] = []) {
  const system = systemProfileSummaries(region);
  return [...FAKE_APP_PROFILES, ...extra].map((p) => {
    const from = system.find((s) => s.inferenceProfileId === p.copyFrom);
    const models = from ? from.models : [{ modelArn: `arn:aws:bedrock:${region}::foundation-model/${p.copyFrom}` }];
    return {
      inferenceProfileName: p.name,
      description: `Application profile ${p.name}`,
      createdAt: "2025-10-15T12:00:00Z",
      updatedAt: "2025-10-15T12:00:00Z",
      inferenceProfileArn: `arn:aws:bedrock:${region}:${FAKE_ACCOUNT}:application-inference-profile/${p.id}`,
      models,
      inferenceProfileId: p.id,
      status: "ACTIVE",
      type: "APPLICATION",
    };
  });
}

/** What the double knows about the model a request targets (after resolving profiles/ARNs). */
export interface InvokedModel {
  model: FakeModel;
  via: "foundation-model" | "system-profile" | "application-profile";
}

export function findInvokedModel(
  modelId: string,
  region: string,
): InvokedModel | { error: string; type: "ValidationException" | "ResourceNotFoundException" } {
  const appArn = /^arn:aws:bedrock:[a-z0-9-]+:\d{12}:application-inference-profile\/([a-z0-9]+)$/.exec(modelId);
  if (appArn) {
    const p = [...FAKE_APP_PROFILES].find((a) => a.id === appArn[1]);
    if (!p) return { type: "ResourceNotFoundException", error: "Inference profile not found." };
    const base = p.copyFrom.replace(/^(us|eu|apac|global)\./, "");
    const model = FAKE_MODELS.find((m) => m.id === base)!;
    return { model, via: "application-profile" };
  }
  const profArn = /^arn:aws:bedrock:[a-z0-9-]+:\d{12}:inference-profile\/(.+)$/.exec(modelId);
  const fmArn = /^arn:aws:bedrock:[a-z0-9-]+::foundation-model\/(.+)$/.exec(modelId);
  const id = profArn?.[1] ?? fmArn?.[1] ?? modelId;
  const geo = /^(us|eu|apac|global)\.(.+)$/.exec(id);
  if (geo) {
    const model = FAKE_MODELS.find((m) => m.id === geo[2]);
    const known = model?.profiles?.includes(geo[1]!) && systemProfileSummaries(region).some((p) => p.inferenceProfileId === id);
    if (!model || !known) return { type: "ValidationException", error: "The provided model identifier is invalid." };
    return { model, via: "system-profile" };
  }
  const model = FAKE_MODELS.find((m) => m.id === id);
  if (!model) return { type: "ValidationException", error: "The provided model identifier is invalid." };
  if (!model.inference.includes("ON_DEMAND")) {
    return {
      type: "ValidationException",
      error: `Invocation of model ID ${model.id} with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
    };
  }
  return { model, via: "foundation-model" };
}

// Pure: the model a client names → what to call on Bedrock. Order: alias (MODEL_ALIASES) → exact
// id / ARN / application-profile name → Anthropic's public names (claude-sonnet-4-5, built in) →
// OpenAI placeholder names (BAG behaviour) → base foundation-model id served only through a
// profile → the region's system profile (geography first, then global.).
import { errors } from "../errors/gateway-error.ts";
import type { CatalogModel, CatalogSnapshot, ModelKind } from "./build-catalog.ts";
import { geographyPrefixes } from "./build-catalog.ts";

export interface ResolveOptions {
  aliases: Map<string, string>;
  defaultModel: string;
  defaultEmbeddingModel: string;
}

export interface ResolvedModel {
  /** What the client asked for (echoed back as `model`). */
  requested: string;
  /** What is sent to Bedrock. */
  bedrockId: string;
  /** Foundation model id, for capabilities and pricing. */
  baseModelId: string;
  entry: CatalogModel | undefined;
}

const OPENAI_CHAT = /^(gpt-|chatgpt-|o[1-9](-|$))/;
const OPENAI_EMBEDDING = /^text-embedding-/;
const ARN = /^arn:aws[a-z-]*:(bedrock|sagemaker):/;
const MAX_ALIAS_HOPS = 3;

const KIND_ENDPOINT: Record<ModelKind, string> = {
  chat: "/v1/chat/completions",
  embedding: "/v1/embeddings",
  image: "/v1/images/generations",
  rerank: "/v1/rerank",
};

function defaultFor(kind: ModelKind, opts: ResolveOptions): string | undefined {
  if (kind === "chat") return opts.defaultModel;
  if (kind === "embedding") return opts.defaultEmbeddingModel;
  return undefined;
}

/** The profile that serves a base model id from this region, most local geography first. */
export function profileFor(snapshot: CatalogSnapshot, baseId: string): CatalogModel | undefined {
  const candidates = snapshot.profilesByBaseModel.get(baseId);
  if (!candidates?.length) return undefined;
  for (const geo of [...geographyPrefixes(snapshot.region), "global"]) {
    const hit = candidates.find((c) => c.id === `${geo}.${baseId}`);
    if (hit) return hit;
  }
  return candidates.find((c) => !c.id.startsWith("global.")) ?? candidates[0];
}

function entryResult(requested: string, m: CatalogModel, snapshot: CatalogSnapshot): ResolvedModel {
  // A foundation model Bedrock only serves through a profile: call the profile instead.
  if (m.source === "foundation-model" && !m.listed) {
    const p = profileFor(snapshot, m.id);
    if (p) return { requested, bedrockId: p.bedrockId, baseModelId: m.baseModelId, entry: p };
  }
  return { requested, bedrockId: m.bedrockId, baseModelId: m.baseModelId, entry: m };
}

/**
 * Resolve a requested model for an endpoint of the given kind. Throws a GatewayError (404 for an
 * unknown model, 400 for a model of another kind). Without a snapshot (catalog not loaded yet),
 * names pass through unchanged so Bedrock itself can answer.
 */
export function resolveModel(
  snapshot: CatalogSnapshot | undefined,
  requested: string | undefined,
  kind: ModelKind,
  opts: ResolveOptions,
): ResolvedModel {
  const asked = requested?.trim() ?? "";
  let name = asked || defaultFor(kind, opts);
  if (!name) throw errors.invalidRequest("you must provide a model parameter", "model", "missing_required_parameter");

  for (let hop = 0; hop < MAX_ALIAS_HOPS; hop++) {
    const target = opts.aliases.get(name);
    if (!target) break;
    name = target;
  }
  const shown = asked || name;

  const check = (r: ResolvedModel): ResolvedModel => {
    if (r.entry && r.entry.kind !== kind) {
      throw errors.invalidRequest(
        `The model '${shown}' is a${r.entry.kind === "embedding" ? "n" : ""} ${r.entry.kind} model and cannot be used with ${KIND_ENDPOINT[kind]}; use ${KIND_ENDPOINT[r.entry.kind]}.`,
        "model",
        "model_not_supported",
      );
    }
    return r;
  };

  if (snapshot) {
    const exact = snapshot.lookup.get(name) ?? builtinEntry(snapshot, name);
    if (exact) return check(entryResult(shown, exact, snapshot));
  }
  // OpenAI model names some clients hard-code map to the configured defaults.
  if ((kind === "chat" && OPENAI_CHAT.test(name)) || (kind === "embedding" && OPENAI_EMBEDDING.test(name))) {
    const fallback = defaultFor(kind, opts)!;
    const viaDefault = snapshot?.lookup.get(fallback);
    if (viaDefault) return check(entryResult(shown, viaDefault, snapshot!));
    name = fallback;
  }
  if (snapshot) {
    const p = profileFor(snapshot, name);
    if (p) return check({ requested: shown, bedrockId: p.bedrockId, baseModelId: p.baseModelId, entry: p });
  }
  if (!snapshot || ARN.test(name)) {
    // Provisioned, custom and imported models are ARNs Bedrock resolves itself.
    return { requested: shown, bedrockId: name, baseModelId: baseIdFromName(name), entry: undefined };
  }
  throw errors.modelNotFound(shown);
}

/** The catalog entry an Anthropic public name (claude-sonnet-4-5…) stands for, if any. */
function builtinEntry(snapshot: CatalogSnapshot, name: string): CatalogModel | undefined {
  const builtin = snapshot.anthropicNames.get(name);
  return builtin ? snapshot.lookup.get(builtin.baseModelId) : undefined;
}

/**
 * The entry a name reaches without aliases or defaults: exact spelling, Anthropic public name,
 * or a base id served through a profile (what /v1/models/{id} and alias checks need).
 */
export function findModel(snapshot: CatalogSnapshot, name: string): CatalogModel | undefined {
  const hit = snapshot.lookup.get(name) ?? builtinEntry(snapshot, name);
  if (hit) return hit.source === "foundation-model" && !hit.listed ? (profileFor(snapshot, hit.id) ?? hit) : hit;
  return profileFor(snapshot, name);
}

/** Best-effort foundation id from a name we could not look up: strip a geography prefix. */
export function baseIdFromName(name: string): string {
  const m = /^(?:us|eu|apac|jp|au|ca|us-gov|global)\.(.+)$/.exec(name);
  return m ? m[1]! : name;
}

// Pure: Bedrock listings → the catalog snapshot the gateway lists and resolves models against.
import type { FoundationModelSummary, InferenceProfileSummary } from "../bedrock/control-plane-client.ts";
import { anthropicNames } from "./anthropic-names.ts";
import type { AnthropicName } from "./anthropic-names.ts";
import type { NativeTarget } from "../upstreams/native/native-routes.ts";

export type ModelKind = "chat" | "embedding" | "image" | "rerank";

export interface CatalogModel {
  /** The id clients send and /v1/models lists (profile id, foundation model id, or app-profile name). */
  id: string;
  kind: ModelKind;
  /** Provider shown as `owned_by`. */
  provider: string;
  /** Unix seconds. */
  created: number;
  /** What is sent to Bedrock as modelId. */
  bedrockId: string;
  /** The underlying foundation model id: the key for model capabilities. */
  baseModelId: string;
  source: "foundation-model" | "system-profile" | "application-profile" | "native";
  inputModalities: string[];
  /** Whether the model appears in /v1/models (base ids only reachable through a profile do not). */
  listed: boolean;
  arn?: string;
  name?: string;
  /** Set when calls go to a Bedrock OpenAI-compatible endpoint instead of Converse (native-only
   * models, and Converse models forced there by NATIVE_MODELS). */
  native?: NativeTarget;
}

export interface CatalogSnapshot {
  models: CatalogModel[];
  /** Every accepted spelling (id, ARN, app-profile name and id) → model. */
  lookup: Map<string, CatalogModel>;
  /** System-defined profiles by their underlying foundation model id. */
  profilesByBaseModel: Map<string, CatalogModel[]>;
  /** Foundation models by id (all, listed or not). */
  foundationModels: Map<string, FoundationModelSummary>;
  /** Anthropic's public names (claude-sonnet-4-5, dated, -latest) → the Claude foundation model. */
  anthropicNames: Map<string, AnthropicName>;
  region: string;
}

export interface BuildOptions {
  region: string;
  includeSystemProfiles: boolean;
  includeApplicationProfiles: boolean;
}

const FM_ARN = /:foundation-model\/(.+)$/;
const PROFILE_ARN = /:inference-profile\/(.+)$/;
const GEO_PREFIX = /^([a-z-]+)\.(.+)$/;

function kindOf(fm: FoundationModelSummary | undefined, id: string): ModelKind | undefined {
  if (/rerank/i.test(id)) return "rerank";
  const out = fm?.outputModalities;
  if (!out) return "chat"; // unknown model behind a profile: chat is the safe default
  if (out.includes("EMBEDDING")) return "embedding";
  if (out.includes("TEXT")) return "chat";
  if (out.includes("IMAGE")) return "image";
  return undefined; // speech, video: not served by this gateway
}

function seconds(t: number | string | undefined): number {
  if (t === undefined) return 0;
  const ms = typeof t === "number" ? t * 1000 : Date.parse(t);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
}

function provider(fm: FoundationModelSummary | undefined, baseId: string): string {
  return (fm?.providerName ?? baseId.split(".")[0] ?? "bedrock").toLowerCase().replace(/\s+/g, "-");
}

/** The base foundation model id behind a profile: first model ARN, or the id with its geo prefix removed. */
function baseOfProfile(p: InferenceProfileSummary, known: Map<string, FoundationModelSummary>): string {
  for (const m of p.models) {
    const fm = m.modelArn && FM_ARN.exec(m.modelArn);
    if (fm) return fm[1]!;
    const prof = m.modelArn && PROFILE_ARN.exec(m.modelArn);
    if (prof) {
      const geo = GEO_PREFIX.exec(prof[1]!);
      if (geo && known.has(geo[2]!)) return geo[2]!;
    }
  }
  const geo = GEO_PREFIX.exec(p.inferenceProfileId);
  return geo && known.has(geo[2]!) ? geo[2]! : p.inferenceProfileId;
}

export function buildCatalog(
  foundation: FoundationModelSummary[],
  systemProfiles: InferenceProfileSummary[],
  appProfiles: InferenceProfileSummary[],
  opts: BuildOptions,
): CatalogSnapshot {
  const fms = new Map(foundation.map((m) => [m.modelId, m]));
  const models: CatalogModel[] = [];
  const lookup = new Map<string, CatalogModel>();
  const profilesByBaseModel = new Map<string, CatalogModel[]>();
  const add = (m: CatalogModel, keys: (string | undefined)[]) => {
    models.push(m);
    for (const k of keys) if (k && !lookup.has(k)) lookup.set(k, m);
  };

  for (const fm of foundation) {
    const kind = kindOf(fm, fm.modelId);
    if (!kind) continue;
    const onDemand = (fm.inferenceTypesSupported ?? ["ON_DEMAND"]).includes("ON_DEMAND");
    add(
      {
        id: fm.modelId,
        kind,
        provider: provider(fm, fm.modelId),
        created: seconds(fm.modelLifecycle?.startOfLifeTime),
        bedrockId: fm.modelId,
        baseModelId: fm.modelId,
        source: "foundation-model",
        inputModalities: fm.inputModalities ?? ["TEXT"],
        listed: onDemand && fm.modelLifecycle?.status !== "INACTIVE",
        arn: fm.modelArn,
        name: fm.modelName,
      },
      [fm.modelId, fm.modelArn],
    );
  }

  for (const p of systemProfiles) {
    if (p.status && p.status !== "ACTIVE") continue;
    const base = baseOfProfile(p, fms);
    const fm = fms.get(base);
    const kind = kindOf(fm, base);
    if (!kind) continue;
    const m: CatalogModel = {
      id: p.inferenceProfileId,
      kind,
      provider: provider(fm, base),
      created: seconds(p.createdAt),
      bedrockId: p.inferenceProfileId,
      baseModelId: base,
      source: "system-profile",
      inputModalities: fm?.inputModalities ?? ["TEXT"],
      listed: opts.includeSystemProfiles,
      arn: p.inferenceProfileArn,
      name: p.inferenceProfileName,
    };
    add(m, [p.inferenceProfileId, p.inferenceProfileArn]);
    const list = profilesByBaseModel.get(base) ?? [];
    list.push(m);
    profilesByBaseModel.set(base, list);
  }

  if (opts.includeApplicationProfiles) {
    for (const p of appProfiles) {
      if (p.status && p.status !== "ACTIVE") continue;
      const base = baseOfProfile(p, fms);
      const fm = fms.get(base);
      const kind = kindOf(fm, base);
      if (!kind) continue;
      add(
        {
          id: p.inferenceProfileName,
          kind,
          provider: provider(fm, base),
          created: seconds(p.createdAt),
          bedrockId: p.inferenceProfileArn,
          baseModelId: base,
          source: "application-profile",
          inputModalities: fm?.inputModalities ?? ["TEXT"],
          listed: true,
          arn: p.inferenceProfileArn,
          name: p.inferenceProfileName,
        },
        [p.inferenceProfileName, p.inferenceProfileArn, p.inferenceProfileId],
      );
    }
  }

  const names = anthropicNames(models.filter((m) => m.source === "foundation-model" && m.kind === "chat").map((m) => m.id));
  return { models, lookup, profilesByBaseModel, foundationModels: fms, anthropicNames: names, region: opts.region };
}

/** Geography prefixes of system-defined profiles to try for a region, most local first. */
export function geographyPrefixes(region: string): string[] {
  if (region.startsWith("us-gov-")) return ["us-gov"];
  if (region.startsWith("us-")) return ["us"];
  if (region.startsWith("ca-")) return ["ca", "us"];
  if (region.startsWith("eu-")) return ["eu"];
  if (region === "ap-northeast-1" || region === "ap-northeast-3") return ["jp", "apac"];
  if (region === "ap-southeast-2" || region === "ap-southeast-4") return ["au", "apac"];
  if (region.startsWith("ap-")) return ["apac"];
  return [];
}
